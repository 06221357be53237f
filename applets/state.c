/* SPDX-License-Identifier: MIT */
/* state: the container's state as runtime-spec runtime.md#state JSON. */
#include <stdio.h>

#include "core/err.h"
#include "core/main.h"
#include "core/state.h"

static const char usage[] =
	"usage: ocibox state ID\n"
	"\n"
	"Print the state of container ID as JSON.\n";

int cmd_state(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	struct state st;
	struct jw w;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		opt_common(c, optarg, usage);
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	if (state_open(&st, g.root, argv[optind]) < 0)
		die();
	jw_init(&w);
	state_write_json(&st, &w, state_status(&st));
	jw_raw(&w, "\n", 1);
	fwrite(w.buf, 1, w.len, stdout);
	jw_fini(&w);
	state_fini(&st);
	return 0;
}
