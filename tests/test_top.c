/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_top.c - the model of sockstat top on synthetic rows: rates
 * between snapshots, counters that go backwards, new and closed marks,
 * totals, sort, group and filter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fexpr.h"
#include "tcpinfo.h"
#include "top.h"
#include "top_frame.h"

static int
setup(void **state)
{
	*state = top_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	top_free(*state);
	return 0;
}

/*
 * Adds a TCP socket 127.0.0.1:lport -> 127.0.0.rhost:rport with cookie,
 * acked and received bytes, retransmissions, held by pid/comm (pid 0:
 * none).
 */
static void
add_tcp(struct top *t, uint64_t cookie, uint16_t lport, uint8_t rhost,
    uint64_t acked, uint64_t rcvd, uint32_t retrans, int pid,
    const char *comm)
{
	struct sock_row r;
	struct sock_ext x;
	struct sock_owner ow = { pid, 1000, 3, 'u', comm };

	memset(&r, 0, sizeof(r));
	memset(&x, 0, sizeof(x));
	r.family = AF_INET;
	r.proto = PROTO_TCP;
	r.type = SOCK_STREAM;
	r.state = ST_ESTABLISHED;
	r.has = ROW_HAS_COOKIE | ROW_HAS_QUEUES;
	r.cookie = cookie;
	r.inode = cookie + 1000;
	r.lport = lport;
	r.rport = 40000;
	r.laddr.v4.s_addr = htonl(0x7f000001);
	r.raddr.v4.s_addr = htonl(0x7f000000 | rhost);
	r.rqueue = (uint32_t)cookie;
	x.has = SX_INFO;
	x.info_len = sizeof(x.info);
	x.info.tcpi_bytes_acked = acked;
	x.info.tcpi_bytes_received = rcvd;
	x.info.tcpi_total_retrans = retrans;
	x.info.tcpi_rtt = 250;
	x.info.tcpi_snd_cwnd = 10;
	r.ext = &x;
	if (pid != 0) {
		r.owners = &ow;
		r.nowners = 1;
	}
	assert_int_equal(top_add(t, &r), 0);
}

static const struct top_sock *
by_cookie(const struct top *t, uint64_t cookie)
{
	for (size_t i = 0; i < top_len(t); i++)
		if (top_get(t, i)->row.cookie == cookie)
			return top_get(t, i);
	return NULL;
}

static void
test_top_end_first_has_no_rate(void **state)
{
	struct top *t = *state;

	assert_int_equal(top_begin(t, 1000), 0);
	add_tcp(t, 1, 80, 2, 5000, 7000, 3, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_len(t), 1);
	assert_int_equal(top_get(t, 0)->has_rate, 0);
	assert_int_equal(top_get(t, 0)->mark, 0);
	assert_int_equal(top_get(t, 0)->send_Bps, 0);
	assert_int_equal(top_totals(t)->interval_ms, 0);
}

static void
test_top_end_rates(void **state)
{
	struct top *t = *state;
	const struct top_sock *s;

	assert_int_equal(top_begin(t, 1000), 0);
	add_tcp(t, 1, 80, 2, 5000, 7000, 3, 0, NULL);
	assert_int_equal(top_end(t), 0);
	/* 2 s later: 20000 bytes acked, 4000 received, 2 retransmitted. */
	assert_int_equal(top_begin(t, 3000), 0);
	add_tcp(t, 1, 80, 2, 25000, 11000, 5, 0, NULL);
	assert_int_equal(top_end(t), 0);
	s = by_cookie(t, 1);
	assert_non_null(s);
	assert_int_equal(s->has_rate, 1);
	assert_int_equal(s->send_Bps, 10000);
	assert_int_equal(s->recv_Bps, 2000);
	assert_int_equal(s->retrans, 2);
	assert_int_equal(s->rtt_us, 250);
	assert_int_equal(s->cwnd, 10);
	assert_int_equal(s->mark, 0);
	assert_int_equal(top_totals(t)->interval_ms, 2000);
	assert_int_equal(top_totals(t)->send_Bps, 10000);
	assert_int_equal(top_totals(t)->recv_Bps, 2000);
}

static void
test_top_end_counter_back_is_zero(void **state)
{
	struct top *t = *state;
	const struct top_sock *s;

	assert_int_equal(top_begin(t, 1000), 0);
	add_tcp(t, 1, 80, 2, UINT64_MAX - 10, 7000, 9, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_begin(t, 2000), 0);
	add_tcp(t, 1, 80, 2, 100, 10, 1, 0, NULL);
	assert_int_equal(top_end(t), 0);
	s = by_cookie(t, 1);
	assert_int_equal(s->send_Bps, 0);
	assert_int_equal(s->recv_Bps, 0);
	assert_int_equal(s->retrans, 0);
	/* And from there on it counts again. */
	assert_int_equal(top_begin(t, 3000), 0);
	add_tcp(t, 1, 80, 2, 600, 10, 1, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(by_cookie(t, 1)->send_Bps, 500);
}

static void
test_top_begin_time_must_advance(void **state)
{
	struct top *t = *state;

	assert_int_equal(top_begin(t, 1000), 0);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_begin(t, 1000), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_top_end_new_and_closed(void **state)
{
	struct top *t = *state;
	const struct top_sock *s;

	assert_int_equal(top_begin(t, 1000), 0);
	add_tcp(t, 1, 80, 2, 0, 0, 0, 0, NULL);
	add_tcp(t, 2, 81, 2, 0, 0, 0, 0, NULL);
	assert_int_equal(top_end(t), 0);
	/* 2 goes, 3 comes with 500 bytes in its first half second. */
	assert_int_equal(top_begin(t, 1500), 0);
	add_tcp(t, 1, 80, 2, 0, 0, 0, 0, NULL);
	add_tcp(t, 3, 82, 2, 500, 0, 0, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_len(t), 3);
	assert_int_equal(by_cookie(t, 1)->mark, 0);
	s = by_cookie(t, 3);
	assert_int_equal(s->mark, TOP_MARK_NEW);
	assert_int_equal(s->send_Bps, 1000);
	s = by_cookie(t, 2);
	assert_non_null(s);
	assert_int_equal(s->mark, TOP_MARK_CLOSED);
	assert_int_equal(s->has_rate, 0);
	assert_int_equal(top_totals(t)->opened, 1);
	assert_int_equal(top_totals(t)->closed, 1);
	assert_int_equal(top_totals(t)->opened_mps, 2000);
	assert_int_equal(top_totals(t)->tcp_states[ST_ESTABLISHED], 2);
	assert_int_equal(top_totals(t)->protos[PROTO_TCP], 2);
	/* Shown closed once, then gone; 3 is no longer new. */
	assert_int_equal(top_begin(t, 2500), 0);
	add_tcp(t, 1, 80, 2, 0, 0, 0, 0, NULL);
	add_tcp(t, 3, 82, 2, 500, 0, 0, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_len(t), 2);
	assert_null(by_cookie(t, 2));
	assert_int_equal(by_cookie(t, 3)->mark, 0);
	assert_int_equal(by_cookie(t, 3)->send_Bps, 0);
	assert_int_equal(top_totals(t)->closed, 0);
}

static void
test_top_end_many_sockets(void **state)
{
	struct top *t = *state;
	uint64_t c;

	/* Enough to grow the arrays and the index several times. */
	assert_int_equal(top_begin(t, 1000), 0);
	for (c = 1; c <= 5000; c++)
		add_tcp(t, c * 4096, 80, 2, c, 0, 0, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_begin(t, 2000), 0);
	for (c = 1; c <= 5000; c += 2)
		add_tcp(t, c * 4096, 80, 2, 2 * c, 0, 0, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_len(t), 5000);
	assert_int_equal(top_totals(t)->closed, 2500);
	assert_int_equal(top_totals(t)->opened, 0);
	assert_int_equal(by_cookie(t, 4999 * 4096)->send_Bps, 4999);
	assert_int_equal(by_cookie(t, 5000 * 4096)->mark, TOP_MARK_CLOSED);
}

/* Two snapshots a second apart: cookie c sends c * 100 bytes/s. */
static void
three_senders(struct top *t)
{
	assert_int_equal(top_begin(t, 1000), 0);
	add_tcp(t, 1, 80, 2, 0, 900, 0, 10, "web");
	add_tcp(t, 2, 80, 3, 0, 0, 0, 10, "web");
	add_tcp(t, 3, 22, 2, 0, 0, 0, 20, "sshd");
	assert_int_equal(top_end(t), 0);
	assert_int_equal(top_begin(t, 2000), 0);
	add_tcp(t, 1, 80, 2, 100, 900, 0, 10, "web");
	add_tcp(t, 2, 80, 3, 200, 0, 4, 10, "web");
	add_tcp(t, 3, 22, 2, 300, 50, 1, 20, "sshd");
	assert_int_equal(top_end(t), 0);
}

static void
test_top_view_sort(void **state)
{
	struct top *t = *state;
	struct top_view v;
	struct top_view_opts vo = { TOP_KEY_SEND, 1, TOP_GROUP_NONE, NULL,
	    1 };

	memset(&v, 0, sizeof(v));
	three_senders(t);
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.lines[0]->row.cookie, 3);
	assert_int_equal(v.lines[1]->row.cookie, 2);
	assert_int_equal(v.lines[2]->row.cookie, 1);
	vo.descending = 0;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.lines[0]->row.cookie, 1);
	assert_int_equal(v.lines[2]->row.cookie, 3);
	/* By owner: "sshd" before "web". */
	vo.key = TOP_KEY_OWNER;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.lines[0]->row.cookie, 3);
	/* By retransmissions in the interval, most first. */
	vo.key = TOP_KEY_RETRANS;
	vo.descending = 1;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.lines[0]->row.cookie, 2);
	assert_int_equal(v.lines[0]->retrans, 4);
	top_view_free(&v);
}

static void
test_top_view_group(void **state)
{
	struct top *t = *state;
	struct top_view v;
	struct top_view_opts vo = { TOP_KEY_SEND, 1, TOP_GROUP_PROCESS, NULL,
	    1 };

	memset(&v, 0, sizeof(v));
	three_senders(t);
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 2);
	/* web: 100 + 200 > sshd: 300?  Equal: web's sum is 300 too. */
	assert_int_equal(v.lines[0]->send_Bps, 300);
	assert_int_equal(v.lines[1]->send_Bps, 300);
	assert_string_equal(v.lines[0]->pid == 10 ? v.lines[0]->comm :
	    v.lines[1]->comm, "web");
	assert_int_equal(v.lines[0]->pid == 10 ? v.lines[0]->nsocks :
	    v.lines[1]->nsocks, 2);
	/* By local port: 80 has 2 sockets, retransmissions summed. */
	vo.group = TOP_GROUP_LPORT;
	vo.key = TOP_KEY_RETRANS;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.lines[0]->row.lport, 80);
	assert_int_equal(v.lines[0]->retrans, 4);
	assert_int_equal(v.lines[0]->nsocks, 2);
	assert_int_equal(v.lines[0]->row.rqueue, 3);
	/* By remote host: .2 has cookies 1 and 3. */
	vo.group = TOP_GROUP_RHOST;
	vo.key = TOP_KEY_SEND;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.lines[0]->send_Bps, 400);
	assert_int_equal(v.lines[0]->row.raddr.v4.s_addr,
	    htonl(0x7f000002));
	assert_int_equal(v.lines[1]->send_Bps, 200);
	top_view_free(&v);
}

static void
test_top_view_filter(void **state)
{
	struct top *t = *state;
	struct top_view v;
	struct top_view_opts vo = { TOP_KEY_SEND, 1, TOP_GROUP_NONE, NULL,
	    1 };
	struct fexpr *fx;
	char err[FEXPR_ERRLEN];
	size_t pos;

	memset(&v, 0, sizeof(v));
	three_senders(t);
	assert_int_equal(fexpr_parse("sport = :80", &fx, err, sizeof(err),
	    &pos), 0);
	vo.filter = fx;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.lines[0]->row.cookie, 2);
	fexpr_free(fx);
	assert_int_equal(fexpr_parse("proc sshd", &fx, err, sizeof(err),
	    &pos), 0);
	vo.filter = fx;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.lines[0]->row.cookie, 3);
	/* Not every holder seen: proc cannot decide, so nothing matches. */
	vo.owners_known = 0;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 0);
	fexpr_free(fx);
	assert_int_equal(fexpr_parse("state listening", &fx, err,
	    sizeof(err), &pos), 0);
	vo.filter = fx;
	assert_int_equal(top_view_build(t, &vo, &v), 0);
	assert_int_equal(v.n, 0);
	fexpr_free(fx);
	top_view_free(&v);
}

/* A lookup that knows one inode: cookie 2's (inode 1002). */
static const struct sock_owner *
one_owner(uint64_t inode, size_t *n, void *arg)
{
	static const struct sock_owner ow = { 77, 0, 5, 'u', "late" };

	(void)arg;
	*n = inode == 1002;
	return inode == 1002 ? &ow : NULL;
}

static void
test_top_owners_kept_and_filled(void **state)
{
	struct top *t = *state;

	assert_int_equal(top_begin(t, 1000), 0);
	add_tcp(t, 1, 80, 2, 0, 0, 0, 10, "web");
	assert_int_equal(top_end(t), 0);
	/* A first snapshot: web's socket has its owner, nothing to do. */
	assert_int_equal(top_unowned_new(t), 0);
	/* Then rows come without owners: the last one is kept. */
	assert_int_equal(top_begin(t, 2000), 0);
	add_tcp(t, 1, 80, 2, 0, 0, 0, 0, NULL);
	add_tcp(t, 2, 81, 2, 0, 0, 0, 0, NULL);
	assert_int_equal(top_end(t), 0);
	assert_int_equal(by_cookie(t, 1)->pid, 10);
	assert_string_equal(by_cookie(t, 1)->comm, "web");
	/* 2 is new and has none: a reason to build the map. */
	assert_int_equal(top_unowned_new(t), 1);
	assert_int_equal(top_totals(t)->unowned, 1);
	top_fill_owners(t, one_owner, NULL);
	assert_int_equal(by_cookie(t, 2)->pid, 77);
	assert_string_equal(by_cookie(t, 2)->comm, "late");
	/* The fresh map says 1 has no owner now: it has none. */
	assert_int_equal(by_cookie(t, 1)->nowners, 0);
	assert_int_equal(top_totals(t)->unowned, 1);
}

static void
test_top_key_parse(void **state)
{
	enum top_key k;
	enum top_group g;

	(void)state;
	for (unsigned i = 0; i < TOP_NKEYS; i++) {
		assert_int_equal(top_key_parse(top_key_name(i), &k), 0);
		assert_int_equal(k, i);
	}
	assert_int_equal(top_key_parse("bogus", &k), -1);
	assert_int_equal(top_group_parse("lport", &g), 0);
	assert_int_equal(g, TOP_GROUP_LPORT);
	assert_int_equal(top_group_parse("", &g), -1);
}

/* The owner map's lookup for test_top_container: owners by inode. */
static struct sock_owner ctr_owners[3];

static const struct sock_owner *
ctr_lookup(uint64_t inode, size_t *n, void *arg)
{
	(void)arg;
	*n = inode >= 1001 && inode <= 1003 ? 1 : 0;
	return *n ? &ctr_owners[inode - 1001] : NULL;
}

/*
 * The holder's container from its cgroup: a Docker container's short
 * id after the program, a pod's UID cut to 12, none for a systemd unit;
 * in the owner cell as the listing shows it.
 */
static void
test_top_container(void **state)
{
	struct top *t = *state;
	const struct top_sock *s;
	char cell[TOP_CELL_MAX];

	ctr_owners[0] = (struct sock_owner){ 7, 0, 3, 'u', "nginx", NULL,
	    "0::/system.slice/docker-3f4e1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"
	    "3a2b1c0d9e8f7a6b5c4d3e2f.scope\n" };
	ctr_owners[1] = (struct sock_owner){ 8, 0, 3, 'u', "sshd", NULL,
	    "0::/system.slice/ssh.service\n" };
	ctr_owners[2] = (struct sock_owner){ 9, 0, 3, 'u', "app", NULL,
	    "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort"
	    "-pod8b7e3c2a_1d4f_4e5a_9b6c_7d8e9f0a1b2c.slice\n" };
	assert_int_equal(top_begin(t, 1000), 0);
	add_tcp(t, 1, 80, 2, 0, 0, 0, 0, NULL);
	add_tcp(t, 2, 22, 3, 0, 0, 0, 0, NULL);
	add_tcp(t, 3, 81, 4, 0, 0, 0, 0, NULL);
	assert_int_equal(top_end(t), 0);
	top_fill_owners(t, ctr_lookup, NULL);
	s = by_cookie(t, 1);
	assert_string_equal(s->ctr_rt, "docker");
	assert_string_equal(s->ctr_id, "3f4e1c2b9a8d");
	assert_string_equal(top_cell_owner(cell, sizeof(cell), s,
	    TOP_GROUP_NONE), "7/nginx (docker 3f4e1c2b9a8d)");
	s = by_cookie(t, 2);
	assert_null(s->ctr_rt);
	assert_string_equal(top_cell_owner(cell, sizeof(cell), s,
	    TOP_GROUP_NONE), "8/sshd");
	s = by_cookie(t, 3);
	assert_string_equal(s->ctr_rt, "pod");
	assert_string_equal(s->ctr_id, "8b7e3c2a-1d4");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_top_end_first_has_no_rate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_end_rates,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_top_end_counter_back_is_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_top_begin_time_must_advance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_end_new_and_closed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_end_many_sockets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_view_sort,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_view_group,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_view_filter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_top_owners_kept_and_filled, setup, teardown),
		cmocka_unit_test(test_top_key_parse),
		cmocka_unit_test_setup_teardown(test_top_container, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
