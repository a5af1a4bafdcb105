/*
 * cmd_echo.c - the command lines of "sockstat echo-server" and
 * "sockstat echo-client": option parsing, and the logger that writes
 * the echo code's lines to stderr in the tutorials' Python logger
 * format, "DD-MM-YYYY HH:MM:SS - LEVEL - NAME - message".
 */
#include <sys/types.h>
#include <sys/capability.h>

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
	char eb[CMD_ESCLEN];

	if (ch == ':')
		warnx("option %s needs a value",
		    util_esc(eb, sizeof(eb), argv[optind - 1]));
	else if (optopt != 0)
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

/*
 * Raises CAP_CHOWN, CAP_SETGID and CAP_SETUID into the effective set,
 * as far as they are permitted: a caller (the demo) may have emptied it
 * already.  Returns 0, or -1 with errno set.
 */
static int
raise_setid(void)
{
	static const cap_value_t want[] = { CAP_CHOWN, CAP_SETGID,
	    CAP_SETUID };
	cap_flag_value_t v;
	cap_t c;
	size_t i;
	int rv = 0, save_errno;

	if ((c = cap_get_proc()) == NULL)
		return -1;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (cap_get_flag(c, want[i], CAP_PERMITTED, &v) == 0 &&
		    v == CAP_SET &&
		    cap_set_flag(c, CAP_EFFECTIVE, 1, &want[i], CAP_SET) == -1)
			rv = -1;
	if (rv == 0)
		rv = cap_set_proc(c);
	save_errno = errno;
	cap_free(c);
	errno = save_errno;
	return rv;
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
		if (raise_setid() == -1) {
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
	fprintf(f, "usage: sockstat echo-server [-v] [-a address] [-p port] "
	    "[--count n]\n"
	    "\t[--idle-timeout seconds] [--max-conns n] [--udp] "
	    "[--unix path]\n");
	return status;
}

int
cmd_echo_server(int argc, char **argv)
{
	enum { OPT_COUNT = 256, OPT_IDLE, OPT_MAX, OPT_UDP, OPT_UNIX };
	static const struct option longopts[] = {
		{ "address",		required_argument, NULL, 'a' },
		{ "count",		required_argument, NULL, OPT_COUNT },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "idle-timeout",	required_argument, NULL, OPT_IDLE },
		{ "max-conns",		required_argument, NULL, OPT_MAX },
		{ "port",		required_argument, NULL, 'p' },
		{ "udp",		no_argument,	   NULL, OPT_UDP },
		{ "unix",		required_argument, NULL, OPT_UNIX },
		{ "verbose",		no_argument,	   NULL, 'v' },
		{ NULL,			0,		   NULL, 0 }
	};
	struct echo_config cfg;
	struct echo_server *s;
	char errbuf[ECHO_ADDRSTRLEN + 64], eb[CMD_ESCLEN];
	long long v;
	int ch, r;

	echo_config_init(&cfg);
	cfg.log = log_line;
	cfg.log_arg = "echo-server";
	optind = 0;	/* glibc: start over, main may have parsed before */
	opterr = 0;	/* cmd_bad_option says it, escaped */
	while ((ch = getopt_long(argc, argv, ":a:hp:v", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'a':
			if (check_address(optarg) == -1)
				return server_usage(stderr, EXIT_USAGE);
			cfg.address = optarg;
			break;
		case OPT_COUNT:
			if (num_opt("count", optarg, 0, 1000000000, &v) == -1)
				return server_usage(stderr, EXIT_USAGE);
			cfg.count = v;
			break;
		case 'h':
			return server_usage(stdout, EXIT_OK);
		case OPT_IDLE:
			if (num_opt("idle timeout", optarg, 0, 86400, &v) ==
			    -1)
				return server_usage(stderr, EXIT_USAGE);
			cfg.idle_timeout = v;
			break;
		case OPT_MAX:
			if (num_opt("max conns", optarg, 0, 1000000, &v) == -1)
				return server_usage(stderr, EXIT_USAGE);
			cfg.max_conns = v;
			break;
		case 'p':
			if (num_opt("port", optarg, 0, 65535, &v) == -1)
				return server_usage(stderr, EXIT_USAGE);
			cfg.port = v;
			break;
		case OPT_UDP:
			cfg.udp = 1;
			break;
		case OPT_UNIX:
			cfg.unix_path = optarg;
			break;
		case 'v':
			cfg.verbose = 1;
			break;
		default:
			cmd_bad_option(ch, argv);
			return server_usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc) {
		warnx("echo-server: unexpected argument %s",
		    util_esc(eb, sizeof(eb), argv[optind]));
		return server_usage(stderr, EXIT_USAGE);
	}

	if ((s = echo_server_open(&cfg, errbuf, sizeof(errbuf))) == NULL ||
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

static int
client_usage(FILE *f, int status)
{
	fprintf(f, "usage: sockstat echo-client [-v] [-a address] [-c conns] "
	    "[-p port] [-w seconds]\n"
	    "\t[--close client | server] [--hold seconds] [--udp] "
	    "[--unix path]\n"
	    "\t[message ...]\n");
	return status;
}

int
cmd_echo_client(int argc, char **argv)
{
	enum { OPT_CLOSE = 256, OPT_HOLD, OPT_UDP, OPT_UNIX };
	static const struct option longopts[] = {
		{ "address",	required_argument, NULL, 'a' },
		{ "close",	required_argument, NULL, OPT_CLOSE },
		{ "conns",	required_argument, NULL, 'c' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "hold",	required_argument, NULL, OPT_HOLD },
		{ "port",	required_argument, NULL, 'p' },
		{ "timeout",	required_argument, NULL, 'w' },
		{ "udp",	no_argument,	   NULL, OPT_UDP },
		{ "unix",	required_argument, NULL, OPT_UNIX },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ NULL,		0,		   NULL, 0 }
	};
	struct echo_client_config cfg;
	char eb[CMD_ESCLEN], errbuf[128];
	long long v;
	int ch, close_set = 0;

	echo_client_config_init(&cfg);
	cfg.log = log_line;
	cfg.log_arg = "echo-client";
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":a:c:hp:vw:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'a':
			if (check_address(optarg) == -1)
				return client_usage(stderr, EXIT_USAGE);
			cfg.address = optarg;
			break;
		case OPT_CLOSE:
			if (strcmp(optarg, "client") == 0)
				cfg.close_by = ECHO_CLOSE_CLIENT;
			else if (strcmp(optarg, "server") == 0)
				cfg.close_by = ECHO_CLOSE_SERVER;
			else {
				warnx("close %s: not client or server",
				    util_esc(eb, sizeof(eb), optarg));
				return client_usage(stderr, EXIT_USAGE);
			}
			close_set = 1;
			break;
		case 'c':
			if (num_opt("conns", optarg, 1, 10000, &v) == -1)
				return client_usage(stderr, EXIT_USAGE);
			cfg.conns = v;
			break;
		case 'h':
			return client_usage(stdout, EXIT_OK);
		case OPT_HOLD:
			if (num_opt("hold", optarg, 0, 86400, &v) == -1)
				return client_usage(stderr, EXIT_USAGE);
			cfg.hold = v;
			break;
		case 'p':
			if (num_opt("port", optarg, 1, 65535, &v) == -1)
				return client_usage(stderr, EXIT_USAGE);
			cfg.port = v;
			break;
		case 'w':
			if (num_opt("timeout", optarg, 1, 3600, &v) == -1)
				return client_usage(stderr, EXIT_USAGE);
			cfg.timeout = v;
			break;
		case OPT_UDP:
			cfg.udp = 1;
			break;
		case OPT_UNIX:
			cfg.unix_path = optarg;
			break;
		case 'v':
			cfg.verbose = 1;
			break;
		default:
			cmd_bad_option(ch, argv);
			return client_usage(stderr, EXIT_USAGE);
		}
	}
	if (cfg.udp && cfg.unix_path != NULL) {
		warnx("cannot use --udp and --unix");
		return client_usage(stderr, EXIT_USAGE);
	}
	if (cfg.udp && close_set) {
		warnx("cannot use --close with --udp: UDP has no close");
		return client_usage(stderr, EXIT_USAGE);
	}
	if (optind < argc) {
		cfg.messages = (const char * const *)argv + optind;
		cfg.nmessages = argc - optind;
	} else {
		cfg.messages = default_messages;
		cfg.nmessages = sizeof(default_messages) /
		    sizeof(default_messages[0]);
	}

	/* The client needs no privilege at all: the server's policy. */
	if (cmd_echo_drop_privs(NULL, errbuf, sizeof(errbuf)) == -1) {
		echo_logf(log_line, "echo-client", ECHO_LOG_ERROR,
		    "cannot %s: %s", errbuf, strerror(errno));
		return EXIT_FAIL;
	}
	if (echo_client_run(&cfg) == -1) {
		if (errno == EINVAL || errno == ENAMETOOLONG)
			echo_logf(log_line, "echo-client", ECHO_LOG_ERROR,
			    "%s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
