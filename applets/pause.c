/* SPDX-License-Identifier: MIT */
/* pause: freeze every process of a container (v1 freezer, v2 cgroup.freeze);
 * its status reads "paused" until resume. As runc-pause(8). */
#include <stdio.h>

#include "core/cgroup.h"
#include "core/err.h"
#include "core/main.h"
#include "core/state.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox pause ID\n"
	"\n"
	"Suspend every process of container ID (its cgroup freezer).\n";

int cmd_pause(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	struct state st;
	struct cgroup cg;
	const char *status;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		opt_common(c, optarg, usage);
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	if (state_open(&st, g.root, argv[optind]) < 0)
		die();
	status = state_status(&st);
	if (!str_eq(status, "running") && !str_eq(status, "created"))
		die_msg(0, "container not running (status %s)", status);
	if (!st.cgroup || cgroup_init_path(&cg, st.cgroup) < 0 ||
	    cgroup_freeze(&cg, true) < 0)
		die();
	snprintf(st.status, sizeof(st.status), "paused");
	if (state_save(&st) < 0) {
		cgroup_freeze(&cg, false);
		die();
	}
	state_fini(&st);
	return 0;
}
