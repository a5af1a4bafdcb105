/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bc_model.h - a user-space model of how the kernel checks and runs an
 * inet_diag bytecode program (net/ipv4/inet_diag.c: the audit before a
 * dump, the run on each socket), written from its described behaviour
 * for the tests and the fuzzer of fexpr_bc.c: every program sockstat
 * emits must pass bcm_audit and keep, under bcm_run, every socket the
 * user-space evaluator selects.
 */
#ifndef BC_MODEL_H
#define BC_MODEL_H

#include <sys/socket.h>

#include <linux/inet_diag.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* What the kernel knows of a socket when it runs a program. */
struct bcm_entry {
	int		 family;
	uint8_t		 saddr[16], daddr[16];	/* AF_INET: first 4 */
	uint16_t	 sport, dport;
	uint32_t	 ifindex, mark;
	uint64_t	 cgroup;
	int		 autobound;	/* the kernel chose the port */
};

static inline struct inet_diag_bc_op
bcm_op(const uint8_t *p)
{
	struct inet_diag_bc_op op;

	memcpy(&op, p, sizeof(op));
	return op;
}

/* Whether offset cc before the end (len left) is on the "yes" walk. */
static inline int
bcm_valid_cc(const uint8_t *bc, int len, int cc)
{
	while (len >= 0) {
		struct inet_diag_bc_op op = bcm_op(bc);

		if (cc > len)
			return 0;
		if (cc == len)
			return 1;
		if (op.yes < 4 || (op.yes & 3))
			return 0;
		len -= op.yes;
		bc += op.yes;
	}
	return 0;
}

/* The operand's size check; *min_len grows by it.  0 when malformed. */
static inline int
bcm_operand(const uint8_t *bc, int len, int *min_len)
{
	struct inet_diag_hostcond hc;
	int alen;

	switch (bcm_op(bc).code) {
	case INET_DIAG_BC_S_COND:
	case INET_DIAG_BC_D_COND:
		*min_len += (int)sizeof(hc);
		if (len < *min_len)
			return 0;
		memcpy(&hc, bc + 4, sizeof(hc));
		alen = hc.family == AF_UNSPEC ? 0 : hc.family == AF_INET ? 4 :
		    hc.family == AF_INET6 ? 16 : -1;
		if (alen < 0)
			return 0;
		*min_len += alen;
		return len >= *min_len && hc.prefix_len <= 8 * alen;
	case INET_DIAG_BC_DEV_COND:
		*min_len += 4;
		return len >= *min_len;
	case INET_DIAG_BC_S_EQ: case INET_DIAG_BC_S_GE:
	case INET_DIAG_BC_S_LE: case INET_DIAG_BC_D_EQ:
	case INET_DIAG_BC_D_GE: case INET_DIAG_BC_D_LE:
		*min_len += 4;
		return len >= *min_len;
	case INET_DIAG_BC_MARK_COND:
		*min_len += (int)sizeof(struct inet_diag_markcond);
		return len >= *min_len;
	case INET_DIAG_BC_CGROUP_COND:
		*min_len += 8;
		return len >= *min_len;
	case INET_DIAG_BC_AUTO: case INET_DIAG_BC_JMP:
	case INET_DIAG_BC_NOP:
		return 1;
	default:
		return 0;
	}
}

/* The audit: 0, or -EINVAL / -EPERM (a mark without CAP_NET_ADMIN). */
static inline int
bcm_audit(const uint8_t *bc0, int total, int net_admin)
{
	const uint8_t *bc = bc0;
	int len = total;

	if (total < 4)
		return -EINVAL;
	while (len > 0) {
		int min_len = 4;
		struct inet_diag_bc_op op;

		if (len < 4)
			return -EINVAL;
		op = bcm_op(bc);
		if (op.code == INET_DIAG_BC_MARK_COND && !net_admin)
			return -EPERM;
		if (!bcm_operand(bc, len, &min_len))
			return -EINVAL;
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < min_len || op.no > len + 4 || (op.no & 3))
				return -EINVAL;
			if (op.no < len &&
			    !bcm_valid_cc(bc0, total, len - op.no))
				return -EINVAL;
		}
		if (op.yes < min_len || op.yes > len + 4 || (op.yes & 3))
			return -EINVAL;
		bc += op.yes;
		len -= op.yes;
	}
	return len == 0 ? 0 : -EINVAL;
}

/* Whether the first bits of a and b agree. */
static inline int
bcm_bits(const uint8_t *a, const uint8_t *b, int bits)
{
	int bytes = bits / 8;

	bits %= 8;
	if (memcmp(a, b, (size_t)bytes) != 0)
		return 0;
	return bits == 0 ||
	    ((a[bytes] ^ b[bytes]) & (0xff << (8 - bits)) & 0xff) == 0;
}

static inline int
bcm_host(const uint8_t *op, const struct bcm_entry *e)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	struct inet_diag_hostcond hc;
	int src = op[0] == INET_DIAG_BC_S_COND;
	const uint8_t *addr = src ? e->saddr : e->daddr;
	const uint8_t *want = op + 4 + sizeof(hc);

	memcpy(&hc, op + 4, sizeof(hc));
	if (hc.port != -1 && hc.port != (src ? e->sport : e->dport))
		return 0;
	if (hc.family != AF_UNSPEC && hc.family != e->family)
		return e->family == AF_INET6 && hc.family == AF_INET &&
		    memcmp(addr, mapped, 12) == 0 &&
		    bcm_bits(addr + 12, want, hc.prefix_len);
	return hc.prefix_len == 0 || bcm_bits(addr, want, hc.prefix_len);
}

/* The run: 1 when the program keeps the socket. */
static inline int
bcm_run(const uint8_t *bc, int len, const struct bcm_entry *e)
{
	while (len > 0) {
		struct inet_diag_bc_op op = bcm_op(bc);
		struct inet_diag_markcond mc;
		uint16_t port = 0;
		uint32_t u32;
		uint64_t u64;
		int yes = 1;

		/* A comparison's port rides in a second op (audited). */
		if ((op.code >= INET_DIAG_BC_S_GE &&
		    op.code <= INET_DIAG_BC_D_LE) ||
		    op.code == INET_DIAG_BC_S_EQ || op.code == INET_DIAG_BC_D_EQ)
			port = bcm_op(bc + 4).no;
		switch (op.code) {
		case INET_DIAG_BC_JMP: yes = 0; break;
		case INET_DIAG_BC_S_EQ: yes = e->sport == port; break;
		case INET_DIAG_BC_S_GE: yes = e->sport >= port; break;
		case INET_DIAG_BC_S_LE: yes = e->sport <= port; break;
		case INET_DIAG_BC_D_EQ: yes = e->dport == port; break;
		case INET_DIAG_BC_D_GE: yes = e->dport >= port; break;
		case INET_DIAG_BC_D_LE: yes = e->dport <= port; break;
		case INET_DIAG_BC_AUTO: yes = e->autobound; break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND:
			yes = bcm_host(bc, e);
			break;
		case INET_DIAG_BC_DEV_COND:
			memcpy(&u32, bc + 4, 4);
			yes = u32 == e->ifindex;
			break;
		case INET_DIAG_BC_MARK_COND:
			memcpy(&mc, bc + 4, sizeof(mc));
			yes = (e->mark & mc.mask) == mc.mark;
			break;
		case INET_DIAG_BC_CGROUP_COND:
			memcpy(&u64, bc + 4, 8);
			yes = u64 == e->cgroup;
			break;
		default:
			break;
		}
		len -= yes ? op.yes : op.no;
		bc += yes ? op.yes : op.no;
	}
	return len == 0;
}

#endif /* BC_MODEL_H */
