/* SPDX-License-Identifier: MIT */
/* rootless: what a caller without the host's root may do, decided once:
 * detection (runc's --rootless auto), the state directory, the refusals
 * made before anything exists, the cgroups it can write, id maps through
 * newuidmap/newgidmap, and the container's processes without a cgroup. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "core/cgroup.h"
#include "core/err.h"
#include "core/ns.h"
#include "core/rootless.h"
#include "core/util.h"

/* The next "INSIDE OUTSIDE COUNT" line of an id map (OUTSIDE is in the
 * parent's ids) into V, *P moved past it; false at the end. No scanf: it
 * would cost the binary 12 KB. */
static bool idmap_line(const char **p, unsigned long long v[3])
{
	char *e;
	int k;

	for (k = 0; k < 3; k++) {
		v[k] = strtoull(*p, &e, 10);
		if (e == *p)
			return false;
		*p = e;
	}
	return true;
}

bool rootless_maps_host_root(const char *map)
{
	unsigned long long v[3];

	while (idmap_line(&map, v))
		if (v[1] == 0 && v[2] > 0)
			return true;
	return false;
}

int rootless_idmap_outside(const char *map, uint32_t id, uint32_t *out)
{
	unsigned long long v[3];

	while (idmap_line(&map, v))
		if (id >= v[0] && id - v[0] < v[2]) {
			*out = (uint32_t)(v[1] + (id - v[0]));
			return 0;
		}
	return fail(0, "id %u is not mapped", (unsigned)id);
}

uint32_t rootless_host_uid(void)
{
	AUTOFREE char *map = NULL;
	uint32_t uid = (uint32_t)geteuid(), host;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, &len) == 0 &&
	    rootless_idmap_outside(map, uid, &host) == 0)
		return host;
	return uid;
}

bool rootless_detect(const char *value)
{
	AUTOFREE char *map = NULL;
	size_t len;

	if (value && str_eq(value, "true"))
		return true;
	if (value && str_eq(value, "false"))
		return false;
	if (geteuid() != 0)
		return true;
	/* euid 0: the host's root, or the root of an engine's user
	 * namespace (rootless podman runs the runtime there) */
	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, &len) < 0)
		return false;
	return !rootless_maps_host_root(map);
}

char *rootless_state_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (!xdg || xdg[0] != '/') {
		fail(0, "rootless: XDG_RUNTIME_DIR is %s: give --root DIR, a "
		     "state directory of your own", xdg ? "not absolute" :
		     "not set");
		return NULL;
	}
	return xasprintf("%s/ocibox", xdg);
}

bool rootless_can_map(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return (d[0].effective & (1u << CAP_SETUID)) &&
	       (d[0].effective & (1u << CAP_SETGID));
}

/* A single mapping of the caller's own id: the kernel lets anyone write it. */
static bool own_only(const struct spec_idmap *m, size_t n, unsigned id)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == id;
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *e;
	char f[PATH_MAX];

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		if (e > p && snprintf(f, sizeof(f), "%.*s/%s", (int)(e - p), p,
				      prog) < (int)sizeof(f) &&
		    access(f, X_OK) == 0)
			return true;
	}
	return false;
}

int rootless_check(const struct spec *s,
		   void (*problem)(void *ctx, const char *msg), void *ctx)
{
	const struct spec_linux *lx = &s->linux;
	char msg[512];
	int n = 0;

#define PROBLEM(...) do { snprintf(msg, sizeof(msg), __VA_ARGS__); \
	problem(ctx, msg); n++; } while (0)
	if (geteuid() != 0 && !lx->ns[SPEC_NS_USER].present)
		PROBLEM("config.json: linux.namespaces: a rootless container "
			"needs a user namespace ({\"type\": \"user\"} and "
			"linux.uidMappings, as `ocibox spec --rootless` writes)");
	if (lx->ns[SPEC_NS_USER].present && !lx->ns[SPEC_NS_USER].path &&
	    !rootless_can_map()) {
		static const struct {
			const char *field, *tool, *kind;
		} t[2] = {
			{ "linux.uidMappings", "newuidmap", "uid" },
			{ "linux.gidMappings", "newgidmap", "gid" },
		};
		const struct spec_idmap *m[2] = { lx->uid_mappings, lx->gid_mappings };
		size_t nm[2] = { lx->n_uid_mappings, lx->n_gid_mappings };
		unsigned id[2] = { geteuid(), getegid() };
		int k;

		for (k = 0; k < 2; k++) {
			if (!nm[k])
				PROBLEM("config.json: %s: a new user namespace "
					"needs a mapping (at least of your own "
					"%s %u)", t[k].field, t[k].kind, id[k]);
			else if (!own_only(m[k], nm[k], id[k]) && !on_path(t[k].tool))
				PROBLEM("config.json: %s: mapping more than "
					"your own %s %u needs %s (Debian "
					"package uidmap), which is not on PATH",
					t[k].field, t[k].kind, id[k], t[k].tool);
		}
	}
	/* oom_score_adj is the host's: only CAP_SYS_RESOURCE in the host's
	 * user namespace lowers it (verify_config checks the rlimits) */
	if (s->process.oom_score_adj.set) {
		AUTOFREE char *buf = NULL;
		size_t len;
		int64_t v;

		if (read_file_at(AT_FDCWD, "/proc/self/oom_score_adj", &buf,
				 &len) == 0 &&
		    (buf[strcspn(buf, "\n")] = '\0',
		     parse_i64(buf, -1000, 1000, &v) == 0) &&
		    s->process.oom_score_adj.v < v)
			PROBLEM("config.json: process.oomScoreAdj: %lld is "
				"below this user's %lld (lowering it needs "
				"CAP_SYS_RESOURCE)",
				(long long)s->process.oom_score_adj.v,
				(long long)v);
	}
#undef PROBLEM
	return n;
}

/* ---- cgroups ---- */

/* The caller's own cgroup v2 path ("0::/a/b"), into OUT. 0 or -1. */
static int own_v2(char *out, size_t size)
{
	AUTOFREE char *buf = NULL;
	char *l, *save = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &buf, &len) < 0)
		return -1;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (has_prefix(l, "0::/")) {
			snprintf(out, size, "%s", l + 3);
			return 0;
		}
	return fail(0, "no cgroup v2 line in /proc/self/cgroup");
}

static int components(const char *p)
{
	int n = 0;

	for (; *p; p++)
		if (*p != '/' && (p[1] == '/' || !p[1]))
			n++;
	return n;
}

/* REL = OWN/PATH (cgroup_init's relative form): make it OWN's parent/PATH
 * (runc's fs2 rule: the caller's own cgroup holds processes, so no
 * controller can be enabled below it; its parent, delegated to the user,
 * has none). PATH has K components. */
static void below_parent(char *rel, int k)
{
	int total = components(rel), skip = total - k - 1, i;
	char *p = rel, *q;

	if (skip < 0)
		return;    /* own cgroup is the root: nothing above it */
	for (i = 0; i <= skip; i++) {
		q = strchr(p + 1, '/');
		if (i < skip)
			p = q;
		else
			memmove(p, q, strlen(q) + 1);
	}
}

/* Can this caller make (or use) H's directory and move processes into it? */
static bool usable(const struct cgroup_hier *h, const char *own)
{
	char p[PATH_MAX], procs[PATH_MAX + 16];
	size_t ml = strlen(h->mnt), i, common = 0;
	char *s;

	snprintf(p, sizeof(p), "%s", h->dir);
	if (access(p, F_OK) == 0) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", p);
		if (access(procs, W_OK) < 0)
			return false;
	} else {
		while ((s = strrchr(p, '/')) && (size_t)(s - p) >= ml) {
			*s = '\0';
			if (access(p, F_OK) == 0)
				break;
		}
		if (access(p, W_OK) < 0)
			return false;
	}
	if (!h->v2 || !own)
		return true;
	/* v2 moves a process only with write access to cgroup.procs of the
	 * common ancestor of where it is and where it goes */
	for (i = 0; own[i] && own[i] == h->rel[i]; i++)
		;
	if ((!own[i] || own[i] == '/') && (!h->rel[i] || h->rel[i] == '/'))
		common = i;
	else
		for (common = i; common > 0 && own[common - 1] != '/'; common--)
			;
	if (common > 0 && own[common - 1] == '/')
		common--;
	snprintf(procs, sizeof(procs), "%s%.*s/cgroup.procs", h->mnt,
		 (int)common, h->rel);
	return access(procs, W_OK) == 0;
}

int rootless_cgroup_init(struct cgroup *cg, struct spec *s, const char *id)
{
	const char *path = s->linux.cgroups_path;
	char def[300], own[512];
	bool have_own;
	int i;

	/* runc skips device rules in a user namespace: no node can be
	 * made there, and those bound from the host keep their modes */
	if (s->linux.resources.n_devices)
		log_debug("rootless: linux.resources.devices not applied");
	s->linux.resources.n_devices = 0;
	if (!path || !*path) {
		if (!id || !*id || strchr(id, '/') || str_eq(id, ".") ||
		    str_eq(id, ".."))
			return fail(0, "cgroup: bad container id '%s'", id ? id : "");
		snprintf(def, sizeof(def), "ocibox/%s", id);
		path = def;
	}
	if (cgroup_init(cg, path, id) < 0)
		return -1;
	cg->rootless = true;
	have_own = own_v2(own, sizeof(own)) == 0;
	for (i = 0; i < cg->n; i++) {
		struct cgroup_hier *h = &cg->h[i];

		if (h->v2 && *path != '/') {
			char dir[sizeof(h->dir)];

			below_parent(h->rel, components(path));
			snprintf(dir, sizeof(dir), "%s%s", h->mnt, h->rel);
			memcpy(h->dir, dir, sizeof(dir));
		}
		if (!usable(h, h->v2 && have_own ? own : NULL)) {
			log_debug("rootless: cgroup '%s' is not writable: not used",
				  h->dir);
			cgroup_drop(cg, i);
		}
	}
	cgroup_drop(cg, -1);
	return 0;
}

/* ---- processes without a cgroup ---- */

int rootless_pids(const struct state *st, pid_t **pids, size_t *n)
{
	struct stat init, self, o;
	struct dirent *de;
	size_t cap = 16;
	char path[64];
	DIR *d;

	if (st->pid <= 0)
		return fail(0, "container \"%s\" has no init", st->id);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st->pid);
	if (stat(path, &init) < 0)
		return fail(errno, "container \"%s\" is not running: stat '%s'",
			    st->id, path);
	*n = 0;
	*pids = xcalloc(cap, sizeof(**pids));
	if (stat("/proc/self/ns/pid", &self) == 0 && self.st_ino == init.st_ino &&
	    self.st_dev == init.st_dev) {
		/* the caller's own pid namespace: the init is all we know */
		(*pids)[(*n)++] = st->pid;
		return 0;
	}
	if (!(d = opendir("/proc"))) {
		free(*pids);
		return fail(errno, "open '/proc'");
	}
	while ((de = readdir(d))) {
		long v = strtol(de->d_name, NULL, 10);

		if (v <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", v);
		if (stat(path, &o) < 0 || o.st_ino != init.st_ino ||
		    o.st_dev != init.st_dev)
			continue;
		if (*n == cap)
			*pids = xrealloc(*pids, (cap *= 2) * sizeof(**pids));
		(*pids)[(*n)++] = (pid_t)v;
	}
	closedir(d);
	return 0;
}

/* ---- id maps ---- */

/* Run TOOL PID C H S... (newuidmap/newgidmap); its message on failure. */
static int map_tool(const char *tool, pid_t pid, const struct spec_idmap *m,
		    size_t n)
{
	char **argv = xcalloc(3 * n + 3, sizeof(*argv)), out[256];
	int pfd[2], status;
	ssize_t len = 0, k;
	size_t i;
	pid_t c;

	argv[0] = (char *)tool;
	argv[1] = xasprintf("%d", (int)pid);
	for (i = 0; i < n; i++) {
		argv[2 + 3 * i] = xasprintf("%u", m[i].container_id);
		argv[3 + 3 * i] = xasprintf("%u", m[i].host_id);
		argv[4 + 3 * i] = xasprintf("%u", m[i].size);
	}
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return fail(errno, "pipe");
	c = fork();
	if (c < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return fail(errno, "fork %s", tool);
	}
	if (c == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(tool, argv);
		_exit(127);
	}
	close(pfd[1]);
	while (len < (ssize_t)sizeof(out) - 1 &&
	       (k = read(pfd[0], out + len, sizeof(out) - 1 - len)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			break;
		len += k;
	}
	close(pfd[0]);
	out[len] = '\0';
	out[strcspn(out, "\n")] = '\0';
	for (i = 1; i < 3 * n + 2; i++)
		free(argv[i]);
	free(argv);
	while (waitpid(c, &status, 0) < 0)
		if (errno != EINTR)
			return fail(errno, "wait for %s", tool);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail(0, "%s failed: %s", tool, out[0] ? out :
			    "(no message)");
	return 0;
}

int rootless_write_idmaps(pid_t pid, const struct spec_linux *lx)
{
	char path[64];

	if (lx->n_uid_mappings) {
		if (own_only(lx->uid_mappings, lx->n_uid_mappings, geteuid())) {
			if (ns_write_map(pid, "uid_map", lx->uid_mappings,
					 lx->n_uid_mappings) < 0)
				return fail_ctx("config.json: linux.uidMappings");
		} else if (map_tool("newuidmap", pid, lx->uid_mappings,
				    lx->n_uid_mappings) < 0) {
			return fail_ctx("config.json: linux.uidMappings");
		}
	}
	if (lx->n_gid_mappings) {
		if (own_only(lx->gid_mappings, lx->n_gid_mappings, getegid())) {
			/* the kernel's price for an unprivileged gid map:
			 * no setgroups(2) in the namespace, ever */
			snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
			if (write_file_at(AT_FDCWD, path, "deny") < 0 ||
			    ns_write_map(pid, "gid_map", lx->gid_mappings,
					 lx->n_gid_mappings) < 0)
				return fail_ctx("config.json: linux.gidMappings");
		} else if (map_tool("newgidmap", pid, lx->gid_mappings,
				    lx->n_gid_mappings) < 0) {
			return fail_ctx("config.json: linux.gidMappings");
		}
	}
	return 0;
}
