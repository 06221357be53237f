#!/bin/sh
# guest.sh: the tests inside the VM (busybox sh: keep it POSIX). Prints the
# PASS/FAIL/SKIP lines; run.sh on the host counts them.
cd /t
export OCIBOX=/t/ocibox PROBE=/t/build/test/probe TOP=/t B=/t/build
rc=0
run() { # run NAME CMD...: a crash without a FAIL line is one FAIL
	"$@" > /tmp/out 2>&1; r=$?
	cat /tmp/out
	if [ $r -ne 0 ]; then
		rc=1
		grep -q '^FAIL:' /tmp/out || echo "FAIL: vm: $1 exited with status $r"
	fi
}
run build/test/unit/cgroup
for t in test/cli/cgroup.sh; do
	[ -f "$t" ] && run sh "$t"
done
exit $rc
