#!/bin/sh
# guest.sh BOOT: the tests inside the VM (busybox sh: keep it POSIX), the
# commands listed in /t/tests.BOOT (run.sh writes them). Prints the
# PASS/FAIL/SKIP lines; run.sh on the host counts them. Ends with a check
# that the tests left no mount and no runtime process behind.
cd /t
export OCIBOX=/t/ocibox PROBE=/t/build/test/probe TOP=/t B=/t/build
rc=0
run() { # run NAME CMD...: a crash without a FAIL line is one FAIL
	"$@" > /run/vm-out 2>&1; r=$?
	cat /run/vm-out
	if [ $r -ne 0 ]; then
		rc=1
		grep -q '^FAIL:' /run/vm-out || echo "FAIL: vm: $1 exited with status $r"
	fi
}
mounts=$(wc -l < /proc/self/mountinfo)
while read -r t; do
	[ -n "$t" ] && run $t
done < "/t/tests.$1"
left=$(for f in /proc/[0-9]*/cmdline; do printf '\n'; cat "$f" 2>/dev/null; done |
	tr '\0' ' ' | grep -c -e "^$OCIBOX " -e "^/usr/bin/ocibox " -e "^/usr/libexec/ocibox/")
if [ "$(wc -l < /proc/self/mountinfo)" = "$mounts" ] && [ "$left" = 0 ]; then
	echo "PASS: vm: $1 boot: no mount and no runtime process left"
else
	echo "FAIL: vm: $1 boot: left $(($(wc -l < /proc/self/mountinfo) - mounts)) mounts, $left runtime processes"
	rc=1
fi
rm -f /run/vm-out
exit $rc
