/* SPDX-License-Identifier: MIT */
/* cgroup_int: what the cgroup modules share (cgroup.c, cgroup_file.c,
 * cgroup_res.c, cgroup_stats.c, cgroup_oom.c); not for other modules. */
#ifndef OCIBOX_CGROUP_INT_H
#define OCIBOX_CGROUP_INT_H

#include <stdint.h>

#include "core/cgroup.h"

/* DIR/FILE helpers. cg_write fail()s "linux.resources.FIELD: write 'PATH':
 * reason" (or "write 'PATH'" when FIELD is NULL); cg_read as read_file_at. */
int cg_write(const char *dir, const char *file, const char *val, const char *field);
int cg_read(const char *dir, const char *file, char **out);
bool cg_exists(const char *dir, const char *file);
int cg_kv(const char *buf, const char *key, uint64_t *out);
void cg_sleep_ms(long ms);
/* The hierarchy serving controller C for this container, or NULL. */
const struct cgroup_hier *cg_hier(const struct cgroup *cg, enum cgroup_ctl c);

/* Bit mask (1 << enum cgroup_ctl) of the controllers R asks for. */
unsigned cg_needed(const struct spec_resources *r);
/* Write every resource of R into the existing cgroup. 0 or -1 (fail()s). */
int cg_apply(const struct cgroup *cg, const struct spec_resources *r, bool update);

#endif
