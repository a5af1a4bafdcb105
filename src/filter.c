/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter.c - the netstat selection: protocols, families, servers.
 */
#include <sys/socket.h>

#include <stdlib.h>

#include "filter.h"

#define PROTO_BIT(p)	(1U << (p))
#define INET_PROTOS	(PROTO_BIT(PROTO_TCP) | PROTO_BIT(PROTO_UDP) | \
			 PROTO_BIT(PROTO_UDPLITE) | PROTO_BIT(PROTO_RAW))

void
filter_normalize(struct options *o)
{
	/*
	 * As netstat: nothing selected means everything; -4 or -6 without
	 * -t, -u or -w means every Internet protocol of that family, and
	 * adds to -x rather than replacing it.
	 */
	unsigned named = o->protos;

	if (o->protos == 0 && o->families == 0)
		o->protos = INET_PROTOS | PROTO_BIT(PROTO_UNIX);
	else if (!(o->protos & INET_PROTOS) && o->families != 0)
		o->protos |= INET_PROTOS;
	o->protos_implied = o->protos & ~named;
	if (o->families == 0)
		o->families = FAM_INET4 | FAM_INET6;
}

/* Whether r's remote address is the wildcard (0.0.0.0 or ::). */
static int
remote_unspecified(const struct sock_row *r)
{
	if (r->family == AF_INET)
		return r->raddr.v4.s_addr == 0;
	return IN6_IS_ADDR_UNSPECIFIED(&r->raddr.v6);
}

/*
 * As netstat: a listening UNIX socket; a TCP socket with no remote port;
 * a UDP or RAW socket with no remote address (a RAW socket's remote port
 * is always 0, connected or not).
 */
static int
is_server(const struct sock_row *r)
{
	if (r->family == AF_UNIX)
		return r->state == ST_LISTEN;
	if (r->proto == PROTO_TCP)
		return r->rport == 0;
	return remote_unspecified(r);
}

int
filter_match(const struct options *o, const struct sock_row *r)
{
	if (!(o->protos & PROTO_BIT(r->proto)))
		return 0;
	if ((r->family == AF_INET && !(o->families & FAM_INET4)) ||
	    (r->family == AF_INET6 && !(o->families & FAM_INET6)))
		return 0;
	if (o->all)
		return 1;
	return o->listening ? is_server(r) : !is_server(r);
}

uint32_t
filter_states(const struct options *o, enum sock_proto proto)
{
	/*
	 * Only TCP and UNIX listeners are servers by state; UDP and RAW
	 * servers are told by their remote port, so those dumps take every
	 * state and filter_match decides.
	 */
	if (o->all || (proto != PROTO_TCP && proto != PROTO_UNIX))
		return ST_ALL;
	if (o->listening)
		return ST_BIT(ST_LISTEN);
	return ST_ALL & ~ST_BIT(ST_LISTEN);
}

/* The netstat flags as a selection: it only reads the options. */
struct filter_sel {
	struct selection	 base;
	const struct options	*o;
};

static uint32_t
filter_sel_states(const struct selection *s, int family,
    enum sock_proto proto)
{
	const struct options *o = ((const struct filter_sel *)s)->o;

	if (!(o->protos & PROTO_BIT(proto)))
		return 0;
	if ((family == AF_INET && !(o->families & FAM_INET4)) ||
	    (family == AF_INET6 && !(o->families & FAM_INET6)))
		return 0;
	return filter_states(o, proto);
}

static int
filter_sel_match(const struct selection *s, const struct sock_row *r)
{
	return filter_match(((const struct filter_sel *)s)->o, r) ?
	    SELECT_ROW : SELECT_NO;
}

static void
filter_sel_free(struct selection *s)
{
	free(s);
}

static const struct selection_ops filter_sel_ops = {
	filter_sel_states,
	filter_sel_match,
	NULL,		/* netstat shows every holder */
	filter_sel_free,
};

struct selection *
filter_selection_new(const struct options *o)
{
	struct filter_sel *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->base.ops = &filter_sel_ops;
	f->o = o;
	return &f->base;
}
