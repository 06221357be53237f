/* SPDX-License-Identifier: MIT */
/* mount: rootfs setup in the container's mount namespace. Targets are O_PATH
 * fds resolved inside the rootfs and mounted on through /proc/self/fd/N (the
 * host's procfs: we have not pivoted yet), so a symlink planted in the image
 * can never send a mount to the host. */
#include <errno.h>
#include <fcntl.h>
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
#include "core/util.h"

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
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return fail(ENAMETOOLONG, "resolve '%s'", path);
	cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return fail(errno, "open rootfs");
	p = buf;
	for (;;) {
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		len = strcspn(p, "/");
		if (len > NAME_MAX) {
			close(cur);
			return fail(ENAMETOOLONG, "resolve '%s'", path);
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
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
			if (strlen(link) + strlen(p) + 2 > sizeof(buf)) {
				close(cur);
				return fail(ENAMETOOLONG, "resolve '%s'", path);
			}
			/* splice the target in front of what is left */
			memmove(buf + n + 1, p, strlen(p) + 1);
			memcpy(buf, link, n);
			buf[n] = '/';
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

static int setattr(int fd, unsigned long set, unsigned long clr)
{
	struct mount_attr attr = { .attr_set = set, .attr_clr = clr };

	if (!set && !clr)
		return 0;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
		    &attr, sizeof(attr)) < 0)
		return fail(errno, "mount_setattr");
	return 0;
}

/* Flags a bind remount keeps: everything but the operation bits. */
#define REMOUNT_MASK (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | \
		      MS_SYNCHRONOUS | MS_MANDLOCK | MS_DIRSYNC | MS_NOATIME | \
		      MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME)
#define PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* After a mount landed on DEST, act on the new mount (not what is under it):
 * re-resolve, then remount flags, propagation and recursive attributes. */
static int after_mount(int rootfd, const char *dest, unsigned long remount,
		       unsigned long prop, unsigned long aset, unsigned long aclr)
{
	char fp[FDPATH_MAX];
	AUTOCLOSE int fd = -1;

	if (!remount && !prop && !aset && !aclr)
		return 0;
	fd = mount_resolve(rootfd, dest, O_PATH);
	if (fd < 0)
		return -1;
	fdpath(fp, fd);
	if (remount && mount(NULL, fp, NULL, MS_REMOUNT | MS_BIND | remount,
			     NULL) < 0) {
		/* Locked flags (nodev etc. inherited from the source in a
		 * user namespace) must be kept: retry with the source's. */
		struct statfs sf;
		unsigned long keep = 0;

		if (errno != EPERM || fstatfs(fd, &sf) < 0)
			return fail(errno, "remount '%s'", dest);
		keep = sf.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC |
				     MS_RDONLY | MS_NOATIME | MS_NODIRATIME |
				     MS_RELATIME);
		if (mount(NULL, fp, NULL, MS_REMOUNT | MS_BIND | remount | keep,
			  NULL) < 0)
			return fail(errno, "remount '%s'", dest);
	}
	if (prop && mount(NULL, fp, NULL, prop, NULL) < 0)
		return fail(errno, "set propagation of '%s'", dest);
	return setattr(fd, aset, aclr);
}

static int mount_one_cgroup(struct mount_ctx *mc, const struct spec_mount *m,
			    int destfd);

static int mount_one(struct mount_ctx *mc, const struct spec_mount *m)
{
	const struct spec *s = mc->spec;
	char src[PATH_MAX], fp[FDPATH_MAX];
	AUTOCLOSE int fd = -1;
	unsigned long flags = m->flags & ~PROPAGATION;
	const char *type = m->type;
	struct stat st;
	bool file = false;

	if (m->idmap)
		return fail(0, "idmapped mounts are not supported yet");
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
	}
	/* /proc and /sys are where the runtime later writes: never symlinks */
	if (str_eq(m->destination, "/proc") || str_eq(m->destination, "/sys")) {
		if (fstatat(mc->rootfd, m->destination + 1, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return fail(0, "'%s' in the rootfs is a symlink",
				    m->destination);
	}
	fd = mkpath(mc->rootfd, m->destination, file);
	if (fd < 0)
		return -1;
	if (type && (str_eq(type, "cgroup") || str_eq(type, "cgroup2")))
		return mount_one_cgroup(mc, m, fd);
	fdpath(fp, fd);
	if (m->bind) {
		if (mount(src, fp, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
			return fail(errno, "bind '%s'", src);
		flags &= REMOUNT_MASK;
		return after_mount(mc->rootfd, m->destination, flags,
				   m->propagation, m->attr_set, m->attr_clr);
	}
	if (mount(src[0] ? src : type, fp, type, flags & ~MS_REC, m->data) < 0) {
		int no = errno;

		/* sysfs needs a network namespace owned by our user
		 * namespace; without one, take the host's read-only. */
		if (no == EPERM && type && str_eq(type, "sysfs") && mc->userns) {
			if (mount("/sys", fp, NULL, MS_BIND | MS_REC, NULL) == 0)
				return after_mount(mc->rootfd, m->destination,
						   MS_RDONLY | MS_NOSUID |
						   MS_NODEV | MS_NOEXEC, 0,
						   MOUNT_ATTR_RDONLY, 0);
		}
		return fail(no, "mount %s on '%s'", type ? type : "(none)",
			    m->destination);
	}
	return after_mount(mc->rootfd, m->destination, 0, m->propagation,
			   m->attr_set, m->attr_clr);
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
	AUTOFREE char *cg = NULL, *mi = NULL;
	size_t len;
	struct statfs sf;
	char *p, *q;

	fdpath(fp, destfd);
	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		if (mc->cgroupns &&
		    mount("cgroup2", fp, "cgroup2", base | ro, NULL) == 0)
			return 0;
		if (mount("/sys/fs/cgroup", fp, NULL, MS_BIND | MS_REC, NULL) < 0)
			return fail(errno, "mount cgroup2 on '%s'", m->destination);
		return after_mount(mc->rootfd, m->destination, base | ro, 0, 0, 0);
	}
	if (mount("tmpfs", fp, "tmpfs", base, "mode=755") < 0)
		return fail(errno, "mount tmpfs on '%s'", m->destination);
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
		if (!sep || sscanf(p, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		v2 = has_prefix(sep, " - cgroup2 ");
		if ((!v2 && !has_prefix(sep, " - cgroup ")) ||
		    !has_prefix(mnt, "/sys/fs/cgroup/") ||
		    sscanf(sep, " - %*s %*s %511s", opts) != 1)
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
		if (mount(src, subp, NULL, MS_BIND | MS_REC, NULL) < 0)
			return fail(errno, "bind cgroup '%s'", src);
		if (after_mount(mc->rootfd, dst, base | ro, 0, 0, 0) < 0)
			return -1;
	}
	return after_mount(mc->rootfd, m->destination, base | ro, 0, 0, 0);
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
	mode_t mode;

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
	if (mknodat(pfd, base, mode, makedev(d->major, d->minor)) < 0)
		return fail(errno, "mknod '%s'", d->path);
	if (fchmodat(pfd, base, mode & 07777, 0) < 0)
		return fail(errno, "chmod '%s'", d->path);
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

	/* Host mounts must not receive ours: make / slave (default, as runc)
	 * or what rootfsPropagation says; "shared" is applied after pivot. */
	if (!prop || (prop & MS_SHARED))
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
		if (mount_one(mc, &s->mounts[i]) < 0)
			return fail_ctx("mounts[%zu] (%s)", i,
					s->mounts[i].destination);
	return setup_dev(mc);
}

int mount_pivot(struct mount_ctx *mc)
{
	const char *root = mc->spec->root.abs;
	AUTOCLOSE int oldroot = -1;

	if (mc->no_pivot) {
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
	if (mc->spec->linux.rootfs_propagation & MS_SHARED &&
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
	char fp[FDPATH_MAX];
	AUTOCLOSE int fd = mount_resolve(rootfd, path, O_PATH);

	if (fd < 0)
		return err_last.no == ENOENT ? 0 : -1;
	fdpath(fp, fd);
	if (mount(fp, fp, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(errno, "bind '%s'", path);
	return after_mount(rootfd, path, MS_RDONLY, 0, 0, 0);
}

int mount_finish(struct mount_ctx *mc)
{
	const struct spec_linux *lx = &mc->spec->linux;
	AUTOCLOSE int nullfd = -1, cwd = -1;
	struct stat st;
	size_t i;

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
	AUTOCLOSE int fd = -1;

	if (root < 0)
		return fail(errno, "open /");
	fd = mkpath(root, "/dev/console", true);
	if (fd < 0)
		return fail_ctx("/dev/console");
	fdpath(fp, slave_fd);
	{
		char tp[FDPATH_MAX];

		fdpath(tp, fd);
		if (mount(fp, tp, NULL, MS_BIND, NULL) < 0)
			return fail(errno, "bind pty to /dev/console");
	}
	return 0;
}

int mount_sysctl(const struct spec *s)
{
	const struct kvv *sc = &s->linux.sysctl;
	AUTOCLOSE int proc = -1;
	struct statfs sf;
	char path[PATH_MAX], *p;
	size_t i;

	if (!sc->n)
		return 0;
	proc = openat(AT_FDCWD, "/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (proc < 0)
		return fail(errno, "linux.sysctl: open '/proc/sys'");
	if (fstatfs(proc, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return fail(0, "linux.sysctl: '/proc/sys' is not procfs");
	for (i = 0; i < sc->n; i++) {
		snprintf(path, sizeof(path), "%s", sc->v[i].key);
		for (p = path; *p; p++)
			if (*p == '.')
				*p = '/';
		if (strstr(path, "..") || path[0] == '/')
			return fail(0, "linux.sysctl: invalid key \"%s\"",
				    sc->v[i].key);
		if (write_file_at(proc, path, sc->v[i].value) < 0)
			return fail_ctx("linux.sysctl \"%s\"", sc->v[i].key);
	}
	return 0;
}
