/* SPDX-License-Identifier: MIT */
/* floor: the kernel work the benchmark's container needs and nothing else,
 * the yardstick of `make bench`. No JSON, no state, no re-exec, no sync
 * protocol: one clone, the setup in the child, exec, wait, rmdir.
 *
 * The config is hard-coded: it is the one test/bench/run.sh runs, `ocibox
 * spec` with terminal false, args ["/bin/true"] and no linux.resources:
 * namespaces pid, network, ipc, uts, mount, cgroup; hostname "ocibox";
 * the seven default mounts (/proc, /dev tmpfs, /dev/pts, /dev/shm,
 * /dev/mqueue, /sys ro, /sys/fs/cgroup ro); the six default device nodes and
 * the /dev symlinks runtime-spec requires; maskedPaths and readonlyPaths;
 * a read-only root; RLIMIT_NOFILE 1024/1024; user 0:0 with no supplementary
 * groups; the bounding, effective and permitted sets CAP_AUDIT_WRITE,
 * CAP_KILL, CAP_NET_BIND_SERVICE; no_new_privs; rslave propagation.
 *
 * Usage: floor [-s FILTER] [-c DIR=OPTS]... ROOTFS [CMD [ARG]...]
 *   -c  one per cgroup hierarchy to create a leaf in and to mount in the
 *       container at the same place under /sys/fs/cgroup. OPTS are the
 *       cgroup v1 mount options ("cpu", "name=systemd"); empty means cgroup2.
 *       A single cgroup2 DIR is pure v2: the child is born in its leaf
 *       (clone3 CLONE_INTO_CGROUP). Otherwise (hybrid) the child joins each
 *       leaf by writing cgroup.procs, and /sys/fs/cgroup is a tmpfs of mounts.
 *   -s  a cache entry of ocibox's seccomp compiler (--root/.seccomp/HASH):
 *       the child installs that exact program last before exec.
 * CMD defaults to /bin/true; the exit status is the command's.
 * With OCIBOX_PHASES set it writes ocibox's timing marks ("ocibox-phase
 * NAME PID NS" on stderr) at the same points, for test/bench/phases.sh. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#define MAXCG 16

/* a timing mark as ocibox's phase_mark writes it (core/util.c) */
static int phases = -1;

static void mark(const char *name)
{
	struct timespec ts;
	char line[96];
	int n;

	if (phases < 0)
		phases = getenv("OCIBOX_PHASES") != NULL;
	if (!phases)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "ocibox-phase %s %d %lld\n", name,
		     (int)getpid(), (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (write(2, line, (size_t)n) < 0)
		phases = 0;
}

struct cg {
	const char *dir, *opts;   /* opts NULL: cgroup2 */
	char leaf[256];
	int procs;                /* hybrid: the leaf's cgroup.procs */
};

static const char *const masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug", "/sys/firmware", "/proc/scsi",
	"/sys/devices/virtual/powercap",
};
static const char *const readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
static const struct { const char *name; unsigned maj, min; } nodes[] = {
	{ "dev/null", 1, 3 }, { "dev/zero", 1, 5 }, { "dev/full", 1, 7 },
	{ "dev/tty", 5, 0 }, { "dev/random", 1, 8 }, { "dev/urandom", 1, 9 },
};
static const struct { const char *target, *name; } links[] = {
	{ "/proc/self/fd", "dev/fd" }, { "/proc/self/fd/0", "dev/stdin" },
	{ "/proc/self/fd/1", "dev/stdout" }, { "/proc/self/fd/2", "dev/stderr" },
	{ "pts/ptmx", "dev/ptmx" },
};
static const uint64_t caps = 1ULL << CAP_AUDIT_WRITE | 1ULL << CAP_KILL |
			     1ULL << CAP_NET_BIND_SERVICE;

/* ocibox's seccomp cache entry, core/seccomp.c struct sc_cache_hdr:
 * this header, key_len bytes of key, then len sock_filter */
struct sc_hdr {
	char magic[8];
	uint64_t flags;
	uint32_t notify, len, key_len;
};

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static void xmount(const char *src, const char *dst, const char *type,
		   unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die(dst);
}

/* Everything inside the new namespaces, then exec. cwd is the rootfs until
 * pivot_root, so the paths before it are relative to it. */
static void child(const char *rootfs, struct cg *cg, int ncg, bool v2,
		  const struct sock_fprog *filter, uint64_t sc_flags,
		  char **cmd)
{
	static char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm", NULL,
	};
	struct __user_cap_header_struct ch = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cd[2] = {
		{ (uint32_t)caps, (uint32_t)caps, 0 },
		{ (uint32_t)(caps >> 32), (uint32_t)(caps >> 32), 0 },
	};
	struct rlimit rl = { 1024, 1024 };
	struct stat st;
	char path[300];
	size_t i;
	int c;

	/* hybrid: join the leaves first; the cgroup namespace is rooted
	 * wherever we are when we unshare it. On pure v2 clone3 put us there
	 * already, but CLONE_NEWCGROUP in the same clone3 would root the
	 * namespace at the parent's cgroup: the kernel copies namespaces
	 * before it moves the child. */
	for (i = 0; !v2 && i < (size_t)ncg; i++)
		if (write(cg[i].procs, "0", 1) != 1)
			die(cg[i].leaf);
	if (unshare(CLONE_NEWCGROUP) < 0)
		die("unshare cgroup");
	if (sethostname("ocibox", 6) < 0)
		die("sethostname");
	/* no mount of ours may propagate to the host */
	xmount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
	/* pivot_root needs the new root to be a mount point */
	xmount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0)
		die(rootfs);
	xmount("proc", "proc", "proc", 0, NULL);
	xmount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
	       "mode=755,size=65536k");
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 0755) < 0 ||
	    mkdir("dev/mqueue", 0755) < 0)
		die("mkdir dev/*");
	xmount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	       "newinstance,ptmxmode=0666,mode=0620,gid=5");
	xmount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV,
	       "mode=1777,size=65536k");
	xmount("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV,
	       NULL);
	xmount("sysfs", "sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NOEXEC |
	       MS_NODEV, NULL);
	if (v2) {
		xmount("cgroup2", "sys/fs/cgroup", "cgroup2", MS_RDONLY |
		       MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	} else {
		/* the host's layout again, each hierarchy seen from the
		 * container's cgroup namespace; the tmpfs read-only last */
		xmount("tmpfs", "sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NODEV |
		       MS_NOEXEC, "mode=755");
		for (i = 0; i < (size_t)ncg; i++) {
			snprintf(path, sizeof(path), "%s", cg[i].dir + 1);
			if (mkdir(path, 0755) < 0)
				die(path);
			xmount("cgroup", path, cg[i].opts ? "cgroup" : "cgroup2",
			       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			       cg[i].opts);
		}
		xmount(NULL, "sys/fs/cgroup", NULL, MS_REMOUNT | MS_BIND |
		       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	/* the device nodes are 0666 (runtime-spec's default fileMode) */
	umask(0);
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (mknod(nodes[i].name, S_IFCHR | 0666,
			  makedev(nodes[i].maj, nodes[i].min)) < 0)
			die(nodes[i].name);
	umask(022);
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i].target, links[i].name) < 0)
			die(links[i].name);
	/* pivot_root(".", ".") stacks the old root on the new one; detach it */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("umount old root");
	if (chdir("/") < 0)
		die("chdir /");
	for (i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++) {
		if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC,
			  NULL) < 0) {
			if (errno == ENOENT)
				continue;
			die(readonly[i]);
		}
		xmount(NULL, readonly[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
		       NULL);
	}
	for (i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		if (stat(masked[i], &st) < 0) {
			if (errno == ENOENT)
				continue;
			die(masked[i]);
		}
		if (S_ISDIR(st.st_mode))
			xmount("tmpfs", masked[i], "tmpfs", MS_RDONLY,
			       "size=0,mode=555");
		else
			xmount("/dev/null", masked[i], NULL, MS_BIND, NULL);
	}
	xmount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit");
	/* raw: musl's setgroups() synchronises threads we do not have */
	if (syscall(SYS_setgroups, 0, NULL) < 0)
		die("setgroups");
	/* the bounding set: all but ours, up to the kernel's last (EINVAL) */
	for (c = 0;; c++)
		if (!(caps >> c & 1) && prctl(PR_CAPBSET_DROP, c) < 0) {
			if (errno == EINVAL)
				break;
			die("PR_CAPBSET_DROP");
		}
	if (syscall(SYS_capset, &ch, cd) < 0)
		die("capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	if (filter && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, sc_flags,
			      filter) < 0)
		die("seccomp");
	mark("execve");
	execve(cmd[0], cmd, env);
	die(cmd[0]);
}

/* Read ocibox's cache entry FILE into *prog. */
static void load_filter(const char *file, struct sock_fprog *prog,
			uint64_t *flags)
{
	struct sc_hdr h;
	struct stat st;
	size_t got = 0;
	ssize_t n = 0;
	char *buf;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
	    !(buf = malloc(st.st_size + 1)))
		die(file);
	while (got < (size_t)st.st_size &&
	       (n = read(fd, buf + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	if (got >= sizeof(h))
		memcpy(&h, buf, sizeof(h));
	if (got < sizeof(h) || got != (size_t)st.st_size ||
	    memcmp(h.magic, "OCIBXSC1", 8) || h.notify || !h.len ||
	    got != sizeof(h) + h.key_len + h.len * sizeof(struct sock_filter)) {
		fprintf(stderr, "floor: %s: not an ocibox seccomp cache entry\n",
			file);
		exit(1);
	}
	prog->len = (unsigned short)h.len;
	prog->filter = (struct sock_filter *)(buf + sizeof(h) + h.key_len);
	*flags = h.flags;
}

static void rmdir_leaves(struct cg *cg, int ncg)
{
	int i;

	for (i = 0; i < ncg; i++)
		if (rmdir(cg[i].leaf) < 0)
			fprintf(stderr, "floor: rmdir %s: %s\n", cg[i].leaf,
				strerror(errno));
}

/* A leaf per hierarchy. A new v1 cpuset has no cpus and no mems, and nobody
 * can join it until they are set: copy its parent's. */
static void make_leaves(struct cg *cg, int ncg, bool v2)
{
	static const char *const cpuset[] = { "cpuset.cpus", "cpuset.mems" };
	char path[300], val[256];
	int i, j, fd;
	ssize_t n;

	for (i = 0; i < ncg; i++) {
		snprintf(cg[i].leaf, sizeof(cg[i].leaf), "%s/ocibox-floor-%d",
			 cg[i].dir, (int)getpid());
		if (mkdir(cg[i].leaf, 0755) < 0) {
			rmdir_leaves(cg, i);
			die(cg[i].leaf);
		}
		for (j = 0; cg[i].opts && strstr(cg[i].opts, "cpuset") && j < 2;
		     j++) {
			snprintf(path, sizeof(path), "%s/%s", cg[i].dir, cpuset[j]);
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
			    (n = read(fd, val, sizeof(val))) < 0)
				goto fail;
			close(fd);
			snprintf(path, sizeof(path), "%s/%s", cg[i].leaf, cpuset[j]);
			if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
			    write(fd, val, n) != n)
				goto fail;
			close(fd);
		}
		if (v2)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", cg[i].leaf);
		if ((cg[i].procs = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			goto fail;
	}
	return;
fail:
	rmdir_leaves(cg, i + 1);
	die(path);
}

int main(int argc, char **argv)
{
	static char *true_argv[] = { "/bin/true", NULL };
	struct sock_fprog prog, *filter = NULL;
	uint64_t sc_flags = 0;
	struct cg cg[MAXCG] = { 0 };
	struct clone_args ca = { .exit_signal = SIGCHLD };
	int ncg = 0, o, st, cgfd = -1;
	char *eq, **cmd;
	bool v2;
	pid_t pid;

	while ((o = getopt(argc, argv, "+c:s:")) != -1) {
		switch (o) {
		case 'c':
			if (ncg == MAXCG || !(eq = strchr(optarg, '=')))
				goto usage;
			*eq = '\0';
			cg[ncg].dir = optarg;
			cg[ncg++].opts = eq[1] ? eq + 1 : NULL;
			break;
		case 's':
			load_filter(optarg, &prog, &sc_flags);
			filter = &prog;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || !ncg)
		goto usage;
	cmd = optind + 1 < argc ? argv + optind + 1 : true_argv;
	v2 = ncg == 1 && !cg[0].opts;
	mark("main");
	make_leaves(cg, ncg, v2);
	mark("cgroup");
	ca.flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
		   CLONE_NEWNS;
	if (v2) {
		if ((cgfd = open(cg[0].leaf, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			rmdir_leaves(cg, ncg);
			die(cg[0].leaf);
		}
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgfd;
	}
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		mark("child");
		child(argv[optind], cg, ncg, v2, filter, sc_flags, cmd);
	}
	mark("cloned");
	if (pid < 0) {
		rmdir_leaves(cg, ncg);
		die("clone3");
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	mark("exited");
	rmdir_leaves(cg, ncg);
	mark("deleted");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
usage:
	fprintf(stderr, "usage: floor [-s FILTER] [-c DIR=OPTS]... ROOTFS "
		"[CMD [ARG]...]\n");
	return 2;
}
