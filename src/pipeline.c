/*
 * pipeline.c - runs the dumps of a selection through one formatter.
 *
 * Dumps go in netstat's order (tcp, tcp6, udp, udp6, raw, raw6, unix).
 * Each is asked of netlink first; when netlink cannot answer for that
 * protocol (DIAG_UNAVAILABLE) and nothing of the dump was emitted yet,
 * the same dump is read from /proc/net instead, unless --source forbids.
 *
 * A formatter that prints rows as they come but must size some columns
 * first (the netstat face) asks for a measure pass: the dumps of the
 * families it names are read before the real pass and their selected
 * rows shown to its measure hook.  Each read of an IPv6 dump walks the
 * kernel's whole hash of that protocol, so the measure pass keeps the
 * rows it selects (the spool, packed: a few bytes a row, rowpack.h) and
 * the real pass prints those in the dump's place instead of reading it
 * again: the rows printed are then the rows measured.  Past
 * PIPELINE_SPOOL_BYTES (or spool_max rows) the spool is dropped, to
 * bound memory where IPv6 sockets abound, and the real pass reads every
 * measured dump again; sockets may then come and go between the two
 * reads, and the formatter copes with a row it did not see.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "filter.h"
#include "lsof.h"
#include "names.h"
#include "pipeline.h"
#include "procnet.h"
#include "refcnt.h"
#include "rowpack.h"

/*
 * A dump the measure pass kept whole: its rows end at spool position end
 * (they start where the previous kept dump's end), with the statistics
 * and the fallback its read gave, for the real pass to report in turn.
 */
struct spooled {
	int			 kept;
	size_t			 end;		/* rowpack_mark */
	struct source_stats	 stats;
	int			 fallback;	/* read from /proc/net */
	int			 fallback_errno;
};

struct pipeline {
	const struct options	*o;
	struct diag		*diag;
	int			 diag_errno;	/* diag_open failed */
	struct procnet		*procnet;
	size_t			 spool_max;	/* rows; 0: never keep */
	/* per pass */
	const struct formatter	*f;
	void			*fst;
	const struct procmap	*owners;
	struct pipeline_report	*rep;
	unsigned long		 emitted;	/* rows seen in this dump */
	int			 out_failed;	/* the formatter failed */
	struct refcnt_map	*refcnts;	/* NULL: none this pass */
	/* NULL unless every measured dump so far was kept whole */
	struct rowpack		*spool;
	struct spooled		 spooled[PROTO_COUNT];	/* IPv6 dumps */
};

struct pipeline *
pipeline_new(const struct options *o)
{
	struct pipeline *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->o = o;
	p->spool_max = SIZE_MAX;
	return p;
}

void
pipeline_set_spool_max(struct pipeline *p, size_t rows)
{
	p->spool_max = rows;
}

/* Forgets the kept rows: the real pass will read their dumps again. */
static void
spool_drop(struct pipeline *p)
{
	rowpack_free(p->spool);
	p->spool = NULL;
	memset(p->spooled, 0, sizeof(p->spooled));
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	diag_close(p->diag);
	procnet_close(p->procnet);
	refcnt_map_free(p->refcnts);
	rowpack_free(p->spool);
	free(p);
}

static int
refcnt_add(const struct sock_row *r, void *arg)
{
	return refcnt_map_add(arg, r->inode, r->refcnt);
}

/*
 * sock_diag has no reference count for UNIX sockets, but netstat's RefCnt
 * column shows the one /proc/net/unix prints; read it once per pass so
 * that netlink rows read as netstat's do.  A missing file leaves RefCnt 0
 * and p->refcnts NULL.
 */
static int
refcnt_load(struct pipeline *p)
{
	struct dump_req req = { AF_UNIX, PROTO_UNIX, ~0U };
	struct source_stats st = { 0 };
	int save_errno;

	if ((p->refcnts = refcnt_map_new()) == NULL)
		return -1;
	if ((p->procnet == NULL &&
	    (p->procnet = procnet_open(p->o->proc_root)) == NULL) ||
	    procnet_collect(p->procnet, &req, refcnt_add, p->refcnts,
	    &st) == -1) {
		save_errno = errno;
		refcnt_map_free(p->refcnts);
		p->refcnts = NULL;
		errno = save_errno;
		return -1;
	}
	refcnt_map_seal(p->refcnts);
	return 0;
}

static int
row_take(const struct sock_row *in, void *arg)
{
	struct pipeline *p = arg;
	struct sock_row r;
	int m = LSOF_SOCK_NO;

	p->emitted++;
	if (p->o->lsof != NULL) {
		if ((m = lsof_match_socket(p->o->lsof, in)) == LSOF_SOCK_NO)
			return 0;
	} else if (!filter_match(p->o, in))
		return 0;
	r = *in;
	if (r.family == AF_UNIX && !(r.has & ROW_HAS_REFCNT) &&
	    p->refcnts != NULL && refcnt_map_get(p->refcnts, r.inode,
	    &r.refcnt))
		r.has |= ROW_HAS_REFCNT;
	if (p->owners != NULL && r.inode != 0) {
		r.owners = procmap_lookup(p->owners, r.inode, &r.nowners);
		/* lsof lists a socket no SPEC names only through its owner. */
		if (r.nowners == 0 && m != LSOF_SOCK_FACE)
			p->rep->unowned++;
	}
	/* The lsof face lists only the owners its -p, -c, -u select. */
	if (p->o->lsof != NULL) {
		if (lsof_select_owners(p->o->lsof, m, &r) == -1)
			return -1;
		if (r.nowners == 0)
			return 0;
	}
	p->rep->rows++;
	if (p->f->row(p->fst, &r) == -1) {
		p->out_failed = 1;
		return -1;
	}
	return 0;
}

/*
 * A row of the measure pass: selected as row_take does, measured, and
 * kept in the spool as the measure left it (without owners).
 */
static int
row_measure(const struct sock_row *in, void *arg)
{
	struct pipeline *p = arg;
	struct sock_row r;

	p->emitted++;
	if (p->o->lsof != NULL) {
		if (lsof_match_socket(p->o->lsof, in) == LSOF_SOCK_NO)
			return 0;
	} else if (!filter_match(p->o, in))
		return 0;
	/* The program column is measured on the owners it will show. */
	r = *in;
	if (p->owners != NULL && r.inode != 0)
		r.owners = procmap_lookup(p->owners, r.inode, &r.nowners);
	if (p->f->measure(p->fst, &r) == -1) {
		p->out_failed = 1;
		return -1;
	}
	r.owners = NULL;
	r.nowners = 0;
	/* A full spool, or no memory for it, only costs the second read. */
	if (p->spool != NULL && (rowpack_len(p->spool) >= p->spool_max ||
	    rowpack_push(p->spool, &r) == -1))
		spool_drop(p);
	return 0;
}

static int
collect_netlink(struct pipeline *p, const struct dump_req *req, row_cb cb)
{
	if (p->diag == NULL && p->diag_errno == 0 &&
	    (p->diag = diag_open()) == NULL)
		p->diag_errno = errno;
	if (p->diag == NULL) {
		errno = p->diag_errno;
		return -1;
	}
	return diag_collect(p->diag, req, cb, p, &p->rep->stats);
}

static int
collect_proc(struct pipeline *p, const struct dump_req *req, row_cb cb)
{
	if (p->procnet == NULL &&
	    (p->procnet = procnet_open(p->o->proc_root)) == NULL)
		return -1;
	return procnet_collect(p->procnet, req, cb, p, &p->rep->stats);
}

/* One dump into cb, from netlink or, when it cannot, /proc/net. */
static int
collect(struct pipeline *p, const struct dump_req *req, row_cb cb)
{
	int save_errno;

	p->emitted = 0;
	if (p->o->source == SOURCE_PROC)
		return collect_proc(p, req, cb);
	if (collect_netlink(p, req, cb) == 0)
		return 0;
	save_errno = errno;
	if (p->o->source == SOURCE_NETLINK || !DIAG_UNAVAILABLE(save_errno) ||
	    p->emitted > 0) {
		errno = save_errno;
		return -1;
	}
	if (p->rep->fallback == 0)
		p->rep->fallback_errno = save_errno;
	p->rep->fallback |= 1U << req->proto;
	return collect_proc(p, req, cb);
}

/*
 * After a measured dump: while the spool lives, notes where the dump's
 * rows end and what its read reported, then clears that from the
 * measure pass's scratch report so the next dump starts from nothing.
 */
static void
spool_mark(struct pipeline *p, enum sock_proto proto)
{
	struct spooled *d = &p->spooled[proto];

	if (p->spool != NULL) {
		d->kept = 1;
		d->end = rowpack_mark(p->spool);
		d->stats = p->rep->stats;
		d->fallback = (p->rep->fallback & 1U << proto) != 0;
		d->fallback_errno = p->rep->fallback_errno;
	}
	memset(&p->rep->stats, 0, sizeof(p->rep->stats));
	p->rep->fallback = 0;
	p->rep->fallback_errno = 0;
}

static void
stats_add(struct source_stats *to, const struct source_stats *from)
{
	to->malformed += from->malformed;
	to->interrupted += from->interrupted;
	to->inconsistent += from->inconsistent;
}

/*
 * A kept dump in place of reading it: its statistics and fallback are
 * reported as collect() would have, then its rows go through row_take.
 */
static int
spool_replay(struct pipeline *p, enum sock_proto proto)
{
	const struct spooled *d = &p->spooled[proto];
	struct sock_row r;
	size_t pos = rowpack_start(p->spool);
	unsigned q;

	for (q = 0; q < proto; q++)
		if (p->spooled[q].kept)
			pos = p->spooled[q].end;
	stats_add(&p->rep->stats, &d->stats);
	if (d->fallback) {
		if (p->rep->fallback == 0)
			p->rep->fallback_errno = d->fallback_errno;
		p->rep->fallback |= 1U << proto;
	}
	while (pos < d->end && rowpack_read(p->spool, &pos, &r) == 1)
		if (row_take(&r, p) == -1)
			return -1;
	return 0;
}

/*
 * Before the real pass's UNIX dump.  The kept Internet rows are all out
 * by now: unless UNIX rows are kept too, the spool goes before the
 * RefCnt map comes, so that a pass never holds both.  RefCnt is a
 * nicety: without /proc/net/unix the rows stay right and the column
 * reads 0, which main says once.
 */
static void
unix_prepare(struct pipeline *p)
{
	if (p->spool != NULL && !p->spooled[PROTO_UNIX].kept)
		spool_drop(p);
	if (p->f == &fmt_table && p->o->source != SOURCE_PROC) {
		if (refcnt_load(p) == -1)
			p->rep->refcnt_errno = errno;
	}
}

/*
 * Runs every selected dump (netstat's order) into cb; with fams only
 * the Internet dumps of those families.  A dump the spool holds is
 * replayed, not read.  Returns 0, or -1 with errno set and rep->failed
 * naming the dump unless the formatter failed.
 */
static int
run_dumps(struct pipeline *p, unsigned fams, row_cb cb)
{
	static const int families[] = { AF_INET, AF_INET6 };
	const struct options *o = p->o;
	struct dump_req req;
	unsigned proto, fam;
	size_t i;
	int rv;

	for (proto = PROTO_TCP; proto < PROTO_COUNT; proto++) {
		if (!(o->protos & (1U << proto)))
			continue;
		if (proto == PROTO_UNIX && fams != 0 && !(fams & FAM_UNIX))
			break;
		for (i = 0; i < 2; i++) {
			if (proto == PROTO_UNIX && i > 0)
				break;
			fam = i == 0 ? FAM_INET4 : FAM_INET6;
			if (proto != PROTO_UNIX && (!(o->families & fam) ||
			    (fams != 0 && !(fams & fam))))
				continue;
			req.family = proto == PROTO_UNIX ? AF_UNIX : families[i];
			req.proto = proto;
			req.states = filter_states(o, proto);
			if (cb == row_take && proto == PROTO_UNIX)
				unix_prepare(p);
			if (cb == row_take && p->spool != NULL &&
			    (req.family == AF_INET6 || req.family == AF_UNIX) &&
			    p->spooled[proto].kept)
				rv = spool_replay(p, proto);
			else
				rv = collect(p, &req, cb);
			if (rv == 0 && cb == row_measure)
				spool_mark(p, proto);
			if (rv == -1) {
				/* An empty rep->failed means the output failed. */
				if (!p->out_failed)
					snprintf(p->rep->failed,
					    sizeof(p->rep->failed), "%s",
					    names_proto(proto, req.family));
				return -1;
			}
		}
	}
	return 0;
}

/*
 * The measure pass, keeping its rows unless spool_max is 0.  Its
 * statistics and fallbacks go to a scratch report: the real pass
 * reports them, from the spool or from its own read of the same dumps,
 * so they are not counted twice.  Only a failure is reported here.
 */
static int
measure_pass(struct pipeline *p, unsigned fams)
{
	struct pipeline_report *rep = p->rep, scratch;
	int rv;

	spool_drop(p);
	if (p->spool_max > 0)	/* NULL: no spool, no harm */
		p->spool = rowpack_new(PIPELINE_SPOOL_BYTES);
	memset(&scratch, 0, sizeof(scratch));
	p->rep = &scratch;
	rv = run_dumps(p, fams, row_measure);
	p->rep = rep;
	if (rv == -1)
		memcpy(rep->failed, scratch.failed, sizeof(rep->failed));
	return rv;
}

/*
 * What a pass built for itself goes at its end, so that the next pass of
 * -c measures (spool) without the last one's RefCnt map still held.
 */
static void
pass_release(struct pipeline *p)
{
	spool_drop(p);
	refcnt_map_free(p->refcnts);
	p->refcnts = NULL;
}

int
pipeline_pass(struct pipeline *p, const struct formatter *f, FILE *out,
    const struct procmap *owners, struct pipeline_report *rep)
{
	const struct options *o = p->o;
	unsigned fams = 0;
	int save_errno;

	memset(rep, 0, sizeof(*rep));
	p->out_failed = 0;
	p->f = f;
	p->owners = owners;
	p->rep = rep;
	if ((p->fst = f->begin(out, o)) == NULL)
		return -1;
	if (f->measure_families != NULL && f->measure != NULL)
		fams = f->measure_families(p->fst) &
		    (FAM_INET4 | FAM_INET6 | FAM_UNIX);
	if ((fams != 0 && measure_pass(p, fams) == -1) ||
	    run_dumps(p, 0, row_take) == -1) {
		save_errno = errno;
		pass_release(p);
		f->end(p->fst);
		errno = save_errno;
		return -1;
	}
	pass_release(p);
	return f->end(p->fst);
}
