#!/bin/sh
# run.sh: every test tier that needs no VM and no engine: unit tests (musl
# static and, when built, the ASan/UBSan flavour) and the CLI tests against
# real containers. Prints PASS/FAIL/SKIP lines and ends "N passed, N failed[, N skipped]".
# Usage: test/run.sh [PATTERN]  (only CLI tests whose file name contains PATTERN)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$top/build}
export OCIBOX="$top/ocibox" PROBE="$B/test/probe" TOP="$top"
log=$(mktemp); trap 'rm -f "$log"' EXIT
pat=${1:-}

run() { # run NAME CMD...: its PASS/FAIL/SKIP lines; a crash or a silent failure is one FAIL
	name=$1; shift
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | tee -a "$log" | grep -E '^(PASS|FAIL|SKIP):' || true
	printf '%s\n' "$out" | grep -vE '^(PASS|FAIL|SKIP):' | sed 's/^/    /' | tail -n 30
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL:'; then
		echo "FAIL: $name: exited with status $rc" | tee -a "$log"
	fi
}

# unit tests: one program per test/unit/*.c (a stale binary whose source is
# gone never runs; one that was not built is a FAIL, not a silent pass); the
# sanitizer flavour unless SAN=0 (make test passes its SAN)
unit() { # unit NAME BINARY [CMD-PREFIX...]
	name=$1 bin=$2; shift 2
	if [ -x "$bin" ]; then run "$name" "$@" "$bin"
	else echo "FAIL: $name: $bin not built" | tee -a "$log"; fi
}
if [ -z "$pat" ]; then
	for s in "$top"/test/unit/*.c; do
		n=${s##*/}; n=${n%.c}
		unit "unit/$n" "$B/test/unit/$n"
	done
	[ "${SAN:-1}" = 0 ] || for s in "$top"/test/unit/*.c; do
		n=${s##*/}; n=${n%.c}
		unit "san/$n" "$B/san/test/unit/$n" env ASAN_OPTIONS=detect_leaks=1
	done
fi
for t in "$top"/test/cli/*.sh; do
	case ${t##*/} in *"$pat"*) ;; *) continue ;; esac
	run "cli/${t##*/}" sh "$t"
done

p=$(grep -c '^PASS:' "$log"); f=$(grep -c '^FAIL:' "$log"); s=$(grep -c '^SKIP:' "$log")
if [ "$s" -gt 0 ]; then
	echo "skipped:"; grep '^SKIP:' "$log" | sed 's/^SKIP:/  /'
	echo "$p passed, $f failed, $s skipped"
else
	echo "$p passed, $f failed"
fi
[ "$f" -eq 0 ]
