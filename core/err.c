/* SPDX-License-Identifier: MIT */
/* err: fail() fills err_last; die() writes it once, as text or runc-style JSON. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/json.h"
#include "core/util.h"

struct err err_last;
struct log_cfg log_cfg = { .prog = "ocibox", .fd = -1, .format = LOG_TEXT };

/* Lower-case strerror as Go prints it; engines match these words
 * ("no such file or directory", "permission denied", "operation not permitted"). */
static void append_errno(char *buf, size_t size, int no)
{
	size_t n = strlen(buf);
	char *p;

	if (n + 2 >= size)   /* no room: the message stays as it is */
		return;
	snprintf(buf + n, size - n, ": %s", strerror(no));
	for (p = buf + n + 2; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
}

static void vfail(int no, const char *fmt, va_list ap)
{
	vsnprintf(err_last.msg, sizeof(err_last.msg), fmt, ap);
	if (no)
		append_errno(err_last.msg, sizeof(err_last.msg), no);
	err_last.no = no;
}

int fail(int no, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(no, fmt, ap);
	va_end(ap);
	return -1;
}

int fail_ctx(const char *fmt, ...)
{
	char tmp[sizeof(err_last.msg)];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(tmp))
		snprintf(tmp + n, sizeof(tmp) - n, ": %s", err_last.msg);
	memcpy(err_last.msg, tmp, sizeof(tmp));
	return -1;
}

/* One write(2) per line so that concurrent writers never interleave. */
void log_line(const char *level, const char *msg)
{
	char line[1024], now[40];
	int n;

	if (log_cfg.fd >= 0) {
		if (log_cfg.format == LOG_JSON) {
			struct jw w;

			rfc3339_now(now, sizeof(now));
			jw_init(&w);
			jw_obj_begin(&w);
			jw_key(&w, "level");
			jw_str(&w, level);
			jw_key(&w, "msg");
			jw_str(&w, msg);
			jw_key(&w, "time");
			jw_str(&w, now);
			jw_obj_end(&w);
			jw_raw(&w, "\n", 1);
			if (write(log_cfg.fd, w.buf, w.len) < 0) {
				/* nowhere left to report it */
			}
			jw_fini(&w);
		} else {
			rfc3339_now(now, sizeof(now));
			n = snprintf(line, sizeof(line), "%s %s: %s\n", now,
				     level, msg);
			if (n > (int)sizeof(line) - 1)
				n = sizeof(line) - 1;
			if (write(log_cfg.fd, line, n) < 0) {
				/* nowhere left to report it */
			}
		}
	}
	/* Errors always reach stderr too (runc prints the fatal error there). */
	if (log_cfg.fd >= 0 && strcmp(level, "error") != 0)
		return;
	n = snprintf(line, sizeof(line), "%s: %s%s%s%s%s\n", log_cfg.prog,
		     log_cfg.applet ? log_cfg.applet : "",
		     log_cfg.applet ? ": " : "",
		     strcmp(level, "error") ? level : "",
		     strcmp(level, "error") ? ": " : "", msg);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (write(2, line, n) < 0) {
		/* nowhere left to report it */
	}
}

void log_warn(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line("warning", msg);
	errno = saved;
}

void log_debug(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int saved = errno;

	if (!log_cfg.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line("debug", msg);
	errno = saved;
}

void die(void)
{
	log_line("error", err_last.msg[0] ? err_last.msg : "unknown error");
	exit(1);
}

void die_msg(int no, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(no, fmt, ap);
	va_end(ap);
	die();
}
