# attacks.sh: the issue 9 defects, each tried as an attack that must fail:
# stray fds of the caller, mount flags set by path in a swapped volume, mounts
# inside /proc, chmod of a device swapped for a symlink, /dev/console planted
# as a symlink, sysctls that reach the host, the CVE-2019-5736 warning as nobody.
. "$TOP/test/lib.sh"
if ! is_root; then skip "attacks" "needs root"; exit 0; fi

# background helpers (racers, a console receiver): killed by pid, here or
# at exit before lib.sh's cleanup
HELPERS=""
helper_stop() { # PID
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	HELPERS=$(echo $HELPERS | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}
trap 'for p in $HELPERS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; cleanup' EXIT
hostmounts() { count " $T" /proc/self/mountinfo; }
# create_out ID: create ID from $B, its output and status; to a file first,
# so that a create wrongly succeeding (its init keeps stdout) cannot hang us
create_out() {
	$O create --bundle "$B" "$1" </dev/null >"$T/create.out" 2>&1
	echo "rc=$?"
	cat "$T/create.out"
}

base_bundle
MOUNTS0=$(hostmounts)

# ---- 1. stray fds: the caller's fd 9 (a host directory, not close-on-exec)
# must not let the program lookup reach the host. hostonly is a static
# program (a copy of the probe: it would print its usage) not in the rootfs ----
mkdir -p "$T/hostdir"
cp "$PROBE" "$T/hostdir/hostonly"
testing "stray fd 9: args /proc/self/fd/9/hostonly is not found" \
	"exec 9<$T/hostdir; r . /proc/self/fd/9/hostonly 2>&1; echo rc=\$?" \
	"ocibox: run: exec \"/proc/self/fd/9/hostonly\": no such file or directory
rc=1"
testing "stray fd 9: hostonly through PATH=/proc/self/fd/9:/bin is not found" \
	"exec 9<$T/hostdir; r '.process.env = [\"PATH=/proc/self/fd/9:/bin\"]' hostonly 2>&1; echo rc=\$?" \
	"ocibox: run: exec: \"hostonly\": executable file not found in \$PATH
rc=1"
testing "stray fd 9: create refuses it too and leaves no state" \
	"exec 9<$T/hostdir; cfg_args . /proc/self/fd/9/hostonly; create_out sf1; ls $ROOT" \
	"rc=1
ocibox: create: exec \"/proc/self/fd/9/hostonly\": no such file or directory"
d sfexec . /bin/sleep 100
testing "stray fd 9: exec /proc/self/fd/9/hostonly into a running container fails" \
	"exec 9<$T/hostdir; $O exec sfexec /proc/self/fd/9/hostonly 2>&1; echo rc=\$?" \
	"ocibox: exec: exec \"/proc/self/fd/9/hostonly\": no such file or directory
rc=1"
testing "stray fd 9: exec hostonly with PATH=/proc/self/fd/9:/bin fails" \
	"exec 9<$T/hostdir; $O exec --env PATH=/proc/self/fd/9:/bin sfexec hostonly 2>&1; echo rc=\$?" \
	"ocibox: exec: exec: \"hostonly\": executable file not found in \$PATH
rc=1"
echo fd3-content > "$T/fd3"
testing "exec --preserve-fds 1: fd 3 is passed, stray fd 9 is not" \
	"exec 9<$T/hostdir; $O exec --preserve-fds 1 sfexec /bin/sh -c '/probe fds; cat <&3' 3<$T/fd3" \
	"0 1 2 3
fd3-content"
$O delete -f sfexec >/dev/null 2>&1
testing "run --preserve-fds 1: fd 3 is passed, stray fd 9 is not" \
	"exec 9<$T/hostdir; RUNOPTS='--preserve-fds 1' r . /bin/sh -c '/probe fds; cat <&3' 3<$T/fd3" \
	"0 1 2 3
fd3-content"
testing "stray fds: no state left" "ls $ROOT" ""

# ---- 2. mount flags through the mount itself: a co-tenant swaps V/sub (a
# directory) with V/alt (a symlink to V itself, the root of the /vol mount)
# while R is bound read-only at /vol/sub. A remount by path after the bind
# would land on /vol: R rw, V ro. Whatever the timing, R's mounts are ro and
# V's stays rw. (A symlink to a plain directory of V would not show it: the
# kernel remounts only a mount's root and says EINVAL.) ----
V=$T/V R=$T/R
mkdir -p "$V/sub" "$R" "$B/rootfs/vol"
if ! command -v python3 >/dev/null; then
	skip "volume swap race" "no python3 for the swapper (renameat2)"
else
ln -s . "$V/alt"
echo marker > "$R/marker"
python3 -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = (os.fsencode(p) for p in sys.argv[1:3])
end = time.monotonic() + 20   # a bound only: killed when done
open(sys.argv[3], "w").close()
while time.monotonic() < end:
	for _ in range(1000):
		libc.renameat2(-100, a, -100, b, 2)   # AT_FDCWD, RENAME_EXCHANGE
' "$V/sub" "$V/alt" "$T/swap.ready" &
SWAP=$!; HELPERS="$HELPERS $SWAP"
wait_for 5 test -e "$T/swap.ready"
cfg_args ".mounts += [{destination: \"/vol\", type: \"bind\", source: \"$V\", options: [\"bind\"]},
	{destination: \"/vol/sub\", type: \"bind\", source: \"$R\", options: [\"bind\", \"ro\"]}]" /bin/sleep 100
# mounts_wrong MOUNTINFO ID: what is wrong there (R's mounts ro, V's once rw)
mounts_wrong() {
	awk -v r="/${T##*/}/R" -v v="/${T##*/}/V" -v id="$2" '
		function ends(s, t) { return length(s) >= length(t) && substr(s, length(s) - length(t) + 1) == t }
		ends($4, r) { nr++; if ($6 !~ /^ro(,|$)/) print id ": R at " $5 " is " $6 }
		ends($4, v) { nv++; if ($6 !~ /^rw(,|$)/) print id ": V at " $5 " is " $6 }
		END { if (nr < 1 || nv != 1) print id ": " nr + 0 " mounts of R, " nv + 0 " of V" }' "$1"
}
: > "$T/swap.wrong"
created=0 i=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	if $O create --bundle "$B" --pid-file "$T/sw.pid" "sw$i" >/dev/null 2>&1; then
		created=$((created + 1))
		mounts_wrong "/proc/$(cat "$T/sw.pid")/mountinfo" "sw$i" >> "$T/swap.wrong"
		$O delete -f "sw$i" >/dev/null 2>&1
	fi
done
swapper_alive=no; alive "$SWAP" && swapper_alive=yes
helper_stop "$SWAP"
testing "volume swap race: the swapper ran throughout" "echo $swapper_alive" "yes"
testing "volume swap race: some of the 40 creates succeeded" \
	"[ $created -gt 0 ] && echo yes" "yes"
testing "volume swap race: R is ro and V rw in every created container" \
	"cat $T/swap.wrong" ""
testing "volume swap race: no state left" "ls $ROOT" ""
testing "volume swap race: no host mount changed" "hostmounts" "$MOUNTS0"
fi

# ---- 3. no mounts inside /proc ----
ln -s /proc/sys/net/ipv4 "$B/rootfs/data"
mkdir -p "$T/data"
testing "image symlink /data -> /proc/sys/net/ipv4 with a volume at /data: refused" \
	"cfg_args '.mounts += [{destination: \"/data\", type: \"bind\", source: \"$T/data\", options: [\"bind\"]}]' /bin/true;
	 create_out p1" \
	"rc=1
ocibox: create: mounts[7] (/data): '/data' resolves to '/proc/sys/net/ipv4', inside /proc"
testing "image symlink into /proc: no state left" "ls $ROOT" ""
rm "$B/rootfs/data"
cfg_args '.mounts += [{destination: "/proc/sys/kernel", type: "tmpfs", source: "tmpfs"}]' /bin/true
testing "tmpfs at /proc/sys/kernel: check lists it" \
	"$O check --bundle $B; echo rc=\$?" \
	"config.json: mounts[7].destination: '/proc/sys/kernel' is inside /proc (only procfs at /proc, and procfs or the files lxcfs provides below it)
rc=1"
testing "tmpfs at /proc/sys/kernel: create refuses it" \
	"create_out p2 | grep -c \"^rc=1\\|'/proc/sys/kernel' is inside /proc\"; ls $ROOT" "2"
echo host-uptime-file > "$T/uptime"
testing "a host file bound at /proc/uptime (lxcfs) is allowed and read there" \
	"r '.mounts += [{destination: \"/proc/uptime\", type: \"bind\", source: \"$T/uptime\", options: [\"bind\", \"ro\"]}]' /bin/cat /proc/uptime" \
	"host-uptime-file"
testing "mounts in /proc: no host mount changed" "hostmounts" "$MOUNTS0"

# ---- 4. devices: no chmod or chown through a symlink. /dev is the
# rootfs's own directory; a racer keeps exchanging rootfs/dev/x with x.y, a
# symlink to the host canary C (RENAME_EXCHANGE: x is the node and the
# symlink in turn; when the runtime removed the symlink it makes a new one).
# /dev/x is listed 50 times: 50 chances per container (one may fail when
# the symlink lands before the mknod: fine) ----
C=$T/canary
DEVCFG='del(.mounts[] | select(.destination == "/dev")) |
	.linux.devices = [range(50) | {path: "/dev/x", type: "c", major: 1, minor: 3, fileMode: 390, uid: 4242, gid: 4242}]'
if ! command -v python3 >/dev/null; then
	skip "device race" "no python3 for the racer (renameat2)"
else
echo canary > "$C"
chmod 0644 "$C"
C0=$(stat -c '%a %u:%g' "$C")
ln -s "$C" "$B/rootfs/dev/x"
ln -s "$C" "$B/rootfs/dev/x.y"
python3 -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
c, x = sys.argv[1:3]
y, tmp = x + ".y", x + ".tmp"
bx, by = os.fsencode(x), os.fsencode(y)
end = time.monotonic() + 20   # a bound only: killed when done
open(sys.argv[3], "w").close()
while time.monotonic() < end:
	for _ in range(1000):
		if libc.renameat2(-100, bx, -100, by, 2) != 0 and not os.path.islink(y):
			try:
				os.symlink(c, tmp)
			except FileExistsError:
				pass
			os.replace(tmp, y)
' "$C" "$B/rootfs/dev/x" "$T/race.ready" &
RACE=$!; HELPERS="$HELPERS $RACE"
wait_for 5 test -e "$T/race.ready"
i=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	r "$DEVCFG" /bin/true </dev/null >/dev/null 2>&1
done
racer_alive=no; alive "$RACE" && racer_alive=yes
helper_stop "$RACE"
testing "device race: the racer ran throughout" "echo $racer_alive" "yes"
testing "device race: the host canary's mode and owner are unchanged" \
	"stat -c '%a %u:%g' $C" "$C0"
fi
rm -f "$B/rootfs/dev/x" "$B/rootfs/dev/x.y" "$B/rootfs/dev/x.tmp"
testing "device without a race: made with the mode and owner asked" \
	"r '$DEVCFG' /probe stat /dev/x; stat -c '%a %u:%g' $B/rootfs/dev/x" \
	"char 1:3 0606
606 4242:4242"
testing "devices: no state left" "ls $ROOT" ""

# /dev/console planted as a symlink, with a terminal: refused
ln -sf /etc/hostname "$B/rootfs/dev/console"
echo image-hostname > "$B/rootfs/etc/hostname"
$PROBE pty-recv "$T/con.sock" > "$T/con.out" 2>&1 &
RECV=$!; HELPERS="$HELPERS $RECV"
wait_for 5 test -e "$T/con.sock"
cfg_args 'del(.mounts[] | select(.destination == "/dev")) | .process.terminal = true' /bin/true
testing "/dev/console a symlink (no /dev tmpfs), terminal: create refuses" \
	"$O create --bundle $B --console-socket $T/con.sock con </dev/null >$T/create.out 2>&1; echo rc=\$?; cat $T/create.out" \
	"rc=1
ocibox: create: /dev/console in the container is a symlink"
helper_stop "$RECV"
testing "/dev/console a symlink: no state left" "ls $ROOT" ""
testing "/dev/console a symlink: it and its target are untouched" \
	"readlink $B/rootfs/dev/console; cat $B/rootfs/etc/hostname" \
	"/etc/hostname
image-hostname"
rm -f "$B/rootfs/dev/console"

# ---- 5. sysctls never reach the host ----
# sysctl_refused DESC KEY VALUE FILTER: check and create refuse KEY=VALUE in
# base.json edited by FILTER, naming linux.sysctl and KEY; no state; the
# host's value unchanged (put back if a regression changed it)
sysctl_refused() {
	sf=/proc/sys/$(echo "$2" | tr . /)
	before=$(cat "$sf")
	cfg_args "$4 | .linux.sysctl = {\"$2\": \"$3\"}" /bin/true
	testing "$1: check refuses it" \
		"$O check --bundle $B | grep -c 'linux.sysctl: \"$2\"'" "1"
	testing "$1: create refuses it" \
		"create_out sc | grep -c '^rc=1\\|linux.sysctl: \"$2\"'; ls $ROOT" "2"
	testing "$1: run refuses it" \
		"$O run --bundle $B sc </dev/null 2>&1 | grep -c 'linux.sysctl: \"$2\"'; ls $ROOT" "1"
	testing "$1: the host's value is unchanged" "cat $sf" "$before"
	[ "$(cat "$sf")" = "$before" ] || printf '%s\n' "$before" > "$sf"
}
FWD=$(cat /proc/sys/net/ipv4/ip_forward)
sysctl_refused "kernel.core_pattern" kernel.core_pattern '|/bin/false attacked' .
TIMENS=
[ -e /proc/self/ns/time ] && TIMENS=', {type: "time"}'
sysctl_refused "kernel.core_pattern, all namespaces" kernel.core_pattern '|/bin/false attacked' \
	".linux.namespaces += [{type: \"user\"}$TIMENS] | "'.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
sysctl_refused "net.ipv4.ip_forward without a network namespace" net.ipv4.ip_forward \
	$((1 - FWD)) 'del(.linux.namespaces[] | select(.type == "network"))'
sysctl_refused "net/ipv4/ip_forward (slashes) without a network namespace" net/ipv4/ip_forward \
	$((1 - FWD)) 'del(.linux.namespaces[] | select(.type == "network"))'
sysctl_refused "net.ipv4.ip_forward joining /proc/self/ns/net (ocibox's own)" net.ipv4.ip_forward \
	$((1 - FWD)) '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
ln -s /proc/self/ns/net "$T/netlink"
sysctl_refused "net.ipv4.ip_forward joining the host's via a symlink" net.ipv4.ip_forward \
	$((1 - FWD)) ".linux.namespaces |= map(if .type == \"network\" then .path = \"$T/netlink\" else . end)"
sysctl_refused "kernel.shmmax without an ipc namespace" kernel.shmmax 12345678 \
	'del(.linux.namespaces[] | select(.type == "ipc"))'
sysctl_refused "kernel.domainname without a uts namespace" kernel.domainname attacked.example \
	'del(.hostname) | del(.linux.namespaces[] | select(.type == "uts"))'
SHM=$(cat /proc/sys/kernel/shmmax)
testing "net.ipv4.ip_forward with a new network namespace: set inside, not on the host" \
	"r '.linux.sysctl = {\"net.ipv4.ip_forward\": \"$((1 - FWD))\"}' /bin/cat /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ip_forward" \
	"$((1 - FWD))
$FWD"
testing "kernel.shmmax with a new ipc namespace: set inside, not on the host" \
	"r '.linux.sysctl = {\"kernel.shmmax\": \"12345678\"}' /bin/cat /proc/sys/kernel/shmmax; cat /proc/sys/kernel/shmmax" \
	"12345678
$SHM"
testing "sysctls: no state left" "ls $ROOT" ""

# ---- 6. the CVE-2019-5736 protection never warns in vain: nobody cannot
# write the root-owned binary, so there is nothing to protect; its own
# binary is protected by a sealed copy ----
if ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
	skip "as nobody" "no setpriv or no user nobody"
else
chmod 0711 "$T"
NB=$T/nobody
mkdir -p "$NB"
chown nobody "$NB"
cp "$OCIBOX" "$NB/ocibox.root"          # root's, 0755, in a dir nobody reaches
cp "$OCIBOX" "$NB/ocibox.nobody"
chown nobody "$NB/ocibox.nobody"        # nobody's own: that one is at risk
chmod 0755 "$NB/ocibox.root" "$NB/ocibox.nobody"
cfg_args . /bin/true
asnobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
# quietly BINARY ARGS...: as nobody; "ran quietly" when it got past the
# protection (to any later ocibox error) without the warning
quietly() {
	out=$(asnobody "$@" 2>&1)
	case $out in
	*"cannot protect"*) echo "warned: $out" ;;
	"ocibox: "*) echo "ran quietly" ;;
	*) echo "did not run: $out" ;;
	esac
}
for a in "run --bundle $B nb" "create --bundle $B nb" "exec nb /bin/true"; do
	testing "as nobody, ${a%% *} of a root-owned binary: no 'cannot protect' warning" \
		"quietly $NB/ocibox.root --root $NB/root $a" "ran quietly"
done
# a binary nobody may write: re-executed from a sealed copy (rootless.sh
# shows the copy), no warning
testing "as nobody, run of a binary nobody owns: protected, no warning" \
	"quietly $NB/ocibox.nobody --root $NB/root run --bundle $B nb" "ran quietly"
testing "as nobody: no state made" "[ ! -e $NB/root ] || ls -A $NB/root" ""
chmod 0700 "$T"
fi

testing "no host mount changed" "hostmounts" "$MOUNTS0"
testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
