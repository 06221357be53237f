/* SPDX-License-Identifier: MIT */
/* state tests in a temp root: runc's id rule, long ids hashed into ".h-"
 * directories, the save/open round trip, the per-container lock (and an open
 * that waited on it while delete removed everything), the live status against
 * a real child (pid reuse reads as stopped), state_each and state_remove. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/state.h"
#include "core/util.h"
#include "test/unit/check.h"

static char top[] = "/tmp/ocibox-state-XXXXXX";
static char root[PATH_MAX];   /* top/root: made by state_create */

static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_id_rule(void)
{
	static const char *const good[] = {
		"a", "Z", "0", "abc-DEF_123", "a.b", "a..b", "x.", "+x", "-x", "_x",
		"sha256+abc", "0123456789abcdef",
	};
	static const char *const bad[] = {
		"", ".", "..", ".x", ".h-0123456789abcdef", "a/b", "/a", "a b",
		"a\n", "a:b", "a*", "\xc3\xa9", "a\\b", "$x",
	};
	AUTOFREE char *max = repeat('a', STATE_ID_MAX);
	AUTOFREE char *over = repeat('a', STATE_ID_MAX + 1);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		CHECK_NAMED(state_id_check(good[i]) == 0, "id \"%s\" is valid",
			    good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_NAMED(state_id_check(bad[i]) < 0 &&
			    has_prefix(err_last.msg, "invalid container id"),
			    "id #%zu (of the bad ones) is refused", i);
	CHECK_NAMED(state_id_check(max) == 0, "an id of %d bytes is valid",
		    STATE_ID_MAX);
	CHECK_NAMED(state_id_check(over) < 0 && strstr(err_last.msg, "longer than"),
		    "an id of %d bytes is refused: %s", STATE_ID_MAX + 1,
		    err_last.msg);
	CHECK_NAMED(state_id_check("a/b") < 0 &&
		    str_eq(err_last.msg, "invalid container id \"a/b\": expected "
			   "[A-Za-z0-9_+-][A-Za-z0-9_+.-]*"),
		    "the message names the rule: %s", err_last.msg);
}

/* The directory entries of root, sorted into one line. */
static const char *entries(void)
{
	static char line[4096];
	char cmd[PATH_MAX + 64];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | tr '\\n' ' '", root);
	line[0] = '\0';
	if ((p = popen(cmd, "r"))) {
		n = fread(line, 1, sizeof(line) - 1, p);
		line[n] = '\0';
		pclose(p);
	}
	return line;
}

static int collect(const char *id, void *ctx)
{
	char *seen = ctx;

	if (strlen(seen) + strlen(id) + 2 < 4096) {
		strcat(seen, id);
		strcat(seen, " ");
	}
	return 0;
}

static void test_roundtrip(void)
{
	struct state st, got;

	CHECK_NAMED(!state_exists(root, "c1"), "state_exists before create: no");
	CHECK_NAMED(state_open(&got, root, "c1") < 0 &&
		    str_eq(err_last.msg, "container \"c1\" does not exist"),
		    "state_open before the root exists: %s", err_last.msg);
	if (state_create(&st, root, "c1") < 0) {
		CHECK_NAMED(0, "state_create: %s", err_last.msg);
		return;
	}
	CHECK(str_eq(st.status, "creating") && st.pid == 0 &&
	      st.owner == (uint32_t)geteuid());
	CHECK_NAMED(state_exists(root, "c1"), "state_exists after create");
	{
		struct stat sb;

		CHECK_NAMED(stat(root, &sb) == 0 && (sb.st_mode & 0777) == 0700,
			    "the root is made 0700");
	}
	/* interrupted before its first save: "creating", pid 0 */
	state_fini(&st);
	CHECK_NAMED(state_open(&got, root, "c1") == 0 &&
		    str_eq(got.status, "creating") && got.pid == 0 &&
		    str_eq(state_status(&got), "creating"),
		    "a state never saved opens as creating");
	state_fini(&got);

	if (state_open(&st, root, "c1") < 0)
		return;
	strcpy(st.status, "created");
	st.pid = getpid();
	st.start_time = proc_start_time(getpid());
	st.bundle = xstrdup("/b \"q\"");
	st.rootfs = xstrdup("/b/rootfs");
	st.created = xstrdup("2024-01-01T00:00:00.000000000Z");
	st.cgroup = xstrdup("/ocibox/c1");
	st.annotations = xstrdup("{\"k\":\"v\",\"n\":[1,2]}");
	st.post_hooks = true;
	st.owner = 1234;
	CHECK_NAMED(state_save(&st) == 0, "state_save");
	state_fini(&st);
	if (state_open(&got, root, "c1") < 0) {
		CHECK_NAMED(0, "state_open after save: %s", err_last.msg);
		return;
	}
	CHECK_NAMED(str_eq(got.status, "created") && got.pid == getpid() &&
		    got.start_time == proc_start_time(getpid()) &&
		    str_eq(got.bundle, "/b \"q\"") && str_eq(got.rootfs, "/b/rootfs") &&
		    str_eq(got.created, "2024-01-01T00:00:00.000000000Z") &&
		    str_eq(got.cgroup, "/ocibox/c1") &&
		    str_eq(got.annotations, "{\"k\":\"v\",\"n\":[1,2]}") &&
		    got.post_hooks && got.owner == 1234,
		    "every field survives save and open");
	CHECK_NAMED(str_eq(state_status(&got), "running") && state_alive(&got),
		    "a created state whose exec.fifo was consumed is running (runc)");
	CHECK(mkfifoat(got.dirfd, "exec.fifo", 0600) == 0);
	CHECK_NAMED(str_eq(state_status(&got), "created") && state_alive(&got),
		    "a created state with a live pid (this process) is created");
	{
		struct jw w;
		char want[512];

		snprintf(want, sizeof(want), "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\","
			 "\"pid\":%d,\"status\":\"running\",\"bundle\":\"/b \\\"q\\\"\","
			 "\"rootfs\":\"/b/rootfs\",\"created\":"
			 "\"2024-01-01T00:00:00.000000000Z\",\"annotations\":"
			 "{\"k\":\"v\",\"n\":[1,2]},\"owner\":\"\"}", (int)getpid());
		jw_init(&w);
		state_write_json(&got, &w, "running");
		jw_raw(&w, "", 1);
		CHECK_NAMED(str_eq(w.buf, want),
			    "state_write_json: the public fields only: %s", w.buf);
		jw_fini(&w);
		jw_init(&w);
		state_write_json(&got, &w, "stopped");
		jw_raw(&w, "", 1);
		CHECK_NAMED(strstr(w.buf, "\"pid\":0,") != NULL,
			    "a stopped container's pid is 0 in its state");
		jw_fini(&w);
	}
	state_fini(&got);
	CHECK_NAMED(state_create(&st, root, "c1") < 0 &&
		    str_eq(err_last.msg, "container \"c1\" already exists"),
		    "a second create: %s", err_last.msg);
}

/* Long ids: directories are named .h-HASH; the id inside state.json is
 * what counts, so a different id under the same name does not exist. */
static void test_long_ids(void)
{
	AUTOFREE char *id200 = repeat('b', 200), *id201 = repeat('c', 201);
	AUTOFREE char *max = repeat('d', STATE_ID_MAX);
	char seen[4096] = "", want[4096], *s;
	struct state st;
	size_t len;

	if (state_create(&st, root, id200) == 0) {
		state_save(&st);
		state_fini(&st);
	}
	CHECK_NAMED(strstr(entries(), id200) != NULL,
		    "an id of 200 bytes is its own directory name");
	if (state_create(&st, root, id201) < 0) {
		CHECK_NAMED(0, "create an id of 201 bytes: %s", err_last.msg);
		return;
	}
	state_save(&st);
	state_fini(&st);
	CHECK_NAMED(strstr(entries(), ".h-") && !strstr(entries(), id201),
		    "an id of 201 bytes lives under .h-HASH");
	CHECK_NAMED(state_exists(root, id201), "state_exists finds it");
	CHECK_NAMED(state_open(&st, root, id201) == 0 && str_eq(st.id, id201),
		    "state_open finds it by its id");
	state_fini(&st);
	CHECK_NAMED(state_create(&st, root, id201) < 0 &&
		    strstr(err_last.msg, "already exists"),
		    "a second create of the long id fails");
	CHECK_NAMED(state_create(&st, root, max) == 0,
		    "an id of %d bytes (the most) can be created", STATE_ID_MAX);
	state_save(&st);
	state_fini(&st);

	/* state_each names every container, long ones by their stored id */
	state_each(root, collect, seen);
	snprintf(want, sizeof(want), "%s ", id201);
	CHECK_NAMED(strstr(seen, "c1 ") && strstr(seen, want) &&
		    strstr(seen, id200) && strstr(seen, max),
		    "state_each lists c1, the 200-, 201- and %d-byte ids",
		    STATE_ID_MAX);

	/* a hash collision: the directory's state.json holds another id */
	if (state_open(&st, root, id201) < 0)
		return;
	if (read_file_at(st.dirfd, "state.json", &s, &len) == 0) {
		char *p = strstr(s, id201);

		if (p)
			p[0] = 'x';       /* another long id, same directory */
		write_file_atomic(st.dirfd, "state.json", s, len, 0600);
		free(s);
	}
	state_fini(&st);
	CHECK_NAMED(state_open(&st, root, id201) < 0 &&
		    strstr(err_last.msg, "does not exist"),
		    "a .h- directory holding another id's state: that id does "
		    "not exist");
}

/* The lock: held by a state for its lifetime; another opener waits. */
static bool child_blocked(pid_t pid)
{
	char line[256], needle[32];
	bool found = false;
	FILE *f = fopen("/proc/locks", "r");

	/* a waiter is listed as "N: -> FLOCK  ADVISORY  WRITE PID ..." */
	snprintf(needle, sizeof(needle), " %d ", (int)pid);
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "->") && strstr(line, "FLOCK") &&
			strstr(line, needle);
	if (f)
		fclose(f);
	return found;
}

static void test_lock(void)
{
	struct state st, other;
	struct timespec ms = { 0, 10 * 1000 * 1000 };
	int fd, st_code, p[2];
	pid_t pid;
	char msg[512] = "";

	if (state_open(&st, root, "c1") < 0)
		return;
	fd = openat(st.dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK_NAMED(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 &&
		    errno == EWOULDBLOCK, "an open state holds its lock");
	if (fd >= 0)
		close(fd);

	/* a child's state_open waits on our lock; we delete meanwhile */
	if (pipe(p) < 0)
		return;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		int r;
		ssize_t n;

		/* our copy of the locked fd would keep the lock held */
		close(st.dirfd);
		r = state_open(&other, root, "c1");

		close(p[0]);
		n = write(p[1], err_last.msg, strlen(err_last.msg));
		_exit(r == 0 ? 1 : n < 0 ? 2 : 0);
	}
	close(p[1]);
	for (int i = 0; i < 500 && !child_blocked(pid); i++)
		nanosleep(&ms, NULL);
	CHECK_NAMED(child_blocked(pid), "a second state_open waits on the lock");
	CHECK_NAMED(state_remove(&st) == 0, "state_remove");
	state_fini(&st);
	waitpid(pid, &st_code, 0);
	if (read(p[0], msg, sizeof(msg) - 1) < 0)
		msg[0] = '\0';
	close(p[0]);
	CHECK_NAMED(WIFEXITED(st_code) && WEXITSTATUS(st_code) == 0 &&
		    str_eq(msg, "container \"c1\" does not exist"),
		    "the waiter, once delete removed it all: %s", msg);
	CHECK_NAMED(!state_exists(root, "c1") && !strstr(entries(), "c1 "),
		    "no trace of c1 left");
}

/* The live status against a real child: created, running, paused, reused pid. */
static void test_status(void)
{
	struct state st;
	pid_t pid;
	uint64_t t;

	memset(&st, 0, sizeof(st));
	st.dirfd = -1;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	/* the child's start time, once /proc shows it */
	for (int i = 0; i < 100 && !(t = proc_start_time(pid)); i++)
		usleep(10000);
	st.pid = pid;
	st.start_time = t;
	strcpy(st.status, "created");
	CHECK(str_eq(state_status(&st), "created"));
	strcpy(st.status, "running");
	CHECK(str_eq(state_status(&st), "running"));
	strcpy(st.status, "paused");
	CHECK(str_eq(state_status(&st), "paused"));
	strcpy(st.status, "stopped");
	CHECK_NAMED(str_eq(state_status(&st), "running"),
		    "a stored stopped whose process lives reads running");
	strcpy(st.status, "running");
	st.start_time = t + 1;
	CHECK_NAMED(str_eq(state_status(&st), "stopped") && !state_alive(&st),
		    "another start time (a reused pid) reads stopped");
	CHECK_NAMED(state_pidfd(&st) < 0 &&
		    str_eq(err_last.msg, "container not running"),
		    "no pidfd for a reused pid");
	st.start_time = t;
	{
		int fd = state_pidfd(&st);

		CHECK_NAMED(fd > 2 && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
			    "state_pidfd of the live child, close-on-exec");
		if (fd >= 0)
			close(fd);
	}
	kill(pid, SIGKILL);
	/* a zombie is not alive: checked before reaping it */
	for (int i = 0; i < 100 && proc_start_time(pid); i++)
		usleep(10000);
	CHECK_NAMED(!state_alive(&st) && str_eq(state_status(&st), "stopped"),
		    "a zombie reads stopped");
	waitpid(pid, NULL, 0);
	CHECK_NAMED(proc_start_time(pid) == 0 && str_eq(state_status(&st), "stopped"),
		    "a reaped process reads stopped");
	st.pid = 0;
	strcpy(st.status, "creating");
	CHECK(str_eq(state_status(&st), "creating"));
	strcpy(st.status, "created");
	CHECK_NAMED(str_eq(state_status(&st), "stopped"),
		    "created with no pid reads stopped");
	CHECK_NAMED(state_pidfd(&st) < 0, "no pidfd without a pid");
}

static void test_bad_files(void)
{
	struct state st;
	char path[PATH_MAX];

	/* a state.json that is not JSON */
	if (state_create(&st, root, "junk") < 0)
		return;
	write_file_atomic(st.dirfd, "state.json", "{not json", 9, 0600);
	state_fini(&st);
	CHECK_NAMED(state_open(&st, root, "junk") < 0 &&
		    has_prefix(err_last.msg, "container \"junk\": state.json:"),
		    "a broken state.json is an error naming it: %s", err_last.msg);
	/* state_each skips what is no container */
	snprintf(path, sizeof(path), "%s/not a valid id", root);
	mkdir(path, 0700);
	{
		char seen[4096] = "";

		state_each(root, collect, seen);
		CHECK_NAMED(!strstr(seen, "not a valid id"),
			    "state_each skips a directory that is no valid id");
	}
	rmdir(path);
	{
		int fd;

		snprintf(path, sizeof(path), "%s/junk", root);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		memset(&st, 0, sizeof(st));
		st.dirfd = fd;
		CHECK_NAMED(fd >= 0 && state_remove(&st) == 0 &&
			    access(path, F_OK) < 0, "state_remove of a broken state");
		state_fini(&st);
	}
}

static void remove_all(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	CHECK_NAMED(system(cmd) == 0, "temporary root %s removed", top);
}

int main(void)
{
	check_module = "state";
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(root, sizeof(root), "%s/root", top);
	test_id_rule();
	test_roundtrip();
	test_long_ids();
	test_lock();
	test_status();
	test_bad_files();
	remove_all();
	return CHECK_DONE();
}
