/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procmap_impl.h - what the owner map's two halves share: procmap.c (the
 * map: hash, lookup, owner text, hidepid) and procmap_scan.c (the /proc
 * walk that fills it).  Private to them; other modules use procmap.h.
 * procmap.c needs nothing from procmap_scan.c, so an object that only
 * looks owners up links procmap.o alone.
 */
#ifndef PROCMAP_IMPL_H
#define PROCMAP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "procmap.h"

#define CHUNK_SIZE	4096		/* comm strings per allocation */

/*
 * Commands live in chunks that never move, so owners point at them
 * from the moment they are read.
 */
struct pm_chunk {
	struct pm_chunk	*next;
	size_t		 used;
	char		 data[CHUNK_SIZE];
};

/*
 * Makes the map of the n owners, inodes[i] held by owners[i], by
 * ascending pid, and sets st->fds and st->sockets.  Takes owners and
 * chunks (their commands) even on failure; inodes stays the caller's.
 * Returns the map, or NULL with errno ENOMEM.
 */
struct procmap	*procmap_index(struct sock_owner *owners,
		    const uint64_t *inodes, size_t n, struct pm_chunk *chunks,
		    struct procmap_stats *st);

/* Frees a list of chunks; NULL is a no-op. */
void		 procmap_chunks_free(struct pm_chunk *c);

/*
 * PROCMAP_HIDEPID_* of the proc mount at proc_root, from its
 * self/mountinfo; any failure reads as PROCMAP_HIDEPID_UNKNOWN.
 */
int		 procmap_hidepid(const char *proc_root);

#endif /* PROCMAP_IMPL_H */
