#!/bin/bash
# run.sh: the engine tier. Real engines drive ocibox: podman/conmon,
# containerd (ctr + runc v2 shim) and dockerd, each installed from apt when
# missing and configured in private directories (see ../shared/CLIENTS.md).
# Prints PASS/FAIL/SKIP lines and ends "N passed, N failed[, N skipped]".
# Usage: bash test/engines/run.sh [ENGINE...]   (podman podman-rootless containerd docker)
# OCIBOX may name the binary to test (a seccomp-enabled one: podman's and
# docker's default profiles need it).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$top/build}
export OCIBOX="${OCIBOX:-$top/ocibox}" PROBE="${PROBE:-$B/test/probe}" TOP="$top"
log=$(mktemp)
# engines drop files in their caller's cwd (conmon writes "oom" there after
# an OOM kill): run them from a scratch directory, not the checkout
cwd=$(mktemp -d /tmp/ocibox-engines-cwd.XXXXXX)
trap 'rm -f "$log"; rm -rf "$cwd"' EXIT
cd "$cwd" || exit 1
# the caller's shell may leak fds; the daemons we start must not inherit them
# (bash: dash cannot name an fd above 9)
for fd in /proc/$$/fd/*; do
	n=${fd##*/}
	[ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null
done
engines=${*:-podman podman-rootless containerd docker}
start=$(date +%s)

run() { # NAME CMD...: its PASS/FAIL/SKIP lines; a silent failure is one FAIL
	name=$1; shift
	t0=$(date +%s)
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | tee -a "$log" | grep -E '^(PASS|FAIL|SKIP):' || true
	printf '%s\n' "$out" | grep -vE '^(PASS|FAIL|SKIP):' | sed 's/^/    /' | tail -n 60
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL:'; then
		echo "FAIL: $name: exited with status $rc" | tee -a "$log"
	fi
	echo "    ($name: $(( $(date +%s) - t0 )) s)"
}

if [ "$(id -u)" != 0 ]; then
	for e in $engines; do echo "SKIP: engines: $e: needs root" | tee -a "$log"; done
elif ! "$OCIBOX" --version | grep -q 'seccomp: yes'; then
	for e in $engines; do
		echo "SKIP: engines: $e: $OCIBOX was built without seccomp" | tee -a "$log"
	done
else
	for e in $engines; do
		run "$e" timeout -k 10 900 sh "$top/test/engines/$e.sh"
	done
fi

p=$(grep -c '^PASS:' "$log"); f=$(grep -c '^FAIL:' "$log"); s=$(grep -c '^SKIP:' "$log")
echo "engines: $(( $(date +%s) - start )) s"
if [ "$s" -gt 0 ]; then
	echo "skipped:"; grep '^SKIP:' "$log" | sed 's/^SKIP:/  /'
	echo "$p passed, $f failed, $s skipped"
else
	echo "$p passed, $f failed"
fi
[ "$f" -eq 0 ]
