/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_group.c - the -s --by face: the selection counted per group (a
 * state, a protocol, an owning process, a user, a remote host, a local
 * port), largest group first, ties in the key's own order.
 *
 * Groups, not rows, are kept: a hash table of group keys, so a pass over
 * 200,000 sockets held by a few processes costs a few entries.  A row
 * without the value grouped on (a UNIX socket has no remote host, a
 * socket nobody holds no process) counts in a group of its own, "-" in
 * text and null in JSON, so that the counts add up to the selection.
 * A socket held by several processes counts once for each of them.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "jsonw.h"
#include "names.h"
#include "sort.h"
#include "util.h"

#define TABLE_MIN	64	/* slots of the first hash table */

/* What identifies a group; zeroed first, so that memcmp compares. */
struct gkey {
	uint32_t	 num;		/* state, proto, pid, uid or port */
	uint8_t		 has;		/* 0: the row lacks the value */
	uint8_t		 family;	/* remote, proto: the address family */
	uint8_t		 pad[2];
	union sock_addr	 addr;		/* remote */
};

struct group {
	struct gkey	 key;
	unsigned long	 count;
	char		*command;	/* process: comm, raw */
	char		*argv0;		/* process: program name, raw; NULL */
	const struct sock_netns *netns;	/* netns: borrowed for the pass */
};

struct grouper {
	FILE		*out;
	const struct options *o;
	int		 by;		/* enum group_by */
	struct group	*groups;
	size_t		 ngroups, cap;
	size_t		*slots;		/* index + 1 into groups; 0: free */
	size_t		 nslots;	/* a power of two, > 2 * ngroups */
	unsigned long	 total;		/* rows counted */
	int		 unread;	/* a dump was not read */
};

static void *
group_begin(FILE *out, const struct options *o)
{
	struct grouper *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->out = out;
	g->o = o;
	g->by = o->group_by;
	return g;
}

/* FNV-1a over the key's bytes. */
static size_t
key_hash(const struct gkey *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot of k: where it is, or the free one where it would go. */
static size_t *
slot_find(const struct grouper *g, const struct gkey *k)
{
	size_t i = key_hash(k) & (g->nslots - 1), *s;

	for (;; i = (i + 1) & (g->nslots - 1)) {
		s = &g->slots[i];
		if (*s == 0 || memcmp(&g->groups[*s - 1].key, k,
		    sizeof(*k)) == 0)
			return s;
	}
}

/* Doubles the hash table (or makes the first); -1 with ENOMEM. */
static int
slots_grow(struct grouper *g)
{
	size_t *old = g->slots, n = g->nslots, i;

	g->nslots = n == 0 ? TABLE_MIN : n * 2;
	if ((g->slots = calloc(g->nslots, sizeof(*g->slots))) == NULL) {
		g->slots = old;
		g->nslots = n;
		return -1;
	}
	for (i = 0; i < g->ngroups; i++)
		*slot_find(g, &g->groups[i].key) = i + 1;
	free(old);
	return 0;
}

/* A copy of s, NULL for NULL; *oom set when it could not be made. */
static char *
dup_or_null(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = 1;
	return d;
}

/*
 * Counts one in the group k, made on first sight (ow: the owner whose
 * names a process group shows).  Returns 0, or -1 with ENOMEM.
 */
static int
group_add(struct grouper *g, const struct gkey *k, const struct sock_owner *ow,
    const struct sock_netns *ns)
{
	struct group *n;
	size_t *s, cap;
	int oom = 0;

	if (2 * (g->ngroups + 1) > g->nslots && slots_grow(g) == -1)
		return -1;
	if (*(s = slot_find(g, k)) != 0) {
		g->groups[*s - 1].count++;
		return 0;
	}
	if (g->ngroups == g->cap) {
		cap = g->cap == 0 ? TABLE_MIN : g->cap * 2;
		if ((n = reallocarray(g->groups, cap, sizeof(*n))) == NULL)
			return -1;
		g->groups = n;
		g->cap = cap;
	}
	n = &g->groups[g->ngroups];
	memset(n, 0, sizeof(*n));
	n->key = *k;
	n->count = 1;
	n->netns = ns;
	if (ow != NULL) {
		n->command = dup_or_null(ow->command, &oom);
		n->argv0 = dup_or_null(ow->argv0, &oom);
		if (oom) {
			free(n->command);
			free(n->argv0);
			errno = ENOMEM;
			return -1;
		}
	}
	*s = ++g->ngroups;
	return 0;
}

/* A process group per distinct holder (owners come sorted by pid). */
static int
group_owners(struct grouper *g, const struct sock_row *r)
{
	struct gkey k;
	size_t i;

	memset(&k, 0, sizeof(k));
	if (r->nowners == 0)
		return group_add(g, &k, NULL, NULL);
	k.has = 1;
	for (i = 0; i < r->nowners; i++) {
		if (i > 0 && r->owners[i].pid == r->owners[i - 1].pid)
			continue;
		k.num = (uint32_t)r->owners[i].pid;
		if (group_add(g, &k, &r->owners[i], NULL) == -1)
			return -1;
	}
	return 0;
}

static int
group_row(void *st, const struct sock_row *r)
{
	struct grouper *g = st;
	struct gkey k;
	int inet = r->family != AF_UNIX;

	g->total++;
	if (g->by == GROUP_PROCESS)
		return group_owners(g, r);
	memset(&k, 0, sizeof(k));
	k.has = 1;
	switch (g->by) {
	case GROUP_STATE:
		/* Request sockets read SYN_RECV, as everywhere else. */
		k.num = r->state == ST_NEW_SYN_RECV ? ST_SYN_RECV : r->state;
		break;
	case GROUP_PROTO:
		k.num = r->proto;
		k.family = r->family;
		break;
	case GROUP_USER:
		k.has = (r->has & ROW_HAS_UID) != 0;
		k.num = k.has ? r->uid : 0;
		break;
	case GROUP_REMOTE:
		k.has = inet;
		if (inet) {
			k.family = r->family;
			k.addr = r->raddr;
		}
		break;
	case GROUP_LPORT:
		k.has = inet;
		k.num = inet ? r->lport : 0;
		break;
	case GROUP_NETNS:
		/* The inode is the key; the group keeps the label to show. */
		k.has = r->netns != NULL;
		if (k.has)
			memcpy(&k.addr, &r->netns->inode,
			    sizeof(r->netns->inode));
		return group_add(g, &k, NULL, r->netns);
	}
	return group_add(g, &k, NULL, NULL);
}

static void
group_gap(void *st, int family, enum sock_proto proto)
{
	struct grouper *g = st;

	(void)family;
	(void)proto;
	g->unread = 1;
}

/*
 * The key's own order: a missing value last, then the number (state,
 * protocol, pid, uid, port), the family (IPv4 first), the address.
 */
static int
key_cmp(const struct gkey *a, const struct gkey *b)
{
	size_t alen;
	int c;

	if (a->has != b->has)
		return b->has - a->has;
	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	alen = a->family == AF_INET6 ? sizeof(a->addr.v6) : sizeof(a->addr.v4);
	c = memcmp(&a->addr, &b->addr, alen);
	return (c > 0) - (c < 0);
}

/* Largest group first; ties in the key's order. */
static int
group_cmp(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return key_cmp(&a->key, &b->key);
}

/* The login name of uid, or NULL: looked up once per group. */
static const char *
user_of(uint32_t uid)
{
	struct passwd *pw = getpwuid((uid_t)uid);

	return pw != NULL ? pw->pw_name : NULL;
}

/* The program name a process group shows: as -p's column. */
static const char *
prog_of(const struct group *gr)
{
	return gr->argv0 != NULL ? gr->argv0 :
	    gr->command != NULL ? gr->command : "-";
}

/*
 * The text of a group's key into buf (len bytes): "-" for a row without
 * the value; a login name escaped (NSS may serve any bytes).
 */
static const char *
key_text(const struct grouper *g, const struct group *gr, char *buf,
    size_t len)
{
	const struct gkey *k = &gr->key;
	const char *name;

	if (!k->has)
		return "-";
	switch (g->by) {
	case GROUP_STATE:
		return names_state_fmt(k->num, buf, len);
	case GROUP_PROTO:
		name = names_proto(k->num, k->family);
		return name != NULL ? name : "?";
	case GROUP_USER:
		if (!g->o->numeric_users && (name = user_of(k->num)) != NULL)
			return util_esc(buf, len, name);
		snprintf(buf, len, "%u", k->num);
		return buf;
	case GROUP_REMOTE:
		return inet_ntop(k->family, &k->addr, buf, (socklen_t)len) ?
		    buf : "?";
	case GROUP_LPORT:
		snprintf(buf, len, "%u", k->num);
		return buf;
	case GROUP_NETNS:
		return gr->netns->label;
	}
	return "?";
}

/*
 * A process group's line: "PID/name" escaped as the PID/Program name
 * column is, never cut.  Returns 0, or -1 with ENOMEM.
 */
static int
process_line(const struct grouper *g, const struct group *gr)
{
	const char *prog = prog_of(gr);
	size_t len = UTIL_ESCAPE_MAX(strlen(prog));
	char *esc;

	if (!gr->key.has) {
		fprintf(g->out, "%8lu  -\n", gr->count);
		return 0;
	}
	if ((esc = malloc(len)) == NULL)
		return -1;
	util_escape_seps(esc, len, prog, strlen(prog), ",");
	fprintf(g->out, "%8lu  %u/%s\n", gr->count, gr->key.num, esc);
	free(esc);
	return 0;
}

static int
group_text(struct grouper *g)
{
	static const char *const label[GROUP_NKEYS] = {
	    [GROUP_STATE] = "State", [GROUP_PROTO] = "Proto",
	    [GROUP_PROCESS] = "PID/Program name", [GROUP_USER] = "User",
	    [GROUP_REMOTE] = "Remote Address", [GROUP_LPORT] = "Local Port",
	    [GROUP_NETNS] = "Netns" };
	char buf[UTIL_ESCAPE_MAX(256)];
	size_t i;

	fprintf(g->out, "%8s  %s\n", "Count", label[g->by]);
	for (i = 0; i < g->ngroups; i++) {
		if (g->by == GROUP_PROCESS) {
			if (process_line(g, &g->groups[i]) == -1)
				return -1;
		} else
			fprintf(g->out, "%8lu  %s\n", g->groups[i].count,
			    key_text(g, &g->groups[i], buf, sizeof(buf)));
	}
	/* Namespaces: the grand total of them all after. */
	if (g->by == GROUP_NETNS)
		fprintf(g->out, "%8lu  %s\n", g->total, "total");
	if (g->unread)
		fprintf(g->out, "(not every dump was read, see standard "
		    "error)\n");
	return 0;
}

/* The key members of one group's JSON object: exact values, or null. */
static void
key_json(struct grouper *g, struct jsonw *j, const struct group *gr)
{
	const struct gkey *k = &gr->key;
	char buf[INET6_ADDRSTRLEN + 32];
	const char *s;

	switch (g->by) {
	case GROUP_STATE:
		jsonw_string_field(j, "state",
		    names_state_fmt(k->num, buf, sizeof(buf)));
		break;
	case GROUP_PROTO:
		jsonw_string_field(j, "proto",
		    (s = names_proto(k->num, k->family)) ? s : "?");
		break;
	case GROUP_PROCESS:
		if (!k->has) {
			jsonw_null_field(j, "pid");
			break;
		}
		jsonw_uint_field(j, "pid", k->num);
		s = gr->command;
		jsonw_text_field(j, "command", s, s ? strlen(s) : 0);
		s = gr->argv0;
		jsonw_text_field(j, "argv0", s, s ? strlen(s) : 0);
		break;
	case GROUP_USER:
		if (!k->has) {
			jsonw_null_field(j, "uid");
			break;
		}
		jsonw_uint_field(j, "uid", k->num);
		s = user_of(k->num);
		jsonw_text_field(j, "user", s, s ? strlen(s) : 0);
		break;
	case GROUP_REMOTE:
		if (!k->has || inet_ntop(k->family, &k->addr, buf,
		    sizeof(buf)) == NULL)
			jsonw_null_field(j, "address");
		else
			jsonw_string_field(j, "address", buf);
		break;
	case GROUP_LPORT:
		if (k->has)
			jsonw_uint_field(j, "port", k->num);
		else
			jsonw_null_field(j, "port");
		break;
	case GROUP_NETNS:
		if (!k->has) {
			jsonw_null_field(j, "netns");
			break;
		}
		jsonw_key(j, "netns");
		jsonw_start_object(j);
		jsonw_uint_field(j, "inode", gr->netns->inode);
		jsonw_string_field(j, "name", gr->netns->name);
		jsonw_end_object(j);
		break;
	}
}

/*
 * {"by": "remote", "total": n, "complete": bool, "groups": [{key...,
 * "count": n}, ...]} on one line, as the summary's object.
 */
static int
group_json(struct grouper *g)
{
	struct jsonw *j;
	size_t i;
	int rc, save_errno;

	if ((j = jsonw_new(g->out, 0)) == NULL)
		return -1;
	jsonw_start_object(j);
	jsonw_string_field(j, "by", group_name(g->by));
	jsonw_uint_field(j, "total", g->total);
	jsonw_bool_field(j, "complete", !g->unread);
	jsonw_key(j, "groups");
	jsonw_start_array(j);
	for (i = 0; i < g->ngroups; i++) {
		jsonw_start_object(j);
		key_json(g, j, &g->groups[i]);
		jsonw_uint_field(j, "count", g->groups[i].count);
		jsonw_end_object(j);
	}
	jsonw_end_array(j);
	jsonw_end_object(j);
	rc = jsonw_status(j);
	save_errno = errno;
	jsonw_free(j);
	errno = save_errno;
	if (rc == 0 && fputc('\n', g->out) == EOF)
		rc = -1;
	return rc;
}

static void
grouper_free(struct grouper *g)
{
	size_t i;

	for (i = 0; i < g->ngroups; i++) {
		free(g->groups[i].command);
		free(g->groups[i].argv0);
	}
	free(g->groups);
	free(g->slots);
	free(g);
}

static int
group_end(void *st)
{
	struct grouper *g = st;
	int rc = 0, save_errno;

	if (g->ngroups > 1)
		qsort(g->groups, g->ngroups, sizeof(*g->groups), group_cmp);
	errno = 0;
	if (g->o->json)
		rc = group_json(g);
	else
		rc = group_text(g);
	if (fflush(g->out) == EOF || ferror(g->out))
		rc = -1;
	save_errno = errno != 0 ? errno : EIO;
	grouper_free(g);
	errno = save_errno;
	return rc;
}

const struct formatter fmt_group = {
	.name = "group",
	.begin = group_begin,
	.row = group_row,
	.end = group_end,
	.gap = group_gap,
	.order = FMT_TCP_JOINED,	/* counts: any order */
};
