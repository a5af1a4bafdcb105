/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diag.c - the netlink sock_diag source.
 *
 * One NETLINK_SOCK_DIAG socket serves every dump.  A dump is one request
 * (inet_diag_req_v2 or unix_diag_req with NLM_F_DUMP) answered by a
 * multipart reply; each datagram of it is read into a receive buffer
 * (diag_rx.c: a second thread reads a long dump ahead), parsed in place
 * (diag_parse.c) and handed to the caller row by row, so that a dump of any size costs
 * no allocation past the buffers.
 *
 * A TCP dump of family AF_UNSPEC (both families at once, source.h) is
 * the original inet_diag request, TCPDIAG_GETSOCK: the kernel serves it
 * with one walk of its TCP tables for both families, where the per-family
 * request walks them once for each.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "diag_rx.h"
#include "tcpinfo.h"

/*
 * The kernel fills one dump datagram of at most 32 KiB (less its skb
 * overhead), sized after the largest buffer recvmsg was given so far.
 * Twice that leaves room should a kernel ever allow more: a datagram
 * larger than the buffer would be truncated (MSG_TRUNC) and lost.
 */
#define DIAG_BUFSIZE	(64 * 1024)
/* Receive buffer asked of the kernel: a few datagrams may queue. */
#define DIAG_RCVBUF	(1024 * 1024)

struct diag {
	struct mnl_socket	*nl;
	struct diag_rx		 rx;
	unsigned int		 portid;
	unsigned int		 seq;
	int			 stale;	/* a dump was left unread */
	int			 pinned;	/* never replace the socket */
	/* the filter's bytecode for Internet dumps (borrowed) */
	const void		*bc;
	size_t			 bc_len;
	int			 bc_needed;
	int			 bc_off;	/* refused once: sent no more */
	uint16_t		 sport, dport;	/* TCP: every row's, or 0 */
	int			(*priv)(int);	/* diag_set_privileged */
	unsigned long		 replies;	/* socket messages received */
	unsigned long		 requests;	/* dump requests sent */
	unsigned long		 bc_refused;
	int			 bc_errno;
	int			 ahead;		/* pf's dump is being received */
	struct dump_req		 pf;		/* diag_prefetch's request */
};

/* The request, aligned for the header and large enough for either kind. */
union diag_req_buf {
	struct nlmsghdr	 align;
	char		 buf[MNL_ALIGN(sizeof(struct nlmsghdr)) +
			     MNL_ALIGN(sizeof(struct inet_diag_req_raw)) +
			     MNL_ALIGN(sizeof(struct inet_diag_req)) +
			     MNL_ALIGN(sizeof(struct unix_diag_req))];
};

static int	diag_connect(struct diag *);
static int	diag_drain(struct diag *);
static int	diag_request(struct diag *, const struct dump_req *);
static int	diag_request_in(struct diag *, const struct dump_req *,
		    char *);
static int	diag_walk(struct diag *, const struct dump_req *,
		    const char *, int, row_cb, void *, struct source_stats *,
		    int *, unsigned long *, int);
static int	diag_emit(const struct nlmsghdr *, const struct dump_req *,
		    row_cb, void *, struct source_stats *, unsigned long *);

struct diag *
diag_open(void)
{
	struct diag *d;
	int save_errno;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if (diag_rx_init(&d->rx, DIAG_BUFSIZE) == -1 || diag_connect(d) == -1) {
		save_errno = errno;
		diag_close(d);
		errno = save_errno;
		return NULL;
	}
	return d;
}

void
diag_close(struct diag *d)
{
	if (d == NULL)
		return;
	/* A dump started ahead and never collected: its reader first. */
	diag_rx_finish(&d->rx);
	if (d->nl != NULL)
		mnl_socket_close(d->nl);
	diag_rx_free(&d->rx);
	free(d);
}

/*
 * Opens and binds the netlink socket.  A kernel without sock_diag fails
 * here with EPROTONOSUPPORT, which DIAG_UNAVAILABLE lets main fall back on.
 */
static int
diag_connect(struct diag *d)
{
	int rcvbuf = DIAG_RCVBUF, save_errno;

	if ((d->nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC)) == NULL)
		return -1;
	/* Only a speed hint: the kernel caps it at rmem_max, and so do we. */
	(void)setsockopt(mnl_socket_get_fd(d->nl), SOL_SOCKET, SO_RCVBUF,
	    &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		save_errno = errno;
		mnl_socket_close(d->nl);
		d->nl = NULL;
		errno = save_errno;
		return -1;
	}
	d->portid = mnl_socket_get_portid(d->nl);
	d->stale = 0;
	return 0;
}

/*
 * Reads out the rest of the dump left unread on d's socket, so that the
 * kernel takes a new one (it answers EBUSY while one is pending).  While
 * a dump runs the kernel keeps its next datagram queued (it builds it in
 * the receive that takes the one before), so an empty queue means the
 * dump is over, even when the reader thread took its last datagram:
 * hence receives that never wait.  Returns 0, or -1 with errno set.
 */
static int
diag_drain(struct diag *d)
{
	int fd = mnl_socket_get_fd(d->nl);

	for (;;) {
		if (recv(fd, d->rx.buf[0], d->rx.buflen, MSG_DONTWAIT) >= 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		d->stale = 0;
		return 0;
	}
}

void
diag_pin(struct diag *d)
{
	d->pinned = 1;
}

/*
 * Sends the dump request for req.  RAW asks the raw_diag handler
 * (sdiag_protocol IPPROTO_RAW), whose dump walks every raw socket of the
 * family whatever its protocol; sdiag_raw_protocol only narrows an exact
 * lookup, so it is set to IPPROTO_RAW for the record.
 */
static int
diag_request(struct diag *d, const struct dump_req *req)
{
	union diag_req_buf u;
	int rc;

	/* A request with a program does not fit the buffer on the stack. */
	if (d->bc != NULL && !d->bc_off && req->proto != PROTO_UNIX) {
		char *big = malloc(sizeof(u) + MNL_ATTR_HDRLEN +
		    MNL_ALIGN(d->bc_len));

		if (big == NULL)
			return -1;
		rc = diag_request_in(d, req, big);
		free(big);
		return rc;
	}
	return diag_request_in(d, req, u.buf);
}

/* The TCP states to ask for: request sockets live in their own. */
static uint32_t
diag_tcp_states(uint32_t states)
{
	if (states & ST_BIT(ST_SYN_RECV))
		states |= ST_BIT(ST_NEW_SYN_RECV);
	return states;
}

/* The filter's program, when there is one and the kernel takes it. */
static void
diag_put_bytecode(struct diag *d, struct nlmsghdr *nlh)
{
	if (d->bc != NULL && !d->bc_off)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, d->bc_len, d->bc);
}

/* Builds the request for req in buf (large enough) and sends it. */
static int
diag_request_in(struct diag *d, const struct dump_req *req, char *buf)
{
	struct nlmsghdr *nlh;
	struct inet_diag_req_raw *ir;
	struct inet_diag_req *jr;
	struct unix_diag_req *ur;
	uint32_t states;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	/* 0 would match any sequence number in mnl_nlmsg_seq_ok. */
	if (++d->seq == 0)
		d->seq = 1;
	nlh->nlmsg_seq = d->seq;

	if (req->family == AF_UNIX && req->proto == PROTO_UNIX) {
		ur = mnl_nlmsg_put_extra_header(nlh, sizeof(*ur));
		ur->sdiag_family = AF_UNIX;
		/*
		 * Connections waiting in an accept queue have no inode, and
		 * the dump skips them: they are read from their listener's
		 * UNIX_DIAG_ICONS (diag_emit), so CONNECTING asks for
		 * listeners too.
		 */
		ur->udiag_states = req->states;
		if (req->states & ST_BIT(ST_SYN_SENT))
			ur->udiag_states |= ST_BIT(ST_LISTEN);
		ur->udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER |
		    UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID | UDIAG_SHOW_ICONS |
		    tcpinfo_unix_req(req->ext);
	} else if (req->family == AF_UNSPEC && req->proto == PROTO_TCP) {
		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		jr = mnl_nlmsg_put_extra_header(nlh, sizeof(*jr));
		jr->idiag_family = AF_UNSPEC;
		jr->idiag_states = diag_tcp_states(req->states);
		jr->idiag_ext = tcpinfo_inet_req(req->ext);
		jr->id.idiag_sport = htons(d->sport);
		jr->id.idiag_dport = htons(d->dport);
		diag_put_bytecode(d, nlh);
	} else if ((req->family == AF_INET || req->family == AF_INET6) &&
	    req->proto != PROTO_UNIX) {
		ir = mnl_nlmsg_put_extra_header(nlh, sizeof(*ir));
		ir->sdiag_family = req->family;
		switch (req->proto) {
		case PROTO_TCP:
			ir->sdiag_protocol = IPPROTO_TCP;
			states = diag_tcp_states(req->states);
			ir->id.idiag_sport = htons(d->sport);
			ir->id.idiag_dport = htons(d->dport);
			break;
		case PROTO_UDP:
			ir->sdiag_protocol = IPPROTO_UDP;
			states = ST_ALL;
			break;
		case PROTO_UDPLITE:	/* served by udp_diag too */
			ir->sdiag_protocol = IPPROTO_UDPLITE;
			states = ST_ALL;
			break;
		case PROTO_RAW:
			ir->sdiag_protocol = IPPROTO_RAW;
			ir->sdiag_raw_protocol = IPPROTO_RAW;
			states = ST_ALL;
			break;
		default:
			errno = EINVAL;
			return -1;
		}
		ir->idiag_states = states;
		/* Internals only when asked: a plain view costs nothing. */
		ir->idiag_ext = tcpinfo_inet_req(req->ext);
		/* The attribute carries the program; the kernel audits it. */
		diag_put_bytecode(d, nlh);
	} else {
		errno = EINVAL;
		return -1;
	}

	while (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) == -1)
		if (errno != EINTR)
			return -1;
	d->requests++;
	return 0;
}

/*
 * Opens the socket (conn) or sends the request for req, inside the
 * caller's privileged section if there is one.
 */
static int
diag_privileged(struct diag *d, int (*conn)(struct diag *),
    const struct dump_req *req)
{
	int rc, save_errno;

	if (d->priv != NULL)
		(void)d->priv(1);	/* without it the kernel says EPERM */
	rc = conn != NULL ? conn(d) : diag_request(d, req);
	save_errno = errno;
	if (d->priv != NULL)
		(void)d->priv(0);
	errno = save_errno;
	return rc;
}

/* How many times a dump interrupted before its first row is redone. */
#define DIAG_RETRIES	3

/*
 * Makes d's socket ready for a new dump: a dump we stopped reading still
 * sits in the socket, and the kernel refuses a new one (EBUSY) until it
 * is drained; a fresh socket is cheaper than reading it out, where the
 * socket is not pinned to a namespace.  Returns 0, or -1 with errno set.
 */
static int
diag_ready(struct diag *d)
{
	if (d->stale && d->pinned && d->nl != NULL) {
		if (diag_drain(d) == -1)
			return -1;
	} else if (d->stale) {
		if (d->nl != NULL)
			mnl_socket_close(d->nl);
		d->nl = NULL;
		if (diag_privileged(d, diag_connect, NULL) == -1)
			return -1;
	}
	if (d->nl == NULL) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

static int
same_req(const struct dump_req *a, const struct dump_req *b)
{
	return a->family == b->family && a->proto == b->proto &&
	    a->states == b->states && a->ext == b->ext;
}

/* Sends req on a ready socket and starts reading its reply. */
static int
diag_start(struct diag *d, const struct dump_req *req)
{
	if (diag_ready(d) == -1)
		return -1;
	/* The reader thread starts after: it inherits no raised capability. */
	if (diag_privileged(d, NULL, req) == -1 ||
	    diag_rx_start(&d->rx, d->nl, d->portid, d->seq) == -1)
		return -1;
	d->stale = 1;
	return 0;
}

int
diag_prefetch(struct diag *d, const struct dump_req *req)
{
	if (d->ahead) {
		errno = EBUSY;
		return -1;
	}
	if (diag_start(d, req) == -1)
		return -1;
	d->ahead = 1;
	d->pf = *req;
	/* Without a thread the dump is still sent: read when collected. */
	(void)diag_rx_prefetch(&d->rx);
	return 0;
}

/*
 * One dump, start to end; or the end of the one diag_prefetch() started,
 * if it asked for the same.  Returns 0, 1 when it should be redone (the
 * kernel marked it interrupted before any row reached cb), or -1 with
 * errno set.
 */
static int
diag_dump(struct diag *d, const struct dump_req *req, row_cb cb, void *arg,
    struct source_stats *st, int may_redo)
{
	unsigned long rows = 0;
	const char *buf;
	ssize_t n;
	int intr = 0, rc, save_errno, ahead = d->ahead;

	d->ahead = 0;
	if (ahead && !same_req(&d->pf, req)) {
		diag_rx_finish(&d->rx);		/* d->stale: drained below */
		ahead = 0;
	}
	if (!ahead && diag_start(d, req) == -1)
		return -1;
	for (;;) {
		if ((n = diag_rx_next(&d->rx, &buf)) == -1) {
			/* libmnl says ENOSPC for MSG_TRUNC: rows were lost. */
			if (errno == ENOSPC)
				errno = EMSGSIZE;
			rc = -1;
			break;
		}
		if (n > INT_MAX)
			n = INT_MAX;
		rc = diag_walk(d, req, buf, (int)n, cb, arg, st, &intr, &rows,
		    may_redo);
		if (rc == -1)
			break;
		if (intr && rows == 0 && may_redo) {
			rc = 1;		/* d->stale stays: a fresh socket */
			break;
		}
		if (rc == 1) {
			d->stale = 0;
			rc = 0;
			break;
		}
	}
	save_errno = errno;
	diag_rx_finish(&d->rx);
	errno = save_errno;
	/*
	 * The kernel saw the tables change under the dump after some of its
	 * rows reached cb: redoing it would show them twice, so it is kept
	 * and counted instead.
	 */
	if (rc == 0 && intr)
		st->inconsistent++;
	return rc;
}

int
diag_collect(struct diag *d, const struct dump_req *req, row_cb cb,
    void *arg, struct source_stats *st)
{
	struct source_stats dummy;
	unsigned long replies;
	int rc, tries;

	if (st == NULL)
		st = &dummy;
	for (tries = 0;; tries++) {
		replies = d->replies;
		rc = diag_dump(d, req, cb, arg, st, tries < DIAG_RETRIES);
		/*
		 * A program the kernel refuses fails the dump before any
		 * reply (EINVAL from its audit, EPERM for a mark without
		 * CAP_NET_ADMIN).  Unless only the kernel can run it, the
		 * dump is redone without it, and so are the next ones.
		 */
		if (rc == -1 && d->bc != NULL && !d->bc_off &&
		    req->proto != PROTO_UNIX && d->replies == replies &&
		    (errno == EINVAL || errno == EPERM || errno == EACCES)) {
			d->bc_refused++;
			d->bc_errno = errno;
			if (d->bc_needed)
				return -1;
			d->bc_off = 1;
			tries--;
			continue;
		}
		if (rc != 1)
			return rc;
		st->interrupted++;
	}
}

void
diag_set_bytecode(struct diag *d, const void *bc, size_t len, int needed)
{
	d->bc = bc;
	d->bc_len = len;
	d->bc_needed = needed;
	d->bc_off = 0;
}

void
diag_set_ports(struct diag *d, uint16_t sport, uint16_t dport)
{
	d->sport = sport;
	d->dport = dport;
}

void
diag_set_privileged(struct diag *d, int (*priv)(int on))
{
	d->priv = priv;
	/*
	 * A socket opened before was opened without it: the next dump
	 * opens another, unless the socket is pinned to a namespace (its
	 * opener raised what it needs).
	 */
	if (!d->pinned)
		d->stale = 1;
}

void
diag_take_counts(struct diag *d, struct diag_counts *c)
{
	c->replies = d->replies;
	c->requests = d->requests;
	c->refused = d->bc_refused;
	c->refused_errno = d->bc_errno;
	d->replies = d->requests = d->bc_refused = 0;
}

/*
 * The rows of one reply: its socket, and for a UNIX listener the
 * connections waiting in its accept queue, each as /proc/net/unix shows
 * it (CONNECTING, no inode, the listener's name).  A listener asked for
 * only for those is not passed on.  Returns 0, or -1 when cb stops.
 */
static int
diag_emit(const struct nlmsghdr *nlh, const struct dump_req *req, row_cb cb,
    void *arg, struct source_stats *st, unsigned long *rows)
{
	struct sock_row row, emb;
	struct sock_ext ext;
	size_t i;
	int rc;

	if (diag_parse_msg(nlh, req, &row) == -1) {
		st->malformed++;
		return 0;
	}
	/* Attributes too short for their type are skipped and counted. */
	if (req->ext != 0 && (rc = tcpinfo_parse(nlh, &ext)) >= 0) {
		st->malformed += (unsigned long)rc;
		row.ext = &ext;
	}
	if (row.family != AF_UNIX || row.state != ST_LISTEN ||
	    (req->states & ST_BIT(ST_LISTEN))) {
		if (cb(&row, arg) == -1)
			return -1;
		(*rows)++;
	}
	if (row.family != AF_UNIX || row.state != ST_LISTEN ||
	    !(req->states & ST_BIT(ST_SYN_SENT)))
		return 0;
	for (i = 0; (rc = diag_parse_embryo(nlh, &row, i, &emb)) == 1; i++) {
		if (cb(&emb, arg) == -1)
			return -1;
		(*rows)++;
	}
	if (rc == -1)
		st->malformed++;
	return 0;
}

/*
 * Handles the n bytes of one datagram at buf.  Returns 1 at the end of
 * the dump, 0 when more is to come, -1 with errno set on an error from
 * the kernel or cb.
 */
static int
diag_walk(struct diag *d, const struct dump_req *req, const char *buf, int n,
    row_cb cb, void *arg, struct source_stats *st, int *intr,
    unsigned long *rows, int may_redo)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *e;
	int err;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		/* Left over from an earlier request: not ours to read. */
		if (!mnl_nlmsg_portid_ok(nlh, d->portid) ||
		    !mnl_nlmsg_seq_ok(nlh, d->seq))
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			*intr = 1;
			if (*rows == 0 && may_redo)
				return 0;	/* the caller redoes it */
		}
		switch (nlh->nlmsg_type) {
		case SOCK_DIAG_BY_FAMILY:
		case TCPDIAG_GETSOCK:		/* the joined TCP dump's */
			d->replies++;
			if (diag_emit(nlh, req, cb, arg, st, rows) == -1)
				return -1;
			break;
		case NLMSG_DONE:
			/* A dump that failed midway says so here. */
			if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
				memcpy(&err, mnl_nlmsg_get_payload(nlh),
				    sizeof(err));
				if (err < 0) {
					errno = -err;
					return -1;
				}
			}
			return 1;
		case NLMSG_ERROR:
			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int)) {
				st->malformed++;
				errno = EPROTO;
				return -1;
			}
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error == 0)	/* an acknowledgement */
				return 1;
			errno = e->error < 0 ? -e->error : e->error;
			return -1;
		default:			/* NLMSG_NOOP and the like */
			break;
		}
	}
	/* Bytes that do not make a whole message: the rest is unreadable. */
	if (n > 0)
		st->malformed++;
	return 0;
}

/* The struct source face of this module; proc_root means nothing here. */
static void *
diag_source_open(const char *proc_root)
{
	(void)proc_root;
	return diag_open();
}

static int
diag_source_collect(void *h, const struct dump_req *req, row_cb cb,
    void *arg, struct source_stats *st)
{
	return diag_collect(h, req, cb, arg, st);
}

static void
diag_source_close(void *h)
{
	diag_close(h);
}

const struct source diag_source = {
	"netlink",
	diag_source_open,
	diag_source_collect,
	diag_source_close
};
