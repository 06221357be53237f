# engines.sh: docker and containerd on their systemd defaults with ocibox as
# the runtime, sourced by test/systemd/guest.sh after driver.sh (whose
# helpers it uses). cgroup v2 only: docker's default cgroup driver is
# systemd there (native.cgroupdriver=systemd), and kubeadm sets containerd's
# SystemdCgroup = true on such hosts. One private containerd (config, root,
# state and socket under $T, a tmpfs) serves both, as the transient service
# ocibox-containerd; dockerd runs as ocibox-dockerd (data-root on the same
# tmpfs, overlay2; no bridge, no iptables: --network none). Images are the
# busybox rootfs: imported into docker, used as --rootfs by ctr.

CT= DD=
# C ARGS...: ctr on the private containerd, namespace ocibox-sd
C() { timeout 120 ctr --address "$CT/containerd.sock" -n ocibox-sd "$@"; }
# DK ARGS...: docker 20.10's CLI on the private dockerd
DK() { timeout 120 /usr/bin/docker -H "unix://$DD/docker.sock" "$@"; }
# svc_stop UNIT: stop a service we started; a failed one is reset
svc_stop() {
	timeout 60 systemctl stop "$1" 2>/dev/null
	systemctl reset-failed "$1" 2>/dev/null
	sd_wait_gone "$1"
}
# ctrd_up: the private containerd, running (once per boot)
ctrd_up() {
	[ -n "$CT" ] && return 0
	CT=$T/ctrd
	mkdir -p "$CT"
	cat > "$CT/config.toml" <<EOF
version = 2
root = "$CT/root"
state = "$CT/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CT/containerd.sock"
[ttrpc]
  address = "$CT/containerd.sock.ttrpc"
[debug]
  address = "$CT/debug.sock"
EOF
	systemd-run --quiet --unit=ocibox-containerd containerd --config "$CT/config.toml" &&
		wait_for 90 quiet ctr --address "$CT/containerd.sock" version
}
# quiet CMD...: CMD, its output dropped
quiet() { "$@" >/dev/null 2>&1; }
# ctr_stopped ID: ctr lists the task ID as stopped
ctr_stopped() { C task ls | grep -q "^$1 .*STOPPED"; }
# unit_checks UNIT PID WHAT: UNIT holds PID, Delegate=yes, MemoryMax=64M
# in systemd and the kernel
unit_checks() {
	testing "$3: the unit $1 is active" "systemctl is-active $1" active
	testing "$3: Slice=system.slice, Delegate=yes, MemoryMax=64M" \
		"sd_prop $1 Slice; sd_prop $1 Delegate; sd_prop $1 MemoryMax" "system.slice
yes
67108864"
	check "$3: the init is in the unit's cgroup" in_cgroup "$2" "/system.slice/$1"
	testing "$3: the kernel has the memory limit" "cg_mem_max /system.slice/$1" 67108864
}

engine_containerd() {
	[ "$CG_LAYOUT" = unified ] || { info "containerd: cgroup v2 only"; return; }
	command -v containerd >/dev/null && command -v ctr >/dev/null ||
		{ skip "containerd" "containerd is not installed on the host"; return; }
	bundle
	if ! ctrd_up; then fail "containerd: starts" "$(journalctl -u ocibox-containerd -n 5 --no-pager)"; return; fi
	# the runc v2 shim with its SystemdCgroup option (ctr --runc-systemd-cgroup)
	# and BinaryName ocibox (--runc-binary); ctr wants a slice:prefix:name
	R="--runc-binary $OCIBOX --runc-systemd-cgroup --runc-root $T/ctr-root"
	testing "containerd: ctr run --rm (runc v2 shim, SystemdCgroup): the output" \
		"C run --rm $R --cgroup system.slice:ocibox-ctr:sdc1 --rootfs $B/rootfs sdc1 /bin/echo hi" hi
	testing_rc "containerd: ctr run --rm: the exit status" 3 \
		"C run --rm $R --cgroup system.slice:ocibox-ctr:sdc2 --rootfs $B/rootfs sdc2 /bin/sh -c 'exit 3'"
	check "containerd: ctr run --rm: no unit left" sd_wait_gone ocibox-ctr-sdc2.scope
	id=sdc3 u=ocibox-ctr-sdc3.scope
	if ! C run -d $R --memory-limit 67108864 --cgroup system.slice:ocibox-ctr:$id \
		--rootfs "$B/rootfs" $id /bin/sleep 600 >/dev/null 2>"$T/c.err"; then
		fail "containerd: ctr run -d with a memory limit" "$(head -c 300 $T/c.err)"; return
	fi
	pid=$(C task ls | awk -v id=$id '$1 == id {print $2}')
	unit_checks $u "$pid" "containerd"
	testing "containerd: ocibox made it (its state.json names the unit, the shim passed --systemd-cgroup)" \
		"jq -r .ocibox_systemd_unit $T/ctr-root/ocibox-sd/$id/state.json" "$u"
	testing "containerd: task exec" "C task exec --exec-id e1 $id /bin/echo ok" ok
	testing_rc "containerd: task kill -s SIGKILL" 0 "C task kill -s SIGKILL $id"
	wait_for 20 ctr_stopped $id
	testing_rc "containerd: task rm, container rm" 0 "C task rm $id >/dev/null && C container rm $id"
	gone "$u" "/system.slice/$u" "containerd: task rm"
	if aa_enabled && aa_load; then
		testing "containerd: ctr run --apparmor-profile: applied by ocibox" \
			"C run --rm $R --apparmor-profile $AA --cgroup system.slice:ocibox-ctr:sdc4 --rootfs $B/rootfs sdc4 /bin/sh -c '$SELF'" \
			"$DENIED" 1
	fi
	testing "containerd: no task or container left" "C task ls -q; C container ls -q" ""
	testing "containerd: no ocibox state left" "ls $T/ctr-root/ocibox-sd" ""
}

engine_docker() {
	[ "$CG_LAYOUT" = unified ] || { info "docker: cgroup v2 only"; return; }
	command -v dockerd >/dev/null && [ -x /usr/bin/docker ] ||
		{ skip "docker" "docker.io is not installed on the host"; return; }
	bundle
	if ! ctrd_up; then fail "docker: containerd starts" "$(journalctl -u ocibox-containerd -n 5 --no-pager)"; return; fi
	DD=$T/docker
	mkdir -p "$DD"
	cat > "$DD/daemon.json" <<EOF
{ "data-root": "$DD/data", "exec-root": "$DD/exec", "pidfile": "$DD/dockerd.pid",
  "hosts": ["unix://$DD/docker.sock"], "containerd": "$CT/containerd.sock",
  "iptables": false, "ip6tables": false, "bridge": "none", "storage-driver": "overlay2",
  "runtimes": { "ocibox": { "path": "$OCIBOX" } } }
EOF
	systemd-run --quiet --unit=ocibox-dockerd dockerd --config-file "$DD/daemon.json"
	if ! wait_for 120 quiet /usr/bin/docker -H "unix://$DD/docker.sock" version; then
		fail "docker: dockerd starts" "$(journalctl -u ocibox-dockerd -n 5 --no-pager | tail -c 600)"
		svc_stop ocibox-dockerd; return
	fi
	testing "docker: its default cgroup driver here is systemd (cgroup v2)" \
		"DK info --format '{{.CgroupDriver}} {{.CgroupVersion}}'" "systemd 2"
	I=localhost/ocibox-sd:latest
	[ -f "$T/rootfs.tar" ] || tar -C "$B/rootfs" -cf "$T/rootfs.tar" .
	if ! DK import "$T/rootfs.tar" $I >/dev/null 2>"$T/d.err"; then
		fail "docker: import the busybox rootfs" "$(head -c 300 $T/d.err)"; svc_stop ocibox-dockerd; return
	fi
	R="--runtime ocibox --network none"
	testing "docker run --rm --runtime ocibox: the output" "DK run --rm $R $I /bin/echo hi" hi
	testing_rc "docker run --rm: the exit status" 3 "DK run --rm $R $I /bin/sh -c 'exit 3'"
	if ! cid=$(DK run -d --name sdd $R --memory 64m $I /bin/sleep 600 2>"$T/d.err"); then
		fail "docker run -d --memory 64m" "$(head -c 300 $T/d.err)"; svc_stop ocibox-dockerd; return
	fi
	u=docker-$cid.scope
	pid=$(DK inspect -f '{{.State.Pid}}' sdd)
	unit_checks $u "$pid" "docker"
	testing "docker: ocibox made it (its state.json names the unit)" \
		"jq -r .ocibox_systemd_unit \$(find $DD/exec /run -path '*/$cid/state.json' 2>/dev/null | head -1)" "$u"
	testing "docker exec" "DK exec sdd /bin/echo ok" ok
	if aa_enabled; then
		testing "docker: its docker-default AppArmor profile, applied by ocibox (init and exec)" \
			"cat /proc/$pid/attr/current; DK exec sdd cat /proc/self/attr/current" \
			"docker-default (enforce)
docker-default (enforce)"
	fi
	testing_rc "docker stop" 0 "DK stop -t 1 sdd"
	testing_rc "docker rm" 0 "DK rm sdd"
	gone "$u" "/system.slice/$u" "docker rm"
	testing "docker: no container left" "DK ps -aq" ""
	svc_stop ocibox-dockerd
}

# stop the private containerd once docker and ctr are done
engine_down() {
	[ -n "$CT" ] || return 0
	svc_stop ocibox-containerd
	check "containerd and dockerd stopped: no unit left" \
		[ -z "$(systemctl list-units --all --plain --no-legend 'ocibox-containerd*' 'ocibox-dockerd*')" ]
}

DRIVER_TESTS="$DRIVER_TESTS engine_containerd engine_docker engine_down"
