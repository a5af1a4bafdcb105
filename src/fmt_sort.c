/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_sort.c - --sort: a formatter in front of the real one.  It keeps
 * the rows of a pass in a rowvec, sorts them at end() by the keys of
 * o->sort (sort_cmp, stable: ties keep kernel order) and replays them
 * into the face chosen, which never knows.  The pipeline is unchanged:
 * it sees one more formatter.  The cost is memory: a sorted pass holds
 * every row it shows until its end, where a plain one streams.
 */
#include <errno.h>
#include <stdlib.h>

#include "fmt.h"
#include "rowvec.h"
#include "sort.h"

struct sorter {
	const struct formatter *inner;
	void		*ist;		/* the inner face's state */
	const unsigned char *keys;	/* o->sort, 0-ended */
	struct rowvec	*rows;
};

/* One row of the index sorted: the row and its kernel position. */
struct sorted {
	const struct sock_row *r;
	size_t		 i;
};

static void *
sorter_begin(const struct formatter *inner, FILE *out,
    const struct options *o)
{
	struct sorter *s;
	int save_errno;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->inner = inner;
	s->keys = o->sort;
	if ((s->rows = rowvec_new()) == NULL ||
	    (s->ist = inner->begin(out, o)) == NULL) {
		save_errno = errno;
		rowvec_free(s->rows);
		free(s);
		errno = save_errno;
		return NULL;
	}
	return s;
}

static void *
sorter_begin_table(FILE *out, const struct options *o)
{
	return sorter_begin(&fmt_table, out, o);
}

static void *
sorter_begin_json(FILE *out, const struct options *o)
{
	return sorter_begin(&fmt_json, out, o);
}

/* Keeps a deep copy: the row's strings live in the source's buffer. */
static int
sorter_row(void *st, const struct sock_row *r)
{
	struct sorter *s = st;

	return rowvec_push(s->rows, r);
}

/*
 * A dump no source could read says nothing of order: the inner face
 * hears of it at once, as it would unsorted.
 */
static void
sorter_gap(void *st, int family, enum sock_proto proto)
{
	struct sorter *s = st;

	if (s->inner->gap != NULL)
		s->inner->gap(s->ist, family, proto);
}

/* qsort_r: by the keys, then by kernel position (a stable sort). */
static int
sorted_cmp(const void *a, const void *b, void *arg)
{
	const struct sorted *x = a, *y = b;
	int c = sort_cmp(x->r, y->r, arg);

	if (c != 0)
		return c;
	return (x->i > y->i) - (x->i < y->i);
}

/* Sorts the rows kept and hands them on, in order. */
static int
sorter_replay(struct sorter *s)
{
	struct sorted *idx;
	size_t i, n = rowvec_len(s->rows);
	int rc = 0;

	if (n == 0)
		return 0;
	if ((idx = calloc(n, sizeof(*idx))) == NULL)
		return -1;
	/* The vector is complete: its rows no longer move. */
	for (i = 0; i < n; i++) {
		idx[i].r = rowvec_get(s->rows, i);
		idx[i].i = i;
	}
	qsort_r(idx, n, sizeof(*idx), sorted_cmp, (void *)s->keys);
	for (i = 0; i < n && rc == 0; i++)
		rc = s->inner->row(s->ist, idx[i].r);
	free(idx);
	return rc;
}

/* The inner end() always runs: it frees the inner state. */
static int
sorter_end(void *st)
{
	struct sorter *s = st;
	int rc, rc_end, save_errno;

	rc = sorter_replay(s);
	save_errno = errno;
	rc_end = s->inner->end(s->ist);
	if (rc == 0)
		save_errno = errno;
	rowvec_free(s->rows);
	free(s);
	errno = save_errno;
	return rc == 0 && rc_end == 0 ? 0 : -1;
}

/* needs: the inner face's (test_sort checks they agree). */
const struct formatter fmt_sort_table = {
	.name = "sort+table",
	.begin = sorter_begin_table,
	.row = sorter_row,
	.end = sorter_end,
	.gap = sorter_gap,
	.needs = ROW_HAS_REFCNT,
};

const struct formatter fmt_sort_json = {
	.name = "sort+json",
	.begin = sorter_begin_json,
	.row = sorter_row,
	.end = sorter_end,
	.gap = sorter_gap,
	.needs = 0,
};

const struct formatter *
fmt_sort_wrap(const struct formatter *inner)
{
	if (inner == &fmt_table)
		return &fmt_sort_table;
	if (inner == &fmt_json)
		return &fmt_sort_json;
	return NULL;
}
