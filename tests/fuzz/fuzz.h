/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz share: the entry
 * point's prototype, a check that aborts (so libFuzzer keeps the input),
 * and a comparison of two socket rows.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockstat.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Set by a target that leaves files behind it, run before a failure. */
static void	(*fuzz_cleanup)(void);

/*
 * An oracle that fails must crash: libFuzzer only keeps inputs that
 * crash, and abort() also gives a stack trace under ASan.
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		if (fuzz_cleanup != NULL)				\
			fuzz_cleanup();					\
		abort();						\
	}								\
} while (0)

/*
 * Whether two rows say the same, field by field (struct padding is not
 * compared) and the path by its bytes, since each parser points it into
 * its own buffer.
 */
static inline int
fuzz_row_equal(const struct sock_row *a, const struct sock_row *b)
{
	if (a->family != b->family || a->proto != b->proto ||
	    a->type != b->type || a->state != b->state ||
	    a->timer != b->timer || a->v6only != b->v6only ||
	    a->has != b->has || a->lport != b->lport ||
	    a->rport != b->rport ||
	    memcmp(&a->laddr, &b->laddr, sizeof(a->laddr)) != 0 ||
	    memcmp(&a->raddr, &b->raddr, sizeof(a->raddr)) != 0 ||
	    a->rqueue != b->rqueue || a->wqueue != b->wqueue ||
	    a->backlog != b->backlog || a->uid != b->uid ||
	    a->ifindex != b->ifindex || a->retrans != b->retrans ||
	    a->probes != b->probes ||
	    a->refcnt != b->refcnt || a->expires_ms != b->expires_ms ||
	    a->inode != b->inode || a->cookie != b->cookie ||
	    a->peer_inode != b->peer_inode || a->path_len != b->path_len ||
	    (a->path == NULL) != (b->path == NULL))
		return 0;
	return a->path_len == 0 ||
	    memcmp(a->path, b->path, a->path_len) == 0;
}

/*
 * Length of the valid UTF-8 sequence at s (ASCII included) and its code
 * point in *cp, or 0.  Written apart from util.c on purpose: the oracles
 * must not share the code they judge.
 */
static inline size_t
fuzz_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;

	*cp = s[0];
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, *cp = s[0] & 0x1fU;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, *cp = s[0] & 0x0fU;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, *cp = s[0] & 0x07U;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3fU);
	}
	if (*cp < (len == 2 ? 0x80U : len == 3 ? 0x800U : 0x10000U) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

#endif /* FUZZ_H */
