/* SPDX-License-Identifier: MIT */
/* fg: stay in the foreground of a container process: forward signals, relay
 * a pty, reap children, and turn the exit into a shell-style status. */
#ifndef OCIBOX_FG_H
#define OCIBOX_FG_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Block the signals fg_wait() forwards (call before the child exists, so
 * none is lost) and become a subreaper. The child must unblock them
 * (proc_exec does). 0 or -1. */
int fg_prepare(sigset_t *old);
/* Wait for PID, forwarding signals to it. With MASTER >= 0, relay between
 * our stdio and the pty (raw mode while it runs). Returns the exit status
 * as a shell reports it: the code, or 128 + the signal. */
int fg_wait(pid_t pid, int master, const sigset_t *old);

/* In the foreground with a terminal and no --console-socket, the pty master
 * comes to us: *OURS and *THEIRS are a socketpair; pass THEIRS as the
 * console fd to create or exec. 0 or -1. */
int fg_console_open(int *ours, int *theirs);
/* After create/exec returned: close THEIRS and return the master if one
 * was sent (a terminal process), else -1. Closes OURS. */
int fg_console_take(int ours, int theirs);

/* The whole foreground: unless HAVE_CONSOLE_SOCKET a socketpair stands in
 * for one, signals are blocked, START(CTX, console_fd, &pid) makes the
 * process (console_fd: -1 or the pair's far end), then fg_wait(). *STATUS
 * gets the exit status. 0, or -1 when START failed (its err_last). */
int fg_run(bool have_console_socket,
	   int (*start)(void *ctx, int console_fd, pid_t *pid), void *ctx,
	   int *status);

#endif
