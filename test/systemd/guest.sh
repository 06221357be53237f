#!/bin/sh
# guest.sh: the tests of `make test-systemd`, inside the guest: systemd is
# PID 1 and ocibox-test.service runs this (POSIX sh) with its output on the
# console. The tools are the host's, through the 9p root; the tree is the
# host's checkout at the same path (OCIBOX_TOP, OCIBOX_B from
# /etc/ocibox-test/env). $BOOT (ocibox.boot= on the kernel command line) is
# v2 or hybrid; ocibox.tests=a,b runs only those checks. Prints PASS/FAIL/
# SKIP lines, "N passed, N failed[, N skipped]" and OCIBOX-SD-EXIT=<status>,
# which run.sh on the host reads.
#
# First the tier's own checks (TIER_TESTS: systemd and the bus work, a
# transient scope with Delegate=yes can be made and removed), then the
# driver's (DRIVER_TESTS, from test/systemd/driver.sh: add them there), then
# a check that nothing is left.
set -u
: "${OCIBOX_TOP:?no OCIBOX_TOP (see /etc/ocibox-test/env)}" "${OCIBOX_B:?no OCIBOX_B}"
export OCIBOX="$OCIBOX_TOP/ocibox" PROBE="$OCIBOX_B/test/probe" TOP="$OCIBOX_TOP"
BOOT=$(sed -n 's/.*ocibox\.boot=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
# ocibox.tests=a,b (run.sh's SYSTEMD_TESTS): only those checks
ONLY=$(sed -n 's/.*ocibox\.tests=\([a-z0-9_,]*\).*/\1/p' /proc/cmdline | tr , ' ')
RESULTS=/run/ocibox-sd-results
: > "$RESULTS"
echo "OCIBOX-SD-START"
# lib.sh: testing, testing_rc, contains, mkbundle, base_bundle, r, d, jqset;
# $T (a private temp dir, on tmpfs here), $ROOT, $O; cleanup at exit
. "$TOP/test/lib.sh"
TESTNAME=systemd-$BOOT
# the results also go to a file, so that the summary counts them all
pass() { echo "PASS: $TESTNAME: $1" | tee -a "$RESULTS"; }
fail() { echo "FAIL: $TESTNAME: $1${2:+ ($2)}" | tee -a "$RESULTS"; }
skip() { echo "SKIP: $TESTNAME: $1: $2" | tee -a "$RESULTS"; }
info() { echo "info: $TESTNAME: $*"; }
# check DESC CMD...: pass when CMD succeeds
check() { _c=$1; shift; if "$@"; then pass "$_c"; else fail "$_c"; fi; }
# relay NAME CMD...: a whole suite as part of this tier: its PASS/FAIL/SKIP
# lines ("PASS: NAME: ...") join the count as "PASS: $TESTNAME: NAME: ...",
# its summary line becomes an info line, the rest is indented; a suite that
# exits non-zero without a FAIL line of its own is one FAIL (the exit status
# comes through the pipe as a last line)
relay() {
	_n=$1
	shift
	{ "$@" 2>&1; echo "relay-exit=$?"; } |
	while IFS= read -r l; do
		case $l in
		PASS:\ *|FAIL:\ *|SKIP:\ *)
			echo "${l%%: *}: $TESTNAME: ${l#*: }" | tee -a "$RESULTS" ;;
		relay-exit=0) ;;
		relay-exit=*)
			grep -q "^FAIL: $TESTNAME: $_n: " "$RESULTS" ||
				fail "$_n: exited with status ${l#relay-exit=}" ;;
		*" passed, "*" failed"*) info "$_n: $l" ;;
		*) echo "    $l" ;;
		esac
	done
}

# ---- helpers, for the driver's checks too ---------------------------------
# sd_prop UNIT PROPERTY: the property's value as `systemctl show` has it
sd_prop() { systemctl show -p "$2" --value "$1" 2>/dev/null; }
# sd_wait_active UNIT: wait up to 20 s until the unit is active
sd_wait_active() {
	i=0
	while [ "$(systemctl is-active "$1" 2>/dev/null)" != active ]; do
		i=$((i + 1)); [ $i -gt 40 ] && return 1; sleep 0.5
	done
}
# sd_wait_gone UNIT: wait up to 20 s until systemd has dropped the unit
sd_wait_gone() {
	i=0
	while [ -n "$(systemctl list-units --all --plain --no-legend "$1" 2>/dev/null)" ]; do
		i=$((i + 1)); [ $i -gt 40 ] && return 1; sleep 0.5
	done
}
# sd_units_left: loaded units named *ocibox* other than this tier's own
sd_units_left() {
	systemctl list-units --all --plain --no-legend '*ocibox*' 2>/dev/null |
		awk '{print $1}' | grep -v '^ocibox-test\.\(service\|target\)$' || true
}
# bus_manager METHOD SIGNATURE ARGS...: call systemd's Manager over the system bus
bus_manager() {
	timeout 60 busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
		org.freedesktop.systemd1.Manager "$@"
}
# CG_LAYOUT: unified, hybrid or legacy (what systemd mounted)
CG_LAYOUT=legacy
case $(stat -fc %T /sys/fs/cgroup) in
cgroup2fs) CG_LAYOUT=unified ;;
tmpfs) [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && CG_LAYOUT=hybrid ;;
esac
# cg_dir CGPATH: the directory of a cgroup path (as in ControlGroup=) in
# systemd's own hierarchy
cg_dir() {
	case $CG_LAYOUT in unified) echo "/sys/fs/cgroup$1" ;; *) echo "/sys/fs/cgroup/systemd$1" ;; esac
}
# cg_mem_max CGPATH: the cgroup's memory limit in bytes, from the kernel
cg_mem_max() {
	case $CG_LAYOUT in
	unified) cat "/sys/fs/cgroup$1/memory.max" ;;
	*) cat "/sys/fs/cgroup/memory$1/memory.limit_in_bytes" ;;
	esac
}
# in_cgroup PID CGPATH: PID is in that cgroup (of systemd's hierarchy)
in_cgroup() {
	case $CG_LAYOUT in
	unified) grep -qx "0::$2" "/proc/$1/cgroup" ;;
	*) grep -qx "[0-9]*:name=systemd:$2" "/proc/$1/cgroup" ;;
	esac
}

# ---- the tier's own checks ------------------------------------------------
t_pid1() {
	check "systemd is PID 1 ($(readlink /proc/1/exe), $(systemctl --version | head -1))" \
		[ "$(cat /proc/1/comm)" = systemd ]
	testing "systemd does not think it runs in a container" \
		"systemd-detect-virt --container" none 1
}
t_running() {
	st=$(timeout 180 systemctl is-system-running --wait 2>&1)
	case $st in
	running) pass "the system is running" ;;
	degraded)
		pass "the system is running (degraded)"
		systemctl --failed --plain --no-legend --no-pager | sed "s/^/info: $TESTNAME: failed unit: /" ;;
	*)
		fail "the system is running" "is-system-running: $st"
		systemctl list-jobs --no-pager | sed 's/^/    /' ;;
	esac
}
t_cgroup() {
	v1=$(awk '$3 == "cgroup" {n++} END {print n + 0}' /proc/self/mounts)
	case $BOOT in
	v2)
		testing "/sys/fs/cgroup is cgroup2 (systemd's unified hierarchy)" "echo $CG_LAYOUT" unified
		testing "no cgroup v1 hierarchy is mounted" "echo $v1" 0
		info "cgroup2 controllers at the root: $(cat /sys/fs/cgroup/cgroup.subtree_control)" ;;
	hybrid)
		testing "cgroups are hybrid (v1 hierarchies, cgroup2 at /sys/fs/cgroup/unified)" \
			"echo $CG_LAYOUT" hybrid
		check "v1 hierarchies are mounted" [ "$v1" -gt 1 ]
		info "v1 hierarchies:$(awk '$3 == "cgroup" {sub(".*/", "", $2); printf " %s", $2}' /proc/self/mounts)" ;;
	*) fail "ocibox.boot=$BOOT on the kernel command line: expected v2 or hybrid" ;;
	esac
	check "this test runs in ocibox-test.service's cgroup" \
		in_cgroup $$ /system.slice/ocibox-test.service
}
t_bus() {
	testing "the system bus answers: Manager.GetUnit init.scope" \
		"bus_manager GetUnit s init.scope" 'o "/org/freedesktop/systemd1/unit/init_2escope"'
	testing "dbus-daemon runs as the system bus (dbus.service)" \
		"systemctl is-active dbus.service" active
}
# scope_checks UNIT PID HOW: the transient scope UNIT holding PID has
# Delegate=yes and MemoryMax=64M, in systemd and in the kernel
scope_checks() {
	testing "$3: Delegate=yes" "sd_prop $1 Delegate" yes
	testing "$3: MemoryMax=64M" "sd_prop $1 MemoryMax" 67108864
	cg=$(sd_prop "$1" ControlGroup)
	check "$3: the process is in the scope's cgroup ($cg)" in_cgroup "$2" "$cg"
	testing "$3: the kernel has the memory limit" "cg_mem_max $cg" 67108864
}
# scope_gone UNIT CGPATH HOW: stopped, the unit and its cgroup are gone
scope_gone() {
	check "$3: stopped, systemd has no such unit left" sd_wait_gone "$1"
	check "$3: its cgroup is gone" [ ! -d "$(cg_dir "$2")" ]
}
t_scope_run() {
	u=ocibox-smoke-$$.scope h="systemd-run --scope"
	systemd-run --quiet --scope --unit="${u%.scope}" -p Delegate=yes -p MemoryMax=64M sleep 30 &
	pid=$!
	if ! sd_wait_active "$u"; then
		fail "$h: the scope is active"; kill "$pid"; wait "$pid"; return
	fi
	pass "$h: the scope is active"
	scope_checks "$u" "$pid" "$h"
	timeout 30 systemctl stop "$u"
	wait "$pid"
	scope_gone "$u" "$cg" "$h"
}
t_scope_bus() {
	u=ocibox-bus-$$.scope h="D-Bus StartTransientUnit"
	sleep 30 &
	pid=$!
	out=$(bus_manager StartTransientUnit 'ssa(sv)a(sa(sv))' "$u" fail \
		3 PIDs au 1 "$pid" Delegate b true MemoryMax t 67108864 0 2>&1)
	case $out in
	'o "/org/freedesktop/systemd1/job/'*) ;;
	*) fail "$h: a scope for a running pid" "$out"; kill "$pid"; wait "$pid"; return ;;
	esac
	check "$h: a scope for a running pid" sd_wait_active "$u"
	scope_checks "$u" "$pid" "$h"
	bus_manager StopUnit ss "$u" fail >/dev/null
	wait "$pid"
	scope_gone "$u" "$cg" "$h"
}
TIER_TESTS="t_pid1 t_running t_cgroup t_bus t_scope_run t_scope_bus"

# ---- the driver's checks: test/systemd/driver.sh sets DRIVER_TESTS --------
DRIVER_TESTS=
. "$TOP/test/systemd/driver.sh"
# AppArmor applied (apparmor.sh), docker and containerd (engines.sh), the
# Kubernetes CRI tier with SystemdCgroup (k8s.sh), rootless with a delegated
# cgroup v2 subtree (rootless.sh): they add their checks to DRIVER_TESTS
. "$TOP/test/systemd/apparmor.sh"
. "$TOP/test/systemd/engines.sh"
. "$TOP/test/systemd/k8s.sh"
. "$TOP/test/systemd/rootless.sh"

t_nothing_left() {
	testing "nothing left: no ocibox unit" "sd_units_left" ""
	testing "nothing left: no container" "$O list -q" ""
	testing "nothing left: no ocibox cgroup" \
		"find /sys/fs/cgroup -maxdepth 3 -name '*ocibox*' ! -name ocibox-test.service" ""
}

finish() {
	rc=$?
	[ -n "$done" ] || fail "guest.sh ended before its last check (status $rc)"
	for u in $(sd_units_left); do timeout 30 systemctl stop "$u" 2>/dev/null; done
	cleanup
	p=$(grep -c '^PASS:' "$RESULTS"); f=$(grep -c '^FAIL:' "$RESULTS")
	s=$(grep -c '^SKIP:' "$RESULTS")
	rm -f "$RESULTS"
	if [ "$s" != 0 ]; then echo "$p passed, $f failed, $s skipped"; else echo "$p passed, $f failed"; fi
	x=0; [ "$f" = 0 ] || x=1
	echo "OCIBOX-SD-EXIT=$x"
	exit $x
}
trap finish EXIT

info "kernel $(uname -r), cgroups $CG_LAYOUT, $(systemctl --version | head -1), LSMs $(cat /sys/kernel/security/lsm 2>/dev/null), tests start $(cut -d' ' -f1 /proc/uptime)s after boot"
done=
for t in ${ONLY:-$TIER_TESTS $DRIVER_TESTS} t_nothing_left; do
	case $(command -v "$t") in
	"$t") $t ;;
	*) fail "no such check: $t" ;;
	esac
done
done=1
