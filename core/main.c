/* SPDX-License-Identifier: MIT */
/* main: pick the applet from argv[0] or the first word, parse global options
 * that come before it (runc dialect), run it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/spec.h"
#include "core/err.h"
#include "core/main.h"
#include "core/rootless.h"
#include "core/util.h"

#ifndef GIT_COMMIT
#define GIT_COMMIT "unknown"
#endif

#define APPLET(name, summary) int cmd_##name(int argc, char **argv);
#include "applets/applets.def"
#undef APPLET

static const struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
} applets[] = {
#define APPLET(name, summary) { #name, cmd_##name, summary },
#include "applets/applets.def"
#undef APPLET
};

struct globals g;

static const char usage[] =
	"usage: ocibox [GLOBAL OPTIONS] APPLET [ARGS...]\n"
	"       APPLET [ARGS...]            (through a symlink named APPLET)\n"
	"       ocibox --install DIR        (one symlink per applet in DIR)\n"
	"\n"
	"Global options (also accepted after the applet name):\n"
	"  --root DIR           state directory (default /run/ocibox;\n"
	"                       $XDG_RUNTIME_DIR/ocibox when rootless)\n"
	"  --log FILE           append log messages to FILE\n"
	"  --log-format FMT     text (default) or json\n"
	"  --debug              log debug messages\n"
	"  --systemd-cgroup     the cgroup is a transient systemd unit\n"
	"  --rootless VALUE     true, false or auto (default: auto, rootless\n"
	"                       when euid is not 0, or in a user namespace\n"
	"                       that does not map the host's root)\n"
	"  --help, --version\n"
	"\n"
	"Applets:\n";

static void print_usage(FILE *f)
{
	size_t i;

	fputs(usage, f);
	for (i = 0; i < ARRAY_SIZE(applets); i++)
		fprintf(f, "  %-10s %s\n", applets[i].name, applets[i].summary);
}

__attribute__((noreturn)) void usage_error(const char *text, const char *msg)
{
	if (msg)
		fprintf(stderr, "%s: %s%s%s\n", log_cfg.prog,
			log_cfg.applet ? log_cfg.applet : "",
			log_cfg.applet ? ": " : "", msg);
	if (text)
		fputs(text, stderr);
	else
		print_usage(stderr);
	exit(2);
}

static void open_log(const char *path)
{
	int fd = openat(AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		die_msg(errno, "open log file '%s'", path);
	fd = fd_not_stdio(fd);
	if (fd < 0)
		die();
	if (log_cfg.fd >= 0)
		close(log_cfg.fd);
	log_cfg.fd = fd;
	g.log = path;
}

void opt_common(int c, const char *arg, const char *text)
{
	switch (c) {
	case OPT_ROOT:
		g.root = arg;
		break;
	case OPT_LOG:
		open_log(arg);
		break;
	case OPT_LOG_FORMAT:
		if (str_eq(arg, "json"))
			log_cfg.format = LOG_JSON;
		else if (str_eq(arg, "text"))
			log_cfg.format = LOG_TEXT;
		else
			usage_error(text, "--log-format: expected text or json");
		break;
	case OPT_DEBUG:
		log_cfg.debug = true;
		break;
	case OPT_SYSTEMD_CGROUP:
		g.systemd_cgroup = true;
		break;
	case OPT_ROOTLESS:
		if (!str_eq(arg, "true") && !str_eq(arg, "false") &&
		    !str_eq(arg, "auto"))
			usage_error(text, "--rootless: expected true, false or auto");
		g.rootless = arg;
		g.is_rootless = rootless_detect(arg);
		break;
	case 'h':
		if (text)
			fputs(text, stdout);
		else
			print_usage(stdout);
		exit(0);
	default:
		/* getopt already printed what was wrong */
		usage_error(text, NULL);
	}
}

const char *opt_only_id(int argc, char **argv, const char *text)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		opt_common(c, optarg, text);
	if (optind != argc - 1)
		usage_error(text, "expected exactly one container id");
	return argv[optind];
}

static const struct applet *find_applet(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(applets); i++)
		if (str_eq(applets[i].name, name))
			return &applets[i];
	return NULL;
}

static void print_version(void)
{
	printf("ocibox version %s\n"
	       "commit: %s\n"
	       "spec: " SPEC_VERSION "\n"
	       "seccomp: %s\n",
	       VERSION, GIT_COMMIT, ENABLE_SECCOMP ? "yes" : "no");
}

/* busybox --install: one symlink per applet, pointing at this binary. */
static int install_links(const char *dir)
{
	char self[PATH_MAX], link[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;

	if (n < 0)
		return fail(errno, "readlink '/proc/self/exe'");
	self[n] = '\0';
	if (mkdir_p(dir, 0755) < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(applets); i++) {
		if (path_join(link, sizeof(link), dir, applets[i].name) < 0)
			return -1;
		if (unlink(link) < 0 && errno != ENOENT)
			return fail(errno, "unlink '%s'", link);
		if (symlink(self, link) < 0)
			return fail(errno, "symlink '%s'", link);
	}
	return 0;
}

const char *main_root(void)
{
	if (g.root)
		return g.root;
	/* rootless without XDG_RUNTIME_DIR has no default: runc's fallback
	 * (its /run/runc) would only end in "permission denied" */
	if (!g.is_rootless)
		g.root = "/run/ocibox";
	else if (!(g.root = rootless_state_dir()))
		die();
	return g.root;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "version", no_argument, NULL, 'v' },
		{ "install", required_argument, NULL, 'I' },
		{ 0 }
	};
	const struct applet *a;
	const char *base;
	int c, r;

	phase_mark("main");
	g.argv = argv;
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if ((a = find_applet(base))) {
		log_cfg.applet = a->name;
	} else {
		opterr = 1;
		while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
			if (c == 'v') {
				print_version();
				return 0;
			}
			if (c == 'I') {
				if (install_links(optarg) < 0)
					die();
				return 0;
			}
			opt_common(c, optarg, NULL);
		}
		if (optind >= argc)
			usage_error(NULL, "no applet given");
		if (!(a = find_applet(argv[optind]))) {
			char msg[300];

			snprintf(msg, sizeof(msg), "unknown applet '%.200s'",
				 argv[optind]);
			usage_error(NULL, msg);
		}
		log_cfg.applet = a->name;
		argc -= optind;
		argv += optind;
		optind = 0;   /* full re-initialisation for the applet's getopt */
	}
	g.is_rootless = rootless_detect(g.rootless);
	r = a->main(argc, argv);
	fflush(stdout);
	return r;
}
