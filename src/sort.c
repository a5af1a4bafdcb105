/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sort.c - the keys of --sort and -s --by: names, parsers and the row
 * order.  Nothing here allocates, prints or reads the system: the
 * command line parser and its fuzzer link this file alone.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sort.h"

/* Indexed by enum sort_key; the order of the message listing them. */
static const char *const key_names[SORT_NKEYS] = {
	[SORT_STATE] = "state",
	[SORT_LOCAL] = "local",
	[SORT_REMOTE] = "remote",
	[SORT_LPORT] = "lport",
	[SORT_RPORT] = "rport",
	[SORT_RECV_Q] = "recv-q",
	[SORT_SEND_Q] = "send-q",
	[SORT_PID] = "pid",
	[SORT_COMMAND] = "command",
	[SORT_UID] = "uid",
	[SORT_INODE] = "inode",
};

static const char *const group_names[GROUP_NKEYS] = {
	[GROUP_STATE] = "state",
	[GROUP_PROTO] = "proto",
	[GROUP_PROCESS] = "process",
	[GROUP_USER] = "user",
	[GROUP_REMOTE] = "remote",
	[GROUP_LPORT] = "lport",
	[GROUP_NETNS] = "netns",
};

const char *
sort_key_name(unsigned k)
{
	return k > 0 && k < SORT_NKEYS ? key_names[k] : NULL;
}

const char *
group_name(int g)
{
	return g > 0 && g < GROUP_NKEYS ? group_names[g] : NULL;
}

int
group_parse(const char *name)
{
	int g;

	for (g = 1; g < GROUP_NKEYS; g++)
		if (strcmp(name, group_names[g]) == 0)
			return g;
	return 0;
}

int
group_needs_owners(int g)
{
	return g == GROUP_PROCESS;
}

/* The key named by the n bytes at s, or 0. */
static unsigned
key_lookup(const char *s, size_t n)
{
	unsigned k;

	for (k = 1; k < SORT_NKEYS; k++)
		if (strlen(key_names[k]) == n && memcmp(s, key_names[k], n) == 0)
			return k;
	return 0;
}

/* The message for a bad key (n bytes at s): it and every valid key. */
static int
bad_key(const char *s, size_t n, char *err, size_t errlen)
{
	char names[160] = "";
	size_t len = 0;
	unsigned k;

	for (k = 1; k < SORT_NKEYS; k++)
		len += (size_t)snprintf(names + len, sizeof(names) - len,
		    "%s%s", k > 1 ? ", " : "", key_names[k]);
	if (n == 0)
		snprintf(err, errlen, "--sort: empty key (expected %s; -KEY "
		    "descends)", names);
	else
		snprintf(err, errlen, "--sort: unknown key '%.*s' (expected "
		    "%s; -KEY descends)", (int)(n > 64 ? 64 : n), s, names);
	return EINVAL;
}

int
sort_parse(const char *arg, unsigned char keys[SORT_KEYS_MAX + 1], char *err,
    size_t errlen)
{
	const char *p = arg, *s;
	size_t n, nkeys = 0;
	unsigned k, desc;

	memset(keys, 0, SORT_KEYS_MAX + 1);
	for (;;) {
		n = strcspn(p, ",");
		s = p;
		desc = n > 0 && *s == '-';
		if (desc) {
			s++;
			n--;
		}
		if ((k = key_lookup(s, n)) == 0)
			return bad_key(s, n, err, errlen);
		if (nkeys == SORT_KEYS_MAX) {
			snprintf(err, errlen, "--sort: more than %d keys",
			    SORT_KEYS_MAX);
			return EINVAL;
		}
		keys[nkeys++] = (unsigned char)(k | (desc ? SORT_DESC : 0));
		p = s + n;
		if (*p == '\0')
			return 0;
		p++;		/* past the ',' */
	}
}

int
sort_needs_owners(const unsigned char *keys)
{
	for (; *keys != 0; keys++)
		if (SORT_KEY(*keys) == SORT_PID ||
		    SORT_KEY(*keys) == SORT_COMMAND)
			return 1;
	return 0;
}

/* -1, 0 or 1 as a < b, ==, >. */
static int
cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* An optional field: absent (has lacks bit) before any value. */
static int
cmp_opt(const struct sock_row *a, const struct sock_row *b, unsigned bit,
    uint64_t va, uint64_t vb)
{
	int ha = (a->has & bit) != 0, hb = (b->has & bit) != 0;

	if (ha != hb)
		return ha - hb;
	return ha ? cmp_u64(va, vb) : 0;
}

/* Bytes as unsigned, a prefix before the longer: memcmp order. */
static int
cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
	size_t n = na < nb ? na : nb;
	/* An unnamed socket's path is NULL: memcmp must not see it. */
	int c = n > 0 ? memcmp(a, b, n) : 0;

	return c != 0 ? (c > 0) - (c < 0) : cmp_u64(na, nb);
}

/*
 * An address numerically: IPv4 before IPv6 (AF_INET < AF_INET6), then
 * its bytes in network order, which is the number's order.
 */
static int
cmp_addr(int family, const union sock_addr *a, const union sock_addr *b)
{
	size_t len = family == AF_INET ? sizeof(a->v4) : sizeof(a->v6);
	int c = memcmp(a, b, len);

	return (c > 0) - (c < 0);
}

/* An end of an Internet row: family, address, then port. */
static int
cmp_end(const struct sock_row *a, const struct sock_row *b, int remote)
{
	int c;

	if ((c = cmp_u64(a->family, b->family)) != 0)
		return c;
	if ((c = cmp_addr(a->family, remote ? &a->raddr : &a->laddr,
	    remote ? &b->raddr : &b->laddr)) != 0)
		return c;
	return remote ? cmp_u64(a->rport, b->rport) :
	    cmp_u64(a->lport, b->lport);
}

/* netstat's program name of the first owner, as -p shows it, or NULL. */
static const char *
owner_name(const struct sock_row *r)
{
	if (r->nowners == 0)
		return NULL;
	return r->owners[0].argv0 != NULL ? r->owners[0].argv0 :
	    r->owners[0].command;
}

static int
cmp_command(const struct sock_row *a, const struct sock_row *b)
{
	const char *ca = owner_name(a), *cb = owner_name(b);

	if (ca == NULL || cb == NULL)
		return (ca != NULL) - (cb != NULL);
	return cmp_bytes(ca, strlen(ca), cb, strlen(cb));
}

/*
 * The state as a reader sees it: a request socket (NEW_SYN_RECV) is
 * shown as SYN_RECV, so it sorts as one.
 */
static unsigned
shown_state(const struct sock_row *r)
{
	return r->state == ST_NEW_SYN_RECV ? ST_SYN_RECV : r->state;
}

/* One key, ascending. */
static int
cmp_key(const struct sock_row *a, const struct sock_row *b, unsigned k)
{
	int unix_rows = a->family == AF_UNIX;

	switch (k) {
	case SORT_STATE:
		return cmp_u64(shown_state(a), shown_state(b));
	case SORT_LOCAL:
		if (unix_rows)
			return cmp_bytes(a->path, a->path_len, b->path,
			    b->path_len);
		return cmp_end(a, b, 0);
	case SORT_REMOTE:
		if (unix_rows)
			return cmp_opt(a, b, ROW_HAS_PEER, a->peer_inode,
			    b->peer_inode);
		return cmp_end(a, b, 1);
	case SORT_LPORT:
		return cmp_u64(a->lport, b->lport);
	case SORT_RPORT:
		return cmp_u64(a->rport, b->rport);
	case SORT_RECV_Q:
		return cmp_opt(a, b, ROW_HAS_QUEUES, a->rqueue, b->rqueue);
	case SORT_SEND_Q:
		return cmp_opt(a, b, ROW_HAS_QUEUES, a->wqueue, b->wqueue);
	case SORT_PID:
		if (a->nowners == 0 || b->nowners == 0)
			return (a->nowners != 0) - (b->nowners != 0);
		/* Owners come sorted by pid: the first is the lowest. */
		return cmp_u64((uint64_t)a->owners[0].pid,
		    (uint64_t)b->owners[0].pid);
	case SORT_COMMAND:
		return cmp_command(a, b);
	case SORT_UID:
		return cmp_opt(a, b, ROW_HAS_UID, a->uid, b->uid);
	case SORT_INODE:
		return cmp_u64(a->inode, b->inode);
	}
	return 0;
}

int
sort_cmp(const struct sock_row *a, const struct sock_row *b,
    const unsigned char *keys)
{
	int c;

	/* The netstat face's sections: Internet, then UNIX. */
	if ((c = (a->family == AF_UNIX) - (b->family == AF_UNIX)) != 0)
		return c;
	for (; *keys != 0; keys++) {
		c = cmp_key(a, b, SORT_KEY(*keys));
		if (c != 0)
			return (*keys & SORT_DESC) ? -c : c;
	}
	return 0;
}
