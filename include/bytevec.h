/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bytevec.h - a growable array of bytes that the netstat face keeps its
 * rows in until a section's widths are known: fixed-size records, or
 * texts each led by its length, read back in the order written.
 */
#ifndef BYTEVEC_H
#define BYTEVEC_H

#include <stddef.h>

struct bytevec {
	char	*p;
	size_t	 len, cap;
};

/* Appends n bytes of p to v.  Returns 0, or -1 with errno ENOMEM. */
int	 bytevec_push(struct bytevec *v, const void *p, size_t n);

/*
 * Copies the n bytes of v at *pos to p and moves *pos past them; the
 * caller reads what it wrote, so *pos + n <= v->len.
 */
void	 bytevec_read(const struct bytevec *v, size_t *pos, void *p, size_t n);

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
