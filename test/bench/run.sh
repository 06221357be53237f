#!/bin/sh
# bench/run.sh: `run` of a busybox /bin/true bundle by the kernel's floor
# (test/bench/floor.c), ocibox, runc and crun, in one run, as markdown tables.
# Environments: pure cgroup v2 (a private mount namespace whose /sys/fs/cgroup
# is a plain cgroup2 mount; the host's is never touched) and hybrid (the host
# as is), each with --root on a private tmpfs and on the disk filesystem.
# ocibox runs twice: as installed (it re-executes itself from a read-only
# mount, the CVE-2019-5736 protection) and as ocibox-ro, from a read-only
# bind mount (nothing to protect: no re-exec), made inside the benchmark's
# own mount namespace.
# Configs: plain, and podman's seccomp profile. crun refuses hybrid cgroups,
# so it runs in v2 only; the floor has no --root. The runtimes of a cell are
# interleaved round-robin, N runs each (test/bench/bench.c).
# Then the peak RSS of each ocibox applet alone, libseccomp's own peak
# compiling podman's profile (test/bench/scpeak.c), and the binary sizes.
# Usage: test/bench/run.sh [N]   (default 100; `make bench` passes BENCH_N)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$top/build}
N=${1:-${N:-100}}
OCIBOX=$top/ocibox BENCH=$B/test/bench FLOOR=$B/test/floor
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
# under /var/tmp: bundles and the disk roots live on the disk filesystem
T=$(mktemp -d /var/tmp/ocibox-bench.XXXXXX)
mkdir "$T/tmpfs" "$T/disk"

# inenv ENV CMD [ARG...]: run CMD in environment ENV (v2 or hybrid), in a
# private mount namespace where $T/ro-ocibox is ocibox on a read-only bind
# mount (the deployment that needs no CVE-2019-5736 re-exec: README)
touch "$T/ro-ocibox"
inenv() {
	e=$1
	shift
	unshare -m --propagation private sh -c '
		[ "$1" = hybrid ] || mount -t cgroup2 none /sys/fs/cgroup || exit 1
		mount --bind "$2" "$3" && mount -o remount,bind,ro "$3" || exit 1
		shift 3
		exec "$@"' sh "$e" "$OCIBOX" "$T/ro-ocibox" "$@"
}

# Roots are $T/KIND/ENV-RUNTIME[-WHAT]. Every container left behind is deleted
# by its own runtime in its own environment; then the floor's cgroups (the
# floor removes its own unless killed), the tmpfs and the files.
cleanup() {
	set +e
	for r in "$T"/tmpfs/*-* "$T"/disk/*-*; do
		[ -d "$r" ] || continue
		env=${r##*/} rt=${env#*-} env=${env%%-*} rt=${rt%%-*}
		[ "$rt" = ocibox ] && rt=$OCIBOX
		for c in "$r"/*/; do
			[ -d "$c" ] || continue
			inenv "$env" "$rt" --root "$r" delete -f "$(basename "$c")" \
				>/dev/null 2>&1
		done
	done
	for d in /sys/fs/cgroup/*/ocibox-floor-* /sys/fs/cgroup/ocibox-floor-*; do
		[ -d "$d" ] && rmdir "$d"
	done
	mountpoint -q "$T/tmpfs" && umount "$T/tmpfs"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

mkbundle() { # DIR ARG...: a busybox rootfs, no linux.resources, no terminal
	d=$1
	shift
	mkdir -p "$d/rootfs/bin" "$d/rootfs/proc" "$d/rootfs/sys" "$d/rootfs/dev" "$d/rootfs/tmp"
	cp /bin/busybox "$d/rootfs/bin/busybox"
	for a in true sleep; do ln -sf busybox "$d/rootfs/bin/$a"; done
	$OCIBOX spec --bundle "$d"
	jq --args '.ociVersion = "1.0.2" | .process.terminal = false |
		.process.args = $ARGS.positional | del(.linux.resources)' "$@" \
		<"$d/config.json" >"$d/c.json" && mv "$d/c.json" "$d/config.json"
}
add_seccomp() { # DIR
	jq --slurpfile sc "$top/test/data/podman-seccomp.json" '.linux.seccomp = $sc[0]' \
		"$1/config.json" >"$1/c.json" && mv "$1/c.json" "$1/config.json"
}
mkbundle "$T/plain" /bin/true
mkbundle "$T/seccomp" /bin/true
add_seccomp "$T/seccomp"
mkbundle "$T/lifeb-plain" /bin/sleep 1000
mkbundle "$T/lifeb-seccomp" /bin/sleep 1000
add_seccomp "$T/lifeb-seccomp"

mount -t tmpfs -o mode=0700 tmpfs "$T/tmpfs"
mount --make-private "$T/tmpfs"

configs=plain
if [ "$($OCIBOX features | jq -r .linux.seccomp.enabled)" = true ]; then
	configs="plain seccomp"
	# the floor installs the very program ocibox would: ocibox's cache
	# entry for podman's profile, written by one run
	$OCIBOX --root "$T/disk/hybrid-ocibox-scprep" run --bundle "$T/seccomp" scprep
	set -- "$T"/disk/hybrid-ocibox-scprep/.seccomp/*
	[ $# = 1 ] && [ -f "$1" ] || { echo "bench: no seccomp cache entry" >&2; exit 1; }
	cp "$1" "$T/podman.bpf"
fi
crun_ok=false
command -v crun >/dev/null 2>&1 && crun_ok=true

# the floor's cgroup arguments: pure v2 is the one cgroup2 mount; hybrid is
# every cgroup hierarchy mounted here, with its v1 options (cpu, name=...)
cg_v2="-c /sys/fs/cgroup="
cg_hybrid=$(awk '$3 == "cgroup" || $3 == "cgroup2" {
	o = ""
	if ($3 == "cgroup") {
		n = split($4, a, ",")
		for (i = 1; i <= n; i++)
			if (a[i] !~ /^(rw|ro|relatime|noatime|nodiratime|strictatime|nosuid|nodev|noexec)$/)
				o = o (o == "" ? "" : ",") a[i]
	}
	printf "-c %s=%s ", $2, o }' /proc/self/mounts)
[ -n "$cg_hybrid" ] || { echo "bench: no cgroup mounts" >&2; exit 1; }

# cell ENV ROOTKIND CONFIG: prints "RUNTIME median p90 min rss fails" lines
cell() {
	env=$1 base=$T/$2 b=$T/$3
	rts="floor ocibox ocibox-ro runc"
	[ "$env" = v2 ] && $crun_ok && rts="$rts crun"
	args=""
	for rt in $rts; do
		case $rt in
		floor)
			eval "cg=\$cg_$env"
			cmd="$FLOOR $cg"
			[ "$3" = seccomp ] && cmd="$cmd -s $T/podman.bpf"
			cmd="$cmd $b/rootfs" ;;
		ocibox) cmd="$OCIBOX --root $base/$env-ocibox run --bundle $b bench" ;;
		ocibox-ro) cmd="$T/ro-ocibox --root $base/$env-ocibox-ro run --bundle $b bench" ;;
		*) cmd="$rt --root $base/$env-$rt run --bundle $b bench" ;;
		esac
		args="$args${args:+ -- }$cmd"
	done
	# shellcheck disable=SC2086
	inenv "$env" "$BENCH" "$N" $args >"$T/out"
	for rt in $rts; do echo "$rt"; done | paste -d ' ' - "$T/out"
	[ "$(wc -l <"$T/out")" = "$(echo $rts | wc -w)" ]
}
med() { awk -v rt="$1" '$1 == rt { print $2 }' "$T/cell"; }

ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
echo "| environment | --root on | config | runtime | median ms | p90 ms | min ms | peak RSS KiB | / floor | / ocibox |"
echo "|---|---|---|---|---|---|---|---|---|---|"
summary=""
for env in v2 hybrid; do
	for kind in tmpfs disk; do
		for cfg in $configs; do
			cell "$env" "$kind" "$cfg" >"$T/cell"
			floor=$(med floor) oci=$(med ocibox) runc=$(med runc) crun=$(med crun)
			ro=$(med ocibox-ro)
			while read -r rt m p90 min rss fails; do
				f=""
				[ "$fails" = 0 ] || f=" ($fails of $N failed)"
				echo "| $env | $kind | $cfg | $rt | $m | $p90 | $min | $rss |" \
					"$(ratio "$m" "$floor") | $(ratio "$m" "$oci") |$f"
			done <"$T/cell"
			c="- | -"
			[ -z "$crun" ] || c="$crun | $(ratio "$crun" "$oci")"
			summary="$summary| $env | $kind | $cfg | $floor | $oci | $ro | $runc |"
			summary="$summary ${c% | *} | $(ratio "$oci" "$floor") | $(ratio "$ro" "$floor") |"
			summary="$summary $(ratio "$runc" "$oci") | ${c#* | } |
"
		done
	done
done
echo
echo "(peak RSS of run: wait4's, the runtime's own or a reaped child's if larger:"
echo "the container's static busybox is about 1.3 MiB; the applets alone below)"
echo
echo "Medians (ms) and ratios:"
echo
echo "| environment | --root on | config | floor | ocibox | ocibox-ro | runc | crun | ocibox/floor | ocibox-ro/floor | runc/ocibox | crun/ocibox |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s' "$summary"

# Peak RSS of each applet alone: the ocibox process's own ru_maxrss (bench,
# N=1), the largest over a few create/state/start/state/kill/delete cycles
# of a sleeping container on the host as is. The first create of a fresh
# --root compiles the seccomp profile; later ones read ocibox's cache.
rss() {
	"$BENCH" 1 "$OCIBOX" --root "$root" "$@" >"$T/out"
	# the last line is bench's, after what the applet printed
	tail -n 1 "$T/out" | awk -v a="$1" '$5 != 0 {
		print "bench: ocibox " a " failed" >"/dev/stderr"; exit 1 } { print $4 }'
}
peak() { # VAR ARG...: VAR becomes the larger of itself and ocibox ARG...'s
	v=$1
	shift
	r=$(rss "$@")
	eval "[ \"\$$v\" -ge $r ] || $v=$r"
}
for cfg in $configs; do
	root=$T/disk/hybrid-ocibox-life-$cfg b=$T/lifeb-$cfg
	first=0 create=0 start=0 state=0 kill=0 delete=0
	for i in 1 2 3 4 5 6; do
		if [ "$i" = 1 ]; then
			first=$(rss create --bundle "$b" life)
		else
			peak create create --bundle "$b" life
		fi
		peak state state life
		peak start start life
		peak state state life
		peak kill kill life KILL
		j=0
		while [ "$($OCIBOX --root "$root" state life | jq -r .status)" != stopped ]; do
			j=$((j + 1))
			[ $j -lt 500 ] || { echo "bench: life did not stop" >&2; exit 1; }
			sleep 0.01
		done
		peak delete delete life
	done
	eval "rss_$cfg=\"$first $create $start $state $kill $delete\""
done
echo
echo "Peak RSS KiB of each ocibox applet alone (hybrid, --root on $(findmnt -no FSTYPE -T "$T/disk")):"
echo
printf '| applet | %s |\n' "$(echo "$configs" | sed 's/ / | /g')"
printf '|---|%s\n' "$(for c in $configs; do printf -- '---|'; done)"
i=1
for a in "create (first: compiles seccomp)" create start state kill delete; do
	printf '| %s |' "$a"
	for cfg in $configs; do
		eval "set -- \$rss_$cfg"
		eval "v=\${$i}"
		printf ' %s |' "$v"
	done
	echo
	i=$((i + 1))
done

if [ -x "$B/test/scpeak" ] && [ "$configs" != plain ]; then
	# what of the first create's peak is libseccomp's own: the library
	# alone (musl's malloc, nothing of ocibox) compiling the same profile;
	# ocibox's instruction count is the cache entry header's (core/seccomp.c)
	set -- $(jq -r -f "$top/test/bench/scrules.jq" "$top/test/data/podman-seccomp.json" |
		"$B/test/scpeak")
	echo
	echo "libseccomp alone compiling podman's profile (test/bench/scpeak.c):" \
		"$1 rules, $2 instructions (ocibox's program: $(od -An -tu4 -j20 -N4 "$T/podman.bpf" | tr -d ' '))," \
		"peak RSS $4 KiB, $(($4 - $3)) KiB over its own start"
fi

echo
printf 'Binary sizes: ocibox %s bytes (static), floor %s bytes (static)' \
	"$(stat -c %s "$OCIBOX")" "$(stat -c %s "$FLOOR")"
for rt in runc crun; do
	p=$(command -v $rt 2>/dev/null) && printf ', %s %s bytes' "$rt" "$(stat -L -c %s "$p")"
done
echo
echo "(N=$N interleaved runs per runtime and cell; --root on tmpfs and on" \
	"$(findmnt -no FSTYPE -T "$T/disk"); $(nproc) cores; Linux $(uname -r);" \
	"ocibox $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)," \
	"runc $(runc --version 2>/dev/null | awk 'NR == 1 { print $3 }')," \
	"crun $($crun_ok && crun --version | awk 'NR == 1 { print $3 }' || echo -))"
