/* SPDX-License-Identifier: MIT */
/* spec_default: the config.json `ocibox spec` writes, as `runc spec` does
 * (and its --rootless variant). */
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "core/json.h"
#include "core/spec.h"
#include "core/util.h"

/* key: value, inside an object */
static void put_str(struct jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_str(w, v);
}

static void put_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

static void put_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

static void put_strs(struct jw *w, const char *key, const char *const *v)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (; *v; v++)
		jw_str(w, *v);
	jw_arr_end(w);
}

static void put_idmap(struct jw *w, const char *key, unsigned id)
{
	jw_key(w, key);
	jw_arr_begin(w);
	jw_obj_begin(w);
	put_u64(w, "containerID", 0);
	put_u64(w, "hostID", id);
	put_u64(w, "size", 1);
	jw_obj_end(w);
	jw_arr_end(w);
}

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8];
	bool rootful_only;  /* no cgroup mount without a cgroup of our own */
};
static const struct default_mount default_mounts[] = {
	{ "/proc", "proc", "proc", { NULL }, false },
	{ "/dev", "tmpfs", "tmpfs",
	  { "nosuid", "strictatime", "mode=755", "size=65536k" }, false },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
	    "gid=5" }, false },
	{ "/dev/shm", "tmpfs", "shm",
	  { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" }, false },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" },
	  false },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro" }, false },
	{ "/sys/fs/cgroup", "cgroup", "cgroup",
	  { "nosuid", "noexec", "nodev", "relatime", "ro" }, true },
};
/* Without a network namespace of its own, sysfs cannot be mounted. */
static const struct default_mount rootless_sys = {
	"/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro" },
	false,
};

static void jw_mount(struct jw *w, const struct default_mount *m, bool rootless)
{
	const char *const *o;

	jw_obj_begin(w);
	put_str(w, "destination", m->destination);
	put_str(w, "type", m->type);
	put_str(w, "source", m->source);
	if (m->options[0]) {
		jw_key(w, "options");
		jw_arr_begin(w);
		/* an unmapped gid=5 would fail in a user namespace */
		for (o = m->options; *o; o++)
			if (!rootless || (!has_prefix(*o, "gid=") &&
					  !has_prefix(*o, "uid=")))
				jw_str(w, *o);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

void spec_write_default(struct jw *w, bool rootless)
{
	static const char *const caps[] = {
		"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL,
	};
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm", NULL,
	};
	static const char *const masked[] = {
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/sys/firmware", "/proc/scsi",
		"/sys/devices/virtual/powercap", NULL,
	};
	static const char *const readonly[] = {
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		"/proc/sysrq-trigger", NULL,
	};
	static const char *const ns[] = {
		"pid", "network", "ipc", "uts", "mount", "cgroup", NULL,
	};
	static const char *const ns_rootless[] = {
		"pid", "ipc", "uts", "mount", "cgroup", "user", NULL,
	};
	const char *const *n;
	size_t i;

	jw_obj_begin(w);
	put_str(w, "ociVersion", SPEC_VERSION);

	jw_key(w, "process");
	jw_obj_begin(w);
	put_bool(w, "terminal", true);
	jw_key(w, "user");
	jw_obj_begin(w);
	put_u64(w, "uid", 0);
	put_u64(w, "gid", 0);
	jw_obj_end(w);
	put_strs(w, "args", (const char *const[]){ "sh", NULL });
	put_strs(w, "env", env);
	put_str(w, "cwd", "/");
	jw_key(w, "capabilities");
	jw_obj_begin(w);
	put_strs(w, "bounding", caps);
	put_strs(w, "effective", caps);
	put_strs(w, "permitted", caps);
	jw_obj_end(w);
	jw_key(w, "rlimits");
	jw_arr_begin(w);
	jw_obj_begin(w);
	put_str(w, "type", "RLIMIT_NOFILE");
	put_u64(w, "hard", 1024);
	put_u64(w, "soft", 1024);
	jw_obj_end(w);
	jw_arr_end(w);
	put_bool(w, "noNewPrivileges", true);
	jw_obj_end(w);

	jw_key(w, "root");
	jw_obj_begin(w);
	put_str(w, "path", "rootfs");
	put_bool(w, "readonly", true);
	jw_obj_end(w);
	put_str(w, "hostname", "ocibox");

	jw_key(w, "mounts");
	jw_arr_begin(w);
	for (i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		if (rootless && default_mounts[i].rootful_only)
			continue;
		if (rootless && str_eq(default_mounts[i].destination, "/sys"))
			jw_mount(w, &rootless_sys, rootless);
		else
			jw_mount(w, &default_mounts[i], rootless);
	}
	jw_arr_end(w);

	jw_key(w, "linux");
	jw_obj_begin(w);
	if (rootless) {
		put_idmap(w, "uidMappings", geteuid());
		put_idmap(w, "gidMappings", getegid());
	} else {
		jw_key(w, "resources");
		jw_obj_begin(w);
		jw_key(w, "devices");
		jw_arr_begin(w);
		jw_obj_begin(w);
		put_bool(w, "allow", false);
		put_str(w, "access", "rwm");
		jw_obj_end(w);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_key(w, "namespaces");
	jw_arr_begin(w);
	for (n = rootless ? ns_rootless : ns; *n; n++) {
		jw_obj_begin(w);
		put_str(w, "type", *n);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	put_strs(w, "maskedPaths", masked);
	put_strs(w, "readonlyPaths", readonly);
	jw_obj_end(w);
	jw_obj_end(w);
}
