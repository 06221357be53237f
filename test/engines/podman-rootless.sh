#!/bin/sh
# podman-rootless.sh: rootless podman (4.3, conmon, slirp4netns, native
# overlay storage) run by an unprivileged user this test creates (useradd
# gives it its /etc/subuid and /etc/subgid ranges) drives ocibox, and runc
# as the control, side by side: podman runs the runtime as uid 0 of the
# user's user namespace and passes no --root. Everything of the user's is
# under $T; the user, its processes and files go at the end.
. "$TOP/test/lib.sh"
. "$TOP/test/engines/common.sh"

need_pkgs catatonit podman conmon catatonit netavark aardvark-dns iptables \
	uidmap fuse-overlayfs slirp4netns ||
	engine_skip "apt-get install podman failed (see the apt log)"
for c in useradd userdel setpriv newuidmap slirp4netns runc; do
	command -v $c >/dev/null 2>&1 || engine_skip "no $c"
done

RU=ocbxpr$$
W=$T/w
chmod 711 "$T"
# its subordinate ids above those other tests' user namespaces map to (host
# 100000: podman.sh's --uidmap; 1000000: test/cli/rootless.sh's user), so
# that their processes never count as this user's
useradd -M -d "$W" -s /bin/sh -K SUB_UID_MIN=4000000 -K SUB_GID_MIN=4000000 "$RU" ||
	engine_skip "useradd $RU failed"
RUID=$(id -u "$RU") RGID=$(id -g "$RU")
SUB=$(awk -F: -v u="$RU" '$1 == u { print $2 }' /etc/subuid)
SUBN=$(awk -F: -v u="$RU" '$1 == u { print $3 }' /etc/subuid)

# No udev runs here, so the kernel's 0600 stays on these two nodes; Debian's
# udev rules (50-udev-default.rules) make both 0666, and rootless podman
# needs them (slirp4netns opens /dev/net/tun, fuse-overlayfs /dev/fuse).
# Set as udev would for the run, put back at the end.
DEVMODES=
for n in /dev/net/tun /dev/fuse; do
	[ -c "$n" ] || continue
	DEVMODES="$DEVMODES $n:$(stat -c %a "$n")"
	chmod 0666 "$n"
done

mkdir -p "$W/xdg" "$W/tmp" "$W/vol" "$W/img"
chmod 700 "$W/xdg"
cat > "$W/containers.conf" <<EOF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
tmp_dir = "$W/tmp"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "ocibox"]
EOF
mkimage_tar "$W/img"
chown -R "$RUID:$RGID" "$W"
# podman needs a working directory the user may enter (the engine tier's
# run.sh runs each test from a private 0700 directory of root's)
cd "$W" || engine_skip "cd $W failed"

# u CMD: the shell line CMD as the test user, in its own environment
u() {
	setpriv --reuid "$RUID" --regid "$RGID" --clear-groups \
		env -i HOME="$W" USER="$RU" LOGNAME="$RU" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		XDG_RUNTIME_DIR="$W/xdg" CONTAINERS_CONF="$W/containers.conf" \
		/bin/sh -c "cd '$W' && $1"
}
# P RUNTIME ARGS...: rootless podman with that runtime, its storage under $W
P() {
	_rt=$1; shift
	tmo 120 setpriv --reuid "$RUID" --regid "$RGID" --clear-groups \
		env -i HOME="$W" USER="$RU" LOGNAME="$RU" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		XDG_RUNTIME_DIR="$W/xdg" CONTAINERS_CONF="$W/containers.conf" \
		podman --root "$W/storage" --runroot "$W/runroot" --storage-driver overlay \
		--runtime "$_rt" "$@"
}
engine_cleanup() {
	P "$OCIBOX" rm -a -f -t 0 >/dev/null 2>&1
	P "$OCIBOX" system reset -f >/dev/null 2>&1
	for p in $(user_pids); do kill -9 "$p" 2>/dev/null; done
	wait_for 15 no_user_pids
	userdel "$RU" 2>/dev/null
	for m in $DEVMODES; do chmod "${m#*:}" "${m%%:*}"; done
	keep_logs "$W/events.log"
	rm -rf "$W" 2>/dev/null
}
trap 'engine_cleanup; cleanup' EXIT

I=localhost/ocibox-bb:latest
out=$(P "$OCIBOX" import --change 'CMD ["/bin/sh"]' "$W/img/rootfs.tar" "$I" 2>&1) ||
	engine_skip "rootless podman import failed: $(echo "$out" | tail -1)"
out=$(P runc run --rm "$I" /bin/true 2>&1) ||
	engine_skip "rootless podman cannot run a container here even with runc: $(echo "$out" | tail -1)"

testing "podman info: rootless, overlay storage" \
	"P $OCIBOX info --format '{{.Host.Security.Rootless}} {{.Store.GraphDriverName}}'" "true overlay"
testing "podman info names the runtime" \
	"P $OCIBOX info --format '{{.Host.OCIRuntime.Path}}'" "$OCIBOX"

for rt in "$OCIBOX" runc; do
	n=${rt##*/}
	testing "$n: run echo" "P $rt run --rm $I /bin/echo hi" "hi"
	testing_rc "$n: run exit code 3" 3 "P $rt run --rm $I /bin/sh -c 'exit 3'"
	out=$(P "$rt" run --rm $I /nonexist 2>&1); rc=$?
	expect "$n: missing command: exit 127" 127 $rc "$out"
	testing "$n: run -i passes stdin" "echo piped | P $rt run -i --rm $I /bin/cat" "piped"
	testing "$n: root inside is the user outside" \
		"P $rt run --rm $I cat /proc/self/uid_map | tr -s ' '" " 0 $RUID 1
 1 $SUB $SUBN"
	testing "$n: --userns=keep-id: the user's own uid inside" \
		"P $rt run --rm --userns=keep-id $I id -u" "$RUID"
	echo "from the host" > "$W/vol/f" && chown "$RUID:$RGID" "$W/vol/f"
	testing "$n: a volume" "P $rt run --rm -v $W/vol:/vol $I sh -c 'cat /vol/f; echo back > /vol/g' && cat $W/vol/g" \
		"from the host
back"
	rm -f "$W/vol/g"
	testing "$n: run -d, exec" \
		"P $rt run -d --name top-$n $I sleep 300 >/dev/null && P $rt exec top-$n sh -c 'echo in; id -u'" "in
0"
	[ "$rt" = "$OCIBOX" ] && testing "$n: its state is under the user's XDG_RUNTIME_DIR (podman passed no --root)" \
		"setpriv --reuid $RUID --regid $RGID --clear-groups env -i XDG_RUNTIME_DIR=$W/xdg $OCIBOX list -q" \
		"$(P "$rt" inspect --format '{{.Id}}' top-$n 2>/dev/null)"
	testing "$n: ps through the runtime (top)" \
		"P $rt top top-$n args | tail -n +2 | sed 's/ *$//'" "sleep 300"
	testing "$n: stop" "P $rt stop -t 1 top-$n >/dev/null && P $rt inspect --format '{{.State.Status}}' top-$n" "exited"
	testing "$n: rm" "P $rt rm top-$n >/dev/null && P $rt ps -a -q | wc -l" "0"
done
testing "ocibox kept its state under the user's XDG_RUNTIME_DIR, and left none" \
	"ls -A $W/xdg/ocibox | grep -v '^\\.' | wc -l" "0"
P "$OCIBOX" rm -a -f -t 0 >/dev/null 2>&1
P "$OCIBOX" system reset -f >/dev/null 2>&1
# what podman keeps on purpose: its pause process (holds the user namespace)
for p in $(user_pids); do kill -9 "$p" 2>/dev/null; done
# (on failure: what is left, with its parent and age)
testing "then no process of the user is left (zombies waited for)" \
	"wait_for 15 no_user_pids || for p in \$(user_pids); do ps -o pid=,ppid=,uid=,stat=,etime=,args= -p \$p; done" ""
