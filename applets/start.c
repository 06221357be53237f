/* SPDX-License-Identifier: MIT */
/* start: let a created container run its program. See runtime.md#start. */
#include "core/container.h"
#include "core/err.h"
#include "core/main.h"

static const char usage[] =
	"usage: ocibox start ID\n"
	"\n"
	"Run the user program of the created container ID.\n";

int cmd_start(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		opt_common(c, optarg, usage);
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	if (container_start(g.root, argv[optind]) < 0)
		die();
	return 0;
}
