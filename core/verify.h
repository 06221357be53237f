/* SPDX-License-Identifier: MIT */
/* verify: the one list of what create refuses in a parsed config before it
 * touches the system (the config against this host and against itself).
 * `create` stops at the first problem, `check` prints them all, so the two
 * always agree. cgroup resources and seccomp have checks of their own
 * (cgroup_check, sc_check/sc_prepare) with the same problem callback. */
#ifndef OCIBOX_VERIFY_H
#define OCIBOX_VERIFY_H

#include "core/spec.h"

/* Call PROBLEM once per problem, each "config.json: PATH: what" (warnings,
 * such as a relative mount destination, go to log_warn and do not count).
 * Returns the number of problems; never fail()s. */
int verify_config(const struct spec *s,
		  void (*problem)(void *ctx, const char *msg), void *ctx);

/* The sysctl rule alone (runc's): KEY may be set only when it belongs to a
 * namespace the container has of its own. NULL if allowed, else why not. */
const char *verify_sysctl(const struct spec_linux *lx, const char *key);

/* The /proc rule for a mount destination (a clean absolute path): only
 * procfs itself at /proc, and the single files runc allows inside it
 * (lxcfs's), or a bind whose source is on procfs. */
bool verify_proc_dest(const char *dest, const char *type, bool src_is_proc);

/* Is AppArmor enabled on this host (/sys/module/apparmor/parameters/enabled)? */
bool verify_apparmor_enabled(void);

#endif
