/* SPDX-License-Identifier: MIT */
/* console: the container's pty, allocated inside it, and the console socket
 * protocol engines use (runc's: the master fd by SCM_RIGHTS, its name as payload). */
#ifndef OCIBOX_CONSOLE_H
#define OCIBOX_CONSOLE_H

#include "core/spec.h"

/* Runtime side: connect to the engine's --console-socket PATH. fd or -1. */
int console_connect(const char *path);
/* The console socket of --console-socket PATH, or a dup of FD (run in the
 * foreground passes its own). fd or -1 (fail()s). */
int console_open(const char *path, int fd);
/* Container side, after pivot_root: open a pty in the container's devpts,
 * size it, send the master over SOCK, make the slave our stdio and
 * controlling terminal, and (for the init, IS_INIT) bind it at /dev/console.
 * 0 or -1. */
int console_setup(int sock, const struct spec_process *p, bool is_init);
/* Send FD over unix socket SOCK with NAME as payload. 0 or -1. */
int console_send_fd(int sock, int fd, const char *name);
/* Receive an fd sent by console_send_fd. fd or -1. */
int console_recv_fd(int sock);

#endif
