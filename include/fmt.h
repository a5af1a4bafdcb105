/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt.h - the table of output formatters.  Each consumes the same rows
 * (struct sock_row): begin a pass, take rows, end the pass.  A formatter
 * copies whatever it keeps past row(); the caller owns the rows.  How a
 * formatter lays its columns out is its own business: it keeps what it
 * needs to size them and pads at the end.
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
	 * Optional: told, before end(), that no source could read the dump
	 * of proto in family, so that the output need not look complete.
	 */
	void		 (*gap)(void *st, int family, enum sock_proto proto);
	/*
	 * ROW_HAS_* fields the formatter prints that a source may lack and
	 * the caller must then look up apart: ROW_HAS_REFCNT, netstat's
	 * RefCnt, which sock_diag does not give for UNIX sockets.
	 */
	unsigned	 needs;
	/*
	 * FMT_INET6_FIRST: the pipeline runs every IPv6 dump (tcp6, udp6,
	 * udpl6, raw6) before the IPv4 ones, then UNIX, so that a face
	 * whose IPv6 rows alone widen columns can measure them and then
	 * print IPv4 rows as they come.  0: netstat's order (tcp, tcp6,
	 * udp, udp6, ...).
	 */
	unsigned	 order;
	/*
	 * Optional: this pass's order when it differs from order, asked
	 * after begin(); FMT_INET6_MEASURE among them has the pipeline
	 * first run every IPv6 dump into measure() alone, then every dump
	 * into row() in netstat's order.
	 */
	unsigned	 (*pass_order)(void *st);
	/* Takes a selected row of a measuring dump.  Returns 0, or -1. */
	int		 (*measure)(void *st, const struct sock_row *r);
	/*
	 * Optional: told before the UNIX dump (and the RefCnt map it may
	 * need is read), so that what the Internet section keeps can go
	 * first.  Returns 0, or -1 with errno set (a write error).
	 */
	int		 (*unix_next)(void *st);
};

#define FMT_INET6_FIRST	1
#define FMT_TCP_JOINED	2	/* takes TCP rows of both families from
				   one dump, interleaved (fmt_tcp_joined) */
#define FMT_INET6_MEASURE 4	/* IPv6 dumps twice: measure, then rows */

/*
 * Whether a pass of o gives a face with FMT_TCP_JOINED its TCP rows of
 * both families in one dump, so that one walk of the kernel's TCP tables
 * does instead of two: when the kernel runs a filter (the rows are few),
 * and with --all-netns (every namespace's dump walks the tables of all
 * of them, so the walks, not the rows, cost most).
 */
static inline int
fmt_tcp_joined(const struct options *o)
{
	return o->filter_bc != NULL || o->all_netns;
}

struct jsonw;

/* "local" or "remote": {"address": numeric, "port": n}, for every face. */
/* "netns": {"inode": n, "name": raw or null}, for every JSON face. */
void	fmt_json_netns(struct jsonw *j, const struct sock_netns *ns);

void	fmt_json_endpoint(struct jsonw *j, const char *key, int family,
	    const union sock_addr *a, uint16_t port);

extern const struct formatter fmt_table;	/* the netstat face */
extern const struct formatter fmt_json;		/* --json */
extern const struct formatter fmt_summary;	/* -s, and -s --json */
extern const struct formatter fmt_openmetrics;	/* --openmetrics */
/* The lsof face (-i); its rows come through the lsof selection first. */
extern const struct formatter fmt_lsof;
/* -s --by: the selection counted per group (o->group_by, sort.h). */
extern const struct formatter fmt_group;

/*
 * --sort: inner (fmt_table or fmt_json) behind a formatter that keeps
 * each pass's rows and replays them in the order of o->sort.  Returns
 * NULL for any other face.
 */
const struct formatter *fmt_sort_wrap(const struct formatter *inner);

#endif /* FMT_H */
