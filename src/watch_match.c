/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_match.c - the steps of a round (watch.c) that match events with
 * each other and with sock_diag: a close from FIN_WAIT with its new
 * timewait socket, a connect's SYN_SENT with the port a later event of
 * its socket names, and each traced socket with the network namespace
 * it belongs to (watch_ns.h).
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include "diag.h"
#include "sockstat.h"
#include "watch_impl.h"
#include "watch_ns.h"

/*
 * Settles the round's pending closes (see the top of the file): a new
 * timewait socket of the diff with the 4-tuple of a close from FIN_WAIT1,
 * FIN_WAIT2 or CLOSING makes it "-> TIME_WAIT" and is not reported
 * itself.  Either may have come a round before the other.
 */
void
watch_match_time_wait(struct watch *w)
{
	struct wev *x, *y;
	size_t i, k;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (!x->pending_tw || x->dropped)
			continue;
		for (k = 0; k < w->nevs; k++) {
			y = &w->evs[k];
			if (y->dropped || y->ev.method != WATCH_POLL ||
			    y->ev.kind != WATCH_EV_NEW ||
			    y->ev.proto != PROTO_TCP ||
			    !watch_same_tuple(&x->ev, &y->ev))
				continue;
			x->pending_tw = 0;
			x->ev.kind = WATCH_EV_STATE;
			x->ev.newstate = y->ev.newstate;
			x->ev.cookie = y->ev.cookie;
			y->dropped = 1;
			/* An orphan still in FIN_WAIT2 did not close at all. */
			if (x->ev.newstate == x->ev.oldstate)
				x->dropped = 1;
			break;
		}
	}
}

/* The TCP 4-tuple of r as an event key, for watch_same_tuple(). */
void
watch_row_key(const struct sock_row *r, struct watch_event *key)
{
	memset(key, 0, sizeof(*key));
	key->family = r->family;
	key->proto = PROTO_TCP;
	key->lport = r->lport;
	key->rport = r->rport;
	key->laddr = r->laddr;
	key->raddr = r->raddr;
}

/* A sample as watch_ns judges it, from the event it made. */
static void
ns_sample(const struct wev *x, struct trace_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->skaddr = x->skaddr;
	s->pid = x->ev.pid;
	s->family = x->ev.family;
	s->sport = x->ev.lport;
	s->oldstate = x->ev.oldstate;
	s->newstate = x->ev.newstate;
	s->saddr = x->ev.laddr;
}

/* Rule 3 of watch_ns.h: a socket of our namespace like this event's. */
static int
ns_row(const struct sock_row *r, void *arg)
{
	struct watch *w = arg;
	struct watch_event key;
	struct wev *x;
	size_t i, len = r->family == AF_INET ? 4 : 16;

	watch_row_key(r, &key);
	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method != WATCH_TRACE || x->ns != WATCH_NS_UNKNOWN)
			continue;
		if (watch_same_tuple(&x->ev, &key) || (r->state == ST_LISTEN &&
		    x->ev.oldstate == ST_LISTEN && r->lport == x->ev.lport &&
		    (memcmp(&r->laddr, &x->ev.laddr, len) == 0 ||
		    IN6_IS_ADDR_UNSPECIFIED(&r->laddr.v6) ||
		    (r->family == AF_INET && r->laddr.v4.s_addr == 0))))
			x->ns = WATCH_NS_OURS;
	}
	return 0;
}

/* Whether a socket is born at this event (watch_ns_judge's rule). */
static int
ns_born(const struct wev *x)
{
	return x->ev.oldstate == ST_CLOSE || (x->ev.oldstate == ST_LISTEN &&
	    x->ev.newstate == ST_SYN_RECV);
}

/*
 * Gives the unjudged event i the verdict of another event of the same
 * socket in the round: same address, no birth or close between them.
 */
static void
ns_spread(struct watch *w, size_t i)
{
	struct wev *x = &w->evs[i], *y;
	size_t k;

	if (x->ev.method != WATCH_TRACE || x->ns != WATCH_NS_UNKNOWN)
		return;
	for (k = i; k-- > 0;) {		/* earlier events of the socket */
		y = &w->evs[k];
		if (y->skaddr != x->skaddr || y->ev.method != WATCH_TRACE)
			continue;
		if (y->freed)
			break;
		if (y->ns != WATCH_NS_UNKNOWN) {
			x->ns = y->ns;
			return;
		}
		if (ns_born(y))
			break;
	}
	for (k = i + 1; k < w->nevs && !x->freed; k++) {	/* later */
		y = &w->evs[k];
		if (y->skaddr != x->skaddr || y->ev.method != WATCH_TRACE)
			continue;
		if (ns_born(y))
			break;
		if (y->ns != WATCH_NS_UNKNOWN) {
			x->ns = y->ns;
			return;
		}
		if (y->freed)
			break;
	}
}

/*
 * Keeps only events of sockets of our network namespace (watch_ns.h):
 * each trace event not judged yet is, in time order; those rules 1 and
 * 2 leave open are settled by one sock_diag dump of our namespace (which
 * no other namespace's socket can be in) and remembered.
 * A verdict holds for every event of the socket in the round (a server's
 * connection is judged at its LISTEN -> SYN_RECV, a client's when its
 * timewait socket is found).
 * XXX A socket of ours gone before the dump, whose process could not be
 * read and that left no timewait socket, is taken for another
 * namespace's: the reader must keep up (see TRACE_RING_PAGES).
 */
void
watch_match_ns(struct watch *w)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct trace_sample s;
	struct dump_req req;
	struct wev *x;
	size_t i;
	int f, open = 0, raised = 0;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method != WATCH_TRACE || x->ns != WATCH_NS_UNKNOWN ||
		    x->probe)
			continue;
		/* Other users' /proc/PID/ns need CAP_SYS_PTRACE. */
		if (!raised)
			watch_raise(w, raised = 1);
		ns_sample(x, &s);
		x->ns = (uint8_t)watch_ns_judge(w->ns, &s,
		    watch_owner_context(s.oldstate, s.newstate));
		open |= x->ns == WATCH_NS_UNKNOWN;
	}
	if (raised)
		watch_raise(w, 0);
	for (f = 0; f < 2 && open; f++) {
		if (!watch_selected(w, fams[f], PROTO_TCP))
			continue;
		req.family = fams[f];
		req.proto = PROTO_TCP;
		req.states = ST_ALL;
		/* A failed dump leaves them unknown: another namespace's. */
		(void)diag_collect(w->diag, &req, ns_row, w, NULL);
	}
	for (i = 0; open && i < w->nevs; i++)
		ns_spread(w, i);
	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method != WATCH_TRACE || x->probe)
			continue;
		if (x->ns == WATCH_NS_UNKNOWN)
			x->ns = WATCH_NS_OTHER;
		if (x->ns == WATCH_NS_OTHER)
			x->dropped = 1;
		/*
		 * In time order, the last event of an address wins: a socket
		 * freed and its memory reused by the next one in the same
		 * round must leave the newcomer's verdict, not erase it.
		 */
		if (x->freed)
			watch_ns_forget(w->ns, x->skaddr);
		else
			watch_ns_learn(w->ns, x->skaddr, x->ns);
	}
}

/*
 * connect() enters SYN_SENT before it picks the local port, so that
 * event has port 0: take the port from a later event of the same socket
 * in this round, when there is one (on loopback there always is).
 */
int
watch_match_ports(struct watch *w)
{
	struct wev *x, *y;
	size_t i, k;
	int unfilled = 0;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method != WATCH_TRACE || x->ev.lport != 0 ||
		    x->ev.newstate != ST_SYN_SENT)
			continue;
		for (k = i + 1; k < w->nevs; k++) {
			y = &w->evs[k];
			if (y->skaddr != x->skaddr || y->ev.lport == 0)
				continue;
			x->ev.lport = y->ev.lport;
			x->ev.laddr = y->ev.laddr;
			break;
		}
		if (x->ev.lport == 0)
			unfilled = 1;
	}
	return unfilled;
}
