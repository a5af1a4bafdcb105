/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rowvec.c - rows in one array, their strings and owners in an arena.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowvec.h"
#include "tcpinfo.h"

#define ROWVEC_MIN	256		/* rows in the first array */
#define BLOCK_SIZE	(256 * 1024)	/* arena block, bytes */

/*
 * Arena blocks are never moved or freed before rowvec_clear/_free, so
 * the pointers rows hold into them stay valid while the row array itself
 * is realloc'd.
 */
struct block {
	struct block	*next;
	size_t		 size;		/* bytes in data[] */
	size_t		 used;
	unsigned char	 data[];
};

struct rowvec {
	struct sock_row	*rows;
	size_t		 len;
	size_t		 cap;
	struct block	*head;
	struct block	*cur;		/* block being filled */
};

struct rowvec *
rowvec_new(void)
{
	return calloc(1, sizeof(struct rowvec));
}

static struct block *
block_new(size_t size)
{
	struct block *b;

	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

/* Padding that brings the next free byte of b to a multiple of align. */
static size_t
block_pad(const struct block *b, size_t align)
{
	uintptr_t p = (uintptr_t)(b->data + b->used);

	return (size_t)(-p & (align - 1));
}

/* Returns n bytes aligned to align from the arena, or NULL (ENOMEM). */
static void *
arena_alloc(struct rowvec *rv, size_t n, size_t align)
{
	struct block *b = rv->cur, *nb;
	void *p;

	/* Blocks after cur are empty: left over from before rowvec_clear. */
	while (b != NULL && b->used + block_pad(b, align) + n > b->size) {
		if (b->next == NULL || b->next->size < n + align)
			break;
		b = b->next;
	}
	if (b == NULL || b->used + block_pad(b, align) + n > b->size) {
		if ((nb = block_new(n + align > BLOCK_SIZE ?
		    n + align : BLOCK_SIZE)) == NULL)
			return NULL;
		if (b == NULL)
			rv->head = nb;
		else {
			nb->next = b->next;
			b->next = nb;
		}
		b = nb;
	}
	rv->cur = b;
	b->used += block_pad(b, align);
	p = b->data + b->used;
	b->used += n;
	return p;
}

/*
 * Doubles the row array.  Rows are plain values (their pointers lead into
 * the arena, never into the array), so realloc may move them.
 */
static int
rows_grow(struct rowvec *rv)
{
	struct sock_row *nr;
	size_t ncap;

	ncap = rv->cap == 0 ? ROWVEC_MIN : rv->cap * 2;
	if (ncap < rv->cap || ncap > SIZE_MAX / sizeof(*nr)) {
		errno = ENOMEM;
		return -1;
	}
	if ((nr = realloc(rv->rows, ncap * sizeof(*nr))) == NULL)
		return -1;
	rv->rows = nr;
	rv->cap = ncap;
	return 0;
}

int
rowvec_push(struct rowvec *rv, const struct sock_row *r)
{
	struct block *save_cur = rv->cur;
	size_t save_used = rv->cur != NULL ? rv->cur->used : 0;
	struct sock_owner *ow = NULL;
	struct sock_ext *ext = NULL;
	struct sock_row *dst;
	char *path = NULL, *cmd;
	size_t i, n;

	/* Grow first: a failure then leaves nothing to undo. */
	if (rv->len == rv->cap && rows_grow(rv) == -1)
		return -1;
	if (r->path != NULL && r->path_len > 0) {
		if ((path = arena_alloc(rv, r->path_len, 1)) == NULL)
			goto fail;
		memcpy(path, r->path, r->path_len);
	}
	if (r->owners != NULL && r->nowners > 0) {
		if (r->nowners > SIZE_MAX / sizeof(*ow))
			goto fail;
		if ((ow = arena_alloc(rv, r->nowners * sizeof(*ow),
		    alignof(struct sock_owner))) == NULL)
			goto fail;
		memcpy(ow, r->owners, r->nowners * sizeof(*ow));
		for (i = 0; i < r->nowners; i++) {
			if (ow[i].argv0 != NULL) {
				n = strlen(ow[i].argv0) + 1;
				if ((cmd = arena_alloc(rv, n, 1)) == NULL)
					goto fail;
				memcpy(cmd, ow[i].argv0, n);
				ow[i].argv0 = cmd;
			}
			if (ow[i].command == NULL)
				continue;
			n = strlen(ow[i].command) + 1;
			if ((cmd = arena_alloc(rv, n, 1)) == NULL)
				goto fail;
			memcpy(cmd, ow[i].command, n);
			ow[i].command = cmd;
		}
	}
	/* --info and the like: the row's internals live in the dump buffer. */
	if (r->ext != NULL) {
		if ((ext = arena_alloc(rv, sizeof(*ext),
		    alignof(struct sock_ext))) == NULL)
			goto fail;
		memcpy(ext, r->ext, sizeof(*ext));
	}
	dst = &rv->rows[rv->len++];
	*dst = *r;
	dst->ext = ext;
	dst->path = path;
	dst->path_len = path != NULL ? r->path_len : 0;
	dst->owners = ow;
	dst->nowners = ow != NULL ? r->nowners : 0;
	return 0;
fail:
	/* Hand back what this row took; later blocks are empty anyway. */
	if (save_cur != NULL) {
		rv->cur = save_cur;
		save_cur->used = save_used;
		for (save_cur = save_cur->next; save_cur != NULL;
		    save_cur = save_cur->next)
			save_cur->used = 0;
	} else if ((rv->cur = rv->head) != NULL) {
		for (save_cur = rv->head; save_cur != NULL;
		    save_cur = save_cur->next)
			save_cur->used = 0;
	}
	errno = ENOMEM;
	return -1;
}

int
rowvec_collect(const struct sock_row *r, void *arg)
{
	return rowvec_push(arg, r);
}

size_t
rowvec_len(const struct rowvec *rv)
{
	return rv->len;
}

const struct sock_row *
rowvec_get(const struct rowvec *rv, size_t i)
{
	return i < rv->len ? &rv->rows[i] : NULL;
}

void
rowvec_clear(struct rowvec *rv)
{
	struct block *b;

	rv->len = 0;
	for (b = rv->head; b != NULL; b = b->next)
		b->used = 0;
	rv->cur = rv->head;
}

void
rowvec_free(struct rowvec *rv)
{
	struct block *b, *next;

	if (rv == NULL)
		return;
	for (b = rv->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(rv->rows);
	free(rv);
}
