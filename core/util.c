/* SPDX-License-Identifier: MIT */
/* util: small helpers every module uses. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"

void free_p(void *p)
{
	free(*(void **)p);
}

void close_p(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static void oom(void)
{
	static const char msg[] = "ocibox: out of memory\n";

	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing else to do */
	}
	_exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(errno, "write");
		}
		p += n;
		len -= n;
	}
	return 0;
}

int read_fd(int fd, char **out, size_t *len)
{
	/* Most files read here (cgroup files, state.json, mountinfo) fit in
	 * a page: read them on the stack and allocate their exact size. A
	 * 4 KiB heap buffer freed soon after makes musl's malloc map and
	 * unmap a fresh group each time, a TLB flush per file. */
	char first[4096];
	size_t cap, n = 0;
	char *buf;
	ssize_t r;

	for (;;) {
		r = read(fd, first + n, sizeof(first) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(errno, "read");
		if (r == 0) {
			buf = xmalloc(n + 1);
			memcpy(buf, first, n);
			goto done;
		}
		n += r;
		if (n + 1 >= sizeof(first))
			break;
	}
	cap = 2 * sizeof(first);
	buf = xmalloc(cap);
	memcpy(buf, first, n);
	for (;;) {
		if (n + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return fail(errno, "read");
		}
		if (r == 0)
			break;
		n += r;
	}
done:
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int read_file_at(int dirfd, const char *path, char **out, size_t *len)
{
	AUTOCLOSE int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(errno, "open '%s'", path);
	if (read_fd(fd, out, len) < 0)
		return fail_ctx("'%s'", path);
	return 0;
}

int write_file_at(int dirfd, const char *path, const char *str)
{
	AUTOCLOSE int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(str);
	ssize_t n;

	if (fd < 0)
		return fail(errno, "open '%s'", path);
	/* One write: kernel files take the value in a single call. */
	n = write(fd, str, len);
	if (n < 0)
		return fail(errno, "write '%s' to '%s'", str, path);
	if ((size_t)n != len)
		return fail(0, "short write to '%s'", path);
	return 0;
}

int write_file_atomic(int dirfd, const char *name, const void *buf, size_t len,
		      mode_t mode)
{
	const char *base = strrchr(name, '/');
	char tmp[PATH_MAX];
	int fd, no;

	/* The temporary file sits beside NAME so that rename() stays atomic. */
	base = base ? base + 1 : name;
	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp%d", (int)(base - name),
		     name, base, (int)getpid()) >= (int)sizeof(tmp))
		return fail(ENAMETOOLONG, "temporary name for '%s'", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return fail(errno, "create '%s'", tmp);
	/* No fsync: state lives where a reboot wipes it (and kills every
	 * container with it); the rename alone is what a crash of the
	 * process needs: the old file or the new, never a torn one. */
	if (write_all(fd, buf, len) < 0) {
		no = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return fail(no, "write '%s'", tmp);
	}
	close(fd);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		no = errno;
		unlinkat(dirfd, tmp, 0);
		return fail(no, "rename '%s' to '%s'", tmp, name);
	}
	return 0;
}

int write_file_new(int dirfd, const char *name, const void *buf, size_t len,
		   mode_t mode)
{
	char fp[32];
	AUTOCLOSE int fd = -1;

	/* an unnamed file until complete: a kill at any point leaves
	 * nothing behind (a named temp file would stay forever) */
	fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
			return write_file_atomic(dirfd, name, buf, len, mode);
		return fail(errno, "create '%s'", name);
	}
	if (write_all(fd, buf, len) < 0)
		return fail(errno, "write '%s'", name);
	snprintf(fp, sizeof(fp), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, fp, dirfd, name, AT_SYMLINK_FOLLOW) < 0) {
		if (errno != EEXIST || unlinkat(dirfd, name, 0) < 0 ||
		    linkat(AT_FDCWD, fp, dirfd, name, AT_SYMLINK_FOLLOW) < 0)
			return fail(errno, "link '%s'", name);
	}
	return 0;
}

int unix_connect(const char *path, const char *what)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(ENAMETOOLONG, "%s '%s'", what, path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int no = errno;

		close(fd);
		return fail(no, "connect to %s '%s'", what, path);
	}
	return fd_not_stdio(fd);
}

int path_join(char *out, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a);
	int n;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	n = snprintf(out, size, "%.*s%s%s", (int)la, a,
		     (la && a[la - 1] == '/') || !*b ? "" : "/", b);
	if (n < 0 || (size_t)n >= size)
		return fail(ENAMETOOLONG, "path '%s/%s'", a, b);
	return 0;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return fail(ENAMETOOLONG, "mkdir '%s'", path);
	for (p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return fail(errno, "mkdir '%s'", buf);
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	int no;
} signals[] = {
	{ "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "BUS", SIGBUS },
	{ "CHLD", SIGCHLD }, { "CLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "FPE", SIGFPE }, { "HUP", SIGHUP }, { "ILL", SIGILL },
	{ "INT", SIGINT }, { "IO", SIGIO }, { "IOT", SIGIOT },
	{ "KILL", SIGKILL }, { "PIPE", SIGPIPE }, { "POLL", SIGPOLL },
	{ "PROF", SIGPROF }, { "PWR", SIGPWR }, { "QUIT", SIGQUIT },
	{ "SEGV", SIGSEGV }, { "STKFLT", SIGSTKFLT }, { "STOP", SIGSTOP },
	{ "SYS", SIGSYS }, { "TERM", SIGTERM }, { "TRAP", SIGTRAP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH }, { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ },
};

static const char *field_at(const char *s, unsigned nth)
{
	static const char blank[] = " \t\n\v\f\r";

	for (s += strspn(s, blank); *s && nth--; s += strspn(s, blank))
		s += strcspn(s, blank);
	return *s ? s : NULL;
}

bool str_field(const char *s, unsigned nth, char *buf, size_t size)
{
	size_t n;

	if (!(s = field_at(s, nth)) || !size)
		return false;
	n = strcspn(s, " \t\n\v\f\r");
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

bool str_field_u64(const char *s, unsigned nth, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (!(s = field_at(s, nth)))
		return false;
	n = strtoull(s, &end, 10);
	if (end == s)
		return false;
	*v = n;
	return true;
}

int parse_bitlist(const char *s, unsigned long *bits, size_t nbits)
{
	size_t w = 8 * sizeof(*bits);
	int64_t a, b;
	char *end;

	memset(bits, 0, (nbits + w - 1) / w * sizeof(*bits));
	while (*s) {
		a = strtol(s, &end, 10);
		if (end == s || a < 0 || (size_t)a >= nbits)
			return -1;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || (size_t)b >= nbits)
				return -1;
			s = end;
		}
		for (; a <= b; a++)
			bits[a / w] |= 1UL << (a % w);
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

int signal_parse(const char *s)
{
	char up[16];
	int64_t v;
	size_t i;

	if (parse_i64(s, 1, 64, &v) == 0)
		return (int)v;
	for (i = 0; s[i] && i < sizeof(up) - 1; i++)
		up[i] = toupper((unsigned char)s[i]);
	up[i] = '\0';
	if (s[i])
		return -1;
	s = has_prefix(up, "SIG") ? up + 3 : up;
	for (i = 0; i < ARRAY_SIZE(signals); i++)
		if (str_eq(s, signals[i].name))
			return signals[i].no;
	if (has_prefix(s, "RTMIN") || has_prefix(s, "RTMAX")) {
		int base = s[3] == 'I' ? SIGRTMIN : SIGRTMAX;   /* RTMIN, RTMAX */
		const char *r = s + 5;

		if (!*r)
			return base;
		if ((*r == '+' || *r == '-') && parse_i64(r + 1, 0, 32, &v) == 0) {
			int sig = *r == '+' ? base + (int)v : base - (int)v;

			if (sig >= SIGRTMIN && sig <= SIGRTMAX)
				return sig;
		}
	}
	return -1;
}

int fd_not_stdio(int fd)
{
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	if (nfd < 0)
		return fail(errno, "dup");
	return nfd;
}

/* Close (or, with CLOEXEC, mark close-on-exec) every fd >= FIRST but those
 * in KEEP: close_range(2) between the kept ones (Linux 5.9; CLOEXEC 5.11),
 * else a walk of /proc/self/fd. */
static int fds_from(int first, const int *keep, size_t n, bool cloexec)
{
	int k[8], lo = first, i, j, m = 0;
	DIR *d;
	struct dirent *e;
	int64_t v;

	for (i = 0; i < (int)n && m < (int)ARRAY_SIZE(k); i++)
		if (keep[i] >= first)
			k[m++] = keep[i];
	for (i = 1; i < m; i++)            /* a handful: insertion sort */
		for (j = i; j > 0 && k[j - 1] > k[j]; j--) {
			int t = k[j];

			k[j] = k[j - 1];
			k[j - 1] = t;
		}
#ifdef SYS_close_range
	for (i = 0; i <= m; i++) {
		int hi = i < m ? k[i] - 1 : INT32_MAX;

		if (hi >= lo && syscall(SYS_close_range, (unsigned)lo,
					(unsigned)hi, cloexec ? 4U : 0U) < 0)
			break;
		if (i < m)
			lo = k[i] + 1;
	}
	if (i > m)
		return 0;
#endif
	d = opendir("/proc/self/fd");
	if (!d)
		return fail(errno, "open '/proc/self/fd'");
	while ((e = readdir(d))) {
		bool kept = false;

		if (parse_i64(e->d_name, first, INT32_MAX, &v) < 0 ||
		    v == dirfd(d))
			continue;
		for (i = 0; i < m; i++)
			kept |= k[i] == v;
		if (kept)
			continue;
		if (cloexec)
			fcntl((int)v, F_SETFD, FD_CLOEXEC);
		else
			close((int)v);
	}
	closedir(d);
	return 0;
}

int fds_close_from(int first, const int *keep, size_t n)
{
	return fds_from(first, keep, n, false);
}

int fds_cloexec_from(int first)
{
	return fds_from(first, NULL, 0, true);
}

int listen_fds(void)
{
	const char *s = getenv("LISTEN_FDS");
	int64_t v;

	if (!s || parse_i64(s, 0, 1 << 20, &v) < 0)
		return 0;
	return (int)v;
}

int write_pid_file(const char *path, pid_t pid)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_file_atomic(AT_FDCWD, path, buf, strlen(buf), 0644);
}

void kill_reap(pid_t pid)
{
	struct err saved = err_last;

	/* never kill(-1) or kill(0): that signals every process we can */
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	err_last = saved;
}

void rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

void phase_mark(const char *name)
{
	static int on = -1;
	struct timespec ts;
	char line[96];
	int n;

	if (on < 0)
		on = getenv("OCIBOX_PHASES") != NULL;
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "ocibox-phase %s %d %lld\n", name,
		     (int)getpid(), (long long)ts.tv_sec * 1000000000LL +
		     ts.tv_nsec);
	if (write(2, line, (size_t)n) < 0)
		return;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

__attribute__((noinline)) void prefault_stack(size_t bytes)
{
	volatile char here;
	uintptr_t top = ((uintptr_t)&here & ~(uintptr_t)4095) + 4096;

	/* within the stack's mapping: the kernel maps 128 KiB below the
	 * arguments at exec, less what they take; past its end madvise
	 * fails at once, so try half as much */
	for (; bytes >= 16384; bytes /= 2)
		if (madvise((void *)(top - bytes), bytes, MADV_POPULATE_WRITE) == 0 ||
		    errno != ENOMEM)
			return;
}
