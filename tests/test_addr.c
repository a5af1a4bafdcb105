/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_addr.c - host, port and netstat "host:port" text.
 *
 * Expected strings come from netstat -an (net-tools 2.10) run against
 * sockets of the same addresses in a private network namespace; see
 * tests/test_fmt_table.c for the script.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "addr.h"

static union sock_addr
v4(const char *s)
{
	union sock_addr a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(inet_pton(AF_INET, s, &a.v4), 1);
	return a;
}

static union sock_addr
v6(const char *s)
{
	union sock_addr a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(inet_pton(AF_INET6, s, &a.v6), 1);
	return a;
}

static void
check_host(int family, union sock_addr a, unsigned flags, const char *want)
{
	char buf[ADDR_HOST_MAX];
	int n;

	n = addr_host(buf, sizeof(buf), family, &a, flags);
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void
test_addr_host_v4(void **state)
{
	(void)state;
	check_host(AF_INET, v4("127.0.0.1"), 0, "127.0.0.1");
	check_host(AF_INET, v4("0.0.0.0"), 0, "0.0.0.0");
	check_host(AF_INET, v4("255.255.255.255"), 0, "255.255.255.255");
	check_host(AF_INET, v4("10.0.200.3"), ADDR_BRACKET, "10.0.200.3");
}

static void
test_addr_host_v6(void **state)
{
	(void)state;
	check_host(AF_INET6, v6("::1"), 0, "::1");
	check_host(AF_INET6, v6("::"), 0, "::");
	check_host(AF_INET6, v6("fd12:3456:789a:bcde:1234:5678:9abc:def0"), 0,
	    "fd12:3456:789a:bcde:1234:5678:9abc:def0");
	check_host(AF_INET6, v6("fe80::1"), ADDR_BRACKET, "[fe80::1]");
	/* netstat shows a v4-mapped peer as the plain IPv4 address. */
	check_host(AF_INET6, v6("::ffff:127.0.0.1"), ADDR_UNMAP, "127.0.0.1");
	check_host(AF_INET6, v6("::ffff:127.0.0.1"), 0, "::ffff:127.0.0.1");
}

/*
 * The hand-written formatters against glibc's inet_ntop: every pattern
 * of zero and non-zero groups (the "::" choice), with random values, and
 * the embedded IPv4 forms.
 */
static void
test_addr_host_matches_inet_ntop(void **state)
{
	char want[INET6_ADDRSTRLEN], got[ADDR_HOST_MAX];
	union sock_addr a;
	unsigned mask, i, round, seed = 12345;
	int n;

	(void)state;
	for (round = 0; round < 8; round++) {
		for (mask = 0; mask < 256; mask++) {
			memset(&a, 0, sizeof(a));
			for (i = 0; i < 8; i++) {
				if (!(mask & 1U << i))
					continue;
				seed = seed * 1103515245 + 12345;
				/* Round 0 uses 1-digit groups, then any. */
				a.v6.s6_addr[2 * i] = round == 0 ? 0 : seed >> 16;
				a.v6.s6_addr[2 * i + 1] = round == 0 ? 1 :
				    (seed >> 8 | 1);
			}
			/* Rounds 2 and 3 try the v4-mapped prefix. */
			if (round == 2 || round == 3) {
				memset(a.v6.s6_addr, 0, 10);
				a.v6.s6_addr[10] = a.v6.s6_addr[11] = 0xff;
			}
			inet_ntop(AF_INET6, &a.v6, want, sizeof(want));
			n = addr_host(got, sizeof(got), AF_INET6, &a, 0);
			assert_string_equal(got, want);
			assert_int_equal(n, (int)strlen(want));
		}
	}
	for (i = 0; i < 100000; i++) {
		seed = seed * 1103515245 + 12345;
		a.v4.s_addr = seed ^ (seed >> 13) * 7;
		inet_ntop(AF_INET, &a.v4, want, sizeof(want));
		n = addr_host(got, sizeof(got), AF_INET, &a, 0);
		assert_string_equal(got, want);
		assert_int_equal(n, (int)strlen(want));
	}
	check_host(AF_INET6, v6("::1.2.3.4"), 0, "::1.2.3.4");
	check_host(AF_INET6, v6("::ffff:0.0.0.0"), 0, "::ffff:0.0.0.0");
	check_host(AF_INET6, v6("1:0:0:2:0:0:0:3"), 0, "1:0:0:2::3");
	check_host(AF_INET6, v6("1:0:0:2:0:0:3:4"), 0, "1::2:0:0:3:4");
	check_host(AF_INET6, v6("1:0:2:3:4:5:6:7"), 0, "1:0:2:3:4:5:6:7");
	check_host(AF_INET6, v6("abcd:ef01::"), 0, "abcd:ef01::");
}

static void
test_addr_host_resolve(void **state)
{
	(void)state;
	/* netstat -a (names): "0.0.0.0:ssh", "[::]:ssh". */
	check_host(AF_INET, v4("0.0.0.0"), ADDR_RESOLVE, "0.0.0.0");
	check_host(AF_INET6, v6("::"), ADDR_RESOLVE, "[::]");
	/* /etc/hosts answers for loopback; no DNS is reached. */
	check_host(AF_INET, v4("127.0.0.1"), ADDR_RESOLVE, "localhost");
}

static void
test_addr_host_errors(void **state)
{
	union sock_addr a = v6("fd12:3456:789a:bcde:1234:5678:9abc:def0");
	char buf[8];

	(void)state;
	errno = 0;
	assert_int_equal(addr_host(buf, sizeof(buf), AF_INET6, &a, 0), -1);
	assert_int_equal(errno, ENOSPC);
	assert_string_equal(buf, "");
	errno = 0;
	assert_int_equal(addr_host(buf, sizeof(buf), AF_UNIX, &a, 0), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	/* Exactly fits: 7 characters and the NUL. */
	a = v4("1.2.3.4");
	assert_int_equal(addr_host(buf, sizeof(buf), AF_INET, &a, 0), 7);
	assert_string_equal(buf, "1.2.3.4");
}

static void
check_port(unsigned proto, unsigned port, int numeric, const char *want)
{
	char buf[ADDR_PORT_MAX];
	int n;

	n = addr_port(buf, sizeof(buf), proto, port, numeric);
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void
test_addr_port_numeric(void **state)
{
	(void)state;
	check_port(PROTO_TCP, 0, 1, "*");
	check_port(PROTO_TCP, 22, 1, "22");
	check_port(PROTO_UDP, 65535, 1, "65535");
	check_port(PROTO_RAW, 58, 1, "58");
	check_port(PROTO_UDP, 0, 0, "*");
}

/* Service names need /etc/services (netbase); skip on a bare system. */
static void
test_addr_port_names(void **state)
{
	(void)state;
	if (getservbyport(htons(22), "tcp") == NULL ||
	    getprotobynumber(58) == NULL)
		skip();
	/* From netstat -a: "0.0.0.0:ssh", "127.0.0.1:domain", ":::ntp",
	 * "127.0.0.1:mdns", "0.0.0.0:icmp", ":::ipv6-icmp". */
	check_port(PROTO_TCP, 22, 0, "ssh");
	check_port(PROTO_TCP, 8080, 0, "http-alt");
	check_port(PROTO_UDP, 53, 0, "domain");
	check_port(PROTO_UDP, 5353, 0, "mdns");
	check_port(PROTO_UDP, 123, 0, "ntp");
	check_port(PROTO_RAW, 1, 0, "icmp");
	check_port(PROTO_RAW, 6, 0, "tcp");
	check_port(PROTO_RAW, 58, 0, "ipv6-icmp");
	/* No name: the number. */
	check_port(PROTO_TCP, 40000, 0, "40000");
	check_port(PROTO_RAW, 300, 0, "300");
	/* The tables are read again after being freed. */
	addr_cache_free();
	check_port(PROTO_UDP, 53, 0, "domain");
	addr_cache_free();
	addr_cache_free();
}

static void
test_addr_port_errors(void **state)
{
	char buf[3];

	(void)state;
	errno = 0;
	assert_int_equal(addr_port(buf, sizeof(buf), PROTO_TCP, 443, 1), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(addr_port(buf, sizeof(buf), PROTO_TCP, 80, 1), 2);
	assert_string_equal(buf, "80");
}

static struct sock_row
inet_row(int family, unsigned proto, const char *l, unsigned lport,
    const char *r, unsigned rport)
{
	struct sock_row row;

	memset(&row, 0, sizeof(row));
	row.family = family;
	row.proto = proto;
	row.laddr = family == AF_INET ? v4(l) : v6(l);
	row.raddr = family == AF_INET ? v4(r) : v6(r);
	row.lport = lport;
	row.rport = rport;
	return row;
}

static void
check_netstat(const struct sock_row *r, const struct options *o,
    const char *local, const char *foreign)
{
	char buf[ADDR_HOSTPORT_MAX];

	assert_int_equal(addr_netstat(buf, sizeof(buf), r, 0, o),
	    (int)strlen(local));
	assert_string_equal(buf, local);
	assert_int_equal(addr_netstat(buf, sizeof(buf), r, 1, o),
	    (int)strlen(foreign));
	assert_string_equal(buf, foreign);
}

static void
test_addr_netstat_numeric(void **state)
{
	struct options o;
	struct sock_row r;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.numeric_hosts = o.numeric_ports = 1;
	/* netstat -an rows of the namespace script. */
	r = inet_row(AF_INET, PROTO_TCP, "0.0.0.0", 22, "0.0.0.0", 0);
	check_netstat(&r, &o, "0.0.0.0:22", "0.0.0.0:*");
	r = inet_row(AF_INET6, PROTO_TCP, "::", 22, "::", 0);
	check_netstat(&r, &o, ":::22", ":::*");
	r = inet_row(AF_INET6, PROTO_TCP, "::ffff:127.0.0.1", 59330,
	    "::ffff:127.0.0.1", 22);
	check_netstat(&r, &o, "127.0.0.1:59330", "127.0.0.1:22");
	r = inet_row(AF_INET, PROTO_RAW, "127.0.0.1", 6, "0.0.0.0", 0);
	check_netstat(&r, &o, "127.0.0.1:6", "0.0.0.0:*");
	/* netstat cuts this to "fd12:3456:789a:bc:50001"; sockstat does not. */
	r = inet_row(AF_INET6, PROTO_TCP,
	    "fd12:3456:789a:bcde:1234:5678:9abc:def0", 50001,
	    "fd12:3456:789a:bcde:1234:5678:9abc:def0", 443);
	check_netstat(&r, &o, "fd12:3456:789a:bcde:1234:5678:9abc:def0:50001",
	    "fd12:3456:789a:bcde:1234:5678:9abc:def0:443");
	/* A UNIX row has no host:port. */
	r.family = AF_UNIX;
	r.proto = PROTO_UNIX;
	{
		char buf[ADDR_HOSTPORT_MAX];

		errno = 0;
		assert_int_equal(addr_netstat(buf, sizeof(buf), &r, 0, &o), -1);
		assert_int_equal(errno, EAFNOSUPPORT);
	}
}

static void
test_addr_netstat_names(void **state)
{
	struct options o;
	struct sock_row r;

	(void)state;
	if (getservbyport(htons(22), "tcp") == NULL)
		skip();
	memset(&o, 0, sizeof(o));
	/* Numeric hosts, named ports: netstat -a --numeric-hosts. */
	o.numeric_hosts = 1;
	r = inet_row(AF_INET6, PROTO_UDP, "::", 123, "::", 0);
	check_netstat(&r, &o, ":::ntp", ":::*");
	r = inet_row(AF_INET, PROTO_UDP, "127.0.0.1", 5353, "127.0.0.1", 53);
	check_netstat(&r, &o, "127.0.0.1:mdns", "127.0.0.1:domain");
	/* -r without -n: names, as netstat -a prints them. */
	o.numeric_hosts = 0;
	o.resolve = 1;
	r = inet_row(AF_INET6, PROTO_TCP, "::", 22, "::", 0);
	check_netstat(&r, &o, "[::]:ssh", "[::]:*");
	r = inet_row(AF_INET, PROTO_TCP, "127.0.0.1", 8080, "0.0.0.0", 0);
	check_netstat(&r, &o, "localhost:http-alt", "0.0.0.0:*");
	/* -r -n: numeric wins. */
	o.numeric_hosts = 1;
	check_netstat(&r, &o, "127.0.0.1:http-alt", "0.0.0.0:*");
	addr_cache_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_host_v4),
		cmocka_unit_test(test_addr_host_v6),
		cmocka_unit_test(test_addr_host_matches_inet_ntop),
		cmocka_unit_test(test_addr_host_resolve),
		cmocka_unit_test(test_addr_host_errors),
		cmocka_unit_test(test_addr_port_numeric),
		cmocka_unit_test(test_addr_port_names),
		cmocka_unit_test(test_addr_port_errors),
		cmocka_unit_test(test_addr_netstat_numeric),
		cmocka_unit_test(test_addr_netstat_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
