/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace_drain.h - the perf rings drained by a thread of their own.
 *
 * The kernel drops tracepoint records when a ring is full, and the
 * watcher's rounds have slow steps (a dump of every timewait socket, an
 * owner-map rebuild that takes seconds on a large host).  So one thread
 * does nothing but wait on the rings and copy every decoded sample into
 * memory; the round takes what has queued, in one swap.  The thread
 * blocks every signal (they reach the caller's thread), never raises a
 * capability, and holds the lock only to append a batch.
 *
 * The handoff also tells the consumer how far the rings are read: every
 * sample the kernel wrote before drained_ns (the start of the thread's
 * last full pass over the rings) is in what was taken.
 */
#ifndef TRACE_DRAIN_H
#define TRACE_DRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/*
 * What the thread reads: wait (as trace_wait: 1 ready, 0 timeout or
 * signal, -1 errno) and read (as trace_read) on src.  trace_drain_src()
 * fills one for a struct trace; tests give fakes.
 */
struct trace_src {
	int	(*wait)(void *src, int timeout_ms);
	int	(*read)(void *src, trace_cb cb, void *arg,
		    unsigned long *lost);
	void	*src;
};

/* A trace_src reading t through trace_wait() and trace_read(). */
void	 trace_drain_src(struct trace *t, struct trace_src *src);

/* Samples queued at most; beyond, they are counted as lost. */
#define TRACE_DRAIN_MAX	(1U << 20)

struct trace_drain;

/*
 * Starts the thread reading src (copied; src->src must outlive the
 * drain), queuing at most max samples (0: TRACE_DRAIN_MAX).  Returns
 * the drain, or NULL with errno set (ENOMEM, or pthread_create's).
 * Stop it with trace_drain_stop().
 */
struct trace_drain *trace_drain_start(const struct trace_src *src,
	    size_t max);

/*
 * Waits up to timeout_ms (-1: forever) for queued samples.  A signal
 * ends the wait.  Returns 1 when some are queued, 0 on timeout or a
 * signal, -1 with the errno the thread failed with.
 */
int	 trace_drain_wait(struct trace_drain *d, int timeout_ms);

/*
 * Hands every queued sample to cb, in the order each ring gave them
 * (rings one after the other: sort by time if needed), and adds to
 * *lost the records the kernel dropped and those the queue refused.
 * Sets *drained_ns (CLOCK_MONOTONIC, may be NULL) as the header says;
 * 0 before the first full pass.  Returns 0, -1 with errno set by cb
 * (the samples after it are dropped, not counted) or by the thread.
 */
int	 trace_drain_take(struct trace_drain *d, trace_cb cb, void *arg,
	    unsigned long *lost, uint64_t *drained_ns);

/* Stops the thread, joins it and frees d; NULL is a no-op. */
void	 trace_drain_stop(struct trace_drain *d);

#endif /* TRACE_DRAIN_H */
