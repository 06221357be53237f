# test/systemd/systemd.mk: `make test-systemd`, the systemd tier. Boots
# Debian's kernel under qemu (TCG) with this machine's / as the root (read-only
# virtio-9p, tmpfs overlay) and systemd as PID 1, twice: pure cgroup v2, then
# v1/hybrid (systemd.unified_cgroup_hierarchy=0); test/systemd/guest.sh runs
# inside (see test/systemd/run.sh). SYSTEMD_BOOTS="v2" runs one boot only;
# SYSTEMD_TESTS="t_pid1 driver_x" only those checks; SYSTEMD_APPEND adds
# kernel arguments.
# Both boots have AppArmor on (apparmor=1 security=apparmor). As root it
# installs what is missing: qemu-system-x86, cpio, busybox-static, jq,
# systemd, dbus, podman, conmon, docker.io, containerd, apparmor (its
# apparmor_parser; third_party/deps.sh), and the Kubernetes tier's packages
# and files (k8s.mk's k8s-files: the v2 boot runs test/k8s/run.sh with
# SystemdCgroup, test/systemd/k8s.sh); the kernel comes from
# test/vm/kernel.sh, shared with `make test-vm`. Run it under the machine's
# test lock: flock -o /tmp/ocibox-ctest.lock make test-systemd
SYSTEMD_TIMEOUT = 1200
SYSTEMD_BOOTS   = v2 hybrid
SYSTEMD_TESTS   =
SYSTEMD_APPEND  =

$(B)/.deps-systemd: third_party/deps.sh
	@sh third_party/deps.sh vm test systemd
	@mkdir -p $(B) && touch $@

# k8s-files (test/k8s/k8s.mk): what the Kubernetes check (k8s.sh) needs
test-systemd: $(B)/.deps-systemd $(NAME) $(B)/test/probe k8s-files
	@B=$(B) SYSTEMD_TIMEOUT=$(SYSTEMD_TIMEOUT) SYSTEMD_TESTS="$(SYSTEMD_TESTS)" \
		SYSTEMD_APPEND="$(SYSTEMD_APPEND)" sh test/systemd/run.sh $(SYSTEMD_BOOTS)

.PHONY: test-systemd
