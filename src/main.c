/*
 * sockstat - which sockets are open, in what state, owned by which
 * process.  This file is the command line only: it parses options,
 * handles privileges, runs passes of the pipeline and reports errors.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "fmt.h"
#include "names.h"
#include "pipeline.h"
#include "privs.h"
#include "procmap.h"
#include "sockstat.h"
#include "util.h"

/* Long-only options. */
enum {
	OPT_COUNT = 256,
	OPT_JSON,
	OPT_NUMERIC_HOSTS,
	OPT_NUMERIC_PORTS,
	OPT_NUMERIC_USERS,
	OPT_SOURCE,
};

/* The leading ':' leaves the messages to bad_option(). */
static const char optstring[] = ":46Wac::ehlnoprstuVwx";

static const struct option longopts[] = {
	{ "all",		no_argument,		NULL, 'a' },
	{ "continuous",		optional_argument,	NULL, 'c' },
	{ "count",		required_argument,	NULL, OPT_COUNT },
	{ "extend",		no_argument,		NULL, 'e' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "inet",		no_argument,		NULL, '4' },
	{ "inet6",		no_argument,		NULL, '6' },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "listening",		no_argument,		NULL, 'l' },
	{ "numeric",		no_argument,		NULL, 'n' },
	{ "numeric-hosts",	no_argument,		NULL, OPT_NUMERIC_HOSTS },
	{ "numeric-ports",	no_argument,		NULL, OPT_NUMERIC_PORTS },
	{ "numeric-users",	no_argument,		NULL, OPT_NUMERIC_USERS },
	{ "program",		no_argument,		NULL, 'p' },
	{ "raw",		no_argument,		NULL, 'w' },
	{ "resolve",		no_argument,		NULL, 'r' },
	{ "source",		required_argument,	NULL, OPT_SOURCE },
	{ "summary",		no_argument,		NULL, 's' },
	{ "tcp",		no_argument,		NULL, 't' },
	{ "timers",		no_argument,		NULL, 'o' },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "unix",		no_argument,		NULL, 'x' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "wide",		no_argument,		NULL, 'W' },
	{ NULL,			0,			NULL, 0 }
};

/* Identical to the SYNOPSIS of man/sockstat.8. */
static const char usage_text[] =
"usage: sockstat [-46aelnoprstuWwx] [-c [seconds]] [--count n] [--json]\n"
"                [--source netlink|proc]\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

/* One line naming the bad flag, then the usage, exit 2. */
static void __attribute__((noreturn))
bad_option(int ch, char **argv)
{
	const char *word = argv[optind - 1];

	if (ch == ':')
		warnx("option %s needs a value", word);
	else if (optopt != 0)
		warnx("unknown option -%c", optopt);
	else
		warnx("unknown option %s", word);
	usage();
}

static unsigned
parse_seconds_ms(const char *arg, const char *what)
{
	const char *errstr;
	long long s;

	s = util_strtonum(arg, 1, 86400, &errstr);
	if (errstr != NULL)
		errx(EXIT_USAGE, "%s %s: %s (1 to 86400 seconds)", what,
		    errstr, arg);
	return (unsigned)s * 1000;
}

static void
parse_source(struct options *o, const char *arg)
{
	if (strcmp(arg, "netlink") == 0)
		o->source = SOURCE_NETLINK;
	else if (strcmp(arg, "proc") == 0)
		o->source = SOURCE_PROC;
	else if (strcmp(arg, "auto") == 0)
		o->source = SOURCE_AUTO;
	else
		errx(EXIT_USAGE, "--source %s: expected netlink, proc or auto",
		    arg);
}

/*
 * -c takes an optional interval.  getopt only sees "-c5"; "-c 5" leaves
 * the number as the next word, so take it when it is all digits.
 */
static void
parse_continuous(struct options *o, int argc, char **argv)
{
	const char *arg = optarg;

	if (arg == NULL && optind < argc && argv[optind][0] >= '0' &&
	    argv[optind][0] <= '9')
		arg = argv[optind++];
	o->continuous = 1;
	o->interval_ms = arg != NULL ? parse_seconds_ms(arg, "interval") : 1000;
}

static void
parse_options(struct options *o, int argc, char **argv)
{
	const char *errstr;
	int ch;

	memset(o, 0, sizeof(*o));
	/*
	 * A test seam like ss's PROC_ROOT.  secure_getenv ignores it when
	 * the binary runs with file capabilities: otherwise a caller could
	 * point the privileged /proc/PID reads at files of its choosing.
	 */
	o->proc_root = secure_getenv("SOCKSTAT_PROC_ROOT");
	if (o->proc_root == NULL || o->proc_root[0] == '\0')
		o->proc_root = "/proc";
	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (ch) {
		case '4':
			o->families |= FAM_INET4;
			break;
		case '6':
			o->families |= FAM_INET6;
			break;
		case 'W':
			o->wide = 1;
			break;
		case 'a':
			o->all = 1;
			break;
		case 'c':
			parse_continuous(o, argc, argv);
			break;
		case 'e':
			o->extend = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_OK);
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
			printf("sockstat %s\n", SOCKSTAT_VERSION);
			exit(EXIT_OK);
		case 'w':
			o->protos |= 1U << PROTO_RAW;
			break;
		case 'x':
			o->protos |= 1U << PROTO_UNIX;
			break;
		case OPT_COUNT:
			o->count = (unsigned long)util_strtonum(optarg, 1,
			    1000000000, &errstr);
			if (errstr != NULL)
				errx(EXIT_USAGE, "--count %s: %s", errstr,
				    optarg);
			break;
		case OPT_JSON:
			o->json = 1;
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
		case OPT_SOURCE:
			parse_source(o, optarg);
			break;
		default:
			bad_option(ch, argv);
		}
	}
	if (optind < argc)
		errx(EXIT_USAGE, "unexpected argument: %s", argv[optind]);

	/* Conflicting and implied options, in one place. */
	if (o->numeric_hosts && o->resolve)
		errx(EXIT_USAGE, "cannot use -n and -r together");
	if (o->count > 0 && !o->continuous)
		errx(EXIT_USAGE, "--count needs -c");
	if (o->face == FACE_SUMMARY && !o->listening)
		o->all = 1;	/* a summary counts every socket */
	filter_normalize(o);
}

/* Timestamp line heading each pass of -c. */
static void
print_timestamp(FILE *out)
{
	char buf[64];
	struct tm tm;
	time_t now = time(NULL);

	if (localtime_r(&now, &tm) != NULL &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S%z", &tm) > 0)
		fprintf(out, "%s\n", buf);
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Says once what a pass skipped, so rows are never wrong in silence. */
static void
report_pass(const struct pipeline_report *rep)
{
	const struct source_stats *st = &rep->stats;

	if (st->malformed > 0)
		warnx("skipped %lu malformed kernel record%s", st->malformed,
		    st->malformed == 1 ? "" : "s");
	if (st->inconsistent > 0)
		warnx("%lu netlink dump%s changed while being read; "
		    "rows may be inconsistent", st->inconsistent,
		    st->inconsistent == 1 ? "" : "s");
}

/*
 * Says once how many sockets have no owner because some processes could
 * not be read, why, and how to see them.
 */
static void
report_owners(const struct procmap_stats *ps, const struct privs *pv,
    const struct pipeline_report *rep)
{
	/*
	 * With hidepid=invisible other users' processes are not even
	 * listed, so nothing counts as denied: say so from the mount option.
	 */
	int hidden = ps->hidepid > PROCMAP_HIDEPID_OFF && !pv->is_root;

	if (rep->unowned == 0 || (ps->procs_denied == 0 && !hidden))
		return;
	if (ps->procs_denied > 0)
		warnx("owners of %lu socket%s not shown: %lu process%s could "
		    "not be read (%s)", rep->unowned,
		    rep->unowned == 1 ? "" : "s", ps->procs_denied,
		    ps->procs_denied == 1 ? "" : "es",
		    pv->missing[0] != '\0' ? pv->missing : "permission denied");
	else
		warnx("owners of %lu socket%s not shown: /proc is mounted "
		    "with hidepid, other users' processes are hidden",
		    rep->unowned, rep->unowned == 1 ? "" : "s");
	if (!pv->is_root)
		warnx("to see them run as root, or give the binary: setcap "
		    "cap_dac_read_search,cap_sys_ptrace+p sockstat");
}

static const struct formatter *
pick_formatter(const struct options *o)
{
	if (o->face == FACE_SUMMARY)
		return &fmt_summary;
	return o->json ? &fmt_json : &fmt_table;
}

/*
 * Builds the owner map for -p: the only privileged step, so the needed
 * capabilities are raised around it alone.
 */
static struct procmap *
owners_build(const struct options *o, struct procmap_stats *ps)
{
	struct procmap *m;

	if (privs_raise(PRIVS_FDS) == -1)
		err(EXIT_FAIL, "raising capabilities");
	m = procmap_build(o->proc_root, ps);
	if (m == NULL)
		err(EXIT_FAIL, "reading %s/*/fd", o->proc_root);
	if (privs_lower() == -1)
		err(EXIT_FAIL, "lowering capabilities");
	return m;
}

int
main(int argc, char *argv[])
{
	struct options o;
	struct privs pv;
	struct pipeline *p;
	struct pipeline_report rep;
	struct procmap_stats ps;
	struct procmap *owners = NULL;
	const struct formatter *f;
	unsigned long pass;

	signal(SIGPIPE, SIG_IGN);
	parse_options(&o, argc, argv);
	if (privs_init(&pv) == -1)
		err(EXIT_FAIL, "reading capabilities");
	/* Only -c -p needs a capability after the first pass. */
	if (!(o.continuous && o.program) && !o.program && privs_drop_all() == -1)
		err(EXIT_FAIL, "dropping capabilities");
	if ((p = pipeline_new(&o)) == NULL)
		err(EXIT_FAIL, NULL);
	f = pick_formatter(&o);

	for (pass = 0; o.count == 0 || pass < o.count; pass++) {
		if (pass > 0)
			sleep_ms(o.interval_ms);
		memset(&ps, 0, sizeof(ps));
		if (o.program)
			owners = owners_build(&o, &ps);
		if (o.program && !o.continuous && privs_drop_all() == -1)
			err(EXIT_FAIL, "dropping capabilities");
		if (o.continuous && !o.json)
			print_timestamp(stdout);
		if (pipeline_pass(p, f, stdout, owners, &rep) == -1) {
			if (rep.failed[0] != '\0')
				err(EXIT_FAIL, "reading %s sockets", rep.failed);
			/* A reader that went away (| head) is not an error to report. */
			if (errno == EPIPE)
				exit(EXIT_FAIL);
			err(EXIT_FAIL, "writing output");
		}
		report_pass(&rep);
		if (o.program)
			report_owners(&ps, &pv, &rep);
		procmap_free(owners);
		owners = NULL;
		if (!o.continuous)
			break;
	}
	pipeline_free(p);
	return EXIT_OK;
}
