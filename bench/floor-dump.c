/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * floor-dump - the least a sock_diag socket lister can do: one
 * NETLINK_SOCK_DIAG dump of the TCP sockets a listing shows, IPv4 then
 * IPv6, counting the replies and nothing else (no attributes, no names,
 * no output per socket).  sockstat -tan is measured against it in
 * bench/run, so it asks the kernel for what sockstat -tan asks for: every
 * state a listing shows, and not TCP_BOUND_INACTIVE (bound, unconnected,
 * unlistened sockets), whose bit makes the kernel walk the bind hash
 * besides the established and listening ones.
 *
 *	floor-dump [-q] [-i]	prints "tcp4 N tcp6 M total N+M" unless -q
 *	floor-dump [-q] -s PORT	prints "sport PORT N" unless -q
 *
 * -i asks for each socket's tcp_info too (INET_DIAG_INFO), as a refresh
 * of sockstat top does: the floor of its kernel time.
 *
 * -s PORT is the floor of a filter on the local port (sockstat -tn sport
 * = :PORT): one dump of both families (the old TCPDIAG_GETSOCK request,
 * which takes AF_UNSPEC) of the non-listening states, the port in the
 * request's socket id, which the kernel tests for each socket it walks
 * before it runs a program.  No tool can ask for these sockets with less
 * than this one walk of the kernel's TCP hash.
 *
 * libc and the kernel UAPI headers only, so that a slow library cannot
 * hide in the floor.
 */
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The kernel fills one dump skb of at most 32 KiB per recv; twice that
 * leaves room, and a static buffer keeps the heap out of the RSS figure.
 */
static unsigned char rxbuf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));

/*
 * TCP_ESTABLISHED (1) to TCP_NEW_SYN_RECV (12): the states of /proc/net/tcp,
 * netstat -tan and sockstat -tan; TCP_BOUND_INACTIVE is 13.
 */
#define LISTING_STATES	((1U << 13) - 2)

struct dump_req {
	struct nlmsghdr		nlh;
	struct inet_diag_req_v2	req;
};

/* The old request: the only one that takes both families at once. */
struct port_req {
	struct nlmsghdr		nlh;
	struct inet_diag_req	req;
};

/*
 * Reads the replies to request seq until NLMSG_DONE.  Returns their
 * number, or -1 with errno set (a netlink error reply sets errno to its
 * code).
 */
static long
count_replies(int fd, unsigned int seq)
{
	struct nlmsghdr *h;
	ssize_t len;
	long n = 0;

	for (;;) {
		len = recv(fd, rxbuf, sizeof(rxbuf), 0);
		if (len == -1 && errno == EINTR)
			continue;
		if (len == -1)
			return -1;
		if (len == 0)
			return n;	/* socket closed: take what came */
		for (h = (struct nlmsghdr *)rxbuf; NLMSG_OK(h, len);
		    h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;	/* stale reply of nothing we sent */
			switch (h->nlmsg_type) {
			case NLMSG_DONE:
				return n;
			case NLMSG_ERROR:
				errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
				return -1;
			case SOCK_DIAG_BY_FAMILY:
			case TCPDIAG_GETSOCK:
				n++;
				break;
			}
		}
	}
}

/*
 * Dumps every TCP socket of family af on fd with sequence number seq.
 * Returns the number of sock_diag replies, or -1 with errno set (a
 * netlink error reply sets errno to its code).
 */
static long
dump_count(int fd, int af, unsigned int seq, int info)
{
	struct dump_req dr;
	struct sockaddr_nl sa;

	memset(&dr, 0, sizeof(dr));
	dr.nlh.nlmsg_len = sizeof(dr);
	dr.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	dr.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	dr.nlh.nlmsg_seq = seq;
	dr.req.sdiag_family = af;
	dr.req.sdiag_protocol = IPPROTO_TCP;
	dr.req.idiag_states = LISTING_STATES;
	if (info)
		dr.req.idiag_ext = 1U << (INET_DIAG_INFO - 1);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, &dr, sizeof(dr), 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		return -1;
	return count_replies(fd, seq);
}

/*
 * Dumps the non-listening TCP sockets of both families whose local port
 * is port.  Returns the number of replies, or -1 with errno set.
 */
static long
port_count(int fd, unsigned short port, unsigned int seq)
{
	struct port_req pr;
	struct sockaddr_nl sa;

	memset(&pr, 0, sizeof(pr));
	pr.nlh.nlmsg_len = sizeof(pr);
	pr.nlh.nlmsg_type = TCPDIAG_GETSOCK;
	pr.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	pr.nlh.nlmsg_seq = seq;
	pr.req.idiag_family = AF_UNSPEC;
	pr.req.idiag_states = LISTING_STATES & ~(1U << 10);	/* LISTEN */
	pr.req.id.idiag_sport = htons(port);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, &pr, sizeof(pr), 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		return -1;
	return count_replies(fd, seq);
}

int
main(int argc, char *argv[])
{
	long n4, n6, port = -1;
	int fd, i, quiet = 0, info = 0;
	char *end;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0)
			quiet = 1;
		else if (strcmp(argv[i], "-i") == 0)
			info = 1;
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
			port = strtol(argv[++i], &end, 10);
			if (*end != '\0' || port < 0 || port > 65535)
				port = -2;
		} else
			port = -2;
		if (port == -2 || (port >= 0 && info)) {
			fprintf(stderr, "usage: floor-dump [-q] [-i]\n"
			    "       floor-dump [-q] -s port\n");
			return 2;
		}
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd == -1)
		err(1, "socket NETLINK_SOCK_DIAG");
	if (port >= 0) {
		if ((n4 = port_count(fd, (unsigned short)port, 1)) == -1)
			err(1, "dump tcp, sport %ld", port);
		close(fd);
		if (!quiet)
			printf("sport %ld %ld\n", port, n4);
		return 0;
	}
	if ((n4 = dump_count(fd, AF_INET, 1, info)) == -1)
		err(1, "dump tcp4");
	if ((n6 = dump_count(fd, AF_INET6, 2, info)) == -1)
		err(1, "dump tcp6");
	close(fd);
	if (!quiet)
		printf("tcp4 %ld tcp6 %ld total %ld\n", n4, n6, n4 + n6);
	return 0;
}
