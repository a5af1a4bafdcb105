/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_procnet.c - the /proc/net parsers and reader: direct lines,
 * the fixtures in tests/data/proc/net, generated files that cross the
 * read buffer, and the real /proc against sockets made here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procnet.h"

#define FIXTURES	"tests/data/proc"
#define MAXROWS		64

/* Rows a collect handed on, copied as a consumer must. */
struct got {
	struct sock_row	 rows[MAXROWS];
	char		 paths[MAXROWS][128];
	size_t		 n;
	size_t		 stop_after;	/* fail the cb after this many */
};

static int
got_cb(const struct sock_row *r, void *arg)
{
	struct got *g = arg;

	if (g->stop_after != 0 && g->n == g->stop_after) {
		errno = ECANCELED;
		return -1;
	}
	assert_true(g->n < MAXROWS);
	g->rows[g->n] = *r;
	if (r->path != NULL) {
		assert_true(r->path_len < sizeof(g->paths[0]));
		memcpy(g->paths[g->n], r->path, r->path_len);
		g->rows[g->n].path = g->paths[g->n];
	}
	g->n++;
	return 0;
}

static const struct sock_row *
got_inode(const struct got *g, uint64_t inode)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->rows[i].inode == inode)
			return &g->rows[i];
	return NULL;
}

static int
collect_fixture(const char *root, int family, enum sock_proto proto,
    uint32_t states, struct got *g, struct source_stats *st)
{
	struct dump_req req = { family, proto, states };
	struct procnet *p;
	int rc;

	memset(g, 0, sizeof(*g));
	memset(st, 0, sizeof(*st));
	assert_non_null(p = procnet_open(root));
	rc = procnet_collect(p, &req, got_cb, g, st);
	procnet_close(p);
	return rc;
}

static void
assert_v4(const struct in_addr *a, const char *want)
{
	struct in_addr w;

	assert_int_equal(inet_pton(AF_INET, want, &w), 1);
	assert_memory_equal(a, &w, sizeof(w));
}

static void
assert_v6(const struct in6_addr *a, const char *want)
{
	struct in6_addr w;

	assert_int_equal(inet_pton(AF_INET6, want, &w), 1);
	assert_memory_equal(a, &w, sizeof(w));
}

/* The fixtures and these lines hold addresses as x86 prints them. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LE_HOST	1
#else
#define LE_HOST	0
#endif

#define TCP_ESTAB4 \
	"   1: 0100007F:1F90 0A00A8C0:9C40 01 00000010:00000020 01:00000032 " \
	"00000003  1000        0 1002 1 0000000000000000 20 4 0 10 -1"

#define TCP6_LISTEN \
	"   1: B80D0120000000000000000002000100:01BB " \
	"0000000000000000FFFF00000100007F:C350 0A 00000000:00000007 " \
	"00:00000000 00000000     0        0 2002 1 0000000000000000 " \
	"20 4 0 10 -1\n"

#define UNIX_LISTEN \
	"0000000000000000: 00000002 00000000 00010000 0001 01  6001 @a b"

static void
test_procnet_parse_inet_ipv4(void **state)
{
	struct sock_row r;

	(void)state;
	assert_int_equal(procnet_parse_inet(TCP_ESTAB4, AF_INET, PROTO_TCP,
	    &r), 0);
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.proto, PROTO_TCP);
	assert_int_equal(r.type, SOCK_STREAM);
	assert_int_equal(r.state, ST_ESTABLISHED);
	if (LE_HOST) {
		assert_v4(&r.laddr.v4, "127.0.0.1");
		assert_v4(&r.raddr.v4, "192.168.0.10");
	}
	assert_int_equal(r.lport, 8080);
	assert_int_equal(r.rport, 40000);
	assert_int_equal(r.wqueue, 0x10);
	assert_int_equal(r.rqueue, 0x20);
	assert_int_equal(r.timer, TIMER_ON);
	assert_int_equal(r.expires_ms, 0x32 * 1000 / sysconf(_SC_CLK_TCK));
	assert_int_equal(r.retrans, 3);
	assert_int_equal(r.uid, 1000);
	assert_int_equal(r.inode, 1002);
	assert_int_equal(r.has, ROW_HAS_UID | ROW_HAS_QUEUES | ROW_HAS_TIMER);
	assert_null(r.path);
	assert_int_equal(r.cookie, 0);
	assert_int_equal(r.ifindex, 0);
}

/* /proc/net/udplite[6]: UDP's format, its own protocol. */
static void
test_procnet_parse_inet_udplite(void **state)
{
	struct sock_row r;

	(void)state;
	assert_int_equal(procnet_parse_inet("12466: 0100007F:A581 "
	    "00000000:0000 07 00000000:00000000 00:00000000 00000000     0 "
	    "       0 426517 2 00000000a1785aab 0", AF_INET, PROTO_UDPLITE,
	    &r), 0);
	assert_int_equal(r.proto, PROTO_UDPLITE);
	assert_int_equal(r.type, SOCK_DGRAM);
	assert_int_equal(r.state, ST_CLOSE);
	assert_int_equal(r.lport, 0xA581);
	assert_int_equal(r.inode, 426517);
	assert_int_equal(r.has, ROW_HAS_UID | ROW_HAS_QUEUES);
}

/* "timeout" is the count of unanswered keepalive or zero window probes. */
static void
test_procnet_parse_inet_probes(void **state)
{
	struct sock_row r;

	(void)state;
	assert_int_equal(procnet_parse_inet("   1: 0100007F:1F90 "
	    "0100007F:9C40 01 00000000:00000000 04:00000018 00000000     0 "
	    "       1 1003 2 0000000000000000 20 4 1 10 -1", AF_INET,
	    PROTO_TCP, &r), 0);
	assert_int_equal(r.timer, TIMER_PROBE);
	assert_int_equal(r.retrans, 0);
	assert_int_equal(r.probes, 1);
	assert_int_equal(procnet_parse_inet("   1: 0100007F:1F90 "
	    "0100007F:9C40 01 00000000:00000000 02:0000000B 00000002     0 "
	    "       4 1004 2 0000000000000000 20 4 1 10 -1", AF_INET,
	    PROTO_TCP, &r), 0);
	assert_int_equal(r.timer, TIMER_KEEPALIVE);
	assert_int_equal(r.retrans, 2);
	assert_int_equal(r.probes, 4);
	/* TCP_ESTAB4's 0 probes; UDP rows have none either. */
	assert_int_equal(procnet_parse_inet(TCP_ESTAB4, AF_INET, PROTO_TCP,
	    &r), 0);
	assert_int_equal(r.probes, 0);
}

static void
test_procnet_parse_inet_ipv6_byteorder(void **state)
{
	struct sock_row r;
	const char *line = TCP6_LISTEN;

	(void)state;
	assert_int_equal(procnet_parse_inet(line, AF_INET6, PROTO_TCP, &r), 0);
	assert_int_equal(r.family, AF_INET6);
	if (LE_HOST) {
		assert_v6(&r.laddr.v6, "2001:db8::1:2");
		assert_v6(&r.raddr.v6, "::ffff:127.0.0.1");
	}
	assert_int_equal(r.lport, 443);
	assert_int_equal(r.rport, 50000);
	assert_int_equal(r.state, ST_LISTEN);
	assert_int_equal(r.rqueue, 7);
	assert_int_equal(r.inode, 2002);
	/* An IPv4 address is not an IPv6 one, nor the reverse. */
	assert_int_equal(procnet_parse_inet(line, AF_INET, PROTO_TCP, &r),
	    EINVAL);
	assert_int_equal(procnet_parse_inet(TCP_ESTAB4, AF_INET6, PROTO_TCP,
	    &r), EINVAL);
}

static void
test_procnet_parse_inet_states(void **state)
{
	struct sock_row r;
	char line[256];
	unsigned s;

	(void)state;
	for (s = 0x01; s <= 0x0B; s++) {
		snprintf(line, sizeof(line), "   0: 0100007F:0016 "
		    "00000000:0000 %02X 00000000:00000000 00:00000000 "
		    "00000000     0        0 77 1 0000000000000000 100 0 0 "
		    "10 0", s);
		assert_int_equal(procnet_parse_inet(line, AF_INET, PROTO_TCP,
		    &r), 0);
		assert_int_equal(r.state, s);
	}
	/* Codes the kernel may add later are kept for UNKNOWN(n). */
	assert_int_equal(procnet_parse_inet("0: 0100007F:0016 00000000:0000 "
	    "FF 00000000:00000000 00:00000000 00000000 0 0 77", AF_INET,
	    PROTO_TCP, &r), 0);
	assert_int_equal(r.state, 255);
	assert_int_equal(procnet_parse_inet("0: 0100007F:0016 00000000:0000 "
	    "1f 00000000:00000000 00:00000000 00000000 0 0 77", AF_INET,
	    PROTO_TCP, &r), 0);
	assert_int_equal(r.state, 31);
	assert_int_equal(procnet_parse_inet("0: 0100007F:0016 00000000:0000 "
	    "100 00000000:00000000 00:00000000 00000000 0 0 77", AF_INET,
	    PROTO_TCP, &r), EINVAL);
}

static void
test_procnet_parse_inet_timewait(void **state)
{
	struct sock_row r;

	(void)state;
	/* TIME_WAIT and request sockets end after ref and pointer. */
	assert_int_equal(procnet_parse_inet(
	    "   6: 0100007F:1F90 0100007F:9C45 06 00000000:00000000 "
	    "03:00001770 00000000     0        0 0 3 0000000000000000",
	    AF_INET, PROTO_TCP, &r), 0);
	assert_int_equal(r.state, ST_TIME_WAIT);
	assert_int_equal(r.timer, TIMER_TIMEWAIT);
	assert_int_equal(r.expires_ms, 6000ULL * 1000 / sysconf(_SC_CLK_TCK));
	assert_int_equal(r.inode, 0);
	assert_int_equal(r.rport, 40005);
	/* Only the 10 named fields are required. */
	assert_int_equal(procnet_parse_inet(
	    "6: 0100007F:1F90 0100007F:9C45 06 0:0 03:1770 0 0 0 0",
	    AF_INET, PROTO_TCP, &r), 0);
	assert_int_equal(r.expires_ms, 6000ULL * 1000 / sysconf(_SC_CLK_TCK));
}

static void
test_procnet_parse_inet_short(void **state)
{
	struct sock_row r;
	char line[sizeof(TCP_ESTAB4)];
	const char *inode = strstr(TCP_ESTAB4, " 1002 ");
	size_t k, first;

	(void)state;
	assert_non_null(inode);
	first = (size_t)(inode - TCP_ESTAB4) + 2;	/* "...0 1" */
	for (k = 0; k < sizeof(line); k++) {
		memcpy(line, TCP_ESTAB4, k);
		line[k] = '\0';
		assert_int_equal(procnet_parse_inet(line, AF_INET, PROTO_TCP,
		    &r), k < first ? EINVAL : 0);
	}
}

static void
test_procnet_parse_inet_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"   ",
		"garbage",
		"0:",
		"x: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"0 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"0: 0100007F1F90 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 -1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1x",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 x 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 -0x 0 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 4294967296 0 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 100:0 0 0 0 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:00000000000000000 "
		    "0 0 0 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:000000000 0:0 0 0 0 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 "
		    "18446744073709551616",
		"0: 0100007F:-1 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"0: 0100007F: 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"0: 0100007F:1F90\t00000000:0000 0A 0:0 0:0 0 0 0 1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0\t1",
		"0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1\t",
		"0: 0100007F:1F90 00000000:0000 0G 0:0 0:0 0 0 0 1",
	};
	struct sock_row r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0xa5, sizeof(r));
		if (procnet_parse_inet(bad[i], AF_INET, PROTO_TCP, &r) !=
		    EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
	}
	/* The same syntax with sane values passes: the list tests fields. */
	assert_int_equal(procnet_parse_inet(
	    "0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 4294967295 -7 "
	    "18446744073709551615  ", AF_INET, PROTO_TCP, &r), 0);
	assert_int_equal(r.uid, 4294967295U);
	assert_true(r.inode == UINT64_MAX);
}

static void
test_procnet_parse_inet_args(void **state)
{
	struct sock_row r;

	(void)state;
	assert_int_equal(procnet_parse_inet(TCP_ESTAB4, AF_UNIX, PROTO_TCP,
	    &r), EINVAL);
	assert_int_equal(procnet_parse_inet(TCP_ESTAB4, AF_INET, PROTO_UNIX,
	    &r), EINVAL);
	assert_int_equal(procnet_parse_inet(NULL, AF_INET, PROTO_TCP, &r),
	    EINVAL);
	assert_int_equal(procnet_parse_inet(TCP_ESTAB4, AF_INET, PROTO_TCP,
	    NULL), EINVAL);
}

static void
test_procnet_parse_inet_udp_raw(void **state)
{
	struct sock_row r;

	(void)state;
	assert_int_equal(procnet_parse_inet(TCP_ESTAB4, AF_INET, PROTO_UDP,
	    &r), 0);
	assert_int_equal(r.type, SOCK_DGRAM);
	assert_int_equal(r.proto, PROTO_UDP);
	assert_int_equal(r.has, ROW_HAS_UID | ROW_HAS_QUEUES);
	assert_int_equal(r.timer, 0);
	assert_int_equal(r.retrans, 0);
	assert_int_equal(r.expires_ms, 0);
	assert_int_equal(procnet_parse_inet(
	    "  255: 0100007F:00FF 00000000:0000 07 00000000:00000000 "
	    "00:00000000 00000000     0        0 5002 2 0000000000000000 0",
	    AF_INET, PROTO_RAW, &r), 0);
	assert_int_equal(r.type, SOCK_RAW);
	assert_int_equal(r.lport, 255);
	assert_int_equal(r.state, ST_CLOSE);
}

static void
test_procnet_parse_unix_named(void **state)
{
	struct sock_row r;
	char path[109];

	(void)state;
	assert_int_equal(procnet_parse_unix("0000000000000000: 00000002 "
	    "00000000 00010000 0001 01  6001 /run/a b  c\n", &r, path,
	    sizeof(path)), 0);
	assert_int_equal(r.family, AF_UNIX);
	assert_int_equal(r.proto, PROTO_UNIX);
	assert_int_equal(r.type, SOCK_STREAM);
	assert_int_equal(r.state, ST_LISTEN);
	assert_int_equal(r.inode, 6001);
	assert_int_equal(r.refcnt, 2);
	assert_int_equal(r.has, ROW_HAS_REFCNT);
	assert_ptr_equal(r.path, path);
	assert_int_equal(r.path_len, 11);
	assert_string_equal(path, "/run/a b  c");
	/* Exactly one space leads the path; more belong to the name. */
	assert_int_equal(procnet_parse_unix("0000000000000000: 00000002 "
	    "00000000 00000000 0005 03 123456  x", &r, path, sizeof(path)), 0);
	assert_int_equal(r.type, SOCK_SEQPACKET);
	assert_int_equal(r.state, ST_ESTABLISHED);
	assert_int_equal(r.path_len, 2);
	assert_string_equal(path, " x");
	/* A 32-bit kernel prints an 8-digit pointer. */
	assert_int_equal(procnet_parse_unix("c1234567: 00000002 00000000 "
	    "00000000 0002 01 1 /x", &r, path, sizeof(path)), 0);
	assert_int_equal(r.state, ST_CLOSE);
	assert_int_equal(r.type, SOCK_DGRAM);
}

static void
test_procnet_parse_unix_abstract(void **state)
{
	struct sock_row r;
	char path[109];

	(void)state;
	assert_int_equal(procnet_parse_unix("0000000000000000: 00000002 "
	    "00000000 00000000 0002 01  6004 @abs@name", &r, path,
	    sizeof(path)), 0);
	assert_int_equal(r.path_len, 9);
	assert_memory_equal(r.path, "\0abs@name", 10);
	assert_int_equal(procnet_parse_unix("0000000000000000: 00000002 "
	    "00000000 00000000 0002 01  6005 @", &r, path, sizeof(path)), 0);
	assert_int_equal(r.path_len, 1);
	assert_int_equal(r.path[0], '\0');
}

static void
test_procnet_parse_unix_unnamed(void **state)
{
	struct sock_row r;
	char path[109] = "untouched";

	(void)state;
	assert_int_equal(procnet_parse_unix("0000000000000000: 00000003 "
	    "00000000 00000000 0001 03  6003\n", &r, path, sizeof(path)), 0);
	assert_null(r.path);
	assert_int_equal(r.path_len, 0);
	assert_int_equal(r.inode, 6003);
	/* Unnamed sockets need no buffer at all. */
	assert_int_equal(procnet_parse_unix("0000000000000000: 00000003 "
	    "00000000 00000000 0001 03 6003", &r, NULL, 0), 0);
}

static void
test_procnet_parse_unix_states(void **state)
{
	static const struct {
		const char	*flags_st;
		unsigned	 want;
	} cases[] = {
		{ "00010000 0001 01", ST_LISTEN },
		{ "00010000 0001 03", ST_LISTEN },
		{ "00000000 0001 01", ST_CLOSE },
		{ "00000000 0001 02", ST_SYN_SENT },
		{ "00000000 0001 03", ST_ESTABLISHED },
		{ "00000000 0001 04", ST_CLOSING },
		{ "00000000 0001 00", ST_UNKNOWN },
		{ "00000000 0001 09", ST_UNKNOWN },
	};
	struct sock_row r;
	char line[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "0000000000000000: 00000002 "
		    "00000000 %s  42", cases[i].flags_st);
		assert_int_equal(procnet_parse_unix(line, &r, NULL, 0), 0);
		assert_int_equal(r.state, cases[i].want);
	}
}

static void
test_procnet_parse_unix_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"Num       RefCount Protocol Flags    Type St Inode Path",
		"0000000000000000 00000002 00000000 00000000 0001 01 1",
		"0000000000000000: 00000002 00000000 00000000 0001 01",
		"0000000000000000: 00000002 00000000 00000000 0001 01 ",
		"0000000000000000: 00000002 00000000 00000000 0001 01 1 ",
		"0000000000000000: 00000002 00000000 00000000 0001 01 1 \n",
		"0000000000000000: 00000002 00000000 00000000 00001 01 1",
		"0000000000000000: 00000002 00000000 00000000 0100 01 1",
		"0000000000000000: 00000002 00000000 00000000 0001 100 1",
		"0000000000000000: 00000002 00000000 00000000 0001 01 -1",
		"0000000000000000: 00000002 00000000 00000000 0001 01 1a",
		"00000000000000000: 00000002 00000000 00000000 0001 01 1",
		"0000000000000000: 000000002 00000000 00000000 0001 01 1",
		"0000000000000000: 00000002 00000000 00000000 0001 01 1\t/x",
		"line.sock",
	};
	struct sock_row r;
	char path[109];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (procnet_parse_unix(bad[i], &r, path, sizeof(path)) !=
		    EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
}

static void
test_procnet_parse_unix_pathbuf(void **state)
{
	struct sock_row r;
	char line[512], path[109], big[512];

	(void)state;
	/* Too small a buffer refuses the line rather than cut the name. */
	assert_int_equal(procnet_parse_unix("0: 2 0 0 1 1 7 /abc", &r, path,
	    4), EINVAL);
	assert_int_equal(procnet_parse_unix("0: 2 0 0 1 1 7 /abc", &r, path,
	    5), 0);
	assert_string_equal(path, "/abc");
	/* 108 bytes is the most sun_path holds; 109 is not the kernel's. */
	snprintf(line, sizeof(line), "0: 2 0 0 1 1 7 /%0107d", 0);
	assert_int_equal(procnet_parse_unix(line, &r, path, sizeof(path)), 0);
	assert_int_equal(r.path_len, 108);
	snprintf(line, sizeof(line), "0: 2 0 0 1 1 7 /%0108d", 0);
	assert_int_equal(procnet_parse_unix(line, &r, big, sizeof(big)),
	    EINVAL);
	assert_int_equal(procnet_parse_unix(NULL, &r, path, sizeof(path)),
	    EINVAL);
}

/* Random bytes and mutated good lines: never a crash, never a read past. */
static void
test_procnet_parse_fuzz(void **state)
{
	static const char *const seeds[] = {
		TCP_ESTAB4,
		TCP6_LISTEN,
		UNIX_LISTEN,
	};
	struct sock_row r;
	char line[256], path[109];
	size_t i, len, k;
	unsigned seed = 12345;
	int ok = 0;

	(void)state;
	for (i = 0; i < 20000; i++) {
		const char *s = seeds[i % 3];

		len = strlen(s);
		memcpy(line, s, len + 1);
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			line[(seed >> 8) % len] = (char)(seed >> 20);
		}
		if (i % 7 == 0) {
			seed = seed * 1103515245 + 12345;
			line[(seed >> 8) % len] = '\0';
		}
		if (procnet_parse_inet(line, AF_INET, PROTO_TCP, &r) == 0)
			ok++;
		if (procnet_parse_inet(line, AF_INET6, PROTO_UDP, &r) == 0)
			ok++;
		if (procnet_parse_unix(line, &r, path, sizeof(path)) == 0) {
			ok++;
			assert_true(r.path == NULL ||
			    r.path_len < sizeof(path));
		}
	}
	/* Some mutations hit a separator-free digit and still parse. */
	assert_true(ok > 0);
}

static void
test_procnet_collect_tcp(void **state)
{
	struct got g;
	struct source_stats st;
	const struct sock_row *r;
	static const uint8_t states[] = { 0x0A, 0x01, 0x02, 0x03, 0x04,
	    0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x01, 0x1F };
	static const uint64_t inodes[] = { 1001, 1002, 1003, 1005, 1006, 1008,
	    1009, 1010, 1011, 1012, 1013 };
	size_t i;

	(void)state;
	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_TCP, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 13);
	assert_int_equal(st.malformed, 13);
	for (i = 0; i < sizeof(inodes) / sizeof(inodes[0]); i++)
		assert_non_null(got_inode(&g, inodes[i]));
	/* Every state 01..0B, an unknown code last, in file order. */
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		assert_int_equal(g.rows[i].state, states[i]);

	r = got_inode(&g, 1001);
	assert_int_equal(r->state, ST_LISTEN);
	assert_int_equal(r->lport, 8080);
	assert_int_equal(r->rport, 0);
	assert_int_equal(r->rqueue, 5);
	assert_int_equal(r->uid, 1000);
	r = &g.rows[3];		/* the request socket */
	assert_int_equal(r->state, ST_SYN_RECV);
	assert_int_equal(r->inode, 0);
	assert_int_equal(r->retrans, 2);
	r = &g.rows[6];		/* TIME_WAIT: the short line */
	assert_int_equal(r->state, ST_TIME_WAIT);
	assert_int_equal(r->timer, TIMER_TIMEWAIT);
	assert_int_equal(r->rport, 40005);
	assert_int_equal(r->expires_ms, 6000ULL * 1000 / sysconf(_SC_CLK_TCK));
	r = got_inode(&g, 1012);
	if (LE_HOST) {
		assert_v4(&r->laddr.v4, "192.168.1.10");
		assert_v4(&r->raddr.v4, "10.0.0.1");
	}
	assert_int_equal(r->lport, 443);
	assert_int_equal(r->rport, 51000);
	assert_int_equal(r->timer, TIMER_KEEPALIVE);
	assert_int_equal(r->uid, 33);
	r = got_inode(&g, 1011);
	assert_int_equal(r->timer, TIMER_PROBE);
}

static void
test_procnet_collect_states(void **state)
{
	struct got g;
	struct source_stats st;

	(void)state;
	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_TCP,
	    ST_BIT(ST_LISTEN), &g, &st), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rows[0].inode, 1001);
	/* Filtering does not change what counts as malformed. */
	assert_int_equal(st.malformed, 13);

	/* The default view: everything but LISTEN, unknown codes included. */
	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_TCP,
	    ST_ALL & ~ST_BIT(ST_LISTEN), &g, &st), 0);
	assert_int_equal(g.n, 12);
	assert_null(got_inode(&g, 1001));
	assert_non_null(got_inode(&g, 1013));

	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_TCP,
	    ST_BIT(ST_ESTABLISHED), &g, &st), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.rows[0].inode, 1002);
	assert_int_equal(g.rows[1].inode, 1012);

	/* Request sockets answer to either SYN_RECV bit. */
	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_TCP,
	    ST_BIT(ST_NEW_SYN_RECV), &g, &st), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rows[0].state, ST_SYN_RECV);
	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_TCP,
	    ST_BIT(ST_SYN_RECV) | ST_BIT(ST_TIME_WAIT), &g, &st), 0);
	assert_int_equal(g.n, 2);

	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_TCP, 0,
	    &g, &st), 0);
	assert_int_equal(g.n, 0);
}

static void
test_procnet_collect_tcp6(void **state)
{
	struct got g;
	struct source_stats st;
	const struct sock_row *r;

	(void)state;
	assert_int_equal(collect_fixture(FIXTURES, AF_INET6, PROTO_TCP, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(st.malformed, 1);
	r = got_inode(&g, 2002);
	assert_int_equal(r->family, AF_INET6);
	if (!LE_HOST)
		return;
	assert_v6(&got_inode(&g, 2001)->laddr.v6, "::");
	assert_v6(&r->laddr.v6, "2001:db8::1:2");
	assert_v6(&r->raddr.v6, "::1");
	assert_v6(&got_inode(&g, 2003)->laddr.v6, "::ffff:127.0.0.1");
	r = &g.rows[3];
	assert_int_equal(r->state, ST_TIME_WAIT);
	assert_v6(&r->laddr.v6, "fe80::1");
	assert_v6(&r->raddr.v6, "fe80::2");
	assert_int_equal(r->rport, 33000);
}

static void
test_procnet_collect_udp_raw(void **state)
{
	struct got g;
	struct source_stats st;
	const struct sock_row *r;

	(void)state;
	/* The udp fixture's last line has no newline. */
	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_UDP, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(st.malformed, 1);
	r = got_inode(&g, 3001);
	assert_int_equal(r->type, SOCK_DGRAM);
	assert_int_equal(r->state, ST_CLOSE);
	assert_int_equal(r->lport, 53);
	assert_int_equal(r->rqueue, 0x300);
	assert_int_equal(r->has & ROW_HAS_TIMER, 0);
	r = got_inode(&g, 3002);
	assert_int_equal(r->state, ST_ESTABLISHED);
	assert_int_equal(r->wqueue, 0x40);
	assert_int_equal(r->rport, 53);
	assert_non_null(got_inode(&g, 3003));

	assert_int_equal(collect_fixture(FIXTURES, AF_INET6, PROTO_UDP, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rows[0].lport, 5353);
	assert_int_equal(g.rows[0].uid, 107);
	if (LE_HOST)
		assert_v6(&g.rows[0].laddr.v6, "::1");

	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_RAW, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(g.rows[0].lport, 1);
	assert_int_equal(g.rows[0].type, SOCK_RAW);
	assert_int_equal(g.rows[1].lport, 255);
}

static void
test_procnet_collect_unix(void **state)
{
	struct got g;
	struct source_stats st;
	const struct sock_row *r;

	(void)state;
	assert_int_equal(collect_fixture(FIXTURES, AF_UNIX, PROTO_UNIX, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 8);
	assert_int_equal(st.malformed, 8);
	assert_non_null(got_inode(&g, 6003));
	r = got_inode(&g, 6001);
	assert_int_equal(r->state, ST_LISTEN);
	assert_int_equal(r->path_len, 16);
	assert_memory_equal(r->path, "/run/listen.sock", 16);
	r = got_inode(&g, 6002);
	assert_int_equal(r->refcnt, 3);
	assert_int_equal(r->path_len, 24);
	assert_memory_equal(r->path, "/tmp/with space/a b.sock", 24);
	r = got_inode(&g, 6003);
	assert_null(r->path);
	assert_int_equal(r->path_len, 0);
	r = got_inode(&g, 6004);
	assert_int_equal(r->type, SOCK_DGRAM);
	assert_int_equal(r->path_len, 14);
	assert_memory_equal(r->path, "\0abstract@name", 14);
	r = got_inode(&g, 6005);
	assert_int_equal(r->type, SOCK_SEQPACKET);
	assert_int_equal(r->state, ST_SYN_SENT);
	assert_int_equal(r->path_len, 1);
	assert_int_equal(r->path[0], '\0');
	r = got_inode(&g, 6006);
	assert_int_equal(r->state, ST_CLOSING);
	assert_memory_equal(r->path, " leading-space", 14);
	r = got_inode(&g, 6007);
	assert_int_equal(r->path_len, 14);
	assert_memory_equal(r->path, "/tmp/trailing ", 14);
	/*
	 * A newline cut this name: the row is skipped and counted with its
	 * tail, never shown with a cut path.  An unnamed row before a
	 * garbage line stays (6003): it cannot have been cut.
	 */
	assert_null(got_inode(&g, 6008));
	assert_null(got_inode(&g, 6009));	/* type 0x100: malformed */
	r = got_inode(&g, 123456);
	assert_int_equal(r->state, ST_UNKNOWN);

	/* Listening only. */
	assert_int_equal(collect_fixture(FIXTURES, AF_UNIX, PROTO_UNIX,
	    ST_BIT(ST_LISTEN), &g, &st), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rows[0].inode, 6001);
}

static void
test_procnet_collect_missing(void **state)
{
	struct got g;
	struct source_stats st;

	(void)state;
	/* There is no raw6 among the fixtures. */
	assert_int_equal(collect_fixture(FIXTURES, AF_INET6, PROTO_RAW, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(collect_fixture("tests/data/nonexistent", AF_UNIX,
	    PROTO_UNIX, ST_ALL, &g, &st), 0);
	assert_int_equal(g.n, 0);
}

static void
test_procnet_collect_bad_req(void **state)
{
	struct got g;
	struct source_stats st;

	(void)state;
	errno = 0;
	assert_int_equal(collect_fixture(FIXTURES, AF_UNIX, PROTO_TCP, ST_ALL,
	    &g, &st), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(collect_fixture(FIXTURES, AF_INET, PROTO_UNIX, ST_ALL,
	    &g, &st), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(collect_fixture(FIXTURES, AF_PACKET, PROTO_RAW,
	    ST_ALL, &g, &st), -1);
	assert_int_equal(errno, EINVAL);
	/* A file that cannot be read is an error, not an empty table. */
	errno = 0;
	assert_int_equal(collect_fixture("/dev/null", AF_INET, PROTO_TCP,
	    ST_ALL, &g, &st), -1);
	assert_int_equal(errno, ENOTDIR);
}

static void
test_procnet_collect_cb_stop(void **state)
{
	struct dump_req req = { AF_INET, PROTO_TCP, ST_ALL };
	struct procnet *p;
	struct got g;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.stop_after = 2;
	assert_non_null(p = procnet_open(FIXTURES));
	errno = 0;
	/* Stats are optional. */
	assert_int_equal(procnet_collect(p, &req, got_cb, &g, NULL), -1);
	assert_int_equal(errno, ECANCELED);
	assert_int_equal(g.n, 2);
	procnet_close(p);
	procnet_close(NULL);
}

/* A scratch root with one net/<file>; the caller removes it. */
static void
scratch_root(char *root, size_t len, const char *file, FILE **fp)
{
	char path[256];

	snprintf(root, len, "/tmp/test_procnet.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/net", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/net/%s", root, file);
	assert_non_null(*fp = fopen(path, "w"));
}

static void
scratch_remove(const char *root, const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/net/%s", root, file);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/net", root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(root), 0);
}

/*
 * A pinned file is read from the file opened at pin time, rewound each
 * dump, even once the path names another file; an unpinned one then
 * reads as missing.
 */
static void
test_procnet_pin_keeps_file(void **state)
{
	struct dump_req tcp = { AF_INET, PROTO_TCP, ST_ALL, 0 };
	struct dump_req udp = { AF_INET, PROTO_UDP, ST_ALL, 0 };
	char root[64], path[256];
	struct source_stats st;
	struct procnet *p;
	struct got g;
	FILE *fp;
	int i;

	(void)state;
	scratch_root(root, sizeof(root), "tcp", &fp);
	fputs("  sl  local_address rem_address   st tx_queue rx_queue tr "
	    "tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000005 "
	    "00:00000000 00000000  1000        0 1001 1 0000000000000000 "
	    "20 4 0 10 -1\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(p = procnet_open(root));
	assert_int_equal(procnet_pin(p, &tcp), 0);
	/* The path now names an empty table. */
	snprintf(path, sizeof(path), "%s/net/tcp", root);
	assert_int_equal(unlink(path), 0);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fclose(fp), 0);
	for (i = 0; i < 2; i++) {
		memset(&g, 0, sizeof(g));
		memset(&st, 0, sizeof(st));
		assert_int_equal(procnet_collect(p, &tcp, got_cb, &g, &st), 0);
		assert_int_equal(g.n, 1);
		assert_int_equal(g.rows[0].inode, 1001);
	}
	errno = 0;
	assert_int_equal(procnet_source.collect(p, &udp, got_cb, &g, &st), -1);
	assert_int_equal(errno, ENOENT);
	procnet_close(p);
	scratch_remove(root, "tcp");
}

struct tally {
	size_t		 n;
	uint64_t	 inode_sum;
	int		 order_ok;
};

static int
tally_cb(const struct sock_row *r, void *arg)
{
	struct tally *t = arg;

	if (r->inode != t->n + 1 || r->lport != (t->n + 1) % 65536)
		t->order_ok = 0;
	t->n++;
	t->inode_sum += r->inode;
	return 0;
}

struct inodes {
	size_t		 n;
	uint64_t	 ino[16];
	char		 path[16][16];
};

static int
inodes_cb(const struct sock_row *r, void *arg)
{
	struct inodes *in = arg;

	assert_true(in->n < 16);
	snprintf(in->path[in->n], sizeof(in->path[0]), "%.*s",
	    (int)r->path_len, r->path != NULL ? r->path : "");
	in->ino[in->n++] = r->inode;
	return 0;
}

#define UNIX_LINE(flags, type, st, ino, name) \
	"0000000000000000: 00000002 00000000 " flags " " type " " st " " \
	ino name

/*
 * Names with a newline whose tails copy real lines (unixguard.h): each
 * copy and the socket whose name it ends are skipped and counted; the
 * real sockets show once, whether the copy comes before or after them;
 * a line after a copy is judged by the name it would end.
 */
static void
test_procnet_collect_unix_forged(void **state)
{
	struct dump_req req = { AF_UNIX, PROTO_UNIX, ST_ALL };
	struct source_stats st = { 0, 0, 0 };
	struct inodes in;
	struct procnet *p;
	char root[64];
	FILE *fp;

	(void)state;
	memset(&in, 0, sizeof(in));
	scratch_root(root, sizeof(root), "unix", &fp);
	fprintf(fp, "Num       RefCount Protocol Flags    Type St Inode Path\n"
	    UNIX_LINE("00010000", "0001", "01", "7001", " /run/real.sock") "\n"
	    UNIX_LINE("00000000", "0002", "01", "7002", " @a") "\n"
	    UNIX_LINE("00010000", "0001", "01", "7001", " /run/real.sock") "\n"
	    UNIX_LINE("00000000", "0001", "03", "7003", "") "\n"
	    UNIX_LINE("00000000", "0002", "01", "7004", " @c") "\n"
	    UNIX_LINE("00010000", "0005", "01", "7009", " @later") "\n"
	    UNIX_LINE("00010000", "0005", "01", "7009", " @later") "\n"
	    UNIX_LINE("00000000", "0002", "01", "7010", " /run/a-long-name"
	    "-that-leaves-no-room-for-a-line-after-it.sock") "\n"
	    UNIX_LINE("00000000", "0001", "03", "7011", "") "\n");
	assert_int_equal(fclose(fp), 0);
	assert_non_null(p = procnet_open(root));
	assert_int_equal(procnet_collect(p, &req, inodes_cb, &in, &st), 0);
	assert_int_equal(st.malformed, 4);
	assert_int_equal(in.n, 5);
	/* Lines that could be forged come last, in file order. */
	assert_true(in.ino[0] == 7010 && in.ino[1] == 7011 &&
	    in.ino[2] == 7001 && in.ino[3] == 7003 && in.ino[4] == 7009);
	assert_string_equal(in.path[2], "/run/real.sock");
	assert_string_equal(in.path[4], "");	/* abstract: NUL first */

	/* Read again, the same: nothing is left of the first read. */
	memset(&in, 0, sizeof(in));
	memset(&st, 0, sizeof(st));
	assert_int_equal(procnet_collect(p, &req, inodes_cb, &in, &st), 0);
	assert_int_equal(st.malformed, 4);
	assert_int_equal(in.n, 5);

	/* Listeners only: the copies are still counted. */
	memset(&in, 0, sizeof(in));
	memset(&st, 0, sizeof(st));
	req.states = ST_BIT(ST_LISTEN);
	assert_int_equal(procnet_collect(p, &req, inodes_cb, &in, &st), 0);
	assert_int_equal(st.malformed, 4);
	assert_int_equal(in.n, 2);
	assert_true(in.ino[0] == 7001 && in.ino[1] == 7009);
	procnet_close(p);
	scratch_remove(root, "unix");
}

/* Many lines cross the read buffer at every offset: none is lost. */
static void
test_procnet_collect_many(void **state)
{
	struct dump_req req = { AF_INET, PROTO_TCP, ST_ALL };
	struct source_stats st = { 0, 0, 0 };
	struct tally t = { 0, 0, 1 };
	struct procnet *p;
	char root[64];
	FILE *fp;
	size_t i, n = 50000;

	(void)state;
	scratch_root(root, sizeof(root), "tcp", &fp);
	fprintf(fp, "  sl  local_address rem_address   st\n");
	for (i = 1; i <= n; i++)
		fprintf(fp, "%4zu: 0100007F:%04zX 00000000:0000 %02X "
		    "00000000:00000000 00:00000000 00000000  1000        0 "
		    "%zu 1 0000000000000000 100 0 0 10 0%*s\n", i - 1,
		    i % 65536, i % 2 ? 0x0A : 0x01, i, (int)(i % 40), "");
	assert_int_equal(fclose(fp), 0);
	assert_non_null(p = procnet_open(root));
	assert_int_equal(procnet_collect(p, &req, tally_cb, &t, &st), 0);
	procnet_close(p);
	scratch_remove(root, "tcp");
	assert_int_equal(t.n, n);
	assert_true(t.order_ok);
	assert_true(t.inode_sum == (uint64_t)n * (n + 1) / 2);
	assert_int_equal(st.malformed, 0);
}

/* A line longer than the read buffer is one malformed line. */
static void
test_procnet_collect_long_line(void **state)
{
	struct dump_req req = { AF_INET, PROTO_UDP, ST_ALL };
	struct source_stats st = { 0, 0, 0 };
	struct tally t = { 0, 0, 1 };
	struct procnet *p;
	char root[64];
	FILE *fp;
	size_t i;
	const char *fmt = "%4d: 0100007F:%04X 00000000:0000 07 "
	    "00000000:00000000 00:00000000 00000000 0 0 %d\n";

	(void)state;
	scratch_root(root, sizeof(root), "udp", &fp);
	fprintf(fp, "header\n");
	fprintf(fp, fmt, 0, 1, 1);
	for (i = 0; i < 700000; i++)
		fputc('A' + (int)(i % 26), fp);
	fputc('\n', fp);
	fprintf(fp, fmt, 1, 2, 2);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(p = procnet_open(root));
	assert_int_equal(procnet_collect(p, &req, tally_cb, &t, &st), 0);
	procnet_close(p);
	scratch_remove(root, "udp");
	assert_int_equal(t.n, 2);
	assert_true(t.order_ok);
	assert_int_equal(st.malformed, 1);
}

/* The real kernel: sockets made here must be found with their fields. */
struct find {
	uint64_t	 inode[8];
	struct sock_row	 rows[8];
	char		 paths[8][128];
	int		 found[8];
};

static int
find_cb(const struct sock_row *r, void *arg)
{
	struct find *f = arg;
	size_t i;

	for (i = 0; i < 8; i++) {
		if (f->inode[i] == 0 || r->inode != f->inode[i])
			continue;
		f->rows[i] = *r;
		if (r->path != NULL) {
			memcpy(f->paths[i], r->path, r->path_len);
			f->rows[i].path = f->paths[i];
		}
		f->found[i]++;
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

static void
real_collect(int family, enum sock_proto proto, struct find *f)
{
	struct dump_req req = { family, proto, ST_ALL };
	struct source_stats st = { 0, 0, 0 };
	const struct source *src = &procnet_source;
	void *h;

	assert_string_equal(src->name, "proc");
	assert_non_null(h = src->open("/proc"));
	assert_int_equal(src->collect(h, &req, find_cb, f, &st), 0);
	src->close(h);
	/*
	 * The kernel's own lines are all well formed, but for a UNIX name
	 * holding a newline, which any process on the machine may bind.
	 */
	if (family != AF_UNIX)
		assert_int_equal(st.malformed, 0);
}

static void
test_procnet_collect_real_inet(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	socklen_t sl;
	struct find f;
	int lfd, cfd, afd, ufd;
	uint16_t lport, cport;

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	sl = sizeof(sin);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	lport = ntohs(sin.sin_port);
	assert_true((cfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_true((afd = accept(lfd, NULL, NULL)) >= 0);
	sl = sizeof(sin);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&sin, &sl), 0);
	cport = ntohs(sin.sin_port);
	assert_int_equal(write(cfd, "hello", 5), 5);

	f.inode[0] = fd_inode(lfd);
	f.inode[1] = fd_inode(cfd);
	f.inode[2] = fd_inode(afd);
	real_collect(AF_INET, PROTO_TCP, &f);
	assert_int_equal(f.found[0], 1);
	assert_int_equal(f.found[1], 1);
	assert_int_equal(f.found[2], 1);
	assert_int_equal(f.rows[0].state, ST_LISTEN);
	assert_int_equal(f.rows[0].lport, lport);
	assert_int_equal(f.rows[0].rport, 0);
	assert_int_equal(f.rows[0].uid, getuid());
	assert_v4(&f.rows[0].laddr.v4, "127.0.0.1");
	assert_int_equal(f.rows[1].state, ST_ESTABLISHED);
	assert_int_equal(f.rows[1].lport, cport);
	assert_int_equal(f.rows[1].rport, lport);
	assert_v4(&f.rows[1].raddr.v4, "127.0.0.1");
	assert_int_equal(f.rows[2].state, ST_ESTABLISHED);
	assert_int_equal(f.rows[2].lport, lport);
	assert_int_equal(f.rows[2].rport, cport);
	/* The unread "hello" waits in the accepted socket's queue. */
	assert_int_equal(f.rows[2].rqueue, 5);
	assert_int_equal(f.rows[2].type, SOCK_STREAM);
	close(afd);
	close(cfd);
	close(lfd);

	memset(&f, 0, sizeof(f));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	assert_true((ufd = socket(AF_INET6, SOCK_DGRAM, 0)) >= 0);
	if (bind(ufd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1) {
		/* IPv6 disabled on this host: nothing to compare. */
		close(ufd);
		return;
	}
	sl = sizeof(sin6);
	assert_int_equal(getsockname(ufd, (struct sockaddr *)&sin6, &sl), 0);
	f.inode[0] = fd_inode(ufd);
	real_collect(AF_INET6, PROTO_UDP, &f);
	assert_int_equal(f.found[0], 1);
	assert_int_equal(f.rows[0].family, AF_INET6);
	assert_int_equal(f.rows[0].type, SOCK_DGRAM);
	assert_int_equal(f.rows[0].state, ST_CLOSE);
	assert_int_equal(f.rows[0].lport, ntohs(sin6.sin6_port));
	assert_v6(&f.rows[0].laddr.v6, "::1");
	assert_v6(&f.rows[0].raddr.v6, "::");
	close(ufd);

	/* UDP-Lite over IPv6, from /proc/net/udplite6. */
	memset(&f, 0, sizeof(f));
	if ((ufd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE)) == -1)
		return;		/* a kernel without UDP-Lite */
	sin6.sin6_port = 0;
	assert_int_equal(bind(ufd, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	sl = sizeof(sin6);
	assert_int_equal(getsockname(ufd, (struct sockaddr *)&sin6, &sl), 0);
	f.inode[0] = fd_inode(ufd);
	real_collect(AF_INET6, PROTO_UDPLITE, &f);
	assert_int_equal(f.found[0], 1);
	assert_int_equal(f.rows[0].proto, PROTO_UDPLITE);
	assert_int_equal(f.rows[0].type, SOCK_DGRAM);
	assert_int_equal(f.rows[0].lport, ntohs(sin6.sin6_port));
	close(ufd);
}

static void
test_procnet_collect_real_unix(void **state)
{
	struct sockaddr_un sun;
	struct find f;
	char dir[64], path[128];
	static const char abs[] = "\0sockstat-test@x y";
	int pfd, afd, sp[2];

	(void)state;
	memset(&f, 0, sizeof(f));
	snprintf(dir, sizeof(dir), "/tmp/test_procnet.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a sock  2", dir);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	assert_true((pfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(pfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(pfd, 1), 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, abs, sizeof(abs) - 1);
	assert_true((afd = socket(AF_UNIX, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(bind(afd, (struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + sizeof(abs) - 1), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);

	f.inode[0] = fd_inode(pfd);
	f.inode[1] = fd_inode(afd);
	f.inode[2] = fd_inode(sp[0]);
	real_collect(AF_UNIX, PROTO_UNIX, &f);
	assert_int_equal(f.found[0], 1);
	assert_int_equal(f.found[1], 1);
	assert_int_equal(f.found[2], 1);
	assert_int_equal(f.rows[0].state, ST_LISTEN);
	assert_int_equal(f.rows[0].type, SOCK_STREAM);
	assert_int_equal(f.rows[0].path_len, strlen(path));
	assert_memory_equal(f.rows[0].path, path, strlen(path));
	assert_int_equal(f.rows[0].has, ROW_HAS_REFCNT);
	assert_true(f.rows[0].refcnt >= 1);
	assert_int_equal(f.rows[1].type, SOCK_DGRAM);
	assert_int_equal(f.rows[1].state, ST_CLOSE);
	assert_int_equal(f.rows[1].path_len, sizeof(abs) - 1);
	assert_memory_equal(f.rows[1].path, abs, sizeof(abs) - 1);
	assert_int_equal(f.rows[2].type, SOCK_SEQPACKET);
	assert_int_equal(f.rows[2].state, ST_ESTABLISHED);
	assert_null(f.rows[2].path);

	close(sp[0]);
	close(sp[1]);
	close(afd);
	close(pfd);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * The first line is the column titles only when it is not a row: a file
 * in another order loses no row, and its misplaced titles are counted.
 */
static void
test_procnet_collect_first_line(void **state)
{
	static const char text[] =
	    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0\n"
	    "  sl  local_address rem_address   st tx_queue rx_queue tr "
	    "tm->when retrnsmt   uid  timeout inode\n"
	    "   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 4243 1 0 100 0 0 10 0";
	char root[] = "/tmp/test_procnet.XXXXXX", path[64];
	struct got g;
	struct source_stats st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/net", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/net/tcp", root);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(collect_fixture(root, AF_INET, PROTO_TCP, ST_ALL,
	    &g, &st), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.rows[0].inode, 4242);
	assert_int_equal(g.rows[1].inode, 4243);	/* no final newline */
	assert_int_equal(st.malformed, 1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/net", root);
	rmdir(path);
	rmdir(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procnet_parse_inet_ipv4),
		cmocka_unit_test(test_procnet_parse_inet_probes),
		cmocka_unit_test(test_procnet_parse_inet_udplite),
		cmocka_unit_test(test_procnet_collect_unix_forged),
		cmocka_unit_test(test_procnet_parse_inet_ipv6_byteorder),
		cmocka_unit_test(test_procnet_parse_inet_states),
		cmocka_unit_test(test_procnet_parse_inet_timewait),
		cmocka_unit_test(test_procnet_parse_inet_short),
		cmocka_unit_test(test_procnet_parse_inet_garbage),
		cmocka_unit_test(test_procnet_parse_inet_args),
		cmocka_unit_test(test_procnet_parse_inet_udp_raw),
		cmocka_unit_test(test_procnet_parse_unix_named),
		cmocka_unit_test(test_procnet_parse_unix_abstract),
		cmocka_unit_test(test_procnet_parse_unix_unnamed),
		cmocka_unit_test(test_procnet_parse_unix_states),
		cmocka_unit_test(test_procnet_parse_unix_garbage),
		cmocka_unit_test(test_procnet_parse_unix_pathbuf),
		cmocka_unit_test(test_procnet_parse_fuzz),
		cmocka_unit_test(test_procnet_collect_tcp),
		cmocka_unit_test(test_procnet_collect_states),
		cmocka_unit_test(test_procnet_collect_tcp6),
		cmocka_unit_test(test_procnet_collect_udp_raw),
		cmocka_unit_test(test_procnet_collect_unix),
		cmocka_unit_test(test_procnet_collect_missing),
		cmocka_unit_test(test_procnet_collect_first_line),
		cmocka_unit_test(test_procnet_collect_bad_req),
		cmocka_unit_test(test_procnet_collect_cb_stop),
		cmocka_unit_test(test_procnet_collect_many),
		cmocka_unit_test(test_procnet_collect_long_line),
		cmocka_unit_test(test_procnet_collect_real_inet),
		cmocka_unit_test(test_procnet_collect_real_unix),
		cmocka_unit_test(test_procnet_pin_keeps_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
