/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.c - parses the netstat face's command line into struct options.
 * Nothing here prints or exits: errors come back as a message in a
 * caller's buffer, so the parser can be tested and fuzzed alone.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fexpr.h"
#include "filter.h"
#include "sort.h"
#include "util.h"

/* Long-only options. */
enum {
	OPT_COUNT = 256,
	OPT_ALL_NETNS,
	OPT_BY,
	OPT_DURATION,
	OPT_EXTENDED,
	OPT_INFO,
	OPT_INTERVAL,
	OPT_JSON,
	OPT_MEM,
	OPT_METHOD,
	OPT_NETNS,
	OPT_NUMERIC_HOSTS,
	OPT_NUMERIC_PORTS,
	OPT_NUMERIC_RATES,
	OPT_NUMERIC_USERS,
	OPT_OPENMETRICS,
	OPT_PORT,
	OPT_PROMETHEUS,
	OPT_SORT,
	OPT_SOURCE,
	OPT_TOP,
	OPT_UDPLITE,
};

/*
 * The leading ':' makes getopt report, not print, a missing value.  -c
 * takes no value in a cluster, as in netstat: "-ctn" is -c -t -n.  Its
 * seconds are the next word (see the 'c' case).
 */
static const char optstring[] = ":46EWacehlnoprstuVwx";

static const struct option longopts[] = {
	{ "all",		no_argument,		NULL, 'a' },
	{ "all-netns",		no_argument,		NULL, OPT_ALL_NETNS },
	{ "by",			required_argument,	NULL, OPT_BY },
	{ "continuous",		optional_argument,	NULL, 'c' },
	{ "count",		required_argument,	NULL, OPT_COUNT },
	{ "duration",		required_argument,	NULL, OPT_DURATION },
	{ "events",		no_argument,		NULL, 'E' },
	{ "extend",		no_argument,		NULL, 'e' },
	{ "extended",		no_argument,		NULL, OPT_EXTENDED },
	{ "help",		no_argument,		NULL, 'h' },
	{ "inet",		no_argument,		NULL, '4' },
	{ "inet6",		no_argument,		NULL, '6' },
	{ "info",		no_argument,		NULL, OPT_INFO },
	{ "interval",		required_argument,	NULL, OPT_INTERVAL },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "listening",		no_argument,		NULL, 'l' },
	{ "mem",		no_argument,		NULL, OPT_MEM },
	{ "method",		required_argument,	NULL, OPT_METHOD },
	{ "netns",		required_argument,	NULL, OPT_NETNS },
	{ "numeric",		no_argument,		NULL, 'n' },
	{ "numeric-hosts",	no_argument,		NULL, OPT_NUMERIC_HOSTS },
	{ "numeric-ports",	no_argument,		NULL, OPT_NUMERIC_PORTS },
	{ "numeric-rates",	no_argument,		NULL, OPT_NUMERIC_RATES },
	{ "numeric-users",	no_argument,		NULL, OPT_NUMERIC_USERS },
	{ "openmetrics",	no_argument,		NULL, OPT_OPENMETRICS },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "programs",		no_argument,		NULL, 'p' },
	{ "prometheus",		no_argument,		NULL, OPT_PROMETHEUS },
	{ "raw",		no_argument,		NULL, 'w' },
	{ "resolve",		no_argument,		NULL, 'r' },
	{ "sort",		required_argument,	NULL, OPT_SORT },
	{ "source",		required_argument,	NULL, OPT_SOURCE },
	{ "summary",		no_argument,		NULL, 's' },
	{ "tcp",		no_argument,		NULL, 't' },
	{ "timers",		no_argument,		NULL, 'o' },
	{ "top",		required_argument,	NULL, OPT_TOP },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "udplite",		no_argument,		NULL, OPT_UDPLITE },
	{ "unix",		no_argument,		NULL, 'x' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "wide",		no_argument,		NULL, 'W' },
	{ NULL,			0,			NULL, 0 }
};

enum cli_result
cli_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return CLI_USAGE;
}

/* A bounded number or a message; *ok is cleared on error. */
static long long
number(const char *arg, long long min, long long max, const char *what,
    char *err, size_t errlen, int *ok)
{
	const char *errstr;
	long long v;

	v = util_strtonum(arg, min, max, &errstr);
	if (errstr != NULL) {
		cli_fail(err, errlen, "%s %s: %s (%lld to %lld)", what, errstr,
		    arg, min, max);
		*ok = 0;
	}
	return v;
}

int
cli_parse_source(struct options *o, const char *arg)
{
	if (strcmp(arg, "netlink") == 0)
		o->source = SOURCE_NETLINK;
	else if (strcmp(arg, "proc") == 0)
		o->source = SOURCE_PROC;
	else if (strcmp(arg, "auto") == 0)
		o->source = SOURCE_AUTO;
	else
		return -1;
	return 0;
}

static int
parse_method(struct options *o, const char *arg)
{
	if (strcmp(arg, "trace") == 0)
		o->method = WATCH_TRACE;
	else if (strcmp(arg, "poll") == 0)
		o->method = WATCH_POLL;
	else if (strcmp(arg, "auto") == 0)
		o->method = WATCH_AUTO;
	else
		return -1;
	return 0;
}

/*
 * The long option a word names: its exact name, else the one option its
 * name is a prefix of, as getopt_long matches.  Returns NULL when none or
 * several match; *nmatch says how many did.
 */
static const struct option *
find_long(const char *word, size_t *nmatch)
{
	const struct option *lo, *found = NULL;
	size_t n;

	word += 2;
	n = strcspn(word, "=");
	*nmatch = 0;
	for (lo = longopts; lo->name != NULL; lo++) {
		if (strncmp(lo->name, word, n) != 0)
			continue;
		if (lo->name[n] == '\0') {	/* exact: always wins */
			*nmatch = 1;
			return lo;
		}
		found = lo;
		++*nmatch;
	}
	return *nmatch == 1 ? found : NULL;
}

/* The message for a long option getopt did not accept. */
static enum cli_result
bad_long(const char *word, char *err, size_t errlen)
{
	const struct option *lo;
	size_t nmatch, n = strcspn(word, "=");
	char names[CLI_ERRLEN / 2] = "", *p = names;

	if ((lo = find_long(word, &nmatch)) != NULL) {
		if (lo->has_arg == no_argument && word[n] == '=')
			return cli_fail(err, errlen, "option --%s takes no "
			    "value", lo->name);
		return cli_fail(err, errlen, "option --%s needs a value",
		    lo->name);
	}
	if (nmatch == 0)
		return cli_fail(err, errlen, "unknown option %.*s", (int)n,
		    word);
	/* Several names start so: list them, as far as they fit. */
	for (lo = longopts; lo->name != NULL; lo++)
		if (strncmp(lo->name, word + 2, n - 2) == 0 &&
		    p + strlen(lo->name) + 4 < names + sizeof(names))
			p += sprintf(p, "%s--%s", p == names ? "" : ", ",
			    lo->name);
	return cli_fail(err, errlen, "option %.*s is ambiguous: %s", (int)n,
	    word, names);
}

/*
 * The message for a flag getopt did not accept.  glibc sets optopt to a
 * long option's val when its value is wrong, and to 0 when the name is
 * unknown or ambiguous; the word is then argv[optind - 1].  A letter it
 * does not know comes back in optopt, never one of optstring.
 */
static enum cli_result
bad_option(int ch, char **argv, char *err, size_t errlen)
{
	const char *word = argv[optind - 1];

	if (strncmp(word, "--", 2) == 0 && (ch == ':' || optopt == 0 ||
	    optopt > 255 || strchr(optstring + 1, optopt) != NULL))
		return bad_long(word, err, errlen);
	if (ch == ':')
		return cli_fail(err, errlen, "option %s needs a value", word);
	if (optopt > ' ' && optopt < 127)
		return cli_fail(err, errlen, "unknown option -%c", optopt);
	return cli_fail(err, errlen, "unknown option in %s", word);
}

/* Options given, where a default cannot tell (see check_options). */
struct given {
	int		 interval;	/* --interval */
	int		 method;	/* --method */
	int		 source;	/* --source */
	int		 top;		/* --top */
};

/*
 * --openmetrics: one snapshot for a scraper, owners always (the
 * per-process counts and the listeners' command label need them).
 */
static enum cli_result
check_metrics(struct options *o, char *err, size_t errlen)
{
	if (o->watch)
		return cli_fail(err, errlen, "cannot use -E and --openmetrics "
		    "together");
	if (o->continuous)
		return cli_fail(err, errlen, "cannot use -c and --openmetrics "
		    "together: a scraper or a timer repeats it");
	if (o->json || o->extend || o->timers || o->resolve)
		return cli_fail(err, errlen, "cannot use --openmetrics with "
		    "--json, -e, -o or -r: metrics have no columns and "
		    "numeric labels");
	o->program = 1;
	return CLI_RUN;
}

/*
 * Implied options and conflicts, in one place.  An option the chosen
 * view would silently ignore is refused, so that nobody reads a result
 * that did not do what was asked.
 */
/*
 * --sort and --by, before the other checks: --by makes a summary, which
 * -E refuses for its own reason.  Both look owners up where they need
 * them, as -p does.
 */
static enum cli_result
check_order(struct options *o, char *err, size_t errlen)
{
	if (o->sort[0] != 0 && (o->watch || o->group_by ||
	    o->face == FACE_SUMMARY))
		return cli_fail(err, errlen, "cannot use --sort with %s: it "
		    "orders listed sockets", o->watch ? "-E" : o->group_by ?
		    "--by (groups come largest first)" : "-s");
	if (o->group_by && o->watch)
		return cli_fail(err, errlen, "cannot use --by with -E");
	if (o->group_by)
		o->face = FACE_SUMMARY;	/* --by counts: it is -s's */
	if (o->group_by && o->program && !group_needs_owners(o->group_by))
		return cli_fail(err, errlen, "cannot use -p with --by=%s: "
		    "only --by=process shows owners", group_name(o->group_by));
	return CLI_RUN;
}

static enum cli_result
check_options(struct options *o, const struct given *g, char *err,
    size_t errlen)
{
	if (check_order(o, err, errlen) != CLI_RUN)
		return CLI_USAGE;
	if (o->numeric_hosts && o->resolve)
		return cli_fail(err, errlen, "cannot use -n and -r together");
	if (o->watch && o->continuous)
		return cli_fail(err, errlen, "cannot use -E and -c together");
	if (o->watch && o->face == FACE_SUMMARY)
		return cli_fail(err, errlen, "cannot use -E and -s together");
	if (o->watch && o->listening)
		return cli_fail(err, errlen, "cannot use -E and -l together: "
		    "every socket is watched (--port selects a server's)");
	if (o->watch && (o->extend || o->timers))
		return cli_fail(err, errlen, "cannot use -E with -e or -o: "
		    "events have no User, Inode or Timer column");
	if (o->watch && g->source)
		return cli_fail(err, errlen, "cannot use -E and --source "
		    "together: events come from --method");
	if (o->face == FACE_SUMMARY && ((o->program && !o->group_by) ||
	    o->extend || o->timers))
		return cli_fail(err, errlen, "cannot use -s with -p, -e or "
		    "-o: a summary has no columns");
	if ((o->info || o->mem || o->extended) && (o->watch ||
	    o->face == FACE_SUMMARY || o->face == FACE_OPENMETRICS))
		return cli_fail(err, errlen, "cannot use --info, --mem or "
		    "--extended with %s: %s", o->watch ? "-E" :
		    o->face == FACE_SUMMARY ? "-s" : "--openmetrics",
		    o->watch ? "events carry no socket internals" :
		    "it has no rows");
	if (o->netns != NULL && o->all_netns)
		return cli_fail(err, errlen, "cannot use --netns and "
		    "--all-netns together");
	if ((o->netns != NULL || o->all_netns) && o->watch &&
	    o->method == WATCH_TRACE)
		return cli_fail(err, errlen, "cannot use --method=trace with "
		    "%s: the tracepoint names no namespace (snapshots do)",
		    o->all_netns ? "--all-netns" : "--netns");
	if (o->all_netns && o->face == FACE_OPENMETRICS)
		return cli_fail(err, errlen, "cannot use --all-netns with "
		    "--openmetrics: its metrics are of one namespace");
	/* -s --all-netns: the counts of each namespace, and their total. */
	if (o->all_netns && o->face == FACE_SUMMARY && o->group_by == 0)
		o->group_by = GROUP_NETNS;
	if (o->numeric_rates && !o->info)
		return cli_fail(err, errlen, "--numeric-rates needs --info");
	if (o->face == FACE_OPENMETRICS &&
	    check_metrics(o, err, errlen) != CLI_RUN)
		return CLI_USAGE;
	if (g->top && o->face != FACE_OPENMETRICS)
		return cli_fail(err, errlen, "--top needs --openmetrics");
	if (o->count > 0 && !o->continuous && !o->watch)
		return cli_fail(err, errlen, "--count needs -c or -E");
	if (!o->watch && (o->duration_ms > 0 || g->method || g->interval ||
	    o->port >= 0))
		return cli_fail(err, errlen, "%s needs -E",
		    o->port >= 0 ? "--port" : g->interval ? "--interval" :
		    g->method ? "--method" : "--duration");
	if (o->watch && o->interval_ms == 0)
		o->interval_ms = 100;
	if ((o->face == FACE_SUMMARY || o->face == FACE_OPENMETRICS) &&
	    !o->listening)
		o->all = 1;	/* a summary counts every socket */
	if (o->watch)
		o->all = 1;	/* transitions of every socket */
	if (sort_needs_owners(o->sort) || group_needs_owners(o->group_by))
		o->program = 1;	/* the owner lookup of -p */
	filter_normalize(o);
	return CLI_RUN;
}

/* "5", not "", "-5" or "5x": the seconds of -c as a word of their own. */
static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '\0';
}

enum cli_result
cli_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	struct given g = { 0 };
	int ch, ok = 1, longindex;
	const char *arg;

	memset(o, 0, sizeof(*o));
	o->proc_root = "/proc";
	o->port = -1;
	o->top = 20;
	optind = 0;		/* glibc: start afresh, as each call must */
	opterr = 0;
	while (ok && (longindex = -1, ch = getopt_long(argc, argv, optstring,
	    longopts, &longindex)) != -1) {
		switch (ch) {
		case '4':
			o->families |= FAM_INET4;
			break;
		case '6':
			o->families |= FAM_INET6;
			break;
		case 'E':
			o->watch = 1;
			break;
		case 'W':
			o->wide = 1;
			break;
		case 'a':
			o->all = 1;
			break;
		case 'c':
			/*
			 * Only --continuous=N carries its value in the word.
			 * "-c 5" and "--continuous 5" leave it as the next
			 * word: take that when it is all digits.  After a
			 * 'c' inside a cluster, argv[optind] is still the
			 * cluster itself, which starts with '-'.
			 */
			arg = longindex >= 0 ? optarg : NULL;
			if (arg == NULL && optind < argc &&
			    all_digits(argv[optind]))
				arg = argv[optind++];
			o->continuous = 1;
			o->interval_ms = arg == NULL ? 1000 : 1000 *
			    (unsigned)number(arg, 1, 86400, "interval", err,
			    errlen, &ok);
			break;
		case 'e':
			o->extend = 1;
			break;
		case 'h':
			return CLI_HELP;
		case 'l':
			o->listening = 1;
			break;
		case 'n':
			o->numeric_hosts = o->numeric_ports = 1;
			o->numeric_users = 1;
			break;
		case 'o':
			o->timers = 1;
			break;
		case 'p':
			o->program = 1;
			break;
		case 'r':
			o->resolve = 1;
			break;
		case 's':
			if (o->face == FACE_OPENMETRICS)
				return cli_fail(err, errlen, "cannot use -s and "
				    "--openmetrics together");
			o->face = FACE_SUMMARY;
			break;
		case 't':
			o->protos |= 1U << PROTO_TCP;
			break;
		case 'u':
			o->protos |= 1U << PROTO_UDP;
			break;
		case 'V':
			return CLI_VERSION;
		case 'w':
			o->protos |= 1U << PROTO_RAW;
			break;
		case 'x':
			o->protos |= 1U << PROTO_UNIX;
			break;
		case OPT_ALL_NETNS:
			o->all_netns = 1;
			break;
		case OPT_BY:
			if ((o->group_by = group_parse(optarg)) == 0)
				return cli_fail(err, errlen, "--by %s: expected "
				    "state, proto, process, user, remote, "
				    "lport or netns", optarg);
			break;
		case OPT_COUNT:
			o->count = (unsigned long)number(optarg, 1, 1000000000,
			    "--count", err, errlen, &ok);
			break;
		case OPT_DURATION:
			o->duration_ms = 1000 * (unsigned)number(optarg, 1,
			    86400, "--duration", err, errlen, &ok);
			break;
		case OPT_EXTENDED:
			o->extended = 1;
			break;
		case OPT_INFO:
			o->info = 1;
			break;
		case OPT_INTERVAL:
			o->interval_ms = (unsigned)number(optarg, 10, 3600000,
			    "--interval", err, errlen, &ok);
			g.interval = 1;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_MEM:
			o->mem = 1;
			break;
		case OPT_METHOD:
			if (parse_method(o, optarg) == -1)
				return cli_fail(err, errlen, "--method %s: expected "
				    "trace, poll or auto", optarg);
			g.method = 1;
			break;
		case OPT_NETNS:
			if (optarg[0] == '\0')
				return cli_fail(err, errlen, "--netns: expected "
				    "a name, a path or a PID");
			o->netns = optarg;
			break;
		case OPT_NUMERIC_HOSTS:
			o->numeric_hosts = 1;
			break;
		case OPT_NUMERIC_PORTS:
			o->numeric_ports = 1;
			break;
		case OPT_NUMERIC_USERS:
			o->numeric_users = 1;
			break;
		case OPT_NUMERIC_RATES:
			o->numeric_rates = 1;
			break;
		case OPT_PROMETHEUS:
			o->prometheus = 1;
			/* FALLTHROUGH */
		case OPT_OPENMETRICS:
			if (o->face == FACE_SUMMARY)
				return cli_fail(err, errlen, "cannot use -s and "
				    "--openmetrics together");
			o->face = FACE_OPENMETRICS;
			break;
		case OPT_PORT:
			o->port = (int)number(optarg, 0, 65535, "--port", err,
			    errlen, &ok);
			break;
		case OPT_SORT:
			if (sort_parse(optarg, o->sort, err, errlen) != 0)
				return CLI_USAGE;
			break;
		case OPT_SOURCE:
			if (cli_parse_source(o, optarg) == -1)
				return cli_fail(err, errlen, "--source %s: expected "
				    "netlink, proc or auto", optarg);
			g.source = 1;
			break;
		case OPT_TOP:
			o->top = (unsigned)number(optarg, 0, 100000, "--top",
			    err, errlen, &ok);
			g.top = 1;
			break;
		case OPT_UDPLITE:	/* netstat's -U; sockstat's -U is lsof's */
			o->protos |= 1U << PROTO_UDPLITE;
			break;
		default:
			return bad_option(ch, argv, err, errlen);
		}
	}
	if (!ok)
		return CLI_USAGE;
	/* The rest is a filter expression when it starts like one. */
	if (optind < argc && !fexpr_is_start(argv[optind]))
		return cli_fail(err, errlen, "unexpected argument: %s",
		    argv[optind]);
	o->filter_argc = argc - optind;
	o->filter_argv = argv + optind;
	return check_options(o, &g, err, errlen);
}

/*
 * lsof's letters apply when -i or -U appears, alone or in a cluster of
 * flags without values ("-i", "-iTCP:22", "-ni", "-U").  Scanning stops at
 * "--" and skips the value of a letter that takes one in either face.
 */
int
cli_is_lsof(int argc, char **argv)
{
	static const char takes_value[] = "cpsuFrg";
	const char *w;
	int i;

	for (i = 1; i < argc; i++) {
		w = argv[i];
		if (strcmp(w, "--") == 0)
			break;
		if (w[0] != '-' || w[1] == '-' || w[1] == '\0')
			continue;
		for (w++; *w != '\0'; w++) {
			if (*w == 'i' || *w == 'U')
				return 1;
			if (strchr(takes_value, *w) != NULL)
				break;
		}
	}
	return 0;
}

/* Nonzero when a word of argv asks for the event stream (-E, --events). */
static int
wants_events(int argc, char **argv)
{
	const char *w;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		w = argv[i];
		if (strcmp(w, "--events") == 0)
			return 1;
		if (w[0] == '-' && w[1] != '-' && strchr(w, 'E') != NULL)
			return 1;
	}
	return 0;
}

enum usage_form
cli_form(int argc, char **argv)
{
	if (cli_is_lsof(argc, argv))
		return USAGE_LSOF;
	return wants_events(argc, argv) ? USAGE_WATCH : USAGE_NETSTAT;
}

/*
 * A cluster of single letters, "-" then only letters of set, holding
 * every letter of need; returns it or NULL.
 */
static const char *
cluster_of(int argc, char **argv, const char *set, const char *need)
{
	const char *w;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		w = argv[i];
		if (w[0] != '-' || w[1] == '-' || w[1] == '\0' ||
		    w[1 + strspn(w + 1, set)] != '\0')
			continue;
		for (const char *c = need; ; c++) {
			if (*c == '\0')
				return w;
			if (strchr(w + 1, *c) == NULL)
				break;
		}
	}
	return NULL;
}

/* Long options of netstat 2.10 that sockstat has not, and where to go. */
static const struct {
	const char	*name;
	const char	*hint;
} peer_longs[] = {
	{ "--route", "netstat's routing table is ip route" },
	{ "--interfaces", "netstat's interface table is ip -s link" },
	{ "--statistics", "sockstat -s (--summary) counts sockets as ss -s "
	    "does; netstat -s's protocol counters are nstat -a" },
	{ "--groups", "netstat's multicast groups are ip maddr" },
	{ "--masquerade", "netstat's masqueraded connections are "
	    "conntrack -L" },
};

/* Whether err is the message for an unknown option opt ("-P"). */
static int
is_unknown(const char *err, const char *opt)
{
	static const char prefix[] = "unknown option ";

	return strncmp(err, prefix, sizeof(prefix) - 1) == 0 &&
	    strcmp(err + sizeof(prefix) - 1, opt) == 0;
}

/* The hints of the lsof face: netstat's and ss's letters with -i. */
static const char *
lsof_hint(int argc, char **argv, const char *err)
{
	/* A filter expression after -i, taken for its spec. */
	if ((strncmp(err, "-i ", 3) == 0 && fexpr_is_start(err + 3)) ||
	    (strncmp(err, "unexpected argument: ", 21) == 0 &&
	    fexpr_is_start(err + 21)))
		return "a filter expression selects in the netstat face "
		    "(sockstat -tan sport = 22); with -i the selection is "
		    "lsof's: -i TCP:22, -s TCP:LISTEN, -p, -u, -c";
	/* "-in", "-tin": -i takes the rest as its spec, which fails. */
	if (strncmp(err, "-i ", 3) == 0 &&
	    cluster_of(argc, argv, "aeinNtvW", "ti") != NULL)
		return "ss -ti's TCP internals are sockstat -tn --info; "
		    "lsof's -t -i -n is -t -i -n";
	if (strncmp(err, "-i ", 3) == 0 &&
	    cluster_of(argc, argv, "aeinNvW", "i") != NULL)
		return "netstat -i's interface table is ip -s link; lsof's "
		    "-i -n is -i -n";
	if (is_unknown(err, "-4") || is_unknown(err, "-6"))
		return "with -i the family goes in the spec: -i4, -i6, "
		    "-i4TCP:22";
	if (is_unknown(err, "-x"))
		return "with -i, UNIX sockets are -U";
	if (is_unknown(err, "--sort") || is_unknown(err, "--by"))
		return "the lsof face keeps lsof's order and has no groups: "
		    "--sort and -s --by are for the netstat face (no -i, -U)";
	if (is_unknown(err, "-e") || is_unknown(err, "-o") ||
	    is_unknown(err, "-w") || is_unknown(err, "-W") ||
	    is_unknown(err, "-E"))
		return "-i or -U selects lsof's letters; without them "
		    "sockstat takes netstat's";
	return NULL;
}

/* The hints of the netstat face and -E. */
static const char *
netstat_hint(int argc, char **argv, const char *err)
{
	size_t i;

	if (strcmp(err, "cannot use -n and -r together") == 0)
		return "here -r resolves host names; netstat -rn's routing "
		    "table is ip route";
	for (i = 0; i < sizeof(peer_longs) / sizeof(peer_longs[0]); i++)
		if (is_unknown(err, peer_longs[i].name))
			return peer_longs[i].hint;
	if (is_unknown(err, "-P") || is_unknown(err, "-F"))
		return "that is an lsof letter: with -i or -U sockstat takes "
		    "lsof's letters";
	/* "-c2": netstat reads -c -2; the seconds are a word apart. */
	for (i = 0; i < 10; i++)
		if (is_unknown(err, (char[]){ '-', (char)('0' + i), '\0' }) &&
		    cluster_of(argc, argv, "0123456789EWacehlnoprstuVwx",
		    "c") != NULL)
			return "-c takes its seconds as a word of its own: "
			    "-c 2";
	if (strcmp(err, "--port needs -E") == 0)
		return "to list the sockets of a port: sockstat -i :PORT";
	return NULL;
}

int
cli_hint(int argc, char **argv, const char *err, char *hint, size_t len)
{
	const char *h;

	if (cli_form(argc, argv) == USAGE_LSOF)
		h = lsof_hint(argc, argv, err);
	else
		h = netstat_hint(argc, argv, err);
	if (h == NULL)
		return 0;
	snprintf(hint, len, "%s", h);
	return 1;
}

int
cli_note(int argc, char **argv, const struct options *o, char *note,
    size_t len)
{
	/* "sockstat -r" alone is netstat's routing table. */
	if (argc == 2 && strcmp(argv[1], "-r") == 0)
		return snprintf(note, len, "-r resolves host names here; "
		    "netstat -r's routing table is ip route"), 1;
	/* "-st", "-su": netstat's per-protocol counters. */
	if (o->face == FACE_SUMMARY && !o->json && o->group_by == 0 &&
	    (o->protos & (1U << PROTO_UNIX)) == 0)
		return snprintf(note, len, "-s counts sockets, as ss -s "
		    "does; netstat -s's protocol counters are nstat -a"), 1;
	return 0;
}
