#!/bin/sh
# budget.sh: the footprint budgets `make check` holds (numbers in config.mk,
# passed in the environment): the size of the binary with libseccomp
# (BUDGET_BYTES) and of the SECCOMP=0 build (BUDGET_BYTES_NOSC), and the
# peak RSS of create, start, state, kill and delete (BUDGET_RSS_KIB): wait4's
# ru_maxrss of the ocibox process (and what it reaped itself), measured by
# test/check/maxrss.c around each command of a busybox container's life;
# and the page faults of a `run` of /bin/true (BUDGET_RUN_FAULTS).
# The 256 KiB memory limit is test/cli/footprint.sh's (make test runs it).
# Each line says the number and the budget; any FAIL makes the exit status 1.
# Usage (from make check): budget.sh BINARY NOSC-BINARY MAXRSS
. "$TOP/test/lib.sh"
[ $# -eq 3 ] || { echo "usage: $0 BINARY NOSC-BINARY MAXRSS" >&2; exit 2; }
: "${BUDGET_BYTES:?}" "${BUDGET_BYTES_NOSC:?}" "${BUDGET_RSS_KIB:?}" "${BUDGET_RUN_FAULTS:?}"
bin=$1 nosc=$2 maxrss=$3
failed=0 np=0 nf=0
over() { fail "$1" "$2"; failed=1; nf=$((nf + 1)); }
ok() { pass "$1"; np=$((np + 1)); }
# every tier ends "N passed, N failed" (.ci/run sums them)
trap 'cleanup; echo "$np passed, $nf failed"' EXIT

size_check() { # NAME FILE BUDGET
	n=$(stat -c %s "$2") || { over "$1" "no $2"; return; }
	if [ "$n" -le "$3" ]; then ok "$1: $n bytes (budget $3, $(($3 - n)) to spare)"
	else over "$1: $n bytes" "over the budget of $3 by $((n - $3))"; fi
}
size_check "size with libseccomp" "$bin" "$BUDGET_BYTES"
size_check "size with SECCOMP=0" "$nosc" "$BUDGET_BYTES_NOSC"

if ! is_root; then skip "peak RSS" "needs root"; trap 'cleanup; echo "$np passed, $nf failed, 1 skipped"' EXIT; exit $failed; fi
mkbundle "$T/b" /bin/sleep 100
rss() { # APPLET ARG...: $O APPLET ARG... under maxrss, against the budget
	"$maxrss" "$T/rss" $O "$@" > "$T/out" 2>&1
	rc=$? kib=$(cut -d' ' -f1 "$T/rss" 2>/dev/null)
	if [ $rc -ne 0 ] || [ -z "$kib" ]; then
		over "peak RSS of $1" "exit status $rc: $(head -c 300 "$T/out")"
	elif [ "$kib" -le "$BUDGET_RSS_KIB" ]; then
		ok "peak RSS of $1: $kib KiB (budget $BUDGET_RSS_KIB KiB)"
	else
		over "peak RSS of $1: $kib KiB" "over the budget of $BUDGET_RSS_KIB KiB"
	fi
}
rss create --bundle "$T/b" fp
rss start fp
rss state fp
rss kill fp KILL
wait_for 10 eval '[ "$(status fp)" = stopped ]' || over "container stops after kill" "$(status fp)"
rss delete fp

# Page faults of a whole `run` of /bin/true (the runtime, its re-exec, the
# init and busybox true): on a paravirtualised machine such as this one a
# fault costs ~10 us, so every page first touched one at a time is time.
# Counted, not timed: the exceptions (a perf counter; pages that madvise
# filled at once are not faults taken), the least of three runs (the first
# after a build may read the binary from disk).
mkbundle "$T/t" /bin/true
best=
for i in 1 2 3; do
	"$maxrss" "$T/rss" $O run --bundle "$T/t" fl$i > "$T/out" 2>&1 || { best=x; break; }
	n=$(cut -d' ' -f3 "$T/rss")
	[ -n "$best" ] && [ "$best" -le "$n" ] || best=$n
done
if [ "$best" = x ]; then
	over "page faults of run" "run failed: $(head -c 300 "$T/out")"
elif [ "$best" -lt 0 ]; then
	skip "page faults of run" "perf_event_open refused (no software page-fault counter)"
	trap 'cleanup; echo "$np passed, $nf failed, 1 skipped"' EXIT
elif [ "$best" -le "$BUDGET_RUN_FAULTS" ]; then
	ok "page faults of run of /bin/true: $best (budget $BUDGET_RUN_FAULTS)"
else
	over "page faults of run of /bin/true: $best" "over the budget of $BUDGET_RUN_FAULTS"
fi
[ "$(states)" = "" ] && [ "$(ours_left)" = 0 ] || over "nothing left" "state: $(states), processes: $(ours_left)"
exit $failed
