/*
 * rowpack.h - a compact, append-only store of socket rows.  The measure
 * pass keeps the rows of the dumps it will replay (the spool); a struct
 * sock_row is 136 bytes, a packed IPv6 row on loopback about 7.  Rows
 * are packed into large blocks (no allocation per row) and read back in
 * push order from any position rowpack_mark() returned.  Owners are not
 * kept: rows are spooled before owners are attached.
 */
#ifndef ROWPACK_H
#define ROWPACK_H

#include <stddef.h>

#include "sockstat.h"

struct rowpack;

/*
 * Returns an empty pack that holds at most max_bytes of blocks (0: no
 * limit), or NULL with errno ENOMEM.  Free it with rowpack_free().
 */
struct rowpack	*rowpack_new(size_t max_bytes);

/*
 * Appends r, path bytes included.  Returns 0, or -1 with errno EINVAL
 * (r->nowners > 0, or a NULL path with a length), ENOSPC (the row would
 * pass max_bytes) or ENOMEM; on failure the pack is left unchanged.
 * For AF_INET only the first 4 bytes of laddr and raddr are kept.
 */
int		 rowpack_push(struct rowpack *rp, const struct sock_row *r);

/* Number of rows held. */
size_t		 rowpack_len(const struct rowpack *rp);

/* Bytes of blocks held, headers included: what max_bytes bounds. */
size_t		 rowpack_bytes(const struct rowpack *rp);

/*
 * The position the next push will go to, for rowpack_read() to start
 * from later.  Positions are opaque; rowpack_clear() voids them all.
 */
size_t		 rowpack_mark(const struct rowpack *rp);

/* The position of the first row (the mark of an empty pack). */
size_t		 rowpack_start(const struct rowpack *rp);

/*
 * Decodes the row at *pos into *out and advances *pos.  Returns 1, or 0
 * at the end (*pos == rowpack_mark()).  out->path points into the pack
 * until rowpack_clear/_free; out->owners is NULL, out->nowners 0.  A pos
 * that no mark gave may yield garbage rows, but never reads outside
 * the pack.
 */
int		 rowpack_read(const struct rowpack *rp, size_t *pos,
		    struct sock_row *out);

/* Drops every row; the first block is kept for the next pass (-c). */
void		 rowpack_clear(struct rowpack *rp);

/* Frees rp and its rows; NULL is a no-op. */
void		 rowpack_free(struct rowpack *rp);

#endif /* ROWPACK_H */
