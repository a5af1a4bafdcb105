/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr_bc.c - compiles a filter expression to inet_diag bytecode.
 *
 * How the kernel reads a program (net/ipv4/inet_diag.c, described, not
 * copied): a run of operations, each a 4-byte inet_diag_bc_op {code,
 * yes, no} and its operand.  The kernel tests the operation on the
 * socket; true moves on by "yes" bytes, false by "no" bytes.  The socket
 * is kept when the walk ends exactly at the end of the program; a jump
 * past it (end + 4) drops it.  INET_DIAG_BC_JMP always takes "no".  The
 * kernel's audit walks the program by "yes" alone, so "yes" must be the
 * operation's own length, and every "no" must land, forward, on an
 * operation of that walk, at the end, or at end + 4.
 *
 * So the program is laid out as short-circuit code with one exit: each
 * test falls through when true and jumps to a label when false.  gen()
 * compiles a node to "fall through if it holds, else go to label f":
 * "and" chains its operands to the same f; "or" sends the first's false
 * to the second and jumps over the second when the first held; "not"
 * swaps by a jump.  Labels are patched once the program is laid out.
 *
 * The kernel cannot check holders, uids or UNIX names: those leaves are
 * compiled as true where an even number of "not"s are above them and as
 * false under an odd number, so the program keeps a superset of what the
 * expression selects, and user space decides (fexpr_eval.c).
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <linux/inet_diag.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fexpr.h"

#define L_REJECT	0	/* the label past the end: drop the socket */

struct bc {
	uint8_t		*buf;
	size_t		 len, cap;
	struct { size_t op; int label; } *fix;	/* "no" fields to patch */
	size_t		 nfix, capfix;
	size_t		*label;			/* offsets; SIZE_MAX: unset */
	size_t		 nlabel, caplabel;
	int		 failed;		/* errno, 0 if none */
};

/* Grows *p (of *cap elements of size sz) to hold n; 0 or -1. */
static int
grow(void **p, size_t *cap, size_t n, size_t sz)
{
	size_t c = *cap == 0 ? 16 : *cap;
	void *q;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	if ((q = realloc(*p, c * sz)) == NULL)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static int
label_new(struct bc *b)
{
	if (grow((void **)&b->label, &b->caplabel, b->nlabel + 1,
	    sizeof(*b->label)) == -1) {
		b->failed = ENOMEM;
		return L_REJECT;
	}
	b->label[b->nlabel] = SIZE_MAX;
	return (int)b->nlabel++;
}

static void
label_place(struct bc *b, int l)
{
	if (!b->failed)
		b->label[l] = b->len;
}

/*
 * Appends an operation: code, then operand (olen bytes) whose false
 * branch goes to label no.
 */
static void
emit(struct bc *b, uint8_t code, const void *operand, size_t olen, int no)
{
	struct inet_diag_bc_op op;

	if (b->failed)
		return;
	if (b->len + sizeof(op) + olen > FEXPR_BC_MAX) {
		b->failed = E2BIG;
		return;
	}
	if (grow((void **)&b->buf, &b->cap, b->len + sizeof(op) + olen, 1) ==
	    -1 || grow((void **)&b->fix, &b->capfix, b->nfix + 1,
	    sizeof(*b->fix)) == -1) {
		b->failed = ENOMEM;
		return;
	}
	op.code = code;
	op.yes = (unsigned char)(sizeof(op) + olen);
	op.no = 0;
	memcpy(b->buf + b->len, &op, sizeof(op));
	if (olen > 0)
		memcpy(b->buf + b->len + sizeof(op), operand, olen);
	b->fix[b->nfix].op = b->len;
	b->fix[b->nfix++].label = no;
	b->len += sizeof(op) + olen;
}

static void
jump(struct bc *b, int to)
{
	emit(b, INET_DIAG_BC_JMP, NULL, 0, to);
}

/* A port comparison: the port rides in the "no" of a second op. */
static void
emit_port(struct bc *b, uint8_t code, unsigned port, int f)
{
	struct inet_diag_bc_op arg = { 0, 0, (unsigned short)port };

	emit(b, code, &arg, sizeof(arg), f);
}

static void
gen_port(struct bc *b, const struct fx_node *n, int f)
{
	int src = n->kind == FX_SPORT, l;

	switch (n->cmp) {
	case FX_EQ:
		emit_port(b, src ? INET_DIAG_BC_S_EQ : INET_DIAG_BC_D_EQ,
		    n->port, f);
		break;
	case FX_NE:
		l = label_new(b);
		emit_port(b, src ? INET_DIAG_BC_S_EQ : INET_DIAG_BC_D_EQ,
		    n->port, l);
		jump(b, f);
		label_place(b, l);
		break;
	case FX_LE:
		emit_port(b, src ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE,
		    n->port, f);
		break;
	case FX_GE:
		emit_port(b, src ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE,
		    n->port, f);
		break;
	case FX_LT:
		if (n->port == 0)
			jump(b, f);
		else
			emit_port(b, src ? INET_DIAG_BC_S_LE :
			    INET_DIAG_BC_D_LE, n->port - 1U, f);
		break;
	case FX_GT:
		if (n->port == 65535)
			jump(b, f);
		else
			emit_port(b, src ? INET_DIAG_BC_S_GE :
			    INET_DIAG_BC_D_GE, n->port + 1U, f);
		break;
	}
}

static void
gen_host(struct bc *b, const struct fx_node *n, int f)
{
	struct inet_diag_hostcond c;
	uint8_t buf[sizeof(c) + 16];
	size_t alen = n->host.family == AF_INET ? 4 :
	    n->host.family == AF_INET6 ? 16 : 0;

	/* The address follows the condition's fixed part. */
	memset(&c, 0, sizeof(c));
	c.family = n->host.family;
	c.prefix_len = n->host.plen;
	c.port = n->host.port;
	memcpy(buf, &c, sizeof(c));
	memcpy(buf + sizeof(c), &n->host.addr, alen);
	emit(b, n->kind == FX_SRC ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND,
	    buf, sizeof(c) + alen, f);
}

/* Compiles node i: falls through when it holds, else goes to label f. */
static void
gen(struct bc *b, const struct fexpr *fx, int i, int f, int neg)
{
	const struct fx_node *n = &fx->n[i];
	struct inet_diag_markcond mc;
	int l, end;

	switch (n->kind) {
	case FX_AND:
		gen(b, fx, n->a, f, neg);
		gen(b, fx, n->b, f, neg);
		break;
	case FX_OR:
		l = label_new(b);
		end = label_new(b);
		gen(b, fx, n->a, l, neg);
		jump(b, end);
		label_place(b, l);
		gen(b, fx, n->b, f, neg);
		label_place(b, end);
		break;
	case FX_NOT:
		l = label_new(b);
		gen(b, fx, n->a, l, !neg);
		jump(b, f);
		label_place(b, l);
		break;
	case FX_TRUE:
		break;
	case FX_SPORT:
	case FX_DPORT:
		gen_port(b, n, f);
		break;
	case FX_SRC:
	case FX_DST:
		gen_host(b, n, f);
		break;
	case FX_DEV:
		emit(b, INET_DIAG_BC_DEV_COND, &n->num, sizeof(n->num), f);
		break;
	case FX_MARK:
		mc.mark = n->num;
		mc.mask = n->mask;
		emit(b, INET_DIAG_BC_MARK_COND, &mc, sizeof(mc), f);
		break;
	case FX_CGROUP:
		emit(b, INET_DIAG_BC_CGROUP_COND, &n->id, sizeof(n->id), f);
		break;
	case FX_AUTO:
		/* As fexpr_eval.c: a kernel-chosen, ephemeral port. */
		emit(b, INET_DIAG_BC_AUTO, NULL, 0, f);
		emit_port(b, INET_DIAG_BC_S_GE, n->num, f);
		emit_port(b, INET_DIAG_BC_S_LE, n->mask, f);
		break;
	case FX_PROC:
	case FX_PID:
	case FX_UID:
	case FX_NETNS:
		/* Not the kernel's to check: relaxed, see above. */
		if (neg)
			jump(b, f);
		break;
	default:	/* FX_FALSE; FX_PATH: never an Internet socket */
		jump(b, f);
		break;
	}
}

/* Writes every "no" now that labels have offsets. */
static void
patch(struct bc *b)
{
	struct inet_diag_bc_op op;
	size_t i, to;

	for (i = 0; i < b->nfix; i++) {
		to = b->fix[i].label == L_REJECT ? b->len + 4 :
		    b->label[b->fix[i].label];
		memcpy(&op, b->buf + b->fix[i].op, sizeof(op));
		op.no = (unsigned short)(to - b->fix[i].op);
		memcpy(b->buf + b->fix[i].op, &op, sizeof(op));
	}
}

int
fexpr_bc(const struct fexpr *fx, void **prog, size_t *len)
{
	struct bc b;

	*prog = NULL;
	*len = 0;
	if (fx->root < 0)
		return 0;
	memset(&b, 0, sizeof(b));
	(void)label_new(&b);	/* L_REJECT, never placed */
	gen(&b, fx, fx->root, L_REJECT, 0);
	if (!b.failed && b.len > 0) {
		patch(&b);
		*prog = b.buf;
		*len = b.len;
		b.buf = NULL;
	}
	free(b.buf);
	free(b.fix);
	free(b.label);
	if (b.failed) {
		errno = b.failed;
		return -1;
	}
	return 0;
}

/* The ports of node i and the conjunction under it, into *sp and *dp. */
static void
port_hint(const struct fexpr *fx, int i, uint16_t *sp, uint16_t *dp)
{
	const struct fx_node *n = &fx->n[i];

	switch (n->kind) {
	case FX_AND:
		port_hint(fx, n->a, sp, dp);
		port_hint(fx, n->b, sp, dp);
		break;
	case FX_SPORT:
	case FX_DPORT:
		/* Port 0 is a socket's own value, not "no hint". */
		if (n->cmp != FX_EQ || n->port == 0)
			break;
		*(n->kind == FX_SPORT ? sp : dp) = n->port;
		break;
	case FX_SRC:
	case FX_DST:
		if (n->host.port <= 0 || n->host.port > UINT16_MAX)
			break;
		*(n->kind == FX_SRC ? sp : dp) = (uint16_t)n->host.port;
		break;
	default:
		break;
	}
}

void
fexpr_port_hint(const struct fexpr *fx, uint16_t *sport, uint16_t *dport)
{
	*sport = *dport = 0;
	if (fx != NULL && fx->root >= 0)
		port_hint(fx, fx->root, sport, dport);
}
