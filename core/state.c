/* SPDX-License-Identifier: MIT */
/* state: ROOT/ID/state.json. Status is derived, never trusted: a stored
 * "running" whose process is gone (or whose pid was reused) reads "stopped". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/spec.h"
#include "core/err.h"
#include "core/state.h"
#include "core/util.h"

static bool id_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' ||
	       (!first && c == '.');
}

int state_id_check(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0)
		return fail(0, "invalid container id: empty");
	if (n > STATE_ID_MAX)
		return fail(0, "invalid container id: longer than %d bytes",
			    STATE_ID_MAX);
	for (i = 0; i < n; i++)
		if (!id_char(id[i], i == 0))
			return fail(0, "invalid container id \"%.64s\": expected "
				    "[A-Za-z0-9_+-][A-Za-z0-9_+.-]*", id);
	return 0;
}

/* A directory name holds at most NAME_MAX bytes but an id may have 1024: long
 * ids live under ".h-HASH", which no valid id can spell (ids never start with
 * '.'); state.json's "id" is checked on open, so a collision is detected. */
static void dir_name(const char *id, char out[NAME_MAX + 1])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;

	if (strlen(id) <= 200) {
		strcpy(out, id);
		return;
	}
	for (p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	snprintf(out, NAME_MAX + 1, ".h-%016llx", (unsigned long long)h);
}

enum open_mode { OPEN_READ, OPEN_LOCK, OPEN_CREATE };

static int open_dir(struct state *st, const char *root, const char *id,
		    enum open_mode mode)
{
	char name[NAME_MAX + 1];
	AUTOCLOSE int rootfd = -1;
	bool create = mode == OPEN_CREATE;
	int fd, tries = 0;

	if (state_id_check(id) < 0)
		return -1;
	memset(st, 0, sizeof(*st));
	st->dirfd = -1;
	strcpy(st->id, id);
	dir_name(id, name);
	if (create && mkdir_p(root, 0700) < 0)
		return -1;
	rootfd = openat(AT_FDCWD, root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		if (errno == ENOENT && !create)
			return fail(0, "container \"%s\" does not exist", id);
		return fail(errno, "open state directory '%s'", root);
	}
again:
	if (create && mkdirat(rootfd, name, 0711) < 0) {
		if (errno == EEXIST)
			return fail(0, "container \"%s\" already exists", id);
		return fail(errno, "mkdir '%s/%s'", root, name);
	}
	fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		/* a delete of the same id took our fresh directory between
		 * mkdir and open: make it again (below, the same after lock) */
		if (errno == ENOENT && create && ++tries < 5)
			goto again;
		if (errno == ENOENT)
			return fail(0, "container \"%s\" does not exist", id);
		return fail(errno, "open '%s/%s'", root, name);
	}
	st->dirfd = fd_not_stdio(fd);
	if (st->dirfd < 0)
		return -1;
	/* Readers take no lock: state.json is only ever replaced whole by
	 * rename, and a create's hooks must not hang `state` and `list`. */
	if (mode == OPEN_READ)
		return 0;
	if (flock(st->dirfd, LOCK_EX) < 0) {
		close(st->dirfd);
		st->dirfd = -1;
		return fail(errno, "lock '%s/%s'", root, name);
	}
	/* we may have waited for the lock while `delete` removed it all */
	{
		struct stat sb;

		if (fstat(st->dirfd, &sb) == 0 && sb.st_nlink == 0) {
			close(st->dirfd);
			st->dirfd = -1;
			if (create && ++tries < 5)
				goto again;
			return fail(0, create ? "container \"%s\" is busy (being "
				    "deleted while created)" : "container \"%s\" "
				    "does not exist", id);
		}
	}
	return 0;
}

bool state_exists(const char *root, const char *id)
{
	char name[NAME_MAX + 1], path[PATH_MAX];

	if (state_id_check(id) < 0)
		return true;   /* let state_open report the bad id */
	dir_name(id, name);
	if (path_join(path, sizeof(path), root, name) < 0)
		return true;
	return access(path, F_OK) == 0 || errno != ENOENT;
}

int state_create(struct state *st, const char *root, const char *id)
{
	if (open_dir(st, root, id, OPEN_CREATE) < 0)
		return -1;
	strcpy(st->status, "creating");
	st->owner = geteuid();
	return 0;
}

static char *dup_tok(const struct json_doc *d, const char *key, int obj)
{
	int i = json_get(d, obj, key);

	if (i < 0 || json_type(d, i) != JSON_STRING)
		return NULL;
	return xstrdup(json_str(d, i));
}

static char *raw_tok(const struct json_doc *d, const char *key, int obj)
{
	struct jw w;
	int i = json_get(d, obj, key);

	if (i < 0 || json_type(d, i) == JSON_NULL)
		return NULL;
	jw_init(&w);
	jw_copy(&w, d, i);
	jw_raw(&w, "", 1);   /* NUL-terminate */
	return w.buf;
}

static void int_tok(const struct json_doc *d, const char *key, int obj,
		    int64_t *out)
{
	int i = json_get(d, obj, key);

	if (i >= 0 && json_type(d, i) == JSON_NUMBER)
		json_i64(d, i, out);
}

static bool known_status(const char *s)
{
	static const char *const known[] = {
		"creating", "created", "running", "paused", "stopped",
	};
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(known); i++)
		if (str_eq(s, known[i]))
			return true;
	return false;
}

static int open_state(struct state *st, const char *root, const char *id,
		      enum open_mode mode)
{
	AUTOFREE char *buf = NULL;
	struct json_doc d = { 0 };
	size_t len;
	int64_t v = 0;
	char *s;
	int i;

	if (open_dir(st, root, id, mode) < 0)
		return -1;
	if (read_file_at(st->dirfd, "state.json", &buf, &len) < 0) {
		if (err_last.no == ENOENT) {
			/* create was interrupted before its first write */
			strcpy(st->status, "creating");
			return 0;
		}
		goto fail;
	}
	if (json_parse(&d, buf, len, "state.json") < 0)
		goto fail;
	if (json_type(&d, 0) != JSON_OBJECT) {
		fail(0, "state.json: expected an object");
		goto fail_doc;
	}
	s = dup_tok(&d, "id", 0);
	if (!s || !str_eq(s, id)) {
		free(s);
		fail(0, "container \"%s\" does not exist", id);
		goto fail_doc;
	}
	free(s);
	/* only what ocibox writes: never a status cut short */
	s = dup_tok(&d, "status", 0);
	snprintf(st->status, sizeof(st->status), "%s",
		 known_status(s) ? s : "creating");
	free(s);
	int_tok(&d, "pid", 0, &v);
	st->pid = (pid_t)v;
	v = 0;
	int_tok(&d, "ocibox_start_time", 0, &v);
	st->start_time = (uint64_t)v;
	v = 0;
	int_tok(&d, "ocibox_owner", 0, &v);
	st->owner = (uint32_t)v;
	st->bundle = dup_tok(&d, "bundle", 0);
	st->rootfs = dup_tok(&d, "rootfs", 0);
	st->created = dup_tok(&d, "created", 0);
	st->cgroup = dup_tok(&d, "ocibox_cgroup", 0);
	st->cgroup_made = dup_tok(&d, "ocibox_cgroup_made", 0);
	st->sd_unit = dup_tok(&d, "ocibox_systemd_unit", 0);
	i = json_get(&d, 0, "ocibox_systemd_user");
	st->sd_user = i >= 0 && json_type(&d, i) == JSON_TRUE;
	st->annotations = raw_tok(&d, "annotations", 0);
	i = json_get(&d, 0, "ocibox_post_hooks");
	st->post_hooks = i >= 0 && json_type(&d, i) == JSON_TRUE;
	i = json_get(&d, 0, "ocibox_net_devices");
	st->net_devices = i >= 0 && json_type(&d, i) == JSON_TRUE;
	json_fini(&d);
	return 0;
fail_doc:
	json_fini(&d);
fail:
	fail_ctx("container \"%s\"", id);
	state_fini(st);
	return -1;
}

int state_open(struct state *st, const char *root, const char *id)
{
	return open_state(st, root, id, OPEN_LOCK);
}

int state_read(struct state *st, const char *root, const char *id)
{
	return open_state(st, root, id, OPEN_READ);
}

void state_write_json(const struct state *st, struct jw *w, const char *status)
{
	jw_obj_begin(w);
	jw_key(w, "ociVersion");
	jw_str(w, SPEC_VERSION);
	jw_key(w, "id");
	jw_str(w, st->id);
	jw_key(w, "pid");
	jw_i64(w, str_eq(status, "stopped") ? 0 : st->pid);
	jw_key(w, "status");
	jw_str(w, status);
	jw_key(w, "bundle");
	jw_str(w, st->bundle ? st->bundle : "");
	jw_key(w, "rootfs");
	jw_str(w, st->rootfs ? st->rootfs : "");
	jw_key(w, "created");
	jw_str(w, st->created ? st->created : "");
	if (st->annotations) {
		jw_key(w, "annotations");
		jw_raw(w, st->annotations, strlen(st->annotations));
	}
	jw_key(w, "owner");
	jw_str(w, "");
	jw_obj_end(w);
}

int state_save(const struct state *st)
{
	struct jw w;
	int r;

	/* The public fields first (what `state` prints), then ocibox's own. */
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "ociVersion");
	jw_str(&w, SPEC_VERSION);
	jw_key(&w, "id");
	jw_str(&w, st->id);
	jw_key(&w, "status");
	jw_str(&w, st->status);
	jw_key(&w, "pid");
	jw_i64(&w, st->pid);
	jw_key(&w, "bundle");
	jw_str(&w, st->bundle ? st->bundle : "");
	jw_key(&w, "rootfs");
	jw_str(&w, st->rootfs ? st->rootfs : "");
	jw_key(&w, "created");
	jw_str(&w, st->created ? st->created : "");
	if (st->annotations) {
		jw_key(&w, "annotations");
		jw_raw(&w, st->annotations, strlen(st->annotations));
	}
	jw_key(&w, "ocibox_start_time");
	jw_u64(&w, st->start_time);
	jw_key(&w, "ocibox_owner");
	jw_u64(&w, st->owner);
	if (st->cgroup) {
		jw_key(&w, "ocibox_cgroup");
		jw_str(&w, st->cgroup);
	}
	if (st->cgroup_made) {
		jw_key(&w, "ocibox_cgroup_made");
		jw_str(&w, st->cgroup_made);
	}
	if (st->sd_unit) {
		jw_key(&w, "ocibox_systemd_unit");
		jw_str(&w, st->sd_unit);
	}
	if (st->sd_user) {
		jw_key(&w, "ocibox_systemd_user");
		jw_bool(&w, true);
	}
	if (st->post_hooks) {
		jw_key(&w, "ocibox_post_hooks");
		jw_bool(&w, true);
	}
	if (st->net_devices) {
		jw_key(&w, "ocibox_net_devices");
		jw_bool(&w, true);
	}
	jw_obj_end(&w);
	jw_raw(&w, "\n", 1);
	r = write_file_atomic(st->dirfd, "state.json", w.buf, w.len, 0600);
	jw_fini(&w);
	return r;
}

/* Unlink every entry of the state directory through our locked fd. */
static int remove_entries(struct state *st)
{
	struct dirent *e;
	DIR *d;
	int fd;

	fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open state directory");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return fail(errno, "open state directory");
	}
	while ((e = readdir(d)))
		if (!str_eq(e->d_name, ".") && !str_eq(e->d_name, ".."))
			if (unlinkat(st->dirfd, e->d_name, 0) < 0 &&
			    errno != ENOENT) {
				int no = errno;

				closedir(d);
				return fail(no, "remove state file '%s'",
					    e->d_name);
			}
	closedir(d);
	return 0;
}

int state_remove(struct state *st)
{
	/* what create writes; anything else (a write interrupted before its
	 * rename) is found by reading the directory when rmdir says so */
	static const char *const files[] = { "state.json", "config.json",
					     "exec.fifo" };
	char self[64], path[PATH_MAX];
	ssize_t n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		if (unlinkat(st->dirfd, files[i], 0) < 0 && errno != ENOENT)
			return fail(errno, "remove state file '%s'", files[i]);
	/* the directory by the path the kernel reports for it (no re-lookup
	 * of ROOT needed) */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", st->dirfd);
	n = readlink(self, path, sizeof(path) - 1);
	if (n < 0)
		return fail(errno, "readlink '%s'", self);
	path[n] = '\0';
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return fail(errno, "remove '%s'", path);
	if (remove_entries(st) < 0)
		return -1;
	if (rmdir(path) < 0 && errno != ENOENT)
		return fail(errno, "remove '%s'", path);
	return 0;
}

void state_fini(struct state *st)
{
	if (st->dirfd >= 0)
		close(st->dirfd);
	st->dirfd = -1;
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup);
	free(st->cgroup_made);
	free(st->sd_unit);
	free(st->annotations);
	st->bundle = st->rootfs = st->created = st->cgroup = NULL;
	st->cgroup_made = st->sd_unit = NULL;
	st->annotations = NULL;
}

uint64_t proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	uint64_t t;
	AUTOCLOSE int fd = -1;
	ssize_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and ')': the fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	p += 2;
	if (*p == 'Z' || *p == 'X')
		return 0;
	/* state is field 3, starttime field 22 */
	for (i = 3; i < 22 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || !str_field_u64(p, 0, &t))
		return 0;
	return t;
}

bool state_alive(const struct state *st)
{
	uint64_t t;

	if (st->pid <= 0)
		return false;
	t = proc_start_time(st->pid);
	return t != 0 && t == st->start_time;
}

const char *state_status(const struct state *st)
{
	if (st->pid <= 0)
		return str_eq(st->status, "creating") ? "creating" : "stopped";
	if (!state_alive(st))
		return "stopped";
	/* start consumes exec.fifo before anything else: without it the
	 * program has been released, even if start died before saying so
	 * (runc's rule) */
	if (str_eq(st->status, "created"))
		return st->dirfd < 0 ||
		       faccessat(st->dirfd, "exec.fifo", F_OK,
				 AT_SYMLINK_NOFOLLOW) == 0 ? "created" : "running";
	if (str_eq(st->status, "paused") || str_eq(st->status, "creating"))
		return st->status;
	return "running";
}

int state_pidfd(const struct state *st)
{
	int fd;

	if (st->pid <= 0)
		return fail(0, "container not running");
	fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0) {
		if (errno == ESRCH)
			return fail(0, "container not running");
		return fail(errno, "pidfd_open %d", (int)st->pid);
	}
	/* Opened first, checked second: if the start time still matches, the
	 * pidfd refers to our process even if the pid is reused later. */
	if (!state_alive(st)) {
		close(fd);
		return fail(0, "container not running");
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd_not_stdio(fd);
}

int state_each(const char *root, int (*fn)(const char *id, void *ctx), void *ctx)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int r = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return fail(errno, "open state directory '%s'", root);
	}
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		AUTOFREE char *buf = NULL;
		struct json_doc doc = { 0 };
		size_t len;
		int i;

		if (str_eq(e->d_name, ".") || str_eq(e->d_name, ".."))
			continue;
		if (e->d_name[0] != '.') {
			if (state_id_check(e->d_name) < 0)
				continue;
			if ((r = fn(e->d_name, ctx)) < 0)
				break;
			continue;
		}
		/* hashed long id: the id is inside */
		if (snprintf(path, sizeof(path), "%s/state.json", e->d_name) >=
		    (int)sizeof(path))
			continue;
		if (read_file_at(dirfd(d), path, &buf, &len) < 0 ||
		    json_parse(&doc, buf, len, "state.json") < 0)
			continue;
		i = json_get(&doc, 0, "id");
		if (i >= 0 && json_type(&doc, i) == JSON_STRING)
			r = fn(json_str(&doc, i), ctx);
		json_fini(&doc);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}
