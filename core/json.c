/* SPDX-License-Identifier: MIT */
/* json: strict RFC 8259 parser (iterative, in-place unescaping, jsmn-style
 * offset tokens) and a compact writer. No comments, no NaN, no trailing commas:
 * config.json is written by engines, and leniency only hides their bugs. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/util.h"

struct parser {
	char *b;            /* b[len] is a NUL sentinel: scans stop there */
	size_t len, pos;
	size_t bol;         /* offset of the current line's first byte */
	uint32_t line;
	const char *name;
	struct json_tok *tok;
	size_t ntok, cap;
};

/* Only whitespace can hold a newline (strings reject raw control bytes), so
 * line counting lives here and an error column is always pos - bol + 1. */
static void skip_ws(struct parser *p)
{
	for (;;) {
		switch (p->b[p->pos]) {
		case '\n':
			p->line++;
			p->bol = p->pos + 1;
			/* fallthrough */
		case ' ':
		case '\t':
		case '\r':
			p->pos++;
			continue;
		}
		return;
	}
}

static PRINTF(3, 4) int perr(struct parser *p, size_t at, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return fail(0, "%s:%u:%u: %s", p->name, p->line,
		    (unsigned)(at - p->bol + 1), what);
}

/* "expected X" at pos, saying so when the input simply stopped, and with a
 * hint for the two mistakes people make in hand-edited config.json. */
static int expected(struct parser *p, const char *what)
{
	char c = p->b[p->pos];

	if (p->pos >= p->len)
		return perr(p, p->pos, "unexpected end of input, expected %s",
			    what);
	return perr(p, p->pos, "expected %s%s", what,
		    c == '/' ? " (JSON has no comments)" :
		    c == '\'' ? " (strings take double quotes)" : "");
}

static int tok_new(struct parser *p, enum json_type type)
{
	struct json_tok *t;

	/* Configs run at 11-17 bytes per token, so the first guess is usually
	 * the only allocation: musl maps and unmaps blocks of this size, which
	 * costs more than the parse. Capped, so that huge input does not
	 * reserve much more than it uses. */
	if (p->ntok == p->cap) {
		p->cap = p->cap ? 2 * p->cap :
			 (p->len < (1 << 20) ? p->len : 1 << 20) / 8 + 16;
		p->tok = xrealloc(p->tok, p->cap * sizeof(*p->tok));
	}
	t = &p->tok[p->ntok];
	*t = (struct json_tok){
		.type = type, .start = (uint32_t)p->pos,
		.next = (uint32_t)p->ntok + 1, .line = p->line,
		.col = (uint32_t)(p->pos - p->bol + 1),
	};
	return (int)p->ntok++;
}

static int hex4(const char *s)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + c - '0';
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + c - 'A' + 10;
		else
			return -1;  /* stops at the sentinel: no overread */
	}
	return v;
}

/* Length of the well-formed UTF-8 sequence at S (RFC 3629 table 4, so no
 * overlongs, no surrogates, nothing above U+10FFFF), or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

bool json_utf8_valid(const char *s)
{
	int n;

	for (; *s; s += n)
		if (!(n = (unsigned char)*s < 0x80 ? 1 :
			  utf8_len((const unsigned char *)s)))
			return false;
	return true;
}

static size_t utf8_put(char *w, unsigned cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | cp >> 12);
		w[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | cp >> 18);
	w[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	w[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX (and its low half, for a surrogate pair) at b[r]; writes UTF-8
 * at b[*w], which never passes r (6 or 12 bytes in, at most 4 out). */
static int unescape_u(struct parser *p, size_t r, size_t *w)
{
	int cp = hex4(p->b + r + 2), lo;

	if (cp < 0)
		return perr(p, r, "expected 4 hex digits after '\\u'");
	if (cp >= 0xd800 && cp <= 0xdbff && p->b[r + 6] == '\\' &&
	    p->b[r + 7] == 'u' && (lo = hex4(p->b + r + 8)) >= 0xdc00 &&
	    lo <= 0xdfff)
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	else if (cp >= 0xd800 && cp <= 0xdfff)
		return perr(p, r, "unpaired surrogate '\\u%04X' in string",
			    cp);
	*w += utf8_put(p->b + *w, (unsigned)cp);
	return cp >= 0x10000 ? 12 : 6;
}

/* The string at pos (on its '"'): decode in place, NUL-terminate (over the
 * closing quote at the latest) and leave pos after it. B is a local: through
 * p->b every char store would force a reload of p (char aliases all). */
static int string(struct parser *p)
{
	static const char esc[256] = {
		['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
		['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
	};
	char *b = p->b;
	size_t q = p->pos, r = q + 1, w = r;
	int i = tok_new(p, JSON_STRING), n;
	unsigned char c;

	for (;;) {
		while ((c = (unsigned char)b[r]) >= 0x20 && c < 0x80 &&
		       c != '"' && c != '\\')
			b[w++] = b[r++];
		if (c == '"')
			break;
		if (c == '\\') {
			c = (unsigned char)b[r + 1];
			if (c == 'u') {
				if ((n = unescape_u(p, r, &w)) < 0)
					return -1;
				r += n;
			} else if (esc[c]) {
				b[w++] = esc[c];
				r += 2;
			} else if (r + 1 >= p->len) {
				return perr(p, q, "unterminated string");
			} else if (c > 0x20 && c < 0x7f) {
				return perr(p, r, "invalid escape '\\%c' in "
					    "string", c);
			} else {
				return perr(p, r, "invalid escape '\\' + byte "
					    "0x%02x in string", c);
			}
		} else if (r >= p->len) {
			return perr(p, q, "unterminated string");
		} else if (c < 0x20) {
			return perr(p, r, "control character 0x%02x in string "
				    "must be escaped", c);
		} else if ((n = utf8_len((unsigned char *)b + r))) {
			while (n--)
				b[w++] = b[r++];
		} else {
			return perr(p, r, "invalid UTF-8 byte 0x%02x in string",
				    c);
		}
	}
	b[w] = '\0';
	p->tok[i].start = (uint32_t)(q + 1);
	p->tok[i].len = (uint32_t)(w - (q + 1));
	p->pos = r + 1;
	return 0;
}

static size_t digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as text. */
static int number(struct parser *p)
{
	const char *b = p->b;
	size_t s = p->pos, r = s, n;
	int i;

	if (b[r] == '-')
		r++;
	if (!(n = digits(b + r)))
		return perr(p, r, "expected a digit after '-'");
	if (b[r] == '0' && n > 1)
		return perr(p, r, "leading zero in number");
	r += n;
	if (b[r] == '.') {
		if (!(n = digits(b + ++r)))
			return perr(p, r, "expected a digit after '.'");
		r += n;
	}
	if (b[r] == 'e' || b[r] == 'E') {
		r++;
		if (b[r] == '+' || b[r] == '-')
			r++;
		if (!(n = digits(b + r)))
			return perr(p, r, "expected a digit in exponent");
		r += n;
	}
	i = tok_new(p, JSON_NUMBER);
	p->tok[i].len = (uint32_t)(r - s);
	p->pos = r;
	return 0;
}

static int literal(struct parser *p, const char *word, enum json_type type)
{
	size_t i;

	/* The sentinel NUL mismatches, so this never reads past b[len]. */
	for (i = 0; word[i]; i++)
		if (p->b[p->pos + i] != word[i])
			return perr(p, p->pos, "invalid literal, expected '%s'",
				    word);
	tok_new(p, type);
	p->pos += i;
	return 0;
}

static int scalar(struct parser *p)
{
	switch (p->b[p->pos]) {
	case '"':
		return string(p);
	case '-':
	case '0' ... '9':
		return number(p);
	case 't':
		return literal(p, "true", JSON_TRUE);
	case 'f':
		return literal(p, "false", JSON_FALSE);
	case 'n':
		return literal(p, "null", JSON_NULL);
	}
	return expected(p, "a value");
}

/* One loop, no recursion: STACK holds the open containers, and the state says
 * what may come next. A container's size counts members as they start. */
static int parse(struct parser *p)
{
	enum { VALUE, KEY, OPEN, AFTER } st = VALUE;
	uint32_t stack[JSON_MAX_DEPTH];
	struct json_tok *top = NULL;
	int depth = 0, i;
	char c, closer;

	for (;;) {
		skip_ws(p);
		c = p->b[p->pos];
		if (depth)
			top = &p->tok[stack[depth - 1]];
		if (st == VALUE) {
			if (depth && top->type == JSON_ARRAY)
				top->size++;
			if (c != '{' && c != '[') {
				if (scalar(p) < 0)
					return -1;
				st = AFTER;
				continue;
			}
			if (depth == JSON_MAX_DEPTH)
				return perr(p, p->pos, "nesting deeper than %d "
					    "levels", JSON_MAX_DEPTH);
			i = tok_new(p, c == '{' ? JSON_OBJECT : JSON_ARRAY);
			stack[depth++] = (uint32_t)i;
			p->pos++;
			st = OPEN;
			continue;
		}
		if (st == KEY) {
			if (c != '"')
				return expected(p, top->size ?
						"a string key after ','" :
						"a string key or '}'");
			top->size++;
			if (string(p) < 0)
				return -1;
			skip_ws(p);
			if (p->b[p->pos] != ':')
				return expected(p, "':' after object key");
			p->pos++;
			st = VALUE;
			continue;
		}
		if (!depth) {
			if (p->pos < p->len)
				return expected(p, "end of input after the "
						"root value");
			return 0;
		}
		closer = top->type == JSON_OBJECT ? '}' : ']';
		if (c == closer) {
			p->pos++;
			top->next = (uint32_t)p->ntok;
			depth--;
			st = AFTER;
		} else if (st == OPEN) {
			st = closer == '}' ? KEY : VALUE;
		} else if (c == ',') {
			p->pos++;
			skip_ws(p);
			if (p->b[p->pos] == closer)
				return perr(p, p->pos, "expected %s after ',' "
					    "(no trailing commas in JSON)",
					    closer == '}' ? "a string key" :
					    "a value");
			st = closer == '}' ? KEY : VALUE;
		} else {
			return expected(p, closer == '}' ?
					"',' or '}' after object member" :
					"',' or ']' after array element");
		}
	}
}

int json_parse(struct json_doc *doc, char *buf, size_t len, const char *name)
{
	struct parser p = { .b = buf, .len = len, .line = 1, .name = name };

	/* Offsets are 32-bit, to keep a token at 28 bytes. */
	if (len >= UINT32_MAX)
		return fail(0, "%s: document larger than 4 GiB", name);
	buf[len] = '\0';
	if (parse(&p) < 0) {
		free(p.tok);
		return -1;
	}
	*doc = (struct json_doc){ .buf = buf, .len = len, .tok = p.tok,
				  .ntok = (uint32_t)p.ntok };
	return 0;
}

void json_fini(struct json_doc *doc)
{
	free(doc->tok);
	doc->tok = NULL;
	doc->ntok = 0;
}

int json_get(const struct json_doc *d, int obj, const char *key)
{
	size_t n = strlen(key);
	uint32_t m;
	int k, found = -1;

	if (obj < 0 || json_type(d, obj) != JSON_OBJECT)
		return -1;
	/* Compare lengths first: "a\u0000b" must not match "a". */
	for (m = 0, k = obj + 1; m < d->tok[obj].size;
	     m++, k = json_next(d, k + 1))
		if (d->tok[k].len == n && !memcmp(json_str(d, k), key, n))
			found = k + 1;
	return found;
}

/* Exact: -?[0-9]+ only ("1.0" and "1e3" are not integers here), overflow
 * checked digit by digit, so no wraparound; callers check the range. */
static int magnitude(const struct json_doc *d, int i, bool *neg, uint64_t *out)
{
	const struct json_tok *t = &d->tok[i];
	const char *s = d->buf + t->start;
	uint64_t v = 0;
	size_t k;

	if (t->type != JSON_NUMBER)
		return fail(0, "expected an integer");
	*neg = *s == '-';
	for (k = *neg; k < t->len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return fail(0, "expected an integer");
		if (v > (UINT64_MAX - (uint64_t)(s[k] - '0')) / 10)
			return fail(0, "out of range");
		v = v * 10 + (uint64_t)(s[k] - '0');
	}
	*out = v;
	return 0;
}

int json_i64(const struct json_doc *d, int i, int64_t *out)
{
	uint64_t v;
	bool neg;

	if (magnitude(d, i, &neg, &v) < 0)
		return -1;
	if (v > (uint64_t)INT64_MAX + neg)
		return fail(0, "out of range");
	/* 0 - v in uint64_t, then to int64_t: exact for -2^63 too. */
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int json_u64(const struct json_doc *d, int i, uint64_t *out)
{
	uint64_t v;
	bool neg;

	if (magnitude(d, i, &neg, &v) < 0)
		return -1;
	if (neg && v)
		return fail(0, "out of range");
	*out = v;
	return 0;
}

double json_f64(const struct json_doc *d, int i)
{
	/* The number is not NUL-terminated, but in a valid document the byte
	 * after it (whitespace, ',', ']', '}' or the sentinel) stops strtod. */
	return strtod(json_str(d, i), NULL);
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		while (w->len + n + 1 > w->cap)
			w->cap = w->cap ? 2 * w->cap : 256;
		w->buf = xrealloc(w->buf, w->cap);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';  /* so the output can be printed as is */
}

/* Before any value or key: the comma, unless it follows a key or opens. */
static void sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
	} else if (w->depth) {
		if (!w->first[w->depth - 1])
			put(w, ",", 1);
		w->first[w->depth - 1] = 0;
	}
}

static void quote(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', '0', '0' };
	size_t i, run = 0;
	unsigned char c;

	put(w, "\"", 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x80) {
			/* what the parser would reject never gets written:
			 * a byte that is not UTF-8 becomes U+FFFD */
			unsigned char b[4] = { 0 };
			int l;

			memcpy(b, s + i, n - i < 4 ? n - i : 4);
			if ((l = utf8_len(b))) {
				i += l - 1;
				continue;
			}
			put(w, s + run, i - run);
			run = i + 1;
			put(w, "\\ufffd", 6);
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + run, i - run);
		run = i + 1;
		e[1] = c == '"' ? '"' : c == '\\' ? '\\' : c == '\b' ? 'b' :
		       c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' :
		       c == '\t' ? 't' : 'u';
		e[4] = hex[c >> 4];
		e[5] = hex[c & 15];
		put(w, e, e[1] == 'u' ? 6 : 2);
	}
	put(w, s + run, n - run);
	put(w, "\"", 1);
}

static void nest(struct jw *w, char c)
{
	sep(w);
	/* A caller bug, not an input error: parsed documents stay in bounds. */
	if (w->depth == JSON_MAX_DEPTH)
		abort();
	put(w, &c, 1);
	w->first[w->depth++] = 1;
}

static void unnest(struct jw *w, char c)
{
	put(w, &c, 1);
	w->depth--;
}

void jw_init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
}

void jw_fini(struct jw *w)
{
	free(w->buf);
	jw_init(w);
}

void jw_obj_begin(struct jw *w) { nest(w, '{'); }
void jw_obj_end(struct jw *w) { unnest(w, '}'); }
void jw_arr_begin(struct jw *w) { nest(w, '['); }
void jw_arr_end(struct jw *w) { unnest(w, ']'); }

static void key_n(struct jw *w, const char *key, size_t n)
{
	sep(w);
	quote(w, key, n);
	put(w, ":", 1);
	w->after_key = true;
}

void jw_key(struct jw *w, const char *key)
{
	key_n(w, key, strlen(key));
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	sep(w);
	quote(w, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

void jw_raw(struct jw *w, const char *s, size_t n)
{
	sep(w);
	put(w, s, n);
}

void jw_i64(struct jw *w, int64_t v)
{
	char s[24];

	jw_raw(w, s, (size_t)snprintf(s, sizeof(s), "%" PRId64, v));
}

void jw_u64(struct jw *w, uint64_t v)
{
	char s[24];

	jw_raw(w, s, (size_t)snprintf(s, sizeof(s), "%" PRIu64, v));
}

void jw_bool(struct jw *w, bool v)
{
	jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	jw_raw(w, "null", 4);
}

static char closing(const struct json_doc *d, int i)
{
	return json_type(d, i) == JSON_OBJECT ? '}' : ']';
}

/* Pre-order walk with a stack of open containers; a string directly inside
 * an object is a key exactly when the writer is not waiting for a value. */
void jw_copy(struct jw *w, const struct json_doc *d, int i)
{
	int stack[JSON_MAX_DEPTH], n = 0, j, last = json_next(d, i);
	const struct json_tok *t;

	for (j = i; j < last; j++) {
		while (n && (uint32_t)j >= d->tok[stack[n - 1]].next)
			unnest(w, closing(d, stack[--n]));
		t = &d->tok[j];
		switch ((enum json_type)t->type) {
		case JSON_OBJECT:
		case JSON_ARRAY:
			nest(w, t->type == JSON_OBJECT ? '{' : '[');
			stack[n++] = j;
			break;
		case JSON_STRING:
			if (n && json_type(d, stack[n - 1]) == JSON_OBJECT &&
			    !w->after_key)
				key_n(w, json_str(d, j), t->len);
			else
				jw_strn(w, json_str(d, j), t->len);
			break;
		case JSON_NUMBER:
			jw_raw(w, json_str(d, j), t->len);
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			jw_bool(w, t->type == JSON_TRUE);
			break;
		case JSON_NULL:
			jw_null(w);
			break;
		}
	}
	while (n)
		unnest(w, closing(d, stack[--n]));
}
