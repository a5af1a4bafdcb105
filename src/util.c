/*
 * util.c - bounded number parsing and terminal-safe escaping.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

long long
util_strtonum(const char *s, long long min, long long max, const char **errstr)
{
	char *end;
	long long v;

	*errstr = "invalid";
	if (s == NULL || *s == '\0' || min > max)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	/* glibc returns 0 with errno 0 for "foo": check end too. */
	if (end == s || *end != '\0')
		return 0;
	if ((v == LLONG_MIN && errno == ERANGE) || v < min) {
		*errstr = "too small";
		return 0;
	}
	if ((v == LLONG_MAX && errno == ERANGE) || v > max) {
		*errstr = "too large";
		return 0;
	}
	*errstr = NULL;
	return v;
}

size_t
util_utf8(const unsigned char *s, size_t n, uint32_t *cpp)
{
	uint32_t cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cpp != NULL)
		*cpp = cp;
	return len;
}

/*
 * Whether code point cp may act on a terminal or on how a line reads: the
 * C1 controls (as able to drive a terminal as ESC is), and the invisible
 * format characters a process could use to reorder or hide what the
 * operator sees: bidirectional marks, overrides and isolates, zero-width
 * characters, line and paragraph separators, the byte order mark.
 */
static int
unsafe_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff;
}

/*
 * Length of the UTF-8 sequence at s if it encodes a character safe to
 * show as is, else 0 (each of its bytes is then escaped).
 */
static size_t
utf8_printable(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = util_utf8(s, n, &cp);

	return len > 0 && !unsafe_cp(cp) ? len : 0;
}

/*
 * Appends n bytes of p to dst if they fit whole with the final NUL, and
 * counts them anyway.  Once a piece does not fit, *off has passed dstlen
 * and nothing more is written, so an escape is never cut in half.
 */
static void
put(char *dst, size_t dstlen, size_t *off, const char *p, size_t n)
{
	if (*off + n < dstlen)
		memcpy(dst + *off, p, n);
	*off += n;
}

size_t
util_escape(char *dst, size_t dstlen, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t off = 0, i = 0, n, end = 0;
	char esc[4];

	while (i < len) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			put(dst, dstlen, &off, (const char *)s + i, 1);
			n = 1;
		} else if (c >= 0x80 && (n = utf8_printable(s + i, len - i)) > 0) {
			put(dst, dstlen, &off, (const char *)s + i, n);
		} else {
			n = 1;
			esc[0] = '\\';
			switch (c) {
			case '\\': esc[1] = '\\'; put(dst, dstlen, &off, esc, 2); break;
			case '\n': esc[1] = 'n'; put(dst, dstlen, &off, esc, 2); break;
			case '\t': esc[1] = 't'; put(dst, dstlen, &off, esc, 2); break;
			case '\r': esc[1] = 'r'; put(dst, dstlen, &off, esc, 2); break;
			default:
				esc[1] = 'x';
				esc[2] = hex[c >> 4];
				esc[3] = hex[c & 0xf];
				put(dst, dstlen, &off, esc, 4);
			}
		}
		if (off < dstlen)
			end = off;
		i += n;
	}
	if (dstlen > 0)
		dst[end] = '\0';
	return off;
}

const char *
util_esc(char *buf, size_t len, const char *s)
{
	util_escape(buf, len, s, strlen(s));
	return buf;
}

uint64_t
util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
util_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
