/* SPDX-License-Identifier: MIT */
/* bench: run commands N times each, interleaved, and print one line per
 * command: "median_ms p90_ms min_ms maxrss_kb fails".
 * Commands are separated by "--". Round i runs them in turn starting at
 * command i mod K, so machine load and the kernel's deferred work of one run
 * (a network namespace is torn down after its last process is gone) fall on
 * all of them alike. With N > 1 each command runs once first, neither timed
 * nor counted (page cache, runtime caches). A run is timed from fork to reap; maxrss is what wait4
 * reports: the command's own peak, or a reaped child's if that was larger.
 * Usage: bench N CMD [ARG...] [-- CMD [ARG...]]... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	char **argv;
	double *t;
	long rss;
	int fails;
};

/* OCIBOX_PHASES set: bench's own marks around each run, on stderr, for
 * test/bench/phases.sh (ocibox writes its marks in between) */
static int phases;

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* one run of c; its time in ms, or -1 if it could not be started */
static double run(struct cmd *c)
{
	struct timespec a, b;
	struct rusage ru;
	pid_t pid;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if (phases)
		fprintf(stderr, "ocibox-phase bench-fork 0 %lld\n",
			(long long)a.tv_sec * 1000000000LL + a.tv_nsec);
	pid = fork();
	if (pid == 0) {
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (phases)
		fprintf(stderr, "ocibox-phase bench-reaped 0 %lld\n",
			(long long)b.tv_sec * 1000000000LL + b.tv_nsec);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		c->fails++;
	if (ru.ru_maxrss > c->rss)
		c->rss = ru.ru_maxrss;
	return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, k = 0, i, j;
	struct cmd *c;

	if (n <= 0) {
		fprintf(stderr, "usage: bench N CMD [ARG...] [-- CMD [ARG...]]...\n");
		return 2;
	}
	phases = getenv("OCIBOX_PHASES") != NULL;
	setvbuf(stderr, NULL, _IONBF, 0);
	c = calloc(argc, sizeof(*c));
	/* split argv in place: each "--" becomes the previous command's NULL */
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			argv[i] = NULL;
			continue;
		}
		if (i == 2 || !argv[i - 1])
			c[k++].argv = argv + i;
	}
	for (j = 0; j < k; j++) {
		c[j].t = calloc(n, sizeof(double));
		if (!c[j].t || (n > 1 && run(&c[j]) < 0))
			return perror("bench"), 1;
		c[j].fails = 0;
		c[j].rss = 0;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++) {
			struct cmd *x = &c[(i + j) % k];

			if ((x->t[i] = run(x)) < 0)
				return perror("bench"), 1;
		}
	for (j = 0; j < k; j++) {
		qsort(c[j].t, n, sizeof(double), cmp);
		printf("%.2f %.2f %.2f %ld %d\n", c[j].t[n / 2], c[j].t[n * 9 / 10],
		       c[j].t[0], c[j].rss, c[j].fails);
	}
	return 0;
}
