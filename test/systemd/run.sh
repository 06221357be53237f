#!/bin/sh
# run.sh [v2|hybrid]...: the host side of `make test-systemd` (default: both
# boots). Boots Debian's kernel under qemu TCG with this machine's own / as
# the guest's root (shared read-only over virtio-9p, a tmpfs overlay on top,
# see init) and /lib/systemd/systemd as PID 1, which runs guest.sh from
# ocibox-test.service and powers off. Boot "v2": pure cgroup v2 (cgroup v1
# disabled in the kernel); boot "hybrid": systemd.unified_cgroup_hierarchy=0.
# Both with AppArmor (apparmor=1 security=apparmor; test/systemd/apparmor.sh).
# Prints the test lines of each boot, how long it took, and at the end
# "N passed, N failed[, N skipped]"; on a failure also the last 60 console
# lines. Exits non-zero on a failure, a timeout (SYSTEMD_TIMEOUT seconds per
# boot; qemu is killed by its pid) or a guest that ends without its exit
# marker. The console of each boot is kept in $B/systemd/console-BOOT.log.
# SYSTEMD_TESTS="t_pid1 driver_x ...": only those checks of guest.sh;
# SYSTEMD_APPEND: more kernel arguments (e.g. "systemd.show_status=1
# loglevel=6" to watch the boot and the shutdown).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
timeout=${SYSTEMD_TIMEOUT:-1200}
boots=${*:-v2 hybrid}
for b in $boots; do
	case $b in v2|hybrid) ;; *) echo "usage: run.sh [v2|hybrid]..." >&2; exit 2 ;; esac
done
for f in "$top/ocibox" "$B/test/probe" /bin/busybox /lib/systemd/systemd; do
	[ -x "$f" ] || { echo "test-systemd: $f is missing" >&2; exit 1; }
done
command -v dbus-daemon >/dev/null || { echo "test-systemd: dbus is missing" >&2; exit 1; }
# the modules init loads: virtio PCI transport, 9p over virtio, overlayfs,
# virtio-rng (entropy for systemd early on), and the bridge and veth for the
# CNI bridge of the Kubernetes check (k8s.sh; kernel.sh adds llc and stp)
sh "$top/test/vm/kernel.sh" "$B/vm" virtio_pci 9pnet_virtio 9p overlay virtio-rng bridge veth
kernel=$(ls "$B"/vm/vmlinuz-* | tail -1)
kver=${kernel##*/vmlinuz-}
out=$B/systemd
mkdir -p "$out"

w=$(mktemp -d /tmp/ocibox-systemd.XXXXXX)
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$w"' EXIT
trap 'exit 130' INT TERM HUP

# the initramfs: busybox, init, the modules, the units, and the tree's path
r=$w/root
mkdir -p "$r/bin" "$r/dev" "$r/lib/modules" "$r/etc/ocibox-test"
cp /bin/busybox "$r/bin/busybox"
ln -s busybox "$r/bin/sh"
cp "$top/test/systemd/init" "$r/init"
chmod 755 "$r/init"
cp -R "$B/vm/modules/$kver" "$r/lib/modules/"
cp "$top"/test/systemd/ocibox-test.target "$top"/test/systemd/ocibox-test.service \
	"$top"/test/systemd/emergency.service "$r/etc/ocibox-test/"
printf 'OCIBOX_TOP=%s\nOCIBOX_B=%s\n' "$top" "$B" > "$r/etc/ocibox-test/env"
mknod "$r/dev/console" c 5 1 2>/dev/null || true
(cd "$r" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$w/initrd.gz"

p=0 f=0 s=0 times=
all=$(date +%s)
for boot in $boots; do
	case $boot in
	v2) cg="cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1" ;;
	hybrid) cg="systemd.unified_cgroup_hierarchy=0" ;;
	esac
	tests=$(echo ${SYSTEMD_TESTS:-} | tr ' ' ,)
	log=$out/console-$boot.log
	echo "test-systemd: booting $boot ($kver, systemd as PID 1, $cg)"
	: > "$log" # before tail opens it (qemu would truncate it after)
	start=$(date +%s)
	qemu-system-x86_64 -accel tcg -cpu max -m 1536 -smp 2 \
		-nodefaults -display none -no-reboot -serial stdio -monitor none \
		-device virtio-rng-pci \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-kernel "$kernel" -initrd "$w/initrd.gz" \
		-append "console=ttyS0 quiet loglevel=4 panic=-1 systemd.show_status=error ocibox.boot=$boot${tests:+ ocibox.tests=$tests} $cg apparmor=1 security=apparmor ${SYSTEMD_APPEND:-}" \
		</dev/null >>"$log" 2>&1 &
	qpid=$!
	# the test lines as they come
	tail -n +1 -s 0.5 -f --pid="$qpid" "$log" 2>/dev/null | tr -d '\r' |
		sed -un '/^\(PASS\|FAIL\|SKIP\|info\):/p; /^OCIBOX-SD-START$/,/^OCIBOX-SD-EXIT=/{/^    /p}' &
	tpid=$!
	# the watchdog: the timeout, and 60 s for the poweroff after the marker
	n=0 timedout= marked=
	while kill -0 "$qpid" 2>/dev/null; do
		if [ $n -ge "$timeout" ]; then
			timedout="timeout after ${timeout}s"; kill "$qpid" 2>/dev/null; break
		fi
		if [ -z "$marked" ]; then
			grep -q '^OCIBOX-SD-EXIT=' "$log" && marked=$n
		elif [ $((n - marked)) -ge 60 ]; then
			timedout="no poweroff 60s after the exit marker"; kill "$qpid" 2>/dev/null; break
		fi
		sleep 1; n=$((n + 1))
	done
	wait "$qpid" || true
	qpid=
	wait "$tpid" || true
	secs=$(($(date +%s) - start))
	tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
	rc=$(sed -n 's/^OCIBOX-SD-EXIT=\([0-9]*\)$/\1/p' "$log" | tail -1)
	bp=$(grep -c '^PASS:' "$log" || true)
	bf=$(grep -c '^FAIL:' "$log" || true)
	bs=$(grep -c '^SKIP:' "$log" || true)
	if [ -n "$timedout" ]; then
		echo "FAIL: test-systemd: $boot: $timedout, qemu killed"
		bf=$((bf + 1))
	elif [ -z "$rc" ]; then
		echo "FAIL: test-systemd: $boot: the guest ended without its exit marker after ${secs}s"
		bf=$((bf + 1))
	elif [ "$rc" != 0 ] && [ "$bf" = 0 ]; then
		echo "FAIL: test-systemd: $boot: the guest tests exited with status $rc"
		bf=$((bf + 1))
	fi
	if [ "$bf" != 0 ]; then
		echo "test-systemd: $boot: the last 60 console lines:"
		tail -n 60 "$log" | sed 's/^/    /'
	fi
	echo "test-systemd: $boot: $bp passed, $bf failed, ${secs}s from qemu start to poweroff, console in $log"
	p=$((p + bp)) f=$((f + bf)) s=$((s + bs)) times="$times $boot ${secs}s"
done
echo "test-systemd:$times, $(($(date +%s) - all))s in all"
if [ "$s" != 0 ]; then echo "$p passed, $f failed, $s skipped"; else echo "$p passed, $f failed"; fi
[ "$f" = 0 ]
