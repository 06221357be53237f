/* SPDX-License-Identifier: MIT */
/* rootless tests: which uid_map reaches the host's root (runc's --rootless
 * auto), --rootless true/false, the state directory's default and its
 * error, and the refusals of rootless_check on parsed configs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rootless.h"
#include "core/spec.h"
#include "core/util.h"
#include "test/unit/check.h"

static int problems;
static char first[512];

static void problem(void *ctx, const char *msg)
{
	(void)ctx;
	if (!problems++)
		snprintf(first, sizeof(first), "%s", msg);
}

static int check_json(const char *json)
{
	struct spec s;
	size_t n = strlen(json);
	int r;

	problems = 0;
	first[0] = '\0';
	if (spec_parse(&s, memcpy(xmalloc(n + 1), json, n + 1), n, "/", NULL) < 0)
		return -1;
	r = rootless_check(&s, problem, NULL);
	spec_free(&s);
	return r;
}

static void mappings(void)
{
	char json[1024];

	snprintf(json, sizeof(json),
		 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
		 "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]},"
		 "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
		 "\"uidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":1}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":1}]}}",
		 geteuid(), getegid());
	CHECK_NAMED(!rootless_can_map(), "no CAP_SETUID: cannot map freely");
	CHECK_NAMED(check_json(json) == 0, "own ids only: nothing to refuse (%s)", first);
	snprintf(json, sizeof(json),
		 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
		 "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]},"
		 "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
		 "\"uidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":1}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":2}]}}",
		 geteuid(), getegid());
	CHECK_NAMED(check_json(json) == 1 &&
		    strstr(first, "config.json: linux.gidMappings: mapping more than "
			   "your own gid") && strstr(first, "newgidmap"),
		    "two gids without newgidmap: refused (%s)", first);
	snprintf(json, sizeof(json),
		 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
		 "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]}}");
	CHECK_NAMED(check_json(json) == 1 &&
		    strstr(first, "config.json: linux.namespaces: a rootless "
			   "container needs a user namespace"),
		    "no user namespace: refused (%s)", first);
}

int main(void)
{
	char json[1024];

	check_module = "rootless";
	CHECK(rootless_maps_host_root("         0          0 4294967295\n"));
	CHECK(rootless_maps_host_root("0 1000 1\n1 0 1\n"));
	CHECK(!rootless_maps_host_root("         0       1001          1\n"));
	CHECK(!rootless_maps_host_root("0 1001 1\n1 100000 65536\n"));
	CHECK(!rootless_maps_host_root(""));
	CHECK(!rootless_maps_host_root("0 0 0\n"));
	{
		/* the uid a D-Bus server in the parent namespace sees */
		uint32_t out = 7;

		CHECK(rootless_idmap_outside("         0          0 4294967295\n", 1000, &out) == 0 &&
		      out == 1000);
		CHECK(rootless_idmap_outside("         0       1001          1\n", 0, &out) == 0 &&
		      out == 1001);
		CHECK(rootless_idmap_outside("0 1001 1\n1 100000 65536\n", 5, &out) == 0 &&
		      out == 100004);
		CHECK(rootless_idmap_outside("0 1001 1\n1 100000 65536\n", 65536, &out) == 0 &&
		      out == 165535);
		CHECK(rootless_idmap_outside("0 1001 1\n1 100000 65536\n", 65537, &out) < 0 &&
		      strstr(err_last.msg, "id 65537 is not mapped"));
		CHECK(rootless_idmap_outside("", 0, &out) < 0);
		CHECK(rootless_idmap_outside("0 1001\n", 0, &out) < 0);
		/* in the initial namespace: the euid itself */
		CHECK(rootless_host_uid() == (uint32_t)geteuid());
	}
	CHECK(rootless_detect("true"));
	CHECK(!rootless_detect("false"));
	CHECK(rootless_detect("auto") == rootless_detect(NULL));

	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	{
		char *d = rootless_state_dir();

		CHECK(d && str_eq(d, "/run/user/7/ocibox"));
		free(d);
	}
	unsetenv("XDG_RUNTIME_DIR");
	CHECK(rootless_state_dir() == NULL &&
	      strstr(err_last.msg, "XDG_RUNTIME_DIR is not set"));
	setenv("XDG_RUNTIME_DIR", "run", 1);
	CHECK(rootless_state_dir() == NULL &&
	      strstr(err_last.msg, "XDG_RUNTIME_DIR is not absolute"));

	/* mappings: without the tools on PATH, only one's own id; as root,
	 * in a child that became nobody first */
	setenv("PATH", "/nonexistent", 1);
	fflush(stdout);
	if (geteuid() == 0) {
		pid_t c = fork();
		int st;

		if (c == 0) {
			check_failed = 0;
			if (setresgid(65534, 65534, 65534) < 0 ||
			    setresuid(65534, 65534, 65534) < 0)
				_exit(2);
			mappings();
			fflush(stdout);
			_exit(check_failed ? 1 : 0);
		}
		CHECK_NAMED(waitpid(c, &st, 0) == c && WIFEXITED(st) &&
			    WEXITSTATUS(st) == 0, "the unprivileged child's checks");
	} else {
		mappings();
	}
	{
		AUTOFREE char *buf = NULL;
		size_t len;
		int64_t own = 0;

		if (read_file_at(AT_FDCWD, "/proc/self/oom_score_adj", &buf, &len) == 0)
			parse_i64(strtok(buf, "\n"), -1000, 1000, &own);
		if (own > -1000) {
			snprintf(json, sizeof(json),
				 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
				 "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
				 "\"oomScoreAdj\":%lld}}", (long long)own - 1);
			CHECK_NAMED(check_json(json) == 1 &&
				    strstr(first, "process.oomScoreAdj") &&
				    strstr(first, "CAP_SYS_RESOURCE"),
				    "oomScoreAdj below our own: refused (%s)", first);
		}
	}
	return check_failed ? 1 : 0;
}
