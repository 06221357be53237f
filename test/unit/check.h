/* SPDX-License-Identifier: MIT */
/* check: the unit-test harness. Each CHECK prints "PASS: MODULE: what" or
 * "FAIL: MODULE: what (file:line)"; test/run.sh counts the lines.
 * check_path("test/data/...") names a file of the repository: below $TOP
 * (test/run.sh exports it), else below the current directory (make and
 * test/run.sh run from the top). Nothing outside the repository is read. */
#ifndef OCIBOX_CHECK_H
#define OCIBOX_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_failed;
static const char *check_module = "unit";

#define CHECK_NAMED(expr, ...) do { \
	int check_ok_ = !!(expr); \
	if (check_ok_) { \
		printf("PASS: %s: ", check_module); \
	} else { \
		printf("FAIL: %s: ", check_module); \
		check_failed++; \
	} \
	printf(__VA_ARGS__); \
	if (!check_ok_) \
		printf(" (%s:%d)", __FILE__, __LINE__); \
	printf("\n"); \
} while (0)
#define CHECK(expr) CHECK_NAMED(expr, "%s", #expr)
/* EXPR fails today because of a reported bug outside the tests (BUG says
 * which): a SKIP line naming it until it is fixed, a PASS after. */
#define CHECK_BUG(expr, what, bug) do { \
	if (expr) \
		printf("PASS: %s: %s\n", check_module, what); \
	else \
		printf("SKIP: %s: %s: known bug: %s\n", check_module, what, bug); \
} while (0)
#define CHECK_DONE() (fflush(stdout), check_failed ? 1 : 0)

/* REL inside the repository, in a static buffer (the next call reuses it). */
static inline const char *check_path(const char *rel)
{
	static char buf[4096];
	const char *top = getenv("TOP");

	snprintf(buf, sizeof(buf), "%s/%s", top && *top ? top : ".", rel);
	return buf;
}

#endif
