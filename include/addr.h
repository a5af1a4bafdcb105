/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.h - address and port text shared by the netstat face, the lsof
 * face and JSON.  Hosts are numeric unless the caller asks for names;
 * only then may a lookup reach DNS.  Service and protocol names are read
 * once per run into tables, so a dump of 220k rows costs one pass over
 * the services database, not one lookup per row.
 */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

/*
 * Flags for addr_host(): ADDR_RESOLVE asks getnameinfo for a name (this
 * may reach DNS); ADDR_UNMAP writes ::ffff:a.b.c.d as a.b.c.d, as netstat
 * does; ADDR_BRACKET puts numeric IPv6 in brackets, "[::1]", as lsof.
 */
#define ADDR_RESOLVE	0x1
#define ADDR_UNMAP	0x2
#define ADDR_BRACKET	0x4

/*
 * Room for any result of addr_host (an escaped NI_MAXHOST name, or
 * brackets), addr_port and addr_netstat.
 */
#define ADDR_HOST_MAX	(4 * 1025 + 3)
#define ADDR_PORT_MAX	128
#define ADDR_HOSTPORT_MAX (ADDR_HOST_MAX + 1 + ADDR_PORT_MAX)

/*
 * Writes the text of a (family AF_INET or AF_INET6) into buf, NUL-ended:
 * inet_ntop(3) form, or with ADDR_RESOLVE a name (escaped; numeric if
 * there is none).
 * Returns its length, or -1 with errno EAFNOSUPPORT or ENOSPC.
 */
int	addr_host(char *buf, size_t len, int family,
	    const union sock_addr *a, unsigned flags);

/*
 * Writes the text of port (proto PROTO_TCP, _UDP or _RAW, where the port
 * is the IP protocol) into buf: "*" for 0, else the service or protocol
 * name unless numeric, else the number.  Returns its length, or -1 with
 * errno ENOSPC (buf too small) or ENOMEM (name tables).
 */
int	addr_port(char *buf, size_t len, unsigned proto, unsigned port,
	    int numeric);

/*
 * Writes netstat's "host:port" for the local (remote 0) or foreign end
 * of r into buf, never cut: "0.0.0.0:*", ":::22", "127.0.0.1:ssh".
 * Hosts follow o->resolve and o->numeric_hosts, ports o->numeric_ports.
 * Returns its length, or -1 with errno set as addr_host and addr_port.
 */
int	addr_netstat(char *buf, size_t len, const struct sock_row *r,
	    int remote, const struct options *o);

/* Frees the name tables; the next addr_port call reads them again. */
void	addr_cache_free(void);

#endif /* ADDR_H */
