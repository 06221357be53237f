/* SPDX-License-Identifier: MIT */
/* cgroup_int: what the cgroup modules share (cgroup.c, cgroup_file.c,
 * cgroup_res.c, cgroup_stats.c, cgroup_oom.c); not for other modules. */
#ifndef OCIBOX_CGROUP_INT_H
#define OCIBOX_CGROUP_INT_H

#include <stdbool.h>
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

/* Device rules reduced as the v1 devices controller keeps them (cgroup_bpf.c):
 * a default and exceptions to it. */
struct cg_dev_ex {
	char type;              /* 'c' or 'b' */
	int64_t major, minor;   /* -1 = any */
	unsigned acc;           /* BPF_DEVCG_ACC_* bits: mknod 1, read 2, write 4 */
};
struct cg_devs {
	bool allow;             /* default: true = deny-list, false = allow-list */
	struct cg_dev_ex *ex;   /* malloc'd */
	size_t n;
};
/* One devices.allow / devices.deny write of R onto S. */
void cg_devs_apply(struct cg_devs *s, const struct spec_dev_rule *r);

/* cpu.shares as cgroup v2 cpu.weight (runc's conversion, clamped to the
 * v1 range 2..262144 first); 0 stays 0. */
uint64_t cg_cpu_weight(uint64_t shares);
/* runc's ConvertMemorySwapToCgroupV2Value: v1's memory+swap limit SWAP as
 * v2 memory.swap.max into *OUT (-1 = max). 0 or -1 (fail()s). */
int cg_swap_v2(int64_t swap, int64_t mem, int64_t *out);

/* Bit mask (1 << enum cgroup_ctl) of the controllers R asks for. */
unsigned cg_needed(const struct spec_resources *r);
/* Write every resource of R into the existing cgroup. 0 or -1 (fail()s). */
int cg_apply(const struct cgroup *cg, const struct spec_resources *r, bool update);

#endif
