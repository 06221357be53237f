/* SPDX-License-Identifier: MIT */
/* cgroup_oom: an fd that wakes up on the container's OOM kills, for
 * `events`. v1: an eventfd registered for memory.oom_control through
 * cgroup.event_control; v2: inotify on memory.events (its oom_kill counter). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cgroup_int.h"
#include "core/cgroup_oom.h"
#include "core/err.h"
#include "core/util.h"

static uint64_t oom_kills(const char *dir)
{
	AUTOFREE char *buf = NULL;
	uint64_t v = 0;

	if (cg_read(dir, "memory.events", &buf) < 0)
		return 0;
	cg_kv(buf, "oom_kill", &v);
	return v;
}

int cgroup_oom_fd(const struct cgroup *cg, bool *v2, uint64_t *count)
{
	const char *dir = cgroup_dir(cg, CG_MEMORY);
	char path[PATH_MAX], line[64];
	AUTOCLOSE int ctl = -1, oc = -1;
	int fd;

	if (!dir)
		return fail(0, "no memory controller for this container");
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	if (access(path, F_OK) == 0) {
		*v2 = true;
		*count = oom_kills(dir);
		fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (fd < 0)
			return fail(errno, "inotify_init1");
		if (inotify_add_watch(fd, path, IN_MODIFY) < 0) {
			close(fd);
			return fail(errno, "watch '%s'", path);
		}
		return fd;
	}
	*v2 = false;
	snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
	if ((oc = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC)) < 0)
		return fail(errno, "open '%s'", path);
	snprintf(path, sizeof(path), "%s/cgroup.event_control", dir);
	if ((ctl = openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC)) < 0)
		return fail(errno, "open '%s'", path);
	if ((fd = eventfd(0, EFD_CLOEXEC)) < 0)
		return fail(errno, "eventfd");
	snprintf(line, sizeof(line), "%d %d", fd, oc);
	if (write(ctl, line, strlen(line)) < 0) {
		close(fd);
		return fail(errno, "register OOM notification in '%s'", path);
	}
	return fd;
}

bool cgroup_oom_event(const struct cgroup *cg, int fd, bool v2, uint64_t *count)
{
	char buf[4096];
	uint64_t n;

	if (!v2)
		return read(fd, &n, sizeof(n)) == sizeof(n) && n > 0;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	n = oom_kills(cgroup_dir(cg, CG_MEMORY));
	if (n <= *count)
		return false;
	*count = n;
	return true;
}

bool cgroup_oom_killed(const struct cgroup *cg)
{
	const struct cgroup_hier *h = cg_hier(cg, CG_MEMORY);
	AUTOFREE char *buf = NULL;
	uint64_t v = 0;

	if (!h || cg_read(h->dir, h->v2 ? "memory.events" : "memory.oom_control", &buf) < 0)
		return false;
	return cg_kv(buf, "oom_kill", &v) == 0 && v > 0;
}
