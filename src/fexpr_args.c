/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr_args.c - the values of filter predicates: ports and service
 * names, host conditions (HOST[/PLEN][:PORT], brackets, wildcards, names
 * resolved as written), UNIX name globs, devices, marks, cgroups and
 * users.  The grammar around them is in fexpr.c.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fexpr.h"
#include "fexpr_impl.h"

/*
 * The fuzzer builds this file with FEXPR_NO_LOOKUPS: a random word must
 * not become a DNS query.  Names are then unknown.
 */
#ifdef FEXPR_NO_LOOKUPS
#define getaddrinfo(n, s, h, r)	EAI_NONAME
#define getservbyname(n, p)	((struct servent *)NULL)
#define getpwnam(n)		((struct passwd *)NULL)
#define if_nametoindex(n)	0U
#endif

/* Parses the current word as a port: [:]NUMBER or [:]SERVICE. */
static int
parse_port(struct parser *p, const char *after, uint16_t *port)
{
	char buf[64], *end;
	const char *w;
	struct servent *se;
	unsigned long v;
	size_t len = p->t.len;

	if (p->t.type != T_WORD)
		return fxp_fail(p, "expected a port after '%s'", after);
	w = p->text + p->t.pos;
	if (*w == ':')
		w++, len--;
	if (len == 0 || len >= sizeof(buf))
		return fxp_fail(p, "expected a port after '%s'", after);
	memcpy(buf, w, len);
	buf[len] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		v = strtoul(buf, &end, 10);
		if (*end != '\0' || errno != 0 || v > 65535)
			return fxp_fail(p, "expected a port (0 to 65535) after "
			    "'%s'", after);
		*port = (uint16_t)v;
		return 0;
	}
	if (fxp_lookup(p) == -1)
		return -1;
	if ((se = getservbyname(buf, "tcp")) == NULL &&
	    (se = getservbyname(buf, "udp")) == NULL)
		return fxp_fail(p, "expected a port after '%s': no service "
		    "named '%s'", after, buf);
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* sport, dport, port: [OP] [:]PORT.  port is either side. */
int
fxp_portcmp(struct parser *p)
{
	char after[32];
	int side = fxp_is_word(p, "sport") ? 1 : fxp_is_word(p, "dport") ? 2 : 3;
	int a, b;
	enum fx_cmp cmp = FX_EQ;
	uint16_t port = 0;
	static const char *const cmpwords[] = { "eq", "ne", "lt", "le",
	    "gt", "ge" };
	size_t i;

	snprintf(after, sizeof(after), "%.*s", (int)p->t.len,
	    p->text + p->t.pos);
	fxp_next(p);
	for (i = 0; i < 6 && p->t.type == T_WORD; i++)
		if (fxp_is_word(p, cmpwords[i]))
			break;
	if (p->t.type == T_OP || i < 6) {
		cmp = p->t.type == T_OP ? p->t.cmp : (enum fx_cmp)i;
		/* The words as typed, for the message. */
		snprintf(after + strlen(after), sizeof(after) - strlen(after),
		    " %.*s", (int)p->t.len, p->text + p->t.pos);
		fxp_next(p);
	}
	if (parse_port(p, after, &port) == -1)
		return -1;
	fxp_next(p);
	if (side != 3) {
		if ((a = fxp_node_add(p, side == 1 ? FX_SPORT : FX_DPORT, -1,
		    -1)) == -1)
			return -1;
		p->fx->n[a].cmp = cmp;
		p->fx->n[a].port = port;
		return a;
	}
	/* port != P: neither side is P; else either side compares. */
	if ((a = fxp_node_add(p, FX_SPORT, -1, -1)) == -1 ||
	    (b = fxp_node_add(p, FX_DPORT, -1, -1)) == -1)
		return -1;
	p->fx->n[a].cmp = p->fx->n[b].cmp = cmp == FX_NE ? FX_EQ : cmp;
	p->fx->n[a].port = p->fx->n[b].port = port;
	if ((a = fxp_node_add(p, FX_OR, a, b)) == -1)
		return -1;
	return cmp == FX_NE ? fxp_node_add(p, FX_NOT, a, -1) : a;
}

/* An address with an optional /PLEN in buf, into h; -1 when not one. */
static int
parse_addr(const char *in, int family, struct fx_host *h)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long plen;
	int max;

	if (strlen(in) >= sizeof(buf))
		return -1;
	strcpy(buf, in);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (family != AF_INET6 && inet_pton(AF_INET, buf, &h->addr.v4) == 1)
		h->family = AF_INET;
	else if (family != AF_INET &&
	    inet_pton(AF_INET6, buf, &h->addr.v6) == 1)
		h->family = AF_INET6;
	else
		return -1;
	max = h->family == AF_INET ? 32 : 128;
	h->plen = (uint8_t)max;
	if (slash == NULL)
		return 0;
	errno = 0;
	plen = strtoul(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || errno != 0 ||
	    plen > (unsigned long)max)
		return -2;
	h->plen = (uint8_t)plen;
	return 0;
}

/* One host condition node of kind k for h. */
static int
host_node(struct parser *p, enum fx_kind k, const struct fx_host *h)
{
	int a;

	if ((a = fxp_node_add(p, k, -1, -1)) != -1)
		p->fx->n[a].host = *h;
	return a;
}

/*
 * A host name, resolved as written (never a reverse lookup): a node for
 * each address it has, joined by or.
 */
static int
host_name(struct parser *p, enum fx_kind k, const char *name,
    struct fx_host *h, const char *after)
{
	struct addrinfo hints, *res, *ai;
	int a = -1, b;

	if (fxp_lookup(p) == -1)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return fxp_fail(p, "expected a host after '%s': cannot resolve "
		    "'%s'", after, name);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			h->family = AF_INET, h->plen = 32;
			h->addr.v4 = ((struct sockaddr_in *)(void *)
			    ai->ai_addr)->sin_addr;
		} else if (ai->ai_family == AF_INET6) {
			h->family = AF_INET6, h->plen = 128;
			h->addr.v6 = ((struct sockaddr_in6 *)(void *)
			    ai->ai_addr)->sin6_addr;
		} else
			continue;
		if ((b = host_node(p, k, h)) == -1 ||
		    (a != -1 && (b = fxp_node_add(p, FX_OR, a, b)) == -1))
			break;
		a = b;
	}
	freeaddrinfo(res);
	if (a == -1 && !p->failed)
		return fxp_fail(p, "expected a host after '%s': '%s' has no "
		    "address", after, name);
	return a;
}

/* The part of buf after the host: "" or ":PORT"; *port set. */
static int
host_port(struct parser *p, const char *s, int *port, const char *after)
{
	struct servent *se;
	char *end;
	unsigned long v;

	*port = -1;
	if (*s == '\0' || strcmp(s, ":*") == 0)
		return 0;
	if (*s != ':' || s[1] == '\0')
		return fxp_fail(p, "expected HOST[/PLEN][:PORT] after '%s'",
		    after);
	s++;
	if (isdigit((unsigned char)*s)) {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (*end != '\0' || errno != 0 || v > 65535)
			return fxp_fail(p, "expected a port (0 to 65535) in the "
			    "host after '%s'", after);
		*port = (int)v;
		return 0;
	}
	if (fxp_lookup(p) == -1)
		return -1;
	if ((se = getservbyname(s, "tcp")) == NULL &&
	    (se = getservbyname(s, "udp")) == NULL)
		return fxp_fail(p, "expected a port after '%s': no service "
		    "named '%s'", after, s);
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* HOST[/PLEN][:PORT] in buf (modified), for src or dst. */
static int
parse_hostspec(struct parser *p, enum fx_kind k, char *buf,
    const char *after)
{
	struct fx_host h;
	char *close, *colon, *rest = NULL, plen[8];
	int rc, port;

	memset(&h, 0, sizeof(h));
	h.port = -1;
	if (buf[0] == '*' || (buf[0] == ':' && buf[1] != ':')) {	/* any */
		if (host_port(p, buf[0] == '*' ? buf + 1 : buf, &h.port,
		    after) == -1)
			return -1;
		return host_node(p, k, &h);
	}
	if (buf[0] == '[') {			/* [v6]/plen:port */
		if ((close = strchr(buf, ']')) == NULL)
			return fxp_fail(p, "expected ']' closing the address "
			    "after '%s'", after);
		*close = '\0';
		rest = close + 1;
		colon = strchr(rest, ':');
		if (colon != NULL)
			*colon = '\0';
		if (*rest != '\0' && *rest != '/')
			return fxp_fail(p, "expected HOST[/PLEN][:PORT] after "
			    "'%s'", after);
		if (strlen(rest) >= sizeof(plen))
			return fxp_fail(p, "expected a prefix length (0 to 128) "
			    "after '%s'", after);
		strcpy(plen, rest);	/* the /plen, if any */
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
		strcat(buf, plen);
		rc = parse_addr(buf, AF_INET6, &h);
		if (rc == -1)
			return fxp_fail(p, "expected an IPv6 address in brackets "
			    "after '%s'", after);
		if (rc == -2)
			return fxp_fail(p, "expected a prefix length (0 to 128) "
			    "after '%s'", after);
		if (colon != NULL) {
			*colon = ':';
			if (host_port(p, colon, &h.port, after) == -1)
				return -1;
		}
		return host_node(p, k, &h);
	}
	/* A bare IPv6 address has no port. */
	if ((rc = parse_addr(buf, AF_INET6, &h)) == 0 && strchr(buf, ':'))
		return host_node(p, k, &h);
	if (rc == -2)
		return fxp_fail(p, "expected a prefix length (0 to 128) after "
		    "'%s'", after);
	colon = strrchr(buf, ':');
	port = -1;
	if (colon != NULL) {
		if (host_port(p, colon, &port, after) == -1)
			return -1;
		*colon = '\0';
	}
	rc = parse_addr(buf, AF_INET, &h);
	h.port = port;
	if (rc == 0)
		return host_node(p, k, &h);
	if (rc == -2)
		return fxp_fail(p, "expected a prefix length (0 to 32) after "
		    "'%s'", after);
	if (strchr(buf, '/') != NULL || buf[0] == '\0')
		return fxp_fail(p, "expected HOST[/PLEN][:PORT] after '%s'",
		    after);
	return host_name(p, k, buf, &h, after);
}

/* src or dst [=] HOST..., or (src only) a UNIX name glob. */
int
fxp_host(struct parser *p)
{
	char after[16], *buf;
	enum fx_kind k = fxp_is_word(p, "src") ? FX_SRC : FX_DST;
	int a;

	snprintf(after, sizeof(after), "%s", k == FX_SRC ? "src" : "dst");
	fxp_next(p);
	if (p->t.type == T_OP && p->t.cmp == FX_EQ) {
		strcat(after, p->t.len == 2 ? " ==" : " =");
		fxp_next(p);
	}
	if (p->t.type != T_WORD)
		return fxp_fail(p, "expected a host or a UNIX path after '%s'",
		    after);
	if ((buf = fxp_word_dup(p)) == NULL)
		return fxp_node_add(p, FX_FALSE, -1, -1);	/* sets ENOMEM */
	if (buf[0] == '/' || buf[0] == '@') {
		if (k == FX_DST) {
			free(buf);
			return fxp_fail(p, "expected a host after 'dst': a UNIX "
			    "peer's name is not known, use src");
		}
		if ((a = fxp_node_add(p, FX_PATH, -1, -1)) == -1) {
			free(buf);
			return -1;
		}
		p->fx->n[a].str = buf;
		fxp_next(p);
		return a;
	}
	a = parse_hostspec(p, k, buf, after);
	free(buf);
	if (a != -1)
		fxp_next(p);
	return a;
}

/* The current word as an unsigned number (base 0), or -1. */
int
fxp_word_number(const struct parser *p, uint32_t max, uint32_t *v,
    const char **stop)
{
	char buf[32], *end;
	unsigned long x;

	if (p->t.type != T_WORD || p->t.len >= sizeof(buf))
		return -1;
	memcpy(buf, p->text + p->t.pos, p->t.len);
	buf[p->t.len] = '\0';
	if (!isdigit((unsigned char)buf[0]))
		return -1;
	errno = 0;
	x = strtoul(buf, &end, 0);
	if (errno != 0 || x > max || (stop == NULL && *end != '\0'))
		return -1;
	if (stop != NULL)
		*stop = p->text + p->t.pos + (end - buf);
	*v = (uint32_t)x;
	return 0;
}

/* dev NAME|INDEX */
int
fxp_dev(struct parser *p, int a)
{
	char name[IF_NAMESIZE + 1];
	uint32_t v;

	if (fxp_word_number(p, UINT32_MAX, &v, NULL) == 0) {
		p->fx->n[a].num = v;
		return 0;
	}
	if (p->t.type != T_WORD || p->t.len >= sizeof(name))
		return fxp_fail(p, "expected a device name or index after 'dev'");
	memcpy(name, p->text + p->t.pos, p->t.len);
	name[p->t.len] = '\0';
	if ((p->fx->n[a].num = if_nametoindex(name)) == 0)
		return fxp_fail(p, "expected a device after 'dev': no device "
		    "named '%s'", name);
	return 0;
}

/* fwmark MARK[/MASK] */
int
fxp_mark(struct parser *p, int a)
{
	const char *stop, *end = p->text + p->t.pos + p->t.len;
	char buf[32], *e;
	unsigned long m;
	uint32_t v;

	if (fxp_word_number(p, UINT32_MAX, &v, &stop) == -1 ||
	    (stop != end && *stop != '/'))
		return fxp_fail(p, "expected MARK[/MASK] after 'fwmark'");
	p->fx->n[a].num = v;
	p->fx->n[a].mask = UINT32_MAX;
	if (stop == end)
		return 0;
	if ((size_t)(end - stop) >= sizeof(buf) || stop + 1 == end)
		return fxp_fail(p, "expected MARK[/MASK] after 'fwmark'");
	memcpy(buf, stop + 1, (size_t)(end - stop - 1));
	buf[end - stop - 1] = '\0';
	errno = 0;
	m = strtoul(buf, &e, 0);
	if (*e != '\0' || errno != 0 || m > UINT32_MAX ||
	    !isdigit((unsigned char)buf[0]))
		return fxp_fail(p, "expected MARK[/MASK] after 'fwmark'");
	p->fx->n[a].mask = (uint32_t)m;
	p->fx->n[a].num &= (uint32_t)m;
	return 0;
}

/* cgroup PATH: the id is the inode of the cgroup2 directory. */
int
fxp_cgroup(struct parser *p, int a)
{
	char path[4096];
	struct stat st;

	if (p->t.type != T_WORD)
		return fxp_fail(p, "expected a cgroup path after 'cgroup'");
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s%.*s",
	    p->text[p->t.pos] == '/' ? "" : "/", (int)p->t.len,
	    p->text + p->t.pos);
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		return fxp_fail(p, "expected a cgroup after 'cgroup': no %s", path);
	p->fx->n[a].id = (uint64_t)st.st_ino;
	return 0;
}

/* uid N|NAME */
int
fxp_uid(struct parser *p, int a)
{
	char name[256];
	struct passwd *pw;
	uint32_t v;

	if (fxp_word_number(p, UINT32_MAX - 1, &v, NULL) == 0) {
		p->fx->n[a].num = v;
		return 0;
	}
	if (p->t.type != T_WORD || p->t.len >= sizeof(name))
		return fxp_fail(p, "expected a user name or uid after 'uid'");
	memcpy(name, p->text + p->t.pos, p->t.len);
	name[p->t.len] = '\0';
	if (fxp_lookup(p) == -1)
		return -1;
	if ((pw = getpwnam(name)) == NULL)
		return fxp_fail(p, "expected a user after 'uid': no user named "
		    "'%s'", name);
	p->fx->n[a].num = pw->pw_uid;
	return 0;
}

/*
 * The ephemeral port range into n (num, mask: low, high).  The kernel's
 * autobound test also holds for sockets accepted from a listener; a
 * port outside the range was never chosen by the kernel, so user space
 * drops those, as ss does.  Unreadable: every port.
 */
void
fxp_port_range(struct fx_node *n)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	unsigned lo, hi;

	n->num = 0;
	n->mask = 65535;
	if (f == NULL)
		return;
	if (fscanf(f, "%u %u", &lo, &hi) == 2 && lo <= hi && hi <= 65535) {
		n->num = lo;
		n->mask = hi;
	}
	fclose(f);
}
