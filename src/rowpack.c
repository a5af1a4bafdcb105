/*
 * rowpack.c - socket rows packed as deltas against a full row.
 *
 * Rows sit in blocks of BLOCK_SIZE bytes (larger for a row that needs
 * it); a row never straddles two blocks.  A row is one of:
 *
 *   full   mask M_FULL (one byte, 0x01), the image of the numeric
 *          fields (the bytes of struct sock_row before path, with the
 *          addresses normalized), varint path length, path bytes;
 *   delta  varint mask, varint distance back to a full row of the same
 *          block (its base), then the fields the mask names, in the
 *          order row_decode() reads them.  Every field the mask omits
 *          is the base's.
 *
 * The base is always a full row, never a delta, so a row decodes from
 * its own bytes and its base's image alone: reading may start at any row
 * boundary, which is every position rowpack_mark() can return, and needs
 * no state carried from the row before.  Decoding a delta is one memcpy
 * of the base image and a few varints.  The first row of a block is
 * full, so a base never lies in another block.
 *
 * Varints are LEB128.  inode and cookie are stored as zigzag differences
 * from the base's, since the kernel hands both out in ascending order;
 * other numbers as their values.  An address is stored as "the base's",
 * "zero", "the base's other address" (raddr: this row's laddr) or its
 * bytes: 4 for AF_INET, 16 for any other family.
 *
 * Positions are logical offsets: block i covers [start, start + size)
 * and block i + 1 starts where block i ends, so a position names one
 * block and an offset in it, and survives later pushes.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowpack.h"

#define BLOCK_SIZE	(64 * 1024)	/* bytes mapped per block */
#define DIST_MAX	16383		/* base distance: 2 varint bytes */
#define PROMOTE_GAP	8		/* rows between full rows, at least */
#define HDR_MAX		192		/* a row's bytes but its path */

/* The image of a full row: every numeric field, nothing after them. */
#define IMG_LEN		offsetof(struct sock_row, path)

/*
 * A field added to struct sock_row must be taught to the delta coding
 * (delta_mask, delta_put, row_decode): the image alone would carry it
 * in full rows and silently drop it in deltas.
 */
_Static_assert(offsetof(struct sock_row, path) == 6 * sizeof(uint8_t) +
    3 * sizeof(uint16_t) + 2 * sizeof(union sock_addr) +
    8 * sizeof(uint32_t) + 4 /* padding */ + 4 * sizeof(uint64_t),
    "struct sock_row changed: update rowpack's row coding");

/* Mask bits of a row; data follows in row_decode's order, not this. */
#define M_FULL		(1U << 0)
#define M_LADDR_SHIFT	1		/* two bits: enum addr_mode */
#define M_RADDR_SHIFT	3
#define M_INODE		(1U << 5)
#define M_COOKIE	(1U << 6)
#define M_LPORT		(1U << 7)	/* second varint byte */
#define M_RPORT		(1U << 8)
#define M_STATE		(1U << 9)
#define M_RQUEUE	(1U << 10)
#define M_WQUEUE	(1U << 11)
#define M_PEER		(1U << 12)
#define M_PATH		(1U << 13)
#define M_KIND		(1U << 14)	/* third: family..has, rarely set */
#define M_TIMER		(1U << 15)
#define M_RETRANS	(1U << 16)
#define M_EXPIRES	(1U << 17)
#define M_UID		(1U << 18)
#define M_BACKLOG	(1U << 19)
#define M_IFINDEX	(1U << 20)
#define M_REFCNT	(1U << 21)	/* fourth */
#define M_PROBES	(1U << 22)

/* How a delta row gives an address. */
enum addr_mode {
	A_BASE = 0,	/* the base row's same address */
	A_ZERO,		/* all zero (unbound, or no peer) */
	A_BYTES,	/* stored: 4 bytes for AF_INET, else 16 */
	A_OTHER		/* laddr: base's raddr; raddr: this row's laddr */
};

struct block {
	size_t		 start;		/* logical position of data[0] */
	size_t		 size;		/* bytes in data[] */
	size_t		 used;
	unsigned char	 data[];
};

struct rowpack {
	struct block	**blocks;
	size_t		 nblocks;
	size_t		 capblocks;
	size_t		 len;		/* rows */
	size_t		 bytes;		/* mapped for blocks */
	size_t		 max_bytes;	/* 0: no limit */
	/* The encoder's state; the reader needs none. */
	int		 has_base;	/* base lies in the last block */
	size_t		 base_off;	/* its offset there */
	size_t		 since_base;	/* rows pushed after it */
	struct sock_row	 base;		/* its fields, normalized */
	int		 has_prev;
	union sock_addr	 prev_laddr;	/* the row pushed last, normalized */
	union sock_addr	 prev_raddr;
};

struct rowpack *
rowpack_new(size_t max_bytes)
{
	struct rowpack *rp;

	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return NULL;
	rp->max_bytes = max_bytes;
	return rp;
}

static size_t
varint_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* Reads a varint at *pp, before end.  Returns 0, or -1 if it runs out. */
static inline int
varint_get(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	const unsigned char *p = *pp;
	uint64_t x = 0;
	unsigned shift = 0;

	while (p < end && shift < 64) {
		x |= (uint64_t)(*p & 0x7f) << shift;
		if (*p++ < 0x80) {
			*v = x;
			*pp = p;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* Differences of unsigned values, wrapping, small when near either way. */
static uint64_t
zigzag(uint64_t v, uint64_t base)
{
	uint64_t d = v - base;

	return d << 1 ^ (0 - (d >> 63));
}

static uint64_t
unzigzag(uint64_t z, uint64_t base)
{
	return base + (z >> 1 ^ (0 - (z & 1)));
}

static int
addr_eq(const union sock_addr *a, const union sock_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static int
addr_zero(const union sock_addr *a)
{
	static const union sock_addr zero;

	return addr_eq(a, &zero);
}

static size_t
addr_len(uint8_t family)
{
	return family == AF_INET ? sizeof(struct in_addr) :
	    sizeof(union sock_addr);
}

/*
 * r as the pack keeps it: without what points out of it, and with the
 * bytes of an AF_INET address past the first 4 zeroed, so that equal
 * addresses compare equal whole.
 */
static void
row_normalize(struct sock_row *n, const struct sock_row *r)
{
	size_t alen = addr_len(r->family);

	*n = *r;
	memset((unsigned char *)&n->laddr + alen, 0, sizeof(n->laddr) - alen);
	memset((unsigned char *)&n->raddr + alen, 0, sizeof(n->raddr) - alen);
	n->path = NULL;
	n->path_len = 0;
	n->owners = NULL;
	n->nowners = 0;
}

static int
kind_eq(const struct sock_row *a, const struct sock_row *b)
{
	return a->family == b->family && a->proto == b->proto &&
	    a->type == b->type && a->v6only == b->v6only && a->has == b->has;
}

/* The mask of n as a delta against base b; n is normalized. */
static uint32_t
delta_mask(const struct sock_row *b, const struct sock_row *n, size_t plen)
{
	uint32_t m = 0;
	enum addr_mode lm, rm;

	if (addr_eq(&n->laddr, &b->laddr))
		lm = A_BASE;
	else if (addr_zero(&n->laddr))
		lm = A_ZERO;
	else if (addr_eq(&n->laddr, &b->raddr))
		lm = A_OTHER;
	else
		lm = A_BYTES;
	if (addr_eq(&n->raddr, &b->raddr))
		rm = A_BASE;
	else if (addr_zero(&n->raddr))
		rm = A_ZERO;
	else if (addr_eq(&n->raddr, &n->laddr))
		rm = A_OTHER;
	else
		rm = A_BYTES;
	m |= (uint32_t)lm << M_LADDR_SHIFT | (uint32_t)rm << M_RADDR_SHIFT;
	if (!kind_eq(n, b))
		m |= M_KIND;
	m |= n->inode != b->inode ? M_INODE : 0;
	m |= n->cookie != b->cookie ? M_COOKIE : 0;
	m |= n->lport != b->lport ? M_LPORT : 0;
	m |= n->rport != b->rport ? M_RPORT : 0;
	m |= n->state != b->state ? M_STATE : 0;
	m |= n->rqueue != b->rqueue ? M_RQUEUE : 0;
	m |= n->wqueue != b->wqueue ? M_WQUEUE : 0;
	m |= n->peer_inode != b->peer_inode ? M_PEER : 0;
	m |= plen > 0 ? M_PATH : 0;
	m |= n->timer != b->timer ? M_TIMER : 0;
	m |= n->retrans != b->retrans ? M_RETRANS : 0;
	m |= n->expires_ms != b->expires_ms ? M_EXPIRES : 0;
	m |= n->uid != b->uid ? M_UID : 0;
	m |= n->backlog != b->backlog ? M_BACKLOG : 0;
	m |= n->ifindex != b->ifindex ? M_IFINDEX : 0;
	m |= n->refcnt != b->refcnt ? M_REFCNT : 0;
	m |= n->probes != b->probes ? M_PROBES : 0;
	return m;
}

/*
 * Whether a delta with mask m is costly enough, and likely to recur,
 * that n should rather become the base: a new kind of row (the next
 * dump), or an address the row before also stored.  PROMOTE_GAP bounds
 * what full rows cost when the guess is wrong.
 */
static int
promote(const struct rowpack *rp, const struct sock_row *n, uint32_t m)
{
	if (rp->since_base < PROMOTE_GAP)
		return 0;
	if (m & M_KIND)
		return 1;
	if (!rp->has_prev)
		return 0;
	return ((m >> M_LADDR_SHIFT & 3) == A_BYTES &&
	    addr_eq(&n->laddr, &rp->prev_laddr)) ||
	    ((m >> M_RADDR_SHIFT & 3) == A_BYTES &&
	    addr_eq(&n->raddr, &rp->prev_raddr));
}

/* Writes n's delta against b (mask m, base dist bytes back) to h. */
static size_t
delta_put(unsigned char *h, const struct sock_row *b,
    const struct sock_row *n, uint32_t m, size_t dist, size_t plen)
{
	size_t k, alen = addr_len(n->family);

	k = varint_put(h, m);
	k += varint_put(h + k, dist);
	if (m & M_KIND) {
		h[k++] = n->family;
		h[k++] = n->proto;
		h[k++] = n->type;
		h[k++] = n->v6only;
		h[k++] = (unsigned char)(n->has & 0xff);
		h[k++] = (unsigned char)(n->has >> 8);
	}
	if ((m >> M_LADDR_SHIFT & 3) == A_BYTES) {
		memcpy(h + k, &n->laddr, alen);
		k += alen;
	}
	if ((m >> M_RADDR_SHIFT & 3) == A_BYTES) {
		memcpy(h + k, &n->raddr, alen);
		k += alen;
	}
	if (m & M_INODE)
		k += varint_put(h + k, zigzag(n->inode, b->inode));
	if (m & M_COOKIE)
		k += varint_put(h + k, zigzag(n->cookie, b->cookie));
	if (m & M_LPORT) {
		h[k++] = (unsigned char)(n->lport & 0xff);
		h[k++] = (unsigned char)(n->lport >> 8);
	}
	if (m & M_RPORT) {
		h[k++] = (unsigned char)(n->rport & 0xff);
		h[k++] = (unsigned char)(n->rport >> 8);
	}
	if (m & M_STATE)
		h[k++] = n->state;
	if (m & M_RQUEUE)
		k += varint_put(h + k, n->rqueue);
	if (m & M_WQUEUE)
		k += varint_put(h + k, n->wqueue);
	if (m & M_PEER)
		k += varint_put(h + k, n->peer_inode);
	if (m & M_TIMER)
		h[k++] = n->timer;
	if (m & M_RETRANS)
		k += varint_put(h + k, n->retrans);
	if (m & M_EXPIRES)
		k += varint_put(h + k, n->expires_ms);
	if (m & M_UID)
		k += varint_put(h + k, n->uid);
	if (m & M_BACKLOG)
		k += varint_put(h + k, n->backlog);
	if (m & M_IFINDEX)
		k += varint_put(h + k, n->ifindex);
	if (m & M_REFCNT)
		k += varint_put(h + k, n->refcnt);
	if (m & M_PROBES)
		k += varint_put(h + k, n->probes);
	if (m & M_PATH)
		k += varint_put(h + k, plen);
	return k;
}

static size_t
full_put(unsigned char *h, const struct sock_row *n, size_t plen)
{
	h[0] = M_FULL;
	memcpy(h + 1, n, IMG_LEN);
	return 1 + IMG_LEN + varint_put(h + 1 + IMG_LEN, plen);
}

/*
 * Blocks are mapped, not malloc'd, so that a dropped pack goes back to
 * the system at once: the pass that drops it goes on to build the RefCnt
 * map, and freed heap memory would stay counted in its peak.
 */
static struct block *
block_map(size_t size)
{
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

static void
block_unmap(struct block *b)
{
	munmap(b, sizeof(*b) + b->size);
}

/*
 * Appends a block with room for need bytes, within max_bytes.  Returns
 * it, or NULL with errno ENOSPC or ENOMEM and the pack unchanged.
 */
static struct block *
block_add(struct rowpack *rp, size_t need)
{
	struct block *b, **nb, *last;
	size_t size = BLOCK_SIZE, room, ncap;

	if (need > SIZE_MAX - sizeof(*b)) {
		errno = ENOMEM;
		return NULL;
	}
	if (need + sizeof(*b) > size)
		size = need + sizeof(*b);
	if (rp->max_bytes > 0) {
		room = rp->max_bytes > rp->bytes ?
		    rp->max_bytes - rp->bytes : 0;
		if (need + sizeof(*b) > room) {
			errno = ENOSPC;
			return NULL;
		}
		if (size > room)
			size = room;
	}
	if (rp->nblocks == rp->capblocks) {
		ncap = rp->capblocks == 0 ? 8 : rp->capblocks * 2;
		if (ncap > SIZE_MAX / sizeof(*nb)) {
			errno = ENOMEM;
			return NULL;
		}
		if ((nb = realloc(rp->blocks, ncap * sizeof(*nb))) == NULL)
			return NULL;
		rp->blocks = nb;
		rp->capblocks = ncap;
	}
	if ((b = block_map(size)) == NULL)
		return NULL;
	last = rp->nblocks > 0 ? rp->blocks[rp->nblocks - 1] : NULL;
	b->start = last != NULL ? last->start + last->size : 0;
	b->size = size - sizeof(*b);
	b->used = 0;
	rp->blocks[rp->nblocks++] = b;
	rp->bytes += size;
	return b;
}

int
rowpack_push(struct rowpack *rp, const struct sock_row *r)
{
	unsigned char h[HDR_MAX];
	struct block *b;
	struct sock_row n;
	size_t plen, hlen, off, dist;
	uint32_t m;
	int full;

	if (r->nowners != 0 || (r->path == NULL && r->path_len != 0)) {
		errno = EINVAL;
		return -1;
	}
	plen = r->path != NULL ? r->path_len : 0;
	row_normalize(&n, r);
	b = rp->nblocks > 0 ? rp->blocks[rp->nblocks - 1] : NULL;

	/* A delta when a base is near enough and the row fits after it. */
	if (b != NULL && rp->has_base && b->used - rp->base_off <= DIST_MAX) {
		dist = b->used - rp->base_off;
		m = delta_mask(&rp->base, &n, plen);
		if (!promote(rp, &n, m)) {
			hlen = delta_put(h, &rp->base, &n, m, dist, plen);
			/* No larger than a full row, a base for the next. */
			if (hlen <= 1 + IMG_LEN &&
			    plen <= b->size - b->used &&
			    hlen <= b->size - b->used - plen) {
				off = b->used;
				full = 0;
				goto write;
			}
		}
	}
	/* Else a full row, the base of those that follow. */
	hlen = full_put(h, &n, plen);
	if (plen > SIZE_MAX - hlen) {
		errno = ENOMEM;
		return -1;
	}
	if (b == NULL || hlen + plen > b->size - b->used) {
		if ((b = block_add(rp, hlen + plen)) == NULL)
			return -1;
	}
	off = b->used;
	full = 1;
write:
	memcpy(b->data + off, h, hlen);
	if (plen > 0)
		memcpy(b->data + off + hlen, r->path, plen);
	b->used = off + hlen + plen;
	if (full) {
		rp->has_base = 1;
		rp->base_off = off;
		rp->base = n;
		rp->since_base = 0;
	} else
		rp->since_base++;
	rp->has_prev = 1;
	rp->prev_laddr = n.laddr;
	rp->prev_raddr = n.raddr;
	rp->len++;
	return 0;
}

size_t
rowpack_len(const struct rowpack *rp)
{
	return rp->len;
}

size_t
rowpack_bytes(const struct rowpack *rp)
{
	return rp->bytes;
}

size_t
rowpack_mark(const struct rowpack *rp)
{
	const struct block *b;

	if (rp->nblocks == 0)
		return 0;
	b = rp->blocks[rp->nblocks - 1];
	return b->start + b->used;
}

size_t
rowpack_start(const struct rowpack *rp)
{
	(void)rp;
	return 0;
}

/* Index of the block holding position pos (the last one past the end). */
static size_t
block_find(const struct rowpack *rp, size_t pos)
{
	size_t lo = 0, hi = rp->nblocks - 1, mid;

	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (rp->blocks[mid]->start <= pos)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Reads an address of alen bytes; the rest of the union stays zero. */
static inline int
addr_get(const unsigned char **pp, const unsigned char *end,
    union sock_addr *a, size_t alen)
{
	if ((size_t)(end - *pp) < alen)
		return -1;
	memset(a, 0, sizeof(*a));
	memcpy(a, *pp, alen);
	*pp += alen;
	return 0;
}

/*
 * Decodes the row at off in b into out; *next is where the row after it
 * starts.  Returns 0, or -1 if the bytes there are no row.
 */
static int
row_decode(const struct block *b, size_t off, size_t *next,
    struct sock_row *out)
{
	const unsigned char *p = b->data + off, *end = b->data + b->used;
	uint64_t m, dist, v = 0, plen = 0;
	size_t alen;

	if (varint_get(&p, end, &m) == -1)
		return -1;
	if (m == M_FULL) {
		if ((size_t)(end - p) < IMG_LEN)
			return -1;
		memcpy(out, p, IMG_LEN);
		p += IMG_LEN;
		if (varint_get(&p, end, &plen) == -1)
			return -1;
		goto path;
	}
	if ((m & M_FULL) || varint_get(&p, end, &dist) == -1 ||
	    dist == 0 || dist > off || b->data[off - dist] != M_FULL)
		return -1;
	memcpy(out, b->data + off - dist + 1, IMG_LEN);
	if (m & M_KIND) {
		if (end - p < 6)
			return -1;
		out->family = p[0];
		out->proto = p[1];
		out->type = p[2];
		out->v6only = p[3];
		out->has = (uint16_t)(p[4] | p[5] << 8);
		p += 6;
	}
	alen = addr_len(out->family);
	switch (m >> M_LADDR_SHIFT & 3) {
	case A_ZERO:
		memset(&out->laddr, 0, sizeof(out->laddr));
		break;
	case A_BYTES:
		if (addr_get(&p, end, &out->laddr, alen) == -1)
			return -1;
		break;
	case A_OTHER:
		out->laddr = out->raddr;	/* still the base's */
		break;
	}
	switch (m >> M_RADDR_SHIFT & 3) {
	case A_ZERO:
		memset(&out->raddr, 0, sizeof(out->raddr));
		break;
	case A_BYTES:
		if (addr_get(&p, end, &out->raddr, alen) == -1)
			return -1;
		break;
	case A_OTHER:
		out->raddr = out->laddr;
		break;
	}
	/* Each varint field: read it or fail, then store it. */
#define GET(bit, stmt) do {						\
	if (m & (bit)) {						\
		if (varint_get(&p, end, &v) == -1)			\
			return -1;					\
		stmt;							\
	}								\
} while (0)
	GET(M_INODE, out->inode = unzigzag(v, out->inode));
	GET(M_COOKIE, out->cookie = unzigzag(v, out->cookie));
	if (m & (M_LPORT | M_RPORT | M_STATE)) {
		if (end - p < ((m & M_LPORT) ? 2 : 0) +
		    ((m & M_RPORT) ? 2 : 0) + ((m & M_STATE) ? 1 : 0))
			return -1;
		if (m & M_LPORT) {
			out->lport = (uint16_t)(p[0] | p[1] << 8);
			p += 2;
		}
		if (m & M_RPORT) {
			out->rport = (uint16_t)(p[0] | p[1] << 8);
			p += 2;
		}
		if (m & M_STATE)
			out->state = *p++;
	}
	GET(M_RQUEUE, out->rqueue = (uint32_t)v);
	GET(M_WQUEUE, out->wqueue = (uint32_t)v);
	GET(M_PEER, out->peer_inode = v);
	if (m & M_TIMER) {
		if (p == end)
			return -1;
		out->timer = *p++;
	}
	GET(M_RETRANS, out->retrans = (uint32_t)v);
	GET(M_EXPIRES, out->expires_ms = v);
	GET(M_UID, out->uid = (uint32_t)v);
	GET(M_BACKLOG, out->backlog = (uint32_t)v);
	GET(M_IFINDEX, out->ifindex = (uint32_t)v);
	GET(M_REFCNT, out->refcnt = (uint32_t)v);
	GET(M_PROBES, out->probes = (uint32_t)v);
	GET(M_PATH, plen = v);
#undef GET
path:
	if (plen > (uint64_t)(end - p))
		return -1;
	out->path = plen > 0 ? (const char *)p : NULL;
	out->path_len = (size_t)plen;
	out->owners = NULL;
	out->nowners = 0;
	*next = (size_t)(p + plen - b->data);
	return 0;
}

int
rowpack_read(const struct rowpack *rp, size_t *pos, struct sock_row *out)
{
	const struct block *b;
	size_t i, off, next;

	if (rp->nblocks == 0)
		return 0;
	i = block_find(rp, *pos);
	b = rp->blocks[i];
	off = *pos - b->start;
	/* Past a block's last row, the next row opens the next block. */
	if (off >= b->used) {
		if (++i == rp->nblocks)
			return 0;
		b = rp->blocks[i];
		off = 0;
	}
	if (row_decode(b, off, &next, out) == -1)
		return 0;
	*pos = b->start + next;
	return 1;
}

void
rowpack_clear(struct rowpack *rp)
{
	size_t i, keep;

	/* An outsized first block (one huge row) is not worth keeping. */
	keep = rp->nblocks > 0 &&
	    rp->blocks[0]->size + sizeof(struct block) <= BLOCK_SIZE;
	for (i = keep; i < rp->nblocks; i++)
		block_unmap(rp->blocks[i]);
	rp->nblocks = keep;
	rp->bytes = 0;
	if (keep) {
		rp->blocks[0]->used = 0;
		rp->bytes = rp->blocks[0]->size + sizeof(struct block);
	}
	rp->len = 0;
	rp->has_base = 0;
	rp->has_prev = 0;
}

void
rowpack_free(struct rowpack *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->nblocks; i++)
		block_unmap(rp->blocks[i]);
	free(rp->blocks);
	free(rp);
}
