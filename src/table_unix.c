/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * table_unix.c - the UNIX section of the netstat face, netstat -ax byte
 * for byte, with the PID/Program name column (-p) widened instead of cut.
 * Without -p no column widens and rows stream; with -p each row is kept
 * as a small record and its program and path texts until the end.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "netstat_text.h"
#include "outbuf.h"
#include "procmap.h"
#include "table_unix.h"
#include "tcpinfo.h"
#include "textwidth.h"
#include "util.h"

/*
 * netstat's UNIX column widths.  Only PID/Program name widens; numbers
 * overflow their fields as in netstat's printf.
 */
#define W_REFCNT	6
#define W_FLAGS		11
#define W_TYPE		10
#define W_USTATE	13
#define W_UINODE	8
#define W_PROG		20

/* One kept row (-p); its program and path text follow in text. */
struct urow {
	uint64_t	 inode;
	uint32_t	 refcnt;
	uint8_t		 type, state;
	const struct sock_netns *netns;	/* --all-netns */
};

int
table_unix_wanted(const struct options *o)
{
	return o->protos == 0 || (o->protos & 1U << PROTO_UNIX);
}

void
table_unix_init(struct table_unix *u, const struct options *o,
    struct outbuf *ob)
{
	memset(u, 0, sizeof(*u));
	u->o = o;
	u->ob = ob;
	u->prog_w = W_PROG;
}

/* Makes scratch hold at least n bytes. */
static int
scratch_reserve(struct table_unix *u, size_t n)
{
	char *p;

	if (n <= u->scratch_cap)
		return 0;
	if ((p = realloc(u->scratch, n)) == NULL)
		return -1;
	u->scratch = p;
	u->scratch_cap = n;
	return 0;
}

/*
 * The Path column: abstract names read "@name" and every NUL '@', as in
 * /proc/net/unix; then every byte goes through util_escape.  Leaves the
 * text in u->scratch; returns its length, or -1 (ENOMEM).
 */
static ssize_t
path_text(struct table_unix *u, const struct sock_row *r)
{
	size_t n = r->path_len, i, esc;
	char *raw;

	if (r->path == NULL || n == 0) {
		if (scratch_reserve(u, 1) == -1)
			return -1;
		u->scratch[0] = '\0';
		return 0;
	}
	esc = UTIL_ESCAPE_MAX(n);
	if (scratch_reserve(u, n + esc) == -1)
		return -1;
	/* The raw copy sits past the escaped text's room. */
	raw = u->scratch + esc;
	for (i = 0; i < n; i++)
		raw[i] = r->path[i] == '\0' ? '@' : r->path[i];
	return (ssize_t)util_escape(u->scratch, esc, raw, n);
}

static void
unix_header(struct table_unix *u)
{
	struct outbuf *ob = u->ob;

	outbuf_str(ob, "Active UNIX domain sockets ");
	outbuf_str(ob, netstat_title_suffix(u->o));
	netstat_netns_cell(ob, u->o, NULL, 1);
	outbuf_str(ob, "Proto ");
	outbuf_left(ob, "RefCnt", 6, W_REFCNT);
	outbuf_put(ob, " ", 1);
	outbuf_left(ob, "Flags", 5, W_FLAGS);
	outbuf_put(ob, " ", 1);
	outbuf_left(ob, "Type", 4, W_TYPE);
	outbuf_put(ob, " ", 1);
	outbuf_left(ob, "State", 5, W_USTATE);
	outbuf_put(ob, " ", 1);
	outbuf_left(ob, "I-Node", 6, W_UINODE);
	if (u->o->program) {
		outbuf_put(ob, " ", 1);
		outbuf_left(ob, "PID/Program name", 16, u->prog_w);
	}
	outbuf_str(ob, " Path\n");
}

/* The header, before the first line or at the end; once. */
static void
unix_head(struct table_unix *u)
{
	if (!u->head && table_unix_wanted(u->o))
		unix_header(u);
	u->head = 1;
}

/*
 * One row: the fixed columns from r, then prog (-p) and path as escaped
 * text.
 */
static void
unix_line(struct table_unix *u, const struct sock_row *r, const char *prog,
    size_t plen, const char *path, size_t pathlen)
{
	struct outbuf *ob = u->ob;
	char buf[32];

	netstat_netns_cell(ob, u->o, r->netns, 0);
	outbuf_str(ob, "unix  ");
	outbuf_u64(ob, r->refcnt, W_REFCNT, 0);
	outbuf_put(ob, " ", 1);
	if (r->state == ST_LISTEN)
		outbuf_left(ob, "[ ACC ]", 7, W_FLAGS);
	else
		outbuf_left(ob, "[ ]", 3, W_FLAGS);
	outbuf_put(ob, " ", 1);
	outbuf_left(ob, buf, netstat_unix_type(r, buf, sizeof(buf)), W_TYPE);
	outbuf_put(ob, " ", 1);
	outbuf_left(ob, buf, netstat_unix_state(r, buf, sizeof(buf)),
	    W_USTATE);
	outbuf_put(ob, " ", 1);
	outbuf_u64(ob, r->inode, W_UINODE, 0);
	if (u->o->program) {
		outbuf_put(ob, " ", 1);
		outbuf_text(ob, prog, plen, u->prog_w);
	}
	outbuf_put(ob, " ", 1);
	outbuf_put(ob, path, pathlen);
	outbuf_put(ob, "\n", 1);
}

/* A row printed at once (no -p: no column of it widens). */
static int
unix_stream(struct table_unix *u, const struct sock_row *r)
{
	ssize_t n;

	if ((n = path_text(u, r)) == -1)
		return -1;
	unix_head(u);
	unix_line(u, r, NULL, 0, u->scratch, (size_t)n);
	if (tcpinfo_wanted(u->o))
		tcpinfo_line_write(u->ob, r, u->o);
	return 0;
}

/*
 * A row kept until the end (-p): record, program, path; the program
 * column widens to the text procmap_owners_text() spells.
 */
static int
unix_keep(struct table_unix *u, const struct sock_row *r)
{
	struct urow k;
	ssize_t n;
	size_t w;

	memset(&k, 0, sizeof(k));
	k.inode = r->inode;
	k.refcnt = r->refcnt;
	k.type = r->type;
	k.state = r->state;
	k.netns = r->netns;
	if (bytevec_push(&u->rows, &k, sizeof(k)) == -1 ||
	    (n = procmap_owners_text(r->owners, r->nowners, &u->scratch,
	    &u->scratch_cap)) == -1 ||
	    bytevec_push_text(&u->text, u->scratch, (size_t)n) == -1)
		return -1;
	w = textwidth(u->scratch, (size_t)n);
	if (w > u->prog_w)
		u->prog_w = w;
	if ((n = path_text(u, r)) == -1 ||
	    bytevec_push_text(&u->text, u->scratch, (size_t)n) == -1)
		return -1;
	if (tcpinfo_wanted(u->o) &&
	    tcpinfo_line_keep(&u->text, r, u->o) == -1)
		return -1;
	return 0;
}

int
table_unix_row(struct table_unix *u, const struct sock_row *r)
{
	return u->o->program ? unix_keep(u, r) : unix_stream(u, r);
}

void
table_unix_end(struct table_unix *u)
{
	struct urow k;
	struct sock_row r;
	const char *prog, *path;
	size_t pos, tpos = 0, plen, pathlen;

	unix_head(u);
	for (pos = 0; pos < u->rows.len; ) {
		bytevec_read(&u->rows, &pos, &k, sizeof(k));
		memset(&r, 0, sizeof(r));
		r.family = AF_UNIX;
		r.proto = PROTO_UNIX;
		r.inode = k.inode;
		r.refcnt = k.refcnt;
		r.type = k.type;
		r.state = k.state;
		r.netns = k.netns;
		prog = bytevec_next_text(&u->text, &tpos, &plen);
		path = bytevec_next_text(&u->text, &tpos, &pathlen);
		unix_line(u, &r, prog, plen, path, pathlen);
		if (tcpinfo_wanted(u->o))
			tcpinfo_line_next(u->ob, &u->text, &tpos);
	}
	bytevec_free(&u->rows);
	bytevec_free(&u->text);
}

void
table_unix_free(struct table_unix *u)
{
	bytevec_free(&u->rows);
	bytevec_free(&u->text);
	free(u->scratch);
	u->scratch = NULL;
	u->scratch_cap = 0;
}
