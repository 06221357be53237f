/* SPDX-License-Identifier: MIT */
/* ns: namespaces joined by path (setns) or created new, id maps, time offsets.
 * See runtime-spec config-linux.md#namespaces. */
#ifndef OCIBOX_NS_H
#define OCIBOX_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/spec.h"

/* The file names under /proc/PID/ns/ ("user", "mnt", "pid", ...). */
extern const char *const ns_file[SPEC_NS_COUNT];

struct ns_set {
	int fd[SPEC_NS_COUNT];     /* joined namespace, or -1 */
	int self[SPEC_NS_COUNT];   /* the runtime's own, to return to, or -1 */
	int clone_flags;           /* CLONE_NEW* to create at clone time */
	int late_flags;            /* CLONE_NEW* to unshare in the child once it
				      joined a user namespace by path, so that
				      they belong to that one */
	bool new_time;             /* time namespace: unshare in the child */
	bool new_cgroup;           /* cgroup namespace: unshare in the child,
				      after it joined its cgroup */
	bool stay;                 /* rootless: ns_restore may find the
				      runtime's own namespaces out of reach
				      (owned by the host's user namespace):
				      it then stays in the joined ones */
};

/* Open every path given in linux.namespaces and check it is a namespace of
 * the stated type. No side effects. 0 or -1. */
int ns_open(struct ns_set *ns, const struct spec_linux *lx);
void ns_close(struct ns_set *ns);
/* Close only the runtime's own namespace fds (a child has no use for them). */
void ns_close_self(struct ns_set *ns);
/* In the runtime, before clone: join the namespaces that only affect
 * children or files (network, ipc, uts, cgroup, pid, time), remembering the
 * runtime's own so that ns_restore() can go back after clone. 0 or -1. */
int ns_join_early(struct ns_set *ns);
int ns_restore(struct ns_set *ns);
/* In the child: join user then mount namespaces given by path, then
 * create the late_flags ones. 0 or -1. */
int ns_join_late(struct ns_set *ns);
/* Write N mappings M into /proc/PID/FILE ("uid_map", "gid_map"). 0 or -1. */
int ns_write_map(pid_t pid, const char *file, const struct spec_idmap *m,
		 size_t n);
/* Write PID's uid_map and gid_map from the spec (runtime side); a caller
 * without CAP_SETUID/CAP_SETGID goes through rootless_write_idmaps.
 * 0 or -1. */
int ns_write_idmaps(pid_t pid, const struct spec_linux *lx);
/* A new user namespace with these mappings, held by nothing but the
 * returned fd (its process is gone): for MOUNT_ATTR_IDMAP. fd or -1. */
int ns_userns_mapped(const struct spec_idmap *u, size_t nu,
		     const struct spec_idmap *g, size_t ng);
/* exec: FD[type] = an fd of the running container PID's namespace of each
 * type, or -1 where it is the runtime's own (or the kernel lacks it). */
int ns_open_pid(pid_t pid, int fd[SPEC_NS_COUNT]);
/* exec's child: join them (user first, then mount, then the rest; pid was
 * joined by the runtime before fork) and close them. 0 or -1. */
int ns_enter(int fd[SPEC_NS_COUNT]);
/* In the child: unshare a new time namespace and write its offsets; the
 * process enters it at execve. 0 or -1. */
int ns_new_time(const struct spec_linux *lx);

#endif
