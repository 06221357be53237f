# initramfs.sh: containers on a host that never left its initramfs ("/" is
# the kernel's rootfs, the root of every mount namespace on this kernel).
# Runs only in the VM's initramfs boot (test/vm/run.sh). The README's
# embedded recipe works as written; create uses pivot_root, not the MS_MOVE
# fallback; and the container is as isolated as the kernel allows: the
# initramfs is not in its mountinfo, ".." stays at "/", and chroot, fchdir
# and /proc/1/root tricks with Docker's default capabilities (CAP_SYS_CHROOT
# included) never reach a canary file on the initramfs.
. "$TOP/test/lib.sh"
if ! is_root; then skip "initramfs" "needs root"; exit 0; fi

CANARY=/initramfs-canary-$$
MARK=/mnt/initramfs-mark-$$
hostcleanup() {
	umount "$MARK" 2>/dev/null
	rmdir "$MARK" 2>/dev/null
	rm -f "$CANARY"
	cleanup
}
trap hostcleanup EXIT
selfparent() { awk '$1 == $2 && $5 == "/"' /proc/self/mountinfo | wc -l; }

testing "the host's / is the kernel's rootfs (tmpfs or ramfs)" \
	"stat -f -c %T / | grep -xE 'tmpfs|ramfs'" "$(stat -f -c %T /)"
testing "the host's / is its namespace's root mount (its own parent)" "selfparent" "1"
touch "$CANARY"
mkdir -p "$MARK" && mount -t tmpfs -o size=4k mark "$MARK"

# The recipe: the applets installed by `ocibox --install`, the image in
# the initramfs, --root on the initramfs.
testing "recipe: run the initramfs' image through the installed applet" \
	"/usr/libexec/ocibox/run --root /run/ocibox --debug --bundle /srv/hello hello 2>$T/recipe.log" \
	"hello from the initramfs"
testing "recipe: --debug says pivot_root gave the initramfs root a parent" \
	"grep -o 'rootfs: pivot_root (initramfs root given a parent)' $T/recipe.log" \
	"rootfs: pivot_root (initramfs root given a parent)"
testing "recipe: not the MS_MOVE fallback" "count MS_MOVE $T/recipe.log" "0"
testing "recipe: nothing left under --root" "ls -A /run/ocibox" ""

base_bundle
cp "$TOP/build/test/escape" "$B/rootfs/escape"
# Docker's default capability set: CAP_SYS_CHROOT, no CAP_SYS_ADMIN
DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'
CAPS=".process.capabilities = {bounding: $DOCKER_CAPS, effective: $DOCKER_CAPS, permitted: $DOCKER_CAPS} | .root.readonly = false"

# The rootfs is a directory of the initramfs: its mount is of type rootfs
# too, but its root is the bundle's directory, never the initramfs' "/"
testing "the container's mountinfo: no initramfs root, no own-parent mount" \
	"r '$CAPS' /bin/sh -c \"busybox awk '/ - rootfs / { print \\\$4, \\\$5 } \\\$1 == \\\$2' /proc/self/mountinfo\"" \
	"$B/rootfs /"
testing "the container's mountinfo has none of the host's mounts" \
	"r '$CAPS' /bin/grep -c initramfs-mark /proc/self/mountinfo" "0" 1
testing "'..' from / stays at /" \
	"r '$CAPS' /bin/sh -c 'cd /../../..; pwd; ls /.. | grep -c escape'" "/
1"
for how in dotdot chroot fchdir proc1; do
	testing "escape by $how with Docker's default caps: contained" \
		"r '$CAPS' /escape $how $CANARY" "container"
done
testing "escape by umount + setns without CAP_SYS_ADMIN: refused" \
	"r '$CAPS' /escape setns $CANARY" "refused: umount /: Operation not permitted" 1
testing "create took pivot_root from the initramfs (--debug)" \
	"RUNOPTS='--debug' r '$CAPS' /bin/true 2>&1 | grep -o 'rootfs: pivot_root.*'" \
	"rootfs: pivot_root (initramfs root given a parent)"

# exec joins the mount namespace at its root mount: it must land in the
# container's root, not on the initramfs
d x1 "$CAPS" /bin/sleep 100
testing "exec lands in the container's root" \
	"$O exec x1 /escape dotdot $CANARY" "container"
testing "exec: no initramfs root in its mountinfo" \
	"$O exec x1 /bin/busybox awk '/ - rootfs / { print \$4, \$5 }' /proc/self/mountinfo" "$B/rootfs /"
$O delete -f x1 >/dev/null 2>&1

# --no-pivot still works here (MS_MOVE + chroot), and says so
testing "--no-pivot: runs" "RUNOPTS=--no-pivot r '$CAPS' /bin/echo ok" "ok"
testing "--no-pivot: --debug names the MS_MOVE fallback" \
	"RUNOPTS='--no-pivot --debug' r '$CAPS' /bin/true 2>&1 | grep -o 'rootfs: MS_MOVE.*'" \
	"rootfs: MS_MOVE + chroot (--no-pivot)"

# The kernel's limit (before nullfs, Linux 7.0): every mount namespace sits
# on rootfs. A container with CAP_SYS_ADMIN in the host's user namespace
# unmounts its root and enters its own namespace's root mount: the
# initramfs. Such a container is not isolated anyway; this pins the fact.
ADMIN="$(echo "$CAPS" | sed 's/"CAP_AUDIT_WRITE"/&,"CAP_SYS_ADMIN"/g')"
testing "kernel limit: CAP_SYS_ADMIN in the host's user namespace reaches the initramfs" \
	"r '$ADMIN' /escape setns $CANARY" "host"
chmod 755 "$T"
USERNS="$ADMIN"' | .linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
# With a user namespace the container's mount namespace is a locked copy:
# its root took over the lock of the tmpfs it was pivoted from, so even
# CAP_SYS_ADMIN in that namespace cannot unmount it to reach the initramfs
testing "user namespace + CAP_SYS_ADMIN in it: the root is locked" \
	"r '$USERNS' /escape setns $CANARY" "refused: umount /: Invalid argument" 1
for how in dotdot chroot fchdir proc1; do
	testing "user namespace + CAP_SYS_ADMIN in it: escape by $how: contained" \
		"r '$USERNS' /escape $how $CANARY" "container"
done
testing "user namespace: the pivot_root path (--debug)" \
	"RUNOPTS='--debug' r '$USERNS' /bin/true 2>&1 | grep -o 'rootfs: pivot_root.*'" \
	"rootfs: pivot_root (initramfs root given a parent)"

# What --no-pivot gives up here: the container's root is moved over the
# initramfs, not pivoted to, so it takes no lock; in a user namespace its
# CAP_SYS_ADMIN unmounts it and reaches the initramfs (and the host's
# mounts stay in its namespace, pinned, beneath it)
testing "--no-pivot: escape by chroot with Docker's default caps: contained" \
	"RUNOPTS=--no-pivot r '$CAPS' /escape chroot $CANARY" "container"
testing "--no-pivot + user namespace + CAP_SYS_ADMIN in it: reaches the initramfs" \
	"RUNOPTS=--no-pivot r '$USERNS' /escape setns $CANARY" "host"

testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
testing "no mount of ours left" "count ' $T' /proc/self/mountinfo" "0"
