/* SPDX-License-Identifier: MIT */
/* fg: one poll loop over a signalfd, the pty and stdin. This machine's PID 1
 * reaps orphans only about once a second, so we reap our own (subreaper). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/console.h"
#include "core/err.h"
#include "core/fg.h"
#include "core/util.h"

int fg_prepare(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, old) < 0)
		return fail(errno, "sigprocmask");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return fail(errno, "prctl PR_SET_CHILD_SUBREAPER");
	return 0;
}

static bool copy(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return false;
	return write_all(to, buf, (size_t)n) == 0;
}

static void resize(int master)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

int fg_wait(pid_t pid, int master, const sigset_t *old)
{
	struct termios saved, raw;
	bool restore = false, in_open = master >= 0;
	struct pollfd pfd[3];
	sigset_t all;
	int sfd, status = 0, done = 0, n;

	sigfillset(&all);
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0)
		return fail(errno, "signalfd"), 255;
	if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = tcsetattr(0, TCSANOW, &raw) == 0;
		resize(master);
	}
	while (!done) {
		struct signalfd_siginfo si;
		pid_t w;
		int st;

		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = master, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = in_open ? 0 : -1, .events = POLLIN };
		n = poll(pfd, 3, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* cannot poll: at least wait for the exit status */
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (pfd[2].revents & POLLNVAL)
			in_open = false;   /* stdin was closed under us */
		if (pfd[1].revents & POLLIN)
			copy(master, 1);
		else if (pfd[1].revents & (POLLHUP | POLLERR))
			master = -1;
		if (pfd[2].revents & (POLLIN | POLLHUP)) {
			if (!copy(0, master))
				in_open = false;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGWINCH && master >= 0) {
			resize(master);
		} else if (si.ssi_signo != SIGCHLD) {
			kill(pid, (int)si.ssi_signo);
			continue;
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == pid) {
				status = st;
				done = 1;
			}
	}
	/* drain what the container wrote last */
	while (master >= 0) {
		struct pollfd p = { .fd = master, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN) || !copy(master, 1))
			break;
	}
	if (restore)
		tcsetattr(0, TCSANOW, &saved);
	close(sfd);
	sigprocmask(SIG_SETMASK, old, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int fg_console_open(int *ours, int *theirs)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return fail(errno, "socketpair");
	*ours = sv[0];
	*theirs = sv[1];
	return 0;
}

int fg_console_take(int ours, int theirs)
{
	int master = -1;
	char b;

	close(theirs);
	/* a terminal process sent its master before create/exec returned;
	 * otherwise there is nothing (or an EOF) to read */
	if (recv(ours, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0 &&
	    (master = console_recv_fd(ours)) < 0)
		log_warn("%s", err_last.msg);
	close(ours);
	return master;
}

int fg_run(bool have_console_socket,
	   int (*start)(void *ctx, int console_fd, pid_t *pid), void *ctx,
	   int *status)
{
	int ours = -1, theirs = -1, master = -1;
	sigset_t old;
	pid_t pid;

	if (!have_console_socket && fg_console_open(&ours, &theirs) < 0)
		return -1;
	if (fg_prepare(&old) < 0 || start(ctx, theirs, &pid) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (ours >= 0) {
			close(ours);
			close(theirs);
		}
		return -1;
	}
	if (ours >= 0)
		master = fg_console_take(ours, theirs);
	*status = fg_wait(pid, master, &old);
	if (master >= 0)
		close(master);
	return 0;
}
