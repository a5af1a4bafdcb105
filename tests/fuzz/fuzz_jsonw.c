/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_jsonw.c - the JSON writer on any bytes and any call sequence.
 *
 * Input: a byte of flags, then either one string (written as an array
 * element, an object key and a value) or a program of writer calls.
 * A small strict JSON parser here checks what came out: valid JSON,
 * valid UTF-8, no raw control, DEL, C1 or invisible character anywhere.
 * A string must decode to its bytes with each invalid UTF-8 byte as
 * U+FFFD, and jsonw_text_field must add the bytes in hex exactly when
 * there was such a byte.  For a
 * program, a model of the nesting predicts misuse: a program it calls
 * valid must leave the writer fine and its output valid; one it calls
 * invalid must leave jsonw_status at -1 with the model's errno.  One
 * flag writes into a small unbuffered stream, to drive the write
 * errors, after which output is only checked if the writer saw none.
 */
#include <errno.h>

#include "fuzz.h"
#include "jsonw.h"
#include "util.h"

#define MAXSTR	8	/* strings checked against what was written */

struct parser {
	const unsigned char *s;
	size_t		 n, i;
	int		 depth;
	/* Decoded strings, in the order they appear. */
	unsigned char	*str[MAXSTR];
	size_t		 len[MAXSTR];
	int		 nstr;
};

/* Length of the valid UTF-8 sequence at s, 0 if invalid (no C1 test). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;

	return fuzz_utf8_len(s, n, &cp);
}

static size_t
put_utf8(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The bytes a string of the writer must decode to. */
static size_t
sanitize(const unsigned char *s, size_t n, unsigned char *o)
{
	size_t i = 0, k = 0, l;

	while (i < n) {
		if ((l = utf8_len(s + i, n - i)) == 0) {
			k += put_utf8(o + k, 0xfffd);
			i++;
			continue;
		}
		memcpy(o + k, s + i, l);
		k += l;
		i += l;
	}
	return k;
}

static void
ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\n' ||
	    p->s[p->i] == '\t' || p->s[p->i] == '\r'))
		p->i++;
}

static int
hex4(struct parser *p, uint32_t *v)
{
	int k, d;
	unsigned char c;

	*v = 0;
	for (k = 0; k < 4; k++) {
		if (p->i >= p->n)
			return -1;
		c = p->s[p->i++];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

static int
string(struct parser *p)
{
	unsigned char *o;
	size_t k = 0, l;
	uint32_t cp, lo;
	unsigned char c;

	if (p->i >= p->n || p->s[p->i++] != '"')
		return -1;
	/* Decoding never grows: at most 4 bytes out for 4 or more in. */
	if ((o = malloc(p->n - p->i + 4)) == NULL)
		abort();
	for (;;) {
		if (p->i >= p->n)
			goto bad;
		c = p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			if ((l = utf8_len(p->s + p->i, p->n - p->i)) == 0)
				goto bad;
			memcpy(o + k, p->s + p->i, l);
			k += l;
			p->i += l;
			continue;
		}
		if (++p->i >= p->n)
			goto bad;
		switch (p->s[p->i++]) {
		case '"': o[k++] = '"'; break;
		case '\\': o[k++] = '\\'; break;
		case '/': o[k++] = '/'; break;
		case 'b': o[k++] = '\b'; break;
		case 'f': o[k++] = '\f'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case 't': o[k++] = '\t'; break;
		case 'u':
			if (hex4(p, &cp) == -1)
				goto bad;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto bad;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->i + 2 > p->n || p->s[p->i] != '\\' ||
				    p->s[p->i + 1] != 'u')
					goto bad;
				p->i += 2;
				if (hex4(p, &lo) == -1 || lo < 0xdc00 ||
				    lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			k += put_utf8(o + k, cp);
			break;
		default:
			goto bad;
		}
	}
	if (p->nstr < MAXSTR) {
		p->str[p->nstr] = o;
		p->len[p->nstr++] = k;
	} else
		free(o);
	return 0;
bad:
	free(o);
	return -1;
}

static int
number(struct parser *p)
{
	size_t start;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	start = p->i;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	if (p->i == start || (p->s[start] == '0' && p->i - start > 1))
		return -1;
	return 0;
}

static int
literal(struct parser *p, const char *w)
{
	size_t l = strlen(w);

	if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0)
		return -1;
	p->i += l;
	return 0;
}

static int
value(struct parser *p)
{
	int first = 1;
	char close;

	ws(p);
	if (p->i >= p->n)
		return -1;
	switch (p->s[p->i]) {
	case '"':
		return string(p);
	case 't':
		return literal(p, "true");
	case 'f':
		return literal(p, "false");
	case 'n':
		return literal(p, "null");
	case '{':
	case '[':
		if (++p->depth > JSONW_MAX_DEPTH)
			return -1;
		close = p->s[p->i] == '{' ? '}' : ']';
		p->i++;
		for (;;) {
			ws(p);
			if (p->i < p->n && p->s[p->i] == close) {
				p->i++;
				p->depth--;
				return 0;
			}
			if (!first && (p->i >= p->n || p->s[p->i++] != ','))
				return -1;
			first = 0;
			if (close == '}') {
				ws(p);
				if (string(p) == -1)
					return -1;
				ws(p);
				if (p->i >= p->n || p->s[p->i++] != ':')
					return -1;
			}
			if (value(p) == -1)
				return -1;
		}
	default:
		return number(p);
	}
}

/*
 * Checks out[0..n): values separated by whitespace, and nothing a
 * terminal would act on (raw DEL, raw C1, controls but layout).
 */
static void
check_json(struct parser *p, const unsigned char *out, size_t n)
{
	size_t i, l;

	uint32_t cp;

	for (i = 0; i < n; i += l) {
		FUZZ_CHECK(out[i] >= 0x20 || out[i] == '\n');
		FUZZ_CHECK(out[i] != 0x7f);
		FUZZ_CHECK((l = fuzz_utf8_len(out + i, n - i, &cp)) > 0);
		FUZZ_CHECK(cp < 0x80 || !util_hidden(cp));
	}
	memset(p, 0, sizeof(*p));
	p->s = out;
	p->n = n;
	for (;;) {
		ws(p);
		if (p->i == n)
			break;
		FUZZ_CHECK(value(p) == 0);
	}
}

static void
parser_free(struct parser *p)
{
	while (p->nstr > 0)
		free(p->str[--p->nstr]);
}

/* Checks that decoded string k is s (n bytes) as the writer must show it. */
static void
check_string(const struct parser *p, int k, const uint8_t *s, size_t n)
{
	unsigned char *want;
	size_t wlen;

	if ((want = malloc(3 * n + 1)) == NULL)
		abort();
	wlen = sanitize(s, n, want);
	FUZZ_CHECK(k < p->nstr);
	FUZZ_CHECK(p->len[k] == wlen && memcmp(p->str[k], want, wlen) == 0);
	free(want);
}

/* Whether s is all valid UTF-8, so that sanitize() changes nothing. */
static int
sanitize_is_exact(const unsigned char *s, size_t n)
{
	size_t i, l;

	for (i = 0; i < n; i += l)
		if ((l = utf8_len(s + i, n - i)) == 0)
			return 0;
	return 1;
}

/* Checks that decoded string k is the lowercase hex of s (n bytes). */
static void
check_hex(const struct parser *p, int k, const uint8_t *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	FUZZ_CHECK(k < p->nstr && p->len[k] == 2 * n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(p->str[k][2 * i] == hex[s[i] >> 4] &&
		    p->str[k][2 * i + 1] == hex[s[i] & 0xf]);
}

/* One string as array element, object key and value, and as text. */
static void
one_string(int flags, const uint8_t *s, size_t n)
{
	struct parser p;
	struct jsonw *j;
	char *buf = NULL, *cs;
	size_t blen = 0;
	FILE *f;

	if ((cs = malloc(n + 1)) == NULL)
		abort();
	memcpy(cs, s, n);
	cs[n] = '\0';
	if ((f = open_memstream(&buf, &blen)) == NULL ||
	    (j = jsonw_new(f, flags)) == NULL)
		abort();
	jsonw_start_array(j);
	jsonw_string_len(j, (const char *)s, n);
	jsonw_start_object(j);
	jsonw_string_field(j, cs, cs);
	jsonw_end_object(j);
	jsonw_start_object(j);
	jsonw_text_field(j, "t", (const char *)s, n);
	jsonw_end_object(j);
	jsonw_end_array(j);
	FUZZ_CHECK(jsonw_status(j) == 0);
	jsonw_free(j);
	FUZZ_CHECK(fclose(f) == 0);

	check_json(&p, (unsigned char *)buf, blen);
	check_string(&p, 0, s, n);
	check_string(&p, 1, (const uint8_t *)cs, strlen(cs));
	check_string(&p, 2, (const uint8_t *)cs, strlen(cs));
	check_string(&p, 3, (const uint8_t *)"t", 1);
	check_string(&p, 4, s, n);
	/* The bytes in hex, exactly when the string could not hold them. */
	if (sanitize_is_exact(s, n)) {
		FUZZ_CHECK(p.nstr == 5);
	} else {
		FUZZ_CHECK(p.nstr == 7);
		check_string(&p, 5, (const uint8_t *)"t_bytes", 7);
		check_hex(&p, 6, s, n);
	}
	parser_free(&p);
	free(buf);
	free(cs);
}

/* The writer's rules, to predict misuse. */
struct model {
	char	 kind[64];
	int	 depth;
	int	 keyed;
	int	 err;		/* the errno to expect; 0: none */
};

static void
m_fail(struct model *m, int e)
{
	if (m->err == 0)
		m->err = e;
}

/* A value is about to be written; returns 0 if it is allowed. */
static int
m_value(struct model *m)
{
	if (m->err != 0)
		return -1;
	if (m->depth > 0 && m->kind[m->depth - 1] == '{') {
		if (!m->keyed) {
			m_fail(m, EINVAL);
			return -1;
		}
		m->keyed = 0;
	}
	return 0;
}

static void
m_start(struct model *m, char kind)
{
	if (m_value(m) == -1)
		return;
	if (m->depth == JSONW_MAX_DEPTH) {
		m_fail(m, E2BIG);
		return;
	}
	m->kind[m->depth++] = kind;
}

static void
m_end(struct model *m, char kind)
{
	if (m->err != 0)
		return;
	if (m->depth == 0 || m->kind[m->depth - 1] != kind || m->keyed)
		m_fail(m, EINVAL);
	else
		m->depth--;
}

static void
m_key(struct model *m, const char *key)
{
	if (m->err != 0)
		return;
	if (m->depth == 0 || m->kind[m->depth - 1] != '{' || m->keyed ||
	    key == NULL)
		m_fail(m, EINVAL);
	else
		m->keyed = 1;
}

/* Reads a string operand: a length byte (255: NULL), then the bytes. */
static const char *
operand(const uint8_t **d, const uint8_t *end, char *buf, size_t *len)
{
	size_t l;

	if (*d >= end)
		return "";
	l = *(*d)++;
	if (l == 255)
		return NULL;
	if (l > (size_t)(end - *d))
		l = (size_t)(end - *d);
	memcpy(buf, *d, l);
	buf[l] = '\0';
	*d += l;
	*len = l;
	return buf;
}

static uint64_t
operand64(const uint8_t **d, const uint8_t *end)
{
	uint64_t v = 0;
	int k;

	for (k = 0; k < 8 && *d < end; k++)
		v = v << 8 | *(*d)++;
	return v;
}

/*
 * A stream into a fixed buffer that fails once full.  (glibc's fmemopen
 * puts a NUL over the last byte of a full buffer without an error.)
 */
struct limited {
	char	*buf;
	size_t	 size, len;
};

static ssize_t
limited_write(void *cookie, const char *s, size_t n)
{
	struct limited *l = cookie;

	if (l->len == l->size) {
		errno = ENOSPC;
		return 0;
	}
	if (n > l->size - l->len)
		n = l->size - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	return (ssize_t)n;
}

static const cookie_io_functions_t limited_io = { NULL, limited_write,
    NULL, NULL };

static void
program(int flags, int small, const uint8_t *d, const uint8_t *end)
{
	struct parser p;
	struct model m;
	struct limited lim;
	struct jsonw *j;
	char *buf = NULL, str[256], fixed[512];
	const char *s;
	size_t blen = 0, slen = 0;
	int e, was_open;
	uint8_t op;
	FILE *f;

	memset(&m, 0, sizeof(m));
	if (small) {
		/* Room for a few values, no buffer to hide a short write. */
		lim.buf = fixed;
		lim.size = 1 + *d++ % sizeof(fixed);
		lim.len = 0;
		if ((f = fopencookie(&lim, "w", limited_io)) == NULL)
			abort();
		setvbuf(f, NULL, _IONBF, 0);
	} else if ((f = open_memstream(&buf, &blen)) == NULL)
		abort();
	if ((j = jsonw_new(f, flags)) == NULL)
		abort();

	while (d < end) {
		op = *d++;
		was_open = m.depth > 0;
		slen = 0;
		switch (op % 16) {
		case 0: jsonw_start_object(j); m_start(&m, '{'); break;
		case 1: jsonw_end_object(j); m_end(&m, '{'); break;
		case 2: jsonw_start_array(j); m_start(&m, '['); break;
		case 3: jsonw_end_array(j); m_end(&m, '['); break;
		case 4:
			s = operand(&d, end, str, &slen);
			jsonw_key(j, s);
			m_key(&m, s);
			break;
		case 5:
			s = operand(&d, end, str, &slen);
			jsonw_string_len(j, s == NULL ? "" : s, slen);
			m_value(&m);
			break;
		case 6:
			jsonw_string(j, operand(&d, end, str, &slen));
			m_value(&m);
			break;
		case 7: jsonw_uint(j, operand64(&d, end)); m_value(&m); break;
		case 8:
			jsonw_int(j, (int64_t)operand64(&d, end));
			m_value(&m);
			break;
		case 9: jsonw_bool(j, op & 0x10); m_value(&m); break;
		case 10: jsonw_null(j); m_value(&m); break;
		case 11:
			s = operand(&d, end, str, &slen);
			jsonw_string_field(j, s, s);
			m_key(&m, s);
			m_value(&m);
			break;
		case 12:
			s = operand(&d, end, str, &slen);
			jsonw_uint_field(j, s, operand64(&d, end));
			m_key(&m, s);
			m_value(&m);
			break;
		case 13:
			s = operand(&d, end, str, &slen);
			jsonw_int_field(j, s, (int64_t)operand64(&d, end));
			m_key(&m, s);
			m_value(&m);
			break;
		case 14:
			s = operand(&d, end, str, &slen);
			jsonw_bool_field(j, s, op & 0x10);
			m_key(&m, s);
			m_value(&m);
			break;
		default:
			s = operand(&d, end, str, &slen);
			jsonw_null_field(j, s);
			m_key(&m, s);
			m_value(&m);
			break;
		}
		/*
		 * A finished top-level value: separate it from the next,
		 * after jsonw_status has handed on what the writer holds.
		 */
		if (m.err == 0 && m.depth == 0 && (was_open || op % 16 >= 5) &&
		    op % 16 != 4) {
			(void)jsonw_status(j);
			fputc('\n', f);
		}
	}
	/* Close what is open, so a valid program ends in valid JSON. */
	if (m.err == 0 && m.keyed) {
		jsonw_null(j);
		m_value(&m);
	}
	while (m.err == 0 && m.depth > 0) {
		if (m.kind[m.depth - 1] == '{') {
			jsonw_end_object(j);
			m_end(&m, '{');
		} else {
			jsonw_end_array(j);
			m_end(&m, '[');
		}
	}

	errno = 0;
	if (m.err != 0) {
		FUZZ_CHECK(jsonw_status(j) == -1);
		e = errno;
		/* A write error may come first in the small buffer. */
		FUZZ_CHECK(e == m.err || small);
	}
	if (m.err == 0 && jsonw_status(j) == 0) {
		if (small)
			check_json(&p, (unsigned char *)fixed, lim.len);
		else {
			fflush(f);
			check_json(&p, (unsigned char *)buf, blen);
		}
		parser_free(&p);
	} else
		FUZZ_CHECK(m.err != 0 || small);
	jsonw_free(j);
	fclose(f);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int flags;

	if (size < 1)
		return 0;
	flags = data[0] & (JSONW_PRETTY | JSONW_LINES);
	if (data[0] & 0x04)
		one_string(flags, data + 1, size - 1);
	else if (!(data[0] & 0x08) || size > 1)
		program(flags, (data[0] & 0x08) != 0, data + 1, data + size);
	return 0;
}
