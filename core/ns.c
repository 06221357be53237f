/* SPDX-License-Identifier: MIT */
/* ns: which namespaces are joined where. The runtime joins those that only
 * matter to its children before clone (and returns after), the child joins
 * user and mount, so that hooks and the runtime never run inside them. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "core/err.h"
#include "core/ns.h"
#include "core/rootless.h"
#include "core/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const char *const ns_file[SPEC_NS_COUNT] = {
	[SPEC_NS_USER] = "user", [SPEC_NS_MOUNT] = "mnt", [SPEC_NS_PID] = "pid",
	[SPEC_NS_NETWORK] = "net", [SPEC_NS_IPC] = "ipc", [SPEC_NS_UTS] = "uts",
	[SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

/* what setns-before-clone compares and returns to: the namespace children
 * are born in (pid and time differ from the caller's own after setns) */
static const char *const proc_name[SPEC_NS_COUNT] = {
	[SPEC_NS_USER] = "user", [SPEC_NS_MOUNT] = "mnt",
	[SPEC_NS_PID] = "pid_for_children", [SPEC_NS_NETWORK] = "net",
	[SPEC_NS_IPC] = "ipc", [SPEC_NS_UTS] = "uts",
	[SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time_for_children",
};

void ns_close_self(struct ns_set *ns)
{
	int i;

	for (i = 0; i < SPEC_NS_COUNT; i++) {
		if (ns->self[i] >= 0)
			close(ns->self[i]);
		ns->self[i] = -1;
	}
}

void ns_close(struct ns_set *ns)
{
	int i;

	for (i = 0; i < SPEC_NS_COUNT; i++) {
		if (ns->fd[i] >= 0)
			close(ns->fd[i]);
		if (ns->self[i] >= 0)
			close(ns->self[i]);
		ns->fd[i] = ns->self[i] = -1;
	}
}

int ns_open(struct ns_set *ns, const struct spec_linux *lx)
{
	int i, fd, type;

	ns->clone_flags = ns->late_flags = 0;
	ns->new_time = false;
	ns->new_cgroup = false;
	ns->stay = false;
	for (i = 0; i < SPEC_NS_COUNT; i++)
		ns->fd[i] = ns->self[i] = -1;
	for (i = 0; i < SPEC_NS_COUNT; i++) {
		if (!lx->ns[i].present)
			continue;
		if (!lx->ns[i].path) {
			if (i == SPEC_NS_TIME)
				ns->new_time = true;
			else if (i == SPEC_NS_CGROUP)
				ns->new_cgroup = true;
			else
				ns->clone_flags |= spec_ns_flag[i];
			continue;
		}
		fd = openat(AT_FDCWD, lx->ns[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fail(errno, "open %s namespace '%s'", spec_ns_name[i],
			     lx->ns[i].path);
			goto fail;
		}
		ns->fd[i] = fd_not_stdio(fd);
		type = ioctl(ns->fd[i], NS_GET_NSTYPE);
		if (type < 0) {
			fail(errno, "'%s' is not a namespace", lx->ns[i].path);
			goto fail;
		}
		if (type != spec_ns_flag[i]) {
			fail(0, "'%s' is not a %s namespace", lx->ns[i].path,
			     spec_ns_name[i]);
			goto fail;
		}
	}
	/* Namespaces are owned by the user namespace of their creator: made
	 * at clone, in ours, a joined user namespace's root could not use
	 * them (sethostname, mounts, sysctl all fail with EPERM). All of them
	 * are unshared after joining; a new pid namespace then only takes
	 * effect for children, so the child forks once more (ns_join_late's
	 * caller) and its child is the container's init. */
	if (lx->ns[SPEC_NS_USER].present && lx->ns[SPEC_NS_USER].path) {
		ns->late_flags = ns->clone_flags;
		ns->clone_flags = 0;
	}
	return 0;
fail:
	ns_close(ns);
	return -1;
}

static bool early(int i)
{
	return i != SPEC_NS_USER && i != SPEC_NS_MOUNT;
}

int ns_join_early(struct ns_set *ns)
{
	char path[64];
	int i;

	for (i = 0; i < SPEC_NS_COUNT; i++) {
		if (ns->fd[i] < 0 || !early(i))
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", proc_name[i]);
		ns->self[i] = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		if (ns->self[i] < 0)
			return fail(errno, "open '%s'", path);
		if (setns(ns->fd[i], spec_ns_flag[i]) < 0)
			return fail(errno, "join %s namespace", spec_ns_name[i]);
	}
	return 0;
}

int ns_restore(struct ns_set *ns)
{
	int i, r = 0;

	for (i = 0; i < SPEC_NS_COUNT; i++) {
		if (ns->self[i] < 0)
			continue;
		if (setns(ns->self[i], spec_ns_flag[i]) < 0) {
			if (errno == EPERM && ns->stay)
				log_debug("rootless: stays in the container's "
					  "%s namespace", spec_ns_name[i]);
			else
				r = fail(errno, "return to own %s namespace",
					 spec_ns_name[i]);
		}
		close(ns->self[i]);
		ns->self[i] = -1;
	}
	return r;
}

int ns_join_late(struct ns_set *ns)
{
	/* user first: it grants the capabilities the mount namespace needs */
	if (ns->fd[SPEC_NS_USER] >= 0) {
		if (setns(ns->fd[SPEC_NS_USER], CLONE_NEWUSER) < 0)
			return fail(errno, "join user namespace");
		/* our host ids are not mapped there: files we create would
		 * fail (EOVERFLOW). Become its root, as for a new one. */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return fail(errno, "become root in the joined user "
				    "namespace (is uid/gid 0 mapped?)");
	}
	if (ns->fd[SPEC_NS_MOUNT] >= 0 &&
	    setns(ns->fd[SPEC_NS_MOUNT], CLONE_NEWNS) < 0)
		return fail(errno, "join mount namespace");
	if (ns->late_flags && unshare(ns->late_flags) < 0)
		return fail(errno, "create namespaces in the joined user "
			    "namespace");
	/* the host's namespace fds have no business in the container */
	ns_close(ns);
	return 0;
}

int ns_write_map(pid_t pid, const char *file, const struct spec_idmap *m,
		 size_t n)
{
	char path[64], buf[4096];
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		int k = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
				 m[i].container_id, m[i].host_id, m[i].size);

		if (k < 0 || (size_t)k >= sizeof(buf) - len)
			return fail(0, "%s: too many mappings", file);
		len += k;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return write_file_at(AT_FDCWD, path, buf);
}

int ns_write_idmaps(pid_t pid, const struct spec_linux *lx)
{
	/* without CAP_SETUID/CAP_SETGID over the new namespace: the ways
	 * the kernel leaves to an unprivileged caller */
	if (!rootless_can_map())
		return rootless_write_idmaps(pid, lx);
	if (lx->n_uid_mappings &&
	    ns_write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings) < 0)
		return fail_ctx("linux.uidMappings");
	if (lx->n_gid_mappings &&
	    ns_write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings) < 0)
		return fail_ctx("linux.gidMappings");
	return 0;
}

int ns_userns_mapped(const struct spec_idmap *u, size_t nu,
		     const struct spec_idmap *g, size_t ng)
{
	AUTOCLOSE int rd = -1, wr = -1;
	char path[64];
	int p[2], fd = -1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(errno, "pipe");
	rd = p[0];
	wr = p[1];
	/* fork-like (no CLONE_VM): the child only waits for the pipe */
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL,
			     NULL, NULL);
	if (pid < 0)
		return fail(errno, "clone a user namespace");
	if (pid == 0) {
		char c;

		close(wr);
		(void)!read(rd, &c, 1);
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (ns_write_map(pid, "uid_map", u, nu) == 0 &&
	    ns_write_map(pid, "gid_map", g, ng) == 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		fail(errno, "open '%s'", path);
	close(wr);
	wr = -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

int ns_new_time(const struct spec_linux *lx)
{
	static const char *const clock[2] = { "monotonic", "boottime" };
	char buf[128];
	int i;

	if (unshare(CLONE_NEWTIME) < 0)
		return fail(errno, "create time namespace");
	for (i = 0; i < 2; i++) {
		if (!lx->time_offsets[i].set)
			continue;
		snprintf(buf, sizeof(buf), "%s %lld %u", clock[i],
			 (long long)lx->time_offsets[i].secs,
			 lx->time_offsets[i].nanosecs);
		if (write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf) < 0)
			return fail_ctx("linux.timeOffsets.%s", clock[i]);
	}
	return 0;
}

int ns_open_pid(pid_t pid, int fd[SPEC_NS_COUNT])
{
	char path[64];
	struct stat theirs, ours;
	int i;

	for (i = 0; i < SPEC_NS_COUNT; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_file[i]);
		fd[i] = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		if (fd[i] < 0) {
			if (errno == ENOENT)   /* kernel without this type */
				continue;
			return fail(errno, "open '%s'", path);
		}
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_file[i]);
		if (fstat(fd[i], &theirs) == 0 && stat(path, &ours) == 0 &&
		    theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) {
			close(fd[i]);
			fd[i] = -1;
		}
	}
	return 0;
}

int ns_enter(int fd[SPEC_NS_COUNT])
{
	static const int order[] = {
		SPEC_NS_USER, SPEC_NS_MOUNT, SPEC_NS_NETWORK, SPEC_NS_IPC,
		SPEC_NS_UTS, SPEC_NS_CGROUP, SPEC_NS_TIME,
	};
	size_t i;

	/* user first: it grants what the others need; mount changes our
	 * root and cwd to the container's */
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		int t = order[i];

		if (fd[t] >= 0 && setns(fd[t], spec_ns_flag[t]) < 0)
			return fail(errno, "join the container's %s namespace",
				    spec_ns_name[t]);
	}
	for (i = 0; i < SPEC_NS_COUNT; i++)
		if (fd[i] >= 0) {
			close(fd[i]);
			fd[i] = -1;
		}
	return 0;
}
