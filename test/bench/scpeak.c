/* SPDX-License-Identifier: MIT */
/* scpeak: the memory libseccomp itself needs to compile a seccomp profile,
 * with nothing of ocibox around it: musl's own malloc (libseccomp.a calls
 * sc_heap_*, see third_party/libseccomp.mk; here they are plain malloc),
 * no JSON, no spec. `make bench` runs it on podman's profile to say what
 * part of the first create's peak RSS belongs to the library.
 *
 * Input on stdin, one rule per line (test/bench/run.sh makes it from the
 * profile with jq), after a first line "DEFAULT ERRNO ARCH...":
 *   ACTION ERRNO SYSCALL NARGS [INDEX OP VALUE VALUETWO]...
 * ACTION is A (allow), E (errno), K (kill thread), P (kill process), T
 * (trap), L (log); OP is libseccomp's enum scmp_compare (1 NE .. 7
 * MASKED_EQ). As in ocibox, a syscall this libseccomp does not know and a
 * rule with the default action are skipped; a rule whose conditions repeat
 * an index comes as one line per condition.
 * Output: "RULES INSNS START_KIB PEAK_KIB", VmHWM of this process before
 * the first rule and after the export. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void *sc_heap_malloc(size_t n) { return malloc(n); }
void *sc_heap_calloc(size_t n, size_t size) { return calloc(n, size); }
void *sc_heap_realloc(void *p, size_t n) { return realloc(p, n); }
void sc_heap_free(void *p) { free(p); }
char *sc_heap_strdup(const char *s) { return strdup(s); }

static void die(const char *what, int err)
{
	fprintf(stderr, "scpeak: %s: %s\n", what, strerror(err));
	exit(1);
}

/* the high-water mark of this process's resident set (not ru_maxrss:
 * that one carries the shell's over execve) */
static long hwm_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status", errno);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			v = atol(line + 6);
	fclose(f);
	return v;
}

static uint32_t action(char a, int no)
{
	switch (a) {
	case 'A': return SCMP_ACT_ALLOW;
	case 'E': return SCMP_ACT_ERRNO(no);
	case 'K': return SCMP_ACT_KILL;
	case 'P': return SCMP_ACT_KILL_PROCESS;
	case 'T': return SCMP_ACT_TRAP;
	case 'L': return SCMP_ACT_LOG;
	}
	fprintf(stderr, "scpeak: unknown action %c\n", a);
	exit(1);
}

int main(void)
{
	char def[4], a[4], arch[32], name[64];
	struct scmp_arg_cmp cmp[6];
	int defno, no, n, i, rules = 0, rc, fd;
	long start = hwm_kib();
	uint32_t defact;
	scmp_filter_ctx ctx;

	if (scanf("%3s %d", def, &defno) != 2)
		die("the first line: DEFAULT ERRNO ARCH...", EINVAL);
	defact = action(def[0], defno);
	if (!(ctx = seccomp_init(defact)))
		die("seccomp_init", EINVAL);
	while (getchar() == ' ' && scanf("%31s", arch) == 1) {
		uint32_t t = seccomp_arch_resolve_name(arch);

		if (!t)
			die(arch, EINVAL);
		if ((rc = seccomp_arch_add(ctx, t)) < 0 && rc != -EEXIST)
			die(arch, -rc);
	}
	while (scanf("%3s %d %63s %d", a, &no, name, &n) == 4) {
		uint32_t act = action(a[0], no);
		int nr = seccomp_syscall_resolve_name(name);

		if (n < 0 || n > 6)
			die(name, EINVAL);
		for (i = 0; i < n; i++) {
			unsigned long long v, v2;
			unsigned idx, op;

			if (scanf("%u %u %llu %llu", &idx, &op, &v, &v2) != 4)
				die(name, EINVAL);
			cmp[i] = (struct scmp_arg_cmp){ idx, op, v, v2 };
		}
		if (act == defact || nr == __NR_SCMP_ERROR)
			continue;
		if ((rc = seccomp_rule_add_array(ctx, act, nr, n, cmp)) < 0)
			die(name, -rc);
		rules++;
	}
	if ((fd = memfd_create("scpeak", 0)) < 0)
		die("memfd_create", errno);
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0)
		die("seccomp_export_bpf", -rc);
	printf("%d %ld %ld %ld\n", rules, (long)lseek(fd, 0, SEEK_CUR) / 8,
	       start, hwm_kib());
	return 0;
}
