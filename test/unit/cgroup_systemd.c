/* SPDX-License-Identifier: MIT */
/* Unit test of core/cgroup_systemd's pure parts: cgroupsPath to unit and
 * path, slice expansion, shares to weight, cpu lists to AllowedCPUs bytes,
 * annotation properties (read back from a sealed message), and the error
 * when no systemd can be reached. The driver against a real systemd is
 * test/systemd/driver.sh (make test-systemd). Needs neither root nor systemd. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cgroup_int.h"
#include "core/cgroup_systemd.h"
#include "core/dbus.h"
#include "core/err.h"
#include "core/util.h"
#include "test/unit/check.h"

static void test_expand(void)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "system.slice", "/system.slice" },
		{ "a-b.slice", "/a.slice/a-b.slice" },
		{ "a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice" },
		{ "kubepods-besteffort-pod1.slice",
		  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice" },
		{ "-.slice", "" },
	};
	static const char *const bad[] = {
		".slice", "system", "a--b.slice", "-a.slice", "a-.slice", "a/b.slice",
		"system.scope", "",
	};
	char out[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		CHECK_NAMED(cgsd_expand_slice(ok[i].in, out, sizeof(out)) == 0 &&
			    str_eq(out, ok[i].out), "expand %s -> '%s' (got '%s')", ok[i].in,
			    ok[i].out, out);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_NAMED(cgsd_expand_slice(bad[i], out, sizeof(out)) < 0 &&
			    strstr(err_last.msg, "invalid slice name"),
			    "slice name '%s' refused: %s", bad[i], err_last.msg);
	CHECK_NAMED(cgsd_expand_slice("a-b-c.slice", out, 20) < 0, "too long for OUT refused");
}

static void test_parse(void)
{
	static const struct {
		const char *in;
		bool root;
		const char *unit, *path;
	} ok[] = {
		{ NULL, true, "ocibox-c1.scope", "/system.slice/ocibox-c1.scope" },
		{ "", false, "ocibox-c1.scope", "/user.slice/ocibox-c1.scope" },
		{ "machine.slice:libpod:abc", true, "libpod-abc.scope",
		  "/machine.slice/libpod-abc.scope" },
		{ "system.slice:docker:abc", true, "docker-abc.scope",
		  "/system.slice/docker-abc.scope" },
		{ ":docker:abc", true, "docker-abc.scope", "/system.slice/docker-abc.scope" },
		{ "kubepods-besteffort-pod1.slice:cri-containerd:x", true,
		  "cri-containerd-x.scope", "/kubepods.slice/kubepods-besteffort.slice/"
		  "kubepods-besteffort-pod1.slice/cri-containerd-x.scope" },
		{ "-.slice:p:n", true, "p-n.scope", "/p-n.scope" },
		{ "system.slice::n", true, "n.scope", "/system.slice/n.scope" },
		/* a slice NAME is the unit, placed by its own name */
		{ "system.slice:p:ocibox-a.slice", true, "ocibox-a.slice",
		  "/ocibox.slice/ocibox-a.slice" },
	};
	static const char *const bad[] = {
		"/ocibox/x", "a:b", "a:b:c:d", "system.slice:p:", "system.slice:p:a/b",
		"system.slice:p/q:n", "system:p:n", "a--b.slice:p:n", "s.slice:p:a--b.slice",
	};
	char unit[256], path[1024];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		CHECK_NAMED(cgsd_parse(ok[i].in, "c1", ok[i].root, unit, sizeof(unit), path,
				       sizeof(path)) == 0 && str_eq(unit, ok[i].unit) &&
			    str_eq(path, ok[i].path), "cgroupsPath '%s'%s -> %s in %s (got %s %s)",
			    ok[i].in ? ok[i].in : "(none)", ok[i].root ? "" : " not root",
			    ok[i].unit, ok[i].path, unit, path);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_NAMED(cgsd_parse(bad[i], "c1", true, unit, sizeof(unit), path,
				       sizeof(path)) < 0 &&
			    has_prefix(err_last.msg, "linux.cgroupsPath \"") && !strchr(err_last.msg, '\n'),
			    "cgroupsPath '%s' refused: %s", bad[i], err_last.msg);
	CHECK_NAMED(cgsd_parse(NULL, NULL, true, unit, sizeof(unit), path, sizeof(path)) < 0,
		    "no id and no cgroupsPath refused");
}

static void test_weight(void)
{
	static const uint64_t in[][2] = {
		{ 0, 0 }, { 1, 1 }, { 2, 1 }, { 1024, 39 }, { 262144, 10000 }, { 999999, 10000 },
	};
	size_t i;

	/* runc's ConvertCPUSharesToCgroupV2Value, clamped to v1's range */
	for (i = 0; i < ARRAY_SIZE(in); i++)
		CHECK_NAMED(cg_cpu_weight(in[i][0]) == in[i][1], "cpu.shares %llu -> weight %llu "
			    "(got %llu)", (unsigned long long)in[i][0], (unsigned long long)in[i][1],
			    (unsigned long long)cg_cpu_weight(in[i][0]));
}

static void test_bitmask(void)
{
	static const struct { const char *in; int n; uint8_t b[3]; } ok[] = {
		{ "0", 1, { 0x01 } }, { "0-3", 1, { 0x0f } }, { "1,3", 1, { 0x0a } },
		{ "0-2,8", 2, { 0x07, 0x01 } }, { "7-9,23", 3, { 0x80, 0x03, 0x80 } },
		{ "", 0, { 0 } },
	};
	static const char *const bad[] = { "a", "1-", "3-1", "1,,2", "-1", "1 2", "24", "0-24",
					   "1;2" };
	uint8_t b[3];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		CHECK_NAMED(cgsd_bitmask(ok[i].in, b, sizeof(b)) == ok[i].n &&
			    !memcmp(b, ok[i].b, sizeof(b)), "cpus '%s' -> %d bytes", ok[i].in,
			    ok[i].n);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_NAMED(cgsd_bitmask(bad[i], b, sizeof(b)) < 0, "cpus '%s' refused (%s)",
			    bad[i], err_last.msg);
}

/* TEXT as property NAME, sealed and read back: its name, signature and the
 * value as text ("t 5", "s x", "as a,b"); "" when refused. */
static void prop_back(const char *name, const char *text, char *out, size_t size)
{
	struct dbus_msg m, p;
	struct dbus_rd r, a, s, v;
	const char *pname, *str;
	uint64_t u = 0;
	uint32_t u32 = 0;
	uint16_t u16 = 0;
	uint8_t y = 0;
	bool b;
	size_t n;

	out[0] = '\0';
	dbus_msg_call(&m, NULL, "/", "x.y", "Z", "a(sv)");
	dbus_open(&m, 'a', "(sv)");
	if (cgsd_prop_text(&m, name, text) < 0) {
		dbus_msg_fini(&m);
		return;
	}
	dbus_close(&m);
	if (dbus_msg_seal(&m, 1) < 0 || dbus_msg_parse(&p, m.buf, m.len) < 0) {
		snprintf(out, size, "bad message: %s", err_last.msg);
		dbus_msg_fini(&m);
		return;
	}
	dbus_msg_fini(&m);
	dbus_msg_body(&p, &r);
	if (dbus_enter(&r, 'a', &a) < 0 || dbus_enter(&a, '(', &s) < 0 ||
	    dbus_read(&s, "s", &pname) < 0 || dbus_enter(&s, 'v', &v) < 0)
		goto bad;
	n = snprintf(out, size, "%s %s", pname, v.lo);
	switch (*v.lo) {
	case 't': case 'x':
		if (dbus_read(&v, v.lo, &u) < 0)
			goto bad;
		snprintf(out + n, size - n, " %lld", (long long)u);
		break;
	case 'u': case 'i':
		if (dbus_read(&v, v.lo, &u32) < 0)
			goto bad;
		snprintf(out + n, size - n, " %lld", *v.lo == 'i' ? (long long)(int32_t)u32 :
			 (long long)u32);
		break;
	case 'n': case 'q':
		if (dbus_read(&v, v.lo, &u16) < 0)
			goto bad;
		snprintf(out + n, size - n, " %lld", *v.lo == 'n' ? (long long)(int16_t)u16 :
			 (long long)u16);
		break;
	case 'y':
		if (dbus_read(&v, "y", &y) < 0)
			goto bad;
		snprintf(out + n, size - n, " %u", y);
		break;
	case 'b':
		if (dbus_read(&v, "b", &b) < 0)
			goto bad;
		snprintf(out + n, size - n, " %s", b ? "true" : "false");
		break;
	case 's':
		if (dbus_read(&v, "s", &str) < 0)
			goto bad;
		snprintf(out + n, size - n, " %s", str);
		break;
	case 'a':
		if (dbus_enter(&v, 'a', &a) < 0)
			goto bad;
		for (; dbus_more(&a); n += strlen(out + n)) {
			if (dbus_read(&a, "s", &str) < 0)
				goto bad;
			snprintf(out + n, size - n, "%s%s", out[n - 1] == 's' ? " " : ",", str);
		}
		break;
	}
	dbus_msg_fini(&p);
	return;
bad:
	snprintf(out, size, "unreadable: %s", err_last.msg);
	dbus_msg_fini(&p);
}

static void test_props(void)
{
	static const struct { const char *name, *text, *want; } ok[] = {
		{ "CollectMode", "'inactive-or-failed'", "CollectMode s inactive-or-failed" },
		{ "Description", "\"a \\\"b\\\" c\"", "Description s a \"b\" c" },
		{ "Description", "'it\\'s'", "Description s it's" },
		{ "TimeoutStopUSec", "uint64 123456789", "TimeoutStopUSec t 123456789" },
		{ "TimeoutStopUSec", "@t 5", "TimeoutStopUSec t 5" },
		{ "TasksMax", "uint64 18446744073709551615", "TasksMax t -1" },
		{ "CPUWeight", " uint64  7 ", "CPUWeight t 7" },
		{ "Nice", "int32 -5", "Nice i -5" },
		{ "Nice", "-5", "Nice i -5" },
		{ "X", "uint32 4294967295", "X u 4294967295" },
		{ "X", "int64 -9223372036854775808", "X x -9223372036854775808" },
		{ "X", "int16 -32768", "X n -32768" },
		{ "X", "uint16 65535", "X q 65535" },
		{ "X", "byte 255", "X y 255" },
		{ "X", "@y 7", "X y 7" },
		{ "Delegate", "true", "Delegate b true" },
		{ "SendSIGHUP", "false", "SendSIGHUP b false" },
		{ "Delegate", "@b true", "Delegate b true" },
		{ "Wants", "['a.service', \"b.service\"]", "Wants as a.service,b.service" },
		{ "Wants", "@as []", "Wants as" },
		{ "After", "['x.service']", "After as x.service" },
		/* seconds, as runc: NAMESec is NAMEUSec times 10^6 */
		{ "TimeoutStopSec", "uint64 5", "TimeoutStopUSec t 5000000" },
		{ "RuntimeMaxSec", "7", "RuntimeMaxUSec t 7000000" },
	};
	static const struct { const char *name, *text; } bad[] = {
		{ "Memory-Max", "true" }, { "Memory1", "true" }, { "", "true" },
		{ "X", "tru" }, { "X", "'open" }, { "X", "'a' b" }, { "X", "1.5" },
		{ "X", "double 1.5" }, { "X", "byte 256" }, { "X", "byte -1" },
		{ "X", "uint64 -1" }, { "X", "uint64 18446744073709551616" },
		{ "X", "int32 2147483648" }, { "X", "int16 40000" }, { "X", "uint32 x" },
		{ "X", "['a'" }, { "X", "['a' 'b']" }, { "X", "[1, 2]" }, { "X", "@t true" },
		{ "X", "@s 5" }, { "X", "uint64 5 6" }, { "X", "" }, { "X", "@d 1" },
		{ "TimeoutStopSec", "'5'" }, { "TimeoutStopSec", "true" },
		{ "TimeoutStopSec", "-5" }, { "TimeoutStopSec", "uint64 18446744073709551" },
	};
	char got[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		prop_back(ok[i].name, ok[i].text, got, sizeof(got));
		CHECK_NAMED(str_eq(got, ok[i].want), "annotation %s=%s -> %s (got '%s' %s)",
			    ok[i].name, ok[i].text, ok[i].want, got, got[0] ? "" : err_last.msg);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		prop_back(bad[i].name, bad[i].text, got, sizeof(got));
		CHECK_NAMED(!got[0] && has_prefix(err_last.msg, "annotation org.systemd.property."),
			    "annotation %s=%s refused: %s", bad[i].name, bad[i].text,
			    got[0] ? got : err_last.msg);
	}
}

/* No bus and no systemd (this machine): one line naming both sockets. */
static void test_unreachable(void)
{
	struct cgroup cg;

	memset(&cg, 0, sizeof(cg));
	strcpy(cg.unit, "ocibox-x.scope");
	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/ocibox-test-bus", 1);
	if (access(DBUS_SYSTEMD_PRIVATE, F_OK) == 0) {
		printf("SKIP: cgroup_systemd: the unreachable error: %s exists\n",
		       DBUS_SYSTEMD_PRIVATE);
		return;
	}
	CHECK_NAMED(cgsd_stop(&cg) < 0 && has_prefix(err_last.msg, "systemd: no system bus (dbus: connect ") &&
		    strstr(err_last.msg, "/nonexistent/ocibox-test-bus") &&
		    strstr(err_last.msg, DBUS_SYSTEMD_PRIVATE) && !strchr(err_last.msg, '\n'),
		    "no bus, no systemd: %s", err_last.msg);
}

int main(void)
{
	check_module = "cgroup_systemd";
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_expand();
	test_parse();
	test_weight();
	test_bitmask();
	test_props();
	test_unreachable();
	return CHECK_DONE();
}
