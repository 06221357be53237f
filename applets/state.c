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
	struct state st;
	struct jw w;
	const char *id = opt_only_id(argc, argv, usage);

	if (state_read(&st, main_root(), id) < 0)
		die();
	jw_init(&w);
	state_write_json(&st, &w, state_status(&st));
	jw_raw(&w, "\n", 1);
	fwrite(w.buf, 1, w.len, stdout);
	jw_fini(&w);
	state_fini(&st);
	return 0;
}
