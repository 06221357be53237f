/* SPDX-License-Identifier: MIT */
/* mountinfo: read /proc/PID/mountinfo lines (proc(5)), in place: the
 * fields the rootfs setup needs, the mount point unescaped. */
#ifndef OCIBOX_MOUNTINFO_H
#define OCIBOX_MOUNTINFO_H

#include <stdbool.h>

struct mountinfo {
	unsigned long id, parent;
	const char *root;        /* the mount's root within its filesystem */
	const char *point;       /* mount point, relative to the reader's root */
	const char *fstype;
};

/* Parse the line at *CUR (in a buffer the caller owns and lets us write:
 * fields are NUL-terminated and unescaped in place) into MI and advance
 * *CUR past it. true for a line, false at the end; a line that does not
 * parse is skipped (cannot fail). */
bool mountinfo_next(char **cur, struct mountinfo *mi);

#endif
