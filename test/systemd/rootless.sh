# rootless.sh: test/cli/rootless.sh on this tier's pure cgroup v2 boot, the
# one place it can check what this hybrid host cannot: a delegated cgroup v2
# subtree with the memory controller, where a rootless container's memory
# limit is applied and enforced (the OOM kill). The guest's root is the
# host's own (useradd, newuidmap, jq are there). Sourced by guest.sh; its
# PASS/FAIL/SKIP lines join this tier's count, named systemd-v2: rootless:.

rootless_v2() {
	[ "$CG_LAYOUT" = unified ] || { info "rootless: cgroup v2 only"; return; }
	relay rootless timeout -k 10 300 sh "$TOP/test/cli/rootless.sh"
}

DRIVER_TESTS="$DRIVER_TESTS rootless_v2"
