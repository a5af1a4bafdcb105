/* SPDX-License-Identifier: BSD-2-Clause */
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
 * Code points that act on a terminal or hide in a line, sorted: the C1
 * controls (as able to drive a terminal as ESC is), the line and
 * paragraph separators, and every Default_Ignorable_Code_Point of
 * Unicode's DerivedCoreProperties together with every format character
 * (General_Category Cf).  Those draw nothing, or nothing the eye can tell
 * from a plain letter or a space: bidi marks, overrides and isolates,
 * zero-width characters, the soft hyphen, the Hangul fillers, variation
 * selectors, tags, interlinear annotation marks, the BOM.  With them one
 * process name could pass for another, or reorder the rest of a line.
 * Two neighbouring ranges stay apart where they come from two classes.
 */
static const struct {
	uint32_t	lo, hi;
} hidden[] = {
	{ 0x0080, 0x009f },	/* C1 controls */
	{ 0x00ad, 0x00ad },	/* soft hyphen */
	{ 0x034f, 0x034f },	/* combining grapheme joiner */
	{ 0x0600, 0x0605 },	/* Arabic number signs (Cf) */
	{ 0x061c, 0x061c },	/* Arabic letter mark */
	{ 0x06dd, 0x06dd },	/* Arabic end of ayah (Cf) */
	{ 0x070f, 0x070f },	/* Syriac abbreviation mark (Cf) */
	{ 0x0890, 0x0891 },	/* Arabic pound and piastre marks (Cf) */
	{ 0x08e2, 0x08e2 },	/* Arabic disputed end of ayah (Cf) */
	{ 0x115f, 0x1160 },	/* Hangul choseong and jungseong fillers */
	{ 0x17b4, 0x17b5 },	/* Khmer inherent vowels */
	{ 0x180b, 0x180f },	/* Mongolian variation selectors, vowel sep. */
	{ 0x200b, 0x200f },	/* zero-width space, (non-)joiner, LRM, RLM */
	{ 0x2028, 0x202e },	/* line/paragraph separators, bidi embeddings */
	{ 0x2060, 0x206f },	/* word joiner, invisible operators, isolates */
	{ 0x3164, 0x3164 },	/* Hangul filler */
	{ 0xfe00, 0xfe0f },	/* variation selectors 1-16 */
	{ 0xfeff, 0xfeff },	/* zero-width no-break space, BOM */
	{ 0xffa0, 0xffa0 },	/* halfwidth Hangul filler */
	{ 0xfff0, 0xfff8 },	/* reserved, default ignorable */
	{ 0xfff9, 0xfffb },	/* interlinear annotation marks (Cf) */
	{ 0x110bd, 0x110bd },	/* Kaithi number sign (Cf) */
	{ 0x110cd, 0x110cd },	/* Kaithi number sign above (Cf) */
	{ 0x13430, 0x1343f },	/* Egyptian hieroglyph format controls */
	{ 0x1bca0, 0x1bca3 },	/* shorthand format controls */
	{ 0x1d173, 0x1d17a },	/* musical symbol format controls */
	{ 0xe0000, 0xe0fff },	/* tags, variation selectors 17-256, reserved */
};

int
util_hidden(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(hidden) / sizeof(hidden[0]), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp > hidden[mid].hi)
			lo = mid + 1;
		else if (cp < hidden[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
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

	return len > 0 && !util_hidden(cp) ? len : 0;
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
	return util_escape_seps(dst, dstlen, src, len, "");
}

size_t
util_escape_seps(char *dst, size_t dstlen, const char *src, size_t len,
    const char *seps)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t off = 0, i = 0, n, end = 0;
	char esc[4];

	while (i < len) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' &&
		    (seps[0] == '\0' || strchr(seps, c) == NULL)) {
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

size_t
util_copy(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	if (len == 0)
		return 0;
	while (n + 1 < len && src[n] != '\0') {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return n;
}

size_t
util_utoa(char *dst, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	dst[n] = '\0';
	return n;
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
