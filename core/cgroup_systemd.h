/* SPDX-License-Identifier: MIT */
/* cgroup_systemd: the --systemd-cgroup driver, runc's: the container's cgroup
 * is a transient systemd unit (a scope, or a slice) made over D-Bus; limits
 * go to systemd as unit properties and, as runc, into the unit's cgroup
 * files. A rootless caller's unit is the user's systemd's (systemd --user,
 * cgroup v2 only), as runc's. */
#ifndef OCIBOX_CGROUP_SYSTEMD_H
#define OCIBOX_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/cgroup.h"
#include "core/dbus.h"
#include "core/spec.h"

/* How long systemd may take for one call or job (runc waits 30 s too). */
#define CGSD_TIMEOUT_MS 30000

/* systemd's slice nesting: "a-b.slice" -> "/a.slice/a-b.slice" into OUT,
 * "-.slice" (the root slice) -> "". 0, or -1 with fail() for a name systemd
 * would refuse (no ".slice", '/', an empty part as in "a--b.slice"). */
int cgsd_expand_slice(const char *slice, char *out, size_t size);
/* linux.cgroupsPath "SLICE:PREFIX:NAME" (NULL or "": "system.slice:ocibox:ID")
 * -> the unit "PREFIX-NAME.scope" (a NAME ending in .slice is the unit
 * itself; no PREFIX: "NAME.scope") and its cgroup path: the expanded SLICE
 * (empty: system.slice, or user.slice when not ROOT) and the scope, or the
 * expanded slice. 0, or -1 with fail() naming linux.cgroupsPath. */
int cgsd_parse(const char *cgroups_path, const char *id, bool root,
	       char *unit, size_t usize, char *path, size_t psize);
/* A cpuset list "0-3,8" (parse_bitlist) as systemd's AllowedCPUs bytes
 * (bit N%8 of byte N/8 is cpu N) into OUT, at most 512 bytes; the number
 * of bytes up to the last one set, or -1 (fail()s). */
int cgsd_bitmask(const char *list, uint8_t *out, size_t size);
/* The annotation org.systemd.property.NAME=TEXT as one (sv) of an a(sv) on
 * M. TEXT is GVariant text, this subset: true/false (b), 'str' or "str"
 * (s; a backslash takes the next character as is), an integer with a type
 * word (byte int16 uint16 int32 uint32 int64 uint64) or an @y/n/q/i/u/x/t
 * prefix (a bare integer is int32, as in GVariant), ['a', 'b'] and @as []
 * (as). NAME is letters only; NAMESec (a lowercase letter before Sec) is
 * sent as NAMEUSec with the integer times 10^6 (uint64), as runc. 0, or -1
 * with fail() naming the annotation. */
int cgsd_prop_text(struct dbus_msg *m, const char *name, const char *text);

/* Fill CG for the unit S's linux.cgroupsPath names (cgsd_parse; ID for the
 * default), with every hierarchy's cgroup at the unit's path and cg->unit
 * set; nothing exists yet. Checks S's annotation properties too. USER: a
 * rootless caller's unit, the user's systemd's (asked over D-Bus for the
 * cgroup it runs in, which its units' paths are below; cgroup v2 only; S's
 * device rules are dropped, as rootless_cgroup_init does). No other side
 * effects. 0 or -1 (fail()s). */
int cgsd_init(struct cgroup *cg, struct spec *s, const char *id, bool user);
/* Start the unit with the init PID in it (a scope; a slice gets PID
 * written into its cgroup), the properties R maps to and those the
 * annotations of S ask for; wait for the job; then make the cgroup in the
 * hierarchies systemd does not manage, put PID there and write R into the
 * cgroup files (cgroup_create). On failure PID is killed and nothing is
 * left: the unit is stopped (one that already existed is not ours and is
 * left alone) and cg->unit cleared. 0 or -1 ("systemd: StartTransientUnit
 * UNIT: why"). */
int cgsd_start(struct cgroup *cg, pid_t pid, const struct spec_resources *r,
	       const struct spec *s, const char *id);
/* SetUnitProperties(runtime) with what R maps to (update). 0 or -1. */
int cgsd_update(const struct cgroup *cg, const struct spec_resources *r);
/* StopUnit and ResetFailedUnit: no unit is left (gone already is fine). */
int cgsd_stop(const struct cgroup *cg);

#endif
