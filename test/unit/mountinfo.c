/* SPDX-License-Identifier: MIT */
/* mountinfo tests: proc(5) lines parsed in place, octal escapes in paths,
 * optional fields, the last line without a newline, lines that do not
 * parse (skipped), and this process's own mountinfo: exactly one line is
 * the mount at "/" as we see it. No root needed. */
#include <fcntl.h>
#include <string.h>

#include "core/err.h"
#include "core/mountinfo.h"
#include "core/util.h"
#include "test/unit/check.h"

int main(void)
{
	char buf[] =
		"1 1 0:2 / / rw - rootfs rootfs rw\n"
		"22 1 0:21 / /proc rw,nosuid shared:5 master:1 - proc proc rw\n"
		"bad line\n"
		"\n"
		"30 22 0:40 /sub\\040dir /mnt/a\\040b\\134c\\011d\\012e rw - tmpfs x rw\n"
		"31 30 0:41 / /last rw - ext4 /dev/sda1 rw";
	char *cur = buf, *self = NULL;
	struct mountinfo mi;
	size_t len;
	int n = 0;

	check_module = "mountinfo";
	CHECK(mountinfo_next(&cur, &mi));
	CHECK_NAMED(mi.id == 1 && mi.parent == 1, "rootfs: its own parent");
	CHECK(!strcmp(mi.point, "/") && !strcmp(mi.root, "/") &&
	      !strcmp(mi.fstype, "rootfs"));
	CHECK(mountinfo_next(&cur, &mi));
	CHECK_NAMED(mi.id == 22 && mi.parent == 1 && !strcmp(mi.point, "/proc") &&
		    !strcmp(mi.fstype, "proc"), "optional fields skipped up to '-'");
	CHECK(mountinfo_next(&cur, &mi));
	CHECK_NAMED(mi.id == 30 && !strcmp(mi.point, "/mnt/a b\\c\td\ne"),
		    "mount point unescaped: \\040 \\134 \\011 \\012");
	CHECK_NAMED(!strcmp(mi.root, "/sub dir"), "root unescaped");
	CHECK(mountinfo_next(&cur, &mi));
	CHECK_NAMED(mi.id == 31 && !strcmp(mi.fstype, "ext4"),
		    "last line without a newline");
	CHECK_NAMED(!mountinfo_next(&cur, &mi), "then the end");
	CHECK_NAMED(!mountinfo_next(&cur, &mi), "and the end again");

	/* our own: one mount at "/", every line parses */
	CHECK(read_file_at(AT_FDCWD, "/proc/self/mountinfo", &self, &len) == 0);
	if (self) {
		size_t lines = 0, i, roots = 0;

		for (i = 0; i < len; i++)
			lines += self[i] == '\n';
		cur = self;
		while (mountinfo_next(&cur, &mi)) {
			n++;
			if (!strcmp(mi.point, "/"))
				roots++;
		}
		CHECK_NAMED((size_t)n == lines, "every line of /proc/self/mountinfo parses (%d)", n);
		CHECK_NAMED(roots >= 1, "a mount at / (%zu)", roots);
		free(self);
	}
	return CHECK_DONE();
}
