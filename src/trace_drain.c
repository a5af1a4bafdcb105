/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace_drain.c - a thread that empties the perf rings into memory
 * (trace_drain.h).  Three sample vectors: the thread's stage, filled
 * without the lock while it reads the rings; the queue, to which the
 * stage is appended under the lock after each pass; and the consumer's
 * spare, swapped with the queue under the lock and handed out without
 * it.  Vectors keep their memory, so a steady rate allocates nothing.
 * An eventfd wakes the consumer when the queue stops being empty: its
 * poll(2), unlike a condition variable, is cut short by a signal.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"
#include "trace_drain.h"

/* The thread's wait on the rings, so that a stop is seen this soon. */
#define DRAIN_POLL_MS	20

struct svec {
	struct trace_sample	*v;
	size_t			 n, cap;
};

struct trace_drain {
	struct trace_src	 src;
	size_t			 max;
	pthread_t		 thread;
	int			 efd;		/* readable: samples queued */
	int			 stop;		/* atomic: the thread must end */

	pthread_mutex_t		 mu;		/* guards the four below */
	struct svec		 q;
	unsigned long		 lost;		/* kernel's and refused */
	uint64_t		 drained_ns;
	int			 err;		/* why the thread ended; 0 */

	struct svec		 stage;		/* the thread's alone */
	unsigned long		 stage_lost;
	struct svec		 spare;		/* the consumer's alone */
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Makes room for want samples in v, at most max; 0, or -1 ENOMEM. */
static int
svec_reserve(struct svec *v, size_t want, size_t max)
{
	struct trace_sample *n;
	size_t cap;

	if (want <= v->cap)
		return 0;
	cap = v->cap ? v->cap : 1024;
	while (cap < want)
		cap *= 2;
	if (cap > max)
		cap = max;
	if (cap < want || (n = realloc(v->v, cap * sizeof(*n))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	v->v = n;
	v->cap = cap;
	return 0;
}

/* The thread's trace_cb: one sample onto the stage, or counted lost. */
static int
stage_push(const struct trace_sample *s, void *arg)
{
	struct trace_drain *d = arg;

	if (d->stage.n == d->stage.cap &&
	    svec_reserve(&d->stage, d->stage.n + 1, d->max) == -1) {
		d->stage_lost++;
		return 0;
	}
	d->stage.v[d->stage.n++] = *s;
	return 0;
}

/* Wakes the consumer's poll. */
static void
wake(struct trace_drain *d)
{
	uint64_t one = 1;

	/* A counter already non-zero wakes it as well: no error matters. */
	(void)!write(d->efd, &one, sizeof(one));
}

/*
 * Appends the stage to the queue (what does not fit is counted lost)
 * and records that the rings were read up to pass_ns.
 */
static void
publish(struct trace_drain *d, uint64_t pass_ns)
{
	size_t room, n;
	int was_empty;

	pthread_mutex_lock(&d->mu);
	was_empty = d->q.n == 0;
	n = d->stage.n;
	room = d->max - d->q.n;
	if (n > room)
		n = room;
	if (n > 0 && svec_reserve(&d->q, d->q.n + n, d->max) == -1)
		n = 0;
	if (n > 0)
		memcpy(d->q.v + d->q.n, d->stage.v, n * sizeof(*d->q.v));
	d->q.n += n;
	d->lost += d->stage_lost + (d->stage.n - n);
	d->drained_ns = pass_ns;
	pthread_mutex_unlock(&d->mu);
	d->stage.n = 0;
	d->stage_lost = 0;
	if (n > 0 && was_empty)
		wake(d);
}

/* The thread ends on an error: the consumer hears of it at once. */
static void
fail(struct trace_drain *d, int e)
{
	pthread_mutex_lock(&d->mu);
	d->err = e;
	pthread_mutex_unlock(&d->mu);
	wake(d);
}

static void *
drain_main(void *arg)
{
	struct trace_drain *d = arg;
	uint64_t pass_ns;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		if (d->src.wait(d->src.src, DRAIN_POLL_MS) == -1) {
			fail(d, errno);
			break;
		}
		/*
		 * Read even after a timeout: the pass moves drained_ns on,
		 * which tells the consumer that nothing older is coming.
		 */
		pass_ns = mono_ns();
		if (d->src.read(d->src.src, stage_push, d,
		    &d->stage_lost) == -1) {
			fail(d, errno);
			break;
		}
		publish(d, pass_ns);
	}
	return NULL;
}

static int
src_wait(void *src, int timeout_ms)
{
	return trace_wait(src, timeout_ms);
}

static int
src_read(void *src, trace_cb cb, void *arg, unsigned long *lost)
{
	return trace_read(src, cb, arg, lost);
}

void
trace_drain_src(struct trace *t, struct trace_src *src)
{
	src->wait = src_wait;
	src->read = src_read;
	src->src = t;
}

struct trace_drain *
trace_drain_start(const struct trace_src *src, size_t max)
{
	struct trace_drain *d;
	sigset_t all, old;
	int rc;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->src = *src;
	d->max = max > 0 ? max : TRACE_DRAIN_MAX;
	if ((d->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		free(d);
		return NULL;
	}
	pthread_mutex_init(&d->mu, NULL);
	/* Signals stay with the caller, whose waits they must cut short. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&d->thread, NULL, drain_main, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		close(d->efd);
		pthread_mutex_destroy(&d->mu);
		free(d);
		errno = rc;
		return NULL;
	}
	return d;
}

/* 1: samples queued; -1: the thread failed (errno); 0: neither. */
static int
ready(struct trace_drain *d)
{
	size_t n;
	int e;

	pthread_mutex_lock(&d->mu);
	n = d->q.n;
	e = d->err;
	pthread_mutex_unlock(&d->mu);
	if (n > 0)
		return 1;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

int
trace_drain_wait(struct trace_drain *d, int timeout_ms)
{
	struct pollfd p;
	int rc;

	if ((rc = ready(d)) != 0)
		return rc;
	p.fd = d->efd;
	p.events = POLLIN;
	rc = poll(&p, 1, timeout_ms);
	if (rc == -1 && errno == EINTR)
		return 0;
	if (rc == -1)
		return -1;
	/* Woken by a failure, or by samples a take already swapped out. */
	return rc > 0 ? ready(d) : 0;
}

int
trace_drain_take(struct trace_drain *d, trace_cb cb, void *arg,
    unsigned long *lost, uint64_t *drained_ns)
{
	struct svec t;
	uint64_t v;
	size_t i;
	int e;

	/* Before the swap: a batch queued after it wakes the next wait. */
	(void)!read(d->efd, &v, sizeof(v));
	pthread_mutex_lock(&d->mu);
	t = d->q;
	d->q = d->spare;
	*lost += d->lost;
	d->lost = 0;
	if (drained_ns != NULL)
		*drained_ns = d->drained_ns;
	e = d->err;
	pthread_mutex_unlock(&d->mu);
	for (i = 0; i < t.n; i++)
		if (cb(&t.v[i], arg) == -1)
			break;
	d->spare = t;
	d->spare.n = 0;
	if (i < t.n)
		return -1;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

void
trace_drain_stop(struct trace_drain *d)
{
	if (d == NULL)
		return;
	__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
	pthread_join(d->thread, NULL);
	pthread_mutex_destroy(&d->mu);
	close(d->efd);
	free(d->q.v);
	free(d->stage.v);
	free(d->spare.v);
	free(d);
}
