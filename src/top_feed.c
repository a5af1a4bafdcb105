/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_feed.c - one refresh of sockstat top (top_feed.h): one dump per
 * table through the source table, each row handed to the model, then
 * the owner map when a new socket needs it (or it is old).  The sources
 * are the ones the listing uses (source.h); nothing here speaks netlink
 * itself.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "source.h"
#include "tcpinfo.h"
#include "top_feed.h"

/*
 * The tables of a refresh: Internet ones in both families.  TCP comes
 * first from one netlink dump of both families (AF_UNSPEC: one walk of
 * the kernel's tables instead of two, the model takes rows in any
 * order); a kernel or source that cannot is asked family by family.
 */
struct top_dump {
	int		 family;
	enum sock_proto	 proto;
	int		 slot;		/* top_feed_report.from[] */
};

static const struct top_dump tcp_joined = { AF_UNSPEC, PROTO_TCP, 0 };

static const struct top_dump dumps[] = {
	{ AF_INET,	PROTO_TCP,	0 },
	{ AF_INET6,	PROTO_TCP,	0 },
	{ AF_INET,	PROTO_UDP,	1 },
	{ AF_INET6,	PROTO_UDP,	1 },
	{ AF_UNIX,	PROTO_UNIX,	2 },
};
#define NDUMPS		(sizeof(dumps) / sizeof(dumps[0]))

static const struct source *const sources[] = {
	&diag_source, &procnet_source
};
#define NSOURCES	(sizeof(sources) / sizeof(sources[0]))

struct top_feed {
	const char	*proc_root;
	top_privs_fn	 privs;
	void		*privs_arg;
	void		*h[NSOURCES];
	int		 open_errno[NSOURCES];	/* could not be opened */
	uint64_t	 map_ms;	/* when the owner map was last built */
	int		 mapped;	/* it was */
	struct procmap_stats map_stats;	/* what that build saw */
	int		 map_errno;
	int		 unjoined;	/* the joined TCP dump was refused */
};

/* What the row callback needs: the model. */
struct feed_ctx {
	struct top	*t;
	unsigned long	 rows;
};

/*
 * Owners of a socket whose owner is known change seldom (a descriptor
 * passed, a fork): the map, a walk of every /proc/PID/fd, is built again
 * when a new socket has no owner, else at most this often.
 */
#define OWNER_MAP_MAX_AGE_MS	10000

struct top_feed *
top_feed_open(const char *proc_root, top_privs_fn privs, void *privs_arg)
{
	struct top_feed *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->proc_root = proc_root;
	f->privs = privs;
	f->privs_arg = privs_arg;
	return f;
}

void
top_feed_close(struct top_feed *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < NSOURCES; i++)
		if (f->h[i] != NULL)
			sources[i]->close(f->h[i]);
	free(f);
}

static int
feed_row(const struct sock_row *r, void *arg)
{
	struct feed_ctx *c = arg;

	c->rows++;
	return top_add(c->t, r);
}

/* The source handle i, opened now if need be; NULL: it cannot be. */
static void *
source_handle(struct top_feed *f, size_t i)
{
	if (f->h[i] == NULL && f->open_errno[i] == 0) {
		if ((f->h[i] = sources[i]->open(f->proc_root)) == NULL)
			f->open_errno[i] = errno ? errno : EIO;
	}
	return f->h[i];
}

/* The request of table d: every state, TCP with its tcp_info. */
static void
req_of(const struct top_dump *d, struct dump_req *req)
{
	memset(req, 0, sizeof(*req));
	req->family = d->family;
	req->proto = d->proto;
	req->states = ST_ALL;
	req->ext = d->proto == PROTO_TCP ? EXT_INFO : 0;
}

/*
 * One table from the first source that can answer it.  Returns 0, or
 * -1 with errno set (ENOMEM from the model stops the refresh).
 */
static int
feed_dump(struct top_feed *f, const struct top_dump *d,
    struct feed_ctx *c, struct top_feed_report *rep)
{
	struct dump_req req;
	struct source_stats st;
	unsigned long before;
	int e = ENOENT;

	req_of(d, &req);
	for (size_t i = 0; i < NSOURCES; i++) {
		void *h = source_handle(f, i);

		if (h == NULL) {
			e = f->open_errno[i];
			continue;
		}
		memset(&st, 0, sizeof(st));
		before = c->rows;
		if (sources[i]->collect(h, &req, feed_row, c, &st) == 0) {
			rep->from[d->slot] = sources[i]->name;
			return 0;
		}
		e = errno;
		if (e == ENOMEM)
			return -1;
		/* Rows went to the model: another source would repeat them. */
		if (c->rows != before || (i == 0 && !DIAG_UNAVAILABLE(e)))
			break;
	}
	rep->failed++;
	rep->failed_errno = e;
	return 0;
}

/*
 * TCP of both families in one netlink dump.  Returns 1 when it answered,
 * 0 when the kernel cannot (nothing taken: ask family by family from
 * now on), or -1 with errno set (ENOMEM, or a dump that failed part way:
 * counted in rep).
 */
static int
feed_tcp_joined(struct top_feed *f, struct feed_ctx *c,
    struct top_feed_report *rep)
{
	struct dump_req req;
	struct source_stats st;
	unsigned long before = c->rows;
	void *h;
	int e;

	if (f->unjoined || (h = source_handle(f, 0)) == NULL)
		return 0;
	req_of(&tcp_joined, &req);
	memset(&st, 0, sizeof(st));
	if (sources[0]->collect(h, &req, feed_row, c, &st) == 0) {
		rep->from[tcp_joined.slot] = sources[0]->name;
		return 1;
	}
	e = errno;
	if (e == ENOMEM)
		return -1;
	if (c->rows == before && DIAG_JOINED_REFUSED(e)) {
		f->unjoined = 1;
		return 0;
	}
	/* Rows went to the model: the two dumps would repeat them. */
	rep->failed += 2;
	rep->failed_errno = e;
	return 1;
}

static const struct sock_owner *
map_lookup(uint64_t inode, size_t *n, void *arg)
{
	return procmap_lookup(arg, inode, n);
}

/* Builds the owner map and gives the model its owners. */
static void
feed_owners(struct top_feed *f, struct top *t, uint64_t now_ms)
{
	struct procmap *m;

	memset(&f->map_stats, 0, sizeof(f->map_stats));
	if (f->privs != NULL)
		f->privs(1, f->privs_arg);
	/* The holders' cgroups too: their containers. */
	m = procmap_build_flags(f->proc_root, PROCMAP_CGROUP, &f->map_stats);
	f->map_errno = m == NULL ? errno : 0;
	if (f->privs != NULL)
		f->privs(0, f->privs_arg);
	f->map_ms = now_ms;
	f->mapped = 1;
	if (m != NULL)
		top_fill_owners(t, map_lookup, m);
	procmap_free(m);
}

int
top_feed_snapshot(struct top_feed *f, struct top *t, uint64_t now_ms,
    struct top_feed_report *rep)
{
	struct feed_ctx c;
	int joined;

	memset(rep, 0, sizeof(*rep));
	if (top_begin(t, now_ms) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	c.t = t;
	if ((joined = feed_tcp_joined(f, &c, rep)) == -1)
		return -1;
	for (size_t i = joined ? 2 : 0; i < NDUMPS; i++)
		if (feed_dump(f, &dumps[i], &c, rep) == -1)
			return -1;
	rep->rows = c.rows;
	if (top_end(t) == -1)
		return -1;
	/* No socket, no map: an idle host costs one dump a refresh. */
	if (top_unowned_new(t) > 0 || (top_len(t) > 0 && (!f->mapped ||
	    now_ms - f->map_ms >= OWNER_MAP_MAX_AGE_MS)))
		feed_owners(f, t, now_ms);
	rep->owners = f->map_stats;
	rep->owners_errno = f->map_errno;
	if (rep->failed == NDUMPS) {
		errno = EIO;
		return -1;
	}
	return 0;
}
