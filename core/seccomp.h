/* SPDX-License-Identifier: MIT */
/* seccomp: linux.seccomp (runtime-spec config-linux.md#seccomp) compiled with
 * libseccomp and loaded with seccomp(2); the notify listener handshake.
 * With ENABLE_SECCOMP=0 the same functions exist and refuse a seccomp config. */
#ifndef OCIBOX_SECCOMP_H
#define OCIBOX_SECCOMP_H

#include "core/json.h"
#include "core/spec.h"

/* Build SC's filter and load it into the calling thread (all threads with
 * SECCOMP_FILTER_FLAG_TSYNC); call it last before exec. Does not set
 * no_new_privs: without it the caller needs CAP_SYS_ADMIN. *LISTENER_FD gets
 * the notify fd (O_CLOEXEC, the caller's) when a rule uses SCMP_ACT_NOTIFY,
 * else -1. Does nothing when !SC->set. 0 or -1 (fail()s "seccomp: ..."). */
int sc_load(const struct spec_seccomp *sc, int *listener_fd);

/* Validate SC for `check` without loading it: names libseccomp or this kernel
 * does not know, unsupported flags and actions, rules libseccomp refuses.
 * PROBLEM gets one "config.json: linux.seccomp...: ..." line each. Returns
 * the number of problems (0 = fine). Leaves err_last alone. */
int sc_check(const struct spec_seccomp *sc,
	     void (*problem)(void *ctx, const char *msg), void *ctx);

/* Write the value of features.json's "seccomp" member (runtime-spec
 * features-linux.md): actions and flags probed from this kernel. */
void sc_features(struct jw *w);

/* Send the runtime-spec ContainerProcessState for STATE_JSON (the container's
 * state document, with "pid") and NOTIFY_FD (in SCM_RIGHTS) to SC's
 * listenerPath over a unix stream socket. Does not close NOTIFY_FD.
 * 0 or -1 (fail()s "seccomp: listener '...': ..."). */
int sc_send_listener(const struct spec_seccomp *sc, int notify_fd,
		     const char *state_json);

#endif
