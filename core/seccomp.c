/* SPDX-License-Identifier: MIT */
/* seccomp: linux.seccomp compiled by libseccomp into BPF, loaded with our own
 * seccomp(2) call (as runc's patchbpf does) so every filter flag works with
 * libseccomp 2.5; the listener handshake of runtime-spec config-linux.md#seccomp.
 * Left out: runc's ENOSYS stub for syscalls newer than the profile. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/err.h"
#include "core/json.h"
#include "core/seccomp.h"
#include "core/seccomp_heap.h"
#include "core/spec.h"
#include "core/util.h"

#if ENABLE_SECCOMP
#include <sys/mman.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* libseccomp refuses errno values >= MAX_ERRNO (the kernel clamps there). */
#define SC_MAX_ERRNO 4095

/* Kernel return value of each action, without data. SCMP_ACT_KILL is
 * KILL_THREAD, as in libseccomp and runc. */
static const uint32_t sc_ret[SPEC_SC_ACTIONS] = {
	[SPEC_SC_KILL]         = SECCOMP_RET_KILL_THREAD,
	[SPEC_SC_KILL_PROCESS] = SECCOMP_RET_KILL_PROCESS,
	[SPEC_SC_KILL_THREAD]  = SECCOMP_RET_KILL_THREAD,
	[SPEC_SC_TRAP]         = SECCOMP_RET_TRAP,
	[SPEC_SC_ERRNO]        = SECCOMP_RET_ERRNO,
	[SPEC_SC_TRACE]        = SECCOMP_RET_TRACE,
	[SPEC_SC_ALLOW]        = SECCOMP_RET_ALLOW,
	[SPEC_SC_LOG]          = SECCOMP_RET_LOG,
	[SPEC_SC_NOTIFY]       = SECCOMP_RET_USER_NOTIF,
};

static const enum scmp_compare sc_op[SPEC_SC_OPS] = {
	[SPEC_SC_NE]        = SCMP_CMP_NE,
	[SPEC_SC_LT]        = SCMP_CMP_LT,
	[SPEC_SC_LE]        = SCMP_CMP_LE,
	[SPEC_SC_EQ]        = SCMP_CMP_EQ,
	[SPEC_SC_GE]        = SCMP_CMP_GE,
	[SPEC_SC_GT]        = SCMP_CMP_GT,
	[SPEC_SC_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static const struct {
	const char *name;
	unsigned long bit;
} sc_flag[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/* "SCMP_ARCH_X86_64": libseccomp's token for "x86_64", or 0 if unknown. */
static uint32_t sc_arch(const char *name)
{
	char low[32];
	size_t i;

	if (!has_prefix(name, "SCMP_ARCH_") || strlen(name + 10) >= sizeof(low))
		return 0;
	for (i = 0; name[10 + i]; i++)
		low[i] = name[10 + i] >= 'A' && name[10 + i] <= 'Z' ?
			 name[10 + i] - 'A' + 'a' : name[10 + i];
	low[i] = '\0';
	return seccomp_arch_resolve_name(low);
}

static long sc_sys(unsigned int op, unsigned long flags, void *arg)
{
	return syscall(SYS_seccomp, op, flags, arg);
}

static bool sc_action_avail(enum spec_sc_action a)
{
	uint32_t ret = sc_ret[a];

	if (sc_sys(SECCOMP_GET_ACTION_AVAIL, 0, &ret) == 0)
		return true;
	if (errno != EINVAL)
		return false;
	/* Before Linux 4.14 there is no GET_ACTION_AVAIL: the original set. */
	return ret == SECCOMP_RET_KILL_THREAD || ret == SECCOMP_RET_TRAP ||
	       ret == SECCOMP_RET_ERRNO || ret == SECCOMP_RET_TRACE ||
	       ret == SECCOMP_RET_ALLOW;
}

/* A flag the kernel knows gets past flag validation to copying the (NULL)
 * program: EFAULT. As runc's FlagSupported; needs no privilege. */
static bool sc_flag_bit_supported(unsigned long bit)
{
	if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		bit |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return sc_sys(SECCOMP_SET_MODE_FILTER, bit, NULL) < 0 && errno == EFAULT;
}

static unsigned long sc_flag_bit(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sc_flag); i++)
		if (str_eq(sc_flag[i].name, name))
			return sc_flag[i].bit;
	return 0;
}

/* Problems go to check's callback or, when loading, the first one to fail(). */
struct sc_report {
	void (*problem)(void *ctx, const char *msg);
	void *ctx;
	int n;
};

static void sc_bad(struct sc_report *r, const char *fmt, ...) PRINTF(2, 3);
static void sc_bad(struct sc_report *r, const char *fmt, ...)
{
	char what[400], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r->problem) {
		snprintf(msg, sizeof(msg), "config.json: linux.seccomp%s", what);
		r->problem(r->ctx, msg);
	} else if (r->n == 0) {
		fail(0, "seccomp: linux.seccomp%s", what);
	}
	r->n++;
}

static bool sc_uses_notify(const struct spec_seccomp *sc)
{
	size_t i;

	for (i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == SPEC_SC_NOTIFY)
			return true;
	return false;
}

static void sc_check_action(struct sc_report *r, const char *path,
			    enum spec_sc_action a, const struct opt_u64 *no)
{
	if (!sc_action_avail(a))
		sc_bad(r, "%s: %s: not supported by this kernel", path,
		       spec_sc_action_name[a]);
	if (!no->set)
		return;
	if (a == SPEC_SC_ERRNO && no->v >= SC_MAX_ERRNO)
		sc_bad(r, "%s: errno %llu out of range (0..%d)", path,
		       (unsigned long long)no->v, SC_MAX_ERRNO - 1);
	if (a == SPEC_SC_TRACE && no->v > 0xffff)
		sc_bad(r, "%s: trace message %llu out of range (0..65535)", path,
		       (unsigned long long)no->v);
}

/* Everything that can be said about SC without compiling it. */
static int sc_validate(const struct spec_seccomp *sc, struct sc_report *r)
{
	char path[64];
	size_t i, j;

	if (sc->default_action == SPEC_SC_NOTIFY)
		sc_bad(r, ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	else
		sc_check_action(r, ".defaultAction", sc->default_action,
				&sc->default_errno_ret);
	for (i = 0; i < sc->architectures.n; i++)
		if (sc_arch(sc->architectures.v[i]) == 0)
			sc_bad(r, ".architectures[%zu]: %s: not known to libseccomp",
			       i, sc->architectures.v[i]);
	for (i = 0; i < sc->flags.n; i++) {
		unsigned long bit = sc_flag_bit(sc->flags.v[i]);

		if (!bit)
			sc_bad(r, ".flags[%zu]: %s: unknown flag", i, sc->flags.v[i]);
		else if (!sc_flag_bit_supported(bit))
			sc_bad(r, ".flags[%zu]: %s: not supported by this kernel",
			       i, sc->flags.v[i]);
	}
	for (i = 0; i < sc->n_syscalls; i++) {
		const struct spec_sc_rule *rule = &sc->syscalls[i];

		snprintf(path, sizeof(path), ".syscalls[%zu]", i);
		sc_check_action(r, path, rule->action, &rule->errno_ret);
		for (j = 0; j < rule->n_args; j++)
			if (rule->args[j].index > 5)
				sc_bad(r, ".syscalls[%zu].args[%zu].index: %u out of range (0..5)",
				       i, j, rule->args[j].index);
	}
	if (sc_uses_notify(sc) && !sc->listener_path)
		sc_bad(r, ".listenerPath: required when SCMP_ACT_NOTIFY is used");
	return r->n;
}

/* libseccomp's action value; ERRNO defaults to EPERM and TRACE's message
 * too, as in runc. */
static uint32_t sc_action(enum spec_sc_action a, const struct opt_u64 *no)
{
	uint32_t data = no->set ? (uint32_t)no->v : EPERM;

	if (a == SPEC_SC_ERRNO)
		return SCMP_ACT_ERRNO(data);
	if (a == SPEC_SC_TRACE)
		return SCMP_ACT_TRACE(data);
	return sc_ret[a];
}

static struct scmp_arg_cmp sc_cmp(const struct spec_sc_arg *a)
{
	/* MASKED_EQ: value is the mask, valueTwo the datum (runtime-spec) */
	return (struct scmp_arg_cmp){
		.arg = a->index, .op = sc_op[a->op],
		.datum_a = a->value, .datum_b = a->value_two,
	};
}

/* Indexes are 0..5 (sc_validate). */
static int sc_add_rule(scmp_filter_ctx ctx, const struct spec_sc_rule *rule,
		       size_t i, uint32_t act)
{
	struct scmp_arg_cmp cmp[6];
	unsigned int count[6] = { 0 };
	bool split = false;
	size_t j, k;
	int nr, rc;

	/* Distinct indexes: one rule with all conditions (AND). A repeated
	 * index cannot be ANDed by libseccomp: one rule per condition (OR),
	 * as runc does. */
	for (j = 0; j < rule->n_args; j++)
		split |= ++count[rule->args[j].index] > 1;
	for (j = 0; !split && j < rule->n_args; j++)
		cmp[j] = sc_cmp(&rule->args[j]);
	for (k = 0; k < rule->names.n; k++) {
		const char *name = rule->names.v[k];

		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			log_debug("seccomp: unknown syscall '%s' ignored", name);
			continue;
		}
		if (!split) {
			rc = seccomp_rule_add_array(ctx, act, nr, rule->n_args, cmp);
		} else {
			for (rc = 0, j = 0; rc == 0 && j < rule->n_args; j++) {
				cmp[0] = sc_cmp(&rule->args[j]);
				rc = seccomp_rule_add_array(ctx, act, nr, 1, cmp);
			}
		}
		if (rc < 0)
			return fail(-rc, "seccomp: linux.seccomp.syscalls[%zu]: "
				    "%s: add rule", i, name);
	}
	return 0;
}

static void sc_release_p(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int sc_compile_ctx(const struct spec_seccomp *sc, struct sock_filter **prog,
			  unsigned short *len)
{
	__attribute__((cleanup(sc_release_p))) scmp_filter_ctx ctx = NULL;
	AUTOCLOSE int fd = -1;
	AUTOFREE char *buf = NULL;
	uint32_t def, act;
	size_t i, n;
	int rc;

	def = sc_action(sc->default_action, &sc->default_errno_ret);
	if (!(ctx = seccomp_init(def)))
		return fail(0, "seccomp: linux.seccomp.defaultAction: %s: "
			    "refused by libseccomp",
			    spec_sc_action_name[sc->default_action]);
	/* No SCMP_FLTATR_CTL_OPTIMIZE=2 (binary tree): for podman's profile it
	 * builds 25% more instructions 30% slower, and since Linux 5.11 the
	 * kernel's action cache skips the filter for argument-free ALLOW rules. */
	for (i = 0; i < sc->architectures.n; i++) {
		rc = seccomp_arch_add(ctx, sc_arch(sc->architectures.v[i]));
		if (rc < 0 && rc != -EEXIST)  /* the native one is already there */
			return fail(-rc, "seccomp: linux.seccomp.architectures[%zu]: "
				    "%s: add", i, sc->architectures.v[i]);
	}
	for (i = 0; i < sc->n_syscalls; i++) {
		const struct spec_sc_rule *rule = &sc->syscalls[i];

		act = sc_action(rule->action, &rule->errno_ret);
		if (act == def)  /* libseccomp refuses those; they change nothing */
			continue;
		if (sc_add_rule(ctx, rule, i, act) < 0)
			return -1;
	}

	/* libseccomp 2.5 exports to an fd only. */
	if ((fd = memfd_create("ocibox-seccomp", MFD_CLOEXEC)) < 0)
		return fail(errno, "seccomp: memfd_create");
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0)
		return fail(-rc, "seccomp: generate the BPF program");
	if (lseek(fd, 0, SEEK_SET) < 0 || read_fd(fd, &buf, &n) < 0)
		return fail(errno, "seccomp: read the BPF program back");
	if (n % sizeof(struct sock_filter) || n / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return fail(0, "seccomp: the filter has %zu instructions; "
			    "the kernel takes %d at most",
			    n / sizeof(struct sock_filter), BPF_MAXINSNS);
	*prog = (struct sock_filter *)TAKE_PTR(buf);
	*len = n / sizeof(struct sock_filter);
	return 0;
}

/* Compile SC into a kernel program (*PROG, *LEN instructions, xmalloc'd). */
static int sc_compile(const struct spec_seccomp *sc, struct sock_filter **prog,
		      unsigned short *len)
{
	int r;

	sc_heap_begin();
	r = sc_compile_ctx(sc, prog, len);
	sc_heap_end();
	return r;
}

/* Compile SC (validated) into F. */
static int sc_build(const struct spec_seccomp *sc, struct sc_filter *f)
{
	struct sc_report r = { 0 };
	struct sock_filter *prog = NULL;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (sc_validate(sc, &r) > 0)
		return -1;
	if (sc_compile(sc, &prog, &f->len) < 0)
		return -1;
	f->prog = prog;
	for (i = 0; i < sc->flags.n; i++)
		f->flags |= sc_flag_bit(sc->flags.v[i]);
	if ((f->notify = sc_uses_notify(sc))) {
		f->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* The kernel refuses TSYNC with a listener unless a failed
		 * sync reports ESRCH instead of a thread id (Linux 5.7). */
		if (f->flags & SECCOMP_FILTER_FLAG_TSYNC) {
			if (!sc_flag_bit_supported(SECCOMP_FILTER_FLAG_TSYNC_ESRCH)) {
				sc_filter_fini(f);
				return fail(0, "seccomp: SECCOMP_FILTER_FLAG_TSYNC with "
					    "SCMP_ACT_NOTIFY needs SECCOMP_FILTER_FLAG_TSYNC_ESRCH "
					    "(Linux 5.7)");
			}
			f->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
		}
	} else {
		/* It only changes how a notifying syscall waits; the kernel
		 * refuses it without a listener. */
		f->flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	return 0;
}

/* ---- the cache: ROOT/.seccomp/HASH holds a header, the profile's
 * canonical JSON and the program; a hit needs the JSON to match exactly ---- */

struct sc_cache_hdr {
	char magic[8];           /* "OCIBXSC1" */
	uint64_t flags;
	uint32_t notify, len;    /* instructions */
	uint32_t key_len;        /* bytes of key text that follow */
};

static const char *sc_build_id(void)
{
	/* what else shapes the program: this very binary (a rebuild with
	 * another compiler or libseccomp is another binary) */
	static char id[160];
	struct stat st = { 0 };

	if (!id[0]) {
		stat("/proc/self/exe", &st);
		snprintf(id, sizeof(id), "ocibox %s libseccomp %u.%u.%u exe "
			 "%llx:%llx:%llx:%llx\n", VERSION,
			 seccomp_version()->major, seccomp_version()->minor,
			 seccomp_version()->micro,
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino,
			 (unsigned long long)st.st_size,
			 (unsigned long long)st.st_mtime);
	}
	return id;
}

/* A cache file or directory is trusted only if it is ours and nobody else
 * may write it: whoever can write it decides the container's filter. */
static bool sc_trusted(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

static int sc_cache_get(int dirfd, const char *name, const char *key,
			size_t key_len, struct sc_filter *f)
{
	AUTOFREE char *buf = NULL;
	struct sc_cache_hdr h;
	size_t n;

	AUTOCLOSE int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || !sc_trusted(fd) || read_fd(fd, &buf, &n) < 0 ||
	    n < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, "OCIBXSC1", 8) || h.key_len != key_len ||
	    h.len == 0 || h.len > BPF_MAXINSNS ||
	    n != sizeof(h) + key_len + h.len * sizeof(struct sock_filter) ||
	    memcmp(buf + sizeof(h), key, key_len))
		return -1;
	f->prog = xmalloc(h.len * sizeof(struct sock_filter));
	memcpy(f->prog, buf + sizeof(h) + key_len,
	       h.len * sizeof(struct sock_filter));
	f->len = (unsigned short)h.len;
	f->flags = h.flags;
	f->notify = h.notify;
	return 0;
}

static void sc_cache_put(int dirfd, const char *name, const char *key,
			 size_t key_len, const struct sc_filter *f)
{
	struct sc_cache_hdr h = { .flags = f->flags, .notify = f->notify,
				  .len = f->len, .key_len = (uint32_t)key_len };
	size_t plen = f->len * sizeof(struct sock_filter);
	AUTOFREE char *buf = xmalloc(sizeof(h) + key_len + plen);

	memcpy(h.magic, "OCIBXSC1", 8);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), key, key_len);
	memcpy(buf + sizeof(h) + key_len, f->prog, plen);
	/* a cache that cannot be written only costs the next compile */
	if (write_file_new(dirfd, name, buf, sizeof(h) + key_len + plen,
			   0600) < 0)
		log_debug("seccomp cache: %s", err_last.msg);
}

int sc_prepare(const struct spec *s, const char *root, struct sc_filter *f)
{
	const struct json_doc *d = &s->doc;
	AUTOCLOSE int dirfd = -1;
	char name[32], cache_dir[PATH_MAX];
	uint64_t h = 0xcbf29ce484222325ULL;
	struct jw w;
	size_t i;
	int tok;

	memset(f, 0, sizeof(*f));
	if (!s->linux.seccomp.set)
		return 0;
	tok = json_get(d, json_get(d, 0, "linux"), "seccomp");
	if (!root || tok < 0 ||
	    path_join(cache_dir, sizeof(cache_dir), root, ".seccomp") < 0)
		return sc_build(&s->linux.seccomp, f);
	/* the key: the build, then the profile as canonical JSON */
	jw_init(&w);
	jw_raw(&w, sc_build_id(), strlen(sc_build_id()));
	jw_copy(&w, d, tok);
	for (i = 0; i < w.len; i++)
		h = (h ^ (unsigned char)w.buf[i]) * 0x100000001b3ULL;
	snprintf(name, sizeof(name), "%016llx", (unsigned long long)h);
	if (mkdir_p(cache_dir, 0700) == 0)
		dirfd = openat(AT_FDCWD, cache_dir, O_RDONLY | O_DIRECTORY |
			       O_NOFOLLOW | O_CLOEXEC);
	if (dirfd >= 0 && !sc_trusted(dirfd)) {
		log_warn("seccomp cache '%s' is not ours alone: not used",
			 cache_dir);
		close(dirfd);
		dirfd = -1;
	}
	if (dirfd >= 0 && sc_cache_get(dirfd, name, w.buf, w.len, f) == 0) {
		jw_fini(&w);
		return 0;
	}
	if (sc_build(&s->linux.seccomp, f) < 0) {
		jw_fini(&w);
		return -1;
	}
	if (dirfd >= 0)
		sc_cache_put(dirfd, name, w.buf, w.len, f);
	jw_fini(&w);
	return 0;
}

int sc_install(const struct sc_filter *f, int *listener_fd)
{
	struct sock_fprog fprog;
	long rc;

	*listener_fd = -1;
	if (!f || !f->prog)
		return 0;
	fprog = (struct sock_fprog){ .len = f->len, .filter = f->prog };
	rc = sc_sys(SECCOMP_SET_MODE_FILTER, f->flags, &fprog);
	if (rc < 0)
		return fail(errno, "seccomp: load the filter (%u instructions)%s",
			    f->len, errno == EACCES ?
			    " without no_new_privs or CAP_SYS_ADMIN" : "");
	if (!f->notify && rc > 0)
		return fail(0, "seccomp: SECCOMP_FILTER_FLAG_TSYNC: thread %ld "
			    "could not be synchronised", rc);
	if (f->notify)
		*listener_fd = (int)rc;
	return 0;
}

int sc_load(const struct spec_seccomp *sc, int *listener_fd)
{
	struct sc_filter f;
	int r;

	*listener_fd = -1;
	if (!sc->set)
		return 0;
	if (sc_build(sc, &f) < 0)
		return -1;
	r = sc_install(&f, listener_fd);
	sc_filter_fini(&f);
	return r;
}

/* err_last is the caller's: keep it across a trial compile. */
int sc_check(const struct spec_seccomp *sc,
	     void (*problem)(void *ctx, const char *msg), void *ctx)
{
	struct sc_report r = { .problem = problem, .ctx = ctx };
	struct sock_filter *prog = NULL;
	struct err saved = err_last;
	char msg[sizeof(err_last.msg) + 16];
	unsigned short len;

	if (!sc->set || sc_validate(sc, &r) > 0)
		return r.n;
	if (sc_compile(sc, &prog, &len) < 0) {
		snprintf(msg, sizeof(msg), "config.json: %s",
			 err_last.msg + (has_prefix(err_last.msg, "seccomp: ") ? 9 : 0));
		problem(ctx, msg);
		r.n++;
	}
	free(prog);
	err_last = saved;
	return r.n;
}

void sc_features(struct jw *w)
{
	size_t i;

	jw_obj_begin(w);
	jw_key(w, "enabled");
	jw_bool(w, true);
	jw_key(w, "actions");
	jw_arr_begin(w);
	for (i = 0; i < SPEC_SC_ACTIONS; i++)
		if (sc_action_avail(i))
			jw_str(w, spec_sc_action_name[i]);
	jw_arr_end(w);
	jw_key(w, "operators");
	jw_arr_begin(w);
	for (i = 0; i < SPEC_SC_OPS; i++)
		jw_str(w, spec_sc_op_name[i]);
	jw_arr_end(w);
	jw_key(w, "archs");
	jw_arr_begin(w);
	for (i = 0; spec_sc_arch_names[i]; i++)
		if (sc_arch(spec_sc_arch_names[i]))
			jw_str(w, spec_sc_arch_names[i]);
	jw_arr_end(w);
	jw_key(w, "knownFlags");
	jw_arr_begin(w);
	for (i = 0; i < ARRAY_SIZE(sc_flag); i++)
		jw_str(w, sc_flag[i].name);
	jw_arr_end(w);
	jw_key(w, "supportedFlags");
	jw_arr_begin(w);
	for (i = 0; i < ARRAY_SIZE(sc_flag); i++)
		if (sc_flag_bit_supported(sc_flag[i].bit))
			jw_str(w, sc_flag[i].name);
	jw_arr_end(w);
	jw_obj_end(w);
}

#else /* !ENABLE_SECCOMP */

int sc_load(const struct spec_seccomp *sc, int *listener_fd)
{
	*listener_fd = -1;
	if (sc->set)
		return fail(0, "seccomp: not compiled in (built with SECCOMP=0)");
	return 0;
}

int sc_prepare(const struct spec *s, const char *root, struct sc_filter *f)
{
	memset(f, 0, sizeof(*f));
	if (s->linux.seccomp.set)
		return fail(0, "seccomp: not compiled in (built with SECCOMP=0)");
	return 0;
}

int sc_install(const struct sc_filter *f, int *listener_fd)
{
	*listener_fd = -1;
	return 0;
}

int sc_check(const struct spec_seccomp *sc,
	     void (*problem)(void *ctx, const char *msg), void *ctx)
{
	if (!sc->set)
		return 0;
	problem(ctx, "config.json: linux.seccomp: seccomp not compiled in "
		"(built with SECCOMP=0)");
	return 1;
}

void sc_features(struct jw *w)
{
	jw_obj_begin(w);
	jw_key(w, "enabled");
	jw_bool(w, false);
	jw_obj_end(w);
}

#endif

void sc_filter_fini(struct sc_filter *f)
{
	free(f->prog);
	f->prog = NULL;
}

int sc_send_listener(const struct spec_seccomp *sc, int notify_fd,
		     const char *state_json)
{
	const char *path = sc->listener_path;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr mh = { 0 };
	struct iovec iov;
	struct json_doc doc;
	AUTOFREE char *copy = NULL;
	AUTOCLOSE int fd = -1;
	size_t len = strlen(state_json);
	int64_t pid;
	int pidtok;
	ssize_t n;
	struct jw w;

	if (!path)
		return fail(0, "seccomp: no linux.seccomp.listenerPath to send the notify fd to");
	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(0, "seccomp: listener '%s': path too long", path);
	strcpy(sa.sun_path, path);

	copy = xmalloc(len + 1);
	memcpy(copy, state_json, len);
	if (json_parse(&doc, copy, len, "state") < 0)
		return fail_ctx("seccomp: listener '%s'", path);
	if ((pidtok = json_get(&doc, 0, "pid")) < 0 || json_i64(&doc, pidtok, &pid) < 0) {
		json_fini(&doc);
		return fail(0, "seccomp: listener '%s': the state has no pid", path);
	}
	/* ContainerProcessState, runtime-spec config-linux.md#seccomp */
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "ociVersion");
	jw_str(&w, SPEC_VERSION);
	jw_key(&w, "fds");
	jw_arr_begin(&w);
	jw_str(&w, "seccompFd");
	jw_arr_end(&w);
	jw_key(&w, "pid");
	jw_i64(&w, pid);
	if (sc->listener_metadata) {
		jw_key(&w, "metadata");
		jw_str(&w, sc->listener_metadata);
	}
	jw_key(&w, "state");
	jw_copy(&w, &doc, 0);
	jw_obj_end(&w);
	json_fini(&doc);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		jw_fini(&w);
		return fail(errno, "seccomp: listener '%s': socket", path);
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		jw_fini(&w);
		return fail(errno, "seccomp: listener '%s': connect", path);
	}
	iov = (struct iovec){ .iov_base = w.buf, .iov_len = w.len };
	memset(&cm, 0, sizeof(cm));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &notify_fd, sizeof(int));
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		n = errno;
		jw_fini(&w);
		return fail((int)n, "seccomp: listener '%s': send the state", path);
	}
	/* The fd went with the first byte; a short send leaves only text. */
	if ((size_t)n < w.len && write_all(fd, w.buf + n, w.len - n) < 0) {
		jw_fini(&w);
		return fail_ctx("seccomp: listener '%s'", path);
	}
	jw_fini(&w);
	return 0;
}
