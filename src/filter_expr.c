/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter_expr.c - the netstat flags narrowed by a filter expression, as a
 * selection (select.h).  The flags choose protocols and families; a
 * state or exclude clause replaces their server rule (-l, -a), as in ss;
 * the expression decides the rest.  The kernel has already run the
 * expression's bytecode on Internet dumps, but every row is checked
 * again here: the kernel's verdict is only a pre-filter.
 */
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "fexpr.h"
#include "filter.h"
#include "watch.h"

struct expr_sel {
	struct selection	 base;
	const struct options	*o;
	const struct fexpr	*fx;
};

/* Whether the flags take proto in family at all. */
static int
flags_take(const struct options *o, int family, unsigned proto)
{
	if (!(o->protos & (1U << proto)))
		return 0;
	return !((family == AF_INET && !(o->families & FAM_INET4)) ||
	    (family == AF_INET6 && !(o->families & FAM_INET6)));
}

static uint32_t
expr_sel_states(const struct selection *s, int family, enum sock_proto proto)
{
	const struct expr_sel *e = (const struct expr_sel *)s;

	if (!flags_take(e->o, family, proto))
		return 0;
	return e->fx->has_states ? e->fx->states : filter_states(e->o, proto);
}

static int
expr_sel_match(const struct selection *s, const struct sock_row *r)
{
	const struct expr_sel *e = (const struct expr_sel *)s;
	int v;

	if (e->fx->has_states) {
		if (!flags_take(e->o, r->family, r->proto) ||
		    !(e->fx->states & ST_BIT(r->state)))
			return SELECT_NO;
	} else if (!filter_match(e->o, r))
		return SELECT_NO;
	v = fexpr_eval(e->fx, r, 0);
	if (v == FX_NO)
		return SELECT_NO;
	/* Unknown for want of holders: owners() decides with them. */
	if (v == FX_UNKNOWN && (e->fx->needs & FX_NEEDS_OWNERS))
		return SELECT_BY_OWNER;
	/* Else unknown only by what the kernel's bytecode decided. */
	return SELECT_ROW;
}

static int
expr_sel_owners(struct selection *s, int m, struct sock_row *r)
{
	const struct expr_sel *e = (const struct expr_sel *)s;

	if (m == SELECT_ROW)
		return 1;
	return fexpr_eval(e->fx, r, 1) != FX_NO;
}

static void
expr_sel_free(struct selection *s)
{
	free(s);
}

static const struct selection_ops expr_sel_ops = {
	expr_sel_states,
	expr_sel_match,
	expr_sel_owners,
	expr_sel_free,
};

int
filter_expr_event(const struct fexpr *fx, const struct watch_event *ev)
{
	struct sock_owner ow;
	struct sock_row r;

	if (fx->has_states && !(fx->states & ST_BIT(ev->newstate)))
		return 0;
	memset(&r, 0, sizeof(r));
	r.family = ev->family;
	r.proto = ev->proto;
	r.state = ev->newstate;
	r.lport = ev->lport;
	r.rport = ev->rport;
	r.laddr = ev->laddr;
	r.raddr = ev->raddr;
	r.inode = ev->inode;
	r.netns = ev->netns;
	memset(&ow, 0, sizeof(ow));
	ow.pid = ev->pid;
	ow.command = ev->command;
	r.owners = &ow;
	r.nowners = ev->pid != 0;
	return fexpr_eval(fx, &r, ev->pid != 0) != FX_NO;
}

struct selection *
filter_expr_selection_new(const struct options *o, const struct fexpr *fx)
{
	struct expr_sel *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->base.ops = &expr_sel_ops;
	e->o = o;
	e->fx = fx;
	return &e->base;
}
