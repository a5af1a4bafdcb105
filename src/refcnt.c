/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * refcnt.c - inode -> RefCnt, one array of pairs sorted by inode.
 *
 * A host may hold hundreds of thousands of UNIX sockets, so the map is
 * kept small: 8 bytes a socket, sorted in place (a heap sort needs no
 * second array, where the C library's qsort may allocate one as large as
 * the data).  Socket inodes are 32-bit (sockfs numbers them from an
 * unsigned int counter); a wider one, should a kernel ever make one, is
 * left out and simply has no count.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "refcnt.h"

#define REFCNT_MIN	256	/* entries of the first arrays */

struct pair {
	uint32_t	 inode;
	uint32_t	 count;
};

struct refcnt_map {
	struct pair	*v;
	size_t		 len, cap;
};

struct refcnt_map *
refcnt_map_new(void)
{
	return calloc(1, sizeof(struct refcnt_map));
}

static int
map_grow(struct refcnt_map *m)
{
	size_t ncap = m->cap == 0 ? REFCNT_MIN : m->cap + m->cap / 2;
	struct pair *nv;

	if (ncap < m->cap || ncap > SIZE_MAX / sizeof(*nv)) {
		errno = ENOMEM;
		return -1;
	}
	if ((nv = realloc(m->v, ncap * sizeof(*nv))) == NULL)
		return -1;
	m->v = nv;
	m->cap = ncap;
	return 0;
}

int
refcnt_map_add(struct refcnt_map *m, uint64_t inode, uint32_t refcnt)
{
	if (inode > UINT32_MAX)
		return 0;
	if (m->len == m->cap && map_grow(m) == -1)
		return -1;
	m->v[m->len].inode = (uint32_t)inode;
	m->v[m->len++].count = refcnt;
	return 0;
}

/* Whether a sorts after b: by inode, then count. */
static int
pair_after(const struct pair *a, const struct pair *b)
{
	return a->inode != b->inode ? a->inode > b->inode :
	    a->count > b->count;
}

/* Moves entry i down the max-heap of the first n entries. */
static void
map_sift(struct pair *v, size_t i, size_t n)
{
	struct pair t;
	size_t child;

	while ((child = 2 * i + 1) < n) {
		if (child + 1 < n && pair_after(&v[child + 1], &v[child]))
			child++;
		if (!pair_after(&v[child], &v[i]))
			return;
		t = v[i];
		v[i] = v[child];
		v[child] = t;
		i = child;
	}
}

/*
 * The most frequent count of the sorted run v[0..n) (the first of equal
 * frequency): the one inode 0 stands for.
 */
static struct pair
run_mode(const struct pair *v, size_t n)
{
	size_t i, j, best = 0, bestn = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].count == v[i].count;)
			j++;
		if (j - i > bestn) {
			best = i;
			bestn = j - i;
		}
	}
	return v[best];
}

/*
 * Drops every inode the sorted map holds more than once: /proc/net/unix
 * shows a socket on one line, so a second line with its inode is forged
 * (a name with a newline, unixguard.h), and neither count is trusted.
 * Inode 0 is every connection not yet accepted, any number of them, and
 * no line tells them apart: it keeps the count most of them have.
 */
static void
map_drop_twice(struct refcnt_map *m)
{
	size_t i, j, out = 0;

	for (i = 0; i < m->len; i = j) {
		for (j = i + 1; j < m->len && m->v[j].inode == m->v[i].inode;)
			j++;
		if (m->v[i].inode == 0)
			m->v[out++] = run_mode(&m->v[i], j - i);
		else if (j == i + 1)
			m->v[out++] = m->v[i];
	}
	m->len = out;
}

void
refcnt_map_seal(struct refcnt_map *m)
{
	size_t i, n = m->len;
	struct pair t;

	for (i = n / 2; i-- > 0;)
		map_sift(m->v, i, n);
	while (n > 1) {
		t = m->v[0];
		m->v[0] = m->v[--n];
		m->v[n] = t;
		map_sift(m->v, 0, n);
	}
	map_drop_twice(m);
}

int
refcnt_map_get(const struct refcnt_map *m, uint64_t inode, uint32_t *refcnt)
{
	size_t lo = 0, hi = m->len, mid;

	if (inode > UINT32_MAX)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->v[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->len || m->v[lo].inode != inode)
		return 0;
	*refcnt = m->v[lo].count;
	return 1;
}

size_t
refcnt_map_len(const struct refcnt_map *m)
{
	return m->len;
}

void
refcnt_map_free(struct refcnt_map *m)
{
	if (m == NULL)
		return;
	free(m->v);
	free(m);
}
