/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lsof_resolve.c - the names of the lsof face's command line, looked up
 * once privileges are reduced: hosts of a SPEC (getaddrinfo), services
 * of its ports (getservbyname) and users of -u (getpwnam), all through
 * NSS.  lsof_parse (lsof.c) only keeps them.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "apart.h"
#include "lsof.h"

/*
 * Looks up the service names of sp's ports, per protocol, since lsof's
 * ":domain" means TCP 53 and UDP 53 and a name may exist for one only.
 */
static enum cli_result
resolve_ports(const char *spec, struct lsof_spec *sp, char *err,
    size_t errlen)
{
	struct lsof_port *pt;
	struct servent *se;
	char item[64];
	size_t i, n;
	int p, found;

	for (i = 0; i < sp->nports; i++) {
		pt = &sp->ports[i];
		if (pt->service == NULL)
			continue;
		n = strcspn(pt->service, ",");
		snprintf(item, sizeof(item), "%.*s", (int)n, pt->service);
		found = 0;
		for (p = 0; p < 2; p++) {
			se = getservbyname(item, p == 0 ? "tcp" : "udp");
			pt->lo[p] = 1;
			pt->hi[p] = 0;	/* none for this protocol */
			if (se != NULL) {
				pt->lo[p] = pt->hi[p] =
				    ntohs((uint16_t)se->s_port);
				found = 1;
			}
		}
		if (!found)
			return cli_fail(err, errlen, "-i %s: unknown service "
			    "\"%s\"", spec, item);
	}
	return CLI_RUN;
}

/* Looks up sp's host name: every address it has, of the SPEC's family. */
static enum cli_result
resolve_host(const char *spec, struct lsof_spec *sp, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = sp->families == FAM_INET4 ? AF_INET :
	    sp->families == FAM_INET6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(sp->host, NULL, &hints, &res)) != 0)
		return cli_fail(err, errlen, "-i %s: host \"%s\": %s",
		    spec, sp->host, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			lsof_spec_add_addr(sp, AF_INET,
			    &((struct sockaddr_in *)ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6)
			lsof_spec_add_addr(sp, AF_INET6,
			    &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
	}
	freeaddrinfo(res);
	if (sp->naddrs == 0)
		return cli_fail(err, errlen, "-i %s: host \"%s\" has no "
		    "address", spec, sp->host);
	return CLI_RUN;
}

/*
 * The SPEC's text for messages: lsof_parse keeps no words, so it is
 * rebuilt from what the name lookup concerns.
 */
static const char *
spec_word(const struct lsof_spec *sp, char *buf, size_t len)
{
	size_t i;

	if (sp->host != NULL) {
		snprintf(buf, len, "@%s", sp->host);
		return buf;
	}
	for (i = 0; i < sp->nports; i++)
		if (sp->ports[i].service != NULL) {
			snprintf(buf, len, ":%.*s",
			    (int)strcspn(sp->ports[i].service, ","),
			    sp->ports[i].service);
			return buf;
		}
	return "";
}

enum cli_result
lsof_resolve(struct lsof_sel *s, char *err, size_t errlen)
{
	struct lsof_spec *sp;
	struct passwd *pw;
	char word[NI_MAXHOST + 2];
	size_t i;
	enum cli_result rc;

	for (i = 0; i < s->nspecs; i++) {
		sp = &s->specs[i];
		if (!sp->pending)
			continue;
		spec_word(sp, word, sizeof(word));
		if (sp->host != NULL &&
		    (rc = resolve_host(word, sp, err, errlen)) != CLI_RUN)
			return rc;
		if ((rc = resolve_ports(word, sp, err, errlen)) != CLI_RUN)
			return rc;
		sp->pending = 0;
	}
	for (i = 0; i < s->nuids; i++) {
		if (s->uids[i].name == NULL || s->uids[i].id != -1)
			continue;
		if ((pw = getpwnam(s->uids[i].name)) == NULL)
			return cli_fail(err, errlen, "-u %s: unknown user",
			    s->uids[i].name);
		s->uids[i].id = (long)pw->pw_uid;
	}
	return CLI_RUN;
}

/*
 * lsof_resolve in a child (apart.h).  It answers, after a struct answer,
 * for each SPEC its addresses and then its ports' ranges, and for each -u
 * item its id; the parent's own lsof_sel says how many of each, and it
 * takes only what it asked for.
 */
struct answer {
	int32_t		 rc;		/* CLI_RUN, CLI_USAGE; -1: failed */
	int32_t		 err;		/* rc -1: why */
	char		 msg[CLI_ERRLEN];
};

struct spec_answer {
	uint64_t	 naddrs;
	uint8_t		 family[LSOF_ADDRS_MAX];
	union sock_addr	 addrs[LSOF_ADDRS_MAX];
};

static void
resolve_child(int fd, void *arg, int drop_errno)
{
	struct lsof_sel *s = arg;
	struct spec_answer sa;
	struct answer a;
	size_t i, j;
	int64_t id;

	memset(&a, 0, sizeof(a));
	if (drop_errno != 0) {
		a.rc = -1, a.err = drop_errno;
		(void)apart_send(fd, &a, sizeof(a));
		return;
	}
	a.rc = (int32_t)lsof_resolve(s, a.msg, sizeof(a.msg));
	if (apart_send(fd, &a, sizeof(a)) == -1 || a.rc != CLI_RUN)
		return;
	for (i = 0; i < s->nspecs; i++) {
		memset(&sa, 0, sizeof(sa));
		sa.naddrs = s->specs[i].naddrs;
		memcpy(sa.family, s->specs[i].addr_family, sizeof(sa.family));
		memcpy(sa.addrs, s->specs[i].addrs, sizeof(sa.addrs));
		if (apart_send(fd, &sa, sizeof(sa)) == -1)
			return;
		for (j = 0; j < s->specs[i].nports; j++)
			if (apart_send(fd, s->specs[i].ports[j].lo,
			    sizeof(s->specs[i].ports[j].lo)) == -1 ||
			    apart_send(fd, s->specs[i].ports[j].hi,
			    sizeof(s->specs[i].ports[j].hi)) == -1)
				return;
	}
	for (i = 0; i < s->nuids; i++) {
		id = s->uids[i].id;
		if (apart_send(fd, &id, sizeof(id)) == -1)
			return;
	}
}

/* Whether s holds a name to look up. */
static int
has_names(const struct lsof_sel *s)
{
	size_t i;

	for (i = 0; i < s->nspecs; i++)
		if (s->specs[i].pending)
			return 1;
	for (i = 0; i < s->nuids; i++)
		if (s->uids[i].name != NULL && s->uids[i].id == -1)
			return 1;
	return 0;
}

/* One SPEC's answer into sp when it asked; 0, or -1 (EPROTO). */
static int
take_spec(int fd, struct lsof_spec *sp)
{
	struct spec_answer sa;
	uint32_t lo[2], hi[2];
	size_t i;
	int p;

	if (apart_recv(fd, &sa, sizeof(sa)) == -1)
		return -1;
	if (sa.naddrs > LSOF_ADDRS_MAX)
		goto bad;
	for (i = 0; i < sa.naddrs; i++)
		if (sa.family[i] != AF_INET && sa.family[i] != AF_INET6)
			goto bad;
	if (sp->pending && sp->host != NULL) {
		if (sa.naddrs == 0)
			goto bad;
		sp->naddrs = (size_t)sa.naddrs;
		memcpy(sp->addr_family, sa.family, sizeof(sa.family));
		memcpy(sp->addrs, sa.addrs, sizeof(sa.addrs));
	}
	for (i = 0; i < sp->nports; i++) {
		if (apart_recv(fd, lo, sizeof(lo)) == -1 ||
		    apart_recv(fd, hi, sizeof(hi)) == -1)
			return -1;
		if (!sp->pending || sp->ports[i].service == NULL)
			continue;
		for (p = 0; p < 2; p++) {
			/* A port, or none for this protocol (1 > 0). */
			if (!(lo[p] == hi[p] && lo[p] <= 65535) &&
			    !(lo[p] == 1 && hi[p] == 0))
				goto bad;
			sp->ports[i].lo[p] = lo[p];
			sp->ports[i].hi[p] = hi[p];
		}
	}
	sp->pending = 0;
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

/* The child's answer into s; CLI_RUN, CLI_USAGE, or -1 with errno. */
static int
take_answer(int fd, struct lsof_sel *s, char *err, size_t errlen)
{
	struct answer a;
	size_t i;
	int64_t id;

	if (apart_recv(fd, &a, sizeof(a)) == -1)
		return -1;
	if (a.rc == -1) {
		errno = a.err > 0 ? a.err : EIO;
		return -1;
	}
	if (a.rc == CLI_USAGE) {
		a.msg[sizeof(a.msg) - 1] = '\0';
		snprintf(err, errlen, "%s", a.msg);
		return CLI_USAGE;
	}
	if (a.rc != CLI_RUN) {
		errno = EPROTO;
		return -1;
	}
	for (i = 0; i < s->nspecs; i++)
		if (take_spec(fd, &s->specs[i]) == -1)
			return -1;
	for (i = 0; i < s->nuids; i++) {
		if (apart_recv(fd, &id, sizeof(id)) == -1)
			return -1;
		if (s->uids[i].name == NULL || s->uids[i].id != -1)
			continue;
		if (id < 0 || id > (int64_t)UINT32_MAX - 1) {
			errno = EPROTO;
			return -1;
		}
		s->uids[i].id = (long)id;
	}
	return CLI_RUN;
}

int
lsof_resolve_apart(struct lsof_sel *s, int (*drop)(void), char *err,
    size_t errlen)
{
	struct apart a;
	int rc;

	if (!has_names(s))
		return CLI_RUN;
	if (apart_start(&a, drop, resolve_child, s) == -1)
		return -1;
	rc = take_answer(a.fd, s, err, errlen);
	if (rc == -1 && (errno == EPIPE || errno == ECONNRESET))
		errno = EIO;
	apart_stop(&a);
	return rc;
}
