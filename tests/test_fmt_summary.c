/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fmt_summary.c - the -s face: counts per protocol, family and TCP
 * state, and the kernel totals from tests/data/ktotals (run from the top
 * directory), as text and as JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "tcpstat.h"

#define FIXTURES	"tests/data/ktotals"
#define PY_CHECK	"python3 -c 'import json,sys; json.load(sys.stdin.buffer)'"

struct out {
	char		*data;
	size_t		 len;
	FILE		*fp;
	struct options	 o;
};

static int
setup(void **state)
{
	struct out *b = calloc(1, sizeof(*b));

	if (b == NULL || (b->fp = open_memstream(&b->data, &b->len)) == NULL)
		return -1;
	b->o.face = FACE_SUMMARY;
	b->o.proc_root = FIXTURES;
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct out *b = *state;

	fclose(b->fp);
	free(b->data);
	free(b);
	return 0;
}

/* A mix: 3 TCP (2 v4, 1 v6), 2 UDP, 1 RAW6, 2 UNIX. */
static const struct sock_row rows[] = {
	{ .family = AF_INET, .proto = PROTO_TCP, .state = ST_LISTEN },
	{ .family = AF_INET, .proto = PROTO_TCP, .state = ST_NEW_SYN_RECV },
	{ .family = AF_INET6, .proto = PROTO_TCP, .state = ST_LISTEN },
	{ .family = AF_INET, .proto = PROTO_UDP, .state = ST_CLOSE },
	{ .family = AF_INET6, .proto = PROTO_UDP, .state = ST_ESTABLISHED },
	{ .family = AF_INET6, .proto = PROTO_RAW, .state = ST_CLOSE },
	{ .family = AF_INET, .proto = PROTO_UDPLITE, .state = ST_CLOSE },
	{ .family = AF_UNIX, .proto = PROTO_UNIX, .state = ST_LISTEN },
	{ .family = AF_UNIX, .proto = PROTO_UNIX, .state = ST_CLOSE },
	{ .family = AF_INET, .proto = PROTO_COUNT },	/* ignored */
};

static const char *
run(struct out *b, const struct sock_row *r, size_t n)
{
	void *st;
	size_t i;

	assert_non_null(st = fmt_summary.begin(b->fp, &b->o));
	for (i = 0; i < n; i++)
		assert_int_equal(fmt_summary.row(st, &r[i]), 0);
	assert_int_equal(fmt_summary.end(st), 0);
	return b->data;
}

static int
python_check(const char *text, size_t len)
{
	FILE *p;
	int st;

	assert_non_null(p = popen(PY_CHECK, "w"));
	assert_int_equal(fwrite(text, 1, len, p), len);
	st = pclose(p);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 127)
		skip();
	return WEXITSTATUS(st);
}

static void
test_fmt_summary_text(void **state)
{
	struct out *b = *state;

	assert_string_equal(run(b, rows, sizeof(rows) / sizeof(rows[0])),
	    "Protocol      Total     IPv4     IPv6\n"
	    "TCP               3        2        1\n"
	    "UDP               2        1        1\n"
	    "UDPLITE           1        1        0\n"
	    "RAW               1        0        1\n"
	    "UNIX              2        -        -\n"
	    "Total             9        4        3\n"
	    "\n"
	    "TCP states:\n"
	    "  SYN_RECV              1\n"
	    "  LISTEN                2\n"
	    "\n"
	    "Kernel totals (tests/data/ktotals/net/sockstat):\n"
	    "  sockets: used 123\n"
	    "  TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1\n"
	    "  UDP: inuse 3 mem 4\n"
	    "  UDPLITE: inuse 0\n"
	    "  RAW: inuse 1\n"
	    "  FRAG: inuse 0 memory 0\n"
	    "  TCP6: inuse 2\n"
	    "  UDP6: inuse 1\n"
	    "  UDPLITE6: inuse 0\n"
	    "  RAW6: inuse 0\n"
	    "  FRAG6: inuse 0 memory 0\n"
	    "\n"
	    "TCP listeners and timeouts (tests/data/ktotals/net/netstat):\n"
	    "  3 times the listen queue of a socket overflowed\n"
	    "  4 SYNs to LISTEN sockets dropped\n"
	    "  0 SYN cookies sent\n"
	    "  TCPTimeouts: 7\n");
}

static void
test_fmt_summary_text_empty(void **state)
{
	struct out *b = *state;

	b->o.proc_root = FIXTURES "/nonexistent";
	assert_string_equal(run(b, NULL, 0),
	    "Protocol      Total     IPv4     IPv6\n"
	    "TCP               0        0        0\n"
	    "UDP               0        0        0\n"
	    "UDPLITE           0        0        0\n"
	    "RAW               0        0        0\n"
	    "UNIX              0        -        -\n"
	    "Total             0        0        0\n"
	    "\n"
	    "TCP states:\n"
	    "  (none)\n"
	    "\n"
	    "Kernel totals (tests/data/ktotals/nonexistent/net/sockstat):\n"
	    "  (none)\n"
	    "\n"
	    "TCP listeners and timeouts "
	    "(tests/data/ktotals/nonexistent/net/netstat):\n"
	    "  unavailable: No such file or directory\n");
}

static void
test_fmt_summary_unknown_state(void **state)
{
	struct out *b = *state;
	struct sock_row r = { .family = AF_INET, .proto = PROTO_TCP,
	    .state = 200 };

	run(b, &r, 1);
	assert_non_null(strstr(b->data, "  UNKNOWN(200)          1\n"));
}

static void
test_fmt_summary_json(void **state)
{
	struct out *b = *state;

	b->o.json = 1;
	assert_string_equal(run(b, rows, sizeof(rows) / sizeof(rows[0])),
	    "{\"total\":9,\"protocols\":{"
	    "\"tcp\":{\"total\":3,\"inet\":2,\"inet6\":1},"
	    "\"udp\":{\"total\":2,\"inet\":1,\"inet6\":1},"
	    "\"udplite\":{\"total\":1,\"inet\":1,\"inet6\":0},"
	    "\"raw\":{\"total\":1,\"inet\":0,\"inet6\":1},"
	    "\"unix\":{\"total\":2}},"
	    "\"tcp_states\":{\"ESTABLISHED\":0,\"SYN_SENT\":0,\"SYN_RECV\":1,"
	    "\"FIN_WAIT1\":0,\"FIN_WAIT2\":0,\"TIME_WAIT\":0,\"CLOSE\":0,"
	    "\"CLOSE_WAIT\":0,\"LAST_ACK\":0,\"LISTEN\":2,\"CLOSING\":0},"
	    "\"kernel\":{\"sockets\":{\"used\":123},"
	    "\"TCP\":{\"inuse\":5,\"orphan\":0,\"tw\":2,\"alloc\":7,\"mem\":1},"
	    "\"UDP\":{\"inuse\":3,\"mem\":4},\"UDPLITE\":{\"inuse\":0},"
	    "\"RAW\":{\"inuse\":1},\"FRAG\":{\"inuse\":0,\"memory\":0},"
	    "\"TCP6\":{\"inuse\":2},\"UDP6\":{\"inuse\":1},"
	    "\"UDPLITE6\":{\"inuse\":0},\"RAW6\":{\"inuse\":0},"
	    "\"FRAG6\":{\"inuse\":0,\"memory\":0}},"
	    "\"tcp_ext\":{\"ListenOverflows\":3,\"ListenDrops\":4,"
	    "\"SyncookiesSent\":0,\"TCPTimeouts\":7}}\n");
	assert_int_equal(python_check(b->data, b->len), 0);
}

/* One line, as every other view: without -c as with it. */
static void
test_fmt_summary_json_one_line(void **state)
{
	struct out *b = *state;

	b->o.json = 1;
	run(b, rows, 2);
	assert_int_equal(strncmp(b->data, "{\"total\":2,\"protocols\":{",
	    strlen("{\"total\":2,\"protocols\":{")), 0);
	assert_non_null(memchr(b->data, '\n', b->len));
	assert_ptr_equal(memchr(b->data, '\n', b->len), b->data + b->len - 1);
	assert_int_equal(python_check(b->data, b->len), 0);
}

static void
test_fmt_summary_json_no_kernel(void **state)
{
	struct out *b = *state;

	b->o.json = 1;
	b->o.continuous = 1;
	b->o.proc_root = FIXTURES "/nonexistent";
	run(b, NULL, 0);
	assert_non_null(strstr(b->data, ",\"kernel\":{},\"tcp_ext\":null}\n"));
	assert_int_equal(python_check(b->data, b->len), 0);
}

/*
 * Issue 15: TcpExt's header names the numbers of the line after it; a
 * pair that does not match, or a negative count, is no answer.
 */
static void
test_fmt_summary_tcpstat(void **state)
{
	struct tcpstat ts;
	char buf[96];

	(void)state;
	assert_int_equal(tcpstat_read(FIXTURES, &ts), 0);
	assert_int_equal(ts.has, 1U << TCPSTAT_LISTEN_OVERFLOWS |
	    1U << TCPSTAT_LISTEN_DROPS | 1U << TCPSTAT_SYNCOOKIES_SENT |
	    1U << TCPSTAT_TIMEOUTS);
	assert_int_equal(ts.value[TCPSTAT_TIMEOUTS], 7);
	assert_int_equal(tcpstat_read("tests/data/tcpstat/bad", &ts), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(tcpstat_read("tests/data/tcpstat/neg", &ts), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(tcpstat_text(TCPSTAT_RETRANS_FAIL, 2, buf,
	    sizeof(buf)), "TCPRetransFail: 2");
}

/* An unreadable sockstat: "kernel": null, and a word in the text. */
static void
test_fmt_summary_kernel_unreadable(void **state)
{
	struct out *b = *state;

	/* tests/data/ktotals/net/sockstat/net/sockstat is not a directory. */
	b->o.proc_root = FIXTURES "/net/sockstat";
	b->o.json = 1;
	b->o.continuous = 1;
	run(b, NULL, 0);
	assert_non_null(strstr(b->data,
	    ",\"kernel\":null,\"tcp_ext\":null}\n"));
	assert_int_equal(python_check(b->data, b->len), 0);

	b->o.json = 0;
	run(b, NULL, 0);
	assert_non_null(strstr(b->data, "  unavailable: Not a directory\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_fmt_summary_text),
		T(test_fmt_summary_tcpstat),
		T(test_fmt_summary_text_empty),
		T(test_fmt_summary_unknown_state),
		T(test_fmt_summary_json),
		T(test_fmt_summary_json_one_line),
		T(test_fmt_summary_json_no_kernel),
		T(test_fmt_summary_kernel_unreadable),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
