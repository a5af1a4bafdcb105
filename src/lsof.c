/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lsof.c - the lsof face's command line (the selection it makes is
 * matched in lsof_match.c).
 *
 * lsof's letters do not fit getopt: -i, -r and -F take a value that may
 * stand in the next word or be absent ("-i -n" is a bare -i, "-i TCP:22"
 * is a SPEC), so argv is walked by hand.  Nothing here prints or exits.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsof.h"
#include "names.h"
#include "util.h"

#define PORT_MAX	65535
#define REPEAT_DEFAULT	15	/* seconds, lsof's -r default */

/*
 * Grows *arr (of *n elements of size sz) by one zeroed element and
 * returns it, or NULL (ENOMEM; *arr and *n unchanged).  Lists here are
 * a few items long, so one realloc per item is cheaper than a capacity.
 */
static void *
grow(void *arrp, size_t *n, size_t sz)
{
	void **arr = arrp;
	char *p;

	if ((p = realloc(*arr, (*n + 1) * sz)) == NULL)
		return NULL;
	*arr = p;
	memset(p + *n * sz, 0, sz);
	return p + (*n)++ * sz;
}

/*
 * One port item, "22" or "1-1024", into pt (both protocols).  Port 0 is
 * accepted, as lsof does, and then never matches (lsof_match.c).
 */
static enum cli_result
parse_port_range(const char *spec, const char *item, struct lsof_port *pt,
    char *err, size_t errlen)
{
	const char *errstr, *dash = strchr(item, '-');
	char num[64];
	long long lo, hi;
	int i;

	if (dash != NULL) {
		if ((size_t)(dash - item) >= sizeof(num))
			return cli_fail(err, errlen, "-i %s: bad port range "
			    "\"%s\"", spec, item);
		memcpy(num, item, (size_t)(dash - item));
		num[dash - item] = '\0';
	} else
		snprintf(num, sizeof(num), "%s", item);
	lo = util_strtonum(num, 0, PORT_MAX, &errstr);
	if (errstr != NULL)
		return cli_fail(err, errlen, "-i %s: port \"%s\" %s (0 to "
		    "65535)", spec, num, errstr);
	hi = lo;
	if (dash != NULL) {
		hi = util_strtonum(dash + 1, 0, PORT_MAX, &errstr);
		if (errstr != NULL)
			return cli_fail(err, errlen, "-i %s: port \"%s\" %s "
			    "(0 to 65535)", spec, dash + 1, errstr);
		if (hi < lo)
			return cli_fail(err, errlen, "-i %s: port range "
			    "\"%s\" runs backwards", spec, item);
	}
	for (i = 0; i < 2; i++) {
		pt->lo[i] = (uint32_t)lo;
		pt->hi[i] = (uint32_t)hi;
	}
	return CLI_RUN;
}

/*
 * The ports of a SPEC: "22", "1-1024", "ssh", comma-separated.  A
 * service name is kept (it points into argv) for lsof_resolve.
 */
static enum cli_result
parse_ports(const char *spec, const char *list, struct lsof_spec *sp,
    char *err, size_t errlen)
{
	struct lsof_port *pt;
	char item[64];
	size_t n;
	enum cli_result rc;

	while (1) {
		n = strcspn(list, ",");
		if (n == 0)
			return cli_fail(err, errlen, "-i %s: empty port in \"%s\"",
			    spec, list);
		if (n >= sizeof(item))
			return cli_fail(err, errlen, "-i %s: port \"%.*s\" too "
			    "long", spec, (int)n, list);
		memcpy(item, list, n);
		item[n] = '\0';
		if ((pt = grow(&sp->ports, &sp->nports, sizeof(*pt))) == NULL)
			return cli_fail(err, errlen, "%s", strerror(errno));
		/*
		 * A leading digit means a number or a range: service names
		 * may hold '-' ("ftp-data" is not a range) and none in
		 * Debian's /etc/services starts with a digit.
		 */
		if (isdigit((unsigned char)item[0])) {
			if ((rc = parse_port_range(spec, item, pt, err,
			    errlen)) != CLI_RUN)
				return rc;
		} else {
			pt->service = list;
			pt->lo[0] = pt->lo[1] = 1;	/* none until looked up */
			sp->pending = 1;
		}
		if (list[n] == '\0')
			return CLI_RUN;
		list += n + 1;
	}
}

/* Whether the SPEC's family allows an address of family af. */
static enum cli_result
host_family(const char *spec, const struct lsof_spec *sp, int af,
    char *err, size_t errlen)
{
	if (af == AF_INET && sp->families == FAM_INET6)
		return cli_fail(err, errlen, "-i %s: IPv4 addresses are "
		    "prohibited in an IPv6 (6) SPEC", spec);
	if (af == AF_INET6 && sp->families == FAM_INET4)
		return cli_fail(err, errlen, "-i %s: IPv6 addresses are "
		    "prohibited in an IPv4 (4) SPEC", spec);
	return CLI_RUN;
}

/*
 * The host of a SPEC: an IPv4 literal, or a name kept for lsof_resolve.
 * As lsof, 0.0.0.0 names no host but makes the SPEC an IPv4 one: "-i
 * TCP@0.0.0.0:5001" is "-i 4TCP:5001".
 */
static enum cli_result
parse_host(const char *spec, const char *host, struct lsof_spec *sp,
    char *err, size_t errlen)
{
	enum cli_result rc;

	if (host[0] == '\0')
		return cli_fail(err, errlen, "-i %s: empty host after @", spec);
	if (inet_pton(AF_INET, host, &sp->addrs[0].v4) == 1) {
		if ((rc = host_family(spec, sp, AF_INET, err, errlen)) !=
		    CLI_RUN)
			return rc;
		if (sp->addrs[0].v4.s_addr == htonl(INADDR_ANY)) {
			sp->families = FAM_INET4;
			return CLI_RUN;
		}
		sp->addr_family[0] = AF_INET;
		sp->naddrs = 1;
		return CLI_RUN;
	}
	if (inet_pton(AF_INET6, host, &sp->addrs[0].v6) == 1)
		return cli_fail(err, errlen, "-i %s: IPv6 address \"%s\" needs "
		    "brackets: @[%s]", spec, host, host);
	if ((sp->host_copy = strdup(host)) == NULL)
		return cli_fail(err, errlen, "%s", strerror(errno));
	sp->host = sp->host_copy;
	sp->pending = 1;
	return CLI_RUN;
}

void
lsof_spec_add_addr(struct lsof_spec *sp, int af, const void *a)
{
	const struct in6_addr *a6 = a;

	if (sp->naddrs >= LSOF_ADDRS_MAX)
		return;
	if (af == AF_INET6 && IN6_IS_ADDR_V4MAPPED(a6)) {
		af = AF_INET;
		a = &a6->s6_addr[12];
	}
	if (sp->families != 0 && !(sp->families &
	    (af == AF_INET ? FAM_INET4 : FAM_INET6)))
		return;		/* a name's mapped answer in a 6 SPEC */
	if (af == AF_INET)
		memcpy(&sp->addrs[sp->naddrs].v4, a, sizeof(struct in_addr));
	else
		memcpy(&sp->addrs[sp->naddrs].v6, a, sizeof(struct in6_addr));
	sp->addr_family[sp->naddrs++] = (uint8_t)af;
}

/* "[v6]" at s: the address into sp, *end past ']'. */
static enum cli_result
parse_host6(const char *spec, const char *s, const char **end,
    struct lsof_spec *sp, char *err, size_t errlen)
{
	const char *close = strchr(s, ']');
	char buf[INET6_ADDRSTRLEN + 16];
	struct in6_addr a;
	enum cli_result rc;
	size_t n;

	if (close == NULL)
		return cli_fail(err, errlen, "-i %s: no ']' after \"%s\"", spec, s);
	n = (size_t)(close - s - 1);
	if (n >= sizeof(buf) || (memcpy(buf, s + 1, n), buf[n] = '\0',
	    inet_pton(AF_INET6, buf, &a) != 1))
		return cli_fail(err, errlen, "-i %s: bad IPv6 address \"%.*s\"",
		    spec, (int)(close - s + 1), s);
	/* lsof refuses [::], and takes [::ffff:a.b.c.d] as IPv4. */
	if (IN6_IS_ADDR_UNSPECIFIED(&a))
		return cli_fail(err, errlen, "-i %s: unacceptable Internet "
		    "address [%s]", spec, buf);
	if ((rc = host_family(spec, sp, AF_INET6, err, errlen)) != CLI_RUN ||
	    (IN6_IS_ADDR_V4MAPPED(&a) &&
	    (rc = host_family(spec, sp, AF_INET, err, errlen)) != CLI_RUN))
		return rc;
	lsof_spec_add_addr(sp, AF_INET6, &a);
	*end = close + 1;
	return CLI_RUN;
}

/*
 * One SPEC: [46][protocol][@host|@[v6]][:port[,port|-port]...].  An
 * empty text is a bare -i.  type_fams: the families of the "-i 4" and
 * "-i 6" before it.  Messages name the part that is wrong.
 */
static enum cli_result
parse_spec(const char *text, unsigned type_fams, struct lsof_spec *sp,
    char *err, size_t errlen)
{
	const char *s = text, *p = NULL;
	char host[NI_MAXHOST];
	size_t n;
	enum cli_result rc;

	if (*s == '4' || *s == '6') {
		sp->families = *s++ == '4' ? FAM_INET4 : FAM_INET6;
		if (*s == '\0') {
			sp->type_only = 1;
			return CLI_RUN;
		}
	} else if (*s != '\0' && (type_fams == FAM_INET4 ||
	    type_fams == FAM_INET6))
		sp->families = type_fams;	/* lsof: "-i 4 -i :22" */
	n = strcspn(s, "@:");
	if (n > 0) {
		if (n == 3 && strncasecmp(s, "tcp", 3) == 0)
			sp->protos = 1U << PROTO_TCP;
		else if (n == 3 && strncasecmp(s, "udp", 3) == 0)
			sp->protos = 1U << PROTO_UDP;
		else if (n == 7 && strncasecmp(s, "udplite", 7) == 0)
			sp->protos = 1U << PROTO_UDPLITE;
		else
			return cli_fail(err, errlen, "-i %s: protocol \"%.*s\": "
			    "expected 4, 6, TCP, UDP or UDPLITE", text, (int)n,
			    s);
		s += n;
	}
	if (*s == '@') {
		s++;
		if (*s == '[') {
			if ((rc = parse_host6(text, s, &p, sp, err, errlen)) !=
			    CLI_RUN)
				return rc;
			s = p;
		} else {
			n = strcspn(s, ":");
			/* "@::1:22" cannot be split: lsof wants brackets too. */
			if (s[n] != '\0' && strchr(s + n + 1, ':') != NULL &&
			    memchr(s, '.', n) == NULL)
				return cli_fail(err, errlen, "-i %s: IPv6 address "
				    "needs brackets: @[address]", text);
			if (n >= sizeof(host))
				return cli_fail(err, errlen, "-i %s: host too long",
				    text);
			memcpy(host, s, n);
			host[n] = '\0';
			if ((rc = parse_host(text, host, sp, err, errlen)) !=
			    CLI_RUN)
				return rc;
			s += n;
		}
	}
	if (*s == ':')
		return parse_ports(text, s + 1, sp, err, errlen);
	if (*s != '\0')
		return cli_fail(err, errlen, "-i %s: unexpected \"%s\"", text, s);
	/* "@0.0.0.0" alone names nothing: lsof refuses it so. */
	if (strchr(text, '@') != NULL && sp->naddrs == 0 &&
	    sp->host == NULL && sp->protos == 0)
		return cli_fail(err, errlen, "-i %s: incomplete Internet "
		    "address specification", text);
	return CLI_RUN;
}

/*
 * Whether the word after a bare "-i" is its SPEC.  The face takes no
 * operands (lsof's file names), so any word but an option is one: a
 * typo then gets the SPEC's message, not "unexpected argument".
 */
static int
looks_like_spec(const char *w)
{
	return w[0] != '-';
}

/* lsof's TCP state names: the kernel's, as names.h spells them. */
const char *
lsof_state_name(unsigned st)
{
	if (st == ST_UNKNOWN || st > ST_CLOSING)
		return NULL;
	return names_state(st);
}

/*
 * -s PROTO:STATE[,STATE]: lsof's form.  Only TCP has state names on
 * Linux (lsof says "no UDP state names available"), and names are
 * matched in any case, as lsof does.
 */
static enum cli_result
parse_states(struct lsof_sel *s, const char *arg, char *err, size_t errlen)
{
	const char *colon = strchr(arg, ':'), *w;
	const char *name;
	size_t n;
	unsigned st;
	int excl;

	if (colon == NULL)
		return cli_fail(err, errlen, "-s %s: expected PROTO:STATE[,STATE]",
		    arg);
	if (colon - arg == 3 && strncasecmp(arg, "udp", 3) == 0)
		return cli_fail(err, errlen, "-s %s: UDP sockets have no state "
		    "names", arg);
	if (colon - arg != 3 || strncasecmp(arg, "tcp", 3) != 0)
		return cli_fail(err, errlen, "-s %s: unknown protocol \"%.*s\" "
		    "(TCP)", arg, (int)(colon - arg), arg);
	for (w = colon + 1;; w += n + 1) {
		n = strcspn(w, ",");
		excl = w[0] == '^';
		for (st = ST_ESTABLISHED; st <= ST_CLOSING; st++) {
			name = lsof_state_name(st);
			if (strlen(name) == n - excl &&
			    strncasecmp(w + excl, name, n - excl) == 0)
				break;
		}
		if (st > ST_CLOSING)
			return cli_fail(err, errlen, "-s %s: unknown TCP state "
			    "\"%.*s\"", arg, (int)n, w);
		if (excl)
			s->states_out |= ST_BIT(st);
		else
			s->states_in |= ST_BIT(st);
		if (w[n] == '\0')
			return CLI_RUN;
	}
}

/*
 * -p, -u: comma list of ids (users by name or uid), ^ to exclude.  A
 * user name is kept for lsof_resolve, which looks it up once rather
 * than per owner at match time; an unknown name is then a usage error,
 * as a typo should be.
 */
static enum cli_result
parse_ids(const char *arg, int users, struct lsof_id **arr, size_t *narr,
    char *err, size_t errlen)
{
	const char *w, *errstr, *opt = users ? "-u" : "-p";
	struct lsof_id *id;
	char item[256];
	size_t n;

	for (w = arg;; w += n + 1) {
		n = strcspn(w, ",");
		if (n == 0 || n >= sizeof(item))
			return cli_fail(err, errlen, "%s %s: bad list", opt, arg);
		if ((id = grow(arr, narr, sizeof(*id))) == NULL)
			return cli_fail(err, errlen, "%s", strerror(errno));
		id->exclude = w[0] == '^';
		memcpy(item, w + id->exclude, n - id->exclude);
		item[n - id->exclude] = '\0';
		id->id = (long)util_strtonum(item, 0, users ? UINT32_MAX - 1 :
		    INT_MAX, &errstr);
		if (errstr != NULL && users && !isdigit((unsigned char)item[0])) {
			if ((id->name = strdup(item)) == NULL)
				return cli_fail(err, errlen, "%s",
				    strerror(errno));
			id->id = -1;	/* matches no owner until looked up */
		} else if (errstr != NULL)
			return cli_fail(err, errlen, "%s %s: %s \"%s\" %s", opt,
			    arg, users ? "uid" : "PID", item, errstr);
		if (w[n] == '\0')
			return CLI_RUN;
	}
}

/*
 * -F FIELDS: the letters sockstat can give (LSOF_FIELDS) and 0.  A
 * letter lsof knows but sockstat has no data for (g, R, G, ...) is
 * refused rather than silently left out of a script's input.
 */
/*
 * Whether the user's locale (LC_ALL, LC_CTYPE, LANG) is a UTF-8 one, as
 * lsof decides whether -F may pass UTF-8 through.  The process keeps
 * the C locale: only the answer is taken.
 */
static int
locale_utf8(void)
{
	const char *cs;
	int utf8;

	if (setlocale(LC_CTYPE, "") == NULL)
		return 0;
	cs = nl_langinfo(CODESET);
	utf8 = strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0;
	setlocale(LC_CTYPE, "C");
	return utf8;
}

static enum cli_result
parse_fields(struct lsof_sel *s, const char *arg, char *err, size_t errlen)
{
	size_t n = 0;

	s->fields = 1;
	s->field_utf8 = locale_utf8();
	/* lsof's bare -F (or -F0): every field it can give. */
	if (arg[strspn(arg, "0")] == '\0') {
		s->field_nul = *arg == '0';
		arg = LSOF_FIELDS;
	}
	for (; *arg != '\0'; arg++) {
		if (*arg == '0') {
			s->field_nul = 1;
			continue;
		}
		if (strchr(LSOF_FIELDS, *arg) == NULL)
			return cli_fail(err, errlen, "-F: field '%c' is not "
			    "available (%s 0)", *arg, LSOF_FIELDS);
		if (strchr(s->field_set, *arg) == NULL &&
		    n + 1 < sizeof(s->field_set))
			s->field_set[n++] = *arg;
	}
	if (strchr(s->field_set, 'p') == NULL && n + 1 < sizeof(s->field_set))
		s->field_set[n++] = 'p';	/* as lsof: always there */
	s->field_set[n] = '\0';
	return CLI_RUN;
}

/*
 * The dumps to ask for: the SPECs' families and protocols, unless an
 * owner inclusion can list any socket of the universe (OR, no -a).
 */
static void
set_dumps(struct options *o, const struct lsof_sel *s)
{
	unsigned protos = 0, fams = 0;
	size_t i;
	int incl = 0, owners_or;

	/* Exclusions (^) only ever drop owners: they widen nothing. */
	for (i = 0; i < s->npids; i++)
		incl |= !s->pids[i].exclude;
	for (i = 0; i < s->nuids; i++)
		incl |= !s->uids[i].exclude;
	for (i = 0; i < s->ncmds; i++)
		incl |= !s->cmds[i].exclude;
	owners_or = !s->and && incl;

	for (i = 0; i < s->nspecs; i++) {
		protos |= s->specs[i].protos ? s->specs[i].protos :
		    (1U << PROTO_TCP | 1U << PROTO_UDP | 1U << PROTO_UDPLITE);
		/* An IPv4 SPEC also names v4-mapped IPv6 sockets. */
		if (s->specs[i].families == FAM_INET4 && !s->specs[i].type_only)
			fams |= FAM_INET4 | FAM_INET6;
		else
			fams |= s->specs[i].families ? s->specs[i].families :
			    (FAM_INET4 | FAM_INET6);
	}
	if (s->inet && owners_or) {
		protos = 1U << PROTO_TCP | 1U << PROTO_UDP |
		    1U << PROTO_UDPLITE;
		fams = FAM_INET4 | FAM_INET6;
	}
	if (s->unix_sockets)
		protos |= 1U << PROTO_UNIX;
	o->protos = protos;
	o->families = fams ? fams : FAM_INET4 | FAM_INET6;
}

/* The value of a letter that needs one: the rest of the word or the next. */
static const char *
value_of(const char *rest, int argc, char **argv, int *i)
{
	if (*rest != '\0')
		return rest;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/*
 * Long options: --json, --all-netns, --source X, --count N, --help,
 * --version.
 */
static enum cli_result
parse_long(const char *w, int argc, char **argv, int *i, struct options *o,
    char *err, size_t errlen)
{
	const char *val = NULL, *eq = strchr(w, '='), *errstr;
	size_t n = eq != NULL ? (size_t)(eq - w) : strlen(w);

#define IS(name)	(n == strlen(name) && strncmp(w, name, n) == 0)
	if (IS("--help"))
		return CLI_HELP;
	if (IS("--version"))
		return CLI_VERSION;
	if (IS("--json")) {
		o->json = 1;
		return CLI_RUN;
	}
	/* lsof lists other namespaces' sockets undecoded: these are read. */
	if (IS("--all-netns")) {
		o->all_netns = 1;
		return CLI_RUN;
	}
	if (!IS("--source") && !IS("--count"))
		return cli_fail(err, errlen, "unknown option %.*s", (int)n, w);
	if (eq != NULL)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	if (val == NULL)
		return cli_fail(err, errlen, "option %s needs a value", w);
	if (IS("--source")) {
		if (cli_parse_source(o, val) == -1)
			return cli_fail(err, errlen, "--source %s: expected "
			    "netlink, proc or auto", val);
		return CLI_RUN;
	}
	o->count = (unsigned long)util_strtonum(val, 1, 1000000000, &errstr);
	if (errstr != NULL)
		return cli_fail(err, errlen, "--count %s: %s (1 to 1000000000)",
		    val, errstr);
	return CLI_RUN;
#undef IS
}

/*
 * -T[fqs]: what NAME shows of a TCP socket after its addresses (issue
 * 15), lsof's letters on Linux: s the state, q the queue lengths, f the
 * socket options (none that lsof shows here).  The letters are the rest
 * of the word; -T alone shows nothing.  lsof's w (window sizes) has no
 * Linux source, and lsof refuses it in the same words.
 */
static enum cli_result
parse_tcpi(struct lsof_sel *s, const char *letters, char *err, size_t errlen)
{
	const char *c;

	s->tcpi_given = 1;
	s->tcpi[0] = '\0';
	for (c = letters; *c != '\0'; c++) {
		if (strchr("fqs", *c) == NULL)
			return cli_fail(err, errlen, "-T: unsupported TCP/TPI "
			    "info selection: %c", *c);
		if (strchr(s->tcpi, *c) == NULL)
			strncat(s->tcpi, c, 1);
	}
	return CLI_RUN;
}

/* One word of single-letter flags, "-ni", "-iTCP:22", "-p 12". */
static enum cli_result
parse_letters(const char *w, int argc, char **argv, int *i,
    struct options *o, struct lsof_sel *s, char *err, size_t errlen)
{
	const char *val, *errstr;
	struct lsof_spec *sp;
	struct lsof_cmd *c;
	long long secs;
	enum cli_result rc;

	for (w++; *w != '\0'; w++) {
		switch (*w) {
		case 'P':
			o->numeric_ports = 1;
			break;
		case 'U':
			s->unix_sockets = 1;
			break;
		case 'T':
			return parse_tcpi(s, w + 1, err, errlen);
		case 'V':
		case 'v':
			return CLI_VERSION;
		case 'a':
			s->and = 1;
			break;
		case 'h':
			return CLI_HELP;
		case 'i':
			/* The SPEC is the rest of the word, or the next one. */
			val = w + 1;
			if (*val == '\0' && *i + 1 < argc &&
			    looks_like_spec(argv[*i + 1]))
				val = argv[++*i];
			s->inet = 1;
			if ((sp = grow(&s->specs, &s->nspecs, sizeof(*sp))) ==
			    NULL)
				return cli_fail(err, errlen, "%s", strerror(errno));
			if ((rc = parse_spec(val, s->type_fams, sp, err,
			    errlen)) != CLI_RUN)
				return rc;
			if (sp->type_only)
				s->type_fams |= sp->families;
			return CLI_RUN;		/* the SPEC ends the word */
		case 'l':
			o->numeric_users = 1;
			break;
		case 'n':
			o->numeric_hosts = 1;
			break;
		case 't':
			s->terse = 1;
			break;
		case 'F':
			/* Optional, as in lsof: "-F", "-Fpcn", "-F pcn". */
			val = w + 1;
			if (*val == '\0' && *i + 1 < argc &&
			    argv[*i + 1][0] != '-')
				val = argv[++*i];
			return parse_fields(s, val, err, errlen);
		case 'r':
			/* Optional seconds: "-r", "-r5", "-r 5". */
			val = w + 1;
			if (*val == '\0' && *i + 1 < argc &&
			    isdigit((unsigned char)argv[*i + 1][0]))
				val = argv[++*i];
			secs = REPEAT_DEFAULT;
			if (*val != '\0') {
				secs = util_strtonum(val, 1, 86400, &errstr);
				if (errstr != NULL)
					return cli_fail(err, errlen, "-r %s: %s (1 "
					    "to 86400 seconds)", val, errstr);
			}
			o->continuous = 1;
			o->interval_ms = 1000 * (unsigned)secs;
			return CLI_RUN;
		case 'c':
		case 'p':
		case 's':
		case 'u':
			if ((val = value_of(w + 1, argc, argv, i)) == NULL)
				return cli_fail(err, errlen, "option -%c needs a "
				    "value", *w);
			if (*w == 'p')
				return parse_ids(val, 0, &s->pids, &s->npids,
				    err, errlen);
			if (*w == 'u')
				return parse_ids(val, 1, &s->uids, &s->nuids,
				    err, errlen);
			if (*w == 's')
				return parse_states(s, val, err, errlen);
			if ((c = grow(&s->cmds, &s->ncmds, sizeof(*c))) == NULL)
				return cli_fail(err, errlen, "%s", strerror(errno));
			c->exclude = val[0] == '^';
			c->prefix = val + c->exclude;
			if (c->prefix[0] == '/')
				return cli_fail(err, errlen, "-c %s: regular "
				    "expressions are not supported", val);
			if (c->prefix[0] == '\0')
				return cli_fail(err, errlen, "-c: empty command");
			return CLI_RUN;
		default:
			return cli_fail(err, errlen, "unknown option -%c", *w);
		}
	}
	return CLI_RUN;
}

/*
 * Words are read in order; a letter that takes a value ends its word.
 * Conflicts are checked once every word is read, as in cli.c.
 */
enum cli_result
lsof_parse(int argc, char **argv, struct options *o, char *err,
    size_t errlen)
{
	struct lsof_sel *s;
	enum cli_result rc;
	const char *w;
	int i;

	memset(o, 0, sizeof(*o));
	o->proc_root = "/proc";
	o->port = -1;
	o->face = FACE_LSOF;
	o->all = 1;
	o->program = 1;		/* lsof lists open files: owners always */
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return cli_fail(err, errlen, "%s", strerror(errno));
	o->lsof = s;
	for (i = 1; i < argc; i++) {
		w = argv[i];
		if (strcmp(w, "--") == 0) {
			if (i + 1 < argc)
				return cli_fail(err, errlen, "unexpected argument: "
				    "%s (sockstat lists sockets, not files)",
				    argv[i + 1]);
			break;
		}
		if (w[0] == '-' && w[1] == '-')
			rc = parse_long(w, argc, argv, &i, o, err, errlen);
		else if (w[0] == '-' && w[1] != '\0')
			rc = parse_letters(w, argc, argv, &i, o, s, err, errlen);
		else
			rc = cli_fail(err, errlen, "unexpected argument: %s", w);
		if (rc != CLI_RUN)
			return rc;
	}
	if (!s->inet && !s->unix_sockets)
		return cli_fail(err, errlen, "the lsof face needs -i or -U");
	if (s->terse && s->fields)
		return cli_fail(err, errlen, "cannot use -t and -F together");
	if ((s->terse || s->fields) && o->json)
		return cli_fail(err, errlen, "cannot use --json with -t or -F");
	if (o->count > 0 && !o->continuous)
		return cli_fail(err, errlen, "--count needs -r");
	set_dumps(o, s);
	return CLI_RUN;
}

void
lsof_sel_free(struct lsof_sel *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nspecs; i++) {
		free(s->specs[i].ports);
		free(s->specs[i].host_copy);
	}
	for (i = 0; i < s->nuids; i++)
		free(s->uids[i].name);
	free(s->specs);
	free(s->pids);
	free(s->uids);
	free(s->cmds);
	free(s->scratch);
	free(s);
}

const char *
lsof_marker(const struct lsof_sel *s, size_t *len)
{
	static const char nul_marker[] = "m\0\n";

	if (s->fields && s->field_nul) {
		*len = sizeof(nul_marker) - 1;
		return nul_marker;
	}
	*len = s->fields ? 2 : 8;
	return s->fields ? "m\n" : "=======\n";
}
