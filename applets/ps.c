/* SPDX-License-Identifier: MIT */
/* ps: the processes of a container, from its cgroup and /proc; no host ps(1)
 * needed. --format json prints runc's array of pids; table prints ps -ef
 * columns. As runc-ps(8), without passing options on to ps(1). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/err.h"
#include "core/json.h"
#include "core/main.h"
#include "core/rootless.h"
#include "core/state.h"
#include "core/util.h"

static const char usage[] =
	"usage: ocibox ps [--format table|json] ID\n"
	"\n"
	"List the processes of container ID (every process of its cgroup).\n"
	"\n"
	"  -f, --format FMT   table (default: UID PID PPID C STIME TTY TIME CMD)\n"
	"                     or json (an array of host pids, as runc)\n";

static long boot_time(void)
{
	AUTOFREE char *buf = NULL;
	const char *p;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/stat", &buf, &len) < 0 ||
	    !(p = strstr(buf, "\nbtime ")))
		return 0;
	return atol(p + 7);
}

static void tty_name(char *out, size_t size, unsigned long nr)
{
	unsigned maj = (nr >> 8) & 0xfff, min = (nr & 0xff) | ((nr >> 12) & 0xfff00);

	if (!nr)
		snprintf(out, size, "?");
	else if (maj >= 136 && maj <= 143)
		snprintf(out, size, "pts/%u", (maj - 136) * 256 + min);
	else if (maj == 4 && min < 64)
		snprintf(out, size, "tty%u", min);
	else
		snprintf(out, size, "%u,%u", maj, min);
}

/* One ps -ef line; a process that exited meanwhile prints nothing. */
/* USER: the name of UID in the host's /etc/passwd, else the number (read
 * here: musl's getpwuid brings its nscd client, 3 KB). */
static void user_name(long uid, char *out, size_t n)
{
	char *buf, *l, *e, *c1, *c2, *end;
	size_t len;

	snprintf(out, n, "%ld", uid);
	if (read_file_at(AT_FDCWD, "/etc/passwd", &buf, &len) < 0)
		return;
	for (l = buf; *l; l = e + 1) {
		if (!(e = strchr(l, '\n')))
			e = l + strlen(l) - 1;
		if ((c1 = strchr(l, ':')) && c1 < e &&
		    (c2 = strchr(c1 + 1, ':')) && c2 < e &&
		    strtol(c2 + 1, &end, 10) == uid && end > c2 + 1 && *end == ':') {
			snprintf(out, n, "%.*s", (int)(c1 - l), l);
			break;
		}
	}
	free(buf);
}

static void row(pid_t pid, long btime)
{
	AUTOFREE char *stat = NULL, *status = NULL, *cmd = NULL;
	char path[64], user[32], tty[16], stime[16], *p;
	uint64_t f[20];
	long hz = sysconf(_SC_CLK_TCK), uid = -1, t;
	struct tm tm;
	time_t now = time(NULL), at;
	size_t len, i;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file_at(AT_FDCWD, path, &stat, &len) < 0 || !(p = strrchr(stat, ')')))
		return;
	/* after "(comm)": state ppid pgrp session tty_nr ... utime stime ... starttime */
	for (i = 1; i < ARRAY_SIZE(f); i++)
		if (!str_field_u64(p + 2, i, &f[i]))
			return;
	ppid = (int)f[1];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file_at(AT_FDCWD, path, &status, &len) == 0 && (p = strstr(status, "\nUid:")))
		uid = strtol(p + 5, NULL, 10);
	user_name(uid, user, sizeof(user));
	tty_name(tty, sizeof(tty), (unsigned long)f[4]);
	at = btime + (time_t)(f[19] / hz);
	localtime_r(&at, &tm);
	/* ps(1)'s STIME: "%H:%M" today, else "%b%d" (no strftime: 3.5 KB) */
	if (now - at < 86400)
		snprintf(stime, sizeof(stime), "%02d:%02d", tm.tm_hour, tm.tm_min);
	else
		snprintf(stime, sizeof(stime), "%.3s%02d",
			 &"JanFebMarAprMayJunJulAugSepOctNovDec"[3 * (tm.tm_mon % 12)],
			 tm.tm_mday);
	t = (long)((f[11] + f[12]) / hz);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (read_file_at(AT_FDCWD, path, &cmd, &len) < 0 || !len) {
		/* a kernel thread or a zombie: [comm] as ps(1) */
		free(cmd);
		p = strchr(stat, '(');
		cmd = xasprintf("[%.*s]", (int)(strrchr(stat, ')') - p - 1), p + 1);
	} else {
		for (i = 0; i + 1 < len; i++)
			if (!cmd[i])
				cmd[i] = ' ';
	}
	printf("%-8s %7d %7d  0 %5s %-8s %02ld:%02ld:%02ld %s\n", user, (int)pid, ppid, stime,
	       tty, t / 3600, t / 60 % 60, t % 60, cmd);
}

/* Shell sort: the few lines qsort would cost 2 KB of libc for */
static void sort_pids(pid_t *v, size_t n)
{
	size_t gap, i, j;
	pid_t x;

	for (gap = n / 2; gap; gap /= 2)
		for (i = gap; i < n; i++) {
			for (x = v[i], j = i; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		GLOBAL_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ 0 }
	};
	AUTOFREE pid_t *pids = NULL;
	const char *format = "table";
	struct state st;
	struct cgroup cg;
	size_t n, i;
	long btime;
	int c;

	while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else
			opt_common(c, optarg, usage);
	}
	if (!str_eq(format, "table") && !str_eq(format, "json"))
		usage_error(usage, "--format: expected table or json");
	if (optind == argc)
		usage_error(usage, "expected a container id");
	if (optind != argc - 1)
		die_msg(0, "ps options are not supported (there is no ps(1) behind this); "
			"use --format json");
	if (state_read(&st, main_root(), argv[optind]) < 0)
		die();
	if (st.cgroup && !st.cgroup[0]) {
		/* rootless without a cgroup */
		if (rootless_pids(&st, &pids, &n) < 0)
			die();
	} else if (!st.cgroup || cgroup_init_path(&cg, st.cgroup) < 0 ||
		   cgroup_pids(&cg, &pids, &n) < 0) {
		die();
	}
	state_fini(&st);
	sort_pids(pids, n);
	if (str_eq(format, "json")) {
		struct jw w;

		jw_init(&w);
		jw_arr_begin(&w);
		for (i = 0; i < n; i++)
			jw_i64(&w, pids[i]);
		jw_arr_end(&w);
		printf("%.*s\n", (int)w.len, w.buf);
		jw_fini(&w);
		return 0;
	}
	btime = boot_time();
	printf("%-8s %7s %7s  C %5s %-8s %8s %s\n", "UID", "PID", "PPID", "STIME", "TTY", "TIME",
	       "CMD");
	for (i = 0; i < n; i++)
		row(pids[i], btime);
	return 0;
}
