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

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sockstat.h"
#include "watch_impl.h"
#include "watch_ns.h"

/* Orders two events by family, ports and addresses. */
static int
tuple_order(const struct watch_event *x, const struct watch_event *y)
{
	size_t len = x->family == AF_INET ? 4 : 16;
	int c;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->lport != y->lport)
		return x->lport < y->lport ? -1 : 1;
	if (x->rport != y->rport)
		return x->rport < y->rport ? -1 : 1;
	if ((c = memcmp(&x->laddr, &y->laddr, len)) != 0)
		return c;
	return memcmp(&x->raddr, &y->raddr, len);
}

/* Orders indices of events by tuple, then by place in the round. */
static int
tuple_cmp(const void *a, const void *b, void *arg)
{
	const struct wev *evs = arg;
	size_t i = *(const size_t *)a, k = *(const size_t *)b;
	int c = tuple_order(&evs[i].ev, &evs[k].ev);

	return c != 0 ? c : (i > k) - (i < k);
}

/* Whether y is a new timewait socket of the diff that may match. */
static int
tw_candidate(const struct wev *y)
{
	return !y->dropped && y->ev.method == WATCH_POLL &&
	    y->ev.kind == WATCH_EV_NEW && y->ev.proto == PROTO_TCP;
}

/*
 * The first candidate of idx (n, sorted by tuple_cmp) with x's tuple
 * that is still free, or NULL.
 */
static struct wev *
tw_find(struct watch *w, const size_t *idx, size_t n, const struct wev *x)
{
	size_t lo = 0, hi = n, mid;
	struct wev *y;

	while (lo < hi) {		/* the first not below x's tuple */
		mid = lo + (hi - lo) / 2;
		if (tuple_order(&w->evs[idx[mid]].ev, &x->ev) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n; lo++) {
		y = &w->evs[idx[lo]];
		if (!watch_same_tuple(&y->ev, &x->ev))
			break;
		if (!y->dropped)
			return y;
	}
	return NULL;
}

/*
 * Settles the round's pending closes (see the top of the file): a new
 * timewait socket of the diff with the 4-tuple of a close from FIN_WAIT1,
 * FIN_WAIT2 or CLOSING makes it "-> TIME_WAIT" and is not reported
 * itself.  Either may have come a round before the other.  The new
 * timewait sockets are sorted by tuple once, so that a round of many
 * closes costs n log n, not closes x events: a reader that fell behind
 * must catch up, not slow down.  Returns 0, or -1 with errno ENOMEM.
 */
int
watch_match_time_wait(struct watch *w)
{
	struct wev *x, *y;
	size_t i, n = 0, *idx;

	for (i = 0; i < w->nevs; i++)
		if (w->evs[i].pending_tw && !w->evs[i].dropped)
			break;
	if (i == w->nevs)
		return 0;
	if ((idx = malloc(w->nevs * sizeof(*idx))) == NULL)
		return -1;
	for (i = 0; i < w->nevs; i++)
		if (tw_candidate(&w->evs[i]))
			idx[n++] = i;
	if (n > 1)
		qsort_r(idx, n, sizeof(*idx), tuple_cmp, w->evs);
	for (i = 0; i < w->nevs && n > 0; i++) {
		x = &w->evs[i];
		if (!x->pending_tw || x->dropped ||
		    (y = tw_find(w, idx, n, x)) == NULL)
			continue;
		x->pending_tw = 0;
		x->ev.kind = WATCH_EV_STATE;
		x->ev.newstate = y->ev.newstate;
		x->ev.cookie = y->ev.cookie;
		y->dropped = 1;
		/* An orphan still in FIN_WAIT2 did not close at all. */
		if (x->ev.newstate == x->ev.oldstate)
			x->dropped = 1;
	}
	free(idx);
	return 0;
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

/*
 * The events rule 3 must settle, indexed so that a dump of many sockets
 * against a round of many events costs rows x log(events), not their
 * product: by tuple, and the new connections (old state LISTEN) apart
 * for the listeners' rows.
 */
struct ns_open {
	struct watch	*w;
	size_t		*by_tuple, ntuple;
	size_t		*accepts, naccepts;
};

/* Rule 3 of watch_ns.h: a socket of our namespace like this event's. */
static int
ns_row(const struct sock_row *r, void *arg)
{
	struct ns_open *o = arg;
	struct watch_event key;
	struct wev *x;
	size_t i, lo = 0, hi = o->ntuple, mid, len;

	watch_row_key(r, &key);
	while (lo < hi) {		/* the first not below the row's tuple */
		mid = lo + (hi - lo) / 2;
		if (tuple_order(&o->w->evs[o->by_tuple[mid]].ev, &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < o->ntuple; lo++) {
		x = &o->w->evs[o->by_tuple[lo]];
		if (!watch_same_tuple(&x->ev, &key))
			break;
		x->ns = WATCH_NS_OURS;
	}
	if (r->state != ST_LISTEN)
		return 0;
	len = r->family == AF_INET ? 4 : 16;
	for (i = 0; i < o->naccepts; i++) {
		x = &o->w->evs[o->accepts[i]];
		if (r->lport == x->ev.lport &&
		    (memcmp(&r->laddr, &x->ev.laddr, len) == 0 ||
		    IN6_IS_ADDR_UNSPECIFIED(&r->laddr.v6) ||
		    (r->family == AF_INET && r->laddr.v4.s_addr == 0)))
			x->ns = WATCH_NS_OURS;
	}
	return 0;
}

/*
 * Rule 3 for the events rules 1 and 2 left open: one dump of our
 * namespace's TCP sockets.  Without memory for the index they stay
 * open (another namespace's).
 */
static void
ns_dump(struct watch *w)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct ns_open o;
	struct dump_req req = { .ext = 0 };
	struct wev *x;
	size_t i;
	int f;

	memset(&o, 0, sizeof(o));
	o.w = w;
	if ((o.by_tuple = malloc(w->nevs * sizeof(size_t))) == NULL ||
	    (o.accepts = malloc(w->nevs * sizeof(size_t))) == NULL) {
		free(o.by_tuple);
		return;
	}
	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method != WATCH_TRACE || x->ns != WATCH_NS_UNKNOWN)
			continue;
		o.by_tuple[o.ntuple++] = i;
		if (x->ev.oldstate == ST_LISTEN)
			o.accepts[o.naccepts++] = i;
	}
	if (o.ntuple > 1)
		qsort_r(o.by_tuple, o.ntuple, sizeof(size_t), tuple_cmp,
		    w->evs);
	for (f = 0; f < 2; f++) {
		if (!watch_selected(w, fams[f], PROTO_TCP))
			continue;
		req.family = fams[f];
		req.proto = PROTO_TCP;
		req.states = ST_ALL;
		/* A failed dump leaves them unknown: another namespace's. */
		(void)diag_collect(w->own.diag, &req, ns_row, &o, NULL);
	}
	free(o.by_tuple);
	free(o.accepts);
}

/* Whether a socket is born at this event (watch_ns_judge's rule). */
static int
ns_born(const struct wev *x)
{
	return x->ev.oldstate == ST_CLOSE || (x->ev.oldstate == ST_LISTEN &&
	    x->ev.newstate == ST_SYN_RECV);
}

/* Orders indices of events by socket address, then place (qsort_r). */
static int
skaddr_cmp(const void *a, const void *b, void *arg)
{
	const struct wev *evs = arg;
	size_t i = *(const size_t *)a, k = *(const size_t *)b;

	if (evs[i].skaddr != evs[k].skaddr)
		return evs[i].skaddr < evs[k].skaddr ? -1 : 1;
	return (i > k) - (i < k);
}

/*
 * Gives the unjudged event g[j] the verdict of another event of the
 * same socket in the round: g[0..n) are the round's trace events of one
 * address in time order; no birth or close may lie between them.
 */
static void
ns_spread(struct watch *w, const size_t *g, size_t n, size_t j)
{
	struct wev *x = &w->evs[g[j]], *y;
	size_t k;

	if (x->ns != WATCH_NS_UNKNOWN)
		return;
	for (k = j; k-- > 0;) {		/* earlier events of the socket */
		y = &w->evs[g[k]];
		if (y->freed)
			break;
		if (y->ns != WATCH_NS_UNKNOWN) {
			x->ns = y->ns;
			return;
		}
		if (ns_born(y))
			break;
	}
	for (k = j + 1; k < n && !x->freed; k++) {	/* later */
		y = &w->evs[g[k]];
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
 * ns_spread over every address of the round, grouped once by address:
 * a round of many events costs n log n.
 */
static void
ns_spread_all(struct watch *w)
{
	size_t *idx, n = 0, i, lo, hi;

	if ((idx = malloc(w->nevs * sizeof(*idx))) == NULL)
		return;		/* they stay open: another namespace's */
	for (i = 0; i < w->nevs; i++)
		if (w->evs[i].ev.method == WATCH_TRACE)
			idx[n++] = i;
	if (n > 1)
		qsort_r(idx, n, sizeof(*idx), skaddr_cmp, w->evs);
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n &&
		    w->evs[idx[hi]].skaddr == w->evs[idx[lo]].skaddr; hi++)
			;
		for (i = lo; i < hi; i++)
			ns_spread(w, idx + lo, hi - lo, i - lo);
	}
	free(idx);
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
 * read (nor was, in the second before it exited) and that left no
 * timewait socket, is taken for another namespace's: the reader must
 * keep up (see TRACE_RING_PAGES).
 */
void
watch_match_ns(struct watch *w)
{
	struct trace_sample s;
	struct wev *x;
	size_t i;
	int open = 0, raised = 0;

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
	if (open) {
		ns_dump(w);
		ns_spread_all(w);
	}
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
