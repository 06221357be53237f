# pivot.sh: which way create enters the rootfs, as --debug names it:
# pivot_root (on an initramfs root: after giving it a parent, see
# test/vm/initramfs.sh for that boot), MS_MOVE + chroot with --no-pivot,
# chroot without a mount namespace.
. "$TOP/test/lib.sh"
if ! is_root; then skip "pivot" "needs root"; exit 0; fi

base_bundle
# this host's "/": the kernel's rootfs (its own parent in mountinfo) or not
if awk '$1 == $2 && $5 == "/"' /proc/self/mountinfo | grep -q .; then
	PIVOT="rootfs: pivot_root (initramfs root given a parent)"
else
	PIVOT="rootfs: pivot_root"
fi
debug() { grep -o 'rootfs: .*' "$T/stderr.run"; }

testing "pivot_root by default (--debug says which)" \
	"RUNOPTS=--debug r . /bin/true 2>$T/stderr.run; debug" "$PIVOT"
testing "--no-pivot: MS_MOVE + chroot" \
	"RUNOPTS='--no-pivot --debug' r . /bin/true 2>$T/stderr.run; debug" \
	"rootfs: MS_MOVE + chroot (--no-pivot)"
testing "--no-pivot: the container still runs" \
	"RUNOPTS=--no-pivot r . /bin/echo ok" "ok"
testing "no mount namespace: chroot" \
	"RUNOPTS=--debug r 'del(.linux.namespaces[] | select(.type == \"mount\"))' /bin/true 2>$T/stderr.run; debug" \
	"rootfs: chroot (no mount namespace)"
testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
