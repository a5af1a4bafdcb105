/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fmt_table.c - the netstat face against real netstat output.
 *
 * Where the expectations come from: as root, inside `unshare -n` (a
 * private network namespace, so only these sockets show), a Python script
 * brought up lo, added fd12:3456:789a:bcde:1234:5678:9abc:def0/128 to it
 * and opened, all in one process (pid 19029, "python3"):
 *   TCP listeners 0.0.0.0:22 (one connection waiting, Recv-Q 1),
 *   127.0.0.1:8080 with 127.0.0.1:40000 connected to it (10 bytes unread,
 *   SO_KEEPALIVE), a v6only [::]:22, [fd12::...]:443 with
 *   [fd12::...]:50001 connected, an IPv6 client to ::ffff:127.0.0.1:22
 *   whose peer was closed, a connection to 127.0.0.1:22 closed by both
 *   ends (FIN_WAIT2 in timewait); UDP 127.0.0.1:53, 127.0.0.1:5353
 *   connected to :53, [::]:123; RAW ICMP, ICMPv6 and IPPROTO_TCP bound to
 *   127.0.0.1 (3334 bytes queued); UNIX: STREAM listener /tmp/fx/lst with
 *   one connection, a socketpair, SEQPACKET listener "/tmp/fx/e\x1bsc\nnl"
 *   and abstract DGRAM "\0abs\0x\x1by".
 * It then ran `netstat -an`, `-ane`, `-anp` and `-aneop` (net-tools 2.10)
 * and the lines below are that output, taken through `cat -A` so trailing
 * spaces are exact.  The rows are those same sockets as sources report
 * them; rows netstat cuts or prints raw (fd12 addresses, the ESC names)
 * have tests of their own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "filter.h"
#include "fmt.h"
#include "procmap.h"

/* netstat -an, rows that fit (all but fd12:... and the two ESC names) */
static const char want_an[] =
	"Active Internet connections (servers and established)\n"
	"Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n"
	"tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN     \n"
	"tcp        1      0 0.0.0.0:22              0.0.0.0:*               LISTEN     \n"
	"tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED\n"
	"tcp        0      0 127.0.0.1:22            127.0.0.1:33720         FIN_WAIT2  \n"
	"tcp        0      0 127.0.0.1:33732         127.0.0.1:22            FIN_WAIT2  \n"
	"tcp       10      0 127.0.0.1:40000         127.0.0.1:8080          ESTABLISHED\n"
	"tcp        1      0 127.0.0.1:22            127.0.0.1:33732         CLOSE_WAIT \n"
	"tcp6       0      0 :::22                   :::*                    LISTEN     \n"
	"tcp6       1      0 127.0.0.1:33720         127.0.0.1:22            CLOSE_WAIT \n"
	"udp        0      0 127.0.0.1:53            0.0.0.0:*                          \n"
	"udp        0      0 127.0.0.1:5353          127.0.0.1:53            ESTABLISHED\n"
	"udp6       0      0 :::123                  :::*                               \n"
	"raw     3334      0 127.0.0.1:6             0.0.0.0:*               7          \n"
	"raw        0      0 0.0.0.0:1               0.0.0.0:*               7          \n"
	"raw6       0      0 :::58                   :::*                    7          \n"
	"Active UNIX domain sockets (servers and established)\n"
	"Proto RefCnt Flags       Type       State         I-Node   Path\n"
	"unix  2      [ ACC ]     STREAM     LISTENING     1998341  /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998347  \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998342  \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998343  /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998346  \n";

/* netstat -ane, rows that fit (all but fd12:... and the two ESC names) */
static const char want_ane[] =
	"Active Internet connections (servers and established)\n"
	"Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode     \n"
	"tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN      0          1998327   \n"
	"tcp        1      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1998326   \n"
	"tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED 0          1998329   \n"
	"tcp        0      0 127.0.0.1:22            127.0.0.1:33720         FIN_WAIT2   0          0         \n"
	"tcp        0      0 127.0.0.1:33732         127.0.0.1:22            FIN_WAIT2   0          0         \n"
	"tcp       10      0 127.0.0.1:40000         127.0.0.1:8080          ESTABLISHED 0          1998328   \n"
	"tcp        1      0 127.0.0.1:22            127.0.0.1:33732         CLOSE_WAIT  0          0         \n"
	"tcp6       0      0 :::22                   :::*                    LISTEN      0          1998330   \n"
	"tcp6       1      0 127.0.0.1:33720         127.0.0.1:22            CLOSE_WAIT  0          1998334   \n"
	"udp        0      0 127.0.0.1:53            0.0.0.0:*                           0          1998335   \n"
	"udp        0      0 127.0.0.1:5353          127.0.0.1:53            ESTABLISHED 0          1998336   \n"
	"udp6       0      0 :::123                  :::*                                0          1998337   \n"
	"raw     3334      0 127.0.0.1:6             0.0.0.0:*               7           0          1998340   \n"
	"raw        0      0 0.0.0.0:1               0.0.0.0:*               7           0          1998338   \n"
	"raw6       0      0 :::58                   :::*                    7           0          1998339   \n"
	"Active UNIX domain sockets (servers and established)\n"
	"Proto RefCnt Flags       Type       State         I-Node   Path\n"
	"unix  2      [ ACC ]     STREAM     LISTENING     1998341  /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998347  \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998342  \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998343  /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998346  \n";

/* netstat -anp, rows that fit (all but fd12:... and the two ESC names) */
static const char want_anp[] =
	"Active Internet connections (servers and established)\n"
	"Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n"
	"tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN      19029/python3       \n"
	"tcp        1      0 0.0.0.0:22              0.0.0.0:*               LISTEN      19029/python3       \n"
	"tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED 19029/python3       \n"
	"tcp        0      0 127.0.0.1:22            127.0.0.1:33720         FIN_WAIT2   -                   \n"
	"tcp        0      0 127.0.0.1:33732         127.0.0.1:22            FIN_WAIT2   -                   \n"
	"tcp       10      0 127.0.0.1:40000         127.0.0.1:8080          ESTABLISHED 19029/python3       \n"
	"tcp        1      0 127.0.0.1:22            127.0.0.1:33732         CLOSE_WAIT  -                   \n"
	"tcp6       0      0 :::22                   :::*                    LISTEN      19029/python3       \n"
	"tcp6       1      0 127.0.0.1:33720         127.0.0.1:22            CLOSE_WAIT  19029/python3       \n"
	"udp        0      0 127.0.0.1:53            0.0.0.0:*                           19029/python3       \n"
	"udp        0      0 127.0.0.1:5353          127.0.0.1:53            ESTABLISHED 19029/python3       \n"
	"udp6       0      0 :::123                  :::*                                19029/python3       \n"
	"raw     3334      0 127.0.0.1:6             0.0.0.0:*               7           19029/python3       \n"
	"raw        0      0 0.0.0.0:1               0.0.0.0:*               7           19029/python3       \n"
	"raw6       0      0 :::58                   :::*                    7           19029/python3       \n"
	"Active UNIX domain sockets (servers and established)\n"
	"Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\n"
	"unix  2      [ ACC ]     STREAM     LISTENING     1998341  19029/python3        /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998347  19029/python3        \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998342  19029/python3        \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998343  19029/python3        /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998346  19029/python3        \n";

/* netstat -aneop, rows that fit (all but fd12:... and the two ESC names) */
static const char want_aneop[] =
	"Active Internet connections (servers and established)\n"
	"Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n"
	"tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN      0          1998327    19029/python3        off (0.00/0/0)\n"
	"tcp        1      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1998326    19029/python3        off (0.00/0/0)\n"
	"tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED 0          1998329    19029/python3        off (0.00/0/0)\n"
	"tcp        0      0 127.0.0.1:22            127.0.0.1:33720         FIN_WAIT2   0          0          -                    timewait (51.96/0/0)\n"
	"tcp        0      0 127.0.0.1:33732         127.0.0.1:22            FIN_WAIT2   0          0          -                    timewait (51.96/0/0)\n"
	"tcp       10      0 127.0.0.1:40000         127.0.0.1:8080          ESTABLISHED 0          1998328    19029/python3        keepalive (7191.95/0/0)\n"
	"tcp        1      0 127.0.0.1:22            127.0.0.1:33732         CLOSE_WAIT  0          0          -                    off (0.00/0/0)\n"
	"tcp6       0      0 :::22                   :::*                    LISTEN      0          1998330    19029/python3        off (0.00/0/0)\n"
	"tcp6       1      0 127.0.0.1:33720         127.0.0.1:22            CLOSE_WAIT  0          1998334    19029/python3        off (0.00/0/0)\n"
	"udp        0      0 127.0.0.1:53            0.0.0.0:*                           0          1998335    19029/python3        off (0.00/0/0)\n"
	"udp        0      0 127.0.0.1:5353          127.0.0.1:53            ESTABLISHED 0          1998336    19029/python3        off (0.00/0/0)\n"
	"udp6       0      0 :::123                  :::*                                0          1998337    19029/python3        off (0.00/0/0)\n"
	"raw     3334      0 127.0.0.1:6             0.0.0.0:*               7           0          1998340    19029/python3        off (0.00/0/0)\n"
	"raw        0      0 0.0.0.0:1               0.0.0.0:*               7           0          1998338    19029/python3        off (0.00/0/0)\n"
	"raw6       0      0 :::58                   :::*                    7           0          1998339    19029/python3        off (0.00/0/0)\n"
	"Active UNIX domain sockets (servers and established)\n"
	"Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\n"
	"unix  2      [ ACC ]     STREAM     LISTENING     1998341  19029/python3        /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998347  19029/python3        \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998342  19029/python3        \n"
	"unix  3      [ ]         STREAM     CONNECTED     1998343  19029/python3        /tmp/fx/lst\n"
	"unix  3      [ ]         STREAM     CONNECTED     1998346  19029/python3        \n";

/* netstat -an of the same sockets cuts the fd12 addresses to 23 columns */
static const char want_wide[] =
	"Active Internet connections (servers and established)\n"
	"Proto Recv-Q Send-Q Local Address                                 Foreign Address                               State      \n"
	"tcp6       0      0 :::22                                         :::*                                          LISTEN     \n"
	"tcp6       0      0 fd12:3456:789a:bcde:1234:5678:9abc:def0:443   :::*                                          LISTEN     \n"
	"tcp6       0      0 fd12:3456:789a:bcde:1234:5678:9abc:def0:443   fd12:3456:789a:bcde:1234:5678:9abc:def0:50001 ESTABLISHED\n"
	"tcp6       0      0 fd12:3456:789a:bcde:1234:5678:9abc:def0:50001 fd12:3456:789a:bcde:1234:5678:9abc:def0:443   ESTABLISHED\n"
	"tcp6       1      0 127.0.0.1:33720                               127.0.0.1:22                                  CLOSE_WAIT \n";

/* One socket of the fixture, in netstat's order. */
struct fx {
	int		 family;
	unsigned	 proto, type, state;
	const char	*laddr;
	unsigned	 lport;
	const char	*raddr;
	unsigned	 rport;
	uint32_t	 rq, refcnt;
	uint64_t	 inode;
	int		 owned;		/* held by 19029/python3 */
	unsigned	 timer;
	uint64_t	 expires_ms;
	const char	*path;
	size_t		 path_len;
};

#define TW	TIMER_TIMEWAIT, 51965	/* netstat: timewait (51.96/0/0) */
#define KA	TIMER_KEEPALIVE, 7191957 /* keepalive (7191.95/0/0) */
#define LOC	"127.0.0.1"
#define ANY	"0.0.0.0"
#define MAP	"::ffff:127.0.0.1"

static const struct fx fixture[] = {
	{ AF_INET, PROTO_TCP, SOCK_STREAM, ST_LISTEN, LOC, 8080, ANY, 0,
	    0, 0, 1998327, 1, 0, 0, NULL, 0 },
	{ AF_INET, PROTO_TCP, SOCK_STREAM, ST_LISTEN, ANY, 22, ANY, 0,
	    1, 0, 1998326, 1, 0, 0, NULL, 0 },
	{ AF_INET, PROTO_TCP, SOCK_STREAM, ST_ESTABLISHED, LOC, 8080, LOC,
	    40000, 0, 0, 1998329, 1, 0, 0, NULL, 0 },
	{ AF_INET, PROTO_TCP, SOCK_STREAM, ST_FIN_WAIT2, LOC, 22, LOC, 33720,
	    0, 0, 0, 0, TW, NULL, 0 },
	{ AF_INET, PROTO_TCP, SOCK_STREAM, ST_FIN_WAIT2, LOC, 33732, LOC, 22,
	    0, 0, 0, 0, TW, NULL, 0 },
	{ AF_INET, PROTO_TCP, SOCK_STREAM, ST_ESTABLISHED, LOC, 40000, LOC,
	    8080, 10, 0, 1998328, 1, KA, NULL, 0 },
	{ AF_INET, PROTO_TCP, SOCK_STREAM, ST_CLOSE_WAIT, LOC, 22, LOC, 33732,
	    1, 0, 0, 0, 0, 0, NULL, 0 },
	{ AF_INET6, PROTO_TCP, SOCK_STREAM, ST_LISTEN, "::", 22, "::", 0,
	    0, 0, 1998330, 1, 0, 0, NULL, 0 },
	{ AF_INET6, PROTO_TCP, SOCK_STREAM, ST_CLOSE_WAIT, MAP, 33720, MAP, 22,
	    1, 0, 1998334, 1, 0, 0, NULL, 0 },
	{ AF_INET, PROTO_UDP, SOCK_DGRAM, ST_CLOSE, LOC, 53, ANY, 0,
	    0, 0, 1998335, 1, 0, 0, NULL, 0 },
	{ AF_INET, PROTO_UDP, SOCK_DGRAM, ST_ESTABLISHED, LOC, 5353, LOC, 53,
	    0, 0, 1998336, 1, 0, 0, NULL, 0 },
	{ AF_INET6, PROTO_UDP, SOCK_DGRAM, ST_CLOSE, "::", 123, "::", 0,
	    0, 0, 1998337, 1, 0, 0, NULL, 0 },
	{ AF_INET, PROTO_RAW, SOCK_RAW, ST_CLOSE, LOC, 6, ANY, 0,
	    3334, 0, 1998340, 1, 0, 0, NULL, 0 },
	{ AF_INET, PROTO_RAW, SOCK_RAW, ST_CLOSE, ANY, 1, ANY, 0,
	    0, 0, 1998338, 1, 0, 0, NULL, 0 },
	{ AF_INET6, PROTO_RAW, SOCK_RAW, ST_CLOSE, "::", 58, "::", 0,
	    0, 0, 1998339, 1, 0, 0, NULL, 0 },
	{ AF_UNIX, PROTO_UNIX, SOCK_STREAM, ST_LISTEN, NULL, 0, NULL, 0,
	    0, 2, 1998341, 1, 0, 0, "/tmp/fx/lst", 11 },
	{ AF_UNIX, PROTO_UNIX, SOCK_STREAM, ST_ESTABLISHED, NULL, 0, NULL, 0,
	    0, 3, 1998347, 1, 0, 0, NULL, 0 },
	{ AF_UNIX, PROTO_UNIX, SOCK_STREAM, ST_ESTABLISHED, NULL, 0, NULL, 0,
	    0, 3, 1998342, 1, 0, 0, NULL, 0 },
	{ AF_UNIX, PROTO_UNIX, SOCK_STREAM, ST_ESTABLISHED, NULL, 0, NULL, 0,
	    0, 3, 1998343, 1, 0, 0, "/tmp/fx/lst", 11 },
	{ AF_UNIX, PROTO_UNIX, SOCK_STREAM, ST_ESTABLISHED, NULL, 0, NULL, 0,
	    0, 3, 1998346, 1, 0, 0, NULL, 0 },
};
#define NFIXTURE	(sizeof(fixture) / sizeof(fixture[0]))

static const struct sock_owner python3 = { 19029, 0, 3, 'u', "python3" };

static void
put_addr(union sock_addr *a, int family, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (s != NULL)
		assert_int_equal(inet_pton(family, s, a), 1);
}

/* The row a source would report for f. */
static struct sock_row
fx_row(const struct fx *f)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = f->family;
	r.proto = f->proto;
	r.type = f->type;
	r.state = f->state;
	r.has = ROW_HAS_QUEUES;
	if (f->proto != PROTO_UNIX) {
		put_addr(&r.laddr, f->family, f->laddr);
		put_addr(&r.raddr, f->family, f->raddr);
		r.has |= ROW_HAS_UID;
	} else
		r.has |= ROW_HAS_REFCNT;
	if (f->proto == PROTO_TCP)
		r.has |= ROW_HAS_TIMER;
	r.lport = f->lport;
	r.rport = f->rport;
	r.rqueue = f->rq;
	r.refcnt = f->refcnt;
	r.inode = f->inode;
	r.timer = f->timer;
	r.expires_ms = f->expires_ms;
	r.path = f->path;
	r.path_len = f->path_len;
	if (f->owned) {
		r.owners = &python3;
		r.nowners = 1;
	}
	return r;
}

static void
numeric(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->all = 1;
	o->numeric_hosts = o->numeric_ports = o->numeric_users = 1;
}

/*
 * The dump a row comes in, in the order the pipeline runs them for the
 * netstat face (FMT_INET6_FIRST): every IPv6 dump, the IPv4 ones, UNIX.
 */
static int
dump_rank(const struct sock_row *r)
{
	if (r->proto == PROTO_UNIX)
		return 2;
	return r->family == AF_INET6 ? 0 : 1;
}

/*
 * Runs the formatter over rows as the pipeline does: begin, every row
 * in the pipeline's dump order (rows are given in netstat's order, the
 * order of the output), end; returns the text (caller frees).  The
 * options are normalised first, as main does before any pass.
 */
static char *
format(const struct options *given, const struct sock_row *rows, size_t n)
{
	struct options o = *given;
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;
	void *st;
	int rank;

	assert_true(fmt_table.order & FMT_INET6_FIRST);
	filter_normalize(&o);
	assert_non_null(f = open_memstream(&text, &len));
	assert_non_null(st = fmt_table.begin(f, &o));
	if (fmt_table.pass_order(st) & FMT_INET6_MEASURE) {
		/* IPv6 measured first, then every row in netstat's order. */
		for (i = 0; i < n; i++)
			if (dump_rank(&rows[i]) == 0)
				assert_int_equal(fmt_table.measure(st,
				    &rows[i]), 0);
		for (i = 0; i < n; i++)
			assert_int_equal(fmt_table.row(st, &rows[i]), 0);
	} else
		for (rank = 0; rank < 3; rank++)
			for (i = 0; i < n; i++)
				if (dump_rank(&rows[i]) == rank)
					assert_int_equal(fmt_table.row(st,
					    &rows[i]), 0);
	assert_int_equal(fmt_table.end(st), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void
check_fixture(const struct options *o, const char *want)
{
	struct sock_row rows[NFIXTURE];
	char *got;
	size_t i;

	for (i = 0; i < NFIXTURE; i++)
		rows[i] = fx_row(&fixture[i]);
	got = format(o, rows, NFIXTURE);
	assert_string_equal(got, want);
	free(got);
}

static void
test_fmt_table_an(void **state)
{
	struct options o;

	(void)state;
	numeric(&o);
	check_fixture(&o, want_an);
}

static void
test_fmt_table_ane(void **state)
{
	struct options o;

	(void)state;
	numeric(&o);
	o.extend = 1;
	check_fixture(&o, want_ane);
}

static void
test_fmt_table_anp(void **state)
{
	struct options o;

	(void)state;
	numeric(&o);
	o.program = 1;
	check_fixture(&o, want_anp);
}

static void
test_fmt_table_aneop(void **state)
{
	struct options o;

	(void)state;
	numeric(&o);
	o.extend = o.timers = o.program = 1;
	check_fixture(&o, want_aneop);
}

static struct sock_row
tcp6(const char *l, unsigned lport, const char *r, unsigned rport,
    unsigned st, uint32_t rq)
{
	struct fx f = { AF_INET6, PROTO_TCP, SOCK_STREAM, st, l, lport, r,
	    rport, rq, 0, 0, 0, 0, 0, NULL, 0 };

	return fx_row(&f);
}

/* Finds the column where the nth line of text has needle; -1 if none. */
static long
column_of(const char *text, int line, const char *needle)
{
	const char *p = text, *eol, *hit;

	while (line-- > 0)
		assert_non_null(p = strchr(p, '\n')), p++;
	eol = strchr(p, '\n');
	hit = strstr(p, needle);
	return hit == NULL || (eol != NULL && hit > eol) ? -1 : hit - p;
}

static void
test_fmt_table_wide_ipv6(void **state)
{
#define FD12	"fd12:3456:789a:bcde:1234:5678:9abc:def0"
	struct sock_row rows[5];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.protos = 1U << PROTO_TCP;
	rows[0] = tcp6("::", 22, "::", 0, ST_LISTEN, 0);
	rows[1] = tcp6(FD12, 443, "::", 0, ST_LISTEN, 0);
	rows[2] = tcp6(FD12, 443, FD12, 50001, ST_ESTABLISHED, 0);
	rows[3] = tcp6(FD12, 50001, FD12, 443, ST_ESTABLISHED, 0);
	rows[4] = tcp6(MAP, 33720, MAP, 22, ST_CLOSE_WAIT, 1);
	got = format(&o, rows, 5);
	assert_string_equal(got, want_wide);
	/* Nothing cut, every column where the header puts it. */
	assert_int_equal(column_of(got, 1, "Foreign Address"), 66);
	assert_int_equal(column_of(got, 3, ":::* "), 66);
	assert_int_equal(column_of(got, 4, FD12 ":50001 "), 66);
	assert_int_equal(column_of(got, 5, FD12 ":443 "), 66);
	assert_int_equal(column_of(got, 1, "State"), 112);
	assert_int_equal(column_of(got, 2, "LISTEN"), 112);
	assert_int_equal(column_of(got, 6, "CLOSE_WAIT"), 112);
	free(got);
#undef FD12
}

/* A row of any family and protocol, for the order tests. */
static struct sock_row
any_row(int family, unsigned proto, const char *l, unsigned lport,
    const char *r, unsigned rport, unsigned st)
{
	struct fx f = { family, proto, proto == PROTO_TCP ? SOCK_STREAM :
	    SOCK_DGRAM, st, l, lport, r, rport, 0, 0, 0, 0, 0, 0, NULL, 0 };

	return fx_row(&f);
}

/*
 * The rows of test_fmt_table_stream_order in netstat's order, each
 * foreign address at column col; detail lines (a tab first) skipped.
 */
static void
check_stream_order(const char *got, const char *const *foreign, long col)
{
	static const char *const proto[6] = { "tcp ", "tcp ", "tcp6", "udp ",
	    "udp6", "raw " };
	const char *p = got, *hit;
	int i, row = 0;

	for (i = 0; i < 2; i++)
		p = strchr(p, '\n') + 1;
	assert_int_equal(column_of(got, 1, "Foreign Address"), col);
	while (*p != '\0') {
		if (*p != '\t') {
			assert_true(row < 6);
			assert_int_equal(strncmp(p, proto[row], 4), 0);
			assert_non_null(hit = strstr(p, foreign[row]));
			assert_int_equal(hit - p, col);
			row++;
		}
		p = strchr(p, '\n') + 1;
	}
	assert_int_equal(row, 6);
}

/*
 * IPv4 rows print as they come (numeric, no -p -o), yet the section is
 * netstat's: tcp, tcp6, udp, udp6, raw, every address column as wide
 * as the widest IPv6 address of any protocol, a UDP one included: the
 * pipeline runs the IPv6 dumps first (format() feeds them so), so the
 * widths are known before the first IPv4 row.  With a detail line per
 * row (--extended) a first dump measures the IPv6 rows and every row
 * prints as it comes.
 */
static void
test_fmt_table_stream_order(void **state)
{
#define FD12	"fd12:3456:789a:bcde:1234:5678:9abc:def0"
	static const char *const foreign[6] = { "0.0.0.0:*",
	    "127.0.0.1:40000", ":::*", "0.0.0.0:*", ":::*", "0.0.0.0:*" };
	struct sock_row rows[6];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.protos = 1U << PROTO_TCP | 1U << PROTO_UDP | 1U << PROTO_RAW;
	rows[0] = any_row(AF_INET, PROTO_TCP, LOC, 22, ANY, 0, ST_LISTEN);
	rows[1] = any_row(AF_INET, PROTO_TCP, LOC, 22, LOC, 40000,
	    ST_ESTABLISHED);
	rows[2] = any_row(AF_INET6, PROTO_TCP, "::1", 22, "::", 0, ST_LISTEN);
	rows[3] = any_row(AF_INET, PROTO_UDP, LOC, 53, ANY, 0, ST_CLOSE);
	rows[4] = any_row(AF_INET6, PROTO_UDP, FD12, 5353, "::", 0, ST_CLOSE);
	rows[5] = any_row(AF_INET, PROTO_RAW, ANY, 1, ANY, 0, ST_CLOSE);
	got = format(&o, rows, 6);
	check_stream_order(got, foreign, (long)(20 + strlen(FD12 ":5353") + 1));
	free(got);
	o.extended = 1;
	got = format(&o, rows, 6);
	check_stream_order(got, foreign, (long)(20 + strlen(FD12 ":5353") + 1));
	free(got);
#undef FD12
}

static void
test_fmt_table_escape_path(void **state)
{
	struct fx f[2] = {
		{ AF_UNIX, PROTO_UNIX, SOCK_SEQPACKET, ST_LISTEN, NULL, 0, NULL,
		    0, 0, 2, 1998345, 0, 0, 0, "/tmp/fx/e\x1b" "sc\nnl", 15 },
		{ AF_UNIX, PROTO_UNIX, SOCK_DGRAM, ST_CLOSE, NULL, 0, NULL, 0,
		    0, 2, 1998344, 0, 0, 0, "\0abs\0x\x1by", 8 },
	};
	struct sock_row rows[2];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.protos = 1U << PROTO_UNIX;
	rows[0] = fx_row(&f[0]);
	rows[1] = fx_row(&f[1]);
	got = format(&o, rows, 2);
	/*
	 * netstat -an printed these raw: "/tmp/fx/e^[sc" (cut at the
	 * newline) and "@abs@x^[y"; the rest of each line is its own.
	 */
	assert_string_equal(got,
	    "Active UNIX domain sockets (servers and established)\n"
	    "Proto RefCnt Flags       Type       State         I-Node   Path\n"
	    "unix  2      [ ACC ]     SEQPACKET  LISTENING     1998345  "
	    "/tmp/fx/e\\x1bsc\\nnl\n"
	    "unix  2      [ ]         DGRAM                    1998344  "
	    "@abs@x\\x1by\n");
	assert_null(strchr(got, '\x1b'));
	free(got);
}

/* Row for the -o and -p tests: a TCP socket with a timer. */
static struct sock_row
timed(unsigned st, unsigned timer, uint64_t ms, uint32_t retrans)
{
	struct fx f = { AF_INET, PROTO_TCP, SOCK_STREAM, st, LOC, 8080, LOC,
	    40000, 0, 0, 5, 0, timer, ms, NULL, 0 };
	struct sock_row r = fx_row(&f);

	r.retrans = retrans;
	return r;
}

/* The same with probes: keepalive and zero window probe timers count them. */
static struct sock_row
probed(unsigned timer, uint64_t ms, uint32_t probes)
{
	struct sock_row r = timed(ST_ESTABLISHED, timer, ms, 0);

	r.probes = probes;
	return r;
}

static void
test_fmt_table_timers(void **state)
{
	struct fx u = { AF_INET, PROTO_UDP, SOCK_DGRAM, ST_CLOSE, LOC, 53, ANY,
	    0, 0, 0, 7, 0, 0, 0, NULL, 0 };
	struct sock_row rows[9];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.timers = 1;
	o.protos = 1U << PROTO_TCP | 1U << PROTO_UDP;
	rows[0] = timed(ST_LISTEN, TIMER_OFF, 0, 0);
	rows[1] = timed(ST_SYN_SENT, TIMER_ON, 200, 3);
	rows[2] = timed(ST_ESTABLISHED, TIMER_KEEPALIVE, 7199950, 0);
	rows[3] = timed(ST_TIME_WAIT, TIMER_TIMEWAIT, 59829, 0);
	rows[4] = timed(ST_ESTABLISHED, TIMER_PROBE, 509, 2);
	rows[5] = timed(ST_ESTABLISHED, TIMER_OFF, 0, 4);
	rows[6] = fx_row(&u);
	rows[7] = probed(TIMER_PROBE, 240, 1);
	rows[8] = probed(TIMER_KEEPALIVE, 110, 4);
	got = format(&o, rows, 9);
	/* Shapes from netstat -ano: off/on/keepalive/timewait/probe. */
	assert_string_equal(got,
	    "Active Internet connections (servers and established)\n"
	    "Proto Recv-Q Send-Q Local Address           Foreign Address         State       Timer\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      off (0.00/0/0)\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         SYN_SENT    on (0.20/3/0)\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED keepalive (7199.95/0/0)\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         TIME_WAIT   timewait (59.82/0/0)\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED probe (0.50/2/0)\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED off (0.00/4/0)\n"
	    "udp        0      0 127.0.0.1:53            0.0.0.0:*                           off (0.00/0/0)\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED probe (0.24/0/1)\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         ESTABLISHED keepalive (0.11/0/4)\n");
	free(got);
}

static void
test_fmt_table_programs(void **state)
{
	const struct sock_owner nginx[] = {
		{ 1200, 0, 6, 'u', "nginx" },
		{ 1201, 33, 6, 'u', "nginx" },
		{ 1200, 0, 9, 'u', "nginx" },	/* same process, another fd */
	};
	const struct sock_owner evil[] = { { 77, 0, 3, 'u', "a\x1b[2Jb" } };
	const struct sock_owner many[] = {
		{ 300001, 0, 3, 'u', "worker-process" },
		{ 300002, 0, 3, 'u', "worker-process" },
	};
	struct sock_row rows[4];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.program = 1;
	o.protos = 1U << PROTO_TCP;
	rows[0] = timed(ST_LISTEN, 0, 0, 0);
	rows[0].owners = nginx;
	rows[0].nowners = 3;
	rows[1] = timed(ST_LISTEN, 0, 0, 0);
	rows[1].owners = evil;
	rows[1].nowners = 1;
	rows[2] = timed(ST_LISTEN, 0, 0, 0);
	rows[3] = timed(ST_LISTEN, 0, 0, 0);
	rows[3].owners = many;
	rows[3].nowners = 2;
	got = format(&o, rows, 4);
	/*
	 * netstat would cut a long list to 20 columns.  Last in its line,
	 * the list runs on whole past the column, and every other row keeps
	 * netstat's 20 columns and bytes.
	 */
	assert_string_equal(got,
	    "Active Internet connections (servers and established)\n"
	    "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      1200/nginx,1201/nginx\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      77/a\\x1b[2Jb        \n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      -                   \n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      300001/worker-process,300002/worker-process\n");
	free(got);

	/* Before the Timer column (-o), the column grows instead. */
	o.timers = 1;
	got = format(&o, rows, 4);
	assert_non_null(strstr(got,
	    "PID/Program name                            Timer\n"));
	assert_non_null(strstr(got,
	    "LISTEN      -                                           off ("));
	free(got);
}

static void
test_fmt_table_users(void **state)
{
	struct sock_row rows[3];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.numeric_users = 0;
	o.extend = 1;
	o.protos = 1U << PROTO_TCP;
	rows[0] = timed(ST_LISTEN, 0, 0, 0);
	rows[1] = timed(ST_LISTEN, 0, 0, 0);
	rows[1].uid = 3999999;		/* no such user: the number */
	rows[1].inode = 12345678901ULL;	/* past netstat's 10 columns */
	rows[2] = timed(ST_LISTEN, 0, 0, 0);
	got = format(&o, rows, 3);
	/* netstat -ae --numeric-hosts --numeric-ports: "root" for uid 0. */
	assert_string_equal(got,
	    "Active Internet connections (servers and established)\n"
	    "Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode     \n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      root       5         \n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      3999999    12345678901\n"
	    "tcp        0      0 127.0.0.1:8080          127.0.0.1:40000         LISTEN      root       5         \n");
	free(got);
}

/*
 * Numbers and states wider than netstat's fields overflow them as its
 * printf("%6lu") does, without widening the column: the other rows stay
 * byte-identical to netstat's.
 */
static void
test_fmt_table_wide_numbers(void **state)
{
	struct fx f[3] = {
		{ AF_INET, PROTO_TCP, SOCK_STREAM, 200, LOC, 1, ANY, 0,
		    12345678, 0, 1, 0, 0, 0, NULL, 0 },
		{ AF_UNIX, PROTO_UNIX, SOCK_STREAM, ST_CLOSE, NULL, 0, NULL, 0,
		    0, 1234567, 12345678901ULL, 0, 0, 0, "/x", 2 },
		{ AF_UNIX, PROTO_UNIX, 99, 9, NULL, 0, NULL, 0,
		    0, 1, 7, 0, 0, 0, NULL, 0 },
	};
	struct sock_row rows[3];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	rows[0] = fx_row(&f[0]);
	rows[0].wqueue = 4;
	rows[1] = fx_row(&f[1]);
	rows[2] = fx_row(&f[2]);
	got = format(&o, rows, 3);
	assert_string_equal(got,
	    "Active Internet connections (servers and established)\n"
	    "Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n"
	    "tcp   12345678      4 127.0.0.1:1             0.0.0.0:*               UNKNOWN(200)\n"
	    "Active UNIX domain sockets (servers and established)\n"
	    "Proto RefCnt Flags       Type       State         I-Node   Path\n"
	    "unix  1234567 [ ]         STREAM                   12345678901 /x\n"
	    "unix  1      [ ]         UNKNOWN(99) UNKNOWN(9)    7        \n");
	free(got);
}

/* Section choice and titles, as netstat -an4, -anx4, -lnx, -nw print. */
static void
test_fmt_table_sections(void **state)
{
	static const char inet_all[] =
	    "Active Internet connections (servers and established)\n"
	    "Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n";
	static const char unix_all[] =
	    "Active UNIX domain sockets (servers and established)\n"
	    "Proto RefCnt Flags       Type       State         I-Node   Path\n";
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.families = FAM_INET4;			/* -an4 */
	got = format(&o, NULL, 0);
	assert_string_equal(got, inet_all);
	free(got);

	o.protos = 1U << PROTO_UNIX;		/* -anx4 */
	got = format(&o, NULL, 0);
	assert_non_null(strstr(got, inet_all));
	assert_non_null(strstr(got, unix_all));
	assert_int_equal(strlen(got), strlen(inet_all) + strlen(unix_all));
	free(got);

	o.families = 0;				/* -anx */
	got = format(&o, NULL, 0);
	assert_string_equal(got, unix_all);
	free(got);

	o.protos = 1U << PROTO_TCP | 1U << PROTO_UNIX;	/* -antx */
	got = format(&o, NULL, 0);
	assert_int_equal(strncmp(got, inet_all, strlen(inet_all)), 0);
	assert_string_equal(got + strlen(inet_all), unix_all);
	free(got);

	o.all = 0;				/* -lnx */
	o.listening = 1;
	o.protos = 1U << PROTO_UNIX;
	got = format(&o, NULL, 0);
	assert_string_equal(got, "Active UNIX domain sockets (only servers)\n"
	    "Proto RefCnt Flags       Type       State         I-Node   Path\n");
	free(got);

	o.listening = 0;			/* -nw */
	o.protos = 1U << PROTO_RAW;
	got = format(&o, NULL, 0);
	assert_string_equal(got, "Active Internet connections (w/o servers)\n"
	    "Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n");
	free(got);
}

static void
test_fmt_table_write_error(void **state)
{
	struct sock_row r = fx_row(&fixture[0]);
	struct options o;
	FILE *f;
	void *st;

	(void)state;
	f = fopen("/dev/full", "w");
	if (f == NULL)
		skip();
	numeric(&o);
	assert_non_null(st = fmt_table.begin(f, &o));
	assert_int_equal(fmt_table.row(st, &r), 0);
	errno = 0;
	assert_int_equal(fmt_table.end(st), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(f);
}

/* 220k rows: the text for each is right and the pass stays cheap. */
static void
test_fmt_table_many_rows(void **state)
{
	struct options o;
	struct sock_row *rows;
	const size_t n = 220000;
	char *got, *p;
	size_t i, lines = 0;

	(void)state;
	numeric(&o);
	assert_non_null(rows = calloc(n, sizeof(*rows)));
	for (i = 0; i < n; i++) {
		rows[i] = timed(ST_ESTABLISHED, 0, 0, 0);
		rows[i].lport = 1024 + i % 60000;
		rows[i].inode = i;
	}
	got = format(&o, rows, n);
	for (p = got; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, n + 4);
	assert_non_null(strstr(got, "\ntcp        0      0 127.0.0.1:61023 "
	    "        127.0.0.1:40000         ESTABLISHED\n"));
	free(got);
	free(rows);
	addr_cache_free();
}

/*
 * The program column takes its width from the rows shown: before Timer
 * (-o) from the Internet rows, at most PROG_WIDTH_MAX (64) columns;
 * before Path from the UNIX rows; last in its line it never widens.
 */
static const struct sock_owner many_owners[] = {
	{ 300001, 0, 3, 'u', "worker-process" },
	{ 300002, 0, 3, 'u', "worker-process" },
};

static void
test_fmt_table_prog_width(void **state)
{
	struct sock_row rows[2];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.program = 1;
	o.protos = 1U << PROTO_TCP | 1U << PROTO_UNIX;
	o.families = FAM_INET4;
	rows[0] = timed(ST_LISTEN, 0, 0, 0);
	rows[0].owners = &python3;
	rows[0].nowners = 1;
	rows[1] = fx_row(&fixture[NFIXTURE - 1]);
	got = format(&o, rows, 2);
	/* Last in the Internet line: netstat's 20 columns stay. */
	assert_non_null(strstr(got,
	    "State       PID/Program name    \n"));
	assert_non_null(strstr(got,
	    "LISTEN      19029/python3       \n"));
	assert_non_null(strstr(got,
	    "I-Node   PID/Program name     Path\n"));
	free(got);
	/* A UNIX row shown with a longer list widens the UNIX column. */
	rows[1].owners = many_owners;
	rows[1].nowners = 2;
	got = format(&o, rows, 2);
	assert_non_null(strstr(got,
	    "I-Node   PID/Program name                            Path\n"));
	assert_non_null(strstr(got,
	    "State       PID/Program name    \n"));
	free(got);
	/* Before Timer, an Internet row's longer list widens its column. */
	rows[0].owners = many_owners;
	rows[0].nowners = 2;
	o.timers = 1;
	got = format(&o, rows, 2);
	assert_non_null(strstr(got,
	    "State       PID/Program name                            Timer\n"));
	assert_non_null(strstr(got,
	    "LISTEN      300001/worker-process,300002/worker-process off"));
	free(got);
}

/*
 * Columns are sized and padded by display cells: a wide (CJK) character
 * takes two, a combining mark none.  "19029/" + three wide characters +
 * e and a combining acute is 13 cells (11 code points, 16 bytes).
 */
static const struct sock_owner wide_owner = { 19029, 0, 3, 'u',
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" "e\xcc\x81" };
static const struct sock_owner wider_owner = { 19029, 0, 3, 'u',
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac"
    "\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" };

static void
test_fmt_table_prog_cells(void **state)
{
	struct sock_row rows[2];
	struct options o;
	char *got, want[256];

	(void)state;
	numeric(&o);
	o.program = 1;
	o.timers = 1;
	o.protos = 1U << PROTO_TCP | 1U << PROTO_UNIX;
	o.families = FAM_INET4;
	rows[0] = timed(ST_LISTEN, 0, 0, 0);
	rows[0].owners = &wide_owner;
	rows[0].nowners = 1;
	rows[1] = fx_row(&fixture[NFIXTURE - 1]);
	rows[1].owners = &wider_owner;	/* 6 + 9 * 2 = 24 cells */
	rows[1].nowners = 1;
	got = format(&o, rows, 2);
	/* 13 cells padded to the column's 20. */
	snprintf(want, sizeof(want), "LISTEN      19029/%s%7s off",
	    wide_owner.command, "");
	assert_non_null(strstr(got, want));
	/* 24 cells widen the UNIX column to 24, header and row alike. */
	snprintf(want, sizeof(want), "I-Node   PID/Program name%8s Path\n", "");
	assert_non_null(strstr(got, want));
	snprintf(want, sizeof(want), " 19029/%s \n", wider_owner.command);
	assert_non_null(strstr(got, want));
	free(got);
}

/* Past 64 columns a list runs on rather than pad every row. */
static void
test_fmt_table_prog_width_cap(void **state)
{
	struct sock_owner own[6];
	struct sock_row rows[2];
	struct options o;
	char *got, want[256];
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++) {
		own[i] = many_owners[0];
		own[i].pid = (pid_t)(300001 + i);
	}
	numeric(&o);
	o.program = 1;
	o.timers = 1;
	o.protos = 1U << PROTO_TCP;
	o.families = FAM_INET4;
	rows[0] = timed(ST_LISTEN, 0, 0, 0);
	rows[0].owners = own;
	rows[0].nowners = 6;		/* 6 * 21 + 5 columns */
	rows[1] = timed(ST_ESTABLISHED, 0, 0, 0);
	rows[1].owners = &python3;
	rows[1].nowners = 1;
	got = format(&o, rows, 2);
	snprintf(want, sizeof(want), "State       %-64s Timer\n",
	    "PID/Program name");
	assert_non_null(strstr(got, want));
	snprintf(want, sizeof(want), "ESTABLISHED %-64s off", "19029/python3");
	assert_non_null(strstr(got, want));
	free(got);
}

/*
 * With service names any row may widen the address columns, IPv6 or
 * not: a wide one widens the columns for every row.
 */
static void
test_fmt_table_buffered_widens(void **state)
{
	struct sock_row rows[2];
	struct options o;
	char *got;

	(void)state;
	numeric(&o);
	o.numeric_ports = 0;
	o.protos = 1U << PROTO_TCP;
	rows[0] = tcp6("::", 0, "::", 0, ST_LISTEN, 0);
	rows[1] = tcp6("fd12:3456:789a:bcde:1234:5678:9abc:def0", 0, "::", 0,
	    ST_LISTEN, 0);
	got = format(&o, rows, 2);
	assert_string_equal(got,
	    "Active Internet connections (servers and established)\n"
	    "Proto Recv-Q Send-Q Local Address                             Foreign Address         State      \n"
	    "tcp6       0      0 :::*                                      :::*                    LISTEN     \n"
	    "tcp6       0      0 fd12:3456:789a:bcde:1234:5678:9abc:def0:* :::*                    LISTEN     \n");
	free(got);
	addr_cache_free();
}

/*
 * The UNIX section streams (no -p): a failed write stops the dump at the
 * next row instead of formatting the rest for nothing.
 */
static void
test_fmt_table_stream_write_error(void **state)
{
	struct sock_row r = fx_row(&fixture[NFIXTURE - 1]);
	struct options o;
	size_t i;
	FILE *f;
	void *st;
	int rc = 0;

	(void)state;
	if ((f = fopen("/dev/full", "w")) == NULL)
		skip();
	numeric(&o);
	filter_normalize(&o);
	assert_non_null(st = fmt_table.begin(f, &o));
	/* Over 50 bytes a row: the 32 KiB buffer fills within 700 rows. */
	for (i = 0; i < 10000 && rc == 0; i++)
		rc = fmt_table.row(st, &r);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, ENOSPC);
	assert_true(i < 1000);
	errno = 0;
	assert_int_equal(fmt_table.end(st), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(f);
}

/*
 * The kept Internet rows read their side arrays (queues, -e, -o, -p
 * text, IPv6 addresses) back in order: many rows of every kind, some
 * with queues and some without, print as each prints alone.
 */
static void
test_fmt_table_kept_rows(void **state)
{
	enum { N = 3000 };
	struct sock_row *rows;
	struct options o;
	char *all, *one, *line, *hdr_end;
	size_t i, j, off;

	(void)state;
	assert_non_null(rows = calloc(N, sizeof(*rows)));
	for (i = 0; i < N; i++) {
		rows[i] = i % 3 == 0 ? tcp6("::1", (unsigned)(1000 + i), "::1",
		    (unsigned)(40000 + i), ST_ESTABLISHED, 0) :
		    timed(i % 5 == 0 ? ST_TIME_WAIT : ST_ESTABLISHED,
		    (unsigned)(i % 5), i * 7, (uint32_t)(i % 4));
		rows[i].rqueue = i % 4 == 0 ? (uint32_t)i : 0;
		rows[i].wqueue = i % 7 == 0 ? (uint32_t)(i * 3) : 0;
		rows[i].inode = 100000 + i;
		rows[i].uid = (uint32_t)(i % 3);
		rows[i].has |= i % 2 ? ROW_HAS_UID : 0;
		rows[i].owners = i % 6 == 0 ? NULL : &python3;
		rows[i].nowners = i % 6 == 0 ? 0 : 1;
	}
	numeric(&o);
	o.extend = o.timers = o.program = 1;
	o.protos = 1U << PROTO_TCP;
	all = format(&o, rows, N);
	assert_non_null(hdr_end = strstr(all, "Timer\n"));
	off = (size_t)(hdr_end + 6 - all);
	/* netstat's order: the IPv4 rows (i % 3 != 0), then the IPv6. */
	for (j = 0; j < N; j++) {
		i = j < N - N / 3 ? j + j / 2 + 1 : (j - (N - N / 3)) * 3;
		one = format(&o, &rows[i], 1);
		assert_non_null(line = strstr(one, "Timer\n"));
		line += 6;
		assert_memory_equal(all + off, line, strlen(line));
		off += strlen(line);
		free(one);
	}
	assert_int_equal(off, strlen(all));
	free(all);
	free(rows);
	addr_cache_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_table_an),
		cmocka_unit_test(test_fmt_table_ane),
		cmocka_unit_test(test_fmt_table_anp),
		cmocka_unit_test(test_fmt_table_aneop),
		cmocka_unit_test(test_fmt_table_wide_ipv6),
		cmocka_unit_test(test_fmt_table_stream_order),
		cmocka_unit_test(test_fmt_table_escape_path),
		cmocka_unit_test(test_fmt_table_timers),
		cmocka_unit_test(test_fmt_table_programs),
		cmocka_unit_test(test_fmt_table_users),
		cmocka_unit_test(test_fmt_table_wide_numbers),
		cmocka_unit_test(test_fmt_table_sections),
		cmocka_unit_test(test_fmt_table_write_error),
		cmocka_unit_test(test_fmt_table_many_rows),
		cmocka_unit_test(test_fmt_table_prog_width),
		cmocka_unit_test(test_fmt_table_prog_width_cap),
		cmocka_unit_test(test_fmt_table_prog_cells),
		cmocka_unit_test(test_fmt_table_buffered_widens),
		cmocka_unit_test(test_fmt_table_stream_write_error),
		cmocka_unit_test(test_fmt_table_kept_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
