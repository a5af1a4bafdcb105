/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top.h - the model of sockstat top: successive snapshots of every
 * socket, keyed by socket cookie, turned into per-interval rates (bytes
 * acknowledged and received, retransmissions), new and closed marks and
 * totals; then views of a snapshot, filtered, sorted by any column and
 * grouped by process, remote host or local port.  No terminal here: the
 * batch frames and the screen (cmd_top.c, top_ui.c) read the same views.
 *
 * A snapshot is: top_begin, top_add for every row, top_end.  Rates need
 * two snapshots: the first one has none (has_rate 0).  A socket new in
 * an interval was opened in it, so all its bytes count for it.  A
 * counter that went backwards (it cannot for one cookie, but a /proc
 * row has no cookie and an inode may be reused) counts as 0, never as a
 * negative rate.  A socket of the previous snapshot missing from this
 * one is kept once, marked closed with no rates, then forgotten.
 */
#ifndef TOP_H
#define TOP_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

struct fexpr;

#define TOP_COMM_MAX	16	/* TASK_COMM_LEN: /proc/PID/comm */

/* top_sock.mark: for one refresh only. */
#define TOP_MARK_NEW	1	/* not in the previous snapshot */
#define TOP_MARK_CLOSED	2	/* in the previous snapshot, gone now */

/* One socket of a snapshot, or one group of a grouped view. */
struct top_sock {
	struct sock_row	 row;		/* path, owners and ext are NULL */
	uint64_t	 key;		/* cookie; inode with bit 63 when the
					   source has no cookie; 0: none */
	uint64_t	 sent;		/* bytes_acked (or bytes_sent) */
	uint64_t	 rcvd;		/* bytes_received */
	uint32_t	 total_retrans;
	uint32_t	 rtt_us;
	uint32_t	 cwnd;		/* segments */
	uint8_t		 has_info;	/* the five above hold the kernel's */
	uint8_t		 has_rate;	/* the interval's fields below do */
	uint8_t		 mark;		/* TOP_MARK_* or 0 */
	int32_t		 pid;		/* first holder; 0: none seen */
	uint32_t	 nowners;	/* holders seen (descriptors) */
	char		 comm[TOP_COMM_MAX];	/* raw, NUL-ended */
	/*
	 * The first holder's container, from its cgroup (container.h):
	 * the runtime ("docker", ..., "pod" for a pod's process of no
	 * known runtime) or NULL, and the id as "docker ps" shows it, cut
	 * to 12 bytes, raw.  A systemd unit is no container: NULL.
	 */
	const char	*ctr_rt;
	char		 ctr_id[13];
	/* the interval */
	uint64_t	 send_Bps;	/* bytes per second */
	uint64_t	 recv_Bps;
	uint32_t	 retrans;	/* retransmissions */
	uint32_t	 nsocks;	/* a group: sockets in it; else 1 */
};

/* Totals of a snapshot. */
struct top_totals {
	unsigned long	 tcp_states[ST_MAX];	/* live TCP sockets by state */
	unsigned long	 protos[PROTO_COUNT];	/* live sockets by protocol */
	unsigned long	 opened;	/* TCP sockets new (but LISTEN) */
	unsigned long	 closed;	/* TCP sockets closed */
	uint64_t	 opened_mps;	/* opened per second, x1000 */
	uint64_t	 closed_mps;
	uint64_t	 send_Bps;	/* over every TCP socket */
	uint64_t	 recv_Bps;
	uint64_t	 interval_ms;	/* since the previous snapshot; 0:
					   the first one */
	unsigned long	 unowned;	/* sockets with an inode but no
					   holder seen */
};

struct top;

/* Returns an empty model, or NULL with errno ENOMEM.  top_free() it. */
struct top	*top_new(void);

/* Frees t; NULL is a no-op. */
void		 top_free(struct top *t);

/*
 * Starts a snapshot taken at now_ms (a monotonic clock).  Returns 0, or
 * -1 with errno EINVAL when now_ms is not after the last snapshot.
 */
int		 top_begin(struct top *t, uint64_t now_ms);

/*
 * Adds a row to the snapshot: its first owner (r->owners) and tcp_info
 * (r->ext) are copied, nothing else it points at.  Returns 0, or -1
 * with errno ENOMEM.  top_collect is the same as a row_cb.
 */
int		 top_add(struct top *t, const struct sock_row *r);
int		 top_collect(const struct sock_row *r, void *arg);

/*
 * Ends the snapshot: rates, marks and totals against the previous one.
 * Returns 0, or -1 with errno ENOMEM (the snapshot is then dropped and
 * the previous one kept).
 */
int		 top_end(struct top *t);

/*
 * Owners, for a feed that builds the owner map only when it must: a
 * socket of the last snapshot that has no owner of its own keeps its
 * previous one (owners rarely change).  top_unowned_new counts the live
 * sockets with an inode and no owner that are new (all of them in a
 * first snapshot): a reason to build the map.  top_fill_owners sets
 * every live socket's owner from lookup (the map is fresh: no owner
 * there means none) and recounts totals.unowned.
 */
typedef const struct sock_owner *(*top_owner_fn)(uint64_t inode, size_t *n,
		    void *arg);
size_t		 top_unowned_new(const struct top *t);
void		 top_fill_owners(struct top *t, top_owner_fn lookup, void *arg);

/* The sockets of the last ended snapshot, closed ones included. */
size_t		 top_len(const struct top *t);
const struct top_sock *top_get(const struct top *t, size_t i);
const struct top_totals *top_totals(const struct top *t);

/* Columns a view sorts by, in the screen's order. */
enum top_key {
	TOP_KEY_OWNER = 0,
	TOP_KEY_LOCAL,
	TOP_KEY_REMOTE,
	TOP_KEY_STATE,
	TOP_KEY_SEND,
	TOP_KEY_RECV,
	TOP_KEY_RTT,
	TOP_KEY_CWND,
	TOP_KEY_RETRANS,
	TOP_KEY_RECVQ,
	TOP_KEY_SENDQ,
	TOP_NKEYS
};

enum top_group {
	TOP_GROUP_NONE = 0,
	TOP_GROUP_PROCESS,	/* by first holder's pid */
	TOP_GROUP_RHOST,	/* by remote address */
	TOP_GROUP_LPORT,	/* by protocol and local port */
	TOP_NGROUPS
};

/* The name of key ("send"), and the key of a name: 0, or -1 EINVAL. */
const char	*top_key_name(enum top_key k);
int		 top_key_parse(const char *s, enum top_key *k);
const char	*top_group_name(enum top_group g);
int		 top_group_parse(const char *s, enum top_group *g);

struct top_view_opts {
	enum top_key	 key;
	int		 descending;
	enum top_group	 group;
	const struct fexpr *filter;	/* NULL: every socket */
	int		 owners_known;	/* every holder was seen (proc and
					   pid predicates can decide) */
};

/*
 * The lines of a view: pointers into the model (ungrouped) or into
 * groups (grouped).  Zero it to start; top_view_free() releases it.  A
 * group line's row holds the key's fields (pid and comm, remote
 * address, or protocol and local port); its rates, retransmissions and
 * queues are sums, nsocks its sockets, rtt and cwnd 0.
 */
struct top_view {
	const struct top_sock **lines;
	size_t		 n, cap;
	struct top_sock	*groups;
	size_t		 ngroups, capgroups;
};

/*
 * Builds the view of the last snapshot of t as vo says, reusing v's
 * memory.  Returns 0, or -1 with errno ENOMEM.
 */
int		 top_view_build(const struct top *t,
		    const struct top_view_opts *vo, struct top_view *v);
void		 top_view_free(struct top_view *v);

#endif /* TOP_H */
