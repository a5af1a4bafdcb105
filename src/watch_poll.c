/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_poll.c - the poll method's core: consecutive sock_diag snapshots
 * diffed by socket cookie.
 *
 * Two generations of one table: the snapshot being read and the last
 * one.  Each is a dense array of compact entries plus an open-addressing
 * index (linear probing) of entry numbers keyed by cookie, sized to at
 * least twice the entries.  A row costs one lookup in each generation;
 * at the end, entries of the last generation that no row marked are the
 * closed sockets.  The generations then swap, and the next snapshot
 * reuses the old one's memory, so a steady run allocates nothing.
 *
 * The destroy groups of sock_diag complete the snapshots: the kernel
 * multicasts each socket's last inet_diag_msg as it frees it, so a close
 * is known at once, and a socket born and gone between two snapshots is
 * still seen going.
 */
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <errno.h>
#include <libmnl/libmnl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"
#include "watch.h"

#define DESTROY_BUFSIZE	(64 * 1024)

#define RECENT_MAX	512	/* closes remembered against late destroys */
#define WE_SEEN		0x1	/* the snapshot being read has it too */
#define WE_GONE		0x2	/* a destroy message named it */

/* One socket of a snapshot: what an event needs, nothing more. */
struct wentry {
	uint64_t	 cookie;
	uint64_t	 inode;
	uint64_t	 gone_ms;	/* WE_GONE: when the kernel destroyed it */
	union sock_addr	 laddr;
	union sock_addr	 raddr;
	uint16_t	 lport;
	uint16_t	 rport;
	uint8_t		 family;
	uint8_t		 proto;
	uint8_t		 state;
	uint8_t		 flags;		/* WE_* */
};

struct wgen {
	struct wentry	*e;
	size_t		 n, cap;
	uint32_t	*idx;		/* entry number + 1; 0: empty slot */
	size_t		 icap;		/* a power of two, or 0 */
};

struct watch_diff {
	struct wgen	 gen[2];
	int		 cur;		/* gen[cur] is being read */
	int		 primed;	/* a baseline exists */
	uint64_t	 now_ms;
	/* Destroyed sockets the last snapshot did not have. */
	struct wentry	*orphans;
	size_t		 norphans, caporphans;
	/*
	 * Cookies lately reported closed because a snapshot lacked them:
	 * the kernel frees a socket some time after it leaves the tables,
	 * and its destroy message must not report it a second time.
	 */
	uint64_t	 recent[RECENT_MAX];
	size_t		 nrecent;	/* next slot, round robin */
};

/* Cookies are mostly sequential: a multiplicative mix spreads them. */
static size_t
slot_of(uint64_t cookie, size_t icap)
{
	return (size_t)((cookie * 0x9E3779B97F4A7C15ULL) >> 32) & (icap - 1);
}

static long
gen_lookup(const struct wgen *g, uint64_t cookie)
{
	size_t h;
	uint32_t i;

	if (g->icap == 0)
		return -1;
	for (h = slot_of(cookie, g->icap); (i = g->idx[h]) != 0;
	    h = (h + 1) & (g->icap - 1))
		if (g->e[i - 1].cookie == cookie)
			return (long)i - 1;
	return -1;
}

static void
index_put(struct wgen *g, size_t i)
{
	size_t h;

	for (h = slot_of(g->e[i].cookie, g->icap); g->idx[h] != 0;
	    h = (h + 1) & (g->icap - 1))
		;
	g->idx[h] = (uint32_t)i + 1;
}

/* Makes room for one more entry, the index kept at most half full. */
static int
gen_reserve(struct wgen *g)
{
	struct wentry *e;
	uint32_t *idx;
	size_t cap, icap, i;

	if (g->n == g->cap) {
		cap = g->cap ? g->cap * 2 : 1024;
		if (cap > UINT32_MAX - 1 ||
		    (e = realloc(g->e, cap * sizeof(*e))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		g->e = e;
		g->cap = cap;
	}
	if (2 * (g->n + 1) > g->icap) {
		icap = g->icap ? g->icap * 2 : 2048;
		if ((idx = calloc(icap, sizeof(*idx))) == NULL)
			return -1;
		free(g->idx);
		g->idx = idx;
		g->icap = icap;
		for (i = 0; i < g->n; i++)
			index_put(g, i);
	}
	return 0;
}

int
watch_same_tuple(const struct watch_event *a, const struct watch_event *b)
{
	size_t len = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->proto == b->proto &&
	    a->lport == b->lport && a->rport == b->rport &&
	    memcmp(&a->laddr, &b->laddr, len) == 0 &&
	    memcmp(&a->raddr, &b->raddr, len) == 0;
}

static void
entry_from_row(struct wentry *e, const struct sock_row *r)
{
	e->cookie = r->cookie;
	e->inode = r->inode;
	e->gone_ms = 0;
	e->laddr = r->laddr;
	e->raddr = r->raddr;
	e->lport = r->lport;
	e->rport = r->rport;
	e->family = r->family;
	e->proto = r->proto;
	e->state = r->state;
	e->flags = 0;
}

/* The event fields an entry knows: the socket, its cookie and inode. */
static void
event_of(const struct wentry *e, struct watch_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->method = WATCH_POLL;
	ev->family = e->family;
	ev->proto = e->proto;
	ev->lport = e->lport;
	ev->rport = e->rport;
	ev->laddr = e->laddr;
	ev->raddr = e->raddr;
	ev->cookie = e->cookie;
	ev->inode = e->inode;
}

static int
report(const struct watch_diff *d, const struct wentry *e, int kind,
    unsigned oldstate, unsigned newstate, uint64_t time_ms, watch_cb cb,
    void *arg)
{
	struct watch_event ev;

	event_of(e, &ev);
	ev.time_ms = time_ms ? time_ms : d->now_ms;
	ev.kind = (uint8_t)kind;
	ev.oldstate = (uint8_t)oldstate;
	ev.newstate = (uint8_t)newstate;
	return cb(&ev, arg);
}

struct watch_diff *
watch_diff_new(void)
{
	return calloc(1, sizeof(struct watch_diff));
}

void
watch_diff_free(struct watch_diff *d)
{
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < 2; i++) {
		free(d->gen[i].e);
		free(d->gen[i].idx);
	}
	free(d->orphans);
	free(d);
}

size_t
watch_diff_len(const struct watch_diff *d)
{
	return d->gen[!d->cur].n;
}

void
watch_diff_begin(struct watch_diff *d, uint64_t now_ms)
{
	struct wgen *g = &d->gen[d->cur];

	d->now_ms = now_ms;
	g->n = 0;
	if (g->icap > 0)
		memset(g->idx, 0, g->icap * sizeof(*g->idx));
}

int
watch_diff_row(struct watch_diff *d, const struct sock_row *r, watch_cb cb,
    void *arg)
{
	struct wgen *g = &d->gen[d->cur], *last = &d->gen[!d->cur];
	struct watch_event a, b;
	struct wentry *e, *le;
	long i;
	size_t k;

	if (!(r->has & ROW_HAS_COOKIE))
		return 0;
	/* A dump that raced with the table may repeat a socket. */
	if ((i = gen_lookup(g, r->cookie)) >= 0) {
		g->e[i].state = r->state;
		return 0;
	}
	if (gen_reserve(g) == -1)
		return -1;
	e = &g->e[g->n];
	entry_from_row(e, r);
	index_put(g, g->n++);
	if (!d->primed)
		return 0;

	if ((i = gen_lookup(last, r->cookie)) >= 0) {
		le = &last->e[i];
		le->flags |= WE_SEEN;
		if (e->inode == 0)
			e->inode = le->inode;	/* timewait sockets have none */
		if (le->state == r->state)
			return 0;
		return report(d, e, WATCH_EV_STATE, le->state, r->state,
		    (le->flags & WE_GONE) ? le->gone_ms : 0, cb, arg);
	}
	/*
	 * Destroyed unseen, and back as a timewait socket: just new.  The
	 * cookie of a socket nobody asked for is made when first asked, so
	 * the timewait socket may have another one: the 4-tuple decides.
	 */
	event_of(e, &b);
	for (k = 0; k < d->norphans; k++) {
		event_of(&d->orphans[k], &a);
		if (d->orphans[k].cookie == r->cookie ||
		    watch_same_tuple(&a, &b))
			d->orphans[k].flags |= WE_SEEN;
	}
	return report(d, e, WATCH_EV_NEW, ST_UNKNOWN, r->state, 0, cb, arg);
}

int
watch_diff_end(struct watch_diff *d, watch_cb cb, void *arg)
{
	struct wgen *last = &d->gen[!d->cur];
	struct wentry *e;
	size_t i;
	int rc = 0;

	if (d->primed) {
		for (i = 0; i < last->n && rc != -1; i++) {
			e = &last->e[i];
			if (e->flags & WE_SEEN)
				continue;
			if (!(e->flags & WE_GONE))
				d->recent[d->nrecent++ % RECENT_MAX] = e->cookie;
			rc = report(d, e, WATCH_EV_CLOSED, e->state, ST_CLOSE,
			    (e->flags & WE_GONE) ? e->gone_ms : 0, cb, arg);
		}
		/*
		 * Sockets born and destroyed between two snapshots: their
		 * state before the close is not known.
		 */
		for (i = 0; i < d->norphans && rc != -1; i++) {
			e = &d->orphans[i];
			if (e->flags & WE_SEEN)
				continue;
			rc = report(d, e, WATCH_EV_CLOSED,
			    e->state == ST_CLOSE ? ST_UNKNOWN : e->state,
			    ST_CLOSE, e->gone_ms, cb, arg);
		}
	}
	d->norphans = 0;
	d->cur = !d->cur;
	d->primed = 1;
	return rc;
}

int
watch_diff_destroyed(struct watch_diff *d, const struct sock_row *r,
    uint64_t time_ms)
{
	struct wgen *last = &d->gen[!d->cur];
	struct wentry *o;
	size_t cap, k;
	long i;

	if (!d->primed || !(r->has & ROW_HAS_COOKIE))
		return 0;
	for (k = 0; k < RECENT_MAX && k < d->nrecent; k++)
		if (d->recent[k] == r->cookie)
			return 0;
	if ((i = gen_lookup(last, r->cookie)) >= 0) {
		if (!(last->e[i].flags & WE_GONE)) {
			last->e[i].flags |= WE_GONE;
			last->e[i].gone_ms = time_ms;
		}
		return 0;
	}
	if (d->norphans == d->caporphans) {
		cap = d->caporphans ? d->caporphans * 2 : 64;
		if ((o = realloc(d->orphans, cap * sizeof(*o))) == NULL)
			return -1;
		d->orphans = o;
		d->caporphans = cap;
	}
	o = &d->orphans[d->norphans++];
	entry_from_row(o, r);
	o->flags = 0;
	o->gone_ms = time_ms;
	return 0;
}

/* One socket for the TCP groups, one for UDP: messages do not say which. */
struct watch_destroy {
	struct mnl_socket	*nl[2];
	char			*buf;
};

void
watch_destroy_close(struct watch_destroy *wd)
{
	int i;

	if (wd == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (wd->nl[i] != NULL)
			mnl_socket_close(wd->nl[i]);
	free(wd->buf);
	free(wd);
}

struct watch_destroy *
watch_destroy_open(unsigned protos, unsigned families)
{
	struct watch_destroy *wd;
	unsigned groups[2] = { 0, 0 };
	int i, save_errno;

	if (families & FAM_INET4) {
		groups[0] |= 1U << (SKNLGRP_INET_TCP_DESTROY - 1);
		groups[1] |= 1U << (SKNLGRP_INET_UDP_DESTROY - 1);
	}
	if (families & FAM_INET6) {
		groups[0] |= 1U << (SKNLGRP_INET6_TCP_DESTROY - 1);
		groups[1] |= 1U << (SKNLGRP_INET6_UDP_DESTROY - 1);
	}
	if (!(protos & (1U << PROTO_TCP)))
		groups[0] = 0;
	if (!(protos & (1U << PROTO_UDP)))
		groups[1] = 0;
	if ((wd = calloc(1, sizeof(*wd))) == NULL)
		return NULL;
	if ((wd->buf = malloc(DESTROY_BUFSIZE)) == NULL)
		goto fail;
	for (i = 0; i < 2; i++) {
		if (groups[i] == 0)
			continue;
		wd->nl[i] = mnl_socket_open2(NETLINK_SOCK_DIAG,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		/* Joining a group is what needs CAP_NET_ADMIN: EPERM. */
		if (wd->nl[i] == NULL || mnl_socket_bind(wd->nl[i], groups[i],
		    MNL_SOCKET_AUTOPID) == -1)
			goto fail;
	}
	return wd;
fail:
	save_errno = errno;
	watch_destroy_close(wd);
	errno = save_errno;
	return NULL;
}

/* Reads every queued destroy message of socket i into d. */
static int
destroy_read(struct watch_destroy *wd, int i, struct watch_diff *d)
{
	const struct nlmsghdr *nlh;
	const struct inet_diag_msg *m;
	struct dump_req req;
	struct sock_row row;
	ssize_t n;
	int len;
	uint64_t now;

	for (;;) {
		n = recv(mnl_socket_get_fd(wd->nl[i]), wd->buf,
		    DESTROY_BUFSIZE, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n == -1 && errno == ENOBUFS)
			continue;	/* some lost: snapshots still see them */
		if (n <= 0)
			return -1;
		now = util_now_ms();
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)wd->buf;
		    mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*m))
				continue;
			m = mnl_nlmsg_get_payload(nlh);
			req.family = m->idiag_family;
			req.proto = i == 0 ? PROTO_TCP : PROTO_UDP;
			req.states = ST_ALL;
			memset(&row, 0, sizeof(row));
			if (diag_parse_msg(nlh, &req, &row) == -1)
				continue;
			if (watch_diff_destroyed(d, &row, now) == -1)
				return -1;
		}
	}
}

int
watch_destroy_wait(struct watch_destroy *wd, int ms, struct watch_diff *d)
{
	struct pollfd pfd[2];
	nfds_t n = 0;
	int i, idx[2];

	for (i = 0; wd != NULL && i < 2; i++) {
		if (wd->nl[i] == NULL)
			continue;
		pfd[n].fd = mnl_socket_get_fd(wd->nl[i]);
		pfd[n].events = POLLIN;
		idx[n++] = i;
	}
	if (poll(pfd, n, ms) == -1)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < (int)n; i++)
		if ((pfd[i].revents & POLLIN) &&
		    destroy_read(wd, idx[i], d) == -1)
			return -1;
	return 0;
}
