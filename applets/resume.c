/* SPDX-License-Identifier: MIT */
/* resume: thaw a paused container. As runc-resume(8). */
#include <stdio.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/err.h"
#include "core/main.h"
#include "core/state.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox resume ID\n"
	"\n"
	"Resume every process of the paused container ID.\n";

int cmd_resume(int argc, char **argv)
{
	struct state st;
	struct cgroup cg;
	const char *id = opt_only_id(argc, argv, usage);

	if (state_open(&st, main_root(), id) < 0)
		die();
	if (!str_eq(state_status(&st), "paused"))
		die_msg(0, "container not paused");
	if (st.cgroup && !st.cgroup[0])
		die_msg(0, "container \"%s\" has no cgroup (rootless, and no "
			"cgroup this user may write): it cannot be resumed", id);
	if (!st.cgroup || cgroup_init_path(&cg, st.cgroup) < 0 ||
	    cgroup_freeze(&cg, false) < 0)
		die();
	/* paused before start: exec.fifo is still there until start */
	snprintf(st.status, sizeof(st.status), "%s",
		 faccessat(st.dirfd, "exec.fifo", F_OK, 0) == 0 ? "created" : "running");
	if (state_save(&st) < 0)
		die();
	state_fini(&st);
	return 0;
}
