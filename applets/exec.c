/* SPDX-License-Identifier: MIT */
/* exec: run a new process in a running container, as runc-exec(8). */
#include <stdlib.h>
#include <unistd.h>

#include "core/err.h"
#include "core/exec.h"
#include "core/fg.h"
#include "core/main.h"
#include "core/proc.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox exec [OPTIONS] ID [COMMAND [ARG...]]\n"
	"\n"
	"Run a new process in container ID: COMMAND, or the process in --process.\n"
	"In the foreground, wait for it and exit with its status.\n"
	"\n"
	"  -p, --process FILE       the process as runtime-spec JSON\n"
	"  -d, --detach             do not wait for the process\n"
	"      --pid-file FILE      write its pid to FILE\n"
	"      --pidfd-socket P     send a pidfd of the process to the unix socket P\n"
	"      --console-socket P   send the pty master to the unix socket P\n"
	"  -t, --tty                allocate a pty\n"
	"      --cwd DIR            working directory inside the container\n"
	"  -e, --env K=V            set an environment variable (repeatable)\n"
	"  -u, --user UID[:GID]     run as UID (and GID)\n"
	"  -g, --additional-gids G  an additional group (repeatable)\n"
	"  -c, --cap CAP            add a capability (repeatable)\n"
	"      --no-new-privs       set no_new_privs\n"
	"      --apparmor PROFILE   run under this AppArmor profile\n"
	"      --preserve-fds N     pass N fds after stdio to the process\n"
	"      --ignore-paused      allow exec into a paused container\n"
	"      --cgroup [C:]PATH    run in an existing sub-cgroup (repeatable;\n"
	"                           C: only the hierarchies of controllers C,...)\n";

enum { OPT_PID_FILE = OPT_APPLET_BASE, OPT_CONSOLE, OPT_CWD, OPT_NNP,
       OPT_PRESERVE, OPT_IGNORE_PAUSED, OPT_CGROUP, OPT_PIDFD_SOCKET, OPT_APPARMOR };

static uint32_t id_arg(const char *s, const char *what)
{
	int64_t v;

	if (parse_i64(s, 0, UINT32_MAX, &v) < 0)
		die_msg(0, "%s: expected a number, got \"%s\"", what, s);
	return (uint32_t)v;
}

static int start(void *ctx, int console_fd, pid_t *pid)
{
	struct exec_opts *o = ctx;

	o->console_fd = console_fd;
	return exec_process(o, pid);
}

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "tty", no_argument, NULL, 't' },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ "cap", required_argument, NULL, 'c' },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET },
		{ "apparmor", required_argument, NULL, OPT_APPARMOR },
		{ 0 }
	};
	struct exec_opts o = { .console_fd = -1 };
	bool detach = false;
	int c, status;
	char *colon;
	int64_t n;
	pid_t pid;

	/* first, before anything else runs or argv is touched */
	if (proc_protect_exe(g.argv) < 0)
		die();
	/* at most argc of each repeatable option */
	o.env = xcalloc(argc, sizeof(*o.env));
	o.caps = xcalloc(argc, sizeof(*o.caps));
	o.additional_gids = xcalloc(argc, sizeof(*o.additional_gids));
	o.cgroups = xcalloc(argc, sizeof(*o.cgroups));
	while ((c = getopt_long(argc, argv, "+p:dte:u:g:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.process_file = optarg; break;
		case 'd': detach = true; break;
		case OPT_PID_FILE: o.pid_file = optarg; break;
		case OPT_CONSOLE: o.console_socket = optarg; break;
		case 't': o.tty = true; break;
		case OPT_CWD: o.cwd = optarg; break;
		case 'e': o.env[o.n_env++] = optarg; break;
		case 'u':
			o.set_user = true;
			colon = strchr(optarg, ':');
			if (colon)
				*colon = '\0';
			o.uid = id_arg(optarg, "--user");
			/* without :GID the config's gid stays, as runc */
			o.set_gid = colon != NULL;
			o.gid = colon ? id_arg(colon + 1, "--user") : 0;
			break;
		case 'g':
			o.additional_gids[o.n_additional_gids++] =
				id_arg(optarg, "--additional-gids");
			break;
		case 'c': o.caps[o.n_caps++] = optarg; break;
		case OPT_NNP: o.no_new_privs = true; break;
		case OPT_PRESERVE:
			if (parse_i64(optarg, 0, 1 << 20, &n) < 0)
				usage_error(usage, "--preserve-fds: expected a number");
			o.preserve_fds = (int)n;
			break;
		case OPT_IGNORE_PAUSED: o.ignore_paused = true; break;
		case OPT_CGROUP: o.cgroups[o.n_cgroups++] = optarg; break;
		case OPT_PIDFD_SOCKET: o.pidfd_socket = optarg; break;
		case OPT_APPARMOR: o.apparmor = optarg; break;
		default: opt_common(c, optarg, usage);
		}
	}
	if (optind >= argc)
		usage_error(usage, "expected a container id");
	o.id = argv[optind++];
	if (!o.process_file && optind >= argc)
		usage_error(usage, "expected a command or --process");
	if (o.process_file && optind < argc)
		usage_error(usage, "a command and --process exclude each other");
	o.args = argv + optind;
	o.root = main_root();
	o.preserve_fds += listen_fds();
	if (detach) {
		if (exec_process(&o, &pid) < 0)
			die();
		return 0;
	}
	if (fg_run(o.console_socket != NULL, start, &o, &status) < 0)
		die();
	return status;
}
