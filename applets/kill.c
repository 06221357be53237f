/* SPDX-License-Identifier: MIT */
/* kill: signal the container's init (or, with --all, every process of its
 * cgroup). See runtime.md#kill and runc-kill(8). */
#include "core/container.h"
#include "core/err.h"
#include "core/main.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox kill [--all] ID [SIGNAL]\n"
	"\n"
	"Send SIGNAL (a name with or without SIG, or a number; default TERM)\n"
	"to the init of container ID.\n"
	"\n"
	"  -a, --all    signal every process in the container's cgroup\n";

int cmd_kill(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "all", no_argument, NULL, 'a' },
		{ 0 }
	};
	bool all = false;
	int c, sig = 15;

	while ((c = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else
			opt_common(c, optarg, usage);
	}
	if (optind != argc - 1 && optind != argc - 2)
		usage_error(usage, "expected a container id and a signal");
	if (optind == argc - 2 && (sig = signal_parse(argv[optind + 1])) < 0)
		die_msg(0, "unknown signal \"%s\"", argv[optind + 1]);
	if (container_kill(main_root(), argv[optind], sig, all) < 0)
		die();
	return 0;
}
