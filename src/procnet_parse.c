/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procnet_parse.c - one line of a /proc/net table into struct sock_row:
 * the inet tables (tcp, udp, udplite, raw, each also for IPv6) and unix.
 * Hex is parsed by hand, with no stdio and no allocation: a host with
 * hundreds of thousands of sockets has as many lines.  Reading the files
 * is procnet.c's.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "procnet.h"

/* /proc/net/unix "Flags": __SO_ACCEPTCON, set on listening sockets. */
#define UNIX_ACCEPTCON		0x10000

/* /proc/net/unix "St": the socket_state of the owning struct socket. */
#define UNIX_SS_UNCONNECTED	1
#define UNIX_SS_CONNECTING	2
#define UNIX_SS_CONNECTED	3
#define UNIX_SS_DISCONNECTING	4

/* Value of a hex digit plus one; 0 marks a byte that is not one. */
static const uint8_t hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
	['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16,
};

/*
 * The scanners below take a cursor and return it past what they read, or
 * NULL when the text does not fit; NULL propagates, so a parser checks
 * once per field.  The line ends at NUL or '\n'.
 */
#define AT_END(c)	((c) == '\0' || (c) == '\n')

/* Reads 1 to maxdig hex digits. */
static const char *
scan_hex(const char *p, int maxdig, uint64_t *v)
{
	uint64_t x = 0;
	int n;

	if (p == NULL)
		return NULL;
	for (n = 0; n < maxdig && hexval[(unsigned char)*p] != 0; n++, p++)
		x = x << 4 | (uint64_t)(hexval[(unsigned char)*p] - 1);
	if (n == 0 || hexval[(unsigned char)*p] != 0)
		return NULL;
	*v = x;
	return p;
}

/* Reads exactly 8 hex digits: one 32-bit word of an address. */
static const char *
scan_word(const char *p, uint32_t *v)
{
	uint32_t x = 0;
	int n;

	if (p == NULL)
		return NULL;
	for (n = 0; n < 8; n++, p++) {
		if (hexval[(unsigned char)*p] == 0)
			return NULL;
		x = x << 4 | (uint32_t)(hexval[(unsigned char)*p] - 1);
	}
	*v = x;
	return p;
}

/* Reads an unsigned decimal no larger than max. */
static const char *
scan_dec(const char *p, uint64_t max, uint64_t *v)
{
	uint64_t x = 0, d;
	const char *start = p;

	if (p == NULL)
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		d = (uint64_t)(*p - '0');
		if (x > (max - d) / 10)
			return NULL;
		x = x * 10 + d;
	}
	if (p == start)
		return NULL;
	*v = x;
	return p;
}

/* Expects the byte c. */
static const char *
scan_char(const char *p, char c)
{
	if (p == NULL || *p != c)
		return NULL;
	return p + 1;
}

/* Expects one or more spaces: the kernel pads some columns. */
static const char *
scan_sep(const char *p)
{
	if (p == NULL || *p != ' ')
		return NULL;
	while (*p == ' ')
		p++;
	return p;
}

/* Expects the end of a field: a separator or the end of the line. */
static const char *
scan_end(const char *p)
{
	if (p == NULL || !(*p == ' ' || AT_END(*p)))
		return NULL;
	return p;
}

/*
 * An address as the kernel prints it: each 32-bit word of the address as
 * it lies in memory (network order), printed with %08X as a host-order
 * integer.  Storing the parsed integer back in host order therefore
 * restores the original bytes, on either endianness.  IPv4 is one word,
 * IPv6 four words with no separator.
 */
static const char *
scan_addr(const char *p, int family, union sock_addr *a)
{
	uint32_t w = 0;
	int i;

	if (family == AF_INET) {
		p = scan_word(p, &w);
		memcpy(&a->v4, &w, sizeof(w));
		return p;
	}
	for (i = 0; i < 4; i++) {
		p = scan_word(p, &w);
		memcpy(&a->v6.s6_addr[i * 4], &w, sizeof(w));
	}
	return p;
}

/* "ADDR:PORT", the port %04X in host order. */
static const char *
scan_endpoint(const char *p, int family, union sock_addr *a, uint16_t *port)
{
	uint64_t v = 0;

	p = scan_addr(p, family, a);
	p = scan_char(p, ':');
	p = scan_end(scan_hex(p, 4, &v));
	*port = (uint16_t)v;
	return p;
}

/* Clock ticks ("when") to milliseconds, without overflow. */
static uint64_t
ticks_to_ms(uint64_t ticks)
{
	static long hz;

	/* Old kernels print a negative delta as a huge %lX: it is due now. */
	if (ticks > INT64_MAX)
		return 0;
	if (hz <= 0 && (hz = sysconf(_SC_CLK_TCK)) <= 0)
		hz = 100;
	if (ticks > UINT64_MAX / 1000)
		return ticks / (uint64_t)hz * 1000;
	return ticks * 1000 / (uint64_t)hz;
}

/*
 * /proc/net/{tcp,udp,udplite,raw}[6], after a header line (UDP-Lite
 * shares UDP's code and format):
 *
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when
 *   retrnsmt   uid  timeout inode [ref pointer ...]
 *    0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000
 *   00000000  1000        0 4711 1 0000000000000000 100 0 0 10 0
 *
 * sl	   "%4d:", the slot (hash bucket for UDP), ignored
 * local   "ADDR:PORT": %08X per 32-bit address word (4 words run
 *	   together for IPv6, see scan_addr), port %04X; RAW prints the
 *	   protocol number as the port
 * rem	   the same for the peer
 * st	   %02X, the kernel state (tcp_states.h); request sockets as 03
 * tx:rx   %08X:%08X queue bytes; a listener shows its accept queue as rx
 * tr:when %02X timer kind (0 off, 1 retransmit, 2 keepalive, 3 TIME_WAIT,
 *	   4 zero window probe), %08lX clock ticks (USER_HZ) until it fires
 * retrnsmt %08X, retransmits (TCP; 0 for UDP and RAW)
 * uid	   %5u
 * timeout %8d, unanswered keepalive or zero window probes (TCP)
 * inode   %lu; 0 for request and TIME_WAIT sockets
 *
 * What follows depends on the file and the socket: full TCP sockets have
 * 17 fields, request and TIME_WAIT sockets 12, UDP and RAW 13, and the
 * kernel pads TCP lines with trailing spaces.  Only the 10 fields above
 * are read; more are allowed and ignored.
 */
int
procnet_parse_inet(const char *line, int family, enum sock_proto proto,
    struct sock_row *row)
{
	const char *p;
	uint64_t v, txq, rxq, tr, when, retr, uid, probes, inode;

	if (line == NULL || row == NULL ||
	    (family != AF_INET && family != AF_INET6) ||
	    (proto != PROTO_TCP && proto != PROTO_UDP &&
	    proto != PROTO_UDPLITE && proto != PROTO_RAW))
		return EINVAL;
	memset(row, 0, sizeof(*row));
	v = txq = rxq = tr = when = retr = uid = probes = inode = 0;

	p = line;
	while (*p == ' ')
		p++;
	p = scan_char(scan_dec(p, INT_MAX, &v), ':');			/* sl */
	p = scan_endpoint(scan_sep(p), family, &row->laddr, &row->lport);
	p = scan_endpoint(scan_sep(p), family, &row->raddr, &row->rport);
	p = scan_end(scan_hex(scan_sep(p), 8, &v));			/* st */
	if (p == NULL || v > UINT8_MAX)
		return EINVAL;
	row->state = (uint8_t)v;
	p = scan_char(scan_hex(scan_sep(p), 8, &txq), ':');
	p = scan_end(scan_hex(p, 8, &rxq));
	p = scan_char(scan_hex(scan_sep(p), 8, &tr), ':');
	p = scan_end(scan_hex(p, 16, &when));
	p = scan_end(scan_hex(scan_sep(p), 8, &retr));
	p = scan_end(scan_dec(scan_sep(p), UINT32_MAX, &uid));
	p = scan_sep(p);					/* timeout */
	if (p != NULL && *p == '-')	/* never a probe count: 0 */
		p = scan_end(scan_dec(p + 1, INT_MAX, &v));
	else
		p = scan_end(scan_dec(p, INT_MAX, &probes));
	p = scan_end(scan_dec(scan_sep(p), UINT64_MAX, &inode));
	if (p == NULL || tr > UINT8_MAX)
		return EINVAL;

	row->family = (uint8_t)family;
	row->proto = (uint8_t)proto;
	row->wqueue = (uint32_t)txq;
	row->rqueue = (uint32_t)rxq;
	row->uid = (uint32_t)uid;
	row->inode = inode;
	row->has = ROW_HAS_UID | ROW_HAS_QUEUES;
	switch (proto) {
	case PROTO_TCP:
		row->type = SOCK_STREAM;
		row->timer = (uint8_t)tr;
		row->expires_ms = ticks_to_ms(when);
		row->retrans = (uint32_t)retr;
		row->probes = (uint32_t)probes;
		row->has |= ROW_HAS_TIMER;
		break;
	case PROTO_UDP:
	case PROTO_UDPLITE:
		row->type = SOCK_DGRAM;
		break;
	default:
		row->type = SOCK_RAW;
		break;
	}
	return 0;
}

/*
 * /proc/net/unix, after a header line:
 *
 *   Num       RefCount Protocol Flags    Type St Inode Path
 *   0000000000000000: 00000002 00000000 00010000 0001 01 23456 /run/a b
 *
 * Num	    %pK: the socket's address, zeros when kptr_restrict hides it
 * RefCount %08X
 * Protocol %08X, always 0
 * Flags    %08X, __SO_ACCEPTCON (0x10000) on a listening socket
 * Type	    %04X, SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
 * St	    %02X, socket_state: 1 unconnected, 2 connecting (not yet
 *	    accepted), 3 connected, 4 disconnecting
 * Inode    %5lu, decimal
 * Path	    after exactly one space, to the end of the line: the bound
 *	    name as raw bytes, spaces included; an abstract name starts
 *	    with '@' for its leading NUL, and any later NUL reads '@' too.
 *	    Absent (no space) for an unbound socket.
 *
 * A path containing a newline splits the kernel's line in two: the head
 * parses with a cut path and the tail does not parse.  procnet_collect
 * therefore holds each UNIX row until the next line parses, and skips
 * and counts a row followed by a malformed line.  A tail crafted to
 * parse as a line of its own is caught when it repeats another line's
 * inode (unixguard.h); only sock_diag gives such names whole.
 */
int
procnet_parse_unix(const char *line, struct sock_row *row, char *pathbuf,
    size_t pathlen)
{
	const char *p;
	uint64_t v, refcnt, proto, flags, type, st, inode;
	size_t len;

	if (line == NULL || row == NULL)
		return EINVAL;
	memset(row, 0, sizeof(*row));
	v = refcnt = proto = flags = type = st = inode = 0;

	p = line;
	while (*p == ' ')
		p++;
	p = scan_char(scan_hex(p, 16, &v), ':');		/* Num */
	p = scan_end(scan_hex(scan_sep(p), 8, &refcnt));
	p = scan_end(scan_hex(scan_sep(p), 8, &proto));
	p = scan_end(scan_hex(scan_sep(p), 8, &flags));
	p = scan_end(scan_hex(scan_sep(p), 4, &type));
	p = scan_end(scan_hex(scan_sep(p), 8, &st));
	p = scan_end(scan_dec(scan_sep(p), UINT64_MAX, &inode));
	if (p == NULL || type > UINT8_MAX || st > UINT8_MAX)
		return EINVAL;

	if (*p == ' ') {
		p++;
		len = strcspn(p, "\n");
		/* A name longer than sun_path cannot come from the kernel. */
		if (len == 0 || len >= PROCNET_PATHMAX || pathbuf == NULL ||
		    len >= pathlen)
			return EINVAL;
		memcpy(pathbuf, p, len);
		pathbuf[len] = '\0';
		/* Only a leading '@' is surely a NUL: later ones stay. */
		if (pathbuf[0] == '@')
			pathbuf[0] = '\0';
		row->path = pathbuf;
		row->path_len = len;
	}

	row->family = AF_UNIX;
	row->proto = PROTO_UNIX;
	row->type = (uint8_t)type;
	row->inode = inode;
	row->refcnt = (uint32_t)refcnt;
	row->has = ROW_HAS_REFCNT;
	if (flags & UNIX_ACCEPTCON)
		row->state = ST_LISTEN;
	else if (st == UNIX_SS_CONNECTED)
		row->state = ST_ESTABLISHED;
	else if (st == UNIX_SS_UNCONNECTED)
		row->state = ST_CLOSE;
	else if (st == UNIX_SS_CONNECTING)
		row->state = ST_SYN_SENT;
	else if (st == UNIX_SS_DISCONNECTING)
		row->state = ST_CLOSING;
	else
		row->state = ST_UNKNOWN;
	return 0;
}
