/* SPDX-License-Identifier: MIT */
/* json tests: valid/invalid tables, truncations, round trips, integer edges,
 * the writer, real *.json files under /usr, and a seeded mutation fuzz loop.
 * JSON_BENCH=1 also times the parser on the podman sample. */
#include <fcntl.h>
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/err.h"
#include "core/json.h"
#include "core/util.h"
#include "test/unit/check.h"

/* in the repository: see check_path() */
#define PODMAN "test/data/samples/podman-config.sample.json"

/* A realistic hand-indented config.json (escapes, a surrogate pair, negative
 * and 32-bit numbers), so that the test does not depend on PODMAN. */
static const char oci_config[] =
	"{\n"
	"\t\"ociVersion\": \"1.2.0\",\n"
	"\t\"process\": {\n"
	"\t\t\"terminal\": false,\n"
	"\t\t\"user\": { \"uid\": 0, \"gid\": 0, \"umask\": 18,\n"
	"\t\t\t\"additionalGids\": [10, 4294967295] },\n"
	"\t\t\"args\": [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\" \\u00e9\\t"
	"\\ud83d\\ude00 > /tmp/x\"],\n"
	"\t\t\"env\": [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\", "
	"\"TERM=xterm\"],\n"
	"\t\t\"cwd\": \"/\",\n"
	"\t\t\"capabilities\": {\n"
	"\t\t\t\"bounding\": [\"CAP_CHOWN\", \"CAP_KILL\"],\n"
	"\t\t\t\"effective\": [\"CAP_CHOWN\", \"CAP_KILL\"]\n"
	"\t\t},\n"
	"\t\t\"rlimits\": [{ \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, "
	"\"soft\": 1024 }],\n"
	"\t\t\"noNewPrivileges\": true,\n"
	"\t\t\"oomScoreAdj\": -500\n"
	"\t},\n"
	"\t\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
	"\t\"hostname\": \"ocibox\",\n"
	"\t\"mounts\": [\n"
	"\t\t{ \"destination\": \"/proc\", \"type\": \"proc\", "
	"\"source\": \"proc\" },\n"
	"\t\t{ \"destination\": \"/dev\", \"type\": \"tmpfs\", "
	"\"source\": \"tmpfs\",\n"
	"\t\t  \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
	"\"size=65536k\"] }\n"
	"\t],\n"
	"\t\"annotations\": { \"org.example/key\": \"a\\/b\", "
	"\"empty\": \"\" },\n"
	"\t\"linux\": {\n"
	"\t\t\"resources\": { \"memory\": { \"limit\": 536870912, "
	"\"swap\": -1 },\n"
	"\t\t\t\"cpu\": { \"shares\": 1024, \"quota\": 50000, "
	"\"period\": 100000 },\n"
	"\t\t\t\"devices\": [{ \"allow\": false, \"access\": \"rwm\" }] },\n"
	"\t\t\"namespaces\": [{ \"type\": \"pid\" }, { \"type\": \"mount\" }, "
	"{ \"type\": \"network\", \"path\": null }],\n"
	"\t\t\"uidMappings\": [{ \"containerID\": 0, \"hostID\": 100000, "
	"\"size\": 65536 }],\n"
	"\t\t\"maskedPaths\": [\"/proc/kcore\", \"/sys/firmware\"],\n"
	"\t\t\"sysctl\": { \"net.ipv4.ip_forward\": \"1\" },\n"
	"\t\t\"seccomp\": { \"defaultAction\": \"SCMP_ACT_ERRNO\", "
	"\"defaultErrnoRet\": 1, \"flags\": [] }\n"
	"\t}\n"
	"}\n";

/* Each rule's positive side. NTOK is checked when not 0. */
static const struct {
	const char *doc;
	unsigned ntok;
} valid[] = {
	{ "{}", 1 }, { "[]", 1 }, { " \t\r\n{ \t\r\n} \t\r\n", 1 },
	{ "[ ]", 1 }, { "{ }", 1 }, { "[[]]", 2 }, { "[{}]", 2 },
	{ "0", 1 }, { "-0", 1 }, { "7", 1 }, { "-1", 1 }, { "10", 1 },
	{ "0.5", 1 }, { "-0.0e-0", 1 }, { "1E+2", 1 }, { "1e-2", 1 },
	{ "1.5E10", 1 }, { "0e0", 1 }, { "1e999999", 1 }, { "-1e-999999", 1 },
	{ "123456789012345678901234567890123456789012345678901234567890", 1 },
	{ "0.000000000000000000000000000000000000000000000000000001", 1 },
	{ "true", 1 }, { "false", 1 }, { "null", 1 }, { " null ", 1 },
	{ "\"\"", 1 }, { "\"a\"", 1 }, { "\"/\"", 1 }, { "\"\x7f\"", 1 },
	{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", 1 }, { "\"\\u0000\"", 1 },
	{ "\"\\uD83D\\uDE00\"", 1 }, { "\"\\ud83d\\ude00\"", 1 },
	{ "\"\\uDBFF\\uDFFF\"", 1 }, { "\"\\uFFFF\\uFFFE\"", 1 },
	{ "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"", 1 },
	{ "\"\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xc2\x80\xdf\xbf\"", 1 },
	{ "\"\xe0\xa0\x80\xf0\x90\x80\x80\"", 1 },
	{ "[1,2,3]", 4 }, { "[1 , 2 ,\n3 ]", 4 },
	{ "{\"a\":1,\"b\":[true,false,null]}", 8 },
	{ "{\"\":0}", 3 }, { "{\"a\":1,\"a\":2}", 5 },
	{ "[\"a\",{\"b\":[{}]},[[\"c\"]],-1.5e+3]", 10 },
	{ "{\"a\"\n:\n1\n,\n\"b\"\r:\t2}", 5 },
};

/* Each rule's negative side. */
static const char *const invalid[] = {
	/* structure, trailing commas, trailing garbage */
	"", " ", "[", "{", "[1", "[1,", "{\"a\"", "{\"a\":", "{\"a\":1",
	"[1,2,]", "{\"a\":1,}", "[,1]", "[1,,2]", "{,}", "[1 2]", "{\"a\" 1}",
	"{1:2}", "{\"a\":1 \"b\":2}", "{\"a\"::1}", "{\"a\"}", "{\"a\",\"b\"}",
	"{null:1}", "{\"a\":1]", "[1}", ":", ",", "]", "}", "{} x", "[] []",
	"1 2", "{}}", "[]]", "\"a\"\"b\"", "{\"a\":1}{", "nullx", "[true1]",
	/* comments and single quotes */
	"// c\n{}", "/**/{}", "{\"a\":1 /* x */}", "# x\n{}", "'a'",
	"{'a':1}", "{\"a\":'b'}",
	/* numbers */
	"01", "-01", "00", "[01]", "+1", ".5", "1.", "1.e3", "1e", "1e+",
	"1E-", "-", "--1", "- 1", "0x10", "1.5.3", "1e5e5", "NaN", "Infinity",
	"-Infinity", "[NaN]", "nan",
	/* bare words */
	"tru", "nul", "fals", "t", "True", "NULL", "truex", "[tru]",
	"undefined", "a",
	/* strings: control characters, escapes */
	"\"\x01\"", "\"a\nb\"", "\"\t\"", "\"\x1f\"", "\"\\x\"", "\"\\'\"",
	"\"\\a\"", "\"\\U0041\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\u\"",
	"\"\\\"", "\"\\", "\"\\\x01\"", "\"\\\xc3\xa9\"", "\"abc",
	/* invalid UTF-8: overlong, surrogates, > U+10FFFF, stray, truncated */
	"\"\xc0\xaf\"", "\"\xc1\xbf\"", "\"\xe0\x80\xaf\"", "\"\xe0\x9f\xbf\"",
	"\"\xf0\x80\x80\xaf\"", "\"\xf0\x8f\xbf\xbf\"", "\"\xed\xa0\x80\"",
	"\"\xed\xbf\xbf\"", "\"\xed\xa0\xbd\xed\xb8\x80\"",
	"\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"",
	"\"\xf8\x88\x80\x80\x80\"", "\"\xff\"", "\"\xfe\"", "\"\x80\"",
	"\"a\xbf\"", "\"\xc3\"", "\"\xc3", "\"\xe2\x82\"", "\"\xf0\x9f\x98\"",
	"\"\xc3\x28\"", "\"\xe2\x28\xa1\"", "\xc3\xa9",
	/* lone and mis-ordered surrogates in \u escapes */
	"\"\\uD800\"", "\"\\uDC00\"", "\"\\uD800\\u0041\"",
	"\"\\uDC00\\uD800\"", "\"\\uD800\\uD800\"", "\"\\uD800x\"",
	"\"\\uD800\\\"", "\"\\uDBFF\\uE000\"", "\"\\uD800\\n\"",
	"\"\\uD800\\u", "\"\\uD800\\uDC0\"",
	/* only space, \t, \n and \r are whitespace; no BOM */
	"\xef\xbb\xbf{}", "\v{}", "\f{}", "{}\v", "\xc2\xa0{}",
	"[1,\xe3\x80\x80" "2]",
};

/* The messages: whole, or only the "NAME:LINE:COL: " prefix. */
static const struct {
	const char *doc, *msg;
} invalid_msg[] = {
	{ "", "config.json:1:1: unexpected end of input, expected a value" },
	{ " \n ", "config.json:2:2: " },
	{ "\r\n\t [\n\n  @", "config.json:4:3: expected a value" },
	{ "{\n  \"a\": 1\n  \"b\": 2\n}",
	  "config.json:3:3: expected ',' or '}' after object member" },
	{ "{\n\"a\":\n   \"\\x\"}",
	  "config.json:3:5: invalid escape '\\x' in string" },
	{ "[1 2]", "config.json:1:4: expected ',' or ']' after array element" },
	{ "[1", "config.json:1:3: unexpected end of input, expected ',' or "
	  "']' after array element" },
	{ "{", "config.json:1:2: unexpected end of input, expected a string "
	  "key or '}'" },
	{ "{\"a\":1,2}", "config.json:1:8: expected a string key after ','" },
	{ "{\"a\" 1}", "config.json:1:6: expected ':' after object key" },
	{ "[1,2,]", "config.json:1:6: expected a value after ',' (no trailing "
	  "commas in JSON)" },
	{ "{\"a\":1,\n}", "config.json:2:1: expected a string key after ',' "
	  "(no trailing commas in JSON)" },
	{ "// c\n{}", "config.json:1:1: expected a value (JSON has no "
	  "comments)" },
	{ "{'a':1}", "config.json:1:2: expected a string key or '}' (strings "
	  "take double quotes)" },
	{ "{} x", "config.json:1:4: expected end of input after the root "
	  "value" },
	{ "truex", "config.json:1:5: " },
	{ "tru", "config.json:1:1: invalid literal, expected 'true'" },
	{ "[nul]", "config.json:1:2: invalid literal, expected 'null'" },
	{ "01", "config.json:1:1: leading zero in number" },
	{ "-01", "config.json:1:2: leading zero in number" },
	{ "-x", "config.json:1:2: expected a digit after '-'" },
	{ "1.", "config.json:1:3: expected a digit after '.'" },
	{ "1e+", "config.json:1:4: expected a digit in exponent" },
	{ "\"abc", "config.json:1:1: unterminated string" },
	{ "\"\x01\"", "config.json:1:2: control character 0x01 in string "
	  "must be escaped" },
	{ "\"\\\x01\"", "config.json:1:2: invalid escape '\\' + byte 0x01 in "
	  "string" },
	{ "\"\\u12G4\"", "config.json:1:2: expected 4 hex digits after '\\u'" },
	{ "\"ab\xed\xa0\x80\"", "config.json:1:4: invalid UTF-8 byte 0xed in "
	  "string" },
	{ "\"\\uD800\"", "config.json:1:2: unpaired surrogate '\\uD800' in "
	  "string" },
	{ "\"x\\udc00\"", "config.json:1:3: unpaired surrogate '\\uDC00' in "
	  "string" },
};

/* Invalid documents with NUL bytes, so with explicit lengths. */
static const struct {
	const char *doc;
	size_t len;
} invalid_nul[] = {
	{ "\0", 1 }, { "{}\0", 3 }, { "\0{}", 3 }, { "\"a\0b\"", 5 },
	{ "[1,\0]", 5 }, { "tr\0e", 4 }, { "1\0", 2 }, { "\"\\\0\"", 4 },
	{ "\"\\u00\0\"", 7 },
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Exactly sized buffers (len + 1), so ASan catches any read past the spare
 * byte. On success *BUF must be freed after json_fini(). */
static int parse_copy(struct json_doc *d, char **buf, const char *s, size_t n,
		      const char *name)
{
	*buf = xmalloc(n + 1);
	memcpy(*buf, s, n);
	if (json_parse(d, *buf, n, name) < 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

static bool parses(const char *s, size_t n)
{
	AUTOFREE char *buf = NULL;
	struct json_doc d;

	if (parse_copy(&d, &buf, s, n, "config.json") < 0)
		return false;
	json_fini(&d);
	return true;
}

/* Parse S[0..N) copied to the end of BUF[0..SIZE), so that the spare byte
 * is the block's last and ASan flags any read beyond it, with no malloc per
 * call: musl unmaps freed blocks of 10-30 KiB, costing more than a parse. */
static int parse_tail(struct json_doc *d, char *buf, size_t size,
		      const char *s, size_t n)
{
	char *p = buf + size - (n + 1);

	memcpy(p, s, n);
	return json_parse(d, p, n, "config.json");
}

/* "NAME:LINE:COL: what", LINE and COL >= 1 and WHAT non-empty. */
static bool has_position(const char *msg, const char *name)
{
	size_t n = strlen(name);
	unsigned line = 0, col = 0;
	int end = 0;

	if (strncmp(msg, name, n) || msg[n] != ':')
		return false;
	if (sscanf(msg + n, ":%u:%u: %n", &line, &col, &end) != 2 || !end)
		return false;
	return line >= 1 && col >= 1 && msg[n + end];
}

static bool same_tokens(const struct json_doc *a, const struct json_doc *b)
{
	const struct json_tok *x, *y;
	uint32_t i;

	if (a->ntok != b->ntok)
		return false;
	for (i = 0; i < a->ntok; i++) {
		x = &a->tok[i];
		y = &b->tok[i];
		if (x->type != y->type || x->size != y->size ||
		    x->next != y->next || x->len != y->len)
			return false;
		if ((x->type == JSON_STRING || x->type == JSON_NUMBER) &&
		    memcmp(a->buf + x->start, b->buf + y->start, x->len))
			return false;
	}
	return true;
}

/* Parse -> jw_copy -> parse: the same tokens; and copying the copy gives the
 * same bytes (the writer's output is canonical). */
static bool round_trip(const struct json_doc *d)
{
	struct jw w1, w2;
	struct json_doc d2;
	AUTOFREE char *buf = NULL;
	bool ok;

	jw_init(&w1);
	jw_copy(&w1, d, 0);
	if (parse_copy(&d2, &buf, w1.buf, w1.len, "copy") < 0) {
		jw_fini(&w1);
		return false;
	}
	ok = same_tokens(d, &d2);
	jw_init(&w2);
	jw_copy(&w2, &d2, 0);
	ok = ok && w1.len == w2.len && !memcmp(w1.buf, w2.buf, w1.len);
	jw_fini(&w2);
	jw_fini(&w1);
	json_fini(&d2);
	return ok;
}

static void test_valid(void)
{
	AUTOFREE char *buf = NULL;
	struct json_doc d;
	size_t i;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		ok = parse_copy(&d, &buf, valid[i].doc, strlen(valid[i].doc),
				"config.json") == 0;
		if (ok) {
			ok = (!valid[i].ntok || d.ntok == valid[i].ntok) &&
			     d.tok[0].next == d.ntok && round_trip(&d);
			json_fini(&d);
			free(TAKE_PTR(buf));
		}
		CHECK_NAMED(ok, "valid #%zu parses, round-trips", i);
	}
}

static void test_invalid(void)
{
	size_t i, n;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		err_last.msg[0] = '\0';
		ok = !parses(invalid[i], strlen(invalid[i])) &&
		     has_position(err_last.msg, "config.json");
		CHECK_NAMED(ok, "invalid #%zu rejected: %s", i, err_last.msg);
	}
	for (i = 0; i < ARRAY_SIZE(invalid_nul); i++) {
		err_last.msg[0] = '\0';
		ok = !parses(invalid_nul[i].doc, invalid_nul[i].len) &&
		     has_position(err_last.msg, "config.json");
		CHECK_NAMED(ok, "invalid with NUL #%zu rejected: %s", i,
			    err_last.msg);
	}
	for (i = 0; i < ARRAY_SIZE(invalid_msg); i++) {
		err_last.msg[0] = '\0';
		n = strlen(invalid_msg[i].msg);
		ok = !parses(invalid_msg[i].doc, strlen(invalid_msg[i].doc));
		if (invalid_msg[i].msg[n - 1] == ' ')
			ok = ok && has_prefix(err_last.msg, invalid_msg[i].msg);
		else
			ok = ok && str_eq(err_last.msg, invalid_msg[i].msg);
		CHECK_NAMED(ok, "message: %s", err_last.msg);
	}
}

/* Decoded text of a one-string document. */
static bool decodes(const char *doc, const char *want, size_t n)
{
	AUTOFREE char *buf = NULL;
	struct json_doc d;
	bool ok;

	if (parse_copy(&d, &buf, doc, strlen(doc), "config.json") < 0)
		return false;
	ok = json_type(&d, 0) == JSON_STRING && d.tok[0].len == n &&
	     !memcmp(json_str(&d, 0), want, n) && json_str(&d, 0)[n] == '\0' &&
	     json_str_has_nul(&d, 0) == (memchr(want, 0, n) != NULL);
	json_fini(&d);
	return ok;
}

static void test_strings(void)
{
	static const struct {
		const char *doc, *want;
		size_t n;
	} t[] = {
		{ "\"\"", "", 0 },
		{ "\"abc\"", "abc", 3 },
		{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8 },
		{ "\"a\\u0000b\"", "a\0b", 3 },
		{ "\"\\u0000\"", "\0", 1 },
		{ "\"\\u0041\\u00e9\\u00E9\"", "A\xc3\xa9\xc3\xa9", 5 },
		{ "\"\\u20AC\"", "\xe2\x82\xac", 3 },
		{ "\"\\u07FF\\u0800\"", "\xdf\xbf\xe0\xa0\x80", 5 },
		{ "\"\\uFFFF\"", "\xef\xbf\xbf", 3 },
		{ "\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80", 4 },
		{ "\"\\uD800\\uDC00\"", "\xf0\x90\x80\x80", 4 },
		{ "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4 },
		{ "\"x\\uD83D\\uDE00y\\n\"", "x\xf0\x9f\x98\x80y\n", 7 },
		{ "\"\xf0\x9f\x98\x80\\t\xc3\xa9\"",
		  "\xf0\x9f\x98\x80\t\xc3\xa9", 7 },
	};
	AUTOFREE char *big = NULL, *want = NULL;
	size_t i, n = 1 << 20;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		CHECK_NAMED(decodes(t[i].doc, t[i].want, t[i].n),
			    "string #%zu decodes", i);

	/* A 1 MiB string of escapes decodes to half its length. */
	big = xmalloc(n + 3);
	want = xmalloc(n / 2 + 1);
	big[0] = '"';
	for (i = 0; i < n / 4; i++) {
		memcpy(big + 1 + 4 * i, i % 2 ? "\\\\\\n" : "\\t\\/", 4);
		memcpy(want + 2 * i, i % 2 ? "\\\n" : "\t/", 2);
	}
	big[n + 1] = '"';
	big[n + 2] = '\0';
	CHECK_NAMED(decodes(big, want, n / 2), "1 MiB escaped string");
}

static void test_structure(void)
{
	static const char doc[] =
		"{\n  \"a\": [1,\n\t2],\n\"b\":{\"c\":[]},\"d\":\"\\n\"}";
	/* type, size, next, line, col of each token, in document order */
	static const uint32_t want[][5] = {
		{ JSON_OBJECT, 3, 11, 1, 1 }, { JSON_STRING, 0, 2, 2, 3 },
		{ JSON_ARRAY, 2, 5, 2, 8 }, { JSON_NUMBER, 0, 4, 2, 9 },
		{ JSON_NUMBER, 0, 5, 3, 2 }, { JSON_STRING, 0, 6, 4, 1 },
		{ JSON_OBJECT, 1, 9, 4, 5 }, { JSON_STRING, 0, 8, 4, 6 },
		{ JSON_ARRAY, 0, 9, 4, 10 }, { JSON_STRING, 0, 10, 4, 14 },
		{ JSON_STRING, 0, 11, 4, 18 },
	};
	AUTOFREE char *buf = NULL;
	const struct json_tok *t;
	struct json_doc d;
	bool ok;
	size_t i;

	CHECK(parse_copy(&d, &buf, doc, strlen(doc), "config.json") == 0);
	if (!buf)
		return;
	ok = d.ntok == ARRAY_SIZE(want);
	for (i = 0; ok && i < ARRAY_SIZE(want); i++) {
		t = &d.tok[i];
		ok = t->type == want[i][0] && t->size == want[i][1] &&
		     t->next == want[i][2] && t->line == want[i][3] &&
		     t->col == want[i][4];
	}
	CHECK_NAMED(ok, "token type, size, next, line and col");
	CHECK(json_get(&d, 0, "a") == 2);
	CHECK(json_get(&d, 0, "c") == -1);
	CHECK(json_get(&d, json_get(&d, 0, "b"), "c") == 8);
	CHECK(json_get(&d, 2, "a") == -1);
	CHECK(json_get(&d, -1, "a") == -1);
	CHECK(str_eq(json_str(&d, json_get(&d, 0, "d")), "\n"));
	json_fini(&d);
}

static void test_get(void)
{
	static const char doc[] =
		"{\"a\":1,\"b\":{\"a\":9},\"ab\":7,\"a\\u0000b\":5,\"\":4,"
		"\"a\":2,\"x\":[{\"a\":3}]}";
	AUTOFREE char *buf = NULL;
	struct json_doc d;
	int v;

	CHECK(parse_copy(&d, &buf, doc, strlen(doc), "config.json") == 0);
	if (!buf)
		return;
	v = json_get(&d, 0, "a");
	CHECK_NAMED(v > 0 && !strncmp(json_str(&d, v), "2", 1),
		    "duplicate key: the last value wins");
	v = json_get(&d, 0, "ab");
	CHECK_NAMED(v > 0 && !strncmp(json_str(&d, v), "7", 1),
		    "\"ab\" does not match \"a\\u0000b\"");
	v = json_get(&d, 0, "");
	CHECK_NAMED(v > 0 && !strncmp(json_str(&d, v), "4", 1), "empty key");
	v = json_get(&d, 0, "ab") + 1;
	CHECK_NAMED(json_str_has_nul(&d, v) && d.tok[v].len == 3 &&
		    !memcmp(json_str(&d, v), "a\0b", 3), "key \"a\\u0000b\"");
	CHECK(json_get(&d, 0, "A") == -1 && json_get(&d, 0, "x") > 0);
	json_fini(&d);
}

static char *nested(int depth, const char *open, const char *leaf,
		    const char *close)
{
	size_t o = strlen(open), l = strlen(leaf), c = strlen(close), n = 0;
	char *s = xmalloc(depth * (o + c) + l + 1);
	int i;

	for (i = 0; i < depth; i++, n += o)
		memcpy(s + n, open, o);
	memcpy(s + n, leaf, l);
	n += l;
	for (i = 0; i < depth; i++, n += c)
		memcpy(s + n, close, c);
	s[n] = '\0';
	return s;
}

static void test_depth(void)
{
	/* LEVELS open containers per OPEN */
	static const struct {
		const char *open, *leaf, *close;
		int levels;
	} shapes[] = {
		{ "[", "", "]", 1 }, { "{\"a\":", "1", "}", 1 },
		{ "[{\"\":", "0", "}]", 2 }, { " [ ", "\"x\"", " ] ", 1 },
	};
	AUTOFREE char *buf = NULL;
	struct json_doc d;
	size_t i;
	char *s, *t;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		s = nested(JSON_MAX_DEPTH / shapes[i].levels, shapes[i].open,
			   shapes[i].leaf, shapes[i].close);
		ok = parse_copy(&d, &buf, s, strlen(s), "config.json") == 0;
		if (ok) {
			ok = d.tok[0].next == d.ntok && round_trip(&d);
			json_fini(&d);
			free(TAKE_PTR(buf));
		}
		CHECK_NAMED(ok, "exactly 1024 levels (shape %zu)", i);
		/* One more level around it. */
		t = xasprintf("[%s]", s);
		ok = !parses(t, strlen(t)) &&
		     strstr(err_last.msg, ": nesting deeper than 1024 levels");
		CHECK_NAMED(ok, "1025 levels (shape %zu): %s", i, err_last.msg);
		free(t);
		free(s);
	}
	s = nested(JSON_MAX_DEPTH + 1, "[", "", "]");
	CHECK(!parses(s, strlen(s)) && str_eq(err_last.msg,
		"config.json:1:1025: nesting deeper than 1024 levels"));
	free(s);
	/* Far deeper than any stack would allow: still no recursion. */
	s = nested(1000000, "[", "", "]");
	CHECK_NAMED(!parses(s, strlen(s)), "a million '[' are rejected");
	free(s);
}

static void test_integers(void)
{
	static const struct {
		const char *doc;
		int i64_ok, u64_ok;
		int64_t i;
		uint64_t u;
		const char *why;
	} t[] = {
		{ "0", 1, 1, 0, 0, NULL },
		{ "-0", 1, 1, 0, 0, NULL },
		{ "42", 1, 1, 42, 42, NULL },
		{ "-1", 1, 0, -1, 0, "out of range" },
		{ "9223372036854775807", 1, 1, INT64_MAX, INT64_MAX, NULL },
		{ "-9223372036854775808", 1, 0, INT64_MIN, 0, "out of range" },
		{ "9223372036854775808", 0, 1, 0, (uint64_t)INT64_MAX + 1,
		  "out of range" },
		{ "-9223372036854775809", 0, 0, 0, 0, "out of range" },
		{ "18446744073709551615", 0, 1, 0, UINT64_MAX, "out of range" },
		{ "18446744073709551616", 0, 0, 0, 0, "out of range" },
		{ "-18446744073709551616", 0, 0, 0, 0, "out of range" },
		{ "184467440737095516150", 0, 0, 0, 0, "out of range" },
		{ "99999999999999999999999999999999", 0, 0, 0, 0,
		  "out of range" },
		{ "1.0", 0, 0, 0, 0, "expected an integer" },
		{ "1e3", 0, 0, 0, 0, "expected an integer" },
		{ "-5E0", 0, 0, 0, 0, "expected an integer" },
		{ "\"1\"", 0, 0, 0, 0, "expected an integer" },
		{ "true", 0, 0, 0, 0, "expected an integer" },
		{ "null", 0, 0, 0, 0, "expected an integer" },
	};
	AUTOFREE char *buf = NULL, *big = NULL;
	struct json_doc d;
	int64_t i64;
	uint64_t u64;
	size_t i;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (parse_copy(&d, &buf, t[i].doc, strlen(t[i].doc), "x") < 0) {
			CHECK_NAMED(0, "integer #%zu parses", i);
			continue;
		}
		err_last.msg[0] = '\0';
		i64 = 12345;
		ok = t[i].i64_ok ? json_i64(&d, 0, &i64) == 0 && i64 == t[i].i :
		     json_i64(&d, 0, &i64) < 0 && i64 == 12345 &&
		     str_eq(err_last.msg, t[i].why);
		CHECK_NAMED(ok, "json_i64(%s) %s", t[i].doc,
			    t[i].i64_ok ? "converts" : t[i].why);
		err_last.msg[0] = '\0';
		u64 = 12345;
		ok = t[i].u64_ok ? json_u64(&d, 0, &u64) == 0 && u64 == t[i].u :
		     json_u64(&d, 0, &u64) < 0 && u64 == 12345 &&
		     str_eq(err_last.msg, t[i].why);
		CHECK_NAMED(ok, "json_u64(%s) %s", t[i].doc,
			    t[i].u64_ok ? "converts" : t[i].why);
		json_fini(&d);
		free(TAKE_PTR(buf));
	}

	CHECK(parse_copy(&d, &buf, "[1.5e3,-0.25,1e400,7]", 21, "x") == 0);
	if (buf) {
		CHECK(json_f64(&d, 1) == 1500.0 && json_f64(&d, 2) == -0.25);
		CHECK(isinf(json_f64(&d, 3)) && json_f64(&d, 4) == 7.0);
		json_fini(&d);
		free(TAKE_PTR(buf));
	}

	/* Numbers of any length stay text; only conversion has a range. */
	big = xmalloc(100002);
	memset(big, '9', 100001);
	big[0] = '-';
	big[100001] = '\0';
	ok = parse_copy(&d, &buf, big, 100001, "x") == 0;
	if (ok) {
		ok = d.ntok == 1 && d.tok[0].len == 100001 &&
		     json_i64(&d, 0, &i64) < 0 &&
		     str_eq(err_last.msg, "out of range") &&
		     isinf(json_f64(&d, 0));
		json_fini(&d);
	}
	CHECK_NAMED(ok, "a 100000-digit number parses, is out of range");
}

static bool writes(struct jw *w, const char *want)
{
	bool ok = w->len == strlen(want) && !memcmp(w->buf, want, w->len) &&
		  w->depth == 0;

	if (!ok)
		printf("    got: %.*s\n", (int)w->len, w->buf ? w->buf : "");
	jw_fini(w);
	return ok;
}

static void test_writer(void)
{
	static const char compact[] =
		"{\"a\":[1,-2.5e+3,\"\\u0000\\u001f\\\"\\\\\\b\\f\\n\\r\\t/\x7f"
		"\xc3\xa9\"],\"\":{},\"e\":[],\"n\":[null,true,false,[[{}]]]}";
	AUTOFREE char *buf = NULL;
	struct json_doc d;
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_i64(&w, 1);
	jw_key(&w, "b");
	jw_arr_begin(&w);
	jw_bool(&w, true);
	jw_bool(&w, false);
	jw_null(&w);
	jw_str(&w, "x");
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_arr_end(&w);
	jw_key(&w, "c");
	jw_obj_begin(&w);
	jw_key(&w, "d");
	jw_raw(&w, "[1,2]", 5);
	jw_obj_end(&w);
	jw_key(&w, "min");
	jw_i64(&w, INT64_MIN);
	jw_key(&w, "max");
	jw_i64(&w, INT64_MAX);
	jw_key(&w, "umax");
	jw_u64(&w, UINT64_MAX);
	jw_obj_end(&w);
	jw_raw(&w, "\n", 1);
	CHECK_NAMED(writes(&w, "{\"a\":1,\"b\":[true,false,null,\"x\",{},[]],"
			   "\"c\":{\"d\":[1,2]},\"min\":-9223372036854775808,"
			   "\"max\":9223372036854775807,"
			   "\"umax\":18446744073709551615}\n"),
		    "writer: commas, nesting, int64/uint64 edges");

	jw_init(&w);
	jw_arr_begin(&w);
	jw_str(&w, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f\xc3\xa9\xf0\x9f\x98\x80");
	jw_strn(&w, "a\0b", 3);
	jw_strn(&w, "", 0);
	jw_arr_end(&w);
	CHECK_NAMED(writes(&w, "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f"
			   "\x7f\xc3\xa9\xf0\x9f\x98\x80\","
			   "\"a\\u0000b\",\"\"]"),
		    "writer: string escapes, embedded NUL");

	/* The writer's canonical form survives parse + jw_copy unchanged. */
	CHECK(parse_copy(&d, &buf, compact, strlen(compact), "x") == 0);
	if (!buf)
		return;
	jw_init(&w);
	jw_copy(&w, &d, 0);
	CHECK_NAMED(writes(&w, compact), "jw_copy reproduces canonical JSON");
	/* A subtree, copied as a value and as the object's members' values. */
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "first");
	jw_copy(&w, &d, json_get(&d, 0, "a"));
	jw_key(&w, "second");
	jw_copy(&w, &d, json_get(&d, 0, "n"));
	jw_key(&w, "k");
	jw_copy(&w, &d, 1);
	jw_obj_end(&w);
	CHECK_NAMED(writes(&w, "{\"first\":[1,-2.5e+3,\"\\u0000\\u001f\\\"\\\\"
			   "\\b\\f\\n\\r\\t/\x7f\xc3\xa9\"],\"second\":[null,"
			   "true,false,[[{}]]],\"k\":\"a\"}"),
		    "jw_copy of subtrees inside an object");
	jw_init(&w);
	jw_arr_begin(&w);
	jw_copy(&w, &d, json_get(&d, 0, "e"));
	jw_copy(&w, &d, json_get(&d, 0, ""));
	jw_null(&w);
	jw_arr_end(&w);
	CHECK_NAMED(writes(&w, "[[],{},null]"),
		    "jw_copy of subtrees inside an array");
	json_fini(&d);
}

static char *slurp(const char *path, size_t *n)
{
	char *s;

	if (read_file_at(AT_FDCWD, path, &s, n) < 0)
		return NULL;
	return s;
}

/* Every proper prefix is rejected, except those that are complete documents
 * themselves: the root value and then only whitespace, or a shorter number.
 * STRIDE > 1 keeps the first and last 512 and every STRIDE-th in between. */
static bool truncations(const char *doc, size_t n, size_t stride)
{
	AUTOFREE char *buf = xmalloc(n + 1);
	size_t first = 0, last = n, k;
	bool number, want, got, bad = false;
	struct json_doc d;

	while (first < n && strchr(" \t\r\n", doc[first]))
		first++;
	while (last > first && strchr(" \t\r\n", doc[last - 1]))
		last--;
	number = doc[first] == '-' || (doc[first] >= '0' && doc[first] <= '9');
	for (k = 0; k < n; k++) {
		if (k % stride && k > 512 && k + 512 < n)
			continue;
		want = k >= last || (number && k > first && doc[k - 1] >= '0' &&
				     doc[k - 1] <= '9');
		err_last.msg[0] = '\0';
		if ((got = parse_tail(&d, buf, n + 1, doc, k) == 0))
			json_fini(&d);
		if (got != want ||
		    (!want && !has_position(err_last.msg, "config.json"))) {
			printf("    prefix %zu of %zu: %s\n", k, n,
			       err_last.msg);
			bad = true;
		}
	}
	return !bad && parses(doc, n);
}

static void test_truncations(const char *podman, size_t podman_len)
{
	static const char *const docs[] = {
		"123", "-1.5e-3", " 0 ", "\"a\\u00e9\\uD83D\\uDE00\"", "true",
		"[1,[2,{\"a\":null}],\"x\"]", "{\"a\":{\"b\":[]},\"c\":-0}\n",
		"  [ 42 , false ]  ",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(docs); i++)
		CHECK_NAMED(truncations(docs[i], strlen(docs[i]), 1),
			    "every prefix of small document #%zu", i);
	CHECK_NAMED(truncations(oci_config, strlen(oci_config), 1),
		    "every prefix of the embedded config.json (%zu bytes)",
		    strlen(oci_config));
	/* O(n^2): every prefix of 11 KB would take seconds, mostly in musl's
	 * mmap/munmap of each token array. */
	if (podman)
		CHECK_NAMED(truncations(podman, podman_len, 13),
			    "prefixes of the podman sample (%zu bytes): the "
			    "first and last 512, every 13th between",
			    podman_len);
}

static void test_samples(const char *podman, size_t podman_len)
{
	AUTOFREE char *buf = NULL;
	struct json_doc d;
	int p, args, v;
	int64_t i64;

	CHECK(parse_copy(&d, &buf, oci_config, strlen(oci_config),
			 "config.json") == 0);
	if (buf) {
		p = json_get(&d, 0, "process");
		args = json_get(&d, p, "args");
		v = json_get(&d, json_get(&d, json_get(&d, 0, "linux"),
					  "resources"), "memory");
		CHECK(json_type(&d, args) == JSON_ARRAY &&
		      d.tok[args].size == 3);
		CHECK(str_eq(json_str(&d, args + 3), "echo \"hi\" \xc3\xa9\t"
			     "\xf0\x9f\x98\x80 > /tmp/x"));
		CHECK(json_i64(&d, json_get(&d, p, "oomScoreAdj"), &i64) == 0 &&
		      i64 == -500);
		CHECK(json_i64(&d, json_get(&d, v, "swap"), &i64) == 0 &&
		      i64 == -1);
		CHECK(d.tok[json_get(&d, p, "cwd")].line == 9 &&
		      d.tok[json_get(&d, p, "cwd")].col == 10);
		CHECK_NAMED(round_trip(&d), "embedded config.json round-trips");
		json_fini(&d);
		free(TAKE_PTR(buf));
	}
	if (!podman)
		return;
	CHECK(parse_copy(&d, &buf, podman, podman_len, "podman.json") == 0);
	if (buf) {
		CHECK(str_eq(json_str(&d, json_get(&d, 0, "ociVersion")),
			     "1.0.2-dev"));
		CHECK_NAMED(round_trip(&d), "podman sample round-trips");
		json_fini(&d);
	}
}

static struct {
	int files, parsed, rejected, bad, entries;
	size_t bytes;
} walk;

static void walk_file(const char *path)
{
	AUTOFREE char *s = NULL, *buf = NULL;
	struct json_doc d;
	struct stat st;
	size_t n;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (2 << 20) || !(s = slurp(path, &n)))
		return;
	walk.files++;
	walk.bytes += n;
	err_last.msg[0] = '\0';
	if (parse_copy(&d, &buf, s, n, path) == 0) {
		walk.parsed++;
		if (!round_trip(&d)) {
			printf("    %s: round trip differs\n", path);
			walk.bad++;
		}
		json_fini(&d);
	} else if (has_position(err_last.msg, path)) {
		walk.rejected++;
	} else {
		printf("    %s: bad message: %s\n", path, err_last.msg);
		walk.bad++;
	}
}

/* readdir's d_type, not nftw: lstat()ing 140k files costs a second. Stops at
 * 300 files, 8 MiB or 40k entries, so that the test stays fast. */
static void walk_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];
	size_t n;

	while (dp && walk.files < 300 && walk.bytes <= (8 << 20) &&
	       walk.entries++ < 40000 && (e = readdir(dp))) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' ||
		    path_join(path, sizeof(path), dir, e->d_name) < 0)
			continue;
		if (e->d_type == DT_DIR)
			walk_dir(path);
		else if ((e->d_type == DT_REG || e->d_type == DT_UNKNOWN) &&
			 n > 5 && str_eq(e->d_name + n - 5, ".json"))
			walk_file(path);
	}
	if (dp)
		closedir(dp);
}

static void test_system_files(void)
{
	walk_dir("/usr/lib");
	walk_dir("/usr/share");
	if (!walk.files) {
		printf("SKIP: json: no *.json files under /usr\n");
		return;
	}
	CHECK_NAMED(!walk.bad, "%d *.json files under /usr: %d parsed and "
		    "round-tripped, %d rejected with NAME:LINE:COL",
		    walk.files, walk.parsed, walk.rejected);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15;

/* xorshift64: deterministic, so a failure reproduces. */
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32) % n;
}

/* Cheap invariants that need no parser: a valid document has an even number
 * of quotes not escaped by an odd run of backslashes, and no raw control
 * byte but whitespace, and no byte that never occurs in UTF-8. */
static bool surely_invalid(const unsigned char *s, size_t n)
{
	size_t i, quotes = 0, bs = 0;

	for (i = 0; i < n; i++) {
		if ((s[i] < 0x20 && !strchr("\t\n\r", s[i])) || s[i] == 0xc0 ||
		    s[i] == 0xc1 || s[i] >= 0xf5)
			return true;
		if (s[i] == '"' && bs % 2 == 0)
			quotes++;
		bs = s[i] == '\\' ? bs + 1 : 0;
	}
	return quotes % 2;
}

/* Mutate DOC ROUNDS times; every accepted mutant must pass the invariants
 * and, for one in EVERY, the round trip. */
static bool fuzz(const char *doc, size_t n, int rounds, int every)
{
	static const char interesting[] = "\"\\{}[]:,0-.e+ \nu\x01\x80\xbf\xc3"
		"\xed\xf4\xff/tnfa";
	AUTOFREE char *m = xmalloc(n + 1), *buf = xmalloc(n + 2);
	struct json_doc d;
	size_t at, len;
	int r, bad = 0;
	char c;

	for (r = 0; r < rounds; r++) {
		at = rnd((uint32_t)n);
		c = rnd(4) ? interesting[rnd(sizeof(interesting) - 1)] :
		    (char)rnd(256);
		memcpy(m, doc, n);
		len = n;
		switch (rnd(4)) {
		case 0:
			memmove(m + at + 1, m + at, n - at);
			m[at] = c;
			len++;
			break;
		case 1:
			memmove(m + at, m + at + 1, n - at - 1);
			len--;
			break;
		default:
			m[at] = c;
		}
		err_last.msg[0] = '\0';
		if (parse_tail(&d, buf, n + 2, m, len) == 0) {
			if (surely_invalid((unsigned char *)m, len) ||
			    (r % every == 0 && !round_trip(&d))) {
				printf("    mutation %d accepted wrongly\n", r);
				bad++;
			}
			json_fini(&d);
		} else if (!has_position(err_last.msg, "config.json")) {
			printf("    mutation %d: bad message: %s\n", r,
			       err_last.msg);
			bad++;
		}
	}
	return !bad;
}

static void test_fuzz(const char *podman, size_t podman_len)
{
	size_t i, n, docs = 0, bad = 0;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		if ((n = strlen(valid[i].doc)) < 2)
			continue;
		bad += !fuzz(valid[i].doc, n, 2000, 1);
		docs++;
	}
	CHECK_NAMED(!bad, "2000 mutations of each of %zu valid documents",
		    docs);
	CHECK_NAMED(fuzz(oci_config, strlen(oci_config), 2000, 1),
		    "2000 mutations of the embedded config.json");
	if (podman)
		CHECK_NAMED(fuzz(podman, podman_len, 1000, 8),
			    "1000 mutations of the podman sample (1 in 8 "
			    "round-tripped)");
}

static void bench(const char *doc, size_t n)
{
	AUTOFREE char *buf = xmalloc(n + 1);
	struct json_doc d;
	int i, iters = 10000;
	double t;

	t = now();
	for (i = 0; i < iters; i++) {
		memcpy(buf, doc, n);
		if (json_parse(&d, buf, n, "bench") < 0)
			break;
		json_fini(&d);
	}
	t = now() - t;
	printf("    bench: %zu bytes x %d: %.2f us/parse, %.0f MB/s\n", n,
	       iters, t / iters * 1e6, n * (double)iters / t / 1e6);
}

/* The writer can never produce what the reader rejects: any bytes (here
 * every cut of multi-byte text, and every single byte) written as a string
 * read back as valid JSON; valid UTF-8 reads back equal, anything else has
 * each bad byte as U+FFFD. */
static void test_writer_roundtrip(void)
{
	static const char text[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 "
				   "\"q\" \\ \x01 end";
	char bytes[4];
	size_t cut, bad = 0, mismatch = 0;
	int b;

	for (cut = 0; cut <= sizeof(text) - 1; cut++) {
		struct jw w;
		struct json_doc d = { 0 };
		char *copy = xmalloc(cut + 1);

		memcpy(copy, text, cut);
		copy[cut] = '\0';
		jw_init(&w);
		jw_str(&w, copy);
		jw_raw(&w, "", 1);
		if (json_parse(&d, w.buf, w.len - 1, "t") < 0)
			bad++;
		else if (json_utf8_valid(copy) && strcmp(json_str(&d, 0), copy))
			mismatch++;
		json_fini(&d);
		jw_fini(&w);
		free(copy);
	}
	CHECK_NAMED(bad == 0, "writer: every cut of UTF-8 text reads back");
	CHECK_NAMED(mismatch == 0, "writer: valid cuts read back equal");
	for (b = 1, bad = 0; b < 256; b++) {
		struct jw w;
		struct json_doc d = { 0 };

		bytes[0] = (char)b;
		bytes[1] = 'x';
		bytes[2] = '\0';
		jw_init(&w);
		jw_str(&w, bytes);
		jw_raw(&w, "", 1);
		if (json_parse(&d, w.buf, w.len - 1, "t") < 0 ||
		    (b >= 0x80 && strcmp(json_str(&d, 0), "\xef\xbf\xbdx")) ||
		    (b < 0x80 && strcmp(json_str(&d, 0), bytes)))
			bad++;
		json_fini(&d);
		jw_fini(&w);
	}
	CHECK_NAMED(bad == 0, "writer: each byte alone reads back (U+FFFD for "
		    "a byte that is not UTF-8)");
	CHECK(!json_utf8_valid("caf\xe9") && json_utf8_valid("caf\xc3\xa9"));
}

int main(void)
{
	AUTOFREE char *podman = NULL;
	size_t podman_len = 0;

	check_module = "json";
	podman = slurp(check_path(PODMAN), &podman_len);
	CHECK_NAMED(podman, "the podman sample %s is readable: %s",
		    check_path(PODMAN), podman ? "yes" : err_last.msg);
	test_valid();
	test_invalid();
	test_strings();
	test_structure();
	test_get();
	test_depth();
	test_integers();
	test_writer();
	test_writer_roundtrip();
	test_samples(podman, podman_len);
	test_truncations(podman, podman_len);
	test_system_files();
	test_fuzz(podman, podman_len);
	if (getenv("JSON_BENCH") && podman)
		bench(podman, podman_len);
	return CHECK_DONE();
}
