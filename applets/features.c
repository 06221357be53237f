/* SPDX-License-Identifier: MIT */
/* features: what this build really implements, as runtime-spec features.md
 * JSON (containerd's shim runs it for -info). Grows as features land. */
#include <stdio.h>

#include "core/err.h"
#include "core/main.h"
#include "core/seccomp.h"
#include "core/spec.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox features\n"
	"\n"
	"Print the features this runtime implements (runtime-spec features.md).\n";

static void strs(struct jw *w, const char *key, const char *const *v, size_t n)
{
	size_t i;

	jw_key(w, key);
	jw_arr_begin(w);
	for (i = 0; i < n; i++)
		if (v[i])
			jw_str(w, v[i]);
	jw_arr_end(w);
}

static void enabled(struct jw *w, const char *key, bool on)
{
	jw_key(w, key);
	jw_obj_begin(w);
	jw_key(w, "enabled");
	jw_bool(w, on);
	jw_obj_end(w);
}

int cmd_features(int argc, char **argv)
{
	static const struct option opts[] = { GLOBAL_LONGOPTS, { 0 } };
	struct jw w;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		opt_common(c, optarg, usage);
	if (optind != argc)
		usage_error(usage, "unexpected argument");
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "ociVersionMin");
	jw_str(&w, "1.0.0");
	jw_key(&w, "ociVersionMax");
	jw_str(&w, SPEC_VERSION);
	strs(&w, "hooks", spec_hook_name, SPEC_HOOK_STAGES);
	jw_key(&w, "mountOptions");
	spec_mount_options(&w);
	jw_key(&w, "linux");
	jw_obj_begin(&w);
	strs(&w, "namespaces", spec_ns_name, SPEC_NS_COUNT);
	strs(&w, "capabilities", spec_cap_name, SPEC_CAP_MAX + 1);
	jw_key(&w, "cgroup");
	jw_obj_begin(&w);
	jw_key(&w, "v1");
	jw_bool(&w, true);
	jw_key(&w, "v2");
	jw_bool(&w, true);
	jw_key(&w, "systemd");
	jw_bool(&w, true);
	jw_key(&w, "systemdUser");
	jw_bool(&w, true);
	jw_key(&w, "rdma");
	jw_bool(&w, true);
	jw_obj_end(&w);
	jw_key(&w, "seccomp");
	sc_features(&w);
	/* features.md: support in the runtime, whatever the host has (a
	 * profile where AppArmor is not enabled is refused at create) */
	enabled(&w, "apparmor", true);
	enabled(&w, "selinux", false);
	enabled(&w, "intelRdt", false);
	enabled(&w, "netDevices", true);
	jw_key(&w, "mountExtensions");
	jw_obj_begin(&w);
	enabled(&w, "idmap", true);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_key(&w, "annotations");
	jw_obj_begin(&w);
	jw_key(&w, "io.github.ocibox.version");
	jw_str(&w, VERSION);
	jw_key(&w, "io.github.ocibox.seccomp.enabled");
	jw_str(&w, ENABLE_SECCOMP ? "true" : "false");
	/* rootless (core/rootless.h): no field in features.md, so these */
	jw_key(&w, "io.github.ocibox.rootless.enabled");
	jw_str(&w, "true");
	jw_key(&w, "io.github.ocibox.rootless.idmap");
	jw_str(&w, "own-id,newuidmap,newgidmap");
	jw_key(&w, "io.github.ocibox.rootless.cgroup");
	jw_str(&w, "v2-delegated");
	jw_key(&w, "io.github.ocibox.rootless.devices");
	jw_str(&w, "bind");
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_raw(&w, "\n", 1);
	fwrite(w.buf, 1, w.len, stdout);
	jw_fini(&w);
	return 0;
}
