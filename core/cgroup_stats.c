/* SPDX-License-Identifier: MIT */
/* cgroup_stats: runc's `events --stats` data from the container's cgroup
 * files (cpu, memory, pids, blkio, hugetlb), v1 and v2 alike. Zero members
 * are left out, as Go's omitempty does. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cgroup_int.h"
#include "core/err.h"
#include "core/util.h"

static void key_u64(struct jw *w, const char *k, uint64_t v, bool always)
{
	if (!v && !always)
		return;
	jw_key(w, k);
	jw_u64(w, v);
}

static uint64_t file_u64(const char *dir, const char *file)
{
	AUTOFREE char *buf = NULL;

	if (cg_read(dir, file, &buf) < 0 || !strncmp(buf, "max", 3))
		return 0;
	return strtoull(buf, NULL, 10);
}

static uint64_t kv_u64(const char *buf, const char *key)
{
	uint64_t v = 0;

	return buf && cg_kv(buf, key, &v) == 0 ? v : 0;
}

static void stats_cpu(struct jw *w, const struct cgroup *cg)
{
	const struct cgroup_hier *acct = cg_hier(cg, CG_CPUACCT), *cpu = cg_hier(cg, CG_CPU);
	AUTOFREE char *stat = NULL, *percpu = NULL, *ustat = NULL;
	uint64_t total, user, sys;

	if (!acct && !cpu)
		return;
	jw_key(w, "cpu");
	jw_obj_begin(w);
	jw_key(w, "usage");
	jw_obj_begin(w);
	if (acct && acct->v2) {
		cg_read(acct->dir, "cpu.stat", &stat);
		total = kv_u64(stat, "usage_usec") * 1000;
		user = kv_u64(stat, "user_usec") * 1000;
		sys = kv_u64(stat, "system_usec") * 1000;
	} else if (acct) {
		total = file_u64(acct->dir, "cpuacct.usage");
		cg_read(acct->dir, "cpuacct.stat", &ustat);
		/* USER_HZ ticks */
		user = kv_u64(ustat, "user") * (1000000000 / sysconf(_SC_CLK_TCK));
		sys = kv_u64(ustat, "system") * (1000000000 / sysconf(_SC_CLK_TCK));
		if (cg_read(acct->dir, "cpuacct.usage_percpu", &percpu) == 0) {
			char *p = percpu, *e;

			jw_key(w, "percpu");
			jw_arr_begin(w);
			for (;;) {
				uint64_t v = strtoull(p, &e, 10);

				if (e == p)
					break;
				jw_u64(w, v);
				p = e;
			}
			jw_arr_end(w);
		}
	} else {
		total = user = sys = 0;
	}
	key_u64(w, "total", total, false);
	key_u64(w, "kernel", sys, true);
	key_u64(w, "user", user, true);
	jw_obj_end(w);
	if (cpu) {
		AUTOFREE char *cs = NULL;

		cg_read(cpu->dir, "cpu.stat", &cs);
		jw_key(w, "throttling");
		jw_obj_begin(w);
		key_u64(w, "periods", kv_u64(cs, "nr_periods"), false);
		key_u64(w, "throttledPeriods", kv_u64(cs, "nr_throttled"), false);
		key_u64(w, "throttledTime", cpu->v2 ? kv_u64(cs, "throttled_usec") * 1000 :
			kv_u64(cs, "throttled_time"), false);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static void mem_entry(struct jw *w, const char *name, uint64_t limit, uint64_t usage,
		      uint64_t max, uint64_t failcnt)
{
	jw_key(w, name);
	jw_obj_begin(w);
	key_u64(w, "limit", limit, true);
	key_u64(w, "usage", usage, false);
	key_u64(w, "max", max, false);
	key_u64(w, "failcnt", failcnt, true);
	jw_obj_end(w);
}

static uint64_t limit_u64(const char *dir, const char *file)
{
	AUTOFREE char *buf = NULL;

	if (cg_read(dir, file, &buf) < 0)
		return 0;
	return !strncmp(buf, "max", 3) ? UINT64_MAX : strtoull(buf, NULL, 10);
}

static void stats_memory(struct jw *w, const struct cgroup *cg)
{
	const struct cgroup_hier *h = cg_hier(cg, CG_MEMORY);
	AUTOFREE char *stat = NULL, *events = NULL;
	const char *d;
	char *p, *e;

	if (!h)
		return;
	d = h->dir;
	cg_read(d, "memory.stat", &stat);
	jw_key(w, "memory");
	jw_obj_begin(w);
	key_u64(w, "cache", kv_u64(stat, h->v2 ? "file" : "cache"), false);
	if (h->v2) {
		uint64_t cur = file_u64(d, "memory.current"),
			 sw = file_u64(d, "memory.swap.current");
		uint64_t lim = limit_u64(d, "memory.max"), swl = limit_u64(d, "memory.swap.max");

		cg_read(d, "memory.events", &events);
		mem_entry(w, "usage", lim, cur, file_u64(d, "memory.peak"), kv_u64(events, "max"));
		/* v1 reports memory+swap: add them up for compatibility (runc). */
		mem_entry(w, "swap",
			  swl == UINT64_MAX || lim == UINT64_MAX ? UINT64_MAX : swl + lim, sw + cur,
			  0, 0);
	} else {
		mem_entry(w, "usage", limit_u64(d, "memory.limit_in_bytes"),
			  file_u64(d, "memory.usage_in_bytes"),
			  file_u64(d, "memory.max_usage_in_bytes"), file_u64(d, "memory.failcnt"));
		mem_entry(w, "swap", limit_u64(d, "memory.memsw.limit_in_bytes"),
			  file_u64(d, "memory.memsw.usage_in_bytes"),
			  file_u64(d, "memory.memsw.max_usage_in_bytes"),
			  file_u64(d, "memory.memsw.failcnt"));
		mem_entry(w, "kernel", limit_u64(d, "memory.kmem.limit_in_bytes"),
			  file_u64(d, "memory.kmem.usage_in_bytes"),
			  file_u64(d, "memory.kmem.max_usage_in_bytes"),
			  file_u64(d, "memory.kmem.failcnt"));
	}
	if (stat) {
		jw_key(w, "raw");
		jw_obj_begin(w);
		for (p = stat; *p; p = *e ? e + 1 : e) {
			char *sp, key[128];

			e = strchrnul(p, '\n');
			if (!(sp = memchr(p, ' ', e - p)))
				continue;
			snprintf(key, sizeof(key), "%.*s", (int)(sp - p), p);
			jw_key(w, key);
			jw_u64(w, strtoull(sp + 1, NULL, 10));
		}
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static void stats_blkio(struct jw *w, const struct cgroup *cg)
{
	const struct cgroup_hier *h = cg_hier(cg, CG_BLKIO);
	static const char *const keys[] = { "ioServiceBytesRecursive", "ioServicedRecursive" };
	int k;

	if (!h)
		return;
	jw_key(w, "blkio");
	jw_obj_begin(w);
	for (k = 0; k < 2; k++) {
		AUTOFREE char *buf = NULL;
		char *p, *e;

		if (cg_read(h->dir, h->v2 ? "io.stat" : k ? "blkio.throttle.io_serviced_recursive" :
			    "blkio.throttle.io_service_bytes_recursive", &buf) < 0)
			continue;
		jw_key(w, keys[k]);
		jw_arr_begin(w);
		for (p = buf; *p; p = *e ? e + 1 : e) {
			unsigned maj, min;
			char op[16];
			uint64_t v = 0, rd = 0, wrt = 0;
			char *q, *r;

			e = strchrnul(p, '\n');
			/* "MAJ:MIN ..." */
			maj = strtoul(p, &q, 10);
			if (q == p || *q != ':')
				continue;
			min = strtoul(q + 1, &r, 10);
			if (r == q + 1)
				continue;
			if (!h->v2) {
				if (!str_field(p, 1, op, sizeof(op)) || !str_field_u64(p, 2, &v))
					continue;
				jw_obj_begin(w);
				key_u64(w, "major", maj, false);
				key_u64(w, "minor", min, false);
				jw_key(w, "op");
				jw_str(w, op);
				key_u64(w, "value", v, false);
				jw_obj_end(w);
				continue;
			}
			if ((q = strstr(p, k ? "rios=" : "rbytes=")) && q < e)
				rd = strtoull(strchr(q, '=') + 1, NULL, 10);
			if ((q = strstr(p, k ? "wios=" : "wbytes=")) && q < e)
				wrt = strtoull(strchr(q, '=') + 1, NULL, 10);
			jw_obj_begin(w);
			key_u64(w, "major", maj, false);
			key_u64(w, "minor", min, false);
			jw_key(w, "op");
			jw_str(w, "Read");
			key_u64(w, "value", rd, false);
			jw_obj_end(w);
			jw_obj_begin(w);
			key_u64(w, "major", maj, false);
			key_u64(w, "minor", min, false);
			jw_key(w, "op");
			jw_str(w, "Write");
			key_u64(w, "value", wrt, false);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void stats_hugetlb(struct jw *w, const struct cgroup *cg)
{
	const struct cgroup_hier *h = cg_hier(cg, CG_HUGETLB);
	DIR *d;
	struct dirent *de;

	if (!h || !(d = opendir("/sys/kernel/mm/hugepages")))
		return;
	jw_key(w, "hugetlb");
	jw_obj_begin(w);
	while ((de = readdir(d))) {
		unsigned long kb;
		char size[32], file[96], *end;
		AUTOFREE char *ev = NULL;

		/* "hugepages-2048kB" */
		if (!has_prefix(de->d_name, "hugepages-"))
			continue;
		kb = strtoul(de->d_name + 10, &end, 10);
		if (end == de->d_name + 10)
			continue;
		if (kb >= 1 << 20)
			snprintf(size, sizeof(size), "%luGB", kb >> 20);
		else if (kb >= 1 << 10)
			snprintf(size, sizeof(size), "%luMB", kb >> 10);
		else
			snprintf(size, sizeof(size), "%luKB", kb);
		jw_key(w, size);
		jw_obj_begin(w);
		snprintf(file, sizeof(file),
			 h->v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size);
		key_u64(w, "usage", file_u64(h->dir, file), false);
		if (!h->v2) {
			snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
			key_u64(w, "max", file_u64(h->dir, file), false);
			snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
			key_u64(w, "failcnt", file_u64(h->dir, file), true);
		} else {
			snprintf(file, sizeof(file), "hugetlb.%s.events", size);
			cg_read(h->dir, file, &ev);
			key_u64(w, "failcnt", kv_u64(ev, "max"), true);
		}
		jw_obj_end(w);
	}
	closedir(d);
	jw_obj_end(w);
}

int cgroup_stats(const struct cgroup *cg, struct jw *w)
{
	const struct cgroup_hier *h;

	jw_obj_begin(w);
	stats_cpu(w, cg);
	stats_memory(w, cg);
	if ((h = cg_hier(cg, CG_PIDS))) {
		jw_key(w, "pids");
		jw_obj_begin(w);
		key_u64(w, "current", file_u64(h->dir, "pids.current"), false);
		key_u64(w, "limit", file_u64(h->dir, "pids.max"), false);
		jw_obj_end(w);
	}
	stats_blkio(w, cg);
	stats_hugetlb(w, cg);
	jw_obj_end(w);
	return 0;
}
