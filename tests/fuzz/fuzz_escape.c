/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_escape.c - util_escape on any bytes, into any size of buffer.
 *
 * Input: two bytes giving the size of a second, short destination, then
 * the bytes to escape.  Checks: the text is safe for a terminal (no C0
 * control, DEL, C1 control, invisible or format character, or invalid
 * UTF-8), the returned length is the
 * text's, undoing the escapes gives back the input exactly, and a short
 * buffer holds a prefix of the full text cut at a whole escape.
 */
#include "fuzz.h"
#include "util.h"

/*
 * Length of the UTF-8 character at s if it is valid and may be shown:
 * not a C1 control nor an invisible or format character.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = fuzz_utf8_len(s, n, &cp);

	return len > 0 && util_hidden(cp) ? 0 : len;
}

static int
hexdig(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Undoes the escapes of s (n bytes) into out.  Returns the decoded
 * length, or (size_t)-1 if s is not text util_escape could write: a
 * half escape, an unknown one, or a raw byte it must have escaped.
 */
static size_t
unescape(const char *s, size_t n, unsigned char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, l;
	int hi, lo;

	while (i < n) {
		if (u[i] != '\\') {
			if (u[i] < 0x20 || u[i] == 0x7f ||
			    (l = utf8_len(u + i, n - i)) == 0)
				return (size_t)-1;
			memcpy(out + o, u + i, l);
			o += l;
			i += l;
			continue;
		}
		if (i + 1 >= n)
			return (size_t)-1;
		switch (u[i + 1]) {
		case '\\': out[o++] = '\\'; i += 2; break;
		case 'n': out[o++] = '\n'; i += 2; break;
		case 't': out[o++] = '\t'; i += 2; break;
		case 'r': out[o++] = '\r'; i += 2; break;
		case 'x':
			if (i + 3 >= n || (hi = hexdig(s[i + 2])) < 0 ||
			    (lo = hexdig(s[i + 3])) < 0)
				return (size_t)-1;
			out[o++] = (unsigned char)(hi << 4 | lo);
			i += 4;
			break;
		default:
			return (size_t)-1;
		}
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src;
	char *full, *part;
	unsigned char *back;
	size_t len, need, ret, plen, dlen;

	if (size < 2)
		return 0;
	plen = (size_t)data[0] << 8 | data[1];
	src = (const char *)data + 2;
	len = size - 2;

	/* The full text, in a buffer of exactly the size it asks for. */
	need = util_escape(NULL, 0, src, len);
	FUZZ_CHECK(need + 1 <= UTIL_ESCAPE_MAX(len));
	if ((full = malloc(need + 1)) == NULL ||
	    (back = malloc(len + 1)) == NULL)
		abort();
	ret = util_escape(full, need + 1, src, len);
	FUZZ_CHECK(ret == need && strlen(full) == need);
	dlen = unescape(full, need, back);
	FUZZ_CHECK(dlen == len && memcmp(back, src, len) == 0);

	/* A short buffer: a prefix cut where an escape ends. */
	plen %= need + 2;
	if ((part = malloc(plen + 1)) == NULL)
		abort();
	part[plen] = 'Z';	/* a canary past the size given */
	ret = util_escape(part, plen, src, len);
	FUZZ_CHECK(ret == need && part[plen] == 'Z');
	if (plen > 0) {
		FUZZ_CHECK(strlen(part) < plen);
		FUZZ_CHECK(strncmp(part, full, strlen(part)) == 0);
		if (need < plen)
			FUZZ_CHECK(strcmp(part, full) == 0);
		dlen = unescape(part, strlen(part), back);
		FUZZ_CHECK(dlen != (size_t)-1 && dlen <= len &&
		    memcmp(back, src, dlen) == 0);
	}
	free(part);
	free(back);
	free(full);
	return 0;
}
