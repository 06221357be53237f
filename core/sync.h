/* SPDX-License-Identifier: MIT */
/* sync: the runtime and the process it is setting up (a container init, an
 * exec'd process) talk over a SOCK_SEQPACKET pair, one fixed-size message a
 * step; a failing child sends its err_last, as crun sends its 512 bytes. */
#ifndef OCIBOX_SYNC_H
#define OCIBOX_SYNC_H

#include "core/err.h"

/* What the runtime (parent) and the container init (child) say to each
 * other over a SOCK_SEQPACKET pair: one fixed-size message per step. */
enum sync_type {
	SYNC_GO = 1,       /* P→C: id maps written, cgroup joined; value = C's pid */
	SYNC_HOOKS,        /* C→P: mounts done, run prestart/createRuntime */
	SYNC_HOOKS_DONE,   /* P→C */
	SYNC_SECCOMP,      /* C→P: the notify fd rides along (SCM_RIGHTS) */
	SYNC_SECCOMP_DONE, /* P→C */
	SYNC_READY,        /* C→P: blocked before the user program */
	SYNC_START,        /* P→C: run only: go ahead (no fifo) */
	SYNC_ERROR,        /* C→P: err follows; C exits */
	SYNC_PID,          /* C→P: value = the real init, C's child (a pid
			      namespace unshared late); C exits, and P
			      answers the init with SYNC_GO (its pid) */
};
struct sync_msg {
	int type;
	int value;
	struct err err;
};

/* Send a message of TYPE (SYNC_ERROR carries err_last) with VALUE, and
 * PASS_FD in SCM_RIGHTS when >= 0. 0 or -1. */
int sync_send(int fd, int type, int value, int pass_fd);
/* Receive one message: 1, or 0 on EOF (the other side is gone), or -1.
 * *PASS_FD (if not NULL) gets a passed fd or -1. */
int sync_recv(int fd, struct sync_msg *m, int *pass_fd);
/* Receive and require a message of TYPE (EOF and others fail). 0 or -1. */
int sync_expect(int fd, int type);

/* A SYNC_ERROR message's error becomes err_last. Always -1. */
int sync_take_error(const struct sync_msg *m);
/* Runtime side of SYNC_SECCOMP: pass the listener FD (closed here) to
 * linux.seccomp.listenerPath with STATE_JSON, then answer SYNC_SECCOMP_DONE.
 * 0 or -1. */
struct spec_seccomp;
int sync_serve_listener(int sync, const struct spec_seccomp *sc, int fd,
			const char *state_json);
/* After a failed send: if the other side left a SYNC_ERROR before it went,
 * make it err_last. Always -1. */
int sync_pending_error(int fd);
/* Child side: hand seccomp listener FD (if >= 0) to the runtime, wait until
 * it passed it on, close it. 0 or -1. */
int sync_pass_listener(int sync, int fd);

#endif
