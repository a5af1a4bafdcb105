/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * select.h - the selection: which dumps a pass asks for, which rows it
 * shows and which of their owners.  The netstat flags (filter.c) and
 * lsof's letters (lsof_match.c) each implement it; a new way to select
 * (a filter expression) is one more implementation, and the pipeline
 * does not change.  A selection is built after parsing from read-only
 * options; whatever it must remember during a pass lives in it.
 */
#ifndef SELECT_H
#define SELECT_H

#include <stdint.h>

#include "sockstat.h"

struct selection;

/* What match() says of a row. */
#define SELECT_NO	0	/* not shown */
#define SELECT_BY_OWNER	1	/* shown only if owners() picks a holder */
#define SELECT_ROW	2	/* selected by the socket itself */

struct selection_ops {
	/*
	 * The ST_BIT mask of states to ask of the dump of proto in family
	 * (AF_INET, AF_INET6, AF_UNIX); 0: the dump is not needed at all.
	 * Sources may return more states: match() still decides.
	 */
	uint32_t	(*states)(const struct selection *s, int family,
			    enum sock_proto proto);
	/*
	 * The socket part: SELECT_NO drops r; SELECT_ROW keeps it for
	 * itself, SELECT_BY_OWNER only in case owners() selects it by a
	 * holder.  The value is handed to owners() for the same row.
	 */
	int		(*match)(const struct selection *s,
			    const struct sock_row *r);
	/*
	 * The owner part, for a kept row with every holder attached (none
	 * without -p): narrows r->owners to those listed (they may then
	 * point into s until the next call).  Returns 1 to show r, 0 to
	 * drop it, -1 with errno set.  NULL: every kept row is shown with
	 * all its holders.
	 */
	int		(*owners)(struct selection *s, int m,
			    struct sock_row *r);
	/* Frees s; the pipeline never calls it. */
	void		(*free)(struct selection *s);
};

/* Every implementation starts with this member. */
struct selection {
	const struct selection_ops *ops;
};

/* Frees s through its ops; NULL is a no-op. */
static inline void
selection_free(struct selection *s)
{
	if (s != NULL)
		s->ops->free(s);
}

#endif /* SELECT_H */
