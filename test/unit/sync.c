/* SPDX-License-Identifier: MIT */
/* sync tests over a SOCK_SEQPACKET socketpair, as the runtime and its child
 * use it: one fixed-size message per step, err_last riding SYNC_ERROR, an fd
 * riding SCM_RIGHTS (close-on-exec on arrival, closed when unwanted), EOF,
 * short and unexpected messages, and the error left behind by a peer that
 * went away (sync_pending_error). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "core/sync.h"
#include "core/util.h"
#include "test/unit/check.h"

static int pair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void test_messages(void)
{
	struct sync_msg m;
	int sv[2], fd = 123;

	if (pair(sv) < 0)
		return;
	CHECK(sync_send(sv[0], SYNC_GO, 4242, -1) == 0);
	memset(&m, 0xff, sizeof(m));
	CHECK_NAMED(sync_recv(sv[1], &m, &fd) == 1 && m.type == SYNC_GO &&
		    m.value == 4242 && fd == -1,
		    "a message arrives whole: type, value, no fd");
	/* one message per step: two sends are two receives */
	sync_send(sv[1], SYNC_HOOKS, 1, -1);
	sync_send(sv[1], SYNC_READY, 2, -1);
	CHECK_NAMED(sync_recv(sv[0], &m, NULL) == 1 && m.type == SYNC_HOOKS &&
		    m.value == 1 && sync_recv(sv[0], &m, NULL) == 1 &&
		    m.type == SYNC_READY && m.value == 2,
		    "two messages stay two, in order");
	/* sync_expect */
	sync_send(sv[0], SYNC_HOOKS_DONE, 0, -1);
	CHECK(sync_expect(sv[1], SYNC_HOOKS_DONE) == 0);
	sync_send(sv[0], SYNC_START, 0, -1);
	CHECK_NAMED(sync_expect(sv[1], SYNC_HOOKS_DONE) < 0 &&
		    str_eq(err_last.msg, "sync: unexpected message 7"),
		    "sync_expect of another type: %s", err_last.msg);
	/* an error message carries err_last, and only SYNC_ERROR does */
	fail(EACCES, "open '/x'");
	sync_send(sv[1], SYNC_READY, 0, -1);
	sync_send(sv[1], SYNC_ERROR, 0, -1);
	memset(&err_last, 0, sizeof(err_last));
	CHECK_NAMED(sync_recv(sv[0], &m, NULL) == 1 && m.err.no == 0 &&
		    m.err.msg[0] == '\0', "other messages carry no error");
	CHECK_NAMED(sync_recv(sv[0], &m, NULL) == 1 && m.type == SYNC_ERROR &&
		    m.err.no == EACCES &&
		    str_eq(m.err.msg, "open '/x': permission denied"),
		    "SYNC_ERROR carries err_last: %s", m.err.msg);
	close(sv[0]);
	close(sv[1]);
}

static void test_fds(void)
{
	struct sync_msg m;
	int sv[2], p[2], fd = -1, before;
	char c = 0;

	if (pair(sv) < 0 || pipe(p) < 0)
		return;
	CHECK(sync_send(sv[0], SYNC_SECCOMP, 0, p[1]) == 0);
	CHECK_NAMED(sync_recv(sv[1], &m, &fd) == 1 && m.type == SYNC_SECCOMP &&
		    fd > 2 && fd != p[1], "an fd arrives with its message");
	CHECK_NAMED(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
		    "a passed fd arrives close-on-exec");
	CHECK_NAMED(fd >= 0 && write(fd, "z", 1) == 1 && read(p[0], &c, 1) == 1 &&
		    c == 'z', "it is the same pipe");
	if (fd >= 0)
		close(fd);
	/* a receiver that wants no fd gets none left open */
	before = count_fds();
	sync_send(sv[0], SYNC_SECCOMP, 0, p[1]);
	CHECK_NAMED(sync_recv(sv[1], &m, NULL) == 1 && count_fds() == before,
		    "an fd nobody asked for is closed (%d fds before, %d after)",
		    before, count_fds());

	/* sync_pass_listener: send the fd, wait for DONE, close the fd; the
	 * runtime's DONE is queued first (a SEQPACKET pair buffers it) */
	fd = dup(p[1]);
	sync_send(sv[1], SYNC_SECCOMP_DONE, 0, -1);
	CHECK_NAMED(sync_pass_listener(sv[0], fd) == 0 &&
		    fcntl(fd, F_GETFD) < 0 && errno == EBADF,
		    "sync_pass_listener hands the fd on, then closes ours");
	{
		int got = -1;

		CHECK_NAMED(sync_recv(sv[1], &m, &got) == 1 &&
			    m.type == SYNC_SECCOMP && got >= 0,
			    "the runtime got SYNC_SECCOMP with the fd");
		if (got >= 0)
			close(got);
	}
	CHECK_NAMED(sync_pass_listener(sv[0], -1) == 0,
		    "sync_pass_listener without a listener says nothing");
	sync_send(sv[1], SYNC_GO, 0, -1);
	CHECK_NAMED(sync_recv(sv[0], &m, NULL) == 1 && m.type == SYNC_GO,
		    "... and left nothing on the socket");
	fd = dup(p[1]);
	sync_send(sv[1], SYNC_GO, 0, -1);
	CHECK_NAMED(sync_pass_listener(sv[0], fd) < 0 &&
		    fcntl(fd, F_GETFD) < 0 && errno == EBADF,
		    "a wrong answer fails sync_pass_listener, and the fd is closed");
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_ends(void)
{
	struct sync_msg m;
	int sv[2], n;

	/* EOF: the other side is gone */
	if (pair(sv) < 0)
		return;
	close(sv[1]);
	CHECK_NAMED(sync_recv(sv[0], &m, NULL) == 0, "EOF reads as 0");
	CHECK_NAMED(sync_expect(sv[0], SYNC_GO) < 0 &&
		    str_eq(err_last.msg, "sync: runtime went away"),
		    "sync_expect at EOF: %s", err_last.msg);
	CHECK_NAMED(sync_send(sv[0], SYNC_GO, 0, -1) < 0 && err_last.no == EPIPE,
		    "a send to a closed peer fails (no SIGPIPE): %s", err_last.msg);
	close(sv[0]);

	/* a message of the wrong size */
	if (pair(sv) < 0)
		return;
	n = 7;
	if (write(sv[1], &n, sizeof(n)) != sizeof(n))
		return;
	CHECK_NAMED(sync_recv(sv[0], &m, NULL) < 0 &&
		    str_eq(err_last.msg, "sync: short message"),
		    "a short message: %s", err_last.msg);
	close(sv[0]);
	close(sv[1]);

	/* the child failed and left: its SYNC_ERROR explains our failed send */
	if (pair(sv) < 0)
		return;
	fail(ENOENT, "exec \"/bin/nope\"");
	sync_send(sv[1], SYNC_ERROR, 0, -1);
	close(sv[1]);
	CHECK(sync_send(sv[0], SYNC_GO, 1, -1) < 0);
	CHECK_NAMED(sync_pending_error(sv[0]) < 0 && err_last.no == ENOENT &&
		    str_eq(err_last.msg, "exec \"/bin/nope\": no such file or directory"),
		    "sync_pending_error: the child's reason: %s", err_last.msg);
	close(sv[0]);

	/* nothing pending: the send's own error stays */
	if (pair(sv) < 0)
		return;
	close(sv[1]);
	sync_send(sv[0], SYNC_GO, 1, -1);
	CHECK_NAMED(sync_pending_error(sv[0]) < 0 && err_last.no == EPIPE &&
		    has_prefix(err_last.msg, "sync: send"),
		    "sync_pending_error with nothing pending keeps: %s",
		    err_last.msg);
	close(sv[0]);

	/* a pending message that is not an error: the send's error stays */
	if (pair(sv) < 0)
		return;
	sync_send(sv[1], SYNC_READY, 0, -1);
	close(sv[1]);
	fail(EPIPE, "sync: send");
	CHECK_NAMED(sync_pending_error(sv[0]) < 0 && err_last.no == EPIPE,
		    "sync_pending_error ignores a pending non-error");
	close(sv[0]);

	/* a peer's message of 512 bytes without a NUL is terminated */
	if (pair(sv) < 0)
		return;
	{
		struct sync_msg raw = { .type = SYNC_ERROR, .err = { .no = EIO } };

		memset(raw.err.msg, 'x', sizeof(raw.err.msg));
		if (write(sv[1], &raw, sizeof(raw)) == sizeof(raw)) {
			close(sv[1]);
			sync_pending_error(sv[0]);
			CHECK_NAMED(strlen(err_last.msg) == sizeof(err_last.msg) - 1,
				    "an unterminated message from the peer is cut "
				    "at %zu bytes", sizeof(err_last.msg) - 1);
		} else {
			close(sv[1]);
		}
	}
	close(sv[0]);
}

int main(void)
{
	int before = count_fds();

	check_module = "sync";
	test_messages();
	test_fds();
	test_ends();
	CHECK_NAMED(count_fds() == before, "no fd left open (%d before, %d after)",
		    before, count_fds());
	return CHECK_DONE();
}
