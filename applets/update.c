/* SPDX-License-Identifier: MIT */
/* update: change a live container's cgroup resources. As runc-update(8):
 * a LinuxResources JSON document (--resources FILE, or - for stdin, which
 * docker uses) and/or the individual flags, which win over the document. */
#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/err.h"
#include "core/main.h"
#include "core/spec.h"
#include "core/state.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox update [OPTIONS] ID\n"
	"\n"
	"Update the cgroup resources of container ID.\n"
	"\n"
	"  -r, --resources FILE       LinuxResources JSON (config-linux.md), - = stdin\n"
	"      --memory BYTES         memory limit (k, m, g suffixes; -1 = unlimited)\n"
	"      --memory-swap BYTES    memory+swap limit (-1 = unlimited swap)\n"
	"      --memory-reservation BYTES\n"
	"      --cpu-shares N         (also --cpu-share, runc's spelling)\n"
	"      --cpu-quota USEC       per --cpu-period; -1 = no limit\n"
	"      --cpu-period USEC\n"
	"      --cpu-burst USEC\n"
	"      --cpu-rt-runtime USEC, --cpu-rt-period USEC\n"
	"      --cpuset-cpus LIST, --cpuset-mems LIST\n"
	"      --pids-limit N         0 or -1 = unlimited\n"
	"      --blkio-weight N       10..1000\n";

enum {
	O_MEMORY = OPT_APPLET_BASE, O_SWAP, O_RESERVATION, O_SHARES, O_QUOTA, O_PERIOD,
	O_BURST, O_RT_RUNTIME, O_RT_PERIOD, O_CPUS, O_MEMS, O_PIDS, O_BLKIO,
};

/* "512m" -> 536870912; "-1" stays -1. */
static int64_t size_arg(const char *opt, const char *s)
{
	char num[32];
	size_t n = strlen(s);
	int64_t v, mul = 1;

	if (n && tolower((unsigned char)s[n - 1]) == 'b')
		n--;
	if (n) {
		switch (tolower((unsigned char)s[n - 1])) {
		case 'k': mul = 1LL << 10; n--; break;
		case 'm': mul = 1LL << 20; n--; break;
		case 'g': mul = 1LL << 30; n--; break;
		case 't': mul = 1LL << 40; n--; break;
		}
	}
	if (n >= sizeof(num))
		n = sizeof(num) - 1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_i64(num, -1, INT64_MAX / mul, &v) < 0)
		die_msg(0, "--%s: invalid value \"%s\"", opt, s);
	return v == -1 ? -1 : v * mul;
}

static int64_t int_arg(const char *opt, const char *s, int64_t min)
{
	int64_t v;

	if (parse_i64(s, min, INT64_MAX, &v) < 0)
		die_msg(0, "--%s: invalid value \"%s\"", opt, s);
	return v;
}

int cmd_update(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "resources", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, O_MEMORY },
		{ "memory-swap", required_argument, NULL, O_SWAP },
		{ "memory-reservation", required_argument, NULL, O_RESERVATION },
		{ "cpu-shares", required_argument, NULL, O_SHARES },
		{ "cpu-share", required_argument, NULL, O_SHARES },
		{ "cpu-quota", required_argument, NULL, O_QUOTA },
		{ "cpu-period", required_argument, NULL, O_PERIOD },
		{ "cpu-burst", required_argument, NULL, O_BURST },
		{ "cpu-rt-runtime", required_argument, NULL, O_RT_RUNTIME },
		{ "cpu-rt-period", required_argument, NULL, O_RT_PERIOD },
		{ "cpuset-cpus", required_argument, NULL, O_CPUS },
		{ "cpuset-mems", required_argument, NULL, O_MEMS },
		{ "pids-limit", required_argument, NULL, O_PIDS },
		{ "blkio-weight", required_argument, NULL, O_BLKIO },
		{ 0 }
	};
	struct spec_resources r = { 0 }, flags = { 0 };
	struct spec s = { 0 };
	const char *file = NULL, *name;
	struct state st;
	struct cgroup cg;
	const char *status;
	int c, li = 0;

	while ((c = getopt_long(argc, argv, "+r:h", opts, &li)) != -1) {
		name = li >= 0 && li < (int)ARRAY_SIZE(opts) ? opts[li].name : "";
		switch (c) {
		case 'r': file = optarg; break;
		case O_MEMORY:
			flags.memory.limit = (struct opt_i64){ size_arg(name, optarg), true };
			break;
		case O_SWAP:
			flags.memory.swap = (struct opt_i64){ size_arg(name, optarg), true };
			break;
		case O_RESERVATION:
			flags.memory.reservation = (struct opt_i64){ size_arg(name, optarg), true };
			break;
		case O_SHARES:
			flags.cpu.shares = (struct opt_u64){ int_arg(name, optarg, 0), true };
			break;
		case O_QUOTA:
			flags.cpu.quota = (struct opt_i64){ int_arg(name, optarg, -1), true };
			break;
		case O_PERIOD:
			flags.cpu.period = (struct opt_u64){ int_arg(name, optarg, 0), true };
			break;
		case O_BURST:
			flags.cpu.burst = (struct opt_u64){ int_arg(name, optarg, 0), true };
			break;
		case O_RT_RUNTIME:
			flags.cpu.realtime_runtime =
				(struct opt_i64){ int_arg(name, optarg, -1), true };
			break;
		case O_RT_PERIOD:
			flags.cpu.realtime_period =
				(struct opt_u64){ int_arg(name, optarg, 0), true };
			break;
		case O_CPUS: flags.cpu.cpus = optarg; break;
		case O_MEMS: flags.cpu.mems = optarg; break;
		case O_PIDS:
			flags.pids.limit = (struct opt_i64){ int_arg(name, optarg, -1), true };
			break;
		case O_BLKIO:
			flags.block_io.weight = (struct opt_u64){ int_arg(name, optarg, 0), true };
			if (flags.block_io.weight.v && (flags.block_io.weight.v < 10 ||
							flags.block_io.weight.v > 1000))
				die_msg(0, "--blkio-weight: %s is not in 10..1000", optarg);
			break;
		default: opt_common(c, optarg, usage);
		}
		li = -1;
	}
	if (optind != argc - 1)
		usage_error(usage, "expected exactly one container id");
	if (file) {
		char *buf;
		size_t len;

		if (str_eq(file, "-") ? read_fd(0, &buf, &len) < 0 :
		    read_file_at(AT_FDCWD, file, &buf, &len) < 0)
			die();
		if (spec_parse_resources(&s, buf, len, str_eq(file, "-") ? "stdin" : file, &r) < 0)
			die();
	}
	/* the flags win over the document, as in runc */
#define TAKE(f) do { if (flags.f.set) r.f = flags.f; } while (0)
	TAKE(memory.limit);
	TAKE(memory.swap);
	TAKE(memory.reservation);
	TAKE(cpu.shares);
	TAKE(cpu.quota);
	TAKE(cpu.period);
	TAKE(cpu.burst);
	TAKE(cpu.realtime_runtime);
	TAKE(cpu.realtime_period);
	TAKE(pids.limit);
	TAKE(block_io.weight);
#undef TAKE
	if (flags.cpu.cpus)
		r.cpu.cpus = flags.cpu.cpus;
	if (flags.cpu.mems)
		r.cpu.mems = flags.cpu.mems;

	if (state_open(&st, main_root(), argv[optind]) < 0)
		die();
	status = state_status(&st);
	if (str_eq(status, "stopped"))
		die_msg(0, "cannot update a stopped container");
	if (st.cgroup && !st.cgroup[0])
		die_msg(0, "container \"%s\" has no cgroup (rootless, and no "
			"cgroup this user may write): nothing to update", argv[optind]);
	if (!st.cgroup || cgroup_init_path(&cg, st.cgroup) < 0)
		die();
	/* --systemd-cgroup: the unit's properties too */
	if (st.sd_unit)
		snprintf(cg.unit, sizeof(cg.unit), "%s", st.sd_unit);
	cg.unit_user = st.sd_user;
	if (cgroup_update(&cg, &r) < 0)
		die();
	state_fini(&st);
	spec_free(&s);
	return 0;
}
