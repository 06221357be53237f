/* SPDX-License-Identifier: MIT */
/* verify: every refusal create makes before touching the system, in one
 * list that `check` prints in full (see verify.h). Messages name the JSON
 * path: "config.json: linux.namespaces[0].path: '/x': No such file ...". */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/nsfs.h>

#include "core/err.h"
#include "core/json.h"
#include "core/mount.h"
#include "core/netdev.h"
#include "core/ns.h"
#include "core/proc.h"
#include "core/util.h"
#include "core/verify.h"

struct report {
	void (*problem)(void *ctx, const char *msg);
	void *ctx;
	int n;
};

/* One problem: "config.json: " FMT (+ ": strerror(NO)" when NO != 0). */
static void PRINTF(3, 4) report(struct report *r, int no, const char *fmt, ...)
{
	struct err saved = err_last;
	char msg[sizeof(err_last.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail(no, "config.json: %s", msg);   /* for its errno wording */
	memcpy(msg, err_last.msg, sizeof(msg));
	err_last = saved;
	r->problem(r->ctx, msg);            /* create's keeps it in err_last */
	r->n++;
}

/* ---- namespaces ---- */

/* Is the namespace at PATH the runtime's own (the host's) of type I? */
static bool is_own_ns(int i, const char *path)
{
	char self[64];
	struct stat a, b;

	snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_file[i]);
	return stat(path, &a) == 0 && stat(self, &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* The container has namespace I of its own: new, or joined by a path that
 * is not the runtime's. */
static bool private_ns(const struct spec_linux *lx, int i)
{
	return lx->ns[i].present &&
	       (!lx->ns[i].path || !is_own_ns(i, lx->ns[i].path));
}

static void check_ns(const struct spec *s, struct report *r)
{
	const struct spec_linux *lx = &s->linux;
	char path[64];
	int i, fd, type;

	for (i = 0; i < SPEC_NS_COUNT; i++) {
		if (!lx->ns[i].present)
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_file[i]);
		if (access(path, F_OK) < 0) {
			report(r, 0, "linux.namespaces[%d]: this kernel has no "
			       "%s namespaces", lx->ns[i].index, spec_ns_name[i]);
			continue;
		}
		if (!lx->ns[i].path)
			continue;
		fd = openat(AT_FDCWD, lx->ns[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			report(r, errno, "linux.namespaces[%d].path: '%s'",
			       lx->ns[i].index, lx->ns[i].path);
			continue;
		}
		type = ioctl(fd, NS_GET_NSTYPE);
		close(fd);
		if (type != spec_ns_flag[i])
			report(r, 0, "linux.namespaces[%d].path: '%s' is not a "
			       "%s namespace", lx->ns[i].index, lx->ns[i].path,
			       spec_ns_name[i]);
	}
	if (s->hostname && !lx->ns[SPEC_NS_UTS].present)
		report(r, 0, "hostname: needs a uts namespace");
	if (s->domainname && !lx->ns[SPEC_NS_UTS].present)
		report(r, 0, "domainname: needs a uts namespace");
	if (!lx->ns[SPEC_NS_USER].present) {
		/* runc refuses these too: they would silently do nothing */
		if (lx->n_uid_mappings)
			report(r, 0, "linux.uidMappings: needs a user namespace");
		if (lx->n_gid_mappings)
			report(r, 0, "linux.gidMappings: needs a user namespace");
	} else if (!lx->ns[SPEC_NS_USER].path &&
		   (!lx->n_uid_mappings || !lx->n_gid_mappings)) {
		report(r, 0, "linux.uidMappings: a new user namespace needs uid "
		       "and gid mappings");
	}
}

/* ---- sysctl ---- */

static bool is_ipc_sysctl(const char *k)
{
	static const char *const ipc[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni",
		"kernel.shm_rmid_forced",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ipc); i++)
		if (str_eq(k, ipc[i]))
			return true;
	return has_prefix(k, "fs.mqueue.");
}

const char *verify_sysctl(const struct spec_linux *lx, const char *key)
{
	char k[256], *p;

	/* "net/ipv4/ip_forward" names the same file as "net.ipv4.ip_forward" */
	snprintf(k, sizeof(k), "%s", key);
	for (p = k; *p; p++)
		if (*p == '/')
			*p = '.';
	if (is_ipc_sysctl(k))
		return private_ns(lx, SPEC_NS_IPC) ? NULL :
		       "needs an ipc namespace of the container's own";
	if (has_prefix(k, "net."))
		return private_ns(lx, SPEC_NS_NETWORK) ? NULL :
		       "needs a network namespace of the container's own "
		       "(not the host's)";
	if (str_eq(k, "kernel.hostname") || str_eq(k, "kernel.domainname"))
		return private_ns(lx, SPEC_NS_UTS) ? NULL :
		       "needs a uts namespace of the container's own";
	return "is not in a namespace the container can have (it would "
	       "change the host)";
}

static void check_sysctl(const struct spec_linux *lx, struct report *r)
{
	const char *why;
	size_t i;

	for (i = 0; i < lx->sysctl.n; i++) {
		const char *key = lx->sysctl.v[i].key;

		if (!*key || strstr(key, "..") || key[0] == '/' || key[0] == '.')
			report(r, 0, "linux.sysctl: invalid key \"%s\"", key);
		else if ((why = verify_sysctl(lx, key)))
			report(r, 0, "linux.sysctl: \"%s\" %s", key, why);
	}
}

/* ---- mounts ---- */

bool verify_proc_dest(const char *dest, const char *type, bool src_is_proc)
{
	/* the files lxcfs binds over their procfs originals (runc's list) */
	static const char *const files[] = {
		"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",
		"/proc/stat", "/proc/swaps", "/proc/uptime", "/proc/loadavg",
		"/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};
	size_t i;

	if (str_eq(dest, "/proc"))
		return type && str_eq(type, "proc");
	if (!has_prefix(dest, "/proc/"))
		return true;
	if (src_is_proc)
		return true;
	for (i = 0; i < ARRAY_SIZE(files); i++)
		if (str_eq(dest, files[i]))
			return true;
	return false;
}

/* DEST made absolute and clean (mounts resolve it inside the rootfs). */
static void clean_dest(const char *dest, char out[PATH_MAX])
{
	char *r, *w;

	snprintf(out, PATH_MAX, "/%s", dest);
	for (r = w = out; *r; ) {
		if (r[0] == '/' && (r[1] == '/' || !r[1] ||
				    (r[1] == '.' && (r[2] == '/' || !r[2])))) {
			r += r[1] == '.' ? 2 : 1;
			continue;
		}
		if (r[0] == '/' && r[1] == '.' && r[2] == '.' &&
		    (r[3] == '/' || !r[3])) {
			while (w > out && *--w != '/')
				;
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	if (w == out)
		*w++ = '/';
	*w = '\0';
}

static bool on_procfs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

static bool common_fs(const char *t)
{
	static const char *const everyday[] = {
		"proc", "tmpfs", "devpts", "mqueue", "sysfs", "cgroup",
		"cgroup2", "bind", "none",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(everyday); i++)
		if (str_eq(t, everyday[i]))
			return true;
	return false;
}

/* Id-mapped mounts: binds, with both mappings (the spec: "MUST be
 * specified along with"), from the mount or, for a bare "idmap", from the
 * container's user namespace (runc's rule). */
static void check_idmap(const struct spec *s, const struct spec_mount *m,
			size_t i, struct report *r)
{
	bool own = m->n_uid_mappings || m->n_gid_mappings;

	if (!m->idmap && !own)
		return;
	if (!m->bind)
		report(r, 0, "mounts[%zu]: an id-mapped mount must be a bind "
		       "mount", i);
	if (own && (!m->n_uid_mappings || !m->n_gid_mappings))
		report(r, 0, "mounts[%zu]: uidMappings and gidMappings go "
		       "together", i);
	if (!own && (!s->linux.n_uid_mappings || !s->linux.n_gid_mappings))
		report(r, 0, "mounts[%zu]: \"idmap\" needs uidMappings and "
		       "gidMappings, of the mount or of linux for the "
		       "container's user namespace", i);
}

static void check_mounts(const struct spec *s, struct report *r)
{
	AUTOFREE char *fs = NULL;
	char dest[PATH_MAX], src[PATH_MAX], want[80];
	struct stat st;
	size_t i, len;

	if (!s->linux.ns[SPEC_NS_MOUNT].present &&
	    (s->n_mounts || s->linux.n_devices || s->linux.masked_paths.n ||
	     s->linux.readonly_paths.n || s->root.readonly))
		log_warn("linux.namespaces: no mount namespace: mounts, devices, "
			 "masked and read-only paths are not applied (they would "
			 "land in the host's)");
	/* /proc/filesystems only for a type that is not everyday (create
	 * reads nothing more for the usual config) */
	for (i = 0; i < s->n_mounts && !fs; i++)
		if (s->mounts[i].type && !s->mounts[i].bind &&
		    !common_fs(s->mounts[i].type) &&
		    read_file_at(AT_FDCWD, "/proc/filesystems", &fs, &len) < 0)
			fs = NULL;
	for (i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];

		if (m->destination[0] != '/')
			log_warn("mounts[%zu].destination \"%s\" is not absolute "
				 "(deprecated; taken as \"/%s\")", i,
				 m->destination, m->destination);
		clean_dest(m->destination, dest);
		src[0] = '\0';
		if (m->bind) {
			if (!m->source ||
			    (m->source[0] != '/' &&
			     path_join(src, sizeof(src), s->bundle, m->source) < 0))
				report(r, 0, "mounts[%zu].source: required for a bind "
				       "mount", i);
			else if (m->source[0] == '/')
				snprintf(src, sizeof(src), "%s", m->source);
			if (src[0] && stat(src, &st) < 0)
				report(r, errno, "mounts[%zu].source: '%s'", i, src);
		}
		if (!verify_proc_dest(dest, m->type, m->bind && src[0] &&
				      on_procfs(src)))
			report(r, 0, "mounts[%zu].destination: '%s' is inside "
			       "/proc (only procfs at /proc, and procfs or the "
			       "files lxcfs provides below it)", i, dest);
		check_idmap(s, m, i, r);
		/* a filesystem module may still load on demand: warn only */
		if (fs && m->type && !m->bind && !str_eq(m->type, "none") &&
		    !str_eq(m->type, "cgroup")) {
			snprintf(want, sizeof(want), "\t%s\n", m->type);
			if (!strstr(fs, want))
				log_warn("mounts[%zu].type: filesystem \"%s\" is "
					 "not in /proc/filesystems", i, m->type);
		}
	}
}

/* ---- linux.memoryPolicy ---- */

static void check_mempolicy(const struct spec_mempolicy *m, struct report *r)
{
	enum { STATIC = 1 << 15, RELATIVE = 1 << 14 };
	unsigned long want[PROC_NODES_MAX / (8 * sizeof(long))];
	unsigned long online[PROC_NODES_MAX / (8 * sizeof(long))];
	AUTOFREE char *buf = NULL;
	bool has_nodes = m->nodes && *m->nodes;
	/* DEFAULT and LOCAL take no nodes; the rest need some (PREFERRED
	 * may go without: then it means local allocation) */
	bool no_nodes = m->mode == 0 || m->mode == 4;
	size_t i, len;

	if ((m->flags & STATIC) && (m->flags & RELATIVE))
		report(r, 0, "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
		       "MPOL_F_RELATIVE_NODES exclude each other");
	if (no_nodes && has_nodes)
		report(r, 0, "linux.memoryPolicy.nodes: %s takes no nodes",
		       m->mode_name);
	if (!no_nodes && m->mode != 1 && !has_nodes)
		report(r, 0, "linux.memoryPolicy.nodes: %s needs nodes",
		       m->mode_name);
	if (!has_nodes)
		return;
	if (parse_bitlist(m->nodes, want, PROC_NODES_MAX) < 0) {
		report(r, 0, "linux.memoryPolicy.nodes: invalid node list \"%s\"",
		       m->nodes);
		return;
	}
	/* relative nodes are numbered within the allowed set, not by id */
	if ((m->flags & RELATIVE) ||
	    read_file_at(AT_FDCWD, "/sys/devices/system/node/online", &buf,
			 &len) < 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_bitlist(buf, online, PROC_NODES_MAX) < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(want); i++)
		if (want[i] & ~online[i]) {
			report(r, 0, "linux.memoryPolicy.nodes: \"%s\" names a node "
			       "that is not online (online: %s)", m->nodes, buf);
			return;
		}
}

/* ---- process ---- */

static bool have_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* Does a mount cover PATH (so the rootfs alone cannot tell what is there)? */
static bool covered(const struct spec *s, const char *path)
{
	char dest[PATH_MAX];
	size_t i, n;

	for (i = 0; i < s->n_mounts; i++) {
		clean_dest(s->mounts[i].destination, dest);
		n = strlen(dest);
		if (str_eq(dest, "/") || (!strncmp(path, dest, n) &&
					  (path[n] == '/' || !path[n])))
			return true;
	}
	return false;
}

static void check_process(const struct spec *s, struct report *r)
{
	const struct spec_process *p = &s->process;
	char exe[PATH_MAX];
	struct rlimit cur;
	size_t i;
	int rootfd;

	for (i = 0; i < p->n_rlimits; i++) {
		const struct spec_rlimit *rl = &p->rlimits[i];

		if (rl->soft > rl->hard)
			report(r, 0, "process.rlimits[%zu]: %s soft limit %llu is "
			       "above the hard limit %llu", i, rl->type,
			       (unsigned long long)rl->soft,
			       (unsigned long long)rl->hard);
		else if (getrlimit(rl->resource, &cur) == 0 &&
			 cur.rlim_max != RLIM_INFINITY && rl->hard > cur.rlim_max &&
			 !have_cap(CAP_SYS_RESOURCE))
			report(r, 0, "process.rlimits[%zu]: %s hard limit %llu is "
			       "above the runtime's %llu and raising it needs "
			       "CAP_SYS_RESOURCE", i, rl->type,
			       (unsigned long long)rl->hard,
			       (unsigned long long)cur.rlim_max);
	}
	if (p->has_caps) {
		uint64_t all = 0;
		int c, last = proc_cap_last();

		for (i = 0; i < SPEC_CAP_SETS; i++)
			all |= p->caps[i];
		for (c = last + 1; c <= SPEC_CAP_MAX; c++)
			if (all & (1ULL << c))
				log_warn("process.capabilities: %s is not known "
					 "to this kernel (dropped)", spec_cap_name[c]);
	}
	/* runc and crun refuse a profile they cannot apply */
	if (p->apparmor_profile && !verify_apparmor_enabled())
		report(r, 0, "process.apparmorProfile: \"%s\": AppArmor is "
		       "not enabled on this host", p->apparmor_profile);
	/* args[0] looked up inside the rootfs, never outside it, unless a
	 * mount may provide it */
	if (!p->args.n)
		return;
	rootfd = openat(AT_FDCWD, s->root.abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;
	if (proc_find_exe(p, rootfd, exe) < 0) {
		bool skip = strchr(p->args.v[0], '/') ?
			    covered(s, p->args.v[0]) : covered(s, "/");
		const char *path = proc_env(p, "PATH");

		for (; !skip && path && *path; path += strcspn(path, ":") +
		     (path[strcspn(path, ":")] != 0)) {
			snprintf(exe, sizeof(exe), "%.*s",
				 (int)strcspn(path, ":"), path);
			skip = exe[0] == '/' && covered(s, exe);
		}
		/* the words podman maps to 127 and 126 stay at the end */
		if (!skip)
			report(r, 0, "process.args[0]: %s", err_last.msg);
	}
	close(rootfd);
}

/* linux.netDevices: interfaces that exist here, moved into a network
 * namespace of the container's own (the spec: one the runtime can check
 * the move into), under names that do not collide. */
static void check_netdevs(const struct spec_linux *lx, struct report *r)
{
	const struct spec_netdev *d;
	size_t i, j;

	if (lx->n_net_devices && !private_ns(lx, SPEC_NS_NETWORK))
		report(r, 0, "linux.netDevices: needs a network namespace of "
		       "the container's own (linux.namespaces has no "
		       "\"network\" entry, or its path is the runtime's)");
	for (i = 0; i < lx->n_net_devices; i++) {
		d = &lx->net_devices[i];
		if (!netdev_exists(d->host))
			report(r, ENODEV, "linux.netDevices.%s: no such network "
			       "interface here", d->host);
		for (j = 0; j < i; j++)
			if (str_eq(lx->net_devices[j].name, d->name))
				report(r, 0, "linux.netDevices.%s.name: \"%s\" "
				       "is also the name of linux.netDevices.%s",
				       d->host, d->name, lx->net_devices[j].host);
	}
}

bool verify_apparmor_enabled(void)
{
	char buf[4] = "";
	int fd = openat(AT_FDCWD, "/sys/module/apparmor/parameters/enabled",
			O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, buf, 1) != 1)
		buf[0] = 0;
	close(fd);
	return buf[0] == 'Y';
}

int verify_config(const struct spec *s,
		  void (*problem)(void *ctx, const char *msg), void *ctx)
{
	struct report r = { problem, ctx, 0 };
	struct stat st;

	if (!s->has_process)
		report(&r, 0, "process: required to create a container");
	/* state.json must hold them, and JSON holds only UTF-8 (runc too
	 * refuses such a bundle) */
	if (!json_utf8_valid(s->bundle))
		report(&r, 0, "bundle path is not valid UTF-8");
	if (!json_utf8_valid(s->root.abs))
		report(&r, 0, "root.path is not valid UTF-8");
	if (stat(s->root.abs, &st) < 0)
		report(&r, errno, "root.path: '%s'", s->root.abs);
	else if (!S_ISDIR(st.st_mode))
		report(&r, ENOTDIR, "root.path: '%s'", s->root.abs);
	if (s->linux.has_intel_rdt)
		report(&r, 0, "linux.intelRdt: not supported");
	check_netdevs(&s->linux, &r);
	if (s->linux.memory_policy.set)
		check_mempolicy(&s->linux.memory_policy, &r);
	check_ns(s, &r);
	check_sysctl(&s->linux, &r);
	check_mounts(s, &r);
	if (s->has_process)
		check_process(s, &r);
	/* SELinux labels: a no-op where SELinux is disabled, as in runc */
	if ((s->process.selinux_label || s->linux.mount_label) &&
	    access("/sys/fs/selinux/enforce", F_OK) == 0)
		log_warn("process.selinuxLabel and linux.mountLabel are not "
			 "applied by this build");
	return r.n;
}
