/* SPDX-License-Identifier: MIT */
/* create: set up a container and leave its init blocked before the user
 * program. See runtime-spec runtime.md#create and runc-create(8). */
#include <stdlib.h>

#include "applets/create_opts.h"
#include "core/container.h"
#include "core/err.h"
#include "core/main.h"
#include "core/proc.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox create [OPTIONS] ID\n"
	"\n"
	"Create the container ID from a bundle; `start` runs its program.\n"
	"\n"
	"  -b, --bundle DIR        bundle directory (default: .)\n"
	"      --pid-file FILE     write the container init's pid to FILE\n"
	"      --console-socket P  send the pty master to the unix socket P\n"
	"      --pidfd-socket P    send a pidfd of the container init to the unix socket P\n"
	"      --no-pivot          MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring    keep the caller's session keyring\n"
	"      --preserve-fds N    pass N fds after stdio to the container\n";

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		CREATE_LONGOPTS,
		{ 0 }
	};
	struct create_opts o = { .bundle = ".", .console_fd = -1 };
	pid_t pid;
	int c;

	/* first, before anything else runs or argv is touched */
	if (proc_protect_exe(g.argv) < 0)
		die();
	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1)
		if (!create_opt(c, optarg, &o, usage))
			opt_common(c, optarg, usage);
	create_opts_finish(argc, argv, &o, usage);
	if (container_create(&o, &pid) < 0)
		die();
	return 0;
}
