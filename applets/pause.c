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
	struct state st;
	struct cgroup cg;
	const char *status;
	const char *id = opt_only_id(argc, argv, usage);

	if (state_open(&st, main_root(), id) < 0)
		die();
	status = state_status(&st);
	if (!str_eq(status, "running") && !str_eq(status, "created"))
		die_msg(0, "container not running (status %s)", status);
	if (st.cgroup && !st.cgroup[0])
		die_msg(0, "container \"%s\" has no cgroup (rootless, and no "
			"cgroup this user may write): it cannot be paused", id);
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
