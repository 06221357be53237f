/* SPDX-License-Identifier: MIT */
/* sync: fixed-size messages, optionally with one fd. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "core/seccomp.h"
#include "core/sync.h"

int sync_send(int fd, int type, int value, int pass_fd)
{
	struct sync_msg m = { .type = type, .value = value };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (type == SYNC_ERROR)
		m.err = err_last;
	if (pass_fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	while (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return fail(errno, "sync: send");
	return 0;
}

int sync_recv(int fd, struct sync_msg *m, int *pass_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	if (pass_fd)
		*pass_fd = -1;
	while ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return fail(errno, "sync: receive");
	if (n == 0)
		return 0;
	if (n != sizeof(*m))
		return fail(0, "sync: short message");
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_type == SCM_RIGHTS) {
		int got;

		memcpy(&got, CMSG_DATA(c), sizeof(int));
		if (pass_fd)
			*pass_fd = got;
		else
			close(got);
	}
	return 1;
}

int sync_expect(int fd, int type)
{
	struct sync_msg m;
	int r = sync_recv(fd, &m, NULL);

	if (r < 0)
		return -1;
	if (r == 0)
		return fail(0, "sync: runtime went away");
	if (m.type != type)
		return fail(0, "sync: unexpected message %d", m.type);
	return 0;
}

int sync_pass_listener(int sync, int fd)
{
	int r;

	if (fd < 0)
		return 0;
	r = sync_send(sync, SYNC_SECCOMP, 0, fd) < 0 ||
	    sync_expect(sync, SYNC_SECCOMP_DONE) < 0 ? -1 : 0;
	close(fd);
	return r;
}

int sync_take_error(const struct sync_msg *m)
{
	err_last = m->err;
	err_last.msg[sizeof(err_last.msg) - 1] = '\0';
	return -1;
}

int sync_pending_error(int fd)
{
	struct err send_err = err_last;
	struct sync_msg m;

	if (sync_recv(fd, &m, NULL) == 1 && m.type == SYNC_ERROR)
		return sync_take_error(&m);
	err_last = send_err;
	return -1;
}

int sync_serve_listener(int sync, const struct spec_seccomp *sc, int fd,
			const char *state_json)
{
	int r = sc_send_listener(sc, fd, state_json);

	if (fd >= 0)
		close(fd);
	if (r < 0 || sync_send(sync, SYNC_SECCOMP_DONE, 0, -1) < 0)
		return -1;
	return 0;
}
