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

#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

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
