/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_diag.c - diag_parse_msg on replies built with libmnl's putters,
 * its refusal of malformed ones, diag_collect's dump loop on scripted
 * datagrams, and diag_collect against the running kernel with sockets
 * the test opens on loopback.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <dlfcn.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "diag_rx.h"
#include "tcpinfo.h"

/* Room for one reply; the union keeps it aligned as the kernel's are. */
union msgbuf {
	struct nlmsghdr	 align;
	char		 buf[1024];
};

static const struct dump_req req_tcp4 = { AF_INET, PROTO_TCP, ST_ALL };
static const struct dump_req req_udp6 = { AF_INET6, PROTO_UDP, ST_ALL };
static const struct dump_req req_raw4 = { AF_INET, PROTO_RAW, ST_ALL };
static const struct dump_req req_unix = { AF_UNIX, PROTO_UNIX, ST_ALL };

/* Starts a SOCK_DIAG_BY_FAMILY reply holding m (attributes may follow). */
static struct nlmsghdr *
put_inet(union msgbuf *u, const struct inet_diag_msg *m)
{
	struct nlmsghdr *nlh;

	memset(u, 0, sizeof(*u));
	nlh = mnl_nlmsg_put_header(u->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(*m)), m, sizeof(*m));
	return nlh;
}

static struct nlmsghdr *
put_unix(union msgbuf *u, const struct unix_diag_msg *m)
{
	struct nlmsghdr *nlh;

	memset(u, 0, sizeof(*u));
	nlh = mnl_nlmsg_put_header(u->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(*m)), m, sizeof(*m));
	return nlh;
}

static void
tcp4_msg(struct inet_diag_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->idiag_family = AF_INET;
	m->idiag_state = ST_ESTABLISHED;
	m->idiag_timer = TIMER_ON;
	m->idiag_retrans = 2;
	m->id.idiag_sport = htons(8080);
	m->id.idiag_dport = htons(40000);
	m->id.idiag_src[0] = htonl(0x7f000001);
	m->id.idiag_dst[0] = htonl(0x0a010203);
	m->id.idiag_if = 3;
	m->id.idiag_cookie[0] = 0x11223344;
	m->id.idiag_cookie[1] = 0x55667788;
	m->idiag_expires = 200;
	m->idiag_rqueue = 5;
	m->idiag_wqueue = 7;
	m->idiag_uid = 1000;
	m->idiag_inode = 12345;
}

static void
test_diag_parse_msg_ipv4(void **state)
{
	union msgbuf u;
	struct inet_diag_msg m;
	struct sock_row row;

	(void)state;
	tcp4_msg(&m);
	assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_tcp4, &row), 0);
	assert_int_equal(row.family, AF_INET);
	assert_int_equal(row.proto, PROTO_TCP);
	assert_int_equal(row.type, SOCK_STREAM);
	assert_int_equal(row.state, ST_ESTABLISHED);
	assert_int_equal(row.timer, TIMER_ON);
	assert_int_equal(row.retrans, 2);
	assert_int_equal(row.expires_ms, 200);
	assert_int_equal(row.lport, 8080);
	assert_int_equal(row.rport, 40000);
	assert_int_equal(ntohl(row.laddr.v4.s_addr), 0x7f000001);
	assert_int_equal(ntohl(row.raddr.v4.s_addr), 0x0a010203);
	assert_int_equal(row.ifindex, 3);
	assert_true(row.cookie == 0x5566778811223344ULL);
	assert_int_equal(row.rqueue, 5);
	assert_int_equal(row.wqueue, 7);
	assert_int_equal(row.backlog, 0);
	assert_int_equal(row.uid, 1000);
	assert_int_equal(row.inode, 12345);
	assert_int_equal(row.v6only, 0);
	assert_int_equal(row.has, ROW_HAS_COOKIE | ROW_HAS_IFINDEX |
	    ROW_HAS_UID | ROW_HAS_QUEUES | ROW_HAS_TIMER);
	assert_null(row.path);
	assert_int_equal(row.path_len, 0);
	assert_int_equal(row.peer_inode, 0);
}

/* Keepalive and zero window probe timers count probes, not retransmits. */
static void
test_diag_parse_msg_probes(void **state)
{
	static const unsigned timers[] = { TIMER_PROBE, TIMER_KEEPALIVE };
	union msgbuf u;
	struct inet_diag_msg m;
	struct sock_row row;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		tcp4_msg(&m);
		m.idiag_timer = (uint8_t)timers[i];
		m.idiag_retrans = 4;
		assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_tcp4,
		    &row), 0);
		assert_int_equal(row.timer, timers[i]);
		assert_int_equal(row.probes, 4);
		assert_int_equal(row.retrans, 0);
	}
	tcp4_msg(&m);		/* the retransmit timer: retransmits */
	assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_tcp4, &row), 0);
	assert_int_equal(row.retrans, 2);
	assert_int_equal(row.probes, 0);
}

static void
test_diag_parse_msg_ipv6(void **state)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x01 };
	static const uint8_t dst[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	    0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
	union msgbuf u;
	struct inet_diag_msg m;
	struct nlmsghdr *nlh;
	struct sock_row row;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_INET6;
	m.idiag_state = ST_CLOSE;
	m.id.idiag_sport = htons(53);
	m.id.idiag_dport = htons(5353);
	memcpy(m.id.idiag_src, src, 16);
	memcpy(m.id.idiag_dst, dst, 16);
	m.idiag_inode = 99;
	/* Timer fields mean nothing for UDP and must not be reported. */
	m.idiag_timer = 1;
	nlh = put_inet(&u, &m);
	mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 0);
	mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 1);
	assert_int_equal(diag_parse_msg(nlh, &req_udp6, &row), 0);
	assert_int_equal(row.family, AF_INET6);
	assert_int_equal(row.proto, PROTO_UDP);
	assert_int_equal(row.type, SOCK_DGRAM);
	assert_int_equal(row.state, ST_CLOSE);
	assert_int_equal(row.lport, 53);
	assert_int_equal(row.rport, 5353);
	assert_memory_equal(row.laddr.v6.s6_addr, src, 16);
	assert_memory_equal(row.raddr.v6.s6_addr, dst, 16);
	assert_int_equal(row.inode, 99);
	assert_int_equal(row.v6only, 1);
	assert_int_equal(row.timer, 0);
	assert_int_equal(row.has, ROW_HAS_COOKIE | ROW_HAS_IFINDEX |
	    ROW_HAS_UID | ROW_HAS_QUEUES | ROW_HAS_V6ONLY);

	/* SKV6ONLY 0 is still a value. */
	nlh = put_inet(&u, &m);
	mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 0);
	assert_int_equal(diag_parse_msg(nlh, &req_udp6, &row), 0);
	assert_int_equal(row.v6only, 0);
	assert_true(row.has & ROW_HAS_V6ONLY);
}

static void
test_diag_parse_msg_listen_backlog(void **state)
{
	union msgbuf u;
	struct inet_diag_msg m;
	struct sock_row row;

	(void)state;
	tcp4_msg(&m);
	m.idiag_state = ST_LISTEN;
	m.idiag_rqueue = 3;	/* accept queue */
	m.idiag_wqueue = 128;	/* its maximum */
	m.idiag_timer = 0;
	m.id.idiag_dport = 0;
	assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_tcp4, &row), 0);
	assert_int_equal(row.state, ST_LISTEN);
	assert_int_equal(row.rqueue, 3);
	assert_int_equal(row.wqueue, 0);
	assert_int_equal(row.backlog, 128);
	assert_true(row.has & ROW_HAS_BACKLOG);
}

static void
test_diag_parse_msg_timewait(void **state)
{
	union msgbuf u;
	struct inet_diag_msg m;
	struct sock_row row;

	(void)state;
	tcp4_msg(&m);
	m.idiag_state = ST_TIME_WAIT;
	m.idiag_timer = TIMER_TIMEWAIT;
	m.idiag_expires = 59000;
	m.idiag_retrans = 0;
	m.idiag_rqueue = m.idiag_wqueue = 0;
	m.idiag_uid = 0;
	m.idiag_inode = 0;
	assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_tcp4, &row), 0);
	assert_int_equal(row.state, ST_TIME_WAIT);
	assert_int_equal(row.timer, TIMER_TIMEWAIT);
	assert_int_equal(row.expires_ms, 59000);
	assert_int_equal(row.inode, 0);
	assert_int_equal(row.wqueue, 0);
	assert_int_equal(row.backlog, 0);
}

static void
test_diag_parse_msg_syn_recv(void **state)
{
	union msgbuf u;
	struct inet_diag_msg m;
	struct sock_row row;

	(void)state;
	tcp4_msg(&m);
	m.idiag_state = ST_SYN_RECV;
	assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_tcp4, &row), 0);
	assert_int_equal(row.state, ST_SYN_RECV);
	/* Should a kernel report the request state itself, it is folded. */
	m.idiag_state = ST_NEW_SYN_RECV;
	assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_tcp4, &row), 0);
	assert_int_equal(row.state, ST_SYN_RECV);
}

static void
test_diag_parse_msg_raw(void **state)
{
	union msgbuf u;
	struct inet_diag_msg m;
	struct sock_row row;

	(void)state;
	tcp4_msg(&m);
	m.idiag_state = ST_CLOSE;
	m.id.idiag_sport = htons(IPPROTO_ICMP);
	m.id.idiag_dport = 0;
	assert_int_equal(diag_parse_msg(put_inet(&u, &m), &req_raw4, &row), 0);
	assert_int_equal(row.proto, PROTO_RAW);
	assert_int_equal(row.type, SOCK_RAW);
	assert_int_equal(row.lport, IPPROTO_ICMP);
	assert_false(row.has & ROW_HAS_TIMER);
}

static void
unix_msg(struct unix_diag_msg *m, uint8_t type, uint8_t st)
{
	memset(m, 0, sizeof(*m));
	m->udiag_family = AF_UNIX;
	m->udiag_type = type;
	m->udiag_state = st;
	m->udiag_ino = 777;
	m->udiag_cookie[0] = 0xdeadbeef;
	m->udiag_cookie[1] = 0x1;
}

static void
test_diag_parse_msg_unix_path(void **state)
{
	static const char name[] = "/run/x.sock";	/* NUL included */
	union msgbuf u;
	struct unix_diag_msg m;
	struct unix_diag_rqlen q = { 2, 64 };
	struct nlmsghdr *nlh;
	struct sock_row row;

	(void)state;
	unix_msg(&m, SOCK_STREAM, ST_LISTEN);
	nlh = put_unix(&u, &m);
	mnl_attr_put(nlh, UNIX_DIAG_NAME, sizeof(name), name);
	mnl_attr_put(nlh, UNIX_DIAG_RQLEN, sizeof(q), &q);
	mnl_attr_put_u32(nlh, UNIX_DIAG_UID, 1001);
	mnl_attr_put_u8(nlh, UNIX_DIAG_SHUTDOWN, 0);
	assert_int_equal(diag_parse_msg(nlh, &req_unix, &row), 0);
	assert_int_equal(row.family, AF_UNIX);
	assert_int_equal(row.proto, PROTO_UNIX);
	assert_int_equal(row.type, SOCK_STREAM);
	assert_int_equal(row.state, ST_LISTEN);
	assert_int_equal(row.inode, 777);
	assert_true(row.cookie == 0x1deadbeefULL);
	assert_int_equal(row.path_len, strlen(name));
	assert_memory_equal(row.path, name, strlen(name));
	assert_int_equal(row.rqueue, 2);
	assert_int_equal(row.wqueue, 0);
	assert_int_equal(row.backlog, 64);
	assert_int_equal(row.uid, 1001);
	assert_int_equal(row.peer_inode, 0);
	assert_int_equal(row.has, ROW_HAS_COOKIE | ROW_HAS_QUEUES |
	    ROW_HAS_UID | ROW_HAS_BACKLOG);
	/* The path points into the message, not into a copy. */
	assert_true(row.path > u.buf && row.path < u.buf + sizeof(u.buf));
}

/* UNIX_DIAG_ICONS of a listener: one waiting connection per entry. */
static void
test_diag_parse_embryo(void **state)
{
	static const char name[] = "/run/q.sock";
	static const uint32_t icons[] = { 4001, 4002 };
	union msgbuf u;
	struct unix_diag_msg m;
	struct nlmsghdr *nlh;
	struct sock_row lrow, row;

	(void)state;
	unix_msg(&m, SOCK_STREAM, ST_LISTEN);
	nlh = put_unix(&u, &m);
	mnl_attr_put(nlh, UNIX_DIAG_NAME, sizeof(name), name);
	mnl_attr_put(nlh, UNIX_DIAG_ICONS, sizeof(icons), icons);
	assert_int_equal(diag_parse_msg(nlh, &req_unix, &lrow), 0);
	assert_int_equal(diag_parse_embryo(nlh, &lrow, 0, &row), 1);
	assert_int_equal(row.family, AF_UNIX);
	assert_int_equal(row.proto, PROTO_UNIX);
	assert_int_equal(row.type, SOCK_STREAM);
	assert_int_equal(row.state, ST_SYN_SENT);
	assert_int_equal(row.inode, 0);
	assert_int_equal(row.peer_inode, 4001);
	assert_int_equal(row.has, ROW_HAS_PEER);
	assert_int_equal(row.path_len, strlen(name));
	assert_memory_equal(row.path, name, strlen(name));
	assert_int_equal(diag_parse_embryo(nlh, &lrow, 1, &row), 1);
	assert_int_equal(row.peer_inode, 4002);
	assert_int_equal(diag_parse_embryo(nlh, &lrow, 2, &row), 0);

	/* Not a listener; no attribute; a length that is no whole u32. */
	row = lrow;
	lrow.state = ST_ESTABLISHED;
	assert_int_equal(diag_parse_embryo(nlh, &lrow, 0, &row), -1);
	assert_int_equal(errno, EINVAL);
	lrow.state = ST_LISTEN;
	nlh = put_unix(&u, &m);
	assert_int_equal(diag_parse_embryo(nlh, &lrow, 0, &row), 0);
	mnl_attr_put(nlh, UNIX_DIAG_ICONS, 6, icons);
	assert_int_equal(diag_parse_embryo(nlh, &lrow, 0, &row), -1);
}

static void
test_diag_parse_msg_unix_abstract(void **state)
{
	static const char name[] = "\0sock\0stat\0";	/* 11 bytes */
	union msgbuf u;
	struct unix_diag_msg m;
	struct nlmsghdr *nlh;
	struct sock_row row;

	(void)state;
	unix_msg(&m, SOCK_DGRAM, ST_CLOSE);
	nlh = put_unix(&u, &m);
	mnl_attr_put(nlh, UNIX_DIAG_NAME, sizeof(name) - 1, name);
	assert_int_equal(diag_parse_msg(nlh, &req_unix, &row), 0);
	assert_int_equal(row.type, SOCK_DGRAM);
	assert_int_equal(row.path_len, 11);
	assert_memory_equal(row.path, name, 11);
	assert_false(row.has & ROW_HAS_QUEUES);
}

static void
test_diag_parse_msg_unix_unnamed_peer(void **state)
{
	union msgbuf u;
	struct unix_diag_msg m;
	struct unix_diag_rqlen q = { 10, 20 };
	struct nlmsghdr *nlh;
	struct sock_row row;

	(void)state;
	unix_msg(&m, SOCK_SEQPACKET, ST_ESTABLISHED);
	nlh = put_unix(&u, &m);
	mnl_attr_put_u32(nlh, UNIX_DIAG_PEER, 4242);
	mnl_attr_put(nlh, UNIX_DIAG_RQLEN, sizeof(q), &q);
	assert_int_equal(diag_parse_msg(nlh, &req_unix, &row), 0);
	assert_int_equal(row.type, SOCK_SEQPACKET);
	assert_int_equal(row.state, ST_ESTABLISHED);
	assert_null(row.path);
	assert_int_equal(row.path_len, 0);
	assert_int_equal(row.peer_inode, 4242);
	assert_int_equal(row.rqueue, 10);
	assert_int_equal(row.wqueue, 20);
	assert_int_equal(row.backlog, 0);
	assert_int_equal(row.has, ROW_HAS_COOKIE | ROW_HAS_QUEUES |
	    ROW_HAS_PEER);
}

/* Expects diag_parse_msg to refuse nlh with EINVAL and leave a zero row. */
static void
check_bad(const struct nlmsghdr *nlh, const struct dump_req *req)
{
	struct sock_row row, zero;

	memset(&row, 0xa5, sizeof(row));
	memset(&zero, 0, sizeof(zero));
	errno = 0;
	assert_int_equal(diag_parse_msg(nlh, req, &row), -1);
	assert_int_equal(errno, EINVAL);
	assert_memory_equal(&row, &zero, sizeof(row));
}

static void
test_diag_parse_msg_malformed(void **state)
{
	union msgbuf u;
	struct inet_diag_msg m;
	struct unix_diag_msg um;
	struct nlmsghdr *nlh;
	struct nlattr *a;

	(void)state;
	tcp4_msg(&m);

	/* Truncated: one byte short of an inet_diag_msg. */
	nlh = put_inet(&u, &m);
	nlh->nlmsg_len--;
	check_bad(nlh, &req_tcp4);
	/* nlmsg_len shorter than the netlink header itself. */
	nlh = put_inet(&u, &m);
	nlh->nlmsg_len = 8;
	check_bad(nlh, &req_tcp4);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	check_bad(nlh, &req_tcp4);

	/* An attribute whose length runs past the message. */
	nlh = put_inet(&u, &m);
	a = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, INET_DIAG_MARK, 1);
	a->nla_len = 64;
	check_bad(nlh, &req_tcp4);
	/* An attribute shorter than its own header. */
	a->nla_len = 2;
	check_bad(nlh, &req_tcp4);

	/* A family sock_diag never sends, and one the request did not ask. */
	m.idiag_family = AF_PACKET;
	check_bad(put_inet(&u, &m), &(struct dump_req){ AF_PACKET,
	    PROTO_TCP, ST_ALL });
	m.idiag_family = AF_INET6;
	check_bad(put_inet(&u, &m), &req_tcp4);
	m.idiag_family = AF_INET;
	check_bad(put_inet(&u, &m), &req_unix);

	/* SKV6ONLY without its byte. */
	m.idiag_family = AF_INET6;
	nlh = put_inet(&u, &m);
	mnl_attr_put(nlh, INET_DIAG_SKV6ONLY, 0, NULL);
	check_bad(nlh, &req_udp6);

	/* UNIX: short message, short PEER, short RQLEN, overrun NAME. */
	unix_msg(&um, SOCK_STREAM, ST_ESTABLISHED);
	nlh = put_unix(&u, &um);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(um) - 4;
	check_bad(nlh, &req_unix);
	nlh = put_unix(&u, &um);
	mnl_attr_put_u16(nlh, UNIX_DIAG_PEER, 1);
	check_bad(nlh, &req_unix);
	nlh = put_unix(&u, &um);
	mnl_attr_put_u32(nlh, UNIX_DIAG_RQLEN, 1);
	check_bad(nlh, &req_unix);
	nlh = put_unix(&u, &um);
	a = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_strz(nlh, UNIX_DIAG_NAME, "/x");
	a->nla_len = 200;
	check_bad(nlh, &req_unix);
	/* A UNIX reply to an inet request. */
	nlh = put_unix(&u, &um);
	check_bad(nlh, &req_tcp4);
}

/* Trailing bytes too few for an attribute header are padding. */
static void
test_diag_parse_msg_trailing_pad(void **state)
{
	union msgbuf u;
	struct inet_diag_msg m;
	struct nlmsghdr *nlh;
	struct sock_row row;

	(void)state;
	tcp4_msg(&m);
	nlh = put_inet(&u, &m);
	nlh->nlmsg_len += 3;
	assert_int_equal(diag_parse_msg(nlh, &req_tcp4, &row), 0);
	assert_int_equal(row.inode, 12345);
}

/*
 * The system edge: this binary defines libmnl's sendto and recvfrom, so
 * diag.o calls these.  They pass through to libmnl unless a test arms
 * the script, which then records the request and plays back datagrams
 * or errors in its place.
 */
#define SEQ_CUR		0xfffffffeU	/* stands for the request's seq */
#define STEP_MAX	8

struct step {
	int		 err;		/* recvfrom fails with it */
	size_t		 len;
	union {
		struct nlmsghdr	 align;
		char		 buf[8192];
	} u;
};

static struct {
	int		 armed;
	unsigned int	 seq;		/* of the last request */
	union msgbuf	 req;
	size_t		 reqlen;
	struct step	 steps[STEP_MAX];
	size_t		 nsteps, next;
} fake;

ssize_t
mnl_socket_sendto(const struct mnl_socket *nl, const void *buf, size_t len)
{
	ssize_t (*real)(const struct mnl_socket *, const void *, size_t);

	if (!fake.armed) {
		*(void **)&real = dlsym(RTLD_NEXT, "mnl_socket_sendto");
		return real(nl, buf, len);
	}
	assert_true(len <= sizeof(fake.req.buf));
	memcpy(fake.req.buf, buf, len);
	fake.reqlen = len;
	fake.seq = fake.req.align.nlmsg_seq;
	return (ssize_t)len;
}

ssize_t
mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t len)
{
	ssize_t (*real)(const struct mnl_socket *, void *, size_t);
	struct step *s;
	struct nlmsghdr *nlh;
	int left;

	if (!fake.armed) {
		*(void **)&real = dlsym(RTLD_NEXT, "mnl_socket_recvfrom");
		return real(nl, buf, len);
	}
	/*
	 * Past the script: an error, not an assertion, since the reader
	 * thread of a long dump may be the caller.
	 */
	if (fake.next >= fake.nsteps) {
		errno = ENOMSG;
		return -1;
	}
	s = &fake.steps[fake.next++];
	if (s->err != 0) {
		errno = s->err;
		return -1;
	}
	assert_true(s->len <= len);
	memcpy(buf, s->u.buf, s->len);
	left = (int)s->len;
	for (nlh = buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh,
	    &left))
		if (nlh->nlmsg_seq == SEQ_CUR)
			nlh->nlmsg_seq = fake.seq;
	return (ssize_t)s->len;
}

static int
fake_setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.armed = 1;
	return 0;
}

static int
fake_teardown(void **state)
{
	(void)state;
	fake.armed = 0;
	return 0;
}

static struct step *
step_add(int err)
{
	struct step *s;

	assert_true(fake.nsteps < STEP_MAX);
	s = &fake.steps[fake.nsteps++];
	memset(s, 0, sizeof(*s));
	s->err = err;
	return s;
}

/* Appends a message of type with room for len payload bytes to s. */
static struct nlmsghdr *
step_put(struct step *s, uint16_t type, uint16_t flags, uint32_t seq,
    const void *payload, size_t len)
{
	struct nlmsghdr *nlh;

	assert_true(s->len + MNL_NLMSG_HDRLEN + MNL_ALIGN(len) + 64 <=
	    sizeof(s->u.buf));
	nlh = mnl_nlmsg_put_header(s->u.buf + s->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	if (len > 0)
		memcpy(mnl_nlmsg_put_extra_header(nlh, len), payload, len);
	return nlh;
}

/* Closes the message step_put started, once its attributes are in. */
static void
step_end(struct step *s, struct nlmsghdr *nlh)
{
	s->len += MNL_ALIGN(nlh->nlmsg_len);
}

static void
step_unix(struct step *s, uint16_t flags, uint32_t seq, uint32_t ino)
{
	struct unix_diag_msg m;

	memset(&m, 0, sizeof(m));
	m.udiag_family = AF_UNIX;
	m.udiag_type = SOCK_STREAM;
	m.udiag_state = ST_ESTABLISHED;
	m.udiag_ino = ino;
	step_end(s, step_put(s, SOCK_DIAG_BY_FAMILY, flags | NLM_F_MULTI,
	    seq, &m, sizeof(m)));
}

static void
step_done(struct step *s, uint16_t flags, int err)
{
	step_end(s, step_put(s, NLMSG_DONE, flags | NLM_F_MULTI, SEQ_CUR,
	    &err, sizeof(err)));
}

static void
step_error(struct step *s, int err)
{
	struct nlmsgerr e;

	memset(&e, 0, sizeof(e));
	e.error = err;
	step_end(s, step_put(s, NLMSG_ERROR, 0, SEQ_CUR, &e, sizeof(e)));
}

/* Counts the rows of a dump and sums their inodes. */
struct tally {
	unsigned long	 rows;
	uint64_t	 inodes;
};

static int
tally_cb(const struct sock_row *r, void *arg)
{
	struct tally *t = arg;

	t->rows++;
	t->inodes += r->inode;
	return 0;
}


static int
fake_diag_setup(void **state)
{
	fake_setup(state);
	*state = diag_open();
	return 0;
}

static int
fake_diag_teardown(void **state)
{
	diag_close(*state);
	return fake_teardown(state);
}

static struct diag *
fake_diag(void **state)
{
	if (*state == NULL)
		skip();
	fake.nsteps = fake.next = 0;
	return *state;
}

/* Rows across datagrams; a bad row and a stale one are skipped. */
static void
test_diag_collect_multipart(void **state)
{
	struct diag *d = fake_diag(state);
	const struct nlmsghdr *nlh = &fake.req.align;
	const struct unix_diag_req *ur;
	struct source_stats st;
	struct tally t;
	struct step *s;
	uint32_t junk[2] = { AF_UNIX, 0 };

	s = step_add(0);
	step_unix(s, 0, SEQ_CUR, 1);
	step_unix(s, 0, SEQ_CUR, 2);
	/* A reply too short for a unix_diag_msg. */
	step_end(s, step_put(s, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, SEQ_CUR,
	    junk, sizeof(junk)));
	/* Left over from another request. */
	step_unix(s, 0, 77, 100);
	s = step_add(0);
	step_unix(s, 0, SEQ_CUR, 3);
	step_done(s, 0, 0);

	memset(&st, 0, sizeof(st));
	memset(&t, 0, sizeof(t));
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_UNIX,
	    PROTO_UNIX, ST_BIT(ST_LISTEN) }, tally_cb, &t, &st), 0);
	assert_int_equal(fake.next, 2);
	assert_int_equal(t.rows, 3);
	assert_int_equal(t.inodes, 6);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.inconsistent, 0);

	/* The request diag_collect sent. */
	assert_int_equal(nlh->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(*ur));
	assert_int_not_equal(nlh->nlmsg_seq, 0);
	ur = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ur->sdiag_family, AF_UNIX);
	assert_int_equal(ur->udiag_states, ST_BIT(ST_LISTEN));
	assert_int_equal(ur->udiag_show, UDIAG_SHOW_NAME | UDIAG_SHOW_PEER |
	    UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID | UDIAG_SHOW_ICONS);
}

/*
 * A dump of many datagrams comes in order, every row once, whoever
 * receives it; one that fails midway says so after the rows before it.
 */
static void
test_diag_collect_long(void **state)
{
	struct diag *d = fake_diag(state);
	struct source_stats st;
	struct tally t;
	struct step *s;
	uint32_t ino = 0, i, j;

	for (i = 0; i < STEP_MAX; i++) {
		s = step_add(0);
		for (j = 0; j < 50; j++)
			step_unix(s, 0, SEQ_CUR, ++ino);
		if (i == STEP_MAX - 1)
			step_done(s, 0, 0);
	}
	memset(&st, 0, sizeof(st));
	memset(&t, 0, sizeof(t));
	assert_int_equal(diag_collect(d, &req_unix, tally_cb, &t, &st), 0);
	assert_int_equal(fake.next, STEP_MAX);
	assert_int_equal(t.rows, 50 * STEP_MAX);
	/* 1 + 2 + ... + n: each inode once. */
	assert_int_equal(t.inodes, (uint64_t)ino * (ino + 1) / 2);
	assert_int_equal(st.malformed, 0);

	fake.nsteps = fake.next = 0;
	for (i = 0; i < 3; i++)
		for (j = 0, s = step_add(0); j < 50; j++)
			step_unix(s, 0, SEQ_CUR, 1);
	(void)step_add(ENOBUFS);
	memset(&t, 0, sizeof(t));
	errno = 0;
	assert_int_equal(diag_collect(d, &req_unix, tally_cb, &t, &st), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(t.rows, 150);
	assert_int_equal(fake.next, 4);
}

/* The message that ends a dump is found wherever it sits, if it is ours. */
static void
test_diag_rx_is_last(void **state)
{
	struct step s;

	(void)state;
	memset(&s, 0, sizeof(s));
	step_unix(&s, 0, 5, 1);
	assert_false(diag_rx_is_last(s.u.buf, s.len, 0, 5));
	step_end(&s, step_put(&s, NLMSG_DONE, NLM_F_MULTI, 6, NULL, 0));
	assert_false(diag_rx_is_last(s.u.buf, s.len, 0, 5));	/* not ours */
	assert_true(diag_rx_is_last(s.u.buf, s.len, 0, 6));
	memset(&s, 0, sizeof(s));
	step_unix(&s, 0, 5, 1);
	step_end(&s, step_put(&s, NLMSG_ERROR, 0, 5, NULL, 0));
	assert_true(diag_rx_is_last(s.u.buf, s.len, 0, 5));
	/* A cut header ends nothing. */
	assert_false(diag_rx_is_last(s.u.buf, 8, 0, 5));
	assert_false(diag_rx_is_last(s.u.buf, 0, 0, 5));
}

/*
 * A dump interrupted before its first row is redone; one interrupted
 * after rows went out is finished once, and counted.
 */
static void
test_diag_collect_dump_intr(void **state)
{
	struct diag *d = fake_diag(state);
	struct source_stats st;
	struct tally t;
	struct step *s;

	s = step_add(0);
	step_unix(s, NLM_F_DUMP_INTR, SEQ_CUR, 1);	/* redone */
	s = step_add(0);
	step_unix(s, 0, SEQ_CUR, 1);
	step_unix(s, 0, SEQ_CUR, 2);
	step_done(s, 0, 0);
	memset(&st, 0, sizeof(st));
	memset(&t, 0, sizeof(t));
	assert_int_equal(diag_collect(d, &req_unix, tally_cb, &t, &st), 0);
	assert_int_equal(t.rows, 2);
	assert_int_equal(fake.next, 2);
	assert_int_equal(st.interrupted, 1);
	assert_int_equal(st.inconsistent, 0);
	fake.nsteps = fake.next = 0;

	/* Always interrupted: three redos, then kept and counted. */
	for (int i = 0; i < 3; i++)
		step_unix(step_add(0), NLM_F_DUMP_INTR, SEQ_CUR, 9);
	s = step_add(0);
	step_unix(s, NLM_F_DUMP_INTR, SEQ_CUR, 1);
	step_done(s, NLM_F_DUMP_INTR, 0);
	memset(&st, 0, sizeof(st));
	memset(&t, 0, sizeof(t));
	assert_int_equal(diag_collect(d, &req_unix, tally_cb, &t, &st), 0);
	assert_int_equal(t.rows, 1);
	assert_int_equal(st.interrupted, 3);
	assert_int_equal(st.inconsistent, 1);
	fake.nsteps = fake.next = 0;

	s = step_add(0);
	step_unix(s, 0, SEQ_CUR, 1);
	step_unix(s, NLM_F_DUMP_INTR, SEQ_CUR, 2);
	step_done(s, NLM_F_DUMP_INTR, 0);
	memset(&st, 0, sizeof(st));
	memset(&t, 0, sizeof(t));
	assert_int_equal(diag_collect(d, &req_unix, tally_cb, &t, &st), 0);
	assert_int_equal(t.rows, 2);
	assert_int_equal(fake.next, 1);
	assert_int_equal(st.inconsistent, 1);
	assert_int_equal(st.interrupted, 0);
	assert_int_equal(st.malformed, 0);
}

/* Runs one scripted dump of UNIX sockets; returns its result and errno. */
static int
fake_run(struct diag *d, struct tally *t, struct source_stats *st,
    int *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	memset(st, 0, sizeof(*st));
	errno = 0;
	rc = diag_collect(d, &req_unix, tally_cb, t, st);
	*err = errno;
	assert_int_equal(fake.next, fake.nsteps);
	fake.nsteps = fake.next = 0;
	return rc;
}

static void
test_diag_collect_errors(void **state)
{
	struct diag *d = fake_diag(state);
	struct source_stats st;
	struct tally t;
	struct step *s;
	int err;

	/* No diag module: the kernel's ENOENT reaches main, to fall back. */
	step_error(step_add(0), -ENOENT);
	assert_int_equal(fake_run(d, &t, &st, &err), -1);
	assert_int_equal(err, ENOENT);
	assert_true(DIAG_UNAVAILABLE(err));

	/* A dump that fails midway says so in NLMSG_DONE. */
	s = step_add(0);
	step_unix(s, 0, SEQ_CUR, 1);
	step_done(s, 0, -EIO);
	assert_int_equal(fake_run(d, &t, &st, &err), -1);
	assert_int_equal(err, EIO);
	assert_int_equal(t.rows, 1);

	/* Lost datagrams are an error, never a shorter list. */
	step_unix(step_add(0), 0, SEQ_CUR, 1);
	step_add(ENOBUFS);
	assert_int_equal(fake_run(d, &t, &st, &err), -1);
	assert_int_equal(err, ENOBUFS);
	assert_false(DIAG_UNAVAILABLE(err));
	/* libmnl's word for MSG_TRUNC. */
	step_add(ENOSPC);
	assert_int_equal(fake_run(d, &t, &st, &err), -1);
	assert_int_equal(err, EMSGSIZE);

	/* A signal only means: read again. */
	step_add(EINTR);
	s = step_add(0);
	step_unix(s, 0, SEQ_CUR, 5);
	step_done(s, 0, 0);
	assert_int_equal(fake_run(d, &t, &st, &err), 0);
	assert_int_equal(t.rows, 1);
	assert_int_equal(t.inodes, 5);

	/* Bytes that make no message are counted, the rest is read. */
	s = step_add(0);
	step_unix(s, 0, SEQ_CUR, 7);
	s->len += 8;
	s = step_add(0);
	step_done(s, 0, 0);
	assert_int_equal(fake_run(d, &t, &st, &err), 0);
	assert_int_equal(t.rows, 1);
	assert_int_equal(st.malformed, 1);

	/* An NLMSG_ERROR too short to hold its code. */
	s = step_add(0);
	step_end(s, step_put(s, NLMSG_ERROR, 0, SEQ_CUR, NULL, 0));
	assert_int_equal(fake_run(d, &t, &st, &err), -1);
	assert_int_equal(err, EPROTO);
}

/* What each inet request asks of the kernel. */
static const struct inet_diag_req_raw *
fake_request(struct diag *d, int family, enum sock_proto proto,
    uint32_t states)
{
	struct tally t;

	fake.nsteps = fake.next = 0;
	step_done(step_add(0), 0, 0);
	assert_int_equal(diag_collect(d, &(struct dump_req){ family, proto,
	    states }, tally_cb, &t, NULL), 0);
	assert_int_equal(fake.req.align.nlmsg_len,
	    MNL_NLMSG_HDRLEN + sizeof(struct inet_diag_req_v2));
	return mnl_nlmsg_get_payload(&fake.req.align);
}

static void
test_diag_collect_request(void **state)
{
	struct diag *d = fake_diag(state);
	const struct inet_diag_req_raw *r;

	/* SYN_RECV brings the request sockets' own state along. */
	r = fake_request(d, AF_INET6, PROTO_TCP,
	    ST_BIT(ST_SYN_RECV) | ST_BIT(ST_ESTABLISHED));
	assert_int_equal(r->sdiag_family, AF_INET6);
	assert_int_equal(r->sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(r->idiag_ext, 0);
	assert_int_equal(r->idiag_states, ST_BIT(ST_SYN_RECV) |
	    ST_BIT(ST_ESTABLISHED) | ST_BIT(ST_NEW_SYN_RECV));
	/* No BOUND_INACTIVE unless asked. */
	r = fake_request(d, AF_INET, PROTO_TCP, ST_ALL);
	assert_int_equal(r->idiag_states, ST_ALL);
	assert_false(r->idiag_states & ST_BIT(ST_BOUND_INACTIVE));
	r = fake_request(d, AF_INET, PROTO_TCP, ST_BIT(ST_LISTEN));
	assert_int_equal(r->idiag_states, ST_BIT(ST_LISTEN));
	r = fake_request(d, AF_INET, PROTO_TCP, ST_BIT(ST_BOUND_INACTIVE));
	assert_int_equal(r->idiag_states, ST_BIT(ST_BOUND_INACTIVE));
	/* UDP and RAW take every state; RAW asks raw_diag for all. */
	r = fake_request(d, AF_INET, PROTO_UDP, ST_BIT(ST_LISTEN));
	assert_int_equal(r->sdiag_protocol, IPPROTO_UDP);
	assert_int_equal(r->idiag_states, ST_ALL);
	r = fake_request(d, AF_INET6, PROTO_UDPLITE, ST_BIT(ST_LISTEN));
	assert_int_equal(r->sdiag_protocol, IPPROTO_UDPLITE);
	assert_int_equal(r->idiag_states, ST_ALL);
	r = fake_request(d, AF_INET6, PROTO_RAW, ST_BIT(ST_LISTEN));
	assert_int_equal(r->sdiag_protocol, IPPROTO_RAW);
	assert_int_equal(r->sdiag_raw_protocol, IPPROTO_RAW);
	assert_int_equal(r->idiag_states, ST_ALL);
}

/* What ext_cb saw of a row's internals (valid only during the call). */
struct ext_seen {
	unsigned long	 rows, with_ext;
	unsigned	 has;
	size_t		 info_len;
	uint32_t	 cwnd;
};

static int
ext_cb(const struct sock_row *r, void *arg)
{
	struct ext_seen *e = arg;

	e->rows++;
	if (r->ext == NULL)
		return 0;
	e->with_ext++;
	e->has = r->ext->has;
	e->info_len = r->ext->info_len;
	e->cwnd = r->ext->info.tcpi_snd_cwnd;
	return 0;
}

/*
 * Issue 15: --info asks for the extension bits in the same request; the
 * row carries what came, and an attribute too short for its type is
 * skipped and counted, not trusted.  Without the options: no bits, no
 * ext.
 */
static void
test_diag_collect_ext(void **state)
{
	struct diag *d = fake_diag(state);
	const struct inet_diag_req_raw *ir;
	struct inet_diag_msg m;
	struct tcp_info ti;
	struct source_stats st;
	struct ext_seen e;
	struct nlmsghdr *nlh;
	struct step *s;
	uint16_t two = 1;

	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_INET;
	m.idiag_state = ST_ESTABLISHED;
	m.idiag_inode = 9;
	memset(&ti, 0, sizeof(ti));
	ti.tcpi_snd_cwnd = 10;
	s = step_add(0);
	nlh = step_put(s, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, SEQ_CUR, &m,
	    sizeof(m));
	/* An older kernel's tcp_info, then a mark cut to two bytes. */
	mnl_attr_put(nlh, INET_DIAG_INFO, offsetof(struct tcp_info,
	    tcpi_pacing_rate), &ti);
	mnl_attr_put(nlh, INET_DIAG_MARK, sizeof(two), &two);
	step_end(s, nlh);
	step_done(s, 0, 0);

	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_INET,
	    PROTO_TCP, ST_ALL, EXT_INFO | EXT_MEM }, ext_cb, &e, &st), 0);
	ir = mnl_nlmsg_get_payload(&fake.req.align);
	assert_int_equal(ir->idiag_ext, tcpinfo_inet_req(EXT_INFO | EXT_MEM));
	assert_true(ir->idiag_ext & (1 << (INET_DIAG_INFO - 1)));
	assert_int_equal(e.rows, 1);
	assert_int_equal(e.with_ext, 1);
	assert_int_equal(e.has, SX_INFO);
	assert_int_equal(e.info_len, offsetof(struct tcp_info,
	    tcpi_pacing_rate));
	assert_int_equal(e.cwnd, 10);
	assert_int_equal(st.malformed, 1);

	/* The same reply to a plain request: the row has no ext. */
	fake.next = 0;
	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_INET,
	    PROTO_TCP, ST_ALL, 0 }, ext_cb, &e, &st), 0);
	assert_int_equal(ir->idiag_ext, 0);
	assert_int_equal(e.rows, 1);
	assert_int_equal(e.with_ext, 0);
	assert_int_equal(st.malformed, 0);
}

/*
 * Against the kernel: the sockets the test opens, each looked for by
 * inode in a dump.
 */
#define WANT_MAX	8

struct want {
	uint64_t	 inode;
	int		 found;
	struct sock_row	 row;
	char		 path[128];
};

struct seen {
	struct want	 w[WANT_MAX];
	size_t		 n;
	unsigned long	 rows;
	unsigned long	 stop_after;	/* 0: never stop */
};

static int
seen_cb(const struct sock_row *r, void *arg)
{
	struct seen *s = arg;
	size_t i;

	s->rows++;
	for (i = 0; i < s->n; i++) {
		if (s->w[i].inode != r->inode)
			continue;
		s->w[i].found++;
		s->w[i].row = *r;
		/* The path dies with the callback: keep a copy. */
		if (r->path_len > 0 && r->path_len <= sizeof(s->w[i].path)) {
			memcpy(s->w[i].path, r->path, r->path_len);
			s->w[i].row.path = s->w[i].path;
		} else
			s->w[i].row.path = NULL;
	}
	if (s->stop_after != 0 && s->rows >= s->stop_after) {
		errno = ECANCELED;
		return -1;
	}
	return 0;
}

static uint64_t
fd_inode(int fd)
{
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	return sb.st_ino;
}

static struct want *
want_add(struct seen *s, int fd)
{
	assert_true(s->n < WANT_MAX);
	memset(&s->w[s->n], 0, sizeof(s->w[s->n]));
	s->w[s->n].inode = fd_inode(fd);
	return &s->w[s->n++];
}

struct kfix {
	struct diag	*d;
	int		 open_errno;	/* diag_open failed */
	int		 fds[16];
	size_t		 nfds;
	char		 dir[64];
	char		 path[128];
};

static int
kfix_setup(void **state)
{
	struct kfix *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -1;
	if ((k->d = diag_open()) == NULL)
		k->open_errno = errno;
	*state = k;
	return 0;
}

static int
kfix_teardown(void **state)
{
	struct kfix *k = *state;
	size_t i;

	for (i = 0; i < k->nfds; i++)
		close(k->fds[i]);
	if (k->path[0] != '\0')
		unlink(k->path);
	if (k->dir[0] != '\0')
		rmdir(k->dir);
	diag_close(k->d);
	free(k);
	return 0;
}

static int
kfix_fd(struct kfix *k, int fd)
{
	assert_true(fd >= 0);
	assert_true(k->nfds < sizeof(k->fds) / sizeof(k->fds[0]));
	k->fds[k->nfds++] = fd;
	return fd;
}

static struct diag *
kfix_diag(struct kfix *k)
{
	if (k->d == NULL) {
		if (DIAG_UNAVAILABLE(k->open_errno))
			skip();
		fail_msg("diag_open: %s", strerror(k->open_errno));
	}
	return k->d;
}

static void
test_diag_collect_tcp(void **state)
{
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct source_stats st;
	struct seen s;
	struct want *wl, *wc, *wa;
	struct dump_req req = { AF_INET, PROTO_TCP, ST_ALL };
	int lfd, cfd, afd;
	uint16_t port, cport;

	lfd = kfix_fd(k, socket(AF_INET, SOCK_STREAM, 0));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 7), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &slen), 0);
	port = ntohs(sin.sin_port);
	cfd = kfix_fd(k, socket(AF_INET, SOCK_STREAM, 0));
	assert_int_equal(connect(cfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	afd = kfix_fd(k, accept(lfd, NULL, NULL));
	slen = sizeof(sin);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&sin, &slen), 0);
	cport = ntohs(sin.sin_port);

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	wl = want_add(&s, lfd);
	wc = want_add(&s, cfd);
	wa = want_add(&s, afd);
	assert_int_equal(diag_collect(d, &req, seen_cb, &s, &st), 0);
	assert_int_equal(st.malformed, 0);

	assert_int_equal(wl->found, 1);
	assert_int_equal(wl->row.state, ST_LISTEN);
	assert_int_equal(wl->row.lport, port);
	assert_int_equal(wl->row.rport, 0);
	assert_int_equal(ntohl(wl->row.laddr.v4.s_addr), INADDR_LOOPBACK);
	assert_int_equal(wl->row.backlog, 7);
	assert_int_equal(wl->row.wqueue, 0);
	assert_int_equal(wl->row.uid, getuid());
	assert_int_equal(wl->row.type, SOCK_STREAM);
	assert_true(wl->row.cookie != 0);

	assert_int_equal(wc->found, 1);
	assert_int_equal(wc->row.state, ST_ESTABLISHED);
	assert_int_equal(wc->row.lport, cport);
	assert_int_equal(wc->row.rport, port);

	assert_int_equal(wa->found, 1);
	assert_int_equal(wa->row.state, ST_ESTABLISHED);
	assert_int_equal(wa->row.lport, port);
	assert_int_equal(wa->row.rport, cport);
	assert_int_equal(ntohl(wa->row.raddr.v4.s_addr), INADDR_LOOPBACK);

	/* States are applied in the kernel: listeners only. */
	memset(&s, 0, sizeof(s));
	wl = want_add(&s, lfd);
	wc = want_add(&s, cfd);
	req.states = ST_BIT(ST_LISTEN);
	assert_int_equal(diag_collect(d, &req, seen_cb, &s, &st), 0);
	assert_int_equal(wl->found, 1);
	assert_int_equal(wc->found, 0);

	/* A callback that stops the dump keeps its errno ... */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	req.states = ST_ALL;
	errno = 0;
	assert_int_equal(diag_collect(d, &req, seen_cb, &s, &st), -1);
	assert_int_equal(errno, ECANCELED);
	assert_int_equal(s.rows, 1);
	/* ... and the half-read dump does not spoil the next one. */
	memset(&s, 0, sizeof(s));
	wa = want_add(&s, afd);
	assert_int_equal(diag_collect(d, &req, seen_cb, &s, &st), 0);
	assert_int_equal(wa->found, 1);
	assert_int_equal(st.malformed, 0);
}

static void
test_diag_collect_udp6(void **state)
{
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct sockaddr_in6 sin6;
	socklen_t slen = sizeof(sin6);
	struct seen s;
	struct want *w, *w0;
	int fd, fd0, on = 1;

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd == -1 && errno == EAFNOSUPPORT)
		skip();
	kfix_fd(k, fd);
	assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
	    sizeof(on)), 0);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	assert_int_equal(bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin6, &slen), 0);
	/* Another without IPV6_V6ONLY, to see the flag is read, not assumed. */
	fd0 = kfix_fd(k, socket(AF_INET6, SOCK_DGRAM, 0));
	on = 0;
	assert_int_equal(setsockopt(fd0, IPPROTO_IPV6, IPV6_V6ONLY, &on,
	    sizeof(on)), 0);

	memset(&s, 0, sizeof(s));
	w = want_add(&s, fd);
	w0 = want_add(&s, fd0);
	assert_int_equal(diag_collect(d, &req_udp6, seen_cb, &s, NULL), 0);
	assert_int_equal(w->found, 1);
	assert_int_equal(w->row.family, AF_INET6);
	assert_int_equal(w->row.proto, PROTO_UDP);
	assert_int_equal(w->row.type, SOCK_DGRAM);
	assert_int_equal(w->row.state, ST_CLOSE);
	assert_int_equal(w->row.lport, ntohs(sin6.sin6_port));
	assert_memory_equal(&w->row.laddr.v6, &in6addr_loopback, 16);
	assert_true(w->row.has & ROW_HAS_V6ONLY);
	assert_int_equal(w->row.v6only, 1);
	/* An unbound socket is not hashed, so the kernel may omit it. */
	if (w0->found) {
		assert_true(w0->row.has & ROW_HAS_V6ONLY);
		assert_int_equal(w0->row.v6only, 0);
	}
}

/* UDP-Lite through udp_diag: a bound and a connected socket. */
static void
test_diag_collect_udplite(void **state)
{
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct seen s;
	struct want *w, *wc;
	int fd, fc, rc;

	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	if (fd == -1)
		skip();		/* a kernel without UDP-Lite */
	kfix_fd(k, fd);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	fc = kfix_fd(k, socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE));
	assert_int_equal(connect(fc, (struct sockaddr *)&sin, sizeof(sin)), 0);

	memset(&s, 0, sizeof(s));
	w = want_add(&s, fd);
	wc = want_add(&s, fc);
	rc = diag_collect(d, &(struct dump_req){ AF_INET, PROTO_UDPLITE,
	    ST_ALL }, seen_cb, &s, NULL);
	if (rc == -1 && DIAG_UNAVAILABLE(errno))
		skip();		/* no udp_diag module */
	assert_int_equal(rc, 0);
	assert_int_equal(w->found, 1);
	assert_int_equal(w->row.proto, PROTO_UDPLITE);
	assert_int_equal(w->row.type, SOCK_DGRAM);
	assert_int_equal(w->row.state, ST_CLOSE);
	assert_int_equal(w->row.lport, ntohs(sin.sin_port));
	assert_int_equal(wc->found, 1);
	assert_int_equal(wc->row.state, ST_ESTABLISHED);
	assert_int_equal(wc->row.rport, ntohs(sin.sin_port));

	/* Not in a UDP dump: the kernel keeps them apart. */
	memset(&s, 0, sizeof(s));
	w = want_add(&s, fd);
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_INET,
	    PROTO_UDP, ST_ALL }, seen_cb, &s, NULL), 0);
	assert_int_equal(w->found, 0);
}

static void
test_diag_collect_unix(void **state)
{
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct sockaddr_un sun;
	struct seen s;
	struct want *wp, *wa, *w0, *w1;
	struct source_stats st;
	char abs[64];
	size_t alen;
	socklen_t slen;
	int pfd, afd, pair[2];

	/* A listener at a path. */
	snprintf(k->dir, sizeof(k->dir), "/tmp/test_diag.XXXXXX");
	assert_non_null(mkdtemp(k->dir));
	snprintf(k->path, sizeof(k->path), "%s/listen.sock", k->dir);
	pfd = kfix_fd(k, socket(AF_UNIX, SOCK_STREAM, 0));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, k->path, strlen(k->path) + 1);
	assert_int_equal(bind(pfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(pfd, 5), 0);

	/* An abstract datagram socket whose name holds a NUL inside. */
	alen = (size_t)snprintf(abs, sizeof(abs), "_sockstat_%ld_x",
	    (long)getpid());
	abs[0] = '\0';
	abs[alen - 2] = '\0';
	afd = kfix_fd(k, socket(AF_UNIX, SOCK_DGRAM, 0));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, abs, alen);
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + alen);
	assert_int_equal(bind(afd, (struct sockaddr *)&sun, slen), 0);

	/* A connected, unnamed pair. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	kfix_fd(k, pair[0]);
	kfix_fd(k, pair[1]);

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	wp = want_add(&s, pfd);
	wa = want_add(&s, afd);
	w0 = want_add(&s, pair[0]);
	w1 = want_add(&s, pair[1]);
	assert_int_equal(diag_collect(d, &req_unix, seen_cb, &s, &st), 0);
	assert_int_equal(st.malformed, 0);

	assert_int_equal(wp->found, 1);
	assert_int_equal(wp->row.family, AF_UNIX);
	assert_int_equal(wp->row.type, SOCK_STREAM);
	assert_int_equal(wp->row.state, ST_LISTEN);
	assert_int_equal(wp->row.path_len, strlen(k->path));
	assert_memory_equal(wp->row.path, k->path, strlen(k->path));
	assert_int_equal(wp->row.backlog, 5);
	assert_int_equal(wp->row.wqueue, 0);
	assert_true(wp->row.has & ROW_HAS_UID);
	assert_int_equal(wp->row.uid, getuid());

	assert_int_equal(wa->found, 1);
	assert_int_equal(wa->row.type, SOCK_DGRAM);
	assert_int_equal(wa->row.path_len, alen);
	assert_memory_equal(wa->row.path, abs, alen);

	assert_int_equal(w0->found, 1);
	assert_int_equal(w1->found, 1);
	assert_null(w0->row.path);
	assert_int_equal(w0->row.path_len, 0);
	assert_int_equal(w0->row.state, ST_ESTABLISHED);
	assert_true(w0->row.has & ROW_HAS_PEER);
	assert_int_equal(w0->row.peer_inode, w1->inode);
	assert_int_equal(w1->row.peer_inode, w0->inode);

	/* UNIX states are applied in the kernel too. */
	memset(&s, 0, sizeof(s));
	wp = want_add(&s, pfd);
	w0 = want_add(&s, pair[0]);
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_UNIX,
	    PROTO_UNIX, ST_BIT(ST_LISTEN) }, seen_cb, &s, &st), 0);
	assert_int_equal(wp->found, 1);
	assert_int_equal(w0->found, 0);
}

/* The waiting connections a dump gave: inode 0, at the fixture's path. */
struct embryos {
	const char	*path;
	size_t		 n, listeners;
	uint64_t	 peers[4];
	unsigned	 states, types;
};

static int
embryo_cb(const struct sock_row *r, void *arg)
{
	struct embryos *e = arg;

	if (r->path == NULL || r->path_len != strlen(e->path) ||
	    memcmp(r->path, e->path, r->path_len) != 0)
		return 0;
	if (r->state == ST_LISTEN) {
		e->listeners++;
		return 0;
	}
	assert_int_equal(r->inode, 0);
	assert_true(e->n < 4);
	e->peers[e->n++] = r->peer_inode;
	e->states |= 1U << r->state;
	e->types |= 1U << r->type;
	return 0;
}

/* Connections in a listener's accept queue, as /proc/net/unix has them. */
static void
test_diag_collect_unix_queue(void **state)
{
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct sockaddr_un sun;
	struct embryos e;
	struct source_stats st;
	int pfd, c[2], i;

	snprintf(k->dir, sizeof(k->dir), "/tmp/test_diag.XXXXXX");
	assert_non_null(mkdtemp(k->dir));
	snprintf(k->path, sizeof(k->path), "%s/queue.sock", k->dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, k->path, strlen(k->path) + 1);
	pfd = kfix_fd(k, socket(AF_UNIX, SOCK_SEQPACKET, 0));
	assert_int_equal(bind(pfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(pfd, 5), 0);
	for (i = 0; i < 2; i++) {
		c[i] = kfix_fd(k, socket(AF_UNIX, SOCK_SEQPACKET, 0));
		assert_int_equal(connect(c[i], (struct sockaddr *)&sun,
		    sizeof(sun)), 0);
	}

	/* The default view: no listener, both waiting connections. */
	memset(&e, 0, sizeof(e));
	memset(&st, 0, sizeof(st));
	e.path = k->path;
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_UNIX,
	    PROTO_UNIX, ST_ALL & ~ST_BIT(ST_LISTEN) }, embryo_cb, &e, &st), 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(e.listeners, 0);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.states, 1U << ST_SYN_SENT);
	assert_int_equal(e.types, 1U << SOCK_SEQPACKET);
	assert_true((e.peers[0] == fd_inode(c[0]) &&
	    e.peers[1] == fd_inode(c[1])) || (e.peers[0] == fd_inode(c[1]) &&
	    e.peers[1] == fd_inode(c[0])));

	/* -l: the listener alone. */
	memset(&e, 0, sizeof(e));
	e.path = k->path;
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_UNIX,
	    PROTO_UNIX, ST_BIT(ST_LISTEN) }, embryo_cb, &e, &st), 0);
	assert_int_equal(e.listeners, 1);
	assert_int_equal(e.n, 0);
}

/*
 * A dump stopped by its callback leaves the rest of a reply larger than
 * one datagram behind; the next dump must not trip over it.
 */
#define STOP_PAIRS	400

/* STOP_PAIRS socket pairs: more than one datagram of a UNIX dump. */
static void
pairs_open(int pairs[][2])
{
	size_t i;

	for (i = 0; i < STOP_PAIRS; i++)
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pairs[i]),
		    0);
}

static void
pairs_close(int pairs[][2])
{
	size_t i;

	for (i = 0; i < STOP_PAIRS; i++) {
		close(pairs[i][0]);
		close(pairs[i][1]);
	}
}

/* A whole UNIX dump on d: every pair in it, the last one seen. */
static void
collect_all(struct diag *d, int pairs[][2])
{
	struct seen s;
	struct want *w;

	memset(&s, 0, sizeof(s));
	w = want_add(&s, pairs[STOP_PAIRS - 1][1]);
	assert_int_equal(diag_collect(d, &req_unix, seen_cb, &s, NULL), 0);
	assert_true(s.rows >= 2 * STOP_PAIRS);
	assert_int_equal(w->found, 1);
}

static void
test_diag_collect_stop(void **state)
{
	static const unsigned long stops[] = { 1, 2, 300, 500, 700, 799 };
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct seen s;
	int pairs[STOP_PAIRS][2];
	size_t i, round;

	pairs_open(pairs);
	/*
	 * 800 sockets take more than one datagram: stops in the later ones
	 * leave the reader thread a receive ahead, which must end, and the
	 * next dump start clean.  Rounds shake out races.
	 */
	for (round = 0; round < 10; round++) {
		for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
			memset(&s, 0, sizeof(s));
			s.stop_after = stops[i];
			errno = 0;
			assert_int_equal(diag_collect(d, &req_unix, seen_cb, &s,
			    NULL), -1);
			assert_int_equal(errno, ECANCELED);
			assert_int_equal(s.rows, stops[i]);
		}
		collect_all(d, pairs);
	}
	pairs_close(pairs);
}

/*
 * A dump started ahead (diag_prefetch) is the one the next collect of
 * the same request reads, whole; one of another request drops it and
 * runs its own; a second start while one is pending is refused; a stop
 * part way leaves the next dump clean; a handle closed with one pending
 * ends its reader (ASan and valgrind see the rest).
 */
static void
test_diag_prefetch(void **state)
{
	static const struct dump_req req_listen = { AF_UNIX, PROTO_UNIX,
	    1U << ST_LISTEN, 0 };
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k), *d2;
	struct diag_counts c;
	struct seen s;
	struct want *w;
	int pairs[STOP_PAIRS][2];
	size_t round;

	pairs_open(pairs);
	for (round = 0; round < 10; round++) {
		diag_take_counts(d, &c);
		assert_int_equal(diag_prefetch(d, &req_unix), 0);
		assert_int_equal(diag_prefetch(d, &req_unix), -1);
		assert_int_equal(errno, EBUSY);
		/* Let the reader run ahead of the parse, as it would. */
		usleep(round * 1000);
		collect_all(d, pairs);
		diag_take_counts(d, &c);
		assert_int_equal(c.requests, 1);	/* the one sent ahead */
		/* Another request: the one ahead is dropped, not read. */
		assert_int_equal(diag_prefetch(d, &req_unix), 0);
		memset(&s, 0, sizeof(s));
		w = want_add(&s, pairs[0][0]);
		assert_int_equal(diag_collect(d, &req_listen, seen_cb, &s,
		    NULL), 0);
		assert_int_equal(w->found, 0);		/* no listener */
		/* Stopped part way, then a clean one. */
		assert_int_equal(diag_prefetch(d, &req_unix), 0);
		memset(&s, 0, sizeof(s));
		s.stop_after = 300;
		assert_int_equal(diag_collect(d, &req_unix, seen_cb, &s, NULL),
		    -1);
		assert_int_equal(errno, ECANCELED);
		memset(&s, 0, sizeof(s));
		w = want_add(&s, pairs[1][1]);
		assert_int_equal(diag_collect(d, &req_unix, seen_cb, &s, NULL),
		    0);
		assert_int_equal(w->found, 1);
	}
	/* Closed with a dump pending. */
	assert_non_null(d2 = diag_open());
	assert_int_equal(diag_prefetch(d2, &req_unix), 0);
	diag_close(d2);
	pairs_close(pairs);
}

static void
test_diag_collect_raw(void **state)
{
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct seen s;
	struct want *w1, *w17;
	int fd1, fd17;

	/* Two protocols, to see that one dump brings every raw socket. */
	fd1 = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd1 == -1 && (errno == EPERM || errno == EACCES))
		skip();
	kfix_fd(k, fd1);
	fd17 = kfix_fd(k, socket(AF_INET, SOCK_RAW, IPPROTO_UDP));

	memset(&s, 0, sizeof(s));
	w1 = want_add(&s, fd1);
	w17 = want_add(&s, fd17);
	if (diag_collect(d, &req_raw4, seen_cb, &s, NULL) == -1) {
		/* No raw_diag module here: main falls back, and so do we. */
		if (DIAG_UNAVAILABLE(errno))
			skip();
		fail_msg("diag_collect raw: %s", strerror(errno));
	}
	assert_int_equal(w1->found, 1);
	assert_int_equal(w1->row.proto, PROTO_RAW);
	assert_int_equal(w1->row.type, SOCK_RAW);
	assert_int_equal(w1->row.lport, IPPROTO_ICMP);
	assert_int_equal(w17->found, 1);
	assert_int_equal(w17->row.lport, IPPROTO_UDP);
}

static void
test_diag_collect_bad_req(void **state)
{
	struct kfix *k = *state;
	struct diag *d = kfix_diag(k);
	struct seen s;

	memset(&s, 0, sizeof(s));
	errno = 0;
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_INET,
	    PROTO_UNIX, ST_ALL }, seen_cb, &s, NULL), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(diag_collect(d, &(struct dump_req){ AF_UNIX,
	    PROTO_TCP, ST_ALL }, seen_cb, &s, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(s.rows, 0);
	/* The handle still works afterwards. */
	assert_int_equal(diag_collect(d, &req_unix, seen_cb, &s, NULL), 0);
}

static void
test_diag_source_table(void **state)
{
	void *h;

	(void)state;
	assert_string_equal(diag_source.name, "netlink");
	diag_source.close(NULL);
	if ((h = diag_source.open("/nonexistent")) == NULL) {
		if (DIAG_UNAVAILABLE(errno))
			skip();
		fail_msg("open: %s", strerror(errno));
	}
	diag_source.close(h);
	diag_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_parse_msg_ipv4),
		cmocka_unit_test(test_diag_parse_msg_probes),
		cmocka_unit_test(test_diag_parse_msg_ipv6),
		cmocka_unit_test(test_diag_parse_msg_listen_backlog),
		cmocka_unit_test(test_diag_parse_msg_timewait),
		cmocka_unit_test(test_diag_parse_msg_syn_recv),
		cmocka_unit_test(test_diag_parse_msg_raw),
		cmocka_unit_test(test_diag_parse_msg_unix_path),
		cmocka_unit_test(test_diag_parse_embryo),
		cmocka_unit_test(test_diag_parse_msg_unix_abstract),
		cmocka_unit_test(test_diag_parse_msg_unix_unnamed_peer),
		cmocka_unit_test(test_diag_parse_msg_malformed),
		cmocka_unit_test(test_diag_parse_msg_trailing_pad),
		cmocka_unit_test_setup_teardown(test_diag_collect_multipart,
		    fake_diag_setup, fake_diag_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_long,
		    fake_diag_setup, fake_diag_teardown),
		cmocka_unit_test(test_diag_rx_is_last),
		cmocka_unit_test_setup_teardown(test_diag_collect_dump_intr,
		    fake_diag_setup, fake_diag_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_errors,
		    fake_diag_setup, fake_diag_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_ext,
		    fake_diag_setup, fake_diag_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_request,
		    fake_diag_setup, fake_diag_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_tcp,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_udp6,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_udplite,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_unix_queue,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_unix,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_prefetch,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_stop,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_raw,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test_setup_teardown(test_diag_collect_bad_req,
		    kfix_setup, kfix_teardown),
		cmocka_unit_test(test_diag_source_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
