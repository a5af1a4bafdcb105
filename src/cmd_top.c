/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_top.c - sockstat top: who moves data.  Each refresh takes one
 * snapshot of every socket (top_feed.c), the model turns two snapshots
 * into rates (top.c), and a frame shows a view of it (top_frame.c).
 * Batch mode (-b) prints frames to stdout, as top -b does.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "fexpr.h"
#include "privs.h"
#include "sockstat.h"
#include "top.h"
#include "top_feed.h"
#include "top_frame.h"
#include "top_ui.h"
#include "usage.h"
#include "util.h"

#define TOP_INTERVAL_MIN_MS	100
#define TOP_INTERVAL_MAX_MS	3600000

enum { OPT_GROUP = 256, OPT_JSON, OPT_SORT };

#define ARGS_HELP	(-1)	/* parse_args: --help was printed */

struct top_args {
	int		 batch;
	int		 json;
	unsigned	 interval_ms;
	unsigned long	 frames;	/* 0: until a signal */
	struct top_view_opts vo;
	char		*filter_text;	/* NULL: none */
};

static const struct option longopts[] = {
	{ "batch",	no_argument,		NULL,	'b' },
	{ "delay",	required_argument,	NULL,	'd' },
	{ "group",	required_argument,	NULL,	OPT_GROUP },
	{ "help",	no_argument,		NULL,	'h' },
	{ "json",	no_argument,		NULL,	OPT_JSON },
	{ "frames",	required_argument,	NULL,	'n' },
	{ "sort",	required_argument,	NULL,	OPT_SORT },
	{ NULL,		0,			NULL,	0 }
};

/* "1", "0.5", "2.25" seconds into ms; 0, or -1 (said why). */
static int
parse_interval(const char *s, unsigned *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || v * 1000 <
	    TOP_INTERVAL_MIN_MS || v * 1000 > TOP_INTERVAL_MAX_MS) {
		fprintf(stderr, "sockstat top: -d %s: seconds from 0.1 to "
		    "3600\n", s);
		return -1;
	}
	*ms = (unsigned)(v * 1000 + 0.5);
	return 0;
}

/* "send", "-send": ascending, or descending with the '-'. */
static int
parse_sort(const char *s, struct top_view_opts *vo)
{
	int desc = s[0] == '-';

	if (top_key_parse(s + desc, &vo->key) == -1) {
		fprintf(stderr, "sockstat top: --sort %s: one of owner, "
		    "local, remote, state, send, recv, rtt, cwnd, retrans, "
		    "recvq, sendq, with - to descend\n", s);
		return -1;
	}
	vo->descending = desc;
	return 0;
}

/* The filter words joined by spaces; NULL with errno ENOMEM. */
static char *
join_words(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* Returns EXIT_OK to go on, ARGS_HELP, or the exit status. */
static int
parse_args(int argc, char **argv, struct top_args *a)
{
	const char *errstr;
	int ch;

	memset(a, 0, sizeof(*a));
	a->interval_ms = 1000;
	a->vo.key = TOP_KEY_SEND;
	a->vo.descending = 1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":bd:hn:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'b':
			a->batch = 1;
			break;
		case 'd':
			if (parse_interval(optarg, &a->interval_ms) == -1)
				return EXIT_USAGE;
			break;
		case 'h':
			usage_help(stdout, USAGE_TOP);
			return ARGS_HELP;
		case 'n':
			a->frames = util_strtonum(optarg, 1, 1000000000,
			    &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "sockstat top: -n %s: %s\n",
				    optarg, errstr);
				return EXIT_USAGE;
			}
			break;
		case OPT_GROUP:
			if (top_group_parse(optarg, &a->vo.group) == -1) {
				fprintf(stderr, "sockstat top: --group %s: "
				    "one of none, process, remote, lport\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_SORT:
			if (parse_sort(optarg, &a->vo) == -1)
				return EXIT_USAGE;
			break;
		default:
			cmd_bad_option(ch, argv);
			usage_print(stderr, USAGE_TOP);
			return EXIT_USAGE;
		}
	}
	if (a->json && !a->batch) {
		fprintf(stderr, "sockstat top: --json needs -b\n");
		return EXIT_USAGE;
	}
	if (optind < argc && (a->filter_text = join_words(argc - optind,
	    argv + optind)) == NULL) {
		perror("sockstat top");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The filter, parsed; EXIT_OK, or the exit status (said why). */
static int
build_filter(const struct top_args *a, struct fexpr **fx)
{
	char msg[FEXPR_ERRLEN], esc[CMD_ESCLEN];
	size_t pos = 0;

	*fx = NULL;
	if (a->filter_text == NULL)
		return EXIT_OK;
	/* Names are looked up by a child that leaves uid 0 and every cap. */
	if (fexpr_parse_apart(a->filter_text, privs_drop_user, fx, msg,
	    sizeof(msg), &pos) == -1) {
		if (errno != EINVAL) {
			perror("sockstat top: filter: looking names up as "
			    "another user, without capabilities");
			return EXIT_FAIL;
		}
		fprintf(stderr, "sockstat top: filter \"%s\" at %zu: %s\n",
		    util_esc(esc, sizeof(esc), a->filter_text), pos, msg);
		return EXIT_USAGE;
	}
	/* The view decides in user space what the kernel would have. */
	if ((*fx)->needs & (FX_NEEDS_KERNEL | FX_NEEDS_IFINDEX)) {
		fprintf(stderr, "sockstat top: cannot check dev, fwmark, "
		    "cgroup or autobound: its rows are filtered in user "
		    "space\n");
		fexpr_free(*fx);
		*fx = NULL;
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static void
top_privs(int up, void *arg)
{
	(void)arg;
	if (up)
		privs_raise(PRIVS_FDS);
	else
		privs_lower();
}

/*
 * What the refresh could not see, and why, into buf; NULL: nothing.
 * *procs: processes whose descriptors could not be read.
 */
static const char *
hidden_text(char *buf, size_t len, const struct top_feed_report *rep,
    const struct privs *pv, unsigned long *procs)
{
	const struct procmap_stats *ps = &rep->owners;
	size_t n = 0;

	buf[0] = '\0';
	*procs = ps->procs_denied;
	if (rep->owners_errno != 0)
		n += snprintf(buf + n, len - n, "every owner (/proc: %s)",
		    strerror(rep->owners_errno));
	else if (ps->procs_denied > 0 && pv->can_read_fds)
		n += snprintf(buf + n, len - n, "owners in %lu processes "
		    "(denied even with cap_sys_ptrace: another user "
		    "namespace?)", ps->procs_denied);
	else if (ps->procs_denied > 0)
		n += snprintf(buf + n, len - n, "owners in %lu processes of "
		    "other users (without %s)", ps->procs_denied,
		    pv->missing[0] != '\0' ? pv->missing :
		    "cap_dac_read_search,cap_sys_ptrace");
	else if ((ps->hidepid == PROCMAP_HIDEPID_INVISIBLE ||
	    ps->hidepid == PROCMAP_HIDEPID_PTRACEABLE) && !pv->can_read_fds)
		n += snprintf(buf + n, len - n, "owners of other users' "
		    "processes (/proc hidepid)");
	if (rep->failed > 0 && n < len)
		snprintf(buf + n, len - n, "%s%lu tables (%s)", n ? "; " : "",
		    rep->failed, strerror(rep->failed_errno));
	return buf[0] != '\0' ? buf : NULL;
}

/* Sleeps until monotonic deadline_ms. */
static void
sleep_until(uint64_t deadline_ms)
{
	uint64_t now;
	struct timespec ts;

	while ((now = util_mono_ms()) < deadline_ms) {
		ts.tv_sec = (deadline_ms - now) / 1000;
		ts.tv_nsec = (long)((deadline_ms - now) % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
}

/* What the screen's refresh needs. */
struct ui_refresh {
	struct top_feed	*feed;
	struct top	*t;
	const struct privs *pv;
	char		 hidden[256];
};

/* top_ui_refresh_fn: one snapshot, and what it could not see. */
static int
ui_refresh(void *arg, const char **hidden)
{
	struct ui_refresh *r = arg;
	struct top_feed_report rep;
	unsigned long procs;

	if (top_feed_snapshot(r->feed, r->t, util_mono_ms(), &rep) == -1)
		return -1;
	*hidden = hidden_text(r->hidden, sizeof(r->hidden), &rep, r->pv,
	    &procs);
	return 0;
}

/* The screen.  Returns the exit status. */
static int
run_ui(const struct top_args *a, struct top_feed *feed, struct top *t,
    const struct privs *pv, struct fexpr_apart *names)
{
	struct ui_refresh r;
	struct top_ui_config c;
	const char *hidden;
	char err[256];

	memset(&r, 0, sizeof(r));
	r.feed = feed;
	r.t = t;
	r.pv = pv;
	/* Wide characters: the terminal's own encoding. */
	setlocale(LC_ALL, "");
	memset(&c, 0, sizeof(c));
	c.model = t;
	c.snapshot = ui_refresh;
	c.snapshot_arg = &r;
	c.interval_ms = a->interval_ms;
	c.frames = a->frames;
	c.vo = a->vo;
	c.owners_known = a->vo.owners_known;
	c.filter_text = a->filter_text;
	c.names = names;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sockstat top: the screen needs a terminal "
		    "(-b: frames to standard output)\n");
		return EXIT_USAGE;
	}
	if (ui_refresh(&r, &hidden) == -1) {
		perror("sockstat top: reading sockets");
		return EXIT_FAIL;
	}
	if (top_ui_run(&c, err, sizeof(err)) == -1) {
		fprintf(stderr, "sockstat top: %s\n", err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Batch mode: frames to stdout.  Returns the exit status. */
static int
run_batch(const struct top_args *a, struct top_feed *feed, struct top *t,
    const struct privs *pv)
{
	struct top_feed_report rep;
	struct top_frame_info fi;
	struct top_view v;
	char hidden[256];
	uint64_t next = util_mono_ms();
	int rc = EXIT_OK;

	memset(&v, 0, sizeof(v));
	/* A first snapshot, silently: every frame then has its rates. */
	if (top_feed_snapshot(feed, t, next, &rep) == -1) {
		perror("sockstat top: reading sockets");
		return EXIT_FAIL;
	}
	for (unsigned long f = 0; a->frames == 0 || f < a->frames; f++) {
		next += a->interval_ms;
		sleep_until(next);
		if (top_feed_snapshot(feed, t, util_mono_ms(), &rep) == -1 ||
		    top_view_build(t, &a->vo, &v) == -1) {
			perror("sockstat top: reading sockets");
			rc = EXIT_FAIL;
			break;
		}
		memset(&fi, 0, sizeof(fi));
		fi.wall_ms = util_now_ms();
		fi.vo = &a->vo;
		fi.hidden = hidden_text(hidden, sizeof(hidden), &rep, pv,
		    &fi.hidden_procs);
		if ((a->json ? top_frame_json(stdout, t, &v, &fi) :
		    top_frame_text(stdout, t, &v, &fi)) == -1) {
			/* A reader that went away (| head) is no error. */
			if (errno != EPIPE)
				perror("sockstat top: writing");
			rc = EXIT_FAIL;
			break;
		}
	}
	top_view_free(&v);
	return rc;
}

int
cmd_top(int argc, char **argv)
{
	struct top_args a;
	struct privs pv;
	struct fexpr *fx = NULL;
	struct fexpr_apart *names = NULL;
	struct top_feed *feed = NULL;
	struct top *t = NULL;
	int rc;

	if ((rc = parse_args(argc, argv, &a)) != EXIT_OK) {
		free(a.filter_text);
		return rc == ARGS_HELP ? EXIT_OK : rc;
	}
	if (privs_init(&pv) == -1) {
		perror("sockstat top: capabilities");
		free(a.filter_text);
		return EXIT_FAIL;
	}
	/*
	 * Filter names are looked up by children that leave uid 0, which
	 * needs CAP_SETUID: the command line's now, and those typed on the
	 * screen by one made now, for the whole run (none: a typed name is
	 * refused).
	 */
	if ((rc = build_filter(&a, &fx)) != EXIT_OK)
		goto out;
	if (!a.batch)
		names = fexpr_apart_start(privs_drop_user);
	/*
	 * Only the owner map needs a capability: keep the two for
	 * /proc/PID/fd, permitted and raised around each build alone.
	 */
	if ((pv.can_read_fds ? privs_keep(PRIVS_FDS) : privs_drop_all()) ==
	    -1) {
		perror("sockstat top: capabilities");
		rc = EXIT_FAIL;
		goto out;
	}
	a.vo.filter = fx;
	a.vo.owners_known = pv.can_read_fds;
	if ((t = top_new()) == NULL || (feed = top_feed_open("/proc",
	    pv.can_read_fds ? top_privs : NULL, NULL)) == NULL) {
		perror("sockstat top");
		rc = EXIT_FAIL;
		goto out;
	}
	rc = a.batch ? run_batch(&a, feed, t, &pv) : run_ui(&a, feed, t,
	    &pv, names);
out:
	fexpr_apart_stop(names);
	top_feed_close(feed);
	top_free(t);
	fexpr_free(fx);
	free(a.filter_text);
	return rc;
}
