/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diag_parse.c - one sock_diag reply message into a struct sock_row
 * (diag.h's parser seam): the Internet and UNIX message headers, their
 * attributes, and a UNIX listener's connections waiting to be accepted.
 * Every length is checked against the message before it is read; what
 * does not fit is EINVAL, never a partial row.  diag.c reads the replies
 * and calls these; -E by snapshots does too.
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
#include <string.h>

#include "diag.h"

static int	diag_parse_inet(const struct nlmsghdr *,
		    const struct dump_req *, struct sock_row *);
static int	diag_parse_unix(const struct nlmsghdr *, struct sock_row *);

/*
 * Indexes the attributes that follow a family header of hdrlen bytes:
 * tb[type] points to the last attribute of each type below ntb.  Returns
 * -1 (EINVAL) when an attribute is shorter than its header or runs past
 * nlmsg_len.
 */
static int
diag_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
    const struct nlattr **tb, unsigned int ntb)
{
	const struct nlattr *a;
	size_t off;
	uint16_t type;
	int left;

	memset(tb, 0, ntb * sizeof(*tb));
	off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);
	if (off >= nlh->nlmsg_len)
		return 0;
	a = (const struct nlattr *)((const char *)nlh + off);
	left = (int)(nlh->nlmsg_len - off);
	while (mnl_attr_ok(a, left)) {
		type = mnl_attr_get_type(a);
		if (type < ntb)
			tb[type] = a;
		left -= MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	/* Fewer bytes than a header are tolerated as padding. */
	if (left >= (int)sizeof(struct nlattr)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
diag_parse_msg(const struct nlmsghdr *nlh, const struct dump_req *req,
    struct sock_row *row)
{
	uint8_t family;

	memset(row, 0, sizeof(*row));
	if (req == NULL || nlh->nlmsg_len > INT_MAX ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + 1)
		goto bad;
	/* Every sock_diag reply starts with its family byte. */
	family = *(const uint8_t *)mnl_nlmsg_get_payload(nlh);
	if (family != req->family && !(req->family == AF_UNSPEC &&
	    (family == AF_INET || family == AF_INET6)))
		goto bad;
	switch (family) {
	case AF_INET:
	case AF_INET6:
		if (req->proto == PROTO_UNIX)
			goto bad;
		return diag_parse_inet(nlh, req, row);
	case AF_UNIX:
		if (req->proto != PROTO_UNIX)
			goto bad;
		return diag_parse_unix(nlh, row);
	}
bad:
	memset(row, 0, sizeof(*row));
	errno = EINVAL;
	return -1;
}

/*
 * idiag_retrans holds what the pending timer counts: retransmits for the
 * retransmit timer, unanswered probes (icsk_probes_out) for the keepalive
 * and zero window probe timers, as /proc/net/tcp's "timeout" column.  The
 * other count is not in the message; it is 0 then, since every ACK that
 * advances snd_una zeroes the retransmits and every ACK zeroes the probes,
 * and neither probe timer runs while data is unacknowledged.
 */
static void
diag_timer_counts(const struct inet_diag_msg *m, struct sock_row *row)
{
	if (m->idiag_timer == TIMER_KEEPALIVE || m->idiag_timer == TIMER_PROBE)
		row->probes = m->idiag_retrans;
	else
		row->retrans = m->idiag_retrans;
}

/*
 * An inet_diag_msg: ports and addresses in network order, the socket's
 * queues (for a listener: accept queue and its maximum), uid, inode and
 * cookie; for TCP the pending timer.  The only attribute read is
 * INET_DIAG_SKV6ONLY, which the kernel adds for IPv6 sockets in LISTEN
 * or CLOSE.
 */
static int
diag_parse_inet(const struct nlmsghdr *nlh, const struct dump_req *req,
    struct sock_row *row)
{
	const struct inet_diag_msg *m;
	const struct nlattr *tb[INET_DIAG_SKV6ONLY + 1];

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*m) ||
	    diag_attrs(nlh, sizeof(*m), tb, INET_DIAG_SKV6ONLY + 1) == -1)
		goto bad;
	m = mnl_nlmsg_get_payload(nlh);

	row->family = m->idiag_family;
	row->proto = req->proto;
	switch (req->proto) {
	case PROTO_TCP:
		row->type = SOCK_STREAM;
		row->timer = m->idiag_timer;
		row->expires_ms = m->idiag_expires;
		diag_timer_counts(m, row);
		row->has |= ROW_HAS_TIMER;
		break;
	case PROTO_UDP:
	case PROTO_UDPLITE:
		row->type = SOCK_DGRAM;
		break;
	case PROTO_RAW:
		row->type = SOCK_RAW;
		break;
	default:
		goto bad;
	}
	/* Request sockets are SYN_RECV to every user of the kernel. */
	row->state = m->idiag_state == ST_NEW_SYN_RECV ? ST_SYN_RECV :
	    m->idiag_state;
	/* For RAW the kernel reports the protocol as the source port. */
	row->lport = ntohs(m->id.idiag_sport);
	row->rport = ntohs(m->id.idiag_dport);
	if (row->family == AF_INET) {
		memcpy(&row->laddr.v4, m->id.idiag_src, sizeof(row->laddr.v4));
		memcpy(&row->raddr.v4, m->id.idiag_dst, sizeof(row->raddr.v4));
	} else {
		memcpy(&row->laddr.v6, m->id.idiag_src, sizeof(row->laddr.v6));
		memcpy(&row->raddr.v6, m->id.idiag_dst, sizeof(row->raddr.v6));
	}
	row->rqueue = m->idiag_rqueue;
	row->wqueue = m->idiag_wqueue;
	/* A listener's "write queue" is its backlog; /proc/net shows 0. */
	if (row->state == ST_LISTEN) {
		row->backlog = row->wqueue;
		row->wqueue = 0;
		row->has |= ROW_HAS_BACKLOG;
	}
	row->uid = m->idiag_uid;
	row->inode = m->idiag_inode;
	row->ifindex = m->id.idiag_if;
	/* The kernel splits the 64-bit cookie low word first. */
	row->cookie = (uint64_t)m->id.idiag_cookie[1] << 32 |
	    m->id.idiag_cookie[0];
	row->has |= ROW_HAS_COOKIE | ROW_HAS_IFINDEX | ROW_HAS_UID |
	    ROW_HAS_QUEUES;

	if (tb[INET_DIAG_SKV6ONLY] != NULL && row->family == AF_INET6) {
		if (mnl_attr_get_payload_len(tb[INET_DIAG_SKV6ONLY]) < 1)
			goto bad;
		row->v6only = mnl_attr_get_u8(tb[INET_DIAG_SKV6ONLY]) != 0;
		row->has |= ROW_HAS_V6ONLY;
	}
	return 0;
bad:
	memset(row, 0, sizeof(*row));
	errno = EINVAL;
	return -1;
}

/*
 * A unix_diag_msg and the attributes diag_request asked for.  The name
 * of a pathname socket carries the NUL that bind(2) stored; an abstract
 * name starts with a NUL and is binary, so it is kept whole.
 */
static int
diag_parse_unix(const struct nlmsghdr *nlh, struct sock_row *row)
{
	const struct unix_diag_msg *m;
	const struct nlattr *tb[UNIX_DIAG_UID + 1], *a;
	struct unix_diag_rqlen q;
	const char *name;
	size_t len;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*m) ||
	    diag_attrs(nlh, sizeof(*m), tb, UNIX_DIAG_UID + 1) == -1)
		goto bad;
	m = mnl_nlmsg_get_payload(nlh);

	row->family = AF_UNIX;
	row->proto = PROTO_UNIX;
	row->type = m->udiag_type;
	row->state = m->udiag_state;
	row->inode = m->udiag_ino;
	row->cookie = (uint64_t)m->udiag_cookie[1] << 32 | m->udiag_cookie[0];
	row->has |= ROW_HAS_COOKIE;

	if ((a = tb[UNIX_DIAG_NAME]) != NULL &&
	    (len = mnl_attr_get_payload_len(a)) > 0) {
		name = mnl_attr_get_payload(a);
		if (name[0] != '\0')
			len = strnlen(name, len);
		row->path = name;
		row->path_len = len;
	}
	if ((a = tb[UNIX_DIAG_PEER]) != NULL) {
		if (mnl_attr_get_payload_len(a) < sizeof(uint32_t))
			goto bad;
		row->peer_inode = mnl_attr_get_u32(a);
		row->has |= ROW_HAS_PEER;
	}
	if ((a = tb[UNIX_DIAG_RQLEN]) != NULL) {
		if (mnl_attr_get_payload_len(a) < sizeof(q))
			goto bad;
		memcpy(&q, mnl_attr_get_payload(a), sizeof(q));
		row->rqueue = q.udiag_rqueue;
		row->wqueue = q.udiag_wqueue;
		if (row->state == ST_LISTEN) {
			row->backlog = row->wqueue;
			row->wqueue = 0;
			row->has |= ROW_HAS_BACKLOG;
		}
		row->has |= ROW_HAS_QUEUES;
	}
	if ((a = tb[UNIX_DIAG_UID]) != NULL) {
		if (mnl_attr_get_payload_len(a) < sizeof(uint32_t))
			goto bad;
		row->uid = mnl_attr_get_u32(a);
		row->has |= ROW_HAS_UID;
	}
	return 0;
bad:
	memset(row, 0, sizeof(*row));
	errno = EINVAL;
	return -1;
}

/*
 * UNIX_DIAG_ICONS of a listener: one u32 per connection in its accept
 * queue, the inode of the socket that connected (0 once it is gone).  The
 * waiting socket itself has no inode yet; it shares the listener's type
 * and name.
 */
int
diag_parse_embryo(const struct nlmsghdr *nlh, const struct sock_row *listener,
    size_t i, struct sock_row *row)
{
	const struct nlattr *tb[UNIX_DIAG_ICONS + 1], *a;
	uint32_t peer;
	size_t len;

	memset(row, 0, sizeof(*row));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct unix_diag_msg) ||
	    listener->family != AF_UNIX || listener->state != ST_LISTEN ||
	    diag_attrs(nlh, sizeof(struct unix_diag_msg), tb,
	    UNIX_DIAG_ICONS + 1) == -1) {
		errno = EINVAL;
		return -1;
	}
	if ((a = tb[UNIX_DIAG_ICONS]) == NULL)
		return 0;
	len = mnl_attr_get_payload_len(a);
	if (len % sizeof(peer) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (i >= len / sizeof(peer))
		return 0;
	memcpy(&peer, (const char *)mnl_attr_get_payload(a) + i * sizeof(peer),
	    sizeof(peer));
	row->family = AF_UNIX;
	row->proto = PROTO_UNIX;
	row->type = listener->type;
	row->state = ST_SYN_SENT;	/* SS_CONNECTING: not yet accepted */
	row->path = listener->path;
	row->path_len = listener->path_len;
	row->peer_inode = peer;
	row->has = ROW_HAS_PEER;
	return 1;
}
