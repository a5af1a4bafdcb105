/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outbuf.h - a large output buffer for the text faces: fields are copied
 * and padded into it and it goes to the FILE in one fwrite when full,
 * since a stdio call per field costs more than formatting the field.
 */
#ifndef OUTBUF_H
#define OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct outbuf {
	FILE	*out;
	char	*buf;
	size_t	 len, cap;
	int	 werr;		/* the first write error; then nothing more */
};

/* Sets o up to write to out through cap bytes.  Returns 0, or -1 (ENOMEM). */
int	 outbuf_init(struct outbuf *o, FILE *out, size_t cap);

/* Frees o's buffer, without writing it. */
void	 outbuf_free(struct outbuf *o);

/* Writes what o holds; the first error is kept in o->werr. */
void	 outbuf_flush(struct outbuf *o);

/* Appends n bytes of s; s, right-aligned, or left-aligned in width. */
void	 outbuf_put(struct outbuf *o, const char *s, size_t n);
void	 outbuf_str(struct outbuf *o, const char *s);
void	 outbuf_spaces(struct outbuf *o, size_t n);
void	 outbuf_left(struct outbuf *o, const char *s, size_t n, size_t width);
void	 outbuf_right(struct outbuf *o, const char *s, size_t n, size_t width);

/*
 * Escaped text (UTF-8 kept) left-aligned in width display cells, counted
 * by textwidth() (a wide character two, a combining mark none).
 */
void	 outbuf_text(struct outbuf *o, const char *s, size_t n, size_t width);

/* v in decimal, right- or left-aligned in width. */
void	 outbuf_u64(struct outbuf *o, uint64_t v, size_t width, int right);

#endif /* OUTBUF_H */
