/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unixguard.c - forged /proc/net/unix lines (see unixguard.h).
 *
 * Two parts: a counting set of every inode of the file (open addressing,
 * grown at half full), and the rows held back, kept small (a /proc UNIX
 * row has only type, state, inode, RefCount and a name) with their names
 * in one arena, since on a host with many named sockets a good share of
 * all lines can be suspect.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unixguard.h"

#define F_SUSPECT	0x01
#define F_FORGED	0x02	/* a copy: the tail of a name */
#define F_WANTED	0x04
#define F_BAD		0x08	/* forged, or its name was cut */
#define F_NAMED		0x10

struct held {
	uint64_t	 inode;
	size_t		 no;		/* line number */
	uint32_t	 refcnt;
	uint32_t	 path_off;
	uint16_t	 path_len;
	uint16_t	 len;		/* the line's bytes */
	uint16_t	 prev_name;	/* name length of the line before */
	uint16_t	 chain;		/* forged: the name it ends so far */
	uint8_t		 type;
	uint8_t		 state;
	uint8_t		 flags;
};

struct unixguard {
	uint64_t	*keys;		/* 0: empty slot */
	uint8_t		*counts;	/* 1, or 2 for "more than once" */
	size_t		 cap, len;	/* slots (a power of 2), keys */
	struct held	*rows;
	size_t		 nrows, caprows;
	char		*names;
	size_t		 nnames, capnames;
	/* the line before the next */
	size_t		 lines;
	size_t		 prev_name;	/* its name length; 0: none */
	size_t		 prev_chain;	/* if suspect, the shortest name it
					   could end; else 0 */
};

struct unixguard *
unixguard_new(void)
{
	return calloc(1, sizeof(struct unixguard));
}

void
unixguard_clear(struct unixguard *g)
{
	if (g->keys != NULL)
		memset(g->keys, 0, g->cap * sizeof(*g->keys));
	g->len = 0;
	g->nrows = 0;
	g->nnames = 0;
	g->lines = 0;
	unixguard_break(g);
}

void
unixguard_break(struct unixguard *g)
{
	g->prev_name = 0;
	g->prev_chain = 0;
}

void
unixguard_free(struct unixguard *g)
{
	if (g == NULL)
		return;
	free(g->keys);
	free(g->counts);
	free(g->rows);
	free(g->names);
	free(g);
}

/* The slot of inode: its own, or the empty one where it would go. */
static size_t
slot(const struct unixguard *g, uint64_t inode)
{
	size_t i = (size_t)((inode * 0x9E3779B97F4A7C15ULL) >> 17) &
	    (g->cap - 1);

	while (g->keys[i] != 0 && g->keys[i] != inode)
		i = (i + 1) & (g->cap - 1);
	return i;
}

/* Doubles the table (16 slots at first) and re-inserts every key. */
static int
grow(struct unixguard *g)
{
	uint64_t *okeys = g->keys;
	uint8_t *ocounts = g->counts;
	size_t ocap = g->cap, i, j;

	g->cap = ocap == 0 ? 16 : ocap * 2;
	g->keys = calloc(g->cap, sizeof(*g->keys));
	g->counts = calloc(g->cap, sizeof(*g->counts));
	if (g->keys == NULL || g->counts == NULL) {
		free(g->keys);
		free(g->counts);
		g->keys = okeys;
		g->counts = ocounts;
		g->cap = ocap;
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < ocap; i++) {
		if (okeys[i] == 0)
			continue;
		j = slot(g, okeys[i]);
		g->keys[j] = okeys[i];
		g->counts[j] = ocounts[i];
	}
	free(okeys);
	free(ocounts);
	return 0;
}

/* Counts inode: once, or twice for "more than once". */
static int
see(struct unixguard *g, uint64_t inode)
{
	size_t i;

	if (inode == 0)
		return 0;
	if ((g->len + 1) * 2 > g->cap && grow(g) == -1)
		return -1;
	i = slot(g, inode);
	if (g->keys[i] == inode) {
		g->counts[i] = 2;
		return 0;
	}
	g->keys[i] = inode;
	g->counts[i] = 1;
	g->len++;
	return 0;
}

/* How often inode was seen: 0, 1 or 2 (twice or more). */
static unsigned
seen(const struct unixguard *g, uint64_t inode)
{
	size_t i;

	if (inode == 0 || g->cap == 0)
		return 0;
	i = slot(g, inode);
	return g->keys[i] == inode ? g->counts[i] : 0;
}

/*
 * A line can be the tail of a name in two ways: of the name on the line
 * before (own), or, when that line is itself a tail, of the same name
 * (chain).  Either way the name, its newlines and the line must fit in
 * sun_path.
 */
int
unixguard_next(struct unixguard *g, const struct sock_row *r, size_t linelen,
    struct unixguard_line *l)
{
	size_t own = 0, chain = 0;

	if (see(g, r->inode) == -1)
		return -1;
	if (linelen > UNIXGUARD_NAME_MAX)	/* no tail: and fits 16 bits */
		linelen = UNIXGUARD_NAME_MAX + 1;
	if (g->prev_name > 0 &&
	    g->prev_name + 1 + linelen <= UNIXGUARD_NAME_MAX)
		own = g->prev_name + 1 + linelen;
	if (g->prev_chain > 0 &&
	    g->prev_chain + 1 + linelen <= UNIXGUARD_NAME_MAX)
		chain = g->prev_chain + 1 + linelen;
	l->no = g->lines++;
	l->len = (uint16_t)linelen;
	l->prev_name = (uint16_t)g->prev_name;
	l->suspect = own > 0 || chain > 0;
	g->prev_chain = own > 0 && (chain == 0 || own < chain) ? own : chain;
	g->prev_name = r->path != NULL && r->path_len <= UNIXGUARD_NAME_MAX ?
	    r->path_len : 0;
	return 0;
}

/* Makes room for one more of n items of size sz in *v (capacity *cap). */
static int
reserve(void **v, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 64 : *cap * 2;
	if ((p = realloc(*v, ncap * sz)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*v = p;
	*cap = ncap;
	return 0;
}

int
unixguard_hold(struct unixguard *g, const struct sock_row *r,
    const struct unixguard_line *l, int wanted)
{
	struct held *h;
	size_t need = r->path != NULL ? r->path_len + 1 : 0;

	if (r->path_len > UNIXGUARD_NAME_MAX ||
	    reserve((void **)&g->rows, &g->caprows, g->nrows,
	    sizeof(*g->rows)) == -1)
		return -1;
	while (g->nnames + need > g->capnames)
		if (reserve((void **)&g->names, &g->capnames, g->capnames, 1) ==
		    -1)
			return -1;
	h = &g->rows[g->nrows++];
	memset(h, 0, sizeof(*h));
	h->inode = r->inode;
	h->no = l->no;
	h->refcnt = r->refcnt;
	h->len = l->len;
	h->prev_name = l->prev_name;
	h->type = r->type;
	h->state = r->state;
	h->flags = (l->suspect ? F_SUSPECT : 0) | (wanted ? F_WANTED : 0);
	if (r->path != NULL) {
		h->flags |= F_NAMED;
		h->path_off = (uint32_t)g->nnames;
		h->path_len = (uint16_t)r->path_len;
		memcpy(g->names + g->nnames, r->path, r->path_len);
		g->names[g->nnames + r->path_len] = '\0';
		g->nnames += need;
	}
	return 0;
}

/*
 * Decides, in file order, which held lines are forged: a suspect line
 * whose inode another line shows, and which can still be the tail of a
 * name given what was decided of the line before (p, NULL when that line
 * was not held: a genuine line).  The row whose own name a forgery
 * continues lost its tail: it goes too.
 */
static void
judge(struct unixguard *g, struct held *h, struct held *p)
{
	size_t own = 0, chain = 0;

	if (!(h->flags & F_SUSPECT) || seen(g, h->inode) < 2)
		return;
	if (h->prev_name > 0 && (p == NULL || !(p->flags & F_FORGED)) &&
	    h->prev_name + 1 + h->len <= UNIXGUARD_NAME_MAX)
		own = h->prev_name + 1 + (size_t)h->len;
	if (p != NULL && (p->flags & F_FORGED) &&
	    p->chain + 1 + h->len <= UNIXGUARD_NAME_MAX)
		chain = p->chain + 1 + (size_t)h->len;
	if (own == 0 && chain == 0)
		return;
	h->flags |= F_FORGED | F_BAD;
	h->chain = (uint16_t)(chain > 0 ? chain : own);
	if (chain == 0 && p != NULL)
		p->flags |= F_BAD;
}

int
unixguard_flush(struct unixguard *g, row_cb cb, void *arg,
    unsigned long *malformed)
{
	struct sock_row row;
	struct held *h, *p;
	size_t i;
	int rc = 0;

	for (i = 0; i < g->nrows; i++) {
		h = &g->rows[i];
		p = i > 0 && g->rows[i - 1].no + 1 == h->no ?
		    &g->rows[i - 1] : NULL;
		judge(g, h, p);
	}
	for (i = 0; i < g->nrows && rc == 0; i++) {
		h = &g->rows[i];
		if (h->flags & F_BAD) {
			if (malformed != NULL)
				(*malformed)++;
			continue;
		}
		if (!(h->flags & F_WANTED))
			continue;
		memset(&row, 0, sizeof(row));
		row.family = AF_UNIX;
		row.proto = PROTO_UNIX;
		row.type = h->type;
		row.state = h->state;
		row.inode = h->inode;
		row.refcnt = h->refcnt;
		row.has = ROW_HAS_REFCNT;
		if (h->flags & F_NAMED) {
			row.path = g->names + h->path_off;
			row.path_len = h->path_len;
		}
		rc = cb(&row, arg) == 0 ? 0 : -1;
	}
	g->nrows = 0;
	g->nnames = 0;
	return rc;
}
