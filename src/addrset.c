/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addrset.c - IPv6 addresses kept once each: an array by index and an
 * open-addressing hash of indexes, at most half full.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"

/* FNV-1a over the 16 bytes: addresses differ mostly in their last ones. */
static size_t
addr_hash(const struct in6_addr *a)
{
	const uint8_t *p = a->s6_addr;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < sizeof(a->s6_addr); i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

/* The slot holding a, or the empty one where it would go. */
static size_t
addr_slot(const struct addrset *s, const struct in6_addr *a)
{
	size_t i = addr_hash(a) & (s->nslot - 1);

	while (s->slot[i] != 0 &&
	    memcmp(&s->addr[s->slot[i] - 1], a, sizeof(*a)) != 0)
		i = (i + 1) & (s->nslot - 1);
	return i;
}

/* Doubles the hash (64 slots at first) and places every index again. */
static int
rehash(struct addrset *s)
{
	uint32_t *old = s->slot;
	size_t oldn = s->nslot, i;

	s->nslot = oldn == 0 ? 64 : oldn * 2;
	if ((s->slot = calloc(s->nslot, sizeof(*s->slot))) == NULL) {
		s->slot = old;
		s->nslot = oldn;
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < oldn; i++)
		if (old[i] != 0)
			s->slot[addr_slot(s, &s->addr[old[i] - 1])] = old[i];
	free(old);
	return 0;
}

int
addrset_put(struct addrset *s, const struct in6_addr *a, uint32_t *idx)
{
	struct in6_addr *na;
	size_t i, ncap;

	if ((s->len + 1) * 2 > s->nslot && rehash(s) == -1)
		return -1;
	i = addr_slot(s, a);
	if (s->slot[i] != 0) {
		*idx = s->slot[i] - 1;
		return 0;
	}
	if (s->len == UINT32_MAX - 1) {
		errno = ENOMEM;
		return -1;
	}
	if (s->len == s->cap) {
		ncap = s->cap == 0 ? 16 : s->cap * 2;
		if ((na = realloc(s->addr, ncap * sizeof(*na))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		s->addr = na;
		s->cap = ncap;
	}
	s->addr[s->len] = *a;
	*idx = (uint32_t)s->len;
	s->slot[i] = (uint32_t)++s->len;
	return 0;
}

const struct in6_addr *
addrset_get(const struct addrset *s, uint32_t idx)
{
	return &s->addr[idx];
}

void
addrset_free(struct addrset *s)
{
	free(s->addr);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
