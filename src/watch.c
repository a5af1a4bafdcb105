/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch.c - the event stream: rounds of tracepoint samples and sock_diag
 * snapshots turned into events, with owners where they are cheap.
 *
 * A round (watch_step) gathers events into one vector, sorts them by
 * time, fills owners and hands them out.  The tracepoint sees every TCP
 * transition, but two things it cannot: a socket entering TIME_WAIT
 * shows as "-> CLOSE" (the kernel moves the connection to a separate
 * timewait socket without a set_state), and TIME_WAIT expiry is no
 * set_state at all.  So in trace mode every interval, and at once after
 * a close from FIN_WAIT1, FIN_WAIT2 or CLOSING, a dump of the timewait
 * sockets is diffed as the poll method diffs everything: a new timewait
 * socket with the 4-tuple of such a close turns that close into
 * "-> TIME_WAIT", and a timewait socket gone is its expiry.  UDP and RAW
 * have no tracepoint and are diffed in both modes.
 *
 * This file holds the round itself; TIME_WAIT and namespace matching
 * are in watch_match.c, owners in watch_owner.c (watch_impl.h).
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "procmap.h"
#include "trace.h"
#include "trace_drain.h"
#include "util.h"
#include "watch.h"
#include "watch_impl.h"
#include "watch_ns.h"

/* Whether o's selection takes a socket of this family and protocol. */
int
watch_selected(const struct watch *w, int family, unsigned proto)
{
	if (proto == PROTO_UNIX || !(w->o.protos & PROTO_BIT(proto)))
		return 0;
	if (family == AF_INET)
		return (w->o.families & FAM_INET4) != 0;
	if (family == AF_INET6)
		return (w->o.families & FAM_INET6) != 0;
	return 0;
}

struct watch *
watch_open(const struct options *o)
{
	struct watch *w;
	int save_errno;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->o = *o;
	w->o.lsof = NULL;
	w->method = WATCH_POLL;
	w->wall_off = (int64_t)util_now_ms() - (int64_t)util_mono_ms();
	if (w->o.interval_ms == 0)
		w->o.interval_ms = 100;
	if ((w->own.diff = watch_diff_new()) == NULL ||
	    (w->owners = calloc(OWNER_SLOTS, sizeof(*w->owners))) == NULL ||
	    (w->own.diag = diag_open()) == NULL)
		goto fail;
	w->own.seen = 1;
	w->cur = &w->own;
	w->destroy = watch_destroy_open(w->o.protos, w->o.families);
	if (w->destroy == NULL)
		w->destroy_errno = errno;
	return w;
fail:
	save_errno = errno;
	watch_close(w);
	errno = save_errno;
	return NULL;
}

void
watch_close(struct watch *w)
{
	if (w == NULL)
		return;
	watch_destroy_close(w->destroy);
	/* The thread reads the rings: it stops before they are unmapped. */
	trace_drain_stop(w->drain);
	trace_close(w->trace);
	watch_ns_free(w->ns);
	watch_spaces_free(w);
	diag_close(w->own.diag);
	watch_diff_free(w->own.diff);
	procmap_free(w->map);
	free(w->owners);
	free(w->evs);
	free(w);
}

/*
 * The kernel's filter for o's selection: TCP, the family when only one
 * is selected, the port on either side.  Records it rejects cost no ring
 * space, which keeps a busy host's other traffic from crowding out the
 * events asked for.
 */
static void
trace_filter(const struct watch *w, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "protocol == %d", IPPROTO_TCP);
	if ((w->o.families & (FAM_INET4 | FAM_INET6)) == FAM_INET4)
		n += snprintf(buf + n, len - (size_t)n, " && family == %d",
		    AF_INET);
	else if ((w->o.families & (FAM_INET4 | FAM_INET6)) == FAM_INET6)
		n += snprintf(buf + n, len - (size_t)n, " && family == %d",
		    AF_INET6);
	if (w->o.port >= 0)
		snprintf(buf + n, len - (size_t)n,
		    " && (sport == %d || dport == %d)", w->o.port, w->o.port);
}

int
watch_start_trace(struct watch *w)
{
	char filter[128];

	if (w->ns == NULL && (w->ns = watch_ns_new(w->o.proc_root)) == NULL)
		return -1;
	trace_filter(w, filter, sizeof(filter));
	if (w->trace == NULL && (w->trace = trace_open(filter)) == NULL)
		return -1;
	w->method = WATCH_TRACE;
	/* Every TCP close comes from the tracepoint now. */
	watch_destroy_close(w->destroy);
	w->destroy = NULL;
	return 0;
}

enum watch_method
watch_method(const struct watch *w)
{
	return w->method;
}

void
watch_set_port(struct watch *w, int port)
{
	char filter[128];

	w->o.port = port;
	/* Refused, the old filter stays: watch_deliver() still checks the port. */
	trace_filter(w, filter, sizeof(filter));
	if (w->trace != NULL)
		(void)trace_set_filter(w->trace, filter);
}

void
watch_set_privs(struct watch *w, watch_privs_fn fn, void *arg)
{
	w->privs_fn = fn;
	w->privs_arg = arg;
}

/* Raises or lowers through the command's hook; a failure costs owners. */
void
watch_raise(struct watch *w, int raise)
{
	if (w->privs_fn != NULL)
		(void)w->privs_fn(raise, w->privs_arg);
}

void
watch_stats(const struct watch *w, struct watch_stats *st)
{
	size_t i;

	st->lost = w->lost;
	st->snapshots = w->snapshots;
	st->destroy_errno = w->destroy_errno;
	st->unavailable = watch_spaces_unavailable(w);
	st->spaces = 0;
	for (i = 0; i < w->nspaces; i++)
		st->spaces += w->spaces[i]->diag != NULL;
}

/* Appends a slot to the round's events; NULL with errno ENOMEM. */
struct wev *
watch_ev_push(struct watch *w)
{
	struct wev *n;
	size_t cap;

	if (w->nevs == w->capevs) {
		cap = w->capevs ? w->capevs * 2 : 64;
		if ((n = realloc(w->evs, cap * sizeof(*n))) == NULL)
			return NULL;
		w->evs = n;
		w->capevs = cap;
	}
	n = &w->evs[w->nevs++];
	memset(n, 0, sizeof(*n));
	n->seq = w->seq++;
	return n;
}

/* An event of the diff: into the round. */
int
watch_take_event(const struct watch_event *ev, void *arg)
{
	struct watch *w = arg;
	struct wev *x;

	if ((x = watch_ev_push(w)) == NULL)
		return -1;
	x->ev = *ev;
	/* An added space's events say where they live. */
	if (w->cur != NULL && w->cur != &w->own)
		x->ev.netns = &w->cur->id;
	return 0;
}

static int
snap_row(const struct sock_row *r, void *arg)
{
	struct watch *w = arg;

	if (!watch_selected(w, r->family, r->proto))
		return 0;
	/*
	 * A TCP socket in CLOSE is one a dump caught on its way out: it
	 * counts as gone, not as a new socket.
	 */
	if (r->proto == PROTO_TCP && r->state == ST_CLOSE)
		return 0;
	if (r->proto == PROTO_TCP)
		w->tcp_rows++;
	return watch_diff_row(w->cur->diff, r, watch_take_event, w) == -1 ?
	    -1 : 0;
}

/* Wall-clock ns on the samples' scale (monotonic + wall_off). */
static uint64_t
wall_ns(const struct watch *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec +
	    w->wall_off * 1000000LL);
}

/* The TCP states a snapshot asks for. */
static uint32_t
snapshot_tcp_states(const struct watch *w)
{
	/* In trace mode TCP is dumped for its timewait sockets only. */
	return w->method == WATCH_TRACE ? ST_BIT(ST_TIME_WAIT) : ST_ALL;
}

/*
 * TCP of both families in one dump (source.h: one walk of the kernel's
 * tables instead of two) when both are watched.  Returns 1 when done, 0
 * when the kernel refused it before any row (then one dump per family,
 * from now on), or -1 with errno set.
 */
static int
snapshot_tcp_joined(struct watch *w)
{
	struct dump_req req = { AF_UNSPEC, PROTO_TCP, 0, 0 };
	struct source_stats st;

	if (w->cur->tcp_split || !watch_selected(w, AF_INET, PROTO_TCP) ||
	    !watch_selected(w, AF_INET6, PROTO_TCP))
		return 0;
	req.states = snapshot_tcp_states(w);
	memset(&st, 0, sizeof(st));
	w->tcp_rows = 0;
	if (diag_collect(w->cur->diag, &req, snap_row, w, &st) == 0)
		return 1;
	if (w->tcp_rows > 0 || !DIAG_JOINED_REFUSED(errno))
		return -1;
	w->cur->tcp_split = 1;
	return 0;
}

/*
 * One snapshot of every selected dump of the space w->cur into its
 * diff; in trace mode TCP is dumped for its timewait sockets only.
 */
int
watch_snapshot_one(struct watch *w)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct wspace *sp = w->cur;
	struct dump_req req = { .ext = 0 };
	struct source_stats st;
	unsigned proto;
	int i, joined;

	watch_diff_begin(sp->diff, util_now_ms());
	if ((joined = snapshot_tcp_joined(w)) == -1)
		return -1;
	for (proto = PROTO_TCP; proto <= PROTO_RAW; proto++) {
		for (i = 0; i < 2; i++) {
			if (!watch_selected(w, fams[i], proto) ||
			    (sp->unavailable & PROTO_BIT(proto)) ||
			    (proto == PROTO_TCP && joined))
				continue;
			req.family = fams[i];
			req.proto = proto;
			req.states = proto == PROTO_TCP ?
			    snapshot_tcp_states(w) : ST_ALL;
			memset(&st, 0, sizeof(st));
			if (proto == PROTO_TCP && i == 0)
				w->tcp_rows = 0;
			if (diag_collect(sp->diag, &req, snap_row, w, &st) == 0)
				continue;
			/*
			 * No diag module for it (raw_diag is often not
			 * loaded): that protocol is not watched.
			 */
			if (proto == PROTO_TCP || !DIAG_UNAVAILABLE(errno))
				return -1;
			sp->unavailable |= PROTO_BIT(proto);
		}
	}
	return watch_diff_end(sp->diff, watch_take_event, w) == -1 ? -1 : 0;
}

/* One snapshot of every space into the round. */
static int
snapshot(struct watch *w)
{
	w->snap_mono_ms = util_mono_ms();
	w->snap_ns = wall_ns(w);
	if (watch_snapshot_spaces(w) == -1)
		return -1;
	w->snapshots++;
	w->tw_open = 0;
	return 0;
}

int
watch_take_sample(const struct trace_sample *s, void *arg)
{
	struct watch *w = arg;
	struct skowner *so;
	struct wev *x;

	if (s->protocol != IPPROTO_TCP || !watch_selected(w, s->family, PROTO_TCP))
		return 0;
	if (s->oldstate <= 0 || s->oldstate >= ST_MAX || s->newstate <= 0 ||
	    s->newstate >= ST_MAX)
		return 0;
	if ((x = watch_ev_push(w)) == NULL)
		return -1;
	x->skaddr = s->skaddr;
	x->ev.time_ms = (uint64_t)((int64_t)(s->time_ns / 1000000) +
	    w->wall_off);
	x->sort_ns = (uint64_t)((int64_t)s->time_ns + w->wall_off * 1000000);
	x->ev.method = WATCH_TRACE;
	x->ev.family = (uint8_t)s->family;
	x->ev.proto = PROTO_TCP;
	x->ev.oldstate = (uint8_t)s->oldstate;
	x->ev.newstate = (uint8_t)s->newstate;
	/* A socket leaving CLOSE is one sockstat had not seen. */
	x->ev.kind = s->oldstate == ST_CLOSE ? WATCH_EV_NEW :
	    s->newstate == ST_CLOSE ? WATCH_EV_CLOSED : WATCH_EV_STATE;
	x->ev.lport = s->sport;
	x->ev.rport = s->dport;
	x->ev.laddr = s->saddr;
	x->ev.raddr = s->daddr;
	x->freed = s->newstate == ST_CLOSE;
	if (s->newstate == ST_CLOSE && (s->oldstate == ST_FIN_WAIT1 ||
	    s->oldstate == ST_FIN_WAIT2 || s->oldstate == ST_CLOSING)) {
		x->pending_tw = 1;
		w->tw_open = 1;
	}
	so = watch_owner_slot(w, s->skaddr);
	if (s->pid > 0 && watch_owner_context(s->oldstate, s->newstate)) {
		so->skaddr = s->skaddr;
		so->pid = s->pid;
		watch_owner_comm(w, s->pid, so->comm, sizeof(so->comm));
	}
	if (so->skaddr == s->skaddr && so->pid > 0) {
		x->ev.pid = so->pid;
		memcpy(x->ev.command, so->comm, sizeof(x->ev.command));
	}
	return 0;
}

/* Tracepoint samples keep their ns, so that one ms stays in order. */
static uint64_t
sort_key(const struct wev *x)
{
	return x->sort_ns ? x->sort_ns : x->ev.time_ms * 1000000;
}

int
watch_ev_cmp(const void *a, const void *b)
{
	const struct wev *x = a, *y = b;
	uint64_t tx = sort_key(x), ty = sort_key(y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Hands out the round's events in time order, but for those younger than
 * cutoff_ns (wall clock): a sample of another CPU may still be on its
 * way, so they wait at the front of the vector for the next round.
 */
int
watch_deliver(struct watch *w, uint64_t cutoff_ns, watch_cb cb, void *arg)
{
	struct wev *x;
	size_t i, held = 0;
	int rc = 0;

	if (w->nevs > 1)
		qsort(w->evs, w->nevs, sizeof(*w->evs), watch_ev_cmp);
	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->dropped || x->probe)
			continue;
		if (rc != 0 || sort_key(x) > cutoff_ns) {
			w->evs[held++] = *x;
			continue;
		}
		if (w->o.port >= 0 && x->ev.lport != w->o.port &&
		    x->ev.rport != w->o.port)
			continue;
		rc = cb(&x->ev, arg);
	}
	w->nevs = held;
	return rc;
}

int
watch_begin(struct watch *w)
{
	if (w->started)
		return 0;
	w->nevs = 0;
	if (snapshot(w) == -1)
		return -1;
	w->nevs = 0;	/* the baseline reports nothing */
	w->started = 1;
	/*
	 * Owners of the sockets already there, so that their closes name
	 * them, where that is cheap.  Tracepoint events name theirs.
	 */
	if (w->method == WATCH_POLL &&
	    watch_spaces_len(w) <= BASELINE_MAP_MAX)
		watch_owner_map(w);
	w->next_snap = util_mono_ms() + w->o.interval_ms;
	return 0;
}

/*
 * Takes what the drain thread queued into the round.  Sets *cutoff_ns
 * (wall clock) to the time before which every sample is in the round:
 * the thread's last full pass over the rings, less HOLD_MS for a sample
 * stamped just before that pass but written into its ring just after.
 */
static int
take_samples(struct watch *w, uint64_t *cutoff_ns)
{
	uint64_t drained = 0, now = util_now_ms() - HOLD_MS, c;

	if (trace_drain_take(w->drain, watch_take_sample, w, &w->lost,
	    &drained) == -1)
		return -1;
	c = (uint64_t)((int64_t)drained + w->wall_off * 1000000) -
	    HOLD_MS * 1000000ULL;
	if (drained == 0 || c > now * 1000000)
		c = now * 1000000;
	*cutoff_ns = c;
	return 0;
}

/*
 * The tracepoint part of a round: waits for samples, takes them, gives
 * a connect's SYN_SENT its port, keeps our namespace's.  Sets *cutoff_ns.
 */
static int
trace_round(struct watch *w, int wait, uint64_t *cutoff_ns)
{
	size_t before;

	/*
	 * The thread starts here, after the command has set privileges
	 * (it inherits the caller's) and after a demo forked its client.
	 */
	if (w->drain == NULL) {
		trace_drain_src(w->trace, &w->src);
		if ((w->drain = trace_drain_start(&w->src, 0)) == NULL)
			return -1;
	}
	/* Held events are due soon. */
	if (w->nevs > 0 && wait > HOLD_MS)
		wait = HOLD_MS;
	if (trace_drain_wait(w->drain, wait) == -1)
		return -1;
	before = w->nevs;
	if (take_samples(w, cutoff_ns) == -1)
		return -1;
	if (w->nevs > before) {
		/*
		 * A SYN_SENT without its port waits a moment for the next
		 * event of its socket, which names the port.
		 */
		if (w->nevs > 1)
			qsort(w->evs, w->nevs, sizeof(*w->evs), watch_ev_cmp);
		if (watch_match_ports(w) && trace_drain_wait(w->drain,
		    SYN_SENT_WAIT_MS) == 1) {
			if (take_samples(w, cutoff_ns) == -1)
				return -1;
			if (w->nevs > 1)
				qsort(w->evs, w->nevs, sizeof(*w->evs),
				    watch_ev_cmp);
			watch_match_ports(w);
		}
	}
	watch_match_ns(w);
	return 0;
}

uint64_t
watch_tw_cutoff(const struct watch *w, uint64_t cutoff)
{
	const struct wev *x;
	uint64_t k;
	size_t i;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (!x->pending_tw || x->dropped)
			continue;
		k = sort_key(x);
		if (k >= w->snap_ns && k <= cutoff)
			cutoff = k - 1;
	}
	return cutoff;
}

int
watch_step(struct watch *w, int max_wait_ms, watch_cb cb, void *arg)
{
	uint64_t now, cutoff = UINT64_MAX;
	int wait;

	if (watch_begin(w) == -1)
		return -1;
	now = util_mono_ms();
	wait = w->next_snap > now ? (int)(w->next_snap - now) : 0;
	if (max_wait_ms >= 0 && max_wait_ms < wait)
		wait = max_wait_ms;
	if (w->method == WATCH_TRACE) {
		if (trace_round(w, wait, &cutoff) == -1)
			return -1;
	} else if (watch_destroy_wait(w->destroy, wait, w->own.diff) == -1)
		return -1;
	now = util_mono_ms();
	/*
	 * A close that may be TIME_WAIT asks for a timewait dump, but at
	 * most one each TW_GAP_MS: at thousands of closes a second a dump
	 * each (of every timewait socket) would take the machine.
	 */
	if ((w->tw_open && now >= w->snap_mono_ms + TW_GAP_MS) ||
	    now >= w->next_snap) {
		if (snapshot(w) == -1)
			return -1;
		if (now >= w->next_snap) {
			w->next_snap = now + w->o.interval_ms;
			if (w->method == WATCH_TRACE &&
			    watch_owner_probe(w) == -1)
				return -1;
		}
	}
	if (w->method == WATCH_TRACE && watch_match_time_wait(w) == -1)
		return -1;
	if (w->method == WATCH_TRACE)
		cutoff = watch_tw_cutoff(w, cutoff);
	watch_owner_resolve(w);
	watch_owner_fill(w);
	if (w->method == WATCH_TRACE)
		watch_owner_pend(w);
	return watch_deliver(w, cutoff, cb, arg);
}

int
watch_flush(struct watch *w, watch_cb cb, void *arg)
{
	int rc;

	/*
	 * What the drain thread queued is a round's worth, not waited for;
	 * its closes get their timewait dump at once.
	 */
	w->snap_mono_ms = 0;
	if (w->drain != NULL && (rc = watch_step(w, 0, cb, arg)) != 0)
		return rc;
	return watch_deliver(w, UINT64_MAX, cb, arg);
}
