/* SPDX-License-Identifier: MIT */
/* rootless: ocibox run without the host's root, as runc's --rootless: a
 * non-root caller, or root of a user namespace that does not map the host's
 * uid 0 (rootless podman runs the runtime there). What such a caller may do
 * with cgroups, id maps, rlimits and oomScoreAdj is decided here, once. */
#ifndef OCIBOX_ROOTLESS_H
#define OCIBOX_ROOTLESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/cgroup.h"
#include "core/spec.h"
#include "core/state.h"

/* Does the uid_map TEXT (/proc/self/uid_map's form) map uid 0 of the parent
 * namespace? No side effects. */
bool rootless_maps_host_root(const char *uid_map);
/* ID of this namespace as the parent sees it through the id map TEXT, into
 * *OUT. 0, or -1 (fail()) when the map does not cover ID. */
int rootless_idmap_outside(const char *map, uint32_t id, uint32_t *out);
/* Our euid as the host's user namespace sees it (/proc/self/uid_map, one
 * level up: what a D-Bus server there reads from SO_PEERCRED); the euid
 * itself when the map cannot be read. */
uint32_t rootless_host_uid(void);
/* --rootless VALUE ("true", "false", "auto" or NULL = auto): auto is true
 * when euid != 0, or when euid is 0 in a user namespace whose map does not
 * reach the host's uid 0 (runc's rule). Cannot fail. */
bool rootless_detect(const char *value);
/* The default --root of a rootless caller: $XDG_RUNTIME_DIR/ocibox, or NULL
 * (with fail()) when XDG_RUNTIME_DIR is unset or relative. */
char *rootless_state_dir(void);

/* Call PROBLEM for every part of S a rootless caller cannot have, each
 * naming its JSON path or option: no user namespace while euid != 0, id
 * maps that need newuidmap/newgidmap when they are not on PATH, an
 * oomScoreAdj below the caller's (verify_config checks rlimits for all).
 * Returns the number of problems. */
int rootless_check(const struct spec *s,
		   void (*problem)(void *ctx, const char *msg), void *ctx);
/* cgroup_init for a rootless caller: the default cgroupsPath is relative,
 * "ocibox/ID"; on cgroup v2 a relative one goes below the parent of the
 * caller's own cgroup, as runc's (a delegated subtree: its own cgroup holds
 * processes, so no controller could be enabled below it). Only the
 * hierarchies this caller can write are kept; the others are left alone,
 * and cgroup_check then names any resource that needed them. The device
 * rules are dropped (no device node can be made in a user namespace; runc
 * skips them too). No side effects on the host. 0 or -1 (fail()s). */
int rootless_cgroup_init(struct cgroup *cg, struct spec *s, const char *id);

/* The container's processes when it has no cgroup: every process in its
 * init's pid namespace (or the init alone when it shares the caller's).
 * *PIDS malloc'd (caller frees). 0 or -1 (fail()s). */
int rootless_pids(const struct state *st, pid_t **pids, size_t *n);

/* Write PID's uid_map and gid_map as an unprivileged caller can: a single
 * mapping of its own uid (gid) directly, after "deny" to setgroups for the
 * gid map; anything else through newuidmap/newgidmap. 0 or -1 (fail()s
 * naming linux.uidMappings or linux.gidMappings). */
int rootless_write_idmaps(pid_t pid, const struct spec_linux *lx);
/* True when the caller may write any id map itself (CAP_SETUID and
 * CAP_SETGID in its user namespace, which owns the child's). */
bool rootless_can_map(void);

#endif
