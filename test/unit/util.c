/* SPDX-License-Identifier: MIT */
/* util tests: the number and signal parsers (tables), path_join, mkdir_p,
 * the file helpers in a temp dir, fd hygiene (fd_not_stdio, fds_cloexec_from,
 * listen_fds) and kill_reap, each fd or process test in a forked child. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"
#include "test/unit/check.h"

static char tmp[] = "/tmp/ocibox-util-XXXXXX";

static const struct {
	const char *s;
	int64_t min, max;
	int ret;
	int64_t want;
} i64s[] = {
	{ "0", 0, 10, 0, 0 },
	{ "42", 0, 100, 0, 42 },
	{ "-1", -1, 1, 0, -1 },
	{ "-0", -5, 5, 0, 0 },
	{ "+7", 0, 10, 0, 7 },          /* as strtoll and Go's ParseInt */
	{ "007", 0, 10, 0, 7 },         /* decimal, never octal */
	{ "10", 0, 10, 0, 10 },         /* the bounds are inclusive */
	{ "11", 0, 10, -1, 0 },
	{ "-6", -5, 5, -1, 0 },
	{ "9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX },
	{ "-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN },
	{ "9223372036854775808", INT64_MIN, INT64_MAX, -1, 0 },
	{ "-9223372036854775809", INT64_MIN, INT64_MAX, -1, 0 },
	{ "99999999999999999999999", INT64_MIN, INT64_MAX, -1, 0 },
	{ "", 0, 10, -1, 0 },
	{ " 1", 0, 10, -1, 0 },
	{ "\t1", 0, 10, -1, 0 },
	{ "1 ", 0, 10, -1, 0 },
	{ "1\n", 0, 10, -1, 0 },
	{ "1x", 0, 10, -1, 0 },
	{ "x1", 0, 10, -1, 0 },
	{ "0x10", 0, 100, -1, 0 },
	{ "1e3", 0, 10000, -1, 0 },
	{ "1.0", 0, 10, -1, 0 },
	{ "-", -10, 10, -1, 0 },
	{ "+", 0, 10, -1, 0 },
	{ "--1", -10, 10, -1, 0 },
};

/* S with control characters as \xNN, for a one-line message */
static const char *vis(const char *s)
{
	static char buf[128];
	size_t n = 0;

	for (; *s && n < sizeof(buf) - 5; s++)
		n += snprintf(buf + n, sizeof(buf) - n,
			      (unsigned char)*s < 0x20 ? "\\x%02x" : "%c", *s);
	buf[n] = '\0';
	return buf;
}

static void test_parse_i64(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(i64s); i++) {
		int64_t v = 12345;
		int r = parse_i64(i64s[i].s, i64s[i].min, i64s[i].max, &v);

		CHECK_NAMED(r == i64s[i].ret &&
			    v == (r == 0 ? i64s[i].want : 12345),
			    "parse_i64(\"%s\", %lld, %lld) = %d, %lld%s", vis(i64s[i].s),
			    (long long)i64s[i].min, (long long)i64s[i].max, r,
			    (long long)v, r < 0 ? " (out untouched)" : "");
	}
}

static void test_signal_parse(void)
{
	static const struct {
		const char *s;
		int want;
	} sigs[] = {
		{ "9", SIGKILL }, { "1", 1 }, { "64", 64 },
		{ "KILL", SIGKILL }, { "SIGKILL", SIGKILL }, { "kill", SIGKILL },
		{ "SigTerm", SIGTERM }, { "TERM", SIGTERM }, { "HUP", SIGHUP },
		{ "USR1", SIGUSR1 }, { "WINCH", SIGWINCH }, { "CLD", SIGCHLD },
		{ "IOT", SIGABRT }, { "POLL", SIGIO },
		{ "0", -1 }, { "65", -1 }, { "-9", -1 }, { "", -1 },
		{ "SIG", -1 }, { "SIGSIGKILL", -1 }, { "KIL", -1 }, { "KILLX", -1 },
		{ " KILL", -1 }, { "SIGKILLSIGKILLSIGKILL", -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		CHECK_NAMED(signal_parse(sigs[i].s) == sigs[i].want,
			    "signal_parse(\"%s\") = %d", sigs[i].s, sigs[i].want);
	/* real-time signals, relative to this libc's SIGRTMIN/SIGRTMAX */
	CHECK(signal_parse("RTMAX") == SIGRTMAX);
	CHECK(signal_parse("RTMAX-3") == SIGRTMAX - 3);
	CHECK_NAMED(signal_parse("RTMIN") == SIGRTMIN &&
		    signal_parse("SIGRTMIN+1") == SIGRTMIN + 1 &&
		    signal_parse("rtmin+2") == SIGRTMIN + 2 &&
		    signal_parse("RTMIN-1") == -1,
		    "RTMIN, SIGRTMIN+1, rtmin+2 are SIGRTMIN + 0..2; RTMIN-1 is none");
	CHECK(signal_parse("RTMAX+1") == -1);       /* above SIGRTMAX */
	CHECK(signal_parse("RTMIN+40") == -1);
	CHECK(signal_parse("RTMIN+") == -1);
	CHECK(signal_parse("RTMINX") == -1);
	CHECK(signal_parse("RTMIN+ 1") == -1);
}

static void test_path_join(void)
{
	static const struct {
		const char *a, *b, *want;
	} joins[] = {
		{ "/a", "b", "/a/b" },
		{ "/a/", "b", "/a/b" },
		{ "/a//", "//b", "/a/b" },
		{ "/", "b", "/b" },
		{ "/", "/", "/" },
		{ "/a", "", "/a" },
		{ "a", "b/c", "a/b/c" },
		{ "/a", "b/", "/a/b/" },
	};
	char out[PATH_MAX], small[8];

	for (size_t i = 0; i < ARRAY_SIZE(joins); i++)
		CHECK_NAMED(path_join(out, sizeof(out), joins[i].a, joins[i].b) == 0 &&
			    str_eq(out, joins[i].want),
			    "path_join(\"%s\", \"%s\") = \"%s\"", joins[i].a,
			    joins[i].b, joins[i].want);
	CHECK_NAMED(path_join(small, sizeof(small), "/ab", "cde") == 0 &&
		    str_eq(small, "/ab/cde"), "path_join fills 7 bytes + NUL");
	CHECK_NAMED(path_join(small, sizeof(small), "/ab", "cdef") < 0 &&
		    err_last.no == ENAMETOOLONG,
		    "path_join fails on truncation: %s", err_last.msg);
}

/* file helpers in the temp dir */
static void test_files(void)
{
	char p[PATH_MAX], q[PATH_MAX], *buf = NULL, *big;
	AUTOCLOSE int dfd = -1;
	struct stat st;
	size_t len = 0, i;
	int fd;

	snprintf(p, sizeof(p), "%s/x/y/z", tmp);
	CHECK_NAMED(mkdir_p(p, 0700) == 0 && stat(p, &st) == 0 &&
		    S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
		    "mkdir_p makes every level");
	CHECK_NAMED(mkdir_p(p, 0700) == 0, "mkdir_p of an existing path");
	snprintf(q, sizeof(q), "%s/x/y/z/", tmp);
	CHECK_NAMED(mkdir_p(q, 0700) == 0, "mkdir_p with a trailing slash");
	snprintf(q, sizeof(q), "%s/x/file", tmp);
	close(open(q, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	snprintf(q, sizeof(q), "%s/x/file/sub", tmp);
	CHECK_NAMED(mkdir_p(q, 0700) < 0 && err_last.no == ENOTDIR,
		    "mkdir_p through a file: %s", err_last.msg);

	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(write_file_atomic(dfd, "x/a.json", "{\"v\":1}", 7, 0640) == 0);
	CHECK_NAMED(read_file_at(dfd, "x/a.json", &buf, &len) == 0 && len == 7 &&
		    str_eq(buf, "{\"v\":1}") && fstatat(dfd, "x/a.json", &st, 0) == 0 &&
		    (st.st_mode & 0777) == 0640,
		    "write_file_atomic in a subdirectory, then read_file_at");
	free(buf);
	buf = NULL;
	CHECK(write_file_atomic(dfd, "x/a.json", "2", 1, 0640) == 0);
	CHECK_NAMED(read_file_at(dfd, "x/a.json", &buf, &len) == 0 && len == 1 &&
		    str_eq(buf, "2"), "write_file_atomic replaces");
	free(buf);
	buf = NULL;
	snprintf(q, sizeof(q), "x/.a.json.tmp%d", (int)getpid());
	CHECK_NAMED(faccessat(dfd, q, F_OK, 0) < 0 && errno == ENOENT,
		    "no temporary file left beside it");
	CHECK_NAMED(write_file_atomic(dfd, "nodir/a", "x", 1, 0600) < 0 &&
		    err_last.no == ENOENT, "write_file_atomic into a missing "
		    "directory fails: %s", err_last.msg);

	CHECK_NAMED(read_file_at(dfd, "missing", &buf, &len) < 0 &&
		    err_last.no == ENOENT && strstr(err_last.msg, "'missing'"),
		    "read_file_at names what is missing: %s", err_last.msg);
	CHECK_NAMED(read_file_at(dfd, "x", &buf, &len) < 0 &&
		    err_last.no == EISDIR, "read_file_at of a directory: %s",
		    err_last.msg);

	/* read_fd grows its buffer: 100000 bytes through a file */
	big = xmalloc(100000);
	for (i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	CHECK(write_file_atomic(dfd, "big", big, 100000, 0600) == 0);
	CHECK_NAMED(read_file_at(dfd, "big", &buf, &len) == 0 && len == 100000 &&
		    memcmp(buf, big, len) == 0 && buf[len] == '\0',
		    "read_fd of 100000 bytes, NUL-terminated");
	free(buf);
	buf = NULL;

	/* write_all through a pipe bigger than the pipe: a reader child */
	{
		int pfd[2], status;
		pid_t pid;

		if (pipe(pfd) < 0)
			return;
		fflush(stdout);
		if ((pid = fork()) == 0) {
			size_t n;

			close(pfd[1]);
			_exit(read_fd(pfd[0], &buf, &n) == 0 && n == 100000 &&
			      memcmp(buf, big, n) == 0 ? 0 : 1);
		}
		close(pfd[0]);
		CHECK_NAMED(write_all(pfd[1], big, 100000) == 0,
			    "write_all of 100000 bytes into a pipe");
		close(pfd[1]);
		waitpid(pid, &status, 0);
		CHECK_NAMED(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			    "the reader got them all, in order");
	}
	free(big);

	CHECK_NAMED(write_file_at(dfd, "x/a.json", "abc") == 0 &&
		    read_file_at(dfd, "x/a.json", &buf, &len) == 0 &&
		    str_eq(buf, "abc"), "write_file_at writes an existing file");
	free(buf);
	buf = NULL;
	CHECK_NAMED(write_file_at(dfd, "x/new", "abc") < 0 && err_last.no == ENOENT,
		    "write_file_at never creates: %s", err_last.msg);
	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		CHECK_NAMED(write_all(fd, "x", 1) < 0 && err_last.no == ENOSPC,
			    "write_all reports the error: %s", err_last.msg);
		close(fd);
	}

	snprintf(p, sizeof(p), "%s/pid", tmp);
	CHECK_NAMED(write_pid_file(p, 4242) == 0 &&
		    read_file_at(AT_FDCWD, p, &buf, &len) == 0 && str_eq(buf, "4242"),
		    "write_pid_file writes the bare number");
	free(buf);
}

/* Run FN in a child; its exit status 0 is a pass. */
static bool in_child(int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(fn());
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int child_not_stdio(void)
{
	int fd, nfd;

	if (fd_not_stdio(7) != 7 || fd_not_stdio(-1) != -1)
		return 1;
	close(0);
	if ((fd = open("/dev/null", O_RDONLY)) != 0)
		return 2;
	nfd = fd_not_stdio(fd);
	if (nfd <= 2)
		return 3;
	if (fcntl(0, F_GETFD) != -1 || errno != EBADF)
		return 4;                         /* the low fd was closed */
	if (!(fcntl(nfd, F_GETFD) & FD_CLOEXEC))
		return 5;
	return 0;
}

static int child_cloexec(void)
{
	int lo = dup(1), hi = dup(1), hi2;

	if (lo < 0 || hi < 0 || (hi2 = dup2(hi, 40)) != 40)
		return 1;
	if (fds_cloexec_from(hi) < 0)
		return 2;
	if (fcntl(lo, F_GETFD) & FD_CLOEXEC)
		return 3;                         /* below FIRST: untouched */
	if (!(fcntl(hi, F_GETFD) & FD_CLOEXEC) || !(fcntl(40, F_GETFD) & FD_CLOEXEC))
		return 4;
	return 0;
}

static int child_kill_reap_zero(void)
{
	/* alone in a process group: a kill(0) would take only us */
	setpgid(0, 0);
	kill_reap(0);
	return 0;
}

static void test_fds(void)
{
	CHECK_NAMED(in_child(child_not_stdio),
		    "fd_not_stdio moves fd 0 above 2, close-on-exec, and closes 0");
	CHECK_NAMED(in_child(child_cloexec),
		    "fds_cloexec_from marks FIRST and above, not below");

	unsetenv("LISTEN_FDS");
	CHECK(listen_fds() == 0);
	setenv("LISTEN_FDS", "3", 1);
	CHECK(listen_fds() == 3);
	setenv("LISTEN_FDS", "-1", 1);
	CHECK(listen_fds() == 0);
	setenv("LISTEN_FDS", "3x", 1);
	CHECK(listen_fds() == 0);
	unsetenv("LISTEN_FDS");
}

static void test_kill_reap(void)
{
	struct err saved;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	fail(EPERM, "the first error");
	saved = err_last;
	kill_reap(pid);
	CHECK_NAMED(waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD,
		    "kill_reap kills and reaps its child");
	CHECK_NAMED(err_last.no == saved.no && str_eq(err_last.msg, saved.msg),
		    "kill_reap keeps err_last (an undo step)");
	CHECK_NAMED(in_child(child_kill_reap_zero), "kill_reap(0) signals nobody");
}

static void test_rfc3339(void)
{
	char buf[64], z;
	int y, mo, d, h, mi, s, n = 0;
	long ns;

	rfc3339_now(buf, sizeof(buf));
	CHECK_NAMED(sscanf(buf, "%4d-%2d-%2dT%2d:%2d:%2d.%9ld%c%n", &y, &mo, &d, &h,
			   &mi, &s, &ns, &z, &n) == 8 && z == 'Z' &&
		    (size_t)n == strlen(buf) && strlen(buf) == 30 && y >= 2024 &&
		    mo >= 1 && mo <= 12 && d >= 1 && d <= 31,
		    "rfc3339_now: %s", buf);
}

static void test_alloc(void)
{
	AUTOFREE char *s = xasprintf("%s-%d", "id", 7);
	AUTOFREE char *d = xstrdup("");
	AUTOFREE void *z = xmalloc(0), *c = xcalloc(0, 0);

	CHECK(str_eq(s, "id-7") && str_eq(d, "") && z && c);
	CHECK(has_prefix("SIGKILL", "SIG") && !has_prefix("SI", "SIG") &&
	      has_prefix("x", ""));
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	check_module = "util";
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_parse_i64();
	test_signal_parse();
	test_path_join();
	test_files();
	test_fds();
	test_kill_reap();
	test_rfc3339();
	test_alloc();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	CHECK_NAMED(system(cmd) == 0, "temporary dir %s removed", tmp);
	return CHECK_DONE();
}
