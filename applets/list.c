/* SPDX-License-Identifier: MIT */
/* list: every container under --root, as runc-list(8): a table or JSON. */
#include <stdio.h>

#include "core/err.h"
#include "core/main.h"
#include "core/state.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox list [-f table|json] [-q]\n"
	"\n"
	"List the containers under --root.\n"
	"\n"
	"  -f, --format FMT  table (default) or json\n"
	"  -q, --quiet       print only the ids\n";

struct list_ctx {
	bool json, quiet;
	int n;
	struct jw w;
};

static int one(const char *id, void *arg)
{
	struct list_ctx *l = arg;
	struct state st;
	const char *status;

	/* a container deleted meanwhile is simply not listed */
	if (state_read(&st, main_root(), id) < 0)
		return 0;
	status = state_status(&st);
	if (l->quiet)
		printf("%s\n", id);
	else if (l->json)
		state_write_json(&st, &l->w, status);
	else
		printf("%-12s %-8d %-10s %-40s %-30s %s\n", id,
		       str_eq(status, "stopped") ? 0 : (int)st.pid, status,
		       st.bundle ? st.bundle : "", st.created ? st.created : "",
		       st.owner == 0 ? "root" : "");
	l->n++;
	state_fini(&st);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 }
	};
	struct list_ctx l = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (str_eq(optarg, "json"))
				l.json = true;
			else if (!str_eq(optarg, "table"))
				usage_error(usage, "--format: expected table or json");
			break;
		case 'q': l.quiet = true; break;
		default: opt_common(c, optarg, usage);
		}
	}
	if (optind != argc)
		usage_error(usage, "unexpected argument");
	if (l.json) {
		jw_init(&l.w);
		jw_arr_begin(&l.w);
	} else if (!l.quiet) {
		printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS",
		       "BUNDLE", "CREATED", "OWNER");
	}
	if (state_each(main_root(), one, &l) < 0)
		die();
	if (l.json) {
		jw_arr_end(&l.w);
		jw_raw(&l.w, "\n", 1);
		fwrite(l.w.buf, 1, l.w.len, stdout);
		jw_fini(&l.w);
	}
	return 0;
}
