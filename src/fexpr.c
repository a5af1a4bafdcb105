/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr.c - parses a filter expression into a tree of fx_node (fexpr.h).
 *
 * The tokenizer needs no spaces: "sport=22", "(dport>=1024)" and
 * "!autobound" split where ss's lexer would not.  A word runs until a
 * space or one of ( ) = < > ! and the two-character && and ||.  Errors
 * name what was expected after the words already read and point at the
 * first bad token, so that main can put a caret under it.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fexpr.h"

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
};

/* Characters that end a word. */
static int
is_delim(char c)
{
	return c == '\0' || isspace((unsigned char)c) || c == '(' ||
	    c == ')' || c == '=' || c == '<' || c == '>' || c == '!';
}

/* Reads the token at pos into p->t. */
static void
lex_at(struct parser *p, size_t pos)
{
	const char *s = p->text;
	struct tok *t = &p->t;

	while (isspace((unsigned char)s[pos]))
		pos++;
	t->pos = pos;
	t->len = 1;
	switch (s[pos]) {
	case '\0':
		t->type = T_END;
		t->len = 0;
		return;
	case '(':
		t->type = T_LP;
		return;
	case ')':
		t->type = T_RP;
		return;
	case '!':
		if (s[pos + 1] == '=') {
			t->type = T_OP, t->cmp = FX_NE, t->len = 2;
			return;
		}
		t->type = T_NOT;
		return;
	case '=':
		t->type = T_OP, t->cmp = FX_EQ;
		t->len = s[pos + 1] == '=' ? 2 : 1;
		return;
	case '<':
	case '>':
		t->type = T_OP;
		t->len = s[pos + 1] == '=' ? 2 : 1;
		t->cmp = s[pos] == '<' ? (t->len == 2 ? FX_LE : FX_LT) :
		    (t->len == 2 ? FX_GE : FX_GT);
		return;
	}
	if ((s[pos] == '&' && s[pos + 1] == '&') ||
	    (s[pos] == '|' && s[pos + 1] == '|')) {
		t->type = s[pos] == '&' ? T_AND : T_OR;
		t->len = 2;
		return;
	}
	t->type = T_WORD;
	while (!is_delim(s[pos + t->len]) &&
	    !(s[pos + t->len] == '&' && s[pos + t->len + 1] == '&') &&
	    !(s[pos + t->len] == '|' && s[pos + t->len + 1] == '|'))
		t->len++;
}

static void
next(struct parser *p)
{
	lex_at(p, p->t.pos + p->t.len);
}

/* Whether the current token is the word w. */
static int
is_word(const struct parser *p, const char *w)
{
	return p->t.type == T_WORD && strlen(w) == p->t.len &&
	    strncmp(p->text + p->t.pos, w, p->t.len) == 0;
}

/* The first error only: it is the one under the caret. */
static int
fail(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = 1;
	p->errpos = p->t.pos;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

/* The current word as a new string, or NULL (ENOMEM). */
static char *
word_dup(const struct parser *p)
{
	return strndup(p->text + p->t.pos, p->t.len);
}

/* Appends a node; returns its index or -1. */
static int
node_add(struct parser *p, enum fx_kind kind, int a, int b)
{
	struct fexpr *fx = p->fx;
	struct fx_node *n;

	if (fx->nn == fx->cap) {
		size_t cap = fx->cap == 0 ? 16 : fx->cap * 2;

		if ((n = realloc(fx->n, cap * sizeof(*n))) == NULL) {
			p->failed = 1;
			errno = ENOMEM;
			return -1;
		}
		fx->n = n;
		fx->cap = cap;
	}
	n = &fx->n[fx->nn];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->a = a;
	n->b = b;
	n->host.port = -1;
	return (int)fx->nn++;
}

/* State words and groups, as ss names them (and "listen"). */
static const struct {
	const char	*name;
	uint32_t	 mask;
} state_words[] = {
	{ "established",	ST_BIT(ST_ESTABLISHED) },
	{ "syn-sent",		ST_BIT(ST_SYN_SENT) },
	{ "syn-recv",		ST_BIT(ST_SYN_RECV) },
	{ "fin-wait-1",		ST_BIT(ST_FIN_WAIT1) },
	{ "fin-wait-2",		ST_BIT(ST_FIN_WAIT2) },
	{ "time-wait",		ST_BIT(ST_TIME_WAIT) },
	{ "closed",		ST_BIT(ST_CLOSE) },
	{ "close-wait",		ST_BIT(ST_CLOSE_WAIT) },
	{ "last-ack",		ST_BIT(ST_LAST_ACK) },
	{ "listening",		ST_BIT(ST_LISTEN) },
	{ "listen",		ST_BIT(ST_LISTEN) },
	{ "closing",		ST_BIT(ST_CLOSING) },
	{ "all",		ST_ALL },
	{ "connected",		ST_ALL & ~(ST_BIT(ST_LISTEN) |
				    ST_BIT(ST_CLOSE)) },
	{ "synchronized",	ST_ALL & ~(ST_BIT(ST_LISTEN) |
				    ST_BIT(ST_CLOSE) | ST_BIT(ST_SYN_SENT)) },
	{ "bucket",		ST_BIT(ST_SYN_RECV) | ST_BIT(ST_TIME_WAIT) },
	{ "big",		ST_ALL & ~(ST_BIT(ST_SYN_RECV) |
				    ST_BIT(ST_TIME_WAIT)) },
};

/*
 * state X adds X to the mask (the first one starts it from nothing);
 * exclude X takes X out (of every state when no state came first), as
 * ss reads them.
 */
static int
parse_states(struct parser *p)
{
	struct fexpr *fx = p->fx;
	size_t i;
	int excl;

	while (is_word(p, "state") || is_word(p, "exclude")) {
		excl = is_word(p, "exclude");
		next(p);
		for (i = 0; i < sizeof(state_words) / sizeof(state_words[0]);
		    i++)
			if (is_word(p, state_words[i].name))
				break;
		if (i == sizeof(state_words) / sizeof(state_words[0]))
			return fail(p, "expected a state (established, "
			    "listening, ... or a group) after '%s'",
			    excl ? "exclude" : "state");
		if (!fx->has_states)
			fx->states = excl ? ST_ALL : 0;
		fx->has_states = 1;
		if (excl)
			fx->states &= ~state_words[i].mask;
		else
			fx->states |= state_words[i].mask;
		next(p);
	}
	return 0;
}

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
		return fail(p, "expected a port after '%s'", after);
	w = p->text + p->t.pos;
	if (*w == ':')
		w++, len--;
	if (len == 0 || len >= sizeof(buf))
		return fail(p, "expected a port after '%s'", after);
	memcpy(buf, w, len);
	buf[len] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		v = strtoul(buf, &end, 10);
		if (*end != '\0' || errno != 0 || v > 65535)
			return fail(p, "expected a port (0 to 65535) after "
			    "'%s'", after);
		*port = (uint16_t)v;
		return 0;
	}
	if ((se = getservbyname(buf, "tcp")) == NULL &&
	    (se = getservbyname(buf, "udp")) == NULL)
		return fail(p, "expected a port after '%s': no service "
		    "named '%s'", after, buf);
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* sport, dport, port: [OP] [:]PORT.  port is either side. */
static int
parse_portcmp(struct parser *p)
{
	char after[32];
	int side = is_word(p, "sport") ? 1 : is_word(p, "dport") ? 2 : 3;
	int a, b;
	enum fx_cmp cmp = FX_EQ;
	uint16_t port = 0;
	static const char *const cmpwords[] = { "eq", "ne", "lt", "le",
	    "gt", "ge" };
	size_t i;

	snprintf(after, sizeof(after), "%.*s", (int)p->t.len,
	    p->text + p->t.pos);
	next(p);
	for (i = 0; i < 6 && p->t.type == T_WORD; i++)
		if (is_word(p, cmpwords[i]))
			break;
	if (p->t.type == T_OP || i < 6) {
		cmp = p->t.type == T_OP ? p->t.cmp : (enum fx_cmp)i;
		/* The words as typed, for the message. */
		snprintf(after + strlen(after), sizeof(after) - strlen(after),
		    " %.*s", (int)p->t.len, p->text + p->t.pos);
		next(p);
	}
	if (parse_port(p, after, &port) == -1)
		return -1;
	next(p);
	if (side != 3) {
		if ((a = node_add(p, side == 1 ? FX_SPORT : FX_DPORT, -1,
		    -1)) == -1)
			return -1;
		p->fx->n[a].cmp = cmp;
		p->fx->n[a].port = port;
		return a;
	}
	/* port != P: neither side is P; else either side compares. */
	if ((a = node_add(p, FX_SPORT, -1, -1)) == -1 ||
	    (b = node_add(p, FX_DPORT, -1, -1)) == -1)
		return -1;
	p->fx->n[a].cmp = p->fx->n[b].cmp = cmp == FX_NE ? FX_EQ : cmp;
	p->fx->n[a].port = p->fx->n[b].port = port;
	if ((a = node_add(p, FX_OR, a, b)) == -1)
		return -1;
	return cmp == FX_NE ? node_add(p, FX_NOT, a, -1) : a;
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

	if ((a = node_add(p, k, -1, -1)) != -1)
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

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return fail(p, "expected a host after '%s': cannot resolve "
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
		    (a != -1 && (b = node_add(p, FX_OR, a, b)) == -1))
			break;
		a = b;
	}
	freeaddrinfo(res);
	if (a == -1 && !p->failed)
		return fail(p, "expected a host after '%s': '%s' has no "
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
		return fail(p, "expected HOST[/PLEN][:PORT] after '%s'",
		    after);
	s++;
	if (isdigit((unsigned char)*s)) {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (*end != '\0' || errno != 0 || v > 65535)
			return fail(p, "expected a port (0 to 65535) in the "
			    "host after '%s'", after);
		*port = (int)v;
		return 0;
	}
	if ((se = getservbyname(s, "tcp")) == NULL &&
	    (se = getservbyname(s, "udp")) == NULL)
		return fail(p, "expected a port after '%s': no service "
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
			return fail(p, "expected ']' closing the address "
			    "after '%s'", after);
		*close = '\0';
		rest = close + 1;
		colon = strchr(rest, ':');
		if (colon != NULL)
			*colon = '\0';
		if (*rest != '\0' && *rest != '/')
			return fail(p, "expected HOST[/PLEN][:PORT] after "
			    "'%s'", after);
		if (strlen(rest) >= sizeof(plen))
			return fail(p, "expected a prefix length (0 to 128) "
			    "after '%s'", after);
		strcpy(plen, rest);	/* the /plen, if any */
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
		strcat(buf, plen);
		rc = parse_addr(buf, AF_INET6, &h);
		if (rc == -1)
			return fail(p, "expected an IPv6 address in brackets "
			    "after '%s'", after);
		if (rc == -2)
			return fail(p, "expected a prefix length (0 to 128) "
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
		return fail(p, "expected a prefix length (0 to 128) after "
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
		return fail(p, "expected a prefix length (0 to 32) after "
		    "'%s'", after);
	if (strchr(buf, '/') != NULL || buf[0] == '\0')
		return fail(p, "expected HOST[/PLEN][:PORT] after '%s'",
		    after);
	return host_name(p, k, buf, &h, after);
}

/* src or dst [=] HOST..., or (src only) a UNIX name glob. */
static int
parse_host(struct parser *p)
{
	char after[16], *buf;
	enum fx_kind k = is_word(p, "src") ? FX_SRC : FX_DST;
	int a;

	snprintf(after, sizeof(after), "%s", k == FX_SRC ? "src" : "dst");
	next(p);
	if (p->t.type == T_OP && p->t.cmp == FX_EQ) {
		strcat(after, p->t.len == 2 ? " ==" : " =");
		next(p);
	}
	if (p->t.type != T_WORD)
		return fail(p, "expected a host or a UNIX path after '%s'",
		    after);
	if ((buf = word_dup(p)) == NULL)
		return node_add(p, FX_FALSE, -1, -1);	/* sets ENOMEM */
	if (buf[0] == '/' || buf[0] == '@') {
		if (k == FX_DST) {
			free(buf);
			return fail(p, "expected a host after 'dst': a UNIX "
			    "peer's name is not known, use src");
		}
		if ((a = node_add(p, FX_PATH, -1, -1)) == -1) {
			free(buf);
			return -1;
		}
		p->fx->n[a].str = buf;
		next(p);
		return a;
	}
	a = parse_hostspec(p, k, buf, after);
	free(buf);
	if (a != -1)
		next(p);
	return a;
}

/* The current word as an unsigned number (base 0), or -1. */
static int
word_number(const struct parser *p, uint32_t max, uint32_t *v,
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

/* Skips an optional "=" after a keyword. */
static void
skip_eq(struct parser *p)
{
	if (p->t.type == T_OP && p->t.cmp == FX_EQ)
		next(p);
}

/* dev NAME|INDEX */
static int
parse_dev(struct parser *p, int a)
{
	char name[IF_NAMESIZE + 1];
	uint32_t v;

	if (word_number(p, UINT32_MAX, &v, NULL) == 0) {
		p->fx->n[a].num = v;
		return 0;
	}
	if (p->t.type != T_WORD || p->t.len >= sizeof(name))
		return fail(p, "expected a device name or index after 'dev'");
	memcpy(name, p->text + p->t.pos, p->t.len);
	name[p->t.len] = '\0';
	if ((p->fx->n[a].num = if_nametoindex(name)) == 0)
		return fail(p, "expected a device after 'dev': no device "
		    "named '%s'", name);
	return 0;
}

/* fwmark MARK[/MASK] */
static int
parse_mark(struct parser *p, int a)
{
	const char *stop, *end = p->text + p->t.pos + p->t.len;
	char buf[32], *e;
	unsigned long m;
	uint32_t v;

	if (word_number(p, UINT32_MAX, &v, &stop) == -1 ||
	    (stop != end && *stop != '/'))
		return fail(p, "expected MARK[/MASK] after 'fwmark'");
	p->fx->n[a].num = v;
	p->fx->n[a].mask = UINT32_MAX;
	if (stop == end)
		return 0;
	if ((size_t)(end - stop) >= sizeof(buf) || stop + 1 == end)
		return fail(p, "expected MARK[/MASK] after 'fwmark'");
	memcpy(buf, stop + 1, (size_t)(end - stop - 1));
	buf[end - stop - 1] = '\0';
	errno = 0;
	m = strtoul(buf, &e, 0);
	if (*e != '\0' || errno != 0 || m > UINT32_MAX ||
	    !isdigit((unsigned char)buf[0]))
		return fail(p, "expected MARK[/MASK] after 'fwmark'");
	p->fx->n[a].mask = (uint32_t)m;
	p->fx->n[a].num &= (uint32_t)m;
	return 0;
}

/* cgroup PATH: the id is the inode of the cgroup2 directory. */
static int
parse_cgroup(struct parser *p, int a)
{
	char path[4096];
	struct stat st;

	if (p->t.type != T_WORD)
		return fail(p, "expected a cgroup path after 'cgroup'");
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s%.*s",
	    p->text[p->t.pos] == '/' ? "" : "/", (int)p->t.len,
	    p->text + p->t.pos);
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		return fail(p, "expected a cgroup after 'cgroup': no %s", path);
	p->fx->n[a].id = (uint64_t)st.st_ino;
	return 0;
}

/* uid N|NAME */
static int
parse_uid(struct parser *p, int a)
{
	char name[256];
	struct passwd *pw;
	uint32_t v;

	if (word_number(p, UINT32_MAX - 1, &v, NULL) == 0) {
		p->fx->n[a].num = v;
		return 0;
	}
	if (p->t.type != T_WORD || p->t.len >= sizeof(name))
		return fail(p, "expected a user name or uid after 'uid'");
	memcpy(name, p->text + p->t.pos, p->t.len);
	name[p->t.len] = '\0';
	if ((pw = getpwnam(name)) == NULL)
		return fail(p, "expected a user after 'uid': no user named "
		    "'%s'", name);
	p->fx->n[a].num = pw->pw_uid;
	return 0;
}

/* The predicates that take one argument: dev, fwmark, cgroup, ... */
static const struct {
	const char	*word;
	enum fx_kind	 kind;
	unsigned	 needs;
} keyword_preds[] = {
	{ "dev",	FX_DEV,		FX_NEEDS_IFINDEX },
	{ "fwmark",	FX_MARK,	FX_NEEDS_KERNEL },
	{ "cgroup",	FX_CGROUP,	FX_NEEDS_KERNEL },
	{ "proc",	FX_PROC,	FX_NEEDS_OWNERS },
	{ "pid",	FX_PID,		FX_NEEDS_OWNERS },
	{ "uid",	FX_UID,		0 },
};

static int
parse_keyword(struct parser *p, size_t i)
{
	uint32_t v = 0;
	int a, rc;

	if ((a = node_add(p, keyword_preds[i].kind, -1, -1)) == -1)
		return -1;
	p->fx->needs |= keyword_preds[i].needs;
	next(p);
	skip_eq(p);
	switch (keyword_preds[i].kind) {
	case FX_DEV:
		rc = parse_dev(p, a);
		break;
	case FX_MARK:
		rc = parse_mark(p, a);
		break;
	case FX_CGROUP:
		rc = parse_cgroup(p, a);
		break;
	case FX_UID:
		rc = parse_uid(p, a);
		break;
	case FX_PID:
		rc = word_number(p, INT32_MAX, &v, NULL) == -1 ?
		    fail(p, "expected a process id after 'pid'") : 0;
		p->fx->n[a].num = v;
		break;
	default:	/* FX_PROC */
		if (p->t.type != T_WORD)
			return fail(p, "expected a command name after "
			    "'proc'");
		if ((p->fx->n[a].str = word_dup(p)) == NULL) {
			p->failed = 1;
			errno = ENOMEM;
			return -1;
		}
		rc = 0;
		break;
	}
	if (rc == -1)
		return -1;
	next(p);
	return a;
}

static int	parse_or(struct parser *);

/*
 * The ephemeral port range into n (num, mask: low, high).  The kernel's
 * autobound test also holds for sockets accepted from a listener; a
 * port outside the range was never chosen by the kernel, so user space
 * drops those, as ss does.  Unreadable: every port.
 */
static void
local_port_range(struct fx_node *n)
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

static int
parse_pred(struct parser *p)
{
	size_t i;
	int a;

	if (is_word(p, "sport") || is_word(p, "dport") || is_word(p, "port"))
		return parse_portcmp(p);
	if (is_word(p, "src") || is_word(p, "dst"))
		return parse_host(p);
	if (is_word(p, "autobound")) {
		p->fx->needs |= FX_NEEDS_KERNEL;
		if ((a = node_add(p, FX_AUTO, -1, -1)) != -1)
			local_port_range(&p->fx->n[a]);
		next(p);
		return a;
	}
	for (i = 0; i < sizeof(keyword_preds) / sizeof(keyword_preds[0]);
	    i++)
		if (is_word(p, keyword_preds[i].word))
			return parse_keyword(p, i);
	if (is_word(p, "state") || is_word(p, "exclude"))
		return fail(p, "state and exclude go before the expression");
	if (p->t.type == T_END)
		return fail(p, "expected a predicate (src, dst, sport, dport, "
		    "port, dev, ...) at the end");
	return fail(p, "expected a predicate (src, dst, sport, dport, port, "
	    "dev, ...) or '('");
}

static int
parse_unary(struct parser *p)
{
	int a;

	if (p->depth >= FX_DEPTH_MAX)
		return fail(p, "expression nested too deep");
	if (p->t.type == T_NOT || is_word(p, "not")) {
		next(p);
		p->depth++;
		a = parse_unary(p);
		p->depth--;
		return a == -1 ? -1 : node_add(p, FX_NOT, a, -1);
	}
	if (p->t.type == T_LP) {
		next(p);
		p->depth++;
		a = parse_or(p);
		p->depth--;
		if (a == -1)
			return -1;
		if (p->t.type != T_RP)
			return fail(p, "expected ')' or an operator");
		next(p);
		return a;
	}
	return parse_pred(p);
}

/* Whether the current token starts another operand (juxtaposition). */
static int
starts_operand(const struct parser *p)
{
	return p->t.type == T_LP || p->t.type == T_NOT ||
	    (p->t.type == T_WORD && !is_word(p, "or"));
}

static int
parse_and(struct parser *p)
{
	int a, b;

	if ((a = parse_unary(p)) == -1)
		return -1;
	for (;;) {
		if (p->t.type == T_AND || is_word(p, "and")) {
			next(p);
		} else if (!starts_operand(p))
			return a;
		if ((b = parse_unary(p)) == -1 ||
		    (a = node_add(p, FX_AND, a, b)) == -1)
			return -1;
	}
}

static int
parse_or(struct parser *p)
{
	int a, b;

	if ((a = parse_and(p)) == -1)
		return -1;
	while (p->t.type == T_OR || is_word(p, "or")) {
		next(p);
		if ((b = parse_and(p)) == -1 ||
		    (a = node_add(p, FX_OR, a, b)) == -1)
			return -1;
	}
	return a;
}

void
fexpr_free(struct fexpr *fx)
{
	size_t i;

	if (fx == NULL)
		return;
	for (i = 0; i < fx->nn; i++)
		free(fx->n[i].str);
	free(fx->n);
	free(fx);
}

int
fexpr_parse(const char *text, struct fexpr **out, char *err, size_t errlen,
    size_t *pos)
{
	struct parser p;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.text = text;
	p.err = err;
	p.errlen = errlen;
	if ((p.fx = calloc(1, sizeof(*p.fx))) == NULL)
		return -1;
	p.fx->root = -1;
	lex_at(&p, 0);
	if (parse_states(&p) == 0 && p.t.type != T_END &&
	    (p.fx->root = parse_or(&p)) != -1 && p.t.type != T_END)
		fail(&p, p.t.type == T_RP ? "unbalanced ')'" :
		    "expected 'and', 'or' or the end");
	if (p.failed) {
		*pos = p.errpos;
		if (errno != ENOMEM)
			errno = EINVAL;
		fexpr_free(p.fx);
		return -1;
	}
	*out = p.fx;
	return 0;
}

int
fexpr_is_start(const char *word)
{
	static const char *const starts[] = { "state", "exclude", "src",
	    "dst", "sport", "dport", "port", "dev", "fwmark", "cgroup",
	    "autobound", "proc", "pid", "uid", "not" };
	size_t i, n = strcspn(word, "()=<>!: \t");

	if (word[0] == '(' || word[0] == '!')
		return 1;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (strlen(starts[i]) == n && strncmp(word, starts[i], n) == 0)
			return 1;
	return 0;
}
