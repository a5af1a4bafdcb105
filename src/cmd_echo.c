/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_echo.c - the command lines of "sockstat echo-server" and
 * "sockstat echo-client": option parsing, and the logger that writes
 * the echo code's lines to stderr in the tutorials' Python logger
 * format, "DD-MM-YYYY HH:MM:SS - LEVEL - NAME - message".
 */
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "echo.h"
#include "privs.h"
#include "sockstat.h"
#include "usage.h"
#include "util.h"

/* The tutorials' logger: datefmt "%d-%m-%Y %H:%M:%S", local time. */
#define LOG_DATEFMT	"%d-%m-%Y %H:%M:%S"

static const char *const level_names[] = { "INFO", "WARNING", "ERROR" };

static const char *const default_messages[] = {
	"Message 1 from client.",
	"Message 2 from client."
};

/* arg is the logger's name.  One write(2) per line, so lines never mix. */
static void
log_line(void *arg, int level, const char *msg)
{
	char ts[64], line[1400];
	struct tm tm;
	time_t t = time(NULL);
	int n;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(ts, sizeof(ts), LOG_DATEFMT, &tm) == 0)
		strcpy(ts, "?");
	if (level < 0 || level > ECHO_LOG_ERROR)
		level = ECHO_LOG_ERROR;
	n = snprintf(line, sizeof(line), "%s - %s - %s - %s\n", ts,
	    level_names[level], (const char *)arg, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void)!write(STDERR_FILENO, line, n);
}

void
cmd_bad_option(int ch, char **argv)
{
	char eb[CMD_ESCLEN], name[CMD_ESCLEN];
	const char *arg = argv[optind - 1], *eq;

	if (ch == ':')
		warnx("option %s needs a value",
		    util_esc(eb, sizeof(eb), arg));
	else if (optopt != 0 && strncmp(arg, "--", 2) == 0 &&
	    (eq = strchr(arg, '=')) != NULL) {
		/* getopt names a flag's letter when it was given a value. */
		snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
		warnx("option %s takes no value",
		    util_esc(eb, sizeof(eb), name));
	} else if (optopt != 0)
		warnx("unknown option -%s", util_esc(eb, sizeof(eb),
		    (char[]){ (char)optopt, '\0' }));
	else
		warnx("unknown option %s",
		    util_esc(eb, sizeof(eb), argv[optind - 1]));
}

/* Parses a number option; on error says which and returns -1. */
static int
num_opt(const char *name, const char *s, long long min, long long max,
    long long *v)
{
	const char *errstr;
	char eb[CMD_ESCLEN];

	*v = util_strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		warnx("%s %s: %s", name, errstr, util_esc(eb, sizeof(eb), s));
		return -1;
	}
	return 0;
}

static int
check_address(const char *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char eb[CMD_ESCLEN];

	if (echo_addr_parse(a, 0, &ss, &len) != 0) {
		warnx("address %s: not an IPv4 or IPv6 address",
		    util_esc(eb, sizeof(eb), a));
		return -1;
	}
	return 0;
}

/*
 * The user a server started as root runs as: the one who ran sudo
 * (SUDO_UID and SUDO_GID, neither 0), else nobody.  Returns 0, or -1
 * with errno set and the reason in err.
 */
static int
unprivileged_user(uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	const char *e1 = "unset", *e2 = "unset";
	struct passwd *pw;
	long long u = 0, g = 0;

	if (su != NULL && sg != NULL) {
		u = util_strtonum(su, 1, UINT32_MAX - 1, &e1);
		g = util_strtonum(sg, 1, UINT32_MAX - 1, &e2);
	}
	if (e1 == NULL && e2 == NULL) {
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam("nobody")) == NULL || pw->pw_uid == 0 ||
	    pw->pw_gid == 0) {
		if (errno == 0)
			errno = ENOENT;
		snprintf(err, errlen, "find the user nobody to run as");
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
cmd_echo_drop_privs(struct echo_server *s, char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;

	/*
	 * Bound, the server needs no privilege at all, nor does the client.
	 * As root they also leave uid 0, so that a bug in the echo loop
	 * cannot write root's files, which dropping capabilities alone
	 * would still allow.
	 */
	if (geteuid() == 0) {
		if (unprivileged_user(&uid, &gid, err, errlen) == -1)
			return -1;
		if (privs_raise_setid() == -1) {
			snprintf(err, errlen, "raise CAP_SETUID");
			return -1;
		}
		/*
		 * The socket file goes to the same user, so that the server
		 * can remove it at exit and a client can connect to it.
		 */
		if (s != NULL && echo_server_chown_unix(s, uid, gid) == -1) {
			snprintf(err, errlen, "give the UNIX socket to uid %lu",
			    (unsigned long)uid);
			return -1;
		}
		if (setgroups(1, &gid) == -1 ||
		    setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1) {
			snprintf(err, errlen, "switch to uid %lu gid %lu",
			    (unsigned long)uid, (unsigned long)gid);
			return -1;
		}
	}
	if (privs_drop_all() == -1) {
		snprintf(err, errlen, "drop privileges");
		return -1;
	}
	return 0;
}

static int
server_usage(FILE *f, int status)
{
	if (status == EXIT_OK)
		usage_help(f, USAGE_ECHO_SERVER);
	else
		usage_print(f, USAGE_ECHO_SERVER);
	return status;
}

static int
client_usage(FILE *f, int status)
{
	if (status == EXIT_OK)
		usage_help(f, USAGE_ECHO_CLIENT);
	else
		usage_print(f, USAGE_ECHO_CLIENT);
	return status;
}

/* Which command takes an option. */
#define SERVER	0x1
#define CLIENT	0x2

enum {
	OPT_CLOSE = 256, OPT_COUNT, OPT_HOLD, OPT_IDLE, OPT_MAX, OPT_RATE,
	OPT_UDP,
	OPT_UNIX
};

/* Every option of both commands, sorted by long name. */
static const struct echo_opt {
	const char	*name;
	int		 has_arg;
	int		 val;		/* the letter, or OPT_* */
	int		 cmds;		/* SERVER, CLIENT */
} echo_opts[] = {
	{ "address",	  required_argument, 'a',	SERVER | CLIENT },
	{ "close",	  required_argument, OPT_CLOSE,	CLIENT },
	{ "conns",	  required_argument, 'c',	CLIENT },
	{ "count",	  required_argument, OPT_COUNT,	SERVER },
	{ "help",	  no_argument,	     'h',	SERVER | CLIENT },
	{ "hold",	  required_argument, OPT_HOLD,	CLIENT },
	{ "idle-timeout", required_argument, OPT_IDLE,	SERVER },
	{ "max-conns",	  required_argument, OPT_MAX,	SERVER },
	{ "port",	  required_argument, 'p',	SERVER | CLIENT },
	{ "rate",	  required_argument, OPT_RATE,	CLIENT },
	{ "timeout",	  required_argument, 'w',	CLIENT },
	{ "udp",	  no_argument,	     OPT_UDP,	SERVER | CLIENT },
	{ "unix",	  required_argument, OPT_UNIX,	SERVER | CLIENT },
	{ "verbose",	  no_argument,	     'v',	SERVER | CLIENT },
};
#define NOPTS	(sizeof(echo_opts) / sizeof(echo_opts[0]))

/* What the command line of either command sets. */
struct echo_args {
	int		 cmd;		/* SERVER or CLIENT */
	struct echo_config srv;
	struct echo_client_config cli;
	int		 close_set;	/* --close was given */
};

/*
 * Builds cmd's getopt_long option string (':' first, letters with their
 * ':') and long options from echo_opts.
 */
static void
build_opts(int cmd, char *shortopts, struct option *longopts)
{
	const struct echo_opt *e;
	size_t i, n = 0, k = 0;

	shortopts[k++] = ':';
	for (i = 0; i < NOPTS; i++) {
		e = &echo_opts[i];
		if (!(e->cmds & cmd))
			continue;
		longopts[n].name = e->name;
		longopts[n].has_arg = e->has_arg;
		longopts[n].flag = NULL;
		longopts[n++].val = e->val;
		if (e->val < 256) {
			shortopts[k++] = (char)e->val;
			if (e->has_arg == required_argument)
				shortopts[k++] = ':';
		}
	}
	shortopts[k] = '\0';
	memset(&longopts[n], 0, sizeof(longopts[n]));
}

/* Applies one option getopt returned.  Returns 0, or -1 (said why). */
static int
apply_opt(struct echo_args *a, int ch, const char *arg)
{
	char eb[CMD_ESCLEN];
	int srv = a->cmd == SERVER;
	long long v;

	switch (ch) {
	case 'a':
		if (check_address(arg) == -1)
			return -1;
		a->srv.address = a->cli.address = arg;
		return 0;
	case OPT_CLOSE:
		if (strcmp(arg, "client") == 0)
			a->cli.close_by = ECHO_CLOSE_CLIENT;
		else if (strcmp(arg, "server") == 0)
			a->cli.close_by = ECHO_CLOSE_SERVER;
		else {
			warnx("close %s: not client or server",
			    util_esc(eb, sizeof(eb), arg));
			return -1;
		}
		a->close_set = 1;
		return 0;
	case 'c':
		if (num_opt("conns", arg, 1, 10000, &v) == -1)
			return -1;
		a->cli.conns = v;
		return 0;
	case OPT_COUNT:
		if (num_opt("count", arg, 0, 1000000000, &v) == -1)
			return -1;
		a->srv.count = v;
		return 0;
	case OPT_HOLD:
		if (num_opt("hold", arg, 0, 86400, &v) == -1)
			return -1;
		a->cli.hold = v;
		return 0;
	case OPT_RATE:
		if (num_opt("rate", arg, 1, 1000000000, &v) == -1)
			return -1;
		a->cli.rate = v;
		return 0;
	case OPT_IDLE:
		if (num_opt("idle timeout", arg, 0, 86400, &v) == -1)
			return -1;
		a->srv.idle_timeout = v;
		return 0;
	case OPT_MAX:
		if (num_opt("max conns", arg, 0, 1000000, &v) == -1)
			return -1;
		a->srv.max_conns = v;
		return 0;
	case 'p':
		/* A server may ask for any port (0: ephemeral). */
		if (num_opt("port", arg, srv ? 0 : 1, 65535, &v) == -1)
			return -1;
		a->srv.port = a->cli.port = v;
		return 0;
	case 'w':
		if (num_opt("timeout", arg, 1, 3600, &v) == -1)
			return -1;
		a->cli.timeout = v;
		return 0;
	case OPT_UDP:
		a->srv.udp = a->cli.udp = 1;
		return 0;
	case OPT_UNIX:
		a->srv.unix_path = a->cli.unix_path = arg;
		return 0;
	case 'v':
		a->srv.verbose = a->cli.verbose = 1;
		return 0;
	}
	return -1;
}

/*
 * The one option loop of both commands (cmd SERVER or CLIENT).  Returns
 * 0 with a filled in and *first the index of the first operand, or -1
 * when the command is to end with status *status: EXIT_OK after --help
 * (usage on stdout), EXIT_USAGE after saying what was wrong.
 */
static int
parse_args(int cmd, int argc, char **argv, struct echo_args *a,
    int *first, int *status)
{
	int (*usage)(FILE *, int) = cmd == SERVER ? server_usage : client_usage;
	struct option longopts[NOPTS + 1];
	char shortopts[2 * NOPTS + 2];
	int ch;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	echo_config_init(&a->srv);
	echo_client_config_init(&a->cli);
	build_opts(cmd, shortopts, longopts);
	optind = 0;	/* glibc: start over, main may have parsed before */
	opterr = 0;	/* cmd_bad_option says it, escaped */
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	    -1) {
		if (ch == 'h') {
			*status = usage(stdout, EXIT_OK);
			return -1;
		}
		if (ch == ':' || ch == '?')
			cmd_bad_option(ch, argv);
		if (ch == ':' || ch == '?' || apply_opt(a, ch, optarg) == -1) {
			*status = usage(stderr, EXIT_USAGE);
			return -1;
		}
	}
	*first = optind;
	return 0;
}

int
cmd_echo_server(int argc, char **argv)
{
	struct echo_args a;
	struct echo_server *s;
	char errbuf[ECHO_ADDRSTRLEN + 64], eb[CMD_ESCLEN];
	int first, r;

	if (parse_args(SERVER, argc, argv, &a, &first, &r) == -1)
		return r;
	if (first != argc) {
		warnx("echo-server: unexpected argument %s",
		    util_esc(eb, sizeof(eb), argv[first]));
		return server_usage(stderr, EXIT_USAGE);
	}
	a.srv.log = log_line;
	a.srv.log_arg = "echo-server";

	if ((s = echo_server_open(&a.srv, errbuf, sizeof(errbuf))) == NULL ||
	    cmd_echo_drop_privs(s, errbuf, sizeof(errbuf)) == -1) {
		echo_logf(log_line, "echo-server", ECHO_LOG_ERROR,
		    "cannot %s: %s", errbuf, strerror(errno));
		echo_server_close(s);
		return EXIT_FAIL;
	}
	r = echo_server_run(s);
	if (r == -1)
		echo_logf(log_line, "echo-server", ECHO_LOG_ERROR,
		    "event loop: %s", strerror(errno));
	echo_server_close(s);
	return r == -1 ? EXIT_FAIL : EXIT_OK;
}

int
cmd_echo_client(int argc, char **argv)
{
	struct echo_args a;
	char errbuf[128];
	int first, r;

	if (parse_args(CLIENT, argc, argv, &a, &first, &r) == -1)
		return r;
	if (a.cli.udp && a.cli.unix_path != NULL) {
		warnx("cannot use --udp and --unix");
		return client_usage(stderr, EXIT_USAGE);
	}
	if (a.cli.rate > 0 && (a.cli.udp || a.cli.hold == 0)) {
		warnx("--rate needs --hold (how long to send) and a stream: "
		    "not --udp");
		return client_usage(stderr, EXIT_USAGE);
	}
	if (a.cli.udp && a.close_set) {
		warnx("cannot use --close with --udp: UDP has no close");
		return client_usage(stderr, EXIT_USAGE);
	}
	if (first < argc) {
		a.cli.messages = (const char * const *)argv + first;
		a.cli.nmessages = argc - first;
	} else {
		a.cli.messages = default_messages;
		a.cli.nmessages = sizeof(default_messages) /
		    sizeof(default_messages[0]);
	}
	a.cli.log = log_line;
	a.cli.log_arg = "echo-client";

	/* The client needs no privilege at all: the server's policy. */
	if (cmd_echo_drop_privs(NULL, errbuf, sizeof(errbuf)) == -1) {
		echo_logf(log_line, "echo-client", ECHO_LOG_ERROR,
		    "cannot %s: %s", errbuf, strerror(errno));
		return EXIT_FAIL;
	}
	if (echo_client_run(&a.cli) == -1) {
		if (errno == EINVAL || errno == ENAMETOOLONG)
			echo_logf(log_line, "echo-client", ECHO_LOG_ERROR,
			    "%s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
