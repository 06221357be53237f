/* SPDX-License-Identifier: MIT */
/* mount tests: the path resolution inside a rootfs, above all the hand walk
 * mount_resolve_walk() that runs where openat2 is missing. A temp tree plays
 * the rootfs, beside a "host" file it must never reach; image symlinks try
 * every escape (absolute, "../" past the root, ".." components, links to
 * links, loops, dangling links, a file in mid-path). Each result is checked
 * by st_dev/st_ino against the file inside the root, and against the
 * kernel's own RESOLVE_IN_ROOT (openat2) where this kernel has it. No root
 * needed; the mount setup itself is covered by test/cli/mounts.sh. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "core/err.h"
#include "core/mount.h"
#include "core/util.h"
#include "test/unit/check.h"

static char top[] = "/tmp/ocibox-mount-XXXXXX";
static int rootfd = -1;       /* top/root, O_PATH: the "rootfs" */
static bool have_openat2;

/* The tree, relative to top. "d" = directory, "f" = file with the name as
 * content, anything else = a symlink to that target. */
static const struct node {
	const char *path, *what;
} tree[] = {
	{ "secret", "f" },                       /* "host" file beside the root */
	{ "root", "d" },
	{ "root/etc", "d" },
	{ "root/etc/passwd", "f" },
	{ "root/tmp", "d" },
	{ "root/a", "d" },
	{ "root/a/b", "d" },
	{ "root/a/b/c", "d" },
	{ "root/a/b/c/file", "f" },
	{ "root/abs", "/etc" },                  /* absolute: the root's /etc */
	{ "root/abs2", "/a/b" },
	{ "root/absfile", "/a/b/c/file" },
	{ "root/a/b/c/abs", "/etc" },            /* absolute, below the root */
	{ "root/a/b/c/absup", "/../../a/b" },
	{ "root/up", "../../../../../../../.." }, /* more ".." than depth */
	{ "root/a/b/up", "../../../../../.." },
	{ "root/a/b/rel", "c/file" },
	{ "root/a/b/esc", "../../../../etc" },   /* root/etc, not /etc */
	{ "root/a/b/sec", "../../../secret" },   /* top/secret if it escaped */
	{ "root/sec", "../secret" },
	{ "root/dotdot", ".." },
	{ "root/a/b/dotdot", ".." },
	{ "root/hostabs", NULL },                /* -> top (set at run time) */
	{ "root/chain1", "chain2" },             /* links to links */
	{ "root/chain2", "/a/b/chain3" },
	{ "root/a/b/chain3", "../../up/etc/../a/b/rel" },
	{ "root/loop", "loop" },
	{ "root/ping", "pong" },
	{ "root/pong", "/ping" },
	{ "root/dangling", "/nonexistent" },
	{ "root/dangling2", "a/nothere/x" },
	{ "root/filemid", "/a/b/c/file/x" },
	{ "root/dirslash", "a/b/" },
	{ "root/hostproc", "/proc/self" },       /* no /proc in this root */
};

static int mk(const char *path, const char *what)
{
	char buf[PATH_MAX];
	int fd;

	snprintf(buf, sizeof(buf), "%s/%s", top, path);
	if (str_eq(what, "d"))
		return mkdir(buf, 0755);
	if (str_eq(what, "f")) {
		if ((fd = open(buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
			return -1;
		if (write(fd, path, strlen(path)) != (ssize_t)strlen(path)) {
			close(fd);
			return -1;
		}
		return close(fd);
	}
	return symlink(what, buf);
}

/* "root/lN" -> "lN+1" for N < 40, "l40" -> "/etc": "l0" needs 41 links
 * (one more than the kernel's 40), "l1" exactly 40. */
static int mk_chain(void)
{
	char name[32], target[32];

	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "root/l%d", i);
		if (i < 40)
			snprintf(target, sizeof(target), "l%d", i + 1);
		else
			snprintf(target, sizeof(target), "/etc");
		if (mk(name, target) < 0)
			return -1;
	}
	return 0;
}

static int setup(void)
{
	char path[PATH_MAX];
	size_t i;

	if (!mkdtemp(top))
		return -1;
	for (i = 0; i < ARRAY_SIZE(tree); i++)
		if (mk(tree[i].path, tree[i].what ? tree[i].what : top) < 0)
			return -1;
	if (mk_chain() < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/root", top);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return rootfd < 0 ? -1 : 0;
}

static void rm_tree(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (str_eq(e->d_name, ".") || str_eq(e->d_name, ".."))
			continue;
		if (e->d_type == DT_DIR) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				rm_tree(sub);
			unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd(d), e->d_name, 0);
		}
	}
	if (d)
		closedir(d);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

/* The file REL inside the root ("" = the root itself), not following a
 * final symlink: what a correct resolution must land on. */
static bool same_as(int fd, const char *rel)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return false;
	if (fstatat(rootfd, *rel ? rel : ".", &b, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int kernel_resolve(const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* A case: PATH opened with FLAGS lands on WANT (relative to the root) or,
 * when WANT is NULL, fails with errno NO. */
struct rcase {
	const char *path;
	int flags;
	const char *want;
	int no;
};

static const struct rcase cases[] = {
	/* plain paths, "." and ".." components */
	{ "/", O_PATH, "", 0 },
	{ ".", O_PATH, "", 0 },
	{ "a/b/c/file", O_PATH, "a/b/c/file", 0 },
	{ "/a//b/./c/", O_PATH, "a/b/c", 0 },
	{ "..", O_PATH, "", 0 },
	{ "/../../../..", O_PATH, "", 0 },
	{ "../secret", O_PATH, NULL, ENOENT },
	{ "/../../etc/passwd", O_PATH, "etc/passwd", 0 },
	{ "a/../../../etc/passwd", O_PATH, "etc/passwd", 0 },
	{ "a/b/../../etc", O_PATH, "etc", 0 },
	{ "a/b/c/../../../..", O_PATH, "", 0 },
	/* absolute links restart at the root */
	{ "abs", O_PATH, "etc", 0 },
	{ "abs/passwd", O_PATH, "etc/passwd", 0 },
	{ "/abs/../a", O_PATH, "a", 0 },
	{ "abs2/c/file", O_PATH, "a/b/c/file", 0 },
	{ "a/b/c/../../../absfile", O_PATH, "a/b/c/file", 0 },
	{ "a/b/c/abs", O_PATH, "etc", 0 },
	{ "a/b/c/abs/passwd", O_PATH, "etc/passwd", 0 },
	{ "/a/b/c/absup/c/abs/../a", O_PATH, "a", 0 },
	{ "hostabs", O_PATH, NULL, ENOENT },       /* the host's top, by name */
	{ "hostabs/secret", O_PATH, NULL, ENOENT },
	{ "hostproc/root", O_PATH, NULL, ENOENT }, /* no /proc in this root */
	/* relative links with more ".." than the depth stop at the root */
	{ "up", O_PATH, "", 0 },
	{ "up/etc/passwd", O_PATH, "etc/passwd", 0 },
	{ "up/secret", O_PATH, NULL, ENOENT },
	{ "a/b/up", O_PATH, "", 0 },
	{ "a/b/up/a/b/up/abs", O_PATH, "etc", 0 },
	{ "a/b/esc", O_PATH, "etc", 0 },
	{ "a/b/esc/passwd", O_PATH, "etc/passwd", 0 },
	{ "a/b/sec", O_PATH, NULL, ENOENT },
	{ "sec", O_PATH, NULL, ENOENT },
	{ "dotdot", O_PATH, "", 0 },
	{ "dotdot/dotdot/etc", O_PATH, "etc", 0 },
	{ "a/b/dotdot", O_PATH, "a", 0 },
	{ "a/b/dotdot/../../..", O_PATH, "", 0 },
	{ "a/b/rel", O_PATH, "a/b/c/file", 0 },
	{ "dirslash/c", O_PATH, "a/b/c", 0 },
	/* links to links, and the kernel's limit of 40 */
	{ "chain1", O_PATH, "a/b/c/file", 0 },
	{ "l1", O_PATH, "etc", 0 },
	{ "l1/passwd", O_PATH, "etc/passwd", 0 },
	{ "l0", O_PATH, NULL, ELOOP },
	{ "loop", O_PATH, NULL, ELOOP },
	{ "loop/x", O_PATH, NULL, ELOOP },
	{ "ping", O_PATH, NULL, ELOOP },
	/* dangling links, missing names, files in mid-path */
	{ "dangling", O_PATH, NULL, ENOENT },
	{ "dangling2", O_PATH, NULL, ENOENT },
	{ "nothere", O_PATH, NULL, ENOENT },
	{ "a/nothere/..", O_PATH, NULL, ENOENT },
	{ "a/b/c/file/x", O_PATH, NULL, ENOTDIR },
	{ "a/b/c/file/..", O_PATH, NULL, ENOTDIR },
	{ "absfile/x", O_PATH, NULL, ENOTDIR },
	{ "filemid", O_PATH, NULL, ENOTDIR },
	/* the caller's flags on the last component */
	{ "a/b/rel", O_RDONLY, "a/b/c/file", 0 },
	{ "abs", O_RDONLY | O_DIRECTORY, "etc", 0 },
	{ "abs", O_PATH | O_DIRECTORY, "etc", 0 },
	{ "a/b/rel", O_RDONLY | O_DIRECTORY, NULL, ENOTDIR },
	{ "a/b/rel", O_PATH | O_DIRECTORY, NULL, ENOTDIR },
};

static const char *ename(int no)
{
	return no ? strerror(no) : "ok";
}

static void run_case(const char *who, int (*fn)(int, const char *, int),
		     const struct rcase *c)
{
	int fd, no, fl;

	err_last.no = 0;
	errno = 0;
	fd = fn(rootfd, c->path, c->flags);
	no = fd < 0 ? err_last.no : 0;
	if (!c->want) {
		CHECK_NAMED(fd < 0 && no == c->no, "%s '%s' (%#o): %s, wanted %s",
			    who, c->path, c->flags, fd < 0 ? ename(no) : "an fd",
			    ename(c->no));
	} else {
		fl = fd >= 0 ? fcntl(fd, F_GETFD) : -1;
		CHECK_NAMED(fd > 2 && same_as(fd, c->want) && (fl & FD_CLOEXEC),
			    "%s '%s' (%#o) is root/%s, close-on-exec (%s)", who,
			    c->path, c->flags, c->want, fd < 0 ? err_last.msg : "fd");
	}
	if (fd >= 0)
		close(fd);
}

/* The same table through the kernel's RESOLVE_IN_ROOT: it checks the table
 * (so the walker is held to what openat2 does, not to our guess). */
static void run_kernel(const struct rcase *c)
{
	int fd = kernel_resolve(c->path, c->flags), no = fd < 0 ? errno : 0;

	if (!c->want)
		CHECK_NAMED(fd < 0 && no == c->no, "openat2 agrees: '%s' is %s",
			    c->path, ename(c->no));
	else
		CHECK_NAMED(fd >= 0 && same_as(fd, c->want),
			    "openat2 agrees: '%s' is root/%s", c->path, c->want);
	if (fd >= 0)
		close(fd);
}

static void test_table(void)
{
	int before = count_fds();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		run_case("walk", mount_resolve_walk, &cases[i]);
		if (have_openat2)
			run_kernel(&cases[i]);
		run_case("resolve", mount_resolve, &cases[i]);
	}
	CHECK_NAMED(count_fds() == before,
		    "no fd left open by %zu resolutions (%d before, %d after)",
		    3 * ARRAY_SIZE(cases), before, count_fds());
}

/* Where the walk still differs from openat2 (no escape: both stay inside
 * the root): one SKIP naming the differences until core/mount.c agrees. */
static const char *const known[] = {
	"",            /* openat2: ENOENT; the walk: the root */
	"a/b/c/file/", /* openat2: ENOTDIR; the walk: the file */
	"a/b/c/file/.",
	"a/b/rel/",
};

static void test_known(void)
{
	char diff[512] = "core/mount.c mount_resolve_walk() gives";
	size_t i, n = strlen(diff), bad = 0;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		int k = kernel_resolve(known[i], O_PATH), kno = k < 0 ? errno : 0;
		int w = mount_resolve_walk(rootfd, known[i], O_PATH);
		int wno = w < 0 ? err_last.no : 0;
		struct stat ks, ws;
		bool same = kno == wno && (k < 0 || (fstat(k, &ks) == 0 &&
			    fstat(w, &ws) == 0 && ks.st_ino == ws.st_ino &&
			    ks.st_dev == ws.st_dev));

		if (!same && n < sizeof(diff))
			n += snprintf(diff + n, sizeof(diff) - n,
				      "%s '%s': %s, openat2 %s", bad++ ? ";" : "",
				      known[i], ename(wno), ename(kno));
		if (k >= 0)
			close(k);
		if (w >= 0)
			close(w);
	}
	CHECK_NAMED(!bad, "the walk agrees with openat2 on '', and on a '/' or "
		    "'/.' after a file%s", bad ? diff : "");
}

/* The content read through a resolved fd is the file's inside the root. */
static void test_read(void)
{
	AUTOCLOSE int fd = mount_resolve_walk(rootfd, "/up/a/b/esc/passwd", O_RDONLY);
	char buf[64] = "";
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	CHECK_NAMED(n > 0 && str_eq(buf, "root/etc/passwd"),
		    "a file opened O_RDONLY through links reads the root's: '%s'",
		    buf);
}

static void test_limits(void)
{
	char name[NAME_MAX + 2], *path;
	int fd;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	fd = mount_resolve_walk(rootfd, name, O_PATH);
	CHECK_NAMED(fd < 0 && err_last.no == ENAMETOOLONG,
		    "a component of NAME_MAX + 1 bytes: %s", err_last.msg);
	if (fd >= 0)
		close(fd);
	/* 2 * PATH_MAX of "./": longer than the walk's buffer */
	path = xmalloc(2 * PATH_MAX + 1);
	for (int i = 0; i < PATH_MAX; i++)
		memcpy(path + 2 * i, "./", 2);
	path[2 * PATH_MAX] = '\0';
	/* (under ASan this also proves a message of 510+ bytes with an
	 * errno stays inside err_last.msg) */
	fd = mount_resolve_walk(rootfd, path, O_PATH);
	CHECK_NAMED(fd < 0 && err_last.no == ENAMETOOLONG,
		    "a path longer than the walk's buffer: ENAMETOOLONG");
	if (fd >= 0)
		close(fd);
	/* just under PATH_MAX of "./" then "etc": fine */
	for (int i = 0; i < PATH_MAX / 2 - 4; i++)
		memcpy(path + 2 * i, "./", 2);
	strcpy(path + 2 * (PATH_MAX / 2 - 4), "etc");
	fd = mount_resolve_walk(rootfd, path, O_PATH);
	CHECK_NAMED(fd >= 0 && same_as(fd, "etc"),
		    "a path of %zu bytes of \"./\" then etc", strlen(path));
	if (fd >= 0)
		close(fd);
	free(path);
}

/* A root that is not the top of its filesystem: the walk must stop at the
 * root's own inode, not at "/" or at the filesystem's root. The same table
 * again from a second root one level down (root/a as "/"). */
static void test_nested_root(void)
{
	AUTOCLOSE int sub = openat(rootfd, "a", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat a, st;
	int fd;

	fd = mount_resolve_walk(sub, "../../..", O_PATH);
	CHECK_NAMED(fd >= 0 && fstat(fd, &st) == 0 && fstat(sub, &a) == 0 &&
		    st.st_ino == a.st_ino && st.st_dev == a.st_dev,
		    "with root/a as the root, '../../..' is root/a");
	if (fd >= 0)
		close(fd);
	fd = mount_resolve_walk(sub, "/b/esc", O_PATH);
	CHECK_NAMED(fd < 0 && err_last.no == ENOENT,
		    "with root/a as the root, b/esc (../../../../etc) has no etc: %s",
		    fd < 0 ? err_last.msg : "found one");
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	int probe;

	check_module = "mount";
	if (setup() < 0) {
		CHECK_NAMED(0, "set up the tree in %s: %m", top);
		return CHECK_DONE();
	}
	probe = kernel_resolve("/", O_PATH);
	have_openat2 = probe >= 0 || errno != ENOSYS;
	if (probe >= 0)
		close(probe);
	if (!have_openat2)
		printf("SKIP: mount: openat2 comparison: this kernel has no "
		       "openat2 (mount_resolve walks too)\n");
	test_table();
	if (have_openat2)
		test_known();
	test_read();
	test_limits();
	test_nested_root();
	close(rootfd);
	rm_tree(open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	CHECK_NAMED(rmdir(top) == 0, "temporary tree %s removed", top);
	return CHECK_DONE();
}
