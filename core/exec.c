/* SPDX-License-Identifier: MIT */
/* exec: the runtime joins the container's pid namespace (for its children
 * only) and forks; the child joins the rest (user first, then mount: from
 * then on it sees only the container), gets its cgroup from the runtime,
 * and runs the shared process setup. The runtime stays outside. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/console.h"
#include "core/err.h"
#include "core/exec.h"
#include "core/ns.h"
#include "core/proc.h"
#include "core/seccomp.h"
#include "core/spec.h"
#include "core/state.h"
#include "core/sync.h"
#include "core/util.h"
#include "core/verify.h"

/* --apparmor wins; a profile needs AppArmor enabled (as verify says at
 * create). The child applies it (proc_identity). */
static int apparmor(const struct exec_opts *o, struct spec_process *p)
{
	if (o->apparmor)
		p->apparmor_profile = o->apparmor;
	if (p->apparmor_profile && !verify_apparmor_enabled())
		return fail(0, "%s: \"%s\": AppArmor is not enabled on this host",
			    o->apparmor ? "--apparmor" : "process.apparmorProfile",
			    p->apparmor_profile);
	return 0;
}

/* The process to run: the --process file, or the container's own process
 * with runc exec's flags applied. Its memory belongs to PS or CFG. */
static int build_process(const struct exec_opts *o, struct spec *cfg,
			 struct spec *ps, struct spec_process *p)
{
	size_t i, j, n;
	const char **env;

	if (o->process_file) {
		if (spec_load_process(ps, o->process_file, p) < 0)
			return -1;
		if (o->tty)
			p->terminal = true;
		/* without its own, the container's profile (runc) */
		if (!p->apparmor_profile)
			p->apparmor_profile = cfg->process.apparmor_profile;
		return apparmor(o, p);
	}
	*p = cfg->process;
	p->terminal = o->tty;
	for (n = 0; o->args[n]; n++)
		;
	p->args.v = (const char **)o->args;
	p->args.n = n;
	if (o->cwd)
		p->cwd = o->cwd;
	env = spec_alloc(ps, p->env.n + o->n_env + 1, sizeof(*env));
	for (i = 0, n = 0; i < p->env.n; i++) {
		size_t k = strcspn(p->env.v[i], "=");
		bool replaced = false;

		for (j = 0; j < o->n_env; j++)
			if (strncmp(o->env[j], p->env.v[i], k + 1) == 0)
				replaced = true;
		if (!replaced)
			env[n++] = p->env.v[i];
	}
	for (j = 0; j < o->n_env; j++)
		env[n++] = o->env[j];
	p->env.v = env;
	p->env.n = n;
	if (o->set_user)
		p->user.uid = o->uid;
	if (o->set_gid)
		p->user.gid = o->gid;
	if (o->n_additional_gids) {
		p->user.additional_gids = o->additional_gids;
		p->user.n_additional_gids = o->n_additional_gids;
	}
	for (i = 0; i < o->n_caps; i++) {
		int c = spec_cap_parse(o->caps[i]);

		if (c < 0)
			return fail(0, "--cap: unknown capability \"%s\"", o->caps[i]);
		p->has_caps = true;
		p->caps[SPEC_CAP_BOUNDING] |= 1ULL << c;
		p->caps[SPEC_CAP_EFFECTIVE] |= 1ULL << c;
		p->caps[SPEC_CAP_PERMITTED] |= 1ULL << c;
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
	return apparmor(o, p);
}

struct exec_child {
	const struct exec_opts *o;
	const struct spec *cfg;
	const struct spec_process *p;
	int *ns;
	int sync, console;
	const struct sc_filter *filter;
};

static int child_setup(struct exec_child *c)
{
	char exe[PATH_MAX];
	int notify_fd = -1;

	if (ns_enter(c->ns) < 0 || sync_expect(c->sync, SYNC_GO) < 0)
		return -1;
	if (c->p->terminal) {
		if (console_setup(c->console, c->p, false) < 0)
			return -1;
		close(c->console);
	}
	/* as in the init (container.c): the caller's stray fds go before
	 * args[0] and PATH are looked up */
	if (fds_close_from(3 + c->o->preserve_fds, &c->sync, 1) < 0 ||
	    proc_attrs(c->p, &c->cfg->linux) < 0 ||
	    proc_find_exe(c->p, -1, exe) < 0 ||
	    proc_identity(c->p, c->filter, &notify_fd) < 0)
		return -1;
	if (sync_pass_listener(c->sync, notify_fd) < 0)
		return -1;
	/* the runtime may exit once we exec (-d): do not die with it */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return fail(errno, "prctl PR_SET_PDEATHSIG");
	/* the sync socket closes at execve: the runtime reads that as done */
	return proc_exec(c->p, exe, 3 + c->o->preserve_fds);
}

/* Until the child's sync socket closes (it exec'd) or it reports an error. */
static int parent_sync(int sync, const struct spec *cfg, struct state *st,
		       pid_t *pidp)
{
	pid_t pid = *pidp;
	struct sync_msg m;
	int r, fd;

	for (;;) {
		r = sync_recv(sync, &m, &fd);
		if (r <= 0)
			return r;
		if (m.type == SYNC_ERROR) {
			waitpid(pid, NULL, 0);
			*pidp = -1;   /* reaped: nothing to kill */
			return sync_take_error(&m);
		}
		if (m.type == SYNC_SECCOMP) {
			struct jw w;

			jw_init(&w);
			state_write_json(st, &w, "running");
			jw_raw(&w, "", 1);
			r = sync_serve_listener(sync, &cfg->linux.seccomp, fd, w.buf);
			jw_fini(&w);
			if (r < 0)
				return -1;
		}
	}
}

int exec_process(const struct exec_opts *o, pid_t *pidp)
{
	struct state st;
	struct spec cfg, ps = { 0 };
	struct spec_process proc;
	struct cgroup cg;
	struct exec_child c;
	struct sc_filter filter = { 0 };
	char *raw = NULL;
	size_t raw_len;
	const char *status;
	int ns[SPEC_NS_COUNT], sv[2] = { -1, -1 }, i, r = -1;
	AUTOCLOSE int console = -1, pidfd = -1;
	pid_t pid = -1;

	for (i = 0; i < SPEC_NS_COUNT; i++)
		ns[i] = -1;
	memset(&cfg, 0, sizeof(cfg));
	if (state_open(&st, o->root, o->id) < 0)
		return -1;
	status = state_status(&st);
	if (str_eq(status, "paused") && !o->ignore_paused) {
		fail(0, "cannot exec in a paused container (--ignore-paused)");
		goto out;
	}
	if (!str_eq(status, "running") && !str_eq(status, "created") &&
	    !str_eq(status, "paused")) {
		fail(0, "container not running");
		goto out;
	}
	/* the config create saw (kept in the state dir), not the bundle's
	 * file as it may be now: runtime.md says later edits do not count */
	if ((pidfd = state_pidfd(&st)) < 0 ||
	    read_file_at(st.dirfd, "config.json", &raw, &raw_len) < 0 ||
	    spec_parse(&cfg, TAKE_PTR(raw), raw_len, st.bundle, NULL) < 0 ||
	    build_process(o, &cfg, &ps, &proc) < 0)
		goto out;
	if (proc.terminal && !o->console_socket && o->console_fd < 0) {
		fail(0, "a terminal needs --console-socket when detached");
		goto out;
	}
	if (st.cgroup && cgroup_init_path(&cg, st.cgroup) < 0)
		goto out;
	if (ns_open_pid(st.pid, ns) < 0)
		goto out;
	/* the namespaces opened are the container's: its init still lives */
	if (!state_alive(&st)) {
		fail(0, "container not running");
		goto out;
	}
	if (proc_cap_last_init() < 0 || sc_prepare(&cfg, o->root, &filter) < 0)
		goto out;
	if (proc.terminal &&
	    (console = console_open(o->console_socket, o->console_fd)) < 0)
		goto out;
	/* pid namespaces apply to children only: join before forking */
	if (ns[SPEC_NS_PID] >= 0 && setns(ns[SPEC_NS_PID], CLONE_NEWPID) < 0) {
		/* rootless: that needs CAP_SYS_ADMIN in our own user
		 * namespace too. Enter the container's (its owner has every
		 * capability there) for good: our host ids stay the same,
		 * so the caller's state and cgroup files remain ours. */
		if (errno != EPERM || ns[SPEC_NS_USER] < 0 ||
		    setns(ns[SPEC_NS_USER], CLONE_NEWUSER) < 0 ||
		    (close(ns[SPEC_NS_USER]), ns[SPEC_NS_USER] = -1,
		     setns(ns[SPEC_NS_PID], CLONE_NEWPID) < 0)) {
			fail(errno, "join the container's pid namespace");
			goto out;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fail(errno, "socketpair");
		goto out;
	}
	c = (struct exec_child){ .o = o, .cfg = &cfg, .p = &proc, .ns = ns,
				 .sync = sv[1], .console = console,
				 .filter = &filter };
	pid = fork();
	if (pid == 0) {
		int mine[] = { sv[0], st.dirfd, pidfd };

		proc_child_start(mine, ARRAY_SIZE(mine), false);
		if (child_setup(&c) < 0)
			sync_send(c.sync, SYNC_ERROR, 0, -1);
		_exit(127);
	}
	close(sv[1]);
	if (pid < 0) {
		/* ENOMEM: the pid namespace's init is exiting (it may not be
		 * a zombie yet while it reaps the namespace) */
		if (errno == ENOMEM)
			fail(0, "container not running");
		else
			fail(errno, "fork");
		goto out;
	}
	if (st.cgroup && cgroup_enter(&cg, pid) < 0)
		goto kill;
	for (i = 0; i < (int)o->n_cgroups; i++)
		if (!st.cgroup || cgroup_enter_sub(&cg, o->cgroups[i], pid) < 0)
			goto kill;
	/* a child that failed before GO has its error queued: read it */
	if ((sync_send(sv[0], SYNC_GO, pid, -1) < 0 &&
	     sync_pending_error(sv[0]) < 0) ||
	    parent_sync(sv[0], &cfg, &st, &pid) < 0)
		goto kill;
	if ((o->pid_file && write_pid_file(o->pid_file, pid) < 0) ||
	    (o->pidfd_socket && proc_send_pidfd(o->pidfd_socket, pid) < 0))
		goto kill;
	*pidp = pid;
	r = 0;
	goto out;
kill:
	kill_reap(pid);
out:
	if (sv[0] >= 0)
		close(sv[0]);
	for (i = 0; i < SPEC_NS_COUNT; i++)
		if (ns[i] >= 0)
			close(ns[i]);
	sc_filter_fini(&filter);
	spec_free(&ps);
	spec_free(&cfg);
	state_fini(&st);
	return r;
}
