/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * table_unix.h - the UNIX section of the netstat face (fmt_table.c owns
 * the Internet section and the formatter).  Rows stream as they come,
 * but with -p, whose column comes before Path and widens, they are kept
 * as records and text and printed at the end at the width measured.
 *
 * The struct is declared here so that fmt_table.c can hold it by value;
 * nothing but table_unix.c reads its fields.
 */
#ifndef TABLE_UNIX_H
#define TABLE_UNIX_H

#include <stddef.h>

#include "bytevec.h"
#include "outbuf.h"
#include "sockstat.h"

struct table_unix {
	const struct options	*o;
	struct outbuf		*ob;
	size_t			 prog_w;	/* PID/Program name column */
	int			 head;		/* header written */
	struct bytevec		 rows, text;	/* kept rows (-p) */
	char			*scratch;	/* escaped path, program list */
	size_t			 scratch_cap;
};

/*
 * Whether the options ask for the UNIX section.  filter_normalize() has
 * turned -t -u -w -x -4 -6 into protocols already; 0 means all.
 */
int	 table_unix_wanted(const struct options *o);

/*
 * Sets u up to write to ob by the options o; both outlive u.  Never
 * fails (nothing is allocated before the first row).
 */
void	 table_unix_init(struct table_unix *u, const struct options *o,
	    struct outbuf *ob);

/*
 * One UNIX row, selected, in dump order: written at once (the header
 * first), or kept until table_unix_end() with -p.  Returns 0, or -1 with
 * errno ENOMEM.
 */
int	 table_unix_row(struct table_unix *u, const struct sock_row *r);

/*
 * Ends the section: its header when no row wrote it yet (and the section
 * is wanted), then the kept rows.  Write errors stay in the outbuf.
 */
void	 table_unix_end(struct table_unix *u);

/* Frees what u holds; u may be freed mid-section. */
void	 table_unix_free(struct table_unix *u);

#endif /* TABLE_UNIX_H */
