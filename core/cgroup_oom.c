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
#include "core/err.h"
#include "core/util.h"

static uint64_t oom_kills(const char *dir)
{
	AUTOFREE char *buf = NULL;
	char path[PATH_MAX];
	const char *p;
	size_t len;

	snprintf(path, sizeof(path), "%s/memory.events", dir);
	if (read_file_at(AT_FDCWD, path, &buf, &len) < 0)
		return 0;
	p = strstr(buf, "oom_kill ");
	return p ? strtoull(p + 9, NULL, 10) : 0;
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
