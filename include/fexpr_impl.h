/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr_impl.h - what the two halves of the filter parser share: the
 * grammar (fexpr.c) and the values of predicates (fexpr_args.c).  Not
 * for other modules: their interface is fexpr.h.
 */
#ifndef FEXPR_IMPL_H
#define FEXPR_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "fexpr.h"

enum tok_type { T_END = 0, T_WORD, T_LP, T_RP, T_NOT, T_AND, T_OR, T_OP };

struct tok {
	enum tok_type	 type;
	size_t		 pos, len;	/* in the text */
	enum fx_cmp	 cmp;		/* T_OP */
};

/* Nesting allowed before "too deep": bounds the recursion. */
#define FX_DEPTH_MAX	64

struct parser {
	const char	*text;
	struct tok	 t;		/* the current token */
	struct fexpr	*fx;
	char		*err;
	size_t		 errlen, errpos;
	int		 failed, depth;
	int		 lookups;	/* 0: a name to look up stops the
					   parse with EAGAIN (fxp_lookup) */
	int		 deferred;	/* it did */
};

/* Moves to the next token. */
void		 fxp_next(struct parser *p);

/* Whether the current token is the word w. */
int		 fxp_is_word(const struct parser *p, const char *w);

/*
 * Records the first error (its message, the offset of the current
 * token) and returns -1 with errno EINVAL; later ones are dropped.
 */
int		 fxp_fail(struct parser *p, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* The current word as a new string, or NULL (ENOMEM). */
char		*fxp_word_dup(const struct parser *p);

/*
 * Before a host, service or user name is looked up: 0 when the parse may
 * look it up; -1 when it may not (the parse stops with EAGAIN, to be run
 * again where lookups are allowed, see fexpr_apart.c).
 */
int		 fxp_lookup(struct parser *p);

/* What a predicate of kind k needs of the run (FX_NEEDS_*). */
unsigned	 fxp_kind_needs(enum fx_kind k);

/*
 * The parse behind fexpr_parse; lookups 0: stops with EAGAIN at the
 * first name it would look up.
 */
int		 fxp_parse(const char *text, int lookups, struct fexpr **out,
		    char *err, size_t errlen, size_t *pos);

/* Appends a node; returns its index, or -1 (ENOMEM: p failed). */
int		 fxp_node_add(struct parser *p, enum fx_kind kind, int a,
		    int b);

/*
 * The current word as an unsigned number (base 0) up to max: 0, or -1.
 * With stop, the number may end early and *stop points past it.
 */
int		 fxp_word_number(const struct parser *p, uint32_t max,
		    uint32_t *v, const char **stop);

/*
 * The predicates.  fxp_portcmp and fxp_host start at their keyword and
 * return the new node; the others read the value of node a and return
 * 0.  Each moves past what it read, or returns -1 after fxp_fail.
 */
int		 fxp_portcmp(struct parser *p);
int		 fxp_host(struct parser *p);
int		 fxp_dev(struct parser *p, int a);
int		 fxp_mark(struct parser *p, int a);
int		 fxp_cgroup(struct parser *p, int a);
int		 fxp_uid(struct parser *p, int a);

/* The ephemeral port range into n->num and n->mask (autobound). */
void		 fxp_port_range(struct fx_node *n);

/*
 * fexpr_apart.c's answer from the child that looks names up (there the
 * whole exchange is described); here for its tests too.
 */
#define APART_NODES_MAX	(1u << 16)	/* a host with very many addresses */
#define APART_DEPTH_MAX	10000		/* recursion the answer may ask */
#define APART_TEXT_MAX	(1u << 20)

#define WIRE_PARSED	0
#define WIRE_BAD	1		/* the parse failed: err, pos, msg */
#define WIRE_FAILED	2		/* the child could not parse: err */

struct wire {
	int32_t		 rc;		/* WIRE_* */
	int32_t		 err;
	uint64_t	 pos;
	char		 msg[FEXPR_ERRLEN];
	uint64_t	 nn;
	int32_t		 root, has_states;
	uint32_t	 states, needs;
};

#endif /* FEXPR_IMPL_H */
