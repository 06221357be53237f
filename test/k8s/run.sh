#!/bin/bash
# run.sh: the Kubernetes CRI tier. A private containerd (Debian's 1.6, CRI
# plugin built in) runs with its own config, root, state and socket under a
# temp dir, in a mount and a network namespace of its own: its /run and
# /var/lib are private tmpfs (the host's /run/containerd, /var/lib/containerd
# and /var/lib/cni are never touched; /run/dbus and /run/systemd are bound
# in for the systemd driver), and the CNI bridge, its veths and the pods'
# addresses live in that network namespace only. Two runtime handlers run
# through the runc v2 shim: "ocibox" (options.BinaryName = $OCIBOX) and
# "runc", the control. The pause image (test/k8s/pause.c) and a busybox image
# are built here and imported with ctr; test/k8s/cri.py then makes the
# kubelet's calls for both handlers and compares them call by call. At the
# end nothing may be left: no pod, container, shim, mount, cgroup or runtime
# state; and a containerd killed mid-run must leave nothing either.
# Prints PASS/FAIL/SKIP lines and ends "N passed, N failed[, N skipped]".
# Environment: OCIBOX, PROBE, K8S_B (api_pb2.py and pause, from k8s.mk);
# K8S_CGROUP_DRIVER=cgroupfs|systemd (systemd: SystemdCgroup = true for both
# handlers and systemd slices as the pods' cgroup parents).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${OCIBOX:?run through make test-k8s}" "${PROBE:?}" "${K8S_B:?}"
export OCIBOX PROBE TOP="$top"
DRIVER=${K8S_CGROUP_DRIVER:-cgroupfs}
start=$(date +%s)
# the caller's shell may leak fds; the daemons we start must not inherit them
for fd in /proc/$$/fd/*; do
	n=${fd##*/}
	[ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null
done

# lib.sh: $T (private temp dir, removed at exit), mkrootfs, wait_for
. "$top/test/lib.sh"
log=$T/results
: > "$log"
say() { printf '%s\n' "$*" | tee -a "$log"; }
summary() {
	p=$(grep -c '^PASS:' "$log"); f=$(grep -c '^FAIL:' "$log"); s=$(grep -c '^SKIP:' "$log")
	echo "k8s: $(( $(date +%s) - start )) s"
	if [ "$s" -gt 0 ]; then
		echo "skipped:"; grep '^SKIP:' "$log" | sed 's/^SKIP:/  /'
		echo "$p passed, $f failed, $s skipped"
	else
		echo "$p passed, $f failed"
	fi
	[ "$f" -eq 0 ]
}
skip_all() { say "SKIP: k8s: $1"; summary; exit; }

[ "$(id -u)" = 0 ] || skip_all "needs root"
"$OCIBOX" --version | grep -q 'seccomp: yes' ||
	skip_all "$OCIBOX was built without seccomp (the pods' RuntimeDefault profile needs it)"
RUNC=$(command -v runc) || skip_all "no runc (deps.sh k8s installs it)"
for c in containerd ctr containerd-shim-runc-v2 protoc unshare nsenter; do
	command -v $c >/dev/null || skip_all "no $c (deps.sh k8s installs it)"
done
[ -x /usr/lib/cni/bridge ] || skip_all "no /usr/lib/cni/bridge (containernetworking-plugins)"
[ -e "$K8S_B/api_pb2.py" ] || skip_all "no $K8S_B/api_pb2.py (make test-k8s compiles it)"

D=$T/ctrd
S=$D/containerd.sock
# each pod's cgroup parent is below this, ours alone (cgroupfs: a directory
# of every hierarchy; systemd: a slice)
CG=ocibox-k8s-$$
SLICE=ocibox_k8s_$$.slice
mkdir -p "$D/cni/net.d" "$D/cni/ipam" "$D/opt" "$D/hostrun" "$T/kubelet"
C() { timeout -k 5 120 ctr --address "$S" -n k8s.io "$@"; }

# ---- configuration: what a node would have in /etc/containerd/config.toml
# (the README's), with every path private; the systemd flavour differs in
# SystemdCgroup only
systemd=false
[ "$DRIVER" = systemd ] && systemd=true
cat > "$D/config.toml" <<EOF
version = 2
root = "$D/root"
state = "$D/state"
[grpc]
  address = "$S"
[ttrpc]
  address = "$S.ttrpc"
[debug]
  address = "$D/debug.sock"
  level = "debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "$D/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/ocibox-k8s-pause:1"
  # no CAP_SYS_RESOURCE here: the sandbox's oom_score_adj (-998) cannot be
  # set below containerd's own
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$RUNC"
        Root = "$D/runc-root"
        SystemdCgroup = $systemd
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocibox]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocibox.options]
        BinaryName = "$OCIBOX"
        Root = "$D/ocibox-root"
        SystemdCgroup = $systemd
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$D/cni/net.d"
    max_conf_num = 1
EOF
# the pod network: a bridge in containerd's network namespace (it is the
# node's "host" side), addresses from host-local kept under $D
cat > "$D/cni/net.d/10-ocibox-k8s.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "ocibox-k8s",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni-k8s0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "10.77.0.0/24" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$D/cni/ipam"
      }
    }
  ]
}
EOF

# ---- teardown: by what we made, whatever state containerd is in
ours() { # the pids whose command line contains our socket (containerd, shims)
	for f in /proc/[0-9]*/cmdline; do
		p=${f#/proc/}; p=${p%/cmdline}
		[ "$p" = $$ ] && continue
		{ tr '\0' ' ' < "$f"; } 2>/dev/null | grep -qF -- "-address $S " && echo "$p"
	done
	return 0
}
runtime_states() { # ROOT: the container ids with state under ROOT/k8s.io
	[ -d "$1/k8s.io" ] || return 0
	ls -A "$1/k8s.io" | grep -vx '\.seccomp'
	return 0
}
ns_alive() { # KIND INODE: a process still holds that namespace
	for f in /proc/[0-9]*/ns/"$1"; do
		[ "$(readlink "$f" 2>/dev/null)" = "$2" ] && return 0
	done
	return 1
}
our_cgroups() { # every cgroup directory below our parent, deepest first
	if [ "$DRIVER" = systemd ]; then
		find /sys/fs/cgroup -type d -path "*/$SLICE/*" 2>/dev/null | sort -r
	else
		for h in /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/"$CG"; do
			[ -d "$h" ] && find "$h" -mindepth 1 -type d
		done | sort -r
	fi
	return 0
}
teardown() {
	cpid=$(cat "$D/containerd.pid" 2>/dev/null)
	if [ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null; then
		kill "$cpid"
		wait_for 15 eval '! kill -0 '"$cpid"' 2>/dev/null' || kill -9 "$cpid"
	fi
	# the containers, by the runtimes' own state (the shims would wait for them)
	for id in $(runtime_states "$D/ocibox-root"); do
		"$OCIBOX" --root "$D/ocibox-root/k8s.io" delete --force "$id" >/dev/null 2>&1
	done
	for id in $(runtime_states "$D/runc-root"); do
		"$RUNC" --root "$D/runc-root/k8s.io" delete --force "$id" >/dev/null 2>&1
	done
	for p in $(ours); do kill -9 "$p" 2>/dev/null; done
	wait_for 10 eval '[ -z "$(ours)" ]'
	if [ "$DRIVER" = systemd ] && command -v systemctl >/dev/null; then
		systemctl stop "$SLICE" >/dev/null 2>&1
	fi
	for d in $(our_cgroups); do rmdir "$d" 2>/dev/null; done
	for h in /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/"$CG"; do
		[ -d "$h" ] && rmdir "$h" 2>/dev/null
	done
	rm -f "$D/containerd.pid"
	return 0
}
trap 'teardown; cleanup' EXIT
trap 'exit 1' INT TERM

# ---- start containerd in its namespaces
start_containerd() {
	( exec setsid unshare --mount --propagation private --net sh -c '
		set -e
		D=$1; shift
		ip link set lo up
		# the host /run stays reachable at $D/hostrun while a private one
		# replaces it; only what a cgroup driver talks to comes back
		mount --rbind /run "$D/hostrun"
		mount -t tmpfs -o mode=0755 k8s-run /run
		for d in dbus systemd; do
			if [ -d "$D/hostrun/$d" ]; then
				mkdir /run/$d
				mount --rbind "$D/hostrun/$d" /run/$d
			fi
		done
		umount -l "$D/hostrun"
		mount -t tmpfs -o mode=0755 k8s-varlib /var/lib
		exec "$@"' sh "$D" containerd --config "$D/config.toml" \
		</dev/null >"$D/containerd.log" 2>&1 ) &
	echo $! > "$D/containerd.pid"
	# stopped by its pid here; bash must not report its death as a job's
	disown $!
	if ! wait_for 30 eval 'ctr --address "$S" version >/dev/null 2>&1'; then
		say "FAIL: k8s: containerd did not start: $(tail -3 "$D/containerd.log")"
		return 1
	fi
	CPID=$(cat "$D/containerd.pid")
	MNTNS=$(readlink "/proc/$CPID/ns/mnt") NETNS=$(readlink "/proc/$CPID/ns/net")
	[ "$MNTNS" != "$(readlink /proc/self/ns/mnt)" ] && [ "$NETNS" != "$(readlink /proc/self/ns/net)" ]
}
host_links=$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')
if start_containerd; then
	say "PASS: k8s: containerd $(containerd --version | awk '{print $3}') started in its own mount and network namespaces"
else
	say "FAIL: k8s: containerd is not in namespaces of its own"; summary; exit
fi
if [ "$(C plugins ls | awk '$1 == "io.containerd.grpc.v1" && $2 == "cri" {print $NF}')" = ok ]; then
	say "PASS: k8s: the CRI plugin is loaded"
else
	say "FAIL: k8s: the CRI plugin is not loaded"
	C plugins ls | grep cri | sed 's/^/    /'
	tail -5 "$D/containerd.log" | sed 's/^/    /'
fi

# ---- images: the pause program alone, and the test rootfs (busybox, /probe)
mkdir -p "$T/pause/rootfs"
cp "$K8S_B/pause" "$T/pause/rootfs/pause"
mkrootfs "$T/bb/rootfs"
for a in ip ps nc tr awk seq sed timeout unshare; do ln -sf busybox "$T/bb/rootfs/bin/$a"; done
mkdir -p "$T/bb/rootfs/var" "$T/bb/rootfs/run" "$T/bb/rootfs/cache"
for i in "pause localhost/ocibox-k8s-pause:1 /pause" "bb localhost/ocibox-k8s-bb:1"; do
	set -- $i
	/usr/bin/python3 "$top/test/k8s/image.py" "$T/$1.tar" "$2" "$T/$1/rootfs" ${3:-} &&
		out=$(C images import "$T/$1.tar" 2>&1) && C images ls -q | grep -qx "$2" &&
		say "PASS: k8s: image $2 imported (ctr -n k8s.io images import)" ||
		{ say "FAIL: k8s: image $2: $out"; summary; exit; }
done

# ---- the kubelet's calls, for both handlers
expect_none() { # DESC WHAT
	if [ -z "$2" ]; then say "PASS: k8s: $1"; else
		say "FAIL: k8s: $1"; printf '    left: %s\n' "$(echo $2 | head -c 600)"
	fi
}
cri() { # [--leave-running] HANDLER...: test/k8s/cri.py, its lines in the log
	PYTHONPATH=$K8S_B timeout -k 10 900 /usr/bin/python3 "$top/test/k8s/cri.py" \
		--socket "$S" --netns-pid "$CPID" --dir "$T/kubelet" \
		--cgroup-driver "$DRIVER" --cgroup-parent "$PARENT" \
		--image localhost/ocibox-k8s-bb:1 --pause-image localhost/ocibox-k8s-pause:1 \
		"$@" 2>&1 | tee -a "$log"
	[ "${PIPESTATUS[0]}" = 0 ] || say "FAIL: k8s: cri.py $* exited with status ${PIPESTATUS[0]}"
}
alive_ctrd() { kill -0 "$CPID" 2>/dev/null; }
# after containerd is gone (killed here, or died by itself): the teardown,
# the same as at exit, must leave nothing
after_death() { # WHY
	running=$(runtime_states "$D/ocibox-root" | wc -l)/$(runtime_states "$D/runc-root" | wc -l)
	shims=$(ours | wc -l)
	teardown
	expect_none "$1 ($running ocibox/runc containers, $shims shims running): no shim or container process left" \
		"$(ours)"
	expect_none "after containerd: no ocibox state left" "$(runtime_states "$D/ocibox-root")"
	expect_none "after containerd: no runc state left" "$(runtime_states "$D/runc-root")"
	expect_none "after containerd: no cgroup left" "$(our_cgroups)"
	expect_none "after containerd: its mount namespace (overlays, shm, netns mounts) is gone" \
		"$(ns_alive mnt "$MNTNS" && echo "$MNTNS still held")"
	expect_none "after containerd: its network namespace (the pod bridge) is gone" \
		"$(ns_alive net "$NETNS" && echo "$NETNS still held")"
	expect_none "no mount left below the tier's temp dir (host view)" \
		"$(awk -v d="$T/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)"
}
PARENT=/$CG
[ "$DRIVER" = systemd ] && PARENT=$SLICE
cri ocibox runc
if ! alive_ctrd; then
	say "FAIL: k8s: containerd died during the run: $(tail -3 "$D/containerd.log")"
	after_death "containerd died mid-run"
	summary; exit
fi

# ---- nothing left, with containerd still running
expect_none "no containerd container left in the k8s.io namespace (sandboxes, containers)" \
	"$(C containers ls -q)"
expect_none "no task left" "$(C tasks ls -q)"
expect_none "no shim left (processes started for our containerd)" "$(ours)"
expect_none "no ocibox state left under the handler's root" "$(runtime_states "$D/ocibox-root")"
expect_none "no runc state left under the handler's root" "$(runtime_states "$D/runc-root")"
expect_none "no mount left below the containerd state and root (rootfs, shm, netns)" \
	"$(awk -v d="$D/" 'index($5, d) == 1 {print $5}' "/proc/$CPID/mountinfo")"
expect_none "no container or sandbox cgroup left below the pods' cgroups" \
	"$(our_cgroups | awk -F/ -v cg="$CG" -v sl="$SLICE" '{ for (i = 1; i <= NF; i++) if ($i == cg || $i == sl) { if (NF - i >= 2) print; break } }')"
expect_none "host network untouched (links)" \
	"$( [ "$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')" = "$host_links" ] || ip -o link show | awk -F': ' '{print $2}')"
expect_none "the pod bridge lives in containerd's network namespace only" \
	"$(nsenter -t "$CPID" -n ip -o link show cni-k8s0 >/dev/null 2>&1 || echo "no cni-k8s0 there")$(ip -o link show cni-k8s0 2>/dev/null)"

# ---- containerd dies mid-run: one running pod per handler, then SIGKILL
cri --leave-running ocibox runc
expect_none "before the kill: a sandbox and a container running per handler" \
	"$( [ "$(runtime_states "$D/ocibox-root" | wc -l)/$(runtime_states "$D/runc-root" | wc -l)" = 2/2 ] ||
		echo "ocibox $(runtime_states "$D/ocibox-root" | wc -l), runc $(runtime_states "$D/runc-root" | wc -l)")"
kill -9 "$CPID"
wait_for 10 eval '! alive_ctrd'
after_death "containerd killed with pods running"
summary
