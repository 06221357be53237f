/* SPDX-License-Identifier: MIT */
/* Unit test of core/cgroup on the real kernel, as root: every resource class
 * this host has, read back from the kernel files and, where observable,
 * enforced by children moved into the cgroups. Runs on the v1/hybrid host and
 * inside the pure v2 VM (make test-vm). Everything lives below one unique
 * prefix, /ocibox-test-PID, removed at exit even on failure. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/err.h"
#include "core/json.h"
#include "core/util.h"
#include "test/unit/check.h"

/* CHECK_NAMED that also yields the result, to stop a test early. */
#define CHECK_NAMED_RET(expr, ...) ({ int ok_ = !!(expr); CHECK_NAMED(ok_, __VA_ARGS__); ok_; })
/* Print err_last under a failed CHECK. */
#define CHECK_OK(expr, ...) do { err_last.msg[0] = '\0'; \
	if (!CHECK_NAMED_RET(expr, __VA_ARGS__)) printf("    %s\n", err_last.msg); } while (0)

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* cgroup_destroy warns rather than fails (an undo step): check the
 * directories are gone. */
static bool destroyed(const struct cgroup *cg)
{
	int i;

	cgroup_destroy(cg);
	for (i = 0; i < cg->n; i++)
		if (cg->h[i].dir[0] && access(cg->h[i].dir, F_OK) == 0)
			return false;
	return true;
}

static char prefix[64];
static struct cgroup top;   /* the prefix itself: for cleanup */
static bool have_top;

/* ---- cleanup that does not trust the code under test ---- */

static void kill_tree(const char *dir, bool v2)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/%s", dir, v2 ? "cgroup.freeze" : "freezer.state");
	if (access(path, F_OK) == 0)
		write_file_at(AT_FDCWD, path, v2 ? "0" : "THAWED");
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (read_file_at(AT_FDCWD, path, &buf, &len) == 0) {
		char *p = buf, *e;

		for (long pid; (pid = strtol(p, &e, 10)) > 0; p = e)
			kill((pid_t)pid, SIGKILL);
		free(buf);
	}
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			kill_tree(path, v2);
		}
	closedir(d);
}

static void rm_tree(const char *dir)
{
	char path[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *de;
	int i;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			rm_tree(path);
		}
	closedir(d);
	for (i = 0; i < 200 && rmdir(dir) < 0 && errno == EBUSY; i++)
		usleep(10000);
}

static void cleanup(void)
{
	char dir[PATH_MAX];
	int i;

	if (!have_top)
		return;
	have_top = false;
	for (i = 0; i < top.n; i++) {
		snprintf(dir, sizeof(dir), "%s%s", top.h[i].mnt, prefix);
		kill_tree(dir, top.h[i].v2);
	}
	for (i = 0; i < top.n; i++) {
		snprintf(dir, sizeof(dir), "%s%s", top.h[i].mnt, prefix);
		rm_tree(dir);
	}
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- helpers ---- */

static char *rd(const struct cgroup *cg, enum cgroup_ctl c, const char *file)
{
	static char buf[4096];
	char path[PATH_MAX], *p = NULL;
	size_t len;

	buf[0] = '\0';
	if (!cgroup_dir(cg, c))
		return buf;
	snprintf(path, sizeof(path), "%s/%s", cgroup_dir(cg, c), file);
	if (read_file_at(AT_FDCWD, path, &p, &len) == 0) {
		snprintf(buf, sizeof(buf), "%s", p);
		free(p);
		len = strlen(buf);
		while (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
	}
	return buf;
}

static bool rd_eq(const struct cgroup *cg, enum cgroup_ctl c, const char *file, const char *want)
{
	const char *got = rd(cg, c, file);

	if (strcmp(got, want))
		printf("    %s: got '%s', want '%s'\n", file, got, want);
	return !strcmp(got, want);
}

static bool is_v2(const struct cgroup *cg, enum cgroup_ctl c)
{
	return cg->ctl[c] >= 0 && cg->h[cg->ctl[c]].v2;
}

static bool mk(struct cgroup *cg, const char *name, const struct spec_resources *r)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", prefix, name);
	if (cgroup_init(cg, path, NULL) < 0 || cgroup_create(cg, r) < 0) {
		printf("    create %s: %s\n", path, err_last.msg);
		return false;
	}
	return true;
}

typedef int (*child_fn)(void *arg);

/* Fork a child that waits until the parent has moved it into CG, then runs
 * FN. Returns its pid (the caller waits), or -1. */
static pid_t spawn(const struct cgroup *cg, child_fn fn, void *arg)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		have_top = false;  /* cleanup is the parent's job */
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(99);
		_exit(fn(arg));
	}
	close(p[0]);
	if (pid > 0 && cgroup_enter(cg, pid) < 0) {
		printf("    enter: %s\n", err_last.msg);
		kill(pid, SIGKILL);
	}
	if (write(p[1], "x", 1) != 1) {
		/* the child is gone already; waitpid tells */
	}
	close(p[1]);
	return pid;
}

static int wait_status(pid_t pid)
{
	int st = -1;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static NORETURN int do_pause(void *arg)
{
	(void)arg;
	for (;;)
		pause();
}

static NORETURN int do_spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
}

/* Fork until the pids limit refuses; exit 0 when fork failed with EAGAIN
 * before reaching the 64 forks a limit of 8 allows. */
static int do_forkbomb(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 64; i++) {
		pid_t c = fork();

		if (c == 0)
			do_pause(NULL);
		if (c < 0)
			return errno == EAGAIN ? 0 : 2;
	}
	return 1;
}

static int do_hog(void *arg)
{
	size_t n = (size_t)arg, i;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 3;
	for (i = 0; i < n; i += 4096)
		p[i] = 1;
	return 0;
}

/* Touch ARG bytes and hold them. */
static int do_hold(void *arg)
{
	do_hog(arg);
	return do_pause(NULL);
}

/* Exit 0 when /dev/null is refused with EPERM and /dev/zero opens. */
static int do_devices(void *arg)
{
	int fn = open("/dev/null", O_RDWR), en = errno;
	int fz = open("/dev/zero", O_RDONLY);

	(void)arg;
	if (fn >= 0)
		return 1;
	if (en != EPERM)
		return 2;
	return fz >= 0 ? 0 : 3;
}

static uint64_t cpu_usage_ns(const struct cgroup *cg)
{
	const char *s;

	if (is_v2(cg, CG_CPUACCT)) {
		s = strstr(rd(cg, CG_CPUACCT, "cpu.stat"), "usage_usec ");
		return s ? strtoull(s + 11, NULL, 10) * 1000 : 0;
	}
	return strtoull(rd(cg, CG_CPUACCT, "cpuacct.usage"), NULL, 10);
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const char *expected_layout(void)
{
	struct statfs s;

	if (statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == 0x63677270)
		return "v2";
	if (statfs("/sys/fs/cgroup/unified", &s) == 0 && s.f_type == 0x63677270)
		return "hybrid";
	return "v1";
}

/* "maj:min" of a whole disk from /proc/partitions, for blkio throttles. */
static bool find_disk(int64_t *maj, int64_t *min)
{
	FILE *f = fopen("/proc/partitions", "re");
	char line[256], name[64];
	unsigned a, b;
	unsigned long long blocks;
	bool ok = false;

	if (!f)
		return false;
	while (!ok && fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u %llu %63s", &a, &b, &blocks, name) == 4 && blocks &&
		    strncmp(name, "zram", 4) && strncmp(name, "ram", 3)) {
			*maj = a;
			*min = b;
			ok = true;
		}
	fclose(f);
	return ok;
}

static bool cg_exists_w(const struct cgroup *cg)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/blkio.bfq.weight", cgroup_dir(cg, CG_BLKIO));
	return access(p, F_OK) == 0;
}

static bool is_bfq(const char *file)
{
	char *buf = NULL;
	size_t len;
	bool yes = read_file_at(AT_FDCWD, file, &buf, &len) == 0 && strstr(buf, "[bfq]");

	free(buf);
	return yes;
}

static void problems_cb(void *ctx, const char *msg)
{
	char *buf = ctx;

	if (!buf[0])
		snprintf(buf, 512, "%s", msg);
}

/* ---- the tests ---- */

static void test_paths(void)
{
	struct cgroup cg, cg2;
	char own[512] = "", line[600];
	FILE *f;
	int i, ok;

	CHECK_NAMED(cgroup_init(&cg, "/ocibox-x/a//b/", NULL) == 0, "init absolute path");
	CHECK_NAMED(str_eq(cgroup_layout_name[cg.layout], expected_layout()),
		    "layout detected: %s (statfs says %s)", cgroup_layout_name[cg.layout],
		    expected_layout());
	for (i = 0, ok = 1; i < cg.n; i++) {
		char want[1400];

		snprintf(want, sizeof(want), "%s/ocibox-x/a/b", cg.h[i].mnt);
		ok &= str_eq(cg.h[i].rel, "/ocibox-x/a/b") && str_eq(cg.h[i].dir, want);
	}
	CHECK_NAMED(ok && cg.n > 0, "absolute path is below each of the %d hierarchy roots", cg.n);
	CHECK_NAMED(str_eq(cgroup_path(&cg), "/ocibox-x/a/b"), "cgroup_path of an absolute path");
	CHECK_NAMED(access(cg.h[0].dir, F_OK) < 0, "init has no side effects");

	CHECK_NAMED(cgroup_init(&cg, NULL, "c9") == 0 && str_eq(cgroup_path(&cg), "/ocibox/c9"),
		    "default path /ocibox/ID");
	CHECK_NAMED(cgroup_init(&cg, "", "c9") == 0 && str_eq(cgroup_path(&cg), "/ocibox/c9"),
		    "empty path is the default");
	CHECK_NAMED(cgroup_init(&cg, "system.slice:docker:abc", "c9") < 0 &&
		    strstr(err_last.msg, "needs --systemd-cgroup"),
		    "systemd form refused without --systemd-cgroup: %s", err_last.msg);
	CHECK_NAMED(cgroup_init(&cg, "/a/../../etc", "c9") < 0 && strstr(err_last.msg, ".."),
		    "'..' refused");

	/* Relative: below our own cgroup, per hierarchy (differs on this host's
	 * memory hierarchy, which holds the supervisor's cgroup). */
	CHECK_NAMED(cgroup_init(&cg, "rel/x", NULL) == 0, "init relative path");
	if ((f = fopen("/proc/self/cgroup", "re"))) {
		while (fgets(line, sizeof(line), f)) {
			char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;

			if (!p)
				continue;
			*p++ = '\0';
			p[strcspn(p, "\n")] = '\0';
			if (is_v2(&cg, CG_CPUACCT) ? c[1] == '\0' : str_eq(c + 1, "memory") ||
			    str_eq(c + 1, "cpu") || str_eq(c + 1, "cpu,cpuacct")) {
				snprintf(own, sizeof(own), "%s/rel/x", str_eq(p, "/") ? "" : p);
				break;
			}
		}
		fclose(f);
	}
	{
		const char *d = cgroup_dir(&cg, is_v2(&cg, CG_CPUACCT) ? CG_CPUACCT :
					   cgroup_dir(&cg, CG_MEMORY) ? CG_MEMORY : CG_CPU);
		CHECK_NAMED(d && own[0] && strstr(d, own) &&
				    str_eq(d + strlen(d) - strlen(own), own),
			    "relative path is below the runtime's own cgroup (%s)", own);
	}
	CHECK_NAMED(cgroup_init_path(&cg2, cgroup_path(&cg)) == 0 &&
		    !memcmp(cg.h[0].dir, cg2.h[0].dir, sizeof(cg.h[0].dir)) &&
		    str_eq(cg.h[cg.n - 1].dir, cg2.h[cg.n - 1].dir),
		    "cgroup_init_path restores the same directories");
}

static void fill_all(struct spec_resources *r, bool v2_cpu)
{
	memset(r, 0, sizeof(*r));
	r->memory.limit = (struct opt_i64){ 64 << 20, true };
	r->memory.reservation = (struct opt_i64){ 32 << 20, true };
	r->memory.swap = (struct opt_i64){ 128 << 20, true };
	r->memory.kernel = (struct opt_i64){ 256 << 20, true };
	r->memory.kernel_tcp = (struct opt_i64){ 16 << 20, true };
	r->memory.use_hierarchy = (struct opt_bool){ true, true };
	if (!v2_cpu) {
		r->memory.swappiness = (struct opt_u64){ 10, true };
		r->memory.disable_oom_killer = (struct opt_bool){ false, true };
	}
	r->cpu.shares = (struct opt_u64){ 512, true };
	r->cpu.quota = (struct opt_i64){ 50000, true };
	r->cpu.period = (struct opt_u64){ 100000, true };
	r->cpu.burst = (struct opt_u64){ 1000, true };
	r->cpu.idle = (struct opt_i64){ 0, true };
	r->cpu.cpus = "0";
	r->cpu.mems = "0";
	r->pids.limit = (struct opt_i64){ 64, true };
}

static void test_create_all(struct cgroup *cg)
{
	static struct spec_hugepage huge[] = { { "2MB", 4 << 20 } };
	static struct spec_throttle_dev thr[1];
	static struct spec_weight_dev wdev[1];
	static struct kv uni[] = { { "cgroup.max.descendants", "7" } };
	struct spec_resources r;
	bool disk = find_disk(&thr[0].major, &thr[0].minor);
	bool bfq_disk = false;
	bool v2mem, v2cpu, v2io;
	char want[128];

	snprintf(want, sizeof(want), "%s/all", prefix);
	if (!CHECK_NAMED_RET(cgroup_init(cg, want, NULL) == 0, "init %s", want))
		return;
	v2mem = is_v2(cg, CG_MEMORY);
	v2cpu = is_v2(cg, CG_CPU);
	v2io = is_v2(cg, CG_BLKIO);
	fill_all(&r, v2cpu);
	if (!v2cpu && cg->ctl[CG_CPU] >= 0 &&
	    access("/sys/fs/cgroup/cpu/cpu.rt_runtime_us", F_OK) == 0) {
		char d[PATH_MAX];

		/* A child's realtime budget comes out of its parent's. */
		snprintf(d, sizeof(d), "%s%s/cpu.rt_runtime_us", top.h[top.ctl[CG_CPU]].mnt,
			 prefix);
		CHECK_NAMED(write_file_at(AT_FDCWD, d, "20000") == 0, "prefix gets an rt budget");
		r.cpu.realtime_period = (struct opt_u64){ 1000000, true };
		r.cpu.realtime_runtime = (struct opt_i64){ 10000, true };
	}
	r.block_io.weight = (struct opt_u64){ 200, true };
	if (disk) {
		char sched[128];

		thr[0].rate = 1 << 20;
		r.block_io.throttle_read_bps = thr;
		r.block_io.n_throttle_read_bps = 1;
		r.block_io.throttle_write_iops = thr;
		r.block_io.n_throttle_write_iops = 1;
		/* per-device BFQ weights need BFQ as that disk's scheduler */
		snprintf(sched, sizeof(sched), "/sys/dev/block/%lld:%lld/queue/scheduler",
			 (long long)thr[0].major, (long long)thr[0].minor);
		bfq_disk = is_bfq(sched);
		if (bfq_disk) {
			wdev[0] = (struct spec_weight_dev){ thr[0].major, thr[0].minor,
							    { 300, true }, { 0, false } };
			r.block_io.weight_device = wdev;
			r.block_io.n_weight_device = 1;
		}
	}
	if (cgroup_dir(cg, CG_HUGETLB) &&
	    access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0) {
		r.hugepage_limits = huge;
		r.n_hugepage_limits = 1;
	}
	if (cg->v2 >= 0) {
		r.unified.v = uni;
		r.unified.n = 1;
	}
	err_last.msg[0] = '\0';
	if (!CHECK_NAMED_RET(cgroup_create(cg, &r) == 0, "create with every resource class this "
			     "host has")) {
		printf("    %s\n", err_last.msg);
		return;
	}
	/* memory */
	if (v2mem) {
		CHECK(rd_eq(cg, CG_MEMORY, "memory.max", "67108864"));
		CHECK(rd_eq(cg, CG_MEMORY, "memory.low", "33554432"));
		CHECK_NAMED(rd_eq(cg, CG_MEMORY, "memory.swap.max", "67108864"),
			    "memory.swap.max = swap - limit");
	} else {
		CHECK(rd_eq(cg, CG_MEMORY, "memory.limit_in_bytes", "67108864"));
		CHECK(rd_eq(cg, CG_MEMORY, "memory.soft_limit_in_bytes", "33554432"));
		CHECK_NAMED(rd_eq(cg, CG_MEMORY, "memory.memsw.limit_in_bytes", "134217728"),
			    "memory.memsw.limit_in_bytes = swap (memory+swap)");
		CHECK(rd_eq(cg, CG_MEMORY, "memory.kmem.tcp.limit_in_bytes", "16777216"));
		CHECK(rd_eq(cg, CG_MEMORY, "memory.swappiness", "10"));
		CHECK(strstr(rd(cg, CG_MEMORY, "memory.oom_control"), "oom_kill_disable 0"));
		CHECK(rd_eq(cg, CG_MEMORY, "memory.use_hierarchy", "1"));
	}
	/* cpu */
	if (v2cpu) {
		CHECK_NAMED(rd_eq(cg, CG_CPU, "cpu.weight", "20"),
			    "cpu.weight from shares 512 = 20");
		CHECK(rd_eq(cg, CG_CPU, "cpu.max", "50000 100000"));
		CHECK(rd_eq(cg, CG_CPU, "cpu.max.burst", "1000"));
		CHECK(rd_eq(cg, CG_CPU, "cpu.idle", "0"));
	} else {
		CHECK(rd_eq(cg, CG_CPU, "cpu.shares", "512"));
		CHECK(rd_eq(cg, CG_CPU, "cpu.cfs_quota_us", "50000"));
		CHECK(rd_eq(cg, CG_CPU, "cpu.cfs_period_us", "100000"));
		CHECK(rd_eq(cg, CG_CPU, "cpu.cfs_burst_us", "1000"));
		CHECK(rd_eq(cg, CG_CPU, "cpu.idle", "0"));
		if (r.cpu.realtime_runtime.set) {
			CHECK(rd_eq(cg, CG_CPU, "cpu.rt_period_us", "1000000"));
			CHECK(rd_eq(cg, CG_CPU, "cpu.rt_runtime_us", "10000"));
		}
	}
	CHECK(rd_eq(cg, CG_CPUSET, "cpuset.cpus", "0"));
	CHECK(rd_eq(cg, CG_CPUSET, "cpuset.mems", "0"));
	CHECK(rd_eq(cg, CG_PIDS, "pids.max", "64"));
	/* blkio / io */
	if (v2io) {
		const char *wf = "io.weight";

		snprintf(want, sizeof(want), "%s/io.bfq.weight", cgroup_dir(cg, CG_BLKIO));
		if (access(want, F_OK) == 0)
			wf = "io.bfq.weight";

		CHECK_NAMED(strstr(rd(cg, CG_BLKIO, wf), str_eq(wf, "io.weight") ? "default 1920" :
				   "default 200"), "%s from blkio weight 200", wf);
		if (disk) {
			snprintf(want, sizeof(want),
				 "%lld:%lld rbps=1048576 wbps=max riops=max wiops=1048576",
				 (long long)thr[0].major, (long long)thr[0].minor);
			CHECK_NAMED(strstr(rd(cg, CG_BLKIO, "io.max"), want), "io.max has '%s'",
				    want);
			snprintf(want, sizeof(want), "%lld:%lld 300", (long long)thr[0].major,
				 (long long)thr[0].minor);
			if (bfq_disk)
				CHECK_NAMED(strstr(rd(cg, CG_BLKIO, "io.bfq.weight"), want),
					    "io.bfq.weight has '%s'", want);
		}
	} else if (cgroup_dir(cg, CG_BLKIO)) {
		const char *wt = cg_exists_w(cg) ? "blkio.bfq.weight" : "blkio.weight";

		CHECK_NAMED(strstr(rd(cg, CG_BLKIO, wt), "200"), "%s 200", wt);
		if (disk) {
			snprintf(want, sizeof(want), "%lld:%lld 1048576", (long long)thr[0].major,
				 (long long)thr[0].minor);
			CHECK(rd_eq(cg, CG_BLKIO, "blkio.throttle.read_bps_device", want));
			CHECK(rd_eq(cg, CG_BLKIO, "blkio.throttle.write_iops_device", want));
			snprintf(want, sizeof(want), "%lld:%lld 300", (long long)thr[0].major,
				 (long long)thr[0].minor);
			if (bfq_disk)
				CHECK(strstr(rd(cg, CG_BLKIO, "blkio.bfq.weight_device"), want));
		}
	}
	if (!disk)
		printf("SKIP: cgroup: blkio throttles: no disk in /proc/partitions\n");
	/* hugetlb: on a hybrid host through the cgroup2 mount */
	if (r.n_hugepage_limits) {
		bool v2h = is_v2(cg, CG_HUGETLB);

		CHECK(rd_eq(cg, CG_HUGETLB, v2h ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes",
			    "4194304"));
		if (cg->layout == CGROUP_HYBRID)
			CHECK_NAMED(v2h && has_prefix(cgroup_dir(cg, CG_HUGETLB),
						      cg->h[cg->v2].mnt),
				    "hybrid: hugepageLimits go to the cgroup2 mount %s",
				    cg->h[cg->v2].mnt);
	} else {
		printf("SKIP: cgroup: hugetlb: no controller or no 2MB pages\n");
	}
	if (cg->v2 >= 0) {
		char p[PATH_MAX], *buf = NULL;
		size_t len;

		snprintf(p, sizeof(p), "%s/cgroup.max.descendants", cg->h[cg->v2].dir);
		CHECK_NAMED(read_file_at(AT_FDCWD, p, &buf, &len) == 0 && !strcmp(buf, "7\n"),
			    "unified key written to the v2 cgroup");
		free(buf);
	}
}

static void test_check(const struct cgroup *cg)
{
	struct spec_resources r;
	struct spec_net_prio prio = { "lo", 3 };
	struct spec_rdma rdma = { "mlx5_0", { 1, true }, { 0, false } };
	struct kv uni = { "memory.max", "1" };
	char msg[512];
	int n;

	memset(&r, 0, sizeof(r));
	CHECK_NAMED(cgroup_check(cg, &r, problems_cb, msg) == 0, "no resources, no problems");
	if (!cgroup_dir(cg, CG_NET_CLS)) {
		msg[0] = '\0';
		r.network.class_id = (struct opt_u64){ 0x100001, true };
		n = cgroup_check(cg, &r, problems_cb, msg);
		CHECK_NAMED(n == 1 && str_eq(msg, "linux.resources.network.classID: net_cls "
					     "controller not available on this host"), "%s", msg);
		memset(&r, 0, sizeof(r));
	}
	if (!cgroup_dir(cg, CG_NET_PRIO)) {
		msg[0] = '\0';
		r.network.priorities = &prio;
		r.network.n_priorities = 1;
		CHECK_NAMED(cgroup_check(cg, &r, problems_cb, msg) == 1, "%s", msg);
		memset(&r, 0, sizeof(r));
	}
	if (!cgroup_dir(cg, CG_RDMA)) {
		msg[0] = '\0';
		r.rdma = &rdma;
		r.n_rdma = 1;
		CHECK_NAMED(cgroup_check(cg, &r, problems_cb, msg) == 1 && strstr(msg, "rdma"),
			    "%s", msg);
		memset(&r, 0, sizeof(r));
	}
	if (cg->layout == CGROUP_HYBRID || cg->layout == CGROUP_V1) {
		msg[0] = '\0';
		r.unified.v = &uni;
		r.unified.n = 1;
		CHECK_NAMED(cgroup_check(cg, &r, problems_cb, msg) == 1 &&
			    strstr(msg, "linux.resources.unified"), "%s", msg);
		memset(&r, 0, sizeof(r));
	}
	if (is_v2(cg, CG_CPU)) {
		msg[0] = '\0';
		r.cpu.realtime_runtime = (struct opt_i64){ 1000, true };
		r.memory.swappiness = (struct opt_u64){ 1, true };
		CHECK_NAMED(cgroup_check(cg, &r, problems_cb, msg) == 2,
			    "v2: realtime and swappiness refused: %s", msg);
		memset(&r, 0, sizeof(r));
	}
	{
		static struct spec_hugepage bad = { "3MB", 1 << 20 };

		msg[0] = '\0';
		r.hugepage_limits = &bad;
		r.n_hugepage_limits = 1;
		CHECK_NAMED(cgroup_check(cg, &r, problems_cb, msg) >= 1 &&
			    strstr(msg, "linux.resources.hugepageLimits"), "%s", msg);
	}
}

static void test_failure_undo(void)
{
	struct cgroup cg;
	struct spec_resources r;
	char path[256];
	int i, gone = 1;

	memset(&r, 0, sizeof(r));
	/* v1: memsw below the memory limit; v2: swap below memory */
	r.memory.limit = (struct opt_i64){ 64 << 20, true };
	r.memory.swap = (struct opt_i64){ 32 << 20, true };
	snprintf(path, sizeof(path), "%s/bad/deeper", prefix);
	CHECK(cgroup_init(&cg, path, NULL) == 0);
	CHECK_NAMED(cgroup_create(&cg, &r) < 0 &&
			    strstr(err_last.msg, "linux.resources.memory.swap"),
		    "a value the kernel refuses names the field: %s", err_last.msg);
	for (i = 0; i < cg.n; i++) {
		snprintf(path, sizeof(path), "%s%s/bad", cg.h[i].mnt, prefix);
		gone &= access(path, F_OK) < 0;
	}
	CHECK_NAMED(gone, "a failed create removes what it made");
}

static void test_enter(const struct cgroup *cg)
{
	char path[64], *buf = NULL;
	size_t len;
	int i, ok = 1;
	pid_t pid = spawn(cg, do_pause, NULL);

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	msleep(20);
	if (read_file_at(AT_FDCWD, path, &buf, &len) == 0) {
		for (i = 0; i < cg->n; i++) {
			char want[700];

			snprintf(want, sizeof(want), ":%s\n", cg->h[i].rel);
			ok &= strstr(buf, want) != NULL;
		}
	}
	CHECK_NAMED(buf && ok, "the child is in the cgroup of all %d hierarchies", cg->n);
	if (!ok && buf)
		printf("    %s", buf);
	free(buf);
	kill(pid, SIGKILL);
	wait_status(pid);
}

static void test_pids(void)
{
	struct cgroup cg;
	struct spec_resources r;
	pid_t *pids = NULL, pid;
	size_t n = 0;
	int st, i;

	memset(&r, 0, sizeof(r));
	r.pids.limit = (struct opt_i64){ 8, true };
	if (!CHECK_NAMED_RET(mk(&cg, "pids", &r), "create pids cgroup"))
		return;
	pid = spawn(&cg, do_forkbomb, NULL);
	st = wait_status(pid);
	CHECK_NAMED(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "pids.max 8 stops a fork loop with EAGAIN (status %#x)", st);
	CHECK_NAMED(cgroup_pids(&cg, &pids, &n) == 0 && n >= 5 && n <= 8,
		    "cgroup_pids lists the %zu forked children", n);
	free(pids);
	CHECK_NAMED(cgroup_kill(&cg, SIGKILL) == 0, "cgroup_kill SIGKILL");
	for (i = 0; i < 200; i++) {
		pids = NULL;
		if (cgroup_pids(&cg, &pids, &n) == 0 && n == 0)
			break;
		free(pids);
		msleep(10);
	}
	free(pids);
	CHECK_NAMED(n == 0, "nothing left in the cgroup after cgroup_kill");
	CHECK_NAMED(destroyed(&cg), "destroy pids cgroup");
}

static void test_oom(void)
{
	struct cgroup cg;
	struct spec_resources r;
	int st;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.memory.limit = (struct opt_i64){ 16 << 20, true };
	if (cgroup_dir(&top, CG_MEMORY) && !is_v2(&top, CG_MEMORY) &&
	    access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0)
		r.memory.swap = (struct opt_i64){ 16 << 20, true };
	else if (is_v2(&top, CG_MEMORY))
		r.memory.swap = (struct opt_i64){ 16 << 20, true };  /* swap.max 0 */
	if (!CHECK_NAMED_RET(mk(&cg, "oom", &r), "create memory cgroup"))
		return;
	CHECK_NAMED(!cgroup_oom_killed(&cg), "no OOM kill yet");
	pid = spawn(&cg, do_hog, (void *)(size_t)(96 << 20));
	st = wait_status(pid);
	CHECK_NAMED(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		    "a 16M limit OOM-kills a child touching 96M (status %#x)", st);
	CHECK_NAMED(cgroup_oom_killed(&cg), "cgroup_oom_killed says so");
	CHECK(destroyed(&cg));
}

static void test_freeze(void)
{
	struct cgroup cg;
	uint64_t u0, u1, u2, u3;
	pid_t pid;

	if (!CHECK_NAMED_RET(mk(&cg, "freeze", NULL), "create freezer cgroup"))
		return;
	pid = spawn(&cg, do_spin, NULL);
	msleep(200);
	CHECK_NAMED(!cgroup_is_frozen(&cg), "not frozen");
	CHECK_OK(cgroup_freeze(&cg, true) == 0, "freeze");
	CHECK_NAMED(cgroup_is_frozen(&cg), "cgroup_is_frozen");
	msleep(100);
	u1 = cpu_usage_ns(&cg);
	msleep(400);
	u2 = cpu_usage_ns(&cg);
	CHECK_NAMED(u1 && u2 == u1, "frozen: cpu usage stays at %llu ns", (unsigned long long)u1);
	CHECK_NAMED(cgroup_freeze(&cg, false) == 0 && !cgroup_is_frozen(&cg), "thaw");
	msleep(400);
	u3 = cpu_usage_ns(&cg);
	CHECK_NAMED(u3 > u2 + 50000000ULL, "thawed: usage advances again (+%llu ns)",
		    (unsigned long long)(u3 - u2));
	/* kill a frozen cgroup with a non-KILL signal: freeze, signal, thaw */
	u0 = 0;
	CHECK_NAMED(cgroup_kill(&cg, SIGTERM) == 0, "cgroup_kill SIGTERM");
	u0 = wait_status(pid);
	CHECK_NAMED(WIFSIGNALED(u0) && WTERMSIG(u0) == SIGTERM, "the child died of SIGTERM "
		    "(status %#llx)", (unsigned long long)u0);
	CHECK(destroyed(&cg));
}

static void test_quota(void)
{
	struct cgroup cg;
	struct spec_resources r;
	uint64_t u;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.cpu.quota = (struct opt_i64){ 10000, true };
	r.cpu.period = (struct opt_u64){ 100000, true };
	if (!CHECK_NAMED_RET(mk(&cg, "quota", &r), "create cpu quota cgroup"))
		return;
	pid = spawn(&cg, do_spin, NULL);
	msleep(1000);
	u = cpu_usage_ns(&cg);
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK_NAMED(u > 0 && u < 300000000ULL, "a 10%% quota throttles a busy loop: %llu ms of cpu "
		    "in 1 s", (unsigned long long)(u / 1000000));
	CHECK(destroyed(&cg));
}

static void test_devices(void)
{
	struct cgroup cg;
	struct spec_dev_rule deny_null[] = {
		{ true, 'a', -1, -1, "rwm" },
		{ false, 'c', 1, 3, "rwm" },
	};
	struct spec_dev_rule allow_zero[] = {
		{ false, 'a', -1, -1, "rwm" },
		{ true, 'c', 1, 5, "r" },
		{ true, 'c', 1, 3, "rw" },
		{ false, 'c', 1, 3, "w" },  /* leaves /dev/null read-only */
	};
	struct spec_resources r;
	int st;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.devices = deny_null;
	r.n_devices = 2;
	if (!CHECK_NAMED_RET(mk(&cg, "dev", &r), "create devices cgroup (%s)",
			     is_v2(&cg, CG_DEVICES) ? "eBPF" : "v1 devices.deny/allow"))
		return;
	pid = spawn(&cg, do_devices, NULL);
	st = wait_status(pid);
	CHECK_NAMED(WIFEXITED(st) && WEXITSTATUS(st) == 0, "deny c 1:3: /dev/null refused (EPERM), "
		    "/dev/zero opens (status %#x)", st);
	CHECK_NAMED(open("/dev/null", O_RDONLY | O_CLOEXEC) >= 0,
		    "outside the cgroup /dev/null opens");

	/* an allow-list, changed by cgroup_update (replaces the BPF program) */
	memset(&r, 0, sizeof(r));
	r.devices = allow_zero;
	r.n_devices = 4;
	CHECK_OK(cgroup_update(&cg, &r) == 0, "update devices to an allow-list");
	pid = spawn(&cg, do_devices, NULL);
	st = wait_status(pid);
	CHECK_NAMED(WIFEXITED(st) && WEXITSTATUS(st) == 0, "allow-list without rw /dev/null: "
		    "refused, /dev/zero opens (status %#x)", st);
	CHECK(destroyed(&cg));

	/* On a hybrid host the eBPF filter also works on the cgroup2 mount. */
	if (top.layout == CGROUP_HYBRID) {
		struct cgroup u;
		int fd;

		memset(&r, 0, sizeof(r));
		if (!CHECK_NAMED_RET(mk(&u, "bpf", &r), "create cgroup for eBPF on hybrid"))
			return;
		fd = open(u.h[u.v2].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CHECK_OK(cgroup_bpf_devices(fd, deny_null, 2) == 0, "hybrid: attach eBPF device "
			    "program to the cgroup2 cgroup");
		close(fd);
		pid = spawn(&u, do_devices, NULL);
		st = wait_status(pid);
		CHECK_NAMED(WIFEXITED(st) && WEXITSTATUS(st) == 0, "hybrid: eBPF denies /dev/null, "
			    "allows /dev/zero (status %#x)", st);
		CHECK(destroyed(&u));
	}
}

static void test_update(void)
{
	struct cgroup cg;
	struct spec_resources r;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.memory.limit = (struct opt_i64){ 64 << 20, true };
	r.pids.limit = (struct opt_i64){ 10, true };
	if (!CHECK_NAMED_RET(mk(&cg, "upd", &r), "create cgroup to update"))
		return;
	memset(&r, 0, sizeof(r));
	r.memory.limit = (struct opt_i64){ 32 << 20, true };
	r.pids.limit = (struct opt_i64){ -1, true };
	r.cpu.shares = (struct opt_u64){ 1024, true };
	CHECK_OK(cgroup_update(&cg, &r) == 0, "update");
	CHECK(rd_eq(&cg, CG_MEMORY, is_v2(&cg, CG_MEMORY) ? "memory.max" : "memory.limit_in_bytes",
		    "33554432"));
	CHECK_NAMED(rd_eq(&cg, CG_PIDS, "pids.max", "max"), "pids.limit -1 is max");
	if (is_v2(&cg, CG_CPU))
		CHECK(rd_eq(&cg, CG_CPU, "cpu.weight", "39"));
	else
		CHECK(rd_eq(&cg, CG_CPU, "cpu.shares", "1024"));
	/* checkBeforeUpdate: a limit below the usage is refused */
	pid = spawn(&cg, do_hold, (void *)(size_t)(8 << 20));
	msleep(300);
	memset(&r, 0, sizeof(r));
	r.memory.limit = (struct opt_i64){ 1 << 20, true };
	r.memory.check_before_update = (struct opt_bool){ true, true };
	CHECK_NAMED(cgroup_update(&cg, &r) < 0 && strstr(err_last.msg, "checkBeforeUpdate"),
		    "checkBeforeUpdate refuses a limit below usage: %s", err_last.msg);
	{
		struct jw w;
		struct json_doc doc;

		jw_init(&w);
		CHECK(cgroup_stats(&cg, &w) == 0);
		w.buf = xrealloc(w.buf, w.len + 1);
		CHECK_NAMED(json_parse(&doc, w.buf, w.len, "stats") == 0 &&
				    json_get(&doc, 0, "memory") > 0 &&
				    json_get(&doc, 0, "pids") > 0 && json_get(&doc, 0, "cpu") > 0,
			    "cgroup_stats is JSON with cpu, memory, pids");
		if (err_last.msg[0])
			json_fini(&doc);
		jw_fini(&w);
	}
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK(destroyed(&cg));
}

static void test_clone_fd(void)
{
	struct cgroup cg;
	int fd;

	if (!CHECK_NAMED_RET(mk(&cg, "clone", NULL), "create cgroup for clone3"))
		return;
	fd = cgroup_clone_fd(&cg);
	if (cg.layout != CGROUP_V2) {
		CHECK_NAMED(fd == -1, "no CLONE_INTO_CGROUP fd on a %s host",
			    cgroup_layout_name[cg.layout]);
	} else {
		struct clone_args a;
		char path[64], *buf = NULL, want[600];
		size_t len;
		int p[2];
		pid_t pid = -1;
		char c;

		CHECK_NAMED(fd >= 0, "CLONE_INTO_CGROUP fd on v2");
		memset(&a, 0, sizeof(a));
		a.flags = CLONE_INTO_CGROUP;
		a.exit_signal = SIGCHLD;
		a.cgroup = (uint64_t)fd;
		if (pipe(p) == 0 && (pid = syscall(SYS_clone3, &a, sizeof(a))) == 0) {
			close(p[1]);
			if (read(p[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
		snprintf(want, sizeof(want), "0::%s\n", cg.h[cg.v2].rel);
		CHECK_NAMED(pid > 0 && read_file_at(AT_FDCWD, path, &buf, &len) == 0 &&
			    str_eq(buf, want), "clone3 puts the child straight into the cgroup");
		free(buf);
		close(p[1]);
		wait_status(pid);
		close(fd);
	}
	CHECK(destroyed(&cg));
}

int main(void)
{
	struct cgroup all;
	int i, left = 0;

	check_module = "cgroup";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP: cgroup: needs root\n");
		return 0;
	}
	snprintf(prefix, sizeof(prefix), "/ocibox-test-%d", (int)getpid());
	test_paths();
	if (cgroup_init(&top, prefix, NULL) < 0) {
		printf("FAIL: cgroup: init: %s\n", err_last.msg);
		return 1;
	}
	have_top = true;
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	alarm(240);
	if (!CHECK_NAMED_RET(cgroup_create(&top, NULL) == 0, "create the test prefix %s",
			     prefix))
		return CHECK_DONE();

	test_check(&top);
	test_create_all(&all);
	test_enter(&all);
	test_failure_undo();
	test_pids();
	test_oom();
	test_freeze();
	test_quota();
	test_devices();
	test_update();
	test_clone_fd();

	CHECK_OK(destroyed(&all), "destroy");
	CHECK_OK(destroyed(&top), "destroy the prefix");
	for (i = 0; i < top.n; i++) {
		char d[PATH_MAX];

		snprintf(d, sizeof(d), "%s%s", top.h[i].mnt, prefix);
		if (access(d, F_OK) == 0) {
			printf("    left: %s\n", d);
			left++;
		}
	}
	CHECK_NAMED(left == 0, "destroy leaves nothing in any of the %d hierarchies", top.n);
	return CHECK_DONE();
}
