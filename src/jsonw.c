/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * jsonw.c - streaming JSON writer (see jsonw.h).
 *
 * The writer keeps one frame per open container: its kind and whether
 * it has an element yet, which is all that deciding on a separator
 * needs.  Layout is decided per nesting level so that JSONW_LINES can
 * break the outermost array into lines and keep each element compact.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "util.h"

#define JSONW_BUFSZ	8192

/*
 * Tokens gather in buf and reach the FILE in one fwrite when it fills or
 * at jsonw_status(): a row is some sixty tokens, and a stdio call with
 * its locking and error check for each costs more than the formatting.
 */
struct jsonw {
	FILE		*out;
	size_t		 len;		/* bytes waiting in buf */
	char		 buf[JSONW_BUFSZ];
	int		 flags;
	int		 err;		/* first error's errno; 0: fine */
	int		 keyed;		/* a key awaits its value */
	int		 depth;		/* open containers */
	char		 kind[JSONW_MAX_DEPTH];	/* '{' or '[' */
	char		 nonempty[JSONW_MAX_DEPTH];
};

struct jsonw *
jsonw_new(FILE *out, int flags)
{
	struct jsonw *j;

	if (out == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->out = out;
	j->flags = flags;
	return j;
}

static void fail(struct jsonw *, int);

/* Writes what buf holds; the first error sticks. */
static void
flush(struct jsonw *j)
{
	if (j->len > 0 && j->err == 0) {
		/* stdio does not always set errno (a full fmemopen buffer). */
		errno = 0;
		if (fwrite(j->buf, 1, j->len, j->out) != j->len ||
		    ferror(j->out))
			fail(j, errno != 0 ? errno : EIO);
	}
	j->len = 0;
}

void
jsonw_free(struct jsonw *j)
{
	if (j != NULL)
		flush(j);
	free(j);
}

int
jsonw_status(struct jsonw *j)
{
	flush(j);
	if (j->err != 0) {
		errno = j->err;
		return -1;
	}
	return 0;
}

/*
 * Records the first error.  A misuse (EINVAL, E2BIG) stops the writer
 * after what came before it, so that goes out first.
 */
static void
fail(struct jsonw *j, int e)
{
	if (j->err != 0)
		return;
	if (e == EINVAL || e == E2BIG)
		flush(j);
	j->err = e;
}

static void
emit(struct jsonw *j, const char *s, size_t n)
{
	if (j->err != 0 || n == 0)
		return;
	if (j->len + n > sizeof(j->buf))
		flush(j);
	if (n > sizeof(j->buf)) {
		errno = 0;
		if (fwrite(s, 1, n, j->out) != n || ferror(j->out))
			fail(j, errno != 0 ? errno : EIO);
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void
emits(struct jsonw *j, const char *s)
{
	emit(j, s, strlen(s));
}

/* Whether the elements of the container at nesting level lvl go on lines. */
static int
breaks(const struct jsonw *j, int lvl)
{
	return (j->flags & JSONW_PRETTY) ||
	    ((j->flags & JSONW_LINES) && lvl == 1);
}

/*
 * In JSONW_LINES layout the outermost container writes its newline as
 * soon as it opens, so a reader of the stream sees "[" alone at once.
 */
static int
eager(const struct jsonw *j, int lvl)
{
	return !(j->flags & JSONW_PRETTY) && (j->flags & JSONW_LINES) &&
	    lvl == 1;
}

static void
newline(struct jsonw *j, int lvl)
{
	static const char spaces[] = "                                ";
	int n;

	emit(j, "\n", 1);
	if (!(j->flags & JSONW_PRETTY))
		return;
	for (n = 2 * lvl; n > 0; n -= (int)sizeof(spaces) - 1)
		emit(j, spaces, n < (int)sizeof(spaces) - 1 ?
		    (size_t)n : sizeof(spaces) - 1);
}

/* Writes what separates a new element from the previous one, if any. */
static void
separate(struct jsonw *j)
{
	int lvl = j->depth;

	if (j->nonempty[lvl - 1])
		emit(j, ",", 1);
	if (breaks(j, lvl) && !(eager(j, lvl) && !j->nonempty[lvl - 1]))
		newline(j, lvl);
	j->nonempty[lvl - 1] = 1;
}

/*
 * Called before every value: an array element needs its separator, an
 * object member must have had its key.  Returns -1 once in error.
 */
static int
value_begin(struct jsonw *j)
{
	if (j->err != 0)
		return -1;
	if (j->depth == 0)
		return 0;
	if (j->kind[j->depth - 1] == '{') {
		if (!j->keyed) {
			fail(j, EINVAL);
			return -1;
		}
		j->keyed = 0;
		return 0;
	}
	separate(j);
	return 0;
}

/* Writes \uXXXX for the UTF-16 code unit u. */
static void
emit_u(struct jsonw *j, uint32_t u)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = { '\\', 'u', hex[u >> 12 & 0xf], hex[u >> 8 & 0xf],
	    hex[u >> 4 & 0xf], hex[u & 0xf] };

	emit(j, esc, sizeof(esc));
}

/*
 * Writes s as a quoted JSON string.  Runs of plain bytes go out in one
 * emit.  Beyond what JSON requires (the quote, the backslash and C0
 * controls), DEL and every code point util_hidden() names (C1 controls,
 * U+2028/U+2029, invisible and format characters) are written as \uXXXX
 * (a surrogate pair past U+FFFF): the same value to a parser, and safe on
 * a terminal that shows the output.  Bytes that are not UTF-8 become
 * U+FFFD (see jsonw_text_field for the lossless form).
 */
static void
quote(struct jsonw *j, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, n;
	char esc[2] = { '\\', 0 };

	emit(j, "\"", 1);
	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp = c;

		n = 1;
		if (c >= 0x80 && (n = util_utf8(s + i, len - i, &cp)) == 0) {
			emit(j, str + run, i - run);
			emit_u(j, 0xfffd);
			run = ++i;
			continue;
		}
		if (c != '"' && c != '\\' && cp >= 0x20 && cp != 0x7f &&
		    (cp < 0x80 || !util_hidden(cp))) {
			i += n;
			continue;
		}
		emit(j, str + run, i - run);
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			emit(j, esc, 2);
		} else if (cp > 0xffff) {
			emit_u(j, 0xd800 + ((cp - 0x10000) >> 10));
			emit_u(j, 0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else
			emit_u(j, cp);
		i += n;
		run = i;
	}
	emit(j, str + run, i - run);
	emit(j, "\"", 1);
}

static void
start(struct jsonw *j, char kind)
{
	if (value_begin(j) == -1)
		return;
	if (j->depth == JSONW_MAX_DEPTH) {
		fail(j, E2BIG);
		return;
	}
	emit(j, kind == '{' ? "{" : "[", 1);
	j->kind[j->depth] = kind;
	j->nonempty[j->depth] = 0;
	j->depth++;
	if (eager(j, j->depth))
		emit(j, "\n", 1);
}

static void
end(struct jsonw *j, char kind)
{
	if (j->err != 0)
		return;
	if (j->depth == 0 || j->kind[j->depth - 1] != kind || j->keyed) {
		fail(j, EINVAL);
		return;
	}
	if (j->nonempty[j->depth - 1] && breaks(j, j->depth))
		newline(j, j->depth - 1);
	emit(j, kind == '{' ? "}" : "]", 1);
	j->depth--;
}

void
jsonw_start_object(struct jsonw *j)
{
	start(j, '{');
}

void
jsonw_end_object(struct jsonw *j)
{
	end(j, '{');
}

void
jsonw_start_array(struct jsonw *j)
{
	start(j, '[');
}

void
jsonw_end_array(struct jsonw *j)
{
	end(j, '[');
}

void
jsonw_key(struct jsonw *j, const char *key)
{
	if (j->err != 0)
		return;
	if (j->depth == 0 || j->kind[j->depth - 1] != '{' || j->keyed ||
	    key == NULL) {
		fail(j, EINVAL);
		return;
	}
	separate(j);
	quote(j, key, strlen(key));
	emits(j, (j->flags & JSONW_PRETTY) ? ": " : ":");
	j->keyed = 1;
}

void
jsonw_string_len(struct jsonw *j, const char *s, size_t len)
{
	if (value_begin(j) == 0)
		quote(j, s, len);
}

void
jsonw_string(struct jsonw *j, const char *s)
{
	if (s == NULL)
		jsonw_null(j);
	else
		jsonw_string_len(j, s, strlen(s));
}

void
jsonw_hex(struct jsonw *j, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	char two[2];
	size_t i;

	if (value_begin(j) == -1)
		return;
	emit(j, "\"", 1);
	for (i = 0; i < len; i++) {
		two[0] = hex[p[i] >> 4];
		two[1] = hex[p[i] & 0xf];
		emit(j, two, 2);
	}
	emit(j, "\"", 1);
}

/* Whether all len bytes of s are UTF-8 (NUL and controls included). */
static int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (u[i] < 0x80)
			n = 1;
		else if ((n = util_utf8(u + i, len - i, NULL)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

void
jsonw_text_field(struct jsonw *j, const char *key, const char *s, size_t len)
{
	char bkey[JSONW_KEY_MAX + sizeof(JSONW_BYTES_SUFFIX)];

	if (key != NULL && strlen(key) > JSONW_KEY_MAX) {
		fail(j, EINVAL);
		return;
	}
	jsonw_key(j, key);
	if (s == NULL) {
		jsonw_null(j);
		return;
	}
	jsonw_string_len(j, s, len);
	if (utf8_valid(s, len))
		return;
	snprintf(bkey, sizeof(bkey), "%s" JSONW_BYTES_SUFFIX, key);
	jsonw_key(j, bkey);
	jsonw_hex(j, s, len);
}

void
jsonw_uint(struct jsonw *j, uint64_t v)
{
	char buf[24];

	if (value_begin(j) == 0) {
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		emits(j, buf);
	}
}

void
jsonw_int(struct jsonw *j, int64_t v)
{
	char buf[24];

	if (value_begin(j) == 0) {
		snprintf(buf, sizeof(buf), "%" PRId64, v);
		emits(j, buf);
	}
}

void
jsonw_bool(struct jsonw *j, int v)
{
	if (value_begin(j) == 0)
		emits(j, v ? "true" : "false");
}

void
jsonw_null(struct jsonw *j)
{
	if (value_begin(j) == 0)
		emits(j, "null");
}

void
jsonw_string_field(struct jsonw *j, const char *key, const char *s)
{
	jsonw_key(j, key);
	jsonw_string(j, s);
}

void
jsonw_uint_field(struct jsonw *j, const char *key, uint64_t v)
{
	jsonw_key(j, key);
	jsonw_uint(j, v);
}

void
jsonw_int_field(struct jsonw *j, const char *key, int64_t v)
{
	jsonw_key(j, key);
	jsonw_int(j, v);
}

void
jsonw_bool_field(struct jsonw *j, const char *key, int v)
{
	jsonw_key(j, key);
	jsonw_bool(j, v);
}

void
jsonw_null_field(struct jsonw *j, const char *key)
{
	jsonw_key(j, key);
	jsonw_null(j);
}
