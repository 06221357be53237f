# test/vm/vm.mk: `make test-vm`, the pure cgroup v2 tier. Boots Debian
# bookworm's kernel under qemu (TCG: no KVM needed) with a busybox initramfs
# and runs the cgroup unit test and test/cli/cgroup.sh inside (see run.sh).
# As root it installs what is missing: qemu-system-x86, cpio (third_party/
# deps.sh vm) and busybox-static; the kernel is fetched with apt-get download
# and unpacked into $(B)/vm, never installed (test/vm/kernel.sh).
VM_TIMEOUT = 600

test-vm:
	$(call setup,build vm test,$(NAME) $(B)/test/unit/cgroup $(B)/test/probe)
	@B=$(B) VM_TIMEOUT=$(VM_TIMEOUT) sh test/vm/run.sh

.PHONY: test-vm
