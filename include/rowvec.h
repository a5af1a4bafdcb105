/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rowvec.h - a growable vector of socket rows that owns what they point
 * at.  Sources hand rows to a callback with pointers into their receive
 * buffers; a consumer that must see every row first (the lsof face sorts
 * them) keeps them here.  Rows sit in one array
 * and their UNIX names, owners and command strings in an arena of large
 * blocks: no allocation per row.
 */
#ifndef ROWVEC_H
#define ROWVEC_H

#include <stddef.h>

#include "sockstat.h"

struct rowvec;

/*
 * Returns an empty vector, or NULL with errno ENOMEM.  The caller frees
 * it with rowvec_free().
 */
struct rowvec	*rowvec_new(void);

/*
 * Appends a deep copy of r (path bytes, owners and their commands).
 * Returns 0, or -1 with errno ENOMEM (the vector is left unchanged).
 */
int		 rowvec_push(struct rowvec *rv, const struct sock_row *r);

/* A row_cb that pushes into the struct rowvec given as arg. */
int		 rowvec_collect(const struct sock_row *r, void *arg);

/* Number of rows held. */
size_t		 rowvec_len(const struct rowvec *rv);

/*
 * Row i (< rowvec_len), owned by rv.  Its path and owners stay valid
 * until rowvec_clear/_free; the row itself moves on the next push.
 */
const struct sock_row *rowvec_get(const struct rowvec *rv, size_t i);

/* Drops every row but keeps the memory for the next pass (-c). */
void		 rowvec_clear(struct rowvec *rv);

/* Frees rv and everything its rows point at; NULL is a no-op. */
void		 rowvec_free(struct rowvec *rv);

#endif /* ROWVEC_H */
