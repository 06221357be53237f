/* SPDX-License-Identifier: MIT */
/* mount: rootfs setup in the container's mount namespace. Targets are O_PATH
 * fds resolved inside the rootfs and mounted on through /proc/self/fd/N (the
 * host's procfs: we have not pivoted yet), so a symlink planted in the image
 * can never send a mount to the host. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>

#include "core/err.h"
#include "core/mount.h"
#include "core/mountinfo.h"
#include "core/ns.h"
#include "core/util.h"
#include "core/verify.h"

#define FDPATH_MAX 32

static void fdpath(char buf[FDPATH_MAX], int fd)
{
	snprintf(buf, FDPATH_MAX, "/proc/self/fd/%d", fd);
}

/* ---- resolution inside the rootfs ---- */

/* Without openat2 (Linux < 5.6): walk component by component, following
 * symlinks by hand and clamping ".." at the root. */
int mount_resolve_walk(int rootfd, const char *path, int flags)
{
	char buf[PATH_MAX * 2], name[NAME_MAX + 1], link[PATH_MAX];
	struct stat root_st, st;
	int cur, next, links = 0;
	char *p;
	ssize_t n;

	if (fstat(rootfd, &root_st) < 0)
		return fail(errno, "stat rootfs");
	if (!*path)   /* as openat2: no empty path */
		return fail(ENOENT, "resolve ''");
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return fail(ENAMETOOLONG, "resolve '%s'", path);
	cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return fail(errno, "open rootfs");
	p = buf;
	for (;;) {
		size_t len;
		bool slash = false;

		while (*p == '/') {
			p++;
			slash = true;
		}
		if (!*p) {
			/* "file/" names a directory that is not there */
			if (slash && fstat(cur, &st) == 0 && !S_ISDIR(st.st_mode)) {
				close(cur);
				return fail(ENOTDIR, "resolve '%s'", path);
			}
			break;
		}
		len = strcspn(p, "/");
		if (len > NAME_MAX) {
			close(cur);
			return fail(ENAMETOOLONG, "resolve '%s'", path);
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		/* a component followed by more ('/', '.') must be a directory
		 * (as the kernel: "file/" and "file/." are ENOTDIR) */
		if (fstat(cur, &st) == 0 && !S_ISDIR(st.st_mode)) {
			close(cur);
			return fail(ENOTDIR, "resolve '%s'", path);
		}
		if (str_eq(name, "."))
			continue;
		if (str_eq(name, "..")) {
			if (fstat(cur, &st) == 0 && st.st_dev == root_st.st_dev &&
			    st.st_ino == root_st.st_ino)
				continue;
			next = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		} else {
			next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int no = errno;

			close(cur);
			return fail(no, "resolve '%s'", path);
		}
		if (fstat(next, &st) == 0 && S_ISLNK(st.st_mode)) {
			n = readlinkat(next, "", link, sizeof(link) - 1);
			close(next);
			if (n < 0 || ++links > 40) {
				close(cur);
				return fail(n < 0 ? errno : ELOOP, "resolve '%s'",
					    path);
			}
			link[n] = '\0';
			if (strlen(link) + strlen(p) + 1 > sizeof(buf)) {
				close(cur);
				return fail(ENAMETOOLONG, "resolve '%s'", path);
			}
			/* splice the target in front of what is left (which is
			 * empty or starts with '/': a trailing one is kept) */
			memmove(buf + n, p, strlen(p) + 1);
			memcpy(buf, link, n);
			p = buf;
			if (link[0] == '/') {
				close(cur);
				cur = openat(rootfd, ".", O_PATH | O_DIRECTORY |
					     O_CLOEXEC);
				if (cur < 0)
					return fail(errno, "open rootfs");
			}
			continue;
		}
		close(cur);
		cur = next;
	}
	/* reopen the final component with the caller's flags */
	if (flags == (O_PATH | O_CLOEXEC) || flags == O_PATH)
		return cur;
	next = openat(cur, ".", flags | O_CLOEXEC);
	if (next < 0 && errno == ENOTDIR) {
		/* a file: reopen through its O_PATH fd */
		char fp[FDPATH_MAX];

		fdpath(fp, cur);
		next = openat(AT_FDCWD, fp, flags | O_CLOEXEC);
	}
	close(cur);
	if (next < 0)
		return fail(errno, "open '%s'", path);
	return next;
}

int mount_resolve(int rootfd, const char *path, int flags)
{
	static bool no_openat2;
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (!no_openat2) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd_not_stdio(fd);
		if (errno != ENOSYS)
			return fail(errno, "resolve '%s' in rootfs", path);
		no_openat2 = true;
	}
	fd = mount_resolve_walk(rootfd, path, flags);
	return fd < 0 ? -1 : fd_not_stdio(fd);
}

/* Create PATH (directories, and a file at the end if FILE) inside the
 * rootfs where missing, then resolve it. A symlink on the way (even one
 * pointing nowhere) is followed inside the rootfs, as the kernel does with
 * RESOLVE_IN_ROOT, and its target created there. An O_PATH fd or -1. */
static int mkpath_links(int rootfd, const char *path, bool file, int *links)
{
	char parent[PATH_MAX], name[NAME_MAX + 1], link[PATH_MAX];
	const char *base;
	AUTOCLOSE int pfd = -1;
	struct stat st;
	ssize_t n;
	int fd;
	size_t len;

	fd = mount_resolve(rootfd, path, O_PATH);
	if (fd >= 0 || err_last.no != ENOENT)
		return fd;
	len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	base = path + len;
	while (base > path && base[-1] != '/')
		base--;
	if (base == path + len || path + len - base > NAME_MAX)
		return fail(EINVAL, "create '%s' in rootfs", path);
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - path), path);
	pfd = parent[0] ? mkpath_links(rootfd, parent, false, links)
			: openat(rootfd, ".", O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(path + len - base), base);
	if (file) {
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	} else {
		fd = mkdirat(pfd, name, 0755);
	}
	if (fd < 0 && errno == EEXIST &&
	    fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode)) {
		/* a dangling symlink: create its target, inside the rootfs */
		if (++*links > 40)
			return fail(ELOOP, "create '%s' in rootfs", path);
		n = readlinkat(pfd, name, link, sizeof(link) - 1);
		if (n <= 0)
			return fail(n < 0 ? errno : EINVAL, "readlink '%s'", path);
		link[n] = '\0';
		if (link[0] != '/') {
			/* relative to the link's directory */
			if (strlen(parent) + (size_t)n + 2 > sizeof(parent))
				return fail(ENAMETOOLONG, "create '%s' in rootfs",
					    path);
			strcat(parent, "/");
			strcat(parent, link);
			snprintf(link, sizeof(link), "%s", parent);
		}
		fd = mkpath_links(rootfd, link, file, links);
		if (fd < 0)
			return -1;
		close(fd);
		return mount_resolve(rootfd, path, O_PATH);
	}
	if (fd < 0 && errno != EEXIST)
		return fail(errno, "create '%s' in rootfs", path);
	return mount_resolve(rootfd, path, O_PATH);
}

static int mkpath(int rootfd, const char *path, bool file)
{
	int links = 0;

	return mkpath_links(rootfd, path, file, &links);
}

/* ---- mounts[] ---- */

/* Flags a bind remount keeps: everything but the operation bits. */
#define REMOUNT_MASK (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | \
		      MS_SYNCHRONOUS | MS_MANDLOCK | MS_DIRSYNC | MS_NOATIME | \
		      MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME)
#define PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)
/* the per-mount flags mount_setattr can set and clear */
#define ATTR_ALL (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | \
		  MOUNT_ATTR_NOEXEC | MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME)

static int setattr(int fd, unsigned flags, unsigned long set, unsigned long clr,
		   unsigned long prop)
{
	struct mount_attr attr = {
		.attr_set = set, .attr_clr = clr, .propagation = prop,
	};

	if (!set && !clr && !prop)
		return 0;
	return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | flags,
			    &attr, sizeof(attr));
}

/* Id-map detached mount FD (and every mount below it if REC) through the
 * user namespace USERNS. 0 or -1 with errno. */
static int setattr_idmap(int fd, bool rec, int userns)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns,
	};

	return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH |
			    (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr));
}

/* MS_* mount flags as MOUNT_ATTR_* */
static unsigned long ms_attr(unsigned long ms)
{
	unsigned long a = 0;

	if (ms & MS_RDONLY) a |= MOUNT_ATTR_RDONLY;
	if (ms & MS_NOSUID) a |= MOUNT_ATTR_NOSUID;
	if (ms & MS_NODEV) a |= MOUNT_ATTR_NODEV;
	if (ms & MS_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
	if (ms & MS_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
	if (ms & MS_NOATIME) a |= MOUNT_ATTR_NOATIME;
	else if (ms & MS_STRICTATIME) a |= MOUNT_ATTR_STRICTATIME;
	return a;
}

/* Set the flags of the mount MNTFD itself (never a path looked up again,
 * which a co-tenant could swap for a symlink between two steps):
 * REMOUNT as a bind remount would (exactly those flags; ones locked in a
 * user namespace are kept), then propagation and recursive attributes. */
static int mnt_flags(int mntfd, const char *dest, unsigned long remount,
		     unsigned long prop, unsigned long aset, unsigned long aclr)
{
	if (remount) {
		unsigned long set = ms_attr(remount);

		/* a new atime mode needs the whole atime mask cleared */
		if (setattr(mntfd, 0, set, (ATTR_ALL & ~set) | MOUNT_ATTR__ATIME,
			    0) < 0) {
			struct statfs sf;
			unsigned long keep;

			if (errno != EPERM || fstatfs(mntfd, &sf) < 0)
				return fail(errno, "remount '%s'", dest);
			keep = (set | ms_attr(sf.f_flags)) & ~MOUNT_ATTR__ATIME;
			if (setattr(mntfd, 0, keep, ATTR_ALL & ~keep &
				    ~MOUNT_ATTR__ATIME, 0) < 0)
				return fail(errno, "remount '%s'", dest);
		}
	}
	if (prop && setattr(mntfd, prop & MS_REC ? AT_RECURSIVE : 0, 0, 0,
			    prop & ~MS_REC) < 0)
		return fail(errno, "set propagation of '%s'", dest);
	if ((aset || aclr) && setattr(mntfd, AT_RECURSIVE, aset, aclr, 0) < 0)
		return fail(errno, "mount_setattr '%s'", dest);
	return 0;
}

/* Put the detached mount TREE on DESTFD (both fds: nothing re-resolved). */
static int attach(int tree, int destfd, const char *dest)
{
	if (syscall(SYS_move_mount, tree, "", destfd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(errno, "attach mount on '%s'", dest);
	return 0;
}

/* Bind SRCFD/SRC (SRC "" with SRCFD: that fd) onto DESTFD and set its flags
 * through the new mount's own fd. */
static int bind_at(int srcfd, const char *src, int destfd, const char *dest,
		   bool rec, unsigned long remount, unsigned long prop,
		   unsigned long aset, unsigned long aclr)
{
	AUTOCLOSE int tree = -1;

	tree = (int)syscall(SYS_open_tree, srcfd, src, OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0) |
			    (*src ? 0 : AT_EMPTY_PATH));
	if (tree < 0)
		return fail(errno, "bind '%s'", *src ? src : dest);
	if (attach(tree, destfd, dest) < 0)
		return -1;
	return mnt_flags(tree, dest, remount, prop, aset, aclr);
}

/* A new filesystem as a detached mount (fsopen/fsconfig/fsmount), for the
 * mounts whose flags must be set after mounting: the fd is the mount. */
static int new_fs(const char *type, const char *src, unsigned long flags,
		  const char *data)
{
	AUTOCLOSE int fs = -1;
	char opts[1024], *tok, *save, *eq;
	int mnt;

	fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return fail(errno, "fsopen %s", type);
	if (src && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source",
			   src, 0) < 0)
		return fail(errno, "mount %s: source '%s'", type, src);
	snprintf(opts, sizeof(opts), "%s", data ? data : "");
	for (tok = strtok_r(opts, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		long r;

		if ((eq = strchr(tok, '=')))
			*eq++ = '\0';
		r = eq ? syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, tok,
				 eq, 0)
		       : syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, tok,
				 NULL, 0);
		if (r < 0)
			return fail(errno, "mount %s: option '%s'", type, tok);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(errno, "mount %s", type);
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, ms_attr(flags));
	if (mnt < 0)
		return fail(errno, "fsmount %s", type);
	return fd_not_stdio(mnt);
}

static int mount_one_cgroup(struct mount_ctx *mc, const struct spec_mount *m,
			    int destfd);

/* Mounts inside /proc would redirect what the runtime writes there
 * (sysctls) and hide what maskedPaths hide: the destination as resolved
 * in the rootfs (symlinks followed) must pass verify_proc_dest too. */
static int check_proc_dest(struct mount_ctx *mc, const struct spec_mount *m,
			   int fd, bool src_is_proc)
{
	char fp[FDPATH_MAX], real[PATH_MAX], root[PATH_MAX];
	ssize_t n, r;
	struct statfs sf;

	/* Only a destination on procfs can redirect the runtime's writes
	 * (one under the image's own /proc directory is covered by the proc
	 * mount): the common case costs one fstatfs, not two readlinks. */
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return 0;
	fdpath(fp, fd);
	n = readlink(fp, real, sizeof(real) - 1);
	fdpath(fp, mc->rootfd);
	r = readlink(fp, root, sizeof(root) - 1);
	if (n < 0 || r < 0)
		return fail(errno, "readlink '%s'", m->destination);
	real[n] = root[r] = '\0';
	if (strncmp(real, root, r) || !has_prefix(real + r, "/proc") ||
	    !verify_proc_dest(real + r, m->type, src_is_proc))
		return fail(0, "'%s' resolves to '%s', inside /proc",
			    m->destination, strncmp(real, root, r) ? real : real + r);
	return 0;
}

static int mount_one(struct mount_ctx *mc, const struct spec_mount *m,
		     int idmapped)
{
	const struct spec *s = mc->spec;
	char src[PATH_MAX], fp[FDPATH_MAX];
	AUTOCLOSE int fd = -1, tree = -1;
	unsigned long flags = m->flags & ~PROPAGATION;
	const char *type = m->type;
	struct stat st;
	struct statfs sf;
	bool file = false, src_proc = false;

	src[0] = '\0';
	if (m->source) {
		if (m->bind && m->source[0] != '/') {
			if (path_join(src, sizeof(src), s->bundle, m->source) < 0)
				return -1;
		} else {
			snprintf(src, sizeof(src), "%s", m->source);
		}
	}
	if (m->bind) {
		if (stat(src, &st) < 0)
			return fail(errno, "bind source '%s'", src);
		file = !S_ISDIR(st.st_mode);
		src_proc = statfs(src, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
	}
	/* /proc and /sys are where the runtime later writes: never symlinks */
	if (str_eq(m->destination, "/proc") || str_eq(m->destination, "/sys")) {
		if (fstatat(mc->rootfd, m->destination + 1, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return fail(0, "'%s' in the rootfs is a symlink",
				    m->destination);
	}
	fd = mkpath(mc->rootfd, m->destination, file);
	if (fd < 0 || check_proc_dest(mc, m, fd, src_proc) < 0)
		return -1;
	if (type && (str_eq(type, "cgroup") || str_eq(type, "cgroup2")))
		return mount_one_cgroup(mc, m, fd);
	if (idmapped >= 0)   /* the runtime made it (mount_idmap_trees) */
		return attach(idmapped, fd, m->destination) < 0 ? -1 :
		       mnt_flags(idmapped, m->destination, flags & REMOUNT_MASK,
				 m->propagation, m->attr_set, m->attr_clr);
	if (m->bind)
		return bind_at(AT_FDCWD, src, fd, m->destination, flags & MS_REC,
			       flags & REMOUNT_MASK, m->propagation, m->attr_set,
			       m->attr_clr);
	if (m->propagation || m->attr_set || m->attr_clr) {
		/* flags to set after mounting: through the mount's own fd */
		tree = new_fs(type, src[0] ? src : type, flags, m->data);
		if (tree < 0 || attach(tree, fd, m->destination) < 0)
			return fail_ctx("mount %s on '%s'", type ? type : "(none)",
					m->destination);
		return mnt_flags(tree, m->destination, 0, m->propagation,
				 m->attr_set, m->attr_clr);
	}
	fdpath(fp, fd);
	if (mount(src[0] ? src : type, fp, type, flags & ~MS_REC, m->data) < 0) {
		int no = errno;

		/* sysfs needs a network namespace owned by our user
		 * namespace; without one, take the host's read-only. */
		if (no == EPERM && type && str_eq(type, "sysfs") && mc->userns)
			return bind_at(AT_FDCWD, "/sys", fd, m->destination, true,
				       MS_RDONLY | MS_NOSUID | MS_NODEV |
				       MS_NOEXEC, 0, MOUNT_ATTR_RDONLY, 0);
		return fail(no, "mount %s on '%s'", type ? type : "(none)",
			    m->destination);
	}
	return 0;
}

/* Is every comma-separated entry of LIST one of OPTS' entries? */
static bool opts_have_all(const char *opts, const char *list)
{
	char o[520], *tok, *save;
	char l[1024];

	snprintf(l, sizeof(l), "%s", list);
	for (tok = strtok_r(l, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(tok);
		const char *p;
		bool found = false;

		snprintf(o, sizeof(o), ",%s,", opts);
		for (p = o; (p = strstr(p, tok)); p++)
			if (p[-1] == ',' && p[n] == ',')
				found = true;
		if (!found)
			return false;
	}
	return true;
}

/* OUT = MNT + our path in the hierarchy named by CTLS (v1: its super
 * options, e.g. "cpu,cpuacct"; NULL: cgroup2), from /proc/self/cgroup. */
static int cgroup_line(const char *cg, const char *ctls, char *out, size_t size,
		       const char *mnt)
{
	const char *l, *c1, *c2;
	char field[512];

	for (l = cg; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		if (!(c1 = strchr(l, ':')) || !(c2 = strchr(c1 + 1, ':')))
			break;
		snprintf(field, sizeof(field), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		if (ctls ? field[0] && opts_have_all(ctls, field) : !field[0]) {
			snprintf(out, size, "%s%.*s", mnt,
				 (int)strcspn(c2 + 1, "\n"), c2 + 1);
			return 0;
		}
	}
	return -1;
}

/* A "cgroup" mount: on a pure v2 host a cgroup2 mount; on v1 and hybrid
 * hosts a tmpfs holding one directory per hierarchy, as runc does. In a
 * cgroup namespace each is a fresh mount (its root is the container's
 * cgroup); without one, the container's host directory is bound. */
static int mount_one_cgroup(struct mount_ctx *mc, const struct spec_mount *m,
			    int destfd)
{
	unsigned long ro = m->flags & MS_RDONLY;
	unsigned long base = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char fp[FDPATH_MAX], mnt[PATH_MAX], opts[512];
	AUTOCLOSE int tmp = -1;
	AUTOFREE char *cg = NULL, *mi = NULL;
	size_t len;
	struct statfs sf;
	char *p, *q;

	fdpath(fp, destfd);
	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		if (mc->cgroupns &&
		    mount("cgroup2", fp, "cgroup2", base | ro, NULL) == 0)
			return 0;
		return bind_at(AT_FDCWD, "/sys/fs/cgroup", destfd, m->destination,
			       true, base | ro, 0, 0, 0);
	}
	/* the tmpfs turns read-only once its directories are made: keep
	 * the mount's own fd for that */
	tmp = new_fs("tmpfs", "tmpfs", base, "mode=755");
	if (tmp < 0 || attach(tmp, destfd, m->destination) < 0)
		return fail_ctx("mount tmpfs on '%s'", m->destination);
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi, &len) < 0)
		return -1;
	if (!mc->self_cgroup &&
	    read_file_at(AT_FDCWD, "/proc/self/cgroup", &cg, &len) < 0)
		return -1;
	/* each cgroup mount: "... - cgroup cgroup rw,cpu" / "- cgroup2 ..." */
	for (p = mi; p && *p; p = q) {
		char *sep, dst[PATH_MAX], src[PATH_MAX * 2], subp[FDPATH_MAX];
		AUTOCLOSE int sub = -1;
		const char *data;
		bool v2;

		q = strchr(p, '\n');
		if (q)
			*q++ = '\0';
		sep = strstr(p, " - ");
		if (!sep || !str_field(p, 4, mnt, sizeof(mnt)))
			continue;
		v2 = has_prefix(sep, " - cgroup2 ");
		if ((!v2 && !has_prefix(sep, " - cgroup ")) ||
		    !has_prefix(mnt, "/sys/fs/cgroup/") ||
		    !str_field(sep, 3, opts, sizeof(opts)))
			continue;
		/* the super options minus rw/ro name the hierarchy */
		data = opts;
		if (has_prefix(data, "rw,") || has_prefix(data, "ro,"))
			data += 3;
		snprintf(dst, sizeof(dst), "%s/%s", m->destination,
			 strrchr(mnt, '/') + 1);
		sub = mkpath(mc->rootfd, dst, false);
		if (sub < 0)
			return -1;
		fdpath(subp, sub);
		/* v1 hierarchies cannot be mounted in a user namespace */
		if (mc->cgroupns && (v2 || !mc->userns)) {
			if (mount(v2 ? "cgroup2" : "cgroup", subp,
				  v2 ? "cgroup2" : "cgroup", base | ro,
				  v2 ? NULL : data) < 0)
				return fail(errno, "mount cgroup %s on '%s'",
					    v2 ? "v2" : data, dst);
			continue;
		}
		if (cgroup_line(mc->self_cgroup ? mc->self_cgroup : cg,
				v2 ? NULL : data, src, sizeof(src), mnt) < 0)
			continue;
		if (bind_at(AT_FDCWD, src, sub, dst, true, base | ro, 0, 0, 0) < 0)
			return -1;
	}
	return mnt_flags(tmp, m->destination, base | ro, 0, 0, 0);
}

/* ---- /dev ---- */

static const struct spec_device default_devices[] = {
	{ 'c', "/dev/null", 1, 3, { 0666, true }, { 0, false }, { 0, false } },
	{ 'c', "/dev/zero", 1, 5, { 0666, true }, { 0, false }, { 0, false } },
	{ 'c', "/dev/full", 1, 7, { 0666, true }, { 0, false }, { 0, false } },
	{ 'c', "/dev/tty", 5, 0, { 0666, true }, { 0, false }, { 0, false } },
	{ 'c', "/dev/random", 1, 8, { 0666, true }, { 0, false }, { 0, false } },
	{ 'c', "/dev/urandom", 1, 9, { 0666, true }, { 0, false }, { 0, false } },
};

static int make_device(struct mount_ctx *mc, const struct spec_device *d)
{
	char parent[PATH_MAX], fp[FDPATH_MAX];
	const char *base = strrchr(d->path, '/');
	AUTOCLOSE int pfd = -1, fd = -1;
	mode_t mode, old;
	int r;

	if (!base || !base[1])
		return fail(EINVAL, "device path '%s'", d->path);
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - d->path), d->path);
	pfd = mkpath(mc->rootfd, parent[0] ? parent : "/", false);
	if (pfd < 0)
		return -1;
	base++;
	if (mc->userns) {
		/* no mknod in a user namespace: bind the host's node */
		fd = mkpath(mc->rootfd, d->path, true);
		if (fd < 0)
			return -1;
		fdpath(fp, fd);
		if (mount(d->path, fp, NULL, MS_BIND, NULL) < 0)
			return fail(errno, "bind device '%s'", d->path);
		return 0;
	}
	mode = (d->file_mode.set ? d->file_mode.v : 0666) & 07777;
	switch (d->type) {
	case 'c': case 'u': mode |= S_IFCHR; break;
	case 'b': mode |= S_IFBLK; break;
	case 'p': mode |= S_IFIFO; break;
	default: return fail(EINVAL, "device '%s': type '%c'", d->path, d->type);
	}
	if (unlinkat(pfd, base, 0) < 0 && errno != ENOENT)
		return fail(errno, "replace '%s'", d->path);
	/* the mode exactly, with no chmod by name afterwards: a node swapped
	 * for a symlink in between would send that chmod to the host */
	old = umask(0);
	r = mknodat(pfd, base, mode, makedev(d->major, d->minor));
	umask(old);
	if (r < 0)
		return fail(errno, "mknod '%s'", d->path);
	if ((d->uid.set || d->gid.set) &&
	    fchownat(pfd, base, d->uid.set ? (uid_t)d->uid.v : 0,
		     d->gid.set ? (gid_t)d->gid.v : 0, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(errno, "chown '%s'", d->path);
	return 0;
}

static int dev_links(struct mount_ctx *mc)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	AUTOCLOSE int dev = mount_resolve(mc->rootfd, "/dev", O_PATH | O_DIRECTORY);
	size_t i;

	if (dev < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return fail(errno, "symlink '/dev/%s'", links[i][1]);
	if (access("/proc/kcore", F_OK) == 0 &&
	    symlinkat("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
		return fail(errno, "symlink '/dev/core'");
	/* /dev/ptmx goes to the container's own devpts instance */
	if (faccessat(dev, "pts/ptmx", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
			return fail(errno, "remove '/dev/ptmx'");
		if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
			return fail(errno, "symlink '/dev/ptmx'");
	}
	return 0;
}

/* runc leaves /dev alone when it is a bind mount from the host */
static bool dev_from_host(const struct spec *s)
{
	size_t i;

	for (i = 0; i < s->n_mounts; i++)
		if (str_eq(s->mounts[i].destination, "/dev") && s->mounts[i].bind)
			return true;
	return false;
}

static int setup_dev(struct mount_ctx *mc)
{
	const struct spec_linux *lx = &mc->spec->linux;
	size_t i, j;

	if (dev_from_host(mc->spec))
		return 0;
	for (i = 0; i < ARRAY_SIZE(default_devices); i++) {
		bool overridden = false;

		for (j = 0; j < lx->n_devices; j++)
			if (str_eq(lx->devices[j].path, default_devices[i].path))
				overridden = true;
		if (!overridden && make_device(mc, &default_devices[i]) < 0)
			return -1;
	}
	for (i = 0; i < lx->n_devices; i++)
		if (make_device(mc, &lx->devices[i]) < 0)
			return fail_ctx("linux.devices[%zu]", i);
	return dev_links(mc);
}

/* ---- the steps ---- */

int mount_prepare(struct mount_ctx *mc)
{
	const struct spec *s = mc->spec;
	unsigned long prop = s->linux.rootfs_propagation;
	int fd;
	size_t i;

	if (mc->host_ns) {
		fd = openat(AT_FDCWD, s->root.abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return fail(errno, "open rootfs '%s'", s->root.abs);
		mc->rootfd = fd_not_stdio(fd);
		return 0;
	}
	/* Host mounts must not receive ours: make / slave (default, as runc)
	 * or private; "shared" and "unbindable" are applied to the new root
	 * after pivot (an unbindable / could not be bound to itself). */
	if (!prop || (prop & (MS_SHARED | MS_UNBINDABLE)))
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
		return fail(errno, "make / %s", prop & MS_PRIVATE ? "private" : "slave");
	if (mount(s->root.abs, s->root.abs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(errno, "bind rootfs '%s'", s->root.abs);
	/* pivot_root refuses a shared new root */
	if (mount(NULL, s->root.abs, NULL, MS_PRIVATE, NULL) < 0)
		return fail(errno, "make rootfs private");
	fd = openat(AT_FDCWD, s->root.abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open rootfs '%s'", s->root.abs);
	mc->rootfd = fd_not_stdio(fd);
	for (i = 0; i < s->n_mounts; i++)
		if (mount_one(mc, &s->mounts[i],
			      mc->idmap_trees ? mc->idmap_trees[i] : -1) < 0)
			return fail_ctx("mounts[%zu] (%s)", i,
					s->mounts[i].destination);
	return setup_dev(mc);
}

/* ---- pivot_root from an initramfs ---- */

/* Before Linux 7.0 the kernel's rootfs (the ramfs or tmpfs an initramfs is
 * unpacked into) is the root mount of every mount namespace. A system that
 * never leaves its initramfs has it as "/", and pivot_root(2) refuses a
 * root without a parent (EINVAL). Since 7.0 an empty immutable nullfs sits
 * beneath rootfs, "/" has a parent and the plain pivot_root works. The case
 * is detected, not guessed: "/" is ramfs or tmpfs (one statfs, the only
 * cost elsewhere) and mountinfo shows it as its own parent, which only the
 * namespace's root mount is. */
static bool root_is_initramfs(unsigned long *root_id)
{
	AUTOFREE char *buf = NULL;
	struct mountinfo mi;
	struct statfs sf;
	char *cur;
	size_t len;

	if (statfs("/", &sf) < 0 ||
	    (sf.f_type != RAMFS_MAGIC && sf.f_type != TMPFS_MAGIC))
		return false;
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf, &len) < 0)
		return false;
	cur = buf;
	while (mountinfo_next(&cur, &mi))
		if (mi.id == mi.parent && str_eq(mi.point, "/")) {
			*root_id = mi.id;
			return true;
		}
	return false;
}

/* Detach the mounts on the initramfs (ROOT_ID) but the one on "/": our
 * private namespace's copies of /proc, /sys, /dev, ..., which the copy
 * stacked on "/" holds too. Paths are looked up from our root, still the
 * initramfs (what is stacked on the root is not entered). */
static int detach_host_mounts(unsigned long root_id)
{
	AUTOFREE char *buf = NULL;
	struct mountinfo mi;
	char *cur;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf, &len) < 0)
		return -1;
	cur = buf;
	while (mountinfo_next(&cur, &mi)) {
		if (mi.parent != root_id || mi.id == root_id ||
		    str_eq(mi.point, "/"))
			continue;
		/* the topmost first, until the point is a directory again */
		while (umount2(mi.point, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			;
		if (errno != EINVAL && errno != ENOENT)
			return fail(errno, "detach '%s'", mi.point);
	}
	return 0;
}

/* The runtime gave the initramfs root a parent before cloning us. */
static bool initramfs_stacked;

/* In a mount namespace of our own: a recursive copy of the whole tree is
 * stacked on the initramfs' "/" and becomes our root (what switch_root
 * does, without moving or deleting anything of the host's), the mounts
 * left on the initramfs below are detached. The init cloned from here
 * copies this namespace: its root has a parent and the plain pivot_root
 * detaches the copy like any old root. In a user namespace the copy is
 * locked, and pivot_root hands that lock to the container's root: even
 * CAP_SYS_ADMIN inside cannot unmount it to reach the initramfs. (A root
 * that is not the top of the namespace's root mount counts as a chroot,
 * where the kernel refuses CLONE_NEWUSER: hence the chroot into it.) */
int mount_initramfs_stack(const struct spec *s, bool no_pivot, int saved[2])
{
	AUTOCLOSE int tree = -1;
	unsigned long root_id = 0;
	char cwd[PATH_MAX];

	saved[0] = saved[1] = -1;
	if (no_pivot || !s->linux.ns[SPEC_NS_MOUNT].present ||
	    s->linux.ns[SPEC_NS_MOUNT].path || !root_is_initramfs(&root_id))
		return 0;
	saved[0] = openat(AT_FDCWD, "/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (saved[0] < 0)
		return fail(errno, "initramfs root: open '/proc/self/ns/mnt'");
	saved[0] = fd_not_stdio(saved[0]);
	saved[1] = openat(AT_FDCWD, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (saved[1] < 0)
		return fail(errno, "initramfs root: open '.'");
	saved[1] = fd_not_stdio(saved[1]);
	if (!getcwd(cwd, sizeof(cwd)))
		return fail(errno, "initramfs root: getcwd");
	if (unshare(CLONE_NEWNS) < 0)
		return fail(errno, "initramfs root: unshare the mount namespace");
	/* nothing done here may reach the host's namespace */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return fail(errno, "initramfs root: make / slave");
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return fail(errno, "initramfs root: copy /");
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, "/",
		    MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(errno, "initramfs root: mount the copy on /");
	if (detach_host_mounts(root_id) < 0)
		return fail_ctx("initramfs root");
	if (fchdir(tree) < 0 || chroot(".") < 0)
		return fail(errno, "initramfs root: enter the copy");
	/* the same cwd in the copy (the fd is the host namespace's) */
	if (chdir(cwd) < 0)
		return fail(errno, "initramfs root: chdir '%s'", cwd);
	initramfs_stacked = true;
	return 0;
}

int mount_initramfs_return(int saved[2])
{
	int r = 0;

	initramfs_stacked = false;
	/* setns also resets our root (the host's) and cwd */
	if (saved[0] >= 0 && setns(saved[0], CLONE_NEWNS) < 0)
		r = fail(errno, "initramfs root: return to own mount namespace");
	if (saved[1] >= 0 && fchdir(saved[1]) < 0 && !r)
		r = fail(errno, "initramfs root: fchdir back");
	if (saved[0] >= 0)
		close(saved[0]);
	if (saved[1] >= 0)
		close(saved[1]);
	saved[0] = saved[1] = -1;
	return r;
}

/* The mount's mappings, else the container's (runc's rule for a bare
 * "idmap"); verify made sure there are some. */
static void idmap_of(const struct spec *s, const struct spec_mount *m,
		     const struct spec_idmap **u, size_t *nu,
		     const struct spec_idmap **g, size_t *ng)
{
	bool own = m->n_uid_mappings || m->n_gid_mappings;

	*u = own ? m->uid_mappings : s->linux.uid_mappings;
	*nu = own ? m->n_uid_mappings : s->linux.n_uid_mappings;
	*g = own ? m->gid_mappings : s->linux.gid_mappings;
	*ng = own ? m->n_gid_mappings : s->linux.n_gid_mappings;
}

void mount_idmap_close(int *trees, size_t n)
{
	size_t i;

	for (i = 0; trees && i < n; i++)
		if (trees[i] >= 0)
			close(trees[i]);
	free(trees);
}

int mount_idmap_trees(const struct spec *s, int **out)
{
	const struct spec_idmap *u, *g;
	const struct spec_mount *m;
	char src[PATH_MAX];
	size_t i, nu, ng;
	int *t = NULL, userns, tree;

	*out = NULL;
	for (i = 0; i < s->n_mounts; i++) {
		m = &s->mounts[i];
		if (!m->idmap && !m->n_uid_mappings && !m->n_gid_mappings)
			continue;
		if (!t) {
			t = xcalloc(s->n_mounts, sizeof(*t));
			memset(t, -1, s->n_mounts * sizeof(*t));
		}
		if (m->source && m->source[0] != '/') {
			if (path_join(src, sizeof(src), s->bundle, m->source) < 0)
				goto fail;
		} else {
			snprintf(src, sizeof(src), "%s", m->source ? m->source : "");
		}
		idmap_of(s, m, &u, &nu, &g, &ng);
		userns = ns_userns_mapped(u, nu, g, ng);
		if (userns < 0)
			goto fail;
		tree = (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE |
				    OPEN_TREE_CLOEXEC |
				    (m->flags & MS_REC ? AT_RECURSIVE : 0));
		if (tree < 0) {
			fail(errno, "bind '%s'", src);
			close(userns);
			goto fail;
		}
		t[i] = fd_not_stdio(tree);
		tree = setattr_idmap(t[i], m->idmap_rec, userns);
		close(userns);
		if (tree < 0) {
			fail(errno, errno == EINVAL ? "id-map '%s' (does its "
			     "filesystem support idmapped mounts?)" :
			     "id-map '%s'", src);
			goto fail;
		}
	}
	*out = t;
	return 0;
fail:
	mount_idmap_close(t, s->n_mounts);
	return fail_ctx("config.json: mounts[%zu]", i);
}

int mount_pivot(struct mount_ctx *mc)
{
	const char *root = mc->spec->root.abs;
	AUTOCLOSE int oldroot = -1;

	if (mc->host_ns) {
		/* the spec: a namespace left out is the runtime's; its root
		 * and mounts are not ours to change */
		log_debug("rootfs: chroot (no mount namespace)");
		if (chdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
			return fail(errno, "chroot '%s'", root);
		goto done;
	}
	if (mc->no_pivot) {
		/* the host's root and all its mounts stay in the container's
		 * namespace beneath its root: pinned, and one umount away */
		log_debug("rootfs: MS_MOVE + chroot (--no-pivot)");
		if (chdir(root) < 0)
			return fail(errno, "chdir '%s'", root);
		if (mount(root, "/", NULL, MS_MOVE, NULL) < 0)
			return fail(errno, "move rootfs to /");
		if (chroot(".") < 0)
			return fail(errno, "chroot");
		if (chdir("/") < 0)
			return fail(errno, "chdir /");
		goto done;
	}
	log_debug("rootfs: %s", initramfs_stacked ?
		  "pivot_root (initramfs root given a parent)" : "pivot_root");
	oldroot = openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return fail(errno, "open /");
	if (chdir(root) < 0)
		return fail(errno, "chdir '%s'", root);
	/* pivot_root(".", "."): the old root ends up stacked under the new
	 * one, and is detached below without needing a directory for it. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(errno, "pivot_root '%s'", root);
	if (fchdir(oldroot) < 0)
		return fail(errno, "fchdir old root");
	/* keep the unmount of the old root from propagating to the host */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return fail(errno, "make old root slave");
	if (umount2(".", MNT_DETACH) < 0)
		return fail(errno, "detach old root");
	if (chdir("/") < 0)
		return fail(errno, "chdir /");
done:
	if (!mc->host_ns &&
	    mc->spec->linux.rootfs_propagation & (MS_SHARED | MS_UNBINDABLE) &&
	    mount(NULL, "/", NULL, mc->spec->linux.rootfs_propagation, NULL) < 0)
		return fail(errno, "linux.rootfsPropagation");
	close(mc->rootfd);
	mc->rootfd = openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (mc->rootfd < 0)
		return fail(errno, "open /");
	return 0;
}

static int mask_path(int rootfd, int nullfd, const char *path)
{
	char fp[FDPATH_MAX], nfp[FDPATH_MAX];
	AUTOCLOSE int fd = mount_resolve(rootfd, path, O_PATH);
	struct stat st;

	if (fd < 0)
		return err_last.no == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0)
		return fail(errno, "stat '%s'", path);
	fdpath(fp, fd);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", fp, "tmpfs", MS_RDONLY, "size=0,mode=555") < 0)
			return fail(errno, "mask '%s'", path);
		return 0;
	}
	fdpath(nfp, nullfd);
	if (mount(nfp, fp, NULL, MS_BIND, NULL) < 0)
		return fail(errno, "mask '%s'", path);
	return 0;
}

static int readonly_path(int rootfd, const char *path)
{
	AUTOCLOSE int fd = mount_resolve(rootfd, path, O_PATH), tree = -1;

	if (fd < 0)
		return err_last.no == ENOENT ? 0 : -1;
	tree = (int)syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return fail(errno, "bind '%s'", path);
	if (attach(tree, fd, path) < 0)
		return -1;
	/* read-only on top of the flags it has (as runc), not recursive */
	if (setattr(tree, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return fail(errno, "remount '%s' read-only", path);
	return 0;
}

int mount_finish(struct mount_ctx *mc)
{
	const struct spec_linux *lx = &mc->spec->linux;
	AUTOCLOSE int nullfd = -1, cwd = -1;
	struct stat st;
	size_t i;

	if (mc->host_ns)
		return 0;
	/* runc creates a missing cwd, before / may become read-only */
	if (mc->spec->has_process && mc->spec->process.cwd &&
	    (cwd = mkpath(mc->rootfd, mc->spec->process.cwd, false)) < 0)
		return fail_ctx("process.cwd \"%s\"", mc->spec->process.cwd);
	if (lx->masked_paths.n) {
		/* Files are masked by /dev/null, which must really be the
		 * null device, not something the image put there. */
		nullfd = mount_resolve(mc->rootfd, "/dev/null", O_PATH);
		if (nullfd < 0)
			return fail_ctx("linux.maskedPaths");
		if (fstat(nullfd, &st) < 0 || !S_ISCHR(st.st_mode) ||
		    major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
			return fail(0, "linux.maskedPaths: /dev/null in the "
				    "container is not the null device");
	}
	for (i = 0; i < lx->readonly_paths.n; i++)
		if (readonly_path(mc->rootfd, lx->readonly_paths.v[i]) < 0)
			return fail_ctx("linux.readonlyPaths[%zu]", i);
	for (i = 0; i < lx->masked_paths.n; i++)
		if (mask_path(mc->rootfd, nullfd, lx->masked_paths.v[i]) < 0)
			return fail_ctx("linux.maskedPaths[%zu]", i);
	if (mc->spec->root.readonly &&
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		struct statfs sf;
		unsigned long keep = 0;

		if (statfs("/", &sf) == 0)
			keep = sf.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
		if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep,
			  NULL) < 0)
			return fail(errno, "root.readonly: remount / read-only");
	}
	return 0;
}

int mount_console(int slave_fd)
{
	char fp[FDPATH_MAX];
	AUTOCLOSE int root = openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	AUTOCLOSE int fd = -1, dev = -1;
	struct stat st;

	if (root < 0)
		return fail(errno, "open /");
	dev = mount_resolve(root, "/dev", O_PATH | O_DIRECTORY);
	if (dev < 0)
		return fail_ctx("/dev/console");
	/* a symlink there would send the pty's bind anywhere (as runc,
	 * refuse it); a missing node is created, never followed */
	fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = openat(dev, "console", O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return fail(errno, "open '/dev/console'");
	if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
		return fail(0, "/dev/console in the container is a %s",
			    S_ISDIR(st.st_mode) ? "directory" : "symlink");
	fdpath(fp, slave_fd);
	{
		char tp[FDPATH_MAX];

		fdpath(tp, fd);
		if (mount(fp, tp, NULL, MS_BIND, NULL) < 0)
			return fail(errno, "bind pty to /dev/console");
	}
	return 0;
}
