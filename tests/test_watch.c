/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_watch.c - the poll method's cookie diff on synthetic snapshots:
 * a silent baseline, new, changed and gone sockets, destroy messages
 * (a close heard at once, a socket entering TIME_WAIT, one born and
 * gone between snapshots), repeated rows, rows without a cookie, a
 * table large enough to grow several times; and, as root, the destroy
 * groups of the running kernel.  The rounds of watch.c are tested in
 * test_watch_round.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "procmap.h"
#include "watch.h"
#include "watch_ns.h"

#include "watch_fixture.h"


/* Runs one snapshot of n rows through d. */
static void
snap(struct watch_diff *d, uint64_t now, const struct sock_row *rows,
    size_t n, struct got *g)
{
	size_t i;

	watch_diff_begin(d, now);
	for (i = 0; i < n; i++)
		assert_int_equal(watch_diff_row(d, &rows[i], record, g), 0);
	assert_int_equal(watch_diff_end(d, record, g), 0);
}

static int
setup(void **state)
{
	struct watch_diff *d = watch_diff_new();

	if (d == NULL)
		return -1;
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	watch_diff_free(*state);
	return 0;
}

static void
test_watch_diff_row_baseline_silent(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row rows[2];

	assert_non_null(g);
	rows[0] = row(1, ST_LISTEN, 80, 0);
	rows[1] = row(2, ST_ESTABLISHED, 80, 5000);
	snap(d, 1000, rows, 2, g);
	assert_int_equal(g->n, 0);
	assert_int_equal(watch_diff_len(d), 2);
	/* The same again: nothing happened. */
	snap(d, 1100, rows, 2, g);
	assert_int_equal(g->n, 0);
	free(g);
}

static void
test_watch_diff_row_new_changed_gone(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row a[3], b[3];

	assert_non_null(g);
	a[0] = row(1, ST_LISTEN, 80, 0);
	a[1] = row(2, ST_ESTABLISHED, 80, 5000);
	a[2] = row(3, ST_ESTABLISHED, 80, 5001);
	snap(d, 1000, a, 3, g);

	b[0] = row(1, ST_LISTEN, 80, 0);		/* unchanged */
	b[1] = row(2, ST_CLOSE_WAIT, 80, 5000);	/* changed */
	b[2] = row(4, ST_ESTABLISHED, 80, 5002);	/* new; 3 is gone */
	snap(d, 1100, b, 3, g);
	assert_int_equal(g->n, 3);

	assert_int_equal(g->ev[0].kind, WATCH_EV_STATE);
	assert_int_equal(g->ev[0].cookie, 2);
	assert_int_equal(g->ev[0].oldstate, ST_ESTABLISHED);
	assert_int_equal(g->ev[0].newstate, ST_CLOSE_WAIT);
	assert_int_equal(g->ev[0].time_ms, 1100);
	assert_int_equal(g->ev[0].method, WATCH_POLL);
	assert_int_equal(g->ev[0].inode, 1002);

	assert_int_equal(g->ev[1].kind, WATCH_EV_NEW);
	assert_int_equal(g->ev[1].cookie, 4);
	assert_int_equal(g->ev[1].oldstate, ST_UNKNOWN);
	assert_int_equal(g->ev[1].newstate, ST_ESTABLISHED);
	assert_int_equal(g->ev[1].rport, 5002);

	assert_int_equal(g->ev[2].kind, WATCH_EV_CLOSED);
	assert_int_equal(g->ev[2].cookie, 3);
	assert_int_equal(g->ev[2].oldstate, ST_ESTABLISHED);
	assert_int_equal(g->ev[2].newstate, ST_CLOSE);
	assert_int_equal(g->ev[2].rport, 5001);
	assert_int_equal(watch_diff_len(d), 3);
	free(g);
}

static void
test_watch_diff_row_repeats_and_no_cookie(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row a[1], b[3];

	assert_non_null(g);
	a[0] = row(1, ST_ESTABLISHED, 80, 5000);
	snap(d, 1000, a, 1, g);
	b[0] = row(1, ST_ESTABLISHED, 80, 5000);
	b[1] = row(1, ST_ESTABLISHED, 80, 5000);	/* a dump that raced */
	b[2] = row(0, ST_ESTABLISHED, 80, 6000);
	b[2].has = 0;					/* no cookie: ignored */
	snap(d, 1100, b, 3, g);
	assert_int_equal(g->n, 0);
	assert_int_equal(watch_diff_len(d), 1);
	free(g);
}

static void
test_watch_diff_destroyed_close_time(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row a[2];

	assert_non_null(g);
	a[0] = row(1, ST_LISTEN, 80, 0);
	a[1] = row(2, ST_CLOSE_WAIT, 80, 5000);
	snap(d, 1000, a, 2, g);
	/* Destroyed at 1042; the next snapshot no longer has it. */
	assert_int_equal(watch_diff_destroyed(d, &a[1], 1042), 0);
	snap(d, 1100, a, 1, g);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->ev[0].kind, WATCH_EV_CLOSED);
	assert_int_equal(g->ev[0].oldstate, ST_CLOSE_WAIT);
	assert_int_equal(g->ev[0].time_ms, 1042);
	free(g);
}

static void
test_watch_diff_destroyed_time_wait(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row a[1], b[1];

	assert_non_null(g);
	a[0] = row(7, ST_FIN_WAIT2, 5000, 80);
	snap(d, 1000, a, 1, g);
	/* The full socket is destroyed; its timewait socket keeps the cookie. */
	assert_int_equal(watch_diff_destroyed(d, &a[0], 1010), 0);
	b[0] = row(7, ST_TIME_WAIT, 5000, 80);
	b[0].inode = 0;
	snap(d, 1100, b, 1, g);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->ev[0].kind, WATCH_EV_STATE);
	assert_int_equal(g->ev[0].oldstate, ST_FIN_WAIT2);
	assert_int_equal(g->ev[0].newstate, ST_TIME_WAIT);
	assert_int_equal(g->ev[0].time_ms, 1010);
	/* The owner's inode is kept from before. */
	assert_int_equal(g->ev[0].inode, 1007);
	free(g);
}

static void
test_watch_diff_destroyed_unseen(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row a[1], gone[2], tw[2];

	assert_non_null(g);
	a[0] = row(1, ST_LISTEN, 80, 0);
	snap(d, 1000, a, 1, g);
	/* Two sockets born and destroyed between snapshots. */
	gone[0] = row(20, ST_CLOSE, 80, 6000);
	gone[1] = row(21, ST_CLOSE, 6001, 80);
	assert_int_equal(watch_diff_destroyed(d, &gone[0], 1020), 0);
	assert_int_equal(watch_diff_destroyed(d, &gone[1], 1021), 0);
	/* The second is back as a timewait socket with a new cookie. */
	tw[0] = a[0];
	tw[1] = row(99, ST_TIME_WAIT, 6001, 80);
	snap(d, 1100, tw, 2, g);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->ev[0].kind, WATCH_EV_NEW);
	assert_int_equal(g->ev[0].newstate, ST_TIME_WAIT);
	assert_int_equal(g->ev[0].lport, 6001);
	assert_int_equal(g->ev[1].kind, WATCH_EV_CLOSED);
	assert_int_equal(g->ev[1].cookie, 20);
	assert_int_equal(g->ev[1].oldstate, ST_UNKNOWN);
	assert_int_equal(g->ev[1].time_ms, 1020);
	/* Orphans are reported once. */
	snap(d, 1200, tw, 2, g);
	assert_int_equal(g->n, 2);
	free(g);
}

static void
test_watch_diff_destroyed_late(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row a[2];

	assert_non_null(g);
	a[0] = row(1, ST_LISTEN, 80, 0);
	a[1] = row(2, ST_LAST_ACK, 80, 5000);
	snap(d, 1000, a, 2, g);
	snap(d, 1100, a, 1, g);			/* 2 is gone: closed */
	assert_int_equal(g->n, 1);
	/* Its destroy message comes after: not a second close. */
	assert_int_equal(watch_diff_destroyed(d, &a[1], 1150), 0);
	snap(d, 1200, a, 1, g);
	assert_int_equal(g->n, 1);
	free(g);
}

static void
test_watch_diff_end_large(void **state)
{
	struct watch_diff *d = *state;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row *rows;
	size_t i, n = 5000, closed = 0, changed = 0;

	assert_non_null(g);
	rows = calloc(n, sizeof(*rows));
	assert_non_null(rows);
	for (i = 0; i < n; i++)
		rows[i] = row(i + 1, ST_ESTABLISHED, 80, (uint16_t)(1024 + i));
	snap(d, 1000, rows, n, g);
	assert_int_equal(watch_diff_len(d), n);
	/* Odd cookies change state, the upper half goes. */
	for (i = 0; i < n; i += 2)
		rows[i].state = ST_CLOSE_WAIT;
	snap(d, 1100, rows, n / 2, g);
	for (i = 0; i < g->n; i++) {
		if (g->ev[i].kind == WATCH_EV_CLOSED)
			closed++;
		else if (g->ev[i].kind == WATCH_EV_STATE)
			changed++;
		else
			fail();
	}
	assert_int_equal(closed, n / 2);
	assert_int_equal(changed, n / 4);
	assert_int_equal(watch_diff_len(d), n / 2);
	free(rows);
	free(g);
}

/*
 * The destroy groups against the kernel, where they may be joined
 * (root): a socket opened and closed between two snapshots is reported
 * closed by the next one.
 */
static void
test_watch_destroy_wait_live(void **state)
{
	struct watch_diff *d = *state;
	struct watch_destroy *wd;
	struct got *g = calloc(1, sizeof(*g));
	struct sock_row none[1];
	struct sockaddr_in sin;
	size_t i;
	int fd, found = 0;

	assert_non_null(g);
	if ((wd = watch_destroy_open(1U << PROTO_UDP, FAM_INET4)) == NULL) {
		free(g);
		skip();
	}
	snap(d, 1000, none, 0, g);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	close(fd);
	/* Destroy messages of other sockets may come too: look for ours. */
	for (i = 0; i < 10; i++)
		assert_int_equal(watch_destroy_wait(wd, 50, d), 0);
	snap(d, 2000, none, 0, g);
	for (i = 0; i < g->n && i < MAXEV; i++)
		if (g->ev[i].kind == WATCH_EV_CLOSED &&
		    g->ev[i].proto == PROTO_UDP &&
		    g->ev[i].laddr.v4.s_addr == htonl(INADDR_LOOPBACK))
			found = 1;
	assert_true(found);
	watch_destroy_close(wd);
	watch_destroy_close(NULL);
	free(g);
}

static void
test_watch_diff_free_null(void **state)
{
	(void)state;
	watch_diff_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_watch_diff_row_baseline_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_watch_diff_row_new_changed_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_watch_diff_row_repeats_and_no_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_watch_diff_destroyed_close_time, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_watch_diff_destroyed_time_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_watch_diff_destroyed_unseen, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_watch_diff_destroyed_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_diff_end_large,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_destroy_wait_live,
		    setup, teardown),
		cmocka_unit_test(test_watch_diff_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
