/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_lsof.c - the lsof face's command line (SPEC, -s, -p, -u, -c, -F,
 * -r) and its selection (lsof_match_socket, lsof_match_owner,
 * lsof_select_owners).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lsof.h"

#define NARGS(v)	((int)(sizeof(v) / sizeof((v)[0])) - 1)

/*
 * Parses v into o and looks its names up, as main does; the selection is
 * freed by the caller (or teardown).
 */
static enum cli_result
parse(int argc, char **argv, struct options *o, char *err)
{
	enum cli_result rc;

	err[0] = '\0';
	rc = lsof_parse(argc, argv, o, err, CLI_ERRLEN);
	if (rc == CLI_RUN)
		rc = lsof_resolve(o->lsof, err, CLI_ERRLEN);
	return rc;
}

/* Parses v, expects CLI_USAGE and a message holding want. */
static void
expect_usage(int argc, char **argv, const char *want)
{
	struct options o;
	char err[CLI_ERRLEN];

	assert_int_equal(parse(argc, argv, &o, err), CLI_USAGE);
	if (strstr(err, want) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err, want);
	lsof_sel_free(o.lsof);
}

static void
test_lsof_parse_bare_i(void **state)
{
	char *v[] = { "sockstat", "-i", NULL };
	struct options o;
	char err[CLI_ERRLEN];
	struct lsof_spec *sp;

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	assert_int_equal(o.face, FACE_LSOF);
	assert_true(o.all && o.program);
	assert_non_null(o.lsof);
	assert_true(o.lsof->inet);
	assert_false(o.lsof->unix_sockets);
	assert_int_equal(o.lsof->nspecs, 1);
	sp = &o.lsof->specs[0];
	assert_int_equal(sp->families, 0);
	assert_int_equal(sp->protos, 0);
	assert_int_equal(sp->naddrs, 0);
	assert_int_equal(sp->nports, 0);
	assert_int_equal(o.protos, 1U << PROTO_TCP | 1U << PROTO_UDP |
	    1U << PROTO_UDPLITE);
	assert_int_equal(o.families, FAM_INET4 | FAM_INET6);
	lsof_sel_free(o.lsof);
}

/* -T[fqs] (issue 15): its letters, once each; -T alone; w refused. */
static void
test_lsof_parse_tcpi(void **state)
{
	char *v[] = { "sockstat", "-i", "-Tsqsf", NULL };
	char *bare[] = { "sockstat", "-i", "-nT", NULL };
	char *none[] = { "sockstat", "-i", NULL };
	char *w[] = { "sockstat", "-i", "-Tqw", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	assert_true(o.lsof->tcpi_given);
	assert_string_equal(o.lsof->tcpi, "sqf");
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(bare), bare, &o, err), CLI_RUN);
	assert_true(o.lsof->tcpi_given && o.numeric_hosts);
	assert_string_equal(o.lsof->tcpi, "");
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(none), none, &o, err), CLI_RUN);
	assert_false(o.lsof->tcpi_given);
	lsof_sel_free(o.lsof);
	expect_usage(NARGS(w), w, "unsupported TCP/TPI info selection: w");
}

/* "-iTCP:22" and "-i TCP:22" are the same SPEC. */
static void
test_lsof_parse_spec_attached_or_not(void **state)
{
	char *v1[] = { "sockstat", "-iTCP:22", NULL };
	char *v2[] = { "sockstat", "-i", "tcp:22", NULL };
	char **vs[] = { v1, v2 };
	int argcs[] = { NARGS(v1), NARGS(v2) };
	struct options o;
	char err[CLI_ERRLEN];
	struct lsof_spec *sp;
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(parse(argcs[i], vs[i], &o, err), CLI_RUN);
		assert_int_equal(o.lsof->nspecs, 1);
		sp = &o.lsof->specs[0];
		assert_int_equal(sp->protos, 1U << PROTO_TCP);
		assert_int_equal(sp->nports, 1);
		assert_int_equal(sp->ports[0].lo[0], 22);
		assert_int_equal(sp->ports[0].hi[1], 22);
		assert_int_equal(o.protos, 1U << PROTO_TCP);
		lsof_sel_free(o.lsof);
	}
}

/* "-i -n": -n is a flag, not the SPEC of -i. */
static void
test_lsof_parse_i_then_flag(void **state)
{
	char *v[] = { "sockstat", "-i", "-nP", "-l", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	assert_int_equal(o.lsof->nspecs, 1);
	assert_int_equal(o.lsof->specs[0].nports, 0);
	assert_true(o.numeric_hosts && o.numeric_ports && o.numeric_users);
	lsof_sel_free(o.lsof);
}

static void
test_lsof_parse_spec_family(void **state)
{
	char *v[] = { "sockstat", "-i4", "-i", "6UDP", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	assert_int_equal(o.lsof->nspecs, 2);
	assert_int_equal(o.lsof->specs[0].families, FAM_INET4);
	assert_int_equal(o.lsof->specs[0].protos, 0);
	assert_int_equal(o.lsof->specs[1].families, FAM_INET6);
	assert_int_equal(o.lsof->specs[1].protos, 1U << PROTO_UDP);
	assert_int_equal(o.families, FAM_INET4 | FAM_INET6);
	lsof_sel_free(o.lsof);
}

static void
test_lsof_parse_spec_port_edges(void **state)
{
	char *v[] = { "sockstat", "-i:0", "-i:65535", NULL };
	char *bad[] = { "sockstat", "-iTCP:65536", NULL };
	char *neg[] = { "sockstat", "-i:-1", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	assert_int_equal(o.lsof->specs[0].ports[0].lo[0], 0);
	assert_int_equal(o.lsof->specs[1].ports[0].hi[1], 65535);
	lsof_sel_free(o.lsof);
	expect_usage(NARGS(bad), bad, "65536");
	expect_usage(NARGS(neg), neg, "-1");
}

static void
test_lsof_parse_spec_ranges_and_lists(void **state)
{
	char *v[] = { "sockstat", "-i", ":1-1024,8080,ssh", NULL };
	struct options o;
	char err[CLI_ERRLEN];
	struct lsof_port *p;

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	assert_int_equal(o.lsof->specs[0].nports, 3);
	p = o.lsof->specs[0].ports;
	assert_int_equal(p[0].lo[0], 1);
	assert_int_equal(p[0].hi[0], 1024);
	assert_int_equal(p[1].lo[1], 8080);
	assert_int_equal(p[1].hi[1], 8080);
	assert_int_equal(p[2].lo[0], 22);	/* /etc/services: ssh 22/tcp */
	assert_int_equal(p[2].hi[0], 22);
	lsof_sel_free(o.lsof);
}

/* A name known for one protocol only matches nothing of the other. */
static void
test_lsof_parse_spec_service_one_proto(void **state)
{
	char *v[] = { "sockstat", "-i:domain,tftp", NULL };
	struct options o;
	char err[CLI_ERRLEN];
	struct lsof_port *p;
	struct sock_row r;

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	p = o.lsof->specs[0].ports;
	assert_int_equal(p[0].lo[0], 53);	/* domain: 53/tcp and 53/udp */
	assert_int_equal(p[0].lo[1], 53);
	assert_int_equal(p[1].lo[1], 69);	/* tftp: 69/udp only */
	assert_true(p[1].lo[0] > p[1].hi[0]);
	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.proto = PROTO_TCP;
	r.lport = 69;
	assert_int_equal(lsof_match_socket(o.lsof, &r), LSOF_SOCK_FACE);
	r.proto = PROTO_UDP;
	assert_int_equal(lsof_match_socket(o.lsof, &r), LSOF_SOCK_SPEC);
	lsof_sel_free(o.lsof);
}

static void
test_lsof_parse_spec_hosts(void **state)
{
	char *v[] = { "sockstat", "-i4TCP@127.0.0.1:22", "-i@[::1]:80",
	    "-i@[::ffff:10.0.0.1]", NULL };
	struct options o;
	char err[CLI_ERRLEN];
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;
	struct lsof_spec *sp;

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	sp = o.lsof->specs;
	assert_int_equal(sp[0].naddrs, 1);
	assert_int_equal(sp[0].addr_family[0], AF_INET);
	assert_int_equal(sp[0].addrs[0].v4.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(sp[0].ports[0].lo[0], 22);
	assert_int_equal(sp[1].addr_family[0], AF_INET6);
	assert_memory_equal(&sp[1].addrs[0].v6, &lo6, sizeof(lo6));
	assert_int_equal(sp[1].ports[0].lo[0], 80);
	/* lsof takes a v4-mapped address as the IPv4 one. */
	assert_int_equal(sp[2].addr_family[0], AF_INET);
	assert_int_equal(sp[2].addrs[0].v4.s_addr, htonl(0x0a000001));
	assert_int_equal(sp[2].nports, 0);
	lsof_sel_free(o.lsof);
}

static void
test_lsof_parse_spec_bad(void **state)
{
	char *v1[] = { "sockstat", "-iICMP", NULL };
	char *v2[] = { "sockstat", "-i", "@::1", NULL };
	char *v3[] = { "sockstat", "-i@[::1", NULL };
	char *v4[] = { "sockstat", "-i@[zz]:1", NULL };
	char *v5[] = { "sockstat", "-i:22,", NULL };
	char *v6[] = { "sockstat", "-i:5-2", NULL };
	char *v7[] = { "sockstat", "-i:nosuchservice", NULL };
	char *v8[] = { "sockstat", "-i6@127.0.0.1", NULL };
	char *v9[] = { "sockstat", "-i4@[::1]", NULL };
	char *v10[] = { "sockstat", "-iTCP@", NULL };
	char *v11[] = { "sockstat", "-i", "TCP:22x", NULL };
	/* lsof 4.95 refuses these three too. */
	char *v12[] = { "sockstat", "-i", "@0.0.0.0", NULL };
	char *v13[] = { "sockstat", "-i4@0.0.0.0", NULL };
	char *v14[] = { "sockstat", "-i@[::]:22", NULL };
	char *v15[] = { "sockstat", "-i6@[::ffff:127.0.0.1]", NULL };
	char *v16[] = { "sockstat", "-i4@[::ffff:127.0.0.1]", NULL };
	char *v17[] = { "sockstat", "-i6@0.0.0.0", NULL };

	(void)state;
	expect_usage(NARGS(v1), v1, "\"ICMP\"");
	expect_usage(NARGS(v2), v2, "brackets");
	expect_usage(NARGS(v3), v3, "]");
	expect_usage(NARGS(v4), v4, "[zz]");
	expect_usage(NARGS(v5), v5, "empty port");
	expect_usage(NARGS(v6), v6, "5-2");
	expect_usage(NARGS(v7), v7, "nosuchservice");
	expect_usage(NARGS(v8), v8, "127.0.0.1");
	expect_usage(NARGS(v9), v9, "::1");
	expect_usage(NARGS(v10), v10, "empty host");
	expect_usage(NARGS(v11), v11, "22x");
	expect_usage(NARGS(v12), v12, "incomplete Internet address");
	expect_usage(NARGS(v13), v13, "incomplete Internet address");
	expect_usage(NARGS(v14), v14, "unacceptable Internet address");
	expect_usage(NARGS(v15), v15, "IPv4 addresses are prohibited");
	expect_usage(NARGS(v16), v16, "IPv6 addresses are prohibited");
	expect_usage(NARGS(v17), v17, "IPv4 addresses are prohibited");
}

static void
test_lsof_parse_states(void **state)
{
	char *v[] = { "sockstat", "-i", "-s", "tcp:LISTEN,^established",
	    NULL };
	char *b1[] = { "sockstat", "-i", "-sUDP:Idle", NULL };
	char *b2[] = { "sockstat", "-i", "-sTCP:BOGUS", NULL };
	char *b3[] = { "sockstat", "-i", "-sTCP", NULL };
	char *b4[] = { "sockstat", "-i", "-sSCTP:LISTEN", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	assert_int_equal(o.lsof->states_in, ST_BIT(ST_LISTEN));
	assert_int_equal(o.lsof->states_out, ST_BIT(ST_ESTABLISHED));
	lsof_sel_free(o.lsof);
	expect_usage(NARGS(b1), b1, "UDP");
	expect_usage(NARGS(b2), b2, "BOGUS");
	expect_usage(NARGS(b3), b3, "PROTO:STATE");
	expect_usage(NARGS(b4), b4, "SCTP");
}

static void
test_lsof_parse_ids(void **state)
{
	char *v[] = { "sockstat", "-i", "-p", "12,^34", "-uroot,^65534",
	    "-c", "^pyth", "-cnginx", NULL };
	char *b1[] = { "sockstat", "-i", "-p", "12x", NULL };
	char *b2[] = { "sockstat", "-i", "-u", "no-such-user-here", NULL };
	char *b3[] = { "sockstat", "-i", "-p", NULL };
	struct options o;
	char err[CLI_ERRLEN];
	struct lsof_sel *s;

	(void)state;
	assert_int_equal(parse(NARGS(v), v, &o, err), CLI_RUN);
	s = o.lsof;
	assert_int_equal(s->npids, 2);
	assert_int_equal(s->pids[0].id, 12);
	assert_false(s->pids[0].exclude);
	assert_int_equal(s->pids[1].id, 34);
	assert_true(s->pids[1].exclude);
	assert_int_equal(s->nuids, 2);
	assert_int_equal(s->uids[0].id, 0);
	assert_int_equal(s->uids[1].id, 65534);
	assert_true(s->uids[1].exclude);
	assert_int_equal(s->ncmds, 2);
	assert_string_equal(s->cmds[0].prefix, "pyth");
	assert_true(s->cmds[0].exclude);
	assert_string_equal(s->cmds[1].prefix, "nginx");
	lsof_sel_free(s);
	expect_usage(NARGS(b1), b1, "12x");
	expect_usage(NARGS(b2), b2, "no-such-user-here");
	expect_usage(NARGS(b3), b3, "-p");
}

static void
test_lsof_parse_fields(void **state)
{
	char *v1[] = { "sockstat", "-i", "-F", "pcn0", NULL };
	char *v2[] = { "sockstat", "-i", "-Fn", NULL };
	char *v3[] = { "sockstat", "-i", "-F", NULL };
	char *b1[] = { "sockstat", "-i", "-Fg", NULL };
	char *b2[] = { "sockstat", "-i", "-t", "-Fp", NULL };
	char *b3[] = { "sockstat", "-i", "-t", "--json", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v1), v1, &o, err), CLI_RUN);
	assert_true(o.lsof->fields && o.lsof->field_nul);
	assert_string_equal(o.lsof->field_set, "pcn");
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(v2), v2, &o, err), CLI_RUN);
	assert_string_equal(o.lsof->field_set, "np");	/* p always */
	assert_false(o.lsof->field_nul);
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(v3), v3, &o, err), CLI_RUN);
	assert_string_equal(o.lsof->field_set, LSOF_FIELDS);
	lsof_sel_free(o.lsof);
	expect_usage(NARGS(b1), b1, "'g'");
	expect_usage(NARGS(b2), b2, "-t and -F");
	expect_usage(NARGS(b3), b3, "--json");
}

static void
test_lsof_parse_repeat(void **state)
{
	char *v1[] = { "sockstat", "-i", "-r", NULL };
	char *v2[] = { "sockstat", "-r", "2", "-i", "--count", "3", NULL };
	char *v3[] = { "sockstat", "-r5", "-U", NULL };
	char *b1[] = { "sockstat", "-i", "-r0", NULL };
	char *b2[] = { "sockstat", "-i", "--count=2", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v1), v1, &o, err), CLI_RUN);
	assert_true(o.continuous);
	assert_int_equal(o.interval_ms, 15000);	/* lsof's default */
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(v2), v2, &o, err), CLI_RUN);
	assert_int_equal(o.interval_ms, 2000);
	assert_int_equal(o.count, 3);
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(v3), v3, &o, err), CLI_RUN);
	assert_int_equal(o.interval_ms, 5000);
	assert_int_equal(o.protos, 1U << PROTO_UNIX);
	lsof_sel_free(o.lsof);
	expect_usage(NARGS(b1), b1, "-r 0");
	expect_usage(NARGS(b2), b2, "--count");
}

static void
test_lsof_parse_misc(void **state)
{
	char *h[] = { "sockstat", "-i", "-h", NULL };
	char *ver[] = { "sockstat", "-U", "-V", NULL };
	char *src[] = { "sockstat", "-i", "--source=proc", "--json", NULL };
	char *b1[] = { "sockstat", "-i", "-Z", NULL };
	char *b2[] = { "sockstat", "-n", NULL };
	char *b3[] = { "sockstat", "-i", "--", "file", NULL };
	char *b4[] = { "sockstat", "-i", "--source", "x", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(h), h, &o, err), CLI_HELP);
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(ver), ver, &o, err), CLI_VERSION);
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(src), src, &o, err), CLI_RUN);
	assert_int_equal(o.source, SOURCE_PROC);
	assert_true(o.json);
	lsof_sel_free(o.lsof);
	expect_usage(NARGS(b1), b1, "-Z");
	expect_usage(NARGS(b2), b2, "-i or -U");
	expect_usage(NARGS(b3), b3, "file");
	expect_usage(NARGS(b4), b4, "--source x");
}

/* The dumps: narrowed to the SPECs unless an owner can list any socket. */
static void
test_lsof_parse_dumps(void **state)
{
	char *v1[] = { "sockstat", "-i6TCP", "-p", "5", NULL };
	char *v2[] = { "sockstat", "-i6TCP", "-a", "-p", "5", NULL };
	char *v3[] = { "sockstat", "-i6TCP", "-U", NULL };
	char *v4[] = { "sockstat", "-i6TCP", "-p^5", "-c^x", NULL };
	char *v5[] = { "sockstat", "-i4TCP", NULL };
	char *v6[] = { "sockstat", "-i4", NULL };
	char *v7[] = { "sockstat", "-i4udplite:53", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(NARGS(v1), v1, &o, err), CLI_RUN);
	assert_int_equal(o.protos, 1U << PROTO_TCP | 1U << PROTO_UDP |
	    1U << PROTO_UDPLITE);
	assert_int_equal(o.families, FAM_INET4 | FAM_INET6);
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(v2), v2, &o, err), CLI_RUN);
	assert_int_equal(o.protos, 1U << PROTO_TCP);
	assert_int_equal(o.families, FAM_INET6);
	lsof_sel_free(o.lsof);
	assert_int_equal(parse(NARGS(v3), v3, &o, err), CLI_RUN);
	assert_int_equal(o.protos, 1U << PROTO_TCP | 1U << PROTO_UNIX);
	lsof_sel_free(o.lsof);
	/* Exclusions alone widen nothing. */
	assert_int_equal(parse(NARGS(v4), v4, &o, err), CLI_RUN);
	assert_int_equal(o.protos, 1U << PROTO_TCP);
	assert_int_equal(o.families, FAM_INET6);
	lsof_sel_free(o.lsof);
	/* An IPv4 SPEC also names v4-mapped sockets: IPv6 is dumped too. */
	assert_int_equal(parse(NARGS(v5), v5, &o, err), CLI_RUN);
	assert_int_equal(o.families, FAM_INET4 | FAM_INET6);
	lsof_sel_free(o.lsof);
	/* "-i 4" alone is the TYPE: IPv4 sockets only. */
	assert_int_equal(parse(NARGS(v6), v6, &o, err), CLI_RUN);
	assert_int_equal(o.families, FAM_INET4);
	lsof_sel_free(o.lsof);
	/* lsof's UDPLITE protocol name, in any case. */
	assert_int_equal(parse(NARGS(v7), v7, &o, err), CLI_RUN);
	assert_int_equal(o.protos, 1U << PROTO_UDPLITE);
	lsof_sel_free(o.lsof);
}

/* Rows: a v4 TCP listener, a v6 connection to port 22, UDP, UNIX. */
static struct sock_row
row_tcp4_listen(void)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.proto = PROTO_TCP;
	r.state = ST_LISTEN;
	r.laddr.v4.s_addr = htonl(INADDR_LOOPBACK);
	r.lport = 8080;
	return r;
}

static struct sock_row
row_tcp6_to_22(void)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET6;
	r.proto = PROTO_TCP;
	r.state = ST_ESTABLISHED;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &r.laddr.v6);
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &r.raddr.v6);
	r.lport = 40000;
	r.rport = 22;
	return r;
}

static struct sock_row
row_udp4(void)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.proto = PROTO_UDP;
	r.state = ST_CLOSE;
	r.lport = 53;
	return r;
}

/* Parses a selection from a NULL-ended word list. */
static struct lsof_sel *
sel(char **v)
{
	struct options o;
	char err[CLI_ERRLEN];
	int n = 0;

	while (v[n] != NULL)
		n++;
	if (parse(n, v, &o, err) != CLI_RUN)
		fail_msg("parse: %s", err);
	return o.lsof;
}

static void
test_lsof_match_socket_spec(void **state)
{
	char *p22[] = { "sockstat", "-i:22", NULL };
	char *host[] = { "sockstat", "-i@127.0.0.1", NULL };
	char *far[] = { "sockstat", "-i@10.9.9.9", NULL };
	char *six[] = { "sockstat", "-i6", NULL };
	char *udp[] = { "sockstat", "-iUDP:domain", NULL };
	struct sock_row l = row_tcp4_listen(), c = row_tcp6_to_22(),
	    u = row_udp4();
	struct lsof_sel *s;

	(void)state;
	s = sel(p22);	/* remote port 22 counts, as in lsof */
	assert_int_equal(lsof_match_socket(s, &c), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(host);	/* also the v4-mapped local end of an IPv6 socket */
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &c), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &u), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(far);
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(six);
	assert_int_equal(lsof_match_socket(s, &c), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(udp);
	assert_int_equal(lsof_match_socket(s, &u), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_FACE);
	lsof_sel_free(s);
}

static void
test_lsof_match_socket_states(void **state)
{
	char *in[] = { "sockstat", "-i", "-sTCP:LISTEN", NULL };
	char *out[] = { "sockstat", "-i", "-sTCP:^LISTEN", NULL };
	struct sock_row l = row_tcp4_listen(), c = row_tcp6_to_22(),
	    u = row_udp4();
	struct lsof_sel *s;

	(void)state;
	s = sel(in);	/* an inclusion lists no UDP: it has no state names */
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &c), LSOF_SOCK_NO);
	assert_int_equal(lsof_match_socket(s, &u), LSOF_SOCK_NO);
	lsof_sel_free(s);
	s = sel(out);
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_NO);
	assert_int_equal(lsof_match_socket(s, &c), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &u), LSOF_SOCK_SPEC);
	lsof_sel_free(s);
}

static void
test_lsof_match_socket_unix(void **state)
{
	char *i[] = { "sockstat", "-i", NULL };
	char *U[] = { "sockstat", "-U", NULL };
	struct sock_row x, l = row_tcp4_listen(), raw = row_tcp4_listen();
	struct lsof_sel *s;

	(void)state;
	memset(&x, 0, sizeof(x));
	x.family = AF_UNIX;
	x.proto = PROTO_UNIX;
	raw.proto = PROTO_RAW;
	s = sel(i);
	assert_int_equal(lsof_match_socket(s, &x), LSOF_SOCK_NO);
	assert_int_equal(lsof_match_socket(s, &raw), LSOF_SOCK_NO);
	lsof_sel_free(s);
	s = sel(U);
	assert_int_equal(lsof_match_socket(s, &x), LSOF_SOCK_SPEC);
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_NO);
	lsof_sel_free(s);
}

static void
test_lsof_match_owner(void **state)
{
	char *p_or[] = { "sockstat", "-i", "-p10", "-cpyth", NULL };
	char *p_ex[] = { "sockstat", "-i", "-p^10", NULL };
	char *p_and[] = { "sockstat", "-i", "-a", "-p10,11", "-u0", NULL };
	char *c_ex[] = { "sockstat", "-i", "-c^pyth", "-a", NULL };
	struct sock_owner py = { 10, 0, 3, 'u', "python3" },
	    perl = { 11, 5, 4, 'u', "perl" }, anon = { 12, 0, 5, 'u', NULL };
	struct lsof_sel *s;

	(void)state;
	s = sel(p_or);
	assert_int_equal(lsof_match_owner(s, &py), LSOF_OWNER_SEL);
	assert_int_equal(lsof_match_owner(s, &perl), LSOF_OWNER_ANY);
	assert_int_equal(lsof_match_owner(s, &anon), LSOF_OWNER_ANY);
	lsof_sel_free(s);
	s = sel(p_ex);
	assert_int_equal(lsof_match_owner(s, &py), LSOF_OWNER_NO);
	assert_int_equal(lsof_match_owner(s, &perl), LSOF_OWNER_ANY);
	lsof_sel_free(s);
	s = sel(p_and);	/* -a: pid 11 is listed but uid 5 is not */
	assert_int_equal(lsof_match_owner(s, &py), LSOF_OWNER_SEL);
	assert_int_equal(lsof_match_owner(s, &perl), LSOF_OWNER_NO);
	lsof_sel_free(s);
	s = sel(c_ex);	/* -a with only an exclusion: the rest stay */
	assert_int_equal(lsof_match_owner(s, &py), LSOF_OWNER_NO);
	assert_int_equal(lsof_match_owner(s, &perl), LSOF_OWNER_SEL);
	lsof_sel_free(s);
}

static void
test_lsof_select_owners(void **state)
{
	char *or_[] = { "sockstat", "-i:22", "-p10", NULL };
	char *and_[] = { "sockstat", "-i:22", "-a", "-p10", NULL };
	struct sock_owner ows[] = {
		{ 10, 0, 3, 'u', "a" }, { 11, 0, 4, 'u', "b" },
	};
	struct sock_row l = row_tcp4_listen(), c = row_tcp6_to_22(), r;
	struct lsof_sel *s;

	(void)state;
	l.owners = c.owners = ows;
	l.nowners = c.nowners = 2;
	s = sel(or_);
	r = c;		/* the SPEC names it: every owner */
	assert_int_equal(lsof_select_owners(s, lsof_match_socket(s, &r), &r), 0);
	assert_int_equal(r.nowners, 2);
	r = l;		/* only -p names one of its owners */
	assert_int_equal(lsof_select_owners(s, lsof_match_socket(s, &r), &r), 0);
	assert_int_equal(r.nowners, 1);
	assert_int_equal(r.owners[0].pid, 10);
	assert_int_equal(s->matched, 3);
	lsof_sel_free(s);
	s = sel(and_);
	r = l;
	assert_int_equal(lsof_select_owners(s, lsof_match_socket(s, &r), &r), 0);
	assert_int_equal(r.nowners, 0);
	r = c;
	assert_int_equal(lsof_select_owners(s, lsof_match_socket(s, &r), &r), 0);
	assert_int_equal(r.nowners, 1);
	assert_int_equal(r.owners[0].fd, 3);
	assert_int_equal(s->matched, 1);
	lsof_sel_free(s);
}

static void
test_lsof_marker_forms(void **state)
{
	char *t[] = { "sockstat", "-i", NULL };
	char *f[] = { "sockstat", "-i", "-Fpn", NULL };
	char *f0[] = { "sockstat", "-i", "-F0pn", NULL };
	struct lsof_sel *s;
	const char *m;
	size_t n;

	(void)state;
	s = sel(t);
	m = lsof_marker(s, &n);
	assert_int_equal(n, 8);
	assert_memory_equal(m, "=======\n", 8);
	lsof_sel_free(s);
	s = sel(f);
	m = lsof_marker(s, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(m, "m\n", 2);
	lsof_sel_free(s);
	s = sel(f0);
	m = lsof_marker(s, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(m, "m\0\n", 3);
	lsof_sel_free(s);
	lsof_sel_free(NULL);
}

/* A v4-mapped IPv6 connection (a dual-stack listener's accepted one). */
static struct sock_row
row_mapped(void)
{
	struct sock_row r = row_tcp6_to_22();

	inet_pton(AF_INET6, "::ffff:127.0.0.1", &r.raddr.v6);
	r.lport = 8081;
	r.rport = 45404;
	return r;
}

/* Port 0 is the port of no end: ":0" lists neither listeners nor UDP. */
static void
test_lsof_match_socket_port_zero(void **state)
{
	char *z[] = { "sockstat", "-i:0", NULL };
	char *uz[] = { "sockstat", "-iUDP:0", NULL };
	char *range[] = { "sockstat", "-i:0-8080", NULL };
	struct sock_row l = row_tcp4_listen(), u = row_udp4();
	struct lsof_sel *s;

	(void)state;
	s = sel(z);
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_FACE);
	assert_int_equal(lsof_match_socket(s, &u), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(uz);
	assert_int_equal(lsof_match_socket(s, &u), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(range);	/* the local 8080 does, the absent remote not */
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_SPEC);
	l.lport = 9000;
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_FACE);
	lsof_sel_free(s);
}

/* "@0.0.0.0" names no host: it makes the SPEC an IPv4 one. */
static void
test_lsof_match_socket_any_host(void **state)
{
	char *v[] = { "sockstat", "-iTCP@0.0.0.0:8081", NULL };
	struct sock_row l = row_tcp4_listen(), m = row_mapped();
	struct lsof_sel *s;

	(void)state;
	s = sel(v);
	assert_int_equal(s->specs[0].naddrs, 0);
	assert_int_equal(s->specs[0].families, FAM_INET4);
	assert_int_equal(lsof_match_socket(s, &m), LSOF_SOCK_SPEC);
	l.lport = 8081;	/* 127.0.0.1:8081: not only 0.0.0.0 */
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_SPEC);
	l.family = AF_INET6;	/* [::]:8081, dual-stack: IPv6 */
	memset(&l.laddr, 0, sizeof(l.laddr));
	assert_int_equal(lsof_match_socket(s, &l), LSOF_SOCK_FACE);
	lsof_sel_free(s);
}

/*
 * v4-mapped: "-i 4TCP:8081" includes it and "-i 6TCP:8081" does not (its
 * addresses are IPv4), but "-i 6" alone does (its TYPE is IPv6).
 */
static void
test_lsof_match_socket_mapped(void **state)
{
	char *v4[] = { "sockstat", "-i4TCP:8081", NULL };
	char *v6[] = { "sockstat", "-i6TCP:8081", NULL };
	char *t4[] = { "sockstat", "-i4", NULL };
	char *t6[] = { "sockstat", "-i6", NULL };
	char *h[] = { "sockstat", "-i@127.0.0.1", NULL };
	char *h6[] = { "sockstat", "-i@[::ffff:127.0.0.1]", NULL };
	struct sock_row m = row_mapped();
	struct lsof_sel *s;

	(void)state;
	s = sel(v4);
	assert_int_equal(lsof_match_socket(s, &m), LSOF_SOCK_SPEC);
	lsof_sel_free(s);
	s = sel(v6);
	assert_int_equal(lsof_match_socket(s, &m), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(t4);
	assert_int_equal(lsof_match_socket(s, &m), LSOF_SOCK_FACE);
	lsof_sel_free(s);
	s = sel(t6);
	assert_int_equal(lsof_match_socket(s, &m), LSOF_SOCK_SPEC);
	lsof_sel_free(s);
	s = sel(h);
	assert_int_equal(lsof_match_socket(s, &m), LSOF_SOCK_SPEC);
	lsof_sel_free(s);
	s = sel(h6);
	assert_int_equal(lsof_match_socket(s, &m), LSOF_SOCK_SPEC);
	lsof_sel_free(s);
}

/* A SPEC without a family takes an earlier "-i 4"'s, as in lsof. */
static void
test_lsof_parse_spec_inherits_family(void **state)
{
	char *v[] = { "sockstat", "-i4", "-iTCP:22", NULL };
	char *w[] = { "sockstat", "-iTCP:22", "-i4", NULL };
	char *both[] = { "sockstat", "-i4", "-i6", "-iTCP:22", NULL };
	struct lsof_sel *s;

	(void)state;
	s = sel(v);
	assert_true(s->specs[0].type_only);
	assert_int_equal(s->specs[1].families, FAM_INET4);
	assert_false(s->specs[1].type_only);
	lsof_sel_free(s);
	s = sel(w);
	assert_int_equal(s->specs[0].families, 0);
	lsof_sel_free(s);
	s = sel(both);
	assert_int_equal(s->specs[2].families, 0);
	lsof_sel_free(s);
}

/*
 * Names are kept by lsof_parse and looked up by lsof_resolve only; until
 * then they match nothing.
 */
static void
test_lsof_resolve_deferred(void **state)
{
	char *v[] = { "sockstat", "-iTCP@localhost:ssh", "-u", "root", NULL };
	char *bad[] = { "sockstat", "-i:no-such-service", NULL };
	struct sock_row l = row_tcp4_listen();
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(lsof_parse(NARGS(v), v, &o, err, sizeof(err)),
	    CLI_RUN);
	assert_true(o.lsof->specs[0].pending);
	assert_int_equal(o.lsof->specs[0].naddrs, 0);
	assert_int_equal(o.lsof->uids[0].id, -1);
	l.lport = 22;
	assert_int_equal(lsof_match_socket(o.lsof, &l), LSOF_SOCK_FACE);
	assert_int_equal(lsof_resolve(o.lsof, err, sizeof(err)), CLI_RUN);
	assert_false(o.lsof->specs[0].pending);
	assert_true(o.lsof->specs[0].naddrs > 0);
	assert_int_equal(o.lsof->uids[0].id, 0);
	assert_int_equal(lsof_match_socket(o.lsof, &l), LSOF_SOCK_SPEC);
	lsof_sel_free(o.lsof);
	assert_int_equal(lsof_parse(NARGS(bad), bad, &o, err, sizeof(err)),
	    CLI_RUN);
	assert_int_equal(lsof_resolve(o.lsof, err, sizeof(err)), CLI_USAGE);
	assert_non_null(strstr(err, "no-such-service"));
	lsof_sel_free(o.lsof);
}

static int
drop_ok(void)
{
	return 0;
}

static int
drop_refused(void)
{
	errno = EPERM;
	return -1;
}

static int
drop_dies(void)
{
	_exit(3);
}

/*
 * lsof_resolve_apart: the child's answer is what lsof_resolve finds in
 * the process; no child without names; a refused drop or a dying child
 * is a failure (-1), never a usage error.
 */
static void
test_lsof_resolve_apart(void **state)
{
	char *v[] = { "sockstat", "-iTCP@localhost:ssh,80", "-i6UDP:domain",
	    "-u", "root", "-u", "^0", NULL };
	char *plain[] = { "sockstat", "-iTCP@127.0.0.1:22", "-u", "0", NULL };
	char *bad[] = { "sockstat", "-i:no-such-service", NULL };
	struct options a, b;
	char err[CLI_ERRLEN];
	size_t i;

	(void)state;
	assert_int_equal(lsof_parse(NARGS(v), v, &a, err, sizeof(err)),
	    CLI_RUN);
	assert_int_equal(lsof_parse(NARGS(v), v, &b, err, sizeof(err)),
	    CLI_RUN);
	assert_int_equal(lsof_resolve_apart(a.lsof, drop_ok, err,
	    sizeof(err)), CLI_RUN);
	assert_int_equal(lsof_resolve(b.lsof, err, sizeof(err)), CLI_RUN);
	for (i = 0; i < a.lsof->nspecs; i++) {
		const struct lsof_spec *x = &a.lsof->specs[i],
		    *y = &b.lsof->specs[i];

		assert_false(x->pending);
		assert_int_equal(x->naddrs, y->naddrs);
		assert_memory_equal(x->addr_family, y->addr_family,
		    sizeof(x->addr_family));
		assert_memory_equal(x->addrs, y->addrs, x->naddrs *
		    sizeof(x->addrs[0]));
		assert_int_equal(x->nports, y->nports);
		assert_memory_equal(x->ports, y->ports, x->nports *
		    sizeof(x->ports[0]));
	}
	for (i = 0; i < a.lsof->nuids; i++)
		assert_int_equal(a.lsof->uids[i].id, b.lsof->uids[i].id);
	lsof_sel_free(a.lsof);
	lsof_sel_free(b.lsof);
	/* Nothing to look up: no child, so a refusing drop is not called. */
	assert_int_equal(lsof_parse(NARGS(plain), plain, &a, err,
	    sizeof(err)), CLI_RUN);
	assert_int_equal(lsof_resolve_apart(a.lsof, drop_refused, err,
	    sizeof(err)), CLI_RUN);
	lsof_sel_free(a.lsof);
	/* An unknown name: the usage error, with the child's message. */
	assert_int_equal(lsof_parse(NARGS(bad), bad, &a, err, sizeof(err)),
	    CLI_RUN);
	assert_int_equal(lsof_resolve_apart(a.lsof, drop_ok, err,
	    sizeof(err)), CLI_USAGE);
	assert_non_null(strstr(err, "no-such-service"));
	/* A child that cannot drop, or dies: a failure with its errno. */
	assert_int_equal(lsof_resolve_apart(a.lsof, drop_refused, err,
	    sizeof(err)), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(lsof_resolve_apart(a.lsof, drop_dies, err,
	    sizeof(err)), -1);
	assert_int_equal(errno, EIO);
	lsof_sel_free(a.lsof);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsof_resolve_apart),
		cmocka_unit_test(test_lsof_parse_bare_i),
		cmocka_unit_test(test_lsof_parse_tcpi),
		cmocka_unit_test(test_lsof_parse_spec_attached_or_not),
		cmocka_unit_test(test_lsof_parse_i_then_flag),
		cmocka_unit_test(test_lsof_parse_spec_family),
		cmocka_unit_test(test_lsof_parse_spec_port_edges),
		cmocka_unit_test(test_lsof_parse_spec_ranges_and_lists),
		cmocka_unit_test(test_lsof_parse_spec_service_one_proto),
		cmocka_unit_test(test_lsof_parse_spec_hosts),
		cmocka_unit_test(test_lsof_parse_spec_bad),
		cmocka_unit_test(test_lsof_parse_states),
		cmocka_unit_test(test_lsof_parse_ids),
		cmocka_unit_test(test_lsof_parse_fields),
		cmocka_unit_test(test_lsof_parse_repeat),
		cmocka_unit_test(test_lsof_parse_misc),
		cmocka_unit_test(test_lsof_parse_dumps),
		cmocka_unit_test(test_lsof_match_socket_spec),
		cmocka_unit_test(test_lsof_match_socket_port_zero),
		cmocka_unit_test(test_lsof_match_socket_any_host),
		cmocka_unit_test(test_lsof_match_socket_mapped),
		cmocka_unit_test(test_lsof_parse_spec_inherits_family),
		cmocka_unit_test(test_lsof_resolve_deferred),
		cmocka_unit_test(test_lsof_match_socket_states),
		cmocka_unit_test(test_lsof_match_socket_unix),
		cmocka_unit_test(test_lsof_match_owner),
		cmocka_unit_test(test_lsof_select_owners),
		cmocka_unit_test(test_lsof_marker_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
