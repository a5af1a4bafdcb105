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

#include "diag.h"
#include "names.h"
#include "pipeline.h"
#include "procnet.h"
#include "refcnt.h"
#include "tcpinfo.h"

struct pipeline {
	const struct options	*o;
	struct selection	*sel;
	/* the source table of this run, in the order they are asked */
	const struct source	*src[PIPELINE_SOURCES_MAX];
	void			*h[PIPELINE_SOURCES_MAX];
	int			 open_errno[PIPELINE_SOURCES_MAX];
	int			 bc_set[PIPELINE_SOURCES_MAX];
	int			(*priv)(int);	/* pipeline_set_privileged */
	size_t			 nsrc;
	/* per pass */
	const struct formatter	*f;
	void			*fst;
	const struct procmap	*owners;
	struct pipeline_report	*rep;
	unsigned long		 emitted;	/* rows seen in this dump */
	int			 out_failed;	/* the formatter failed */
	struct refcnt_map	*refcnts;	/* NULL: none this pass */
	unsigned		 order;		/* FMT_* of this pass */
	int			 measuring;	/* rows go to f->measure */
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

void
pipeline_set_privileged(struct pipeline *p, int (*priv)(int on))
{
	p->priv = priv;
}

void
pipeline_free(struct pipeline *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsrc; i++)
		if (p->h[i] != NULL)
			p->src[i]->close(p->h[i]);
	refcnt_map_free(p->refcnts);
	free(p);
}

/* Source i's handle, opened on first use.  NULL with errno set. */
static void *
source_handle(struct pipeline *p, size_t i)
{
	if (p->h[i] == NULL && p->open_errno[i] == 0) {
		if ((p->h[i] = p->src[i]->open(p->o->proc_root)) == NULL)
			p->open_errno[i] = errno != 0 ? errno : ENOMEM;
		else if (p->src[i] == &diag_source && p->priv != NULL)
			diag_set_privileged(p->h[i], p->priv);
	}
	/* The filter's program goes to the kernel with netlink dumps. */
	if (p->h[i] != NULL && p->src[i] == &diag_source &&
	    p->o->filter_bc != NULL && !p->bc_set[i]) {
		diag_set_bytecode(p->h[i], p->o->filter_bc,
		    p->o->filter_bc_len, p->o->filter_bc_needed);
		diag_set_ports(p->h[i], p->o->filter_sport,
		    p->o->filter_dport);
		p->bc_set[i] = 1;
	}
	if (p->h[i] == NULL)
		errno = p->open_errno[i];
	return p->h[i];
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
static int
refcnt_load(struct pipeline *p)
{
	struct dump_req req = { AF_UNIX, PROTO_UNIX, ~0U, 0 };
	struct source_stats st = { 0, 0, 0 };
	void *h;
	int save_errno;

	if ((p->refcnts = refcnt_map_new()) == NULL)
		return -1;
	h = procnet_source.open(p->o->proc_root);
	/* The map drops an inode two lines show: no guard needed. */
	if (h != NULL)
		procnet_unguarded(h);
	if (h == NULL || procnet_source.collect(h, &req, refcnt_add,
	    p->refcnts, &st) == -1) {
		save_errno = errno;
		if (h != NULL)
			procnet_source.close(h);
		refcnt_map_free(p->refcnts);
		p->refcnts = NULL;
		errno = save_errno;
		return -1;
	}
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
	if ((m = sel->ops->match(sel, in)) == 0)
		return 0;
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
	unsigned long replies, refused;
	int e;

	if (p->src[i] != &diag_source || p->h[i] == NULL)
		return;
	diag_take_counts(p->h[i], &replies, &refused, &e);
	p->rep->replies += replies;
	if (refused > 0) {
		p->rep->bc_refused += refused;
		p->rep->bc_errno = e;
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
		if ((h = source_handle(p, i)) != NULL &&
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
	    refcnt_load(p) == -1)
		p->rep->refcnt_errno = errno;
}

/*
 * Runs the dump of proto in family i (0: IPv4, 1: IPv6; UNIX has only
 * 0) if the selection asks for it.  Returns 0, or -1 with errno set and
 * rep->failed naming the dump unless the formatter failed.
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
	if (proto == PROTO_UNIX)
		unix_prepare(p);
	if (collect(p, &req, &p->rep->dumps[proto][i]) == -1) {
		/* An empty rep->failed means the output failed. */
		if (!p->out_failed)
			snprintf(p->rep->failed, sizeof(p->rep->failed), "%s",
			    names_proto(proto, req.family));
		return -1;
	}
	return 0;
}

/*
 * TCP of both families in one netlink dump (FMT_TCP_JOINED), when the
 * face takes it, the kernel runs a filter and both families ask for the
 * same states.  Sets *done when it answered for both; a kernel that
 * cannot (no such request, no netlink) leaves them to run_dump.
 * Returns 0, or -1 as run_dump.
 */
static int
run_tcp_joined(struct pipeline *p, int *done)
{
	struct dump_req req;
	struct pipeline_dump *d = p->rep->dumps[PROTO_TCP];
	void *h;
	int e;

	*done = 0;
	req.family = AF_UNSPEC;
	req.proto = PROTO_TCP;
	req.states = p->sel->ops->states(p->sel, AF_INET, PROTO_TCP);
	req.ext = tcpinfo_wanted(p->o);
	if (!(p->order & FMT_TCP_JOINED) || !fmt_tcp_joined(p->o) ||
	    p->src[0] != &diag_source || req.states == 0 ||
	    req.states != p->sel->ops->states(p->sel, AF_INET6, PROTO_TCP) ||
	    (h = source_handle(p, 0)) == NULL)
		return 0;
	p->emitted = 0;
	if (diag_source.collect(h, &req, row_take, p, &p->rep->stats) == 0) {
		diag_counts(p, 0);
		d[0].asked = d[1].asked = 1;
		d[0].from = d[1].from = diag_source.name;
		*done = 1;
		return 0;
	}
	e = errno;
	diag_counts(p, 0);
	if (p->out_failed || p->emitted > 0 ||
	    !(DIAG_UNAVAILABLE(e) || e == EINVAL)) {
		if (!p->out_failed)
			snprintf(p->rep->failed, sizeof(p->rep->failed), "tcp");
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * Runs every dump the selection asks for: in netstat's order (tcp, tcp6,
 * udp, ...), or every IPv6 dump first when the formatter asks
 * (FMT_INET6_FIRST); UNIX last.  Returns 0, or -1 as run_dump.
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
