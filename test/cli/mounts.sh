# mounts.sh: mounts[] (tmpfs, bind, rbind, propagation, missing
# destinations), root.readonly, masked and read-only paths, /dev (default
# and configured devices, symlinks, pts), the cgroup mount, --no-pivot.
. "$TOP/test/lib.sh"
if ! is_root; then skip "mounts" "needs root"; exit 0; fi

base_bundle

# mnt J: add mount J (jq object) to mounts[]
mnt() { echo ".mounts += [$1]"; }

# tmpfs with data options, on a destination that does not exist yet
TMPFS=$(mnt '{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "size=1m", "mode=700"]}')
testing "tmpfs: mode from the options" "r '$TMPFS' /probe stat /data" "dir 0:0 0700"
testing "tmpfs: size and flags in mountinfo" \
	"r '$TMPFS' /bin/grep ' /data ' /proc/self/mountinfo | sed 's/^[0-9]* [0-9]* [0-9:]* //; s/ - tmpfs tmpfs / /; s/,inode64//'" \
	"/ /data rw,nosuid,nodev,relatime rw,size=1024k,mode=700"
testing "tmpfs: writable under a read-only root" "r '$TMPFS' /probe create /data/f" "ok"
testing "the missing destination was created in the rootfs" "[ -d $B/rootfs/data ] && echo yes" "yes"

# binds of host directories and files
H=$T/host
mkdir -p "$H/sub"
echo hostdata > "$H/file"
testing "ro bind: reads work" \
	"r '$(mnt "{destination: \"/mnt/h\", type: \"bind\", source: \"$H\", options: [\"rbind\", \"ro\"]}")' /bin/cat /mnt/h/file" \
	"hostdata"
testing "ro bind: writes fail" \
	"r '$(mnt "{destination: \"/mnt/h\", type: \"bind\", source: \"$H\", options: [\"rbind\", \"ro\"]}")' /probe create /mnt/h/new" \
	"Read-only file system" 1
testing "ro bind: the host dir is untouched" "ls $H" "file
sub"
testing "rw bind: writes reach the host" \
	"r '$(mnt "{destination: \"/mnt/h\", type: \"none\", source: \"$H\", options: [\"bind\"]}")' /probe create /mnt/h/new && cat $H/new && rm $H/new && echo done" \
	"ok
done"
testing "file bind: destination created as a file" \
	"r '$(mnt "{destination: \"/etc/deep/hostfile\", type: \"bind\", source: \"$H/file\", options: [\"bind\", \"ro\"]}")' /bin/sh -c '/probe stat /etc/deep/hostfile; cat /etc/deep/hostfile'" \
	"file 0:0 0644
hostdata"
testing "file bind: created as a file in the rootfs" "[ -f $B/rootfs/etc/deep/hostfile ] && echo yes" "yes"
testing "relative bind source is taken from the bundle" \
	"mkdir -p $B/rel && echo rel > $B/rel/x && r '$(mnt '{destination: "/rel", type: "bind", source: "rel", options: ["bind"]}')' /bin/cat /rel/x" \
	"rel"
testing "bind options nosuid,nodev,noexec,ro in mountinfo" \
	"r '$(mnt "{destination: \"/mnt/h\", type: \"bind\", source: \"$H\", options: [\"bind\", \"ro\", \"nosuid\", \"nodev\", \"noexec\"]}")' /bin/grep ' /mnt/h ' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1-4" \
	"ro,nosuid,nodev,noexec"
testing "missing bind source: clear error" \
	"r '$(mnt "{destination: \"/mnt/x\", type: \"bind\", source: \"$T/nope\", options: [\"bind\"]}")' /bin/true 2>&1" \
	"ocibox: run: config.json: mounts[7].source: '$T/nope': no such file or directory" 1

# bind vs rbind: a mount below the source
mount -t tmpfs -o size=1m tmpfs "$H/sub" && echo under > "$H/sub/x"
testing "bind does not take submounts" \
	"r '$(mnt "{destination: \"/mnt/h\", type: \"bind\", source: \"$H\", options: [\"bind\"]}")' /bin/ls /mnt/h/sub" ""
testing "rbind takes submounts" \
	"r '$(mnt "{destination: \"/mnt/h\", type: \"bind\", source: \"$H\", options: [\"rbind\"]}")' /bin/cat /mnt/h/sub/x" "under"
umount "$H/sub"

# propagation: a host mount made after start reaches a slave bind, not a
# private one (seen from the host through the init's mountinfo)
P=$T/prop
mkdir -p "$P"
mount --bind "$P" "$P" && mount --make-shared "$P"
mkdir -p "$P/a"
d ps "$(mnt "{destination: \"/mnt/p\", type: \"bind\", source: \"$P\", options: [\"rbind\", \"rslave\"]}")" /bin/sleep 100
d pp "$(mnt "{destination: \"/mnt/p\", type: \"bind\", source: \"$P\", options: [\"rbind\", \"rprivate\"]}")" /bin/sleep 100
mount -t tmpfs tmpfs "$P/a"
testing "propagation rslave: a later host mount arrives" \
	"grep -c ' /mnt/p/a ' /proc/\$(cat $T/ps.pid)/mountinfo" "1"
testing "propagation rprivate: it does not" \
	"count ' /mnt/p/a ' /proc/\$(cat $T/pp.pid)/mountinfo" "0"
testing "propagation rslave: the container's bind is a slave" \
	"grep ' /mnt/p ' /proc/\$(cat $T/ps.pid)/mountinfo | grep -c master:" "1"
$O delete -f ps >/dev/null 2>&1; $O delete -f pp >/dev/null 2>&1
umount "$P/a"; umount "$P"
testing "container mounts do not leak to the host" "count ' $B/rootfs' /proc/self/mountinfo" "0"

# root.readonly
testing "root.readonly: / is read-only" "r . /probe create /x" "Read-only file system" 1
testing "root.readonly false: / is writable" \
	"r '.root.readonly = false' /probe create /x && rm $B/rootfs/x && echo removed" "ok
removed"

# maskedPaths and readonlyPaths
mkdir -p "$B/rootfs/secret"; echo s > "$B/rootfs/secret/f"; echo s > "$B/rootfs/etc/secret"
MASK='.linux.maskedPaths += ["/secret", "/etc/secret", "/nonexistent"]'
testing "masked file /proc/keys is the null device" "r . /probe stat /proc/keys" "char 1:3 0666"
testing "masked file /proc/timer_list reads empty" "r . /bin/sh -c 'wc -c < /proc/timer_list'" "0"
testing "masked file reads empty" "r '$MASK' /bin/sh -c 'wc -c < /etc/secret'" "0"
testing "masked file in the rootfs is the null device" "r '$MASK' /probe stat /etc/secret" "char 1:3 0666"
testing "masked dir is empty" "r '$MASK' /bin/ls -A /secret" ""
testing "masked dir is a read-only tmpfs" \
	"r '$MASK' /bin/sh -c '/probe ro /secret; grep \" /secret \" /proc/self/mountinfo | sed \"s/.* - //; s/,inode64//\"'" \
	"ro
tmpfs tmpfs ro,size=0k,mode=555"
testing "masked /sys/firmware is empty" "r . /bin/ls -A /sys/firmware" ""
testing "readonlyPaths: /proc/sys write fails" \
	"r . /probe open /proc/sys/kernel/hostname w" "Read-only file system" 1
testing "readonlyPaths: /proc/sys still readable" "r . /bin/cat /proc/sys/kernel/ostype" "Linux"
testing "readonlyPaths: /proc/fs is read-only" \
	"r . /probe ro /proc/fs" "ro"
testing "readonlyPaths of the config's own" \
	"r '.linux.readonlyPaths += [\"/tmp\"] | .root.readonly = false' /probe create /tmp/x" \
	"Read-only file system" 1

# /dev
for dv in "null 1:3" "zero 1:5" "full 1:7" "random 1:8" "urandom 1:9" "tty 5:0"; do
	set -- $dv
	testing "default device /dev/$1" "r . /probe stat /dev/$1" "char $2 0666"
done
testing "/dev/full says ENOSPC" "r . /bin/sh -c 'echo x > /dev/full' 2>&1 | grep -c 'No space left'" "1"
DEV='.linux.devices = [{path: "/dev/mydev", type: "c", major: 1, minor: 5, fileMode: 416, uid: 1, gid: 2}]'
testing "linux.devices: type, numbers, mode" "r '$DEV' /probe stat /dev/mydev" "char 1:5 0640"
testing "linux.devices: owner" "r '$DEV' /probe owner /dev/mydev" "1:2"
# (0640 owned by 1:2 keeps out a root without CAP_DAC_OVERRIDE: use 0666)
testing "linux.devices: usable under the device cgroup" \
	"r '$DEV | .linux.devices[0].fileMode = 438' /bin/sh -c 'head -c 4 /dev/mydev | wc -c'" "4"
testing "linux.devices: mode and owner apply (root without DAC_OVERRIDE)" \
	"r '$DEV' /bin/sh -c 'head -c 4 /dev/mydev' 2>&1" "head: /dev/mydev: Permission denied" 1
testing "linux.devices: a nested path is created" \
	"r '.linux.devices = [{path: \"/dev/a/b/fifo\", type: \"p\"}]' /probe stat /dev/a/b/fifo" "fifo 0:0 0666"
for l in "fd /proc/self/fd" "stdin /proc/self/fd/0" "stdout /proc/self/fd/1" \
	"stderr /proc/self/fd/2" "ptmx pts/ptmx"; do
	set -- $l
	testing "/dev/$1 -> $2" "r . /bin/readlink /dev/$1" "$2"
done
if [ -e /proc/kcore ]; then
	testing "/dev/core -> /proc/kcore" "r . /bin/readlink /dev/core" "/proc/kcore"
else
	testing "no /proc/kcore: no /dev/core" "r . /bin/ls /dev/core 2>&1" \
		"ls: /dev/core: No such file or directory" 1
fi
testing "/dev/pts is a devpts with its ptmx" "r . /probe stat /dev/pts/ptmx" "char 5:2 0666"
testing "/dev/shm and /dev/mqueue are mounted" \
	"r . /bin/sh -c 'grep -c \" /dev/shm \\| /dev/mqueue \" /proc/self/mountinfo'" "2"

# the cgroup mount (host: v1 or hybrid, or pure v2)
HOSTCG=$(grep ' /sys/fs/cgroup/' /proc/self/mountinfo | grep -c ' - cgroup')
testing "cgroup mount: one entry per host hierarchy" \
	"r . /bin/sh -c 'grep \" /sys/fs/cgroup/\" /proc/self/mountinfo | grep -c \" - cgroup\"; true'" "$HOSTCG"
testing "cgroup mount: read-only" "r . /probe create /sys/fs/cgroup/x" "Read-only file system" 1
if [ -d /sys/fs/cgroup/memory ]; then
	testing "cgroup mount: a v1 hierarchy is read-only" "r . /probe ro /sys/fs/cgroup/memory" "ro"
	testing "cgroup mount: the container's cgroup is the root" \
		"r . /bin/sh -c 'test -f /sys/fs/cgroup/memory/memory.limit_in_bytes && echo yes'" "yes"
fi

# --no-pivot
testing "--no-pivot runs" "RUNOPTS=--no-pivot; r . /bin/echo ok" "ok"
testing "--no-pivot: root is the rootfs" "RUNOPTS=--no-pivot; r . /bin/ls /probe" "/probe"

testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
