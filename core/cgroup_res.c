/* SPDX-License-Identifier: MIT */
/* cgroup_res: linux.resources (config-linux.md) into v1 or v2 files, what a
 * host cannot apply (cgroup_check), and the device rules a container gets.
 * Value conversions and write order follow runc's fs and fs2 managers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cgroup_int.h"
#include "core/err.h"
#include "core/util.h"

#define BIT(c) (1u << (c))

static bool mem_set(const struct spec_resources *r)
{
	return r->memory.limit.set || r->memory.reservation.set || r->memory.swap.set ||
	       r->memory.kernel.set || r->memory.kernel_tcp.set || r->memory.swappiness.set ||
	       r->memory.disable_oom_killer.set || r->memory.use_hierarchy.set;
}

static bool cpu_set(const struct spec_resources *r)
{
	return r->cpu.shares.set || r->cpu.quota.set || r->cpu.period.set ||
	       r->cpu.burst.set || r->cpu.realtime_runtime.set ||
	       r->cpu.realtime_period.set || r->cpu.idle.set;
}

static bool cpuset_set(const struct spec_resources *r)
{
	return (r->cpu.cpus && *r->cpu.cpus) || (r->cpu.mems && *r->cpu.mems);
}

static bool blkio_set(const struct spec_resources *r)
{
	return r->block_io.weight.set || r->block_io.leaf_weight.set ||
	       r->block_io.n_weight_device || r->block_io.n_throttle_read_bps ||
	       r->block_io.n_throttle_write_bps || r->block_io.n_throttle_read_iops ||
	       r->block_io.n_throttle_write_iops;
}

/* "memory.max" -> CG_MEMORY; "cgroup.*" (core) -> -1; unknown -> -2. */
static int unified_ctl(const char *key)
{
	size_t n = strcspn(key, ".");
	int c;

	if (n == 6 && !strncmp(key, "cgroup", 6))
		return -1;
	if (n == 2 && !strncmp(key, "io", 2))
		return CG_BLKIO;
	for (c = 0; c < CG_CTL_COUNT; c++)
		if (strlen(cgroup_ctl_name[c]) == n && !strncmp(key, cgroup_ctl_name[c], n))
			return c;
	return -2;
}

unsigned cg_needed(const struct spec_resources *r)
{
	unsigned m = 0;
	size_t i;
	int c;

	if (mem_set(r))
		m |= BIT(CG_MEMORY);
	if (cpu_set(r))
		m |= BIT(CG_CPU);
	if (cpuset_set(r))
		m |= BIT(CG_CPUSET);
	if (r->pids.limit.set)
		m |= BIT(CG_PIDS);
	if (blkio_set(r))
		m |= BIT(CG_BLKIO);
	if (r->n_hugepage_limits)
		m |= BIT(CG_HUGETLB);
	if (r->network.class_id.set)
		m |= BIT(CG_NET_CLS);
	if (r->network.n_priorities)
		m |= BIT(CG_NET_PRIO);
	if (r->n_rdma)
		m |= BIT(CG_RDMA);
	if (r->n_devices)
		m |= BIT(CG_DEVICES);
	for (i = 0; i < r->unified.n; i++)
		if ((c = unified_ctl(r->unified.v[i].key)) >= 0)
			m |= BIT(c);
	return m;
}

/* "2MB" -> 2048 (kB), 0 if malformed. */
static uint64_t page_kb(const char *s)
{
	char *e;
	uint64_t v = strtoull(s, &e, 10);

	if (e == s)
		return 0;
	if (!strcmp(e, "KB") || !strcmp(e, "kB"))
		return v;
	if (!strcmp(e, "MB"))
		return v << 10;
	if (!strcmp(e, "GB"))
		return v << 20;
	return 0;
}

/* A v1 feature file, probed at the hierarchy root (where these exist). */
static bool v1_root_has(const struct cgroup_hier *h, const char *file)
{
	return h->v2 || cg_exists(h->mnt, file);
}

int cgroup_check(const struct cgroup *cg, const struct spec_resources *r,
		 void (*problem)(void *ctx, const char *msg), void *ctx)
{
	static const struct { enum cgroup_ctl c; const char *field; } need[] = {
		{ CG_MEMORY, "memory" }, { CG_CPU, "cpu" }, { CG_CPUSET, "cpu.cpus/mems" },
		{ CG_PIDS, "pids" }, { CG_BLKIO, "blockIO" }, { CG_HUGETLB, "hugepageLimits" },
		{ CG_NET_CLS, "network.classID" }, { CG_NET_PRIO, "network.priorities" },
		{ CG_RDMA, "rdma" }, { CG_DEVICES, "devices" },
	};
	const struct cgroup_hier *h;
	unsigned m;
	char msg[512];
	size_t i;
	int n = 0;

#define PROBLEM(...) do { snprintf(msg, sizeof(msg), "linux.resources." __VA_ARGS__); \
	problem(ctx, msg); n++; } while (0)
	if (!r)
		return 0;
	m = cg_needed(r);
	for (i = 0; i < ARRAY_SIZE(need); i++)
		if ((m & BIT(need[i].c)) && !cg_hier(cg, need[i].c) && cg->rootless)
			PROBLEM("%s: cannot be applied rootless: no %s cgroup this user "
				"may write (cgroup v1, or v2 without a delegated subtree)",
				need[i].field, cgroup_ctl_name[need[i].c]);
		else if ((m & BIT(need[i].c)) && !cg_hier(cg, need[i].c))
			PROBLEM("%s: %s controller not available on this host", need[i].field,
				cgroup_ctl_name[need[i].c]);

	if ((h = cg_hier(cg, CG_MEMORY))) {
		if (h->v2 && r->memory.swappiness.set)
			PROBLEM("memory.swappiness: not supported on cgroup v2");
		if (h->v2 && r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v)
			PROBLEM("memory.disableOOMKiller: not supported on cgroup v2");
		if (r->memory.swap.set && r->memory.swap.v &&
		    !v1_root_has(h, "memory.memsw.limit_in_bytes"))
			PROBLEM("memory.swap: swap accounting not available on this host "
				"(no memory.memsw.limit_in_bytes)");
	}
	if ((h = cg_hier(cg, CG_CPU))) {
		bool rt = (r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.v) ||
			  (r->cpu.realtime_period.set && r->cpu.realtime_period.v);

		if (rt && (h->v2 || !v1_root_has(h, "cpu.rt_runtime_us")))
			PROBLEM("cpu.realtimeRuntime: realtime group scheduling not available "
				"on this host");
		if (r->cpu.burst.set && !v1_root_has(h, "cpu.cfs_burst_us"))
			PROBLEM("cpu.burst: cpu.cfs_burst_us not available on this host");
		if (r->cpu.idle.set && !v1_root_has(h, "cpu.idle"))
			PROBLEM("cpu.idle: cpu.idle not available on this host");
	}
	if ((h = cg_hier(cg, CG_BLKIO)) && h->v2) {
		bool leaf = r->block_io.leaf_weight.set;

		for (i = 0; i < r->block_io.n_weight_device; i++)
			leaf |= r->block_io.weight_device[i].leaf_weight.set;
		if (leaf)
			PROBLEM("blockIO.leafWeight: not supported on cgroup v2");
	}
	for (i = 0; i < r->n_hugepage_limits; i++) {
		char path[128];
		uint64_t kb = page_kb(r->hugepage_limits[i].page_size);

		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB",
			 kb);
		if (!kb || access(path, F_OK) < 0)
			PROBLEM("hugepageLimits: page size '%s' not available on this host",
				r->hugepage_limits[i].page_size);
	}
	if (r->unified.n && cg->v2 < 0)
		PROBLEM("unified: cgroup v2 is not mounted on this host");
	for (i = 0; i < r->unified.n && cg->v2 >= 0; i++) {
		const char *k = r->unified.v[i].key;
		int c = unified_ctl(k);

		if (!*k || strchr(k, '/') || *k == '.')
			PROBLEM("unified: bad key '%s'", k);
		else if (c == -2)
			PROBLEM("unified: '%s': unknown controller", k);
		else if (c >= 0 && cg->ctl[c] != cg->v2)
			PROBLEM("unified: '%s': the %s controller is not on the cgroup v2 "
				"hierarchy of this host", k, cgroup_ctl_name[c]);
	}
	return n;
#undef PROBLEM
}

/* ---- applying ---- */

static int wr(const char *dir, const char *file, const char *field, const char *fmt, ...)
	PRINTF(4, 5);
static int wr(const char *dir, const char *file, const char *field, const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return cg_write(dir, file, val, field);
}

static int read_u64(const char *dir, const char *file, uint64_t *v)
{
	AUTOFREE char *buf = NULL;

	if (cg_read(dir, file, &buf) < 0)
		return -1;
	*v = strtoull(buf, NULL, 10);
	return 0;
}

/* memory.checkBeforeUpdate: refuse a limit below what is in use. */
static int check_usage(const char *dir, const char *file, int64_t limit)
{
	uint64_t cur;

	if (limit <= 0 || read_u64(dir, file, &cur) < 0)
		return 0;
	if (cur > (uint64_t)limit)
		return fail(0,
			    "linux.resources.memory.limit: %" PRId64 " is below the current "
			    "usage %" PRIu64 " ('%s/%s'; checkBeforeUpdate)",
			    limit, cur, dir, file);
	return 0;
}

static int set_limit(const char *d, int64_t v)
{
	return wr(d, "memory.limit_in_bytes", "memory.limit", "%" PRId64, v);
}

static int set_memsw(const char *d, int64_t v)
{
	return wr(d, "memory.memsw.limit_in_bytes", "memory.swap", "%" PRId64, v);
}

static int memory_v1(const char *d, const struct spec_resources *r, bool update)
{
	int64_t limit = r->memory.limit.set ? r->memory.limit.v : 0;
	int64_t swap = r->memory.swap.set ? r->memory.swap.v : 0;
	uint64_t cur = 0;

	if (update && r->memory.check_before_update.v &&
	    check_usage(d, "memory.usage_in_bytes", limit) < 0)
		return -1;
	/* runc: unlimited memory without a swap value means unlimited swap. */
	if (limit == -1 && !swap && cg_exists(d, "memory.memsw.limit_in_bytes"))
		swap = -1;
	/* memsw >= limit at every step: grow memsw first, shrink it last. */
	if (limit && swap) {
		if (read_u64(d, "memory.limit_in_bytes", &cur) < 0)
			return fail_ctx("linux.resources.memory.limit");
		if (swap == -1 || cur < (uint64_t)swap) {
			if (set_memsw(d, swap) < 0 || set_limit(d, limit) < 0)
				return -1;
		} else if (set_limit(d, limit) < 0 || set_memsw(d, swap) < 0) {
			return -1;
		}
	} else if ((limit && set_limit(d, limit) < 0) || (swap && set_memsw(d, swap) < 0)) {
		return -1;
	}
	if (r->memory.reservation.set && wr(d, "memory.soft_limit_in_bytes",
		"memory.reservation", "%" PRId64, r->memory.reservation.v) < 0)
		return -1;
	/* Kernel memory limits are gone from Linux 6.x (the file may stay and
	 * refuse writes): ignored then, as runc does. */
	if (r->memory.kernel.set && wr(d, "memory.kmem.limit_in_bytes", "memory.kernel",
				       "%" PRId64, r->memory.kernel.v) < 0)
		log_debug("ignoring linux.resources.memory.kernel: %s", err_last.msg);
	if (r->memory.kernel_tcp.set && wr(d, "memory.kmem.tcp.limit_in_bytes",
		"memory.kernelTCP", "%" PRId64, r->memory.kernel_tcp.v) < 0) {
		if (cg_exists(d, "memory.kmem.tcp.limit_in_bytes"))
			return -1;
		log_debug("ignoring linux.resources.memory.kernelTCP: %s", err_last.msg);
	}
	if (r->memory.swappiness.set) {
		if (r->memory.swappiness.v > 100)
			return fail(0, "linux.resources.memory.swappiness: %" PRIu64
				    " is not in 0..100", r->memory.swappiness.v);
		if (wr(d, "memory.swappiness", "memory.swappiness", "%" PRIu64,
		       r->memory.swappiness.v) < 0)
			return -1;
	}
	if (r->memory.disable_oom_killer.set && wr(d, "memory.oom_control",
		"memory.disableOOMKiller", "%d", r->memory.disable_oom_killer.v) < 0)
		return -1;
	/* Always hierarchical since Linux 5.10 (writing 0 is refused). */
	if (r->memory.use_hierarchy.set && wr(d, "memory.use_hierarchy", "memory.useHierarchy",
					      "%d", r->memory.use_hierarchy.v) < 0) {
		if (r->memory.use_hierarchy.v)
			return -1;
		log_debug("ignoring linux.resources.memory.useHierarchy: %s", err_last.msg);
	}
	return 0;
}

int cg_swap_v2(int64_t swap, int64_t mem, int64_t *out)
{
	if (mem == -1 && swap == 0)
		return *out = -1, 0;
	if (swap == -1 || swap == 0)
		return *out = swap, 0;
	if (mem == 0 || mem == -1)
		return fail(0, "linux.resources.memory.swap: cannot set a swap limit without a "
			    "memory limit");
	if (swap < mem)
		return fail(0, "linux.resources.memory.swap: %" PRId64 " (memory+swap) is below "
			    "the memory limit %" PRId64, swap, mem);
	*out = swap - mem;
	return 0;
}

static int wr_max(const char *d, const char *file, const char *field, int64_t v)
{
	return v < 0 ? cg_write(d, file, "max", field) : wr(d, file, field, "%" PRId64, v);
}

static int memory_v2(const char *d, const struct spec_resources *r, bool update)
{
	int64_t limit = r->memory.limit.set ? r->memory.limit.v : 0;
	int64_t swap = r->memory.swap.set ? r->memory.swap.v : 0, sw = 0;

	if (update && r->memory.check_before_update.v &&
	    check_usage(d, "memory.current", limit) < 0)
		return -1;
	if (cg_swap_v2(swap, limit, &sw) < 0)
		return -1;
	/* memory == swap asks for no swap at all: 0, not "leave alone". */
	if ((sw || (swap > 0 && limit > 0)) &&
	    wr_max(d, "memory.swap.max", "memory.swap", sw) < 0)
		return -1;
	if (limit && wr_max(d, "memory.max", "memory.limit", limit) < 0)
		return -1;
	if (r->memory.reservation.set && r->memory.reservation.v &&
	    wr_max(d, "memory.low", "memory.reservation", r->memory.reservation.v) < 0)
		return -1;
	if (r->memory.kernel.set || r->memory.kernel_tcp.set)
		log_debug("ignoring linux.resources.memory.kernel/kernelTCP on cgroup v2");
	return 0;
}

static int cpu_v1(const char *d, const struct spec_resources *r)
{
	bool quota = r->cpu.quota.set && r->cpu.quota.v,
	     period = r->cpu.period.set && r->cpu.period.v;
	bool period_pending = false;

	if (r->cpu.shares.set && r->cpu.shares.v) {
		uint64_t got;

		if (wr(d, "cpu.shares", "cpu.shares", "%" PRIu64, r->cpu.shares.v) < 0)
			return -1;
		/* The kernel clamps silently to 2..262144; say so, as runc. */
		if (read_u64(d, "cpu.shares", &got) == 0 && got != r->cpu.shares.v)
			return fail(0,
				    "linux.resources.cpu.shares: %" PRIu64 " is out of range: the "
				    "kernel set %" PRIu64,
				    r->cpu.shares.v, got);
	}
	/* A smaller period can be refused (EINVAL) until the new quota is in. */
	if (period && wr(d, "cpu.cfs_period_us", "cpu.period", "%" PRIu64, r->cpu.period.v) < 0) {
		if (err_last.no != EINVAL || !quota)
			return -1;
		period_pending = true;
	}
	if (quota && wr(d, "cpu.cfs_quota_us", "cpu.quota", "%" PRId64, r->cpu.quota.v) < 0)
		return -1;
	if (period_pending && wr(d, "cpu.cfs_period_us", "cpu.period", "%" PRIu64,
				 r->cpu.period.v) < 0)
		return -1;
	if (r->cpu.burst.set && wr(d, "cpu.cfs_burst_us", "cpu.burst", "%" PRIu64,
				   r->cpu.burst.v) < 0)
		return -1;
	if (r->cpu.realtime_period.set && r->cpu.realtime_period.v &&
	    wr(d, "cpu.rt_period_us", "cpu.realtimePeriod", "%" PRIu64,
	       r->cpu.realtime_period.v) < 0)
		return -1;
	if (r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.v &&
	    wr(d, "cpu.rt_runtime_us", "cpu.realtimeRuntime", "%" PRId64,
	       r->cpu.realtime_runtime.v) < 0)
		return -1;
	if (r->cpu.idle.set && wr(d, "cpu.idle", "cpu.idle", "%" PRId64, r->cpu.idle.v) < 0)
		return -1;
	return 0;
}

uint64_t cg_cpu_weight(uint64_t s)
{
	if (!s)
		return 0;
	s = s < 2 ? 2 : s > 262144 ? 262144 : s;
	return 1 + ((s - 2) * 9999) / 262142;
}

static int cpu_v2(const char *d, const struct spec_resources *r)
{
	bool quota = r->cpu.quota.set && r->cpu.quota.v,
	     period = r->cpu.period.set && r->cpu.period.v;

	if (r->cpu.shares.set && r->cpu.shares.v &&
	    wr(d, "cpu.weight", "cpu.shares", "%" PRIu64, cg_cpu_weight(r->cpu.shares.v)) < 0)
		return -1;
	/* cpu.max is "QUOTA PERIOD": keep the half that is not being set. */
	if (quota || period) {
		AUTOFREE char *cur = NULL;
		char q[32] = "max";
		uint64_t p = 100000;

		if (cg_read(d, "cpu.max", &cur) == 0 && str_field(cur, 0, q, sizeof(q)))
			str_field_u64(cur, 1, &p);
		if (quota)
			snprintf(q, sizeof(q), r->cpu.quota.v > 0 ? "%" PRId64 : "max",
				 r->cpu.quota.v);
		if (period)
			p = r->cpu.period.v;
		if (wr(d, "cpu.max", quota ? "cpu.quota" : "cpu.period", "%s %" PRIu64, q, p) < 0)
			return -1;
	}
	if (r->cpu.burst.set && wr(d, "cpu.max.burst", "cpu.burst", "%" PRIu64, r->cpu.burst.v) < 0)
		return -1;
	if (r->cpu.idle.set && wr(d, "cpu.idle", "cpu.idle", "%" PRId64, r->cpu.idle.v) < 0)
		return -1;
	return 0;
}

static const struct throttle {
	const char *field, *v1, *v2;
	size_t off_v, off_n;
} throttles[] = {
#define T(f, v1, v2, m) { f, v1, v2, offsetof(struct spec_resources, block_io.m), \
	offsetof(struct spec_resources, block_io.n_##m) }
	T("blockIO.throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps",
	  throttle_read_bps),
	T("blockIO.throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps",
	  throttle_write_bps),
	T("blockIO.throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops",
	  throttle_read_iops),
	T("blockIO.throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops",
	  throttle_write_iops),
#undef T
};

static int blkio(const char *d, bool v2, const struct spec_resources *r)
{
	const char *wfile, *wdfile;
	bool bfq;
	size_t i, k;

	/* BFQ takes the v1 weight range as is; v2 io.weight is 1..10000. */
	bfq = cg_exists(d, v2 ? "io.bfq.weight" : "blkio.bfq.weight");
	wfile = v2 ? (bfq ? "io.bfq.weight" : "io.weight")
		   : (bfq ? "blkio.bfq.weight" : "blkio.weight");
	wdfile = v2 ? wfile : bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
#define CONV(w) (v2 && !bfq ? 1 + ((w) - 10) * 9999 / 990 : (w))
	if (r->block_io.weight.set && r->block_io.weight.v &&
	    wr(d, wfile, "blockIO.weight", "%" PRIu64, CONV(r->block_io.weight.v)) < 0)
		return -1;
	if (r->block_io.leaf_weight.set && wr(d, "blkio.leaf_weight", "blockIO.leafWeight",
					      "%" PRIu64, r->block_io.leaf_weight.v) < 0)
		return -1;
	for (i = 0; i < r->block_io.n_weight_device; i++) {
		const struct spec_weight_dev *w = &r->block_io.weight_device[i];

		if (w->weight.set && wr(d, wdfile, "blockIO.weightDevice", "%" PRId64 ":%" PRId64
					" %" PRIu64, w->major, w->minor, CONV(w->weight.v)) < 0)
			return -1;
		if (w->leaf_weight.set && wr(d, "blkio.leaf_weight_device", "blockIO.weightDevice",
					     "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
					     w->leaf_weight.v) < 0)
			return -1;
	}
#undef CONV
	for (k = 0; k < ARRAY_SIZE(throttles); k++) {
		const struct throttle *t = &throttles[k];
		const struct spec_throttle_dev *v =
			*(struct spec_throttle_dev *const *)((const char *)r + t->off_v);
		size_t n = *(const size_t *)((const char *)r + t->off_n);

		for (i = 0; i < n; i++) {
			int rc;

			if (!v2)
				rc = wr(d, t->v1, t->field, "%" PRId64 ":%" PRId64 " %" PRIu64,
					v[i].major, v[i].minor, v[i].rate);
			else if (v[i].rate)
				rc = wr(d, "io.max", t->field,
					"%" PRId64 ":%" PRId64 " %s=%" PRIu64, v[i].major,
					v[i].minor, t->v2, v[i].rate);
			else
				rc = wr(d, "io.max", t->field, "%" PRId64 ":%" PRId64 " %s=max",
					v[i].major, v[i].minor, t->v2);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

static void dev_rule(char *buf, size_t size, const struct spec_dev_rule *d)
{
	char maj[24] = "*", min[24] = "*";

	if (d->type == 'a' || !d->type) {
		snprintf(buf, size, "a");
		return;
	}
	if (d->major >= 0)
		snprintf(maj, sizeof(maj), "%" PRId64, d->major);
	if (d->minor >= 0)
		snprintf(min, sizeof(min), "%" PRId64, d->minor);
	snprintf(buf, size, "%c %s:%s %s", d->type, maj, min, d->access[0] ? d->access : "rwm");
}

/* v1: start from nothing allowed, then each rule in order (runc's order);
 * v2: the same semantics compiled to eBPF. Exactly the rules given. */
static int devices(const struct cgroup_hier *h, const struct spec_resources *r)
{
	char rule[80];
	size_t i;

	if (h->v2) {
		AUTOCLOSE int fd = openat(AT_FDCWD, h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return fail(errno, "linux.resources.devices: open '%s'", h->dir);
		if (cgroup_bpf_devices(fd, r->devices, r->n_devices) < 0)
			return fail_ctx("linux.resources.devices: '%s'", h->dir);
		return 0;
	}
	if (cg_write(h->dir, "devices.deny", "a", "devices") < 0)
		return -1;
	for (i = 0; i < r->n_devices; i++) {
		dev_rule(rule, sizeof(rule), &r->devices[i]);
		if (cg_write(h->dir, r->devices[i].allow ? "devices.allow" : "devices.deny",
			     rule, "devices") < 0)
			return -1;
	}
	return 0;
}

int cg_apply(const struct cgroup *cg, const struct spec_resources *r, bool update)
{
	const struct cgroup_hier *h;
	size_t i;

	if ((h = cg_hier(cg, CG_CPUSET))) {
		if (r->cpu.cpus && *r->cpu.cpus &&
		    cg_write(h->dir, "cpuset.cpus", r->cpu.cpus, "cpu.cpus") < 0)
			return -1;
		if (r->cpu.mems && *r->cpu.mems &&
		    cg_write(h->dir, "cpuset.mems", r->cpu.mems, "cpu.mems") < 0)
			return -1;
	}
	if (r->n_devices && (h = cg_hier(cg, CG_DEVICES)) && devices(h, r) < 0)
		return -1;
	if (mem_set(r) && (h = cg_hier(cg, CG_MEMORY)) &&
	    (h->v2 ? memory_v2(h->dir, r, update) : memory_v1(h->dir, r, update)) < 0)
		return -1;
	if (cpu_set(r) && (h = cg_hier(cg, CG_CPU)) &&
	    (h->v2 ? cpu_v2(h->dir, r) : cpu_v1(h->dir, r)) < 0)
		return -1;
	/* runtime-spec: -1 is unlimited; 0 too, as runc and crun read it */
	if (r->pids.limit.set && (h = cg_hier(cg, CG_PIDS)) &&
	    wr_max(h->dir, "pids.max", "pids.limit",
		   r->pids.limit.v > 0 ? r->pids.limit.v : -1) < 0)
		return -1;
	if (blkio_set(r) && (h = cg_hier(cg, CG_BLKIO)) && blkio(h->dir, h->v2, r) < 0)
		return -1;
	for (i = 0; i < r->n_hugepage_limits && (h = cg_hier(cg, CG_HUGETLB)); i++) {
		char file[64];

		snprintf(file, sizeof(file), h->v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes",
			 r->hugepage_limits[i].page_size);
		if (wr(h->dir, file, "hugepageLimits", "%" PRIu64, r->hugepage_limits[i].limit) < 0)
			return -1;
	}
	if (r->network.class_id.set && (h = cg_hier(cg, CG_NET_CLS)) &&
	    wr(h->dir, "net_cls.classid", "network.classID", "%" PRIu64, r->network.class_id.v) < 0)
		return -1;
	for (i = 0; i < r->network.n_priorities && (h = cg_hier(cg, CG_NET_PRIO)); i++)
		if (wr(h->dir, "net_prio.ifpriomap", "network.priorities", "%s %u",
		       r->network.priorities[i].name, r->network.priorities[i].priority) < 0)
			return -1;
	for (i = 0; i < r->n_rdma && (h = cg_hier(cg, CG_RDMA)); i++) {
		const struct spec_rdma *d = &r->rdma[i];
		char val[160];
		int n;

		n = snprintf(val, sizeof(val), "%s", d->device);
		if (d->hca_handles.set)
			n += snprintf(val + n, sizeof(val) - n, " hca_handle=%" PRIu64,
				      d->hca_handles.v);
		if (d->hca_objects.set)
			snprintf(val + n, sizeof(val) - n, " hca_object=%" PRIu64,
				 d->hca_objects.v);
		if (cg_write(h->dir, "rdma.max", val, "rdma") < 0)
			return -1;
	}
	/* Last, so that raw keys win over the converted values (as runc). */
	for (i = 0; i < r->unified.n && cg->v2 >= 0 && cg->h[cg->v2].dir[0]; i++)
		if (cg_write(cg->h[cg->v2].dir, r->unified.v[i].key, r->unified.v[i].value,
			     "unified") < 0)
			return -1;
	return 0;
}

/* The device rules the cgroup gets: the config's, then, as runc does, the
 * default nodes every container needs and the linux.devices it creates
 * (later rules win, so these survive a leading "deny all"). In S's arena. */
void cgroup_device_rules(struct spec *s, struct spec_resources *r)
{
	static const struct spec_dev_rule defaults[] = {
		{ true, 'c', -1, -1, "m" }, { true, 'b', -1, -1, "m" },
		{ true, 'c', 1, 3, "rwm" }, { true, 'c', 1, 5, "rwm" },
		{ true, 'c', 1, 7, "rwm" }, { true, 'c', 1, 8, "rwm" },
		{ true, 'c', 1, 9, "rwm" }, { true, 'c', 5, 0, "rwm" },
		{ true, 'c', 5, 2, "rwm" }, { true, 'c', 136, -1, "rwm" },
		{ true, 'c', 10, 200, "rwm" },
	};
	const struct spec_linux *lx = &s->linux;
	size_t i, n = 0, cap = r->n_devices + ARRAY_SIZE(defaults) + lx->n_devices;
	struct spec_dev_rule *v = spec_alloc(s, cap, sizeof(*v));

	for (i = 0; i < r->n_devices; i++)
		v[n++] = r->devices[i];
	for (i = 0; i < ARRAY_SIZE(defaults); i++)
		v[n++] = defaults[i];
	for (i = 0; i < lx->n_devices; i++) {
		const struct spec_device *d = &lx->devices[i];

		if (d->type == 'p')
			continue;
		v[n++] = (struct spec_dev_rule){ true, d->type == 'b' ? 'b' : 'c',
						  d->major, d->minor, "rwm" };
	}
	r->devices = v;
	r->n_devices = n;
}
