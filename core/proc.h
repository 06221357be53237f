/* SPDX-License-Identifier: MIT */
/* proc: the container process's own attributes, applied in the child just
 * before execve; shared by create/run and exec (one implementation).
 * See runtime-spec config.md#process. */
#ifndef OCIBOX_PROC_H
#define OCIBOX_PROC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/spec.h"

/* CVE-2019-5736: a container must never be able to write the runtime's
 * binary through /proc/PID/exe. Nothing to do when the binary sits on a
 * read-only mount or the caller cannot write it (rootless, a binary of
 * root's). Else re-execute ARGV once from a detached read-only bind mount
 * of itself (open_tree + mount_setattr; no copy), or where that is not
 * permitted (rootless, its own binary) from a sealed memfd copy. Returns 0
 * when protected (possibly after the re-exec), -1 on failure. */
int proc_protect_exe(char **argv);
/* First thing in a child the runtime made (init or exec): die with the
 * runtime, not dumpable, close FDS (N of them, -1 skipped) and the log. */
void proc_child_start(const int *fds, size_t n, bool dumpable);
/* --pidfd-socket: send a pidfd of PID over the unix socket SOCKET, as runc
 * 1.2 does. 0 or -1 (fail()s naming the option). */
int proc_send_pidfd(const char *socket, pid_t pid);
/* Highest capability this kernel knows (/proc/sys/kernel/cap_last_cap);
 * read it in the runtime, before pivot_root. 0 or -1. */
int proc_cap_last_init(void);
/* That value (read now if it was not yet; 40 if unreadable). */
int proc_cap_last(void);
/* rlimits, scheduler, ioPriority, personality, the initial CPU affinity.
 * 0 or -1 (messages name the field). */
int proc_attrs(const struct spec_process *p, const struct spec_linux *lx);
/* Write linux.sysctl through the container's /proc (after pivot_root),
 * each file reached without following a link or crossing a mount. The keys
 * were checked by verify_config. 0 or -1. */
int proc_sysctl(const struct spec *s);
/* linux.memoryPolicy (spec 1.3) for the calling process: set_mempolicy(2)
 * with the mode, flags and nodes (at most PROC_NODES_MAX). 0 or -1. */
#define PROC_NODES_MAX 1024
int proc_mempolicy(const struct spec_mempolicy *m);
/* Join a new session keyring (unless NO_KEYRING). 0 or -1. */
int proc_keyring(bool no_keyring, const char *id);
/* The value of KEY in P's env (the last one wins), or NULL. */
const char *proc_env(const struct spec_process *p, const char *key);
/* Locate args[0] on the container's PATH, as runc's LookPath: a regular
 * file with an execute bit. ROOTFD < 0: in the current root (the init, after
 * pivot_root); else resolved inside ROOTFD (check, before anything exists).
 * OUT gets the path to execve. Fails with `exec "X": no such file or
 * directory` or `exec: "X": executable file not found in $PATH` (the words
 * podman maps to 127 and 126). */
int proc_find_exe(const struct spec_process *p, int rootfd, char out[PATH_MAX]);
/* Identity and privileges, in the order the kernel needs: the AppArmor
 * profile the execve enters (the runtime checked that AppArmor is enabled),
 * bounding set, groups, gid, uid (keeping caps), capability sets, ambient,
 * no_new_privs, and seccomp at the last point the runtime may still need
 * privileges.
 * *NOTIFY_FD gets a seccomp listener fd or -1. cwd is entered and checked.
 * 0 or -1. */
struct sc_filter;
int proc_identity(const struct spec_process *p, const struct sc_filter *sc,
		  int *notify_fd);
/* Note which signals are ignored now (/proc/self/status), so that
 * proc_exec resets only those (and SIGPIPE) in a process forked after it,
 * instead of every signal. Nothing noted: proc_exec resets them all. */
void proc_note_ignored(void);
/* One CPU for the runtime and the init while they hand control to each
 * other (clone, GO, the setup): on a virtual machine whose idle vCPU takes
 * up to a millisecond to wake, each handoff across CPUs costs that (0.5 ms
 * of a `run` measured here). proc_pin_cpu pins the caller to the CPU it
 * runs on (a child inherits it); proc_unpin_cpu(PID) gives PID (0: the
 * caller) back the affinity the pinning process had before, unless the
 * kernel has since set another (a cpuset it was moved into). The init
 * unpins itself in proc_identity, the runtime once create is done. */
void proc_pin_cpu(void);
void proc_unpin_cpu(pid_t pid);
/* umask, final CPU affinity, close-on-exec of all fds from FIRST_KEEP,
 * then execve EXE. Returns only on failure (-1, fail()ed). */
int proc_exec(const struct spec_process *p, const char *exe, int first_close);

#endif
