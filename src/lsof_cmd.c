/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lsof_cmd.c - a command name as lsof 4.95 shows it: its escapes, found
 * by running lsof on processes with hostile names, and its cut.
 */
#include <stdint.h>
#include <string.h>

#include "lsof.h"
#include "textwidth.h"

/*
 * Length of the UTF-8 sequence at s (n > 0 bytes left) of a code point
 * past U+009F, or 0 when there is none (invalid, or a C1 control).
 */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2, i;
	uint32_t c;

	if (s[0] < 0xc2 || s[0] > 0xf4 || n < len)
		return 0;
	c = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c <= 0x9f || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/*
 * One unit of a command name as lsof 4.95 escapes it, found by running
 * it on hostile names: \b \f \n \r \t and \\ as C escapes, other
 * control bytes as ^X (ESC is ^[), DEL as \x7f.  In the table (table
 * set) the space too (\x20, so that awk's $2 is always the PID) and
 * every byte past 0x7f (\xc3\xa9): the column is plain ASCII.  In -F's
 * c field a space stays as it is, and so does valid UTF-8 (but for C1
 * controls) when the locale is a UTF-8 one; in another locale lsof
 * escapes every byte past 0x7f there too.  Writes the unit to u (8
 * bytes); returns the bytes of s it took, *ulen its length.
 */
static size_t
cmd_unit(const unsigned char *s, size_t n, enum lsof_cmd_mode mode, char *u,
    size_t *ulen)
{
	static const char hex[] = "0123456789abcdef";
	static const char cesc[] = "\bb\ff\nn\rr\tt\\\\";
	const char *e;
	size_t k;
	int table = mode == LSOF_CMD_TABLE;

	if (s[0] >= 0x80 && mode == LSOF_CMD_FIELD &&
	    (k = utf8_char(s, n)) > 0) {
		memcpy(u, s, k);
		*ulen = k;
		return k;
	}
	if (s[0] > 0x20 && s[0] < 0x7f && s[0] != '\\') {
		u[0] = (char)s[0];
		*ulen = 1;
	} else if (s[0] == ' ' && !table) {
		u[0] = ' ';
		*ulen = 1;
	} else if (s[0] != 0 && (e = memchr(cesc, s[0], sizeof(cesc) - 1))
	    != NULL && (e - cesc) % 2 == 0) {
		u[0] = '\\';
		u[1] = e[1];
		*ulen = 2;
	} else if (s[0] < 0x20) {
		u[0] = '^';
		u[1] = (char)(s[0] + 0x40);
		*ulen = 2;
	} else {
		u[0] = '\\';
		u[1] = 'x';
		u[2] = hex[s[0] >> 4];
		u[3] = hex[s[0] & 0xf];
		*ulen = 4;
	}
	return 1;
}

size_t
lsof_cmd_escape(char *dst, size_t dstlen, const char *src, size_t len,
    enum lsof_cmd_mode mode, size_t cut)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, off = 0, w = 0, uw, ulen;
	char u[8];

	while (i < len) {
		/* A printable ASCII byte is itself, one cell wide. */
		if (s[i] > 0x20 && s[i] < 0x7f && s[i] != '\\') {
			if ((cut > 0 && w + 1 > cut) || off + 1 >= dstlen)
				break;
			dst[off++] = (char)s[i++];
			w++;
			continue;
		}
		i += cmd_unit(s + i, len - i, mode, u, &ulen);
		uw = textwidth(u, ulen);
		if ((cut > 0 && w + uw > cut) || off + ulen >= dstlen)
			break;
		memcpy(dst + off, u, ulen);
		off += ulen;
		w += uw;
	}
	if (dstlen > 0)
		dst[off] = '\0';
	return off;
}
