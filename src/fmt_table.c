/*
 * fmt_table.c - the netstat face: netstat -an, -e, -o and -p columns,
 * byte for byte where netstat's columns hold the text.  Where netstat
 * would cut (long IPv6 addresses, program lists) the column grows for
 * every row and for the header instead, so the widths must be known
 * before the first line.
 *
 * Two ways to know them.  With numeric ports and no DNS (-n, the common
 * and the big case) an IPv4 address never passes netstat's 23 columns:
 * only IPv6 rows can widen the addresses, and the caller shows those
 * first through measure(); the program column comes sized from the
 * owner map (options.prog_width).  Rows are then printed as they arrive,
 * and the pass holds one output buffer, not the rows.  Otherwise (port
 * names, host names) any row may widen, and every row is kept until
 * end() to size the columns over all of them.
 *
 * The caller normally keeps the measured rows and hands those same rows
 * to row(), so the widths hold for every line.  Only past the caller's
 * cap (an IPv6-heavy host) does it dump them again, and then a socket
 * created between the two dumps with an address wider than any measured
 * is printed whole but pushes the rest of its line out of the column.
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
#include "outbuf.h"
#include "rowvec.h"
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

/* The widths of the Internet columns that widen; the rest are netstat's W_*. */
struct inet_w {
	size_t	 local, foreign, prog;
};

/* The width of the UNIX column that widens (PID/Program name). */
struct unix_w {
	size_t	 prog;
};

/*
 * One pass.  buf is written out whenever full; werr keeps the errno of
 * the first failed write.  scratch holds escaped paths and program lists.
 * users caches the User column's names.
 * rows is NULL when the pass streams; then iw and uw are the widths from
 * begin() and measure(), and inet_head, unix_head say which section
 * headers are out.
 */
struct table {
	FILE		*out;
	struct options	 o;
	struct rowvec	*rows;
	struct inet_w	 iw;
	struct unix_w	 uw;
	int		 inet_head, unix_head;
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
static void
inet_widths_init(struct inet_w *w, size_t prog)
{
	w->local = w->foreign = W_ADDR;
	w->prog = max_sz(W_PROG, prog);
}

static void
unix_widths_init(struct unix_w *w)
{
	w->prog = W_PROG;
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

/* Sizes the Internet columns over every kept row. */
static int
inet_widths(struct table *t, struct inet_w *w)
{
	const struct sock_row *r;
	size_t i, nrows = rowvec_len(t->rows);
	ssize_t n;

	inet_widths_init(w, 0);
	for (i = 0; i < nrows; i++) {
		r = rowvec_get(t->rows, i);
		if (!is_inet(r))
			continue;
		if (inet_measure(t, r, w) == -1)
			return -1;
		if (t->o.program && t->o.timers) {
			if ((n = prog_text(t, r)) == -1)
				return -1;
			w->prog = max_sz(w->prog,
			    outbuf_text_width(t->scratch, (size_t)n));
		}
	}
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

/* One Internet row; text wider than its column is written whole. */
static int
inet_line(struct table *t, const struct sock_row *r, const struct inet_w *w)
{
	char buf[ADDR_HOSTPORT_MAX], num[24];
	const char *u, *proto;
	ssize_t n;
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
		if ((n = prog_text(t, r)) == -1)
			return -1;
		outbuf_put(&t->ob, " ", 1);
		outbuf_text(&t->ob, t->scratch, (size_t)n, w->prog);
	}
	if (t->o.timers) {
		outbuf_put(&t->ob, " ", 1);
		outbuf_put(&t->ob, buf, netstat_timer(r, buf, sizeof(buf)));
	}
	outbuf_put(&t->ob, "\n", 1);
	return 0;
}

/* The whole Internet section from the kept rows. */
static int
inet_print(struct table *t)
{
	const struct sock_row *r;
	size_t i, nrows = rowvec_len(t->rows);

	if (inet_widths(t, &t->iw) == -1)
		return -1;
	inet_header(t, &t->iw);
	for (i = 0; i < nrows; i++) {
		r = rowvec_get(t->rows, i);
		if (is_inet(r) && inet_line(t, r, &t->iw) == -1)
			return -1;
	}
	return 0;
}

/* Sizes the UNIX columns over every kept row. */
static int
unix_widths(struct table *t, struct unix_w *w)
{
	const struct sock_row *r;
	size_t i, nrows = rowvec_len(t->rows);
	ssize_t n;

	unix_widths_init(w);
	for (i = 0; i < nrows; i++) {
		r = rowvec_get(t->rows, i);
		if (r->proto != PROTO_UNIX)
			continue;
		if (t->o.program) {
			if ((n = prog_text(t, r)) == -1)
				return -1;
			w->prog = max_sz(w->prog,
			    outbuf_text_width(t->scratch, (size_t)n));
		}
	}
	return 0;
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

static int
unix_line(struct table *t, const struct sock_row *r, const struct unix_w *w)
{
	char buf[32];
	ssize_t n;

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
		if ((n = prog_text(t, r)) == -1)
			return -1;
		outbuf_put(&t->ob, " ", 1);
		outbuf_text(&t->ob, t->scratch, (size_t)n, w->prog);
	}
	outbuf_put(&t->ob, " ", 1);
	if ((n = path_text(t, r)) == -1)
		return -1;
	outbuf_put(&t->ob, t->scratch, (size_t)n);
	outbuf_put(&t->ob, "\n", 1);
	return 0;
}

/* The whole UNIX section from the kept rows. */
static int
unix_print(struct table *t)
{
	const struct sock_row *r;
	size_t i, nrows = rowvec_len(t->rows);

	if (unix_widths(t, &t->uw) == -1)
		return -1;
	unix_header(t, &t->uw);
	for (i = 0; i < nrows; i++) {
		r = rowvec_get(t->rows, i);
		if (r->proto == PROTO_UNIX && unix_line(t, r, &t->uw) == -1)
			return -1;
	}
	return 0;
}

/*
 * Streaming: each section header goes out before its first row, or at
 * the end for an empty section; the Internet one always comes first.
 */
static void
stream_inet_head(struct table *t)
{
	if (!t->inet_head && want_inet(&t->o))
		inet_header(t, &t->iw);
	t->inet_head = 1;
}

static void
stream_unix_head(struct table *t)
{
	stream_inet_head(t);
	if (!t->unix_head && want_unix(&t->o))
		unix_header(t, &t->uw);
	t->unix_head = 1;
}

static void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	users_free(t->users);
	free(t->scratch);
	outbuf_free(&t->ob);
	rowvec_free(t->rows);
	free(t);
}

static void *
table_begin(FILE *out, const struct options *o)
{
	struct table *t;
	int stream;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->out = out;
	t->o = *o;
	/*
	 * Only with numeric ports and hosts is an IPv4 address known to
	 * fit netstat's column: then stream, else keep every row.
	 */
	stream = o->numeric_ports && !o->resolve;
	/*
	 * Last in its line (no -o), the program column need not widen: a
	 * longer list runs on past it, as netstat's printf would, and every
	 * other row keeps netstat's bytes.  Before Timer or Path it widens.
	 */
	inet_widths_init(&t->iw, o->program && o->timers && stream ?
	    o->prog_width : 0);
	/* The UNIX rows are measured (table_measure): their own width. */
	unix_widths_init(&t->uw);
	if (outbuf_init(&t->ob, out, OUTBUF_SIZE) == -1 ||
	    (t->users = users_new()) == NULL ||
	    (!stream && (t->rows = rowvec_new()) == NULL)) {
		table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

/*
 * Streaming needs the IPv6 rows first (IPv4 ones always fit) and, with
 * -p, the UNIX rows, whose program column comes before Path.
 */
static unsigned
table_measure_families(void *st)
{
	struct table *t = st;
	unsigned fams = 0;

	if (t->rows != NULL)
		return 0;
	if (want_inet(&t->o))
		fams |= FAM_INET6;
	if (t->o.program && want_unix(&t->o))
		fams |= FAM_UNIX;
	return fams;
}

/*
 * Clears what no column of this pass shows of an Internet row, for the
 * caller that keeps measured rows: zeros pack to nearly nothing.  The
 * inode stays while -p looks owners up by it.
 */
static void
inet_trim(const struct options *o, struct sock_row *r)
{
	r->cookie = 0;
	r->ifindex = 0;
	r->v6only = 0;
	r->backlog = 0;
	r->peer_inode = 0;
	r->has &= ~(ROW_HAS_COOKIE | ROW_HAS_IFINDEX | ROW_HAS_V6ONLY |
	    ROW_HAS_BACKLOG | ROW_HAS_PEER);
	if (!o->extend) {
		r->uid = 0;
		r->has &= ~ROW_HAS_UID;
		if (!o->program)
			r->inode = 0;
	}
	if (!o->timers) {
		r->timer = TIMER_OFF;
		r->expires_ms = 0;
		r->retrans = 0;
		r->probes = 0;
		r->has &= ~ROW_HAS_TIMER;
	}
}

static int
table_measure(void *st, struct sock_row *r)
{
	struct table *t = st;
	ssize_t n;

	if (t->rows != NULL)
		return 0;
	if (is_inet(r)) {
		inet_trim(&t->o, r);
		return inet_measure(t, r, &t->iw);
	}
	if (r->proto == PROTO_UNIX && t->o.program) {
		if ((n = prog_text(t, r)) == -1)
			return -1;
		t->uw.prog = max_sz(t->uw.prog,
		    outbuf_text_width(t->scratch, (size_t)n));
	}
	return 0;
}

/*
 * Rows arrive filtered and in section order (Internet, then UNIX).
 * Streaming prints each at once, else it is kept for end().
 */
static int
table_row(void *st, const struct sock_row *r)
{
	struct table *t = st;

	if (t->rows != NULL)
		return rowvec_push(t->rows, r);
	/* A reader gone (| head) stops the dump instead of feeding it. */
	if (t->ob.werr != 0) {
		errno = t->ob.werr;
		return -1;
	}
	if (is_inet(r)) {
		if (!want_inet(&t->o))
			return 0;
		stream_inet_head(t);
		return inet_line(t, r, &t->iw);
	}
	if (r->proto != PROTO_UNIX || !want_unix(&t->o))
		return 0;
	stream_unix_head(t);
	return unix_line(t, r, &t->uw);
}

static int
table_end(void *st)
{
	struct table *t = st;
	int rc = 0, save_errno;

	if (t->rows == NULL) {
		stream_inet_head(t);
		stream_unix_head(t);
	} else {
		if (want_inet(&t->o) && inet_print(t) == -1)
			rc = -1;
		if (rc == 0 && want_unix(&t->o) && unix_print(t) == -1)
			rc = -1;
	}
	if (rc == -1)
		save_errno = errno;
	else {
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
	.measure_families = table_measure_families,
	.measure = table_measure,
};
