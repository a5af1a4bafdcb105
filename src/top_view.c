/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_view.c - the views of a top snapshot (top.h): the filter, the
 * groups and the order.  A view holds pointers into the model, so an
 * ungrouped view of 200k sockets costs one pointer each.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fexpr.h"
#include "top.h"

static const char *const key_names[TOP_NKEYS] = {
	[TOP_KEY_OWNER] = "owner",
	[TOP_KEY_LOCAL] = "local",
	[TOP_KEY_REMOTE] = "remote",
	[TOP_KEY_STATE] = "state",
	[TOP_KEY_SEND] = "send",
	[TOP_KEY_RECV] = "recv",
	[TOP_KEY_RTT] = "rtt",
	[TOP_KEY_CWND] = "cwnd",
	[TOP_KEY_RETRANS] = "retrans",
	[TOP_KEY_RECVQ] = "recvq",
	[TOP_KEY_SENDQ] = "sendq",
};

static const char *const group_names[TOP_NGROUPS] = {
	[TOP_GROUP_NONE] = "none",
	[TOP_GROUP_PROCESS] = "process",
	[TOP_GROUP_RHOST] = "remote",
	[TOP_GROUP_LPORT] = "lport",
};

const char *
top_key_name(enum top_key k)
{
	return (unsigned)k < TOP_NKEYS ? key_names[k] : "?";
}

int
top_key_parse(const char *s, enum top_key *k)
{
	for (unsigned i = 0; i < TOP_NKEYS; i++)
		if (strcmp(s, key_names[i]) == 0) {
			*k = i;
			return 0;
		}
	errno = EINVAL;
	return -1;
}

const char *
top_group_name(enum top_group g)
{
	return (unsigned)g < TOP_NGROUPS ? group_names[g] : "?";
}

int
top_group_parse(const char *s, enum top_group *g)
{
	for (unsigned i = 0; i < TOP_NGROUPS; i++)
		if (strcmp(s, group_names[i]) == 0) {
			*g = i;
			return 0;
		}
	errno = EINVAL;
	return -1;
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_addr(int fa, const union sock_addr *a, int fb, const union sock_addr *b)
{
	if (fa != fb)
		return fa < fb ? -1 : 1;
	return memcmp(a, b, fa == AF_INET6 ? sizeof(a->v6) : sizeof(a->v4));
}

/* Ascending order of a and b by key alone (0: equal there). */
static int
cmp_key(const struct top_sock *a, const struct top_sock *b, enum top_key k)
{
	int c;

	switch (k) {
	case TOP_KEY_OWNER:
		if ((c = strcmp(a->comm, b->comm)) != 0)
			return c;
		return cmp_u64((uint32_t)a->pid, (uint32_t)b->pid);
	case TOP_KEY_LOCAL:
		if ((c = cmp_addr(a->row.family, &a->row.laddr,
		    b->row.family, &b->row.laddr)) != 0)
			return c;
		return cmp_u64(a->row.lport, b->row.lport);
	case TOP_KEY_REMOTE:
		if ((c = cmp_addr(a->row.family, &a->row.raddr,
		    b->row.family, &b->row.raddr)) != 0)
			return c;
		return cmp_u64(a->row.rport, b->row.rport);
	case TOP_KEY_STATE:
		return cmp_u64(a->row.state, b->row.state);
	case TOP_KEY_SEND:
		return cmp_u64(a->send_Bps, b->send_Bps);
	case TOP_KEY_RECV:
		return cmp_u64(a->recv_Bps, b->recv_Bps);
	case TOP_KEY_RTT:
		return cmp_u64(a->rtt_us, b->rtt_us);
	case TOP_KEY_CWND:
		return cmp_u64(a->cwnd, b->cwnd);
	case TOP_KEY_RETRANS:
		return cmp_u64(a->retrans, b->retrans);
	case TOP_KEY_RECVQ:
		return cmp_u64(a->row.rqueue, b->row.rqueue);
	case TOP_KEY_SENDQ:
		return cmp_u64(a->row.wqueue, b->row.wqueue);
	case TOP_NKEYS:
		break;
	}
	return 0;
}

static int
cmp_line(const void *pa, const void *pb, void *arg)
{
	const struct top_sock *a = *(const struct top_sock *const *)pa;
	const struct top_sock *b = *(const struct top_sock *const *)pb;
	const struct top_view_opts *vo = arg;
	int c;

	c = cmp_key(a, b, vo->key);
	if (vo->descending)
		c = -c;
	/* Ties in a stable order, so that a still screen does not shuffle. */
	if (c == 0)
		c = cmp_u64(a->key, b->key);
	if (c == 0)
		c = cmp_key(a, b, TOP_KEY_LOCAL);
	if (c == 0)
		c = cmp_key(a, b, TOP_KEY_REMOTE);
	return c;
}

/* The order in which grouping folds sockets: by the group's key. */
static int
cmp_group(const void *pa, const void *pb, void *arg)
{
	const struct top_sock *a = *(const struct top_sock *const *)pa;
	const struct top_sock *b = *(const struct top_sock *const *)pb;
	enum top_group g = *(enum top_group *)arg;

	switch (g) {
	case TOP_GROUP_PROCESS:
		return cmp_u64((uint32_t)a->pid, (uint32_t)b->pid);
	case TOP_GROUP_RHOST:
		return cmp_addr(a->row.family, &a->row.raddr, b->row.family,
		    &b->row.raddr);
	case TOP_GROUP_LPORT: {
		int c = cmp_u64(a->row.proto, b->row.proto);

		return c != 0 ? c : cmp_u64(a->row.lport, b->row.lport);
	}
	default:
		return 0;
	}
}

/* Whether s passes the view's filter. */
static int
selected(const struct top_sock *s, const struct top_view_opts *vo)
{
	const struct fexpr *fx = vo->filter;
	struct sock_owner ow;
	struct sock_row r;

	if (fx == NULL)
		return 1;
	if (fx->has_states && !(fx->states & ST_BIT(s->row.state)))
		return 0;
	if (fx->root < 0)
		return 1;
	r = s->row;
	/* The model keeps the first holder only: enough for proc and pid
	   when it is the only one. */
	if (s->nowners > 0) {
		memset(&ow, 0, sizeof(ow));
		ow.pid = s->pid;
		ow.uid = s->row.uid;
		ow.fd = -1;
		ow.mode = 'u';
		ow.command = s->comm;
		r.owners = &ow;
		r.nowners = 1;
	}
	return fexpr_eval(fx, &r, vo->owners_known && s->nowners <= 1) ==
	    FX_YES;
}

static int
grow_lines(struct top_view *v, size_t n)
{
	const struct top_sock **p;

	if (n <= v->cap)
		return 0;
	if ((p = reallocarray(v->lines, n, sizeof(*p))) == NULL)
		return -1;
	v->lines = p;
	v->cap = n;
	return 0;
}

/* Starts group g with socket s as its first member. */
static void
group_start(struct top_sock *g, const struct top_sock *s, enum top_group by)
{
	memset(g, 0, sizeof(*g));
	g->row.proto = s->row.proto;
	g->row.family = s->row.family;
	g->row.state = ST_UNKNOWN;
	g->has_rate = s->has_rate;
	switch (by) {
	case TOP_GROUP_PROCESS:
		g->pid = s->pid;
		g->nowners = s->nowners;
		memcpy(g->comm, s->comm, sizeof(g->comm));
		g->ctr_rt = s->ctr_rt;
		memcpy(g->ctr_id, s->ctr_id, sizeof(g->ctr_id));
		break;
	case TOP_GROUP_RHOST:
		g->row.raddr = s->row.raddr;
		break;
	case TOP_GROUP_LPORT:
		g->row.lport = s->row.lport;
		break;
	default:
		break;
	}
}

static void
group_add(struct top_sock *g, const struct top_sock *s)
{
	g->nsocks++;
	g->send_Bps += s->send_Bps;
	g->recv_Bps += s->recv_Bps;
	g->retrans += s->retrans;
	g->row.rqueue += s->row.rqueue;
	g->row.wqueue += s->row.wqueue;
	g->has_info |= s->has_info;
	g->has_rate |= s->has_rate;
	/* Keys for a stable order among equal groups. */
	if (g->key == 0 || (s->key != 0 && s->key < g->key))
		g->key = s->key;
}

/* Folds the selected lines (sorted by group key) into groups. */
static int
fold(struct top_view *v, enum top_group by)
{
	struct top_sock *p;
	size_t i, ng = 0;

	qsort_r(v->lines, v->n, sizeof(*v->lines), cmp_group, &by);
	for (i = 0; i < v->n; i++) {
		if (i == 0 || cmp_group(&v->lines[i - 1], &v->lines[i],
		    &by) != 0) {
			if (ng == v->capgroups) {
				size_t cap = ng ? ng * 2 : 64;

				if ((p = reallocarray(v->groups, cap,
				    sizeof(*p))) == NULL)
					return -1;
				v->groups = p;
				v->capgroups = cap;
			}
			group_start(&v->groups[ng++], v->lines[i], by);
		}
		group_add(&v->groups[ng - 1], v->lines[i]);
	}
	v->ngroups = ng;
	for (i = 0; i < ng; i++)
		v->lines[i] = &v->groups[i];
	v->n = ng;
	return 0;
}

int
top_view_build(const struct top *t, const struct top_view_opts *vo,
    struct top_view *v)
{
	size_t i, n = top_len(t);

	v->n = 0;
	v->ngroups = 0;
	if (grow_lines(v, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (selected(top_get(t, i), vo))
			v->lines[v->n++] = top_get(t, i);
	/* Closed sockets have no rates: they do not weigh in a group. */
	if (vo->group != TOP_GROUP_NONE) {
		size_t j = 0;

		for (i = 0; i < v->n; i++)
			if (v->lines[i]->mark != TOP_MARK_CLOSED)
				v->lines[j++] = v->lines[i];
		v->n = j;
		if (fold(v, vo->group) == -1)
			return -1;
	}
	qsort_r(v->lines, v->n, sizeof(*v->lines), cmp_line, (void *)vo);
	return 0;
}

void
top_view_free(struct top_view *v)
{
	free(v->lines);
	free(v->groups);
	memset(v, 0, sizeof(*v));
}
