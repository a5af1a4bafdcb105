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
#include "util.h"
#include "watch.h"
#include "watch_ns.h"

#define OWNER_SLOTS	4096	/* trace owner cache, a power of two */
#define MAP_MAX_AGE_MS	10	/* an owner map younger than this is reused */
#define BASELINE_MAP_MAX 50000	/* sockets above which owners wait for events */
#define RESOLVE_MAX_ROWS 5000	/* above this a TCP dump per round is not cheap */
#define PENDING_MAX	256	/* traced sockets whose owner is looked for */
#define PENDING_TRIES	20	/* snapshots a pending owner is looked for */
#define COMM_SLOTS	256	/* commands of recent pids, for exited ones */
#define SYN_SENT_WAIT_MS 2	/* for the event that names a connect's port */
#define HOLD_MS		5	/* trace events wait this long for older ones */

#define PROTO_BIT(p)	(1U << (p))

/* An event of the round, with what only this file needs. */
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

struct watch {
	struct options	 o;
	enum watch_method method;
	struct diag	*diag;
	struct trace	*trace;
	struct watch_ns	*ns;		/* trace: our namespace's sockets */
	struct watch_diff *diff;
	struct watch_destroy *destroy;	/* poll: the destroy groups */
	int		 destroy_errno;

	int		 started;
	uint64_t	 next_snap;	/* monotonic ms */
	int64_t		 wall_off;	/* wall ms - monotonic ms */
	unsigned long	 lost, snapshots;
	unsigned	 unavailable;	/* 1 << PROTO_* sock_diag cannot dump */

	struct wev	*evs;		/* the round's; held ones first */
	size_t		 nevs, capevs;
	size_t		 seq;
	int		 tw_open;	/* a pending_tw event is in evs */

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
static int
selected(const struct watch *w, int family, unsigned proto)
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
	if ((w->diff = watch_diff_new()) == NULL ||
	    (w->owners = calloc(OWNER_SLOTS, sizeof(*w->owners))) == NULL ||
	    (w->diag = diag_open()) == NULL)
		goto fail;
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
	trace_close(w->trace);
	watch_ns_free(w->ns);
	diag_close(w->diag);
	watch_diff_free(w->diff);
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
	/* Refused, the old filter stays: deliver() still checks the port. */
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
static void
privs(struct watch *w, int raise)
{
	if (w->privs_fn != NULL)
		(void)w->privs_fn(raise, w->privs_arg);
}

void
watch_stats(const struct watch *w, struct watch_stats *st)
{
	st->lost = w->lost;
	st->snapshots = w->snapshots;
	st->destroy_errno = w->destroy_errno;
	st->unavailable = w->unavailable;
}

/* Appends a slot to the round's events; NULL with errno ENOMEM. */
static struct wev *
ev_push(struct watch *w)
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
static int
diff_event(const struct watch_event *ev, void *arg)
{
	struct watch *w = arg;
	struct wev *x;

	if ((x = ev_push(w)) == NULL)
		return -1;
	x->ev = *ev;
	return 0;
}

/*
 * Settles the round's pending closes (see the top of the file): a new
 * timewait socket of the diff with the 4-tuple of a close from FIN_WAIT1,
 * FIN_WAIT2 or CLOSING makes it "-> TIME_WAIT" and is not reported
 * itself.  Either may have come a round before the other.
 */
static void
match_time_wait(struct watch *w)
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

static int
snap_row(const struct sock_row *r, void *arg)
{
	struct watch *w = arg;

	if (!selected(w, r->family, r->proto))
		return 0;
	/*
	 * A TCP socket in CLOSE is one a dump caught on its way out: it
	 * counts as gone, not as a new socket.
	 */
	if (r->proto == PROTO_TCP && r->state == ST_CLOSE)
		return 0;
	if (r->proto == PROTO_TCP)
		w->tcp_rows++;
	return watch_diff_row(w->diff, r, diff_event, w) == -1 ? -1 : 0;
}

/*
 * One snapshot of every selected dump into the diff; in trace mode TCP
 * is dumped for its timewait sockets only.
 */
static int
snapshot(struct watch *w)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct dump_req req = { .ext = 0 };
	struct source_stats st;
	unsigned proto;
	int i;

	watch_diff_begin(w->diff, util_now_ms());
	for (proto = PROTO_TCP; proto <= PROTO_RAW; proto++) {
		for (i = 0; i < 2; i++) {
			if (!selected(w, fams[i], proto) ||
			    (w->unavailable & PROTO_BIT(proto)))
				continue;
			req.family = fams[i];
			req.proto = proto;
			req.states = ST_ALL;
			if (proto == PROTO_TCP && w->method == WATCH_TRACE)
				req.states = ST_BIT(ST_TIME_WAIT);
			memset(&st, 0, sizeof(st));
			if (proto == PROTO_TCP && i == 0)
				w->tcp_rows = 0;
			if (diag_collect(w->diag, &req, snap_row, w, &st) == 0)
				continue;
			/*
			 * No diag module for it (raw_diag is often not
			 * loaded): that protocol is not watched.
			 */
			if (proto == PROTO_TCP || !DIAG_UNAVAILABLE(errno))
				return -1;
			w->unavailable |= PROTO_BIT(proto);
		}
	}
	w->snapshots++;
	w->tw_open = 0;
	return watch_diff_end(w->diff, diff_event, w) == -1 ? -1 : 0;
}

/*
 * Reads a process's command name into buf: from /proc, or when it has
 * exited already (a short client), as last read; else "".
 */
static void
read_comm(struct watch *w, int32_t pid, char *buf, size_t len)
{
	struct skowner *c = &w->comms[(uint32_t)pid % COMM_SLOTS];
	char path[256], comm[WATCH_COMM_MAX];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if (c->skaddr == (uint64_t)pid)
		snprintf(buf, len, "%s", c->comm);
	snprintf(path, sizeof(path), "%s/%d/comm", w->o.proc_root != NULL ?
	    w->o.proc_root : "/proc", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return;
	comm[n] = '\0';
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	snprintf(buf, len, "%s", comm);
	/*
	 * XXX Keyed by pid alone: if a pid is reused and the new process is
	 * gone before it is read, the old name shows.
	 */
	c->skaddr = (uint64_t)pid;
	snprintf(c->comm, sizeof(c->comm), "%s", comm);
}

static struct skowner *
owner_slot(struct watch *w, uint64_t skaddr)
{
	return &w->owners[(size_t)((skaddr >> 6) * 0x9E3779B97F4A7C15ULL >>
	    40) & (OWNER_SLOTS - 1)];
}

/*
 * Transitions that only a system call on the socket makes, so that the
 * process current when the tracepoint fired is the socket's owner:
 * connect, listen, close or shutdown.  Others run in softirq, in
 * whichever process the packet interrupted.
 */
static int
process_context(int oldstate, int newstate)
{
	return (oldstate == ST_CLOSE && newstate == ST_SYN_SENT) ||
	    (oldstate == ST_CLOSE && newstate == ST_LISTEN) ||
	    (oldstate == ST_ESTABLISHED && newstate == ST_FIN_WAIT1) ||
	    (oldstate == ST_CLOSE_WAIT && newstate == ST_LAST_ACK) ||
	    (oldstate == ST_LISTEN && newstate == ST_CLOSE);
}

static int
trace_sample_take(const struct trace_sample *s, void *arg)
{
	struct watch *w = arg;
	struct skowner *so;
	struct wev *x;

	if (s->protocol != IPPROTO_TCP || !selected(w, s->family, PROTO_TCP))
		return 0;
	if (s->oldstate <= 0 || s->oldstate >= ST_MAX || s->newstate <= 0 ||
	    s->newstate >= ST_MAX)
		return 0;
	if ((x = ev_push(w)) == NULL)
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
	so = owner_slot(w, s->skaddr);
	if (s->pid > 0 && process_context(s->oldstate, s->newstate)) {
		so->skaddr = s->skaddr;
		so->pid = s->pid;
		read_comm(w, s->pid, so->comm, sizeof(so->comm));
	}
	if (so->skaddr == s->skaddr && so->pid > 0) {
		x->ev.pid = so->pid;
		memcpy(x->ev.command, so->comm, sizeof(x->ev.command));
	}
	return 0;
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

/* The TCP 4-tuple of r as an event key, for watch_same_tuple(). */
static void
row_key(const struct sock_row *r, struct watch_event *key)
{
	memset(key, 0, sizeof(*key));
	key->family = r->family;
	key->proto = PROTO_TCP;
	key->lport = r->lport;
	key->rport = r->rport;
	key->laddr = r->laddr;
	key->raddr = r->raddr;
}

/* Rule 3 of watch_ns.h: a socket of our namespace like this event's. */
static int
ns_row(const struct sock_row *r, void *arg)
{
	struct watch *w = arg;
	struct watch_event key;
	struct wev *x;
	size_t i, len = r->family == AF_INET ? 4 : 16;

	row_key(r, &key);
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
static void
ns_settle(struct watch *w)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct trace_sample s;
	struct dump_req req = { .ext = 0 };
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
			privs(w, raised = 1);
		ns_sample(x, &s);
		x->ns = (uint8_t)watch_ns_judge(w->ns, &s,
		    process_context(s.oldstate, s.newstate));
		open |= x->ns == WATCH_NS_UNKNOWN;
	}
	if (raised)
		privs(w, 0);
	for (f = 0; f < 2 && open; f++) {
		if (!selected(w, fams[f], PROTO_TCP))
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
		if (x->ns == WATCH_NS_UNKNOWN) {
			x->ns = WATCH_NS_OTHER;
			watch_ns_learn(w->ns, x->skaddr, x->ns);
		} else if (open && x->ns == WATCH_NS_OURS)
			watch_ns_learn(w->ns, x->skaddr, x->ns);
		if (x->ns == WATCH_NS_OTHER)
			x->dropped = 1;
		if (x->freed)
			watch_ns_forget(w->ns, x->skaddr);
	}
}

/*
 * connect() enters SYN_SENT before it picks the local port, so that
 * event has port 0: take the port from a later event of the same socket
 * in this round, when there is one (on loopback there always is).
 */
static int
fill_ports(struct watch *w)
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

/* Tracepoint samples keep their ns, so that one ms stays in order. */
static uint64_t
sort_key(const struct wev *x)
{
	return x->sort_ns ? x->sort_ns : x->ev.time_ms * 1000000;
}

static int
wev_cmp(const void *a, const void *b)
{
	const struct wev *x = a, *y = b;
	uint64_t tx = sort_key(x), ty = sort_key(y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Whether an event still needs an owner that a live socket may have. */
static int
wants_owner(const struct wev *x)
{
	return !x->dropped && x->ev.pid == 0 &&
	    x->ev.newstate != ST_CLOSE && x->ev.newstate != ST_TIME_WAIT;
}

/* The trace resolver: inodes for live sockets, by 4-tuple. */
static int
resolve_row(const struct sock_row *r, void *arg)
{
	struct watch *w = arg;
	struct watch_event key;
	size_t i;

	w->tcp_rows++;
	if (r->inode == 0)
		return 0;
	row_key(r, &key);
	for (i = 0; i < w->nevs; i++)
		if (w->evs[i].ev.inode == 0 && wants_owner(&w->evs[i]) &&
		    watch_same_tuple(&w->evs[i].ev, &key))
			w->evs[i].ev.inode = r->inode;
	return 0;
}

/*
 * Tracepoint events carry no inode.  When some event of a live socket
 * has no owner and TCP dumps are cheap here, one dump finds the inodes.
 */
static void
resolve_inodes(struct watch *w)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct dump_req req = { .ext = 0 };
	size_t i;
	int need = 0, f;

	if (w->resolve_expensive)
		return;
	for (i = 0; i < w->nevs && !need; i++)
		need = w->evs[i].ev.method == WATCH_TRACE &&
		    wants_owner(&w->evs[i]);
	if (!need)
		return;
	w->tcp_rows = 0;
	for (f = 0; f < 2; f++) {
		if (!selected(w, fams[f], PROTO_TCP))
			continue;
		req.family = fams[f];
		req.proto = PROTO_TCP;
		req.states = ST_ALL & ~ST_BIT(ST_TIME_WAIT);
		/* A failed lookup only costs owners. */
		(void)diag_collect(w->diag, &req, resolve_row, w, NULL);
	}
	if (w->tcp_rows > RESOLVE_MAX_ROWS)
		w->resolve_expensive = 1;
}

/*
 * Reads the owner map again.  On a host with many descriptors a build
 * takes long, so builds are kept at most a tenth of the time (map_cost).
 */
static void
map_rebuild(struct watch *w)
{
	const char *root = w->o.proc_root != NULL ? w->o.proc_root : "/proc";
	uint64_t t0 = util_mono_ms();

	procmap_free(w->map);
	/* Unreadable processes only cost their owners. */
	privs(w, 1);
	w->map = procmap_build(root, NULL);
	privs(w, 0);
	w->map_ms = util_mono_ms();
	w->map_cost = w->map_ms - t0;
}

/* Owners from the map by inode, rebuilding a stale map once a round. */
static void
fill_owners(struct watch *w)
{
	const struct sock_owner *ow;
	struct skowner *so;
	struct wev *x;
	size_t i, n;
	uint64_t now;
	int rebuilt = 0;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->dropped || x->ev.pid != 0 || x->ev.inode == 0)
			continue;
		ow = procmap_lookup(w->map, x->ev.inode, &n);
		now = util_mono_ms();
		if (n == 0 && !rebuilt && x->ev.kind != WATCH_EV_CLOSED &&
		    (w->map == NULL || now - w->map_ms >= MAP_MAX_AGE_MS) &&
		    (w->map == NULL || now - w->map_ms >= 10 * w->map_cost)) {
			map_rebuild(w);
			rebuilt = 1;
			ow = procmap_lookup(w->map, x->ev.inode, &n);
		}
		if (n == 0)
			continue;
		x->ev.pid = ow->pid;
		snprintf(x->ev.command, sizeof(x->ev.command), "%s",
		    ow->command != NULL ? ow->command : "");
		if (x->ev.method == WATCH_TRACE) {
			so = owner_slot(w, x->skaddr);
			so->skaddr = x->skaddr;
			so->pid = x->ev.pid;
			memcpy(so->comm, x->ev.command, sizeof(so->comm));
		}
	}
	/* A closed socket's address may be reused by the next one. */
	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method == WATCH_TRACE && x->freed) {
			so = owner_slot(w, x->skaddr);
			if (so->skaddr == x->skaddr)
				so->skaddr = 0;
		}
	}
}

/*
 * Hands out the round's events in time order, but for those younger than
 * cutoff_ns (wall clock): a sample of another CPU may still be on its
 * way, so they wait at the front of the vector for the next round.
 */
static int
deliver(struct watch *w, uint64_t cutoff_ns, watch_cb cb, void *arg)
{
	struct wev *x;
	size_t i, held = 0;
	int rc = 0;

	if (w->nevs > 1)
		qsort(w->evs, w->nevs, sizeof(*w->evs), wev_cmp);
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

/* Puts the pending owners into the round, to be looked for with it. */
static int
pend_probe(struct watch *w)
{
	struct wev *x;
	size_t i;

	for (i = 0; i < w->npend; i++) {
		if ((x = ev_push(w)) == NULL)
			return -1;
		*x = w->pend[i];
		x->seq = w->seq++;
		x->probe = 1;
	}
	w->npend = 0;
	return 0;
}

/*
 * After a round: probes still without an owner stay pending (for a
 * while), as do events of live traced sockets that found none; a
 * socket freed leaves the list.
 */
static void
pend_update(struct watch *w)
{
	struct wev *x;
	size_t i, k;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method != WATCH_TRACE || x->dropped)
			continue;
		for (k = 0; k < w->npend; k++)
			if (w->pend[k].skaddr == x->skaddr)
				break;
		if (x->freed || x->ev.pid != 0 || x->ev.newstate == ST_CLOSE ||
		    x->ev.newstate == ST_TIME_WAIT ||
		    (x->probe && ++x->tries >= PENDING_TRIES)) {
			if (k < w->npend)
				w->pend[k] = w->pend[--w->npend];
			continue;
		}
		if (k == w->npend && w->npend < PENDING_MAX) {
			w->pend[w->npend] = *x;
			w->pend[w->npend].probe = 0;
			w->npend++;
		} else if (k < w->npend)
			w->pend[k].tries = x->tries;
	}
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
	    watch_diff_len(w->diff) <= BASELINE_MAP_MAX)
		map_rebuild(w);
	w->next_snap = util_mono_ms() + w->o.interval_ms;
	return 0;
}

int
watch_step(struct watch *w, int max_wait_ms, watch_cb cb, void *arg)
{
	uint64_t now, cutoff = UINT64_MAX;
	size_t before;
	int wait;

	if (watch_begin(w) == -1)
		return -1;
	w->tw_open = 0;
	now = util_mono_ms();
	wait = w->next_snap > now ? (int)(w->next_snap - now) : 0;
	if (max_wait_ms >= 0 && max_wait_ms < wait)
		wait = max_wait_ms;
	if (w->method == WATCH_TRACE) {
		/* Held events are due soon. */
		if (w->nevs > 0 && wait > HOLD_MS)
			wait = HOLD_MS;
		if (trace_wait(w->trace, wait) == -1)
			return -1;
		before = w->nevs;
		if (trace_read(w->trace, trace_sample_take, w, &w->lost) == -1)
			return -1;
		if (w->nevs > before) {
			/*
			 * A SYN_SENT without its port waits a moment for the
			 * next event of its socket, which names the port.
			 */
			if (w->nevs > 1)
				qsort(w->evs, w->nevs, sizeof(*w->evs),
				    wev_cmp);
			if (fill_ports(w) && trace_wait(w->trace,
			    SYN_SENT_WAIT_MS) == 1) {
				if (trace_read(w->trace, trace_sample_take, w,
				    &w->lost) == -1)
					return -1;
				if (w->nevs > 1)
					qsort(w->evs, w->nevs,
					    sizeof(*w->evs), wev_cmp);
				fill_ports(w);
			}
		}
		ns_settle(w);
		cutoff = (util_now_ms() - HOLD_MS) * 1000000;
	} else if (watch_destroy_wait(w->destroy, wait, w->diff) == -1)
		return -1;
	now = util_mono_ms();
	if (w->tw_open || now >= w->next_snap) {
		if (snapshot(w) == -1)
			return -1;
		if (now >= w->next_snap) {
			w->next_snap = now + w->o.interval_ms;
			if (w->method == WATCH_TRACE && pend_probe(w) == -1)
				return -1;
		}
	}
	if (w->method == WATCH_TRACE)
		match_time_wait(w);
	resolve_inodes(w);
	fill_owners(w);
	if (w->method == WATCH_TRACE)
		pend_update(w);
	return deliver(w, cutoff, cb, arg);
}

int
watch_flush(struct watch *w, watch_cb cb, void *arg)
{
	return deliver(w, UINT64_MAX, cb, arg);
}
