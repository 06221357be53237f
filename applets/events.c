/* SPDX-License-Identifier: MIT */
/* events: runc's JSON event stream: "stats" every interval (or once with
 * --stats) from the cgroup files, and "oom" when the OOM killer acts. Ends
 * when the container stops. See runc-events(8). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cgroup_oom.h"
#include "core/err.h"
#include "core/main.h"
#include "core/state.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox events [--stats] [--interval D] ID\n"
	"\n"
	"Print container events as JSON lines: stats every interval, and oom.\n"
	"\n"
	"      --stats       print one stats event and exit\n"
	"      --interval D  time between stats (Go syntax: 500ms, 5s, 1m;\n"
	"                    default 5s)\n";

enum { OPT_STATS = OPT_APPLET_BASE, OPT_INTERVAL };

/* A Go duration with one unit ("250ms", "1.5s", "2m", "1h") in whole
 * milliseconds, at least 1 and below a day: digits with an optional
 * fraction, as Go writes them, read without strtod (6 KB of libc's float
 * parsing for this one option). */
static int parse_interval(const char *s, int *ms)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	uint64_t n = 0, frac = 0, scale = 1, v;
	const char *p;
	size_t i;

	if (*s == '+')
		s++;
	for (p = s; *p >= '0' && *p <= '9' && n < 86400000; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale < 1000000000) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
	if (p == s || (p == s + 1 && *s == '.'))
		return -1;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (str_eq(p, units[i].unit)) {
			v = n * units[i].ms + frac * units[i].ms / scale;
			if (v == 0 || v >= 86400000)
				return -1;
			*ms = (int)v;
			return 0;
		}
	return -1;
}

static void emit(const char *type, const char *id, const struct cgroup *cg)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "type");
	jw_str(&w, type);
	jw_key(&w, "id");
	jw_str(&w, id);
	if (cg) {
		jw_key(&w, "data");
		if (cgroup_stats(cg, &w) < 0)
			jw_null(&w);
	}
	jw_obj_end(&w);
	jw_raw(&w, "\n", 1);
	fwrite(w.buf, 1, w.len, stdout);
	fflush(stdout);
	jw_fini(&w);
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ 0 }
	};
	struct state st;
	struct cgroup cg;
	bool once = false, v2 = false;
	int c, ms = 5000, oomfd, pidfd;
	uint64_t count = 0;
	const char *id;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_STATS: once = true; break;
		case OPT_INTERVAL:
			if (parse_interval(optarg, &ms) < 0)
				usage_error(usage, "--interval: expected a duration "
					    "such as 500ms or 5s");
			break;
		default: opt_common(c, optarg, usage);
		}
	}
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	id = argv[optind];
	if (state_read(&st, main_root(), id) < 0)
		die();
	if (str_eq(state_status(&st), "stopped"))
		die_msg(0, "container not running");
	if (!st.cgroup || cgroup_init_path(&cg, st.cgroup) < 0)
		die();
	if ((pidfd = state_pidfd(&st)) < 0)
		die();
	/* the stream must not hold the container's lock */
	state_fini(&st);
	if (once) {
		emit("stats", id, &cg);
		return 0;
	}
	oomfd = cgroup_oom_fd(&cg, &v2, &count);
	if (oomfd < 0)
		log_warn("no oom events: %s", err_last.msg);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = oomfd, .events = POLLIN },
		};
		int n = poll(p, 2, ms);

		if (n < 0 && errno != EINTR)
			die_msg(errno, "poll");
		if (n > 0 && (p[1].revents & POLLIN) &&
		    cgroup_oom_event(&cg, oomfd, v2, &count))
			emit("oom", id, NULL);
		if (n > 0 && p[0].revents)
			return 0;   /* the container stopped */
		if (n == 0)
			emit("stats", id, &cg);
	}
}
