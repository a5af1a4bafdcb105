/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_filter_expr.c - the netstat flags narrowed by a filter expression,
 * as a selection (filter_expr.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "fexpr.h"
#include "filter.h"

static struct sock_row
row(enum sock_proto proto, unsigned state, uint16_t lport, uint16_t rport)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.proto = proto;
	r.state = (uint8_t)state;
	r.lport = lport;
	r.rport = rport;
	inet_pton(AF_INET, "127.0.0.1", &r.laddr);
	if (rport != 0)
		inet_pton(AF_INET, "127.0.0.1", &r.raddr);
	return r;
}

/* Options as the command line FLAGS would make them (-t, -a). */
static void
opts(struct options *o, unsigned protos, int all)
{
	memset(o, 0, sizeof(*o));
	o->protos = protos;
	o->all = all;
	filter_normalize(o);
}

static struct fexpr *
parse(const char *text)
{
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t pos;

	if (fexpr_parse(text, &fx, err, sizeof(err), &pos) == -1)
		fail_msg("'%s': %s", text, err);
	return fx;
}

static void
test_filter_expr_states(void **state)
{
	struct options o;
	struct fexpr *fx = parse("state listening exclude closed");
	struct fexpr *none = parse("sport 22");
	struct selection *s, *t;

	(void)state;
	opts(&o, 1U << PROTO_TCP, 0);
	assert_non_null(s = filter_expr_selection_new(&o, fx));
	assert_non_null(t = filter_expr_selection_new(&o, none));
	/* -t: no UDP dump at all; the clause gives TCP's mask. */
	assert_int_equal(s->ops->states(s, AF_INET, PROTO_UDP), 0);
	assert_int_equal(s->ops->states(s, AF_INET6, PROTO_TCP),
	    ST_BIT(ST_LISTEN));
	/* No clause: the flags' own mask (-t without -a: no listeners). */
	assert_int_equal(t->ops->states(t, AF_INET, PROTO_TCP),
	    filter_states(&o, PROTO_TCP));
	selection_free(s);
	selection_free(t);
	fexpr_free(fx);
	fexpr_free(none);
}

static void
test_filter_expr_match(void **state)
{
	struct options o;
	struct fexpr *lst = parse("state listen sport 22");
	struct fexpr *port = parse("sport 22");
	struct sock_row l = row(PROTO_TCP, ST_LISTEN, 22, 0);
	struct sock_row e = row(PROTO_TCP, ST_ESTABLISHED, 22, 5000);
	struct sock_row u = row(PROTO_UDP, ST_CLOSE, 22, 0);
	struct selection *s, *t;

	(void)state;
	opts(&o, 1U << PROTO_TCP, 0);
	s = filter_expr_selection_new(&o, lst);
	t = filter_expr_selection_new(&o, port);
	/* The state clause replaces -l/-a: a listener without -a. */
	assert_int_equal(s->ops->match(s, &l), SELECT_ROW);
	assert_int_equal(s->ops->match(s, &e), SELECT_NO);
	/* Without one, netstat's rule stays: no listener without -a. */
	assert_int_equal(t->ops->match(t, &l), SELECT_NO);
	assert_int_equal(t->ops->match(t, &e), SELECT_ROW);
	e.lport = 23;
	assert_int_equal(t->ops->match(t, &e), SELECT_NO);
	/* -t: never a UDP row. */
	assert_int_equal(s->ops->match(s, &u), SELECT_NO);
	selection_free(s);
	selection_free(t);
	fexpr_free(lst);
	fexpr_free(port);
}

static void
test_filter_expr_owners(void **state)
{
	struct options o;
	struct fexpr *fx = parse("proc ssh* or sport 80");
	struct sock_row r = row(PROTO_TCP, ST_ESTABLISHED, 22, 5000);
	struct sock_row w = row(PROTO_TCP, ST_ESTABLISHED, 80, 5000);
	struct sock_owner ssh = { 7, 0, 3, 'u', "sshd", NULL };
	struct sock_owner cat = { 8, 0, 3, 'u', "cat", NULL };
	struct selection *s;
	int m;

	(void)state;
	opts(&o, 1U << PROTO_TCP, 1);
	s = filter_expr_selection_new(&o, fx);
	/* Decided by the socket alone: every holder is kept. */
	assert_int_equal(m = s->ops->match(s, &w), SELECT_ROW);
	assert_int_equal(s->ops->owners(s, m, &w), 1);
	/* Decided by its holders. */
	assert_int_equal(m = s->ops->match(s, &r), SELECT_BY_OWNER);
	r.owners = &cat;
	r.nowners = 1;
	assert_int_equal(s->ops->owners(s, m, &r), 0);
	r.owners = &ssh;
	assert_int_equal(s->ops->owners(s, m, &r), 1);
	r.nowners = 0;
	assert_int_equal(s->ops->owners(s, m, &r), 0);
	selection_free(s);
	fexpr_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_expr_states),
		cmocka_unit_test(test_filter_expr_match),
		cmocka_unit_test(test_filter_expr_owners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
