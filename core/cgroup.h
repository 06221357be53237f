/* SPDX-License-Identifier: MIT */
/* cgroup: the container's cgroup on v1, pure v2 and hybrid hosts, as runc's
 * fs/fs2 managers; with --systemd-cgroup the cgroup is a systemd unit's
 * (cgroup_systemd.c) and these still act on its files. Follows runtime-spec
 * config-linux.md#control-groups. */
#ifndef OCIBOX_CGROUP_H
#define OCIBOX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/json.h"
#include "core/spec.h"

/* Controllers, by their v1 names; v2 calls blkio "io", and has freezer,
 * devices and cpuacct as core features of every cgroup (cgroup.freeze, BPF,
 * cpu.stat) rather than controllers. */
#define CGROUP_CTL_LIST(X) \
	X(CG_CPU,        "cpu") \
	X(CG_CPUACCT,    "cpuacct") \
	X(CG_CPUSET,     "cpuset") \
	X(CG_MEMORY,     "memory") \
	X(CG_DEVICES,    "devices") \
	X(CG_FREEZER,    "freezer") \
	X(CG_BLKIO,      "blkio") \
	X(CG_PIDS,       "pids") \
	X(CG_HUGETLB,    "hugetlb") \
	X(CG_NET_CLS,    "net_cls") \
	X(CG_NET_PRIO,   "net_prio") \
	X(CG_RDMA,       "rdma") \
	X(CG_MISC,       "misc") \
	X(CG_PERF_EVENT, "perf_event")
enum cgroup_ctl {
#define X(e, name) e,
	CGROUP_CTL_LIST(X)
#undef X
	CG_CTL_COUNT
};
extern const char *const cgroup_ctl_name[CG_CTL_COUNT];

enum cgroup_layout { CGROUP_NONE, CGROUP_V1, CGROUP_V2, CGROUP_HYBRID };
extern const char *const cgroup_layout_name[];  /* "none", "v1", "v2", "hybrid" */

#define CGROUP_HIER_MAX 16

/* One mounted hierarchy: a v1 hierarchy (one or more co-mounted controllers,
 * or a named one such as name=systemd) or the cgroup2 hierarchy. */
struct cgroup_hier {
	char key[64];        /* "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
	char mnt[256];       /* mount point, "/sys/fs/cgroup/memory" */
	char dir[1024];      /* the container's cgroup directory */
	char rel[512];       /* its path inside the hierarchy, "/ocibox/ID" */
	unsigned ctls;       /* 1 << enum cgroup_ctl bound here (v2: listed in
				the root's cgroup.controllers) */
	bool v2;
	int created;         /* components cgroup_create made, -1 = unknown */
};

/* Fixed size, no allocation, nothing to free. */
struct cgroup {
	enum cgroup_layout layout;
	int n;                             /* hierarchies in h[] */
	struct cgroup_hier h[CGROUP_HIER_MAX];
	int ctl[CG_CTL_COUNT];             /* index into h[] serving each
					      controller, -1 = unavailable */
	int v2;                            /* index of the cgroup2 hierarchy, -1 */
	char saved[2048];                  /* cgroup_path(): "/ocibox/ID", or one
					      "KEY:PATH" line per hierarchy */
	char unit[256];                    /* the systemd unit whose cgroup this
					      is (cgroup_systemd.h), "" = none */
	bool unit_user;                    /* the unit is the user's systemd's
					      (systemd --user), not the system's */
	bool rootless;                     /* hierarchies the caller cannot
					      write were dropped (rootless.c) */
};

/* Detect the host layout from /proc/self/mountinfo (checked with statfs) and
 * resolve the container's cgroup as runc's cgroupfs driver does: absolute
 * CGROUPS_PATH = below each hierarchy's root; relative = below the runtime's
 * own cgroup (/proc/self/cgroup); NULL or "" = "/ocibox/ID". The systemd form
 * "slice:prefix:name" fails (it needs --systemd-cgroup: cgsd_init()).
 * No side effects. 0 or -1 (fail()s). */
int cgroup_init(struct cgroup *cg, const char *cgroups_path, const char *id);
/* The string to keep in state.json for cgroup_init_path() (borrowed from CG). */
const char *cgroup_path(const struct cgroup *cg);
/* What cgroup_create made (directories per hierarchy), as text for
 * state.json, and back onto a cgroup_init_path() one: delete then removes
 * only those (a hierarchy not listed stays unknown: -1). */
void cgroup_made(const struct cgroup *cg, char *buf, size_t size);
void cgroup_set_made(struct cgroup *cg, const char *made);
/* Did create make the container's cgroup (in any hierarchy; unknown counts
 * as yes; a systemd unit is ours)? Only then are the processes in it all
 * the container's. */
bool cgroup_ours(const struct cgroup *cg);
/* Leave hierarchy I alone (no directory: nothing is made, entered or
 * removed there) and recompute cgroup_path(); I < 0 only recomputes it
 * (after a caller changed a hierarchy's rel and dir). */
void cgroup_drop(struct cgroup *cg, int i);
/* Re-detect the layout and act on an existing container's cgroup, from a
 * cgroup_path() string. 0 or -1 (fail()s). */
int cgroup_init_path(struct cgroup *cg, const char *path);

/* Call PROBLEM once for every resource in R this host cannot apply
 * ("linux.resources.hugepageLimits: hugetlb controller not available on this
 * host"). Returns the number of problems (0 = all good). R may be NULL. */
int cgroup_check(const struct cgroup *cg, const struct spec_resources *r,
		 void (*problem)(void *ctx, const char *msg), void *ctx);

/* Append to R's device rules (in S's arena), as runc does, the default
 * nodes every container needs and the linux.devices it creates: later rules
 * win, so these survive a leading "deny all". */
void cgroup_device_rules(struct spec *s, struct spec_resources *r);
/* Make the container's cgroup in every hierarchy (v1: per mount; v2: after
 * enabling the controllers in the parents' cgroup.subtree_control; a systemd
 * unit's cgroup already exists where systemd manages it, with the init in
 * it), then apply every resource of R (may be NULL). On failure removes what
 * it made and fail()s naming the field and the kernel file. 0 or -1. */
int cgroup_create(struct cgroup *cg, const struct spec_resources *r);
/* Apply R to the existing cgroup (runc update; a systemd unit's properties
 * first); honours memory.checkBeforeUpdate. 0 or -1 (fail()s). */
int cgroup_update(const struct cgroup *cg, const struct spec_resources *r);
/* Move process PID into the container's cgroup of every hierarchy. 0 or -1. */
int cgroup_enter(const struct cgroup *cg, pid_t pid);
/* Move PID into the existing sub-cgroup SPEC, "[CONTROLLER[,...]:]PATH"
 * below the container's cgroup (runc exec --cgroup): in every hierarchy, or
 * in those serving the named controllers. 0 or -1 (fail()s). */
int cgroup_enter_sub(const struct cgroup *cg, const char *spec, pid_t pid);
/* An O_PATH|O_DIRECTORY fd of the v2 cgroup for clone3 CLONE_INTO_CGROUP on a
 * pure v2 host (caller closes it), else -1 without fail() (v1, hybrid, a
 * systemd unit: systemd moves the init). */
int cgroup_clone_fd(const struct cgroup *cg);
/* rmdir the container's cgroup (and sub-cgroups) everywhere, retrying briefly
 * while tasks exit; parents it made too; only what create made (unknown:
 * the leaf, and the shared /ocibox when empty); a systemd unit is stopped
 * first. Gone already is fine. An undo step: problems are warnings,
 * err_last is kept. */
void cgroup_destroy(const struct cgroup *cg);

/* Signal every process in the cgroup: v2 cgroup.kill for SIGKILL, else
 * freeze, signal each pid, thaw (as runc). 0 or -1 (fail()s). */
int cgroup_kill(const struct cgroup *cg, int sig);
/* Freeze (v1 freezer.state FROZEN, v2 cgroup.freeze 1, waiting until the
 * kernel reports it done) or thaw. 0 or -1 (fail()s). */
int cgroup_freeze(const struct cgroup *cg, bool freeze);
bool cgroup_is_frozen(const struct cgroup *cg);
/* Every pid in the cgroup and its sub-cgroups; *PIDS is malloc'd (caller
 * frees). 0 or -1 (fail()s). */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n);
/* True when the kernel's OOM killer killed a task of this cgroup
 * (v1 memory.oom_control / v2 memory.events "oom_kill" > 0). */
bool cgroup_oom_killed(const struct cgroup *cg);
/* Append runc's `events --stats` "data" object (cpu, memory, pids, blkio,
 * hugetlb) to W. Missing controllers leave their member out. 0 or -1. */
int cgroup_stats(const struct cgroup *cg, struct jw *w);

/* The directory of controller CTL's cgroup, or NULL when CTL is unavailable. */
const char *cgroup_dir(const struct cgroup *cg, enum cgroup_ctl ctl);

/* cgroup_bpf.c: replace the BPF_PROG_TYPE_CGROUP_DEVICE programs on the v2
 * cgroup DIRFD by one built from RULES, which follow v1 devices.allow/deny
 * semantics starting from "deny a" (exactly the rules given: no defaults are
 * added; engines send their full list). Attached with BPF_F_ALLOW_MULTI.
 * 0 or -1 (fail()s). */
int cgroup_bpf_devices(int dirfd, const struct spec_dev_rule *rules, size_t n);

#endif
