/* SPDX-License-Identifier: MIT */
/* spec: write a default config.json, as runc-spec(8) does. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "core/err.h"
#include "core/main.h"
#include "core/spec.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox spec [--bundle DIR] [--rootless]\n"
	"\n"
	"Write a default config.json into the bundle directory (default: .).\n"
	"An existing config.json is never overwritten.\n"
	"\n"
	"  -b, --bundle DIR  the bundle directory\n"
	"      --rootless    a config for a container run by a non-root user\n";

int cmd_spec(int argc, char **argv)
{
	static const struct option opts[] = {
		/* before the global --rootless VALUE: getopt takes the first */
		{ "rootless", no_argument, NULL, OPT_ROOTLESS },
		GLOBAL_LONGOPTS,
		{ "bundle", required_argument, NULL, 'b' },
		{ 0 }
	};
	const char *bundle = ".";
	bool rootless = false;
	char path[PATH_MAX];
	struct jw w;
	int c, fd;

	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bundle = optarg; break;
		/* --rootless is a global option too; here it takes no value */
		case OPT_ROOTLESS: rootless = true; break;
		default: opt_common(c, optarg, usage);
		}
	}
	if (optind != argc)
		usage_error(usage, "unexpected argument");
	if (path_join(path, sizeof(path), bundle, "config.json") < 0)
		die();
	jw_init(&w);
	spec_write_default(&w, rootless);
	jw_raw(&w, "\n", 1);
	fd = openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			die_msg(0, "'%s' exists: remove it first", path);
		die_msg(errno, "create '%s'", path);
	}
	if (write_all(fd, w.buf, w.len) < 0 || close(fd) < 0) {
		unlink(path);
		die_msg(errno, "write '%s'", path);
	}
	jw_fini(&w);
	return 0;
}
