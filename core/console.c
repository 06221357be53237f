/* SPDX-License-Identifier: MIT */
/* console: the pty is opened through the container's own /dev/ptmx and its
 * peer taken with TIOCGPTPEER, never by looking up /dev/pts/N by name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "core/console.h"
#include "core/err.h"
#include "core/mount.h"
#include "core/util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int console_connect(const char *path)
{
	return unix_connect(path, "console socket");
}

int console_open(const char *path, int fd)
{
	return path ? console_connect(path) : fd_not_stdio(dup(fd));
}

int console_send_fd(int sock, int fd, const char *name)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)name, strlen(name) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return fail(errno, "send the %s fd over the socket", name);
	return 0;
}

int console_recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], name[256];
	struct iovec iov = { name, sizeof(name) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	while (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) < 0)
		if (errno != EINTR)
			return fail(errno, "receive pty");
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return fail(0, "receive pty: no file descriptor");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd_not_stdio(fd);
}

int console_setup(int sock, const struct spec_process *p, bool is_init)
{
	AUTOCLOSE int master = -1, slave = -1;
	char name[64];
	int unlock = 0, n;

	master = openat(AT_FDCWD, "/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return fail(errno, "open '/dev/ptmx' in the container");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return fail(errno, "unlock pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return fail(errno, "open pty peer");
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return fail(errno, "pty number");
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	if (p->console_size.set) {
		struct winsize ws = {
			.ws_row = (unsigned short)p->console_size.height,
			.ws_col = (unsigned short)p->console_size.width,
		};

		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return fail(errno, "process.consoleSize: set window size");
	} else {
		struct winsize ws;

		/* run in the foreground: the program must not start on a 0x0
		 * window before the runtime copies the caller's size over */
		if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
			ioctl(slave, TIOCSWINSZ, &ws);
	}
	if (is_init && mount_console(slave) < 0)
		return -1;
	if (console_send_fd(sock, master, name) < 0)
		return -1;
	if (setsid() < 0)
		return fail(errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return fail(errno, "set controlling terminal");
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return fail(errno, "pty as stdio");
	return 0;
}
