/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fexpr_bc.c - the bytecode compiler (fexpr_bc.c) against a model
 * of the kernel's audit and runner (bc_model.h): every program must be
 * one the kernel accepts, keep every socket the user-space evaluator
 * selects, and, where the expression holds nothing the kernel cannot
 * check, keep exactly those.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc_model.h"
#include "fexpr.h"

/* A socket as both sides see it. */
struct pair {
	struct sock_row		 r;
	struct bcm_entry	 e;
};

#define NPAIRS_MAX	4096
static struct pair pairs[NPAIRS_MAX];
static size_t npairs;

static void
pair_add(int fam, const char *l, unsigned lp, const char *rem, unsigned rp,
    unsigned ifindex, uint32_t mark, int autob)
{
	struct pair *p = &pairs[npairs++];

	assert_true(npairs <= NPAIRS_MAX);
	memset(p, 0, sizeof(*p));
	p->r.family = (uint8_t)fam;
	p->r.proto = PROTO_TCP;
	p->r.state = ST_ESTABLISHED;
	p->r.lport = (uint16_t)lp;
	p->r.rport = (uint16_t)rp;
	p->r.ifindex = ifindex;
	p->r.uid = 1000;
	p->r.has = ROW_HAS_IFINDEX | ROW_HAS_UID;
	assert_int_equal(inet_pton(fam, l, &p->r.laddr), 1);
	assert_int_equal(inet_pton(fam, rem, &p->r.raddr), 1);
	p->e.family = fam;
	memcpy(p->e.saddr, &p->r.laddr, fam == AF_INET ? 4 : 16);
	memcpy(p->e.daddr, &p->r.raddr, fam == AF_INET ? 4 : 16);
	p->e.sport = (uint16_t)lp;
	p->e.dport = (uint16_t)rp;
	p->e.ifindex = ifindex;
	p->e.mark = mark;
	p->e.autobound = autob;
}

static int
pairs_setup(void **state)
{
	static const unsigned ports[] = { 0, 22, 443, 1023, 1024, 40000,
	    65535 };
	static const char *const v4[] = { "127.0.0.1", "10.1.2.3",
	    "192.168.7.9", "0.0.0.0" };
	static const char *const v6[] = { "::1", "fe80::5", "::ffff:10.1.2.3",
	    "::" };
	size_t i, j, k;

	(void)state;
	npairs = 0;
	for (i = 0; i < 7; i++)
		for (j = 0; j < 7; j += 2)
			for (k = 0; k < 4; k++) {
				pair_add(AF_INET, v4[k], ports[i], v4[(k + j) %
				    4], ports[j], (unsigned)k % 3, (uint32_t)
				    (i * 16), (int)(j & 2));
				pair_add(AF_INET6, v6[k], ports[i], v6[(k + 1) %
				    4], ports[j], (unsigned)(k + i) % 3,
				    (uint32_t)j, (int)(i & 1));
			}
	return 0;
}

/* Whether the expression holds only what both sides check exactly. */
static int
exact(const struct fexpr *fx)
{
	size_t i;

	for (i = 0; i < fx->nn; i++)
		switch (fx->n[i].kind) {
		case FX_PROC: case FX_PID: case FX_UID: case FX_MARK:
		case FX_CGROUP: case FX_AUTO: case FX_NETNS:
			return 0;
		default:
			break;
		}
	return 1;
}

/* Compiles text and checks it on every pair; returns the program size. */
static size_t
check_expr(const char *text)
{
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	void *prog;
	size_t len, pos, i;
	int k, u, rc;

	if (fexpr_parse(text, &fx, err, sizeof(err), &pos) == -1)
		fail_msg("'%s' refused at %zu: %s", text, pos, err);
	assert_int_equal(fexpr_bc(fx, &prog, &len), 0);
	if (prog != NULL) {
		rc = bcm_audit(prog, (int)len, 1);
		if (rc != 0)
			fail_msg("'%s': audit says %d", text, rc);
	}
	for (i = 0; i < npairs; i++) {
		k = prog == NULL ? 1 : bcm_run(prog, (int)len, &pairs[i].e);
		u = fexpr_eval(fx, &pairs[i].r, 1);
		if (u == FX_YES && !k)
			fail_msg("'%s': kernel drops pair %zu", text, i);
		if (exact(fx) && k != (u == FX_YES))
			fail_msg("'%s': pair %zu kernel %d user %d", text, i,
			    k, u);
	}
	free(prog);
	fexpr_free(fx);
	return len;
}

static void
test_fexpr_bc_exprs(void **state)
{
	static const char *const exprs[] = {
		"sport = 22", "dport != 443", "sport < 1024", "sport > 1023",
		"sport <= 0", "sport >= 65535", "sport < 0", "dport > 65535",
		"port 443", "port != 443", "port > 1023",
		"src 127.0.0.1", "src 10.0.0.0/8", "dst 0.0.0.0/0",
		"src ::1", "dst [fe80::]/10", "src [::ffff:10.1.2.3]",
		"src 10.1.2.3:443", "dst *:22", "src :1024", "src *",
		"dst [::]/0:40000",
		"dev 1", "not dev 2", "fwmark 0x10/0xf0", "autobound",
		"not autobound", "sport 22 and dport 22",
		"sport 22 or dport 22 or sport 443",
		"not (sport 22 or dport 443)",
		"( sport = :22 or dport = :443 ) and not src 10.0.0.0/8",
		"src 127.0.0.1 or src ::1 or dst 192.168.0.0/16",
		"not not not sport 22",
		"!(!(sport 22) || !(dport 0))",
		"proc ssh", "not proc ssh", "sport 22 and not pid 1",
		"not (uid 0 or sport 443)", "src /run/*.sock",
		"not src @x*", "sport 22 or src /x",
		"netns blue", "not netns blue and sport 22",
		("(sport 1024 or dport 1024) and (src 10.0.0.0/8 or "
		    "dst 10.0.0.0/8) and not (sport 0 or dev 2)"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++)
		check_expr(exprs[i]);
}

/* A random expression of depth at most d into buf. */
static void
random_expr(char *buf, size_t len, int d, unsigned *seed)
{
	static const char *const leaves[] = { "sport = 22", "sport < 1024",
	    "dport > 1023", "dport != 0", "port 443", "src 10.0.0.0/8",
	    "src ::1", "dst 127.0.0.1", "dst [fe80::]/16", "src *:443",
	    "dev 1", "dev 0", "src 0.0.0.0/1", "dport >= 40000",
	    "sport le 65535", "dst ::ffff:0:0/96", "fwmark 16",
	    "autobound", "proc x", "uid 1000" };
	char a[1500], b[1500];
	unsigned r = (unsigned)rand_r(seed);

	if (d == 0 || r % 4 == 0) {
		snprintf(buf, len, "%s", leaves[r / 4 % (sizeof(leaves) /
		    sizeof(leaves[0]))]);
		return;
	}
	random_expr(a, sizeof(a), d - 1, seed);
	switch (r / 4 % 4) {
	case 0:
		snprintf(buf, len, "not (%s)", a);
		break;
	case 1:
		random_expr(b, sizeof(b), d - 1, seed);
		snprintf(buf, len, "(%s) and (%s)", a, b);
		break;
	case 2:
		random_expr(b, sizeof(b), d - 1, seed);
		snprintf(buf, len, "(%s) || (%s)", a, b);
		break;
	default:
		random_expr(b, sizeof(b), d - 1, seed);
		snprintf(buf, len, "(%s) (%s)", a, b);
		break;
	}
}

static void
test_fexpr_bc_random(void **state)
{
	char buf[4096];
	unsigned seed = 14;
	int i;

	(void)state;
	for (i = 0; i < 400; i++) {
		random_expr(buf, sizeof(buf), 5, &seed);
		check_expr(buf);
	}
}

static void
test_fexpr_bc_none(void **state)
{
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	void *prog;
	size_t len, pos;

	(void)state;
	/* Only what the kernel cannot check: no program, keep all. */
	assert_int_equal(fexpr_parse("state listening proc sshd", &fx, err,
	    sizeof(err), &pos), 0);
	assert_int_equal(fexpr_bc(fx, &prog, &len), 0);
	assert_null(prog);
	fexpr_free(fx);
	/* A mark needs CAP_NET_ADMIN: the kernel says EPERM without. */
	assert_int_equal(fexpr_parse("fwmark 1", &fx, err, sizeof(err), &pos),
	    0);
	assert_int_equal(fexpr_bc(fx, &prog, &len), 0);
	assert_int_equal(bcm_audit(prog, (int)len, 0), -EPERM);
	free(prog);
	fexpr_free(fx);
}

/* A program past the u16 jumps is refused, not truncated. */
/*
 * The ports the kernel may check before the program: only those every
 * selected socket must have (equality, joined by and at the top).
 */
static void
test_fexpr_port_hint(void **state)
{
	static const struct {
		const char	*text;
		uint16_t	 sport, dport;
	} c[] = {
		{ "sport = :22", 22, 0 },
		{ "dport == 443", 0, 443 },
		{ "sport=22 dport=40000", 22, 40000 },
		{ "state established ( sport = :80 and src 10.0.0.0/8 )", 80, 0 },
		{ "src 127.0.0.1:8080", 8080, 0 },
		{ "dst [::1]:53 and proc x", 0, 53 },
		{ "sport = :22 or sport = :23", 0, 0 },
		{ "not sport = :22", 0, 0 },
		{ "sport != :22", 0, 0 },
		{ "sport > :1024", 0, 0 },
		{ "sport = :0", 0, 0 },
		{ "port 22", 0, 0 },
		{ "state listening", 0, 0 },
	};
	char err[FEXPR_ERRLEN];
	struct fexpr *fx;
	uint16_t sp, dp;
	size_t i, pos;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(fexpr_parse(c[i].text, &fx, err, sizeof(err),
		    &pos), 0);
		fexpr_port_hint(fx, &sp, &dp);
		if (sp != c[i].sport || dp != c[i].dport)
			fail_msg("%s: %u %u", c[i].text, sp, dp);
		fexpr_free(fx);
	}
	fexpr_port_hint(NULL, &sp, &dp);
	assert_int_equal(sp + dp, 0);
}

static void
test_fexpr_bc_too_big(void **state)
{
	char err[FEXPR_ERRLEN], *text;
	struct fexpr *fx;
	void *prog;
	size_t len, pos, i, at = 0;

	(void)state;
	assert_non_null(text = malloc(5000 * 24));
	for (i = 0; i < 5000; i++)
		at += (size_t)sprintf(text + at, "%ssrc [::%zx]", i ? " or " :
		    "", i + 1);
	assert_int_equal(fexpr_parse(text, &fx, err, sizeof(err), &pos), 0);
	assert_int_equal(fexpr_bc(fx, &prog, &len), -1);
	assert_int_equal(errno, E2BIG);
	assert_null(prog);
	fexpr_free(fx);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fexpr_bc_exprs, pairs_setup),
		cmocka_unit_test_setup(test_fexpr_bc_random, pairs_setup),
		cmocka_unit_test(test_fexpr_bc_none),
		cmocka_unit_test(test_fexpr_bc_too_big),
		cmocka_unit_test(test_fexpr_port_hint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
