/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diag.h - the netlink sock_diag source (libmnl): TCP, UDP, UDP-Lite and
 * RAW over IPv4 and IPv6 through inet_diag, UNIX sockets through
 * unix_diag.
 */
#ifndef DIAG_H
#define DIAG_H

#include <errno.h>

#include <linux/netlink.h>

#include "source.h"

/*
 * Errors that mean "sock_diag cannot answer this request here" rather than
 * "the dump failed": no NETLINK_SOCK_DIAG in the kernel (EPROTONOSUPPORT,
 * EAFNOSUPPORT), no diag module for the protocol (ENOENT, EOPNOTSUPP), or
 * a sandbox that forbids it (EACCES, EPERM).  Only these let main fall
 * back to /proc/net; any other error is reported.
 */
#define DIAG_UNAVAILABLE(e)						\
	((e) == EPROTONOSUPPORT || (e) == EAFNOSUPPORT ||		\
	 (e) == ENOENT || (e) == EOPNOTSUPP ||				\
	 (e) == EACCES || (e) == EPERM)

/*
 * Whether errno e, from a TCP dump of both families (AF_UNSPEC, the
 * original inet_diag request) that failed before its first row, means
 * the kernel does not answer that request here: the caller then asks
 * one dump per family.
 */
#define DIAG_JOINED_REFUSED(e)	(DIAG_UNAVAILABLE(e) || (e) == EINVAL)

struct diag;

/* Opens a NETLINK_SOCK_DIAG socket.  Returns NULL with errno set. */
struct diag	*diag_open(void);

/*
 * Starts the dump of req now: sends it and has a thread receive it, up to
 * DIAG_RX_PREFETCH_SLOTS datagrams, so that the kernel walks for it while
 * the caller reads another handle.  The next diag_collect() of the same
 * request reads it; one of another drops it.  Returns 0, or -1 with
 * errno set (nothing started: diag_collect() does it all).
 */
int		 diag_prefetch(struct diag *d, const struct dump_req *req);

/*
 * Dumps every socket of req (states applied in the kernel for TCP and
 * UNIX; UDP and RAW take every state) and calls cb for each.  Multipart
 * replies, NLMSG_ERROR, ENOBUFS and EINTR are handled.  A dump the kernel
 * marks NLM_F_DUMP_INTR before its first row reached cb is redone (up to
 * 3 times, counted in st->interrupted); after that, or once rows went
 * out, it is finished and st->inconsistent counted.  Returns 0, or -1
 * with errno set (see
 * DIAG_UNAVAILABLE; ENOBUFS: rows were lost).
 */
int		 diag_collect(struct diag *d, const struct dump_req *req,
		    row_cb cb, void *arg, struct source_stats *st);

/*
 * Keeps d on the socket it has for good: a dump left unread is then
 * read out to its end before the next, where d would otherwise open a
 * fresh socket.  For a handle opened in another network namespace
 * (--netns): a netlink socket answers for the namespace it was made in,
 * and a fresh one would be made in the caller's.
 */
void		 diag_pin(struct diag *d);

/*
 * Sends the inet_diag program bc (len bytes, borrowed: it must outlive
 * d) with every Internet dump of d; NULL sends none.  When the kernel
 * refuses it, the dump is redone without it (and it is sent no more),
 * unless needed: then the dump fails with the kernel's errno.
 */
void		 diag_set_bytecode(struct diag *d, const void *bc, size_t len,
		    int needed);

/*
 * The local and remote port (host order, 0: any) every TCP socket of
 * the next dumps must have, which the kernel checks before it runs the
 * program: a cheaper test of each socket it walks.  Only for TCP: the
 * UDP dump reads the request's ports in another byte order.
 */
void		 diag_set_ports(struct diag *d, uint16_t sport, uint16_t dport);

/*
 * A capability the kernel checks on the socket's opener and on the
 * sender of each request (CAP_NET_ADMIN, for marks): priv(1) is called
 * right before the socket is opened and each request is sent, priv(0)
 * right after; the next dump opens the socket again under it.  The
 * caller's policy, not this module's: NULL for none.
 */
void		 diag_set_privileged(struct diag *d, int (*priv)(int on));

/* What a handle counted since the last diag_take_counts(). */
struct diag_counts {
	unsigned long	 replies;	/* socket replies received */
	unsigned long	 requests;	/* dump requests sent */
	unsigned long	 refused;	/* dumps whose program the kernel
					   refused */
	int		 refused_errno;	/* why, for the last of them */
};

void		 diag_take_counts(struct diag *d, struct diag_counts *c);

/* Closes d; NULL is a no-op. */
void		 diag_close(struct diag *d);

/*
 * The parser seam: fills *row from one inet_diag_msg (family AF_INET or
 * AF_INET6) or unix_diag_msg (AF_UNIX) reply to req; nlh is 4-byte
 * aligned and holds nlmsg_len bytes.  row->path points into nlh.
 * Returns 0, or -1 with errno EINVAL when the message is malformed
 * (short, bad attribute lengths, family other than req's).
 */
int		 diag_parse_msg(const struct nlmsghdr *nlh,
		    const struct dump_req *req, struct sock_row *row);

/*
 * The i-th (from 0) connection waiting in the accept queue of the UNIX
 * listener whose reply is nlh, already parsed into *listener (by
 * diag_parse_msg): CONNECTING (ST_SYN_SENT), no inode, the listener's type
 * and name (row->path points into nlh), peer_inode the connecting
 * socket's.  Returns 1, 0 past the last, or -1 with errno EINVAL when
 * the attribute is malformed or listener is not a UNIX listener.
 */
int		 diag_parse_embryo(const struct nlmsghdr *nlh,
		    const struct sock_row *listener, size_t i,
		    struct sock_row *row);

#endif /* DIAG_H */
