/* SPDX-License-Identifier: MIT */
/* spec: config.json -> struct spec, straight from json_parse's tokens, with no
 * tree in between (runtime-spec 1.3 config.md, config-linux.md). Checks what
 * the spec says MUST hold; what depends on the host is verify's (core/verify.c). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/err.h"
#include "core/json.h"
#include "core/spec.h"
#include "core/util.h"

/* mount_setattr(2) attributes (kernel ABI, linux/mount.h): musl's
 * <sys/mount.h> lacks them and glibc's clashes with linux/mount.h. */
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY      0x00000001
#define MOUNT_ATTR_NOSUID      0x00000002
#define MOUNT_ATTR_NODEV       0x00000004
#define MOUNT_ATTR_NOEXEC      0x00000008
#define MOUNT_ATTR__ATIME      0x00000070
#define MOUNT_ATTR_RELATIME    0x00000000
#define MOUNT_ATTR_NOATIME     0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME  0x00000080
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

/* ---- name tables ---- */

const char *const spec_ns_name[SPEC_NS_COUNT] = {
#define X(e, name, flag) [e] = name,
	SPEC_NS_LIST(X)
#undef X
};
const int spec_ns_flag[SPEC_NS_COUNT] = {
#define X(e, name, flag) [e] = flag,
	SPEC_NS_LIST(X)
#undef X
};
const char *const spec_sc_action_name[SPEC_SC_ACTIONS] = {
#define X(e, name) [e] = name,
	SPEC_SC_ACTION_LIST(X)
#undef X
};
const char *const spec_sc_op_name[SPEC_SC_OPS] = {
#define X(e, name) [e] = name,
	SPEC_SC_OP_LIST(X)
#undef X
};
const char *const spec_hook_name[SPEC_HOOK_STAGES] = {
	[SPEC_HOOK_PRESTART] = "prestart",
	[SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
	[SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
	[SPEC_HOOK_START_CONTAINER] = "startContainer",
	[SPEC_HOOK_POSTSTART] = "poststart",
	[SPEC_HOOK_POSTSTOP] = "poststop",
};

/* Indexed by the kernel's own numbers, so the table cannot drift. */
#define CAP(name) [name] = #name
const char *const spec_cap_name[SPEC_CAP_MAX + 1] = {
	CAP(CAP_CHOWN), CAP(CAP_DAC_OVERRIDE), CAP(CAP_DAC_READ_SEARCH),
	CAP(CAP_FOWNER), CAP(CAP_FSETID), CAP(CAP_KILL), CAP(CAP_SETGID),
	CAP(CAP_SETUID), CAP(CAP_SETPCAP), CAP(CAP_LINUX_IMMUTABLE),
	CAP(CAP_NET_BIND_SERVICE), CAP(CAP_NET_BROADCAST), CAP(CAP_NET_ADMIN),
	CAP(CAP_NET_RAW), CAP(CAP_IPC_LOCK), CAP(CAP_IPC_OWNER),
	CAP(CAP_SYS_MODULE), CAP(CAP_SYS_RAWIO), CAP(CAP_SYS_CHROOT),
	CAP(CAP_SYS_PTRACE), CAP(CAP_SYS_PACCT), CAP(CAP_SYS_ADMIN),
	CAP(CAP_SYS_BOOT), CAP(CAP_SYS_NICE), CAP(CAP_SYS_RESOURCE),
	CAP(CAP_SYS_TIME), CAP(CAP_SYS_TTY_CONFIG), CAP(CAP_MKNOD),
	CAP(CAP_LEASE), CAP(CAP_AUDIT_WRITE), CAP(CAP_AUDIT_CONTROL),
	CAP(CAP_SETFCAP), CAP(CAP_MAC_OVERRIDE), CAP(CAP_MAC_ADMIN),
	CAP(CAP_SYSLOG), CAP(CAP_WAKE_ALARM), CAP(CAP_BLOCK_SUSPEND),
	CAP(CAP_AUDIT_READ), CAP(CAP_PERFMON), CAP(CAP_BPF),
	CAP(CAP_CHECKPOINT_RESTORE),
};
#undef CAP

const char *const spec_sc_arch_names[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
	"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB", NULL,
};
const char *const spec_sc_flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	NULL,
};

struct name_val {
	const char *name;
	unsigned long val;
};

static const struct name_val rlimits[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

/* Kernel ABI numbers (uapi/linux/sched.h); SCHED_ISO is reserved there
 * and libc headers do not all define it. */
static const struct name_val sched_policies[] = {
	{ "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },
	{ "SCHED_BATCH", 3 }, { "SCHED_ISO", 4 }, { "SCHED_IDLE", 5 },
	{ "SCHED_DEADLINE", 6 },
};
static const struct name_val sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 }, { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 }, { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};
static const struct name_val ioprio_classes[] = {
	{ "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 },
	{ "IOPRIO_CLASS_IDLE", 3 },
};
static const struct name_val propagations[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE },
	{ "runbindable", MS_UNBINDABLE | MS_REC },
};
/* linux/mempolicy.h */
static const struct name_val mpol_modes[] = {
	{ "MPOL_DEFAULT", 0 }, { "MPOL_PREFERRED", 1 }, { "MPOL_BIND", 2 },
	{ "MPOL_INTERLEAVE", 3 }, { "MPOL_LOCAL", 4 },
	{ "MPOL_PREFERRED_MANY", 5 }, { "MPOL_WEIGHTED_INTERLEAVE", 6 },
};
static const struct name_val mpol_flags[] = {
	{ "MPOL_F_NUMA_BALANCING", 1 << 13 }, { "MPOL_F_RELATIVE_NODES", 1 << 14 },
	{ "MPOL_F_STATIC_NODES", 1 << 15 },
};
static const struct name_val domains[] = {
	{ "LINUX", PER_LINUX }, { "LINUX32", PER_LINUX32 },
};
static const char *const device_types[] = { "c", "b", "u", "p" };
static const char *const rule_types[] = { "a", "c", "b" };

/* A table of any entry type whose first member is the name, for lookups
 * and for the "expected one of" part of messages. */
struct names {
	const void *v;
	size_t n, stride;
	const char *what;
};
#define NAMES(table, what) { table, ARRAY_SIZE(table), sizeof((table)[0]), what }
static const struct names ns_names = NAMES(spec_ns_name, "namespace");
static const struct names cap_names = NAMES(spec_cap_name, "capability");
static const struct names action_names = NAMES(spec_sc_action_name, "action");
static const struct names op_names = NAMES(spec_sc_op_name, "operator");
static const struct names arch_names = NAMES(spec_sc_arch_names, "architecture");
static const struct names flag_names = NAMES(spec_sc_flag_names, "flag");
static const struct names rlimit_names = NAMES(rlimits, "rlimit");
static const struct names policy_names = NAMES(sched_policies, "policy");
static const struct names sched_flag_names = NAMES(sched_flags, "flag");
static const struct names class_names = NAMES(ioprio_classes, "class");
static const struct names prop_names = NAMES(propagations, "propagation");
static const struct names domain_names = NAMES(domains, "domain");
static const struct names mpol_mode_names = NAMES(mpol_modes, "mode");
static const struct names mpol_flag_names = NAMES(mpol_flags, "flag");
static const struct names device_type_names = NAMES(device_types, "device type");
static const struct names rule_type_names = NAMES(rule_types, "device type");

static const char *name_at(const struct names *t, size_t i)
{
	return *(const char *const *)((const char *)t->v + i * t->stride);
}

static int lookup(const struct names *t, const char *s)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (name_at(t, i) && str_eq(name_at(t, i), s))
			return (int)i;
	return -1;
}

int spec_cap_parse(const char *name)
{
	return lookup(&cap_names, name);
}

/* Mount options (config.md "Linux mount options"). Propagation options come
 * from propagations[]; anything in neither table is filesystem data. */
enum mount_opt_kind {
	MO_NOP,     /* accepted, no effect ("defaults") */
	MO_SET,     /* MS_* to set */
	MO_CLR,     /* MS_* to clear */
	MO_RSET,    /* MOUNT_ATTR_* to set recursively */
	MO_RCLR,    /* MOUNT_ATTR_* to clear recursively */
	MO_RATIME,  /* recursive atime mode: one value of MOUNT_ATTR__ATIME */
	MO_BIND,
	MO_IDMAP,
	MO_TMPCOPYUP,
};
static const struct mount_opt {
	const char *name;
	enum mount_opt_kind kind;
	unsigned long v;
} mount_opts[] = {
	{ "defaults", MO_NOP, 0 },
	{ "ro", MO_SET, MS_RDONLY }, { "rw", MO_CLR, MS_RDONLY },
	{ "nosuid", MO_SET, MS_NOSUID }, { "suid", MO_CLR, MS_NOSUID },
	{ "nodev", MO_SET, MS_NODEV }, { "dev", MO_CLR, MS_NODEV },
	{ "noexec", MO_SET, MS_NOEXEC }, { "exec", MO_CLR, MS_NOEXEC },
	{ "sync", MO_SET, MS_SYNCHRONOUS }, { "async", MO_CLR, MS_SYNCHRONOUS },
	{ "dirsync", MO_SET, MS_DIRSYNC }, { "remount", MO_SET, MS_REMOUNT },
	{ "mand", MO_SET, MS_MANDLOCK }, { "nomand", MO_CLR, MS_MANDLOCK },
	{ "noatime", MO_SET, MS_NOATIME }, { "atime", MO_CLR, MS_NOATIME },
	{ "nodiratime", MO_SET, MS_NODIRATIME },
	{ "diratime", MO_CLR, MS_NODIRATIME },
	{ "relatime", MO_SET, MS_RELATIME }, { "norelatime", MO_CLR, MS_RELATIME },
	{ "strictatime", MO_SET, MS_STRICTATIME },
	{ "nostrictatime", MO_CLR, MS_STRICTATIME },
	{ "silent", MO_SET, MS_SILENT }, { "loud", MO_CLR, MS_SILENT },
	{ "lazytime", MO_SET, MS_LAZYTIME }, { "nolazytime", MO_CLR, MS_LAZYTIME },
	{ "iversion", MO_SET, MS_I_VERSION }, { "noiversion", MO_CLR, MS_I_VERSION },
	{ "nosymfollow", MO_SET, MS_NOSYMFOLLOW },
	{ "symfollow", MO_CLR, MS_NOSYMFOLLOW },
	{ "bind", MO_BIND, MS_BIND }, { "rbind", MO_BIND, MS_BIND | MS_REC },
	{ "rro", MO_RSET, MOUNT_ATTR_RDONLY }, { "rrw", MO_RCLR, MOUNT_ATTR_RDONLY },
	{ "rnosuid", MO_RSET, MOUNT_ATTR_NOSUID },
	{ "rsuid", MO_RCLR, MOUNT_ATTR_NOSUID },
	{ "rnodev", MO_RSET, MOUNT_ATTR_NODEV }, { "rdev", MO_RCLR, MOUNT_ATTR_NODEV },
	{ "rnoexec", MO_RSET, MOUNT_ATTR_NOEXEC },
	{ "rexec", MO_RCLR, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", MO_RSET, MOUNT_ATTR_NODIRATIME },
	{ "rdiratime", MO_RCLR, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", MO_RSET, MOUNT_ATTR_NOSYMFOLLOW },
	{ "rsymfollow", MO_RCLR, MOUNT_ATTR_NOSYMFOLLOW },
	/* The atime modes are an enum, not bits: the negations select the
	 * kernel default (relatime), and "not relatime" means strictatime. */
	{ "rnoatime", MO_RATIME, MOUNT_ATTR_NOATIME },
	{ "rstrictatime", MO_RATIME, MOUNT_ATTR_STRICTATIME },
	{ "rrelatime", MO_RATIME, MOUNT_ATTR_RELATIME },
	{ "ratime", MO_RATIME, MOUNT_ATTR_RELATIME },
	{ "rnostrictatime", MO_RATIME, MOUNT_ATTR_RELATIME },
	{ "rnorelatime", MO_RATIME, MOUNT_ATTR_STRICTATIME },
	{ "idmap", MO_IDMAP, 0 }, { "ridmap", MO_IDMAP, 1 },
	{ "tmpcopyup", MO_TMPCOPYUP, 0 },
};

/* ---- the arena: every array of a spec, freed by spec_free ---- */

struct arena {
	struct arena *next;
	void *own;              /* a whole buffer adopted, or NULL */
	max_align_t data[];
};

void *spec_alloc(struct spec *s, size_t n, size_t size)
{
	struct arena *a;

	/* N is bounded by the token count: this can only trip on 32-bit */
	if (size && n > (SIZE_MAX - sizeof(*a)) / size)
		return xmalloc(SIZE_MAX);  /* reports out of memory, exits */
	a = xcalloc(1, sizeof(*a) + n * size);
	a->next = s->arena;
	s->arena = a;
	return a->data;
}

static void arena_adopt(struct spec *s, void *p)
{
	spec_alloc(s, 0, 1);
	((struct arena *)s->arena)->own = p;
}

/* ---- parse context, JSON paths and problems ---- */

struct ctx {
	struct spec *s;              /* owns what is allocated */
	const struct json_doc *d;
	const char *file;            /* message prefix: "config.json" */
	struct spec_problems *pr;    /* collect every problem, or NULL */
	size_t nerr;
	char first[sizeof(err_last.msg)];
	char path[256];              /* JSON path of the current value */
	size_t plen;
};

static void problems_add(struct spec_problems *pr, const char *msg)
{
	if (pr->n == pr->cap) {
		pr->cap = pr->cap ? 2 * pr->cap : 8;
		pr->msg = xrealloc(pr->msg, pr->cap * sizeof(*pr->msg));
	}
	snprintf(pr->msg[pr->n++], sizeof(*pr->msg), "%s", msg);
}

void spec_problems_fini(struct spec_problems *pr)
{
	free(pr->msg);
	memset(pr, 0, sizeof(*pr));
}

/* Record "FILE: PATH[.KEY]: message"; parsing goes on past the bad value
 * (it is skipped), so one run can list every problem. Returns -1. */
PRINTF(3, 4)
static int problem(struct ctx *c, const char *key, const char *fmt, ...)
{
	char msg[sizeof(err_last.msg)];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "%s: %s%s%s%s", c->file, c->path,
		     key && c->plen ? "." : "", key ? key : "",
		     key || c->plen ? ": " : "");
	if (n >= 0 && (size_t)n < sizeof(msg)) {
		va_start(ap, fmt);
		vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
		va_end(ap);
	}
	if (c->nerr++ == 0)
		memcpy(c->first, msg, sizeof(msg));
	if (c->pr)
		problems_add(c->pr, msg);
	return -1;
}

/* Error-free end of a parse, or the first problem in err_last. */
static int finish(struct ctx *c)
{
	return c->nerr ? fail(0, "%s", c->first) : 0;
}

PRINTF(2, 3)
static size_t push(struct ctx *c, const char *fmt, ...)
{
	size_t mark = c->plen, room = sizeof(c->path) - c->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->plen, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen += (size_t)n < room ? (size_t)n : room - 1;
	return mark;
}

static size_t push_key(struct ctx *c, const char *key)
{
	return push(c, "%s%s", c->plen ? "." : "", key);
}

static void pop(struct ctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

/* ---- typed getters: 1 = got it, 0 = absent, -1 = problem recorded ---- */

static const char *const type_name[] = {
	[JSON_NULL] = "null", [JSON_FALSE] = "boolean", [JSON_TRUE] = "boolean",
	[JSON_NUMBER] = "number", [JSON_STRING] = "string",
	[JSON_ARRAY] = "array", [JSON_OBJECT] = "object",
};
static const char *const want_name[] = {
	[JSON_TRUE] = "a boolean", [JSON_NUMBER] = "an integer",
	[JSON_STRING] = "a string", [JSON_ARRAY] = "an array",
	[JSON_OBJECT] = "an object",
};

/* WANT is JSON_TRUE for either boolean. */
static bool is_type(struct ctx *c, int t, const char *key, enum json_type want)
{
	enum json_type got = json_type(c->d, t);

	if (got == want || (want == JSON_TRUE && got == JSON_FALSE))
		return true;
	problem(c, key, "expected %s, got %s", want_name[want], type_name[got]);
	return false;
}

/* Value of KEY, or -1. null counts as absent, as Go's encoding/json (and so
 * every engine writing these files) treats it. */
static int member(struct ctx *c, int obj, const char *key)
{
	int t = json_get(c->d, obj, key);

	return t >= 0 && json_type(c->d, t) != JSON_NULL ? t : -1;
}

/* Turn "absent" into the "required" problem; 0 when the value is there. */
static int need(struct ctx *c, int got, const char *key)
{
	if (got == 0)
		return problem(c, key, "required");
	return got > 0 ? 0 : -1;
}

static int str_at(struct ctx *c, int t, const char *key, const char **out)
{
	if (!is_type(c, t, key, JSON_STRING))
		return -1;
	if (json_str_has_nul(c->d, t))
		return problem(c, key, "must not contain NUL");
	*out = json_str(c->d, t);
	return 1;
}

/* A number that json_i64/json_u64 refused: a fraction or exponent (not an
 * integer, as for Go's encoding/json), else out of the type's range. */
static int bad_int(struct ctx *c, int t, const char *key, const char *range)
{
	const struct json_tok *k = json_tok(c->d, t);
	const char *text = c->d->buf + k->start;

	if (memchr(text, '.', k->len) || memchr(text, 'e', k->len) ||
	    memchr(text, 'E', k->len))
		return problem(c, key, "expected an integer, got %.*s",
			       (int)k->len, text);
	return problem(c, key, "must be between %s, got %.*s", range,
		       (int)k->len, text);
}

static int i64_at(struct ctx *c, int t, const char *key, int64_t min,
		  int64_t max, int64_t *out)
{
	char range[48];
	int64_t v;

	if (!is_type(c, t, key, JSON_NUMBER))
		return -1;
	if (json_i64(c->d, t, &v) == 0 && v >= min && v <= max) {
		*out = v;
		return 1;
	}
	snprintf(range, sizeof(range), "%lld and %lld", (long long)min,
		 (long long)max);
	return bad_int(c, t, key, range);
}

static int u64_at(struct ctx *c, int t, const char *key, uint64_t max,
		  uint64_t *out)
{
	char range[48];
	uint64_t v;

	if (!is_type(c, t, key, JSON_NUMBER))
		return -1;
	if (json_u64(c->d, t, &v) == 0 && v <= max) {
		*out = v;
		return 1;
	}
	snprintf(range, sizeof(range), "0 and %llu", (unsigned long long)max);
	return bad_int(c, t, key, range);
}

static int get_str(struct ctx *c, int obj, const char *key, const char **out)
{
	int t = member(c, obj, key);

	return t < 0 ? 0 : str_at(c, t, key, out);
}

/* An absolute path (config.md requires them for cwd, hooks, devices, ...). */
static int get_path(struct ctx *c, int obj, const char *key, bool required,
		    const char **out)
{
	const char *p;
	int r = get_str(c, obj, key, &p);

	if (r == 0 && required)
		return problem(c, key, "required");
	if (r <= 0)
		return r;
	if (p[0] != '/')
		return problem(c, key, "must be an absolute path");
	*out = p;
	return 1;
}

static int get_bool(struct ctx *c, int obj, const char *key, bool *out)
{
	int t = member(c, obj, key);

	if (t < 0)
		return 0;
	if (!is_type(c, t, key, JSON_TRUE))
		return -1;
	*out = json_type(c->d, t) == JSON_TRUE;
	return 1;
}

static int get_i64(struct ctx *c, int obj, const char *key, int64_t min,
		   int64_t max, int64_t *out)
{
	int t = member(c, obj, key);

	return t < 0 ? 0 : i64_at(c, t, key, min, max, out);
}

static int get_u64(struct ctx *c, int obj, const char *key, uint64_t max,
		   uint64_t *out)
{
	int t = member(c, obj, key);

	return t < 0 ? 0 : u64_at(c, t, key, max, out);
}

static int get_u32(struct ctx *c, int obj, const char *key, uint32_t *out)
{
	uint64_t v;
	int r = get_u64(c, obj, key, UINT32_MAX, &v);

	if (r > 0)
		*out = (uint32_t)v;
	return r;
}

static int get_i32(struct ctx *c, int obj, const char *key, int32_t min,
		   int32_t max, int32_t *out)
{
	int64_t v;
	int r = get_i64(c, obj, key, min, max, &v);

	if (r > 0)
		*out = (int32_t)v;
	return r;
}

static void get_opt_i64(struct ctx *c, int obj, const char *key, int64_t min,
			int64_t max, struct opt_i64 *o)
{
	o->set = get_i64(c, obj, key, min, max, &o->v) > 0;
}

static void get_opt_u64(struct ctx *c, int obj, const char *key, uint64_t max,
			struct opt_u64 *o)
{
	o->set = get_u64(c, obj, key, max, &o->v) > 0;
}

static void get_opt_bool(struct ctx *c, int obj, const char *key,
			 struct opt_bool *o)
{
	o->set = get_bool(c, obj, key, &o->v) > 0;
}

/* NM's names, sorted and joined by ", ", for "expected one of" messages. */
static void names_list(const struct names *nm, char *out, size_t size)
{
	const char *v[16], *s;
	size_t i, j, n = 0, len = 0;

	for (i = 0; i < nm->n && n < ARRAY_SIZE(v); i++) {
		if (!(s = name_at(nm, i)))
			continue;
		for (j = n++; j > 0 && strcmp(v[j - 1], s) > 0; j--)
			v[j] = v[j - 1];
		v[j] = s;
	}
	out[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += snprintf(out + len, size - len, "%s%s", i ? ", " : "", v[i]);
}

/* Index in NM of the string at T, or -1 (problem recorded). Short tables
 * are listed in the message; long ones (capabilities, ...) would drown it. */
static int enum_at(struct ctx *c, int t, const char *key, const struct names *nm)
{
	char list[256];
	const char *s;
	int k;

	if (str_at(c, t, key, &s) < 0)
		return -1;
	if ((k = lookup(nm, s)) >= 0)
		return k;
	if (nm->n > 10)
		return problem(c, key, "unknown %s \"%s\"", nm->what, s);
	names_list(nm, list, sizeof(list));
	return problem(c, key, "unknown %s \"%s\" (expected one of %s)",
		       nm->what, s, list);
}

/* Like enum_at for member KEY; -1 when absent (a problem only if REQUIRED). */
static int get_enum(struct ctx *c, int obj, const char *key,
		    const struct names *nm, bool required)
{
	int t = member(c, obj, key);

	if (t < 0)
		return required ? problem(c, key, "required") : -1;
	return enum_at(c, t, key, nm);
}

/* "0-3,7": comma-separated numbers and ascending ranges; empty is fine. */
static bool is_cpu_list(const char *s)
{
	unsigned long lo, hi;
	char *end;

	if (!*s)
		return true;
	for (;;) {
		if (*s < '0' || *s > '9')
			return false;
		lo = strtoul(s, &end, 10);
		s = end;
		if (*s == '-') {
			if (s[1] < '0' || s[1] > '9')
				return false;
			hi = strtoul(s + 1, &end, 10);
			if (hi < lo)
				return false;
			s = end;
		}
		if (!*s)
			return true;
		if (*s++ != ',')
			return false;
	}
}

static void get_cpus(struct ctx *c, int obj, const char *key, const char **out)
{
	if (get_str(c, obj, key, out) > 0 && !is_cpu_list(*out))
		problem(c, key, "invalid list \"%s\" (expected e.g. \"0-3,7\")",
			*out);
}

/* ---- objects and arrays: parsers get the token and where to store ---- */

typedef void obj_fn(struct ctx *c, int t, void *arg);
typedef void elem_fn(struct ctx *c, int t, size_t i, void *arg);

/* Parse object member KEY with FN (may be NULL), its path pushed.
 * 1 = parsed, 0 = absent, -1 = not an object. */
static int sub(struct ctx *c, int obj, const char *key, obj_fn *fn, void *arg)
{
	int t = member(c, obj, key);
	size_t mark;

	if (t < 0)
		return 0;
	if (!is_type(c, t, key, JSON_OBJECT))
		return -1;
	mark = push_key(c, key);
	if (fn)
		fn(c, t, arg);
	pop(c, mark);
	return 1;
}

static int get_arr(struct ctx *c, int obj, const char *key)
{
	int t = member(c, obj, key);

	return t >= 0 && is_type(c, t, key, JSON_ARRAY) ? t : -1;
}

/* Call FN for each element i of array ARR (KEY in its parent), path "KEY[i]". */
static void each(struct ctx *c, int arr, const char *key, elem_fn *fn, void *arg)
{
	size_t i, n, mark, m;
	int e;

	if (arr < 0)
		return;
	n = json_tok(c->d, arr)->size;
	mark = push_key(c, key);
	for (i = 0, e = json_child(c->d, arr); i < n; i++, e = json_next(c->d, e)) {
		m = push(c, "[%zu]", i);
		fn(c, e, i, arg);
		pop(c, m);
	}
	pop(c, mark);
}

/* Array member KEY as a new zeroed arena array of *N elements of SIZE, plus
 * a zeroed one past the end (so a strv is NULL-terminated). FN fills
 * element i of the array it gets as ARG. NULL when absent. */
static void *get_array(struct ctx *c, int obj, const char *key, size_t size,
		       elem_fn *fn, size_t *n)
{
	int t = get_arr(c, obj, key);
	void *v;

	*n = 0;
	if (t < 0)
		return NULL;
	*n = json_tok(c->d, t)->size;
	v = spec_alloc(c->s, *n + 1, size);
	each(c, t, key, fn, v);
	return v;
}

static void str_elem(struct ctx *c, int t, size_t i, void *arg)
{
	str_at(c, t, NULL, (const char **)arg + i);
}

static void abs_elem(struct ctx *c, int t, size_t i, void *arg)
{
	const char *p;

	if (str_at(c, t, NULL, &p) < 0)
		return;
	if (p[0] != '/')
		problem(c, NULL, "must be an absolute path");
	else
		((const char **)arg)[i] = p;
}

static void u32_elem(struct ctx *c, int t, size_t i, void *arg)
{
	uint64_t v;

	if (u64_at(c, t, NULL, UINT32_MAX, &v) > 0)
		((uint32_t *)arg)[i] = (uint32_t)v;
}

static void get_strv(struct ctx *c, int obj, const char *key, struct strv *out)
{
	out->v = get_array(c, obj, key, sizeof(*out->v), str_elem, &out->n);
}

/* process.args and syscalls[].names: one message for absent, empty or not
 * an array, since all three mean the same mistake. */
static void get_strv_nonempty(struct ctx *c, int obj, const char *key,
			      struct strv *out)
{
	int t = member(c, obj, key);

	if (t < 0 || json_type(c->d, t) != JSON_ARRAY || !json_tok(c->d, t)->size)
		problem(c, key, "must be a non-empty array of strings");
	else
		get_strv(c, obj, key, out);
}

/* A string -> string object, in document order; a repeated key keeps only
 * its last value, as everywhere else. */
static void get_kvv(struct ctx *c, int obj, const char *key, struct kvv *out)
{
	int t = member(c, obj, key), k;
	size_t i, j, n, mark;
	const char *name, *value;

	if (t < 0 || !is_type(c, t, key, JSON_OBJECT))
		return;
	n = json_tok(c->d, t)->size;
	out->v = spec_alloc(c->s, n + 1, sizeof(*out->v));
	out->n = 0;
	mark = push_key(c, key);
	for (i = 0, k = json_child(c->d, t); i < n; i++, k = json_next(c->d, k + 1)) {
		name = json_str(c->d, k);
		if (json_str_has_nul(c->d, k)) {
			problem(c, name, "key must not contain NUL");
			continue;
		}
		if (str_at(c, k + 1, name, &value) < 0)
			continue;
		for (j = 0; j < out->n && !str_eq(out->v[j].key, name); j++)
			;
		out->v[j] = (struct kv){ name, value };
		out->n += j == out->n;
	}
	pop(c, mark);
}

static void parse_idmap(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_idmap *m = (struct spec_idmap *)arg + i;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	need(c, get_u32(c, t, "containerID", &m->container_id), "containerID");
	need(c, get_u32(c, t, "hostID", &m->host_id), "hostID");
	need(c, get_u32(c, t, "size", &m->size), "size");
}

/* A name the kernel takes for a network interface (dev_valid_name):
 * 1 to 15 bytes, not "." or "..", no '/', ':' or white space. */
static bool is_ifname(const char *n)
{
	size_t len = strlen(n), i;

	if (len == 0 || len >= 16 || str_eq(n, ".") || str_eq(n, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (n[i] == '/' || n[i] == ':' || isspace((unsigned char)n[i]))
			return false;
	return true;
}

/* linux.netDevices: {"HOSTNAME": {"name": "INSIDE"}, ...} (spec 1.3) */
static void get_netdevs(struct ctx *c, int obj, struct spec_linux *l)
{
	int t = member(c, obj, "netDevices"), k;
	size_t i, n, mark, m;
	struct spec_netdev *d;
	bool bad;

	if (t < 0 || !is_type(c, t, "netDevices", JSON_OBJECT))
		return;
	n = json_tok(c->d, t)->size;
	l->net_devices = spec_alloc(c->s, n + 1, sizeof(*l->net_devices));
	mark = push_key(c, "netDevices");
	for (i = 0, k = json_child(c->d, t); i < n; i++, k = json_next(c->d, k + 1)) {
		d = &l->net_devices[l->n_net_devices];
		d->host = json_str(c->d, k);
		if (json_str_has_nul(c->d, k) || !is_ifname(d->host)) {
			problem(c, NULL, "\"%s\" is not a network interface "
				"name (1 to 15 bytes; no slash, colon or space)",
				d->host);
			continue;
		}
		if (!is_type(c, k + 1, d->host, JSON_OBJECT))
			continue;
		d->name = d->host;
		m = push_key(c, d->host);
		bad = get_str(c, k + 1, "name", &d->name) > 0 &&
		      !is_ifname(d->name) &&
		      problem(c, "name", "\"%s\" is not a network interface "
			      "name (1 to 15 bytes; no slash, colon or space)",
			      d->name);
		pop(c, m);
		if (bad)
			continue;
		l->n_net_devices++;
	}
	pop(c, mark);
}

/* ---- process ---- */

static void parse_console(struct ctx *c, int t, void *arg)
{
	struct spec_process *p = arg;

	need(c, get_u32(c, t, "height", &p->console_size.height), "height");
	need(c, get_u32(c, t, "width", &p->console_size.width), "width");
	p->console_size.set = true;
}

static void parse_user(struct ctx *c, int t, void *arg)
{
	struct spec_process *p = arg;

	/* Required by the spec, but runc takes absent as 0 and so do we. */
	get_u32(c, t, "uid", &p->user.uid);
	get_u32(c, t, "gid", &p->user.gid);
	get_opt_u64(c, t, "umask", 0777, &p->user.umask);
	p->user.additional_gids = get_array(c, t, "additionalGids",
					    sizeof(uint32_t), u32_elem,
					    &p->user.n_additional_gids);
	get_str(c, t, "username", &p->user.username);
}

static void parse_cap(struct ctx *c, int t, size_t i, void *arg)
{
	int n = enum_at(c, t, NULL, &cap_names);

	if (n >= 0)
		*(uint64_t *)arg |= 1ULL << n;
}

static void parse_caps(struct ctx *c, int t, void *arg)
{
	static const char *const set_name[SPEC_CAP_SETS] = {
		[SPEC_CAP_BOUNDING] = "bounding",
		[SPEC_CAP_EFFECTIVE] = "effective",
		[SPEC_CAP_INHERITABLE] = "inheritable",
		[SPEC_CAP_PERMITTED] = "permitted",
		[SPEC_CAP_AMBIENT] = "ambient",
	};
	struct spec_process *p = arg;
	int i;

	for (i = 0; i < SPEC_CAP_SETS; i++)
		each(c, get_arr(c, t, set_name[i]), set_name[i], parse_cap,
		     &p->caps[i]);
	p->has_caps = true;
}

static void parse_rlimit(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_rlimit *all = arg, *r = all + i;
	size_t j;
	int k;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	if ((k = get_enum(c, t, "type", &rlimit_names, true)) >= 0) {
		for (j = 0; j < i; j++)
			if (all[j].type && all[j].resource == (int)rlimits[k].val)
				break;
		if (j < i) {
			problem(c, "type", "duplicate rlimit %s", rlimits[k].name);
		} else {
			r->type = rlimits[k].name;
			r->resource = (int)rlimits[k].val;
		}
	}
	need(c, get_u64(c, t, "soft", UINT64_MAX, &r->soft), "soft");
	need(c, get_u64(c, t, "hard", UINT64_MAX, &r->hard), "hard");
}

static void parse_sched_flag(struct ctx *c, int t, size_t i, void *arg)
{
	int k = enum_at(c, t, NULL, &sched_flag_names);

	if (k >= 0)
		*(uint64_t *)arg |= sched_flags[k].val;
}

static void parse_scheduler(struct ctx *c, int t, void *arg)
{
	struct spec_sched *sc = arg;
	int k = get_enum(c, t, "policy", &policy_names, true);

	if (k >= 0) {
		sc->policy = sched_policies[k].name;
		sc->policy_no = (int)sched_policies[k].val;
	}
	get_i32(c, t, "nice", INT32_MIN, INT32_MAX, &sc->nice);
	get_i32(c, t, "priority", INT32_MIN, INT32_MAX, &sc->priority);
	each(c, get_arr(c, t, "flags"), "flags", parse_sched_flag, &sc->flags);
	get_u64(c, t, "runtime", UINT64_MAX, &sc->runtime);
	get_u64(c, t, "deadline", UINT64_MAX, &sc->deadline);
	get_u64(c, t, "period", UINT64_MAX, &sc->period);
	sc->set = true;
}

static void parse_io_priority(struct ctx *c, int t, void *arg)
{
	struct spec_process *p = arg;
	int k = get_enum(c, t, "class", &class_names, true);

	if (k >= 0) {
		p->io_priority.class_name = ioprio_classes[k].name;
		p->io_priority.class_no = (int)ioprio_classes[k].val;
	}
	need(c, get_i32(c, t, "priority", 0, 7, &p->io_priority.priority),
	     "priority");
	p->io_priority.set = true;
}

static void parse_affinity(struct ctx *c, int t, void *arg)
{
	struct spec_process *p = arg;

	get_cpus(c, t, "initial", &p->exec_cpu_affinity.initial);
	get_cpus(c, t, "final", &p->exec_cpu_affinity.final);
}

static void parse_process(struct ctx *c, int t, void *arg)
{
	struct spec_process *p = arg;

	get_bool(c, t, "terminal", &p->terminal);
	sub(c, t, "consoleSize", parse_console, p);
	sub(c, t, "user", parse_user, p);
	get_strv_nonempty(c, t, "args", &p->args);
	get_str(c, t, "commandLine", &p->command_line);
	get_strv(c, t, "env", &p->env);
	get_path(c, t, "cwd", true, &p->cwd);
	sub(c, t, "capabilities", parse_caps, p);
	p->rlimits = get_array(c, t, "rlimits", sizeof(*p->rlimits),
			       parse_rlimit, &p->n_rlimits);
	get_bool(c, t, "noNewPrivileges", &p->no_new_privileges);
	get_str(c, t, "apparmorProfile", &p->apparmor_profile);
	get_str(c, t, "selinuxLabel", &p->selinux_label);
	get_opt_i64(c, t, "oomScoreAdj", -1000, 1000, &p->oom_score_adj);
	sub(c, t, "scheduler", parse_scheduler, &p->scheduler);
	sub(c, t, "ioPriority", parse_io_priority, p);
	sub(c, t, "execCPUAffinity", parse_affinity, p);
}

/* ---- root, mounts, hooks ---- */

static void parse_root(struct ctx *c, int t, void *arg)
{
	struct spec *s = arg;

	if (need(c, get_str(c, t, "path", &s->root.path), "path") == 0 &&
	    !*s->root.path)
		problem(c, "path", "must not be empty");
	get_bool(c, t, "readonly", &s->root.readonly);
}

/* Options -> flags; unknown options are filesystem data ("mode=755"). */
static void mount_flags(struct ctx *c, struct spec_mount *m)
{
	const struct mount_opt *o;
	size_t i, j, size = 0;
	const char *opt;
	char *data = NULL;
	int k;

	if (m->type && str_eq(m->type, "bind")) {
		m->bind = true;
		m->flags |= MS_BIND;
	}
	for (i = 0; i < m->options.n; i++)
		if (m->options.v[i])
			size += strlen(m->options.v[i]) + 1;
	for (i = 0; i < m->options.n; i++) {
		if (!(opt = m->options.v[i]))
			continue;
		if ((k = lookup(&prop_names, opt)) >= 0) {
			m->propagation = propagations[k].val;
			continue;
		}
		for (j = 0; j < ARRAY_SIZE(mount_opts); j++)
			if (str_eq(mount_opts[j].name, opt))
				break;
		if (j == ARRAY_SIZE(mount_opts)) {
			if (!data) {
				data = spec_alloc(c->s, size, 1);
				m->data = data;
			} else {
				*data++ = ',';
			}
			data = stpcpy(data, opt);
			continue;
		}
		o = &mount_opts[j];
		switch (o->kind) {
		case MO_NOP:
			break;
		case MO_SET:
			m->flags |= o->v;
			m->clear &= ~o->v;
			break;
		case MO_CLR:
			m->clear |= o->v;
			m->flags &= ~o->v;
			break;
		case MO_RSET:
			m->attr_set |= o->v;
			m->attr_clr &= ~o->v;
			break;
		case MO_RCLR:
			m->attr_clr |= o->v;
			m->attr_set &= ~o->v;
			break;
		case MO_RATIME:
			/* mount_setattr(2) wants the whole field cleared */
			m->attr_set = (m->attr_set & ~MOUNT_ATTR__ATIME) | o->v;
			m->attr_clr |= MOUNT_ATTR__ATIME;
			break;
		case MO_BIND:
			m->bind = true;
			m->flags |= o->v;
			break;
		case MO_IDMAP:
			m->idmap = true;
			m->idmap_rec = o->v;
			break;
		case MO_TMPCOPYUP:
			m->tmpcopyup = true;
			break;
		}
	}
}

static void parse_mount(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_mount *m = (struct spec_mount *)arg + i;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	/* Relative destinations are deprecated but allowed (relative to
	 * "/"); containment is checked at mount time, in the rootfs. */
	if (need(c, get_str(c, t, "destination", &m->destination),
		 "destination") == 0 && !*m->destination)
		problem(c, "destination", "must not be empty");
	get_str(c, t, "type", &m->type);
	get_str(c, t, "source", &m->source);
	get_strv(c, t, "options", &m->options);
	m->uid_mappings = get_array(c, t, "uidMappings", sizeof(struct spec_idmap),
				    parse_idmap, &m->n_uid_mappings);
	m->gid_mappings = get_array(c, t, "gidMappings", sizeof(struct spec_idmap),
				    parse_idmap, &m->n_gid_mappings);
	mount_flags(c, m);
}

static void parse_hook(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_hook *h = (struct spec_hook *)arg + i;
	int64_t timeout;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	get_path(c, t, "path", true, &h->path);
	get_strv(c, t, "args", &h->args);
	get_strv(c, t, "env", &h->env);
	if (get_i64(c, t, "timeout", INT64_MIN, INT64_MAX, &timeout) > 0) {
		if (timeout <= 0)
			problem(c, "timeout", "must be greater than zero");
		else
			h->timeout = timeout;
	}
}

static void parse_hooks(struct ctx *c, int t, void *arg)
{
	struct spec_hooks *hooks = arg;
	int i;

	for (i = 0; i < SPEC_HOOK_STAGES; i++)
		hooks[i].v = get_array(c, t, spec_hook_name[i], sizeof(*hooks[i].v),
				       parse_hook, &hooks[i].n);
}

/* ---- linux.resources ---- */

static void parse_dev_rule(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_dev_rule *r = (struct spec_dev_rule *)arg + i;
	const char *access = "rwm", *p;
	char *w = r->access;
	int k;

	r->type = 'a';
	r->major = r->minor = -1;
	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	need(c, get_bool(c, t, "allow", &r->allow), "allow");
	if ((k = get_enum(c, t, "type", &rule_type_names, false)) >= 0)
		r->type = rule_types[k][0];
	get_i64(c, t, "major", -1, INT64_MAX, &r->major);
	get_i64(c, t, "minor", -1, INT64_MAX, &r->minor);
	if (get_str(c, t, "access", &access) < 0)
		return;
	if (access[strspn(access, "rwm")])
		problem(c, "access", "invalid access \"%s\" (expected a subset of rwm)",
			access);
	/* canonical order, each letter once */
	for (p = "rwm"; *p; p++)
		if (strchr(access, *p))
			*w++ = *p;
	*w = '\0';
}

static void parse_memory(struct ctx *c, int t, void *arg)
{
	struct spec_resources *r = arg;

	/* -1 means unlimited for all of these */
	get_opt_i64(c, t, "limit", -1, INT64_MAX, &r->memory.limit);
	get_opt_i64(c, t, "reservation", -1, INT64_MAX, &r->memory.reservation);
	get_opt_i64(c, t, "swap", -1, INT64_MAX, &r->memory.swap);
	get_opt_i64(c, t, "kernel", -1, INT64_MAX, &r->memory.kernel);
	get_opt_i64(c, t, "kernelTCP", -1, INT64_MAX, &r->memory.kernel_tcp);
	get_opt_u64(c, t, "swappiness", 100, &r->memory.swappiness);
	get_opt_bool(c, t, "disableOOMKiller", &r->memory.disable_oom_killer);
	get_opt_bool(c, t, "useHierarchy", &r->memory.use_hierarchy);
	get_opt_bool(c, t, "checkBeforeUpdate", &r->memory.check_before_update);
}

static void parse_cpu(struct ctx *c, int t, void *arg)
{
	struct spec_resources *r = arg;

	get_opt_u64(c, t, "shares", UINT64_MAX, &r->cpu.shares);
	get_opt_i64(c, t, "quota", -1, INT64_MAX, &r->cpu.quota);
	get_opt_u64(c, t, "burst", UINT64_MAX, &r->cpu.burst);
	get_opt_u64(c, t, "period", UINT64_MAX, &r->cpu.period);
	get_opt_i64(c, t, "realtimeRuntime", -1, INT64_MAX,
		    &r->cpu.realtime_runtime);
	get_opt_u64(c, t, "realtimePeriod", UINT64_MAX, &r->cpu.realtime_period);
	get_cpus(c, t, "cpus", &r->cpu.cpus);
	get_cpus(c, t, "mems", &r->cpu.mems);
	get_opt_i64(c, t, "idle", INT64_MIN, INT64_MAX, &r->cpu.idle);
}

static void parse_pids(struct ctx *c, int t, void *arg)
{
	struct spec_resources *r = arg;

	get_opt_i64(c, t, "limit", -1, INT64_MAX, &r->pids.limit);
}

/* blkio weights are 10..1000; 0 (Docker's default) means "not set". */
static void get_weight(struct ctx *c, int obj, const char *key,
		       struct opt_u64 *o)
{
	uint64_t v;

	if (get_u64(c, obj, key, UINT64_MAX, &v) <= 0)
		return;
	if (v && (v < 10 || v > 1000))
		problem(c, key, "must be between 10 and 1000, got %llu",
			(unsigned long long)v);
	else
		*o = (struct opt_u64){ v, true };
}

static void parse_weight_dev(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_weight_dev *w = (struct spec_weight_dev *)arg + i;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	need(c, get_i64(c, t, "major", 0, INT64_MAX, &w->major), "major");
	need(c, get_i64(c, t, "minor", 0, INT64_MAX, &w->minor), "minor");
	get_weight(c, t, "weight", &w->weight);
	get_weight(c, t, "leafWeight", &w->leaf_weight);
}

static void parse_throttle(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_throttle_dev *d = (struct spec_throttle_dev *)arg + i;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	need(c, get_i64(c, t, "major", 0, INT64_MAX, &d->major), "major");
	need(c, get_i64(c, t, "minor", 0, INT64_MAX, &d->minor), "minor");
	need(c, get_u64(c, t, "rate", UINT64_MAX, &d->rate), "rate");
}

static void parse_block_io(struct ctx *c, int t, void *arg)
{
	struct spec_resources *r = arg;
	size_t size = sizeof(struct spec_throttle_dev);

	get_weight(c, t, "weight", &r->block_io.weight);
	get_weight(c, t, "leafWeight", &r->block_io.leaf_weight);
	r->block_io.weight_device =
		get_array(c, t, "weightDevice", sizeof(struct spec_weight_dev),
			  parse_weight_dev, &r->block_io.n_weight_device);
	r->block_io.throttle_read_bps =
		get_array(c, t, "throttleReadBpsDevice", size, parse_throttle,
			  &r->block_io.n_throttle_read_bps);
	r->block_io.throttle_write_bps =
		get_array(c, t, "throttleWriteBpsDevice", size, parse_throttle,
			  &r->block_io.n_throttle_write_bps);
	r->block_io.throttle_read_iops =
		get_array(c, t, "throttleReadIOPSDevice", size, parse_throttle,
			  &r->block_io.n_throttle_read_iops);
	r->block_io.throttle_write_iops =
		get_array(c, t, "throttleWriteIOPSDevice", size, parse_throttle,
			  &r->block_io.n_throttle_write_iops);
}

static void parse_hugepage(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_hugepage *h = (struct spec_hugepage *)arg + i;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	need(c, get_str(c, t, "pageSize", &h->page_size), "pageSize");
	need(c, get_u64(c, t, "limit", UINT64_MAX, &h->limit), "limit");
}

static void parse_net_prio(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_net_prio *p = (struct spec_net_prio *)arg + i;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	need(c, get_str(c, t, "name", &p->name), "name");
	need(c, get_u32(c, t, "priority", &p->priority), "priority");
}

static void parse_network(struct ctx *c, int t, void *arg)
{
	struct spec_resources *r = arg;

	get_opt_u64(c, t, "classID", UINT32_MAX, &r->network.class_id);
	r->network.priorities = get_array(c, t, "priorities",
					  sizeof(struct spec_net_prio),
					  parse_net_prio, &r->network.n_priorities);
}

static void parse_rdma_dev(struct ctx *c, int t, void *arg)
{
	struct spec_rdma *d = arg;

	get_opt_u64(c, t, "hcaHandles", UINT32_MAX, &d->hca_handles);
	get_opt_u64(c, t, "hcaObjects", UINT32_MAX, &d->hca_objects);
}

/* rdma is keyed by device name: {"mlx5_1": {"hcaHandles": 3}} */
static void parse_rdma(struct ctx *c, int t, void *arg)
{
	struct spec_resources *r = arg;
	size_t i, n = json_tok(c->d, t)->size;
	int k;

	r->rdma = spec_alloc(c->s, n + 1, sizeof(*r->rdma));
	for (i = 0, k = json_child(c->d, t); i < n; i++, k = json_next(c->d, k + 1)) {
		if (json_str_has_nul(c->d, k)) {
			problem(c, json_str(c->d, k), "key must not contain NUL");
			continue;
		}
		r->rdma[r->n_rdma].device = json_str(c->d, k);
		if (sub(c, t, json_str(c->d, k), parse_rdma_dev,
			&r->rdma[r->n_rdma]) > 0)
			r->n_rdma++;
	}
}

static void parse_resources(struct ctx *c, int t, void *arg)
{
	struct spec_resources *r = arg;

	r->devices = get_array(c, t, "devices", sizeof(*r->devices),
			       parse_dev_rule, &r->n_devices);
	sub(c, t, "memory", parse_memory, r);
	sub(c, t, "cpu", parse_cpu, r);
	sub(c, t, "pids", parse_pids, r);
	sub(c, t, "blockIO", parse_block_io, r);
	r->hugepage_limits = get_array(c, t, "hugepageLimits",
				       sizeof(*r->hugepage_limits),
				       parse_hugepage, &r->n_hugepage_limits);
	sub(c, t, "network", parse_network, r);
	sub(c, t, "rdma", parse_rdma, r);
	get_kvv(c, t, "unified", &r->unified);
}

/* ---- linux.seccomp ---- */

static void parse_sc_arg(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_sc_arg *a = (struct spec_sc_arg *)arg + i;
	uint64_t index;
	int k;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	if (need(c, get_u64(c, t, "index", 5, &index), "index") == 0)
		a->index = (uint32_t)index;
	need(c, get_u64(c, t, "value", UINT64_MAX, &a->value), "value");
	get_u64(c, t, "valueTwo", UINT64_MAX, &a->value_two);
	if ((k = get_enum(c, t, "op", &op_names, true)) >= 0)
		a->op = (enum spec_sc_op)k;
}

static void parse_sc_rule(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_sc_rule *r = (struct spec_sc_rule *)arg + i;
	int k;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	get_strv_nonempty(c, t, "names", &r->names);
	if ((k = get_enum(c, t, "action", &action_names, true)) >= 0)
		r->action = (enum spec_sc_action)k;
	get_opt_u64(c, t, "errnoRet", UINT32_MAX, &r->errno_ret);
	r->args = get_array(c, t, "args", sizeof(*r->args), parse_sc_arg,
			    &r->n_args);
}

static void parse_arch(struct ctx *c, int t, size_t i, void *arg)
{
	if (enum_at(c, t, NULL, &arch_names) >= 0)
		((const char **)arg)[i] = json_str(c->d, t);
}

static void parse_sc_flag(struct ctx *c, int t, size_t i, void *arg)
{
	if (enum_at(c, t, NULL, &flag_names) >= 0)
		((const char **)arg)[i] = json_str(c->d, t);
}

static void parse_seccomp(struct ctx *c, int t, void *arg)
{
	struct spec_seccomp *sc = arg;
	bool notify;
	size_t i;
	int k;

	if ((k = get_enum(c, t, "defaultAction", &action_names, true)) >= 0)
		sc->default_action = (enum spec_sc_action)k;
	get_opt_u64(c, t, "defaultErrnoRet", UINT32_MAX, &sc->default_errno_ret);
	sc->architectures.v = get_array(c, t, "architectures", sizeof(char *),
					parse_arch, &sc->architectures.n);
	sc->flags.v = get_array(c, t, "flags", sizeof(char *), parse_sc_flag,
				&sc->flags.n);
	get_path(c, t, "listenerPath", false, &sc->listener_path);
	get_str(c, t, "listenerMetadata", &sc->listener_metadata);
	sc->syscalls = get_array(c, t, "syscalls", sizeof(*sc->syscalls),
				 parse_sc_rule, &sc->n_syscalls);
	notify = k == SPEC_SC_NOTIFY;
	for (i = 0; i < sc->n_syscalls; i++)
		notify |= sc->syscalls[i].action == SPEC_SC_NOTIFY;
	if (notify && !sc->listener_path)
		problem(c, NULL, "SCMP_ACT_NOTIFY requires listenerPath");
	sc->set = true;
}

/* ---- linux ---- */

static void parse_ns(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_linux *l = arg;
	const char *path = NULL;
	int k;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	if ((k = get_enum(c, t, "type", &ns_names, true)) < 0)
		return;
	if (l->ns[k].present) {
		problem(c, "type", "duplicate namespace \"%s\"", spec_ns_name[k]);
		return;
	}
	get_path(c, t, "path", false, &path);
	l->ns[k] = (struct spec_ns_entry){ true, path, (int)i };
}

static void parse_time_offset(struct ctx *c, int t, void *arg)
{
	__typeof__(((struct spec_linux *)0)->time_offsets[0]) *o = arg;
	uint64_t ns;

	get_i64(c, t, "secs", INT64_MIN, INT64_MAX, &o->secs);
	if (get_u64(c, t, "nanosecs", 999999999, &ns) > 0)
		o->nanosecs = (uint32_t)ns;
	o->set = true;
}

static void parse_time_offsets(struct ctx *c, int t, void *arg)
{
	struct spec_linux *l = arg;

	sub(c, t, "monotonic", parse_time_offset, &l->time_offsets[0]);
	sub(c, t, "boottime", parse_time_offset, &l->time_offsets[1]);
}

static void parse_device(struct ctx *c, int t, size_t i, void *arg)
{
	struct spec_device *d = (struct spec_device *)arg + i;
	bool need_numbers;
	int k;

	if (!is_type(c, t, NULL, JSON_OBJECT))
		return;
	if ((k = get_enum(c, t, "type", &device_type_names, true)) >= 0)
		d->type = device_types[k][0];
	get_path(c, t, "path", true, &d->path);
	/* a FIFO has no device numbers */
	need_numbers = k >= 0 && d->type != 'p';
	if (get_i64(c, t, "major", 0, INT64_MAX, &d->major) == 0 && need_numbers)
		problem(c, "major", "required");
	if (get_i64(c, t, "minor", 0, INT64_MAX, &d->minor) == 0 && need_numbers)
		problem(c, "minor", "required");
	get_opt_u64(c, t, "fileMode", UINT32_MAX, &d->file_mode);
	get_opt_u64(c, t, "uid", UINT32_MAX, &d->uid);
	get_opt_u64(c, t, "gid", UINT32_MAX, &d->gid);
}

static void parse_personality(struct ctx *c, int t, void *arg)
{
	struct spec_linux *l = arg;
	int k = get_enum(c, t, "domain", &domain_names, true);

	if (k >= 0) {
		l->personality.domain = domains[k].val;
		l->personality.domain_name = domains[k].name;
	}
	get_strv(c, t, "flags", &l->personality.flags);
	l->personality.set = true;
}

static void parse_mpol_flag(struct ctx *c, int t, size_t i, void *arg)
{
	int k = enum_at(c, t, NULL, &mpol_flag_names);

	if (k >= 0)
		*(unsigned *)arg |= (unsigned)mpol_flags[k].val;
}

static void parse_memory_policy(struct ctx *c, int t, void *arg)
{
	struct spec_mempolicy *m = arg;
	int k = get_enum(c, t, "mode", &mpol_mode_names, true);

	if (k >= 0) {
		m->mode = (int)mpol_modes[k].val;
		m->mode_name = mpol_modes[k].name;
	}
	get_str(c, t, "nodes", &m->nodes);
	each(c, get_arr(c, t, "flags"), "flags", parse_mpol_flag, &m->flags);
	m->set = true;
}

static void parse_linux(struct ctx *c, int t, void *arg)
{
	struct spec_linux *l = arg;
	size_t size = sizeof(struct spec_idmap);
	int k;

	each(c, get_arr(c, t, "namespaces"), "namespaces", parse_ns, l);
	l->uid_mappings = get_array(c, t, "uidMappings", size, parse_idmap,
				    &l->n_uid_mappings);
	l->gid_mappings = get_array(c, t, "gidMappings", size, parse_idmap,
				    &l->n_gid_mappings);
	sub(c, t, "timeOffsets", parse_time_offsets, l);
	l->devices = get_array(c, t, "devices", sizeof(*l->devices),
			       parse_device, &l->n_devices);
	get_str(c, t, "cgroupsPath", &l->cgroups_path);
	l->has_resources = sub(c, t, "resources", parse_resources,
			       &l->resources) > 0;
	get_kvv(c, t, "sysctl", &l->sysctl);
	sub(c, t, "seccomp", parse_seccomp, &l->seccomp);
	if ((k = get_enum(c, t, "rootfsPropagation", &prop_names, false)) >= 0)
		l->rootfs_propagation = propagations[k].val;
	l->masked_paths.v = get_array(c, t, "maskedPaths", sizeof(char *),
				      abs_elem, &l->masked_paths.n);
	l->readonly_paths.v = get_array(c, t, "readonlyPaths", sizeof(char *),
					abs_elem, &l->readonly_paths.n);
	get_str(c, t, "mountLabel", &l->mount_label);
	sub(c, t, "personality", parse_personality, l);
	l->has_intel_rdt = sub(c, t, "intelRdt", NULL, NULL) > 0;
	get_netdevs(c, t, l);
	sub(c, t, "memoryPolicy", parse_memory_policy, &l->memory_policy);
}

/* ---- the whole config ---- */

/* SemVer 1.0.0 to 1.3.x, with any pre-release or build suffix. */
static bool is_supported_version(const char *v)
{
	unsigned long n[3];
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (*v < '0' || *v > '9')
			return false;
		n[i] = strtoul(v, &end, 10);
		v = end;
		if (i < 2 && *v++ != '.')
			return false;
	}
	return (!*v || *v == '-' || *v == '+') && n[0] == 1 && n[1] <= 3;
}

static void parse_config(struct ctx *c, int t)
{
	struct spec *s = c->s;

	if (need(c, get_str(c, t, "ociVersion", &s->oci_version),
		 "ociVersion") == 0 && !is_supported_version(s->oci_version))
		problem(c, "ociVersion",
			"unsupported version \"%s\" (expected 1.0.0 to 1.3.x)",
			s->oci_version);
	/* The schema makes root optional, but every runtime needs one. */
	if (sub(c, t, "root", parse_root, s) == 0)
		problem(c, "root.path", "required");
	s->mounts = get_array(c, t, "mounts", sizeof(*s->mounts), parse_mount,
			      &s->n_mounts);
	s->has_process = sub(c, t, "process", parse_process, &s->process) > 0;
	get_str(c, t, "hostname", &s->hostname);
	get_str(c, t, "domainname", &s->domainname);
	sub(c, t, "hooks", parse_hooks, s->hooks);
	get_kvv(c, t, "annotations", &s->annotations);
	s->has_linux = sub(c, t, "linux", parse_linux, &s->linux) > 0;
}

/* Lexically clean an absolute path in place, as Go's filepath.Clean:
 * no "//", no "." components, ".." folded into its parent, no trailing '/'. */
static void path_clean(char *p)
{
	char *r = p, *w = p;
	size_t n;

	while (*r) {
		if (*r == '/') {
			r++;
			continue;
		}
		n = strcspn(r, "/");
		if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > p && *--w != '/')
				;
		} else if (n != 1 || r[0] != '.') {
			*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

/* An absolute, clean copy of PATH, relative to BASE (or the cwd if NULL). */
static char *abs_path(const char *base, const char *path)
{
	char cwd[PATH_MAX], *p;

	if (path[0] == '/') {
		p = xstrdup(path);
	} else {
		if (!base && !(base = getcwd(cwd, sizeof(cwd)))) {
			fail(errno, "getcwd");
			return NULL;
		}
		p = xasprintf("%s/%s", base, path);
	}
	path_clean(p);
	return p;
}

int spec_parse(struct spec *s, char *buf, size_t len, const char *bundle,
	       struct spec_problems *pr)
{
	struct ctx c = { .s = s, .file = "config.json", .pr = pr };

	memset(s, 0, sizeof(*s));
	s->buf = buf;
	if (!(s->bundle = abs_path(NULL, bundle ? bundle : ".")) ||
	    json_parse(&s->doc, buf, len, "config.json") < 0) {
		if (pr)
			problems_add(pr, err_last.msg);
		goto fail;
	}
	c.d = &s->doc;
	if (is_type(&c, 0, NULL, JSON_OBJECT))
		parse_config(&c, 0);
	if (finish(&c) < 0)
		goto fail;
	s->root.abs = abs_path(s->bundle, s->root.path);
	return 0;
fail:
	spec_free(s);
	return -1;
}

int spec_load(struct spec *s, const char *bundle, struct spec_problems *pr)
{
	char path[PATH_MAX], *buf;
	size_t len;

	memset(s, 0, sizeof(*s));
	if (path_join(path, sizeof(path), bundle, "config.json") < 0 ||
	    read_file_at(AT_FDCWD, path, &buf, &len) < 0) {
		if (pr)
			problems_add(pr, err_last.msg);
		return -1;
	}
	return spec_parse(s, buf, len, bundle, pr);
}

/* Parse a document of its own (exec --process, update --resources) whose
 * memory joins S's arena: BUF is adopted, the tokens are not kept. */
static int parse_doc(struct spec *s, char *buf, size_t len, const char *name,
		     obj_fn *fn, void *out)
{
	struct ctx c = { .s = s, .file = name };
	struct json_doc doc;

	arena_adopt(s, buf);
	if (json_parse(&doc, buf, len, name) < 0)
		return -1;
	c.d = &doc;
	if (is_type(&c, 0, NULL, JSON_OBJECT))
		fn(&c, 0, out);
	json_fini(&doc);
	return finish(&c);
}

int spec_load_process(struct spec *s, const char *file, struct spec_process *p)
{
	struct spec_process tmp = { 0 };
	size_t len;
	char *buf;

	if (read_file_at(AT_FDCWD, file, &buf, &len) < 0)
		return -1;
	if (parse_doc(s, buf, len, file, parse_process, &tmp) < 0)
		return -1;
	*p = tmp;
	return 0;
}

int spec_parse_resources(struct spec *s, char *buf, size_t len, const char *name,
			 struct spec_resources *r)
{
	struct spec_resources tmp = { 0 };

	if (parse_doc(s, buf, len, name, parse_resources, &tmp) < 0)
		return -1;
	*r = tmp;
	return 0;
}

void spec_free(struct spec *s)
{
	struct arena *a, *next;

	free(s->buf);
	if (s->doc.tok)
		json_fini(&s->doc);
	for (a = s->arena; a; a = next) {
		next = a->next;
		free(a->own);
		free(a);
	}
	free((char *)s->bundle);
	free(s->root.abs);
	memset(s, 0, sizeof(*s));
}

void spec_mount_options(struct jw *w)
{
	size_t i;

	jw_arr_begin(w);
	for (i = 0; i < ARRAY_SIZE(mount_opts); i++)
		jw_str(w, mount_opts[i].name);
	for (i = 0; i < ARRAY_SIZE(propagations); i++)
		jw_str(w, propagations[i].name);
	jw_arr_end(w);
}
