/* SPDX-License-Identifier: MIT */
/* cgroup: layout detection, cgroupsPath resolution, create/enter/destroy,
 * freeze, kill, pids. Resources are in cgroup_res.c, devices on v2 in
 * cgroup_bpf.c. A hybrid host is handled per controller: v1 controllers in
 * their v1 hierarchies, the rest (here: hugetlb) through the cgroup2 mount. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cgroup_int.h"
#include "core/cgroup_systemd.h"
#include "core/err.h"
#include "core/util.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

const char *const cgroup_ctl_name[CG_CTL_COUNT] = {
#define X(e, name) [e] = name,
	CGROUP_CTL_LIST(X)
#undef X
};
const char *const cgroup_layout_name[] = { "none", "v1", "v2", "hybrid" };

const struct cgroup_hier *cg_hier(const struct cgroup *cg, enum cgroup_ctl c)
{
	int i = cg->ctl[c];

	if (i >= 0 && cg->h[i].dir[0])
		return &cg->h[i];
	/* hybrid, rootless: the v1 freezer was not ours to use, a delegated
	 * cgroup2 directory is, and freezing is a core v2 feature */
	if (c == CG_FREEZER && cg->v2 >= 0 && cg->h[cg->v2].dir[0])
		return &cg->h[cg->v2];
	return NULL;
}

const char *cgroup_dir(const struct cgroup *cg, enum cgroup_ctl ctl)
{
	const struct cgroup_hier *h = cg_hier(cg, ctl);

	return h ? h->dir : NULL;
}

/* ---- detection ---- */

/* Controllers named in a comma list ("rw,cpu,cpuacct" super options or a
 * /proc/self/cgroup field); the "name=" part goes to NAME. */
static unsigned parse_ctls(const char *list, char *name, size_t size)
{
	unsigned m = 0;
	const char *p = list, *e;
	size_t n;
	int c;

	if (name)
		name[0] = '\0';
	for (; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, ',');
		n = e - p;
		if (n > 5 && !strncmp(p, "name=", 5)) {
			if (name)
				snprintf(name, size, "%.*s", (int)n, p);
			continue;
		}
		for (c = 0; c < CG_CTL_COUNT; c++)
			if (strlen(cgroup_ctl_name[c]) == n && !strncmp(p, cgroup_ctl_name[c], n))
				m |= 1u << c;
	}
	return m;
}

static void make_key(char *key, size_t size, unsigned ctls, const char *name)
{
	size_t n = 0;
	int c;

	key[0] = '\0';
	for (c = 0; c < CG_CTL_COUNT; c++)
		if (ctls & (1u << c))
			n += snprintf(key + n, n < size ? size - n : 0, "%s%s",
				      n ? "," : "", cgroup_ctl_name[c]);
	if (name[0])
		snprintf(key + n, n < size ? size - n : 0, "%s%s", n ? "," : "", name);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* Mount roots, parallel to cg->h while detecting (only needed to resolve the
 * runtime's own cgroup below a bind-mounted hierarchy). */
struct roots { char r[CGROUP_HIER_MAX][256]; };

static int detect(struct cgroup *cg, struct roots *roots)
{
	AUTOFREE char *buf = NULL, *ctlbuf = NULL;
	char *line, *save = NULL;
	bool v1ctl = false;
	size_t len;
	int i, c;

	/* not the whole 32 KB: every page of it written is a page fault
	 * (and a copy-on-write fault more in the init after clone); the
	 * entries of h[] are cleared as they are filled */
	memset(cg, 0, offsetof(struct cgroup, h));
	memset(&cg->ctl, 0, sizeof(*cg) - offsetof(struct cgroup, ctl));
	cg->v2 = -1;
	for (c = 0; c < CG_CTL_COUNT; c++)
		cg->ctl[c] = -1;
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf, &len) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *sep, *type, *super, name[64], *p = line;
		struct cgroup_hier *h;
		struct statfs sfs;
		unsigned ctls = 0;
		bool v2;
		int k;

		for (k = 0; k < 6 && p; k++) {
			f[k] = p;
			if ((p = strchr(p, ' ')))
				*p++ = '\0';
		}
		if (k < 6 || !(sep = strstr(p ? p : "", "- ")))
			continue;
		type = sep + 2;
		if (!(p = strchr(type, ' ')))
			continue;
		*p++ = '\0';
		if (!(super = strchr(p, ' ')))
			continue;
		super++;
		if (!(v2 = str_eq(type, "cgroup2")) && !str_eq(type, "cgroup"))
			continue;
		unescape(f[3]);
		unescape(f[4]);
		if (!v2) {
			ctls = parse_ctls(super, name, sizeof(name));
			if (!ctls && !name[0])
				continue;
		} else {
			name[0] = '\0';
		}
		if (statfs(f[4], &sfs) < 0 || (unsigned long)sfs.f_type !=
		    (v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
			continue;  /* over-mounted or gone */
		if (cg->n == CGROUP_HIER_MAX)
			continue;
		h = &cg->h[cg->n];
		memset(h, 0, sizeof(*h));
		make_key(h->key, sizeof(h->key), ctls, name);
		for (k = 0; k < cg->n; k++)
			if (cg->h[k].v2 == v2 && str_eq(cg->h[k].key, h->key))
				break;
		if (k < cg->n)
			continue;  /* the same hierarchy mounted twice: first wins */
		if (snprintf(h->mnt, sizeof(h->mnt), "%s", f[4]) >= (int)sizeof(h->mnt) ||
		    snprintf(roots->r[cg->n], sizeof(roots->r[0]), "%s", f[3]) >=
		    (int)sizeof(roots->r[0]))
			continue;
		h->v2 = v2;
		h->ctls = ctls;
		h->created = -1;
		if (v2)
			cg->v2 = cg->n;
		else
			v1ctl |= ctls != 0;
		cg->n++;
	}
	if (cg->v2 >= 0) {
		struct cgroup_hier *h = &cg->h[cg->v2];
		char *p, *e;

		if (cg_read(h->mnt, "cgroup.controllers", &ctlbuf) == 0) {
			for (p = ctlbuf; *p; p = *e ? e + 1 : e) {
				e = p + strcspn(p, " \n");
				for (c = 0; c < CG_CTL_COUNT; c++) {
					const char *n2 = c == CG_BLKIO ? "io" : cgroup_ctl_name[c];

					if (strlen(n2) == (size_t)(e - p) && !strncmp(p, n2, e - p))
						h->ctls |= 1u << c;
				}
			}
		}
	}
	/* v1 first: on a hybrid host a controller is in exactly one place. */
	for (i = 0; i < cg->n; i++)
		for (c = 0; c < CG_CTL_COUNT; c++)
			if (!cg->h[i].v2 && (cg->h[i].ctls & (1u << c)) && cg->ctl[c] < 0)
				cg->ctl[c] = i;
	if (cg->v2 >= 0) {
		for (c = 0; c < CG_CTL_COUNT; c++)
			if (cg->ctl[c] < 0 && (cg->h[cg->v2].ctls & (1u << c)))
				cg->ctl[c] = cg->v2;
		/* Core features of every v2 cgroup. */
		if (cg->ctl[CG_FREEZER] < 0)
			cg->ctl[CG_FREEZER] = cg->v2;
		if (cg->ctl[CG_DEVICES] < 0)
			cg->ctl[CG_DEVICES] = cg->v2;
		if (cg->ctl[CG_CPUACCT] < 0)
			cg->ctl[CG_CPUACCT] = cg->v2;
	}
	cg->layout = v1ctl ? (cg->v2 >= 0 ? CGROUP_HYBRID : CGROUP_V1) :
		     cg->v2 >= 0 ? CGROUP_V2 : CGROUP_NONE;
	if (cg->layout == CGROUP_NONE)
		return fail(0, "no cgroup hierarchy is mounted");
	return 0;
}

/* ---- path resolution ---- */

/* Append the clean form of P (no empty or "." components; ".." refused) to
 * OUT, which holds an absolute path. 0 or -1. */
static int append_clean(char *out, size_t size, const char *p)
{
	size_t n = strlen(out);
	const char *e;

	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	for (; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, '/');
		if (e == p || (e - p == 1 && *p == '.'))
			continue;
		if (e - p == 2 && p[0] == '.' && p[1] == '.')
			return fail(0, "cgroupsPath: '..' is not allowed");
		if (n + 1 + (e - p) >= size)
			return fail(ENAMETOOLONG, "cgroupsPath");
		if (n != 1 || out[0] != '/')
			out[n++] = '/';
		memcpy(out + n, p, e - p);
		n += e - p;
		out[n] = '\0';
	}
	return 0;
}

/* The runtime's own cgroup in hierarchy H, from /proc/self/cgroup. */
static int own_cgroup(const struct cgroup_hier *h, char *out, size_t size)
{
	AUTOFREE char *buf = NULL;
	char *line, *save = NULL, name[64];
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &buf, &len) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctls = strchr(line, ':'), *path, key[64];

		if (!ctls || !(path = strchr(++ctls, ':')))
			continue;
		*path++ = '\0';
		if (h->v2 != (*ctls == '\0'))
			continue;
		if (!h->v2) {
			unsigned m = parse_ctls(ctls, name, sizeof(name));

			make_key(key, sizeof(key), m, name);
			if (!str_eq(key, h->key))
				continue;
		}
		if (snprintf(out, size, "%s", path) >= (int)size)
			return fail(ENAMETOOLONG, "own cgroup '%s'", path);
		return 0;
	}
	return fail(0, "the runtime's own cgroup in the '%s' hierarchy is not in "
		    "/proc/self/cgroup", h->v2 ? "cgroup2" : h->key);
}

static int set_dir(struct cgroup_hier *h)
{
	if (snprintf(h->dir, sizeof(h->dir), "%s%s", h->mnt,
		     str_eq(h->rel, "/") ? "" : h->rel) >= (int)sizeof(h->dir))
		return fail(ENAMETOOLONG, "cgroup path '%s%s'", h->mnt, h->rel);
	return 0;
}

static void make_saved(struct cgroup *cg)
{
	bool dropped = false;
	size_t n = 0;
	int i;

	for (i = 0; i < cg->n; i++)
		dropped |= !cg->h[i].dir[0];
	for (i = 1; i < cg->n && str_eq(cg->h[i].rel, cg->h[0].rel); i++)
		;
	if (i == cg->n && !dropped) {
		snprintf(cg->saved, sizeof(cg->saved), "%s", cg->h[0].rel);
		return;
	}
	cg->saved[0] = '\0';
	for (i = 0; i < cg->n; i++)
		if (cg->h[i].dir[0])
			n += snprintf(cg->saved + n, n < sizeof(cg->saved) ?
				      sizeof(cg->saved) - n : 0, "%s:%s\n",
				      cg->h[i].key, cg->h[i].rel);
}

void cgroup_drop(struct cgroup *cg, int i)
{
	if (i >= 0 && i < cg->n) {
		cg->h[i].dir[0] = '\0';
		cg->h[i].created = 0;
	}
	make_saved(cg);
}

int cgroup_init(struct cgroup *cg, const char *cgroups_path, const char *id)
{
	struct roots roots;
	char def[512];
	const char *p = cgroups_path;
	int i;

	if (detect(cg, &roots) < 0)
		return -1;
	if (!p || !*p) {
		if (!id || !*id || strchr(id, '/') || str_eq(id, ".") || str_eq(id, ".."))
			return fail(0, "cgroup: bad container id '%s'", id ? id : "");
		snprintf(def, sizeof(def), "/ocibox/%s", id);
		p = def;
	}
	if (strchr(p, '\n'))
		return fail(0, "cgroupsPath: newline in '%s'", p);
	if (*p != '/') {
		const char *c1 = strchr(p, ':');

		if (c1 && strchr(c1 + 1, ':') && !strchr(strchr(c1 + 1, ':') + 1, ':'))
			return fail(0, "cgroupsPath '%s': systemd's slice:prefix:name form "
				    "needs --systemd-cgroup", p);
	}
	for (i = 0; i < cg->n; i++) {
		struct cgroup_hier *h = &cg->h[i];

		if (*p == '/') {
			strcpy(h->rel, "/");
		} else {
			char own[512];
			const char *root = roots.r[i];
			size_t rl = strlen(root);

			if (own_cgroup(h, own, sizeof(own)) < 0)
				return -1;
			if (str_eq(root, "/"))
				rl = 0;
			else if (strncmp(own, root, rl) || (own[rl] && own[rl] != '/'))
				return fail(0, "the runtime's cgroup '%s' is outside the "
					    "mount of '%s' (%s)", own, h->mnt, root);
			strcpy(h->rel, "/");
			if (append_clean(h->rel, sizeof(h->rel), own + rl) < 0)
				return -1;
		}
		if (append_clean(h->rel, sizeof(h->rel), p) < 0 || set_dir(h) < 0)
			return -1;
		if (str_eq(h->rel, "/"))
			return fail(0, "cgroupsPath '%s' is the root cgroup", p);
	}
	make_saved(cg);
	return 0;
}

const char *cgroup_path(const struct cgroup *cg)
{
	return cg->saved;
}

void cgroup_made(const struct cgroup *cg, char *buf, size_t size)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < cg->n && n < size; i++)
		n += snprintf(buf + n, size - n, "%s=%d\n", cg->h[i].key,
			      cg->h[i].created);
}

void cgroup_set_made(struct cgroup *cg, const char *made)
{
	int i;

	for (i = 0; i < cg->n; i++) {
		size_t kl = strlen(cg->h[i].key);
		const char *l;

		for (l = made; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l)
			if (!strncmp(l, cg->h[i].key, kl) && l[kl] == '=')
				cg->h[i].created = atoi(l + kl + 1);
	}
}

bool cgroup_ours(const struct cgroup *cg)
{
	int i;

	for (i = 0; i < cg->n; i++)
		if (cg->h[i].dir[0] && cg->h[i].created != 0)
			return true;
	return cg->unit[0];
}

int cgroup_init_path(struct cgroup *cg, const char *path)
{
	struct roots roots;
	int i;

	if (*path == '/')
		return cgroup_init(cg, path, NULL);
	if (detect(cg, &roots) < 0)
		return -1;
	/* "KEY:PATH" lines; a hierarchy that is not listed is left alone. */
	for (i = 0; i < cg->n; i++) {
		struct cgroup_hier *h = &cg->h[i];
		size_t kl = strlen(h->key);
		const char *l;

		for (l = path; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
			const char *e = strchrnul(l, '\n');

			if (!strncmp(l, h->key, kl) && l[kl] == ':' && l[kl + 1] == '/') {
				snprintf(h->rel, sizeof(h->rel), "%.*s", (int)(e - l - kl - 1),
					 l + kl + 1);
				if (set_dir(h) < 0)
					return -1;
				break;
			}
		}
	}
	snprintf(cg->saved, sizeof(cg->saved), "%s", path);
	return 0;
}

/* ---- create, enter, destroy ---- */

/* v1 cpuset: a new cgroup starts with empty cpus/mems, and no task can join
 * it until they are set, so copy them from the parent (as runc). */
static int cpuset_copy_parent(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[PATH_MAX];
	size_t i;

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		AUTOFREE char *mine = NULL, *theirs = NULL;

		if (cg_read(dir, files[i], &mine) < 0)
			return -1;
		if (mine[strspn(mine, " \n")])
			continue;
		if (cg_read(parent, files[i], &theirs) < 0)
			return -1;
		/* A concurrent create may have made the shared parent and not
		 * filled it yet: fill every empty ancestor first, top down (the
		 * hierarchy's root is never empty). */
		if (!theirs[strspn(theirs, " \n")]) {
			free(theirs);
			theirs = NULL;
			if (cpuset_copy_parent(parent) < 0 ||
			    cg_read(parent, files[i], &theirs) < 0)
				return -1;
		}
		if (cg_write(dir, files[i], theirs, NULL) < 0)
			return -1;
	}
	return 0;
}

/* True when the space-separated LIST has the word W ("cpu" is not "cpuset"). */
static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* v2: enable in DIR/cgroup.subtree_control every controller DIR has (as
 * runc, so that stats and later updates work). Controllers in NEED must
 * succeed; others may fail (no-internal-processes rule on a busy parent). */
static int enable_controllers(const char *dir, unsigned need)
{
	AUTOFREE char *avail = NULL, *on = NULL;
	char *p, *e, word[32], path[PATH_MAX];

	if (cg_read(dir, "cgroup.controllers", &avail) < 0 ||
	    cg_read(dir, "cgroup.subtree_control", &on) < 0)
		return -1;
	for (p = avail; *p; p = *e ? e + 1 : e) {
		unsigned bit = 0;
		int c;

		e = p + strcspn(p, " \n");
		if (e == p || e - p >= (int)sizeof(word) - 1)
			continue;
		snprintf(word, sizeof(word), "+%.*s", (int)(e - p), p);
		for (c = 0; c < CG_CTL_COUNT; c++)
			if (str_eq(word + 1, c == CG_BLKIO ? "io" : cgroup_ctl_name[c]))
				bit = 1u << c;
		if (has_word(on, word + 1))
			continue;
		if (cg_write(dir, "cgroup.subtree_control", word, NULL) < 0 && (need & bit)) {
			path_join(path, sizeof(path), dir, "cgroup.subtree_control");
			return fail(err_last.no, "enable the %s controller: write '%s' to '%s'",
				    word + 1, word, path);
		}
	}
	return 0;
}

/* An existing cgroup may be used only while it is empty: as runc, two
 * containers never share one (delete would kill the other's processes). */
static int busy(const char *dir)
{
	AUTOFREE char *procs = NULL;

	if (cg_read(dir, "cgroup.procs", &procs) < 0)
		return -1;
	if (procs[0])
		return fail(0, "linux.cgroupsPath: cgroup '%s' already holds "
			    "processes (%.*s): not a container's", dir,
			    (int)strcspn(procs, "\n"), procs);
	return 0;
}

/* UNIT: a systemd unit's cgroup, which holds the init already. */
static int mkdir_hier(struct cgroup_hier *h, unsigned need, bool unit)
{
	char path[PATH_MAX];
	const char *p, *e;
	size_t n;

	h->created = 0;
	snprintf(path, sizeof(path), "%s", h->mnt);
	n = strlen(path);
	for (p = h->rel; *p; p = e) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchrnul(p, '/');
		if (h->v2 && enable_controllers(path, need) < 0)
			return -1;
		if (n + 1 + (e - p) >= sizeof(path))
			return fail(ENAMETOOLONG, "mkdir '%s'", path);
		path[n++] = '/';
		memcpy(path + n, p, e - p);
		n += e - p;
		path[n] = '\0';
		/* ENOENT: a concurrent destroy removed an empty parent we just
		 * walked through (the shared /ocibox); the caller retries. */
		if (mkdir(path, 0755) < 0) {
			if (errno != EEXIST || h->created)
				return fail(errno, "mkdir '%s'", path);
			if (!*e && !unit && busy(path) < 0)
				return -1;
			continue;
		}
		h->created++;
		if ((h->ctls & (1u << CG_CPUSET)) && !h->v2 && cpuset_copy_parent(path) < 0)
			return -1;
	}
	return 0;
}

/* rmdir DIR after its sub-cgroups (only directories: control files cannot
 * be removed and go with their directory), retrying EBUSY while the last
 * tasks exit. Gone is fine. */
static int rm_tree(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int i, rc = 0;

	/* a leaf (the usual case) goes at once, without reading it */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : fail(errno, "open '%s'", dir);
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || str_eq(de->d_name, ".") || str_eq(de->d_name, ".."))
			continue;
		if (path_join(sub, sizeof(sub), dir, de->d_name) < 0 || rm_tree(sub) < 0)
			rc = -1;
	}
	closedir(d);
	for (i = 0; rmdir(dir) < 0; i++) {
		if (errno == ENOENT)
			return rc;
		if (errno != EBUSY || i == 100)
			return fail(errno, "rmdir '%s'", dir);
		cg_sleep_ms(i < 10 ? 2 : 10);
	}
	return rc;
}

/* Remove the leaf and the LEVELS - 1 parents above it (made by us). A
 * parent that is not empty is someone else's business now. */
static int rm_hier(const struct cgroup_hier *h, int levels)
{
	char path[PATH_MAX];
	char *s;

	snprintf(path, sizeof(path), "%s", h->dir);
	if (rm_tree(path) < 0)
		return -1;
	while (--levels > 0 && (s = strrchr(path, '/')) && s > path + strlen(h->mnt)) {
		*s = '\0';
		if (rmdir(path) < 0 && errno != ENOENT)
			break;
	}
	return 0;
}

void cgroup_destroy(const struct cgroup *cg)
{
	struct err saved = err_last;
	int i;

	/* systemd removes the unit's cgroup where it manages it; the rest is
	 * ours, as with cgroupfs */
	if (cg->unit[0] && cgsd_stop(cg) < 0)
		log_warn("%s", err_last.msg);

	for (i = 0; i < cg->n; i++) {
		const struct cgroup_hier *h = &cg->h[i];
		const char *s;
		int levels = h->created;

		if (!h->dir[0])
			continue;
		/* From state.json we do not know what create made; the shared
		 * default parent is ours by name: take it when it is empty. */
		if (levels < 0) {
			s = strrchr(h->rel, '/');
			levels = s && s - h->rel == 7 && !strncmp(h->rel, "/ocibox/", 8) ? 2 : 1;
		}
		/* made by someone else: theirs to remove */
		if (levels != 0 && rm_hier(h, levels) < 0)
			log_warn("%s", err_last.msg);
	}
	err_last = saved;
}

static void undo_create(struct cgroup *cg)
{
	int i;

	for (i = 0; i < cg->n; i++)
		if (cg->h[i].created < 0)
			cg->h[i].created = 0;   /* not reached: nothing made */
	cgroup_destroy(cg);
	for (i = 0; i < cg->n; i++)
		cg->h[i].created = -1;
}

struct first_problem { char msg[sizeof(err_last.msg)]; int n; };

static void keep_first(void *ctx, const char *msg)
{
	struct first_problem *fp = ctx;

	if (!fp->n++)
		snprintf(fp->msg, sizeof(fp->msg), "%s", msg);
}

int cgroup_create(struct cgroup *cg, const struct spec_resources *r)
{
	struct first_problem fp = { "", 0 };
	unsigned need = r ? cg_needed(r) : 0;
	int i, tries;

	if (cgroup_check(cg, r, keep_first, &fp) > 0)
		return fail(0, "%s", fp.msg);
	for (i = 0; i < cg->n; i++) {
		struct cgroup_hier *h = &cg->h[i];

		if (!h->dir[0])
			continue;
		for (tries = 0; mkdir_hier(h, h->v2 ? need : 0, cg->unit[0]) < 0; tries++) {
			if (err_last.no != ENOENT || tries == 3 || h->created) {
				undo_create(cg);
				return -1;
			}
		}
	}
	/* v2: what the resources need must now be enabled in the leaf. */
	if (cg->v2 >= 0 && cg->h[cg->v2].dir[0] && (need & cg->h[cg->v2].ctls)) {
		AUTOFREE char *have = NULL;
		int c;

		if (cg_read(cg->h[cg->v2].dir, "cgroup.controllers", &have) < 0) {
			undo_create(cg);
			return -1;
		}
		for (c = 0; c < CG_CTL_COUNT; c++) {
			if (!(need & cg->h[cg->v2].ctls & (1u << c)) || cg->ctl[c] != cg->v2)
				continue;
			if (!has_word(have, c == CG_BLKIO ? "io" : cgroup_ctl_name[c])) {
				fail(0, "the %s controller is not enabled in '%s' (a parent "
				     "cgroup has processes or does not delegate it)",
				     cgroup_ctl_name[c], cg->h[cg->v2].dir);
				undo_create(cg);
				return -1;
			}
		}
	}
	if (r && cg_apply(cg, r, false) < 0) {
		undo_create(cg);
		return -1;
	}
	return 0;
}

int cgroup_update(const struct cgroup *cg, const struct spec_resources *r)
{
	struct first_problem fp = { "", 0 };

	if (cgroup_check(cg, r, keep_first, &fp) > 0)
		return fail(0, "%s", fp.msg);
	if (cg->unit[0] && cgsd_update(cg, r) < 0)
		return -1;
	return cg_apply(cg, r, true);
}

int cgroup_enter(const struct cgroup *cg, pid_t pid)
{
	char val[32];
	int i;

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (i = 0; i < cg->n; i++)
		if (cg->h[i].dir[0] && cg_write(cg->h[i].dir, "cgroup.procs", val, NULL) < 0)
			return fail_ctx("join cgroup");
	return 0;
}

int cgroup_enter_sub(const struct cgroup *cg, const char *spec, pid_t pid)
{
	char ctls[256], dir[PATH_MAX], val[32];
	const char *colon = strchr(spec, ':'), *sub = colon ? colon + 1 : spec;
	int i, n = 0;
	char *c;

	while (*sub == '/')
		sub++;
	if (!*sub || strstr(sub, ".."))
		return fail(0, "--cgroup \"%s\": expected [CONTROLLER[,...]:]PATH "
			    "below the container's cgroup", spec);
	snprintf(ctls, sizeof(ctls), "%.*s", colon ? (int)(colon - spec) : 0, spec);
	for (c = ctls; *c; c++)
		if (*c == ',')
			*c = ' ';
	snprintf(val, sizeof(val), "%d", (int)pid);
	for (i = 0; i < cg->n; i++) {
		char key[sizeof(cg->h[i].key)], want[sizeof(ctls)], *w, *save;
		bool match = !ctls[0];

		/* "cpu,cpuacct" serves "cpu": compare words */
		snprintf(key, sizeof(key), "%s", cg->h[i].key);
		for (c = key; *c; c++)
			if (*c == ',')
				*c = ' ';
		memcpy(want, ctls, sizeof(want));
		for (w = strtok_r(want, " ", &save); w; w = strtok_r(NULL, " ", &save))
			if (has_word(key, w))
				match = true;
		if (!match || !cg->h[i].dir[0])
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", cg->h[i].dir, sub) >=
		    (int)sizeof(dir))
			return fail(ENAMETOOLONG, "--cgroup \"%s\"", spec);
		if (cg_write(dir, "cgroup.procs", val, NULL) < 0)
			return fail_ctx("--cgroup \"%s\"", spec);
		n++;
	}
	if (!n)
		return fail(0, "--cgroup \"%s\": no such controller for this "
			    "container", spec);
	return 0;
}

int cgroup_clone_fd(const struct cgroup *cg)
{
	int fd;

	if (cg->layout != CGROUP_V2 || cg->v2 < 0 || !cg->h[cg->v2].dir[0] || cg->unit[0])
		return -1;
	fd = openat(AT_FDCWD, cg->h[cg->v2].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open '%s'", cg->h[cg->v2].dir);
	return fd_not_stdio(fd);
}

/* ---- freeze, pids, kill ---- */

bool cgroup_is_frozen(const struct cgroup *cg)
{
	const struct cgroup_hier *h = cg_hier(cg, CG_FREEZER);
	AUTOFREE char *buf = NULL;
	uint64_t v = 0;

	if (!h)
		return false;
	if (!h->v2)
		return cg_read(h->dir, "freezer.state", &buf) == 0 && has_prefix(buf, "FROZEN");
	return cg_read(h->dir, "cgroup.events", &buf) == 0 && cg_kv(buf, "frozen", &v) == 0 && v;
}

int cgroup_freeze(const struct cgroup *cg, bool freeze)
{
	const struct cgroup_hier *h = cg_hier(cg, CG_FREEZER);
	const char *file, *val;
	int i;

	if (!h)
		return fail(0, "no freezer: neither a v1 freezer nor cgroup v2 is mounted");
	file = h->v2 ? "cgroup.freeze" : "freezer.state";
	val = h->v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED");
	if (cg_write(h->dir, file, val, NULL) < 0)
		return -1;
	if (!freeze)
		return 0;
	/* Freezing is asynchronous: wait until every task is frozen. A v1
	 * freeze can get stuck in FREEZING; thaw and retry then (as runc). */
	for (i = 0; i < 1000; i++) {
		if (cgroup_is_frozen(cg))
			return 0;
		if (!h->v2 && i % 50 == 49) {
			cg_write(h->dir, file, "THAWED", NULL);
			cg_write(h->dir, file, "FROZEN", NULL);
		}
		cg_sleep_ms(i < 20 ? 1 : 10);
	}
	cg_write(h->dir, file, h->v2 ? "0" : "THAWED", NULL);
	return fail(ETIMEDOUT, "freeze '%s'", h->dir);
}

/* The hierarchy whose cgroup.procs lists the container's processes. */
static const struct cgroup_hier *procs_hier(const struct cgroup *cg)
{
	static const enum cgroup_ctl pref[] = { CG_FREEZER, CG_PIDS, CG_MEMORY, CG_CPU };
	const struct cgroup_hier *h;
	size_t i;
	int k;

	if (cg->layout == CGROUP_V2 && cg->h[cg->v2].dir[0])
		return &cg->h[cg->v2];
	for (i = 0; i < ARRAY_SIZE(pref); i++)
		if ((h = cg_hier(cg, pref[i])))
			return h;
	for (k = 0; k < cg->n; k++)
		if (cg->h[k].dir[0])
			return &cg->h[k];
	return NULL;
}

static int collect_pids(const char *dir, pid_t **pids, size_t *n, size_t *cap)
{
	AUTOFREE char *buf = NULL;
	struct dirent *de;
	char *p, *e;
	DIR *d;
	int rc = 0;

	if (cg_read(dir, "cgroup.procs", &buf) < 0)
		return err_last.no == ENOENT ? 0 : -1;
	for (p = buf; *p; p = e) {
		long v = strtol(p, &e, 10);

		if (e == p)
			break;
		if (*n == *cap)
			*pids = xrealloc(*pids, (*cap = *cap ? *cap * 2 : 16) * sizeof(**pids));
		(*pids)[(*n)++] = (pid_t)v;
	}
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type == DT_DIR && de->d_name[0] != '.' &&
		    path_join(sub, sizeof(sub), dir, de->d_name) == 0 &&
		    collect_pids(sub, pids, n, cap) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n)
{
	const struct cgroup_hier *h = procs_hier(cg);
	pid_t *v = NULL;
	size_t cnt = 0, cap = 0;

	if (!h)
		return fail(0, "no cgroup hierarchy to list processes from");
	if (collect_pids(h->dir, &v, &cnt, &cap) < 0) {
		free(v);
		return -1;
	}
	*pids = v ? v : xcalloc(1, sizeof(*v));
	*n = cnt;
	return 0;
}

int cgroup_kill(const struct cgroup *cg, int sig)
{
	AUTOFREE pid_t *pids = NULL;
	bool was_frozen, froze = false;
	size_t n, i;

	if (sig == SIGKILL && cg->v2 >= 0 && cg->h[cg->v2].dir[0] &&
	    cg_exists(cg->h[cg->v2].dir, "cgroup.kill")) {
		if (cg_write(cg->h[cg->v2].dir, "cgroup.kill", "1", NULL) < 0 &&
		    err_last.no != ENOENT)
			return -1;
		/* hybrid: a task frozen by the v1 freezer dies only once thawed */
		if (cgroup_is_frozen(cg))
			cgroup_freeze(cg, false);
		return 0;
	}
	/* Frozen, the set of processes cannot change while we signal it. */
	was_frozen = cgroup_is_frozen(cg);
	if (!was_frozen && cg_hier(cg, CG_FREEZER)) {
		if (cgroup_freeze(cg, true) == 0)
			froze = true;
		else
			log_debug("kill: freeze: %s", err_last.msg);
	}
	if (cgroup_pids(cg, &pids, &n) < 0)
		goto thaw;
	for (i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			log_warn("kill %d: %s", (int)pids[i], strerror(errno));
thaw:
	/* A frozen task dies of SIGKILL only once thawed. */
	if (froze || (was_frozen && sig == SIGKILL))
		cgroup_freeze(cg, false);
	return pids ? 0 : -1;
}
