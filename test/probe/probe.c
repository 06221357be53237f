/* SPDX-License-Identifier: MIT */
/* probe: a static program test rootfs carry as /probe; it prints what the
 * container sees, one fact per call, for the shell tests to compare. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

static int status_field(const char *key)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = strlen(key);

	if (!f)
		return perror("/proc/self/status"), 1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;

			v += strspn(v, " \t");
			fputs(v, stdout);
		}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "cap")) {            /* cap Eff|Prm|Inh|Bnd|Amb */
		char key[16];

		snprintf(key, sizeof(key), "Cap%s", argc > 2 ? argv[2] : "Eff");
		return status_field(key);
	}
	if (!strcmp(cmd, "status"))           /* status KEY: a /proc/self/status line */
		return status_field(argc > 2 ? argv[2] : "Name");
	if (!strcmp(cmd, "fds")) {            /* open fds, space separated */
		DIR *d = opendir("/proc/self/fd");
		struct dirent *e;
		int self = d ? dirfd(d) : -1, first = 1;

		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.' && atoi(e->d_name) != self) {
				printf("%s%s", first ? "" : " ", e->d_name);
				first = 0;
			}
		printf("\n");
		return 0;
	}
	if (!strcmp(cmd, "rlimit")) {         /* rlimit N: soft hard of resource N */
		struct rlimit rl;

		if (getrlimit(argc > 2 ? atoi(argv[2]) : RLIMIT_NOFILE, &rl) < 0)
			return perror("getrlimit"), 1;
		printf("%llu %llu\n", (unsigned long long)rl.rlim_cur,
		       (unsigned long long)rl.rlim_max);
		return 0;
	}
	if (!strcmp(cmd, "open")) {           /* open PATH [w]: ok or the errno text */
		int fd = open(argv[2], argc > 3 ? O_WRONLY : O_RDONLY);

		printf("%s\n", fd < 0 ? strerror(errno) : "ok");
		return fd < 0;
	}
	if (!strcmp(cmd, "umask")) {
		mode_t m = umask(0);

		printf("%04o\n", (unsigned)m);
		return 0;
	}
	if (!strcmp(cmd, "cwd")) {
		char buf[PATH_MAX];

		printf("%s\n", getcwd(buf, sizeof(buf)) ? buf : strerror(errno));
		return 0;
	}
	if (!strcmp(cmd, "nnp")) {
		printf("%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
		return 0;
	}
	if (!strcmp(cmd, "ids")) {
		gid_t g[64];
		int i, n = getgroups(64, g);

		printf("%d %d", (int)getuid(), (int)getgid());
		for (i = 0; i < n; i++)
			printf(" %d", (int)g[i]);
		printf("\n");
		return 0;
	}
	if (!strcmp(cmd, "domain")) {
		struct utsname u;

		uname(&u);
		printf("%s %s\n", u.nodename, u.domainname);
		return 0;
	}
	if (!strcmp(cmd, "stat")) {           /* stat PATH: type and rdev */
		struct stat st;

		if (lstat(argv[2], &st) < 0)
			return printf("%s\n", strerror(errno)), 1;
		printf("%s %u:%u %04o\n", S_ISCHR(st.st_mode) ? "char" :
		       S_ISBLK(st.st_mode) ? "block" : S_ISDIR(st.st_mode) ? "dir" :
		       S_ISLNK(st.st_mode) ? "link" : S_ISFIFO(st.st_mode) ? "fifo" :
		       "file", major(st.st_rdev), minor(st.st_rdev),
		       (unsigned)(st.st_mode & 07777));
		return 0;
	}
	if (!strcmp(cmd, "exe-write")) {      /* CVE-2019-5736: write PID's exe */
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%s/exe", argc > 2 ? argv[2] : "self");
		fd = open(path, O_WRONLY);
		printf("%s\n", fd < 0 ? strerror(errno) : "writable");
		return fd >= 0;
	}
	fprintf(stderr, "usage: probe cap|status|fds|rlimit|open|umask|cwd|nnp|"
		"ids|domain|stat|exe-write ...\n");
	return 2;
}
