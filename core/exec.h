/* SPDX-License-Identifier: MIT */
/* exec: a new process in a running container: its namespaces, its cgroup,
 * its seccomp profile, through the same process setup as the init
 * (core/proc.c). See runc-exec(8). */
#ifndef OCIBOX_EXEC_H
#define OCIBOX_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct exec_opts {
	const char *root, *id;
	const char *process_file;     /* --process: a runtime-spec process */
	/* without a process file: the container's process, with these */
	char **args;                  /* required then */
	const char *cwd;
	char **env;                   /* K=V, overriding the config's K */
	size_t n_env;
	bool set_user, set_gid;
	uint32_t uid, gid;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char **caps;                  /* --cap: bounding, effective, permitted;
					 never inheritable (CVE-2022-29162) */
	size_t n_caps;
	bool no_new_privs;
	const char *apparmor;         /* --apparmor: the profile, or NULL */
	bool tty;
	const char *pid_file, *console_socket;
	const char *pidfd_socket;  /* --pidfd-socket (runc 1.2), or NULL */
	int console_fd;               /* foreground tty: see fg_console_open */
	bool ignore_paused;
	char **cgroups;               /* --cgroup [CTRL:]PATH sub-cgroups */
	size_t n_cgroups;
	int preserve_fds;
};

/* Start the process. *PID gets its pid (a child of ours). 0 or -1. */
int exec_process(const struct exec_opts *o, pid_t *pid);

#endif
