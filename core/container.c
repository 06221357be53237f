/* SPDX-License-Identifier: MIT */
/* container: create clones the container init straight into its new
 * namespaces; the init sets itself up and blocks on exec.fifo until start.
 * The runtime exits after create, so the init is reparented to the caller's
 * subreaper (conmon, the containerd shim), which collects its exit status. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "core/cgroup.h"
#include "core/cgroup_systemd.h"
#include "core/console.h"
#include "core/container.h"
#include "core/err.h"
#include "core/hooks.h"
#include "core/mount.h"
#include "core/netdev.h"
#include "core/ns.h"
#include "core/proc.h"
#include "core/rootless.h"
#include "core/seccomp.h"
#include "core/spec.h"
#include "core/sync.h"
#include "core/util.h"
#include "core/verify.h"

static char *state_json(const struct state *st, const char *status)
{
	struct jw w;

	jw_init(&w);
	state_write_json(st, &w, status);
	jw_raw(&w, "", 1);
	return w.buf;
}

/* Undo step: SIGKILL what is in the container's cgroup; err_last is kept. */
static void kill_cgroup(const struct cgroup *cg)
{
	struct err saved = err_last;

	if (cgroup_kill(cg, SIGKILL) < 0)
		log_warn("%s", err_last.msg);
	err_last = saved;
}

/* Keep what start and delete need (annotations, poststart and poststop
 * hooks) in state.json, so neither has to read config.json again. */
static void keep_from_config(struct state *st, const struct spec *s)
{
	const struct json_doc *d = &s->doc;
	struct jw w;
	int i;

	if ((i = json_get(d, 0, "annotations")) >= 0 &&
	    json_type(d, i) == JSON_OBJECT) {
		jw_init(&w);
		jw_copy(&w, d, i);
		jw_raw(&w, "", 1);
		st->annotations = w.buf;
	}
	/* start and delete read the kept config.json only when they must */
	st->post_hooks = s->hooks[SPEC_HOOK_POSTSTART].n ||
			 s->hooks[SPEC_HOOK_POSTSTOP].n;
	st->net_devices = s->linux.n_net_devices > 0;
}

/* What create made of the cgroup, for delete (state.json). */
static void keep_made(struct state *st, const struct cgroup *cg)
{
	char made[512];

	cgroup_made(cg, made, sizeof(made));
	free(st->cgroup_made);
	st->cgroup_made = xstrdup(made);
}

/* The config as create parsed it (kept in the state dir), for the hooks
 * that run after create. */
static int load_kept_config(const struct state *st, struct spec *s)
{
	char *buf;
	size_t len;

	memset(s, 0, sizeof(*s));
	if (read_file_at(st->dirfd, "config.json", &buf, &len) < 0)
		return -1;
	return spec_parse(s, buf, len, st->bundle ? st->bundle : "/", NULL);
}

/* ---- the container init (child side) ---- */

struct child {
	const struct create_opts *o;
	const struct spec *s;
	struct state *st;
	struct ns_set *ns;
	int sync;          /* our end of the sync pair */
	int fifo;          /* O_PATH fd of exec.fifo, or -1 (run) */
	int console;       /* connected console socket, or -1 */
	const struct sc_filter *filter;  /* compiled by the runtime */
	int cgfd;          /* the runtime's, closed first thing */
	const int *idmap_trees;  /* mount_idmap_trees(), or NULL */
	bool map_dumpable; /* an unprivileged runtime writes our id maps */
};

static bool has_cgroup_mount(const struct spec *s)
{
	size_t i;

	for (i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].type && str_eq(s->mounts[i].type, "cgroup"))
			return true;
	return false;
}

static int child_setup(struct child *c)
{
	const struct spec *s = c->s;
	const struct spec_process *p = &s->process;
	struct mount_ctx mc = {
		.spec = s, .no_pivot = c->o->no_pivot, .rootfd = -1,
		/* rootless: in a user namespace, ours or the engine's */
		.userns = s->linux.ns[SPEC_NS_USER].present || c->o->rootless,
		.cgroupns = s->linux.ns[SPEC_NS_CGROUP].present,
		.host_ns = !s->linux.ns[SPEC_NS_MOUNT].present,
		.idmap_trees = c->idmap_trees,
	};
	int keep[2] = { c->sync, c->fifo };
	char exe[PATH_MAX], *json;
	struct sync_msg m;
	int notify_fd = -1, r;

	r = sync_recv(c->sync, &m, NULL);
	if (r <= 0 || m.type != SYNC_GO)
		return r < 0 ? -1 : fail(0, "sync: runtime went away");
	c->st->pid = m.value;
	phase_mark("go");
	/* the maps are written: no longer reachable through /proc */
	if (c->map_dumpable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail(errno, "prctl PR_SET_DUMPABLE");
	if (s->linux.ns[SPEC_NS_USER].present && !s->linux.ns[SPEC_NS_USER].path) {
		/* become the user namespace's root for the setup */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return fail(errno, "become root in the user namespace "
				    "(is uid/gid 0 mapped?)");
	}
	if (ns_join_late(c->ns) < 0)
		return -1;
	if (c->ns->late_flags & CLONE_NEWPID) {
		/* the new pid namespace holds our children, not us: the
		 * init is our child; we report it and go */
		pid_t init = fork();

		if (init < 0)
			return fail(errno, "fork the container init");
		if (init > 0) {
			sync_send(c->sync, SYNC_PID, init, -1);
			_exit(0);
		}
		/* the runtime answers with our pid as the host sees it
		 * (the state that hooks get) */
		if (sync_recv(c->sync, &m, NULL) <= 0 || m.type != SYNC_GO)
			return fail(0, "sync: runtime went away");
		c->st->pid = m.value;
	}
	if (c->ns->new_time && ns_new_time(&s->linux) < 0)
		return -1;
	/* now that the runtime put us in our cgroup, it becomes our root;
	 * a user namespace will need the host paths to bind v1 hierarchies */
	if (c->ns->new_cgroup && mc.userns && has_cgroup_mount(s)) {
		size_t len;

		if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &mc.self_cgroup,
				 &len) < 0)
			return -1;
	}
	if (c->ns->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
		return fail(errno, "create cgroup namespace");
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return fail(errno, "hostname: sethostname");
	if (s->domainname &&
	    setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return fail(errno, "domainname: setdomainname");
	phase_mark("ns-setup");
	if (mount_prepare(&mc) < 0)
		return -1;
	phase_mark("mounts");
	/* prestart and createRuntime run in the runtime's namespaces; with
	 * none, the runtime has nothing to do here (no round trip) */
	if ((s->hooks[SPEC_HOOK_PRESTART].n ||
	     s->hooks[SPEC_HOOK_CREATE_RUNTIME].n) &&
	    (sync_send(c->sync, SYNC_HOOKS, 0, -1) < 0 ||
	     sync_expect(c->sync, SYNC_HOOKS_DONE) < 0))
		return -1;
	if (s->hooks[SPEC_HOOK_CREATE_CONTAINER].n) {
		json = state_json(c->st, "created");
		r = hooks_run(s, SPEC_HOOK_CREATE_CONTAINER, json);
		free(json);
		if (r < 0)
			return -1;
	}
	phase_mark("hooks-sync");
	if (mount_pivot(&mc) < 0 || proc_sysctl(s) < 0)
		return -1;
	phase_mark("pivot");
	if (p->terminal) {
		if (console_setup(c->console, p, !mc.host_ns) < 0)
			return -1;
		close(c->console);
	} else if (setsid() < 0) {
		return fail(errno, "setsid");
	}
	if (mount_finish(&mc) < 0)
		return -1;
	phase_mark("masked-ro");
	close(mc.rootfd);
	/* Before args[0] and PATH are looked up: an fd the caller left open
	 * (a host directory) must not be reachable as /proc/self/fd/N/...
	 * (CVE-2024-21626); only stdio, --preserve-fds, LISTEN_FDS and ours
	 * stay. The init's execve comes after start, when no runtime is left
	 * to report a failure: what cannot run is refused now, as runc. */
	if (fds_close_from(3 + c->o->preserve_fds, keep, 2) < 0 ||
	    proc_attrs(p, &s->linux) < 0 ||
	    proc_keyring(c->o->no_new_keyring, c->st->id) < 0 ||
	    proc_find_exe(p, -1, exe) < 0 ||
	    proc_identity(p, c->filter, &notify_fd) < 0)
		return -1;
	phase_mark("identity");
	if (sync_pass_listener(c->sync, notify_fd) < 0)
		return -1;
	/* From here on the runtime may exit: do not die with it. */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return fail(errno, "prctl PR_SET_PDEATHSIG");
	if (sync_send(c->sync, SYNC_READY, 0, -1) < 0)
		return -1;
	if (c->fifo >= 0) {
		char fp[32];
		int wfd;

		/* blocks until `start` opens the fifo for reading */
		snprintf(fp, sizeof(fp), "/proc/self/fd/%d", c->fifo);
		wfd = openat(AT_FDCWD, fp, O_WRONLY | O_CLOEXEC);
		if (wfd < 0)
			return fail(errno, "open exec fifo");
		/* released: `start` consumed the fifo, so the container is
		 * running whether or not start lives to read our byte */
		signal(SIGPIPE, SIG_IGN);
		if (write(wfd, "0", 1) != 1 && errno != EPIPE)
			return fail(errno, "write exec fifo");
		close(wfd);
		close(c->fifo);
	} else if (sync_expect(c->sync, SYNC_START) < 0) {
		return -1;
	}
	phase_mark("released");
	close(c->sync);
	c->sync = -1;
	if (s->hooks[SPEC_HOOK_START_CONTAINER].n) {
		json = state_json(c->st, "running");
		r = hooks_run(s, SPEC_HOOK_START_CONTAINER, json);
		free(json);
		if (r < 0)
			return -1;
	}
	if (c->o->listen_fds) {
		/* socket activation passes through, as runc does: the fds
		 * are preserved and the program is told they are its own */
		struct spec_process sp = *p;
		const char **env = xcalloc(p->env.n + 3, sizeof(*env));

		memcpy(env, p->env.v, p->env.n * sizeof(*env));
		env[p->env.n] = xasprintf("LISTEN_FDS=%d", c->o->listen_fds);
		env[p->env.n + 1] = "LISTEN_PID=1";
		sp.env.v = env;
		sp.env.n = p->env.n + 2;
		return proc_exec(&sp, exe, 3 + c->o->preserve_fds);
	}
	return proc_exec(p, exe, 3 + c->o->preserve_fds);
}

static NORETURN void child_main(struct child *c)
{
	/* our copy of the locked state dir fd would also hold the flock as
	 * long as we wait for start, and block `start` itself (a runtime
	 * that dies is seen as EOF on the sync socket; getppid() is no
	 * help: it reads 0 in a new pid namespace) */
	int mine[] = { c->st->dirfd, c->cgfd };

	/* An unprivileged runtime (or newuidmap) may write our uid_map only
	 * while /proc/PID is its own, i.e. while we are dumpable (runc does
	 * the same); nothing of the container runs yet. */
	proc_child_start(mine, ARRAY_SIZE(mine), c->map_dumpable);
	c->st->dirfd = -1;
	ns_close_self(c->ns);
	if (child_setup(c) < 0) {
		if (c->sync >= 0)
			sync_send(c->sync, SYNC_ERROR, 0, -1);
		else
			log_line("error", err_last.msg);
	}
	_exit(127);
}

/* ---- the runtime (parent side) ---- */

/* Clone the init; *INTO says whether it was born in the cgroup of CGFD
 * (clone3 CLONE_INTO_CGROUP) or still has to be moved there. */
static pid_t clone_child(int flags, int cgfd, bool *into)
{
	*into = false;
	if (cgfd >= 0) {
		struct clone_args a = {
			.flags = (uint64_t)flags | CLONE_INTO_CGROUP,
			.exit_signal = SIGCHLD,
			.cgroup = (uint64_t)cgfd,
		};
		pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));

		if (pid >= 0 || (errno != ENOSYS && errno != E2BIG)) {
			*into = pid >= 0;
			return pid;
		}
		/* clone3 unknown (Linux < 5.7 for the cgroup field, or a
		 * seccomp profile around us): the parent moves the child */
	}
	/* a raw clone behaves like fork: the child returns 0 on a copy of
	 * our stack. Single-threaded, so no libc lock can be held. */
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}

static int child_died(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)   /* ECHILD: not our child */
		return fail(0, "container init exited during create");
	if (WIFSIGNALED(status))
		return fail(0, "container init was killed by signal %d during "
			    "create", WTERMSIG(status));
	return fail(0, "container init exited with status %d during create",
		    WEXITSTATUS(status));
}

/* Talk the child through its setup until it is ready (0) or failed (-1). */
static int parent_sync(const struct create_opts *o, const struct spec *s,
		       struct state *st, int sync, pid_t *pidp)
{
	pid_t pid = *pidp;
	struct sync_msg m;
	char *json;
	int r, fd;

	for (;;) {
		r = sync_recv(sync, &m, &fd);
		if (r < 0)
			return -1;
		if (r == 0)
		{
			int r2 = child_died(pid);

			*pidp = -1;   /* reaped (or not ours): nothing to kill */
			return r2;
		}
		switch (m.type) {
		case SYNC_HOOKS:
			/* runtime.md: these run once the create operation's
			 * environment exists; runc, crun and the validation
			 * suite say "created" */
			json = state_json(st, "created");
			r = hooks_run(s, SPEC_HOOK_PRESTART, json);
			if (r == 0)
				r = hooks_run(s, SPEC_HOOK_CREATE_RUNTIME, json);
			free(json);
			if (r < 0 || sync_send(sync, SYNC_HOOKS_DONE, 0, -1) < 0)
				return -1;
			break;
		case SYNC_SECCOMP:
			json = state_json(st, "creating");
			r = sync_serve_listener(sync, &s->linux.seccomp, fd, json);
			free(json);
			if (r < 0)
				return -1;
			break;
		case SYNC_PID:
			/* reap the intermediate child; the init is ours to
			 * track (a subreaper gets it as a child) */
			waitpid(pid, NULL, 0);
			*pidp = pid = m.value;
			st->pid = pid;
			st->start_time = proc_start_time(pid);
			if (state_save(st) < 0 ||
			    sync_send(sync, SYNC_GO, pid, -1) < 0)
				return -1;
			break;
		case SYNC_READY:
			return 0;
		case SYNC_ERROR:
			waitpid(pid, NULL, 0);
			*pidp = -1;
			return sync_take_error(&m);
		default:
			return fail(0, "sync: unexpected message %d", m.type);
		}
	}
}

/* The options' own refusals; the config's are verify_config's. */
static int check_opts(const struct create_opts *o, const struct spec *s)
{
	if (s->process.terminal && !o->console_socket && o->console_fd < 0)
		return fail(0, "config.json: process.terminal is true: "
			    "--console-socket is required");
	if (!s->process.terminal && o->console_socket)
		return fail(0, "--console-socket given but process.terminal "
			    "is false");
	return 0;
}

static void first_problem(void *ctx, const char *msg)
{
	int *n = ctx;

	if ((*n)++ == 0)
		fail(0, "%s", msg);
}

int container_create(const struct create_opts *o, pid_t *pidp)
{
	struct spec s;
	struct state st;
	struct ns_set ns;
	/* static: 32 KB off the stack, whose every page is a fault */
	static struct cgroup own_cg;
	struct cgroup *const cg = o->cg_out ? o->cg_out : &own_cg;
	struct child c;
	struct sc_filter filter = { 0 };
	bool into_cgroup, netdev_in = false, gone;
	int *idmap_trees = NULL;
	AUTOCLOSE int fifo = -1, console = -1, cgfd = -1;
	int sv[2] = { -1, -1 }, stacked[2] = { -1, -1 }, problems = 0, back;
	char created[40], rootfs[PATH_MAX], cfgpath[PATH_MAX];
	AUTOFREE char *raw = NULL;
	size_t raw_len;
	const struct spec_resources *res;
	pid_t pid = -1;

	/* Everything is validated before anything is touched. The bytes
	 * parsed are kept too (parsing unescapes in place): exec must see
	 * the config as it was now, not as the bundle's file is later. */
	if (path_join(cfgpath, sizeof(cfgpath), o->bundle, "config.json") < 0 ||
	    read_file_at(AT_FDCWD, cfgpath, &raw, &raw_len) < 0)
		return -1;
	if (spec_parse(&s, memcpy(xmalloc(raw_len + 1), raw, raw_len + 1),
		       raw_len, o->bundle, NULL) < 0)
		return -1;
	phase_mark("parsed");
	if (verify_config(&s, first_problem, &problems) > 0 ||
	    check_opts(o, &s) < 0 ||
	    (o->rootless && rootless_check(&s, first_problem,
					   &problems) > 0))
		goto undo_spec;
	phase_mark("verified");
	if (ns_open(&ns, &s.linux) < 0)
		goto undo_spec;
	if (!o->rootless)
		cgroup_device_rules(&s, &s.linux.resources);
	res = &s.linux.resources;
	if ((o->systemd_cgroup ? cgsd_init(cg, &s, o->id, o->rootless) :
	     o->rootless ? rootless_cgroup_init(cg, &s, o->id) :
	     cgroup_init(cg, s.linux.cgroups_path, o->id)) < 0)
		goto undo_ns;
	if (cgroup_check(cg, res, first_problem, &problems) > 0)
		goto undo_ns;
	if (realpath(s.root.abs, rootfs) == NULL) {
		fail(errno, "root.path '%s'", s.root.abs);
		goto undo_ns;
	}
	/* last, being the costliest check: compiled here, once, and cached
	 * under --root; the child only installs it (libseccomp takes ~15 ms
	 * for podman's profile) */
	if (sc_prepare(&s, o->root, &filter) < 0)
		goto undo_ns;
	phase_mark("checked");

	if (state_create(&st, o->root, o->id) < 0)
		goto undo_ns;
	rfc3339_now(created, sizeof(created));
	st.bundle = xstrdup(s.bundle);
	st.rootfs = xstrdup(rootfs);
	st.created = xstrdup(created);
	st.cgroup = xstrdup(cgroup_path(cg));
	if (cg->unit[0])
		st.sd_unit = xstrdup(cg->unit);
	st.sd_user = cg->unit_user;
	keep_from_config(&st, &s);
	/* on disk before the cgroup exists: an interrupted create is found
	 * and cleaned up by delete */
	if (state_save(&st) < 0 ||
	    write_file_atomic(st.dirfd, "config.json", raw, raw_len, 0600) < 0)
		goto undo_state;
	if (!o->start_now) {
		/* 0622 whatever our umask: an init that already became a
		 * user without capabilities must still open it to write */
		if (mkfifoat(st.dirfd, "exec.fifo", 0622) < 0 ||
		    fchmodat(st.dirfd, "exec.fifo", 0622, 0) < 0) {
			fail(errno, "mkfifo exec.fifo");
			goto undo_state;
		}
		fifo = openat(st.dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
		if (fifo < 0) {
			fail(errno, "open exec.fifo");
			goto undo_state;
		}
	}
	phase_mark("state");
	/* a systemd unit is made once the init exists (cgsd_start) */
	if (!cg->unit[0]) {
		if (cgroup_create(cg, res) < 0)
			goto undo_state;
		keep_made(&st, cg);
	}
	phase_mark("cgroup");
	cgfd = cgroup_clone_fd(cg);
	if (s.process.terminal) {
		console = console_open(o->console_socket, o->console_fd);
		if (console < 0)
			goto undo_cgroup;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fail(errno, "socketpair");
		goto undo_cgroup;
	}
	if (mount_idmap_trees(&s, &idmap_trees) < 0)
		goto undo_sync;
	ns.stay = o->rootless;
	if (ns_join_early(&ns) < 0) {
		ns_restore(&ns);
		goto undo_sync;
	}
	c = (struct child){
		.o = o, .s = &s, .st = &st, .ns = &ns, .sync = sv[1],
		.fifo = fifo, .console = console, .filter = &filter,
		.cgfd = cgfd, .idmap_trees = idmap_trees,
		.map_dumpable = o->rootless && !rootless_can_map() &&
				s.linux.ns[SPEC_NS_USER].present &&
				!s.linux.ns[SPEC_NS_USER].path,
	};
	/* the init must be dumpable from its first instruction (its maps are
	 * written through /proc/PID right after clone, with no round trip):
	 * it inherits this, and a runtime run from its sealed copy may not
	 * be */
	if (c.map_dumpable)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	/* on an initramfs root: a parent for the root the init pivots from */
	if (mount_initramfs_stack(&s, o->no_pivot, stacked) < 0) {
		mount_initramfs_return(stacked);
		ns_restore(&ns);
		goto undo_sync;
	}
	proc_note_ignored();
	/* until the init has set itself up (core/proc.h) */
	proc_pin_cpu();
	phase_mark("clone");
	pid = clone_child(ns.clone_flags, cgfd, &into_cgroup);
	if (pid == 0) {
		phase_mark("child");
		close(sv[0]);
		child_main(&c);
	}
	phase_mark("cloned");
	back = mount_initramfs_return(stacked);
	if (ns_restore(&ns) < 0 || back < 0 || pid < 0) {
		if (pid < 0)
			fail(errno, "clone container init");
		goto undo_child;
	}
	close(sv[1]);
	sv[1] = -1;
	mount_idmap_close(idmap_trees, s.n_mounts);
	idmap_trees = NULL;
	st.pid = pid;
	if (cg->unit[0]) {
		if (cgsd_start(cg, pid, res, &s, o->id) < 0)
			goto undo_child;
		keep_made(&st, cg);
	} else if (!into_cgroup && cgroup_enter(cg, pid) < 0) {
		goto undo_child;
	}
	if (s.linux.ns[SPEC_NS_USER].present && !s.linux.ns[SPEC_NS_USER].path &&
	    ns_write_idmaps(pid, &s.linux) < 0)
		goto undo_child;
	if (netdev_enter(&s.linux, pid, st.dirfd) < 0)
		goto undo_child;
	netdev_in = true;
	if (s.process.oom_score_adj.set) {
		char path[64], val[24];

		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
		snprintf(val, sizeof(val), "%lld",
			 (long long)s.process.oom_score_adj.v);
		if (write_file_at(AT_FDCWD, path, val) < 0) {
			fail_ctx("process.oomScoreAdj");
			goto undo_child;
		}
	}
	gone = sync_send(sv[0], SYNC_GO, pid, -1) < 0 &&
	       sync_pending_error(sv[0]) < 0;
	if (!gone) {
		/* the init sets itself up meanwhile: a runtime killed before
		 * this save leaves what one killed before GO did */
		st.start_time = proc_start_time(pid);
		if (state_save(&st) < 0)
			goto undo_child;
		phase_mark("state-pid");
	}
	if (gone || parent_sync(o, &s, &st, sv[0], &pid) < 0) {
		/* limits apply before the init runs: one below what the
		 * setup itself needs kills it with no other trace */
		struct err real = err_last;

		if (cgroup_oom_killed(cg))
			fail(0, "container init was killed by the OOM killer "
			     "during create: linux.resources.memory.limit "
			     "%lld is too low", (long long)res->memory.limit.v);
		else
			err_last = real;   /* the check's own failure is noise */
		goto undo_child;
	}
	phase_mark("ready");
	/* run goes straight on to "running": a "created" written and
	 * overwritten at once is a write nobody can read (an interrupted
	 * run leaves the pid's "creating" state, which delete cleans up) */
	strcpy(st.status, "created");
	if (!o->start_now && state_save(&st) < 0)
		goto undo_child;
	phase_mark("state-created");
	if ((o->pid_file && write_pid_file(o->pid_file, pid) < 0) ||
	    (o->pidfd_socket && proc_send_pidfd(o->pidfd_socket, pid) < 0))
		goto undo_child;
	if (o->start_now) {
		char *json;

		if (sync_send(sv[0], SYNC_START, 0, -1) < 0)
			goto undo_child;
		strcpy(st.status, "running");
		if (state_save(&st) < 0)
			goto undo_child;
		phase_mark("state-running");
		if (s.hooks[SPEC_HOOK_POSTSTART].n) {
			json = state_json(&st, "running");
			hooks_run(&s, SPEC_HOOK_POSTSTART, json);
			free(json);
		}
	}
	close(sv[0]);
	ns_close(&ns);
	sc_filter_fini(&filter);
	state_fini(&st);
	spec_free(&s);
	proc_unpin_cpu(0);
	*pidp = pid;
	return 0;

undo_child:
	kill_reap(pid);
	/* pinned: the namespace outlives its init */
	if (netdev_in) {
		struct err saved = err_last;

		netdev_leave(&s.linux, 0, st.dirfd);
		err_last = saved;
	}
undo_sync:
	mount_idmap_close(idmap_trees, s.n_mounts);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
undo_cgroup:
	/* anything a hook or the init left there (no pid namespace), in a
	 * cgroup that is ours */
	if (cgroup_ours(cg))
		kill_cgroup(cg);
	cgroup_destroy(cg);
undo_state:
	{
		struct err saved = err_last;

		if (state_remove(&st) < 0)
			log_warn("%s", err_last.msg);
		err_last = saved;
	}
	state_fini(&st);
undo_ns:
	ns_close(&ns);
	sc_filter_fini(&filter);
undo_spec:
	spec_free(&s);
	return -1;
}

int container_start(const char *root, const char *id)
{
	struct state st;
	struct spec hs;
	struct pollfd pfd[2];
	AUTOCLOSE int fifo = -1, pidfd = -1;
	const char *status;
	char c, *json;
	int n;

	if (state_open(&st, root, id) < 0)
		return -1;
	status = state_status(&st);
	if (!str_eq(status, "created")) {
		fail(0, "cannot start a container in status %s (only a created "
		     "one)", status);
		goto out;
	}
	if ((pidfd = state_pidfd(&st)) < 0)
		goto out;
	fifo = openat(st.dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0) {
		fail(errno, "open exec.fifo");
		goto out;
	}
	/* Consumed at once: from here on the init is released, and a
	 * container without exec.fifo reads as running even if we die
	 * now (state_status, runc's rule). */
	if (unlinkat(st.dirfd, "exec.fifo", 0) < 0) {
		fail(errno, "remove exec.fifo");
		goto out;
	}
	/* wait for the init's byte, or for the init to die: never hang */
	pfd[0] = (struct pollfd){ .fd = fifo, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	for (;;) {
		n = poll(pfd, 2, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(errno, "poll");
			goto out;
		}
		if (pfd[0].revents & POLLIN) {
			if (read(fifo, &c, 1) == 1)
				break;
		}
		if (pfd[1].revents) {
			fail(0, "container process died before start");
			goto out;
		}
	}
	strcpy(st.status, "running");
	if (state_save(&st) < 0)
		goto out;
	if (st.post_hooks) {
		if (load_kept_config(&st, &hs) < 0) {
			log_warn("%s", err_last.msg);
		} else {
			json = state_json(&st, "running");
			hooks_run(&hs, SPEC_HOOK_POSTSTART, json);
			free(json);
			spec_free(&hs);
		}
	}
	state_fini(&st);
	return 0;
out:
	state_fini(&st);
	return -1;
}

int container_kill(const char *root, const char *id, int sig, bool all)
{
	struct state st;
	struct cgroup cg;
	AUTOCLOSE int pidfd = -1;
	const char *status;
	int r = -1;

	if (state_open(&st, root, id) < 0)
		return -1;
	status = state_status(&st);
	if (str_eq(status, "stopped") && !all) {
		fail(0, "container not running");
		goto out;
	}
	if (all && st.cgroup && !st.cgroup[0]) {
		/* rootless without a cgroup: its pid namespace */
		AUTOFREE pid_t *pids = NULL;
		size_t n, i;

		if (rootless_pids(&st, &pids, &n) < 0)
			goto out;
		for (i = 0; i < n; i++)
			if (kill(pids[i], sig) < 0 && errno != ESRCH)
				log_warn("kill %d: %s", (int)pids[i], strerror(errno));
		r = 0;
		goto out;
	}
	if (all) {
		if (!st.cgroup || cgroup_init_path(&cg, st.cgroup) < 0 ||
		    cgroup_kill(&cg, sig) < 0)
			goto out;
		r = 0;
		goto out;
	}
	if ((pidfd = state_pidfd(&st)) < 0)
		goto out;
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
		fail(errno, "kill container \"%s\"", id);
		goto out;
	}
	r = 0;
out:
	state_fini(&st);
	return r;
}

/* Wait until the process behind PIDFD has exited (it is not our child). */
static void wait_gone(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	while (poll(&pfd, 1, 10000) < 0 && errno == EINTR)
		;
}

int container_destroy(struct state *st, struct cgroup *known)
{
	static struct cgroup own_cg;   /* off the stack, as in create */
	struct cgroup *cg = known ? known : &own_cg;
	struct spec hs;
	AUTOCLOSE int pidfd = -1;
	bool have_cg = known != NULL;
	char *json;

	if (!known && st->cgroup && cgroup_init_path(cg, st->cgroup) == 0)
		have_cg = true;
	if (have_cg) {
		if (st->cgroup_made)
			cgroup_set_made(cg, st->cgroup_made);
		if (st->sd_unit)
			snprintf(cg->unit, sizeof(cg->unit), "%s", st->sd_unit);
		cg->unit_user = st->sd_user;
	}
	if (st->pid > 0 && state_alive(st)) {
		pidfd = state_pidfd(st);
		if (pidfd >= 0) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			/* a frozen (paused) init dies only once thawed */
			if (have_cg && cgroup_is_frozen(cg) &&
			    cgroup_freeze(cg, false) < 0)
				log_warn("%s", err_last.msg);
			wait_gone(pidfd);
		}
	}
	if (have_cg) {
		/* Leftovers of a shared pid namespace, or of a create that was
		 * interrupted between clone and state save. Only in a cgroup
		 * create made: anything else in someone else's cgroup is not
		 * ours to kill, nor the directories to remove. */
		if (cgroup_ours(cg))
			kill_cgroup(cg);
		cgroup_destroy(cg);
	}
	if ((st->post_hooks || st->net_devices) &&
	    load_kept_config(st, &hs) == 0) {
		/* the interfaces are back before any poststop hook runs */
		netdev_leave(&hs.linux, 0, st->dirfd);
		if (st->post_hooks) {
			json = state_json(st, "stopped");
			hooks_run(&hs, SPEC_HOOK_POSTSTOP, json);
			free(json);
		}
		spec_free(&hs);
	} else if (st->net_devices) {
		/* no config to move them back by: at least the pinned namespace
		 * must not keep the state directory busy */
		log_warn("%s", err_last.msg);
		netdev_unpin(st->dirfd);
	}
	return state_remove(st);
}

int container_delete(const char *root, const char *id, bool force)
{
	struct state st;
	const char *status;
	int r;

	/* as runc: podman deletes --force after a failed create, whose
	 * state is already gone; that must not add a second error */
	if (force && !state_exists(root, id))
		return 0;
	if (state_open(&st, root, id) < 0)
		return -1;
	status = state_status(&st);
	/* runtime-spec says deleting a container that is not stopped is an
	 * error; runc and crun delete a "created" one (and a "creating" one
	 * whose create died) without --force, and so do we. */
	if (!force && (str_eq(status, "running") || str_eq(status, "paused"))) {
		fail(0, "cannot delete container \"%s\" that is not stopped: %s",
		     id, status);
		state_fini(&st);
		return -1;
	}
	r = container_destroy(&st, NULL);
	state_fini(&st);
	return r;
}
