/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top.c - the snapshots of sockstat top and the rates between two of
 * them (top.h).  Two arrays, the current and the previous snapshot, are
 * swapped at each end and reused: in the steady state no memory is
 * allocated.  The previous one is found by key through an open-
 * addressing table of indexes, rebuilt once per snapshot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"

#include "tcpinfo.h"
#include "top.h"

struct snap {
	struct top_sock	*s;
	size_t		 n, cap;
	uint64_t	 ms;		/* taken at (monotonic) */
	int		 valid;		/* ended */
};

struct top {
	struct snap	 cur, prev;
	uint32_t	*slots;		/* index + 1 into prev.s; 0: empty */
	size_t		 nslots;	/* a power of two */
	struct top_totals tot;
	int		 open;		/* between begin and end */
};

struct top *
top_new(void)
{
	return calloc(1, sizeof(struct top));
}

void
top_free(struct top *t)
{
	if (t == NULL)
		return;
	free(t->cur.s);
	free(t->prev.s);
	free(t->slots);
	free(t);
}

int
top_begin(struct top *t, uint64_t now_ms)
{
	if (t->cur.valid && now_ms <= t->cur.ms) {
		errno = EINVAL;
		return -1;
	}
	/* The last ended snapshot becomes the previous one. */
	if (t->cur.valid) {
		struct snap tmp = t->prev;

		t->prev = t->cur;
		t->cur = tmp;
	}
	t->cur.n = 0;
	t->cur.ms = now_ms;
	t->cur.valid = 0;
	t->open = 1;
	return 0;
}

/* Room for one more socket in sn; NULL with errno ENOMEM. */
static struct top_sock *
snap_push(struct snap *sn)
{
	struct top_sock *p;
	size_t cap;

	if (sn->n == sn->cap) {
		cap = sn->cap ? sn->cap * 2 : 256;
		if ((p = reallocarray(sn->s, cap, sizeof(*p))) == NULL)
			return NULL;
		sn->s = p;
		sn->cap = cap;
	}
	p = &sn->s[sn->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The identity of r across snapshots (top_sock.key). */
static uint64_t
row_key(const struct sock_row *r)
{
	if (r->has & ROW_HAS_COOKIE)
		return r->cookie & ~(1ULL << 63);
	if (r->inode != 0)
		return r->inode | (1ULL << 63);
	return 0;
}

/* The kernel's byte and retransmission counters of r, if it sent them. */
static void
take_info(struct top_sock *s, const struct sock_ext *x)
{
	if (x == NULL || !TCPINFO_HAS(x, tcpi_total_retrans))
		return;
	s->has_info = 1;
	s->total_retrans = x->info.tcpi_total_retrans;
	s->rtt_us = x->info.tcpi_rtt;
	s->cwnd = x->info.tcpi_snd_cwnd;
	/* bytes_acked is what reached the peer; bytes_sent (4.19+) also
	   counts retransmitted bytes, so it is only the fallback. */
	if (TCPINFO_HAS(x, tcpi_bytes_acked))
		s->sent = x->info.tcpi_bytes_acked;
	if (TCPINFO_HAS(x, tcpi_bytes_received))
		s->rcvd = x->info.tcpi_bytes_received;
}

/* The holder's container, when its cgroup names one (not a unit). */
static void
take_container(struct top_sock *s, const struct sock_owner *ow)
{
	struct container c;

	s->ctr_rt = NULL;
	s->ctr_id[0] = '\0';
	if (ow->cgroup == NULL ||
	    container_parse(ow->cgroup, strlen(ow->cgroup), &c) == 0 ||
	    (c.runtime != NULL && strcmp(c.runtime, "systemd") == 0))
		return;
	if (c.runtime != NULL) {
		s->ctr_rt = c.runtime;
		container_short_id(&c, s->ctr_id, sizeof(s->ctr_id));
	} else {
		s->ctr_rt = "pod";
		memcpy(s->ctr_id, c.pod, sizeof(s->ctr_id) - 1);
		s->ctr_id[sizeof(s->ctr_id) - 1] = '\0';
	}
}

int
top_add(struct top *t, const struct sock_row *r)
{
	struct top_sock *s;

	if ((s = snap_push(&t->cur)) == NULL)
		return -1;
	s->row = *r;
	s->row.path = NULL;
	s->row.path_len = 0;
	s->row.owners = NULL;
	s->row.ext = NULL;
	s->key = row_key(r);
	s->nsocks = 1;
	take_info(s, r->ext);
	if (r->nowners > 0 && r->owners != NULL) {
		s->pid = r->owners[0].pid;
		s->nowners = r->nowners;
		if (r->owners[0].command != NULL)
			strncpy(s->comm, r->owners[0].command,
			    sizeof(s->comm) - 1);
		take_container(s, &r->owners[0]);
	}
	return 0;
}

int
top_collect(const struct sock_row *r, void *arg)
{
	return top_add(arg, r);
}

static size_t
slot_of(uint64_t key, size_t nslots)
{
	/* Fibonacci hashing: cookies are sequential, so spread them. */
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (nslots - 1);
}

/* Indexes the previous snapshot's live sockets by key. */
static int
index_prev(struct top *t)
{
	size_t want = 64, i, j;
	uint32_t *p;

	while (want < t->prev.n * 2)
		want *= 2;
	if (want > t->nslots) {
		if ((p = reallocarray(t->slots, want, sizeof(*p))) == NULL)
			return -1;
		t->slots = p;
		t->nslots = want;
	}
	memset(t->slots, 0, t->nslots * sizeof(*t->slots));
	for (i = 0; i < t->prev.n; i++) {
		const struct top_sock *s = &t->prev.s[i];

		if (s->key == 0 || s->mark == TOP_MARK_CLOSED)
			continue;
		for (j = slot_of(s->key, t->nslots); t->slots[j] != 0;
		    j = (j + 1) & (t->nslots - 1))
			;
		t->slots[j] = (uint32_t)i + 1;
	}
	return 0;
}

/* The previous snapshot's socket with key, or NULL. */
static struct top_sock *
find_prev(struct top *t, uint64_t key)
{
	size_t j;
	struct top_sock *s;

	if (key == 0)
		return NULL;
	for (j = slot_of(key, t->nslots); t->slots[j] != 0;
	    j = (j + 1) & (t->nslots - 1)) {
		s = &t->prev.s[t->slots[j] - 1];
		if (s->key == key)
			return s;
	}
	return NULL;
}

/* Per second over ms, of a counter that went from old to now. */
static uint64_t
rate(uint64_t old, uint64_t now, uint64_t ms)
{
	if (now <= old || ms == 0)
		return 0;
	return ((now - old) * 1000 + ms / 2) / ms;
}

/* The interval's fields of s, against p (NULL: opened in it). */
static void
diff_one(struct top_sock *s, const struct top_sock *p, uint64_t ms)
{
	uint64_t sent0 = 0, rcvd0 = 0;
	uint32_t retr0 = 0;

	if (p != NULL && p->has_info) {
		sent0 = p->sent;
		rcvd0 = p->rcvd;
		retr0 = p->total_retrans;
	}
	s->has_rate = 1;
	if (!s->has_info)
		return;
	s->send_Bps = rate(sent0, s->sent, ms);
	s->recv_Bps = rate(rcvd0, s->rcvd, ms);
	s->retrans = s->total_retrans > retr0 ? s->total_retrans - retr0 : 0;
}

static void
count(struct top_totals *tot, const struct top_sock *s)
{
	if (s->row.proto < PROTO_COUNT && s->mark != TOP_MARK_CLOSED)
		tot->protos[s->row.proto]++;
	if (s->mark != TOP_MARK_CLOSED && s->row.inode != 0 &&
	    s->nowners == 0)
		tot->unowned++;
	if (s->row.proto != PROTO_TCP)
		return;
	if (s->mark == TOP_MARK_CLOSED) {
		tot->closed++;
		return;
	}
	if (s->row.state < ST_MAX)
		tot->tcp_states[s->row.state]++;
	if (s->mark == TOP_MARK_NEW && s->row.state != ST_LISTEN)
		tot->opened++;
	tot->send_Bps += s->send_Bps;
	tot->recv_Bps += s->recv_Bps;
}

/* Appends the previous snapshot's sockets that are gone, marked closed. */
static int
carry_closed(struct top *t, const uint8_t *seen)
{
	struct top_sock *s;
	size_t i, n = t->prev.n;

	for (i = 0; i < n; i++) {
		const struct top_sock *p = &t->prev.s[i];

		if (seen[i] || p->key == 0 || p->mark == TOP_MARK_CLOSED)
			continue;
		if ((s = snap_push(&t->cur)) == NULL)
			return -1;
		*s = *p;
		s->mark = TOP_MARK_CLOSED;
		s->has_rate = 0;
		s->send_Bps = s->recv_Bps = 0;
		s->retrans = 0;
	}
	return 0;
}

int
top_end(struct top *t)
{
	struct top_totals *tot = &t->tot;
	uint8_t *seen = NULL;
	uint64_t ms = 0;
	size_t i, live = t->cur.n;

	t->open = 0;
	if (t->prev.valid) {
		ms = t->cur.ms - t->prev.ms;
		if (index_prev(t) == -1 ||
		    (seen = calloc(t->prev.n + 1, 1)) == NULL)
			goto fail;
	}
	for (i = 0; i < live && t->prev.valid; i++) {
		struct top_sock *s = &t->cur.s[i], *p;

		p = find_prev(t, s->key);
		if (p != NULL) {
			seen[p - t->prev.s] = 1;
			if (s->nowners == 0 && p->nowners != 0) {
				s->pid = p->pid;
				s->nowners = p->nowners;
				memcpy(s->comm, p->comm, sizeof(s->comm));
				s->ctr_rt = p->ctr_rt;
				memcpy(s->ctr_id, p->ctr_id,
				    sizeof(s->ctr_id));
			}
		}
		else if (s->key != 0)
			s->mark = TOP_MARK_NEW;
		if (p != NULL || s->key != 0)
			diff_one(s, p, ms);
	}
	if (t->prev.valid && carry_closed(t, seen) == -1)
		goto fail;
	free(seen);
	memset(tot, 0, sizeof(*tot));
	tot->interval_ms = ms;
	for (i = 0; i < t->cur.n; i++)
		count(tot, &t->cur.s[i]);
	if (ms > 0) {
		tot->opened_mps = (uint64_t)tot->opened * 1000000 / ms;
		tot->closed_mps = (uint64_t)tot->closed * 1000000 / ms;
	}
	t->cur.valid = 1;
	return 0;
fail:
	free(seen);
	/* Keep the previous snapshot as the last one. */
	{
		struct snap tmp = t->cur;

		t->cur = t->prev;
		t->prev = tmp;
		t->prev.valid = 0;
	}
	errno = ENOMEM;
	return -1;
}

size_t
top_unowned_new(const struct top *t)
{
	size_t i, n = 0;

	for (i = 0; i < top_len(t); i++) {
		const struct top_sock *s = &t->cur.s[i];

		if (s->row.inode != 0 && s->nowners == 0 &&
		    s->mark != TOP_MARK_CLOSED &&
		    (s->mark == TOP_MARK_NEW || !t->prev.valid))
			n++;
	}
	return n;
}

void
top_fill_owners(struct top *t, top_owner_fn lookup, void *arg)
{
	const struct sock_owner *ow;
	size_t i, n;

	t->tot.unowned = 0;
	for (i = 0; i < top_len(t); i++) {
		struct top_sock *s = &t->cur.s[i];

		if (s->mark == TOP_MARK_CLOSED || s->row.inode == 0)
			continue;
		ow = lookup(s->row.inode, &n, arg);
		s->pid = n > 0 ? ow[0].pid : 0;
		s->nowners = n;
		memset(s->comm, 0, sizeof(s->comm));
		s->ctr_rt = NULL;
		if (n > 0 && ow[0].command != NULL)
			strncpy(s->comm, ow[0].command, sizeof(s->comm) - 1);
		if (n > 0)
			take_container(s, &ow[0]);
		if (n == 0)
			t->tot.unowned++;
	}
}

size_t
top_len(const struct top *t)
{
	return t->cur.valid ? t->cur.n : 0;
}

const struct top_sock *
top_get(const struct top *t, size_t i)
{
	return &t->cur.s[i];
}

const struct top_totals *
top_totals(const struct top *t)
{
	return &t->tot;
}
