/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fexpr.c - the filter expression parser (fexpr.c) and its
 * user-space evaluator (fexpr_eval.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fexpr.h"

/* A TCP row of family fam: laddr:lport -> raddr:rport in state st. */
static struct sock_row
row(int fam, const char *laddr, unsigned lport, const char *raddr,
    unsigned rport, unsigned st)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = (uint8_t)fam;
	r.proto = PROTO_TCP;
	r.state = (uint8_t)st;
	r.lport = (uint16_t)lport;
	r.rport = (uint16_t)rport;
	assert_int_equal(inet_pton(fam, laddr, &r.laddr), 1);
	assert_int_equal(inet_pton(fam, raddr, &r.raddr), 1);
	r.has = ROW_HAS_IFINDEX | ROW_HAS_UID;
	return r;
}

static struct sock_row
unix_row(const char *path, size_t len)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = AF_UNIX;
	r.proto = PROTO_UNIX;
	r.state = ST_LISTEN;
	r.path = path;
	r.path_len = len;
	return r;
}

/* Parses text, which must be good, and evaluates it on r. */
static int
eval_on(const char *text, const struct sock_row *r)
{
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t pos = 0;
	int v;

	if (fexpr_parse(text, &fx, err, sizeof(err), &pos) == -1)
		fail_msg("'%s' refused at %zu: %s", text, pos, err);
	v = fexpr_eval(fx, r, 1);
	fexpr_free(fx);
	return v;
}

static void
test_fexpr_parse_ports(void **state)
{
	struct sock_row r = row(AF_INET, "10.0.0.1", 22, "10.0.0.2", 40000,
	    ST_ESTABLISHED);

	(void)state;
	/* Spaces or none; ss's colon or none; every spelling of OP. */
	assert_int_equal(eval_on("sport = :22", &r), FX_YES);
	assert_int_equal(eval_on("sport=22", &r), FX_YES);
	assert_int_equal(eval_on("(sport=22)", &r), FX_YES);
	assert_int_equal(eval_on("sport == 22", &r), FX_YES);
	assert_int_equal(eval_on("sport eq ssh", &r), FX_YES);
	assert_int_equal(eval_on("sport 22", &r), FX_YES);
	assert_int_equal(eval_on("sport != 22", &r), FX_NO);
	assert_int_equal(eval_on("sport ne 23", &r), FX_YES);
	assert_int_equal(eval_on("dport > 39999", &r), FX_YES);
	assert_int_equal(eval_on("dport gt 40000", &r), FX_NO);
	assert_int_equal(eval_on("dport >= 40000", &r), FX_YES);
	assert_int_equal(eval_on("dport < 40000", &r), FX_NO);
	assert_int_equal(eval_on("dport lt 40001", &r), FX_YES);
	assert_int_equal(eval_on("dport <= :40000", &r), FX_YES);
	assert_int_equal(eval_on("dport le 39999", &r), FX_NO);
	/* port: either side; != neither. */
	assert_int_equal(eval_on("port 40000", &r), FX_YES);
	assert_int_equal(eval_on("port = 22", &r), FX_YES);
	assert_int_equal(eval_on("port != 22", &r), FX_NO);
	assert_int_equal(eval_on("port != 80", &r), FX_YES);
}

static void
test_fexpr_parse_logic(void **state)
{
	struct sock_row r = row(AF_INET, "10.0.0.1", 22, "10.0.0.2", 40000,
	    ST_ESTABLISHED);

	(void)state;
	assert_int_equal(eval_on("sport 22 and dport 40000", &r), FX_YES);
	assert_int_equal(eval_on("sport 22 && dport 1", &r), FX_NO);
	assert_int_equal(eval_on("sport 22 dport 1", &r), FX_NO);
	assert_int_equal(eval_on("sport 1 or dport 40000", &r), FX_YES);
	assert_int_equal(eval_on("sport 1 || dport 1", &r), FX_NO);
	assert_int_equal(eval_on("not sport 1", &r), FX_YES);
	assert_int_equal(eval_on("!sport=22", &r), FX_NO);
	assert_int_equal(eval_on("!(sport=1||dport=2)", &r), FX_YES);
	/* and binds tighter than or. */
	assert_int_equal(eval_on("sport 22 or sport 1 and dport 1", &r),
	    FX_YES);
	assert_int_equal(eval_on("(sport 22 or sport 1) and dport 1", &r),
	    FX_NO);
	assert_int_equal(eval_on("not not sport 22", &r), FX_YES);
}

static void
test_fexpr_parse_hosts(void **state)
{
	struct sock_row r4 = row(AF_INET, "10.1.2.3", 22, "192.168.0.9", 5000,
	    ST_ESTABLISHED);
	struct sock_row r6 = row(AF_INET6, "::ffff:10.1.2.3", 22, "fe80::1",
	    5000, ST_ESTABLISHED);
	struct sock_row l6 = row(AF_INET6, "::1", 443, "::", 0, ST_LISTEN);

	(void)state;
	assert_int_equal(eval_on("src 10.1.2.3", &r4), FX_YES);
	assert_int_equal(eval_on("src = 10.0.0.0/8", &r4), FX_YES);
	assert_int_equal(eval_on("src 10.0.0.0/16", &r4), FX_NO);
	assert_int_equal(eval_on("src 10.1.2.3:22", &r4), FX_YES);
	assert_int_equal(eval_on("src 10.1.2.3:23", &r4), FX_NO);
	assert_int_equal(eval_on("src 10.0.0.0/8:22", &r4), FX_YES);
	assert_int_equal(eval_on("dst 192.168.0.0/24:5000", &r4), FX_YES);
	assert_int_equal(eval_on("dst *:5000", &r4), FX_YES);
	assert_int_equal(eval_on("dst :5001", &r4), FX_NO);
	assert_int_equal(eval_on("src *", &r4), FX_YES);
	/* An IPv4 condition matches a v4-mapped address, as the kernel. */
	assert_int_equal(eval_on("src 10.0.0.0/8", &r6), FX_YES);
	assert_int_equal(eval_on("dst [fe80::]/10", &r6), FX_YES);
	assert_int_equal(eval_on("dst [fe80::1]:5000", &r6), FX_YES);
	assert_int_equal(eval_on("dst [fe80::1]/128:5001", &r6), FX_NO);
	assert_int_equal(eval_on("src ::1", &l6), FX_YES);
	assert_int_equal(eval_on("src [::1]:443", &l6), FX_YES);
	assert_int_equal(eval_on("src 127.0.0.1", &l6), FX_NO);
	assert_int_equal(eval_on("src localhost", &r4), FX_NO);
	assert_int_equal(eval_on("src 10.1.2.3 or src ::1", &l6), FX_YES);
}

static void
test_fexpr_eval_unix(void **state)
{
	struct sock_row u = unix_row("/run/foo.sock", 13);
	struct sock_row a = unix_row("\0abstract-x", 11);
	struct sock_row t = row(AF_INET, "1.2.3.4", 1, "0.0.0.0", 0,
	    ST_LISTEN);

	(void)state;
	assert_int_equal(eval_on("src /run/*.sock", &u), FX_YES);
	assert_int_equal(eval_on("src /tmp/*", &u), FX_NO);
	assert_int_equal(eval_on("src @abstract*", &a), FX_YES);
	assert_int_equal(eval_on("src @abstract*", &u), FX_NO);
	/* Internet predicates hold for no UNIX socket, and the reverse. */
	assert_int_equal(eval_on("sport 0", &u), FX_NO);
	assert_int_equal(eval_on("not sport 0", &u), FX_YES);
	assert_int_equal(eval_on("src /run/*", &t), FX_NO);
	assert_int_equal(eval_on("autobound", &u), FX_NO);
}

static void
test_fexpr_eval_unknown(void **state)
{
	struct sock_row r = row(AF_INET, "10.0.0.1", 22, "10.0.0.2", 40000,
	    ST_ESTABLISHED);
	struct sock_owner ow = { 42, 0, 3, 'u', "sshd", NULL };
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t pos;

	(void)state;
	/* Port 22 is no ephemeral port: never autobound. */
	assert_int_equal(eval_on("autobound", &r), FX_NO);
	assert_int_equal(fexpr_parse("autobound", &fx, err, sizeof(err),
	    &pos), 0);
	r.lport = (uint16_t)fx->n[fx->root].num;	/* the range's first */
	fexpr_free(fx);
	/* The kernel decides these: unknown here, and carried by logic. */
	assert_int_equal(eval_on("autobound", &r), FX_UNKNOWN);
	assert_int_equal(eval_on("fwmark 0x10/0xff", &r), FX_UNKNOWN);
	assert_int_equal(eval_on("autobound and sport 1", &r), FX_NO);
	assert_int_equal(eval_on("autobound or dport 40000", &r), FX_YES);
	assert_int_equal(eval_on("not autobound", &r), FX_UNKNOWN);
	r.lport = 22;
	/* Holders: unknown until the owner map is attached. */
	assert_int_equal(fexpr_parse("proc ssh* and pid 42", &fx, err,
	    sizeof(err), &pos), 0);
	assert_true(fx->needs & FX_NEEDS_OWNERS);
	assert_int_equal(fexpr_eval(fx, &r, 0), FX_UNKNOWN);
	assert_int_equal(fexpr_eval(fx, &r, 1), FX_NO);
	r.owners = &ow;
	r.nowners = 1;
	assert_int_equal(fexpr_eval(fx, &r, 1), FX_YES);
	fexpr_free(fx);
	r.uid = 1000;
	assert_int_equal(eval_on("uid 1000", &r), FX_YES);
	assert_int_equal(eval_on("uid root", &r), FX_NO);
	r.ifindex = 1;
	assert_int_equal(eval_on("dev lo", &r), FX_YES);
	assert_int_equal(eval_on("dev 2", &r), FX_NO);
}

static void
test_fexpr_parse_states(void **state)
{
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t pos;

	(void)state;
	assert_int_equal(fexpr_parse("state listen", &fx, err, sizeof(err),
	    &pos), 0);
	assert_true(fx->has_states);
	assert_int_equal(fx->states, ST_BIT(ST_LISTEN));
	assert_int_equal(fx->root, -1);
	fexpr_free(fx);
	assert_int_equal(fexpr_parse("state established state syn-sent "
	    "sport 22", &fx, err, sizeof(err), &pos), 0);
	assert_int_equal(fx->states, ST_BIT(ST_ESTABLISHED) |
	    ST_BIT(ST_SYN_SENT));
	assert_true(fx->root >= 0);
	fexpr_free(fx);
	assert_int_equal(fexpr_parse("exclude listening exclude time-wait",
	    &fx, err, sizeof(err), &pos), 0);
	assert_int_equal(fx->states, ST_ALL & ~(ST_BIT(ST_LISTEN) |
	    ST_BIT(ST_TIME_WAIT)));
	fexpr_free(fx);
	assert_int_equal(fexpr_parse("state connected exclude established",
	    &fx, err, sizeof(err), &pos), 0);
	assert_false(fx->states & (ST_BIT(ST_LISTEN) | ST_BIT(ST_CLOSE) |
	    ST_BIT(ST_ESTABLISHED)));
	assert_true(fx->states & ST_BIT(ST_SYN_SENT));
	fexpr_free(fx);
}

/* Bad expressions: the message and the offset of the caret. */
static void
test_fexpr_parse_errors(void **state)
{
	static const struct {
		const char	*text;
		size_t		 pos;
		const char	*msg;
	} cases[] = {
		{ "sport =", 7, "expected a port after 'sport ='" },
		{ "sport = x1y", 8, "expected a port after 'sport =': "
		    "no service named 'x1y'" },
		{ "dport > 70000", 8, "expected a port (0 to 65535) after "
		    "'dport >'" },
		{ "sport = 22 or", 13, "expected a predicate" },
		{ "sport = 22 )", 11, "unbalanced ')'" },
		{ "( sport = 22", 12, "expected ')' or an operator" },
		{ "bogus", 0, "expected a predicate" },
		{ "state bogus", 6, "expected a state" },
		{ "sport 22 state listening", 9, "state and exclude go before" },
		{ "src 1.2.3.4/33", 4, "expected a prefix length (0 to 32)" },
		{ "src [::1", 4, "expected ']'" },
		{ "dst /run/x", 4, "expected a host after 'dst'" },
		{ "dev no-such-dev0", 4, "expected a device after 'dev'" },
		{ "fwmark x", 7, "expected MARK[/MASK] after 'fwmark'" },
		{ "fwmark 1/", 7, "expected MARK[/MASK] after 'fwmark'" },
		{ "pid x", 4, "expected a process id after 'pid'" },
		{ "uid no-such-user-x", 4, "expected a user after 'uid'" },
		{ "not", 3, "expected a predicate" },
		{ "sport = 22 and and", 15, "expected a predicate" },
		{ "cgroup /no/such/cgroup/x", 7, "expected a cgroup" },
	};
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t i, pos;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pos = 999;
		errno = 0;
		assert_int_equal(fexpr_parse(cases[i].text, &fx, err,
		    sizeof(err), &pos), -1);
		assert_int_equal(errno, EINVAL);
		assert_null(fx);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0 ||
		    pos != cases[i].pos)
			fail_msg("'%s': got '%s' at %zu", cases[i].text, err,
			    pos);
	}
}

/* A deep nest is refused, not a stack overflow. */
static void
test_fexpr_parse_deep(void **state)
{
	char text[4096], err[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t pos, i;

	(void)state;
	for (i = 0; i < 1000; i++)
		text[i] = '(';
	strcpy(text + 1000, "sport 1");
	assert_int_equal(fexpr_parse(text, &fx, err, sizeof(err), &pos), -1);
	assert_string_equal(err, "expression nested too deep");
}

/* netns NAME|INODE: the row's namespace, by name or inode, exactly. */
static void
test_fexpr_eval_netns(void **state)
{
	struct sock_netns blue = { 4026532001ULL, "blue", "blue" };
	struct sock_netns anon = { 4026532002ULL, NULL, "4026532002" };
	struct sock_row r = row(AF_INET, "10.0.0.1", 80, "0.0.0.0", 0,
	    ST_LISTEN);
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t pos = 0;

	(void)state;
	/* Without --netns the row has none: never named. */
	assert_int_equal(eval_on("netns blue", &r), FX_NO);
	r.netns = &blue;
	assert_int_equal(eval_on("netns blue", &r), FX_YES);
	assert_int_equal(eval_on("netns = blue", &r), FX_YES);
	assert_int_equal(eval_on("netns 4026532001", &r), FX_YES);
	assert_int_equal(eval_on("netns blu", &r), FX_NO);
	assert_int_equal(eval_on("netns 4026532002", &r), FX_NO);
	assert_int_equal(eval_on("not netns blue", &r), FX_NO);
	assert_int_equal(eval_on("netns blue and sport = 80", &r), FX_YES);
	r.netns = &anon;
	assert_int_equal(eval_on("netns 4026532002", &r), FX_YES);
	assert_int_equal(eval_on("netns blue", &r), FX_NO);
	assert_int_equal(fexpr_parse("netns blue", &fx, err, sizeof(err),
	    &pos), 0);
	assert_true(fx->needs & FX_NEEDS_NETNS);
	fexpr_free(fx);
	assert_int_equal(fexpr_parse("netns", &fx, err, sizeof(err), &pos),
	    -1);
	assert_string_equal(err,
	    "expected a namespace name or inode after 'netns'");
}

static void
test_fexpr_is_start(void **state)
{
	(void)state;
	assert_true(fexpr_is_start("sport"));
	assert_true(fexpr_is_start("sport=22"));
	assert_true(fexpr_is_start("(dport=443)"));
	assert_true(fexpr_is_start("!autobound"));
	assert_true(fexpr_is_start("state"));
	assert_true(fexpr_is_start("netns"));
	assert_false(fexpr_is_start("stray"));
	assert_false(fexpr_is_start("3"));
	assert_false(fexpr_is_start("sports"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fexpr_parse_ports),
		cmocka_unit_test(test_fexpr_parse_logic),
		cmocka_unit_test(test_fexpr_parse_hosts),
		cmocka_unit_test(test_fexpr_eval_unix),
		cmocka_unit_test(test_fexpr_eval_unknown),
		cmocka_unit_test(test_fexpr_parse_states),
		cmocka_unit_test(test_fexpr_parse_errors),
		cmocka_unit_test(test_fexpr_parse_deep),
		cmocka_unit_test(test_fexpr_eval_netns),
		cmocka_unit_test(test_fexpr_is_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
