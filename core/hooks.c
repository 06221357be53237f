/* SPDX-License-Identifier: MIT */
/* hooks: fork, state on a pipe, execve, wait with a deadline (pidfd + poll). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/hooks.h"
#include "core/util.h"

static int run_one(const struct spec_hook *h, const char *state_json)
{
	int pipefd[2], status, pidfd = -1, r = 0;
	struct pollfd pfd;
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

		dup2(pipefd[0], 0);
		/* hooks get no fd of ours beyond stdio */
		fds_cloexec_from(3);
		setsid();
		execve(h->path, h->args.n ? (char *const *)h->args.v :
		       (char *const[]){ (char *)h->path, NULL },
		       h->env.n ? (char *const *)h->env.v : noenv);
		fprintf(stderr, "exec hook '%s': %s\n", h->path, strerror(errno));
		_exit(127);
	}
	close(pipefd[0]);
	/* a hook that does not read its stdin must not block us: EPIPE is ok */
	{
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;

		sigaction(SIGPIPE, &ign, &old);
		if (write_all(pipefd[1], state_json, strlen(state_json)) < 0 &&
		    err_last.no != EPIPE)
			log_debug("hook '%s': writing state: %s", h->path,
				  err_last.msg);
		sigaction(SIGPIPE, &old, NULL);
	}
	close(pipefd[1]);
	if (h->timeout > 0) {
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pidfd >= 0) {
			pfd.fd = pidfd;
			pfd.events = POLLIN;
			for (;;) {
				int n = poll(&pfd, 1, (int)(h->timeout * 1000));

				if (n < 0 && errno == EINTR)
					continue;
				if (n == 0) {
					kill(pid, SIGKILL);
					r = fail(0, "timed out after %llds",
						 (long long)h->timeout);
				}
				break;
			}
			close(pidfd);
		}
	}
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
	size_t i;

	for (i = 0; i < hs->n; i++)
		if (run_one(&hs->v[i], state_json) < 0)
			return fail_ctx("hooks.%s[%zu] \"%s\"",
					spec_hook_name[stage], i, hs->v[i].path);
	return 0;
}
