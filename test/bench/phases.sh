#!/bin/sh
# bench/phases.sh: where the time of one `ocibox run` of /bin/true goes, by
# phase, and how many syscalls it makes, next to the kernel's floor.
# The phases come from ocibox's own timing marks (OCIBOX_PHASES set: each
# mark is "ocibox-phase NAME PID NS" on stderr, CLOCK_MONOTONIC, from the
# runtime and from the container init before its execve) and bench's marks
# around each run (fork, reap); each row is the median over N runs of the
# time from the previous mark (runtime and init merged on one timeline) to
# this one. The syscall counts are `strace -f -c` of one run.
# Environment: pure cgroup v2 in a private mount namespace (as run.sh), the
# --root on a private tmpfs; config plain, or podman's seccomp profile with -s.
# Usage: test/bench/phases.sh [-s] [N]   (default N 200)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$top/build}
OCIBOX=$top/ocibox BENCH=$B/test/bench FLOOR=$B/test/floor
cfg=plain
[ "${1:-}" = -s ] && { cfg=seccomp; shift; }
N=${1:-200}
[ "$(id -u)" = 0 ] || { echo "phases: needs root" >&2; exit 1; }
T=$(mktemp -d /var/tmp/ocibox-phases.XXXXXX)
cleanup() {
	set +e
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

d=$T/b
mkdir -p "$d/rootfs/bin" "$d/rootfs/proc" "$d/rootfs/sys" "$d/rootfs/dev" "$d/rootfs/tmp" "$T/root"
cp /bin/busybox "$d/rootfs/bin/busybox"
ln -s busybox "$d/rootfs/bin/true"
$OCIBOX spec --bundle "$d"
jq '.ociVersion = "1.0.2" | .process.terminal = false |
	.process.args = ["/bin/true"] | del(.linux.resources)' \
	<"$d/config.json" >"$d/c.json"
if [ "$cfg" = seccomp ]; then
	jq --slurpfile sc "$top/test/data/podman-seccomp.json" \
		'.linux.seccomp = $sc[0]' <"$d/c.json" >"$d/config.json"
else
	mv "$d/c.json" "$d/config.json"
fi

# in a private mount namespace: cgroup2 on /sys/fs/cgroup, --root on tmpfs;
# nothing of it outlives the namespace
unshare -m --propagation private sh -c '
	set -e
	T=$1 OCIBOX=$2 BENCH=$3 FLOOR=$4 N=$5 cfg=$6
	mount -t cgroup2 none /sys/fs/cgroup
	mount -t tmpfs -o mode=0700 tmpfs "$T/root"
	run="$OCIBOX --root $T/root run --bundle $T/b phases"
	OCIBOX_PHASES=1 "$BENCH" "$N" $run >"$T/times" 2>"$T/marks"
	strace -f -c -o "$T/sc-ocibox" $run
	fl="$FLOOR -c /sys/fs/cgroup="
	if [ "$cfg" = seccomp ]; then
		cp "$T"/root/.seccomp/* "$T/filter.bpf"
		fl="$fl -s $T/filter.bpf"
	fi
	strace -f -c -o "$T/sc-floor" $fl "$T/b/rootfs"
	OCIBOX_PHASES=1 "$BENCH" "$N" $fl "$T/b/rootfs" >/dev/null 2>"$T/fmarks"
	"$BENCH" "$N" $fl "$T/b/rootfs" -- $run >"$T/both"
' sh "$T" "$OCIBOX" "$BENCH" "$FLOOR" "$N" "$cfg"

# Per run (bench-fork .. bench-reaped): marks sorted by time; a name seen
# twice in a run (main, after the re-exec) gets "#2". Out: "pos name us".
medians() { # MARKS: "pos name us" lines, the medians by phase
grep '^ocibox-phase ' "$1" | awk '
function flush(   i, j, t, tn) {
	# insertion sort by time (a few dozen marks)
	for (i = 2; i <= n; i++) {
		t = ts[i]; tn = nm[i]
		for (j = i - 1; j >= 1 && ts[j] > t; j--) {
			ts[j + 1] = ts[j]; nm[j + 1] = nm[j]
		}
		ts[j + 1] = t; nm[j + 1] = tn
	}
	for (i = 2; i <= n; i++)
		printf "%d %s %.1f\n", i, nm[i], (ts[i] - ts[i - 1]) / 1000
	n = 0
	split("", seen)
}
$2 == "bench-fork" { n = 0; split("", seen) }
{
	name = $2
	if (name in seen)
		name = name "#" (++seen[$2] + 1)
	else
		seen[name] = 0
	nm[++n] = name; ts[n] = $4
}
$2 == "bench-reaped" { flush() }' | sort -k2,2 -k3,3n | awk '
function out() {
	if (cnt)
		printf "%.2f %s %.0f\n", possum / cnt, cur, v[int((cnt + 1) / 2)]
}
$2 != cur { out(); cur = $2; cnt = 0; possum = 0 }
{ v[++cnt] = $3; possum += $1 }
END { out() }' | sort -n
}
medians "$T/marks" >"$T/med"
medians "$T/fmarks" >"$T/fmed"

# what each mark ends (the phase from the previous mark up to it)
what() {
	case $1 in
	main) echo "fork + execve of ocibox, to main()" ;;
	reexec) echo "CVE-2019-5736 check: read-only clone of /proc/self/exe" ;;
	'main#2') echo "re-exec from the read-only mount, to main()" ;;
	parsed) echo "parse: options, read and parse config.json" ;;
	verified) echo "parse: verify the config" ;;
	checked) echo "parse: namespaces, cgroup detection, rootfs, seccomp" ;;
	state) echo "state: state dir, state.json, kept config.json" ;;
	cgroup) echo "cgroup: the leaf and the device program" ;;
	clone) echo "clone: socketpair, joins" ;;
	child) echo "clone: clone3 (namespaces, into the cgroup), child runs" ;;
	cloned) echo "clone: clone3 returns in the runtime" ;;
	state-pid) echo "state: state.json with the pid (overlaps the init)" ;;
	go) echo "init: GO received" ;;
	ns-setup) echo "init setup: cgroup namespace, hostname" ;;
	mounts) echo "init setup: mounts, device nodes, /dev links" ;;
	hooks-sync) echo "init setup: prestart/createRuntime round trip (none without hooks)" ;;
	pivot) echo "pivot: pivot_root, old root detached" ;;
	masked-ro) echo "init setup: masked and read-only paths, read-only root" ;;
	identity) echo "init setup: fds, rlimits, keyring, caps, uid/gid, seccomp" ;;
	ready) echo "state: READY received by the runtime" ;;
	state-created) echo "state: state.json \"created\"" ;;
	state-running) echo "state: START sent, state.json \"running\"" ;;
	released) echo "exec: START received by the init" ;;
	execve) echo "exec: signals reset, fds cloexec" ;;
	exited) echo "exec: execve, /bin/true runs and exits, reaped" ;;
	deleted) echo "state: delete (cgroup removal, state dir removal)" ;;
	bench-reaped) echo "ocibox exits, reaped by bench" ;;
	*) echo "$1" ;;
	esac
}
# table WHAT MEDIANS: the markdown table of MEDIANS, phases named by WHAT
table() {
	echo "| mark | phase up to the mark | median us |"
	echo "|---|---|---|"
	sum=0
	while read -r pos name us; do
		echo "| $name | $($1 "$name") | $us |"
		sum=$((sum + us))
	done <"$2"
	echo "| | sum of the medians | $sum |"
	echo
}
echo "Phases of \`ocibox run\` of /bin/true (v2, --root on tmpfs, $cfg;" \
	"medians of N=$N, microseconds, from the previous mark):"
echo
table what "$T/med"
# the floor's marks (test/bench/floor.c) at the points it shares with ocibox
fwhat() {
	case $1 in
	main) echo "fork + execve of the floor, to main()" ;;
	cgroup) echo "the cgroup leaf (mkdir)" ;;
	cloned) echo "clone3 (namespaces, into the cgroup) returns in the parent" ;;
	child) echo "the child first runs" ;;
	execve) echo "the whole setup: mounts, nodes, pivot, masks, identity" ;;
	exited) echo "execve, /bin/true runs and exits, reaped" ;;
	deleted) echo "rmdir of the leaf" ;;
	bench-reaped) echo "the floor exits, reaped by bench" ;;
	*) echo "$1" ;;
	esac
}
echo "The floor, the same way (its own run of N=$N):"
echo
table fwhat "$T/fmed"
read -r fmed _ <"$T/both"
omed=$(sed -n 2p "$T/both" | awk '{ print $1 }')
echo "Same run (interleaved, N=$N, ms): floor $fmed, ocibox $omed" \
	"(ocibox/floor $(echo "$omed $fmed" | awk '{ printf "%.2f", $1 / $2 }'));" \
	"ocibox with marks: $(awk '{ print $1 }' "$T/times")"
echo
# strace -c columns: % time, seconds, usecs/call, calls, [errors,] syscall
echo "Syscalls (strace -f -c, one run): ocibox $(awk '$NF == "total" { print $4 }' "$T/sc-ocibox")," \
	"floor $(awk '$NF == "total" { print $4 }' "$T/sc-floor")"
echo
echo "ocibox by syscall (calls):"
echo
awk 'NR > 2 && $1 !~ /^-/ && $NF != "total" { print $NF, $4 }' "$T/sc-ocibox" |
	sort -k2,2nr | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }'
