#!/bin/sh
# kernel.sh DIR: put a Debian bookworm kernel (vmlinuz) and the loop and bfq
# modules (a disk for io.max, BFQ for io.bfq.weight) into DIR, once. The linux-image package is downloaded (apt-get download) and
# unpacked with dpkg-deb -x into a temporary directory, never installed: an
# install would pull initramfs-tools and udev and run update-initramfs.
set -eu
dir=$1
ls "$dir"/vmlinuz-* "$dir"/loop.ko "$dir"/bfq.ko >/dev/null 2>&1 && exit 0
rm -f "$dir"/vmlinuz-*
pkgs() { apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1; }
pkg=$(pkgs)
[ -n "$pkg" ] || { apt-get update -qq; pkg=$(pkgs); }
[ -n "$pkg" ] || { echo "kernel.sh: cannot resolve linux-image-amd64" >&2; exit 1; }
echo "kernel.sh: downloading and unpacking $pkg (not installed)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg")
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
mkdir -p "$dir"
for m in loop bfq; do
	ko=$(find "$tmp/x/lib/modules" -name "$m.ko" | head -1)
	[ -n "$ko" ] && cp "$ko" "$dir/"
done
cp "$tmp"/x/boot/config-* "$dir/"
# vmlinuz last: its presence marks a complete cache
cp "$tmp"/x/boot/vmlinuz-* "$dir/"
