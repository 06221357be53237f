/* SPDX-License-Identifier: MIT */
/* check: the unit-test harness. Each CHECK prints "PASS: MODULE: what" or
 * "FAIL: MODULE: what (file:line)"; test/run.sh counts the lines. */
#ifndef OCIBOX_CHECK_H
#define OCIBOX_CHECK_H

#include <stdio.h>

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
#define CHECK_DONE() (fflush(stdout), check_failed ? 1 : 0)

#endif
