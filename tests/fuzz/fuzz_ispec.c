/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_ispec.c - lsof_parse: the lsof face's command line, and above all
 * its -i SPEC ([46][protocol][@host|@[v6]][:port[,port|-port]...]).
 *
 * Input: a byte choosing the form, then either one SPEC (parsed as
 * "sockstat -iSPEC", up to its first NUL) or a whole command line split
 * at NUL bytes.  The selection must be sane when the parse succeeds, and
 * lsof_sel_free must release everything either way (LeakSanitizer).
 *
 * Names are looked up by lsof_resolve, run after a successful parse as
 * main runs it; getaddrinfo could wait on DNS, so the stand-in below
 * answers literals and "localhost" only, and a run is fast and the same
 * on every host.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>

#include "fuzz.h"
#include "lsof.h"

#define MAXARGS	16

/* One answer: the addrinfo and its address in a single allocation. */
struct answer {
	struct addrinfo		 ai;
	struct sockaddr_in6	 sa;	/* fits either family */
};

static struct addrinfo *
answer(int family, const void *addr, struct addrinfo *next)
{
	struct answer *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		abort();
	a->ai.ai_family = family;
	a->ai.ai_socktype = SOCK_STREAM;
	a->ai.ai_addr = (struct sockaddr *)&a->sa;
	a->ai.ai_next = next;
	if (family == AF_INET) {
		a->ai.ai_addrlen = sizeof(struct sockaddr_in);
		((struct sockaddr_in *)&a->sa)->sin_family = AF_INET;
		memcpy(&((struct sockaddr_in *)&a->sa)->sin_addr, addr, 4);
	} else {
		a->ai.ai_addrlen = sizeof(struct sockaddr_in6);
		a->sa.sin6_family = AF_INET6;
		memcpy(&a->sa.sin6_addr, addr, 16);
	}
	return &a->ai;
}

int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct in6_addr a6;
	struct in_addr a4;
	int fam = hints != NULL ? hints->ai_family : AF_UNSPEC;

	(void)service;
	*res = NULL;
	if (node == NULL)
		return EAI_NONAME;
	if (inet_pton(AF_INET, node, &a4) == 1 && fam != AF_INET6)
		*res = answer(AF_INET, &a4, NULL);
	else if (inet_pton(AF_INET6, node, &a6) == 1 && fam != AF_INET)
		*res = answer(AF_INET6, &a6, NULL);
	else if (strcmp(node, "localhost") == 0) {
		a4.s_addr = htonl(INADDR_LOOPBACK);
		if (fam != AF_INET)
			*res = answer(AF_INET6, &in6addr_loopback, *res);
		if (fam != AF_INET6)
			*res = answer(AF_INET, &a4, *res);
	}
	return *res == NULL ? EAI_NONAME : 0;
}

void
freeaddrinfo(struct addrinfo *ai)
{
	struct addrinfo *next;

	for (; ai != NULL; ai = next) {
		next = ai->ai_next;
		free(ai);	/* the first member of struct answer */
	}
}

static void
check_sel(const struct options *o)
{
	const struct lsof_sel *s = o->lsof;
	const struct lsof_spec *sp;
	size_t i, k;
	int p;

	FUZZ_CHECK(o->face == FACE_LSOF && s != NULL);
	FUZZ_CHECK(s->inet || s->unix_sockets);
	FUZZ_CHECK(!(s->terse && s->fields));
	FUZZ_CHECK(memchr(s->field_set, '\0', sizeof(s->field_set)) != NULL);
	FUZZ_CHECK(s->nspecs == 0 || s->specs != NULL);
	for (i = 0; i < s->nspecs; i++) {
		sp = &s->specs[i];
		FUZZ_CHECK((sp->families & ~(FAM_INET4 | FAM_INET6)) == 0);
		FUZZ_CHECK((sp->protos & ~(1U << PROTO_TCP |
		    1U << PROTO_UDP | 1U << PROTO_UDPLITE)) == 0);
		FUZZ_CHECK(sp->naddrs <= LSOF_ADDRS_MAX);
		for (k = 0; k < sp->naddrs; k++) {
			FUZZ_CHECK(sp->addr_family[k] == AF_INET ||
			    sp->addr_family[k] == AF_INET6);
			if (sp->families == FAM_INET4)
				FUZZ_CHECK(sp->addr_family[k] == AF_INET);
			if (sp->families == FAM_INET6)
				FUZZ_CHECK(sp->addr_family[k] == AF_INET6);
		}
		FUZZ_CHECK(!sp->pending);
		FUZZ_CHECK(!sp->type_only || (sp->protos == 0 &&
		    sp->naddrs == 0 && sp->nports == 0));
		FUZZ_CHECK(sp->nports == 0 || sp->ports != NULL);
		for (k = 0; k < sp->nports; k++)
			for (p = 0; p < 2; p++)
				FUZZ_CHECK(sp->ports[k].lo[p] >
				    sp->ports[k].hi[p] ||
				    sp->ports[k].hi[p] <= 65535);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options o;
	char err[CLI_ERRLEN], *buf, *argv[MAXARGS + 2];
	enum cli_result rc;
	size_t i, start;
	int argc = 0;

	if (size < 1)
		return 0;
	/* Room for "-i" in front, for the SPEC form. */
	if ((buf = malloc(size + 2)) == NULL)
		return 0;
	memcpy(buf, "-i", 2);
	memcpy(buf + 2, data + 1, size - 1);
	buf[size + 1] = '\0';
	argv[argc++] = "sockstat";
	if (!(data[0] & 1))
		argv[argc++] = buf;	/* "-iSPEC": one word */
	else {
		buf += 2;
		for (i = start = 0; i < size && argc <= MAXARGS; i++) {
			if (buf[i] != '\0')
				continue;
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;

	memset(err, 'A', sizeof(err));
	rc = lsof_parse(argc, argv, &o, err, sizeof(err));
	FUZZ_CHECK(rc == CLI_RUN || rc == CLI_HELP || rc == CLI_VERSION ||
	    rc == CLI_USAGE);
	if (rc == CLI_USAGE)
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL &&
		    err[0] != '\0');
	if (rc == CLI_RUN) {
		memset(err, 'A', sizeof(err));
		rc = lsof_resolve(o.lsof, err, sizeof(err));
		FUZZ_CHECK(rc == CLI_RUN || rc == CLI_USAGE);
		if (rc == CLI_USAGE)
			FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL &&
			    err[0] != '\0');
	}
	if (rc == CLI_RUN) {
		for (i = 0; i < o.lsof->nuids; i++)
			FUZZ_CHECK(o.lsof->uids[i].id != -1);
		check_sel(&o);
		if (!(data[0] & 1))
			FUZZ_CHECK(o.lsof->inet && o.lsof->nspecs == 1);
	}
	lsof_sel_free(o.lsof);
	free((data[0] & 1) ? buf - 2 : buf);
	return 0;
}
