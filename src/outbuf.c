/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outbuf.c - the text faces' output buffer (see outbuf.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "outbuf.h"
#include "textwidth.h"

int
outbuf_init(struct outbuf *o, FILE *out, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->out = out;
	o->cap = cap;
	if ((o->buf = malloc(cap)) == NULL)
		return -1;
	return 0;
}

void
outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
}

static void
write_out(struct outbuf *o, const char *s, size_t n)
{
	if (o->werr != 0 || n == 0)
		return;
	errno = 0;
	if (fwrite(s, 1, n, o->out) != n)
		o->werr = errno != 0 ? errno : EIO;
}

void
outbuf_flush(struct outbuf *o)
{
	write_out(o, o->buf, o->len);
	o->len = 0;
}

void
outbuf_put(struct outbuf *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		outbuf_flush(o);
		if (n > o->cap) {
			write_out(o, s, n);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void
outbuf_str(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

void
outbuf_spaces(struct outbuf *o, size_t n)
{
	size_t k;

	while (n > 0) {
		if (o->len == o->cap)
			outbuf_flush(o);
		k = o->cap - o->len < n ? o->cap - o->len : n;
		memset(o->buf + o->len, ' ', k);
		o->len += k;
		n -= k;
	}
}

void
outbuf_left(struct outbuf *o, const char *s, size_t n, size_t width)
{
	outbuf_put(o, s, n);
	if (n < width)
		outbuf_spaces(o, width - n);
}

void
outbuf_right(struct outbuf *o, const char *s, size_t n, size_t width)
{
	if (n < width)
		outbuf_spaces(o, width - n);
	outbuf_put(o, s, n);
}

void
outbuf_text(struct outbuf *o, const char *s, size_t n, size_t width)
{
	size_t w = textwidth(s, n);

	outbuf_put(o, s, n);
	if (w < width)
		outbuf_spaces(o, width - w);
}

void
outbuf_u64(struct outbuf *o, uint64_t v, size_t width, int right)
{
	char buf[24], *p = buf + sizeof(buf);
	size_t n;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	n = (size_t)(buf + sizeof(buf) - p);
	if (right)
		outbuf_right(o, p, n, width);
	else
		outbuf_left(o, p, n, width);
}
