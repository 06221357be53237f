/* SPDX-License-Identifier: MIT */
/* mount: the container's rootfs: mounts[], devices, pivot_root, masked and
 * readonly paths. Every container-controlled path is resolved once inside
 * the rootfs to an fd and acted on through it. See config.md#mounts. */
#ifndef OCIBOX_MOUNT_H
#define OCIBOX_MOUNT_H

#include <stdbool.h>

#include "core/spec.h"

struct mount_ctx {
	const struct spec *spec;
	bool userns;     /* inside a new user namespace: bind devices, no mknod */
	bool no_pivot;
	bool host_ns;    /* no mount namespace of its own: nothing is mounted
			    (it would land in the host's), chroot only */
	bool cgroupns;   /* in a cgroup namespace: mount cgroupfs, do not bind */
	char *self_cgroup; /* /proc/self/cgroup read before the cgroup namespace
			      was made (host paths for binds), or NULL */
	int rootfd;      /* the rootfs (after its self bind), O_PATH */
	const int *idmap_trees; /* per mounts[] entry: the id-mapped bind the
				   runtime made, or -1; NULL when none */
};

/* In the runtime, before clone: the id-mapped binds of mounts[] (idmap,
 * ridmap or mappings given), detached and mapped, one fd per entry (-1
 * where none) in *OUT (NULL when no mount asks). Made here because the
 * mapping needs CAP_SYS_ADMIN over the source's filesystem, which an init
 * in a user namespace lacks. 0 or -1 (JSON path in err_last). */
int mount_idmap_trees(const struct spec *s, int **out);
void mount_idmap_close(int *trees, size_t n);

/* Open PATH inside ROOTFD as if ROOTFD were "/" (symlinks cannot leave it;
 * magic links refused) with FLAGS (O_PATH etc.). An fd or -1 (fail()s). */
int mount_resolve(int rootfd, const char *path, int flags);
/* mount_resolve's fallback where openat2 is missing (Linux < 5.6): a walk
 * by hand, one component at a time. Exported for its unit test. */
int mount_resolve_walk(int rootfd, const char *path, int flags);
/* Before pivot_root: propagation, rootfs bind, mounts[], devices. 0 or -1. */
int mount_prepare(struct mount_ctx *mc);
/* Runtime side, around the clone of an init with a new mount namespace
 * (not --no-pivot): when "/" is the initramfs (the kernel's rootfs, the
 * root mount of every namespace before Linux 7.0, which pivot_root cannot
 * move), enter a mount namespace of our own whose root is a copy of the
 * tree stacked on the initramfs: the init's copy of it (locked, in a user
 * namespace) has a parent, so mount_pivot's pivot_root works. SAVED gets
 * our namespace and cwd, or -1s where nothing was needed. 0 or -1; call
 * mount_initramfs_return(SAVED) after the clone (or the failure) always. */
int mount_initramfs_stack(const struct spec *s, bool no_pivot, int saved[2]);
/* Back to the runtime's own mount namespace and cwd. 0 or -1. */
int mount_initramfs_return(int saved[2]);
/* pivot_root (or MS_MOVE + chroot with no_pivot) into the rootfs. 0 or -1. */
int mount_pivot(struct mount_ctx *mc);
/* After pivot_root: maskedPaths, readonlyPaths, root.readonly. 0 or -1. */
int mount_finish(struct mount_ctx *mc);
/* Bind the pty slave at /dev/console (after pivot_root). 0 or -1. */
int mount_console(int slave_fd);

#endif
