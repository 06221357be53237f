/* SPDX-License-Identifier: MIT */
/* delete: remove a container (runtime.md#delete), also a created one, as runc. */
#include "core/container.h"
#include "core/err.h"
#include "core/main.h"

static const char usage[] =
	"usage: ocibox delete [--force] ID\n"
	"\n"
	"Delete container ID: its state, cgroup and leftovers; run poststop hooks.\n"
	"\n"
	"  -f, --force  kill a running container first\n";

int cmd_delete(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "force", no_argument, NULL, 'f' },
		{ 0 }
	};
	bool force = false;
	int c;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else
			opt_common(c, optarg, usage);
	}
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	if (container_delete(main_root(), argv[optind], force) < 0)
		die();
	return 0;
}
