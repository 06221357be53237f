/* SPDX-License-Identifier: MIT */
/* run: create + start; in the foreground wait, forward signals, relay the
 * exit status and delete the container. See runc-run(8). */
#include <errno.h>
#include <unistd.h>

#include "applets/create_opts.h"
#include "core/cgroup.h"
#include "core/container.h"
#include "core/err.h"
#include "core/fg.h"
#include "core/main.h"
#include "core/proc.h"
#include "core/state.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox run [OPTIONS] ID\n"
	"\n"
	"Create and start container ID; in the foreground, wait for it, relay\n"
	"its exit status (128+N for signal N) and delete it.\n"
	"\n"
	"  -b, --bundle DIR        bundle directory (default: .)\n"
	"  -d, --detach            do not wait for the container\n"
	"      --keep              do not delete the container after it exits\n"
	"      --pid-file FILE     write the container init's pid to FILE\n"
	"      --console-socket P  send the pty master to the unix socket P\n"
	"      --pidfd-socket P    send a pidfd of the container init to the unix socket P\n"
	"      --no-pivot          MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring    keep the caller's session keyring\n"
	"      --preserve-fds N    pass N fds after stdio to the container\n";

enum { OPT_KEEP = OPT_CREATE_NEXT };

/* After the container exited: say so if the OOM killer did it, then
 * delete. CG: its cgroup as create detected and made it. */
static void finish(const char *id, bool keep, struct cgroup *cg)
{
	struct state st;

	if (state_open(&st, main_root(), id) < 0)
		return;
	if (cgroup_oom_killed(cg))
		log_line("error", "container was killed by the OOM killer "
			 "(linux.resources.memory.limit)");
	if (!keep && container_destroy(&st, cg) < 0)
		log_warn("%s", err_last.msg);
	state_fini(&st);
}

static int start(void *ctx, int console_fd, pid_t *pid)
{
	struct create_opts *o = ctx;

	o->console_fd = console_fd;
	return container_create(o, pid);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		CREATE_LONGOPTS,
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ 0 }
	};
	static struct cgroup made;   /* 32 KB: off the stack */
	struct create_opts o = { .bundle = ".", .console_fd = -1,
				 .start_now = true, .cg_out = &made };
	bool detach = false, keep = false;
	int c, status;
	pid_t pid;

	/* first, before anything else runs or argv is touched */
	if (proc_protect_exe(g.argv) < 0)
		die();
	while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
		if (create_opt(c, optarg, &o, usage))
			continue;
		if (c == 'd')
			detach = true;
		else if (c == OPT_KEEP)
			keep = true;
		else
			opt_common(c, optarg, usage);
	}
	create_opts_finish(argc, argv, &o, usage);
	if (detach) {
		if (container_create(&o, &pid) < 0)
			die();
		return 0;
	}
	if (fg_run(o.console_socket != NULL, start, &o, &status) < 0)
		die();
	phase_mark("exited");
	finish(o.id, keep, &made);
	phase_mark("deleted");
	return status;
}
