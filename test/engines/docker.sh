#!/bin/sh
# docker.sh: dockerd 20.10 with its own daemon.json (data-root, exec-root,
# socket, pidfile under $T; no iptables, no default bridge) on a private
# containerd, ocibox registered as runtimes.ocibox; the 20.10 CLI
# (/usr/bin/docker) runs `docker run --runtime ocibox`; the runc v2 shim
# passes a --root under the exec-root, private too.
. "$TOP/test/lib.sh"
. "$TOP/test/engines/common.sh"

if ! command -v dockerd >/dev/null 2>&1 && is_root; then
	# keep the package's postinst from starting the system's dockerd
	[ -e /usr/sbin/policy-rc.d ] && cp -p /usr/sbin/policy-rc.d "$T/policy-rc.d.saved"
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	need_pkgs dockerd --no-install-recommends docker.io containerd
	if [ -e "$T/policy-rc.d.saved" ]; then
		cp -p "$T/policy-rc.d.saved" /usr/sbin/policy-rc.d
	else
		rm -f /usr/sbin/policy-rc.d
	fi
fi
command -v dockerd >/dev/null 2>&1 ||
	engine_skip "apt-get install docker.io failed (see the apt log)"
command -v containerd >/dev/null 2>&1 || engine_skip "no containerd for dockerd"
[ -x /usr/bin/docker ] || engine_skip "no /usr/bin/docker (docker.io's CLI)"

D=$T/ctrd DD=$T/docker
mkdir -p "$D" "$DD"
containerd_config "$D"
cat > "$DD/daemon.json" <<EOF
{ "data-root": "$DD/data", "exec-root": "$DD/exec", "pidfile": "$DD/dockerd.pid",
  "hosts": ["unix://$DD/docker.sock"], "containerd": "$D/containerd.sock",
  "iptables": false, "ip6tables": false, "bridge": "none", "storage-driver": "overlay2",
  "runtimes": { "ocibox": { "path": "$OCIBOX" } } }
EOF
# the 20.10 CLI: the one on PATH may be a newer, untested client
DK() { tmo 60 /usr/bin/docker -H "unix://$DD/docker.sock" "$@"; }
R="--runtime ocibox"
I=localhost/ocibox-bb:latest
NET=ocibox-n1

engine_cleanup() {
	if [ -S "$DD/docker.sock" ]; then
		ids=$(DK ps -aq 2>/dev/null)
		[ -n "$ids" ] && DK rm -f $ids >/dev/null 2>&1
		DK network rm $NET >/dev/null 2>&1
	fi
	daemon_stop "$DD/dockerd.pid.ours"
	daemon_stop "$D/containerd.pid"
	return 0
}
trap 'engine_cleanup; keep_logs "$D/containerd.log" "$DD/dockerd.log"; cleanup' EXIT

containerd_start "$D"
daemon_start "$DD/dockerd.pid.ours" "$DD/dockerd.log" dockerd --config-file "$DD/daemon.json"
wait_for 60 /usr/bin/docker -H "unix://$DD/docker.sock" version ||
	engine_skip "dockerd did not start: $(tail -3 "$DD/dockerd.log" | tr '\n' ' ')"

docker_cgroups() { # our containers' cgroups, by full id
	for id in $(cat "$T/ids" 2>/dev/null); do
		ls -d /sys/fs/cgroup/*/docker/"$id" 2>/dev/null
	done
}
remember() { DK inspect -f '{{.Id}}' "$1" >> "$T/ids" 2>/dev/null; }

mkimage_tar "$T/img"
out=$(DK import --change 'CMD ["/bin/sh"]' "$T/img/rootfs.tar" "$I" 2>&1) ||
	engine_skip "docker import failed: $out"

# ---- docker run
testing "run --runtime ocibox" "DK run --rm $R $I /bin/echo hi" "hi"
testing_rc "run: exit code 3" 3 "DK run --rm $R $I /bin/sh -c 'exit 3'"
testing "run -i: stdin" "echo piped | DK run -i --rm $R $I /bin/cat" "piped"
testing "run -t (script): a pty" \
	"script -qec '/usr/bin/docker -H unix://$DD/docker.sock run --rm -t $R $I /bin/tty' /dev/null | tr -d '\r'" \
	"/dev/pts/0"
testing "run: only fds 0 1 2 in the container" "DK run --rm $R $I /probe fds" "0 1 2"
testing "run --network none" "DK run --rm $R --network none $I /bin/ls /sys/class/net" "lo"
testing "run --user 1000 --read-only" \
	"DK run --rm $R --user 1000 --read-only $I /bin/sh -c 'id -u; touch /x 2>&1 | grep -c Read-only'" \
	"1000
1"
testing "run: limits" \
	"DK run --rm $R --memory 64m --pids-limit 50 $I /bin/cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max" \
	"67108864
50"
testing "default seccomp profile: swapoff blocked (EPERM)" \
	"DK run --rm $R --cap-add SYS_ADMIN $I /bin/busybox swapoff /nonexist 2>&1" \
	"swapoff: /nonexist: Operation not permitted" 1

# a user-defined bridge: dockerd's libnetwork-setkey prestart hook runs
if DK network create --subnet 10.231.7.0/24 $NET >/dev/null 2>"$T/net.err"; then
	testing "run on a user-defined bridge (prestart hook): eth0 in 10.231.7.0/24" \
		"DK run --rm $R --network $NET $I /bin/sh -c 'ls /sys/class/net | tr \"\n\" \" \"; /bin/busybox ip -4 addr show eth0 | grep -o \"inet 10\\.231\\.7\\.\"'" \
		"eth0 lo inet 10.231.7."
	DK run -d $R --network $NET --name n1a $I /bin/sleep 300 >/dev/null 2>&1
	remember n1a
	testing "two containers on the bridge reach each other by name" \
		"DK run --rm $R --network $NET $I /bin/busybox ping -c1 -W2 n1a >/dev/null && echo reached" \
		"reached"
	DK rm -f n1a >/dev/null 2>&1
else
	fail "network create" "$(head -c 300 "$T/net.err")"
fi

# ---- errors the user sees
out=$(DK run --rm $R $I /nonexist 2>&1); rc=$?
expect "missing command: exit 127" 127 $rc "$out"
expect_match "missing command: ocibox's reason reaches docker" \
	'exec "/nonexist": no such file or directory' "$out"
echo "    docker prints: $out"
out=$(DK run --rm $R --memory 1k $I /bin/true 2>&1); rc=$?
expect "impossible memory limit (1k) is refused" 125 $rc "$out"
echo "    docker prints: $out"

# ---- a detached container
testing_rc "run -d" 0 "DK run -d $R --name d1 $I /bin/sleep 1000"
remember d1
# where the shim keeps ocibox's state (--root): private, under the exec-root
st=$(find "$DD" -name state.json -path "*/$(DK inspect -f '{{.Id}}' d1)/*" 2>/dev/null | head -1)
SHIM_ROOT=${st%/*/state.json}
expect_match "ocibox's state root is private (under the exec-root)" "^$DD/exec/" "$SHIM_ROOT"
testing "exec" "DK exec d1 /bin/echo ok" "ok"
testing "exec -i" "echo in | DK exec -i d1 /bin/cat" "in"
testing "exec -t (script)" \
	"script -qec '/usr/bin/docker -H unix://$DD/docker.sock exec -t d1 /bin/tty' /dev/null | tr -d '\r'" \
	"/dev/pts/0"
testing "exec -u 1000 -e -w" "DK exec -u 1000 -e FOO=bar -w /tmp d1 /bin/sh -c 'echo \$(id -u) \$FOO \$(pwd)'" \
	"1000 bar /tmp"
testing_rc "exec: exit status 5" 5 "DK exec d1 /bin/sh -c 'exit 5'"
out=$(DK exec d1 /nonexist 2>&1); rc=$?
expect "exec of a missing command: exit 126 (docker maps exec failures so)" 126 $rc "$out"
expect_match "exec of a missing command: ocibox's reason" \
	'exec "/nonexist": no such file or directory' "$out"
echo "    docker exec prints: $out"
testing "top" "DK top d1 -o pid,args | tail -n +2 | awk '{print \$2, \$3}'" "/bin/sleep 1000"
testing "update --memory 128m (LinuxResources on stdin)" \
	"DK update --memory 128m --memory-swap 256m d1 >/dev/null && cat /sys/fs/cgroup/memory/docker/\$(DK inspect -f '{{.Id}}' d1)/memory.limit_in_bytes" \
	"134217728"
testing "pause" "DK pause d1 >/dev/null && DK inspect -f '{{.State.Status}}' d1" "paused"
testing "unpause" "DK unpause d1 >/dev/null && DK inspect -f '{{.State.Status}}' d1" "running"
testing "stop -t 2: KILL after the timeout" \
	"DK stop -t 2 d1 >/dev/null && DK inspect -f '{{.State.Status}} {{.State.ExitCode}}' d1" \
	"exited 137"
testing "restart" "DK restart -t 0 d1 >/dev/null && DK exec d1 /bin/echo back" "back"
testing_rc "rm -f" 0 "DK rm -f d1"

# ---- nothing left behind
engine_cleanup
expect "no ocibox state left under the shim's root" "" "$(leftovers "$SHIM_ROOT")"
expect "no container cgroup left under /docker" "" "$(docker_cgroups)"
expect "no container mounts left" "" "$(mounts_under "$DD/data/overlay2" | grep -v '/overlay2$')"
