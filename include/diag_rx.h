/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diag_rx.h - the receive side of one sock_diag dump, for diag.c.
 *
 * The kernel builds each datagram of a dump inside the recvmsg that asks
 * for it, so a reader that parses and prints between receives leaves the
 * kernel idle meanwhile.  Once a dump proves longer than one datagram, a
 * second thread receives ahead into a few buffers while the caller parses
 * the one it holds: the kernel's walk and sockstat's work overlap.
 */
#ifndef DIAG_RX_H
#define DIAG_RX_H

#include <sys/types.h>

#include <pthread.h>
#include <stddef.h>

#include <libmnl/libmnl.h>

/* Datagrams received ahead of the one being parsed, plus that one. */
#define DIAG_RX_SLOTS	2
/*
 * The same for a dump started ahead of its parser (diag_rx_prefetch):
 * enough for a namespace of a few thousand sockets, walked by the kernel
 * while the caller parses another.
 */
#define DIAG_RX_PREFETCH_SLOTS 16

struct diag_rx {
	struct mnl_socket	*nl;
	unsigned int		 portid, seq;	/* of the dump being read */
	char			*buf[DIAG_RX_PREFETCH_SLOTS];
	size_t			 buflen;
	ssize_t			 len[DIAG_RX_PREFETCH_SLOTS];	/* -1: err[] */
	int			 err[DIAG_RX_PREFETCH_SLOTS];
	unsigned		 nslots;	/* of this dump */
	unsigned		 head;		/* slots filled so far */
	unsigned		 tail;		/* slots handed out so far */
	int			 held;		/* tail - 1 is with the caller */
	int			 stop;		/* caller is done: read no more */
	int			 threaded;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
};

/*
 * Prepares rx with buffers of buflen bytes (the first now, the others
 * when a thread first needs them).  Returns 0, or -1 with errno ENOMEM.
 */
int	diag_rx_init(struct diag_rx *rx, size_t buflen);

/* Frees rx's buffers; no dump may be running. */
void	diag_rx_free(struct diag_rx *rx);

/*
 * Starts reading the reply to the request just sent on nl (messages of
 * other ports or sequence numbers do not end it).  Returns 0, or -1 with
 * errno set.
 */
int	diag_rx_start(struct diag_rx *rx, struct mnl_socket *nl,
	    unsigned int portid, unsigned int seq);

/*
 * Receives the dump just started from now on, in a thread, up to
 * DIAG_RX_PREFETCH_SLOTS datagrams ahead of the caller, who may read
 * another dump meanwhile.  Returns 0, or -1 (no memory or thread: the
 * caller's diag_rx_next() receives them itself, as without it).
 */
int	diag_rx_prefetch(struct diag_rx *rx);

/*
 * Hands out the next datagram in order, taking back the one handed out
 * before.  Returns its length with *buf set, or -1 with errno from the
 * receive (EINTR is retried; ENOSPC: truncated, as libmnl reports it).
 * After the datagram that ends the dump, it must not be called again.
 */
ssize_t	diag_rx_next(struct diag_rx *rx, const char **buf);

/*
 * Ends the dump for the caller: the thread, if any, stops after the
 * receive in progress and is joined, and the buffers past the first
 * are freed (a handle per namespace keeps one).  Whether the dump was read to its
 * end is the caller's to know (it stays in the socket otherwise).
 */
void	diag_rx_finish(struct diag_rx *rx);

/*
 * True when the n bytes at buf hold the message that ends the dump of
 * portid/seq (NLMSG_DONE or NLMSG_ERROR).  Exposed for the tests.
 */
int	diag_rx_is_last(const char *buf, size_t n, unsigned int portid,
	    unsigned int seq);

#endif /* DIAG_RX_H */
