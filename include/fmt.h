/*
 * fmt.h - the table of output formatters.  Each consumes the same rows
 * (struct sock_row): begin a pass, take rows, end the pass.  A formatter
 * copies whatever it keeps past row(); the caller owns the rows.
 */
#ifndef FMT_H
#define FMT_H

#include <stdio.h>

#include "sockstat.h"

struct formatter {
	const char	*name;
	/* Starts one pass.  Returns a state, or NULL with errno set. */
	void		*(*begin)(FILE *out, const struct options *o);
	/* Takes one row.  Returns 0, or -1 with errno set. */
	int		 (*row)(void *st, const struct sock_row *r);
	/*
	 * Ends the pass: writes what was kept, flushes, frees st (also on
	 * error).  Returns 0, or -1 with errno set (a write error).
	 */
	int		 (*end)(void *st);
	/*
	 * Optional (NULL in most formatters), for one that prints rows as
	 * they arrive but sizes some columns first.  measure_families tells,
	 * after begin, which families (FAM_*) the caller must show it first:
	 * 0 for none.  The caller then hands each selected row of those
	 * families' Internet dumps to measure(), which keeps nothing of it,
	 * before the first row().  The caller may keep those rows and give
	 * them to row() in place of a second dump; if it dumps again, row()
	 * may see rows measure() never did.  Both return as row() does.
	 * measure() may clear the fields of *r that the pass never prints,
	 * so that a caller who keeps r keeps less.
	 */
	unsigned	 (*measure_families)(void *st);
	int		 (*measure)(void *st, struct sock_row *r);
};

struct jsonw;

/* "local" or "remote": {"address": numeric, "port": n}, for every face. */
void	fmt_json_endpoint(struct jsonw *j, const char *key, int family,
	    const union sock_addr *a, uint16_t port);

extern const struct formatter fmt_table;	/* the netstat face */
extern const struct formatter fmt_json;		/* --json */
extern const struct formatter fmt_summary;	/* -s, and -s --json */
/* The lsof face (-i); its rows come through lsof_select_owners first. */
extern const struct formatter fmt_lsof;

#endif /* FMT_H */
