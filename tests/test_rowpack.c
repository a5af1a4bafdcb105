/*
 * test_rowpack.c - every field of every row comes back exactly, from
 * the start or from any mark, and loopback rows pack small.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowpack.h"

#define BLOCK	(64 * 1024)	/* rowpack.c's block size */

static int
setup(void **state)
{
	*state = rowpack_new(0);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	rowpack_free(*state);
	return 0;
}

/* Asserts got is want as the pack keeps it, field by field. */
static void
row_assert_equal(const struct sock_row *want, const struct sock_row *got)
{
	static const unsigned char zero[12];

	assert_int_equal(got->family, want->family);
	assert_int_equal(got->proto, want->proto);
	assert_int_equal(got->type, want->type);
	assert_int_equal(got->state, want->state);
	assert_int_equal(got->timer, want->timer);
	assert_int_equal(got->v6only, want->v6only);
	assert_int_equal(got->has, want->has);
	assert_int_equal(got->lport, want->lport);
	assert_int_equal(got->rport, want->rport);
	if (want->family == AF_INET) {
		/* Only 4 bytes are kept; the rest come back zero. */
		assert_memory_equal(&got->laddr, &want->laddr, 4);
		assert_memory_equal(&got->raddr, &want->raddr, 4);
		assert_memory_equal((const char *)&got->laddr + 4, zero, 12);
		assert_memory_equal((const char *)&got->raddr + 4, zero, 12);
	} else {
		assert_memory_equal(&got->laddr, &want->laddr, 16);
		assert_memory_equal(&got->raddr, &want->raddr, 16);
	}
	assert_int_equal(got->rqueue, want->rqueue);
	assert_int_equal(got->wqueue, want->wqueue);
	assert_int_equal(got->backlog, want->backlog);
	assert_int_equal(got->uid, want->uid);
	assert_int_equal(got->ifindex, want->ifindex);
	assert_int_equal(got->retrans, want->retrans);
	assert_int_equal(got->probes, want->probes);
	assert_int_equal(got->refcnt, want->refcnt);
	assert_true(got->expires_ms == want->expires_ms);
	assert_true(got->inode == want->inode);
	assert_true(got->cookie == want->cookie);
	assert_true(got->peer_inode == want->peer_inode);
	if (want->path == NULL || want->path_len == 0) {
		assert_null(got->path);
		assert_int_equal(got->path_len, 0);
	} else {
		assert_int_equal(got->path_len, want->path_len);
		assert_non_null(got->path);
		assert_ptr_not_equal(got->path, want->path);
		assert_memory_equal(got->path, want->path, want->path_len);
	}
	assert_null(got->owners);
	assert_int_equal(got->nowners, 0);
}

/* Reads rows from pos and asserts they are want[0..n), then the end. */
static void
pack_assert_rows(const struct rowpack *rp, size_t pos,
    const struct sock_row *want, size_t n)
{
	struct sock_row got;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&got, 0xa5, sizeof(got));
		assert_int_equal(rowpack_read(rp, &pos, &got), 1);
		row_assert_equal(&want[i], &got);
	}
	assert_true(pos == rowpack_mark(rp));
	assert_int_equal(rowpack_read(rp, &pos, &got), 0);
	assert_true(pos == rowpack_mark(rp));
}

static void
pack_push_all(struct rowpack *rp, const struct sock_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(rowpack_push(rp, &rows[i]), 0);
	assert_int_equal(rowpack_len(rp), n);
}

/* A TCP row over ::1 as the size check and the benchmarks use. */
static void
row_loopback6(struct sock_row *r, size_t i)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_INET6;
	r->proto = PROTO_TCP;
	r->type = SOCK_STREAM;
	r->state = ST_ESTABLISHED;
	r->has = ROW_HAS_COOKIE | ROW_HAS_IFINDEX | ROW_HAS_V6ONLY |
	    ROW_HAS_QUEUES | ROW_HAS_TIMER | ROW_HAS_UID;
	r->laddr.v6 = in6addr_loopback;
	r->raddr.v6 = in6addr_loopback;
	r->inode = 1000000 + i;
	r->cookie = 50000 + i;
}

static void
test_rowpack_new_empty(void **state)
{
	struct rowpack *rp = *state;
	struct sock_row got;
	size_t pos = rowpack_start(rp);

	assert_int_equal(rowpack_len(rp), 0);
	assert_int_equal(rowpack_bytes(rp), 0);
	assert_true(rowpack_mark(rp) == pos);
	assert_int_equal(rowpack_read(rp, &pos, &got), 0);
	assert_true(pos == rowpack_start(rp));
	rowpack_free(NULL);
}

static void
test_rowpack_push_families(void **state)
{
	struct rowpack *rp = *state;
	struct sock_row rows[8];
	char path[] = "/run/systemd/journal/stdout";
	char abstr[] = "\0dbus\0x\0";		/* abstract, inner NULs */
	char nulls[3] = { 0, 0, 0 };

	memset(rows, 0, sizeof(rows));
	rows[0].family = AF_INET;
	rows[0].proto = PROTO_TCP;
	rows[0].type = SOCK_STREAM;
	rows[0].state = ST_LISTEN;
	rows[0].lport = 22;
	assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &rows[0].laddr), 1);
	rows[0].inode = 31337;
	rows[1] = rows[0];
	rows[1].state = ST_ESTABLISHED;
	rows[1].rport = 51000;
	assert_int_equal(inet_pton(AF_INET, "127.0.0.2", &rows[1].raddr), 1);
	rows[2].family = AF_INET6;
	rows[2].proto = PROTO_UDP;
	rows[2].type = SOCK_DGRAM;
	rows[2].state = ST_CLOSE;
	rows[2].v6only = 1;
	rows[2].lport = 53;
	assert_int_equal(inet_pton(AF_INET6, "fe80::1:2:3:4",
	    &rows[2].laddr), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::99",
	    &rows[2].raddr), 1);
	rows[3].family = AF_UNIX;
	rows[3].proto = PROTO_UNIX;
	rows[3].type = SOCK_STREAM;
	rows[3].state = ST_LISTEN;
	rows[3].inode = 4242;
	rows[3].path = path;
	rows[3].path_len = strlen(path);
	rows[4] = rows[3];
	rows[4].state = ST_ESTABLISHED;
	rows[4].peer_inode = 4243;
	rows[4].path = abstr;
	rows[4].path_len = sizeof(abstr) - 1;
	rows[5] = rows[4];			/* unnamed */
	rows[5].path = NULL;
	rows[5].path_len = 0;
	rows[6] = rows[4];			/* a name of NULs only */
	rows[6].path = nulls;
	rows[6].path_len = sizeof(nulls);
	rows[7].family = AF_PACKET;		/* any other family: 16 bytes */
	memset(&rows[7].laddr, 0x5a, sizeof(rows[7].laddr));
	memset(&rows[7].raddr, 0xff, sizeof(rows[7].raddr));
	pack_push_all(rp, rows, 8);
	pack_assert_rows(rp, rowpack_start(rp), rows, 8);
}

/*
 * Field f of r set to v, cut to the field's width: UINT64_MAX gives
 * each field its maximum.  Returns 0 past the last field.
 */
static int
field_set(struct sock_row *r, int f, uint64_t v)
{
	switch (f) {
	case 0: r->family = (uint8_t)v; break;
	case 1: r->proto = (uint8_t)v; break;
	case 2: r->type = (uint8_t)v; break;
	case 3: r->state = (uint8_t)v; break;
	case 4: r->timer = (uint8_t)v; break;
	case 5: r->v6only = (uint8_t)v; break;
	case 6: r->has = (uint16_t)v; break;
	case 7: r->lport = (uint16_t)v; break;
	case 8: r->rport = (uint16_t)v; break;
	case 9: r->rqueue = (uint32_t)v; break;
	case 10: r->wqueue = (uint32_t)v; break;
	case 11: r->backlog = (uint32_t)v; break;
	case 12: r->uid = (uint32_t)v; break;
	case 13: r->ifindex = (uint32_t)v; break;
	case 14: r->retrans = (uint32_t)v; break;
	case 15: r->refcnt = (uint32_t)v; break;
	case 16: r->expires_ms = v; break;
	case 17: r->inode = v; break;
	case 18: r->cookie = v; break;
	case 19: r->peer_inode = v; break;
	case 20: memset(&r->laddr, (int)(v & 0xff), sizeof(r->laddr)); break;
	case 21: memset(&r->raddr, (int)(v & 0xff), sizeof(r->raddr)); break;
	case 22: r->probes = (uint32_t)v; break;
	default: return 0;
	}
	return 1;
}

/*
 * Every field at 0, small and at its maximum: whole rows (full rows, as
 * the first of the pack), then one field at a time over a row of zeros
 * and over a row of maxima (deltas against a base of either).
 */
static void
test_rowpack_push_extremes(void **state)
{
	static const uint64_t vals[] = { 0, 1, 7, 200, 65535, UINT64_MAX };
	static const uint8_t fams[] = { AF_INET6, AF_INET, AF_UNIX };
	struct rowpack *rp = *state;
	struct sock_row *rows, *r, all;
	char path[] = "x\0y";
	size_t n = 0, cap = 2048, v, a, fm;
	int f;

	assert_non_null(rows = calloc(cap, sizeof(*rows)));
	for (fm = 0; fm < sizeof(fams); fm++) {
		for (a = 0; a < sizeof(vals) / sizeof(vals[0]); a++) {
			memset(&all, 0, sizeof(all));
			for (f = 0; field_set(&all, f, vals[a]); f++)
				;
			all.family = fams[fm];
			if (a % 2 == 1) {
				all.path = path;
				all.path_len = sizeof(path);
			}
			/* A full row: the first of a fresh pack. */
			rowpack_clear(rp);
			assert_int_equal(rowpack_push(rp, &all), 0);
			pack_assert_rows(rp, rowpack_start(rp), &all, 1);
			rowpack_clear(rp);
			n = 0;
			rows[n++] = all;
			for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++)
				for (f = 0; ; f++) {
					assert_true(n < cap);
					r = &rows[n];
					*r = all;
					if (!field_set(r, f, vals[v]))
						break;
					if (f != 0)
						r->family = fams[fm];
					n++;
				}
			pack_push_all(rp, rows, n);
			pack_assert_rows(rp, rowpack_start(rp), rows, n);
		}
	}
	free(rows);
}

/* A small, fixed-seed generator (xorshift64*). */
static uint64_t
rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* A number 0, small, near a power of two, or any, of at most bits. */
static uint64_t
rng_num(uint64_t *s, unsigned bits)
{
	uint64_t mask = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;

	switch (rng(s) % 5) {
	case 0:
	case 1:
		return 0;
	case 2:
		return rng(s) % 200;
	case 3:
		return mask >> rng(s) % bits;
	default:
		return rng(s) & mask;
	}
}

#define NRAND	100000

/*
 * Random rows, addresses drawn from a small pool (to be reused by the
 * row after, by its other address, or by an earlier base) or at random,
 * and random names; every row read back from the start and from marks.
 */
static void
test_rowpack_push_random(void **state)
{
	static const uint8_t fams[] = { AF_INET, AF_INET6, AF_UNIX, AF_PACKET };
	struct rowpack *rp = *state;
	struct sock_row *rows, got, *r;
	union sock_addr pool[6];
	size_t *marks, i, j, k, pos, plen, npath = 0, cappath;
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	char *paths;

	cappath = (size_t)NRAND * 40 + 3 * 8192;
	assert_non_null(rows = calloc(NRAND, sizeof(*rows)));
	assert_non_null(marks = calloc(NRAND + 1, sizeof(*marks)));
	assert_non_null(paths = malloc(cappath));
	for (i = 0; i < 6; i++)
		for (j = 0; j < sizeof(pool[i]); j++)
			((unsigned char *)&pool[i])[j] =
			    i == 0 ? 0 : (unsigned char)rng(&s);
	for (i = 0; i < NRAND; i++) {
		r = &rows[i];
		/* Runs of one family and kind, as dumps give them. */
		if (i == 0 || rng(&s) % 500 == 0) {
			r->family = fams[rng(&s) % 4];
			r->proto = (uint8_t)rng_num(&s, 8);
			r->type = (uint8_t)rng_num(&s, 8);
			r->v6only = (uint8_t)rng_num(&s, 8);
			r->has = (uint16_t)rng_num(&s, 16);
		} else {
			r->family = rows[i - 1].family;
			r->proto = rows[i - 1].proto;
			r->type = rows[i - 1].type;
			r->v6only = rows[i - 1].v6only;
			r->has = rows[i - 1].has;
			if (rng(&s) % 50 == 0)
				r->has ^= 1U << rng(&s) % 16;
		}
		r->state = (uint8_t)rng_num(&s, 8);
		r->timer = (uint8_t)rng_num(&s, 8);
		r->lport = (uint16_t)rng_num(&s, 16);
		r->rport = (uint16_t)rng_num(&s, 16);
		for (k = 0; k < 2; k++) {
			union sock_addr *a = k == 0 ? &r->laddr : &r->raddr;

			switch (rng(&s) % 6) {
			case 0:
				*a = pool[rng(&s) % 6];
				break;
			case 1:
				*a = pool[1];
				break;
			case 2:
				*a = i > 0 ? rows[i - 1].laddr : pool[2];
				break;
			case 3:
				*a = i > 0 ? rows[i - 1].raddr : pool[3];
				break;
			case 4:
				*a = k == 1 ? r->laddr : pool[4];
				break;
			default:
				for (j = 0; j < sizeof(*a); j++)
					((unsigned char *)a)[j] =
					    (unsigned char)rng(&s);
			}
		}
		r->rqueue = (uint32_t)rng_num(&s, 32);
		r->wqueue = (uint32_t)rng_num(&s, 32);
		r->backlog = (uint32_t)rng_num(&s, 32);
		r->uid = (uint32_t)rng_num(&s, 32);
		r->ifindex = (uint32_t)rng_num(&s, 32);
		r->retrans = (uint32_t)rng_num(&s, 32);
		r->refcnt = (uint32_t)rng_num(&s, 32);
		r->probes = (uint32_t)rng_num(&s, 32);
		r->expires_ms = rng_num(&s, 64);
		/* Ascending mostly, as the kernel gives them, or anything. */
		r->inode = rng(&s) % 3 == 0 ? rng_num(&s, 64) :
		    (i > 0 ? rows[i - 1].inode : 0) + rng(&s) % 64;
		r->cookie = rng(&s) % 3 == 0 ? rng_num(&s, 64) :
		    (i > 0 ? rows[i - 1].cookie : 0) + rng(&s) % 64;
		r->peer_inode = rng_num(&s, 64);
		switch (rng(&s) % 8) {
		case 0:
			plen = rng(&s) % 80;
			break;
		case 1:
			plen = rng(&s) % 2000 == 0 ? 4096 + rng(&s) % 4096 : 1;
			break;
		default:
			plen = 0;
		}
		if (npath + plen > cappath)
			plen = 0;
		if (plen > 0) {
			for (j = 0; j < plen; j++)
				paths[npath + j] = rng(&s) % 4 == 0 ? '\0' :
				    (char)rng(&s);
			r->path = paths + npath;
			r->path_len = plen;
			npath += plen;
		}
		marks[i] = rowpack_mark(rp);
		assert_int_equal(rowpack_push(rp, r), 0);
	}
	marks[NRAND] = rowpack_mark(rp);
	assert_int_equal(rowpack_len(rp), NRAND);
	pack_assert_rows(rp, rowpack_start(rp), rows, NRAND);
	assert_true(marks[0] == rowpack_start(rp));
	/* From a mark, the rows pushed after it, whatever came before. */
	for (k = 0; k < 2000; k++) {
		i = rng(&s) % (NRAND + 1);
		pos = marks[i];
		for (j = i; j < NRAND && j < i + 4; j++) {
			assert_int_equal(rowpack_read(rp, &pos, &got), 1);
			row_assert_equal(&rows[j], &got);
			assert_true(pos == marks[j + 1]);
		}
		if (j == NRAND)
			assert_int_equal(rowpack_read(rp, &pos, &got), 0);
	}
	free(paths);
	free(marks);
	free(rows);
}

/* A mark taken amid rows that share one base still reads exactly. */
static void
test_rowpack_read_from_mark(void **state)
{
	struct rowpack *rp = *state;
	struct sock_row rows[40];
	size_t i, m10, m25;

	for (i = 0; i < 40; i++) {
		row_loopback6(&rows[i], i);
		if (i >= 20)
			rows[i].rport = (uint16_t)(40000 + i);
	}
	pack_push_all(rp, rows, 10);
	m10 = rowpack_mark(rp);
	for (i = 10; i < 25; i++)
		assert_int_equal(rowpack_push(rp, &rows[i]), 0);
	m25 = rowpack_mark(rp);
	for (i = 25; i < 40; i++)
		assert_int_equal(rowpack_push(rp, &rows[i]), 0);
	assert_true(m10 != rowpack_start(rp));
	assert_true(m25 != m10);
	pack_assert_rows(rp, m25, rows + 25, 15);
	pack_assert_rows(rp, m10, rows + 10, 30);
	pack_assert_rows(rp, rowpack_start(rp), rows, 40);
	pack_assert_rows(rp, rowpack_mark(rp), rows, 0);
}

/* A full pack says ENOSPC and stays as it was, readable. */
static void
test_rowpack_push_enospc(void **state)
{
	struct rowpack *rp;
	struct sock_row *rows, big;
	size_t n, mark = 0, bytes = 0;
	char *path;

	(void)state;
	assert_non_null(rp = rowpack_new(4096));
	assert_non_null(rows = calloc(4096, sizeof(*rows)));
	for (n = 0; n < 4096; n++) {
		row_loopback6(&rows[n], n);
		rows[n].rport = (uint16_t)(n * 7919);
		mark = rowpack_mark(rp);
		bytes = rowpack_bytes(rp);
		errno = 0;
		if (rowpack_push(rp, &rows[n]) == -1)
			break;
	}
	assert_true(n > 100 && n < 4096);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(rowpack_len(rp), n);
	assert_true(rowpack_mark(rp) == mark);
	assert_true(rowpack_bytes(rp) == bytes);
	assert_true(rowpack_bytes(rp) <= 4096);
	pack_assert_rows(rp, rowpack_start(rp), rows, n);

	/* A row larger than what is left, too, and again after that. */
	assert_non_null(path = calloc(1, 8192));
	big = rows[0];
	big.path = path;
	big.path_len = 8192;
	errno = 0;
	assert_int_equal(rowpack_push(rp, &big), -1);
	assert_int_equal(errno, ENOSPC);
	errno = 0;
	assert_int_equal(rowpack_push(rp, &rows[n]), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(rowpack_len(rp), n);
	assert_true(rowpack_mark(rp) == mark);
	pack_assert_rows(rp, rowpack_start(rp), rows, n);

	/* Cleared, it takes rows again. */
	rowpack_clear(rp);
	pack_push_all(rp, rows, 10);
	pack_assert_rows(rp, rowpack_start(rp), rows, 10);
	free(path);
	free(rows);
	rowpack_free(rp);
}

static void
test_rowpack_push_einval(void **state)
{
	struct rowpack *rp = *state;
	struct sock_owner ow = { 1, 0, 3, 'u', "sshd" };
	struct sock_row r, got;
	size_t mark, pos;

	row_loopback6(&r, 0);
	assert_int_equal(rowpack_push(rp, &r), 0);
	mark = rowpack_mark(rp);
	r.owners = &ow;
	r.nowners = 1;
	errno = 0;
	assert_int_equal(rowpack_push(rp, &r), -1);
	assert_int_equal(errno, EINVAL);
	/* A length without bytes cannot be kept either. */
	r.owners = NULL;
	r.nowners = 0;
	r.path = NULL;
	r.path_len = 5;
	errno = 0;
	assert_int_equal(rowpack_push(rp, &r), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rowpack_len(rp), 1);
	assert_true(rowpack_mark(rp) == mark);
	pos = mark;
	assert_int_equal(rowpack_read(rp, &pos, &got), 0);
}

/* A length no block could hold fails before any byte of it is read. */
static void
test_rowpack_push_overflow(void **state)
{
	struct rowpack *rp = *state;
	struct sock_row r;
	char c = 'x';

	row_loopback6(&r, 0);
	assert_int_equal(rowpack_push(rp, &r), 0);
	r.family = AF_UNIX;
	r.path = &c;
	r.path_len = SIZE_MAX - 8;
	errno = 0;
	assert_int_equal(rowpack_push(rp, &r), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(rowpack_len(rp), 1);
	row_loopback6(&r, 0);
	pack_assert_rows(rp, rowpack_start(rp), &r, 1);
}

/* Names longer than a block get a block of their own. */
static void
test_rowpack_push_big_path(void **state)
{
	struct rowpack *rp = *state;
	struct sock_row rows[5];
	char *big;
	size_t i;

	assert_non_null(big = malloc(3 * BLOCK));
	for (i = 0; i < 3 * BLOCK; i++)
		big[i] = (char)(i * 31 % 251);
	big[0] = '\0';
	for (i = 0; i < 5; i++) {
		row_loopback6(&rows[i], i);
		rows[i].family = AF_UNIX;
		memset(&rows[i].laddr, 0, sizeof(rows[i].laddr));
		memset(&rows[i].raddr, 0, sizeof(rows[i].raddr));
		rows[i].path = big + i;
	}
	rows[0].path_len = 4096;
	rows[1].path_len = BLOCK;
	rows[2].path_len = 3 * BLOCK - 2;
	rows[3].path_len = 1;
	rows[4].path_len = BLOCK - 200;
	pack_push_all(rp, rows, 5);
	pack_assert_rows(rp, rowpack_start(rp), rows, 5);
	free(big);
}

/*
 * The size the pack is for: 20000 IPv6 rows over ::1 in at most 24
 * bytes each; and distinct IPv4 addresses in at most 40.
 */
static void
test_rowpack_bytes_loopback(void **state)
{
	struct rowpack *rp = *state;
	struct sock_row *rows;
	size_t i, n = 20000;

	assert_non_null(rows = calloc(n, sizeof(*rows)));
	for (i = 0; i < n; i++)
		row_loopback6(&rows[i], i);
	pack_push_all(rp, rows, n);
	assert_true(rowpack_bytes(rp) <= n * 24 + BLOCK);
	print_message("::1 rows: %zu bytes of blocks, %.1f bytes a row\n",
	    rowpack_bytes(rp), (double)rowpack_mark(rp) / (double)n);
	pack_assert_rows(rp, rowpack_start(rp), rows, n);

	rowpack_clear(rp);
	for (i = 0; i < n; i++) {
		row_loopback6(&rows[i], i);
		rows[i].family = AF_INET;
		memset(&rows[i].laddr, 0, sizeof(rows[i].laddr));
		memset(&rows[i].raddr, 0, sizeof(rows[i].raddr));
		rows[i].laddr.v4.s_addr = htonl(0x0a000000 + (uint32_t)i);
		rows[i].raddr.v4.s_addr = htonl(0xc0a80000 + (uint32_t)i * 3);
		rows[i].lport = 443;
		rows[i].rport = (uint16_t)(32768 + i);
	}
	pack_push_all(rp, rows, n);
	assert_true(rowpack_bytes(rp) <= n * 40 + BLOCK);
	print_message("IPv4 rows: %zu bytes of blocks, %.1f bytes a row\n",
	    rowpack_bytes(rp), (double)rowpack_mark(rp) / (double)n);
	pack_assert_rows(rp, rowpack_start(rp), rows, n);
	free(rows);
}

static void
test_rowpack_clear_reuse(void **state)
{
	struct rowpack *rp = *state;
	struct sock_row *rows, got;
	size_t i, pos;

	assert_non_null(rows = calloc(10000, sizeof(*rows)));
	for (i = 0; i < 10000; i++) {
		row_loopback6(&rows[i], i);
		rows[i].lport = (uint16_t)i;
		rows[i].rport = (uint16_t)(i * 13);
	}
	pack_push_all(rp, rows, 10000);
	pos = rowpack_start(rp);
	assert_true(rowpack_bytes(rp) > BLOCK);
	rowpack_clear(rp);
	assert_int_equal(rowpack_len(rp), 0);
	assert_true(rowpack_mark(rp) == rowpack_start(rp));
	assert_int_equal(rowpack_read(rp, &pos, &got), 0);
	assert_true(rowpack_bytes(rp) <= BLOCK);
	assert_true(rowpack_bytes(rp) > 0);
	/* Other rows now: nothing of the old ones, nor of their base. */
	pack_push_all(rp, rows + 1000, 2000);
	pack_assert_rows(rp, rowpack_start(rp), rows + 1000, 2000);
	free(rows);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rowpack_new_empty,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_push_families,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_push_extremes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_push_random,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_read_from_mark,
		    setup, teardown),
		cmocka_unit_test(test_rowpack_push_enospc),
		cmocka_unit_test_setup_teardown(test_rowpack_push_einval,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_push_overflow,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_push_big_path,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_bytes_loopback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowpack_clear_reuse,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
