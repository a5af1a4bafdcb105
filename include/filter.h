/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter.h - which sockets a netstat-style selection shows.
 */
#ifndef FILTER_H
#define FILTER_H

#include "select.h"
#include "sockstat.h"

/*
 * Fills the defaults of a parsed selection as netstat does: no flag means
 * TCP, UDP, RAW and UNIX; -4 or -6 without -t, -u or -w means TCP, UDP
 * and RAW of that family (plus UNIX with -x); no family flag means both.
 */
void		 filter_normalize(struct options *o);

/*
 * Nonzero when r belongs to the selection.  As netstat: a server is a TCP
 * socket with remote port 0, a UDP or RAW socket with no remote address,
 * or a listening UNIX socket; -l shows only servers, -a everything,
 * neither everything but servers.
 */
int		 filter_match(const struct options *o, const struct sock_row *r);

/* The state mask to ask the kernel for when dumping proto under o. */
uint32_t	 filter_states(const struct options *o, enum sock_proto proto);

/*
 * The netstat flags of o as a selection (select.h): the dumps of the
 * protocols and families selected, rows by filter_match, every owner.
 * o must outlive it.  Returns NULL with errno ENOMEM; free it with
 * selection_free().
 */
struct selection *filter_selection_new(const struct options *o);

struct fexpr;

/*
 * The netstat flags of o narrowed by the filter expression fx (fexpr.h)
 * as a selection: a state clause of fx replaces -l and -a; proc and pid
 * are decided by owners().  o and fx must outlive it.  Returns NULL with
 * errno ENOMEM; free it with selection_free().
 */
struct selection *filter_expr_selection_new(const struct options *o,
		    const struct fexpr *fx);

struct watch_event;

/*
 * Whether the event ev of -E passes fx: its socket in the new state (and
 * its process, when known) as a row.  What an event cannot tell is kept.
 */
int		 filter_expr_event(const struct fexpr *fx,
		    const struct watch_event *ev);

#endif /* FILTER_H */
