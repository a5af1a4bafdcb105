/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch.h - the event stream of sockstat -E: sockets as they appear,
 * change state and close.  Two methods feed it.  The tracepoint method
 * (trace.h) sees every TCP transition as it happens; the poll method
 * diffs sock_diag snapshots by socket cookie every interval, and hears
 * of closes at once through the sock_diag destroy groups when it may.
 * Neither prints: events reach the caller through a callback.
 */
#ifndef WATCH_H
#define WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

enum watch_kind {
	WATCH_EV_NEW = 0,	/* a socket not seen before */
	WATCH_EV_STATE,		/* oldstate -> newstate */
	WATCH_EV_CLOSED		/* gone: newstate is ST_CLOSE */
};

#define WATCH_COMM_MAX	64	/* the kernel's comm is at most 15 bytes */

/* One event.  Every field is a copy: the event owns nothing. */
struct watch_event {
	uint64_t	 time_ms;	/* wall clock, ms since the epoch */
	uint8_t		 kind;		/* enum watch_kind */
	uint8_t		 method;	/* WATCH_TRACE or WATCH_POLL: who saw it */
	uint8_t		 family;	/* AF_INET, AF_INET6 */
	uint8_t		 proto;		/* enum sock_proto */
	uint8_t		 oldstate;	/* ST_UNKNOWN when never seen */
	uint8_t		 newstate;
	uint16_t	 lport;
	uint16_t	 rport;
	union sock_addr	 laddr;
	union sock_addr	 raddr;
	uint64_t	 cookie;	/* 0: unknown (tracepoint events) */
	uint64_t	 inode;		/* 0: unknown or no file */
	int32_t		 pid;		/* owner; 0: unknown */
	char		 command[WATCH_COMM_MAX];	/* raw comm; "" unknown */
	/*
	 * --netns, --all-netns: the namespace the socket lives in, owned
	 * by the watch until watch_close(); NULL when none was asked.
	 */
	const struct sock_netns *netns;
};

/* Receives one event: returns 0 to go on, 1 to stop, -1 (errno) to fail. */
typedef int (*watch_cb)(const struct watch_event *, void *arg);

/*
 * The poll method's core, apart so that tests can feed it snapshots: a
 * table of the last snapshot by cookie.  A snapshot is begin, one row()
 * per socket, end.  The first snapshot is the baseline and reports
 * nothing.  Work per snapshot is linear in its rows; memory grows by
 * doubling and is kept, never allocated per row.
 */
struct watch_diff;

/* Returns an empty table, or NULL with errno ENOMEM. */
struct watch_diff *watch_diff_new(void);

/* Frees d; NULL is a no-op. */
void	 watch_diff_free(struct watch_diff *d);

/* Starts a snapshot taken at time now_ms (wall clock). */
void	 watch_diff_begin(struct watch_diff *d, uint64_t now_ms);

/*
 * Takes one row of the snapshot (rows without a cookie are ignored) and
 * reports NEW for a cookie not in the last snapshot, STATE for one whose
 * state differs.  Returns what cb returned, or -1 with errno ENOMEM.
 */
int	 watch_diff_row(struct watch_diff *d, const struct sock_row *r,
	    watch_cb cb, void *arg);

/*
 * Ends the snapshot: reports CLOSED for every socket of the last one
 * that is gone, and keeps this one for the next diff.  Returns what the
 * last cb returned (0 when none ran), or -1 with errno set.
 */
int	 watch_diff_end(struct watch_diff *d, watch_cb cb, void *arg);

/*
 * Notes that the kernel destroyed the socket of r at time_ms (a destroy
 * group message).  The close is reported by the next watch_diff_end,
 * with that time, unless the next snapshot still has the cookie: a TCP
 * socket entering TIME_WAIT is destroyed while its timewait socket, same
 * cookie, lives on; that is reported as a STATE change.  Returns 0, or
 * -1 with errno ENOMEM.
 */
int	 watch_diff_destroyed(struct watch_diff *d, const struct sock_row *r,
	    uint64_t time_ms);

/*
 * Whether a and b name the same connection: family, protocol, both
 * addresses and both ports (a timewait socket and the socket it
 * replaced have nothing else in common).
 */
int	 watch_same_tuple(const struct watch_event *a,
	    const struct watch_event *b);

/* Sockets in the last snapshot. */
size_t	 watch_diff_len(const struct watch_diff *d);

/*
 * The sock_diag destroy groups of the selected protocols (TCP, UDP) and
 * families (FAM_*).  Joining may need CAP_NET_ADMIN in the effective set
 * (kernels differ).
 * Returns the subscription, or NULL with errno set (EPERM without the
 * privilege).  Close with watch_destroy_close(); NULL is a no-op.
 */
struct watch_destroy;
struct watch_destroy *watch_destroy_open(unsigned protos, unsigned families);
void	 watch_destroy_close(struct watch_destroy *wd);

/*
 * Waits up to ms for destroy messages (just sleeps for a NULL wd) and
 * notes each in d (watch_diff_destroyed).  A signal ends the wait.
 * Returns 0, or -1 with errno set.
 */
int	 watch_destroy_wait(struct watch_destroy *wd, int ms,
	    struct watch_diff *d);

struct watch;

/* What a watch could not see; the command says so once. */
struct watch_stats {
	unsigned long	 lost;		/* tracepoint records the kernel dropped,
					   or a full queue (trace_drain.h) */
	unsigned long	 snapshots;	/* sock_diag dumps diffed */
	int		 destroy_errno;	/* destroy groups refused (poll); 0: ok */
	size_t		 spaces;	/* namespaces watched now (0: the own) */
	unsigned	 unavailable;	/* 1 << PROTO_* sock_diag cannot dump */
};

/*
 * Returns a watch of the sockets o selects (o->protos, o->families,
 * o->port on either side; UNIX is never watched), using the poll method
 * until watch_start_trace() succeeds.  Opens the sock_diag socket, and
 * subscribes to the destroy groups, which may need CAP_NET_ADMIN in the
 * effective set: without them watch_stats' destroy_errno says why and
 * snapshots alone find closes.  o is copied.  Returns NULL with errno set.
 */
struct watch	*watch_open(const struct options *o);

/*
 * Switches w to the tracepoint (trace_open()); needs CAP_PERFMON or
 * CAP_SYS_ADMIN effective.  Returns 0, or -1 with errno from trace_open,
 * w still polling.
 */
int		 watch_start_trace(struct watch *w);

/* The method in use: WATCH_TRACE or WATCH_POLL. */
enum watch_method watch_method(const struct watch *w);

/*
 * Changes the port selected (-1: any), e.g. once a server has bound an
 * ephemeral one.  Events not yet reported are matched against the new
 * port.
 */
void		 watch_set_port(struct watch *w, int port);

/*
 * Takes the baseline snapshot: sockets already there are not events.
 * watch_step() calls it when it was not called.  Returns 0, or -1 with
 * errno set.
 */
int		 watch_begin(struct watch *w);

/*
 * Runs one round: takes the baseline on the first call, then waits at
 * most max_wait_ms (0: do not wait) for transitions, or for the next
 * snapshot, and reports every event seen through cb, with its owner
 * when cheaply known.  A signal ends the wait early.  Returns 0, 1 when
 * cb asked to stop, or -1 with errno set (from cb, or a dump that
 * failed).
 */
int		 watch_step(struct watch *w, int max_wait_ms, watch_cb cb,
		    void *arg);

/*
 * Hands out the events a round held back (tracepoint events wait a few
 * ms for older samples of other CPUs), after one last round of what the
 * rings' reader has queued: call it once at the end.
 * Returns 0, 1 or -1 as watch_step().
 */
int		 watch_flush(struct watch *w, watch_cb cb, void *arg);

/*
 * Raises (raise 1) or lowers (raise 0) what the command kept for reading
 * other users' processes; returns 0, or -1 with errno set.  The watch
 * calls it around each owner-map build and each read of processes'
 * network namespaces, never while an event is handed out.
 */
typedef int (*watch_privs_fn)(int raise, void *arg);

/* Makes w call fn around its reads of other processes (default: none). */
void		 watch_set_privs(struct watch *w, watch_privs_fn fn,
		    void *arg);

/*
 * Other network namespaces (-E --netns, --all-netns), by snapshots
 * alone: the tracepoint's records name no namespace.
 *
 * watch_space_add() opens a sock_diag socket in the network namespace
 * the calling thread is in, and watches it labelled id (copied).  Once a
 * space is added, snapshots read the added spaces, in order, and no
 * longer the caller's own namespace; a space's first snapshot is its
 * baseline.  Returns 0, or -1 with errno set.
 */
int		 watch_space_add(struct watch *w, const struct sock_netns *id);

/*
 * Tells w that a listing still finds the namespace of nsfs inode ino.
 * Returns 1 when it is watched already, else 0 (the lister adds it).
 */
int		 watch_space_seen(struct watch *w, uint64_t ino);

/*
 * Lists the namespaces again, calling watch_space_seen() for each and
 * entering and adding the new ones; returns 0, or -1 with errno set.
 * The watch calls it before a snapshot, at most once a second; a space
 * the listing did not find gets one last snapshot (the closes of its
 * sockets) and is closed.
 */
typedef int (*watch_list_fn)(struct watch *w, void *arg);

/* Makes w list namespaces again through fn (default: never). */
void		 watch_set_lister(struct watch *w, watch_list_fn fn,
		    void *arg);

/* Fills *st with what w could not see so far. */
void		 watch_stats(const struct watch *w, struct watch_stats *st);

/* Closes every descriptor and frees w; NULL is a no-op. */
void		 watch_close(struct watch *w);

#endif /* WATCH_H */
