/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_table.c - the netstat face: netstat -an, -e, -o and -p columns,
 * byte for byte where netstat's columns hold the text.  Where netstat
 * would cut (long IPv6 addresses, program lists) the column grows for
 * every row and for the header instead, so the widths must be known
 * before the first line of a section.
 *
 * This file alone knows its columns.  The Internet section is kept until
 * it ends (the first UNIX row, or end()), each row in a plain 16-byte
 * record of what its columns print, with side arrays for what only some
 * rows or options have (IPv6 addresses, nonzero queues, -e, -o, the -p
 * text); the widening columns are measured as rows come, then the
 * section is printed and its arrays freed.  With numeric ports and no
 * DNS an IPv4 address never passes netstat's 23 columns, so only the
 * other rows are measured.  The UNIX section streams, but with -p, whose
 * column comes before Path: then it is kept too, as records and text.
 */
#include <sys/socket.h>

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fmt.h"
#include "names.h"
#include "netstat_text.h"
#include "procmap.h"
#include "tcpinfo.h"
#include "outbuf.h"
#include "users.h"
#include "util.h"

#define OUTBUF_SIZE	(32 * 1024)
#define INET_PROTOS	(1U << PROTO_TCP | 1U << PROTO_UDP | \
			 1U << PROTO_UDPLITE | 1U << PROTO_RAW)

/*
 * netstat's column widths.  netstat cuts addresses and program names to
 * fit theirs: those columns widen instead, for every row and the header.
 * Numbers, states and users overflow their fields as in netstat's printf,
 * so that every row netstat fits stays byte-identical to it.
 */
#define W_PROTO		5
#define W_QUEUE		6
#define W_ADDR		23
#define W_STATE		11
#define W_USER		10
#define W_INODE		10
#define W_PROG		20
#define W_REFCNT	6
#define W_FLAGS		11
#define W_TYPE		10
#define W_USTATE	13
#define W_UINODE	8

/* The widest the PID/Program name column grows before Timer (-o). */
#define PROG_WIDTH_MAX	64

/* The widths of the Internet columns that widen; the rest are netstat's W_*. */
struct inet_w {
	size_t	 local, foreign, prog;
};

/* The width of the UNIX column that widens (PID/Program name). */
struct unix_w {
	size_t	 prog;
};

/* A growable array of bytes: records or text, read back in order. */
struct vec {
	char	*p;
	size_t	 len, cap;
};

/*
 * One kept Internet row.  An IPv4 row holds its addresses; an IPv6 row
 * the index of its pair in v6.  Nonzero queues, -e and -o fields, and
 * the -p text are in side arrays, read in the same order as the rows.
 */
struct irow {
	uint32_t	 la, ra;
	uint16_t	 lport, rport;
	uint8_t		 proto, state, flags, timer;
};

#define IROW_V6		0x01	/* addresses in v6 */
#define IROW_QUEUES	0x02	/* a struct queues in queues */
#define IROW_UID	0x04	/* ROW_HAS_UID */
#define IROW_TIMER	0x08	/* ROW_HAS_TIMER */

struct queues {
	uint32_t	 r, w;
};

struct ext {			/* -e */
	uint64_t	 inode;
	uint32_t	 uid;
};

struct timers {			/* -o */
	uint64_t	 expires_ms;
	uint32_t	 retrans;
	uint32_t	 probes;
};

/* One kept UNIX row (-p); its program and path text follow in utext. */
struct urow {
	uint64_t	 inode;
	uint32_t	 refcnt;
	uint8_t		 type, state;
};

/*
 * One pass.  ob is written out whenever full; ob.werr keeps the errno of
 * the first failed write.  scratch holds escaped paths and program lists.
 * users caches the User column's names.  numeric: IPv4 rows never widen.
 * The Internet rows wait in irows and its side arrays until inet_done;
 * with -p the UNIX rows wait in urows and utext.
 */
struct table {
	FILE		*out;
	struct options	 o;
	int		 numeric;
	struct inet_w	 iw;
	struct unix_w	 uw;
	size_t		 prog_widest;	/* of the kept Internet rows */
	int		 inet_done, unix_head;
	struct vec	 irows, v6, queues, ext, timers, itext;
	struct vec	 urows, utext;
	unsigned	 detail;	/* EXT_*: a detail line under rows */
	struct vec	 dtext;		/* its text, per kept Internet row */
	struct outbuf	 ob;
	char		*scratch;
	size_t		 scratch_cap;
	struct users	*users;
};

static size_t
max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* Makes scratch hold at least n bytes. */
static int
scratch_reserve(struct table *t, size_t n)
{
	char *p;

	if (n <= t->scratch_cap)
		return 0;
	if ((p = realloc(t->scratch, n)) == NULL)
		return -1;
	t->scratch = p;
	t->scratch_cap = n;
	return 0;
}

/*
 * User name of uid, or the number when none exists (escaped: NSS may
 * serve any bytes).  NULL with errno ENOMEM.
 */
static const char *
user_name(struct table *t, uint32_t uid, char *num)
{
	const char *name;
	size_t n;

	if (users_name(t->users, uid, &name) == -1)
		return NULL;
	return name != NULL ? name : netstat_u64(num, uid, &n);
}

/* The User column; NULL with errno ENOMEM. */
static const char *
user_text(struct table *t, const struct sock_row *r, char *num)
{
	size_t n;

	if (!(r->has & ROW_HAS_UID))
		return "-";
	if (t->o.numeric_users)
		return netstat_u64(num, r->uid, &n);
	return user_name(t, r->uid, num);
}

/*
 * The PID/Program name text (procmap_owners_text, the spelling the
 * column width was measured with) in t->scratch; returns its length, or
 * -1 (ENOMEM).
 */
static ssize_t
prog_text(struct table *t, const struct sock_row *r)
{
	return procmap_owners_text(r->owners, r->nowners, &t->scratch,
	    &t->scratch_cap);
}

/*
 * The Path column: abstract names read "@name" and every NUL '@', as in
 * /proc/net/unix; then every byte goes through util_escape.  Leaves the
 * text in t->scratch; returns its length, or -1 (ENOMEM).
 */
static ssize_t
path_text(struct table *t, const struct sock_row *r)
{
	size_t n = r->path_len, i, esc;
	char *raw;

	if (r->path == NULL || n == 0) {
		if (scratch_reserve(t, 1) == -1)
			return -1;
		t->scratch[0] = '\0';
		return 0;
	}
	esc = UTIL_ESCAPE_MAX(n);
	if (scratch_reserve(t, n + esc) == -1)
		return -1;
	/* The raw copy sits past the escaped text's room. */
	raw = t->scratch + esc;
	for (i = 0; i < n; i++)
		raw[i] = r->path[i] == '\0' ? '@' : r->path[i];
	return (ssize_t)util_escape(t->scratch, esc, raw, n);
}

static int
is_inet(const struct sock_row *r)
{
	return r->proto != PROTO_UNIX &&
	    (r->family == AF_INET || r->family == AF_INET6);
}

/*
 * Which sections to print.  filter_normalize() has already turned
 * -t -u -w -x -4 -6 into protocols as netstat does (-4 alone means every
 * Internet protocol); 0 is still read as "all" for callers that skip it.
 */
static int
want_inet(const struct options *o)
{
	return o->protos == 0 || (o->protos & INET_PROTOS);
}

static int
want_unix(const struct options *o)
{
	return o->protos == 0 || (o->protos & 1U << PROTO_UNIX);
}

static const char *
title_suffix(const struct options *o)
{
	if (o->all)
		return "(servers and established)\n";
	return o->listening ? "(only servers)\n" : "(w/o servers)\n";
}

/* netstat's widths; the program column at least prog wide. */
/*
 * Terminal columns of escaped text: every aligned column's width goes
 * through here.
 */
static size_t
text_cols(const char *s, size_t n)
{
	return outbuf_text_width(s, n);
}

/* Appends n bytes of p to v.  Returns 0, or -1 with errno ENOMEM. */
static int
vec_push(struct vec *v, const void *p, size_t n)
{
	size_t cap;
	char *np;

	if (n > v->cap - v->len) {
		cap = v->cap == 0 ? 4096 : v->cap;
		while (cap - v->len < n)
			cap *= 2;
		if ((np = realloc(v->p, cap)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		v->p = np;
		v->cap = cap;
	}
	memcpy(v->p + v->len, p, n);
	v->len += n;
	return 0;
}

/* Reads the next n bytes of v at *pos into p. */
static void
vec_read(const struct vec *v, size_t *pos, void *p, size_t n)
{
	memcpy(p, v->p + *pos, n);
	*pos += n;
}

static void
vec_free(struct vec *v)
{
	free(v->p);
	memset(v, 0, sizeof(*v));
}

/* Appends a text with its length. */
static int
text_push(struct vec *v, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;

	return vec_push(v, &len, sizeof(len)) == -1 ? -1 :
	    vec_push(v, s, n);
}

/* The next text of v at *pos. */
static const char *
text_next(const struct vec *v, size_t *pos, size_t *n)
{
	uint32_t len;
	const char *s;

	vec_read(v, pos, &len, sizeof(len));
	s = v->p + *pos;
	*pos += len;
	*n = len;
	return s;
}

/*
 * --info, --mem, --extended (issue 15): the detail line, tab-indented
 * right under its row; none when tcpinfo has nothing to say for it.
 * The text is ASCII that tcpinfo_text made safe.
 */
static void
detail_put(struct table *t, const char *s, size_t n)
{
	if (n == 0)
		return;
	outbuf_put(&t->ob, "\t", 1);
	outbuf_put(&t->ob, s, n);
	outbuf_put(&t->ob, "\n", 1);
}

/* Keeps r's detail text in v, to go out with its kept row. */
static int
detail_keep(struct table *t, struct vec *v, const struct sock_row *r)
{
	char buf[TCPINFO_TEXT_MAX];

	return text_push(v, buf, tcpinfo_text(r, t->detail,
	    t->o.numeric_rates, buf, sizeof(buf)));
}

/* Widens the address columns of w to hold r's. */
static int
inet_measure(struct table *t, const struct sock_row *r, struct inet_w *w)
{
	char buf[ADDR_HOSTPORT_MAX];
	int k;

	if ((k = addr_netstat(buf, sizeof(buf), r, 0, &t->o)) == -1)
		return -1;
	w->local = max_sz(w->local, (size_t)k);
	if ((k = addr_netstat(buf, sizeof(buf), r, 1, &t->o)) == -1)
		return -1;
	w->foreign = max_sz(w->foreign, (size_t)k);
	return 0;
}

static void
inet_header(struct table *t, const struct inet_w *w)
{
	outbuf_str(&t->ob, "Active Internet connections ");
	outbuf_str(&t->ob, title_suffix(&t->o));
	outbuf_left(&t->ob, "Proto", 5, W_PROTO);
	outbuf_put(&t->ob, " ", 1);
	outbuf_right(&t->ob, "Recv-Q", 6, W_QUEUE);
	outbuf_put(&t->ob, " ", 1);
	outbuf_right(&t->ob, "Send-Q", 6, W_QUEUE);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, "Local Address", 13, w->local);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, "Foreign Address", 15, w->foreign);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, "State", 5, W_STATE);
	if (t->o.extend) {
		outbuf_put(&t->ob, " ", 1);
		outbuf_left(&t->ob, "User", 4, W_USER);
		outbuf_put(&t->ob, " ", 1);
		outbuf_left(&t->ob, "Inode", 5, W_INODE);
	}
	if (t->o.program) {
		outbuf_put(&t->ob, " ", 1);
		outbuf_left(&t->ob, "PID/Program name", 16, w->prog);
	}
	if (t->o.timers)
		outbuf_str(&t->ob, " Timer");
	outbuf_put(&t->ob, "\n", 1);
}

/*
 * One Internet row; prog is its PID/Program name text (-p).  Text wider
 * than its column is written whole.
 */
static int
inet_line(struct table *t, const struct sock_row *r, const char *prog,
    size_t plen, const struct inet_w *w)
{
	char buf[ADDR_HOSTPORT_MAX], num[24];
	const char *u, *proto;
	int k;

	if ((proto = names_proto(r->proto, r->family)) == NULL)
		proto = "?";
	outbuf_left(&t->ob, proto, strlen(proto), W_PROTO);
	outbuf_put(&t->ob, " ", 1);
	outbuf_u64(&t->ob, r->rqueue, W_QUEUE, 1);
	outbuf_put(&t->ob, " ", 1);
	outbuf_u64(&t->ob, r->wqueue, W_QUEUE, 1);
	outbuf_put(&t->ob, " ", 1);
	if ((k = addr_netstat(buf, sizeof(buf), r, 0, &t->o)) == -1)
		return -1;
	outbuf_left(&t->ob, buf, (size_t)k, w->local);
	outbuf_put(&t->ob, " ", 1);
	if ((k = addr_netstat(buf, sizeof(buf), r, 1, &t->o)) == -1)
		return -1;
	outbuf_left(&t->ob, buf, (size_t)k, w->foreign);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, buf, netstat_inet_state(r, buf, sizeof(buf)),
	    W_STATE);
	if (t->o.extend) {
		if ((u = user_text(t, r, num)) == NULL)
			return -1;
		outbuf_put(&t->ob, " ", 1);
		outbuf_text(&t->ob, u, strlen(u), W_USER);
		outbuf_put(&t->ob, " ", 1);
		outbuf_u64(&t->ob, r->inode, W_INODE, 0);
	}
	if (t->o.program) {
		outbuf_put(&t->ob, " ", 1);
		outbuf_text(&t->ob, prog, plen, w->prog);
	}
	if (t->o.timers) {
		outbuf_put(&t->ob, " ", 1);
		outbuf_put(&t->ob, buf, netstat_timer(r, buf, sizeof(buf)));
	}
	outbuf_put(&t->ob, "\n", 1);
	return 0;
}

/*
 * Keeps an Internet row until its section ends: the record, what only
 * some rows or options have in the side arrays, and its widths.
 */
static int
inet_keep(struct table *t, const struct sock_row *r)
{
	struct irow k;
	struct queues q;
	struct ext e;
	struct timers tm;
	ssize_t n;

	memset(&k, 0, sizeof(k));
	k.lport = r->lport;
	k.rport = r->rport;
	k.proto = r->proto;
	k.state = r->state;
	k.timer = r->timer;
	if (r->family == AF_INET6) {
		k.flags |= IROW_V6;
		k.la = (uint32_t)(t->v6.len / (2 * sizeof(struct in6_addr)));
		if (vec_push(&t->v6, &r->laddr.v6, sizeof(r->laddr.v6)) == -1 ||
		    vec_push(&t->v6, &r->raddr.v6, sizeof(r->raddr.v6)) == -1)
			return -1;
	} else {
		k.la = r->laddr.v4.s_addr;
		k.ra = r->raddr.v4.s_addr;
	}
	if (r->rqueue != 0 || r->wqueue != 0) {
		k.flags |= IROW_QUEUES;
		q.r = r->rqueue;
		q.w = r->wqueue;
		if (vec_push(&t->queues, &q, sizeof(q)) == -1)
			return -1;
	}
	if (r->has & ROW_HAS_UID)
		k.flags |= IROW_UID;
	if (r->has & ROW_HAS_TIMER)
		k.flags |= IROW_TIMER;
	if (t->o.extend) {
		memset(&e, 0, sizeof(e));
		e.inode = r->inode;
		e.uid = r->uid;
		if (vec_push(&t->ext, &e, sizeof(e)) == -1)
			return -1;
	}
	if (t->o.timers) {
		memset(&tm, 0, sizeof(tm));
		tm.expires_ms = r->expires_ms;
		tm.retrans = r->retrans;
		tm.probes = r->probes;
		if (vec_push(&t->timers, &tm, sizeof(tm)) == -1)
			return -1;
	}
	if (t->o.program) {
		if ((n = prog_text(t, r)) == -1 ||
		    text_push(&t->itext, t->scratch, (size_t)n) == -1)
			return -1;
		/* Last in its line (no -o), the column never widens. */
		if (t->o.timers)
			t->prog_widest = max_sz(t->prog_widest,
			    text_cols(t->scratch, (size_t)n));
	}
	if ((!t->numeric || r->family != AF_INET) &&
	    inet_measure(t, r, &t->iw) == -1)
		return -1;
	if (t->detail && detail_keep(t, &t->dtext, r) == -1)
		return -1;
	return vec_push(&t->irows, &k, sizeof(k));
}

/* The row a kept record stands for, its side arrays read at *c. */
struct icursor {
	size_t	 q, e, tm, text;
};

static void
inet_load(const struct table *t, const struct irow *k, struct icursor *c,
    struct sock_row *r)
{
	struct queues q;
	struct ext e;
	struct timers tm;

	memset(r, 0, sizeof(*r));
	r->proto = k->proto;
	r->state = k->state;
	r->timer = k->timer;
	r->lport = k->lport;
	r->rport = k->rport;
	if (k->flags & IROW_V6) {
		r->family = AF_INET6;
		memcpy(&r->laddr.v6, t->v6.p + (size_t)k->la * 2 *
		    sizeof(struct in6_addr), sizeof(r->laddr.v6));
		memcpy(&r->raddr.v6, t->v6.p + ((size_t)k->la * 2 + 1) *
		    sizeof(struct in6_addr), sizeof(r->raddr.v6));
	} else {
		r->family = AF_INET;
		r->laddr.v4.s_addr = k->la;
		r->raddr.v4.s_addr = k->ra;
	}
	if (k->flags & IROW_QUEUES) {
		vec_read(&t->queues, &c->q, &q, sizeof(q));
		r->rqueue = q.r;
		r->wqueue = q.w;
	}
	if (k->flags & IROW_UID)
		r->has |= ROW_HAS_UID;
	if (k->flags & IROW_TIMER)
		r->has |= ROW_HAS_TIMER;
	if (t->o.extend) {
		vec_read(&t->ext, &c->e, &e, sizeof(e));
		r->inode = e.inode;
		r->uid = e.uid;
	}
	if (t->o.timers) {
		vec_read(&t->timers, &c->tm, &tm, sizeof(tm));
		r->expires_ms = tm.expires_ms;
		r->retrans = tm.retrans;
		r->probes = tm.probes;
	}
}

static void
inet_release(struct table *t)
{
	vec_free(&t->irows);
	vec_free(&t->v6);
	vec_free(&t->queues);
	vec_free(&t->ext);
	vec_free(&t->timers);
	vec_free(&t->itext);
	vec_free(&t->dtext);
}

/*
 * Ends the Internet section: its header at the widths measured, then
 * every kept row, then the arrays go.  Once only.
 */
static int
inet_flush(struct table *t)
{
	struct icursor c;
	struct irow k;
	struct sock_row r;
	const char *prog = NULL, *d;
	size_t pos, plen = 0, dpos = 0, dlen;
	int rc = 0;

	if (t->inet_done)
		return 0;
	t->inet_done = 1;
	if (!want_inet(&t->o))
		return 0;
	/* A socket shared by a hundred workers must not pad every row. */
	t->iw.prog = max_sz(W_PROG, t->prog_widest > PROG_WIDTH_MAX ?
	    PROG_WIDTH_MAX : t->prog_widest);
	inet_header(t, &t->iw);
	memset(&c, 0, sizeof(c));
	for (pos = 0; rc == 0 && pos < t->irows.len; ) {
		vec_read(&t->irows, &pos, &k, sizeof(k));
		inet_load(t, &k, &c, &r);
		if (t->o.program)
			prog = text_next(&t->itext, &c.text, &plen);
		rc = inet_line(t, &r, prog, plen, &t->iw);
		if (t->detail) {
			d = text_next(&t->dtext, &dpos, &dlen);
			detail_put(t, d, dlen);
		}
	}
	inet_release(t);
	return rc;
}

static void
unix_header(struct table *t, const struct unix_w *w)
{
	outbuf_str(&t->ob, "Active UNIX domain sockets ");
	outbuf_str(&t->ob, title_suffix(&t->o));
	outbuf_str(&t->ob, "Proto ");
	outbuf_left(&t->ob, "RefCnt", 6, W_REFCNT);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, "Flags", 5, W_FLAGS);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, "Type", 4, W_TYPE);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, "State", 5, W_USTATE);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, "I-Node", 6, W_UINODE);
	if (t->o.program) {
		outbuf_put(&t->ob, " ", 1);
		outbuf_left(&t->ob, "PID/Program name", 16, w->prog);
	}
	outbuf_str(&t->ob, " Path\n");
}

/*
 * One UNIX row: the fixed columns from r, then prog (-p) and path as
 * escaped text.
 */
static void
unix_line(struct table *t, const struct sock_row *r, const char *prog,
    size_t plen, const char *path, size_t pathlen, const struct unix_w *w)
{
	char buf[32];

	outbuf_str(&t->ob, "unix  ");
	outbuf_u64(&t->ob, r->refcnt, W_REFCNT, 0);
	outbuf_put(&t->ob, " ", 1);
	if (r->state == ST_LISTEN)
		outbuf_left(&t->ob, "[ ACC ]", 7, W_FLAGS);
	else
		outbuf_left(&t->ob, "[ ]", 3, W_FLAGS);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, buf, netstat_unix_type(r, buf, sizeof(buf)),
	    W_TYPE);
	outbuf_put(&t->ob, " ", 1);
	outbuf_left(&t->ob, buf, netstat_unix_state(r, buf, sizeof(buf)),
	    W_USTATE);
	outbuf_put(&t->ob, " ", 1);
	outbuf_u64(&t->ob, r->inode, W_UINODE, 0);
	if (t->o.program) {
		outbuf_put(&t->ob, " ", 1);
		outbuf_text(&t->ob, prog, plen, w->prog);
	}
	outbuf_put(&t->ob, " ", 1);
	outbuf_put(&t->ob, path, pathlen);
	outbuf_put(&t->ob, "\n", 1);
}

/* The UNIX header, before the first UNIX line or at the end. */
static void
unix_head(struct table *t)
{
	if (!t->unix_head && want_unix(&t->o))
		unix_header(t, &t->uw);
	t->unix_head = 1;
}

/* A UNIX row printed at once (no -p: no column of it widens). */
static int
unix_stream(struct table *t, const struct sock_row *r)
{
	ssize_t n;

	if ((n = path_text(t, r)) == -1)
		return -1;
	unix_head(t);
	unix_line(t, r, NULL, 0, t->scratch, (size_t)n, &t->uw);
	if (t->detail) {
		char buf[TCPINFO_TEXT_MAX];

		detail_put(t, buf, tcpinfo_text(r, t->detail,
		    t->o.numeric_rates, buf, sizeof(buf)));
	}
	return 0;
}

/* A UNIX row kept until the end (-p): record, program, path; width. */
static int
unix_keep(struct table *t, const struct sock_row *r)
{
	struct urow u;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	u.inode = r->inode;
	u.refcnt = r->refcnt;
	u.type = r->type;
	u.state = r->state;
	if (vec_push(&t->urows, &u, sizeof(u)) == -1 ||
	    (n = prog_text(t, r)) == -1 ||
	    text_push(&t->utext, t->scratch, (size_t)n) == -1)
		return -1;
	t->uw.prog = max_sz(t->uw.prog, text_cols(t->scratch, (size_t)n));
	if ((n = path_text(t, r)) == -1 ||
	    text_push(&t->utext, t->scratch, (size_t)n) == -1)
		return -1;
	if (t->detail && detail_keep(t, &t->utext, r) == -1)
		return -1;
	return 0;
}

/* The kept UNIX rows (-p), at the width measured. */
static void
unix_flush(struct table *t)
{
	struct urow u;
	struct sock_row r;
	const char *prog, *path, *d;
	size_t pos, tpos = 0, plen, pathlen, dlen;

	unix_head(t);
	for (pos = 0; pos < t->urows.len; ) {
		vec_read(&t->urows, &pos, &u, sizeof(u));
		memset(&r, 0, sizeof(r));
		r.family = AF_UNIX;
		r.proto = PROTO_UNIX;
		r.inode = u.inode;
		r.refcnt = u.refcnt;
		r.type = u.type;
		r.state = u.state;
		prog = text_next(&t->utext, &tpos, &plen);
		path = text_next(&t->utext, &tpos, &pathlen);
		unix_line(t, &r, prog, plen, path, pathlen, &t->uw);
		if (t->detail) {
			d = text_next(&t->utext, &tpos, &dlen);
			detail_put(t, d, dlen);
		}
	}
	vec_free(&t->urows);
	vec_free(&t->utext);
}

static void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	inet_release(t);
	vec_free(&t->urows);
	vec_free(&t->utext);
	users_free(t->users);
	free(t->scratch);
	outbuf_free(&t->ob);
	free(t);
}

static void *
table_begin(FILE *out, const struct options *o)
{
	struct table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->out = out;
	t->o = *o;
	/* Only then is an IPv4 address known to fit netstat's column. */
	t->numeric = o->numeric_ports && !o->resolve;
	t->iw.local = t->iw.foreign = W_ADDR;
	t->iw.prog = W_PROG;
	t->uw.prog = W_PROG;
	t->detail = tcpinfo_wanted(o);
	if (outbuf_init(&t->ob, out, OUTBUF_SIZE) == -1 ||
	    (t->users = users_new()) == NULL) {
		table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

/*
 * Rows arrive selected and in section order (Internet, then UNIX): the
 * Internet ones are kept, the first UNIX one ends their section.
 */
static int
table_row(void *st, const struct sock_row *r)
{
	struct table *t = st;

	/* A reader gone (| head) stops the dump instead of feeding it. */
	if (t->ob.werr != 0) {
		errno = t->ob.werr;
		return -1;
	}
	if (is_inet(r))
		return want_inet(&t->o) && !t->inet_done ? inet_keep(t, r) : 0;
	if (r->proto != PROTO_UNIX || !want_unix(&t->o))
		return 0;
	if (inet_flush(t) == -1)
		return -1;
	return t->o.program ? unix_keep(t, r) : unix_stream(t, r);
}

static int
table_end(void *st)
{
	struct table *t = st;
	int rc = 0, save_errno = 0;

	if (inet_flush(t) == -1) {
		rc = -1;
		save_errno = errno;
	} else {
		unix_flush(t);
		outbuf_flush(&t->ob);
		if (t->ob.werr == 0 && fflush(t->out) == EOF)
			t->ob.werr = errno != 0 ? errno : EIO;
		if (t->ob.werr != 0) {
			rc = -1;
			save_errno = t->ob.werr;
		}
	}
	table_free(t);
	if (rc == -1)
		errno = save_errno;
	return rc;
}

const struct formatter fmt_table = {
	.name = "table",
	.begin = table_begin,
	.row = table_row,
	.end = table_end,
	.needs = ROW_HAS_REFCNT,
};
