/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_netns.h - the listing's --netns and --all-netns: before each pass,
 * the namespaces are listed and each one's handles opened in it (one
 * pipeline space each, pipeline.h); after it, they are closed.  Like the
 * other cmd_* files it prints its one-line errors, but main exits.
 */
#ifndef CMD_NETNS_H
#define CMD_NETNS_H

#include "netns.h"
#include "pipeline.h"
#include "privs.h"

struct netns_run {
	const struct options	*o;
	int			 self_fd;	/* /proc/self/ns/net at start */
	struct netns_list	 list;		/* this pass's namespaces */
	unsigned long		 vanished;	/* gone before being read */
};

/*
 * Checks that the namespaces o asks for may be entered with pv (a
 * one-line error naming cap_sys_admin if not) and keeps a handle on the
 * process's own namespace to come back to.  Returns 0, or EXIT_FAIL
 * after saying why.
 */
int	 netns_run_init(struct netns_run *r, const struct options *o,
	    const struct privs *pv);

/*
 * Lists the namespaces and adds a space to p for each, entering it with
 * PRIVS_NETNS raised around setns and the opening alone, and coming back
 * at once; sets o->netns_width for the Netns column.  A namespace gone
 * meanwhile is skipped and counted.  Returns 0, or EXIT_FAIL after
 * saying why (the process is then back in its own namespace, or the
 * error says it could not come back).
 */
int	 netns_run_open(struct netns_run *r, struct pipeline *p,
	    struct options *o);

/*
 * Ends a pass: closes the spaces and frees the list.  The first time
 * namespaces have vanished, says how many, once per run.
 */
void	 netns_run_close(struct netns_run *r, struct pipeline *p);

/* Closes the handle of the own namespace. */
void	 netns_run_free(struct netns_run *r);

#endif /* CMD_NETNS_H */
