/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pipeline.c - one pass: sources -> selection -> owners -> formatter.
 *
 * Dumps go in netstat's order (tcp, tcp6, udp, udp6, raw, raw6, unix),
 * each one the selection asks for.  A dump is asked of the sources of
 * the table in turn; the fallback is decided here and only here: a
 * source that fails with an error of DIAG_UNAVAILABLE's list before any
 * row of the dump went out cannot answer it here, and the next source
 * is asked.  When none can, the dump is recorded as not read and the
 * pass goes on with the next dump; main says what is missing and why.
 * Any other error ends the pass.
 *
 * Each row the selection keeps gets its holders from the owner map
 * (with -p), the RefCnt /proc/net/unix has when the formatter needs it
 * and the source lacks it, and goes to the formatter.  The pipeline
 * knows no face: formatters size their own columns.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "procnet.h"
#include "names.h"
#include "pipeline.h"
#include "refcnt.h"
#include "tcpinfo.h"

/*
 * The handles of one network namespace.  The default space reads the
 * namespace the process is in, opening its handles on first use; a
 * space added by pipeline_space_add holds handles opened in another
 * (pinned), and its rows carry its id.
 */
struct space {
	void			*h[PIPELINE_SOURCES_MAX];
	int			 open_errno[PIPELINE_SOURCES_MAX];
	int			 bc_set[PIPELINE_SOURCES_MAX];
	struct procnet		*unix_pin;	/* its /proc/net/unix, for
						   RefCnt, when the table
						   has no /proc/net source */
	const struct sock_netns	*id;		/* NULL: the default space */
	int			 pinned;
};

struct pipeline {
	const struct options	*o;
	struct selection	*sel;
	/* the source table of this run, in the order they are asked */
	const struct source	*src[PIPELINE_SOURCES_MAX];
	size_t			 nsrc;
	/* the default space; or, once any is added, the added ones */
	struct space		 dflt;
	struct space		*sp;
	size_t			 nsp, capsp;
	/* per pass */
	const struct formatter	*f;
	void			*fst;
	const struct procmap	*owners;
	struct pipeline_report	*rep;
	struct space		*cur;		/* the space being dumped */
	unsigned long		 emitted;	/* rows seen in this dump */
	int			 out_failed;	/* the formatter failed */
	struct refcnt_map	*refcnts;	/* NULL: none this pass */
	unsigned		 order;		/* FMT_* of this pass */
	int			 measuring;	/* rows go to f->measure */
	int			(*priv)(int);	/* pipeline_set_privileged */
};

int
pipeline_refused(int e)
{
	return e == EPERM || e == EACCES;
}

struct pipeline *
pipeline_new(const struct options *o, struct selection *sel)
{
	struct pipeline *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->o = o;
	p->sel = sel;
	/* The table: netlink first, /proc/net where netlink cannot answer. */
	if (o->source != SOURCE_PROC)
		p->src[p->nsrc++] = &diag_source;
	if (o->source != SOURCE_NETLINK)
		p->src[p->nsrc++] = &procnet_source;
	return p;
}

/* Closes what space s holds. */
static void
space_close(struct pipeline *p, struct space *s)
{
	size_t i;

	for (i = 0; i < p->nsrc; i++)
		if (s->h[i] != NULL)
			p->src[i]->close(s->h[i]);
	procnet_close(s->unix_pin);
	memset(s, 0, sizeof(*s));
}

void
pipeline_spaces_clear(struct pipeline *p)
{
	size_t i;

	for (i = 0; i < p->nsp; i++)
		space_close(p, &p->sp[i]);
	p->nsp = 0;
}

void
pipeline_set_privileged(struct pipeline *p, int (*priv)(int on))
{
	p->priv = priv;
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	pipeline_spaces_clear(p);
	free(p->sp);
	space_close(p, &p->dflt);
	refcnt_map_free(p->refcnts);
	free(p);
}

/*
 * Pins into the /proc/net handle h every file a dump of the selection
 * reads (only unix when unix_only).  Returns 0, or -1 with errno set.
 */
static int
space_pin_files(struct pipeline *p, struct procnet *h, int unix_only)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	struct dump_req req;
	unsigned proto;
	size_t i;

	for (proto = unix_only ? PROTO_UNIX : 0; proto < PROTO_COUNT;
	    proto++)
		for (i = 0; i < 2; i++) {
			if (proto == PROTO_UNIX && i > 0)
				break;
			memset(&req, 0, sizeof(req));
			req.family = proto == PROTO_UNIX ? AF_UNIX :
			    families[i];
			req.proto = proto;
			if (p->sel->ops->states(p->sel, req.family,
			    req.proto) != 0 && procnet_pin(h, &req) == -1)
				return -1;
		}
	return 0;
}

/* Opens source i of s now, in the caller's namespace, for good. */
static int
space_open(struct pipeline *p, struct space *s, size_t i)
{
	if ((s->h[i] = p->src[i]->open(p->o->proc_root)) == NULL) {
		/* ENOMEM is ours; anything else the kernel's, told later. */
		if (errno == ENOMEM)
			return -1;
		s->open_errno[i] = errno != 0 ? errno : EIO;
		return 0;
	}
	if (p->src[i] == &diag_source) {
		diag_pin(s->h[i]);
		if (p->priv != NULL)
			diag_set_privileged(s->h[i], p->priv);
	} else if (space_pin_files(p, s->h[i], 0) == -1)
		return -1;
	return 0;
}

int
pipeline_space_add(struct pipeline *p, const struct sock_netns *id)
{
	struct space *s, *v;
	size_t i, cap;
	int save_errno, has_proc = 0;

	if (p->nsp == p->capsp) {
		cap = p->capsp ? p->capsp * 2 : 8;
		if ((v = reallocarray(p->sp, cap, sizeof(*v))) == NULL)
			return -1;
		p->sp = v;
		p->capsp = cap;
	}
	s = &p->sp[p->nsp];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->pinned = 1;
	for (i = 0; i < p->nsrc; i++) {
		has_proc |= p->src[i] == &procnet_source;
		if (space_open(p, s, i) == -1)
			goto fail;
	}
	/* netstat's RefCnt comes from /proc/net/unix (see refcnt_load). */
	if (!has_proc && (s->unix_pin = procnet_open(p->o->proc_root)) ==
	    NULL)
		goto fail;
	if (!has_proc && space_pin_files(p, s->unix_pin, 1) == -1)
		goto fail;
	p->nsp++;
	return 0;
fail:
	save_errno = errno;
	space_close(p, s);
	errno = save_errno;
	return -1;
}

/*
 * Source i's handle in space s: opened on first use in the default
 * space, at pipeline_space_add in the others.  NULL with errno set.
 */
static void *
source_handle(struct pipeline *p, struct space *s, size_t i)
{
	if (!s->pinned && s->h[i] == NULL && s->open_errno[i] == 0) {
		if ((s->h[i] = p->src[i]->open(p->o->proc_root)) == NULL)
			s->open_errno[i] = errno != 0 ? errno : ENOMEM;
		else if (p->src[i] == &diag_source && p->priv != NULL)
			diag_set_privileged(s->h[i], p->priv);
	}
	/* The filter's program goes to the kernel with netlink dumps. */
	if (s->h[i] != NULL && p->src[i] == &diag_source &&
	    p->o->filter_bc != NULL && !s->bc_set[i]) {
		diag_set_bytecode(s->h[i], p->o->filter_bc,
		    p->o->filter_bc_len, p->o->filter_bc_needed);
		diag_set_ports(s->h[i], p->o->filter_sport,
		    p->o->filter_dport);
		s->bc_set[i] = 1;
	}
	if (s->h[i] == NULL)
		errno = s->open_errno[i];
	return s->h[i];
}

static int
refcnt_add(const struct sock_row *r, void *arg)
{
	return refcnt_map_add(arg, r->inode, r->refcnt);
}

/*
 * sock_diag has no reference count for UNIX sockets, but netstat's RefCnt
 * column shows the one /proc/net/unix prints; read it once per pass so
 * that netlink rows read as netstat's do.  A missing or unreadable file
 * leaves RefCnt 0 and p->refcnts NULL, and the report says why.
 */
/* The handle of space s pinned on /proc/net/unix, or NULL. */
static void *
space_unix(const struct pipeline *p, const struct space *s)
{
	size_t i;

	for (i = 0; i < p->nsrc; i++)
		if (p->src[i] == &procnet_source)
			return s->h[i];
	return s->unix_pin;
}

static int
refcnt_load(struct pipeline *p, struct space *s)
{
	struct dump_req req = { AF_UNIX, PROTO_UNIX, ~0U, 0 };
	struct source_stats st = { 0, 0, 0 };
	void *h;
	int save_errno;

	refcnt_map_free(p->refcnts);
	if ((p->refcnts = refcnt_map_new()) == NULL)
		return -1;
	/* Another namespace's file was opened in it, ahead. */
	h = s->pinned ? space_unix(p, s) : procnet_source.open(p->o->proc_root);
	if (s->pinned && h == NULL)
		errno = ENOENT;
	/* The map drops an inode two lines show: no guard needed. */
	if (h != NULL && !s->pinned)
		procnet_unguarded(h);
	if (h == NULL || procnet_source.collect(h, &req, refcnt_add,
	    p->refcnts, &st) == -1) {
		save_errno = errno;
		if (h != NULL && !s->pinned)
			procnet_source.close(h);
		refcnt_map_free(p->refcnts);
		p->refcnts = NULL;
		errno = save_errno;
		return -1;
	}
	if (!s->pinned)
		procnet_source.close(h);
	refcnt_map_seal(p->refcnts);
	return 0;
}

/* One row of a dump: select, attach owners and RefCnt, format. */
static int
row_take(const struct sock_row *in, void *arg)
{
	struct pipeline *p = arg;
	struct selection *sel = p->sel;
	struct sock_row r;
	int m, rc;

	p->emitted++;
	/* A space's rows carry its namespace, for the selection too. */
	if (p->cur->id != NULL) {
		r = *in;
		r.netns = p->cur->id;
		in = &r;
	}
	if ((m = sel->ops->match(sel, in)) == 0)
		return 0;
	if (in != &r)
		r = *in;
	if (r.family == AF_UNIX && !(r.has & ROW_HAS_REFCNT) &&
	    p->refcnts != NULL && refcnt_map_get(p->refcnts, r.inode,
	    &r.refcnt))
		r.has |= ROW_HAS_REFCNT;
	if (p->owners != NULL && r.inode != 0) {
		r.owners = procmap_lookup(p->owners, r.inode, &r.nowners);
		/*
		 * An unseen owner counts only where the row itself was
		 * selected: a row kept in case a holder selects it (lsof's
		 * -p, -c, -u) is no loss without one.
		 */
		if (r.nowners == 0 && m == SELECT_ROW && !p->measuring)
			p->rep->unowned++;
	}
	if (sel->ops->owners != NULL &&
	    (rc = sel->ops->owners(sel, m, &r)) != 1)
		return rc;
	if (p->measuring)
		return p->f->measure(p->fst, &r) == -1 ? -1 : 0;
	p->rep->rows++;
	if (p->f->row(p->fst, &r) == -1) {
		p->out_failed = 1;
		return -1;
	}
	return 0;
}

/* Adds what the netlink source i counted to the report. */
static void
diag_counts(struct pipeline *p, size_t i)
{
	struct diag_counts c;

	if (p->src[i] != &diag_source || p->cur->h[i] == NULL)
		return;
	diag_take_counts(p->cur->h[i], &c);
	p->rep->replies += c.replies;
	p->rep->requests += c.requests;
	if (c.refused > 0) {
		p->rep->bc_refused += c.refused;
		p->rep->bc_errno = c.refused_errno;
	}
}

/*
 * One dump, from the first source of the table that can answer it.
 * Returns 0 (also when none could: d says so), or -1 with errno set.
 */
static int
collect(struct pipeline *p, const struct dump_req *req,
    struct pipeline_dump *d)
{
	void *h;
	size_t i;
	int e;

	d->asked = 1;
	for (i = 0; i < p->nsrc; i++) {
		p->emitted = 0;
		if ((h = source_handle(p, p->cur, i)) != NULL &&
		    p->src[i]->collect(h, req, row_take, p,
		    &p->rep->stats) == 0) {
			diag_counts(p, i);
			d->from = p->src[i]->name;
			return 0;
		}
		e = errno;
		diag_counts(p, i);
		/* Rows already out cannot be taken back: that is a failure. */
		if (p->out_failed || p->emitted > 0 || !DIAG_UNAVAILABLE(e)) {
			errno = e;
			return -1;
		}
		d->missed[d->nmissed] = p->src[i]->name;
		d->missed_errno[d->nmissed++] = e;
	}
	if (p->f->gap != NULL && !p->measuring)
		p->f->gap(p->fst, req->family, req->proto);
	return 0;
}

/*
 * Before the UNIX dump: the RefCnt map, when the formatter shows RefCnt
 * and the first source (netlink) does not give it.  A nicety: without
 * /proc/net/unix the rows stay right and the column reads 0, which main
 * says once.
 */
static void
unix_prepare(struct pipeline *p)
{
	if ((p->f->needs & ROW_HAS_REFCNT) && p->src[0] != &procnet_source &&
	    refcnt_load(p, p->cur) == -1)
		p->rep->refcnt_errno = errno;
}

/*
 * One dump in space i: the first space's is recorded in d; another
 * space's that no source could read is counted in rep->netns_gaps.
 * Returns 0, or -1 with errno set.
 */
static int
space_dump(struct pipeline *p, size_t i, const struct dump_req *req,
    struct pipeline_dump *d)
{
	struct pipeline_dump other;

	p->cur = p->nsp > 0 ? &p->sp[i] : &p->dflt;
	if (req->proto == PROTO_UNIX)
		unix_prepare(p);
	memset(&other, 0, sizeof(other));
	if (collect(p, req, i == 0 ? d : &other) == -1)
		return -1;
	if (i > 0 && other.from == NULL)
		p->rep->netns_gaps++;
	return 0;
}

/*
 * One dump in every space, in their order: all the namespaces' tcp rows
 * before any udp row, as netstat's sections want.  Returns 0, or -1 with
 * errno set.
 */
static int
run_spaces(struct pipeline *p, const struct dump_req *req,
    struct pipeline_dump *d)
{
	size_t i, n = p->nsp > 0 ? p->nsp : 1;

	for (i = 0; i < n; i++)
		if (space_dump(p, i, req, d) == -1)
			return -1;
	return 0;
}

/*
 * Runs the dump of proto in family i (0: IPv4, 1: IPv6; UNIX has only
 * 0) in every space if the selection asks for it.  Returns 0, or -1
 * with errno set and rep->failed naming the dump unless the formatter
 * failed.
 */
static int
run_dump(struct pipeline *p, unsigned proto, size_t i)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	struct dump_req req;

	req.family = proto == PROTO_UNIX ? AF_UNIX : families[i];
	req.proto = proto;
	req.states = p->sel->ops->states(p->sel, req.family, req.proto);
	/* Measuring needs addresses only: no internals asked. */
	req.ext = p->measuring ? 0 : tcpinfo_wanted(p->o);
	if (req.states == 0)
		return 0;
	if (proto == PROTO_UNIX && p->f->unix_next != NULL &&
	    p->f->unix_next(p->fst) == -1) {
		p->out_failed = 1;
		return -1;
	}
	if (run_spaces(p, &req, &p->rep->dumps[proto][i]) == -1) {
		/* An empty rep->failed means the output failed. */
		if (!p->out_failed)
			snprintf(p->rep->failed, sizeof(p->rep->failed), "%s",
			    names_proto(proto, req.family));
		return -1;
	}
	return 0;
}

/*
 * TCP of both families of space i in one netlink dump.  Returns 1 when
 * it answered, 0 when the kernel cannot (no such request, no netlink:
 * nothing emitted), or -1 as run_dump.
 */
static int
tcp_joined_space(struct pipeline *p, size_t i, const struct dump_req *req)
{
	void *h;
	int e;

	p->cur = p->nsp > 0 ? &p->sp[i] : &p->dflt;
	if ((h = source_handle(p, p->cur, 0)) == NULL)
		return 0;
	p->emitted = 0;
	if (diag_source.collect(h, req, row_take, p, &p->rep->stats) == 0) {
		diag_counts(p, 0);
		return 1;
	}
	e = errno;
	diag_counts(p, 0);
	if (p->out_failed || p->emitted > 0 || !DIAG_JOINED_REFUSED(e)) {
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * How many spaces' dumps run ahead of the one being read: the kernel's
 * walk for each is the cost (all namespaces share its tables), and
 * another CPU can walk for the next namespace meanwhile.
 */
static size_t
ahead_depth(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n <= 2 ? 1 : n > 5 ? 4 : (size_t)n - 1;
}

/* Starts space i's dump ahead, if its first source is netlink. */
static void
tcp_joined_ahead(struct pipeline *p, size_t i, const struct dump_req *req)
{
	void *h;

	if ((h = source_handle(p, &p->sp[i], 0)) != NULL)
		(void)diag_prefetch(h, req);	/* else read when its turn */
}

/*
 * TCP of both families in one netlink dump per space (FMT_TCP_JOINED),
 * when the face takes it (a kernel filter, or every namespace: one walk
 * of the kernel's tables, which all namespaces share, instead of two),
 * the first source is netlink and both families ask for the same states.
 * A space whose kernel cannot is dumped family by family.  Sets *done
 * when TCP is answered; if the first space cannot, it is left to
 * run_dump.  Returns 0, or -1 as run_dump.
 */
static int
run_tcp_joined(struct pipeline *p, int *done)
{
	struct dump_req req, fam;
	struct pipeline_dump *d = p->rep->dumps[PROTO_TCP];
	size_t i, n = p->nsp > 0 ? p->nsp : 1, next = 1, depth;
	int rc, v6;

	*done = 0;
	req.family = AF_UNSPEC;
	req.proto = PROTO_TCP;
	req.states = p->sel->ops->states(p->sel, AF_INET, PROTO_TCP);
	req.ext = tcpinfo_wanted(p->o);
	if (!(p->order & FMT_TCP_JOINED) || !fmt_tcp_joined(p->o) ||
	    p->src[0] != &diag_source || req.states == 0 ||
	    req.states != p->sel->ops->states(p->sel, AF_INET6, PROTO_TCP))
		return 0;
	depth = n > 1 ? ahead_depth() : 0;
	for (i = 0; i < n; i++) {
		/* Once the first space answered, the next ones go ahead. */
		for (; i > 0 && next < n && next <= i + depth; next++)
			tcp_joined_ahead(p, next, &req);
		if ((rc = tcp_joined_space(p, i, &req)) == -1) {
			if (!p->out_failed)
				snprintf(p->rep->failed,
				    sizeof(p->rep->failed), "tcp");
			return -1;
		}
		if (rc == 1) {
			if (i == 0) {
				d[0].asked = d[1].asked = 1;
				d[0].from = d[1].from = diag_source.name;
			}
			continue;
		}
		if (i == 0)
			return 0;
		fam = req;
		for (v6 = 0; v6 < 2; v6++) {
			fam.family = v6 ? AF_INET6 : AF_INET;
			if (space_dump(p, i, &fam, &d[v6]) == -1) {
				if (!p->out_failed)
					snprintf(p->rep->failed,
					    sizeof(p->rep->failed), "%s",
					    names_proto(PROTO_TCP, fam.family));
				return -1;
			}
		}
	}
	*done = 1;
	return 0;
}

/*
 * Runs every dump the selection asks for: in netstat's order (tcp, tcp6,
 * udp, ...), or every IPv6 dump first when the formatter asks
 * (FMT_INET6_FIRST), or every IPv6 dump into measure() and then all in
 * netstat's order (FMT_INET6_MEASURE); UNIX last.  Returns 0, or -1 as
 * run_dump.
 */
static int
run_dumps(struct pipeline *p)
{
	unsigned proto, first;
	size_t i;
	int tcp_done;

	if (run_tcp_joined(p, &tcp_done) == -1)
		return -1;
	first = tcp_done ? PROTO_UDP : PROTO_TCP;
	/* Widths first: every IPv6 dump into measure(), then all again. */
	if ((p->order & FMT_INET6_MEASURE) && p->f->measure != NULL) {
		p->measuring = 1;
		for (proto = first; proto < PROTO_UNIX; proto++)
			if (run_dump(p, proto, 1) == -1) {
				p->measuring = 0;
				return -1;
			}
		p->measuring = 0;
	}
	if (p->order & FMT_INET6_FIRST) {
		for (i = 2; i-- > 0; )
			for (proto = first; proto < PROTO_UNIX; proto++)
				if (run_dump(p, proto, i) == -1)
					return -1;
	} else {
		for (proto = first; proto < PROTO_UNIX; proto++)
			for (i = 0; i < 2; i++)
				if (run_dump(p, proto, i) == -1)
					return -1;
	}
	return run_dump(p, PROTO_UNIX, 0);
}

int
pipeline_pass(struct pipeline *p, const struct formatter *f, FILE *out,
    const struct procmap *owners, struct pipeline_report *rep)
{
	int rv, save_errno;

	memset(rep, 0, sizeof(*rep));
	p->out_failed = 0;
	p->f = f;
	p->owners = owners;
	p->rep = rep;
	if ((p->fst = f->begin(out, p->o)) == NULL)
		return -1;
	p->order = f->pass_order != NULL ? f->pass_order(p->fst) : f->order;
	rv = run_dumps(p);
	save_errno = errno;
	/* The next pass of -c starts without this one's map. */
	refcnt_map_free(p->refcnts);
	p->refcnts = NULL;
	if (rv == -1) {
		f->end(p->fst);
		errno = save_errno;
		return -1;
	}
	return f->end(p->fst);
}
