# security.sh: container-controlled paths cannot reach the host (symlinks
# in the image as mount destinations, masked paths, devices, cwd; /proc as a
# symlink), and the runtime binary cannot be overwritten (CVE-2019-5736).
. "$TOP/test/lib.sh"
if ! is_root; then skip "security" "needs root"; exit 0; fi

base_bundle

hostmounts() { count " $X" /proc/self/mountinfo; }

# The image plants symlinks to a host directory X: absolute, and relative
# with more ".." than the rootfs is deep.
X=$T/hostxyz
mkdir -p "$X"
ln -s "$X" "$B/rootfs/evil"
ln -s "../../../../../../../../..$X" "$B/rootfs/evil2"
R=$B/rootfs$X   # where X is inside the rootfs

testing "tmpfs on /evil/x: inside, it is at X/x of the rootfs" \
	"r '.mounts += [{destination: \"/evil/x\", type: \"tmpfs\", source: \"tmpfs\"}]' /bin/sh -c 'grep -c \" $X/x \" /proc/self/mountinfo; /probe create /evil/x/f'" \
	"1
ok"
testing "tmpfs on /evil/x: the host's X got nothing" "ls -A $X" ""
testing "tmpfs on /evil/x: no host mount appeared" "hostmounts" "0"
testing "tmpfs on /evil/x: the destination was made in the rootfs" "[ -d $R/x ] && echo yes" "yes"
testing "relative symlink: clamped at the rootfs" \
	"r '.mounts += [{destination: \"/evil2/y\", type: \"tmpfs\", source: \"tmpfs\"}]' /bin/true && ls -A $X && [ -d $R/y ] && echo in-rootfs" \
	"in-rootfs"
testing "bind onto /evil/z: nothing on the host" \
	"r '.mounts += [{destination: \"/evil/z\", type: \"bind\", source: \"$T\", options: [\"bind\", \"ro\"]}]' /bin/true && ls -A $X && hostmounts && [ -d $R/z ] && echo in-rootfs" \
	"0
in-rootfs"
testing "masked path through a symlink stays in the rootfs" \
	"r '.linux.maskedPaths += [\"/evil\"]' /bin/ls -A /evil && hostmounts && ls -A $X" "0"
testing "readonly path through a symlink stays in the rootfs" \
	"r '.linux.readonlyPaths += [\"/evil2\"]' /probe ro $X && hostmounts" "ro
0"
testing "device through a symlink is made in the rootfs" \
	"r '.linux.devices = [{path: \"/evil/null0\", type: \"c\", major: 1, minor: 3}]' /probe stat $X/null0 && ls -A $X && [ -c $R/null0 ] && echo in-rootfs" \
	"char 1:3 0666
in-rootfs"
mkdir -p "$R"
testing "cwd through a symlink is inside the container" \
	"r '.root.readonly = false | .process.cwd = \"/evil\"' /probe create here && ls -A $X && [ -f $R/here ] && echo in-rootfs" \
	"ok
in-rootfs"
testing "cwd with .. is clamped at the container's /" \
	"r '.process.cwd = \"/../../../..\"' /probe cwd" "/"
testing "nothing reached the host's X" "ls -A $X && hostmounts" "0"

# /proc and /sys in the rootfs must not be symlinks
mv "$B/rootfs/proc" "$B/rootfs/proc.real"
ln -s /tmp "$B/rootfs/proc"
testing "rootfs /proc is a symlink: create refuses" \
	"jq '.process.args = [\"/bin/true\"]' $T/base.json > $B/config.json; $O create --bundle $B p1 2>&1" \
	"ocibox: create: mounts[0] (/proc): '/proc' in the rootfs is a symlink" 1
testing "rootfs /proc is a symlink: no state left" "states" ""
testing "rootfs /proc is a symlink: nothing mounted on the host" \
	"count ' $B/rootfs' /proc/self/mountinfo" "0"
testing "rootfs /proc is a symlink: no process left" "ours_left" "0"
rm "$B/rootfs/proc"; mv "$B/rootfs/proc.real" "$B/rootfs/proc"
mv "$B/rootfs/sys" "$B/rootfs/sys.real"
ln -s /sys "$B/rootfs/sys"
testing "rootfs /sys is a symlink: create refuses" \
	"$O create --bundle $B p2 2>&1" \
	"ocibox: create: mounts[5] (/sys): '/sys' in the rootfs is a symlink" 1
rm "$B/rootfs/sys"; mv "$B/rootfs/sys.real" "$B/rootfs/sys"

# CVE-2019-5736: while the init is still the runtime (after create, before
# start), its /proc/PID/exe is the runtime binary. Opening it for writing
# must fail: the init runs from a read-only mount of the binary.
jq '.process.args = ["/bin/sleep", "100"]' "$T/base.json" > "$B/config.json"
cp "$OCIBOX" "$T/ocibox.copy"
$O create --bundle "$B" --pid-file "$T/cve.pid" cve >/dev/null 2>&1
CPID=$(cat "$T/cve.pid" 2>/dev/null)
testing "CVE-2019-5736: the created init is the runtime" \
	"cmp -s /proc/$CPID/exe $OCIBOX && echo same" "same"
testing "CVE-2019-5736: its exe is on a read-only mount" "$PROBE ro /proc/$CPID/exe" "ro"
# Opening it for writing while it runs says ETXTBSY (the kernel checks
# that first); the attack holds an O_PATH fd to it and reopens that for
# writing once the runtime is gone (after start): then EROFS must stop it.
testing "CVE-2019-5736: while it runs the exe is busy" \
	"alive '$CPID' && $PROBE exe-write $CPID" "Text file busy"
# the attacker inside: a root process with every capability in the
# container's namespaces (nsenter keeps them), holding its pid 1's exe
nsenter -t "$CPID" -m -p -r -w /probe exe-reopen 1 > "$T/reopen.in" 2>&1 &
$PROBE exe-reopen "$CPID" > "$T/reopen.host" 2>&1 &
# start only once both hold the exe
wait_for 5 grep -q held "$T/reopen.in"
wait_for 5 grep -q held "$T/reopen.host"
$O start cve
wait
testing "CVE-2019-5736: from inside, reopening the held exe for writing fails" \
	"cat $T/reopen.in" "held
Read-only file system"
testing "CVE-2019-5736: from the host neither" "cat $T/reopen.host" "held
Read-only file system"
testing "CVE-2019-5736: the binary is unchanged" "cmp $OCIBOX $T/ocibox.copy && echo same" "same"
testing "CVE-2019-5736: the runtime binary itself stays writable on the host" \
	"$PROBE ro $OCIBOX" "rw"
$O delete -f cve >/dev/null 2>&1

testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
