/* SPDX-License-Identifier: MIT */
/* bench: run a command N times, print "median_ms p90_ms min_ms maxrss_kb".
 * Each run is timed from fork to reap; maxrss is the command's own peak
 * (wait4), the runtime's footprint. Usage: bench N CMD [ARG...] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, i, st, fails = 0;
	long rss = 0;
	double *t;

	if (n <= 0) {
		fprintf(stderr, "usage: bench N CMD [ARG...]\n");
		return 2;
	}
	t = calloc(n, sizeof(*t));
	for (i = 0; i < n; i++) {
		struct timespec a, b;
		struct rusage ru;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid = fork();
		if (pid == 0) {
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
			return perror("bench"), 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fails++;
		t[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
	}
	qsort(t, n, sizeof(*t), cmp);
	printf("%.2f %.2f %.2f %ld %d\n", t[n / 2], t[n * 9 / 10], t[0], rss, fails);
	return 0;
}
