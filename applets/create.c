/* SPDX-License-Identifier: MIT */
/* create: set up a container and leave its init blocked before the user
 * program. See runtime-spec runtime.md#create and runc-create(8). */
#include <stdlib.h>

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
	"      --no-pivot          MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring    keep the caller's session keyring\n"
	"      --preserve-fds N    pass N fds after stdio to the container\n";

enum { OPT_PID_FILE = OPT_APPLET_BASE, OPT_CONSOLE, OPT_NO_PIVOT,
       OPT_NO_KEYRING, OPT_PRESERVE };

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ 0 }
	};
	struct create_opts o = { .bundle = ".", .console_fd = -1 };
	int64_t n;
	pid_t pid;
	int c;

	/* first, before anything else runs or argv is touched */
	if (proc_protect_exe(g.argv) < 0)
		die();
	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case OPT_PID_FILE: o.pid_file = optarg; break;
		case OPT_CONSOLE: o.console_socket = optarg; break;
		case OPT_NO_PIVOT: o.no_pivot = true; break;
		case OPT_NO_KEYRING: o.no_new_keyring = true; break;
		case OPT_PRESERVE:
			if (parse_i64(optarg, 0, 1 << 20, &n) < 0)
				usage_error(usage, "--preserve-fds: expected a number");
			o.preserve_fds = (int)n;
			break;
		default: opt_common(c, optarg, usage);
		}
	}
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	o.id = argv[optind];
	o.root = g.root;
	o.systemd_cgroup = g.systemd_cgroup;
	o.listen_fds = listen_fds();
	o.preserve_fds += o.listen_fds;
	if (container_create(&o, &pid) < 0)
		die();
	return 0;
}
