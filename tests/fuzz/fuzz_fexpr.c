/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_fexpr.c - filter expressions: parse, evaluate, compile.
 *
 * Input: the expression's text (cut at the first NUL).  Checks: the
 * parser never crashes, and either refuses the text with a message and
 * an offset inside it, or gives a tree whose program (fexpr_bc) the
 * kernel's audit would accept (tests/bc_model.h) and that keeps, on a
 * grid of sockets, every one the user-space evaluator selects, and
 * exactly those when nothing in the tree is beyond the kernel or beyond
 * user space.  Names are never looked up here (FEXPR_NO_LOOKUPS).
 */
#include <arpa/inet.h>

#define FEXPR_NO_LOOKUPS 1
#include "../../src/fexpr.c"
#include "../../src/fexpr_args.c"

#include "../bc_model.h"
#include "fuzz.h"

#define NSOCKS	64
static struct sock_row rows[NSOCKS];
static struct bcm_entry ents[NSOCKS];

/* A grid of sockets, v4, v6 and v4-mapped, ports across the ranges. */
static void
grid_init(void)
{
	static const char *const v4[] = { "127.0.0.1", "10.1.2.3" };
	static const char *const v6[] = { "::1", "::ffff:10.1.2.3" };
	static const unsigned ports[] = { 0, 22, 1024, 65535 };
	size_t i;

	for (i = 0; i < NSOCKS; i++) {
		struct sock_row *r = &rows[i];
		int v6f = i & 1;

		memset(r, 0, sizeof(*r));
		r->family = v6f ? AF_INET6 : AF_INET;
		r->proto = PROTO_TCP;
		r->state = ST_ESTABLISHED;
		r->lport = (uint16_t)ports[(i >> 1) & 3];
		r->rport = (uint16_t)ports[(i >> 3) & 3];
		r->ifindex = (uint32_t)(i >> 5);
		r->uid = 0;
		r->has = ROW_HAS_IFINDEX | ROW_HAS_UID;
		inet_pton(r->family, v6f ? v6[(i >> 2) & 1] : v4[(i >> 2) & 1],
		    &r->laddr);
		inet_pton(r->family, v6f ? v6[(i >> 4) & 1] : v4[(i >> 4) & 1],
		    &r->raddr);
		memset(&ents[i], 0, sizeof(ents[i]));
		ents[i].family = r->family;
		memcpy(ents[i].saddr, &r->laddr, v6f ? 16 : 4);
		memcpy(ents[i].daddr, &r->raddr, v6f ? 16 : 4);
		ents[i].sport = r->lport;
		ents[i].dport = r->rport;
		ents[i].ifindex = r->ifindex;
		ents[i].mark = (uint32_t)i;
		ents[i].autobound = (int)(i & 4);
	}
}

/* Nothing the kernel or user space alone decides. */
static int
exact(const struct fexpr *fx)
{
	size_t i;

	for (i = 0; i < fx->nn; i++)
		if (fx->n[i].kind >= FX_MARK)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char text[1024], err[FEXPR_ERRLEN];
	struct fexpr *fx;
	void *prog;
	size_t len, pos = (size_t)-1, i;
	int k, u;

	if (!ready) {
		grid_init();
		ready = 1;
	}
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	if (fexpr_parse(text, &fx, err, sizeof(err), &pos) == -1) {
		FUZZ_CHECK(errno == EINVAL);
		FUZZ_CHECK(pos <= strlen(text));
		FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
		return 0;
	}
	if (fexpr_bc(fx, &prog, &len) == -1) {
		FUZZ_CHECK(errno == E2BIG);
		fexpr_free(fx);
		return 0;
	}
	FUZZ_CHECK(prog == NULL || bcm_audit(prog, (int)len, 1) == 0);
	for (i = 0; i < NSOCKS; i++) {
		k = prog == NULL ? 1 : bcm_run(prog, (int)len, &ents[i]);
		u = fexpr_eval(fx, &rows[i], 1);
		FUZZ_CHECK(u == FX_NO || u == FX_YES || u == FX_UNKNOWN);
		FUZZ_CHECK(u != FX_YES || k);
		FUZZ_CHECK(!exact(fx) || k == (u == FX_YES));
	}
	free(prog);
	fexpr_free(fx);
	return 0;
}
