#!/bin/sh
# run.sh: the host side of `make test-vm`. Packs busybox, the static ocibox,
# the tests and what they need into one initramfs and boots Debian's kernel
# under qemu TCG (cgroup v1 disabled) once per boot in VM_BOOTS (default
# both): "v2" switch_roots into a tmpfs first, "initramfs" stays on the
# kernel's rootfs (see init). Streams the guest's test lines and ends with
# "N passed, N failed". Exits non-zero on a failure, a timeout (VM_TIMEOUT
# seconds per boot) or a guest that dies without its exit marker.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
timeout=${VM_TIMEOUT:-600}
boots=${VM_BOOTS:-v2 initramfs}

# What each boot runs: one command per line, run from /t in the guest.
# Every test file named here is copied into the initramfs.
TESTS_v2='build/test/unit/cgroup
sh test/cli/cgroup.sh
sh test/cli/footprint.sh'
TESTS_initramfs='sh test/vm/initramfs.sh
sh test/cli/pivot.sh
sh test/cli/lifecycle.sh
sh test/cli/mounts.sh
sh test/cli/exec.sh
sh test/cli/security.sh
sh test/cli/footprint.sh'
# Host programs the tests call that busybox lacks, copied with their
# shared libraries: jq (test/lib.sh's bundles), script (exec -t).
HOST_BINS="jq script"

sh "$top/test/vm/kernel.sh" "$B/vm"
kernel=$(ls "$B"/vm/vmlinuz-* | tail -1)
busybox=$(command -v busybox) || { echo "test-vm: busybox-static is missing" >&2; exit 1; }

w=$(mktemp -d /tmp/ocibox-vm.XXXXXX)
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$w"' EXIT
trap 'exit 130' INT TERM
r=$w/root
mkdir -p "$r/bin" "$r/usr/bin" "$r/dev" "$r/etc" "$r/srv" "$r/t/build/test/unit" \
	"$r/t/test/cli" "$r/t/test/vm"
cp "$busybox" "$r/bin/busybox"
ln -s busybox "$r/bin/sh"
cp "$top/test/vm/init" "$r/init"
# The embedded recipe (README): the binary, a minimal /etc (ocibox reads
# nothing there; busybox's id and ls do) and an image, in the initramfs.
cp "$top/ocibox" "$r/usr/bin/ocibox"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
printf 'root:x:0:\n' > "$r/etc/group"
mkdir -p "$r/srv/hello/rootfs/bin"
cp "$busybox" "$r/srv/hello/rootfs/bin/busybox"
for a in sh echo cat ls; do ln -s busybox "$r/srv/hello/rootfs/bin/$a"; done
"$top/ocibox" spec --bundle "$r/srv/hello" >/dev/null
jq '.process.terminal = false | .process.args = ["/bin/echo", "hello from the initramfs"]' \
	"$r/srv/hello/config.json" > "$w/config.json" && mv "$w/config.json" "$r/srv/hello/config.json"
# the tests
ln -s /usr/bin/ocibox "$r/t/ocibox"
cp "$top/test/vm/guest.sh" "$r/t/"
cp "$B/test/unit/cgroup" "$r/t/build/test/unit/"
cp "$B/test/probe" "$B/test/vm/escape" "$r/t/build/test/"
cp "$top/test/lib.sh" "$r/t/test/"
for f in $(printf '%s\n' "$TESTS_v2" "$TESTS_initramfs" | grep -o 'test/[^ ]*\.sh'); do
	[ -f "$top/$f" ] && cp "$top/$f" "$r/t/$f"
done
printf '%s\n' "$TESTS_v2" > "$r/t/tests.v2"
printf '%s\n' "$TESTS_initramfs" > "$r/t/tests.initramfs"
for p in $HOST_BINS; do
	p=$(command -v "$p") || continue
	cp "$p" "$r/usr/bin/"
	for l in $(ldd "$p" | grep -o '/[^ ]*'); do
		mkdir -p "$r${l%/*}" && cp -L "$l" "$r$l"
	done
done
cp "$B"/vm/*.ko "$r/t/" 2>/dev/null || true
chmod 755 "$r/init" "$r/t/guest.sh"
mknod "$r/dev/console" c 5 1 2>/dev/null || true
(cd "$r" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$w/initrd.gz"

# boot NAME: one VM with OCIBOX_BOOT=NAME; its console in $B/vm/console-NAME.log
f=0
boot() {
	start=$(date +%s)
	timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
		-nodefaults -display none -no-reboot -serial stdio -monitor none \
		-kernel "$kernel" -initrd "$w/initrd.gz" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 cgroup_no_v1=all OCIBOX_BOOT=$1" \
		</dev/null 2>&1 | tr -d '\r' | tee "$w/console" |
		sed -n '/^vm: /p; /^OCIBOX-VM-START$/,/^OCIBOX-VM-EXIT=/{/^OCIBOX-VM-/d;p}'
	secs=$(($(date +%s) - start))
	cp "$w/console" "$B/vm/console-$1.log"
	cat "$w/console" >> "$w/all"
	rc=$(sed -n 's/^OCIBOX-VM-EXIT=\([0-9]*\)$/\1/p' "$w/console" | tail -1)
	if [ -z "$rc" ]; then
		tail -n 20 "$w/console" | sed 's/^/    /'
		echo "FAIL: vm: $1 boot: no exit marker after ${secs}s (timeout ${timeout}s or a guest crash)"
		f=$((f + 1))
	elif [ "$rc" != 0 ] && ! grep -q '^FAIL:' "$w/console"; then
		echo "FAIL: vm: $1 boot: guest tests exited with status $rc"
		f=$((f + 1))
	fi
	echo "test-vm: $1 boot, $(basename "$kernel"), ${secs}s wall, console in $B/vm/console-$1.log"
}
: > "$w/all"
for b in $boots; do boot "$b"; done
p=$(grep -c '^PASS:' "$w/all" || true)
f=$((f + $(grep -c '^FAIL:' "$w/all" || true)))
s=$(grep -c '^SKIP:' "$w/all" || true)
if [ "$s" != 0 ]; then echo "$p passed, $f failed, $s skipped"; else echo "$p passed, $f failed"; fi
[ "$f" = 0 ]
