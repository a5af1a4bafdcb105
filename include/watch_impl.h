/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_impl.h - what the files of the event stream share, and nothing
 * outside them includes: the round's event vector, the watch itself, and
 * the steps of a round, one file per concern:
 *  - watch.c: open and close, snapshots, tracepoint samples into events,
 *    the round (watch_step) and delivery in time order;
 *  - watch_match.c: TIME_WAIT matching, the port of a connect, and the
 *    network-namespace verdicts of a round's events;
 *  - watch_owner.c: owners, from the tracepoint's process, the owner
 *    map by inode, and the sockets still looked for (pending).
 * Tests include it to feed the steps fake events.
 */
#ifndef WATCH_IMPL_H
#define WATCH_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"
#include "trace.h"
#include "trace_drain.h"
#include "watch.h"

#define OWNER_SLOTS	4096	/* trace owner cache, a power of two */
#define MAP_MAX_AGE_MS	10	/* an owner map younger than this is reused */
#define BASELINE_MAP_MAX 50000	/* sockets above which owners wait for events */
#define RESOLVE_MAX_ROWS 5000	/* above this a TCP dump per round is not cheap */
#define PENDING_MAX	256	/* traced sockets whose owner is looked for */
#define PENDING_TRIES	20	/* snapshots a pending owner is looked for */
#define COMM_SLOTS	256	/* commands of recent pids, for exited ones */
#define SYN_SENT_WAIT_MS 2	/* for the event that names a connect's port */
#define HOLD_MS		5	/* trace events wait this long for older ones */
#define TW_GAP_MS	50	/* timewait dumps for closes, at most one per */
#define LIST_GAP_MS	1000	/* namespaces are listed again at most once per */

#define PROTO_BIT(p)	(1U << (p))


/* An event of the round, with what only the watch needs. */
struct wev {
	struct watch_event ev;
	uint64_t	 skaddr;	/* trace: the socket's identity */
	uint64_t	 sort_ns;	/* wall clock ns; 0: time_ms alone */
	size_t		 seq;		/* arrival order, for a stable sort */
	uint8_t		 pending_tw;	/* trace: a close that may be TIME_WAIT */
	uint8_t		 freed;		/* trace: skaddr may be reused after */
	uint8_t		 dropped;
	uint8_t		 probe;		/* a pending owner, not an event */
	uint8_t		 ns;		/* trace: enum watch_ns_verdict */
	uint8_t		 tries;		/* probe: rounds it was looked for */
};

/* Owner of a socket seen by the tracepoint, by kernel address. */
struct skowner {
	uint64_t	 skaddr;
	int32_t		 pid;
	char		 comm[WATCH_COMM_MAX];
};

/*
 * What snapshots read: the own namespace, or one added space (another
 * namespace's sock_diag socket, watch_space.c).
 */
struct wspace {
	struct diag	*diag;
	struct watch_diff *diff;
	unsigned	 unavailable;	/* 1 << PROTO_* sock_diag cannot dump */
	int		 tcp_split;	/* the kernel refused one TCP dump of
					   both families: one per family */
	int		 seen;		/* found by the latest listing */
	struct sock_netns id;		/* added spaces: name, label owned */
};

struct watch {
	struct options	 o;
	enum watch_method method;
	struct wspace	 own;		/* the namespace the watch opened in */
	struct wspace	**spaces;	/* added; closed ones keep their id */
	size_t		 nspaces, capspaces;
	struct wspace	*cur;		/* the space a snapshot is reading */
	watch_list_fn	 lister;	/* NULL: the spaces are fixed */
	void		*lister_arg;
	uint64_t	 next_list;	/* monotonic ms */
	struct trace	*trace;
	struct trace_drain *drain;	/* trace: the rings' reader thread */
	struct trace_src src;		/* what it reads: trace */
	struct watch_ns	*ns;		/* trace: our namespace's sockets */
	struct watch_destroy *destroy;	/* poll: the destroy groups */
	int		 destroy_errno;

	int		 started;
	uint64_t	 next_snap;	/* monotonic ms */
	int64_t		 wall_off;	/* wall ms - monotonic ms */
	unsigned long	 lost, snapshots;

	struct wev	*evs;		/* the round's; held ones first */
	size_t		 nevs, capevs;
	size_t		 seq;
	int		 tw_open;	/* a pending_tw event awaits a dump */
	uint64_t	 snap_mono_ms;	/* the last snapshot's start */
	uint64_t	 snap_ns;	/* the same, wall ns (sort_key scale) */

	struct procmap	*map;
	watch_privs_fn	 privs_fn;	/* NULL: no privilege to raise */
	void		*privs_arg;
	uint64_t	 map_ms;
	uint64_t	 map_cost;	/* ms the last build took */
	unsigned long	 tcp_rows;	/* rows of the last full TCP dump */
	int		 resolve_expensive;
	struct skowner	*owners;	/* OWNER_SLOTS, direct-mapped */
	struct skowner	 comms[COMM_SLOTS];	/* by pid (in skaddr) */
	/*
	 * Live traced sockets without an owner yet (a server's socket
	 * before accept): looked for again at each snapshot, a few times.
	 */
	struct wev	 pend[PENDING_MAX];
	size_t		 npend;
};

/* Whether o's selection takes a socket of this family and protocol. */
int	 watch_selected(const struct watch *w, int family, unsigned proto);

/* Raises or lowers through the command's hook; a failure costs owners. */
void	 watch_raise(struct watch *w, int raise);

/* Appends a zeroed slot to the round's events; NULL with errno ENOMEM. */
struct wev *watch_ev_push(struct watch *w);

/* A watch_cb: puts an event of the diff into the round (0, or -1). */
int	 watch_take_event(const struct watch_event *ev, void *arg);

/* A trace_cb: puts a tracepoint sample into the round (0, or -1). */
int	 watch_take_sample(const struct trace_sample *s, void *arg);

/* qsort order of the round: time, then arrival. */
int	 watch_ev_cmp(const void *a, const void *b);

/*
 * Hands out the round's events in time order but those younger than
 * cutoff_ns (wall clock), which stay for the next round.  Returns what
 * the last cb returned.
 */
int	 watch_deliver(struct watch *w, uint64_t cutoff_ns, watch_cb cb,
	    void *arg);

/*
 * A close still waiting for its timewait socket, made after the last
 * dump began (snap_ns), waits for the next dump, and so does every later
 * event, to keep the output in time order.  Returns cutoff (wall ns)
 * lowered so.
 */
uint64_t watch_tw_cutoff(const struct watch *w, uint64_t cutoff);

/* watch_space.c */

/*
 * One snapshot of every space into the round: the own namespace, or
 * the added spaces (listing them again first when due).  Returns 0, or
 * -1 with errno set.
 */
int	 watch_snapshot_spaces(struct watch *w);

/* Sockets in the last snapshots of every space. */
size_t	 watch_spaces_len(const struct watch *w);

/* 1 << PROTO_* that some space's sock_diag cannot dump. */
unsigned watch_spaces_unavailable(const struct watch *w);

/* Closes every added space and frees them. */
void	 watch_spaces_free(struct watch *w);

/* watch.c: one snapshot of the space w->cur into its diff. */
int	 watch_snapshot_one(struct watch *w);

/* watch_match.c */

/*
 * Turns a pending close into "-> TIME_WAIT" when the round holds a new
 * timewait socket with its 4-tuple (that one is then not reported).
 * Returns 0, or -1 with errno ENOMEM.
 */
int	 watch_match_time_wait(struct watch *w);

/* The TCP 4-tuple of r as an event key, for watch_same_tuple(). */
void	 watch_row_key(const struct sock_row *r, struct watch_event *key);

/* Drops the round's trace events of other network namespaces. */
void	 watch_match_ns(struct watch *w);

/*
 * Gives a connect's SYN_SENT (port 0) the port of a later event of its
 * socket, in a round sorted by time.  Returns 1 when one is left
 * without, else 0.
 */
int	 watch_match_ports(struct watch *w);

/* watch_owner.c */

/* The command of pid into buf ("" unknown), cached for exited ones. */
void	 watch_owner_comm(struct watch *w, int32_t pid, char *buf,
	    size_t len);

/* The owner-cache slot of a traced socket (check its skaddr). */
struct skowner *watch_owner_slot(struct watch *w, uint64_t skaddr);

/* Whether a transition runs in the process that holds the socket. */
int	 watch_owner_context(int oldstate, int newstate);

/* Inodes of the round's live traced sockets, by one TCP dump if cheap. */
void	 watch_owner_resolve(struct watch *w);

/* Builds the owner map again, with the command's privileges raised. */
void	 watch_owner_map(struct watch *w);

/* Owners from the map by inode, rebuilding a stale map once a round. */
void	 watch_owner_fill(struct watch *w);

/* Puts the pending sockets into the round as probes; 0, or -1 ENOMEM. */
int	 watch_owner_probe(struct watch *w);

/* After a round: which traced sockets are still looked for. */
void	 watch_owner_pend(struct watch *w);

#endif /* WATCH_IMPL_H */
