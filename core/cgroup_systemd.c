/* SPDX-License-Identifier: MIT */
/* cgroup_systemd: --systemd-cgroup as runc's libcontainer/cgroups/systemd:
 * the unit's name and place, its properties, start/update/stop over
 * core/dbus.c. What systemd has no property for still goes into the cgroup
 * files through cgroup.c and cgroup_res.c (runc writes them all too). See
 * systemd.resource-control(5) for the properties. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup_int.h"
#include "core/cgroup_systemd.h"
#include "core/err.h"
#include "core/rootless.h"
#include "core/util.h"

#define UNIT_EXISTS "org.freedesktop.systemd1.UnitExists"
#define PROP_PREFIX "org.systemd.property."
#define INFINITY_U64 UINT64_MAX   /* systemd's "infinity" for limits */

static bool has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), k = strlen(x);

	return n >= k && str_eq(s + n - k, x);
}

int cgsd_expand_slice(const char *slice, char *out, size_t size)
{
	size_t n = strlen(slice), o = 0;
	const char *p, *e, *end = slice + n - 6;

	out[0] = '\0';
	if (n <= 6 || !has_suffix(slice, ".slice") || strchr(slice, '/'))
		goto bad;
	if (str_eq(slice, "-.slice"))
		return 0;
	/* each dash-separated prefix is a slice of its own: a-b -> a, a-b */
	for (p = slice;; p = e + 1) {
		if (!(e = memchr(p, '-', end - p)))
			e = end;
		if (e == p)
			goto bad;
		o += snprintf(out + o, o < size ? size - o : 0, "/%.*s.slice",
			      (int)(e - slice), slice);
		if (e == end)
			break;
	}
	if (o < size)
		return 0;
bad:
	return fail(0, "invalid slice name '%s'", slice);
}

int cgsd_parse(const char *cgroups_path, const char *id, bool root,
	       char *unit, size_t usize, char *path, size_t psize)
{
	char buf[512], *prefix, *name;
	const char *slice, *p = cgroups_path && *cgroups_path ? cgroups_path : "";
	bool sl;
	size_t n;

	if (snprintf(buf, sizeof(buf), *p ? "%s" : ":ocibox:%s", *p ? p : id ? id : "") >=
	    (int)sizeof(buf) || !(prefix = strchr(buf, ':')) ||
	    !(name = strchr(++prefix, ':')) || strchr(++name, ':') || !*name ||
	    strpbrk(prefix, "/"))
		return fail(0, "linux.cgroupsPath \"%s\": expected \"slice:prefix:name\" "
			    "(--systemd-cgroup)", p);
	prefix[-1] = name[-1] = '\0';
	slice = *buf ? buf : root ? "system.slice" : "user.slice";
	/* a slice NAME is the unit, placed by its name: "a-b.slice" is in a.slice */
	sl = has_suffix(name, ".slice");
	if (snprintf(unit, usize, "%s%s%s%s", sl ? "" : prefix, sl || !*prefix ? "" : "-",
		     name, sl ? "" : ".scope") >= (int)usize || cgsd_expand_slice(sl ? name : slice, path, psize) < 0)
		return fail_ctx("linux.cgroupsPath \"%s\"", p);
	n = strlen(path);
	if (!sl && snprintf(path + n, psize - n, "/%s", unit) >= (int)(psize - n))
		return fail(ENAMETOOLONG, "linux.cgroupsPath \"%s\"", p);
	return 0;
}

int cgsd_bitmask(const char *list, uint8_t *out, size_t size)
{
	unsigned long w[64];
	size_t i;
	int n = 0;

	if (size > sizeof(w) || parse_bitlist(list, w, size * 8) < 0)
		return fail(0, "cpu list '%s': expected N, N-M, ... (below %zu)", list,
			    size * 8);
	for (i = 0; i < size; i++)
		if ((out[i] = (uint8_t)(w[i / sizeof(*w)] >> (i % sizeof(*w) * 8))))
			n = (int)i + 1;
	return n;
}

/* ---- GVariant text, the subset annotations need ---- */

/* The integer types: their letter (in the order of "ynqiuxt"), word, and
 * the largest magnitude of a positive and of a negative value. */
static const struct { char word[7]; uint64_t hi, neg; } gv_int[] = {
	{ "byte", 255, 0 }, { "int16", 32767, 32768 }, { "uint16", 65535, 0 },
	{ "int32", INT32_MAX, 1ull << 31 }, { "uint32", UINT32_MAX, 0 },
	{ "int64", INT64_MAX, 1ull << 63 }, { "uint64", UINT64_MAX, 0 },
};
static const char gv_int_sig[] = "ynqiuxt";

/* A quoted string at *P into OUT (as long as the text at least), *P moved
 * past it. 0 or -1. */
static int gv_str(const char **p, char *out)
{
	char q = **p;

	if (q != '\'' && q != '"')
		return -1;
	for ((*p)++; **p != q; (*p)++) {
		if (**p == '\\')
			(*p)++;
		if (!**p)
			return -1;
		*out++ = **p;
	}
	(*p)++;
	*out = '\0';
	return 0;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

int cgsd_prop_text(struct dbus_msg *m, const char *name, const char *text)
{
	const char *p = skip_ws(text), *t;
	char key[64], sig[2] = "", s[1024], *e;
	size_t n = strlen(name), i;
	bool sec = false, neg;
	uint64_t v;

	for (i = 0; i < n && isalpha((unsigned char)name[i]); i++)
		;
	if (!n || i < n || n > sizeof(key) - 2)
		return fail(0, "annotation " PROP_PREFIX "%s: the name must be letters only",
			    name);
	if (strlen(text) >= sizeof(s))
		goto bad;
	memcpy(key, name, n + 1);
	/* runc's rule: "...Sec" takes seconds and systemd wants "...USec" */
	if ((sec = n > 4 && has_suffix(name, "Sec") && islower((unsigned char)name[n - 4])))
		strcpy(key + n - 3, "USec");
	if (*p == '@' && p[1]) {
		sig[0] = p[1] == 'a' && p[2] == 's' ? 'A' : p[1];
		p += 2 + (sig[0] == 'A');
	}
	for (i = 0; i < ARRAY_SIZE(gv_int) && !sig[0]; i++) {
		n = strlen(gv_int[i].word);
		if (!strncmp(p, gv_int[i].word, n) && p[n] == ' ')
			sig[0] = gv_int_sig[i], p += n;
	}
	p = skip_ws(p);
	if (!sig[0])   /* a bare integer is an int32, as in GVariant */
		sig[0] = *p == 't' || *p == 'f' ? 'b' : *p == '[' ? 'A' : *p == '\'' ||
			 *p == '"' ? 's' : 'i';
	switch (sec ? 0 : sig[0]) {
	case 'b':
		if (!str_eq(p, "true") && !str_eq(p, "false"))
			goto bad;
		dbus_prop(m, key, "b", *p == 't');
		return 0;
	case 's':
		if (gv_str(&p, s) < 0 || *skip_ws(p))
			goto bad;
		dbus_prop(m, key, "s", s);
		return 0;
	case 'A':
		if (*p != '[')
			goto bad;
		dbus_prop_open(m, key, "as");
		dbus_open(m, 'a', "s");
		for (p = skip_ws(p + 1); gv_str(&p, s) == 0; p = skip_ws(p + 1)) {
			dbus_put(m, "s", s);
			if (*(p = skip_ws(p)) != ',')
				break;
		}
		dbus_close(m);
		dbus_prop_close(m);
		if (*p != ']' || *skip_ws(p + 1))
			goto bad;
		return 0;
	}
	if (!(t = strchr(gv_int_sig, sig[0])) || !isdigit((unsigned char)p[neg = *p == '-']))
		goto bad;
	i = t - gv_int_sig;
	errno = 0;
	v = strtoull(p + neg, &e, 10);
	if (errno || *skip_ws(e) || v > (neg ? gv_int[i].neg : gv_int[i].hi) ||
	    (sec && (neg || v > UINT64_MAX / 1000000)))
		goto bad;
	if (sec)
		dbus_prop(m, key, "t", v * 1000000);
	else if (i >= 5)
		dbus_prop(m, key, sig, neg ? -v : v);
	else
		dbus_prop(m, key, sig, (unsigned)(neg ? -v : v));
	return 0;
bad:
	return fail(0, "annotation " PROP_PREFIX "%s: cannot use '%s' (GVariant text: "
		    "true, 'text', ['a', 'b'], uint64 N%s)", name, text,
		    sec ? "; seconds: an integer" : "");
}

/* Every org.systemd.property.* annotation of S onto M. 0 or -1. */
static int annotations(struct dbus_msg *m, const struct spec *s)
{
	size_t i;

	for (i = 0; i < s->annotations.n; i++) {
		const struct kv *a = &s->annotations.v[i];

		if (has_prefix(a->key, PROP_PREFIX) &&
		    cgsd_prop_text(m, a->key + strlen(PROP_PREFIX), a->value) < 0)
			return -1;
	}
	return 0;
}

/* ---- the properties ---- */

struct props {
	const struct cgroup *cg;
	const struct spec_resources *r;
	const struct spec *s;      /* at start: its annotations */
	const char *id, *slice;    /* at start; SLICE: a scope's */
	pid_t pid;                 /* at start: the init, in a scope */
};

/* DevicePolicy and DeviceAllow from the rules reduced as the kernel would:
 * systemd has allow-lists only, so a deny-list is "auto" (allow all) when
 * it denies nothing, else strict and empty as runc (ocibox's own rules,
 * written next, are exact; on v2 ocibox's program replaces systemd's). */
static void devices(struct dbus_msg *m, const struct spec_resources *r)
{
	struct cg_devs d = { .allow = false };
	size_t i;

	for (i = 0; i < r->n_devices; i++)
		cg_devs_apply(&d, &r->devices[i]);
	dbus_prop(m, "DevicePolicy", "s", d.allow && !d.n ? "auto" : "strict");
	dbus_prop_open(m, "DeviceAllow", "a(ss)");   /* empty: reset the list */
	dbus_open(m, 'a', "(ss)");
	dbus_close(m);
	dbus_prop_close(m);
	dbus_prop_open(m, "DeviceAllow", "a(ss)");
	dbus_open(m, 'a', "(ss)");
	for (i = 0; !d.allow && i < d.n; i++) {
		/* all of a type, all of a major, one node; systemd has no rule
		 * for one minor of every major (runc skips it too), ocibox's
		 * own rules still allow it */
		static const char *const form[] = { "%s-*", "%s-%lld", "/dev/%s/%lld:%lld" };
		const struct cg_dev_ex *x = &d.ex[i];
		char path[64], acc[4];
		int k = 0, j;

		if (x->major < 0 && x->minor >= 0)
			continue;
		snprintf(path, sizeof(path), form[(x->major >= 0) + (x->minor >= 0)],
			 x->type == 'b' ? "block" : "char", (long long)x->major,
			 (long long)x->minor);
		for (j = 0; j < 3; j++)
			if (x->acc & "\2\4\1"[j])   /* BPF_DEVCG_ACC_READ, _WRITE, _MKNOD */
				acc[k++] = "rwm"[j];
		acc[k] = '\0';
		dbus_open(m, '(', NULL);
		dbus_put(m, "ss", path, acc);
		dbus_close(m);
	}
	dbus_close(m);
	dbus_prop_close(m);
	free(d.ex);
}

static void bits(struct dbus_msg *m, const char *name, const char *list)
{
	uint8_t b[512];
	int n = cgsd_bitmask(list, b, sizeof(b)), i;

	if (n <= 0)
		return;   /* refused by cgroup_create when written to cpuset.* */
	dbus_prop_open(m, name, "ay");
	dbus_open(m, 'a', "y");
	for (i = 0; i < n; i++)
		dbus_put(m, "y", b[i]);
	dbus_close(m);
	dbus_prop_close(m);
}

/* The limits systemd takes as a number: where the value is in struct
 * spec_resources (an opt_i64 or an opt_u64), the property on cgroup v2 and
 * on v1 (hybrid; NULL: none there), and how the value converts. */
enum { T_PLAIN, T_WEIGHT, T_IO, T_TASKS };
static const struct tprop {
	unsigned short off;
	unsigned char conv;
	const char *v2, *v1;
} tprops[] = {
#define R(f) offsetof(struct spec_resources, f)
	{ R(memory.limit), T_PLAIN, "MemoryMax", "MemoryMax" },
	{ R(memory.reservation), T_PLAIN, "MemoryLow", NULL },
	{ R(cpu.shares), T_WEIGHT, "CPUWeight", "CPUShares" },
	{ R(cpu.period), T_PLAIN, "CPUQuotaPeriodUSec", "CPUQuotaPeriodUSec" },
	{ R(pids.limit), T_TASKS, "TasksMax", "TasksMax" },
	{ R(block_io.weight), T_IO, "IOWeight", "BlockIOWeight" },
#undef R
};
static const char *const accounting[] = {
	"MemoryAccounting", "CPUAccounting", "TasksAccounting",
};

/* QUOTA (< 0: none) per PERIOD us (0: the kernel's 100 ms) as systemd keeps
 * it, a time per second: rounded up to 10 ms, so that the cgroup files can
 * take the exact quota afterwards (runc). */
static void quota_prop(struct dbus_msg *m, int64_t quota, uint64_t period)
{
	uint64_t v = INFINITY_U64;

	if (quota > 0) {
		v = (uint64_t)quota * 1000000 / (period ? period : 100000);
		v = (v + 9999) / 10000 * 10000;
	}
	dbus_prop(m, "CPUQuotaPerSecUSec", "t", v);
}

/* A unified value as a number: "max" (if MAX_OK) is infinity; memory
 * values may end in K, M, G or T (powers of 1024, as the kernel reads
 * them). false if it is neither. */
static bool unified_num(const char *s, bool max_ok, bool mem, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *u;
	uint64_t v;
	char *e;

	if (max_ok && str_eq(s, "max")) {
		*out = INFINITY_U64;
		return true;
	}
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno)
		return false;
	if (mem && *e && !e[1] && (u = strchr(units, toupper((unsigned char)*e)))) {
		int shift = 10 * (int)(u - units + 1);

		if (v > (UINT64_MAX >> shift))
			return false;
		v <<= shift;
		e++;
	}
	*out = v;
	return !*e;
}

/* linux.resources.unified keys that systemd has a property for (v2), as
 * runc maps them: after the converted values, so that they win as they do
 * in the files; else systemd would write its own value back the next time
 * it applies the unit's settings. The files are still written afterwards,
 * and a value that is not a number is left to them (the kernel's word). */
static void unified(struct dbus_msg *m, const struct kvv *u)
{
	static const struct { const char *key, *prop; bool max, mem; } num[] = {
		{ "memory.min", "MemoryMin", true, true },
		{ "memory.low", "MemoryLow", true, true },
		{ "memory.high", "MemoryHigh", true, true },
		{ "memory.max", "MemoryMax", true, true },
		{ "memory.swap.max", "MemorySwapMax", true, true },
		{ "pids.max", "TasksMax", true, false },
		{ "cpu.weight", "CPUWeight", false, false },
	};
	uint64_t v, period;
	size_t i, j;

	for (i = 0; i < u->n; i++) {
		const char *k = u->v[i].key, *val = u->v[i].value;
		char quota[32];

		for (j = 0; j < ARRAY_SIZE(num); j++)
			if (str_eq(k, num[j].key) &&
			    unified_num(val, num[j].max, num[j].mem, &v))
				dbus_prop(m, num[j].prop, "t", v);
		if (str_eq(k, "cpuset.cpus"))
			bits(m, "AllowedCPUs", val);
		else if (str_eq(k, "cpuset.mems"))
			bits(m, "AllowedMemoryNodes", val);
		/* "QUOTA [PERIOD]", QUOTA "max" or a number */
		else if (str_eq(k, "cpu.max") &&
			 str_field(val, 0, quota, sizeof(quota))) {
			str_field_u64(val, 1, &period);
			if (!strchr(val, ' '))
				period = 0;
			else if (!period)
				continue;
			if (!unified_num(quota, true, false, &v) || (v != INFINITY_U64 &&
			    (!v || v > INT64_MAX)))
				continue;
			if (period)
				dbus_prop(m, "CPUQuotaPeriodUSec", "t", period);
			quota_prop(m, v == INFINITY_U64 ? -1 : (int64_t)v, period);
		}
	}
}

/* runc's translation (libcontainer/cgroups/systemd v1.go, v2.go); the v1
 * names where systemd runs the legacy hierarchy (hybrid). */
static void props(struct dbus_msg *m, void *arg)
{
	const struct props *a = arg;
	const struct spec_resources *r = a->r;
	bool v2 = a->cg->layout == CGROUP_V2;
	int64_t sw, quota = r->cpu.quota.set ? r->cpu.quota.v : 0;
	uint64_t v, period = r->cpu.period.set ? r->cpu.period.v : 0;
	size_t i;

	if (a->pid) {
		char desc[300];

		snprintf(desc, sizeof(desc), "ocibox container %s", a->id);
		dbus_prop(m, "Description", "s", desc);
		if (a->slice) {
			dbus_prop(m, "Slice", "s", a->slice);
			dbus_prop(m, "Delegate", "b", true);
			dbus_prop_open(m, "PIDs", "au");
			dbus_open(m, 'a', "u");
			dbus_put(m, "u", a->pid);
			dbus_close(m);
			dbus_prop_close(m);
		}
		dbus_prop(m, "DefaultDependencies", "b", false);
		for (i = 0; i < ARRAY_SIZE(accounting); i++)
			dbus_prop(m, accounting[i], "b", true);
		dbus_prop(m, v2 ? "IOAccounting" : "BlockIOAccounting", "b", true);
	}
	if (r->n_devices)
		devices(m, r);
	for (i = 0; i < ARRAY_SIZE(tprops); i++) {
		const struct tprop *t = &tprops[i];
		const struct opt_i64 *o = (const void *)((const char *)r + t->off);
		const char *name = v2 ? t->v2 : t->v1;

		/* 0 leaves a limit alone, but means none for pids (runc) */
		if (!o->set || !name || (!o->v && t->conv != T_TASKS))
			continue;
		v = o->v;
		if (o->v <= 0)
			v = INFINITY_U64;   /* -1: no limit */
		else if (v2 && t->conv == T_WEIGHT)
			v = cg_cpu_weight(v);
		else if (v2 && t->conv == T_IO)
			v = 1 + (v - 10) * 9999 / 990;
		dbus_prop(m, name, "t", v);
	}
	if (v2 && r->memory.swap.set &&
	    cg_swap_v2(r->memory.swap.v, r->memory.limit.set ? r->memory.limit.v : 0, &sw) == 0 &&
	    sw)
		dbus_prop(m, "MemorySwapMax", "t", sw < 0 ? INFINITY_U64 : (uint64_t)sw);
	if (quota)
		quota_prop(m, quota, period);
	if (v2 && r->cpu.cpus)
		bits(m, "AllowedCPUs", r->cpu.cpus);
	if (v2 && r->cpu.mems)
		bits(m, "AllowedMemoryNodes", r->cpu.mems);
	if (v2)
		unified(m, &r->unified);
	if (a->s)
		annotations(m, a->s);
}

/* ---- talking to systemd ---- */

/* The system bus, else systemd's private socket (no bus daemon yet: peer
 * to peer, no Hello), as go-systemd does; USER: the same for the user's
 * systemd (systemd --user: its bus, else its own private socket). 0 or -1
 * (fail()s). */
static int sd_connect(struct dbus_conn *c, bool user)
{
	/* the user's bus sees the user's own uid, not that of the engine's
	 * user namespace we may run in (rootless podman: uid 0 there) */
	uint32_t uid = user ? rootless_host_uid() : (uint32_t)geteuid();
	char bus[PATH_MAX];
	struct err why;

	if ((user ? dbus_user_bus_path(bus, sizeof(bus), false) :
	     dbus_system_bus_path(bus, sizeof(bus))) == 0 &&
	    dbus_connect(c, bus, true, uid, CGSD_TIMEOUT_MS) == 0)
		return 0;
	why = err_last;
	if (user ? dbus_user_bus_path(bus, sizeof(bus), true) == 0 &&
		   dbus_connect(c, bus, false, uid, CGSD_TIMEOUT_MS) == 0 :
	    dbus_connect(c, DBUS_SYSTEMD_PRIVATE, false, uid, CGSD_TIMEOUT_MS) == 0)
		return 0;
	if (user)
		return fail_ctx("systemd --user: no user bus (%s), and its private socket",
				why.msg);
	return fail_ctx("systemd: no system bus (%s), and its private socket", why.msg);
}

int cgsd_stop(const struct cgroup *cg)
{
	struct dbus_conn c;
	struct err saved = err_last;
	int rc;

	/* What is left in the unit dies first: a pid namespace's init
	 * ignores systemd's SIGTERM, and the stop would wait for systemd's
	 * timeout (90 s; a create that fails in cgroup_create gets here
	 * while the init lives). A unit already gone has nothing to kill. */
	if (cgroup_kill(cg, SIGKILL) < 0)
		log_debug("systemd: %s: kill: %s", cg->unit, err_last.msg);
	err_last = saved;
	if (sd_connect(&c, cg->unit_user) < 0)
		return -1;
	/* a unit that failed (an OOM kill) stays loaded until reset */
	if (!(rc = dbus_systemd_stop_unit(&c, cg->unit, CGSD_TIMEOUT_MS)))
		rc = dbus_systemd_reset_failed(&c, cg->unit, CGSD_TIMEOUT_MS);
	dbus_disconnect(&c);
	return rc;
}

int cgsd_update(const struct cgroup *cg, const struct spec_resources *r)
{
	struct props a = { .cg = cg, .r = r };
	struct dbus_conn c;
	bool thaw;
	int rc;

	if (sd_connect(&c, cg->unit_user) < 0)
		return -1;
	/* v1: systemd rewrites the device list from "deny all" up, which a
	 * running container could see; runc freezes it meanwhile too */
	thaw = r->n_devices && cg->layout != CGROUP_V2 && !cgroup_is_frozen(cg) &&
	       cgroup_freeze(cg, true) == 0;
	rc = dbus_systemd_set_props(&c, cg->unit, true, props, &a, CGSD_TIMEOUT_MS);
	if (thaw)
		cgroup_freeze(cg, false);
	dbus_disconnect(&c);
	return rc;
}

/* PID is where systemd put it: its line of systemd's own hierarchy in
 * /proc/PID/cgroup is the unit's path (a nested systemd or a cgroup
 * namespace would put it elsewhere than where ocibox looks). */
static int check_moved(const struct cgroup *cg, pid_t pid)
{
	const char *key = cg->layout == CGROUP_V2 ? "0::" : ":name=systemd:";
	AUTOFREE char *buf = NULL;
	char file[32], *p;
	size_t len;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	if (read_file_at(AT_FDCWD, file, &buf, &len) < 0)
		return -1;
	if ((p = strstr(buf, key))) {
		p += strlen(key);
		*strchrnul(p, '\n') = '\0';
		if (str_eq(p, cgroup_path(cg)))
			return 0;
	}
	return fail(0, "systemd: %s: the init is not in cgroup '%s' (%s)", cg->unit,
		    cgroup_path(cg), file);
}

int cgsd_start(struct cgroup *cg, pid_t pid, const struct spec_resources *r,
	       const struct spec *s, const char *id)
{
	struct props a = { .cg = cg, .r = r, .s = s, .id = id, .pid = pid };
	char slice[256], *e;
	struct dbus_conn c;
	struct err saved;
	bool made = false;
	int tries = 0, rc, i;

	/* a scope's slice is its parent directory's name */
	if (!has_suffix(cg->unit, ".slice")) {
		snprintf(slice, sizeof(slice), "%s", cgroup_path(cg));
		*strrchr(slice, '/') = '\0';
		a.slice = (e = strrchr(slice, '/')) ? e + 1 : "-.slice";
	}
	if (sd_connect(&c, cg->unit_user) < 0)
		goto clear;
	/* "exists": a failed leftover goes with a reset (runc retries once
	 * too); a live one is someone else's, not ours to stop */
	while ((rc = dbus_systemd_start_unit(&c, cg->unit, "replace", props, &a,
					     CGSD_TIMEOUT_MS)) < 0 &&
	       str_eq(c.error, UNIT_EXISTS)) {
		if (tries++) {
			dbus_disconnect(&c);
			goto clear;
		}
		dbus_systemd_reset_failed(&c, cg->unit, CGSD_TIMEOUT_MS);
	}
	if (rc < 0 || (a.slice && check_moved(cg, pid) < 0) ||
	    !(made = cgroup_create(cg, r) == 0) || cgroup_enter(cg, pid) < 0)
		goto stop;
	dbus_disconnect(&c);
	return 0;
stop:
	saved = err_last;
	/* a pid namespace's init ignores SIGTERM: systemd would wait 90 s */
	kill(pid, SIGKILL);
	dbus_disconnect(&c);
	if (cgsd_stop(cg) < 0)
		log_warn("%s", err_last.msg);
	cg->unit[0] = '\0';
	if (made)
		cgroup_destroy(cg);
	err_last = saved;
clear:
	/* nothing of the cgroup is left to undo */
	cg->unit[0] = '\0';
	for (i = 0; i < cg->n; i++)
		cg->h[i].created = 0;
	return -1;
}

/* The cgroup the user's systemd runs in (its Manager's ControlGroup,
 * "/user.slice/user-1000.slice/user@1000.service"): its units' cgroups are
 * below it. Into OUT; 0 or -1. */
static int user_manager_cgroup(char *out, size_t size)
{
	AUTOFREE char *cgroup = NULL;
	struct dbus_conn c;
	int rc;

	if (sd_connect(&c, true) < 0)
		return -1;
	rc = dbus_systemd_manager_string(&c, "ControlGroup", &cgroup, CGSD_TIMEOUT_MS);
	dbus_disconnect(&c);
	if (rc < 0)
		return -1;
	if (cgroup[0] != '/' || snprintf(out, size, "%s", str_eq(cgroup, "/") ? "" : cgroup) >=
	    (int)size)
		return fail(0, "systemd --user: its ControlGroup '%s' is not a cgroup path",
			    cgroup);
	return 0;
}

int cgsd_init(struct cgroup *cg, struct spec *s, const char *id, bool user)
{
	char unit[sizeof(cg->unit)], path[1024], full[1536], mgr[512] = "";
	struct dbus_msg m = { 0 };
	int i, rc;

	/* sd_booted(3), as runc: no systemd, nothing to ask */
	if (access("/run/systemd/system", F_OK) < 0)
		return fail(0, "--systemd-cgroup: systemd is not running on this host "
			    "(no /run/systemd/system)");
	if (cgsd_parse(s->linux.cgroups_path, id, !user, unit, sizeof(unit), path,
		       sizeof(path)) < 0)
		return -1;
	if (user) {
		/* runc skips device rules in a user namespace: no node can be
		 * made there, and those bound from the host keep their modes
		 * (nor may systemd --user load a device program) */
		if (s->linux.resources.n_devices)
			log_debug("rootless: linux.resources.devices not applied");
		s->linux.resources.n_devices = 0;
		/* as runc: systemd --user is delegated a cgroup v2 subtree
		 * only (the layout first, before asking it anything) */
		if (cgroup_init(cg, path, NULL) < 0)
			return -1;
		if (cg->layout != CGROUP_V2)
			return fail(0, "--systemd-cgroup: a rootless container's unit "
				    "needs cgroup v2 (systemd --user manages no cgroup v1 "
				    "hierarchy); without --systemd-cgroup it runs with "
				    "cgroupfs");
		if (user_manager_cgroup(mgr, sizeof(mgr)) < 0)
			return -1;
	}
	snprintf(full, sizeof(full), "%s%s", mgr, path);
	if (cgroup_init(cg, full, NULL) < 0)
		return -1;
	memcpy(cg->unit, unit, sizeof(unit));
	cg->unit_user = user;
	cg->rootless = user;
	for (i = 0; i < cg->n; i++)
		cg->h[i].created = 0;   /* nothing is ours yet */
	/* the annotations' properties are checked before anything is touched
	 * (built into a scratch message) */
	dbus_msg_begin(&m);
	rc = annotations(&m, s);
	dbus_msg_fini(&m);
	return rc;
}
