/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_ns.h - which network namespace a traced socket belongs to.
 *
 * The sock:inet_sock_set_state tracepoint is system-wide and its record
 * names no namespace, so the tracepoint method tells sockets of the
 * current network namespace from the others by what user space can see,
 * once per socket (kernel address), the verdict kept while the socket
 * lives:
 *  1. a transition only a system call makes (connect, listen, close,
 *     shutdown) runs in the process that holds the socket: the socket is
 *     ours when that process is in our namespace (/proc/PID/ns/net; for
 *     a process that exited since, what that read for an earlier sample
 *     of it, at most a second before);
 *  2. a server's new connection (LISTEN -> SYN_RECV, in softirq) has the
 *     namespace of its listener, when every listener judged by rule 1
 *     on that address and port agrees;
 *  3. otherwise the caller asks sock_diag, which sees only our namespace:
 *     a socket with that 4-tuple (or, for a new connection, a listener on
 *     that port) makes it ours, none makes it another namespace's.
 */
#ifndef WATCH_NS_H
#define WATCH_NS_H

#include <stdint.h>

#include "trace.h"

enum watch_ns_verdict {
	WATCH_NS_UNKNOWN = 0,	/* rule 3 must decide */
	WATCH_NS_OURS,
	WATCH_NS_OTHER
};

struct watch_ns;

/*
 * Reads the current network namespace (/proc/self/ns/net); processes
 * are looked up under proc_root.  Returns the judge, or NULL with errno
 * set.  Free with watch_ns_free(); NULL is a no-op.
 */
struct watch_ns	*watch_ns_new(const char *proc_root);
void		 watch_ns_free(struct watch_ns *n);

/*
 * Judges the socket of s by rules 1 and 2 (or by its verdict kept from
 * an earlier sample), given whether s's transition runs in process
 * context.  Returns an enum watch_ns_verdict.
 */
int		 watch_ns_judge(struct watch_ns *n,
		    const struct trace_sample *s, int process_ctx);

/* Keeps the verdict v for the socket at skaddr (rule 3's answer). */
void		 watch_ns_learn(struct watch_ns *n, uint64_t skaddr, int v);

/*
 * Forgets a socket that closed (newstate CLOSE): its address may come
 * back as another socket, in another namespace.
 */
void		 watch_ns_forget(struct watch_ns *n, uint64_t skaddr);

#endif /* WATCH_NS_H */
