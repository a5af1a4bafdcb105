/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * refcnt.h - the RefCnt of UNIX sockets by inode.  sock_diag has no
 * reference count, but netstat's RefCnt column shows the one
 * /proc/net/unix prints; the netstat face reads that file once per pass
 * into this map and looks each netlink row up in it.
 */
#ifndef REFCNT_H
#define REFCNT_H

#include <stddef.h>
#include <stdint.h>

struct refcnt_map;

/* Returns an empty map, or NULL with errno ENOMEM. */
struct refcnt_map *refcnt_map_new(void);

/*
 * Adds inode's count; an inode past 32 bits is left out (see refcnt.c).
 * Returns 0, or -1 with errno ENOMEM.
 */
int	refcnt_map_add(struct refcnt_map *m, uint64_t inode, uint32_t refcnt);

/* Makes the map ready for lookups once every inode is added. */
void	refcnt_map_seal(struct refcnt_map *m);

/*
 * Sets *refcnt to inode's count and returns 1, or returns 0 when the
 * map has none (an inode added twice has none: see refcnt.c).
 */
int	refcnt_map_get(const struct refcnt_map *m, uint64_t inode,
	    uint32_t *refcnt);

/* Number of inodes held. */
size_t	refcnt_map_len(const struct refcnt_map *m);

/* Frees m; NULL is a no-op. */
void	refcnt_map_free(struct refcnt_map *m);

#endif /* REFCNT_H */
