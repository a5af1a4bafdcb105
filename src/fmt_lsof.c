/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_lsof.c - the lsof face: lsof -i's table, -t's PIDs and -F's field
 * output, one line per (process, descriptor) holding a socket.
 *
 * lsof sizes its columns to their content and sorts by PID then
 * descriptor, so every row is kept until the end of the pass.  The
 * table is byte for byte lsof 4.95's where sockstat has the same data:
 * COMMAND cut to 9 bytes, FD as "%4d" plus mode and lock ("*345" past
 * 9999), numeric users 8 wide, a UDP NAME ending in a space.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fmt.h"
#include "lsof.h"
#include "names.h"
#include "outbuf.h"
#include "rowvec.h"
#include "textwidth.h"
#include "users.h"
#include "util.h"

#define CMD_CUT		9	/* lsof's default COMMAND width limit */
#define NAME_MAX_LEN	(2 * ADDR_HOSTPORT_MAX + 64)

/* A resolved host, so each address costs one lookup per pass. */
struct host_name {
	uint8_t		 family;
	union sock_addr	 addr;
	char		*text;
};
#define HOST_CACHE_MAX	64

/* One output line: a socket and one of the descriptors holding it. */
struct line {
	const struct sock_row	*r;
	const struct sock_owner	*ow;
};

struct lsof_fmt {
	FILE			*out;
	const struct options	*o;
	const struct lsof_sel	*s;
	struct rowvec		*rows;
	struct line		*lines;
	size_t			 nlines;
	struct users		*users;
	struct host_name	 hosts[HOST_CACHE_MAX];
	size_t			 nhosts;
	char			*esc;		/* util_escape() output */
	size_t			 esclen;
	char			 user[UTIL_ESCAPE_MAX(256)]; /* user_name() */
};

/* The columns of one line as text. */
struct cols {
	char	 cmd[CMD_CUT + 1];
	char	 pid[24];		/* util_utoa's 21 bytes at least */
	char	 user[UTIL_ESCAPE_MAX(256)];
	char	 fd[16];
	char	 type[8];
	char	 device[32];
	char	 node[24];		/* the same */
	char	 name[NAME_MAX_LEN];
};

static void *
lsof_begin(FILE *out, const struct options *o)
{
	struct lsof_fmt *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->out = out;
	f->o = o;
	f->s = o->lsof;
	if ((f->rows = rowvec_new()) == NULL ||
	    (f->users = users_new()) == NULL) {
		rowvec_free(f->rows);
		free(f);
		return NULL;
	}
	return f;
}

static int
lsof_row(void *st, const struct sock_row *r)
{
	struct lsof_fmt *f = st;

	/* lsof lists open files: a socket nobody holds has no line. */
	if (r->nowners == 0)
		return 0;
	return rowvec_push(f->rows, r);
}

static int
line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->ow->pid != y->ow->pid)
		return x->ow->pid < y->ow->pid ? -1 : 1;
	if (x->ow->fd != y->ow->fd)
		return x->ow->fd < y->ow->fd ? -1 : 1;
	return (x->r->inode > y->r->inode) - (x->r->inode < y->r->inode);
}

/* Escapes len bytes of src into f->esc; returns it, or NULL (ENOMEM). */
static const char *
escape(struct lsof_fmt *f, const char *src, size_t len)
{
	size_t need = UTIL_ESCAPE_MAX(len);
	char *p;

	if (need > f->esclen) {
		if ((p = realloc(f->esc, need)) == NULL)
			return NULL;
		f->esc = p;
		f->esclen = need;
	}
	util_escape(f->esc, f->esclen, src, len);
	return f->esc;
}

/*
 * The login name of uid escaped in f->user (valid until the next call),
 * or NULL when it has none (or ENOMEM).
 */
static const char *
user_name(struct lsof_fmt *f, uid_t uid)
{
	const char *name;

	if (users_name(f->users, (uint32_t)uid, &name) == -1 || name == NULL)
		return NULL;
	return util_esc(f->user, sizeof(f->user), name);
}

static int
is_wildcard(int family, const union sock_addr *a)
{
	if (family == AF_INET)
		return a->v4.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&a->v6);
}

/*
 * addr_host, remembered: without -n every line names its hosts, and a
 * resolver that answers slowly must not be asked again for each line.
 */
static int
host_text(struct lsof_fmt *f, char *buf, size_t len, int family,
    const union sock_addr *a, unsigned flags)
{
	struct host_name *hn;
	size_t i, alen = family == AF_INET ? sizeof(a->v4) : sizeof(a->v6);
	int n;

	if (!(flags & ADDR_RESOLVE))
		return addr_host(buf, len, family, a, flags);
	for (i = 0; i < f->nhosts; i++) {
		hn = &f->hosts[i];
		if (hn->family == family && memcmp(&hn->addr, a, alen) == 0) {
			n = (int)strlen(hn->text);
			if ((size_t)n >= len) {
				errno = ENOSPC;
				return -1;
			}
			memcpy(buf, hn->text, (size_t)n + 1);
			return n;
		}
	}
	if ((n = addr_host(buf, len, family, a, flags)) == -1)
		return -1;
	if (f->nhosts < HOST_CACHE_MAX &&
	    (f->hosts[f->nhosts].text = strdup(buf)) != NULL) {
		hn = &f->hosts[f->nhosts++];
		hn->family = (uint8_t)family;
		memset(&hn->addr, 0, sizeof(hn->addr));
		memcpy(&hn->addr, a, alen);
	}
	return n;
}

/* lsof's NODE for an Internet socket, and its -F P field. */
static const char *
lsof_proto(const struct sock_row *r)
{
	if (r->proto == PROTO_TCP)
		return "TCP";
	return r->proto == PROTO_UDPLITE ? "UDPLITE" : "UDP";
}

/* "host:port" in lsof's notation: "*:22", "[::1]:22", "localhost:ssh". */
static int
endpoint(struct lsof_fmt *f, char *buf, size_t len, const struct sock_row *r,
    int remote)
{
	const struct options *o = f->o;
	const union sock_addr *a = remote ? &r->raddr : &r->laddr;
	union sock_addr v4;
	unsigned flags = ADDR_BRACKET;
	int h, p, family = r->family;

	if (!o->numeric_hosts)
		flags |= ADDR_RESOLVE;
	/* lsof shows a v4-mapped end as IPv4: "127.0.0.1:8081". */
	if (family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->v6)) {
		memset(&v4, 0, sizeof(v4));
		memcpy(&v4.v4, &a->v6.s6_addr[12], sizeof(v4.v4));
		a = &v4;
		family = AF_INET;
	}
	if (is_wildcard(family, a)) {
		if (len < 3)
			return -1;
		memcpy(buf, "*", 2);
		h = 1;
	} else if ((h = host_text(f, buf, len, family, a, flags)) == -1)
		return -1;
	if ((size_t)h + 2 >= len) {
		errno = ENOSPC;
		return -1;
	}
	buf[h] = ':';
	/* lsof names TCP and UDP ports only. */
	p = addr_port(buf + h + 1, len - h - 1, r->proto,
	    remote ? r->rport : r->lport,
	    o->numeric_ports || r->proto == PROTO_UDPLITE);
	return p == -1 ? -1 : h + 1 + p;
}

/*
 * lsof names a UNIX socket's state from the socket's SS_* state and its
 * listening flag; the kernel's sk_state says the same with other names.
 */
static const char *
unix_state(unsigned st)
{
	switch (st) {
	case ST_LISTEN:
		return "LISTEN";
	case ST_ESTABLISHED:
		return "CONNECTED";
	case ST_SYN_SENT:
		return "CONNECTING";
	default:
		return "UNCONNECTED";
	}
}

/*
 * NAME without the state: "local->remote" (the remote end only when
 * connected), or a UNIX socket's "path type=STREAM".
 */
static int
name_text(struct lsof_fmt *f, const struct sock_row *r, char *buf,
    size_t len)
{
	const char *t, *e;
	size_t n;
	int k;

	if (r->family == AF_UNIX) {
		n = 0;
		buf[0] = '\0';
		if (r->path_len > 0) {
			/* An abstract name starts with NUL: lsof's "@name". */
			if (r->path[0] == '\0')
				e = escape(f, r->path + 1, r->path_len - 1);
			else
				e = escape(f, r->path, r->path_len);
			if (e == NULL)
				return -1;
			n = (size_t)snprintf(buf, len, "%s%s ",
			    r->path[0] == '\0' ? "@" : "", e);
		}
		t = names_type(r->type);
		if (n < len)
			snprintf(buf + n, len - n, "type=%s",
			    t != NULL ? t : "UNKNOWN");
		return 0;
	}
	if ((k = endpoint(f, buf, len, r, 0)) == -1)
		return -1;
	if (r->rport != 0 || !is_wildcard(r->family, &r->raddr)) {
		if ((size_t)k + 3 >= len)
			return -1;
		memcpy(buf + k, "->", 2);
		if (endpoint(f, buf + k + 2, len - k - 2, r, 1) == -1)
			return -1;
	}
	return 0;
}

static const char *
tcp_state(unsigned st, char *buf, size_t len)
{
	const char *s = lsof_state_name(st);

	if (s != NULL)
		return s;
	snprintf(buf, len, "UNKNOWN_%u", st);
	return buf;
}

/* lsof's DEVICE: the inode for Internet sockets, see the man page. */
static void
device_text(const struct sock_row *r, char *buf, size_t len)
{
	/*
	 * For UNIX sockets lsof shows the kernel address /proc/net/unix
	 * prints (hashed since Linux 4.15, so an identity, not an address).
	 * sock_diag has no address; its cookie is the kernel's identity of
	 * the socket, printed the same way.  From /proc, the inode.
	 */
	char num[24];

	if (r->family == AF_UNIX && (r->has & ROW_HAS_COOKIE))
		snprintf(buf, len, "0x%016" PRIx64, r->cookie);
	else {
		util_utoa(num, r->inode);
		util_copy(buf, len, num);
	}
}

/*
 * Whether lsof's -T letter is in force for NAME (fields 0) or -F's T
 * fields (1).  Without -T, NAME shows the state and -F adds the queues.
 */
static int
tcpi(const struct lsof_fmt *f, char letter, int fields)
{
	if (!f->s->tcpi_given)
		return letter == 's' || (fields && letter == 'q');
	return strchr(f->s->tcpi, letter) != NULL;
}

/*
 * NAME's tail, as lsof on Linux writes it: with any -T letter a blank,
 * then what the letters show of this socket in parentheses (the state of
 * a TCP or UNIX socket, the queues of an Internet one), if anything;
 * with -T alone nothing at all.
 */
static void
name_tail(const struct lsof_fmt *f, const struct sock_row *r, char *buf,
    size_t len)
{
	char sbuf[32], part[64] = "";
	size_t n = strlen(buf);

	if (f->s->tcpi_given && f->s->tcpi[0] == '\0')
		return;
	if (tcpi(f, 's', 0) && r->family == AF_UNIX)
		util_copy(part, sizeof(part), unix_state(r->state));
	else if (tcpi(f, 's', 0) && r->proto == PROTO_TCP)
		util_copy(part, sizeof(part), tcp_state(r->state, sbuf,
		    sizeof(sbuf)));
	if (tcpi(f, 'q', 0) && r->family != AF_UNIX &&
	    (r->has & ROW_HAS_QUEUES))
		snprintf(part + strlen(part), sizeof(part) - strlen(part),
		    "%sQR=%u QS=%u", part[0] != '\0' ? " " : "", r->rqueue,
		    r->wqueue);
	/* lsof prints UDP's empty state after a blank all the same. */
	n += util_copy(buf + n, len - n, " ");
	if (part[0] != '\0') {
		n += util_copy(buf + n, len - n, "(");
		n += util_copy(buf + n, len - n, part);
		util_copy(buf + n, len - n, ")");
	}
}

/*
 * The text of every column of line l; the NAME column only when name is
 * set, since it is last and never sets a width.
 */
static int
cols_fill(struct lsof_fmt *f, const struct line *l, struct cols *c, int name)
{
	const struct sock_row *r = l->r;
	const struct sock_owner *ow = l->ow;
	const char *u = NULL, *cmd = ow->command != NULL ? ow->command : "";

	lsof_cmd_escape(c->cmd, sizeof(c->cmd), cmd, strlen(cmd), LSOF_CMD_TABLE,
	    CMD_CUT);
	if (ow->pid >= 0)
		util_utoa(c->pid, (uint64_t)ow->pid);
	else
		snprintf(c->pid, sizeof(c->pid), "%d", (int)ow->pid);
	if (!f->o->numeric_users)
		u = user_name(f, ow->uid);
	if (u != NULL)
		util_copy(c->user, sizeof(c->user), u);
	else
		snprintf(c->user, sizeof(c->user), "%8u", (unsigned)ow->uid);
	if (ow->fd > 9999)	/* lsof keeps four columns: "*345" */
		snprintf(c->fd, sizeof(c->fd), "*%03d%c ", ow->fd % 1000,
		    ow->mode);
	else
		snprintf(c->fd, sizeof(c->fd), "%4d%c ", ow->fd, ow->mode);
	util_copy(c->type, sizeof(c->type), r->family == AF_UNIX ?
	    "unix" : r->family == AF_INET ? "IPv4" : "IPv6");
	device_text(r, c->device, sizeof(c->device));
	if (r->family == AF_UNIX)
		util_utoa(c->node, r->inode);
	else
		util_copy(c->node, sizeof(c->node), lsof_proto(r));
	if (!name)
		return 0;
	if (name_text(f, r, c->name, sizeof(c->name)) == -1)
		return -1;
	name_tail(f, r, c->name, sizeof(c->name));
	return 0;
}

#define MAX(a, b)	((a) > (b) ? (a) : (b))

/* The column widths of the table: lsof sizes each to its longest text. */
struct widths {
	size_t	 cmd, pid, user, type, dev, node;
};

static size_t
digits(uint64_t v)
{
	size_t n = 1;

	while ((v /= 10) != 0)
		n++;
	return n;
}

/*
 * Widens w to hold line l, from the numbers and cached names alone: the
 * same widths cols_fill's text would have, without writing it.
 */
static void
widths_add(struct lsof_fmt *f, const struct line *l, struct widths *w)
{
	const struct sock_row *r = l->r;
	const struct sock_owner *ow = l->ow;
	const char *u = NULL, *cmd = ow->command != NULL ? ow->command : "";
	char c[CMD_CUT + 1];
	size_t n;

	n = lsof_cmd_escape(c, sizeof(c), cmd, strlen(cmd), LSOF_CMD_TABLE,
	    CMD_CUT);
	w->cmd = MAX(w->cmd, textwidth(c, n));
	w->pid = MAX(w->pid, ow->pid < 0 ? 11 : digits((uint64_t)ow->pid));
	if (!f->o->numeric_users)
		u = user_name(f, ow->uid);
	w->user = MAX(w->user, u != NULL ? textwidth(u, strlen(u)) :
	    MAX(8, digits(ow->uid)));
	w->dev = MAX(w->dev, r->family == AF_UNIX &&
	    (r->has & ROW_HAS_COOKIE) ? 18 : digits(r->inode));
	if (r->family == AF_UNIX)
		w->node = MAX(w->node, digits(r->inode));
	else
		w->node = MAX(w->node, strlen(lsof_proto(r)));
}

/*
 * s in width display columns, on the left or the right, then one space:
 * padded by display width, so a wide character counts two columns.
 */
static void
out_col(struct outbuf *o, const char *s, size_t width, int right)
{
	size_t n = strlen(s), w = textwidth(s, n);

	if (right && w < width)
		outbuf_spaces(o, width - w);
	outbuf_put(o, s, n);
	if (!right && w < width)
		outbuf_spaces(o, width - w);
	outbuf_put(o, " ", 1);
}

static int
print_table(struct lsof_fmt *f)
{
	struct widths w = { 7, 3, 4, 4, 6, 4 };
	struct cols *c;
	struct outbuf ob, *o = &ob;
	size_t i;

	if (f->nlines == 0)
		return 0;
	/*
	 * Widths first, as lsof does, from the numbers alone; then each
	 * line's text in turn, so that memory does not grow with the lines.
	 */
	for (i = 0; i < f->nlines; i++)
		widths_add(f, &f->lines[i], &w);
	if ((c = malloc(sizeof(*c))) == NULL)
		return -1;
	if (outbuf_init(o, f->out, 64 * 1024) == -1) {
		free(c);
		return -1;
	}
	out_col(o, "COMMAND", w.cmd, 0);
	out_col(o, "PID", w.pid, 1);
	out_col(o, "USER", w.user, 1);
	outbuf_put(o, "  FD   ", 7);
	out_col(o, "TYPE", w.type, 1);
	out_col(o, "DEVICE", w.dev, 1);
	outbuf_put(o, "SIZE/OFF ", 9);
	out_col(o, "NODE", w.node, 1);
	outbuf_put(o, "NAME\n", 5);
	/* A reader gone (EPIPE) ends the lines, and their name lookups. */
	for (i = 0; i < f->nlines && o->werr == 0; i++) {
		if (cols_fill(f, &f->lines[i], c, 1) == -1)
			goto fail;
		out_col(o, c->cmd, w.cmd, 0);
		out_col(o, c->pid, w.pid, 1);
		out_col(o, c->user, w.user, 1);
		outbuf_put(o, c->fd, strlen(c->fd));	/* "  3u ", then a space */
		outbuf_put(o, " ", 1);
		out_col(o, c->type, w.type, 1);
		out_col(o, c->device, w.dev, 1);
		outbuf_put(o, "     0t0 ", 9);
		out_col(o, c->node, w.node, 1);
		outbuf_put(o, c->name, strlen(c->name));
		outbuf_put(o, "\n", 1);
	}
	outbuf_flush(o);
	outbuf_free(o);
	free(c);
	if (o->werr != 0) {
		errno = o->werr;
		return -1;
	}
	return 0;
fail:
	outbuf_flush(o);
	outbuf_free(o);
	free(c);
	return -1;
}

/*
 * -t: each PID once, ascending, nothing else: the lines are sorted by
 * PID, so a PID repeats only on consecutive lines.
 */
static int
print_terse(struct lsof_fmt *f)
{
	size_t i;

	for (i = 0; i < f->nlines; i++)
		if (i == 0 || f->lines[i].ow->pid != f->lines[i - 1].ow->pid)
			fprintf(f->out, "%d\n", (int)f->lines[i].ow->pid);
	return 0;
}

/* One -F field: its letter, its text, its terminator. */
static void
field(struct lsof_fmt *f, char letter, const char *text)
{
	fprintf(f->out, "%c%s", letter, text);
	if (f->s->field_nul)
		putc('\0', f->out);
	else
		putc('\n', f->out);
}

/* The c field: the whole command, escaped as lsof's -F escapes it. */
static int
cmd_field(struct lsof_fmt *f, const char *cmd)
{
	size_t len = strlen(cmd), need = UTIL_ESCAPE_MAX(len);
	char *p;

	if (need > f->esclen) {
		if ((p = realloc(f->esc, need)) == NULL)
			return -1;
		f->esc = p;
		f->esclen = need;
	}
	lsof_cmd_escape(f->esc, f->esclen, cmd, len, f->s->field_utf8 ?
	    LSOF_CMD_FIELD : LSOF_CMD_FIELD_ASCII, 0);
	field(f, 'c', f->esc);
	return 0;
}

static int
want(const struct lsof_fmt *f, char letter)
{
	return strchr(f->s->field_set, letter) != NULL;
}

/* Ends a set: with -F0 lsof closes each with a newline after the NULs. */
static void
set_end(struct lsof_fmt *f)
{
	if (f->s->field_nul)
		putc('\n', f->out);
}

/*
 * Whether a file set has a field at all: lsof writes none (not even
 * -F0's newline) when only process fields were asked for ("-F0pc").
 */
static int
want_file_set(const struct lsof_fmt *f)
{
	return strpbrk(f->s->field_set, "faltdioPnT") != NULL;
}

/*
 * lsof's field output: a process set (p c u L) when the PID changes,
 * then a file set per descriptor (f a t d o i P n T), in lsof's order.
 */
static int
print_fields(struct lsof_fmt *f)
{
	const struct line *l;
	const struct sock_row *r;
	const char *e, *u;
	char buf[NAME_MAX_LEN], sbuf[32];
	size_t i;
	int files = want_file_set(f);

	for (i = 0; i < f->nlines; i++) {
		l = &f->lines[i];
		r = l->r;
		if (i == 0 || l->ow->pid != f->lines[i - 1].ow->pid) {
			snprintf(buf, sizeof(buf), "%d", (int)l->ow->pid);
			field(f, 'p', buf);
			if (want(f, 'c')) {
				e = l->ow->command != NULL ? l->ow->command : "";
				if (cmd_field(f, e) == -1)
					return -1;
			}
			snprintf(buf, sizeof(buf), "%u", (unsigned)l->ow->uid);
			if (want(f, 'u'))
				field(f, 'u', buf);
			if (want(f, 'L')) {
				u = user_name(f, l->ow->uid);
				field(f, 'L', u != NULL ? u : buf);
			}
			set_end(f);
		}
		if (!files)
			continue;
		if (want(f, 'f')) {
			/* lsof's FD text, "*345" past 9999, here too. */
			if (l->ow->fd > 9999)
				snprintf(buf, sizeof(buf), "*%03d",
				    l->ow->fd % 1000);
			else
				snprintf(buf, sizeof(buf), "%d", l->ow->fd);
			field(f, 'f', buf);
		}
		if (want(f, 'a')) {
			snprintf(buf, sizeof(buf), "%c", l->ow->mode);
			field(f, 'a', buf);
		}
		if (want(f, 'l'))	/* no lock on a socket: lsof's space */
			field(f, 'l', " ");
		if (want(f, 't'))
			field(f, 't', r->family == AF_UNIX ? "unix" :
			    r->family == AF_INET ? "IPv4" : "IPv6");
		if (want(f, 'd')) {
			device_text(r, buf, sizeof(buf));
			field(f, 'd', buf);
		}
		if (want(f, 'o'))
			field(f, 'o', "0t0");
		if (want(f, 'i') && r->family == AF_UNIX) {
			snprintf(buf, sizeof(buf), "%" PRIu64, r->inode);
			field(f, 'i', buf);
		}
		if (want(f, 'P') && r->family != AF_UNIX)
			field(f, 'P', lsof_proto(r));
		if (want(f, 'n')) {
			if (name_text(f, r, buf, sizeof(buf)) == -1)
				return -1;
			field(f, 'n', buf);
		}
		if (want(f, 'T')) {
			if (r->family == AF_UNIX) {
				if (tcpi(f, 's', 1)) {
					snprintf(buf, sizeof(buf), "ST=%s",
					    unix_state(r->state));
					field(f, 'T', buf);
				}
			} else {
				if (r->proto == PROTO_TCP &&
				    tcpi(f, 's', 1)) {
					snprintf(buf, sizeof(buf), "ST=%s",
					    tcp_state(r->state, sbuf,
					    sizeof(sbuf)));
					field(f, 'T', buf);
				}
				if ((r->has & ROW_HAS_QUEUES) &&
				    tcpi(f, 'q', 1)) {
					snprintf(buf, sizeof(buf), "QR=%u",
					    r->rqueue);
					field(f, 'T', buf);
					snprintf(buf, sizeof(buf), "QS=%u",
					    r->wqueue);
					field(f, 'T', buf);
				}
			}
		}
		set_end(f);
	}
	return 0;
}

static void
fmt_free(struct lsof_fmt *f)
{
	size_t i;

	users_free(f->users);
	for (i = 0; i < f->nhosts; i++)
		free(f->hosts[i].text);
	rowvec_free(f->rows);
	free(f->lines);
	free(f->esc);
	free(f);
}

/*
 * Builds one line per (row, owner), sorts them as lsof does and writes
 * the chosen form.  A write error shows in ferror after the flush; its
 * errno (EPIPE for a reader gone) is what main reports.
 */
static int
lsof_end(void *st)
{
	struct lsof_fmt *f = st;
	const struct sock_row *r;
	size_t i, j, n = 0, len = rowvec_len(f->rows);
	int rc = 0, save_errno;

	for (i = 0; i < len; i++)
		n += rowvec_get(f->rows, i)->nowners;
	if (n > 0 && (f->lines = calloc(n, sizeof(*f->lines))) == NULL) {
		save_errno = errno;
		fmt_free(f);
		errno = save_errno;
		return -1;
	}
	/* The vector is complete: row pointers no longer move. */
	for (i = 0; i < len; i++) {
		r = rowvec_get(f->rows, i);
		for (j = 0; j < r->nowners; j++) {
			f->lines[f->nlines].r = r;
			f->lines[f->nlines++].ow = &r->owners[j];
		}
	}
	if (f->nlines > 1)
		qsort(f->lines, f->nlines, sizeof(*f->lines), line_cmp);
	if (f->s != NULL && f->s->terse)
		rc = print_terse(f);
	else if (f->s != NULL && f->s->fields)
		rc = print_fields(f);
	else
		rc = print_table(f);
	if (rc == 0) {
		errno = 0;
		if (fflush(f->out) == EOF || ferror(f->out)) {
			if (errno == 0)
				errno = EIO;
			rc = -1;
		}
	}
	save_errno = errno;
	fmt_free(f);
	errno = save_errno;
	return rc;
}

const struct formatter fmt_lsof = {
	"lsof",
	lsof_begin,
	lsof_row,
	lsof_end,
	NULL,		/* a dump not read: main's line says so */
	0,		/* needs no field apart */
	0,		/* dumps in netstat's order */
	NULL,
	NULL,
	NULL,
};
