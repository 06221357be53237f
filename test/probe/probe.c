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
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
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

/* pty-recv SOCK: be the engine's end of --console-socket: accept one
 * connection, take the pty master (SCM_RIGHTS) and its name, print the
 * name, then copy the master to stdout until EOF/EIO. */
static int pty_recv(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char name[256], cbuf[CMSG_SPACE(sizeof(int))], buf[4096];
	struct iovec iov = { name, sizeof(name) - 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int ls, s, master;
	ssize_t n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 1) < 0)
		return perror("pty-recv: listen"), 1;
	if ((s = accept(ls, NULL, NULL)) < 0)
		return perror("pty-recv: accept"), 1;
	if ((n = recvmsg(s, &mh, 0)) < 0)
		return perror("pty-recv: recvmsg"), 1;
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return fprintf(stderr, "pty-recv: no fd\n"), 1;
	memcpy(&master, CMSG_DATA(c), sizeof(int));
	printf("%s\n", name);
	fflush(stdout);
	close(s);
	close(ls);
	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	return 0;
}

/* fd-recv SOCK: be the engine's end of --pidfd-socket: accept one
 * connection, take the fd (SCM_RIGHTS) and its name, print the name and
 * the pid the fd refers to (its fdinfo "Pid:"), then exit. */
static int fd_recv(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char name[256], cbuf[CMSG_SPACE(sizeof(int))], fi[64], line[128];
	struct iovec iov = { name, sizeof(name) - 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int ls, s, fd;
	ssize_t n;
	FILE *f;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 1) < 0)
		return perror("fd-recv: listen"), 1;
	if ((s = accept(ls, NULL, NULL)) < 0)
		return perror("fd-recv: accept"), 1;
	if ((n = recvmsg(s, &mh, 0)) < 0)
		return perror("fd-recv: recvmsg"), 1;
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return fprintf(stderr, "fd-recv: no fd\n"), 1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	printf("%s\n", name);
	snprintf(fi, sizeof(fi), "/proc/self/fdinfo/%d", fd);
	if ((f = fopen(fi, "r")))
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Pid:", 4))
				printf("%s", line + 4 + strspn(line + 4, " \t"));
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "fd-recv") && argc > 2)
		return fd_recv(argv[2]);
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
	if (!strcmp(cmd, "exe-reopen")) {     /* CVE-2019-5736, the real way */
		/* hold PID's exe (the runtime) by an O_PATH fd, wait until PID
		 * exec'd something else (start), then reopen the held fd for
		 * writing; retry while the binary is busy (a runtime process
		 * still runs it). Prints "writable" or the errno text. */
		char path[64];
		struct stat held, now;
		int fd, wfd = -1, i;

		snprintf(path, sizeof(path), "/proc/%s/exe", argv[2]);
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &held) < 0)
			return printf("%s\n", strerror(errno)), 1;
		printf("held\n");
		fflush(stdout);
		for (i = 0; i < 200; i++) {
			if (stat(path, &now) < 0 || now.st_ino != held.st_ino ||
			    now.st_dev != held.st_dev)
				break;
			usleep(50000);
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		for (i = 0; i < 100; i++) {
			wfd = open(path, O_WRONLY | O_CLOEXEC);
			if (wfd >= 0 || errno != ETXTBSY)
				break;
			usleep(50000);
		}
		printf("%s\n", wfd < 0 ? strerror(errno) : "writable");
		return wfd >= 0;
	}
	if (!strcmp(cmd, "owner")) {          /* owner PATH: uid:gid */
		struct stat st;

		if (lstat(argv[2], &st) < 0)
			return printf("%s\n", strerror(errno)), 1;
		printf("%u:%u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
		return 0;
	}
	if (!strcmp(cmd, "ro")) {             /* ro PATH: ro or rw (statvfs) */
		struct statvfs sv;

		if (statvfs(argv[2], &sv) < 0)
			return printf("%s\n", strerror(errno)), 1;
		printf("%s\n", sv.f_flag & ST_RDONLY ? "ro" : "rw");
		return 0;
	}
	if (!strcmp(cmd, "create")) {         /* create PATH: ok or errno text */
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);

		printf("%s\n", fd < 0 ? strerror(errno) : "ok");
		return fd < 0;
	}
	if (!strcmp(cmd, "sched")) {          /* policy number and nice */
		errno = 0;
		/* musl's sched_getscheduler is a stub: ask the kernel */
		printf("%ld %d\n", syscall(SYS_sched_getscheduler, 0),
		       getpriority(PRIO_PROCESS, 0));
		return 0;
	}
	if (!strcmp(cmd, "ioprio")) {         /* class prio */
		long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);

		if (v < 0)
			return perror("ioprio_get"), 1;
		printf("%ld %ld\n", v >> 13, v & 0x1fff);
		return 0;
	}
	if (!strcmp(cmd, "machine")) {        /* uname -m */
		struct utsname u;

		uname(&u);
		printf("%s\n", u.machine);
		return 0;
	}
	if (!strcmp(cmd, "keyring")) {        /* the session keyring's description */
		char d[256];
		long id = syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */,
				  -3 /* KEY_SPEC_SESSION_KEYRING */, 0);
		long n;

		if (id < 0)
			return printf("%s\n", strerror(errno)), 1;
		n = syscall(SYS_keyctl, 6 /* DESCRIBE */, id, d, sizeof(d));
		if (n < 0)
			return printf("%s\n", strerror(errno)), 1;
		/* "keyring;uid;gid;perm;NAME": print NAME */
		printf("%s\n", strrchr(d, ';') ? strrchr(d, ';') + 1 : d);
		return 0;
	}
	if (!strcmp(cmd, "pty-recv"))
		return pty_recv(argc > 2 ? argv[2] : "console.sock");
	fprintf(stderr, "usage: probe cap|status|fds|rlimit|open|umask|cwd|nnp|"
		"ids|domain|stat|exe-write|exe-reopen|owner|ro|create|sched|ioprio|"
		"machine|keyring|pty-recv ...\n");
	return 2;
}
