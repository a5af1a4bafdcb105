/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bytevec.h - a growable array of bytes that the netstat face keeps its
 * rows in until a section's widths are known: fixed-size records, or
 * texts each led by its length, read back in the order written.
 */
#ifndef BYTEVEC_H
#define BYTEVEC_H

#include <stddef.h>
#include <string.h>

struct bytevec {
	char	*p;
	size_t	 len, cap;
};

/*
 * Makes room for n more bytes in v.  Returns 0, or -1 with errno ENOMEM
 * (v unchanged).  bytevec_push() calls it when v is full.
 */
int	 bytevec_grow(struct bytevec *v, size_t n);

/*
 * Push and read are inline: the netstat face calls them a few times a
 * row with sizes known at compile time, which then copy in a move or two
 * instead of a call to memcpy.
 */

/* Appends n bytes of p to v.  Returns 0, or -1 with errno ENOMEM. */
static inline int
bytevec_push(struct bytevec *v, const void *p, size_t n)
{
	if (n > v->cap - v->len && bytevec_grow(v, n) == -1)
		return -1;
	memcpy(v->p + v->len, p, n);
	v->len += n;
	return 0;
}

/*
 * Copies the n bytes of v at *pos to p and moves *pos past them; the
 * caller reads what it wrote, so *pos + n <= v->len.
 */
static inline void
bytevec_read(const struct bytevec *v, size_t *pos, void *p, size_t n)
{
	memcpy(p, v->p + *pos, n);
	*pos += n;
}

/* Appends the n bytes of s led by their length (n < 4 GiB). */
int	 bytevec_push_text(struct bytevec *v, const char *s, size_t n);

/*
 * The text bytevec_push_text() wrote at *pos, its length in *n; moves
 * *pos past it.  The text points into v, valid until v changes.
 */
const char *bytevec_next_text(const struct bytevec *v, size_t *pos,
	    size_t *n);

/* Frees what v holds and leaves it empty, ready for reuse. */
void	 bytevec_free(struct bytevec *v);

#endif /* BYTEVEC_H */
