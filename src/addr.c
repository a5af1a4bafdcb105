/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.c - host, port and "host:port" text for every face.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"

#define PORT_COUNT	65536
#define IPPROTO_COUNT	256

/*
 * Name tables, indexed by port (TCP, UDP) or IP protocol (RAW).  NULL
 * means the database has no name, so the number is printed.  One pass of
 * getservent(3) fills both port tables the first time a name is wanted:
 * per-port getservbyport(3) calls would each rescan /etc/services, and a
 * busy host has tens of thousands of distinct ephemeral ports.
 */
static char	**svc_tab[2];		/* [0] tcp, [1] udp */
static char	**ipproto_tab;

/* Copies name as escaped text; the databases may come from NSS. */
static char *
name_dup(const char *name)
{
	char tmp[ADDR_PORT_MAX];

	util_escape(tmp, sizeof(tmp), name, strlen(name));
	return strdup(tmp);
}

static void
tab_free(char ***tabp, size_t n)
{
	size_t i;

	if (*tabp == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*tabp)[i]);
	free(*tabp);
	*tabp = NULL;
}

static int
svc_load(void)
{
	struct servent *se;
	unsigned port;
	int i;

	if ((svc_tab[0] = calloc(PORT_COUNT, sizeof(char *))) == NULL ||
	    (svc_tab[1] = calloc(PORT_COUNT, sizeof(char *))) == NULL)
		goto fail;
	setservent(1);
	while ((se = getservent()) != NULL) {
		if (se->s_proto == NULL || se->s_name == NULL)
			continue;
		if (strcmp(se->s_proto, "tcp") == 0)
			i = 0;
		else if (strcmp(se->s_proto, "udp") == 0)
			i = 1;
		else
			continue;
		port = ntohs((uint16_t)se->s_port);
		/* The first entry wins, as with getservbyport(3). */
		if (port == 0 || svc_tab[i][port] != NULL)
			continue;
		if ((svc_tab[i][port] = name_dup(se->s_name)) == NULL) {
			endservent();
			goto fail;
		}
	}
	endservent();
	return 0;
fail:
	tab_free(&svc_tab[0], PORT_COUNT);
	tab_free(&svc_tab[1], PORT_COUNT);
	errno = ENOMEM;
	return -1;
}

static int
ipproto_load(void)
{
	struct protoent *pe;

	if ((ipproto_tab = calloc(IPPROTO_COUNT, sizeof(char *))) == NULL)
		return -1;
	setprotoent(1);
	while ((pe = getprotoent()) != NULL) {
		if (pe->p_name == NULL || pe->p_proto < 0 ||
		    pe->p_proto >= IPPROTO_COUNT ||
		    ipproto_tab[pe->p_proto] != NULL)
			continue;
		if ((ipproto_tab[pe->p_proto] = name_dup(pe->p_name)) == NULL) {
			endprotoent();
			tab_free(&ipproto_tab, IPPROTO_COUNT);
			errno = ENOMEM;
			return -1;
		}
	}
	endprotoent();
	return 0;
}

void
addr_cache_free(void)
{
	tab_free(&svc_tab[0], PORT_COUNT);
	tab_free(&svc_tab[1], PORT_COUNT);
	tab_free(&ipproto_tab, IPPROTO_COUNT);
}

/*
 * Copies n bytes of s and a NUL into buf, or fails with ENOSPC leaving
 * buf empty, so a caller never prints half an address.
 */
static int
put(char *buf, size_t len, const char *s, size_t n)
{
	if (n >= len) {
		if (len > 0)
			buf[0] = '\0';
		errno = ENOSPC;
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (int)n;
}

/*
 * RAW sockets have no port: their "port" is the IP protocol, so netstat
 * names it from /etc/protocols ("0.0.0.0:icmp") and so does sockstat.
 */
int
addr_port(char *buf, size_t len, unsigned proto, unsigned port, int numeric)
{
	const char *name = NULL;
	char num[16];
	int n;

	/* netstat's wildcard: "0.0.0.0:*", also for the numeric form. */
	if (port == 0)
		return put(buf, len, "*", 1);
	if (!numeric && port < PORT_COUNT) {
		switch (proto) {
		case PROTO_TCP:
		case PROTO_UDP:
		case PROTO_UDPLITE:	/* netstat names it as UDP */
			if (svc_tab[0] == NULL && svc_load() == -1)
				return -1;
			name = svc_tab[proto != PROTO_TCP][port];
			break;
		case PROTO_RAW:
			if (ipproto_tab == NULL && ipproto_load() == -1)
				return -1;
			if (port < IPPROTO_COUNT)
				name = ipproto_tab[port];
			break;
		}
	}
	if (name != NULL)
		return put(buf, len, name, strlen(name));
	n = 0;
	do
		num[sizeof(num) - 1 - n++] = '0' + port % 10;
	while ((port /= 10) != 0);
	return put(buf, len, num + sizeof(num) - n, (size_t)n);
}

/* Writes a.b.c.d of the network-order address at src; returns the length. */
static size_t
ntop4(char *dst, const unsigned char *src)
{
	size_t n = 0;
	unsigned v;
	int i;

	for (i = 0; i < 4; i++) {
		v = src[i];
		if (v >= 100)
			dst[n++] = '0' + v / 100;
		if (v >= 10)
			dst[n++] = '0' + v / 10 % 10;
		dst[n++] = '0' + v % 10;
		dst[n++] = i < 3 ? '.' : '\0';
	}
	return n - 1;
}

/*
 * inet_ntop(AF_INET6) without its sprintf per group, which dominated the
 * cost of a 220k-row table.  Same text as glibc: lowercase hex, the
 * first longest run of two or more zero groups as "::", and an embedded
 * IPv4 tail for ::a.b.c.d and ::ffff:a.b.c.d.
 */
static size_t
ntop6(char *dst, const unsigned char *src)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int i, base = -1, len = 0, cur = -1, curlen = 0, shift;
	size_t n = 0;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)src[2 * i] << 8 | src[2 * i + 1];
	for (i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur == -1)
				cur = i, curlen = 0;
			if (++curlen > len)
				base = cur, len = curlen;
		} else
			cur = -1;
	}
	if (len < 2)
		base = -1;
	for (i = 0; i < 8; i++) {
		if (i == base) {
			dst[n++] = ':';
			i += len - 1;
			if (i == 7)
				dst[n++] = ':';
			continue;
		}
		if (i > 0)
			dst[n++] = ':';
		if (i == 6 && base == 0 &&
		    (len == 6 || (len == 5 && w[5] == 0xffff)))
			return n + ntop4(dst + n, src + 12);
		for (shift = 12; shift > 0 && (w[i] >> shift) == 0; shift -= 4)
			;
		for (; shift >= 0; shift -= 4)
			dst[n++] = hex[(w[i] >> shift) & 0xf];
	}
	dst[n] = '\0';
	return n;
}

/* Looks up a name for sa; fills buf (escaped) and returns 0, or -1. */
static int
host_lookup(char *buf, size_t len, int af, const void *src)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char name[NI_MAXHOST];
	socklen_t sl;
	size_t n;

	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, src, sizeof(sin->sin_addr));
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, src, sizeof(sin6->sin6_addr));
		sl = sizeof(*sin6);
	}
	if (getnameinfo((struct sockaddr *)&ss, sl, name, sizeof(name),
	    NULL, 0, NI_NAMEREQD) != 0)
		return -1;
	/* A PTR record is remote data: never hand it raw to a terminal. */
	n = util_escape(buf, len, name, strlen(name));
	if (n >= len) {
		errno = ENOSPC;
		return -2;
	}
	return (int)n;
}

int
addr_host(char *buf, size_t len, int family, const union sock_addr *a,
    unsigned flags)
{
	char tmp[INET6_ADDRSTRLEN + 2];
	struct in_addr v4;
	const void *src = a;
	int af = family, n;

	if (family != AF_INET && family != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (af == AF_INET6 && (flags & ADDR_UNMAP) &&
	    IN6_IS_ADDR_V4MAPPED(&a->v6)) {
		memcpy(&v4, &a->v6.s6_addr[12], sizeof(v4));
		src = &v4;
		af = AF_INET;
	}
	if (flags & ADDR_RESOLVE) {
		/* netstat names the wildcards "0.0.0.0" and "[::]". */
		if (af == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(
		    (const struct in6_addr *)src))
			return put(buf, len, "[::]", 4);
		if (!(af == AF_INET &&
		    ((const struct in_addr *)src)->s_addr == INADDR_ANY) &&
		    (n = host_lookup(buf, len, af, src)) != -1)
			return n < 0 ? -1 : n;
	}
	if (af == AF_INET)
		n = (int)ntop4(tmp, src);
	else if (flags & ADDR_BRACKET) {
		tmp[0] = '[';
		n = (int)ntop6(tmp + 1, src) + 1;
		tmp[n++] = ']';
	} else
		n = (int)ntop6(tmp, src);
	return put(buf, len, tmp, (size_t)n);
}

/*
 * netstat cuts "host:port" to 23 columns; this never cuts, and the table
 * face widens its column instead.  DNS only when asked for with -r: a
 * dump of thousands of peers must not wait on a resolver by default.
 */
int
addr_netstat(char *buf, size_t len, const struct sock_row *r, int remote,
    const struct options *o)
{
	unsigned flags = ADDR_UNMAP;
	int h, p;

	if (o->resolve && !o->numeric_hosts)
		flags |= ADDR_RESOLVE;
	h = addr_host(buf, len, r->family, remote ? &r->raddr : &r->laddr,
	    flags);
	if (h == -1)
		return -1;
	if ((size_t)h + 1 >= len) {
		errno = ENOSPC;
		return -1;
	}
	buf[h] = ':';
	p = addr_port(buf + h + 1, len - h - 1, r->proto,
	    remote ? r->rport : r->lport, o->numeric_ports);
	if (p == -1)
		return -1;
	return h + 1 + p;
}
