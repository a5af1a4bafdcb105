/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_trace_drain.c - the ring-drain thread and its handoff to the
 * round, with a fake source in place of the perf rings: every sample
 * reaches the consumer once and in order while the thread keeps
 * producing; the kernel's lost records and those a full queue refuses
 * are counted; the watermark (drained_ns) never claims a sample that is
 * still to come; the thread blocks signals; a wait is woken by samples
 * and sleeps once they are taken; an error of the thread and of the
 * consumer's callback come back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"
#include "trace_drain.h"

#define BOUND_MS	20000	/* every loop below gives up after this */

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The fake rings.  Each read hands out up to per_read samples numbered
 * from 0 (in skaddr) and adds lost_per_read to *lost, until total; a
 * sample is stamped as the kernel stamps one, when it fires: between
 * the start of the previous read and the start of this one, and the read
 * takes a moment, as copying a ring does.
 */
struct fake {
	uint64_t	 total, next, per_read;
	unsigned long	 lost_per_read, reads;
	uint64_t	 last_start;
	int		 fail_errno;	/* read fails with it; 0: never */
	int		 sig_blocked;	/* SIGINT blocked in the reader: -1 unknown */
	unsigned	 delay_ms;	/* nothing comes before, from the start */
	uint64_t	 t0;
};

/*
 * A pause in a waiting loop: a loop that only spins starves the thread
 * under test where threads take turns (valgrind runs one at a time).
 */
static void
relax(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

static int
fake_wait(void *src, int timeout_ms)
{
	struct fake *f = src;
	struct timespec ts = { 0, 1000000 };

	if (__atomic_load_n(&f->next, __ATOMIC_ACQUIRE) < f->total &&
	    now_ns() - f->t0 >= f->delay_ms * 1000000ULL)
		return 1;
	(void)timeout_ms;
	nanosleep(&ts, NULL);	/* nothing comes: a short, bounded wait */
	return 0;
}

static int
fake_read(void *src, trace_cb cb, void *arg, unsigned long *lost)
{
	struct fake *f = src;
	struct trace_sample s;
	struct timespec pause = { 0, 200000 };
	sigset_t cur;
	uint64_t start = now_ns(), prev = f->last_start, i, n;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	f->sig_blocked = sigismember(&cur, SIGINT);
	if (__atomic_load_n(&f->fail_errno, __ATOMIC_ACQUIRE) != 0) {
		errno = EIO;
		return -1;
	}
	if (prev == 0)
		prev = start;
	if (start - f->t0 < f->delay_ms * 1000000ULL)
		return 0;
	f->last_start = start;
	__atomic_add_fetch(&f->reads, 1, __ATOMIC_RELEASE);
	n = f->total - f->next < f->per_read ? f->total - f->next :
	    f->per_read;
	/* The kernel says what it dropped along with what it kept. */
	if (n > 0)
		*lost += f->lost_per_read;
	for (i = 0; i < n; i++) {
		memset(&s, 0, sizeof(s));
		s.skaddr = f->next + i;
		s.time_ns = prev + (start - prev) * i / (n ? n : 1);
		if (cb(&s, arg) == -1)
			return -1;
	}
	__atomic_store_n(&f->next, f->next + n, __ATOMIC_RELEASE);
	nanosleep(&pause, NULL);
	return 0;
}

static struct trace_drain *
start(struct fake *f, size_t max)
{
	struct trace_src src = { fake_wait, fake_read, f };
	struct trace_drain *d;

	f->sig_blocked = -1;
	f->t0 = now_ns();
	assert_non_null(d = trace_drain_start(&src, max));
	return d;
}

/* What the consumer saw. */
struct seen {
	uint64_t	 n;		/* samples, in order */
	int		 out_of_order;
	uint64_t	 watermark;	/* drained_ns of the last take */
	int		 before_mark;	/* a sample older than a past mark */
	uint64_t	 stop_at;	/* the callback fails at this one */
};

static int
consume(const struct trace_sample *s, void *arg)
{
	struct seen *c = arg;

	if (c->stop_at != 0 && s->skaddr == c->stop_at) {
		errno = ENOSPC;
		return -1;
	}
	if (s->skaddr != c->n)
		c->out_of_order = 1;
	if (c->watermark != 0 && s->time_ns < c->watermark)
		c->before_mark = 1;
	c->n++;
	return 0;
}

/* Takes until want samples and lost records came, or the bound. */
static void
take_until(struct trace_drain *d, struct seen *c, uint64_t want,
    unsigned long want_lost, unsigned long *lost)
{
	uint64_t t0 = now_ns(), mark;

	while (c->n < want || *lost < want_lost) {
		assert_true(now_ns() - t0 < BOUND_MS * 1000000ULL);
		(void)trace_drain_wait(d, 10);
		mark = 0;
		assert_int_equal(trace_drain_take(d, consume, c, lost, &mark),
		    0);
		assert_true(mark >= c->watermark);
		c->watermark = mark;
	}
}

/* Whether a wait of 30 ms, after a take, lasts them: nothing queued. */
static int
waits_full(struct trace_drain *d)
{
	struct seen c = { 0 };
	unsigned long lost = 0;
	uint64_t t0;
	int i;

	/* A wake of the last batch may land after a take: take again. */
	for (i = 0; i < 3; i++) {
		(void)trace_drain_take(d, consume, &c, &lost, NULL);
		t0 = now_ns();
		if (trace_drain_wait(d, 30) == 0 &&
		    now_ns() - t0 >= 25 * 1000000ULL)
			return 1;
	}
	return 0;
}

static void
test_trace_drain_take_every_sample_once(void **state)
{
	struct fake f = { .total = 200000, .per_read = 700 };
	struct seen c = { 0 };
	struct trace_drain *d;
	unsigned long lost = 0;

	(void)state;
	d = start(&f, 0);
	take_until(d, &c, f.total, 0, &lost);
	assert_true(waits_full(d));
	trace_drain_stop(d);
	assert_int_equal(c.n, f.total);
	assert_false(c.out_of_order);
	assert_int_equal(lost, 0);
	/* The reader thread never takes a signal meant for the caller. */
	assert_int_equal(f.sig_blocked, 1);
}

static void
test_trace_drain_take_watermark(void **state)
{
	struct fake f = { .total = 100000, .per_read = 50 };
	struct seen c = { 0 };
	struct trace_drain *d;
	unsigned long lost = 0;
	uint64_t t0 = now_ns();

	(void)state;
	d = start(&f, 0);
	take_until(d, &c, f.total, 0, &lost);
	trace_drain_stop(d);
	/* No sample came after a mark that said every older one had. */
	assert_false(c.before_mark);
	assert_true(c.watermark >= t0);
	assert_true(c.watermark <= now_ns());
}

static void
test_trace_drain_take_lost(void **state)
{
	struct fake f = { .total = 250, .per_read = 60, .lost_per_read = 7 };
	struct seen c = { 0 };
	struct trace_drain *d;
	unsigned long lost = 0;
	uint64_t t0 = now_ns();

	(void)state;
	/*
	 * A queue of 100 that nobody empties until the source is dry: five
	 * reads of samples, published before the sixth read (an idle one).
	 */
	d = start(&f, 100);
	while (__atomic_load_n(&f.reads, __ATOMIC_ACQUIRE) < 6) {
		assert_true(now_ns() - t0 < BOUND_MS * 1000000ULL);
		relax();
	}
	take_until(d, &c, 100, 5 * 7 + 150, &lost);
	/* Nothing more comes. */
	assert_int_equal(trace_drain_wait(d, 30), 0);
	trace_drain_stop(d);
	assert_int_equal(c.n, 100);
	assert_false(c.out_of_order);
	/*
	 * The kernel's 7 with each of the 5 reads, and the 150 the full
	 * queue refused: 20 of the second read's, the rest of the reads'.
	 */
	assert_int_equal(lost, 5 * 7 + 150);
}

static void
test_trace_drain_wait_timeout_and_error(void **state)
{
	struct fake f = { .total = 0, .per_read = 1 };
	struct seen c = { 0 };
	struct trace_drain *d;
	unsigned long lost = 0;
	uint64_t t0 = now_ns();
	int rc;

	(void)state;
	d = start(&f, 0);
	assert_int_equal(trace_drain_wait(d, 30), 0);
	assert_true(now_ns() - t0 >= 25 * 1000000ULL);
	/* The thread fails: the consumer hears it from wait and take. */
	__atomic_store_n(&f.fail_errno, EIO, __ATOMIC_RELEASE);
	t0 = now_ns();
	while ((rc = trace_drain_wait(d, 100)) == 0)
		assert_true(now_ns() - t0 < BOUND_MS * 1000000ULL);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(trace_drain_take(d, consume, &c, &lost, NULL), -1);
	assert_int_equal(errno, EIO);
	trace_drain_stop(d);
}

static void
test_trace_drain_take_cb_fails(void **state)
{
	struct fake f = { .total = 10, .per_read = 10 };
	struct seen c = { .stop_at = 3 };
	struct trace_drain *d;
	unsigned long lost = 0;
	uint64_t t0 = now_ns();

	(void)state;
	d = start(&f, 0);
	while (__atomic_load_n(&f.next, __ATOMIC_ACQUIRE) < f.total ||
	    trace_drain_wait(d, 10) != 1) {
		assert_true(now_ns() - t0 < BOUND_MS * 1000000ULL);
		relax();
	}
	assert_int_equal(trace_drain_take(d, consume, &c, &lost, NULL), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(c.n, 3);
	trace_drain_stop(d);
}

static void
test_trace_drain_wait_woken(void **state)
{
	struct fake f = { .total = 10, .per_read = 10, .delay_ms = 50 };
	struct seen c = { 0 };
	struct trace_drain *d;
	unsigned long lost = 0;

	(void)state;
	d = start(&f, 0);
	/* The samples come 50 ms after the start: the wait is woken. */
	assert_int_equal(trace_drain_wait(d, BOUND_MS), 1);
	assert_int_equal(trace_drain_take(d, consume, &c, &lost, NULL), 0);
	assert_int_equal(c.n, 10);
	/* Taken: the next wait sleeps again. */
	assert_true(waits_full(d));
	trace_drain_stop(d);
	trace_drain_stop(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_drain_take_every_sample_once),
		cmocka_unit_test(test_trace_drain_take_watermark),
		cmocka_unit_test(test_trace_drain_take_lost),
		cmocka_unit_test(test_trace_drain_wait_timeout_and_error),
		cmocka_unit_test(test_trace_drain_take_cb_fails),
		cmocka_unit_test(test_trace_drain_wait_woken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
