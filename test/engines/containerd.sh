#!/bin/sh
# containerd.sh: containerd 1.6 (its own config, socket, root and state
# under $T, no CRI) and ctr drive ocibox through the runc v2 shim:
# `ctr run --runc-binary OCIBOX --runc-root ROOT` (the shim then passes
# --root ROOT on every call).
. "$TOP/test/lib.sh"
. "$TOP/test/engines/common.sh"

need_pkgs containerd containerd ||
	engine_skip "apt-get install containerd failed (see the apt log)"
command -v ctr >/dev/null || engine_skip "no ctr after installing containerd"

NS=ocibox-test
D=$T/ctrd
mkdir -p "$D"
containerd_config "$D"
C() { tmo 60 ctr --address "$D/containerd.sock" -n $NS "$@"; }
RUN="--runc-binary $OCIBOX --runc-root $ROOT"
I=localhost/ocibox-bb:latest

ns_cgroups() { # the cgroups of our namespace's containers
	find /sys/fs/cgroup/*/$NS -mindepth 1 -maxdepth 1 -type d 2>/dev/null
}
engine_cleanup() {
	if [ -S "$D/containerd.sock" ]; then
		for id in $(C task ls -q 2>/dev/null); do
			C task kill -a -s SIGKILL "$id" >/dev/null 2>&1
			C task rm -f "$id" >/dev/null 2>&1
		done
		for id in $(C container ls -q 2>/dev/null); do
			C container rm "$id" >/dev/null 2>&1
		done
	fi
	daemon_stop "$D/containerd.pid"
	# the namespace level that the containers' cgroups were made under
	for d in /sys/fs/cgroup/*/$NS; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	return 0
}
trap 'engine_cleanup; keep_logs "$D/containerd.log"; cleanup' EXIT

containerd_start "$D"

mkimage_tar "$T/img"
mkimage_oci "$T/img" latest
out=$(C image import --base-name localhost/ocibox-bb "$T/img/image-oci.tar" 2>&1) ||
	engine_skip "ctr image import failed: $out"
C image ls -q | grep -qx "$I" || engine_skip "ctr image import: no $I ($out)"

# ---- ctr run
testing "run --rm (image from an OCI archive)" "C run --rm $RUN $I t1 /bin/echo hi" "hi"
testing_rc "run: exit code 3" 3 "C run --rm $RUN $I t2 /bin/sh -c 'exit 3'"
testing "run --rootfs" "C run --rm $RUN --rootfs $T/img/rootfs t3 /bin/echo rootfs" "rootfs"
testing "run: the shim's fd 3 is not visible (only 0 1 2)" \
	"C run --rm $RUN $I t4 /probe fds" "0 1 2"
testing "run -t (script): a pty" \
	"script -qec 'ctr --address $D/containerd.sock -n $NS run --rm -t $RUN $I t5 /bin/tty' /dev/null | grep -ao '/dev/pts/[0-9]*'" \
	"/dev/pts/0"
testing "run: limits from ctr flags (the host's view of the cgroup)" \
	"C run -d $RUN --memory-limit 67108864 $I t6 /bin/sleep 100 >/dev/null && cat /sys/fs/cgroup/memory/$NS/t6/memory.limit_in_bytes; C task kill -s SIGKILL t6; sleep 0.5; C task rm t6 >/dev/null; C container rm t6" \
	"67108864"
testing "run: the cgroup is /$NS/ID" \
	"C run --rm $RUN $I t7 /bin/cat /proc/self/cgroup | grep -c ':/$NS/t7\$' | grep -v '^0\$' >/dev/null && echo ok" "ok"

# ---- errors the user sees
out=$(C run --rm $RUN $I t8 /nonexist 2>&1); rc=$?
expect "run: missing command fails" 1 $rc "$out"
expect_match "run: missing command: ocibox's reason reaches ctr" \
	'exec "/nonexist": no such file or directory' "$out"
echo "    ctr prints: $out"
out=$(C run --rm $RUN $I t9 nonexist 2>&1); rc=$?
expect_match "run: command not in \$PATH: ocibox's reason reaches ctr" \
	'exec: "nonexist": executable file not found in \$PATH' "$out"
out=$(C run --rm $RUN --memory-limit 1024 $I t10 /bin/true 2>&1); rc=$?
expect "run: impossible memory limit fails" 1 $rc "$out"
expect_match "run: impossible memory limit: ocibox's reason reaches ctr" \
	'OCI runtime create failed: container init was killed by the OOM killer.*memory.limit 1024' "$out"
echo "    ctr prints: $out"
C oci spec > "$T/spec.json"
jq --arg r "$T/img/rootfs" '.root.path = $r | .process.args = ["/bin/true"] |
	.process.rlimits = [{"type": "RLIMIT_BOGUS", "hard": 1, "soft": 1}]' \
	"$T/spec.json" > "$T/bad.json"
out=$(C run --rm $RUN --config "$T/bad.json" t11 2>&1); rc=$?
expect "run --config with an invalid config.json fails" 1 $rc "$out"
expect_match "run: invalid config.json: ocibox's reason reaches ctr" \
	'OCI runtime create failed: config.json: process.rlimits\[0\].type: unknown rlimit "RLIMIT_BOGUS"' "$out"
echo "    ctr prints: $out"

# ---- a detached task
testing_rc "run -d" 0 "C run -d $RUN $I c1 /bin/sleep 1000"
testing "task exec" "C task exec --exec-id e1 c1 /bin/echo ok" "ok"
testing "task exec: stdin" "echo in | C task exec --exec-id e2 c1 /bin/cat" "in"
testing "task exec -t (script)" \
	"script -qec 'ctr --address $D/containerd.sock -n $NS task exec -t --exec-id e3 c1 /bin/tty' /dev/null | grep -ao '/dev/pts/[0-9]*'" \
	"/dev/pts/0"
testing_rc "task exec: exit status 5" 5 "C task exec --exec-id e4 c1 /bin/sh -c 'exit 5'"
testing "task exec: only fds 0 1 2" "C task exec --exec-id e5 c1 /probe fds" "0 1 2"
out=$(C task exec --exec-id e6 c1 /nonexist 2>&1); rc=$?
expect_match "task exec: missing command: ocibox's reason" \
	'exec "/nonexist": no such file or directory' "$out"
testing "task ps: the init's host pid" \
	"C task ps c1 | awk 'NR > 1 {print \$1}' | head -1 | grep -qx \"\$(C task ls | awk '\$1 == \"c1\" {print \$2}')\" && echo ok" \
	"ok"
testing "task pause" "C task pause c1 && C task ls | awk '\$1 == \"c1\" {print \$3}'" "PAUSED"
testing "task resume" "C task resume c1 && C task ls | awk '\$1 == \"c1\" {print \$3}'" "RUNNING"
C task exec -d --exec-id e7 c1 /bin/sleep 1000 >/dev/null 2>&1
testing "kill -a -s SIGKILL: every process, task stopped" \
	"C task kill -a -s SIGKILL c1 && sleep 1 && C task ls | awk '\$1 == \"c1\" {print \$3}'" "STOPPED"
testing_rc "task rm" 0 "C task rm c1"
testing_rc "container rm" 0 "C container rm c1"
testing_rc "run -d then kill (TERM to a trap) and delete" 0 \
	"C run -d $RUN $I c2 /bin/sh -c 'trap \"exit 0\" TERM; while :; do sleep 0.1; done' && sleep 0.5 && C task kill c2 && sleep 1 && C task rm c2 && C container rm c2"

# ---- nothing left behind
# (the shim keeps one root per namespace: ROOT/NS)
expect "no ocibox state left under the private root" "" "$(leftovers "$ROOT/$NS")"
expect "no container cgroup left under /$NS" "" "$(ns_cgroups)"
expect "no task mounts left" "" "$(mounts_under "$D/state")"
