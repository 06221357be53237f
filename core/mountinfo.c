/* SPDX-License-Identifier: MIT */
/* mountinfo: proc(5)'s /proc/PID/mountinfo, one line at a time, in place. */
#include <stdlib.h>
#include <string.h>

#include "core/mountinfo.h"

/* The kernel escapes ' ', '\t', '\n' and '\\' in paths as \ooo (octal). */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* The next space-separated field of *P, NUL-terminated; NULL if none. */
static char *field(char **p)
{
	char *s = *p, *e;

	if (!s || !*s)
		return NULL;
	e = strchr(s, ' ');
	if (e) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static bool parse_line(char *line, struct mountinfo *mi)
{
	char *p = line, *id, *parent, *end, *f;

	/* id parent major:minor root point options [optional...] - fstype ... */
	if (!(id = field(&p)) || !(parent = field(&p)) || !field(&p) ||
	    !(mi->root = field(&p)) || !(mi->point = field(&p)) || !field(&p))
		return false;
	mi->id = strtoul(id, &end, 10);
	if (!*id || *end)
		return false;
	mi->parent = strtoul(parent, &end, 10);
	if (!*parent || *end)
		return false;
	while ((f = field(&p)) && strcmp(f, "-") != 0)
		;
	if (!f || !(mi->fstype = field(&p)))
		return false;
	unescape((char *)mi->root);
	unescape((char *)mi->point);
	return true;
}

bool mountinfo_next(char **cur, struct mountinfo *mi)
{
	char *line, *nl;

	while (*cur && **cur) {
		line = *cur;
		nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
			*cur = nl + 1;
		} else {
			*cur = line + strlen(line);
		}
		if (parse_line(line, mi))
			return true;
	}
	return false;
}
