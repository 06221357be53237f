/* SPDX-License-Identifier: MIT */
/* check: validate a bundle without creating anything: the config against
 * the spec, and against this host (kernel namespaces, filesystems,
 * capabilities, rlimits, cgroup controllers, seccomp). ocibox's own. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/err.h"
#include "core/main.h"
#include "core/mount.h"
#include "core/seccomp.h"
#include "core/spec.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox check [--bundle DIR]\n"
	"\n"
	"Validate the bundle (default: .) without creating anything. Prints ok,\n"
	"or every problem found, one per line, and exits 1.\n";

static int problems;

static void problem(void *ctx, const char *msg)
{
	(void)ctx;
	printf("%s\n", msg);
	problems++;
}

/* One problem found here: "config.json: PATH: ..." (+ ": errno text"). */
static void PRINTF(2, 3) problemf(int no, const char *fmt, ...)
{
	char msg[sizeof(err_last.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail(no, "config.json: %s", msg);
	problem(NULL, err_last.msg);
}

/* args[0] looked up inside the rootfs, never outside it. */
static void check_exe(const struct spec *s, int rootfd)
{
	const struct spec_process *p = &s->process;
	const char *arg = p->args.v[0], *path = NULL, *d;
	char buf[PATH_MAX];
	struct stat st;
	size_t i;
	int fd;

	if (strchr(arg, '/')) {
		fd = mount_resolve(rootfd, arg, O_PATH);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & 0111)) {
			problemf(0, "process.args[0]: \"%s\" is not an "
				 "executable file in the rootfs", arg);
		}
		if (fd >= 0)
			close(fd);
		return;
	}
	for (i = 0; i < p->env.n; i++)
		if (has_prefix(p->env.v[i], "PATH="))
			path = p->env.v[i] + 5;
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (d = path; ; d += strcspn(d, ":") + 1) {
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)strcspn(d, ":"), d, arg);
		fd = mount_resolve(rootfd, buf, O_PATH);
		if (fd >= 0) {
			bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
				  (st.st_mode & 0111);

			close(fd);
			if (ok)
				return;
		}
		if (!d[strcspn(d, ":")])
			break;
	}
	problemf(0, "process.args[0]: \"%s\": executable file not found in "
		 "$PATH inside the rootfs", arg);
}

static void check_host(const struct spec *s)
{
	char path[64];
	AUTOFREE char *fs = NULL, *last = NULL;
	size_t i, len;
	int64_t cap_last = 40;

	for (i = 0; i < SPEC_NS_COUNT; i++) {
		static const char *const file[SPEC_NS_COUNT] = {
			[SPEC_NS_USER] = "user", [SPEC_NS_MOUNT] = "mnt",
			[SPEC_NS_PID] = "pid", [SPEC_NS_NETWORK] = "net",
			[SPEC_NS_IPC] = "ipc", [SPEC_NS_UTS] = "uts",
			[SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
		};

		snprintf(path, sizeof(path), "/proc/self/ns/%s", file[i]);
		if (s->linux.ns[i].present && access(path, F_OK) < 0) {
			problemf(0, "linux.namespaces: this kernel has no %s "
				 "namespaces", spec_ns_name[i]);
		}
		if (s->linux.ns[i].path && access(s->linux.ns[i].path, F_OK) < 0) {
			problemf(errno, "linux.namespaces: %s path '%s'",
				 spec_ns_name[i], s->linux.ns[i].path);
		}
	}
	if (read_file_at(AT_FDCWD, "/proc/filesystems", &fs, &len) == 0)
		for (i = 0; i < s->n_mounts; i++) {
			const char *t = s->mounts[i].type;
			char want[80];

			if (!t || s->mounts[i].bind || str_eq(t, "none") ||
			    str_eq(t, "cgroup"))
				continue;
			snprintf(want, sizeof(want), "\t%s\n", t);
			if (!strstr(fs, want)) {
				problemf(0, "mounts[%zu].type: filesystem \"%s\" "
					 "not known to this kernel "
					 "(/proc/filesystems)", i, t);
			}
		}
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &last, &len) == 0) {
		last[strcspn(last, "\n")] = '\0';
		parse_i64(last, 0, 63, &cap_last);
	}
	if (s->has_process && s->process.has_caps) {
		uint64_t all = 0;

		for (i = 0; i < SPEC_CAP_SETS; i++)
			all |= s->process.caps[i];
		for (i = (size_t)cap_last + 1; i <= SPEC_CAP_MAX; i++)
			if (all & (1ULL << i)) {
				problemf(0, "process.capabilities: %s is not "
					 "known to this kernel (it will be dropped)",
					 spec_cap_name[i]);
			}
	}
	for (i = 0; s->has_process && i < s->process.n_rlimits; i++) {
		const struct spec_rlimit *r = &s->process.rlimits[i];
		struct rlimit cur;

		if (getrlimit(r->resource, &cur) == 0 && r->hard > cur.rlim_max &&
		    cur.rlim_max != RLIM_INFINITY) {
			problemf(0, "process.rlimits[%zu]: %s hard limit %llu is "
				 "above this host's %llu and raising it needs "
				 "CAP_SYS_RESOURCE", i, r->type,
				 (unsigned long long)r->hard,
				 (unsigned long long)cur.rlim_max);
		}
	}
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "bundle", required_argument, NULL, 'b' },
		{ 0 }
	};
	const char *bundle = ".";
	struct spec_problems pr = { 0 };
	struct spec s;
	struct cgroup cg;
	struct stat st;
	size_t i;
	int c, rootfd;

	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else
			opt_common(c, optarg, usage);
	}
	if (optind != argc)
		usage_error(usage, "unexpected argument");
	if (spec_load(&s, bundle, &pr) < 0) {
		for (i = 0; i < pr.n; i++)
			problem(NULL, pr.msg[i]);
		if (!pr.n)
			problem(NULL, err_last.msg);
		spec_problems_fini(&pr);
		return 1;
	}
	spec_problems_fini(&pr);
	if (!s.has_process)
		problem(NULL, "config.json: process: required to create a container");
	if (stat(s.root.abs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		problemf(errno ? errno : ENOTDIR, "root.path: '%s'", s.root.abs);
	} else if (s.has_process &&
		   (rootfd = openat(AT_FDCWD, s.root.abs, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		check_exe(&s, rootfd);
		close(rootfd);
	}
	check_host(&s);
	if (cgroup_init(&cg, s.linux.cgroups_path, "check") < 0)
		problem(NULL, err_last.msg);
	else if (s.linux.has_resources)
		cgroup_check(&cg, &s.linux.resources, problem, NULL);
	if (s.linux.seccomp.set)
		sc_check(&s.linux.seccomp, problem, NULL);
	spec_free(&s);
	if (problems)
		return 1;
	printf("ok\n");
	return 0;
}
