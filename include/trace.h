/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace.h - the sock:inet_sock_set_state tracepoint, read through
 * perf_event_open(2): one perf event per CPU, each with its mmap ring
 * buffer.  No BPF and no library: the raw sample is decoded with the
 * field offsets the kernel publishes in the event's tracefs "format"
 * file, never with offsets compiled in.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

/*
 * Where tracefs is looked for, and where it is mounted, in a private
 * mount namespace of the process, when it is nowhere.
 */
#define TRACE_TRACEFS		"/sys/kernel/tracing"
#define TRACE_DEBUGFS_TRACING	"/sys/kernel/debug/tracing"
#define TRACE_EVENT_DIR		"events/sock/inet_sock_set_state"

/* Offset and size of one field of the raw record, from "format". */
struct trace_field {
	uint16_t	 offset;
	uint16_t	 size;
};

/* The fields sockstat decodes; every one must be in the format file. */
struct trace_format {
	struct trace_field common_pid;
	struct trace_field skaddr;
	struct trace_field oldstate;
	struct trace_field newstate;
	struct trace_field sport;
	struct trace_field dport;
	struct trace_field family;
	struct trace_field protocol;
	struct trace_field saddr;
	struct trace_field daddr;
	struct trace_field saddr_v6;
	struct trace_field daddr_v6;
	size_t		 min_len;	/* bytes a record needs to hold them */
};

/* One decoded transition. */
struct trace_sample {
	uint64_t	 time_ns;	/* CLOCK_MONOTONIC */
	uint64_t	 skaddr;	/* identity of the socket while it lives */
	int32_t		 pid;		/* process (tgid) current when it fired */
	int32_t		 tid;
	uint16_t	 family;	/* AF_INET, AF_INET6 */
	uint16_t	 protocol;	/* IPPROTO_TCP, ... */
	uint16_t	 sport;		/* local port, host order */
	uint16_t	 dport;		/* remote port, host order */
	int32_t		 oldstate;	/* kernel TCP_* numbering = ST_* */
	int32_t		 newstate;
	union sock_addr	 saddr;		/* local */
	union sock_addr	 daddr;		/* remote */
};

/*
 * Parses the text of a tracefs event "format" file into f.  Returns 0,
 * or -1 with errno EINVAL when a field sockstat needs is missing or has
 * a size it cannot decode.
 */
int	 trace_format_parse(const char *text, struct trace_format *f);

/*
 * Decodes one raw tracepoint record of len bytes (as PERF_SAMPLE_RAW
 * gives it) into s, leaving s->time_ns, pid and tid alone.  Returns 0,
 * or -1 with errno EINVAL when the record is shorter than f->min_len or
 * its family is neither AF_INET nor AF_INET6.
 */
int	 trace_decode(const struct trace_format *f, const void *raw,
	    size_t len, struct trace_sample *s);

struct trace;

/*
 * Finds tracefs (when it is not mounted anywhere, the process enters a
 * mount namespace of its own, with every mount private, and mounts it on
 * TRACE_TRACEFS there: the host's mounts never change), reads the
 * event's id and format, and opens one perf event, filtered in the
 * kernel by filter (trace_set_filter; NULL: none), with a ring buffer on
 * every online CPU.  Needs CAP_PERFMON or
 * CAP_SYS_ADMIN in the effective set (the caller raises them).  Returns
 * the handle, or NULL with errno set: EACCES or EPERM without the
 * privilege, ENOENT when the kernel has no such tracepoint, EINVAL for
 * an unreadable format.  Free with trace_close().
 */
struct trace	*trace_open(const char *filter);

/*
 * Sets the kernel's filter of the event on every CPU: a tracepoint
 * filter expression over the format's fields ("protocol == 6 && (sport
 * == 80 || dport == 80)"); records it rejects never reach the rings.
 * trace_open(filter) sets it from the start (NULL: none).  Returns 0,
 * or -1 with errno set (EINVAL for an expression the kernel refuses).
 */
int		 trace_set_filter(struct trace *t, const char *filter);

/*
 * Waits up to timeout_ms (-1: forever) for samples.  Returns 1 when some
 * may be ready, 0 on timeout or a signal, -1 with errno set.  The kernel
 * wakes it once a ring holds 64 KiB, not at each sample: read after a
 * timeout too (trace_drain does, every few ms).
 */
int	 trace_wait(struct trace *t, int timeout_ms);

/* Receives one sample; returns 0 to go on, -1 (errno set) to stop. */
typedef int (*trace_cb)(const struct trace_sample *, void *arg);

/*
 * Reads every sample waiting in every ring and hands each to cb (CPU by
 * CPU: the caller sorts by time if it needs).  Records the kernel had to
 * drop are added to *lost.  Returns 0, or -1 with errno set by cb.
 */
int	 trace_read(struct trace *t, trace_cb cb, void *arg,
	    unsigned long *lost);

/*
 * The ring parser, apart so that tests can feed it a ring of their own:
 * reads the records of the perf ring (meta's data_tail to data_head, the
 * data area of size bytes, a power of two) into cb, a record that wraps
 * the end of the area through scratch (TRACE_REC_MAX bytes); adds the
 * count of each PERF_RECORD_LOST to *lost; skips samples too short for
 * f and unknown record types; stops at a record whose size is not whole
 * yet.  Moves data_tail past what it read.  Returns 0, or -1 when cb
 * did (the record it refused counts as read).
 */
struct perf_event_mmap_page;
#define TRACE_REC_MAX	(64 * 1024)	/* perf header size is a u16 */
int	 trace_ring_drain(const struct trace_format *f,
	    struct perf_event_mmap_page *meta, const unsigned char *data,
	    size_t size, unsigned char *scratch, trace_cb cb, void *arg,
	    unsigned long *lost);

/* Number of CPUs watched. */
int	 trace_ncpus(const struct trace *t);

/* Closes every perf event and unmaps the rings; NULL is a no-op. */
void	 trace_close(struct trace *t);

#endif /* TRACE_H */
