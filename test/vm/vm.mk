# test/vm/vm.mk: `make test-vm`, the VM tier. Boots Debian bookworm's kernel
# under qemu (TCG: no KVM needed) with a busybox initramfs, twice: on pure
# cgroup v2 after a switch_root (the cgroup unit test, test/cli/cgroup.sh),
# and straight on the initramfs (pivot_root from rootfs, isolation checks
# and the lifecycle, mounts, exec and security tests); see run.sh.
# As root it installs what is missing: qemu-system-x86, cpio (third_party/
# deps.sh vm) and busybox-static; the kernel is fetched with apt-get download
# and unpacked into $(B)/vm, never installed (test/vm/kernel.sh).
# VM_BOOTS="initramfs" boots once.
VM_TIMEOUT = 600
VM_BOOTS = v2 initramfs

# escape: the ways out of a container's root that the initramfs boot tries
$(B)/test/vm/escape: test/vm/escape.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -o $@ $< $(LDFLAGS)

test-vm:
	$(call setup,build vm test,$(NAME) $(B)/test/unit/cgroup $(B)/test/probe $(B)/test/vm/escape)
	@B=$(B) VM_TIMEOUT=$(VM_TIMEOUT) VM_BOOTS="$(VM_BOOTS)" sh test/vm/run.sh

.PHONY: test-vm
