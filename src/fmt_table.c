/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_table.c - the netstat face: netstat -an, -e, -o and -p columns,
 * byte for byte where netstat's columns hold the text.  Where netstat
 * would cut (long IPv6 addresses, program lists) the column grows for
 * every row and for the header instead, so the widths must be known
 * before the first line of a section.
 *
 * This file alone knows its columns.  A kept Internet row is a plain
 * 16-byte record of what its columns print, with side arrays for what
 * only some rows or options have (IPv6 addresses, nonzero queues, -e,
 * -o, the -p text); the widening columns are measured as rows come.
 *
 * With numeric ports and no DNS an IPv4 address never passes netstat's
 * 23 columns, so once every IPv6 row has been measured the widths are
 * final: the face asks the pipeline for the IPv6 dumps first
 * (FMT_INET6_FIRST), keeps only those rows, and prints each IPv4 row as
 * it comes, the kept IPv6 rows of a protocol going out before the IPv4
 * rows of the next, in netstat's order.  Memory stays that of the IPv6
 * rows and the output overlaps the dump.  Otherwise (names, -p with -o,
 * --sort replaying rows in its own order) the whole section is kept
 * until it ends (the first UNIX row, or end()).  The UNIX section is
 * table_unix.c's.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "addrset.h"
#include "bytevec.h"
#include "fmt.h"
#include "names.h"
#include "netstat_text.h"
#include "procmap.h"
#include "outbuf.h"
#include "table_unix.h"
#include "tcpinfo.h"
#include "textwidth.h"
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

/* The widest the PID/Program name column grows before Timer (-o). */
#define PROG_WIDTH_MAX	64

/* The widths of the Internet columns that widen; the rest are netstat's W_*. */
struct inet_w {
	size_t	 local, foreign, prog;
};

/*
 * One kept Internet row.  An IPv4 row holds its addresses; an IPv6 row
 * their indexes in v6 (addrset.h).  Nonzero queues, -e and -o fields, and
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

/* Where the side arrays of the next kept row are read. */
struct icursor {
	size_t	 q, e, tm, text, ns;
};

/*
 * One pass.  ob is written out whenever full; ob.werr keeps the errno of
 * the first failed write.  scratch holds a row's program list.
 * users caches the User column's names.  numeric: IPv4 rows never widen.
 * The Internet rows wait in irows and its side arrays until inet_done;
 * then the rows go to the UNIX section, ux.
 */
struct table {
	FILE		*out;
	struct options	 o;
	int		 numeric;
	struct inet_w	 iw;
	size_t		 prog_widest;	/* of the kept Internet rows */
	int		 stream;	/* IPv4 rows print as they come */
	int		 measured;	/* and IPv6 rows: a first dump of
					   them sized the columns */
	int		 header_done;	/* the Internet header is out */
	int		 inet_done;
	struct bytevec	 irows, queues, ext, timers, itext;
	struct addrset	 v6;		/* the IPv6 rows' addresses */
	struct bytevec	 nsrefs;	/* --all-netns: each row's netns */
	int		 detail;	/* --info, --mem, --extended */
	struct bytevec	 dtext;		/* their line per kept row */
	/*
	 * Kept rows of each family and protocol, and whether they are
	 * out: they print in netstat's order whatever order the dumps
	 * ran in, or in arrival order when --sort ordered them.
	 */
	size_t		 nkept[2][PROTO_UNIX];	/* [IPv6][proto] */
	int		 printed[2][PROTO_UNIX];
	int		 as_kept;
	struct table_unix ux;
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

/* Room for a login name escaped (util_esc); longer ones are cut. */
#define USER_TEXT_MAX	UTIL_ESCAPE_MAX(256)

/*
 * The User column: "-" without a uid, else the login name escaped into
 * ubuf (USER_TEXT_MAX bytes; NSS may serve any bytes), or the number in
 * num when there is none or -n asks.  NULL with errno ENOMEM.
 */
static const char *
user_text(struct table *t, const struct sock_row *r, char *ubuf, char *num)
{
	const char *name;
	size_t n;

	if (!(r->has & ROW_HAS_UID))
		return "-";
	if (t->o.numeric_users)
		return netstat_u64(num, r->uid, &n);
	if (users_name(t->users, r->uid, &name) == -1)
		return NULL;
	if (name == NULL)
		return netstat_u64(num, r->uid, &n);
	return util_esc(ubuf, USER_TEXT_MAX, name);
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

static int
is_inet(const struct sock_row *r)
{
	return r->proto != PROTO_UNIX &&
	    (r->family == AF_INET || r->family == AF_INET6);
}

/*
 * Whether the Internet section is printed.  filter_normalize() has
 * already turned -t -u -w -x -4 -6 into protocols as netstat does (-4
 * alone means every Internet protocol); 0 is still read as "all" for
 * callers that skip it.
 */
static int
want_inet(const struct options *o)
{
	return o->protos == 0 || (o->protos & INET_PROTOS);
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
	outbuf_str(&t->ob, netstat_title_suffix(&t->o));
	netstat_netns_cell(&t->ob, &t->o, NULL, 1);
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
	char buf[ADDR_HOSTPORT_MAX], num[24], ubuf[USER_TEXT_MAX];
	const char *u, *proto;
	int k;

	if ((proto = names_proto(r->proto, r->family)) == NULL)
		proto = "?";
	netstat_netns_cell(&t->ob, &t->o, r->netns, 0);
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
		if ((u = user_text(t, r, ubuf, num)) == NULL)
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

	t->nkept[r->family == AF_INET6][r->proto]++;
	memset(&k, 0, sizeof(k));
	k.lport = r->lport;
	k.rport = r->rport;
	k.proto = r->proto;
	k.state = r->state;
	k.timer = r->timer;
	if (r->family == AF_INET6) {
		k.flags |= IROW_V6;
		if (addrset_put(&t->v6, &r->laddr.v6, &k.la) == -1 ||
		    addrset_put(&t->v6, &r->raddr.v6, &k.ra) == -1)
			return -1;
	} else {
		k.la = r->laddr.v4.s_addr;
		k.ra = r->raddr.v4.s_addr;
	}
	if (r->rqueue != 0 || r->wqueue != 0) {
		k.flags |= IROW_QUEUES;
		q.r = r->rqueue;
		q.w = r->wqueue;
		if (bytevec_push(&t->queues, &q, sizeof(q)) == -1)
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
		if (bytevec_push(&t->ext, &e, sizeof(e)) == -1)
			return -1;
	}
	if (t->o.all_netns &&
	    bytevec_push(&t->nsrefs, &r->netns, sizeof(r->netns)) == -1)
		return -1;
	if (t->o.timers) {
		memset(&tm, 0, sizeof(tm));
		tm.expires_ms = r->expires_ms;
		tm.retrans = r->retrans;
		tm.probes = r->probes;
		if (bytevec_push(&t->timers, &tm, sizeof(tm)) == -1)
			return -1;
	}
	if (t->o.program) {
		if ((n = prog_text(t, r)) == -1 ||
		    bytevec_push_text(&t->itext, t->scratch, (size_t)n) == -1)
			return -1;
		/* Last in its line (no -o), the column never widens. */
		if (t->o.timers)
			t->prog_widest = max_sz(t->prog_widest,
			    textwidth(t->scratch, (size_t)n));
	}
	if ((!t->numeric || r->family != AF_INET) &&
	    inet_measure(t, r, &t->iw) == -1)
		return -1;
	if (t->detail && tcpinfo_line_keep(&t->dtext, r, &t->o) == -1)
		return -1;
	return bytevec_push(&t->irows, &k, sizeof(k));
}

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
		r->laddr.v6 = *addrset_get(&t->v6, k->la);
		r->raddr.v6 = *addrset_get(&t->v6, k->ra);
	} else {
		r->family = AF_INET;
		r->laddr.v4.s_addr = k->la;
		r->raddr.v4.s_addr = k->ra;
	}
	if (k->flags & IROW_QUEUES) {
		bytevec_read(&t->queues, &c->q, &q, sizeof(q));
		r->rqueue = q.r;
		r->wqueue = q.w;
	}
	if (k->flags & IROW_UID)
		r->has |= ROW_HAS_UID;
	if (k->flags & IROW_TIMER)
		r->has |= ROW_HAS_TIMER;
	if (t->o.extend) {
		bytevec_read(&t->ext, &c->e, &e, sizeof(e));
		r->inode = e.inode;
		r->uid = e.uid;
	}
	if (t->o.all_netns)
		bytevec_read(&t->nsrefs, &c->ns, &r->netns, sizeof(r->netns));
	if (t->o.timers) {
		bytevec_read(&t->timers, &c->tm, &tm, sizeof(tm));
		r->expires_ms = tm.expires_ms;
		r->retrans = tm.retrans;
		r->probes = tm.probes;
	}
}

static void
inet_release(struct table *t)
{
	bytevec_free(&t->irows);
	addrset_free(&t->v6);
	bytevec_free(&t->queues);
	bytevec_free(&t->ext);
	bytevec_free(&t->timers);
	bytevec_free(&t->itext);
	bytevec_free(&t->dtext);
	bytevec_free(&t->nsrefs);
}

/* The Internet header at the widths measured so far.  Once only. */
static void
inet_open(struct table *t)
{
	if (t->header_done)
		return;
	t->header_done = 1;
	/* A socket shared by a hundred workers must not pad every row. */
	t->iw.prog = max_sz(W_PROG, t->prog_widest > PROG_WIDTH_MAX ?
	    PROG_WIDTH_MAX : t->prog_widest);
	inet_header(t, &t->iw);
}

/*
 * Prints the kept rows of family v6 (0 or 1) and protocol proto, or all
 * of them when proto is PROTO_UNIX: one walk over every kept row, the
 * side arrays read for each so that their cursors keep pace.
 */
static int
inet_print(struct table *t, int v6, unsigned proto)
{
	struct icursor c;
	struct irow k;
	struct sock_row r;
	const char *prog = NULL;
	size_t pos = 0, dpos = 0, plen = 0, skip;
	int all = proto == PROTO_UNIX, want;

	memset(&c, 0, sizeof(c));
	while (pos < t->irows.len) {
		bytevec_read(&t->irows, &pos, &k, sizeof(k));
		inet_load(t, &k, &c, &r);
		if (t->o.program)
			prog = bytevec_next_text(&t->itext, &c.text, &plen);
		want = all || (k.proto == proto &&
		    !!(k.flags & IROW_V6) == v6);
		if (want && inet_line(t, &r, prog, plen, &t->iw) == -1)
			return -1;
		if (t->detail && want)
			tcpinfo_line_next(&t->ob, &t->dtext, &dpos);
		else if (t->detail)
			(void)bytevec_next_text(&t->dtext, &dpos, &skip);
	}
	return 0;
}

/*
 * Prints, in netstat's order, the kept rows not yet printed of the
 * protocols before upto (PROTO_UNIX: all of them): IPv4 then IPv6 for
 * each; or, rows sorted, every row as it came, at the end.
 */
static int
inet_replay(struct table *t, unsigned upto)
{
	unsigned proto;
	int v6;

	if (t->as_kept)
		return upto == PROTO_UNIX ? inet_print(t, 0, PROTO_UNIX) : 0;
	for (proto = 0; proto < upto; proto++)
		for (v6 = 0; v6 < 2; v6++) {
			if (t->printed[v6][proto] || t->nkept[v6][proto] == 0)
				continue;
			t->printed[v6][proto] = 1;
			if (inet_print(t, v6, proto) == -1)
				return -1;
		}
	return 0;
}

/*
 * An IPv4 row while streaming: every IPv6 row has been measured, so the
 * header can go, then the kept rows of the protocols before r's, then r.
 */
static int
inet_stream(struct table *t, const struct sock_row *r)
{
	const char *prog = NULL;
	ssize_t n = 0;

	inet_open(t);
	if (inet_replay(t, r->proto) == -1)
		return -1;
	if (t->o.program) {
		if ((n = prog_text(t, r)) == -1)
			return -1;
		prog = t->scratch;
	}
	if (inet_line(t, r, prog, (size_t)n, &t->iw) == -1)
		return -1;
	if (t->detail)
		tcpinfo_line_write(&t->ob, r, &t->o);
	return 0;
}

/*
 * Ends the Internet section: the header if no row has printed it, every
 * kept row left, then the arrays go.  Once only.
 */
static int
inet_flush(struct table *t)
{
	int rc;

	if (t->inet_done)
		return 0;
	t->inet_done = 1;
	if (!want_inet(&t->o))
		return 0;
	inet_open(t);
	rc = inet_replay(t, PROTO_UNIX);
	inet_release(t);
	return rc;
}

static void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	inet_release(t);
	table_unix_free(&t->ux);
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
	t->detail = tcpinfo_wanted(o) != 0;
	/*
	 * IPv4 rows stream when nothing of theirs can widen a column: no
	 * names, no -p text measured for a Timer column after it, and
	 * rows in the pipeline's order (--sort replays its own; with a
	 * kernel filter or --all-netns TCP comes in one dump of both
	 * families).
	 */
	t->as_kept = o->sort[0] != 0;
	t->stream = t->numeric && !(o->program && o->timers) &&
	    !t->as_kept && !fmt_tcp_joined(o);
	/*
	 * A detail line (--info...) is some 400 bytes to keep per IPv6
	 * row: cheaper to dump IPv6 twice, once to size the columns.
	 */
	t->measured = t->stream && t->detail;
	if (outbuf_init(&t->ob, out, OUTBUF_SIZE) == -1 ||
	    (t->users = users_new()) == NULL) {
		table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	table_unix_init(&t->ux, &t->o, &t->ob);
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
	if (is_inet(r)) {
		if (!want_inet(&t->o) || t->inet_done)
			return 0;
		if (t->stream && (r->family == AF_INET || t->measured))
			return inet_stream(t, r);
		return inet_keep(t, r);
	}
	if (r->proto != PROTO_UNIX || !table_unix_wanted(&t->o))
		return 0;
	if (inet_flush(t) == -1)
		return -1;
	return table_unix_row(&t->ux, r);
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
		table_unix_end(&t->ux);
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

/* The Internet section ends before the UNIX dump (fmt.h). */
static int
table_unix_next(void *st)
{
	return inet_flush(st);
}

/* The pipeline's order for this pass (fmt.h). */
static unsigned
table_pass_order(void *st)
{
	struct table *t = st;

	return FMT_TCP_JOINED | (t->measured ? FMT_INET6_MEASURE :
	    FMT_INET6_FIRST);
}

/* A row of the measuring dumps: only its widths are taken. */
static int
table_measure(void *st, const struct sock_row *r)
{
	struct table *t = st;

	if (!is_inet(r) || r->family != AF_INET6 || t->inet_done)
		return 0;
	return inet_measure(t, r, &t->iw);
}

const struct formatter fmt_table = {
	.name = "table",
	.begin = table_begin,
	.row = table_row,
	.end = table_end,
	.needs = ROW_HAS_REFCNT,
	.order = FMT_INET6_FIRST | FMT_TCP_JOINED,
	.pass_order = table_pass_order,
	.measure = table_measure,
	.unix_next = table_unix_next,
};
