/* SPDX-License-Identifier: MIT */
/* proc: credentials and attributes of the container process. Order matters:
 * caps survive setuid only with KEEPCAPS, ambient needs permitted and
 * inheritable, and a seccomp profile without no_new_privs needs CAP_SYS_ADMIN. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/mount.h>

#include "core/console.h"
#include "core/err.h"
#include "core/mount.h"
#include "core/proc.h"
#include "core/seccomp.h"
#include "core/util.h"

extern char **environ;
static int cap_last = -1;

/* Re-execute ARGV from a sealed memfd copy of ourselves (what runc does
 * where it cannot mount: rootless). Only returns on failure. */
static int exec_sealed_copy(char **argv)
{
	AUTOCLOSE int self = -1, mem = -1;
	struct stat sb;
	off_t off = 0;
	ssize_t n;

	self = openat(AT_FDCWD, "/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0 || fstat(self, &sb) < 0)
		return fail(errno, "open '/proc/self/exe'");
	mem = memfd_create("ocibox", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem < 0)
		return fail(errno, "memfd_create");
	while (off < sb.st_size) {
		n = sendfile(mem, self, NULL, sb.st_size - off);
		if (n <= 0)
			return fail(n < 0 ? errno : EIO, "copy the runtime binary "
				    "into a memfd");
		off += n;
	}
	if (fcntl(mem, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
		  F_SEAL_WRITE) < 0)
		return fail(errno, "seal the runtime's memfd copy");
	syscall(SYS_execveat, mem, "", argv, environ, AT_EMPTY_PATH);
	return fail(errno, "re-execute the runtime from its sealed copy");
}

/* Already running from a sealed copy (after exec_sealed_copy)? */
static bool sealed_self(void)
{
	AUTOCLOSE int fd = openat(AT_FDCWD, "/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals;

	if (fd < 0)
		return false;
	seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & F_SEAL_WRITE);
}

int proc_protect_exe(char **argv)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	struct statvfs sv;
	int fd;

	/* Where the runtime goes on (no re-exec), its stack in one go:
	 * ~13 page faults fewer (not before a re-exec: it would be lost) */
	if ((statvfs("/proc/self/exe", &sv) == 0 && (sv.f_flag & ST_RDONLY)) ||
	    /* A caller who cannot write the binary (rootless, it belongs to
	     * root) has nothing to protect: neither can its containers. */
	    faccessat(AT_FDCWD, "/proc/self/exe", W_OK, AT_EACCESS) < 0 ||
	    sealed_self()) {
		prefault_stack(STACK_PREFAULT);
		return 0;
	}
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0 || syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr,
			      sizeof(attr)) < 0) {
		/* Linux < 5.12 (no open_tree or mount_setattr) or no
		 * CAP_SYS_ADMIN (rootless, with a binary of its own): a
		 * sealed copy instead, as runc */
		if (errno == ENOSYS || errno == EPERM) {
			if (fd >= 0)
				close(fd);
			return exec_sealed_copy(argv);
		}
		if (fd >= 0)
			close(fd);
		return fail(errno, "protect the runtime binary: read-only "
			    "mount of '/proc/self/exe'");
	}
	phase_mark("reexec");
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	close(fd);
	return fail(errno, "re-execute the runtime from a read-only mount");
}

static cpu_set_t pin_saved;
static int pin_cpu = -1;

void proc_pin_cpu(void)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	/* a caller already on one CPU (or on more than cpu_set_t holds, when
	 * sched_getaffinity fails) is left as it is */
	if (cpu < 0 || sched_getaffinity(0, sizeof(pin_saved), &pin_saved) < 0 ||
	    CPU_COUNT(&pin_saved) < 2)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) == 0)
		pin_cpu = cpu;
}

void proc_unpin_cpu(pid_t pid)
{
	cpu_set_t now;

	if (pin_cpu < 0)
		return;
	if (sched_getaffinity(pid, sizeof(now), &now) == 0 &&
	    CPU_COUNT(&now) == 1 && CPU_ISSET(pin_cpu, &now))
		sched_setaffinity(pid, sizeof(pin_saved), &pin_saved);
}

void proc_child_start(const int *fds, size_t n, bool dumpable)
{
	size_t i;

	/* die with the runtime until it lets go (the init clears this once
	 * create is done): a killed runtime leaves nothing half made */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Not dumpable until execve: /proc/PID/fd of this process must not
	 * be reachable by anything in the container (CVE-2016-9962,
	 * CVE-2024-21626), and the runtime's host fds go now. DUMPABLE: an
	 * unprivileged runtime writes our id maps through /proc/PID first
	 * (never a window without it); the init drops it after GO. */
	if (!dumpable)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (log_cfg.fd >= 0) {
		/* errors go to the runtime through the sync socket */
		close(log_cfg.fd);
		log_cfg.fd = -1;
	}
}

int proc_send_pidfd(const char *socket, pid_t pid)
{
	AUTOCLOSE int pidfd = -1, sock = -1;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return fail(errno, "--pidfd-socket: pidfd_open %d", (int)pid);
	/* runc's protocol, as for the console: the fd by SCM_RIGHTS */
	if ((sock = unix_connect(socket, "--pidfd-socket")) < 0 ||
	    console_send_fd(sock, pidfd, "pidfd") < 0)
		return -1;
	return 0;
}

int proc_cap_last_init(void)
{
	AUTOFREE char *buf = NULL;
	size_t len;
	int64_t v;

	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &buf, &len) < 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_i64(buf, 0, 63, &v) < 0)
		return fail(0, "/proc/sys/kernel/cap_last_cap: '%s'", buf);
	cap_last = (int)v;
	return 0;
}

int proc_cap_last(void)
{
	if (cap_last < 0 && proc_cap_last_init() < 0)
		cap_last = 40;
	return cap_last;
}

/* A cpu list "0-3,7" into a cpu_set_t (a bitmap of longs). 0 or -1. */
static int cpu_list(const char *s, cpu_set_t *set)
{
	return parse_bitlist(s, (unsigned long *)set, CPU_SETSIZE);
}

static int affinity(const char *list, const char *field)
{
	cpu_set_t set;

	if (!list)
		return 0;
	if (cpu_list(list, &set) < 0)
		return fail(0, "process.execCPUAffinity.%s: invalid cpu list \"%s\"",
			    field, list);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return fail(errno, "process.execCPUAffinity.%s: sched_setaffinity",
			    field);
	/* the config's affinity replaces the runtime's pin: one CPU that
	 * happens to be the pinned one is not to be undone */
	pin_cpu = -1;
	return 0;
}

struct sched_attr_v1 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

int proc_attrs(const struct spec_process *p, const struct spec_linux *lx)
{
	size_t i;

	for (i = 0; i < p->n_rlimits; i++) {
		const struct spec_rlimit *r = &p->rlimits[i];
		struct rlimit rl = { r->soft, r->hard };

		if (setrlimit(r->resource, &rl) < 0) {
			if (errno == EPERM)
				return fail(errno, "process.rlimits: setrlimit "
					    "%s (soft %llu, hard %llu; raising a "
					    "hard limit needs CAP_SYS_RESOURCE)",
					    r->type, (unsigned long long)r->soft,
					    (unsigned long long)r->hard);
			return fail(errno, "process.rlimits: setrlimit %s",
				    r->type);
		}
	}
	if (p->scheduler.set) {
		struct sched_attr_v1 a = {
			.size = sizeof(a),
			.sched_policy = (uint32_t)p->scheduler.policy_no,
			.sched_flags = p->scheduler.flags,
			.sched_nice = p->scheduler.nice,
			.sched_priority = (uint32_t)p->scheduler.priority,
			.sched_runtime = p->scheduler.runtime,
			.sched_deadline = p->scheduler.deadline,
			.sched_period = p->scheduler.period,
		};

		if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
			return fail(errno, "process.scheduler: sched_setattr %s",
				    p->scheduler.policy);
	}
	if (p->io_priority.set &&
	    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
		    (p->io_priority.class_no << 13) | p->io_priority.priority) < 0)
		return fail(errno, "process.ioPriority: ioprio_set");
	if (lx && lx->personality.set) {
		unsigned long pers = lx->personality.domain;

		if (personality(pers) < 0)
			return fail(errno, "linux.personality: %s",
				    lx->personality.domain_name);
	}
	if (lx && lx->memory_policy.set && proc_mempolicy(&lx->memory_policy) < 0)
		return -1;
	return affinity(p->exec_cpu_affinity.initial, "initial");
}

int proc_mempolicy(const struct spec_mempolicy *m)
{
	unsigned long nodes[PROC_NODES_MAX / (8 * sizeof(long))];

	if (parse_bitlist(m->nodes ? m->nodes : "", nodes, PROC_NODES_MAX) < 0)
		return fail(0, "linux.memoryPolicy.nodes: invalid node list \"%s\"",
			    m->nodes);
	if (syscall(SYS_set_mempolicy, m->mode | (int)m->flags,
		    m->nodes && *m->nodes ? nodes : NULL,
		    m->nodes && *m->nodes ? PROC_NODES_MAX + 1 : 0) < 0)
		return fail(errno, "linux.memoryPolicy: set_mempolicy %s",
			    m->mode_name);
	return 0;
}

int proc_keyring(bool no_keyring, const char *id)
{
	char name[64];

	if (no_keyring)
		return 0;
	snprintf(name, sizeof(name), "_ses.%.40s", id);
	/* KEYCTL_JOIN_SESSION_KEYRING; ENOSYS (no keys) and EPERM/EACCES
	 * (keyring restricted) are not fatal, as in runc */
	if (syscall(SYS_keyctl, 1, name) < 0 && errno != ENOSYS &&
	    errno != EPERM && errno != EACCES && errno != EDQUOT)
		return fail(errno, "join session keyring");
	return 0;
}

const char *proc_env(const struct spec_process *p, const char *key)
{
	size_t i, n = strlen(key);

	for (i = p->env.n; i-- > 0;)
		if (strncmp(p->env.v[i], key, n) == 0 && p->env.v[i][n] == '=')
			return p->env.v[i] + n + 1;
	return NULL;
}

/* stat PATH in the current root (ROOTFD < 0) or resolved inside ROOTFD. */
static int stat_in(int rootfd, const char *path, struct stat *st)
{
	int fd, r;

	if (rootfd < 0)
		return stat(path, st);
	fd = mount_resolve(rootfd, path, O_PATH);
	if (fd < 0) {
		errno = err_last.no;
		return -1;
	}
	r = fstat(fd, st);
	close(fd);
	return r;
}

/* As runc's LookPath: a regular file with an execute bit. */
static bool executable(int rootfd, const char *path)
{
	struct stat st;

	return stat_in(rootfd, path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

int proc_find_exe(const struct spec_process *p, int rootfd, char out[PATH_MAX])
{
	const char *arg = p->args.v[0], *path, *s;
	struct stat st;

	if (strchr(arg, '/')) {
		if (stat_in(rootfd, arg, &st) < 0)
			return fail(errno, "exec \"%s\"", arg);
		if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
			return fail(EACCES, "exec \"%s\"", arg);
		snprintf(out, PATH_MAX, "%s", arg);
		return 0;
	}
	path = proc_env(p, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (s = path; ; s += strcspn(s, ":") + 1) {
		size_t n = strcspn(s, ":");

		if (snprintf(out, PATH_MAX, "%.*s%s%s", (int)n, s, n ? "/" : "",
			     arg) < PATH_MAX && executable(rootfd, out))
			return 0;
		if (!s[n])
			break;
	}
	return fail(0, "exec: \"%s\": executable file not found in $PATH", arg);
}

static int capset_all(const uint64_t *caps)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int i;

	for (i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(caps[SPEC_CAP_EFFECTIVE] >> (32 * i));
		d[i].permitted = (uint32_t)(caps[SPEC_CAP_PERMITTED] >> (32 * i));
		d[i].inheritable =
			(uint32_t)(caps[SPEC_CAP_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return fail(errno, "process.capabilities: capset");
	return 0;
}

static int load_seccomp(const struct sc_filter *sc, int *notify_fd)
{
	return sc_install(sc, notify_fd);
}

/* process.apparmorProfile: the profile the next execve enters ("exec NAME",
 * as runc), through the container's /proc, which must be procfs (a rootfs
 * that mounts over it cannot turn the write into a no-op, CVE-2019-16884);
 * the per-LSM file first (Linux 5.8+), else the shared one. The runtime
 * checked that AppArmor is enabled. 0 or -1. */
static int apparmor_exec(const char *profile)
{
	static const char *const files[] = { "/proc/self/attr/apparmor/exec",
					     "/proc/self/attr/exec" };
	AUTOFREE char *cmd = NULL;
	AUTOCLOSE int fd = -1;
	struct statfs sf;
	size_t i, n;

	for (i = 0; fd < 0 && i < ARRAY_SIZE(files); i++)
		fd = openat(AT_FDCWD, files[i], O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "process.apparmorProfile: open '%s'", files[i - 1]);
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return fail(0, "process.apparmorProfile: '%s' is not on procfs",
			    files[i - 1]);
	cmd = xasprintf("exec %s", profile);
	n = strlen(cmd);
	if (write(fd, cmd, n) == (ssize_t)n)
		return 0;
	if (errno == ENOENT)
		return fail(0, "process.apparmorProfile: \"%s\": no such AppArmor "
			    "profile is loaded", profile);
	return fail(errno, "process.apparmorProfile: \"%s\": write '%s'", profile,
		    files[i - 1]);
}

int proc_identity(const struct spec_process *p, const struct sc_filter *sc,
		  int *notify_fd)
{
	uint64_t caps[SPEC_CAP_SETS];
	gid_t gids[256];
	char cwd[PATH_MAX];
	size_t i;
	int c;

	*notify_fd = -1;
	/* the affinity the runtime's caller had, before seccomp (which may
	 * not allow it) and before the program (a Go program sizes itself by
	 * it at start) */
	proc_unpin_cpu(0);
	/* first: before seccomp, while still root */
	if (p->apparmor_profile && apparmor_exec(p->apparmor_profile) < 0)
		return -1;
	if (p->has_caps) {
		proc_cap_last();   /* read by the runtime already (verify) */
		memcpy(caps, p->caps, sizeof(caps));
		/* caps this kernel does not know are dropped, not an error */
		for (i = 0; i < SPEC_CAP_SETS; i++)
			if (cap_last < 63)
				caps[i] &= (2ULL << cap_last) - 1;
		for (c = 0; c <= cap_last; c++)
			if (!(caps[SPEC_CAP_BOUNDING] & (1ULL << c)) &&
			    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return fail(errno, "process.capabilities.bounding: "
					    "drop %s", spec_cap_name[c] ?
					    spec_cap_name[c] : "?");
	}
	/* cwd as root: it may not be reachable by the user later */
	if (chdir(p->cwd) < 0)
		return fail(errno, "process.cwd: chdir \"%s\"", p->cwd);
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/')
		return fail(errno ? errno : EACCES,
			    "process.cwd \"%s\" is not inside the container", p->cwd);
	if (p->user.n_additional_gids > ARRAY_SIZE(gids))
		return fail(0, "process.user.additionalGids: more than %zu",
			    ARRAY_SIZE(gids));
	for (i = 0; i < p->user.n_additional_gids; i++)
		gids[i] = p->user.additional_gids[i];
	/* not setting groups would leak the runtime's into the container */
	/* raw syscalls here: musl's wrappers synchronise every thread (three
	 * rt_sigprocmask each), and we have one */
	if (syscall(SYS_setgroups, p->user.n_additional_gids, gids) < 0 &&
	    errno != EPERM)
		return fail(errno, "process.user.additionalGids: setgroups");
	/* Without no_new_privs, seccomp needs CAP_SYS_ADMIN: load it while
	 * we still have it. With it, load it as late as possible. */
	if (!p->no_new_privileges && load_seccomp(sc, notify_fd) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail(errno, "prctl PR_SET_KEEPCAPS");
	if (syscall(SYS_setresgid, p->user.gid, p->user.gid, p->user.gid) < 0)
		return fail(errno, "process.user.gid: setresgid %u", p->user.gid);
	if (syscall(SYS_setresuid, p->user.uid, p->user.uid, p->user.uid) < 0)
		return fail(errno, "process.user.uid: setresuid %u", p->user.uid);
	if (p->has_caps) {
		if (capset_all(caps) < 0)
			return -1;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return fail(errno, "process.capabilities.ambient: clear");
		for (c = 0; c <= cap_last; c++) {
			uint64_t bit = 1ULL << c;

			if (!(caps[SPEC_CAP_AMBIENT] & bit))
				continue;
			/* The kernel raises only what is permitted and
			 * inheritable; `runc spec` configs ask for more.
			 * runc and crun skip those, and so do we. */
			if (!(caps[SPEC_CAP_PERMITTED] & caps[SPEC_CAP_INHERITABLE] &
			      bit)) {
				log_debug("process.capabilities.ambient: %s "
					  "skipped (not inheritable and "
					  "permitted)", spec_cap_name[c]);
				continue;
			}
			if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
				return fail(errno, "process.capabilities.ambient: "
					    "raise %s", spec_cap_name[c]);
		}
	} else if (p->user.uid != 0) {
		/* no capabilities object: a non-root user gets none (as
		 * setuid does without KEEPCAPS) */
		static const uint64_t none[SPEC_CAP_SETS];

		if (capset_all(none) < 0)
			return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return fail(errno, "prctl PR_SET_KEEPCAPS");
	if (p->no_new_privileges) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return fail(errno, "process.noNewPrivileges");
		if (load_seccomp(sc, notify_fd) < 0)
			return -1;
	}
	return 0;
}

/* Bit N-1: signal N was ignored when proc_note_ignored() looked. */
static uint64_t ignored;
static bool ignored_known;

void proc_note_ignored(void)
{
	char buf[4096], *l, *end;
	size_t len = 0;
	ssize_t n;
	int fd;

	/* no fail(): nothing noted only means a longer proc_exec */
	fd = openat(AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (!(l = strstr(buf, "\nSigIgn:\t")))
		return;
	ignored = strtoull(l + 9, &end, 16);
	ignored_known = *end == '\n';
}

int proc_exec(const struct spec_process *p, const char *exe, int first_close)
{
	/* runc's default umask is 0022 */
	umask(p->user.umask.set ? (mode_t)p->user.umask.v : 022);
	if (affinity(p->exec_cpu_affinity.final, "final") < 0)
		return -1;
	if (fds_cloexec_from(first_close) < 0)
		return -1;
	/* the runtime may have blocked or ignored signals (run forwards
	 * them): the program starts with a clean slate */
	{
		/* the kernel's struct sigaction: handler, flags, restorer,
		 * mask. Raw, as musl's sigaction refuses 32-34 (its own
		 * signals), which a caller may have ignored all the same. */
		struct { void (*handler)(int); unsigned long flags;
			 void (*restorer)(void); uint64_t mask; }
			dfl = { SIG_DFL, 0, NULL, 0 };
		sigset_t none;
		int sig;

		/* execve resets what is caught; only what is ignored
		 * survives it: what proc_note_ignored saw, and SIGPIPE
		 * (ignored for the exec fifo) */
		for (sig = 1; sig <= 64; sig++)
			if (sig != SIGKILL && sig != SIGSTOP &&
			    (!ignored_known || sig == SIGPIPE ||
			     (ignored >> (sig - 1) & 1)))
				syscall(SYS_rt_sigaction, sig, &dfl, NULL,
					sizeof(dfl.mask));
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	phase_mark("execve");
	execve(exe, (char *const *)p->args.v, (char *const *)p->env.v);
	return fail(errno, "exec \"%s\"", p->args.v[0]);
}

/* Open /proc/sys/PATH for writing one component at a time: no symlink
 * followed, no mount crossed (every step on the /proc/sys filesystem), so
 * nothing mounted or linked inside /proc can redirect the write. */
static int open_sysctl(int sys, dev_t dev, char *path)
{
	AUTOCLOSE int cur = -1;
	struct stat st;
	char *name, *next;
	int fd, at = sys;

	for (name = path; (next = strchr(name, '/')); name = next + 1) {
		*next = '\0';
		fd = openat(at, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		*next = '/';
		if (fd < 0)
			return fail(errno, "open");
		if (cur >= 0)
			close(cur);
		at = cur = fd;
		if (fstat(cur, &st) < 0 || st.st_dev != dev)
			return fail(0, "not on the container's procfs");
	}
	fd = openat(at, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open");
	if (fstat(fd, &st) < 0 || st.st_dev != dev || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(0, "not a file on the container's procfs");
	}
	return fd;
}

int proc_sysctl(const struct spec *s)
{
	const struct kvv *sc = &s->linux.sysctl;
	AUTOCLOSE int sys = -1;
	struct statfs sf;
	struct stat st;
	char path[PATH_MAX], *p;
	size_t i;

	if (!sc->n)
		return 0;
	sys = openat(AT_FDCWD, "/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sys < 0)
		return fail(errno, "linux.sysctl: open '/proc/sys'");
	if (fstatfs(sys, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC ||
	    fstat(sys, &st) < 0)
		return fail(0, "linux.sysctl: '/proc/sys' is not procfs");
	for (i = 0; i < sc->n; i++) {
		AUTOCLOSE int fd = -1;

		snprintf(path, sizeof(path), "%s", sc->v[i].key);
		for (p = path; *p; p++)
			if (*p == '.')
				*p = '/';
		if (strstr(path, "..") || path[0] == '/')
			return fail(0, "linux.sysctl: invalid key \"%s\"",
				    sc->v[i].key);
		fd = open_sysctl(sys, st.st_dev, path);
		if (fd < 0 || write_all(fd, sc->v[i].value,
					strlen(sc->v[i].value)) < 0)
			return fail_ctx("linux.sysctl \"%s\": '/proc/sys/%s'",
					sc->v[i].key, path);
	}
	return 0;
}
