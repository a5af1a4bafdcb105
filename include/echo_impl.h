/*
 * echo_impl.h - what the echo server's two halves share: echo.c (setup,
 * event loop, UDP, signals, timers) and echo_conn.c (stream
 * connections).  Private to them; other modules use echo.h.
 */
#ifndef ECHO_IMPL_H
#define ECHO_IMPL_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "echo.h"


/* What an epoll event points at; the first member of each owner. */
enum item_kind {
	IT_TCP_LISTEN,
	IT_UNIX_LISTEN,
	IT_UDP,
	IT_SIGNAL,
	IT_CONN
};

struct item {
	enum item_kind	 kind;
	int		 fd;
};

struct conn {
	struct item	 it;		/* first: epoll data points here */
	struct conn	*prev, *next;	/* by last activity, oldest first */
	unsigned long	 id;
	int		 is_unix;
	uint32_t	 events;	/* what epoll now watches */
	int		 eof;		/* the peer sent FIN */
	int		 closing;	/* close first once drained */
	int64_t		 last;		/* monotonic ms of last progress */
	uint64_t	 echoed;
	size_t		 off, len;	/* pending echo: buf[off, off+len) */
	char		 peer[ECHO_ADDRSTRLEN];
	unsigned char	 buf[ECHO_BUFSZ];
};

struct echo_server {
	struct echo_config cfg;
	int		 epfd;
	struct item	 tcp, unx, udp, sig;
	uint16_t	 port;
	char		*unix_path;	/* ours to unlink, NULL if none */
	char		 unix_name[ECHO_ADDRSTRLEN];	/* escaped */
	struct stat	 unix_id;	/* lstat of it right after bind */
	sigset_t	 oldmask;
	int		 masked;
	struct conn	*head, *tail;
	unsigned long	 nconns;	/* open now */
	unsigned long	 accepted;
	unsigned long	 closed;
	int		 accepting;	/* listeners in the epoll set */
	int64_t		 accept_pause;	/* resume accepting then, or 0 */
	int64_t		 udp_pause;	/* UDP back in epoll then, or 0 */
	int64_t		 idle_since;	/* when the last connection closed */
	int		 done;
	/* UDP: one datagram waits here while the socket cannot send. */
	int		 upending;
	size_t		 ulen;
	struct sockaddr_storage upeer;
	socklen_t	 upeerlen;
	unsigned char	*ubuf;
};

#define SLOG(s, lvl, ...) \
	echo_logf((s)->cfg.log, (s)->cfg.log_arg, (lvl), __VA_ARGS__)

/* Monotonic milliseconds: activity times and timers. */
int64_t	 echo_now_ms(void);

/*
 * Adds it to s's epoll set, or changes what it watches, to events.
 * Returns 0, or -1 with errno set.
 */
int	 echo_ep_add(struct echo_server *s, struct item *it, uint32_t events);
int	 echo_ep_mod(struct echo_server *s, struct item *it, uint32_t events);

/* Turns accepting on the stream listeners on or off; no-op if already so. */
void	 echo_set_accepting(struct echo_server *s, int on);

/*
 * Accepts what waits on listener l until none is left, max_conns is
 * reached (accepting off) or count is (listeners closed).
 */
void	 echo_conn_accept(struct echo_server *s, struct item *l);

/* Reads, echoes or closes c as epoll's events ev allow; may free c. */
void	 echo_conn_event(struct echo_server *s, struct conn *c, uint32_t ev);

/*
 * Closes and frees c, logging why (NULL: an orderly close); may set
 * s->done (count reached) or turn accepting back on.
 */
void	 echo_conn_close(struct echo_server *s, struct conn *c,
	    const char *why);

#endif /* ECHO_IMPL_H */
