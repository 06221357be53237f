/* SPDX-License-Identifier: MIT */
/* container: the OCI lifecycle shared by the create, start, run, kill and
 * delete applets. See runtime-spec runtime.md#lifecycle. */
#ifndef OCIBOX_CONTAINER_H
#define OCIBOX_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/state.h"

struct cgroup;

struct create_opts {
	const char *root;            /* --root */
	const char *id;
	const char *bundle;          /* default "." */
	const char *pid_file;
	const char *pidfd_socket;  /* --pidfd-socket (runc 1.2), or NULL */
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	bool systemd_cgroup;         /* --systemd-cgroup: the cgroup is a systemd unit */
	bool rootless;               /* --rootless (resolved): core/rootless.h */
	int preserve_fds;            /* including listen_fds */
	int listen_fds;              /* LISTEN_FDS of the caller (socket activation) */
	/* run: start right after create through the sync socket, no fifo */
	bool start_now;
	/* run in the foreground with a terminal and no console socket: the
	 * pty master comes back through this socket (set by run) */
	int console_fd;
	/* run: where create leaves the container's cgroup, as detected and
	 * made, for the delete after it exits (no second detection) */
	struct cgroup *cg_out;
};

/* Create the container (and with start_now, start it). On success the
 * container init is alive, blocked before the user program (or running it),
 * state is "created" (or "running"), and *PID holds its pid. On failure
 * nothing is left behind: no process, mount, cgroup or state directory.
 * 0 or -1. */
int container_create(const struct create_opts *o, pid_t *pid);
/* start: let a "created" container run its program; poststart hooks. */
int container_start(const char *root, const char *id);
/* Signal the container's init (ALL: every process of its cgroup). */
int container_kill(const char *root, const char *id, int sig, bool all);
/* delete: per spec and, like runc and crun, also a "created" container;
 * FORCE kills a running one first. Runs poststop hooks. */
int container_delete(const char *root, const char *id, bool force);
/* Remove what a container left: kill (if alive), cgroup, poststop hooks,
 * state directory. ST must be open (locked). CG: the container's cgroup
 * when the caller has it already (run: as create made it), or NULL to
 * have it made here from ST. */
int container_destroy(struct state *st, struct cgroup *cg);

#endif
