/* SPDX-License-Identifier: MIT */
/* err: one error idiom for all of ocibox: fail() records, die() reports (STYLE.md 3.3). */
#ifndef OCIBOX_ERR_H
#define OCIBOX_ERR_H

#include <stdbool.h>

#define PRINTF(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))

struct err {
	int no;         /* errno value, 0 if not a system error */
	char msg[512];  /* "open '/x': No such file or directory" */
};

extern struct err err_last;

/* Logging configuration, set once by main from the global options. */
enum log_format { LOG_TEXT, LOG_JSON };
struct log_cfg {
	const char *prog;     /* "ocibox" */
	const char *applet;   /* "create", or NULL before dispatch */
	int fd;               /* --log FILE, or -1 */
	enum log_format format;
	bool debug;
};
extern struct log_cfg log_cfg;

/* Fill err_last with the message (plus ": strerror(no)" when no != 0); return -1. */
int fail(int no, const char *fmt, ...) PRINTF(2, 3);
/* Prepend "ctx: " to err_last.msg; return -1. */
int fail_ctx(const char *fmt, ...) PRINTF(1, 2);
/* Warning line on stderr (and the log); never touches err_last. */
void log_warn(const char *fmt, ...) PRINTF(1, 2);
/* Debug line, only with --debug. */
void log_debug(const char *fmt, ...) PRINTF(1, 2);
/* Report err_last as one fatal line ("ocibox: APPLET: msg") and exit(1). */
NORETURN void die(void);
/* fail() then die(). */
NORETURN void die_msg(int no, const char *fmt, ...) PRINTF(2, 3);
/* Write one line at LEVEL to stderr (text) and the --log file; used by die/log_warn. */
void log_line(const char *level, const char *msg);

#endif
