/* SPDX-License-Identifier: MIT */
/* check: validate a bundle without creating anything: the config against
 * the spec, then every refusal create would make (verify_config, the cgroup
 * and seccomp checks), all of them listed. ocibox's own. */
#include <stdio.h>

#include "core/cgroup.h"
#include "core/cgroup_systemd.h"
#include "core/err.h"
#include "core/main.h"
#include "core/rootless.h"
#include "core/seccomp.h"
#include "core/spec.h"
#include "core/util.h"
#include "core/verify.h"

static const char usage[] =
	"usage: ocibox check [--bundle DIR]\n"
	"\n"
	"Validate the bundle (default: .) without creating anything. Prints ok,\n"
	"or every problem found, one per line, and exits 1.\n";

static int problems;

static void problem(void *ctx, const char *msg)
{
	(void)ctx;
	printf("%s\n", msg);
	problems++;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "bundle", required_argument, NULL, 'b' },
		{ 0 }
	};
	const char *bundle = ".";
	struct spec_problems pr = { 0 };
	struct spec s;
	struct cgroup cg;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else
			opt_common(c, optarg, usage);
	}
	if (optind != argc)
		usage_error(usage, "unexpected argument");
	if (spec_load(&s, bundle, &pr) < 0) {
		for (i = 0; i < pr.n; i++)
			problem(NULL, pr.msg[i]);
		if (!pr.n)
			problem(NULL, err_last.msg);
		spec_problems_fini(&pr);
		return 1;
	}
	spec_problems_fini(&pr);
	/* the same list create stops at the first of */
	verify_config(&s, problem, NULL);
	if (g.is_rootless)
		rootless_check(&s, problem, NULL);
	if ((g.systemd_cgroup ? cgsd_init(&cg, &s, "check", g.is_rootless) :
	     g.is_rootless ? rootless_cgroup_init(&cg, &s, "check") :
	     cgroup_init(&cg, s.linux.cgroups_path, "check")) < 0)
		problem(NULL, err_last.msg);
	else if (s.linux.has_resources)
		cgroup_check(&cg, &s.linux.resources, problem, NULL);
	if (s.linux.seccomp.set)
		sc_check(&s.linux.seccomp, problem, NULL);
	spec_free(&s);
	if (problems)
		return 1;
	printf("ok\n");
	return 0;
}
