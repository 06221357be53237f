/* SPDX-License-Identifier: MIT */
/* spec: the OCI runtime-spec 1.2 config model (config.md, config-linux.md),
 * parsed in one pass from config.json into typed structs. Unknown properties
 * are ignored, as the spec requires; semantic errors name the JSON path. */
#ifndef OCIBOX_SPEC_H
#define OCIBOX_SPEC_H

/* The runtime-spec version ocibox implements: what `spec`, state.json,
 * the seccomp listener's state, `features` and --version say. */
#define SPEC_VERSION "1.3.0"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/json.h"

/* Optional scalars: .set says whether the property was present. */
struct opt_i64 { int64_t v; bool set; };
struct opt_u64 { uint64_t v; bool set; };
struct opt_bool { bool v; bool set; };

/* NULL-terminated array of borrowed strings, with its length. */
struct strv { const char **v; size_t n; };

/* key/value pairs (annotations, sysctl, unified, ...), in document order;
 * a repeated key keeps the last value only. */
struct kv { const char *key, *value; };
struct kvv { struct kv *v; size_t n; };

/* ---- namespaces ---- */
#define SPEC_NS_LIST(X) \
	X(SPEC_NS_USER,    "user",    CLONE_NEWUSER) \
	X(SPEC_NS_MOUNT,   "mount",   CLONE_NEWNS) \
	X(SPEC_NS_PID,     "pid",     CLONE_NEWPID) \
	X(SPEC_NS_NETWORK, "network", CLONE_NEWNET) \
	X(SPEC_NS_IPC,     "ipc",     CLONE_NEWIPC) \
	X(SPEC_NS_UTS,     "uts",     CLONE_NEWUTS) \
	X(SPEC_NS_CGROUP,  "cgroup",  CLONE_NEWCGROUP) \
	X(SPEC_NS_TIME,    "time",    CLONE_NEWTIME)
enum spec_ns {
#define X(e, name, flag) e,
	SPEC_NS_LIST(X)
#undef X
	SPEC_NS_COUNT
};
/* "user", "mount", ... and the CLONE_NEW* flag of each type. */
extern const char *const spec_ns_name[SPEC_NS_COUNT];
extern const int spec_ns_flag[SPEC_NS_COUNT];

struct spec_ns_entry {
	bool present;       /* listed in linux.namespaces */
	const char *path;   /* join this namespace (setns), or NULL: create new */
	int index;          /* its place in linux.namespaces[] (error paths) */
};

struct spec_idmap { uint32_t container_id, host_id, size; };

/* ---- mounts ---- */
struct spec_mount {
	const char *destination;  /* required, absolute inside the container */
	const char *type;         /* may be NULL (bind mounts) */
	const char *source;       /* may be NULL; relative = relative to bundle */
	struct strv options;      /* as written */
	/* Derived from options at parse time: */
	unsigned long flags;      /* MS_* to set (MS_BIND, MS_RDONLY, MS_NOSUID, ...) */
	unsigned long clear;      /* MS_* explicitly cleared ("rw", "suid", "dev", ...) */
	unsigned long propagation;/* MS_PRIVATE|MS_SHARED|MS_SLAVE|MS_UNBINDABLE [|MS_REC] or 0 */
	unsigned long attr_set;   /* MOUNT_ATTR_* for recursive "rro", "rnosuid", ... */
	unsigned long attr_clr;
	const char *data;         /* the remaining options joined by ',' (filesystem data), or NULL */
	bool bind;                /* "bind" or "rbind" or type "bind" */
	bool idmap;               /* "idmap"/"ridmap" (or mappings given): an id-mapped bind */
	bool idmap_rec;           /* "ridmap": the mapping on every mount of an rbind */
	bool tmpcopyup;           /* crun extension, parsed, ignored */
	struct spec_idmap *uid_mappings, *gid_mappings;  /* the mount's id mapping */
	size_t n_uid_mappings, n_gid_mappings;
};

/* ---- process ---- */
enum spec_cap_set {
	SPEC_CAP_BOUNDING,
	SPEC_CAP_EFFECTIVE,
	SPEC_CAP_INHERITABLE,
	SPEC_CAP_PERMITTED,
	SPEC_CAP_AMBIENT,
	SPEC_CAP_SETS
};
#define SPEC_CAP_MAX 40  /* CAP_CHECKPOINT_RESTORE, the last in Linux 6.x */
/* "CAP_CHOWN".. indexed by capability number; NULL for gaps. */
extern const char *const spec_cap_name[SPEC_CAP_MAX + 1];
/* Capability number of NAME ("CAP_SYS_ADMIN"), or -1. */
int spec_cap_parse(const char *name);

struct spec_rlimit {
	int resource;             /* RLIMIT_* */
	const char *type;         /* "RLIMIT_NOFILE" as written */
	uint64_t soft, hard;
};

struct spec_sched {
	bool set;
	const char *policy;       /* "SCHED_OTHER", ... (validated) */
	int policy_no;            /* SCHED_* value */
	int32_t nice, priority;
	uint64_t flags;           /* SCHED_FLAG_* bits from "flags" */
	uint64_t runtime, deadline, period;
};

struct spec_process {
	bool terminal;
	struct { uint32_t height, width; bool set; } console_size;
	struct {
		uint32_t uid, gid;
		struct opt_u64 umask;     /* mode_t in .v */
		uint32_t *additional_gids;
		size_t n_additional_gids;
		const char *username;     /* Windows only; parsed, ignored */
	} user;
	struct strv args;         /* required, non-empty */
	const char *command_line; /* Windows only; ignored on Linux */
	struct strv env;
	const char *cwd;          /* required, absolute */
	bool has_caps;            /* process.capabilities present */
	uint64_t caps[SPEC_CAP_SETS];  /* bit N = capability N */
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	const char *apparmor_profile;
	const char *selinux_label;
	struct opt_i64 oom_score_adj;
	struct spec_sched scheduler;
	struct { bool set; int class_no; const char *class_name; int32_t priority; } io_priority;
	struct { const char *initial, *final; } exec_cpu_affinity;
};

/* ---- hooks ---- */
enum spec_hook_stage {
	SPEC_HOOK_PRESTART,          /* "prestart" (deprecated) */
	SPEC_HOOK_CREATE_RUNTIME,    /* "createRuntime" */
	SPEC_HOOK_CREATE_CONTAINER,  /* "createContainer" */
	SPEC_HOOK_START_CONTAINER,   /* "startContainer" */
	SPEC_HOOK_POSTSTART,         /* "poststart" */
	SPEC_HOOK_POSTSTOP,          /* "poststop" */
	SPEC_HOOK_STAGES
};
extern const char *const spec_hook_name[SPEC_HOOK_STAGES];
struct spec_hook {
	const char *path;         /* required, absolute */
	struct strv args;
	struct strv env;
	int64_t timeout;          /* seconds, > 0; 0 = none */
};
struct spec_hooks { struct spec_hook *v; size_t n; };

/* ---- linux.devices and cgroup device rules ---- */
struct spec_device {
	char type;                /* 'c', 'b', 'u', 'p' */
	const char *path;         /* required, absolute */
	int64_t major, minor;     /* required for c, b, u */
	struct opt_u64 file_mode;
	struct opt_u64 uid, gid;
};
struct spec_dev_rule {
	bool allow;
	char type;                /* 'a', 'c', 'b' ('a' if absent) */
	int64_t major, minor;     /* -1 = wildcard */
	char access[4];           /* subset of "rwm"; "rwm" if absent */
};

/* ---- linux.resources ---- */
struct spec_weight_dev { int64_t major, minor; struct opt_u64 weight, leaf_weight; };
struct spec_throttle_dev { int64_t major, minor; uint64_t rate; };
struct spec_hugepage { const char *page_size; uint64_t limit; };
struct spec_net_prio { const char *name; uint32_t priority; };
struct spec_rdma { const char *device; struct opt_u64 hca_handles, hca_objects; };

struct spec_resources {
	struct spec_dev_rule *devices;
	size_t n_devices;
	struct {
		struct opt_i64 limit, reservation, swap, kernel, kernel_tcp;
		struct opt_u64 swappiness;
		struct opt_bool disable_oom_killer, use_hierarchy, check_before_update;
	} memory;
	struct {
		struct opt_u64 shares, period, realtime_period, burst;
		struct opt_i64 quota, realtime_runtime, idle;
		const char *cpus, *mems;
	} cpu;
	struct { struct opt_i64 limit; } pids;
	struct {
		struct opt_u64 weight, leaf_weight;
		struct spec_weight_dev *weight_device;
		size_t n_weight_device;
		struct spec_throttle_dev *throttle_read_bps, *throttle_write_bps,
			*throttle_read_iops, *throttle_write_iops;
		size_t n_throttle_read_bps, n_throttle_write_bps,
			n_throttle_read_iops, n_throttle_write_iops;
	} block_io;
	struct spec_hugepage *hugepage_limits;
	size_t n_hugepage_limits;
	struct {
		struct opt_u64 class_id;
		struct spec_net_prio *priorities;
		size_t n_priorities;
	} network;
	struct spec_rdma *rdma;
	size_t n_rdma;
	struct kvv unified;
};

/* ---- linux.seccomp ---- */
#define SPEC_SC_ACTION_LIST(X) \
	X(SPEC_SC_KILL,         "SCMP_ACT_KILL") \
	X(SPEC_SC_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS") \
	X(SPEC_SC_KILL_THREAD,  "SCMP_ACT_KILL_THREAD") \
	X(SPEC_SC_TRAP,         "SCMP_ACT_TRAP") \
	X(SPEC_SC_ERRNO,        "SCMP_ACT_ERRNO") \
	X(SPEC_SC_TRACE,        "SCMP_ACT_TRACE") \
	X(SPEC_SC_ALLOW,        "SCMP_ACT_ALLOW") \
	X(SPEC_SC_LOG,          "SCMP_ACT_LOG") \
	X(SPEC_SC_NOTIFY,       "SCMP_ACT_NOTIFY")
enum spec_sc_action {
#define X(e, name) e,
	SPEC_SC_ACTION_LIST(X)
#undef X
	SPEC_SC_ACTIONS
};
extern const char *const spec_sc_action_name[SPEC_SC_ACTIONS];

#define SPEC_SC_OP_LIST(X) \
	X(SPEC_SC_NE,        "SCMP_CMP_NE") \
	X(SPEC_SC_LT,        "SCMP_CMP_LT") \
	X(SPEC_SC_LE,        "SCMP_CMP_LE") \
	X(SPEC_SC_EQ,        "SCMP_CMP_EQ") \
	X(SPEC_SC_GE,        "SCMP_CMP_GE") \
	X(SPEC_SC_GT,        "SCMP_CMP_GT") \
	X(SPEC_SC_MASKED_EQ, "SCMP_CMP_MASKED_EQ")
enum spec_sc_op {
#define X(e, name) e,
	SPEC_SC_OP_LIST(X)
#undef X
	SPEC_SC_OPS
};
extern const char *const spec_sc_op_name[SPEC_SC_OPS];

/* Known names; the parser rejects others with their JSON path. */
extern const char *const spec_sc_arch_names[];  /* "SCMP_ARCH_X86_64", ..., NULL */
extern const char *const spec_sc_flag_names[];  /* "SECCOMP_FILTER_FLAG_TSYNC", ..., NULL */

struct spec_sc_arg {
	uint32_t index;           /* 0..5 */
	uint64_t value, value_two;
	enum spec_sc_op op;
};
struct spec_sc_rule {
	struct strv names;        /* required, non-empty */
	enum spec_sc_action action;
	struct opt_u64 errno_ret;
	struct spec_sc_arg *args;
	size_t n_args;
};
struct spec_seccomp {
	bool set;                 /* linux.seccomp present */
	enum spec_sc_action default_action;
	struct opt_u64 default_errno_ret;
	struct strv architectures;
	struct strv flags;
	const char *listener_path;
	const char *listener_metadata;
	struct spec_sc_rule *syscalls;
	size_t n_syscalls;
};

/* ---- the whole config ---- */
struct spec_linux {
	struct spec_ns_entry ns[SPEC_NS_COUNT];
	struct spec_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct { int64_t secs; uint32_t nanosecs; bool set; } time_offsets[2]; /* [0]=monotonic [1]=boottime */
	struct spec_device *devices;
	size_t n_devices;
	const char *cgroups_path;
	bool has_resources;
	struct spec_resources resources;
	struct kvv sysctl;
	struct spec_seccomp seccomp;
	unsigned long rootfs_propagation;  /* MS_* (with MS_REC) or 0 if absent */
	struct strv masked_paths;
	struct strv readonly_paths;
	const char *mount_label;
	struct { bool set; unsigned long domain; const char *domain_name; struct strv flags; } personality;
	bool has_intel_rdt;       /* parsed; create rejects it (not supported) */
	struct spec_netdev {      /* linux.netDevices (spec 1.3) */
		const char *host;     /* the key: the interface in the runtime's namespace */
		const char *name;     /* in the container: "name", else the key */
	} *net_devices;
	size_t n_net_devices;
	struct spec_mempolicy {   /* linux.memoryPolicy (spec 1.3) */
		bool set;
		int mode;             /* MPOL_* */
		const char *mode_name;
		unsigned flags;       /* MPOL_F_* */
		const char *nodes;    /* "0-3,7" as written, or NULL */
	} memory_policy;
};

struct spec {
	const char *oci_version;
	const char *bundle;       /* absolute bundle directory (owned copy) */
	struct {
		const char *path;     /* as written */
		char *abs;            /* absolute: bundle-relative resolved (owned) */
		bool readonly;
	} root;
	struct spec_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct spec_process process;
	const char *hostname, *domainname;
	struct spec_hooks hooks[SPEC_HOOK_STAGES];
	struct kvv annotations;
	bool has_linux;
	struct spec_linux linux;

	/* ownership: the buffer, the tokens and an arena of arrays */
	char *buf;
	struct json_doc doc;
	void *arena;
};

/* Problems found while parsing, for `check` (every problem, one per line). */
struct spec_problems {
	char (*msg)[512];
	size_t n, cap;
};
void spec_problems_fini(struct spec_problems *pr);

/* Read BUNDLE/config.json and parse it. BUNDLE may be relative (made absolute).
 * Every error message starts "config.json: PATH: ". Without PR, the first
 * problem fail()s and -1 is returned; with PR, parsing continues and every
 * problem is appended to PR (and -1 is still returned when there was any).
 * On failure S owns nothing. */
int spec_load(struct spec *s, const char *bundle, struct spec_problems *pr);
/* Same, from a buffer the spec takes ownership of (LEN + 1 bytes allocated). */
int spec_parse(struct spec *s, char *buf, size_t len, const char *bundle,
	       struct spec_problems *pr);
/* Parse a process JSON file (exec --process) into P; its memory belongs to S,
 * which must be zero-initialised or loaded. Errors start "FILE: PATH: ".
 * P is written only on success; free with spec_free(S) either way. */
int spec_load_process(struct spec *s, const char *file, struct spec_process *p);
/* Parse a LinuxResources JSON document (update --resources) into R, owned by S.
 * BUF (LEN + 1 bytes) is taken by S even on failure; errors start "NAME: ". */
int spec_parse_resources(struct spec *s, char *buf, size_t len, const char *name,
			 struct spec_resources *r);
void spec_free(struct spec *s);
/* N zeroed elements of SIZE that live as long as S (its arena); never fails. */
void *spec_alloc(struct spec *s, size_t n, size_t size);

/* Write the JSON array of mount option names ocibox implements (features). */
void spec_mount_options(struct jw *w);
/* spec_default.c: the default config.json of `ocibox spec` (like `runc spec`). */
void spec_write_default(struct jw *w, bool rootless);

#endif
