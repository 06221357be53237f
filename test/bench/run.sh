#!/bin/sh
# bench/run.sh: N sequential `run` lifecycles of a busybox /bin/true bundle
# for ocibox, runc and crun, in one run, printing medians, ratios and peak RSS
# as a markdown table. crun refuses this host's hybrid cgroups, so every
# runtime is also measured inside a private mount namespace whose
# /sys/fs/cgroup is a plain cgroup2 mount (the host's is never touched).
# Usage: test/bench/run.sh [N]   (default 200)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$top/build}
N=${1:-${N:-200}}
OCIBOX=$top/ocibox PROBE=$B/test/probe
T=$(mktemp -d /tmp/ocibox-bench.XXXXXX)
trap 'for r in $T/root-*; do [ -d "$r" ] || continue; for c in "$r"/*/; do [ -d "$c" ] && $OCIBOX --root "$r" delete -f "$(basename "$c")" >/dev/null 2>&1; done; done; rm -rf "$T"' EXIT

mkbundle() { # DIR: /bin/true, no linux.resources, no terminal
	mkdir -p "$1/rootfs/bin" "$1/rootfs/proc" "$1/rootfs/sys" "$1/rootfs/dev" "$1/rootfs/tmp"
	cp /bin/busybox "$1/rootfs/bin/busybox"
	ln -sf busybox "$1/rootfs/bin/true"
	$OCIBOX spec --bundle "$1"
	jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"] | del(.linux.resources)' \
		"$1/config.json" > "$1/c.json" && mv "$1/c.json" "$1/config.json"
}
mkbundle "$T/plain"
mkbundle "$T/seccomp"
jq --slurpfile sc "$top/test/data/podman-seccomp.json" '.linux.seccomp = $sc[0]' \
	"$T/seccomp/config.json" > "$T/seccomp/c.json" && mv "$T/seccomp/c.json" "$T/seccomp/config.json"

# row ENV RUNTIME BUNDLE: one runtime, N runs; prints "median p90 min rss fails"
row() {
	env=$1 rt=$2 b=$3 root=$T/root-$2-$1
	case $rt in
	ocibox) cmd="$OCIBOX --root $root run --bundle $b bench" ;;
	runc) cmd="runc --root $root run --bundle $b bench" ;;
	crun) cmd="crun --root $root run --bundle $b bench" ;;
	esac
	if [ "$env" = v2 ]; then
		unshare -m --propagation private sh -c \
			"mount -t cgroup2 none /sys/fs/cgroup && exec $B/test/bench $N $cmd"
	else
		$B/test/bench "$N" $cmd
	fi
}

seccomp_on=$($OCIBOX features | jq -r .linux.seccomp.enabled)
echo "| environment | config | runtime | median ms | p90 ms | min ms | peak RSS KiB | vs ocibox |"
echo "|---|---|---|---|---|---|---|---|"
for env in hybrid v2; do
	for cfg in plain seccomp; do
		[ "$cfg" = seccomp ] && [ "$seccomp_on" != true ] && continue
		base=""
		for rt in ocibox runc crun; do
			[ "$rt" = crun ] && [ "$env" = hybrid ] && continue
			command -v "$rt" >/dev/null 2>&1 || [ "$rt" = ocibox ] || continue
			set -- $(row "$env" "$rt" "$T/$cfg")
			[ -z "$base" ] && base=$1
			ratio=$(echo "$1 $base" | awk '{printf "%.2fx", $1 / $2}')
			fails=""; [ "$5" != 0 ] && fails=" ($5 of $N failed)"
			echo "| $env | $cfg | $rt | $1 | $2 | $3 | $4 | $ratio$fails |"
		done
	done
done
echo
printf 'binary sizes: ocibox %s bytes (static)' "$(stat -c %s "$OCIBOX")"
for rt in runc crun; do
	p=$(command -v $rt 2>/dev/null) && printf ', %s %s bytes' "$rt" "$(stat -L -c %s "$p")"
done
echo
echo "(N=$N sequential runs each; $(nproc) cores; $(uname -r))"
