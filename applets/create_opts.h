/* SPDX-License-Identifier: MIT */
/* create_opts.h: the options `create` and `run` share (runc's create flags),
 * parsed once for both. Not an applet: included by create.c and run.c. */
#ifndef OCIBOX_CREATE_OPTS_H
#define OCIBOX_CREATE_OPTS_H

#include "core/container.h"
#include "core/err.h"
#include "core/main.h"
#include "core/util.h"

enum { OPT_PID_FILE = OPT_APPLET_BASE, OPT_CONSOLE, OPT_NO_PIVOT,
       OPT_NO_KEYRING, OPT_PRESERVE, OPT_PIDFD_SOCKET, OPT_CREATE_NEXT };

#define CREATE_LONGOPTS \
	{ "bundle", required_argument, NULL, 'b' }, \
	{ "pid-file", required_argument, NULL, OPT_PID_FILE }, \
	{ "console-socket", required_argument, NULL, OPT_CONSOLE }, \
	{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT }, \
	{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING }, \
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE }, \
	{ "pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET }

/* Take option C if it is one of CREATE_LONGOPTS (true), else false. */
static inline bool create_opt(int c, const char *arg, struct create_opts *o,
			      const char *usage)
{
	int64_t n;

	switch (c) {
	case 'b': o->bundle = arg; return true;
	case OPT_PID_FILE: o->pid_file = arg; return true;
	case OPT_CONSOLE: o->console_socket = arg; return true;
	case OPT_PIDFD_SOCKET: o->pidfd_socket = arg; return true;
	case OPT_NO_PIVOT: o->no_pivot = true; return true;
	case OPT_NO_KEYRING: o->no_new_keyring = true; return true;
	case OPT_PRESERVE:
		if (parse_i64(arg, 0, 1 << 20, &n) < 0)
			usage_error(usage, "--preserve-fds: expected a number");
		o->preserve_fds = (int)n;
		return true;
	}
	return false;
}

/* After getopt: the one id argument, the global options, LISTEN_FDS. */
static inline void create_opts_finish(int argc, char **argv,
				      struct create_opts *o, const char *usage)
{
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	o->id = argv[optind];
	o->root = main_root();
	o->systemd_cgroup = g.systemd_cgroup;
	o->rootless = g.is_rootless;
	o->listen_fds = listen_fds();
	o->preserve_fds += o->listen_fds;
}

#endif
