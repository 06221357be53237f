/* SPDX-License-Identifier: MIT */
/* cgroup_file: reading and writing one cgroup control file, for the cgroup
 * modules (cgroup_int.h); errors name the config field the file serves. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup_int.h"
#include "core/err.h"
#include "core/util.h"

void cg_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int cg_read(const char *dir, const char *file, char **out)
{
	char path[PATH_MAX];
	size_t len;

	if (path_join(path, sizeof(path), dir, file) < 0)
		return -1;
	return read_file_at(AT_FDCWD, path, out, &len);
}

bool cg_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	return path_join(path, sizeof(path), dir, file) == 0 &&
	       access(path, F_OK) == 0;
}

/* Write VAL to DIR/FILE in one write(2). FIELD (may be NULL) names the
 * config property: "linux.resources.FIELD: write 'PATH': reason". */
int cg_write(const char *dir, const char *file, const char *val, const char *field)
{
	AUTOCLOSE int fd = -1;
	char path[PATH_MAX];
	ssize_t n;

	if (path_join(path, sizeof(path), dir, file) < 0)
		return field ? fail_ctx("linux.resources.%s", field) : -1;
	fd = openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = write(fd, val, strlen(val));
		if (n == (ssize_t)strlen(val))
			return 0;
		if (n >= 0)
			errno = EIO;
	}
	if (errno == ENOENT && fd < 0)
		return field ? fail(0, "linux.resources.%s: '%s' not available on this host",
				    field, path)
			     : fail(ENOENT, "open '%s'", path);
	return field ? fail(errno, "linux.resources.%s: write '%s'", field, path)
		     : fail(errno, "write '%s'", path);
}

/* The value of KEY in a "key value" per line file (memory.stat,
 * cgroup.events, cpu.stat). 0 or -1 (absent; no fail). */
int cg_kv(const char *buf, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			*out = strtoull(p + kl + 1, NULL, 10);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

