/* SPDX-License-Identifier: MIT */
/* cgroup_oom: OOM notifications of the container's memory cgroup. */
#ifndef OCIBOX_CGROUP_OOM_H
#define OCIBOX_CGROUP_OOM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cgroup.h"

/* An fd that becomes readable when an OOM event may have happened. *V2 and
 * *COUNT are state for cgroup_oom_event(). fd or -1 (fail()s). */
int cgroup_oom_fd(const struct cgroup *cg, bool *v2, uint64_t *count);
/* After FD was readable: did the OOM killer act? Consumes the event. */
bool cgroup_oom_event(const struct cgroup *cg, int fd, bool v2, uint64_t *count);

#endif
