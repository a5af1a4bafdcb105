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

/* Whether the namespace of inode ino is open already (1) or not (0). */
typedef int (*netns_known_fn)(void *arg, uint64_t ino);

/* Opens what a pass reads in the namespace the thread is in: 0 or -1. */
typedef int (*netns_add_fn)(void *arg, const struct sock_netns *id);

/*
 * Lists the namespaces anew and, for each that known (NULL: none) does
 * not know, enters it with PRIVS_NETNS raised, calls add there, and
 * comes back at once.  Sets *width (unless NULL) to the widest label.
 * A namespace gone meanwhile is skipped and counted.  id stays valid
 * until the next listing or netns_run_close.  Returns 0, or EXIT_FAIL
 * after saying why.
 */
int	 netns_run_each(struct netns_run *r, netns_known_fn known,
	    netns_add_fn add, void *arg, size_t *width);

/*
 * Ends a pass: closes the spaces and frees the list.  The first time
 * namespaces have vanished, says how many, once per run.
 */
void	 netns_run_close(struct netns_run *r, struct pipeline *p);

/* Closes the handle of the own namespace. */
void	 netns_run_free(struct netns_run *r);

#endif /* CMD_NETNS_H */
