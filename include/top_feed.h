/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_feed.h - what feeds the top model each refresh: one dump of each
 * table (TCP with tcp_info, UDP and UNIX with their queues) from the
 * source table (netlink sock_diag, /proc/net when netlink cannot answer
 * a dump), and the owner map, built at most once a refresh: when a new
 * socket has no owner yet, or every 10 s while there are sockets; an
 * idle host with none costs no /proc walk at all.
 */
#ifndef TOP_FEED_H
#define TOP_FEED_H

#include "procmap.h"
#include "top.h"

/* Raises (up 1) or lowers (0) what the owner map needs; may be NULL. */
typedef void (*top_privs_fn)(int up, void *arg);

/* What a refresh read and could not read; the command reports it. */
struct top_feed_report {
	struct procmap_stats owners;	/* the owner map's build */
	int		 owners_errno;	/* the map could not be built: why */
	const char	*from[3];	/* tcp, udp, unix: source names */
	unsigned long	 rows;		/* sockets read */
	unsigned long	 failed;	/* dumps no source could answer */
	int		 failed_errno;	/* the last of them */
};

struct top_feed;

/*
 * Returns a feed reading proc_root (owners with what privs raises), or
 * NULL with errno ENOMEM.  Sources are opened on first use.
 */
struct top_feed	*top_feed_open(const char *proc_root, top_privs_fn privs,
		    void *privs_arg);

/*
 * Takes one snapshot into t at monotonic now_ms (top_begin .. top_end).
 * A dump no source can answer is counted in rep and the snapshot goes
 * on; so is an owner map that cannot be built.  Returns 0, or -1 with
 * errno set (ENOMEM, or EIO when no dump could be read at all).
 */
int		 top_feed_snapshot(struct top_feed *f, struct top *t,
		    uint64_t now_ms, struct top_feed_report *rep);

/* Closes f and its sources; NULL is a no-op. */
void		 top_feed_close(struct top_feed *f);

#endif /* TOP_FEED_H */
