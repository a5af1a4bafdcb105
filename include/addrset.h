/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addrset.h - IPv6 addresses kept once each, by index.  The netstat face
 * keeps its IPv6 rows until their columns are sized; their addresses
 * repeat (a host has few local addresses, a busy peer many connections),
 * so a row holds two 32-bit indexes instead of 32 bytes of addresses.
 */
#ifndef ADDRSET_H
#define ADDRSET_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

struct addrset {
	struct in6_addr	*addr;		/* by index */
	size_t		 len, cap;
	uint32_t	*slot;		/* hash: index + 1, 0 for empty */
	size_t		 nslot;		/* a power of two, or 0 */
};

/*
 * Sets *idx to a's index, adding a if new.  Returns 0, or -1 with errno
 * ENOMEM.
 */
int	addrset_put(struct addrset *s, const struct in6_addr *a,
	    uint32_t *idx);

/* The address of index idx (from addrset_put). */
const struct in6_addr *addrset_get(const struct addrset *s, uint32_t idx);

/* Frees what s holds and empties it. */
void	addrset_free(struct addrset *s);

#endif /* ADDRSET_H */
