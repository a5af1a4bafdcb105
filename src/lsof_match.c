/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lsof_match.c - the lsof face's selection: which (socket, owner) pairs
 * a parsed struct lsof_sel lists, by the rule written down in lsof.h.
 * The command line that fills the selection is parsed in lsof.c.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "lsof.h"

/* The -s mask bit of a state; none for a code past the mask (/proc). */
static uint32_t
state_bit(unsigned state)
{
	return state < 32 ? ST_BIT(state) : 0;
}

/*
 * The address at a of a socket of family af as lsof takes it: a
 * v4-mapped IPv6 address is IPv4.  Returns the family, *v4 set for IPv4.
 */
static int
lsof_af(int af, const union sock_addr *a, struct in_addr *v4)
{
	if (af == AF_INET) {
		*v4 = a->v4;
		return AF_INET;
	}
	if (IN6_IS_ADDR_V4MAPPED(&a->v6)) {
		memcpy(v4, &a->v6.s6_addr[12], sizeof(*v4));
		return AF_INET;
	}
	return AF_INET6;
}

/*
 * The family of a socket's addresses, as a SPEC with a family but no
 * host matches it: the local end's, or the remote end's when the local
 * one is unspecified (a dual-stack socket bound to [::]).
 */
static int
row_af(const struct sock_row *r)
{
	struct in_addr v4;

	if (r->family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&r->laddr.v6) &&
	    !IN6_IS_ADDR_UNSPECIFIED(&r->raddr.v6))
		return lsof_af(r->family, &r->raddr, &v4);
	return lsof_af(r->family, &r->laddr, &v4);
}

/* Whether address a of a socket of family af is one of the SPEC's hosts. */
static int
host_match(const struct lsof_spec *sp, int af, const union sock_addr *a)
{
	struct in_addr v4;
	size_t i;

	af = lsof_af(af, a, &v4);
	for (i = 0; i < sp->naddrs; i++) {
		if (sp->addr_family[i] != af)
			continue;
		if (af == AF_INET ? v4.s_addr == sp->addrs[i].v4.s_addr :
		    memcmp(&a->v6, &sp->addrs[i].v6, sizeof(a->v6)) == 0)
			return 1;
	}
	return 0;
}

/* Port 0 is no port (an unbound end, or no remote end): never matched. */
static int
port_match(const struct lsof_spec *sp, int udp, unsigned port)
{
	size_t i;

	if (port == 0)
		return 0;
	for (i = 0; i < sp->nports; i++)
		if (port >= sp->ports[i].lo[udp] && port <= sp->ports[i].hi[udp])
			return 1;
	return 0;
}

static unsigned
fam_bit(int af)
{
	return af == AF_INET ? FAM_INET4 : FAM_INET6;
}

static int
spec_match(const struct lsof_spec *sp, const struct sock_row *r)
{
	int udp = r->proto != PROTO_TCP;	/* UDP's service names */

	/* A name not looked up yet (lsof_resolve) names no socket. */
	if (sp->pending)
		return 0;
	/* "-i 4", "-i 6": the socket's type, the TYPE column. */
	if (sp->type_only)
		return (sp->families & fam_bit(r->family)) != 0;
	if (sp->families != 0 && !(sp->families & fam_bit(row_af(r))))
		return 0;
	if (sp->protos != 0 && !(sp->protos & (1U << r->proto)))
		return 0;
	/* lsof: a host or a port matches on either end of the socket. */
	if (sp->naddrs > 0 && !host_match(sp, r->family, &r->laddr) &&
	    !host_match(sp, r->family, &r->raddr))
		return 0;
	if (sp->nports > 0 && !port_match(sp, udp, r->lport) &&
	    !port_match(sp, udp, r->rport))
		return 0;
	return 1;
}

/*
 * Whether the SPECs name r.  Alone, any SPEC will do.  With -a, lsof
 * takes "-i 4" / "-i 6" (the TYPE) as a selection of its own, ANDed
 * with the address SPECs: "-i 4 -i TCP:22 -a" is IPv4 sockets on
 * TCP port 22, not every IPv4 socket and every TCP:22 one.
 */
static int
specs_match(const struct lsof_sel *s, const struct sock_row *r)
{
	size_t i;
	int types = 0, type_hit = 0, addrs = 0, addr_hit = 0;

	for (i = 0; i < s->nspecs; i++) {
		int hit = spec_match(&s->specs[i], r);

		if (hit && !s->and)
			return 1;
		if (s->specs[i].type_only) {
			types = 1;
			type_hit |= hit;
		} else {
			addrs = 1;
			addr_hit |= hit;
		}
	}
	if (!s->and)
		return 0;
	return (types || addrs) && (!types || type_hit) &&
	    (!addrs || addr_hit);
}

int
lsof_match_socket(const struct lsof_sel *s, const struct sock_row *r)
{
	if (r->family == AF_UNIX)
		return s->unix_sockets ? LSOF_SOCK_SPEC : LSOF_SOCK_NO;
	if (!s->inet || (r->family != AF_INET && r->family != AF_INET6) ||
	    (r->proto != PROTO_TCP && r->proto != PROTO_UDP &&
	    r->proto != PROTO_UDPLITE))
		return LSOF_SOCK_NO;
	/*
	 * -s: an inclusion lists only TCP sockets in those states (UDP has
	 * no state names, so none of it), an exclusion drops TCP ones.
	 */
	if (r->proto == PROTO_TCP && (s->states_out & state_bit(r->state)))
		return LSOF_SOCK_NO;
	if (s->states_in != 0 && (r->proto != PROTO_TCP ||
	    !(s->states_in & state_bit(r->state))))
		return LSOF_SOCK_NO;
	return specs_match(s, r) ? LSOF_SOCK_SPEC : LSOF_SOCK_FACE;
}

/*
 * One kind of inclusion (-p, -u or -c): -1 when it has no inclusion
 * item, else whether one names the owner.  *excluded is set when an
 * exclusion item does.
 */
static int
ids_match(const struct lsof_id *ids, size_t n, long id, int *excluded)
{
	size_t i;
	int has = 0, hit = 0;

	for (i = 0; i < n; i++) {
		if (ids[i].exclude) {
			if (ids[i].id == id)
				*excluded = 1;
		} else {
			has = 1;
			if (ids[i].id == id)
				hit = 1;
		}
	}
	return has ? hit : -1;
}

static int
cmds_match(const struct lsof_cmd *cmds, size_t n, const char *command,
    int *excluded)
{
	size_t i;
	int has = 0, hit = 0, pre;

	for (i = 0; i < n; i++) {
		pre = command != NULL && strncmp(command, cmds[i].prefix,
		    strlen(cmds[i].prefix)) == 0;
		if (cmds[i].exclude) {
			if (pre)
				*excluded = 1;
		} else {
			has = 1;
			hit |= pre;
		}
	}
	return has ? hit : -1;
}

/*
 * m[] holds, per kind (-p, -u, -c), -1 for "not given", else whether an
 * inclusion names the owner.  -a needs every given kind to; lsof's OR
 * needs any.  An exclusion wins over both.
 */
int
lsof_match_owner(const struct lsof_sel *s, const struct sock_owner *ow)
{
	int excluded = 0, m[3], i, any = 0, all = 1, given = 0;

	m[0] = ids_match(s->pids, s->npids, (long)ow->pid, &excluded);
	m[1] = ids_match(s->uids, s->nuids, (long)ow->uid, &excluded);
	m[2] = cmds_match(s->cmds, s->ncmds, ow->command, &excluded);
	if (excluded)
		return LSOF_OWNER_NO;
	for (i = 0; i < 3; i++) {
		if (m[i] == -1)
			continue;
		given = 1;
		any |= m[i];
		all &= m[i];
	}
	if (s->and)
		return all ? LSOF_OWNER_SEL : LSOF_OWNER_NO;
	return given && any ? LSOF_OWNER_SEL : LSOF_OWNER_ANY;
}

/*
 * The rule of lsof.h in one place: an owner is listed when not excluded
 * and either the socket is named by a SPEC (with -a, owners must also
 * pass every inclusion, which lsof_match_owner already checked) or,
 * without -a, an inclusion names the owner.  Copies the listed owners of
 * r to out (room for r->nowners) and returns how many.
 */
static size_t
owners_keep(const struct lsof_sel *s, int m, const struct sock_row *r,
    struct sock_owner *out)
{
	size_t i, k = 0;
	int om;

	for (i = 0; i < r->nowners; i++) {
		om = lsof_match_owner(s, &r->owners[i]);
		if (om == LSOF_OWNER_NO)
			continue;
		if (m == LSOF_SOCK_SPEC || (!s->and && om == LSOF_OWNER_SEL))
			out[k++] = r->owners[i];
	}
	return k;
}

/* Makes *buf hold n owners.  Returns 0, or -1 with errno ENOMEM. */
static int
owners_reserve(struct sock_owner **buf, size_t *cap, size_t n)
{
	struct sock_owner *p;

	if (n <= *cap)
		return 0;
	if ((p = realloc(*buf, n * sizeof(*p))) == NULL)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

int
lsof_select_owners(struct lsof_sel *s, int m, struct sock_row *r)
{
	size_t k;

	if (m == LSOF_SOCK_NO || r->nowners == 0) {
		r->nowners = 0;
		return 0;
	}
	if (owners_reserve(&s->scratch, &s->scratch_cap, r->nowners) == -1)
		return -1;
	k = owners_keep(s, m, r, s->scratch);
	r->owners = k > 0 ? s->scratch : NULL;
	r->nowners = k;
	s->matched += k;
	return 0;
}

/*
 * lsof's letters as a selection (select.h).  The parsed struct lsof_sel
 * stays read-only in the options; the owners a row keeps are copied
 * into this object's own buffer.
 */
struct lsof_selection {
	struct selection	 base;
	const struct options	*o;
	struct sock_owner	*keep;
	size_t			 keep_cap;
	int			 and_owned;	/* and_owned(), once */
};

static uint32_t
lsof_sel_states(const struct selection *sel, int family,
    enum sock_proto proto)
{
	const struct options *o = ((const struct lsof_selection *)sel)->o;

	if (!(o->protos & (1U << proto)) ||
	    (family == AF_INET && !(o->families & FAM_INET4)) ||
	    (family == AF_INET6 && !(o->families & FAM_INET6)))
		return 0;
	return ST_ALL;		/* -s is applied to the rows */
}

/* Whether -a is given with a -p, -u or -c inclusion. */
static int
and_owned(const struct lsof_sel *s)
{
	size_t i;

	if (!s->and)
		return 0;
	for (i = 0; i < s->npids; i++)
		if (!s->pids[i].exclude)
			return 1;
	for (i = 0; i < s->nuids; i++)
		if (!s->uids[i].exclude)
			return 1;
	for (i = 0; i < s->ncmds; i++)
		if (!s->cmds[i].exclude)
			return 1;
	return 0;
}

/*
 * With -a and an inclusion, a SPEC alone selects no socket: its holder
 * must be included too, so the row is selected by owner (and one with
 * no holder seen is no loss to warn about).
 */
static int
lsof_sel_match(const struct selection *sel, const struct sock_row *r)
{
	const struct lsof_selection *ls = (const struct lsof_selection *)sel;
	int m = lsof_match_socket(ls->o->lsof, r);

	return m == LSOF_SOCK_SPEC && ls->and_owned ? SELECT_BY_OWNER : m;
}

static int
lsof_sel_owners(struct selection *sel, int m, struct sock_row *r)
{
	struct lsof_selection *ls = (struct lsof_selection *)sel;

	/* lsof lists open files: a socket nobody listed holds has no line. */
	if (r->nowners == 0)
		return 0;
	if (owners_reserve(&ls->keep, &ls->keep_cap, r->nowners) == -1)
		return -1;
	if (m == SELECT_BY_OWNER && ls->and_owned)
		m = lsof_match_socket(ls->o->lsof, r);
	r->nowners = owners_keep(ls->o->lsof, m, r, ls->keep);
	r->owners = r->nowners > 0 ? ls->keep : NULL;
	return r->nowners > 0;
}

static void
lsof_sel_destroy(struct selection *sel)
{
	struct lsof_selection *ls = (struct lsof_selection *)sel;

	free(ls->keep);
	free(ls);
}

static const struct selection_ops lsof_sel_ops = {
	lsof_sel_states,
	lsof_sel_match,
	lsof_sel_owners,
	lsof_sel_destroy,
};

struct selection *
lsof_selection_new(const struct options *o)
{
	struct lsof_selection *ls;

	if ((ls = calloc(1, sizeof(*ls))) == NULL)
		return NULL;
	ls->base.ops = &lsof_sel_ops;
	ls->o = o;
	ls->and_owned = and_owned(o->lsof);
	return &ls->base;
}
