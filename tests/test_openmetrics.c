/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_openmetrics.c - the --openmetrics face: zero series for every
 * state, label escaping, the --top cut and its "other" bucket, listeners
 * summed by labels, gaps, and the TCP counters of tests/data/openmetrics
 * (run from the top directory) in both text formats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#define FIXTURES	"tests/data/openmetrics"
#define ALL_PROTOS	(1U << PROTO_TCP | 1U << PROTO_UDP | \
			 1U << PROTO_UDPLITE | 1U << PROTO_RAW | \
			 1U << PROTO_UNIX)

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
	b->o.face = FACE_OPENMETRICS;
	b->o.proc_root = FIXTURES;
	b->o.protos = ALL_PROTOS;
	b->o.protos_implied = ALL_PROTOS;
	b->o.families = FAM_INET4 | FAM_INET6;
	b->o.top = 20;
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

/* Runs the formatter over rows (n of them), gaps first when asked. */
static const char *
run(struct out *b, const struct sock_row *rows, size_t n, int gap_family,
    enum sock_proto gap_proto)
{
	void *st;
	size_t i;

	st = fmt_openmetrics.begin(b->fp, &b->o);
	assert_non_null(st);
	for (i = 0; i < n; i++)
		assert_int_equal(fmt_openmetrics.row(st, &rows[i]), 0);
	if (gap_family != 0)
		fmt_openmetrics.gap(st, gap_family, gap_proto);
	assert_int_equal(fmt_openmetrics.end(st), 0);
	assert_non_null(b->data);
	return b->data;
}

/* Whether line (without its newline) is a whole line of text. */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static size_t
count_prefix(const char *text, const char *prefix)
{
	size_t n = 0;
	const char *p;

	for (p = text; (p = strstr(p, prefix)) != NULL; p++)
		if (p == text || p[-1] == '\n')
			n++;
	return n;
}

static void
test_openmetrics_empty_gives_zeros(void **state)
{
	struct out *b = *state;
	const char *t = run(b, NULL, 0, 0, 0);

	/* 11 TCP states and 2 for UDP, UDP-Lite, RAW, per family; 3 UNIX. */
	assert_int_equal(count_prefix(t, "sockstat_sockets{"),
	    2 * (11 + 2 + 2 + 2) + 3);
	assert_true(has_line(t, "sockstat_sockets{proto=\"tcp\","
	    "family=\"inet6\",state=\"CLOSING\"} 0"));
	assert_true(has_line(t, "sockstat_sockets{proto=\"unix\","
	    "family=\"unix\",state=\"LISTEN\"} 0"));
	assert_true(has_line(t, "sockstat_dump_complete{proto=\"raw\","
	    "family=\"inet\"} 1"));
	assert_true(has_line(t, "sockstat_process_sockets{pid=\"other\","
	    "command=\"\"} 0"));
	assert_true(has_line(t, "sockstat_unowned_sockets 0"));
	assert_true(has_line(t, "# TYPE sockstat_sockets gauge"));
	/* No listener: the family is there, with no sample and no backlog. */
	assert_true(has_line(t, "# TYPE sockstat_listen_queue gauge"));
	assert_null(strstr(t, "sockstat_listen_backlog"));
	/* The document ends with # EOF and nothing after it. */
	assert_true(b->len >= 6);
	assert_string_equal(t + b->len - 6, "# EOF\n");
}

/* -t -4: only the TCP over IPv4 series. */
static void
test_openmetrics_selection_limits_series(void **state)
{
	struct out *b = *state;
	const char *t;

	b->o.protos = 1U << PROTO_TCP;
	b->o.families = FAM_INET4;
	t = run(b, NULL, 0, 0, 0);
	assert_int_equal(count_prefix(t, "sockstat_sockets{"), 11);
	assert_int_equal(count_prefix(t, "sockstat_dump_complete{"), 1);
	assert_null(strstr(t, "inet6"));
}

static void
test_openmetrics_counts_states(void **state)
{
	struct out *b = *state;
	const struct sock_row rows[] = {
		{ .family = AF_INET, .proto = PROTO_TCP, .state = ST_NEW_SYN_RECV },
		{ .family = AF_INET, .proto = PROTO_TCP, .state = ST_SYN_RECV },
		{ .family = AF_INET6, .proto = PROTO_TCP, .state = ST_TIME_WAIT },
		{ .family = AF_UNIX, .proto = PROTO_UNIX, .state = ST_SYN_SENT },
		{ .family = AF_INET, .proto = PROTO_UDP, .state = ST_CLOSE },
	};
	const char *t = run(b, rows, 5, 0, 0);

	assert_true(has_line(t, "sockstat_sockets{proto=\"tcp\","
	    "family=\"inet\",state=\"SYN_RECV\"} 2"));
	assert_true(has_line(t, "sockstat_sockets{proto=\"tcp\","
	    "family=\"inet6\",state=\"TIME_WAIT\"} 1"));
	/* A state outside the usual list appears when seen. */
	assert_true(has_line(t, "sockstat_sockets{proto=\"unix\","
	    "family=\"unix\",state=\"SYN_SENT\"} 1"));
	assert_true(has_line(t, "sockstat_sockets{proto=\"udp\","
	    "family=\"inet\",state=\"CLOSE\"} 1"));
	assert_true(has_line(t, "sockstat_unowned_sockets 5"));
}

/* Backslash, double quote, newline escaped; a non-UTF-8 byte is U+FFFD. */
static void
test_openmetrics_escapes_labels(void **state)
{
	struct out *b = *state;
	const struct sock_owner ow[] = {
		{ 42, 0, 3, 'u', "a\"b\\c\nd\xff", NULL },
	};
	struct sock_row r = { .family = AF_INET, .proto = PROTO_TCP,
	    .state = ST_LISTEN, .lport = 8080, .rqueue = 3, .backlog = 128,
	    .has = ROW_HAS_BACKLOG, .owners = ow, .nowners = 1 };
	const char *t;

	r.laddr.v4.s_addr = htonl(INADDR_LOOPBACK);
	t = run(b, &r, 1, 0, 0);
	assert_true(has_line(t, "sockstat_process_sockets{pid=\"42\","
	    "command=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\"} 1"));
	assert_true(has_line(t, "sockstat_listen_queue{local=\"127.0.0.1\","
	    "port=\"8080\",command=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\"} 3"));
	assert_true(has_line(t, "sockstat_listen_backlog{local=\"127.0.0.1\","
	    "port=\"8080\",command=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\"} 128"));
	assert_true(has_line(t, "sockstat_unowned_sockets 0"));
}

/*
 * --top 2 of three processes: the two biggest by count, the third in
 * "other"; a socket held through two fds of one process counts once,
 * and one shared by two processes counts for each.
 */
static void
test_openmetrics_top_and_other(void **state)
{
	struct out *b = *state;
	const struct sock_owner a[] = { { 10, 0, 3, 'u', "a", NULL },
	    { 10, 0, 4, 'u', "a", NULL } };
	const struct sock_owner ab[] = { { 10, 0, 5, 'u', "a", NULL },
	    { 20, 0, 3, 'u', "b", NULL } };
	const struct sock_owner c[] = { { 30, 0, 3, 'u', "c", NULL } };
	const struct sock_owner bb[] = { { 20, 0, 4, 'u', "b", NULL } };
	struct sock_row rows[5];
	const char *t;
	int i;

	for (i = 0; i < 5; i++)
		rows[i] = (struct sock_row){ .family = AF_UNIX,
		    .proto = PROTO_UNIX, .state = ST_ESTABLISHED };
	rows[0].owners = a, rows[0].nowners = 2;
	rows[1].owners = ab, rows[1].nowners = 2;
	rows[2].owners = c, rows[2].nowners = 1;
	rows[3].owners = bb, rows[3].nowners = 1;
	rows[4].owners = a, rows[4].nowners = 1;
	b->o.top = 2;
	t = run(b, rows, 5, 0, 0);
	assert_true(has_line(t, "sockstat_process_sockets{pid=\"10\","
	    "command=\"a\"} 3"));
	assert_true(has_line(t, "sockstat_process_sockets{pid=\"20\","
	    "command=\"b\"} 2"));
	assert_null(strstr(t, "pid=\"30\""));
	assert_true(has_line(t, "sockstat_process_sockets{pid=\"other\","
	    "command=\"\"} 1"));
	/* Biggest first. */
	assert_true(strstr(t, "pid=\"10\"") < strstr(t, "pid=\"20\""));
}

/* Many processes: the table grows, and --top 0 keeps only "other". */
static void
test_openmetrics_many_processes(void **state)
{
	struct out *b = *state;
	struct sock_owner ow[1];
	struct sock_row r = { .family = AF_UNIX, .proto = PROTO_UNIX,
	    .state = ST_CLOSE, .owners = ow, .nowners = 1 };
	void *st;
	int i;

	b->o.top = 0;
	st = fmt_openmetrics.begin(b->fp, &b->o);
	assert_non_null(st);
	for (i = 1; i <= 1000; i++) {
		ow[0] = (struct sock_owner){ i, 0, 3, 'u', "p", NULL };
		assert_int_equal(fmt_openmetrics.row(st, &r), 0);
	}
	assert_int_equal(fmt_openmetrics.end(st), 0);
	assert_int_equal(count_prefix(b->data, "sockstat_process_sockets{"),
	    1);
	assert_true(has_line(b->data, "sockstat_process_sockets{pid=\"other\","
	    "command=\"\"} 1000"));
}

/*
 * Two listeners of one program on one port (SO_REUSEPORT) are one series,
 * summed; another port is its own; a backlog missing from one of a
 * group (the /proc source) leaves the group without one.
 */
static void
test_openmetrics_listeners_summed(void **state)
{
	struct out *b = *state;
	const struct sock_owner n1[] = { { 7, 0, 3, 'u', "nginx", NULL },
	    { 5, 0, 3, 'u', "nginx-master", NULL } };
	struct sock_row rows[4];
	const char *t;
	int i;

	for (i = 0; i < 4; i++) {
		rows[i] = (struct sock_row){ .family = AF_INET6,
		    .proto = PROTO_TCP, .state = ST_LISTEN, .lport = 80,
		    .rqueue = (uint32_t)i + 1, .backlog = 100,
		    .has = ROW_HAS_BACKLOG, .owners = n1, .nowners = 2 };
	}
	rows[2].lport = 443;
	rows[3].lport = 8443;
	rows[3].has = 0;
	t = run(b, rows, 4, 0, 0);
	/* The command is that of the holder with the lowest PID. */
	assert_true(has_line(t, "sockstat_listen_queue{local=\"::\","
	    "port=\"80\",command=\"nginx-master\"} 3"));
	assert_true(has_line(t, "sockstat_listen_backlog{local=\"::\","
	    "port=\"80\",command=\"nginx-master\"} 200"));
	assert_true(has_line(t, "sockstat_listen_queue{local=\"::\","
	    "port=\"443\",command=\"nginx-master\"} 3"));
	assert_true(has_line(t, "sockstat_listen_queue{local=\"::\","
	    "port=\"8443\",command=\"nginx-master\"} 4"));
	assert_null(strstr(t, "sockstat_listen_backlog{local=\"::\","
	    "port=\"8443\""));
	assert_int_equal(count_prefix(t, "sockstat_listen_queue{"), 3);
}

/* A dump not read: no count series (not zeros), dump_complete 0. */
static void
test_openmetrics_gap(void **state)
{
	struct out *b = *state;
	const char *t = run(b, NULL, 0, AF_INET6, PROTO_TCP);

	assert_null(strstr(t, "proto=\"tcp\",family=\"inet6\",state"));
	assert_true(has_line(t, "sockstat_dump_complete{proto=\"tcp\","
	    "family=\"inet6\"} 0"));
	assert_true(has_line(t, "sockstat_sockets{proto=\"tcp\","
	    "family=\"inet\",state=\"LISTEN\"} 0"));
}

/* UDP-Lite not asked for by name and missing from the kernel: no series. */
static void
test_openmetrics_optional_absent(void **state)
{
	struct out *b = *state;
	const char *t = run(b, NULL, 0, AF_INET, PROTO_UDPLITE);

	assert_null(strstr(t, "proto=\"udplite\",family=\"inet\""));
	assert_true(has_line(t, "sockstat_dump_complete{proto=\"udplite\","
	    "family=\"inet6\"} 1"));
}

static void
test_openmetrics_counters(void **state)
{
	struct out *b = *state;
	const char *t = run(b, NULL, 0, 0, 0);

	assert_true(has_line(t, "# TYPE sockstat_tcp_listen_overflows "
	    "counter"));
	assert_true(has_line(t, "sockstat_tcp_listen_overflows_total 17"));
	assert_true(has_line(t, "sockstat_tcp_listen_drops_total 19"));
	assert_true(has_line(t, "sockstat_tcp_timeouts_total 23"));
	assert_true(has_line(t, "sockstat_tcp_syn_retransmits_total 29"));
	assert_true(has_line(t, "sockstat_tcp_retransmitted_segments_total "
	    "31"));
}

/* The 0.0.4 flavour: counters typed by their sample name; no # EOF. */
static void
test_openmetrics_prometheus_format(void **state)
{
	struct out *b = *state;
	const char *t;

	b->o.prometheus = 1;
	t = run(b, NULL, 0, 0, 0);
	assert_true(has_line(t, "# TYPE sockstat_tcp_listen_overflows_total "
	    "counter"));
	assert_true(has_line(t, "sockstat_tcp_listen_overflows_total 17"));
	assert_null(strstr(t, "# EOF"));
	assert_true(has_line(t, "# TYPE sockstat_sockets gauge"));
}

/* No /proc/net/netstat or snmp: the counters are left out, not 0. */
static void
test_openmetrics_counters_missing(void **state)
{
	struct out *b = *state;
	const char *t;

	b->o.proc_root = "tests/data/no-such-proc";
	t = run(b, NULL, 0, 0, 0);
	assert_null(strstr(t, "sockstat_tcp_"));
	assert_string_equal(t + b->len - 6, "# EOF\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_openmetrics_empty_gives_zeros),
		T(test_openmetrics_selection_limits_series),
		T(test_openmetrics_counts_states),
		T(test_openmetrics_escapes_labels),
		T(test_openmetrics_top_and_other),
		T(test_openmetrics_many_processes),
		T(test_openmetrics_listeners_summed),
		T(test_openmetrics_gap),
		T(test_openmetrics_optional_absent),
		T(test_openmetrics_counters),
		T(test_openmetrics_prometheus_format),
		T(test_openmetrics_counters_missing),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
