/* SPDX-License-Identifier: MIT */
/* state: the per-container state store ROOT/ID/state.json, written atomically,
 * with a per-container flock; the live status derived from the process. */
#ifndef OCIBOX_STATE_H
#define OCIBOX_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/json.h"

#define STATE_ID_MAX 1024

struct state {
	char id[STATE_ID_MAX + 1];
	int dirfd;              /* ROOT/ID, flock()ed for the object's lifetime
				   (not by state_read) */
	char status[16];        /* as stored: creating, created, running, stopped */
	pid_t pid;              /* container init in the host pid namespace, 0 if none yet */
	uint64_t start_time;    /* its /proc/PID/stat starttime: guards against pid reuse */
	char *bundle, *rootfs, *created, *cgroup;
	char *cgroup_made;      /* cgroup_made(): what create made, or NULL */
	char *sd_unit;          /* --systemd-cgroup: the container's systemd
				   unit, or NULL (cgroupfs) */
	bool sd_user;           /* ... the user's systemd's (rootless) */
	uint32_t owner;
	char *annotations;      /* raw JSON object text, or NULL */
	bool net_devices;       /* the config moves network interfaces: delete
				   reads the kept config.json to move them back */
	bool post_hooks;        /* the config has poststart/poststop hooks: start
				   and delete read the kept config.json for them */
};

/* fail()s with "invalid container id ..." when ID breaks runc's rule
 * [A-Za-z0-9_+-][A-Za-z0-9_+.-]*, at most 1024 bytes. */
int state_id_check(const char *id);
/* False only when ROOT holds no state for ID at all (delete --force of an
 * unknown id succeeds, as in runc). Never fails. */
bool state_exists(const char *root, const char *id);
/* Make ROOT/ID (ROOT created 0700 if missing), lock it, status "creating".
 * Fails with `container "ID" already exists`. */
int state_create(struct state *st, const char *root, const char *id);
/* Open and lock ROOT/ID and read its state.json (a create interrupted before
 * its first write reads as "creating" with pid 0). Fails with
 * `container "ID" does not exist`. */
int state_open(struct state *st, const char *root, const char *id);
/* The same without the lock, for readers (state, list, ps, events): they
 * never wait for a create's hooks or a delete. The status is live. */
int state_read(struct state *st, const char *root, const char *id);
/* Write state.json atomically (temp file, rename). 0 or -1. */
int state_save(const struct state *st);
/* Remove ROOT/ID and everything in it. 0 or -1. */
int state_remove(struct state *st);
void state_fini(struct state *st);

/* The live status: "creating", "created", "running", "paused" or "stopped",
 * from the stored status and the process itself (start time checked, so a
 * reused pid reads as stopped). */
const char *state_status(const struct state *st);
/* True when st->pid is still the container's process (not a zombie). */
bool state_alive(const struct state *st);
/* A pidfd for the container process, verified against its start time, or -1
 * with fail() ("container not running"). */
int state_pidfd(const struct state *st);
/* Starttime field of /proc/PID/stat, or 0 when the process is gone or a zombie. */
uint64_t proc_start_time(pid_t pid);

/* The runtime-spec state object (plus runc's rootfs, created, owner). */
void state_write_json(const struct state *st, struct jw *w, const char *status);
/* Call FN for every container id under ROOT (unsorted). 0 or -1. */
int state_each(const char *root, int (*fn)(const char *id, void *ctx), void *ctx);

#endif
