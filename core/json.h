/* SPDX-License-Identifier: MIT */
/* json: strict RFC 8259 parser over one caller-owned buffer, and a small writer.
 * Parsing is iterative (no recursion); strings are unescaped in place. */
#ifndef OCIBOX_JSON_H
#define OCIBOX_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting deeper than this is rejected ("nesting deeper than 1024 levels"). */
#define JSON_MAX_DEPTH 1024

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* Tokens are stored in document (pre-)order. An object's children alternate
 * key (a JSON_STRING token) and value; an array's children are its elements.
 * Token 0 is the root value. */
struct json_tok {
	uint32_t type;   /* enum json_type */
	uint32_t start;  /* byte offset in the buffer: string text (unescaped,
			    NUL-terminated in place), number text, or '{' / '[' */
	uint32_t len;    /* string: decoded length in bytes (may contain NUL
			    from \u0000); number: text length; else 0 */
	uint32_t size;   /* array: element count; object: member count */
	uint32_t next;   /* index of the token after this whole subtree */
	uint32_t line;   /* 1-based line and column of the token in the input, */
	uint32_t col;    /* for semantic error messages */
};

struct json_doc {
	char *buf;              /* borrowed: the caller's buffer, modified in place */
	size_t len;
	struct json_tok *tok;   /* owned: free with json_fini() */
	uint32_t ntok;
};

/* Parse BUF[0..LEN) (the buffer must have one spare byte at BUF[LEN] for a
 * terminating NUL). NAME prefixes errors: "NAME:LINE:COL: expected ',' or '}'".
 * Duplicate object keys are accepted; lookups return the last one (as Go's
 * encoding/json, and so runc, does). On error fail()s, returns -1, owns nothing.
 * Strict: no comments, trailing commas, NaN, BOM or invalid UTF-8; whitespace
 * is space, \t, \n, \r only; LINE and COL are 1-based, COL counts bytes. */
int json_parse(struct json_doc *doc, char *buf, size_t len, const char *name);
void json_fini(struct json_doc *doc);

static inline const struct json_tok *json_tok(const struct json_doc *d, int i)
{
	return &d->tok[i];
}
static inline enum json_type json_type(const struct json_doc *d, int i)
{
	return (enum json_type)d->tok[i].type;
}
/* The NUL-terminated text of a string token (borrowed from the buffer). */
static inline const char *json_str(const struct json_doc *d, int i)
{
	return d->buf + d->tok[i].start;
}
/* True when a string token holds an embedded NUL (from \u0000). */
static inline bool json_str_has_nul(const struct json_doc *d, int i)
{
	return __builtin_strlen(json_str(d, i)) != d->tok[i].len;
}

/* First child of a container token (undefined when size == 0) and the
 * token after I's subtree. Iterate an array:
 *   for (n = 0, e = json_child(d, a); n < size; n++, e = json_next(d, e))
 * Iterate an object: k = key, v = k + 1, next key = json_next(d, v). */
static inline int json_child(const struct json_doc *d, int i)
{
	(void)d;
	return i + 1;
}
static inline int json_next(const struct json_doc *d, int i)
{
	return (int)d->tok[i].next;
}

/* Value token of KEY in object OBJ (the last one if the key repeats), or -1;
 * also -1 when OBJ is -1 or not an object, so lookups chain. */
int json_get(const struct json_doc *d, int obj, const char *key);

/* Integer conversion of a number token. Fails (returns -1, err_last = a short
 * reason): "expected an integer" for a non-number token or any fraction or
 * exponent (a textual rule: "1.0" and "1e3" fail too), "out of range" outside
 * the type's range, which is checked exactly ("-0" is 0). */
int json_i64(const struct json_doc *d, int i, int64_t *out);
int json_u64(const struct json_doc *d, int i, uint64_t *out);
/* Any number as double (never fails for a number token). */
double json_f64(const struct json_doc *d, int i);

/* Writer: appends compact JSON to a growing buffer (xrealloc; never fails).
 * Commas are inserted automatically. Strings are escaped per RFC 8259
 * (control characters as \u00XX, '"' and '\\'); "/" is not escaped.
 * BUF, once allocated, stays NUL-terminated. Nesting deeper than
 * JSON_MAX_DEPTH is a caller bug and abort()s. */
struct jw {
	char *buf;
	size_t len, cap;
	int depth;
	uint8_t first[JSON_MAX_DEPTH];  /* 1 until the first member at that depth */
	bool after_key;
};
void jw_init(struct jw *w);
void jw_fini(struct jw *w);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_i64(struct jw *w, int64_t v);
void jw_u64(struct jw *w, uint64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Append a complete JSON value (or, at depth 0, any bytes) verbatim. */
void jw_raw(struct jw *w, const char *s, size_t n);
/* Copy token I's whole subtree from D as compact JSON. */
void jw_copy(struct jw *w, const struct json_doc *d, int i);

/* Is S (NUL-terminated) well-formed UTF-8 (what the parser accepts)? */
bool json_utf8_valid(const char *s);

#endif
