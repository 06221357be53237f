/* SPDX-License-Identifier: MIT */
/* main: applet dispatch and the runc-style global options every applet accepts. */
#ifndef OCIBOX_MAIN_H
#define OCIBOX_MAIN_H

#include <getopt.h>
#include <stdbool.h>

/* Global options (runc dialect). Set by main before the applet and by
 * opt_common() when they follow the applet name. */
struct globals {
	const char *root;         /* --root: state directory */
	const char *log;          /* --log FILE */
	bool systemd_cgroup;      /* --systemd-cgroup */
	const char *rootless;     /* --rootless true|false|auto, NULL = auto */
	bool is_rootless;         /* what it resolved to (core/rootless.h) */
	char **argv;              /* main's argv, whole (for a re-exec) */
};
extern struct globals g;

enum {
	OPT_ROOT = 0x100, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP,
	OPT_ROOTLESS, OPT_HELP, OPT_APPLET_BASE = 0x200,
};

/* Splice into every applet's long options, before its own entries. */
#define GLOBAL_LONGOPTS \
	{ "root", required_argument, NULL, OPT_ROOT }, \
	{ "log", required_argument, NULL, OPT_LOG }, \
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT }, \
	{ "debug", no_argument, NULL, OPT_DEBUG }, \
	{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP }, \
	{ "rootless", required_argument, NULL, OPT_ROOTLESS }, \
	{ "help", no_argument, NULL, 'h' }

/* Handle a global option, -h/--help (prints USAGE, exits 0) or an unknown
 * option ('?', ':'; prints USAGE on stderr, exits 2). Applets call it from the
 * default case of their getopt loop. */
void opt_common(int c, const char *arg, const char *usage);
/* For applets whose only argument is a container id: parse the global
 * options (and --help), require exactly one id and return it. */
const char *opt_only_id(int argc, char **argv, const char *usage);
/* The state directory: --root, or the default (/run/ocibox;
 * $XDG_RUNTIME_DIR/ocibox when rootless). Dies when there is none (rootless
 * without XDG_RUNTIME_DIR). For applets, after their options are parsed. */
const char *main_root(void);
/* Exit 2 with "MSG" and the usage text on stderr: wrong argument count etc. */
__attribute__((noreturn)) void usage_error(const char *usage, const char *msg);

#endif
