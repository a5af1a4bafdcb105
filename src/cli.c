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
#include "filter.h"
#include "util.h"

/* Long-only options. */
enum {
	OPT_COUNT = 256,
	OPT_DURATION,
	OPT_INTERVAL,
	OPT_JSON,
	OPT_METHOD,
	OPT_NUMERIC_HOSTS,
	OPT_NUMERIC_PORTS,
	OPT_NUMERIC_USERS,
	OPT_PORT,
	OPT_SOURCE,
	OPT_UDPLITE,
};

/* The leading ':' makes getopt report, not print, a missing value. */
static const char optstring[] = ":46EWac::ehlnoprstuVwx";

static const struct option longopts[] = {
	{ "all",		no_argument,		NULL, 'a' },
	{ "continuous",		optional_argument,	NULL, 'c' },
	{ "count",		required_argument,	NULL, OPT_COUNT },
	{ "duration",		required_argument,	NULL, OPT_DURATION },
	{ "events",		no_argument,		NULL, 'E' },
	{ "extend",		no_argument,		NULL, 'e' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "inet",		no_argument,		NULL, '4' },
	{ "inet6",		no_argument,		NULL, '6' },
	{ "interval",		required_argument,	NULL, OPT_INTERVAL },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "listening",		no_argument,		NULL, 'l' },
	{ "method",		required_argument,	NULL, OPT_METHOD },
	{ "numeric",		no_argument,		NULL, 'n' },
	{ "numeric-hosts",	no_argument,		NULL, OPT_NUMERIC_HOSTS },
	{ "numeric-ports",	no_argument,		NULL, OPT_NUMERIC_PORTS },
	{ "numeric-users",	no_argument,		NULL, OPT_NUMERIC_USERS },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "program",		no_argument,		NULL, 'p' },
	{ "raw",		no_argument,		NULL, 'w' },
	{ "resolve",		no_argument,		NULL, 'r' },
	{ "source",		required_argument,	NULL, OPT_SOURCE },
	{ "summary",		no_argument,		NULL, 's' },
	{ "tcp",		no_argument,		NULL, 't' },
	{ "timers",		no_argument,		NULL, 'o' },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "udplite",		no_argument,		NULL, OPT_UDPLITE },
	{ "unix",		no_argument,		NULL, 'x' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "wide",		no_argument,		NULL, 'W' },
	{ NULL,			0,			NULL, 0 }
};

const char cli_usage[] =
"usage: sockstat [-46aelnoprstuWwx] [-c [seconds]] [--count n] [--json]\n"
"                [--source netlink|proc]\n"
"       sockstat -i [spec] [-U] [-alnPtV] [-c command] [-F [fields]]\n"
"                [-p pids] [-r [seconds]] [-s proto:states] [-u users]\n"
"                [--count n] [--json] [--source netlink|proc|auto]\n"
"       sockstat -E [-46nrtuw] [--count n] [--duration seconds]\n"
"                [--interval ms] [--json] [--method trace | poll | auto]\n"
"                [--port port]\n"
"       sockstat demo [--method trace | poll | auto]\n"
"       sockstat echo-server [-v] [-a address] [-p port] [--count n]\n"
"                [--idle-timeout seconds] [--max-conns n] [--udp] [--unix path]\n"
"       sockstat echo-client [-v] [-a address] [-c conns] [-p port] [-w seconds]\n"
"                [--close client | server] [--hold seconds] [--udp] [--unix path]\n"
"                [message ...]\n";

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

/* The message for a flag getopt did not accept. */
static enum cli_result
bad_option(int ch, char **argv, char *err, size_t errlen)
{
	const char *word = argv[optind - 1];

	if (ch == ':')
		return cli_fail(err, errlen, "option %s needs a value", word);
	if (optopt != 0)
		return cli_fail(err, errlen, "unknown option -%c", optopt);
	return cli_fail(err, errlen, "unknown option %s", word);
}

/* Implied options and conflicts, in one place. */
static enum cli_result
check_options(struct options *o, char *err, size_t errlen)
{
	if (o->numeric_hosts && o->resolve)
		return cli_fail(err, errlen, "cannot use -n and -r together");
	if (o->watch && o->continuous)
		return cli_fail(err, errlen, "cannot use -E and -c together");
	if (o->watch && o->face == FACE_SUMMARY)
		return cli_fail(err, errlen, "cannot use -E and -s together");
	if (o->count > 0 && !o->continuous && !o->watch)
		return cli_fail(err, errlen, "--count needs -c or -E");
	if ((o->duration_ms > 0 || o->method != WATCH_AUTO || o->port >= 0) &&
	    !o->watch)
		return cli_fail(err, errlen,
		    "--duration, --method and --port need -E");
	if (o->watch && o->interval_ms == 0)
		o->interval_ms = 100;
	if (o->face == FACE_SUMMARY && !o->listening)
		o->all = 1;	/* a summary counts every socket */
	if (o->watch)
		o->all = 1;	/* transitions of every socket */
	filter_normalize(o);
	return CLI_RUN;
}

enum cli_result
cli_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	int ch, ok = 1;
	const char *arg;

	memset(o, 0, sizeof(*o));
	o->proc_root = "/proc";
	o->port = -1;
	optind = 0;		/* glibc: start afresh, as each call must */
	opterr = 0;
	while (ok &&
	    (ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
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
			 * The interval is optional.  getopt only sees
			 * "-c5"; "-c 5" leaves the number as the next word,
			 * so take it when it starts with a digit.
			 */
			arg = optarg;
			if (arg == NULL && optind < argc &&
			    argv[optind][0] >= '0' && argv[optind][0] <= '9')
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
		case OPT_COUNT:
			o->count = (unsigned long)number(optarg, 1, 1000000000,
			    "--count", err, errlen, &ok);
			break;
		case OPT_DURATION:
			o->duration_ms = 1000 * (unsigned)number(optarg, 1,
			    86400, "--duration", err, errlen, &ok);
			break;
		case OPT_INTERVAL:
			o->interval_ms = (unsigned)number(optarg, 10, 3600000,
			    "--interval", err, errlen, &ok);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_METHOD:
			if (parse_method(o, optarg) == -1)
				return cli_fail(err, errlen, "--method %s: expected "
				    "trace, poll or auto", optarg);
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
		case OPT_PORT:
			o->port = (int)number(optarg, 0, 65535, "--port", err,
			    errlen, &ok);
			break;
		case OPT_SOURCE:
			if (cli_parse_source(o, optarg) == -1)
				return cli_fail(err, errlen, "--source %s: expected "
				    "netlink, proc or auto", optarg);
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
	if (optind < argc)
		return cli_fail(err, errlen, "unexpected argument: %s",
		    argv[optind]);
	return check_options(o, err, errlen);
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
