#!/bin/sh
# podman.sh: podman 4.3 (through conmon) drives ocibox, everything private:
# storage, runroot, tmp_dir, network configs, events log and containers.conf
# (CONTAINERS_CONF) under $T, ocibox's state under $ROOT (a wrapper adds
# --root, because podman does not pass --runtime-flag to its cleanup command).
. "$TOP/test/lib.sh"
. "$TOP/test/engines/common.sh"

# (catatonit checked, not podman: another tier may have installed podman
# alone, without the pause binary pods and --init need)
need_pkgs catatonit podman conmon catatonit netavark aardvark-dns iptables \
	uidmap fuse-overlayfs slirp4netns ||
	engine_skip "apt-get install podman failed (see the apt log)"
command -v conmon >/dev/null || engine_skip "no conmon after installing podman"

mkdir -p "$T/bin" "$T/storage" "$T/runroot" "$T/tmp" "$T/networks" "$T/vol"
# the name matters: podman passes --log-format=json --log FILE only to a
# runtime whose basename is in runtime_supports_json
cat > "$T/bin/ocibox" <<EOF
#!/bin/sh
exec $OCIBOX --root $ROOT "\$@"
EOF
chmod +x "$T/bin/ocibox"
cat > "$T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
tmp_dir = "$T/tmp"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "ocibox"]
[network]
network_config_dir = "$T/networks"
EOF
export CONTAINERS_CONF="$T/containers.conf"
RT=$T/bin/ocibox
I=localhost/ocibox-bb:latest
P() { tmo 90 podman --root "$T/storage" --runroot "$T/runroot" --runtime "$RT" "$@"; }

engine_cleanup() {
	P rm -a -f -t 0 >/dev/null 2>&1
	P pod rm -a -f -t 0 >/dev/null 2>&1
	P rmi -a -f >/dev/null 2>&1
	# the storage driver's own mounts (not the containers')
	P system reset -f >/dev/null 2>&1
}
trap 'engine_cleanup; keep_logs "$T/events.log"; cleanup' EXIT

libpod_cgroups() {
	find /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/unified/libpod_parent \
		-maxdepth 1 -name 'libpod-*' 2>/dev/null | sort
}
libpod_cgroups > "$T/cgroups.before"

mkimage_tar "$T/img"
out=$(P import --change 'CMD ["/bin/sh"]' "$T/img/rootfs.tar" "$I" 2>&1) ||
	engine_skip "podman import failed: $(echo "$out" | tail -1)"
out=$(P run --rm "$I" /bin/true 2>&1); rc=$?
# conmon or netavark missing pieces are not ocibox's: check with runc
if [ $rc -ne 0 ] && command -v runc >/dev/null &&
   ! tmo 60 podman --root "$T/storage" --runroot "$T/runroot" --runtime runc \
	run --rm "$I" /bin/true >/dev/null 2>&1; then
	engine_skip "podman cannot run a container here even with runc"
fi

# ---- run: exit codes, stdin, tty
testing "run echo" "P run --rm $I /bin/echo hi" "hi"
testing_rc "run exit code 3" 3 "P run --rm $I /bin/sh -c 'exit 3'"
testing "run -i passes stdin" "echo piped | P run -i --rm $I /bin/cat" "piped"
testing "run -t gets a pty (script)" \
	"script -qec 'podman --root $T/storage --runroot $T/runroot --runtime $RT run --rm -t $I /bin/sh -c \"tty; [ -t 0 ] && echo stdin-tty\"' /dev/null | tr -d '\r'" \
	"/dev/pts/0
stdin-tty"

# ---- the 126/127 mapping: podman matches ocibox's words
out=$(P run --rm $I /nonexist 2>&1); rc=$?
expect "missing command (path): exit 127" 127 $rc "$out"
expect_match "missing command (path): ocibox's reason" \
	'ocibox: config.json: process.args\[0\]: exec "/nonexist": no such file or directory' "$out"
echo "    podman prints: $out"
# a runtime not in runtime_supports_json gets no --log: conmon relays stderr
cp -p "$RT" "$T/bin/plainrt"
out=$(tmo 90 podman --root "$T/storage" --runroot "$T/runroot" --runtime "$T/bin/plainrt" \
	run --rm $I /nonexist 2>&1); rc=$?
expect "missing command, runtime without --log: exit 127" 127 $rc "$out"
expect_match "missing command, runtime without --log: ocibox's stderr" \
	'ocibox: create: config.json: process.args\[0\]: exec "/nonexist": no such file or directory' "$out"
out=$(P run --rm $I nonexist 2>&1); rc=$?
expect "missing command (PATH): exit 127" 127 $rc "$out"
expect_match "missing command (PATH): ocibox's reason" \
	'exec: "nonexist": executable file not found in \$PATH' "$out"
out=$(P run --rm $I /noexec 2>&1); rc=$?
expect "non-executable file: exit 126" 126 $rc "$out"
expect_match "non-executable file: permission denied from create" \
	'^Error: .*ocibox.*exec "/noexec": permission denied' "$out"
out=$(P run --rm $I /tmp 2>&1); rc=$?
expect "a directory as the command: exit 126" 126 $rc "$out"
out=$(P run --rm --memory 1k $I /bin/true 2>&1); rc=$?
expect "impossible memory limit (1k): exit 126" 126 $rc "$out"
expect_match "impossible memory limit: ocibox's reason" \
	'ocibox.*(memory|OOM)' "$out"
echo "    podman prints: $out"

# ---- networks and pid namespace
testing "--network none: only lo" \
	"P run --rm --network none $I /bin/ls /sys/class/net" "lo"
testing "default bridge (netavark): eth0 with 10.88.x" \
	"P run --rm $I /bin/sh -c 'ls /sys/class/net | tr \"\n\" \" \"; /bin/busybox ip -4 addr show eth0 | grep -c \"inet 10\\.88\\.\"'" \
	"eth0 lo 1"
testing "--pid host sees host processes" \
	"P run --rm --pid host $I /bin/sh -c '[ \$(ls -d /proc/[0-9]* | wc -l) -gt 10 ] && echo many; [ -e /proc/1/comm ] && cat /proc/1/comm >/dev/null && echo ok'" \
	"many
ok"

# ---- limits (cgroup v1 files as the container sees them) and an OOM kill
testing "--memory --cpus --pids-limit" \
	"P run --rm --memory 64m --cpus 0.5 --pids-limit 50 $I /bin/sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/pids.max'" \
	"67108864
50000
50"
testing_rc "OOM kill: exit 137" 137 \
	"P run --rm --memory 16m --memory-swap 16m $I /bin/sh -c 'x=a; while :; do x=\$x\$x; done'"
testing "--pids-limit stops a fork bomb (fork fails)" \
	"P run --rm --pids-limit 5 $I /bin/sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait; echo done' 2>&1 | grep -c \"can't fork\"" \
	"1"

# ---- user, read-only, capabilities, privileged, seccomp
testing "--user 1000 --read-only" \
	"P run --rm --user 1000 --read-only $I /bin/sh -c 'id -u; touch /x 2>&1 | grep -c Read-only; touch /tmp/ok && echo tmp-ok'" \
	"1000
1
tmp-ok"
testing "--user 1000:1000 groups" \
	"P run --rm --user 1000:1000 $I /bin/id -G" "1000"
testing "--cap-drop all: no effective caps" \
	"P run --rm --cap-drop all $I /probe cap Eff" "0000000000000000"
testing "--cap-drop CHOWN: chown fails" \
	"P run --rm --cap-drop CHOWN $I /bin/sh -c 'touch /tmp/f; chown 1000 /tmp/f 2>&1 | grep -c \"not permitted\"'" "1"
testing "--cap-add SYS_ADMIN lands in the effective set" \
	"P run --rm --cap-add SYS_ADMIN $I /bin/sh -c 'printf \"%d\n\" \$(( 0x\$(/probe cap Eff) >> 21 & 1 ))'" "1"
testing "--cap-add NET_ADMIN: ip link set works" \
	"P run --rm --network none --cap-add NET_ADMIN $I /bin/busybox ip link set lo mtu 1400 && echo ok" "ok"
testing "--privileged: SYS_MODULE SYS_RAWIO SYS_ADMIN NET_ADMIN, host devices" \
	"P run --rm --privileged $I /bin/sh -c 'e=0x\$(/probe cap Eff); for c in 16 17 21 12; do printf %d \$(( e >> c & 1 )); done; echo; [ \$(ls /dev | wc -l) -gt 30 ] && echo devs'" \
	"1111
devs"
testing "default seccomp profile: busybox works, swapoff is blocked (EPERM)" \
	"P run --rm --cap-add SYS_ADMIN $I /bin/busybox swapoff /nonexist 2>&1" \
	"swapoff: /nonexist: Operation not permitted" 1
testing "seccomp=unconfined: swapoff reaches the kernel (ENOENT)" \
	"P run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined $I /bin/busybox swapoff /nonexist 2>&1" \
	"swapoff: /nonexist: No such file or directory" 1

# ---- volumes, tmpfs, uidmap, init
echo hostfile > "$T/vol/f"
testing "-v host dir: read and write" \
	"P run --rm -v $T/vol:/v $I /bin/sh -c 'cat /v/f; echo written > /v/g' && cat $T/vol/g" \
	"hostfile
written"
testing "-v host dir :ro" \
	"P run --rm -v $T/vol:/v:ro $I /bin/sh -c 'touch /v/h 2>&1 | grep -c Read-only'" "1"
testing "--tmpfs with size" \
	"P run --rm --tmpfs /scratch:size=1m $I /bin/sh -c 'grep \" /scratch \" /proc/mounts | cut -d\" \" -f3,4 | grep -o \"tmpfs.*size=1024k\"'" \
	"tmpfs rw,nosuid,nodev,relatime,size=1024k"
testing "--uidmap/--gidmap: user namespace" \
	"P run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 $I /bin/sh -c 'cat /proc/self/uid_map | tr -s \" \"; id -u; touch /tmp/x && echo ok'" \
	" 0 100000 65536
0
ok"
testing "--init: catatonit is pid 1" \
	"P run --rm --init $I /bin/sh -c 'cat /proc/1/cmdline | tr \"\\0\" \" \"; echo'" \
	"/run/podman-init -- /bin/sh -c cat /proc/1/cmdline | tr \"\\0\" \" \"; echo "

# ---- a pod: infra container + two sharing its namespaces
if P pod create --name ocbpod --share pid,net,ipc,uts >/dev/null 2>"$T/pod.err"; then
	P run -d --pod ocbpod --name ocbpc1 $I /bin/sleep 300 >/dev/null 2>&1
	testing "pod: second container sees the first (shared pid, uts)" \
		"P run --rm --pod ocbpod $I /bin/sh -c 'hostname; ps -o comm | grep -c sleep'" \
		"ocbpod
1"
	testing "pod: shared network namespace" \
		"[ \$(P exec ocbpc1 readlink /proc/self/ns/net) = \$(P run --rm --pod ocbpod $I readlink /proc/self/ns/net) ] && echo same" \
		"same"
	testing_rc "pod rm -f" 0 "P pod rm -f -t 0 ocbpod"
else
	fail "pod create" "$(head -c 300 "$T/pod.err")"
fi

# ---- a detached container: exec, ps/top, update, pause, kill, stop ...
testing_rc "run -d" 0 "P run -d --name c1 $I /bin/sleep 1000"
testing "exec" "P exec c1 /bin/echo ok" "ok"
testing "exec -i" "echo in | P exec -i c1 /bin/cat" "in"
testing "exec -t (script)" \
	"script -qec 'podman --root $T/storage --runroot $T/runroot --runtime $RT exec -t c1 /bin/tty' /dev/null | tr -d '\r'" \
	"/dev/pts/0"
testing "exec -u 1000" "P exec -u 1000 c1 /bin/id -u" "1000"
testing "exec -e" "P exec -e FOO=bar c1 /bin/sh -c 'echo \$FOO'" "bar"
testing "exec -w" "P exec -w /tmp c1 /bin/pwd" "/tmp"
testing_rc "exec exit status 5" 5 "P exec c1 /bin/sh -c 'exit 5'"
testing_rc "exec of a missing command: 127" 127 "P exec c1 /nonexist"
testing "exec -d then the file it wrote" \
	"P exec -d c1 /bin/sh -c 'echo det > /tmp/det' >/dev/null && sleep 1 && P exec c1 /bin/cat /tmp/det" "det"
testing "exec: no fd beyond stdio" "P exec c1 /probe fds" "0 1 2"
testing "ps shows it running" "P ps --format '{{.Names}} {{.Status}}' --filter name=c1 | cut -c1-5" "c1 Up"
testing "top: the container's process" "P top c1 args | tail -n +2 | tr -s ' '" "/bin/sleep 1000 "
testing "update --memory 128m" \
	"P update --memory 128m c1 >/dev/null && P exec c1 /bin/cat /sys/fs/cgroup/memory/memory.limit_in_bytes" \
	"134217728"
testing "pause: status paused, cgroup frozen" \
	"P pause c1 >/dev/null && P inspect -f '{{.State.Status}}' c1 && cat /sys/fs/cgroup/freezer/libpod_parent/libpod-\$(P inspect -f '{{.Id}}' c1)/freezer.state" \
	"paused
FROZEN"
testing_rc "exec into a paused container fails" 255 "P exec c1 /bin/true"
testing "unpause" "P unpause c1 >/dev/null && P inspect -f '{{.State.Status}}' c1" "running"
testing "stop -t 2: TERM ignored by pid 1, KILL after the timeout" \
	"s=\$(date +%s); P stop -t 2 c1 >/dev/null 2>&1; e=\$(date +%s); [ \$((e - s)) -ge 2 ] && [ \$((e - s)) -le 8 ] && echo timed; P inspect -f '{{.State.Status}} {{.State.ExitCode}}' c1" \
	"timed
exited 137"
testing "restart: running again with a new pid" \
	"P restart c1 >/dev/null && P inspect -f '{{.State.Status}}' c1 && P exec c1 /bin/echo back" \
	"running
back"
testing_rc "rm -f a running container" 0 "P rm -f -t 0 c1"

P run -d --name c2 $I /bin/sh -c 'trap "echo got-usr1; exit 7" USR1; trap "echo got-term; exit 0" TERM; echo started; while :; do sleep 0.1; done' >/dev/null
sleep 0.5
testing "kill -s USR1 then wait: the trap's exit code" \
	"P kill -s USR1 c2 >/dev/null && P wait c2" "7"
testing "logs" "P logs c2" "started
got-usr1"
P start c2 >/dev/null 2>&1; sleep 0.5
testing "stop: SIGTERM honoured quickly" \
	"s=\$(date +%s); P stop -t 20 c2 >/dev/null; e=\$(date +%s); [ \$((e - s)) -lt 5 ] && echo quick; P inspect -f '{{.State.ExitCode}}' c2" \
	"quick
0"
testing_rc "rm a stopped container" 0 "P rm c2"
testing_rc "run -d then wait: the exit code" 0 \
	"id=\$(P run -d $I /bin/sh -c 'exit 4') && [ \$(P wait \$id) = 4 ] && P rm \$id >/dev/null"

# ---- nothing left behind (before `system reset` could hide a mount)
P rm -a -f -t 0 >/dev/null 2>&1
P pod rm -a -f -t 0 >/dev/null 2>&1
ids=$(P ps -a -q --no-trunc 2>/dev/null)
expect "no podman containers left" "" "$ids"
expect "no ocibox state left under the private root" "" "$(leftovers "$ROOT")"
expect "no ocibox container cgroup left (libpod_parent/libpod-*)" "" \
	"$(libpod_cgroups | comm -13 "$T/cgroups.before" -)"
# (the overlay driver's own home bind stays until `system reset`)
expect "no mounts left under the test dir" "" \
	"$(mounts_under "$T" | grep -vx "$T/storage/overlay")"
expect "no conmon left for our containers" "" "$(pgrep -f "conmon.*$T/runroot" 2>/dev/null)"
