/* SPDX-License-Identifier: MIT */
/* util: allocation that dies on OOM, fd and file helpers, cleanup attributes. */
#ifndef OCIBOX_UTIL_H
#define OCIBOX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void free_p(void *p);
void close_p(int *fd);
#define AUTOFREE  __attribute__((cleanup(free_p)))
#define AUTOCLOSE __attribute__((cleanup(close_p)))  /* close once; never retry on EINTR */
static inline int take_fd(int *fd) { int r = *fd; *fd = -1; return r; }
#define TAKE_PTR(p) ({ __typeof__(p) p_ = (p); (p) = NULL; p_; })

/* Print "out of memory" and _exit(1) on failure, as busybox and crun do. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline bool str_eq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Write all of BUF, retrying short writes and EINTR. 0 or -1 (fail()s). */
int write_all(int fd, const void *buf, size_t len);
/* Read all of FD into a new NUL-terminated buffer (*out, *len). 0 or -1. */
int read_fd(int fd, char **out, size_t *len);
/* read_fd of PATH (relative to DIRFD, AT_FDCWD for cwd). 0 or -1, fail() names PATH. */
int read_file_at(int dirfd, const char *path, char **out, size_t *len);
/* Open PATH write-only (no create) and write STR: for /proc, /sys and cgroup files. */
int write_file_at(int dirfd, const char *path, const char *str);
/* Atomically replace DIRFD/NAME with BUF: temp file beside it, rename (no
 * fsync: runtime state does not outlive a reboot). 0 or -1. */
int write_file_atomic(int dirfd, const char *name, const void *buf, size_t len,
		      mode_t mode);
/* Write DIRFD/NAME through an O_TMPFILE linked in when complete, so that a
 * kill leaves no temporary file (for caches; an existing NAME is
 * replaced, not atomically). 0 or -1. */
int write_file_new(int dirfd, const char *name, const void *buf, size_t len,
		   mode_t mode);
/* A connected AF_UNIX stream socket to PATH; WHAT names it in errors
 * ("connect to WHAT 'PATH': ..."). fd or -1. */
int unix_connect(const char *path, const char *what);
/* OUT = A "/" B; fails on truncation. 0 or -1. */
int path_join(char *out, size_t size, const char *a, const char *b);
/* mkdir -p. 0 or -1. */
int mkdir_p(const char *path, mode_t mode);
/* Parse a decimal integer in [min, max]; whole string must be consumed. 0 or -1 (no fail). */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* A list "0-3,7" (cpus, NUMA nodes) into the bitmap BITS of NBITS bits.
 * 0 or -1 (bad syntax or a number >= NBITS; no fail). */
int parse_bitlist(const char *s, unsigned long *bits, size_t nbits);
/* Blank-separated fields, as sscanf's "%*s %Ns" and "%llu" read them (vfscanf
 * is 4 KB of libc): blanks are space, \t, \n, \v, \f, \r, so a field never
 * spans lines but the search goes on past a newline as scanf's would.
 * str_field copies field NTH (from 0) of S into BUF, cut to SIZE - 1 bytes
 * as "%Ns" cuts; str_field_u64 reads the decimal number that field starts
 * with (strtoull: a sign is taken, an overflow gives UINT64_MAX). Both
 * return false when S has no such field or it holds no number (no fail). */
bool str_field(const char *s, unsigned nth, char *buf, size_t size);
bool str_field_u64(const char *s, unsigned nth, uint64_t *v);
/* Signal by name ("KILL", "SIGKILL", "kill") or number; -1 if unknown (no fail). */
int signal_parse(const char *s);
/* Move FD above 2 if it is a stdio number (for callers whose stdio is closed). */
int fd_not_stdio(int fd);
/* The number of socket-activation fds the caller passed (LISTEN_FDS), which
 * are preserved like --preserve-fds, as runc does. */
int listen_fds(void);
/* Write PID (decimal) to PATH atomically, as engines read it. 0 or -1. */
int write_pid_file(const char *path, pid_t pid);
/* SIGKILL our child PID (> 0; anything else is ignored) and reap it;
 * err_last is kept (an undo step). */
void kill_reap(pid_t pid);
/* The current time as RFC 3339 with nanoseconds, UTC ("...T12:00:00.1Z"). */
void rfc3339_now(char *buf, size_t size);
/* Close every fd >= FIRST except the (at most 8) in KEEP. 0 or -1. */
int fds_close_from(int first, const int *keep, size_t n);
/* Mark every fd >= FIRST close-on-exec. 0 or -1. */
int fds_cloexec_from(int first);
/* Timing mark for test/bench/phases.sh: only when OCIBOX_PHASES is set in
 * the environment, "ocibox-phase NAME PID NS" (CLOCK_MONOTONIC) on stderr. */
void phase_mark(const char *name);
/* Make the BYTES of stack below the caller present and writable in one
 * madvise(MADV_POPULATE_WRITE) instead of a page fault per page as the
 * stack deepens (the runtime, once it no longer re-executes itself; not a
 * clone child: measured no faster, and it would charge the container's
 * memory). Best effort: Linux < 5.14 faults as before. */
void prefault_stack(size_t bytes);
#define STACK_PREFAULT (96 * 1024)

#endif
