/* SPDX-License-Identifier: MIT */
/* seccomp: linux.seccomp (runtime-spec config-linux.md#seccomp) compiled with
 * libseccomp and loaded with seccomp(2); the notify listener handshake.
 * With ENABLE_SECCOMP=0 the same functions exist and refuse a seccomp config. */
#ifndef OCIBOX_SECCOMP_H
#define OCIBOX_SECCOMP_H

#include <stdbool.h>

#include "core/json.h"
#include "core/spec.h"

/* A compiled filter, made by the runtime before it clones (so the work is
 * done once, outside the container, and can be cached) and installed by the
 * child with one seccomp(2) call. */
struct sc_filter {
	void *prog;              /* struct sock_filter[len], xmalloc'd; NULL = none */
	unsigned short len;
	unsigned long flags;     /* SECCOMP_FILTER_FLAG_* to load with */
	bool notify;             /* a listener fd comes back */
};

/* Validate and compile S's linux.seccomp into F (F->prog NULL when there is
 * none). With ROOT (the state root), a program compiled before for the
 * same profile and build is read from ROOT/.seccomp instead, and a new one
 * is stored there; the cached profile text is compared byte for byte, so
 * a hash collision cannot hand out another profile's filter. 0 or -1
 * (fail()s "seccomp: ..."). */
int sc_prepare(const struct spec *s, const char *root, struct sc_filter *f);
void sc_filter_fini(struct sc_filter *f);
/* Load F into the calling process; call it last before exec. Without
 * no_new_privs the caller needs CAP_SYS_ADMIN. *LISTENER_FD gets the notify
 * fd when F->notify, else -1. 0 or -1. */
int sc_install(const struct sc_filter *f, int *listener_fd);
/* sc_prepare (no cache) + sc_install of one seccomp object, for tests. */
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
