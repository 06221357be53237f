/* SPDX-License-Identifier: MIT */
/* dbus: marshalling, validation, SASL and calls for systemd's transient units.
 * libsystemd and libdbus do not build statically with musl, and systemd needs
 * a small part of the protocol; see dbus.h for what is left out. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/dbus.h"
#include "core/err.h"
#include "core/util.h"

#define MAX_NEST  32            /* the spec's limit on arrays, and on structs */

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MGR  SD_DEST ".Manager"
#define BUS     "org.freedesktop.DBus"
#define BUS_PATH "/org/freedesktop/DBus"

/* Header fields in the order we write them (sd-bus's, so that our calls
 * compare byte for byte with busctl's); REPLY_SERIAL is a uint32_t. */
static const struct {
	uint8_t code;
	char type[2];
	uint8_t off;
} hdr_fields[] = {
	{ 1, "o", offsetof(struct dbus_msg, path) },
	{ 3, "s", offsetof(struct dbus_msg, member) },
	{ 2, "s", offsetof(struct dbus_msg, iface) },
	{ 4, "s", offsetof(struct dbus_msg, error) },
	{ 5, "u", offsetof(struct dbus_msg, reply_serial) },
	{ 6, "s", offsetof(struct dbus_msg, dest) },
	{ 7, "s", offsetof(struct dbus_msg, sender) },
	{ 8, "g", offsetof(struct dbus_msg, sig) },
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* --- types and signatures ------------------------------------------------ */

static bool is_container(int c)
{
	return c == 'a' || c == '(' || c == '{' || c == 'v';
}

/* Alignment of type C, which is also the size of a fixed type and of a
 * string's length field (4 for s o, 1 for g). */
static unsigned type_align(int c)
{
	switch (c) {
	case 'y': case 'g': case 'v':
		return 1;
	case 'n': case 'q':
		return 2;
	case 'x': case 't': case 'd': case '(': case '{':
		return 8;
	}
	return 4;
}

/* Length of the single complete type at S, 0 if it is not one. ARRAYS and
 * STRUCTS count the enclosing containers; DICT: directly inside an array. */
static size_t sig_one(const char *s, unsigned arrays, unsigned structs, bool dict)
{
	size_t n = 1, k;
	unsigned fields = 0;
	char end;

	switch (*s) {
	case 'a':
		k = arrays < MAX_NEST ? sig_one(s + 1, arrays + 1, structs, true) : 0;
		return k ? k + 1 : 0;
	case '{':
		if (!dict || !s[1] || !strchr("ybnqiuxtdsogh", s[1]))
			return 0;
		/* fallthrough */
	case '(':
		if (structs >= MAX_NEST)
			return 0;
		end = *s == '(' ? ')' : '}';
		for (; s[n] != end; n += k, fields++)
			if (!(k = sig_one(s + n, arrays, structs + 1, false)))
				return 0;
		return fields && (end == ')' || fields == 2) ? n + 1 : 0;
	}
	return *s && strchr("ybnqiuxtdsoghv", *s) ? 1 : 0;
}

/* S[0..N) (NUL-terminated at N) is a sequence of complete types. */
static bool sig_ok(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k)
		if (!(k = sig_one(s + i, 0, 0, false)))
			return false;
	return n <= 255;
}

/* Well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
static bool utf8_ok(const uint8_t *s, size_t n)
{
	static const uint32_t least[] = { 0, 0x80, 0x800, 0x10000 };
	size_t i = 0, j, k;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		k = s[i] >= 0xf0 ? 3 : s[i] >= 0xe0 ? 2 : 1;   /* continuation bytes */
		if (s[i] < 0xc2 || s[i] > 0xf4 || n - i <= k)
			return false;
		cp = s[i] & (0x3f >> k);
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < least[k] || (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
			return false;
		i += k + 1;
	}
	return true;
}

/* "/" or "/seg/seg", each seg [A-Za-z0-9_]+. */
static bool path_ok(const char *s)
{
	if (*s != '/')
		return false;
	if (!s[1])
		return true;
	for (s++; *s; s++) {
		if (*s == '/' ? s[-1] == '/' || !s[1] :
		    !((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_')
			return false;
	}
	return true;
}

/* The number of N bytes at P in the given byte order. */
static uint64_t get_num(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[be ? i : n - 1 - i];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	while (n--) {
		*p++ = v;
		v >>= 8;
	}
}

/* --- building ------------------------------------------------------------ */

static void w_bad(struct dbus_msg *m, const char *why)
{
	if (!m->bad)
		m->bad = why;
}

static uint8_t *w_room(struct dbus_msg *m, size_t n)
{
	uint8_t *p;

	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->buf = xrealloc(m->buf, m->cap);
	}
	p = m->buf + m->len;
	m->len += n;
	return p;
}

/* Alignment counts from the message start; the body starts 8-aligned. */
static void w_pad(struct dbus_msg *m, unsigned a)
{
	while (m->len & (a - 1))
		*w_room(m, 1) = 0;
}

static void w_num(struct dbus_msg *m, int c, uint64_t v)
{
	unsigned n = type_align(c);

	w_pad(m, n);
	put_le(w_room(m, n), v, n);
}

static void w_str(struct dbus_msg *m, int c, const char *s)
{
	size_t n = strlen(s);

	w_num(m, c == 'g' ? 'y' : 'u', n);
	memcpy(w_room(m, n + 1), s, n + 1);
}

static void put_va(struct dbus_msg *m, const char *t, va_list ap)
{
	for (; *t; t++) {
		switch (*t) {
		case 's': case 'o': case 'g':
			w_str(m, *t, va_arg(ap, const char *));
			break;
		case 'x': case 't':
			w_num(m, *t, va_arg(ap, uint64_t));
			break;
		case 'b':
			w_num(m, *t, va_arg(ap, int) != 0);
			break;
		case 'y': case 'n': case 'q': case 'i': case 'u':
			w_num(m, *t, va_arg(ap, unsigned));
			break;
		default:
			w_bad(m, "container or d/h in dbus_put");
			return;
		}
	}
}

void dbus_put(struct dbus_msg *m, const char *types, ...)
{
	va_list ap;

	va_start(ap, types);
	put_va(m, types, ap);
	va_end(ap);
}

void dbus_open(struct dbus_msg *m, char type, const char *sig)
{
	size_t len_off = 0;

	if (m->depth == DBUS_MAX_DEPTH || !is_container(type)) {
		w_bad(m, "nested too deep, or not a container");
		return;
	}
	if (type == 'v') {
		w_str(m, 'g', sig);
	} else if (type == 'a') {
		w_pad(m, 4);
		len_off = m->len;
		put_le(w_room(m, 4), 0, 4);
		/* padded to the element even if empty; the length excludes it */
		w_pad(m, type_align(*sig));
	} else {
		w_pad(m, 8);
	}
	m->lv[m->depth].len_off = len_off;
	m->lv[m->depth++].start = m->len;
}

void dbus_close(struct dbus_msg *m)
{
	if (!m->depth) {
		w_bad(m, "close without open");
		return;
	}
	m->depth--;
	/* an array's length field is never at offset 0, the byte order mark */
	if (m->lv[m->depth].len_off)
		put_le(m->buf + m->lv[m->depth].len_off, m->len - m->lv[m->depth].start, 4);
}

void dbus_msg_begin(struct dbus_msg *m)
{
	const void *f;
	const char *t;
	size_t i;

	m->buf = NULL;
	m->len = m->cap = 0;
	m->bad = NULL;
	m->depth = 0;
	m->serial = 0;
	if (!m->sig)
		m->sig = "";
	/* byte order, type, flags, version; body length and serial at seal */
	memcpy(w_room(m, 12), (const uint8_t[12]){ 'l', m->type, m->flags, 1 }, 12);
	dbus_open(m, 'a', "(yv)");
	for (i = 0; i < ARRAY_SIZE(hdr_fields); i++) {
		f = (const char *)m + hdr_fields[i].off;
		t = hdr_fields[i].type;
		if (*t == 'u' ? !*(const uint32_t *)f :
		    !*(const char *const *)f || !**(const char *const *)f)
			continue;
		dbus_open(m, '(', NULL);
		dbus_put(m, "y", hdr_fields[i].code);
		dbus_open(m, 'v', t);
		if (*t == 'u')
			dbus_put(m, t, *(const uint32_t *)f);
		else
			dbus_put(m, t, *(const char *const *)f);
		dbus_close(m);
		dbus_close(m);
	}
	dbus_close(m);
	w_pad(m, 8);
	m->body = m->len;
}

void dbus_msg_call(struct dbus_msg *m, const char *dest, const char *path,
		   const char *iface, const char *member, const char *sig)
{
	memset(m, 0, sizeof(*m));
	m->type = DBUS_CALL;
	m->dest = dest;
	m->path = path;
	m->iface = iface;
	m->member = member;
	m->sig = sig;
	dbus_msg_begin(m);
}

static int msg_check(struct dbus_msg *m, uint8_t *buf, size_t len);

int dbus_msg_seal(struct dbus_msg *m, uint32_t serial)
{
	struct dbus_msg t;

	if (m->depth)
		w_bad(m, "container left open");
	if (m->bad)
		return fail(0, "dbus: %s: %s", m->member ? m->member : "message", m->bad);
	put_le(m->buf + 4, m->len - m->body, 4);
	put_le(m->buf + 8, serial, 4);
	/* read it as its receiver will: every value against the signature,
	 * UTF-8, object paths, lengths */
	if (msg_check(&t, m->buf, m->len) < 0)
		return fail_ctx("dbus: %s with signature '%s'", m->member ? m->member : "message",
				m->sig);
	m->serial = serial;
	return 0;
}

void dbus_prop_open(struct dbus_msg *m, const char *name, const char *sig)
{
	dbus_open(m, '(', NULL);
	dbus_put(m, "s", name);
	dbus_open(m, 'v', sig);
}

void dbus_prop_close(struct dbus_msg *m)
{
	dbus_close(m);
	dbus_close(m);
}

void dbus_prop(struct dbus_msg *m, const char *name, const char *sig, ...)
{
	va_list ap;

	dbus_prop_open(m, name, sig);
	va_start(ap, sig);
	put_va(m, sig, ap);
	va_end(ap);
	dbus_prop_close(m);
}

void dbus_msg_fini(struct dbus_msg *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

/* --- reading ------------------------------------------------------------- */

static int rd_short(const struct dbus_rd *r)
{
	return fail(0, "dbus: truncated value at byte %u", r->pos);
}

static int rd_align(struct dbus_rd *r, unsigned a)
{
	uint32_t to = (r->pos + a - 1) & ~(a - 1);

	if (to > r->end)
		return rd_short(r);
	for (; r->pos < to; r->pos++)
		if (r->buf[r->pos])
			return fail(0, "dbus: non-zero padding at byte %u", r->pos);
	return 0;
}

/* One basic value of type C at r->pos: a string into *(const char **)OUT,
 * anything else into *(uint64_t *)OUT; OUT may be NULL. */
static int rd_value(struct dbus_rd *r, int c, void *out)
{
	unsigned n = type_align(c);
	uint64_t v;
	const char *s;

	if (rd_align(r, n) < 0)
		return -1;
	if (n > r->end - r->pos)
		return rd_short(r);
	v = get_num(r->buf + r->pos, n, r->be);
	r->pos += n;
	if (c == 'b' && v > 1)
		return fail(0, "dbus: boolean of value %u", (unsigned)v);
	if (c != 's' && c != 'o' && c != 'g') {
		if (out)
			*(uint64_t *)out = v;
		return 0;
	}
	s = (const char *)r->buf + r->pos;
	if (v >= r->end - r->pos)
		return rd_short(r);
	if (s[v] || strlen(s) != v)
		return fail(0, "dbus: string with a misplaced NUL");
	if (c == 's' && !utf8_ok((const uint8_t *)s, v))
		return fail(0, "dbus: string is not UTF-8");
	if (c == 'o' && !path_ok(s))
		return fail(0, "dbus: invalid object path '%.64s'", s);
	if (c == 'g' && !sig_ok(s, v))
		return fail(0, "dbus: invalid signature '%.64s'", s);
	r->pos += v + 1;
	if (out)
		*(const char **)out = s;
	return 0;
}

/* The type of the next value, which must be WANT unless that is 0; -1. */
static int rd_type(struct dbus_rd *r, int want)
{
	if (r->array && r->p == r->hi && r->pos < r->end)
		r->p = r->lo;   /* the next element */
	if (r->p == r->hi)
		return fail(0, "dbus: no value left to read");
	if (want && *r->p != want)
		return fail(0, "dbus: value of type '%c', not '%c'", *r->p, want);
	return *r->p;
}

/* Set SUB to read the container C at R (its type checked). R's signature
 * moves past it, and so does its position for an array (for a struct or a
 * variant the caller moves it, as it knows no length). */
static int rd_open(struct dbus_rd *r, int c, struct dbus_rd *sub)
{
	uint64_t n;
	const char *s;
	size_t k;

	*sub = *r;
	sub->array = false;
	if (++sub->depth > 2 * MAX_NEST)
		return fail(0, "dbus: values nested too deep");
	if (c == 'v') {
		if (rd_value(r, 'g', &s) < 0)
			return -1;
		k = strlen(s);
		if (!k || sig_one(s, 0, 0, false) != k)
			return fail(0, "dbus: variant of signature '%s'", s);
		sub->lo = sub->p = s;
		sub->hi = s + k;
		sub->pos = r->pos;
		r->p++;
		return 0;
	}
	/* signatures were checked when read: sig_one() is not 0 here */
	k = sig_one(r->p, 0, 0, c == '{');
	if (c != 'a') {
		if (rd_align(r, 8) < 0)
			return -1;
		sub->lo = sub->p = r->p + 1;
		sub->hi = r->p + k - 1;
		sub->pos = r->pos;
		r->p += k;
		return 0;
	}
	/* the spec's 64 MiB limit on an array is moot under our 1 MiB */
	if (rd_value(r, 'u', &n) < 0 || rd_align(r, type_align(r->p[1])) < 0)
		return -1;
	if (n > r->end - r->pos)
		return rd_short(r);
	sub->array = true;
	sub->lo = sub->p = r->p + 1;
	sub->hi = r->p + k;
	sub->pos = r->pos;
	sub->end = r->pos + n;
	r->pos += n;
	r->p += k;
	return 0;
}

bool dbus_more(const struct dbus_rd *r)
{
	return r->array ? r->pos < r->end : r->p < r->hi;
}

int dbus_skip(struct dbus_rd *r)
{
	struct dbus_rd sub;
	int c = rd_type(r, 0);

	if (c < 0)
		return -1;
	if (!is_container(c)) {
		if (rd_value(r, c, NULL) < 0)
			return -1;
		r->p++;
		return 0;
	}
	if (rd_open(r, c, &sub) < 0)
		return -1;
	while (dbus_more(&sub))
		if (dbus_skip(&sub) < 0)
			return -1;
	if (c != 'a')
		r->pos = sub.pos;
	return 0;
}

int dbus_enter(struct dbus_rd *r, char type, struct dbus_rd *sub)
{
	struct dbus_rd past;

	if (!is_container(type))
		return fail(0, "dbus: '%c' is not a container", type);
	if (rd_type(r, type) < 0)
		return -1;
	past = *r;
	if (rd_open(r, type, sub) < 0)
		return -1;
	if (type != 'a') {   /* walk it to find its end */
		if (dbus_skip(&past) < 0)
			return -1;
		r->pos = past.pos;
	}
	return 0;
}

int dbus_read(struct dbus_rd *r, const char *types, ...)
{
	va_list ap;
	uint64_t v = 0;
	const char *s = NULL;
	void *out;
	int c, n, rc = 0;

	va_start(ap, types);
	for (; (c = *types); types++) {
		if (is_container(c)) {
			rc = fail(0, "dbus: '%c' is a container", c);
			break;
		}
		if (rd_type(r, c) < 0 || rd_value(r, c, c == 's' || c == 'o' ||
						  c == 'g' ? (void *)&s : &v) < 0) {
			rc = -1;
			break;
		}
		r->p++;
		out = va_arg(ap, void *);
		n = type_align(c);
		if (c == 's' || c == 'o' || c == 'g')
			*(const char **)out = s;
		else if (c == 'b')
			*(bool *)out = v;
		else if (n == 1)
			*(uint8_t *)out = v;
		else if (n == 2)
			*(uint16_t *)out = v;
		else if (n == 4)
			*(uint32_t *)out = v;
		else
			*(uint64_t *)out = v;
	}
	va_end(ap);
	return rc;
}

void dbus_msg_body(const struct dbus_msg *m, struct dbus_rd *r)
{
	*r = (struct dbus_rd){ .buf = m->buf + m->body, .end = m->len - m->body,
			       .p = m->sig, .lo = m->sig, .hi = m->sig + strlen(m->sig),
			       .be = m->buf[0] == 'B' };
}

/* The size of the message whose fixed 16-byte header is H. 0 or -1. */
static int msg_size(const uint8_t *h, size_t *size)
{
	uint64_t n = ((16 + get_num(h + 12, 4, h[0] == 'B') + 7) & ~7ull) +
		     get_num(h + 4, 4, h[0] == 'B');

	if (h[0] != 'l' && h[0] != 'B')
		return fail(0, "dbus: bad byte order mark 0x%02x", h[0]);
	if (h[3] != 1)
		return fail(0, "dbus: protocol version %u", h[3]);
	if (n > DBUS_MAX_MSG)
		return fail(0, "dbus: message of %llu bytes, over 1 MiB",
			    (unsigned long long)n);
	*size = n;
	return 0;
}

/* Fill M's header from BUF[0..LEN), borrowed, validating it all. 0 or -1. */
static int msg_check(struct dbus_msg *m, uint8_t *buf, size_t len)
{
	/* the header fields each type needs; type 0 is invalid (field 0
	 * never counts as seen) */
	static const uint16_t need[] = {
		1, [DBUS_CALL] = 1 << 1 | 1 << 3, [DBUS_RETURN] = 1 << 5,
		[DBUS_ERROR] = 1 << 4 | 1 << 5, [DBUS_SIGNAL] = 1 << 1 | 1 << 2 | 1 << 3,
	};
	struct dbus_rd r, a, e, v;
	const char *why = NULL;
	uint32_t seen = 0;
	uint8_t code;
	size_t i, size;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = m->cap = len;
	if (len < 16 || msg_size(buf, &size) < 0)
		goto bad;
	if (len != size) {
		fail(0, "dbus: %zu bytes of a %zu-byte message", len, size);
		goto bad;
	}
	m->type = buf[1];
	m->flags = buf[2];
	r = (struct dbus_rd){ .buf = buf, .pos = 12, .p = "a(yv)", .be = buf[0] == 'B' };
	r.hi = r.p + 5;
	r.end = m->body = size - get_num(buf + 4, 4, r.be);
	if (!(m->serial = get_num(buf + 8, 4, r.be)))
		why = "serial 0";
	if (why || dbus_enter(&r, 'a', &a) < 0)
		goto bad;
	while (dbus_more(&a)) {
		if (dbus_enter(&a, '(', &e) < 0 || dbus_read(&e, "y", &code) < 0 ||
		    dbus_enter(&e, 'v', &v) < 0)
			goto bad;
		for (i = 0; i < ARRAY_SIZE(hdr_fields) && hdr_fields[i].code != code; i++)
			;
		if (!code || (i < ARRAY_SIZE(hdr_fields) &&
			      (!str_eq(v.lo, hdr_fields[i].type) || seen & 1u << code))) {
			fail(0, "dbus: header field %u: type '%s', or twice", code, v.lo);
			goto bad;
		}
		/* the spec: unknown fields are ignored */
		if (i == ARRAY_SIZE(hdr_fields))
			continue;
		if (dbus_read(&v, hdr_fields[i].type, (char *)m + hdr_fields[i].off) < 0)
			goto bad;
		seen |= 1u << code;
	}
	if (rd_align(&r, 8) < 0)
		goto bad;
	/* the spec: unknown types are ignored (by our callers) */
	if (m->type < ARRAY_SIZE(need) && (seen & need[m->type]) != need[m->type]) {
		fail(0, "dbus: message of type %u lacks a header field", m->type);
		goto bad;
	}
	if (!m->sig)
		m->sig = "";
	dbus_msg_body(m, &r);
	while (dbus_more(&r))
		if (dbus_skip(&r) < 0)
			goto bad;
	if (r.pos == r.end)
		return 0;
	why = "bytes after the body's values";
bad:
	if (why || len < 16)
		fail(0, "dbus: %s", why ? why : "truncated message");
	return -1;
}

/* Parse BUF, which M takes (freed on failure). */
static int msg_parse(struct dbus_msg *m, uint8_t *buf, size_t len)
{
	if (msg_check(m, buf, len) == 0)
		return 0;
	free(buf);
	memset(m, 0, sizeof(*m));
	return -1;
}

int dbus_msg_parse(struct dbus_msg *m, const void *data, size_t len)
{
	uint8_t *buf = xmalloc(len);

	memcpy(buf, data, len);
	return msg_parse(m, buf, len);
}

/* --- the connection ------------------------------------------------------ */

/* The stream is lost (a partial message, a message we reject): close. */
static void conn_drop(struct dbus_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int conn_wait(struct dbus_conn *c, short events, int64_t deadline)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int64_t t;
	int k;

	do {
		t = deadline - now_ms();
		k = poll(&p, 1, t < 0 ? 0 : t > INT_MAX ? INT_MAX : (int)t);
	} while (k < 0 && errno == EINTR);
	if (k < 0)
		return fail(errno, "dbus: poll");
	return k ? 0 : fail(0, "dbus: timed out");
}

/* Exactly N bytes. 0 or -1. */
static int conn_read(struct dbus_conn *c, void *buf, size_t n, int64_t deadline)
{
	ssize_t k;

	while (n) {
		k = read(c->fd, buf, n);
		if (k > 0) {
			buf = (char *)buf + k;
			n -= k;
		} else if (!k) {
			return fail(0, "dbus: connection closed by the peer");
		} else if (errno != EINTR) {
			if (errno != EAGAIN)
				return fail(errno, "dbus: read");
			if (conn_wait(c, POLLIN, deadline) < 0)
				return -1;
		}
	}
	return 0;
}

/* All of BUF, or the connection is dropped: a partial message is no use. */
static int conn_write(struct dbus_conn *c, const void *buf, size_t n)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	ssize_t k;

	if (c->fd < 0)
		return fail(0, "dbus: not connected");
	while (n) {
		/* MSG_NOSIGNAL: a peer gone is an error, not SIGPIPE */
		k = send(c->fd, buf, n, MSG_NOSIGNAL);
		if (k >= 0) {
			buf = (const char *)buf + k;
			n -= k;
		} else if (errno != EINTR && (errno != EAGAIN ||
					      conn_wait(c, POLLOUT, deadline) < 0)) {
			if (errno != EAGAIN)
				fail(errno, "dbus: send");
			conn_drop(c);
			return -1;
		}
	}
	return 0;
}

/* The next message from the socket. A timeout before its first byte leaves
 * the connection usable; anything else drops it. */
static int recv_wire(struct dbus_conn *c, struct dbus_msg *m, int64_t deadline)
{
	uint8_t h[16], *buf;
	size_t size;

	if (c->fd < 0)
		return fail(0, "dbus: not connected");
	if (conn_wait(c, POLLIN, deadline) < 0)
		return -1;
	deadline = now_ms() + c->timeout_ms;
	if (conn_read(c, h, 16, deadline) < 0 || msg_size(h, &size) < 0)
		goto lost;
	buf = xmalloc(size);
	memcpy(buf, h, 16);
	if (conn_read(c, buf + 16, size - 16, deadline) < 0) {
		free(buf);
		goto lost;
	}
	if (msg_parse(m, buf, size) < 0)
		goto lost;
	return 0;
lost:
	conn_drop(c);
	return -1;
}

static int recv_until(struct dbus_conn *c, struct dbus_msg *m, int64_t deadline)
{
	unsigned i = c->qhead;

	if (!c->qn)
		return recv_wire(c, m, deadline);
	c->qhead = (i + 1) % DBUS_QUEUE;
	c->qn--;
	/* it parsed when it came, so it parses again */
	return msg_parse(m, TAKE_PTR(c->q[i].buf), c->q[i].len);
}

/* Keep signal M (its buffer) for a later wait; the oldest goes when full. */
static void queue_push(struct dbus_conn *c, struct dbus_msg *m)
{
	unsigned i;

	if (c->qn == DBUS_QUEUE) {
		free(c->q[c->qhead].buf);
		c->qhead = (c->qhead + 1) % DBUS_QUEUE;
		c->qn--;
	}
	i = (c->qhead + c->qn++) % DBUS_QUEUE;
	c->q[i].len = m->len;
	c->q[i].buf = TAKE_PTR(m->buf);
	dbus_msg_fini(m);
}

int dbus_send(struct dbus_conn *c, struct dbus_msg *m)
{
	if (!++c->serial)
		c->serial = 1;
	if (dbus_msg_seal(m, c->serial) < 0)
		return -1;
	return conn_write(c, m->buf, m->len);
}

int dbus_recv(struct dbus_conn *c, struct dbus_msg *m, int timeout_ms)
{
	return recv_until(c, m, now_ms() + timeout_ms);
}

static int call_until(struct dbus_conn *c, struct dbus_msg *m,
		      struct dbus_msg *reply, int64_t deadline)
{
	struct dbus_msg r;
	struct dbus_rd rd;
	const char *text;
	uint32_t serial;
	int rc = dbus_send(c, m);

	serial = m->serial;
	dbus_msg_fini(m);
	if (rc < 0)
		return -1;
	for (;;) {
		if (recv_wire(c, &r, deadline) < 0)
			return -1;
		if ((r.type == DBUS_RETURN || r.type == DBUS_ERROR) &&
		    r.reply_serial == serial)
			break;
		if (r.type == DBUS_SIGNAL)
			queue_push(c, &r);
		else
			dbus_msg_fini(&r);   /* calls to us, and strays */
	}
	snprintf(c->error, sizeof(c->error), "%s", r.type == DBUS_ERROR ? r.error : "");
	if (r.type == DBUS_ERROR) {
		dbus_msg_body(&r, &rd);
		if (dbus_read(&rd, "s", &text) < 0)
			text = r.error;
		fail(0, "%s", text);
		dbus_msg_fini(&r);
		return -1;
	}
	if (reply)
		*reply = r;
	else
		dbus_msg_fini(&r);
	return 0;
}

/* call_until, then the reply's first value, of type T, into *OUT (borrowed
 * from REPLY, which stays the caller's). */
static int call_get(struct dbus_conn *c, struct dbus_msg *m, struct dbus_msg *reply,
		    const char *t, const char **out, int64_t deadline)
{
	struct dbus_rd r;

	if (call_until(c, m, reply, deadline) < 0)
		return -1;
	dbus_msg_body(reply, &r);
	if (dbus_read(&r, t, out) == 0)
		return 0;
	dbus_msg_fini(reply);
	return -1;
}

int dbus_call(struct dbus_conn *c, struct dbus_msg *m, struct dbus_msg *reply,
	      int timeout_ms)
{
	return call_until(c, m, reply, now_ms() + timeout_ms);
}

static int wait_until(struct dbus_conn *c,
		      bool (*match)(const struct dbus_msg *m, void *arg), void *arg,
		      struct dbus_msg *out, int64_t deadline)
{
	struct dbus_msg m;

	for (;;) {
		if (recv_until(c, &m, deadline) < 0)
			return -1;
		if (m.type == DBUS_SIGNAL && match(&m, arg))
			break;
		dbus_msg_fini(&m);
	}
	if (out)
		*out = m;
	else
		dbus_msg_fini(&m);
	return 0;
}

int dbus_wait_signal(struct dbus_conn *c,
		     bool (*match)(const struct dbus_msg *m, void *arg), void *arg,
		     struct dbus_msg *out, int timeout_ms)
{
	return wait_until(c, match, arg, out, now_ms() + timeout_ms);
}

/* SASL: the NUL byte, AUTH EXTERNAL with UID (ours as the server sees it)
 * as hex of its decimal digits, and BEGIN at once (as sd-bus does: a round
 * trip saved), then the server's "OK <32 hex digits of guid>". No unix fds. */
static int conn_auth(struct dbus_conn *c, uint32_t auth_uid, int64_t deadline)
{
	char buf[128], uid[16];
	size_t n = 15;
	int i;

	snprintf(uid, sizeof(uid), "%u", (unsigned)auth_uid);
	memcpy(buf, "\0AUTH EXTERNAL ", n);
	for (i = 0; uid[i]; i++) {   /* the hex of digit D is "3D" */
		buf[n++] = '3';
		buf[n++] = uid[i];
	}
	memcpy(buf + n, "\r\nBEGIN\r\n", 9);
	if (conn_write(c, buf, n + 9) < 0)
		return -1;
	/* a byte at a time: what follows the line is not ours to read */
	for (n = 0; n < sizeof(buf) - 1 && (!n || buf[n - 1] != '\n'); n++)
		if (conn_read(c, buf + n, 1, deadline) < 0)
			return -1;
	buf[n] = 0;
	if (has_prefix(buf, "OK ") && strspn(buf + 3, "0123456789abcdef") == 32 &&
	    str_eq(buf + 35, "\r\n"))
		return 0;
	return fail(0, "dbus: authentication refused: '%.*s'", (int)strcspn(buf, "\r\n"), buf);
}

void dbus_disconnect(struct dbus_conn *c)
{
	conn_drop(c);
	free(c->name);
	c->name = NULL;
	for (; c->qn; c->qn--, c->qhead = (c->qhead + 1) % DBUS_QUEUE)
		free(c->q[c->qhead].buf);
}

static int connect_fd(struct dbus_conn *c, int fd, bool bus, uint32_t uid,
		      int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct dbus_msg m;
	const char *name;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		fail(errno, "dbus: fcntl");
		goto bad;
	}
	if (conn_auth(c, uid, deadline) < 0)
		goto bad;
	if (!bus)
		return 0;
	dbus_msg_call(&m, BUS, BUS_PATH, BUS, "Hello", NULL);
	if (call_get(c, &m, &m, "s", &name, deadline) == 0) {
		c->name = xstrdup(name);
		dbus_msg_fini(&m);
		return 0;
	}
bad:
	dbus_disconnect(c);
	return -1;
}

int dbus_connect_fd(struct dbus_conn *c, int fd, bool bus, int timeout_ms)
{
	return connect_fd(c, fd, bus, (uint32_t)geteuid(), timeout_ms);
}

int dbus_connect(struct dbus_conn *c, const char *path, bool bus, uint32_t uid,
		 int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t deadline = now_ms() + timeout_ms;
	int fd;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(0, "dbus: socket path '%s' too long", path);
	strcpy(sa.sun_path, path);
	fd = fd_not_stdio(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	if (fd < 0)
		return fail(errno, "dbus: socket");
	/* a full listen backlog (a stuck systemd) is EAGAIN, and no poll
	 * tells when it clears: retry until the deadline */
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EAGAIN || now_ms() >= deadline) {
			fail(errno, "dbus: connect '%s'", path);
			close(fd);
			return -1;
		}
		poll(NULL, 0, 10);
	}
	return connect_fd(c, fd, bus, uid, timeout_ms);
}

/* The socket path of bus address A: the first address of a ;-list, its
 * key=value pairs split by ','; unix:path= only. 0 or -1 (fail()). */
static int addr_path(const char *a, char *out, size_t size)
{
	const char *p, *e;

	if (has_prefix(a, "unix:"))
		for (p = a + 5; *p && *p != ';'; p = e + (*e == ',')) {
			e = p + strcspn(p, ",;");
			/* the escapes of unusual bytes (%XX) are refused */
			if (has_prefix(p, "path=") && e > p + 5 && (size_t)(e - p - 5) < size &&
			    !memchr(p, '%', e - p)) {
				memcpy(out, p + 5, e - p - 5);
				out[e - p - 5] = 0;
				return 0;
			}
		}
	return fail(0, "dbus: unsupported bus address '%s'", a);
}

int dbus_system_bus_path(char *out, size_t size)
{
	const char *a = getenv("DBUS_SYSTEM_BUS_ADDRESS");

	return addr_path(a && *a ? a : "unix:path=" DBUS_SYSTEM_BUS, out, size);
}

int dbus_user_bus_path(char *out, size_t size, bool private)
{
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS"), *xdg = getenv("XDG_RUNTIME_DIR");

	if (!private && a && *a)
		return addr_path(a, out, size);
	if (!xdg || !*xdg)
		return fail(0, "dbus: no user bus: %s set", private ?
			    "XDG_RUNTIME_DIR is not" :
			    "neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is");
	if (*xdg != '/')
		return fail(0, "dbus: no user bus: XDG_RUNTIME_DIR '%s' is not absolute", xdg);
	if (snprintf(out, size, "%s/%s", xdg, private ? "systemd/private" : "bus") >=
	    (int)size)
		return fail(ENAMETOOLONG, "dbus: XDG_RUNTIME_DIR '%s'", xdg);
	return 0;
}

/* --- systemd ------------------------------------------------------------- */

struct job_wait {
	const char *job, *sender, *result;
};

static bool job_removed(const struct dbus_msg *m, void *arg)
{
	struct job_wait *w = arg;
	struct dbus_rd r;
	const char *job, *unit;
	uint32_t id;

	/* on a bus, only systemd's own connection (the daemon sets SENDER);
	 * peer to peer there is no one else */
	if (!str_eq(m->member, "JobRemoved") || !str_eq(m->iface, SD_MGR) ||
	    !str_eq(m->path, SD_PATH) ||
	    (w->sender && (!m->sender || !str_eq(m->sender, w->sender))))
		return false;
	dbus_msg_body(m, &r);
	return dbus_read(&r, "uoss", &id, &job, &unit, &w->result) == 0 &&
	       str_eq(job, w->job);
}

static void sd_msg(struct dbus_msg *m, const char *member, const char *sig)
{
	dbus_msg_call(m, SD_DEST, SD_PATH, SD_MGR, member, sig);
}

static void sd_props(struct dbus_msg *m, dbus_props_fn *props, void *arg)
{
	dbus_open(m, 'a', "(sv)");
	if (props)
		props(m, arg);
	dbus_close(m);
}

/* Call M about UNIT; with PATH, the reply's object path into it (borrowed
 * from REPLY). 0, 1 if MISSING_OK and there is no such unit, or -1 with
 * "systemd: MEMBER UNIT: text". */
static int sd_call(struct dbus_conn *c, struct dbus_msg *m, const char *unit,
		   bool missing_ok, struct dbus_msg *reply, const char **path,
		   int64_t deadline)
{
	const char *what = m->member;

	if ((path ? call_get(c, m, reply, "o", path, deadline) :
	     call_until(c, m, reply, deadline)) == 0)
		return 0;
	if (missing_ok && str_eq(c->error, SD_DEST ".NoSuchUnit"))
		return 1;
	return fail_ctx("systemd: %s %s", what, unit);
}

/* systemd sends JobRemoved to its subscribers; on a bus the daemon passes
 * signals on only to those who asked with a match rule. */
static int sd_subscribe(struct dbus_conn *c, int64_t deadline)
{
	struct dbus_msg m;

	if (c->subscribed)
		return 0;
	if (c->name) {
		dbus_msg_call(&m, BUS, BUS_PATH, BUS, "AddMatch", "s");
		dbus_put(&m, "s", "type='signal',sender='" SD_DEST "',interface='" SD_MGR
			 "',member='JobRemoved',path='" SD_PATH "'");
		if (call_until(c, &m, NULL, deadline) < 0)
			return fail_ctx("dbus: AddMatch");
	}
	sd_msg(&m, "Subscribe", NULL);
	if (call_until(c, &m, NULL, deadline) < 0 &&
	    !str_eq(c->error, SD_DEST ".AlreadySubscribed"))
		return fail_ctx("systemd: Subscribe");
	c->subscribed = true;
	return 0;
}

/* Call M, which returns a job, and wait for the job's end. */
static int sd_job(struct dbus_conn *c, struct dbus_msg *m, const char *unit,
		  bool missing_ok, int64_t deadline)
{
	const char *what = m->member;
	struct dbus_msg reply, sig;
	struct job_wait w = { 0 };
	int rc;

	if (sd_subscribe(c, deadline) < 0) {
		dbus_msg_fini(m);
		return -1;
	}
	if ((rc = sd_call(c, m, unit, missing_ok, &reply, &w.job, deadline)))
		return rc < 0 ? -1 : 0;
	w.sender = reply.sender;
	if ((rc = wait_until(c, job_removed, &w, &sig, deadline)) < 0) {
		fail_ctx("job %s", w.job);
	} else {
		if (!str_eq(w.result, "done"))
			rc = fail(0, "job %s: result '%s'", w.job, w.result);
		dbus_msg_fini(&sig);
	}
	dbus_msg_fini(&reply);
	return rc < 0 ? fail_ctx("systemd: %s %s", what, unit) : 0;
}

int dbus_systemd_start_unit(struct dbus_conn *c, const char *unit, const char *mode,
			    dbus_props_fn *props, void *arg, int timeout_ms)
{
	struct dbus_msg m;

	sd_msg(&m, "StartTransientUnit", "ssa(sv)a(sa(sv))");
	dbus_put(&m, "ss", unit, mode ? mode : "fail");
	sd_props(&m, props, arg);
	dbus_open(&m, 'a', "(sa(sv))");   /* no auxiliary units */
	dbus_close(&m);
	return sd_job(c, &m, unit, false, now_ms() + timeout_ms);
}

int dbus_systemd_stop_unit(struct dbus_conn *c, const char *unit, int timeout_ms)
{
	struct dbus_msg m;

	sd_msg(&m, "StopUnit", "ss");
	dbus_put(&m, "ss", unit, "replace");
	return sd_job(c, &m, unit, true, now_ms() + timeout_ms);
}

int dbus_systemd_reset_failed(struct dbus_conn *c, const char *unit, int timeout_ms)
{
	struct dbus_msg m;

	sd_msg(&m, "ResetFailedUnit", "s");
	dbus_put(&m, "s", unit);
	return sd_call(c, &m, unit, true, NULL, NULL, now_ms() + timeout_ms) < 0 ? -1 : 0;
}

int dbus_systemd_set_props(struct dbus_conn *c, const char *unit, bool runtime,
			   dbus_props_fn *props, void *arg, int timeout_ms)
{
	struct dbus_msg m;

	sd_msg(&m, "SetUnitProperties", "sba(sv)");
	dbus_put(&m, "sb", unit, runtime);
	sd_props(&m, props, arg);
	return sd_call(c, &m, unit, false, NULL, NULL, now_ms() + timeout_ms);
}

int dbus_systemd_get_unit(struct dbus_conn *c, const char *unit, char **path,
			  int timeout_ms)
{
	struct dbus_msg m;
	const char *p;

	sd_msg(&m, "GetUnit", "s");
	dbus_put(&m, "s", unit);
	if (sd_call(c, &m, unit, false, &m, &p, now_ms() + timeout_ms) < 0)
		return -1;
	*path = xstrdup(p);
	dbus_msg_fini(&m);
	return 0;
}

int dbus_systemd_manager_string(struct dbus_conn *c, const char *prop, char **out,
				int timeout_ms)
{
	struct dbus_msg m;
	struct dbus_rd r, v;
	const char *s;

	dbus_msg_call(&m, SD_DEST, SD_PATH, BUS ".Properties", "Get", "ss");
	dbus_put(&m, "ss", SD_MGR, prop);
	if (call_until(c, &m, &m, now_ms() + timeout_ms) < 0)
		return fail_ctx("systemd: Get %s", prop);
	dbus_msg_body(&m, &r);
	if (dbus_enter(&r, 'v', &v) < 0 || dbus_read(&v, "s", &s) < 0) {
		dbus_msg_fini(&m);
		return fail_ctx("systemd: Get %s: the reply", prop);
	}
	*out = xstrdup(s);
	dbus_msg_fini(&m);
	return 0;
}
