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
	const char *id = opt_only_id(argc, argv, usage);

	if (container_start(main_root(), id) < 0)
		die();
	return 0;
}
