/* SPDX-License-Identifier: MIT */
/* seccomp tests: filters from small linux.seccomp documents loaded in forked
 * children, which observe each action, operator, flag and the notify fd from
 * inside; podman's default profile; the listener handshake. With
 * ENABLE_SECCOMP=0 (the ASan flavour) only the stubs and the listener. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "core/err.h"
#include "core/json.h"
#include "core/seccomp.h"
#include "core/spec.h"
#include "core/util.h"
#include "test/unit/check.h"

/* in the repository: see check_path() */
#define PODMAN "test/data/samples/podman-config.sample.json"

/* Child exit codes: 0 = as expected, SC_LOADFAIL = sc_load failed (its
 * message on stderr), anything else = which observation was wrong. */
enum { SC_LOADFAIL = 100 };

static bool parse_quiet;

/* Parse a linux.seccomp document written with ' for " into S. */
static int parse(struct spec *s, const char *frag)
{
	char *buf = xasprintf("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
			      "\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"},"
			      "\"linux\":{\"seccomp\":%s}}", frag);
	char *p;

	for (p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
	if (spec_parse(s, buf, strlen(buf), "/", NULL) < 0) {
		if (!parse_quiet)
			fprintf(stderr, "spec_parse: %s\n", err_last.msg);
		return -1;
	}
	return 0;
}

/* ---- the listener handshake (also without libseccomp) ---- */

static void test_send_listener(void)
{
	char dir[] = "/tmp/ocibox-sc-XXXXXX", sock[64], buf[4096];
	struct spec_seccomp sc = { .set = true, .listener_metadata = "meta data" };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } cm;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
	struct json_doc d;
	struct stat a, b;
	int srv, conn, pfd[2], got = -1, t, st;
	ssize_t n;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sock, sizeof(sock), "%s/listener.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	sc.listener_path = sock;
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(bind(srv, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(srv, 1) == 0);
	CHECK(pipe2(pfd, O_CLOEXEC) == 0);

	/* The connection waits in the backlog: no thread needed. */
	st = sc_send_listener(&sc, pfd[0],
		"{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\","
		"\"pid\":4242,\"bundle\":\"/b\",\"annotations\":{\"k\":\"v\"}}");
	CHECK_NAMED(st == 0, "sc_send_listener: sent (%s)", st ? err_last.msg : "ok");
	conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	CHECK(conn >= 0);
	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	if (n > 0 && CMSG_FIRSTHDR(&mh) && CMSG_FIRSTHDR(&mh)->cmsg_type == SCM_RIGHTS)
		memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	CHECK_NAMED(got >= 0 && fstat(got, &a) == 0 && fstat(pfd[0], &b) == 0 &&
		    a.st_ino == b.st_ino, "sc_send_listener: the fd arrives in SCM_RIGHTS");
	CHECK_NAMED(strcmp(buf, "{\"ociVersion\":\"1.3.0\",\"fds\":[\"seccompFd\"],"
			   "\"pid\":4242,\"metadata\":\"meta data\",\"state\":{"
			   "\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\","
			   "\"pid\":4242,\"bundle\":\"/b\",\"annotations\":{\"k\":\"v\"}}}") == 0,
		    "sc_send_listener: ContainerProcessState JSON: %s", buf);
	CHECK(json_parse(&d, buf, (size_t)n, "msg") == 0 &&
	      (t = json_get(&d, 0, "fds")) > 0 && json_tok(&d, t)->size == 1);
	json_fini(&d);
	close(got);
	close(conn);

	sc.listener_path = "/nonexistent/ocibox.sock";
	CHECK_NAMED(sc_send_listener(&sc, pfd[0], "{\"pid\":1}") < 0 &&
		    strstr(err_last.msg, "listener '/nonexistent/ocibox.sock': connect"),
		    "sc_send_listener: unreachable listener: %s", err_last.msg);
	sc.listener_path = sock;
	CHECK_NAMED(sc_send_listener(&sc, pfd[0], "{\"id\":\"x\"}") < 0 &&
		    strstr(err_last.msg, "no pid"),
		    "sc_send_listener: state without pid: %s", err_last.msg);
	close(pfd[0]);
	close(pfd[1]);
	close(srv);
	unlink(sock);
	rmdir(dir);
}

static void collect(void *ctx, const char *msg)
{
	struct jw *w = ctx;

	jw_str(w, msg);
}

/* Problems sc_check reports for FRAG, as one JSON array text (freed by caller). */
static char *check_problems(const char *frag, int *n)
{
	struct spec s;
	struct jw w;

	*n = -1;
	jw_init(&w);
	jw_arr_begin(&w);
	if (parse(&s, frag) == 0) {
		*n = sc_check(&s.linux.seccomp, collect, &w);
		spec_free(&s);
	}
	jw_arr_end(&w);
	return w.buf;
}

#if !ENABLE_SECCOMP

static void test_stubs(void)
{
	struct spec_seccomp none = { 0 };
	struct spec s;
	struct jw w;
	char *p;
	int lfd = 7, n;

	CHECK(sc_load(&none, &lfd) == 0 && lfd == -1);
	CHECK(parse(&s, "{'defaultAction':'SCMP_ACT_ALLOW'}") == 0);
	CHECK_NAMED(sc_load(&s.linux.seccomp, &lfd) < 0 &&
		    str_eq(err_last.msg, "seccomp: not compiled in (built with SECCOMP=0)"),
		    "stub: sc_load refuses a seccomp config: %s", err_last.msg);
	spec_free(&s);
	p = check_problems("{'defaultAction':'SCMP_ACT_ALLOW'}", &n);
	CHECK_NAMED(n == 1 && strstr(p, "config.json: linux.seccomp: seccomp not compiled in"),
		    "stub: sc_check: %s", p);
	free(p);
	jw_init(&w);
	sc_features(&w);
	CHECK_NAMED(w.len == 17 && !memcmp(w.buf, "{\"enabled\":false}", 17),
		    "stub: sc_features: %.*s", (int)w.len, w.buf);
	jw_fini(&w);
}

int main(void)
{
	check_module = "seccomp";
	test_stubs();
	test_send_listener();
	return CHECK_DONE();
}

#else

/* Load S's filter in this (child) process, or _exit(SC_LOADFAIL). */
static int load_or_exit(const struct spec *s)
{
	int lfd;

	if (sc_load(&s->linux.seccomp, &lfd) < 0) {
		fprintf(stderr, "sc_load: %s\n", err_last.msg);
		_exit(SC_LOADFAIL);
	}
	return lfd;
}

/* Fork; the child loads FRAG's filter (with no_new_privs, so that this also
 * runs unprivileged) and returns FN's exit code. The wait status, or -1. */
static int in_child(const char *frag, int (*fn)(void *), void *arg)
{
	struct rlimit no_core = { 0, 0 };
	struct spec s;
	pid_t pid;
	int st;

	if (parse(&s, frag) < 0)
		return -1;
	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);  /* SIGSYS dumps core */
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		load_or_exit(&s);
		_exit(fn(arg));
	}
	spec_free(&s);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return st;
}

static bool exited0(int st) { return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0; }
static bool sigsys(int st) { return st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS; }

/* ---- actions ---- */

static int expect_errno(void *arg)
{
	int want = (int)(long)arg;

	errno = 0;
	if (mkdir("/nonexistent-ocibox/x", 0700) == 0 || errno != want)
		return 1;
	if (syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent-ocibox/x", 0700) == 0 ||
	    errno != want)
		return 2;
	/* not filtered */
	return getppid() > 0 ? 0 : 3;
}

static int call_getppid(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return 1;  /* should not be reached */
}

static int expect_getppid_ok(void *arg)
{
	(void)arg;
	return syscall(SYS_getppid) == getppid() && getppid() > 1 ? 0 : 1;
}

/* The filter allows only what exit_group needs: this function makes no other
 * syscall, not even through the libc. */
static int expect_default_errno(void *arg)
{
	long r = syscall(SYS_getppid);

	syscall(SYS_exit_group, r == -1 && errno == (int)(long)arg ? 0 : 1);
	return 2;
}

static volatile sig_atomic_t trapped_nr = -1, trapped_data = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	trapped_nr = si->si_syscall;
	trapped_data = si->si_errno;  /* SECCOMP_RET_DATA */
}

static int expect_trap(void *arg)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	(void)arg;
	sigaction(SIGSYS, &sa, NULL);
	syscall(SYS_getppid);
	return trapped_nr == SYS_getppid ? 0 : 1;
}

static int expect_enosys(void *arg)
{
	(void)arg;
	/* TRACE without a tracer: the syscall fails with ENOSYS */
	return syscall(SYS_getppid) == -1 && errno == ENOSYS ? 0 : 1;
}

static void test_actions(void)
{
	int st;

	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['mkdir','mkdirat','ocibox_no_such_syscall'],"
		      "'action':'SCMP_ACT_ERRNO','errnoRet':13}]}",
		      expect_errno, (void *)(long)EACCES);
	CHECK_NAMED(exited0(st), "SCMP_ACT_ERRNO errnoRet 13: mkdir fails with EACCES; "
		    "an unknown syscall name is skipped (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['mkdir','mkdirat'],'action':'SCMP_ACT_ERRNO'}]}",
		      expect_errno, (void *)(long)EPERM);
	CHECK_NAMED(exited0(st), "SCMP_ACT_ERRNO without errnoRet: EPERM (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':25,"
		      "'syscalls':[{'names':['exit_group','exit'],'action':'SCMP_ACT_ALLOW'}]}",
		      expect_default_errno, (void *)(long)ENOTTY);
	CHECK_NAMED(exited0(st), "defaultAction SCMP_ACT_ERRNO, defaultErrnoRet 25: "
		    "getppid fails with ENOTTY (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_KILL_PROCESS'}]}",
		      call_getppid, NULL);
	CHECK_NAMED(sigsys(st), "SCMP_ACT_KILL_PROCESS: killed by SIGSYS (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_KILL_THREAD'}]}",
		      call_getppid, NULL);
	CHECK_NAMED(sigsys(st), "SCMP_ACT_KILL_THREAD: killed by SIGSYS (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_KILL'}]}",
		      call_getppid, NULL);
	CHECK_NAMED(sigsys(st), "SCMP_ACT_KILL: killed by SIGSYS (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_TRAP'}]}",
		      expect_trap, NULL);
	CHECK_NAMED(exited0(st), "SCMP_ACT_TRAP: SIGSYS handler sees getppid (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_LOG'}]}",
		      expect_getppid_ok, NULL);
	CHECK_NAMED(exited0(st), "SCMP_ACT_LOG: the syscall succeeds (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_LOG','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_ALLOW'}]}",
		      expect_getppid_ok, NULL);
	CHECK_NAMED(exited0(st), "defaultAction SCMP_ACT_LOG: syscalls succeed (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_TRACE','errnoRet':42}]}",
		      expect_enosys, NULL);
	CHECK_NAMED(exited0(st), "SCMP_ACT_TRACE without a tracer: ENOSYS (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_ALLOW'}]}",
		      expect_getppid_ok, NULL);
	CHECK_NAMED(exited0(st), "a rule with the default action is skipped (status %#x)", st);
}

/* TRACE with a tracer: PTRACE_EVENT_SECCOMP carries errnoRet as the message. */
static void test_trace(void)
{
	struct spec s;
	unsigned long msg = 0;
	pid_t pid;
	int st, ok = 0;

	if (parse(&s, "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
		  "['getppid'],'action':'SCMP_ACT_TRACE','errnoRet':42}]}") < 0)
		return;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(3);
		raise(SIGSTOP);
		load_or_exit(&s);
		_exit(syscall(SYS_getppid) > 0 ? 0 : 4);
	}
	spec_free(&s);
	if (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) &&
	    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP) == 0 &&
	    ptrace(PTRACE_CONT, pid, 0, 0) == 0 &&
	    waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) &&
	    st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) &&
	    ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0)
		ok = 1;
	if (WIFSTOPPED(st))
		ptrace(PTRACE_CONT, pid, 0, 0);
	waitpid(pid, &st, 0);
	CHECK_NAMED(ok && msg == 42 && exited0(st),
		    "SCMP_ACT_TRACE errnoRet 42: the tracer gets message 42 "
		    "(ok %d, msg %lu, status %#x)", ok, msg, st);
}

/* ---- operators: ERRNO(EXDEV) on close(fd) for chosen fds ---- */

struct op_case {
	const char *name, *args;
	long fds[3];
	int filtered;  /* bit i: fds[i] is filtered (EXDEV), else EBADF */
};

static int expect_ops(void *arg)
{
	const struct op_case *c = arg;
	int i;

	for (i = 0; i < 3; i++) {
		int want = c->filtered & (1 << i) ? EXDEV : EBADF;

		if (syscall(SYS_close, c->fds[i]) != -1 || errno != want)
			return 10 + i;
	}
	return 0;
}

static void test_operators(void)
{
	static const struct op_case cases[] = {
		{ "SCMP_CMP_NE", "[{'index':0,'value':1005,'op':'SCMP_CMP_NE'}]",
		  { 1004, 1005, 1006 }, 5 },
		{ "SCMP_CMP_LT", "[{'index':0,'value':1005,'op':'SCMP_CMP_LT'}]",
		  { 1004, 1005, 1006 }, 1 },
		{ "SCMP_CMP_LE", "[{'index':0,'value':1005,'op':'SCMP_CMP_LE'}]",
		  { 1004, 1005, 1006 }, 3 },
		{ "SCMP_CMP_EQ", "[{'index':0,'value':1005,'op':'SCMP_CMP_EQ'}]",
		  { 1004, 1005, 1006 }, 2 },
		{ "SCMP_CMP_GE", "[{'index':0,'value':1005,'op':'SCMP_CMP_GE'}]",
		  { 1004, 1005, 1006 }, 6 },
		{ "SCMP_CMP_GT", "[{'index':0,'value':1005,'op':'SCMP_CMP_GT'}]",
		  { 1004, 1005, 1006 }, 4 },
		/* value = mask, valueTwo = datum: fd & 0xf == 5 */
		{ "SCMP_CMP_MASKED_EQ (value = mask, valueTwo = datum)",
		  "[{'index':0,'value':15,'valueTwo':5,'op':'SCMP_CMP_MASKED_EQ'}]",
		  { 0x105, 0x106, 0x215 }, 5 },
		/* same index twice: one rule each, so either matches (runc) */
		{ "two conditions on one index: either matches",
		  "[{'index':0,'value':1004,'op':'SCMP_CMP_EQ'},"
		  "{'index':0,'value':1006,'op':'SCMP_CMP_EQ'}]",
		  { 1004, 1005, 1006 }, 5 },
		{ "GE and LE on one index: either matches (runc)",
		  "[{'index':0,'value':1006,'op':'SCMP_CMP_GE'},"
		  "{'index':0,'value':1004,'op':'SCMP_CMP_LE'}]",
		  { 1004, 1005, 1006 }, 5 },
	};
	char frag[512];
	size_t i;
	int st;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(frag, sizeof(frag), "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
			 "{'names':['close'],'action':'SCMP_ACT_ERRNO','errnoRet':18,"
			 "'args':%s}]}", cases[i].args);
		st = in_child(frag, expect_ops, (void *)&cases[i]);
		CHECK_NAMED(exited0(st), "operator %s (status %#x)", cases[i].name, st);
	}
}

/* Distinct indexes: all conditions in one rule (AND). dup3(old, new, 0) with a
 * bad old fd fails EBADF unless filtered. */
static int expect_and(void *arg)
{
	static const struct { long a, b; int err; } calls[] = {
		{ 1000, 2000, EXDEV }, { 1000, 2001, EBADF }, { 1001, 2000, EBADF },
	};
	size_t i;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		if (syscall(SYS_dup3, calls[i].a, calls[i].b, 0) != -1 ||
		    errno != calls[i].err)
			return 10 + (int)i;
	return 0;
}

static void test_args_and(void)
{
	int st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
			  "{'names':['dup3'],'action':'SCMP_ACT_ERRNO','errnoRet':18,'args':["
			  "{'index':0,'value':1000,'op':'SCMP_CMP_EQ'},"
			  "{'index':1,'value':2000,'op':'SCMP_CMP_EQ'}]}]}",
			  expect_and, NULL);

	CHECK_NAMED(exited0(st), "conditions on two indexes: both must match (status %#x)", st);
}

/* ---- NOTIFY: the parent answers the child's mkdirat ---- */

static int send_fd(int sock, int fd)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } cm;
	char c = 'f';
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };

	memset(&cm, 0, sizeof(cm));
	CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } cm;
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
	int fd = -1;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1 || !CMSG_FIRSTHDR(&mh))
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	return fd;
}

/* Answer one notification: ERR (negative errno) or VAL. The syscall nr seen, or -1. */
static int answer(int lfd, int err, long val)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return -1;
	resp = (struct seccomp_notif_resp){ .id = req.id, .error = err, .val = val };
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -1;
	return req.data.nr;
}

static void test_notify(const char *flags, const char *what)
{
	char frag[512];
	struct spec s;
	int sp[2], lfd = -1, st, nr1 = -1, nr2 = -1;
	pid_t pid;

	snprintf(frag, sizeof(frag), "{'defaultAction':'SCMP_ACT_ALLOW',"
		 "'listenerPath':'/run/unused.sock','flags':%s,'syscalls':["
		 "{'names':['mkdirat'],'action':'SCMP_ACT_NOTIFY'}]}", flags);
	if (parse(&s, frag) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		CHECK_NAMED(0, "NOTIFY%s: setup", what);
		return;
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		long r1, r2;
		int e1;

		close(sp[0]);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		lfd = load_or_exit(&s);
		if (lfd < 0 || send_fd(sp[1], lfd) < 0)
			_exit(3);
		close(lfd);
		r1 = syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent-ocibox/x", 0700);
		e1 = errno;
		r2 = syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent-ocibox/x", 0700);
		_exit(r1 == -1 && e1 == EXDEV && r2 == 4242 ? 0 : 4);
	}
	spec_free(&s);
	close(sp[1]);
	if ((lfd = recv_fd(sp[0])) >= 0) {
		nr1 = answer(lfd, -EXDEV, 0);
		nr2 = answer(lfd, 0, 4242);
		close(lfd);
	}
	close(sp[0]);
	waitpid(pid, &st, 0);
	CHECK_NAMED(lfd >= 0 && nr1 == SYS_mkdirat && nr2 == SYS_mkdirat && exited0(st),
		    "SCMP_ACT_NOTIFY%s: the listener's answers (EXDEV, then 4242) "
		    "are what mkdirat returns (status %#x)", what, st);
}

static void test_no_listener_fd(void)
{
	struct spec_seccomp none = { 0 };
	int lfd = 7, st;

	CHECK(sc_load(&none, &lfd) == 0 && lfd == -1);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		      "{'names':['getppid'],'action':'SCMP_ACT_ALLOW'}]}",
		      expect_getppid_ok, NULL);
	CHECK_NAMED(exited0(st), "defaultAction SCMP_ACT_ALLOW loads (status %#x)", st);
}

/* ---- flags, errors, check, features ---- */

static char *features(void)
{
	struct jw w;

	jw_init(&w);
	sc_features(&w);
	jw_raw(&w, "", 1);  /* NUL */
	return w.buf;
}

static int load_err(const char *frag, char *msg, size_t size)
{
	struct spec s;
	int lfd, r;

	if (parse(&s, frag) < 0)
		return -2;
	/* In this process: fine when it fails, which is what is tested. */
	r = sc_load(&s.linux.seccomp, &lfd);
	spec_free(&s);
	snprintf(msg, size, "%s", err_last.msg);
	return r;
}

static int noop(void *arg) { (void)arg; return 0; }

static void test_flags(void)
{
	static const char *const flags[] = {
		"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	};
	AUTOFREE char *f = features();
	char frag[512], msg[512];
	size_t i;
	int st;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		char quoted[80];
		bool sup;

		snprintf(quoted, sizeof(quoted), "\"%s\"", flags[i]);
		sup = strstr(strstr(f, "supportedFlags"), quoted) != NULL;
		snprintf(frag, sizeof(frag), "{'defaultAction':'SCMP_ACT_ALLOW','flags':['%s'],"
			 "'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_LOG'}]}", flags[i]);
		if (!sup) {
			CHECK_NAMED(load_err(frag, msg, sizeof(msg)) < 0 &&
				    strstr(msg, flags[i]) && strstr(msg, "not supported by this kernel"),
				    "unsupported %s: %s", flags[i], msg);
			continue;
		}
		st = in_child(frag, expect_getppid_ok, NULL);
		CHECK_NAMED(exited0(st), "flag %s loads (status %#x)", flags[i], st);
	}
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_TSYNC',"
		      "'SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_SPEC_ALLOW']}", noop, NULL);
	CHECK_NAMED(exited0(st) || (f && !strstr(f, "SPEC_ALLOW\"]")),
		    "TSYNC, LOG, SPEC_ALLOW together (status %#x)", st);
	if (strstr(strstr(f, "supportedFlags"), "WAIT_KILLABLE_RECV"))
		test_notify("['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']",
			    " with WAIT_KILLABLE_RECV");
	test_notify("['SECCOMP_FILTER_FLAG_TSYNC']", " with TSYNC");
}

static void test_errors(void)
{
	char msg[512];

	CHECK_NAMED(load_err("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
			     "['getppid'],'action':'SCMP_ACT_ERRNO','errnoRet':5000}]}",
			     msg, sizeof(msg)) < 0 &&
		    str_eq(msg, "seccomp: linux.seccomp.syscalls[0]: errno 5000 out of "
			   "range (0..4094)"),
		    "errnoRet 5000 is refused: %s", msg);
	parse_quiet = true;
	CHECK_NAMED(load_err("{'defaultAction':'SCMP_ACT_ALLOW','flags':"
			     "['SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_BOGUS']}",
			     msg, sizeof(msg)) == -2,
		    "an unknown flag is refused by spec_parse already");
	parse_quiet = false;
}

static void test_check(void)
{
	struct err saved;
	char *p;
	int n;

	err_last.no = 0;
	snprintf(err_last.msg, sizeof(err_last.msg), "untouched");
	saved = err_last;
	p = check_problems("{'defaultAction':'SCMP_ACT_ERRNO','architectures':"
			   "['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_AARCH64'],"
			   "'flags':['SECCOMP_FILTER_FLAG_LOG'],'syscalls':[{'names':"
			   "['getppid','ocibox_no_such_syscall'],'action':'SCMP_ACT_ALLOW'}]}", &n);
	CHECK_NAMED(n == 0 && str_eq(p, "[]") && !memcmp(&saved, &err_last, sizeof(saved)),
		    "sc_check: a good profile has no problems, err_last kept: %s", p);
	free(p);
	p = check_problems("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
			   "['getppid'],'action':'SCMP_ACT_ERRNO','errnoRet':4095},"
			   "{'names':['close'],'action':'SCMP_ACT_TRACE','errnoRet':70000}]}", &n);
	CHECK_NAMED(n == 2 && str_eq(p, "[\"config.json: linux.seccomp.syscalls[0]: "
				     "errno 4095 out of range (0..4094)\",\"config.json: "
				     "linux.seccomp.syscalls[1]: trace message 70000 out of "
				     "range (0..65535)\"]"),
		    "sc_check: errnoRet out of range: %s", p);
	free(p);
	/* Names spec_parse accepts that libseccomp 2.5 does not know. */
	p = check_problems("{'defaultAction':'SCMP_ACT_ALLOW','architectures':"
			   "['SCMP_ARCH_X86','SCMP_ARCH_LOONGARCH64']}", &n);
	CHECK_NAMED(n == 1 && str_eq(p, "[\"config.json: linux.seccomp.architectures[1]: "
				     "SCMP_ARCH_LOONGARCH64: not known to libseccomp\"]"),
		    "sc_check: an architecture libseccomp does not know: %s", p);
	free(p);
}

static void test_features(void)
{
	AUTOFREE char *f = features();
	struct json_doc d;
	int t, n;

	CHECK_NAMED(f && json_parse(&d, f, strlen(f), "features") == 0, "sc_features: JSON: %s", f);
	if (!f)
		return;
	CHECK((t = json_get(&d, 0, "enabled")) > 0 && json_type(&d, t) == JSON_TRUE);
	CHECK((t = json_get(&d, 0, "operators")) > 0 && json_tok(&d, t)->size == SPEC_SC_OPS);
	CHECK((t = json_get(&d, 0, "knownFlags")) > 0 && json_tok(&d, t)->size == 4);
	n = (t = json_get(&d, 0, "actions")) > 0 ? (int)json_tok(&d, t)->size : 0;
	/* Linux >= 5.0 has all of them: this test host's kernel is newer. */
	CHECK_NAMED(n == SPEC_SC_ACTIONS, "sc_features: %d of %d actions probed as available",
		    n, SPEC_SC_ACTIONS);
	CHECK((t = json_get(&d, 0, "archs")) > 0 && json_tok(&d, t)->size >= 15);
	CHECK(json_get(&d, 0, "supportedFlags") > 0);
	json_fini(&d);
}

/* ---- podman's default profile ---- */

static int fork_exec_true(void *arg)
{
	pid_t pid;
	int st;

	(void)arg;
	if ((pid = fork()) < 0)
		return 10;
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !exited0(st))
		return 11;
	/* and what the profile refuses is refused: */
	errno = 0;
	return syscall(SYS_kexec_load, 0, 0, 0, 0) == -1 && errno == EPERM ? 0 : 12;
}

static void ignore(void *ctx, const char *msg) { (void)ctx; (void)msg; }

static long usec_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000L + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

static void test_podman(void)
{
	struct rlimit no_core = { 0, 0 };
	struct timespec t0;
	struct spec s;
	char *buf;
	size_t len;
	pid_t pid;
	int st, p[2];
	long us[2] = { -1, -1 };

	if (read_file_at(AT_FDCWD, check_path(PODMAN), &buf, &len) < 0 ||
	    spec_parse(&s, buf, len, "/", NULL) < 0) {
		CHECK_NAMED(0, "podman profile parses: %s", err_last.msg);
		return;
	}
	CHECK_NAMED(s.linux.seccomp.set && s.linux.seccomp.n_syscalls > 10,
		    "podman profile: %zu rules", s.linux.seccomp.n_syscalls);
	if (pipe(p) < 0)
		return;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		int lfd;

		setrlimit(RLIMIT_CORE, &no_core);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (sc_load(&s.linux.seccomp, &lfd) < 0) {
			fprintf(stderr, "sc_load: %s\n", err_last.msg);
			_exit(SC_LOADFAIL);
		}
		us[0] = usec_since(&t0);
		if (write(p[1], us, sizeof(us[0])) < 0)
			_exit(2);
		_exit(fork_exec_true(NULL));
	}
	close(p[1]);
	if (read(p[0], us, sizeof(us[0])) != sizeof(us[0]))
		us[0] = -1;
	close(p[0]);
	waitpid(pid, &st, 0);
	CHECK_NAMED(exited0(st), "podman profile loads; fork + exec /bin/true works, "
		    "kexec_load is refused (status %#x)", st);
	/* compile only (what sc_check does), best of 5 */
	for (int i = 0; i < 5; i++) {
		long u;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		sc_check(&s.linux.seccomp, ignore, NULL);
		u = usec_since(&t0);
		if (us[1] < 0 || u < us[1])
			us[1] = u;
	}
	printf("# seccomp: podman profile (%zu rules): build+load %ld us, build %ld us\n",
	       s.linux.seccomp.n_syscalls, us[0], us[1]);
	spec_free(&s);
}

/* ---- multi-arch: a 32-bit x86 syscall through int $0x80 ---- */

#if defined(__x86_64__)
static long int80(long nr)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static int int80_getppid(void *arg)
{
	long r = int80(64);  /* i386 getppid */

	(void)arg;
	if (r > 0)
		return 0;
	return r == -EACCES ? 5 : 6;
}

static int int80_expect(void *arg)
{
	(void)arg;
	/* i386 getppid (64) is filtered; i386 getpid (20) is not */
	return int80(64) == -EACCES && int80(20) == getpid() ? 0 : 1;
}

static void test_multiarch(void)
{
	struct rlimit no_core = { 0, 0 };
	int st;

	/* Probe without a filter: under some hypervisors int $0x80 faults. */
	fflush(stdout);
	if (fork() == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		_exit(int80_getppid(NULL));
	}
	wait(&st);

	if (!exited0(st)) {
		printf("SKIP: seccomp: multi-arch: this host runs no i386 syscalls "
		       "(int $0x80 without a filter: status %#x)\n", st);
		return;
	}
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64'],"
		      "'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_ERRNO','errnoRet':13}]}",
		      int80_getppid, NULL);
	CHECK_NAMED(sigsys(st), "multi-arch: without SCMP_ARCH_X86 an i386 syscall is "
		    "killed (bad arch) (status %#x)", st);
	st = in_child("{'defaultAction':'SCMP_ACT_ALLOW','architectures':"
		      "['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_X32'],"
		      "'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_ERRNO','errnoRet':13}]}",
		      int80_expect, NULL);
	CHECK_NAMED(exited0(st), "multi-arch: with SCMP_ARCH_X86, i386 getppid is filtered "
		    "by name, getpid allowed (status %#x)", st);
}
#else
static void test_multiarch(void)
{
	printf("SKIP: seccomp: multi-arch: the int $0x80 test is for x86_64 hosts\n");
}
#endif

int main(void)
{
	check_module = "seccomp";
	setvbuf(stdout, NULL, _IOLBF, 0);  /* in order with the children's stderr */
	test_actions();
	test_trace();
	test_operators();
	test_args_and();
	test_no_listener_fd();
	test_notify("[]", "");
	test_flags();
	test_errors();
	test_check();
	test_features();
	test_multiarch();
	test_podman();
	test_send_listener();
	return CHECK_DONE();
}

#endif
