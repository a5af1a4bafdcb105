/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bytevec.c - a growable array of bytes, doubled as it fills so that a
 * section of many thousand rows costs a few reallocations.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytevec.h"

int
bytevec_grow(struct bytevec *v, size_t n)
{
	size_t cap;
	char *np;

	cap = v->cap == 0 ? 4096 : v->cap;
	while (cap - v->len < n)
		cap *= 2;
	if ((np = realloc(v->p, cap)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	v->p = np;
	v->cap = cap;
	return 0;
}

int
bytevec_push_text(struct bytevec *v, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;

	return bytevec_push(v, &len, sizeof(len)) == -1 ? -1 :
	    bytevec_push(v, s, n);
}

const char *
bytevec_next_text(const struct bytevec *v, size_t *pos, size_t *n)
{
	uint32_t len;
	const char *s;

	bytevec_read(v, pos, &len, sizeof(len));
	s = v->p + *pos;
	*pos += len;
	*n = len;
	return s;
}

void
bytevec_free(struct bytevec *v)
{
	free(v->p);
	memset(v, 0, sizeof(*v));
}
