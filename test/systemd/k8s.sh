# k8s.sh: the Kubernetes CRI tier (test/k8s/run.sh) with systemd as PID 1,
# sourced by test/systemd/guest.sh after engines.sh. Cgroup v2 only, as
# kubeadm on a modern distribution: containerd's CRI plugin with
# SystemdCgroup = true for both handlers (ocibox and runc, the control), the
# pods' cgroup parents systemd slices (ocibox_k8s_PID-pod<UID>.slice), each
# container a transient cri-containerd-<ID>.scope made over the bus by the
# runtime, the limits checked in memory.max and cpu.max. run.sh needs what
# the guest cannot build (no apt, no network): build/k8s/api_pb2.py and
# build/k8s/pause, made on the host by `make test-systemd` (k8s.mk's
# k8s-files), and the bridge and veth modules (test/systemd/run.sh).
# Its PASS/FAIL/SKIP lines join this tier's count, named systemd-v2: k8s:;
# the rest of its output (details, the per-call timings) is indented.

k8s_cri() {
	[ "$CG_LAYOUT" = unified ] || { info "k8s: cgroup v2 only"; return; }
	kb=$OCIBOX_B/k8s
	if [ ! -e "$kb/api_pb2.py" ] || [ ! -x "$kb/pause" ]; then
		fail "k8s: $kb/api_pb2.py and $kb/pause are built on the host" \
			"make test-systemd makes them (k8s.mk: k8s-files)"
		return
	fi
	relay k8s env K8S_B="$kb" K8S_CGROUP_DRIVER=systemd \
		timeout -k 10 900 bash "$TOP/test/k8s/run.sh"
}

DRIVER_TESTS="$DRIVER_TESTS k8s_cri"
