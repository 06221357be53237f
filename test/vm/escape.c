/* SPDX-License-Identifier: MIT */
/* escape: the usual ways out of a container's root, tried from inside it
 * (test/vm/initramfs.sh). Each prints "host" when FILE (a canary that only
 * the host's initramfs holds) is visible after the trick, "container" when
 * it is not, "refused: ..." when a step the trick needs fails.
 *   escape chroot FILE   mkdir; chroot into it; chdir("..") x64; chroot(".")
 *   escape fchdir FILE   an fd of "/"; chroot elsewhere; fchdir; ".." x64
 *   escape proc1 FILE    FILE below /proc/1/root, and ".." x64 from there
 *   escape dotdot FILE   ".." x64 from "/"
 *   escape setns FILE    umount2("/", MNT_DETACH), then setns() into our own
 *                        mount namespace: its root mount (CAP_SYS_ADMIN) */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int verdict(const char *file)
{
	struct stat st;

	puts(stat(file, &st) == 0 ? "host" : "container");
	return 0;
}

static int refused(const char *what)
{
	printf("refused: %s: %s\n", what, strerror(errno));
	return 1;
}

/* ".." 64 times from where we are, chroot there, and look */
static int climb(const char *file)
{
	int n = 64;

	while (n--)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0)
		return refused("chroot .");
	return verdict(file);
}

int main(int argc, char **argv)
{
	const char *how = argc > 2 ? argv[1] : "", *file = argc > 2 ? argv[2] : "";
	char path[4096], dir[] = "/tmp/escape.XXXXXX";
	int fd, mnt;

	if (!strcmp(how, "chroot")) {
		if (!mkdtemp(dir))
			return refused("mkdtemp");
		if (chroot(dir) < 0)
			return refused("chroot");
		return climb(file);
	}
	if (!strcmp(how, "fchdir")) {
		if ((fd = open("/", O_RDONLY | O_DIRECTORY)) < 0)
			return refused("open /");
		if (!mkdtemp(dir))
			return refused("mkdtemp");
		if (chroot(dir) < 0)
			return refused("chroot");
		if (fchdir(fd) < 0)
			return refused("fchdir");
		return climb(file);
	}
	if (!strcmp(how, "proc1")) {
		snprintf(path, sizeof(path), "/proc/1/root%s", file);
		if (access(path, F_OK) == 0) {
			puts("host");
			return 0;
		}
		if (chdir("/proc/1/root") < 0)
			return refused("chdir /proc/1/root");
		return climb(file);
	}
	if (!strcmp(how, "dotdot")) {
		if (chdir("/") < 0)
			return refused("chdir /");
		return climb(file);
	}
	if (!strcmp(how, "setns")) {
		if ((mnt = open("/proc/self/ns/mnt", O_RDONLY)) < 0)
			return refused("open /proc/self/ns/mnt");
		if (umount2("/", MNT_DETACH) < 0)
			return refused("umount /");
		if (setns(mnt, CLONE_NEWNS) < 0)
			return refused("setns");
		return verdict(file);
	}
	fprintf(stderr, "usage: escape chroot|fchdir|proc1|dotdot|setns FILE\n");
	return 2;
}
