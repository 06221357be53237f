/* SPDX-License-Identifier: MIT */
/* hooks: fork, state on a pipe, execve, wait with a deadline (pidfd + poll). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/hooks.h"
#include "core/proc.h"
#include "core/util.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Feed STATE_JSON to the hook's stdin and wait for it to exit, all within
 * its timeout: a hook that reads nothing and never exits cannot hang us. */
static int feed_and_wait(const struct spec_hook *h, pid_t pid, int in,
			 const char *state_json)
{
	size_t off = 0, len = strlen(state_json);
	int64_t deadline = h->timeout > 0 ? now_ms() + h->timeout * 1000 : -1;
	AUTOCLOSE int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p[2];
	int n, r = 0;

	if (pidfd < 0)   /* Linux < 5.3: no deadline, plain blocking I/O */
		fcntl(in, F_SETFL, 0);
	for (;;) {
		int wait = deadline < 0 ? -1 : (int)(deadline - now_ms());

		if (deadline >= 0 && wait <= 0) {
			kill(pid, SIGKILL);
			r = fail(0, "timed out after %llds", (long long)h->timeout);
			break;
		}
		p[0] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = in, .events = POLLOUT };
		n = poll(p, 2, pidfd < 0 && in < 0 ? 0 : wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (in >= 0 && (p[1].revents || pidfd < 0)) {
			ssize_t w = write(in, state_json + off, len - off);

			if (w > 0)
				off += (size_t)w;
			/* EPIPE: the hook does not read its stdin, fine */
			if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == len) {
				close(in);
				in = -1;
			}
		}
		if (p[0].revents || (pidfd < 0 && in < 0))
			break;
	}
	if (in >= 0)
		close(in);
	return r;
}

static int run_one(const struct spec_hook *h, const char *state_json)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int pipefd[2], status, r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return fail(errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return fail(errno, "fork");
	}
	if (pid == 0) {
		char *const noenv[] = { NULL };
		sigset_t none;

		dup2(pipefd[0], 0);
		/* hooks get no fd of ours beyond stdio, and none of the
		 * signals `run` blocks */
		fds_cloexec_from(3);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		/* nor the one CPU create runs on (core/proc.h) */
		proc_unpin_cpu(0);
		execve(h->path, h->args.n ? (char *const *)h->args.v :
		       (char *const[]){ (char *)h->path, NULL },
		       h->env.n ? (char *const *)h->env.v : noenv);
		fprintf(stderr, "exec hook '%s': %s\n", h->path, strerror(errno));
		_exit(127);
	}
	close(pipefd[0]);
	fcntl(pipefd[1], F_SETFL, O_NONBLOCK);
	sigaction(SIGPIPE, &ign, &old);
	r = feed_and_wait(h, pid, pipefd[1], state_json);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(errno, "wait for hook");
	if (r < 0)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return fail(0, "exit status %d", WEXITSTATUS(status));
	return fail(0, "killed by signal %d", WTERMSIG(status));
}

int hooks_run(const struct spec *s, enum spec_hook_stage stage,
	      const char *state_json)
{
	const struct spec_hooks *hs = &s->hooks[stage];
	/* after the container started or stopped, a failing hook is a
	 * warning and the others still run (config.md) */
	bool keep_going = stage == SPEC_HOOK_POSTSTART ||
			  stage == SPEC_HOOK_POSTSTOP;
	size_t i;

	for (i = 0; i < hs->n; i++) {
		if (run_one(&hs->v[i], state_json) == 0)
			continue;
		fail_ctx("hooks.%s[%zu] \"%s\"", spec_hook_name[stage], i,
			 hs->v[i].path);
		if (!keep_going)
			return -1;
		log_warn("%s", err_last.msg);
	}
	return 0;
}
