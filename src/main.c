/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockstat - which sockets are open, in what state, owned by which
 * process.  This file is the command line only: it parses options,
 * handles privileges, runs passes of the pipeline and reports errors.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "cmd_netns.h"
#include "fexpr.h"
#include "filter.h"
#include "fmt.h"
#include "libexec.h"
#include "lsof.h"
#include "names.h"
#include "pipeline.h"
#include "privs.h"
#include "procnet.h"
#include "procmap.h"
#include "sockstat.h"
#include "tcpinfo.h"
#include "usage.h"
#include "util.h"

/*
 * Parses the command line, or prints what --help and --version ask for,
 * or a one-line error and the usage.
 */
static void
parse_command_line(struct options *o, int argc, char **argv)
{
	char err[CLI_ERRLEN], hint[CLI_ERRLEN];
	char safe[UTIL_ESCAPE_MAX(CLI_ERRLEN)];
	const char *root;
	enum cli_result rc;

	/* -i or -U anywhere: lsof's letters, else netstat's. */
	if (cli_is_lsof(argc, argv))
		rc = lsof_parse(argc, argv, o, err, sizeof(err));
	else
		rc = cli_parse(argc, argv, o, err, sizeof(err));
	switch (rc) {
	case CLI_RUN:
		if (cli_note(argc, argv, o, err, sizeof(err)))
			warnx("note: %s", err);
		break;
	case CLI_HELP:
		usage_help(stdout, USAGE_NFORMS);
		exit(fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_FAIL);
	case CLI_VERSION:
		printf("sockstat %s\n", SOCKSTAT_VERSION);
		exit(fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_FAIL);
	case CLI_USAGE:
		/* The message quotes the user's words: keep it one safe line. */
		util_escape(safe, sizeof(safe), err, strlen(err));
		warnx("%s", safe);
		if (cli_hint(argc, argv, err, hint, sizeof(hint))) {
			util_escape(safe, sizeof(safe), hint, strlen(hint));
			warnx("hint: %s", safe);
		}
		/* The synopsis of the form typed, not of all six. */
		usage_print(stderr, cli_form(argc, argv));
		exit(EXIT_USAGE);
	}
	/*
	 * A test seam like ss's PROC_ROOT.  secure_getenv ignores it when
	 * the binary runs with file capabilities: otherwise a caller could
	 * point the privileged /proc/PID reads at files of its choosing.
	 */
	root = secure_getenv("SOCKSTAT_PROC_ROOT");
	if (root != NULL && root[0] != '\0')
		o->proc_root = root;
}

/*
 * Makes sure fds 0, 1 and 2 are open before anything else opens a file:
 * started with one closed (sockstat -tan >&-), the netlink socket would
 * take fd 1 and the table would be written into it.  /dev/null is
 * opened read-only, so a write to a stdout closed by the caller still
 * fails (EBADF) and ends in exit 1, as for any unwritable output.
 */
static void
stdfds_open(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free fd: this one, as the lower ones are open. */
		if (open("/dev/null", O_RDONLY) != fd)
			exit(EXIT_FAIL);	/* nowhere to say it */
	}
}

/*
 * The lsof face's host, service and user names are looked up here, not
 * while parsing, by a child that leaves uid 0 and every capability first
 * (NSS modules and DNS replies are code and data sockstat does not
 * control): called while CAP_SETUID is still permitted.
 */
static void
resolve_names(struct options *o)
{
	char msg[CLI_ERRLEN], safe[UTIL_ESCAPE_MAX(CLI_ERRLEN)];
	int rc;

	if (o->face != FACE_LSOF || (rc = lsof_resolve_apart(o->lsof,
	    privs_drop_user, msg, sizeof(msg))) == CLI_RUN)
		return;
	if (rc == -1)
		err(EXIT_FAIL, "looking names up as another user, without "
		    "capabilities");
	util_escape(safe, sizeof(safe), msg, strlen(msg));
	warnx("%s", safe);
	usage_print(stderr, USAGE_LSOF);
	exit(EXIT_USAGE);
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
report_pass(const struct pipeline_report *rep, const struct options *o)
{
	const struct source_stats *st = &rep->stats;

	if (rep->refcnt_errno != 0)
		warnx("RefCnt shows 0: reading %s/net/unix: %s", o->proc_root,
		    strerror(rep->refcnt_errno));

	if (st->malformed > 0)
		warnx("skipped %lu malformed kernel record%s", st->malformed,
		    st->malformed == 1 ? "" : "s");
	if (st->inconsistent > 0)
		warnx("%lu netlink dump%s changed while being read; "
		    "rows may be inconsistent", st->inconsistent,
		    st->inconsistent == 1 ? "" : "s");
}

/* Appends ", " and the printf text to buf (of size len), cut if full. */
static void
list_addf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used > 0 && used + 2 < len) {
		memcpy(buf + used, ", ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* netstat's name of dump i (0: IPv4 or UNIX, 1: IPv6) of proto. */
static const char *
dump_name(unsigned proto, unsigned i)
{
	return names_proto(proto, proto == PROTO_UNIX ? AF_UNIX :
	    i == 0 ? AF_INET : AF_INET6);
}

/* The /proc/net file of dump i of proto ("udplite6"), "?" if none. */
static const char *
dump_file(unsigned proto, unsigned i)
{
	struct dump_req req = { .proto = (enum sock_proto)proto,
	    .family = proto == PROTO_UNIX ? AF_UNIX :
	    i == 0 ? AF_INET : AF_INET6 };
	const char *f = procnet_file(&req);

	return f != NULL ? f : "?";
}

/*
 * Issue 11: when netlink was refused (seccomp, a container), says once
 * which dumps came from /proc/net instead, whose UNIX rows a process can
 * forge.  A kernel that only lacks a diag module gives the same rows
 * from /proc/net: nothing to say then.
 */
static void
report_fallback(const struct pipeline_report *rep, const char *root)
{
	const struct pipeline_dump *d, *first = NULL;
	char names[128] = "";
	unsigned proto, i;

	for (proto = 0; proto < PROTO_COUNT; proto++)
		for (i = 0; i < 2; i++) {
			d = &rep->dumps[proto][i];
			if (d->from == NULL || d->nmissed == 0 ||
			    !pipeline_refused(d->missed_errno[0]))
				continue;
			if (first == NULL)
				first = d;
			list_addf(names, sizeof(names), "%s",
			    dump_name(proto, i));
		}
	if (first != NULL && strcmp(first->from, "proc") == 0)
		warnx("%s refused (%s): %s read from %s/net instead",
		    first->missed[0], strerror(first->missed_errno[0]), names,
		    root);
	else if (first != NULL)
		warnx("%s refused (%s): %s read from %s instead",
		    first->missed[0], strerror(first->missed_errno[0]), names,
		    first->from);
}

/*
 * Issue 15: /proc/net has no TCP internals.  When --info, --mem or
 * --extended was asked and some dump came from there, its rows have no
 * detail (null in JSON): say which, once, rather than leave it blank.
 */
static void
report_internals(const struct pipeline_report *rep, const struct options *o)
{
	char names[128] = "";
	unsigned proto, i;

	if (tcpinfo_wanted(o) == 0)
		return;
	for (proto = 0; proto < PROTO_COUNT; proto++)
		for (i = 0; i < 2; i++)
			if (rep->dumps[proto][i].from != NULL &&
			    strcmp(rep->dumps[proto][i].from, "proc") == 0)
				list_addf(names, sizeof(names), "%s",
				    dump_name(proto, i));
	if (names[0] != '\0')
		warnx("--info, --mem, --extended: %s read from %s/net, which "
		    "has none of their fields", names, o->proc_root);
}

/* Why the last source of d could not read it, in the user's words. */
static const char *
gap_reason(const struct pipeline_dump *d)
{
	const char *src = d->missed[d->nmissed - 1];
	int e = d->missed_errno[d->nmissed - 1];

	if (strcmp(src, "netlink") == 0) {
		if (e == ENOENT || e == EOPNOTSUPP)
			return "the kernel has no sock_diag module for them";
		if (e == EPROTONOSUPPORT || e == EAFNOSUPPORT)
			return "the kernel has no sock_diag";
		if (pipeline_refused(e))
			return "netlink was refused";
	}
	return NULL;
}

/* Whether dump g went unread for the same reason as d. */
static int
same_gap(const struct pipeline_dump *g, const struct pipeline_dump *d)
{
	return g->asked && g->from == NULL &&
	    strcmp(g->missed[g->nmissed - 1], d->missed[d->nmissed - 1]) == 0 &&
	    g->missed_errno[g->nmissed - 1] == d->missed_errno[d->nmissed - 1];
}

/*
 * One line for the unread dump d (of proto) and every later one unread
 * for the same reason, marked in seen.
 */
static void
report_gap(const struct pipeline_report *rep, unsigned proto,
    const struct pipeline_dump *d, unsigned seen[][2], const char *root)
{
	char names[128] = "", files[1024] = "";
	const char *why = gap_reason(d), *src = d->missed[d->nmissed - 1];
	const char *e = strerror(d->missed_errno[d->nmissed - 1]);
	unsigned p, j;

	for (p = proto; p < PROTO_COUNT; p++)
		for (j = 0; j < 2; j++) {
			if (seen[p][j] || !same_gap(&rep->dumps[p][j], d))
				continue;
			seen[p][j] = 1;
			list_addf(names, sizeof(names), "%s", dump_name(p, j));
			list_addf(files, sizeof(files), "%s/net/%s", root,
			    dump_file(p, j));
		}
	if (strcmp(src, "proc") == 0)
		src = files;
	if (why != NULL)
		warnx("%s sockets not read: %s (%s: %s)", names, why, src, e);
	else
		warnx("%s sockets not read: %s: %s", names, src, e);
}

/*
 * Issue 10: names the dumps no source could read and why, one line per
 * reason.  Returns whether some protocol asked for was not read at all
 * (every dump of it missing): then the run exits 1.
 */
static int
report_gaps(const struct pipeline_report *rep, const struct options *o)
{
	const struct pipeline_dump *d;
	unsigned proto, i, seen[PROTO_COUNT][2];
	int missing = 0, asked, read_some;

	memset(seen, 0, sizeof(seen));
	/* A kernel without UDP-Lite lacks nothing asked for by name. */
	for (proto = 0; proto < PROTO_COUNT; proto++)
		if (o->protos_implied & PROTO_OPTIONAL & (1U << proto))
			seen[proto][0] = seen[proto][1] = 1;
	for (proto = 0; proto < PROTO_COUNT; proto++) {
		if (seen[proto][0] && seen[proto][1])
			continue;
		asked = read_some = 0;
		for (i = 0; i < 2; i++) {
			d = &rep->dumps[proto][i];
			asked |= d->asked;
			read_some |= d->from != NULL;
			if (d->asked && d->from == NULL && !seen[proto][i])
				report_gap(rep, proto, d, seen, o->proc_root);
		}
		if (asked && !read_some)
			missing = 1;
	}
	return missing;
}

/*
 * Says how many selected sockets have no owner because some processes
 * could not be read, each cause apart: denied (or hidden by hidepid),
 * failed with another error, and, beside those, exited while being read
 * (a race, silent alone: its sockets are mostly gone too).  Returns 1
 * when it said so: main says it once per run, not on each pass.
 */
static int
report_owners(const struct procmap_stats *ps, const struct privs *pv,
    const struct pipeline_report *rep)
{
	/*
	 * With hidepid=invisible other users' processes are not even
	 * listed, so nothing counts as denied: say so from the mount option.
	 */
	int hidden = ps->hidepid > PROCMAP_HIDEPID_OFF && !pv->can_read_fds;
	unsigned long d = ps->procs_denied, f = ps->procs_failed;
	unsigned long v = ps->procs_vanished;
	char why[512] = "";

	if (rep->unowned == 0 || (d == 0 && f == 0 && !hidden))
		return 0;
	if (d > 0 && pv->can_read_fds)
		list_addf(why, sizeof(why), "%lu process%s could not be read "
		    "(denied even with cap_dac_read_search and "
		    "cap_sys_ptrace: another user namespace?)", d,
		    d == 1 ? "" : "es");
	else if (d > 0)
		list_addf(why, sizeof(why), "%lu process%s could not be read "
		    "(permission denied, missing %s)", d, d == 1 ? "" : "es",
		    pv->missing);
	else if (hidden)
		list_addf(why, sizeof(why), "/proc is mounted with hidepid, "
		    "other users' processes are hidden");
	if (f > 0)
		list_addf(why, sizeof(why), "%lu process%s could not be read: "
		    "%s", f, f == 1 ? "" : "es", strerror(ps->failed_errno));
	if (v > 0)
		list_addf(why, sizeof(why), "%lu exited while being read", v);
	warnx("owners of %lu socket%s not shown: %s", rep->unowned,
	    rep->unowned == 1 ? "" : "s", why);
	if ((d > 0 || hidden) && !pv->can_read_fds)
		warnx("to see them run as root, or give the binary: setcap "
		    "cap_dac_read_search,cap_sys_ptrace+p sockstat");
	return 1;
}

static const struct formatter *
pick_formatter(const struct options *o)
{
	if (o->face == FACE_SUMMARY)
		return o->group_by ? &fmt_group : &fmt_summary;
	if (o->face == FACE_OPENMETRICS)
		return &fmt_openmetrics;
	if (o->face == FACE_LSOF)
		return o->json ? &fmt_json : &fmt_lsof;
	/* --sort: the same face behind one that keeps and sorts rows. */
	if (o->sort[0] != 0)
		return fmt_sort_wrap(o->json ? &fmt_json : &fmt_table);
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
	/* argv0 costs a read per process: only where it is shown. */
	unsigned flags = o->face != FACE_LSOF || o->json ? PROCMAP_ARGV0 : 0;

	/* --all-netns: the owners' containers, from their cgroups. */
	if (o->all_netns)
		flags |= PROCMAP_CGROUP;

	if (privs_raise(PRIVS_FDS) == -1)
		err(EXIT_FAIL, "raising capabilities");
	m = procmap_build_flags(o->proc_root, flags, ps);
	if (m == NULL)
		err(EXIT_FAIL, "reading %s/*/fd", o->proc_root);
	if (privs_lower() == -1)
		err(EXIT_FAIL, "lowering capabilities");
	return m;
}

/* The FILTER words joined by spaces, as the parser and the caret see them. */
static char *
filter_text(const struct options *o)
{
	size_t len = 1, at = 0;
	char *text;
	int i;

	for (i = 0; i < o->filter_argc; i++)
		len += strlen(o->filter_argv[i]) + 1;
	if ((text = malloc(len)) == NULL)
		err(EXIT_FAIL, NULL);
	text[0] = '\0';
	for (i = 0; i < o->filter_argc; i++)
		at += (size_t)sprintf(text + at, "%s%s", i > 0 ? " " : "",
		    o->filter_argv[i]);
	return text;
}

/*
 * A bad filter: the expression on one line, a caret under the first bad
 * token with what was expected there, then the synopsis; exit 2.  Both
 * are escaped, so the caret's column is the escaped width before it.
 */
static void
filter_fail(const char *text, size_t pos, const char *msg)
{
	char safe[UTIL_ESCAPE_MAX(1024)], smsg[UTIL_ESCAPE_MAX(FEXPR_ERRLEN)];
	size_t col;

	util_escape(safe, sizeof(safe), text, pos);
	col = strlen(program_invocation_short_name) + strlen(": filter: ") +
	    strlen(safe);
	util_escape(safe, sizeof(safe), text, strlen(text));
	util_escape(smsg, sizeof(smsg), msg, strlen(msg));
	warnx("filter: %s", safe);
	fprintf(stderr, "%*s^ %s\n", (int)col, "", smsg);
	usage_print(stderr, USAGE_NETSTAT);
	exit(EXIT_USAGE);
}

/*
 * Parses the FILTER of o, compiles its kernel program into o, and picks
 * the source it needs; NULL when there is none.  Host, service and user
 * names are looked up in a child that leaves uid 0 and holds no
 * capability: called while CAP_SETUID is still permitted.
 */
static struct fexpr *
filter_build(struct options *o)
{
	char msg[FEXPR_ERRLEN], *text;
	struct fexpr *fx;
	void *bc;
	size_t pos = 0, len;

	if (o->filter_argc == 0)
		return NULL;
	text = filter_text(o);
	if (fexpr_parse_apart(text, privs_drop_user, &fx, msg, sizeof(msg),
	    &pos) == -1) {
		if (errno != EINVAL)
			err(EXIT_FAIL, "filter: looking names up as another "
			    "user, without capabilities");
		filter_fail(text, pos, msg);
	}
	free(text);
	/* Only rows read with --netns or --all-netns say their namespace. */
	if ((fx->needs & FX_NEEDS_NETNS) && o->netns == NULL &&
	    !o->all_netns) {
		warnx("filter: netns needs --netns or --all-netns");
		usage_print(stderr, USAGE_NETSTAT);
		exit(EXIT_USAGE);
	}
	if (fx->needs & (FX_NEEDS_KERNEL | FX_NEEDS_IFINDEX)) {
		/* /proc/net has no device, mark, cgroup or autobind. */
		if (o->source == SOURCE_PROC) {
			warnx("--source=proc cannot check dev, fwmark, cgroup "
			    "or autobound: /proc/net does not show them");
			usage_print(stderr, USAGE_NETSTAT);
			exit(EXIT_USAGE);
		}
		o->source = SOURCE_NETLINK;
	}
	if (fexpr_bc(fx, &bc, &len) == -1) {
		if (errno != E2BIG || (fx->needs & FX_NEEDS_KERNEL))
			err(errno == E2BIG ? EXIT_USAGE : EXIT_FAIL,
			    "filter program");
		warnx("the filter is too long for the kernel: filtering in "
		    "user space");
	}
	/*
	 * A test seam: a first instruction the kernel does not know makes
	 * it refuse the program, which the fallback to user space needs.
	 */
	if (bc != NULL && getenv("SOCKSTAT_DEBUG_REFUSED_PROGRAM") != NULL)
		*(unsigned char *)bc = 0xff;
	o->filter_bc = bc;
	o->filter_bc_len = len;
	o->filter_bc_needed = (fx->needs & FX_NEEDS_KERNEL) != 0;
	fexpr_port_hint(fx, &o->filter_sport, &o->filter_dport);
	return fx;
}

/*
 * -E with its FILTER, which events can only be checked against by what
 * they carry: addresses, ports, states and the process.
 */
static int
watch_run(struct options *o)
{
	struct fexpr *fx;
	int rc;

	fx = filter_build(o);
	if (fx != NULL && (fx->needs & (FX_NEEDS_KERNEL | FX_NEEDS_IFINDEX))) {
		warnx("-E cannot check dev, fwmark, cgroup or autobound: "
		    "events do not carry them");
		usage_print(stderr, USAGE_WATCH);
		exit(EXIT_USAGE);
	}
	o->filter = fx;
	rc = cmd_watch(o);
	fexpr_free(fx);
	free((void *)o->filter_bc);
	return rc;
}

/*
 * sockstat top: its program, sockstat-top (src/top_main.c), the only one
 * linked with curses, which every other run would otherwise load (half
 * a millisecond of each start).  Run with the same arguments, privileges
 * untouched, as sockstat top always was.
 */
static int
run_top(int argc, char *argv[])
{
	char path[PATH_MAX], safe[UTIL_ESCAPE_MAX(PATH_MAX)];
	struct libexec_trust t;
	char **args;
	int fd;

	/* Found before anything is allocated: an exit leaks nothing. */
	path[0] = '\0';
	libexec_trust_self(&t);
	fd = libexec_open("sockstat-top", &t, path, sizeof(path));
	util_escape(safe, sizeof(safe), path, strlen(path));
	if (fd == -1 && errno == EPERM)
		errx(EXIT_FAIL, "top: not running %s: it must be a regular "
		    "file that, like each directory to it, is no link, is "
		    "owned by root%s and is writable by no one else", safe,
		    t.user != 0 ? " or you" : "");
	if (fd == -1)
		err(EXIT_FAIL, "top: cannot find %s", safe);
	if ((args = calloc((size_t)argc + 2, sizeof(*args))) == NULL)
		err(EXIT_FAIL, NULL);
	args[0] = program_invocation_name;
	memcpy(args + 1, argv, (size_t)argc * sizeof(*args));
	fexecve(fd, args, environ);
	free(args);
	err(EXIT_FAIL, "top: cannot run %s", safe);
}

/* Subcommands: small programs of their own, run before anything else. */
static const struct subcommand {
	const char	*name;
	int		 (*run)(int, char **);
} subcommands[] = {
	{ "demo",		cmd_demo },
	{ "echo-client",	cmd_echo_client },
	{ "echo-server",	cmd_echo_server },
	{ "top",		run_top },
};

/* The selection the face's letters make (select.h). */
static struct selection *
pick_selection(const struct options *o, const struct fexpr *fx)
{
	struct selection *sel;

	sel = o->face == FACE_LSOF ? lsof_selection_new(o) : fx != NULL ?
	    filter_expr_selection_new(o, fx) : filter_selection_new(o);
	if (sel == NULL)
		err(EXIT_FAIL, NULL);
	return sel;
}

/*
 * The privileged section of netlink dumps that show or test marks: the
 * kernel checks CAP_NET_ADMIN on the socket's opener and each request's
 * sender, and nothing else runs with it.
 */
static int
netadmin_section(int on)
{
	return on ? privs_raise(PRIVS_NETADMIN) : privs_lower();
}

/* Whether the run shows or tests marks (fwmark, --extended). */
static int
wants_marks(const struct options *o, const struct fexpr *fx)
{
	return (fx != NULL && (fx->needs & FX_NEEDS_NETADMIN)) ||
	    (tcpinfo_wanted(o) & EXT_EXTENDED);
}

/* Keeps what the mask what of PRIVS_* needs, or nothing. */
static void
keep_only(int what)
{
	if ((what == 0 ? privs_drop_all() : privs_keep(what)) == -1)
		err(EXIT_FAIL, "dropping capabilities");
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
	struct selection *sel;
	struct fexpr *fx;
	const struct formatter *f;
	struct netns_run nr;
	unsigned long pass, listed = 0;
	int incomplete = 0, gaps_said = 0, owners_said = 0, bc_said = 0;
	int want_owners, marks, netns, rc;

	stdfds_open();
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Before privs_init(): the echo server may bind a port below 1024
	 * as root and drops every capability itself right after.
	 */
	for (size_t i = 0; argc > 1 && i < sizeof(subcommands) /
	    sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	parse_command_line(&o, argc, argv);
	/*
	 * -E sorts its privileges out itself, before privs_init(): the
	 * destroy groups are joined with what the process has, then the
	 * tracepoint is opened under PRIVS_TRACE alone.
	 */
	if (o.watch)
		return watch_run(&o);
	if (privs_init(&pv) == -1)
		err(EXIT_FAIL, "reading capabilities");
	fx = filter_build(&o);
	resolve_names(&o);
	/*
	 * Only -p (or a filter on holders) needs a capability, the two for
	 * /proc/PID/fd, and marks need CAP_NET_ADMIN: keep those alone,
	 * permitted but not effective, or nothing at all.  The filter's
	 * names were looked up before, by a child that left uid 0.
	 */
	/*
	 * --netns, --all-netns: cap_sys_admin too, raised around each
	 * setns alone (cmd_netns.c), kept permitted until the last
	 * namespace is opened.
	 */
	netns = o.netns != NULL || o.all_netns;
	if (netns && (rc = netns_run_init(&nr, &o, &pv)) != 0)
		exit(rc);
	keep_only(PRIVS_FDS | PRIVS_NETADMIN | (netns ? PRIVS_NETNS : 0));
	want_owners = o.program || (fx != NULL &&
	    (fx->needs & FX_NEEDS_OWNERS));
	marks = wants_marks(&o, fx);
	/* A namespace of another user's process is opened with the fd pair. */
	keep_only((want_owners || netns ? PRIVS_FDS : 0) |
	    (marks ? PRIVS_NETADMIN : 0) | (netns ? PRIVS_NETNS : 0));
	sel = pick_selection(&o, fx);
	if ((p = pipeline_new(&o, sel)) == NULL)
		err(EXIT_FAIL, NULL);
	if (marks)
		pipeline_set_privileged(p, netadmin_section);
	f = pick_formatter(&o);

	for (pass = 0; o.count == 0 || pass < o.count; pass++) {
		if (pass > 0)
			sleep_ms(o.interval_ms);
		memset(&ps, 0, sizeof(ps));
		if (netns && (rc = netns_run_open(&nr, p, &o)) != 0)
			exit(rc);
		if (netns && !want_owners && !o.continuous)
			keep_only(marks ? PRIVS_NETADMIN : 0);
		if (want_owners)
			owners = owners_build(&o, &ps);
		if (want_owners && !o.continuous)
			keep_only(marks ? PRIVS_NETADMIN : 0);
		if (o.continuous && !o.json && o.face != FACE_LSOF)
			print_timestamp(stdout);
		if (pipeline_pass(p, f, stdout, owners, &rep) == -1) {
			if (rep.bc_refused > 0)
				warnx("the kernel refused the filter program: "
				    "%s%s", strerror(rep.bc_errno),
				    rep.bc_errno == EPERM && marks ? " (fwmark "
				    "needs cap_net_admin)" : "");
			if (rep.failed[0] != '\0')
				err(EXIT_FAIL, "reading %s sockets", rep.failed);
			/* A reader that went away (| head) is not an error to report. */
			if (errno == EPIPE)
				exit(EXIT_FAIL);
			err(EXIT_FAIL, "writing output");
		}
		listed += rep.rows;
		/* What the sources could not give is said once per run. */
		if (!gaps_said) {
			report_fallback(&rep, o.proc_root);
			incomplete = report_gaps(&rep, &o);
			report_internals(&rep, &o);
			gaps_said = 1;
		}
		report_pass(&rep, &o);
		/* Said once: the source sends the program no more. */
		if (rep.bc_refused > 0 && !bc_said) {
			warnx("the kernel refused the filter program (%s): %s",
			    strerror(rep.bc_errno), rep.bc_errno == EPERM &&
			    marks ? "fwmark needs cap_net_admin" :
			    o.filter_bc_needed ? "fwmark, cgroup and "
			    "autobound can only be checked by the kernel" :
			    "filtering in user space");
			bc_said = 1;
		}
		/* A test seam: shows that the kernel did the filtering. */
		if (getenv("SOCKSTAT_DEBUG_REPLIES") != NULL)
			warnx("debug: %lu netlink replies, %lu rows shown, "
			    "%lu netlink dumps", rep.replies, rep.rows,
			    rep.requests);
		if (o.program && !owners_said)
			owners_said = report_owners(&ps, &pv, &rep);
		if (marks && !o.continuous)
			keep_only(0);
		procmap_free(owners);
		owners = NULL;
		if (netns)
			netns_run_close(&nr, p);
		if (!o.continuous)
			break;
		/* lsof's marker closes each -r pass. */
		if (o.face == FACE_LSOF && !o.json) {
			const char *m;
			size_t mlen;

			m = lsof_marker(o.lsof, &mlen);
			fwrite(m, 1, mlen, stdout);
			fflush(stdout);
		}
	}
	if (netns)
		netns_run_free(&nr);
	pipeline_free(p);
	selection_free(sel);
	fexpr_free(fx);
	free((void *)o.filter_bc);
	if (o.face == FACE_LSOF)
		lsof_sel_free(o.lsof);
	if (incomplete)
		return EXIT_FAIL;
	/* As lsof: nothing listed is exit 1. */
	return o.face == FACE_LSOF && listed == 0 ? EXIT_FAIL : EXIT_OK;
}
