#!/bin/sh
# run.sh: the host side of `make test-vm`. Packs busybox, the static ocibox,
# the cgroup unit test, the probe and the CLI test into an initramfs, boots
# Debian's kernel under qemu TCG with cgroup v1 disabled, streams the guest's
# test lines and ends with "N passed, N failed". Exits non-zero on a failure,
# a timeout (VM_TIMEOUT seconds) or a guest that dies without its exit marker.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
timeout=${VM_TIMEOUT:-600}
sh "$top/test/vm/kernel.sh" "$B/vm"
kernel=$(ls "$B"/vm/vmlinuz-* | tail -1)
busybox=$(command -v busybox) || { echo "test-vm: busybox-static is missing" >&2; exit 1; }

w=$(mktemp -d /tmp/ocibox-vm.XXXXXX)
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$w"' EXIT
trap 'exit 130' INT TERM
r=$w/root
mkdir -p "$r/bin" "$r/dev" "$r/t/build/test/unit" "$r/t/test/cli"
cp "$busybox" "$r/bin/busybox"
ln -s busybox "$r/bin/sh"
cp "$top/test/vm/init" "$r/init"
cp "$top/test/vm/guest.sh" "$top/ocibox" "$r/t/"
cp "$B/test/unit/cgroup" "$r/t/build/test/unit/"
cp "$B/test/probe" "$r/t/build/test/"
cp "$top/test/lib.sh" "$r/t/test/"
[ -f "$top/test/cli/cgroup.sh" ] && cp "$top/test/cli/cgroup.sh" "$r/t/test/cli/"
cp "$B"/vm/*.ko "$r/t/" 2>/dev/null || true
chmod 755 "$r/init" "$r/t/guest.sh"
mknod "$r/dev/console" c 5 1 2>/dev/null || true
(cd "$r" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$w/initrd.gz"

start=$(date +%s)
timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
	-nodefaults -display none -no-reboot -serial stdio -monitor none \
	-kernel "$kernel" -initrd "$w/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 cgroup_no_v1=all" \
	</dev/null 2>&1 | tr -d '\r' | tee "$w/console" |
	sed -n '/^vm: kernel/p; /^OCIBOX-VM-START$/,/^OCIBOX-VM-EXIT=/{/^OCIBOX-VM-/d;p}'
secs=$(($(date +%s) - start))
cp "$w/console" "$B/vm/console.log"
rc=$(sed -n 's/^OCIBOX-VM-EXIT=\([0-9]*\)$/\1/p' "$w/console" | tail -1)
p=$(grep -c '^PASS:' "$w/console" || true)
f=$(grep -c '^FAIL:' "$w/console" || true)
s=$(grep -c '^SKIP:' "$w/console" || true)
if [ -z "$rc" ]; then
	tail -n 20 "$w/console" | sed 's/^/    /'
	echo "FAIL: vm: no exit marker after ${secs}s (timeout ${timeout}s or a guest crash)"
	f=$((f + 1))
elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
	echo "FAIL: vm: guest tests exited with status $rc"
	f=$((f + 1))
fi
echo "test-vm: $(basename "$kernel"), ${secs}s wall, console in $B/vm/console.log"
if [ "$s" != 0 ]; then echo "$p passed, $f failed, $s skipped"; else echo "$p passed, $f failed"; fi
[ "$f" = 0 ]
