/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr_eval.c - decides a row against a filter expression in user space.
 *
 * Three-valued (Kleene) logic: a predicate that cannot be decided here is
 * FX_UNKNOWN, and "and", "or" and "not" carry it as SQL does.  Holders
 * (proc, pid) are unknown until the owner map is attached; fwmark, cgroup
 * and autobound are never known here for Internet rows (sock_diag does
 * not report them without privileges, or at all), so the kernel, which
 * ran them in the bytecode, has decided them.  Host conditions follow
 * the kernel's reading exactly: an IPv4 condition also matches the
 * IPv4-mapped address of an IPv6 socket.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "fexpr.h"

/* Whether the first plen bits of a and b agree (network order bytes). */
static int
prefix_match(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned bytes = plen / 8, bits = plen % 8;
	uint8_t mask;

	if (memcmp(a, b, bytes) != 0)
		return 0;
	if (bits == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - bits));
	return ((a[bytes] ^ b[bytes]) & mask) == 0;
}

/* The kernel's host condition on one side of an Internet row. */
static int
host_match(const struct fx_host *h, const struct sock_row *r, int src)
{
	const union sock_addr *addr = src ? &r->laddr : &r->raddr;
	const uint8_t *a6 = addr->v6.s6_addr;

	if (h->port != -1 && h->port != (src ? r->lport : r->rport))
		return 0;
	if (h->family != 0 && h->family != r->family) {
		/* An IPv4 condition and a v4-mapped IPv6 address. */
		return r->family == AF_INET6 && h->family == AF_INET &&
		    IN6_IS_ADDR_V4MAPPED(&addr->v6) &&
		    prefix_match(a6 + 12, (const uint8_t *)&h->addr.v4,
		    h->plen);
	}
	if (h->plen == 0)
		return 1;
	return prefix_match(r->family == AF_INET ?
	    (const uint8_t *)&addr->v4 : a6, (const uint8_t *)&h->addr,
	    h->plen);
}

static int
port_cmp(enum fx_cmp cmp, uint16_t have, uint16_t want)
{
	switch (cmp) {
	case FX_EQ:
		return have == want;
	case FX_NE:
		return have != want;
	case FX_LT:
		return have < want;
	case FX_LE:
		return have <= want;
	case FX_GT:
		return have > want;
	default:
		return have >= want;
	}
}

/* A UNIX socket's name as ss prints it ("@" for abstract) against a glob. */
static int
path_match(const char *glob, const struct sock_row *r)
{
	char name[256];
	size_t len = r->path_len;

	if (len == 0 || r->path == NULL)
		return fnmatch(glob, "", 0) == 0;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, r->path, len);
	name[len] = '\0';
	if (name[0] == '\0')
		name[0] = '@';
	/* Bytes past a NUL inside the name are not compared. */
	return fnmatch(glob, name, 0) == 0;
}

/*
 * Whether ns is the namespace want names: digits are its inode, else its
 * /run/netns name, exactly.  A row without one is the caller's own
 * namespace, read without --netns: never named here.
 */
static int
netns_match(const char *want, const struct sock_netns *ns)
{
	char num[24];

	if (ns == NULL)
		return 0;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)ns->inode);
	if (strcmp(want, num) == 0)
		return 1;
	return ns->name != NULL && strcmp(want, ns->name) == 0;
}

/* Whether any holder of r passes n (proc or pid). */
static int
owner_match(const struct fx_node *n, const struct sock_row *r)
{
	size_t i;

	for (i = 0; i < r->nowners; i++) {
		if (n->kind == FX_PID && r->owners[i].pid == (pid_t)n->num)
			return 1;
		if (n->kind == FX_PROC && r->owners[i].command != NULL &&
		    fnmatch(n->str, r->owners[i].command, 0) == 0)
			return 1;
	}
	return 0;
}

/* A leaf: FX_YES, FX_NO or FX_UNKNOWN. */
static int
leaf(const struct fx_node *n, const struct sock_row *r, int owners_known)
{
	int inet = r->family != AF_UNIX;

	switch (n->kind) {
	case FX_TRUE:
		return FX_YES;
	case FX_SPORT:
		return inet && port_cmp(n->cmp, r->lport, n->port);
	case FX_DPORT:
		return inet && port_cmp(n->cmp, r->rport, n->port);
	case FX_SRC:
	case FX_DST:
		return inet && host_match(&n->host, r, n->kind == FX_SRC);
	case FX_PATH:
		return !inet && path_match(n->str, r);
	case FX_DEV:
		if (!inet)
			return FX_NO;
		if (!(r->has & ROW_HAS_IFINDEX))
			return FX_UNKNOWN;
		return r->ifindex == n->num;
	case FX_AUTO:
		/* Only the kernel knows, and only of an ephemeral port. */
		return inet && r->lport >= n->num && r->lport <= n->mask ?
		    FX_UNKNOWN : FX_NO;
	case FX_MARK:
	case FX_CGROUP:
		return inet ? FX_UNKNOWN : FX_NO;
	case FX_PROC:
	case FX_PID:
		return owners_known ? owner_match(n, r) : FX_UNKNOWN;
	case FX_UID:
		if (!(r->has & ROW_HAS_UID))
			return FX_UNKNOWN;
		return r->uid == n->num;
	case FX_NETNS:
		return netns_match(n->str, r->netns);
	default:
		return FX_NO;
	}
}

static int
eval(const struct fexpr *fx, int i, const struct sock_row *r, int ok)
{
	const struct fx_node *n = &fx->n[i];
	int a, b;

	switch (n->kind) {
	case FX_AND:
		if ((a = eval(fx, n->a, r, ok)) == FX_NO)
			return FX_NO;
		b = eval(fx, n->b, r, ok);
		return b == FX_NO ? FX_NO : a == FX_YES && b == FX_YES ?
		    FX_YES : FX_UNKNOWN;
	case FX_OR:
		if ((a = eval(fx, n->a, r, ok)) == FX_YES)
			return FX_YES;
		b = eval(fx, n->b, r, ok);
		return b == FX_YES ? FX_YES : a == FX_NO && b == FX_NO ?
		    FX_NO : FX_UNKNOWN;
	case FX_NOT:
		a = eval(fx, n->a, r, ok);
		return a == FX_UNKNOWN ? a : !a;
	default:
		return leaf(n, r, ok);
	}
}

int
fexpr_eval(const struct fexpr *fx, const struct sock_row *r,
    int owners_known)
{
	if (fx->root < 0)
		return FX_YES;
	return eval(fx, fx->root, r, owners_known);
}
