/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo_conn.h - the echo server's stream connections (TCP and UNIX), as
 * the server (echo.c) sees them: a set it accepts into, hands epoll
 * events to, and closes idle members of.  The set never calls back into
 * the server: it reports what the server must do (stop accepting, close
 * the listeners) in return values and in its counters.  Private to the
 * echo server; other modules use echo.h.
 */
#ifndef ECHO_CONN_H
#define ECHO_CONN_H

#include <stdint.h>

#include "echo.h"

/* What an epoll event of the server points at. */
enum echo_item_kind {
	ECHO_IT_TCP_LISTEN,
	ECHO_IT_UNIX_LISTEN,
	ECHO_IT_UDP,
	ECHO_IT_SIGNAL,
	ECHO_IT_CONN		/* a member of a struct echo_conns */
};

struct echo_item {
	enum echo_item_kind kind;
	int		 fd;
};

struct echo_conn;

/*
 * The open connections.  The server fills in the first block and reads
 * the counters; echo_conn.c keeps the rest.
 */
struct echo_conns {
	int		 epfd;		/* the server's epoll set */
	unsigned long	 max_conns;	/* open at once; 0: no limit */
	unsigned long	 count;		/* accept no more; 0: no limit */
	int		 verbose;	/* log each echo */
	echo_log_fn	 log;
	void		*log_arg;

	unsigned long	 open;		/* connections open now */
	unsigned long	 accepted;	/* since start */
	unsigned long	 closed;	/* since start */
	int64_t		 idle_since;	/* when open last fell to 0 */
	struct echo_conn *head, *tail;	/* by last activity, oldest first */
};

/* What echo_conns_accept() stopped at. */
#define ECHO_ACCEPT_DRAINED	0	/* nothing left in the backlog */
#define ECHO_ACCEPT_FULL	1	/* max_conns open: stop accepting */
#define ECHO_ACCEPT_COUNT	2	/* count accepted: close listeners */

/*
 * Accepts what waits on listener l (name: how to log a UNIX listener)
 * into cs until the backlog is empty or a limit is reached.  Returns an
 * ECHO_ACCEPT_* value, or -1 with errno set when accept(2) fails for
 * want of descriptors or memory (the client stays in the backlog:
 * accepting again at once would spin).
 */
int	 echo_conns_accept(struct echo_conns *cs, const struct echo_item *it,
	    const char *name);

/* Reads, echoes or closes the connection it as epoll's events allow. */
void	 echo_conns_event(struct echo_conns *cs, struct echo_item *it,
	    uint32_t events);

/*
 * The connection idle longest, or NULL; the monotonic milliseconds of
 * its last progress in *last.
 */
struct echo_conn *echo_conns_oldest(const struct echo_conns *cs,
	    int64_t *last);

/* Closes and frees c, logging why (NULL: the peer closed first). */
void	 echo_conns_close(struct echo_conns *cs, struct echo_conn *c,
	    const char *why);

/* Closes every connection without a word (the server is exiting). */
void	 echo_conns_free(struct echo_conns *cs);

#endif /* ECHO_CONN_H */
