/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_filter.c - the netstat selection rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "filter.h"

static struct sock_row
row(int family, enum sock_proto proto, unsigned state, uint16_t rport)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = family;
	r.proto = proto;
	r.state = state;
	r.rport = rport;
	return r;
}

static void
test_filter_normalize_defaults(void **state)
{
	struct options o = { 0 };

	(void)state;
	filter_normalize(&o);
	/* Every protocol, UDP-Lite included, as netstat. */
	assert_int_equal(o.protos, (1U << PROTO_COUNT) - 1);
	assert_int_equal(o.families, FAM_INET4 | FAM_INET6);

	memset(&o, 0, sizeof(o));
	o.families = FAM_INET6;		/* -6: no UNIX, as netstat */
	filter_normalize(&o);
	assert_int_equal(o.protos, ((1U << PROTO_COUNT) - 1) &
	    ~(1U << PROTO_UNIX));
	assert_int_equal(o.families, FAM_INET6);

	memset(&o, 0, sizeof(o));
	o.families = FAM_INET4;		/* -x -4: both, as netstat */
	o.protos = 1U << PROTO_UNIX;
	filter_normalize(&o);
	assert_int_equal(o.protos, (1U << PROTO_COUNT) - 1);

	memset(&o, 0, sizeof(o));
	o.protos = 1U << PROTO_UNIX;	/* -x alone: UNIX only */
	filter_normalize(&o);
	assert_int_equal(o.protos, 1U << PROTO_UNIX);

	memset(&o, 0, sizeof(o));
	o.families = FAM_INET4;		/* -t -4: TCP of IPv4 */
	o.protos = 1U << PROTO_TCP;
	filter_normalize(&o);
	assert_int_equal(o.protos, 1U << PROTO_TCP);
}

static void
test_filter_match_servers(void **state)
{
	struct options o = { 0 };
	struct sock_row lst = row(AF_INET, PROTO_TCP, ST_LISTEN, 0);
	struct sock_row est = row(AF_INET, PROTO_TCP, ST_ESTABLISHED, 40000);
	struct sock_row udp = row(AF_INET6, PROTO_UDP, ST_CLOSE, 0);
	struct sock_row ul = row(AF_UNIX, PROTO_UNIX, ST_LISTEN, 0);
	struct sock_row ud = row(AF_UNIX, PROTO_UNIX, ST_CLOSE, 0);
	struct sock_row rawc = row(AF_INET, PROTO_RAW, ST_ESTABLISHED, 0);
	struct sock_row raws = row(AF_INET, PROTO_RAW, ST_CLOSE, 0);
	struct sock_row ulite = row(AF_INET, PROTO_UDPLITE, ST_CLOSE, 0);
	struct sock_row ulitec = row(AF_INET, PROTO_UDPLITE, ST_ESTABLISHED,
	    53);

	rawc.raddr.v4.s_addr = htonl(0x7f000002);	/* connected */
	ulitec.raddr.v4.s_addr = htonl(0x7f000001);

	(void)state;
	filter_normalize(&o);
	assert_false(filter_match(&o, &lst));
	assert_true(filter_match(&o, &est));
	assert_false(filter_match(&o, &udp));
	assert_false(filter_match(&o, &ul));
	assert_true(filter_match(&o, &ud));	/* unbound DGRAM: not a server */
	assert_true(filter_match(&o, &rawc));	/* remote address, port 0 */
	assert_false(filter_match(&o, &raws));
	assert_false(filter_match(&o, &ulite));	/* UDP-Lite as UDP */
	assert_true(filter_match(&o, &ulitec));
	o.listening = 1;
	assert_true(filter_match(&o, &ulite));
	assert_false(filter_match(&o, &ulitec));
	assert_true(filter_match(&o, &lst));
	assert_false(filter_match(&o, &est));
	assert_true(filter_match(&o, &udp));
	assert_true(filter_match(&o, &ul));
	o.all = 1;
	assert_true(filter_match(&o, &est));
	assert_true(filter_match(&o, &ud));
}

static void
test_filter_match_selection(void **state)
{
	struct options o = { .all = 1, .protos = 1U << PROTO_UDP,
	    .families = FAM_INET4 };
	struct sock_row u4 = row(AF_INET, PROTO_UDP, ST_CLOSE, 0);
	struct sock_row u6 = row(AF_INET6, PROTO_UDP, ST_CLOSE, 0);
	struct sock_row t4 = row(AF_INET, PROTO_TCP, ST_LISTEN, 0);

	(void)state;
	assert_true(filter_match(&o, &u4));
	assert_false(filter_match(&o, &u6));
	assert_false(filter_match(&o, &t4));
}

static void
test_filter_states_masks(void **state)
{
	struct options o = { 0 };

	(void)state;
	assert_int_equal(filter_states(&o, PROTO_TCP),
	    ST_ALL & ~ST_BIT(ST_LISTEN));
	assert_int_equal(filter_states(&o, PROTO_UDP), ST_ALL);
	o.listening = 1;
	assert_int_equal(filter_states(&o, PROTO_TCP), ST_BIT(ST_LISTEN));
	assert_int_equal(filter_states(&o, PROTO_UNIX), ST_BIT(ST_LISTEN));
	o.all = 1;
	assert_int_equal(filter_states(&o, PROTO_TCP), ST_ALL);
	assert_false(ST_ALL & ST_BIT(ST_BOUND_INACTIVE));
	assert_true(ST_ALL & ST_BIT(ST_NEW_SYN_RECV));
}

/*
 * The netstat flags as a selection: a dump of a protocol or family not
 * selected is not asked for; the others get filter_states' mask; rows
 * go through filter_match; every holder is kept (no owners hook).
 */
static void
test_filter_selection(void **state)
{
	struct selection *sel;
	struct options o;
	struct sock_row r;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.listening = 1;
	o.protos = 1U << PROTO_TCP | 1U << PROTO_UNIX;
	o.families = FAM_INET6;
	filter_normalize(&o);
	assert_non_null(sel = filter_selection_new(&o));
	assert_int_equal(sel->ops->states(sel, AF_INET, PROTO_TCP), 0);
	assert_int_equal(sel->ops->states(sel, AF_INET6, PROTO_TCP),
	    ST_BIT(ST_LISTEN));
	assert_int_equal(sel->ops->states(sel, AF_INET6, PROTO_UDP), 0);
	assert_int_equal(sel->ops->states(sel, AF_UNIX, PROTO_UNIX),
	    ST_BIT(ST_LISTEN));
	assert_null(sel->ops->owners);
	memset(&r, 0, sizeof(r));
	r.family = AF_INET6;
	r.proto = PROTO_TCP;
	r.state = ST_LISTEN;
	assert_true(sel->ops->match(sel, &r));
	r.rport = 80;
	assert_false(sel->ops->match(sel, &r));
	selection_free(sel);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_normalize_defaults),
		cmocka_unit_test(test_filter_match_servers),
		cmocka_unit_test(test_filter_match_selection),
		cmocka_unit_test(test_filter_states_masks),
		cmocka_unit_test(test_filter_selection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
