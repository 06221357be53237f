/* SPDX-License-Identifier: MIT */
/* hooks: run a stage's hooks with the container state on stdin.
 * See runtime-spec config.md#posix-platform-hooks. */
#ifndef OCIBOX_HOOKS_H
#define OCIBOX_HOOKS_H

#include "core/spec.h"

/* Run every hook of STAGE in order with STATE_JSON on its stdin, each
 * within its timeout (feeding stdin included). Before the user program runs,
 * the first failure stops the stage: 0 or -1 with fail() naming the hook
 * (`hooks.createRuntime[0] "/bin/x": exit status 1`). A failing poststart or
 * poststop hook is a warning and the rest still run, as config.md says
 * (those stages always return 0). */
int hooks_run(const struct spec *s, enum spec_hook_stage stage,
	      const char *state_json);

#endif
