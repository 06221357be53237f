#!/bin/sh
# kernel.sh DIR: put a Debian bookworm kernel (vmlinuz) and the loop and bfq
# modules (a disk for io.max, BFQ for io.bfq.weight) into DIR, once. The linux-image package is downloaded (apt-get download) and
# unpacked with dpkg-deb -x into a temporary directory, never installed: an
# install would pull initramfs-tools and udev and run update-initramfs.
# kernel.sh DIR MODULE...: also those modules (file names without .ko) and
# what they depend on, under DIR/modules/KVER/ with a file "order": their
# paths there in load order, for insmod (test/systemd).
set -eu
dir=$1; shift
have() {
	ls "$dir"/vmlinuz-* "$dir"/loop.ko "$dir"/bfq.ko >/dev/null 2>&1 || return 1
	for m; do grep -q "/$m\.ko$" "$dir"/modules/*/order 2>/dev/null || return 1; done
}
have "$@" && exit 0
rm -rf "$dir"/vmlinuz-* "$dir"/modules
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
if [ $# -gt 0 ]; then
	# the package has no modules.dep (depmod runs at install): the order
	# comes from each module's .modinfo "depends=" list, dependencies first
	md=$(ls -d "$tmp"/x/lib/modules/*)
	out=$(cd "$dir" && pwd)/modules/${md##*/}
	(cd "$md" && find kernel -name '*.ko') | sed 's|.*/\(.*\)\.ko$|\1 &|; :a; s|^\([^ ]*\)-|\1_|; ta' > "$tmp/index"
	: > "$tmp/order"
	visit() { # visit NAME: its dependencies, then it, into $tmp/order once
		n=$(echo "$1" | tr - _)
		set -- "$(sed -n "s|^$n ||p" "$tmp/index")" # $1 survives the recursion
		[ -n "$1" ] || { echo "kernel.sh: no module $n" >&2; exit 1; }
		grep -qxF "$1" "$tmp/order" && return 0
		for d in $(tr '\0' '\n' < "$md/$1" | sed -n 's/^depends=//p' | tr , ' '); do visit "$d"; done
		grep -qxF "$1" "$tmp/order" || echo "$1" >> "$tmp/order"
	}
	for m; do visit "$m"; done
	mkdir -p "$out"
	(cd "$md" && cpio -pdm --quiet "$out" < "$tmp/order")
	mv "$tmp/order" "$out/order"
fi
cp "$tmp"/x/boot/config-* "$dir/"
# vmlinuz last: its presence marks a complete cache
cp "$tmp"/x/boot/vmlinuz-* "$dir/"
