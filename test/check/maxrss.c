/* SPDX-License-Identifier: MIT */
/* maxrss: run a command and write to a file "KIB MINFLT FAULTS": its peak
 * resident set size in KiB and minor faults (wait4's ru_maxrss and
 * ru_minflt: that process and the children it reaped itself, not
 * processes it left running such as a container's init), and the page
 * fault exceptions of it and every process it started (a software perf
 * counter, inherited; -1 where perf_event_open is refused). ru_minflt also
 * counts pages that madvise(MADV_POPULATE_*) filled in one call; the perf
 * counter counts only the faults taken one page at a time.
 * Usage: maxrss OUTFILE CMD [ARG...]; exits with CMD's status. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/perf_event.h>

/* a counter of CHILD's page faults and its descendants', from its execve */
static int fault_counter(pid_t child)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_PAGE_FAULTS;
	a.disabled = 1;
	a.enable_on_exec = 1;
	a.inherit = 1;
	return (int)syscall(SYS_perf_event_open, &a, child, -1, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

int main(int argc, char **argv)
{
	struct rusage ru;
	int status, go[2], pfd;
	long long faults = -1;
	uint64_t v;
	pid_t pid;
	FILE *f;
	char c;

	if (argc < 3) {
		fputs("usage: maxrss OUTFILE CMD [ARG...]\n", stderr);
		return 2;
	}
	if (pipe(go) < 0 || (pid = fork()) < 0) {
		perror("maxrss: fork");
		return 2;
	}
	if (pid == 0) {
		/* until the counter is attached */
		close(go[1]);
		if (read(go[0], &c, 1) < 0)
			_exit(127);
		close(go[0]);
		execvp(argv[2], argv + 2);
		perror("maxrss: exec");
		_exit(127);
	}
	close(go[0]);
	pfd = fault_counter(pid);
	close(go[1]);
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("maxrss: wait4");
		return 2;
	}
	if (pfd >= 0 && read(pfd, &v, sizeof(v)) == sizeof(v))
		faults = (long long)v;
	if (!(f = fopen(argv[1], "w")) ||
	    fprintf(f, "%ld %ld %lld\n", ru.ru_maxrss, ru.ru_minflt, faults) < 0 ||
	    fclose(f) != 0) {
		perror("maxrss: write");
		return 2;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
