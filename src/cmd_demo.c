/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_demo.c - sockstat demo: TCP's life cycle on loopback, watched.
 *
 * The parent opens the watch first (so that nothing is missed), then
 * forks the echo server on 127.0.0.1 port 0, learns its port through a
 * pipe, forks a client that makes three connections one after the
 * other (the first two closed by the client, the last by the server,
 * so that TIME_WAIT shows up on each side), gathers the events of that
 * port until both children are done, and prints them as a timeline.
 * Every wait is bounded and both children are reaped before it returns.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "util.h"
#include "diag.h"
#include "echo.h"
#include "fmt.h"
#include "filter.h"
#include "fmt_event.h"
#include "names.h"
#include "pipeline.h"
#include "privs.h"
#include "procmap.h"
#include "select.h"
#include "sockstat.h"
#include "usage.h"
#include "watch.h"

#define DEMO_CONNS		3
#define DEMO_LIMIT_MS		15000	/* the whole run, at most */
#define DEMO_SETTLE_MS		300	/* events still in flight at the end */
#define DEMO_POLL_MS		10	/* snapshot interval without trace */

/* What each state means, for the learner reading the timeline. */
static const char *const meaning[ST_MAX] = {
	[ST_LISTEN] = "a server socket, waiting for connections",
	[ST_SYN_SENT] = "connect() sent a SYN, waits for SYN+ACK",
	[ST_SYN_RECV] = "got a SYN, answered SYN+ACK, waits for the ACK",
	[ST_ESTABLISHED] = "handshake done: data flows both ways",
	[ST_FIN_WAIT1] = "this side closed first: sent FIN, waits for "
	    "its ACK",
	[ST_FIN_WAIT2] = "its FIN was acknowledged; waits for the peer's "
	    "FIN",
	[ST_CLOSE_WAIT] = "the peer closed; waits for this side's close()",
	[ST_LAST_ACK] = "closed second: sent FIN, waits for the last ACK",
	[ST_TIME_WAIT] = "closed first: lingers 60 s so that late packets "
	    "die out",
	[ST_CLOSING] = "both sides sent FIN at once",
	[ST_CLOSE] = "gone",
};

/* The states a learner should see, in the order a connection meets them. */
static const int tour[] = { ST_LISTEN, ST_SYN_SENT, ST_SYN_RECV,
    ST_ESTABLISHED, ST_FIN_WAIT1, ST_FIN_WAIT2, ST_CLOSE_WAIT, ST_LAST_ACK,
    ST_TIME_WAIT };
#define NTOUR	(sizeof(tour) / sizeof(tour[0]))

struct demo {
	int			 port;		/* 0 until the server said */
	struct watch_event	*evs;
	size_t			 nevs, cap;
	uint16_t		 cports[DEMO_CONNS * 2];	/* conn by client port */
	size_t			 nconns;
};

static int
collect(const struct watch_event *ev, void *arg)
{
	struct demo *d = arg;
	struct watch_event *n;
	size_t cap;

	if (d->port == 0 || (ev->lport != d->port && ev->rport != d->port))
		return 0;
	if (d->nevs == d->cap) {
		cap = d->cap ? d->cap * 2 : 64;
		if ((n = realloc(d->evs, cap * sizeof(*n))) == NULL)
			return -1;
		d->evs = n;
		d->cap = cap;
	}
	d->evs[d->nevs++] = *ev;
	return 0;
}

static void
log_none(void *arg, int level, const char *msg)
{
	(void)arg;
	(void)level;
	(void)msg;
}

/* The server's second thread: SIGTERM to itself once the demo's line closes. */
static void *
stop_on_eof(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char c;

	while (read(fd, &c, 1) > 0 || errno == EINTR)
		;
	kill(getpid(), SIGTERM);
	return NULL;
}

/*
 * The server child, forked before the watch takes its privileges in
 * hand: it leaves root as echo-server does (to SUDO_UID or nobody, no
 * capability), waits on gofd until the watch has its baseline, then
 * binds, tells the port on wfd and echoes until SIGTERM.
 */
static void
run_server(pid_t parent, int gofd, int wfd)
{
	struct echo_config c;
	struct echo_server *s;
	char errbuf[ECHO_ADDRSTRLEN + 64], go;
	pthread_t stopper;
	uint16_t port = 0;
	int rc;

	prctl(PR_SET_NAME, "echo-server", 0, 0, 0);
	/* Port 0 on loopback needs no privilege: leave it all first. */
	if (cmd_echo_drop_privs(NULL, errbuf, sizeof(errbuf)) == -1) {
		warnx("echo server: cannot %s", errbuf);
		_exit(EXIT_FAIL);
	}
	/*
	 * Should the demo be interrupted, the server goes with it; set
	 * after the switch of user, which clears it.
	 */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != parent || read(gofd, &go, 1) != 1)
		_exit(EXIT_FAIL);
	echo_config_init(&c);
	c.port = 0;
	c.idle_timeout = DEMO_LIMIT_MS / 1000;	/* never outlives the demo */
	c.log = log_none;
	/*
	 * echo_server_open blocks SIGTERM for the signalfd it reads; the
	 * thread started after it inherits that mask, so its SIGTERM goes
	 * to that signalfd and the server stops cleanly.
	 */
	if ((s = echo_server_open(&c, errbuf, sizeof(errbuf))) != NULL)
		port = echo_server_port(s);
	if (s != NULL && pthread_create(&stopper, NULL, stop_on_eof,
	    (void *)(intptr_t)gofd) != 0) {
		echo_server_close(s);
		s = NULL;
		port = 0;
	}
	(void)!write(wfd, &port, sizeof(port));
	close(wfd);
	if (s == NULL)
		_exit(EXIT_FAIL);
	rc = echo_server_run(s);
	echo_server_close(s);
	_exit(rc == 0 ? EXIT_OK : EXIT_FAIL);
}

/* The client child: three connections, one after the other. */
static void
run_clients(uint16_t port, int hold)
{
	static const char *const msgs[] = { "hello", "how are you?" };
	struct echo_client_config c;
	struct timespec pause = { 0, 150 * 1000000L };
	int i, rc = EXIT_OK;

	prctl(PR_SET_NAME, "echo-client", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	(void)privs_drop_all();
	for (i = 0; i < DEMO_CONNS; i++) {
		echo_client_config_init(&c);
		c.port = port;
		c.conns = 1;
		c.messages = msgs;
		c.nmessages = 2;
		c.hold = hold;
		c.timeout = 5;
		c.close_by = i == DEMO_CONNS - 1 ? ECHO_CLOSE_SERVER :
		    ECHO_CLOSE_CLIENT;
		c.log = log_none;
		if (echo_client_run(&c) == -1)
			rc = EXIT_FAIL;
		nanosleep(&pause, NULL);
	}
	_exit(rc);
}

/* Reads the server's port, waiting at most 5 s.  0 on failure. */
static uint16_t
read_port(int rfd)
{
	struct pollfd pfd = { rfd, POLLIN, 0 };
	uint16_t port = 0;

	if (poll(&pfd, 1, 5000) == 1 &&
	    read(rfd, &port, sizeof(port)) != (ssize_t)sizeof(port))
		port = 0;
	return port;
}

/* "server", "conn N" or "client" for the side of the event. */
static void
side_of(struct demo *d, const struct watch_event *ev, char *side,
    size_t slen, char *who, size_t wlen)
{
	uint16_t cport;
	size_t i;

	if (ev->lport == d->port && ev->rport == 0) {
		snprintf(side, slen, "server");
		snprintf(who, wlen, "listener");
		return;
	}
	if (ev->lport == d->port) {
		snprintf(side, slen, "server");
		cport = ev->rport;
	} else {
		snprintf(side, slen, "client");
		cport = ev->lport;
	}
	for (i = 0; i < d->nconns; i++)
		if (d->cports[i] == cport)
			break;
	if (i == d->nconns && d->nconns < sizeof(d->cports) /
	    sizeof(d->cports[0]))
		d->cports[d->nconns++] = cport;
	snprintf(who, wlen, "conn %zu :%u", i + 1, (unsigned)cport);
}

static void
print_timeline(struct demo *d, uint64_t t0, int *seen)
{
	const struct watch_event *ev;
	char side[16], who[32], o[32], n[32], owner[128], trans[80];
	int explained[ST_MAX] = { 0 };
	size_t i;
	uint64_t dt;

	printf("\n  time     side    socket           transition"
	    "                  owner\n");
	for (i = 0; i < d->nevs; i++) {
		ev = &d->evs[i];
		side_of(d, ev, side, sizeof(side), who, sizeof(who));
		if (ev->oldstate == ST_UNKNOWN)
			snprintf(o, sizeof(o), "-");
		else
			names_state_fmt(ev->oldstate, o, sizeof(o));
		names_state_fmt(ev->newstate, n, sizeof(n));
		snprintf(trans, sizeof(trans), "%s -> %s", o, n);
		fmt_event_owner(owner, sizeof(owner), ev);
		dt = ev->time_ms > t0 ? ev->time_ms - t0 : 0;
		printf("  +%u.%03us  %-6s  %-15s  %-26s  %s\n",
		    (unsigned)(dt / 1000), (unsigned)(dt % 1000), side, who,
		    trans, owner);
		if (ev->newstate < ST_MAX) {
			seen[ev->newstate] = 1;
			if (!explained[ev->newstate] &&
			    meaning[ev->newstate] != NULL) {
				printf("%41s%s: %s\n", "", n,
				    meaning[ev->newstate]);
				explained[ev->newstate] = 1;
			}
		}
	}
}

/*
 * The demo's selection: the netstat flags of o, narrowed to one port on
 * either side.  A selection like any other, so the table below is a
 * plain pipeline pass.
 */
struct port_sel {
	struct selection	 base;
	struct selection	*flags;
	int			 port;
};

static uint32_t
port_sel_states(const struct selection *s, int family, enum sock_proto proto)
{
	const struct port_sel *ps = (const struct port_sel *)s;

	return ps->flags->ops->states(ps->flags, family, proto);
}

static int
port_sel_match(const struct selection *s, const struct sock_row *r)
{
	const struct port_sel *ps = (const struct port_sel *)s;

	if (r->lport != ps->port && r->rport != ps->port)
		return SELECT_NO;
	return ps->flags->ops->match(ps->flags, r);
}

static void
port_sel_free(struct selection *s)
{
	selection_free(((struct port_sel *)s)->flags);
	free(s);
}

static const struct selection_ops port_sel_ops = {
	port_sel_states,
	port_sel_match,
	NULL,
	port_sel_free,
};

/* The rows of o->port as sockstat -anp prints them.  Returns 0 or -1. */
static int
print_snapshot(const struct options *o)
{
	struct pipeline_report rep;
	struct port_sel *ps;
	struct pipeline *p = NULL;
	struct procmap *m;
	int rc = -1, save_errno;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return -1;
	ps->base.ops = &port_sel_ops;
	ps->port = o->port;
	if ((ps->flags = filter_selection_new(o)) == NULL) {
		free(ps);
		return -1;
	}
	/*
	 * Without the owners the table is still worth showing.  The
	 * server runs as another user: the scan needs the two capabilities
	 * the watch kept.  Programs are named by their command, as in the
	 * timeline (argv[0] of both children is the demo's own).
	 */
	(void)privs_raise(PRIVS_FDS);
	m = procmap_build(o->proc_root, NULL);
	(void)privs_lower();
	if ((p = pipeline_new(o, &ps->base)) != NULL)
		rc = pipeline_pass(p, &fmt_table, stdout, m, &rep);
	save_errno = errno;
	pipeline_free(p);
	selection_free(&ps->base);
	procmap_free(m);
	errno = save_errno;
	return rc;
}

/* Ends a child that is still running, and reaps it. */
static void
reap(pid_t pid)
{
	int status, save_errno = errno;

	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	errno = save_errno;
}

/*
 * Ends the server child: it runs as another user, out of reach of a
 * signal from here, so it stops when gofd, its line to the demo, closes.
 */
static void
stop_server(pid_t server, int gofd)
{
	int status;

	close(gofd);
	while (waitpid(server, &status, 0) == -1 && errno == EINTR)
		;
}

/*
 * Runs the watch until the client is done, plus a moment for the last
 * events, or DEMO_LIMIT_MS.  The client is reaped on every way out,
 * also when the watch fails.
 */
static int
gather(struct watch *w, struct demo *d, pid_t client)
{
	uint64_t start = util_mono_ms(), done = 0, now;
	int status, client_done = 0;

	for (;;) {
		if (watch_step(w, 20, collect, d) == -1)
			break;
		now = util_mono_ms();
		if (!client_done && waitpid(client, &status, WNOHANG) ==
		    client) {
			client_done = 1;
			done = now;
		}
		if (client_done && now - done >= DEMO_SETTLE_MS)
			return watch_flush(w, collect, d) == -1 ? -1 : 0;
		if (now - start >= DEMO_LIMIT_MS) {
			errno = ETIMEDOUT;
			break;
		}
	}
	if (!client_done)
		reap(client);
	return -1;
}

int
cmd_demo(int argc, char **argv)
{
	enum watch_method method = WATCH_AUTO;
	struct options o;
	struct watch *w;
	struct demo d;
	pid_t server, client;
	uint64_t t0;
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "method",	required_argument,	NULL, 'm' },
		{ NULL,		0,			NULL, 0 }
	};
	int gfd[2], pfd[2], seen[ST_MAX] = { 0 }, trace_errno = 0, i, ch;
	int rc = EXIT_OK, missed = 0, hold;
	char eb[CMD_ESCLEN];

	optind = 0;	/* glibc: start afresh */
	opterr = 0;	/* cmd_bad_option says it, escaped */
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage_help(stdout, USAGE_DEMO);
			return EXIT_OK;
		case 'm':
			if (strcmp(optarg, "trace") == 0)
				method = WATCH_TRACE;
			else if (strcmp(optarg, "poll") == 0)
				method = WATCH_POLL;
			else if (strcmp(optarg, "auto") == 0)
				method = WATCH_AUTO;
			else {
				warnx("--method %s: expected trace, poll or "
				    "auto", util_esc(eb, sizeof(eb), optarg));
				usage_print(stderr, USAGE_DEMO);
				return EXIT_USAGE;
			}
			break;
		default:
			cmd_bad_option(ch, argv);
			usage_print(stderr, USAGE_DEMO);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx("demo: unexpected argument %s",
		    util_esc(eb, sizeof(eb), argv[optind]));
		usage_print(stderr, USAGE_DEMO);
		return EXIT_USAGE;
	}
	memset(&o, 0, sizeof(o));
	o.protos = 1U << PROTO_TCP;
	o.families = FAM_INET4;
	o.all = 1;
	o.numeric_hosts = o.numeric_ports = o.numeric_users = 1;
	o.program = 1;
	o.watch = 1;
	o.port = -1;
	o.method = method;
	o.interval_ms = DEMO_POLL_MS;
	o.proc_root = "/proc";

	/* The server is forked while the demo may still switch users. */
	if (pipe2(gfd, O_CLOEXEC) == -1)
		err(EXIT_FAIL, "starting the echo server");
	if (pipe2(pfd, O_CLOEXEC) == -1 || (server = fork()) == -1) {
		warn("starting the echo server");
		return EXIT_FAIL;
	}
	if (server == 0) {
		close(gfd[1]);
		close(pfd[0]);
		run_server(getppid(), gfd[0], pfd[1]);
	}
	close(gfd[0]);
	close(pfd[1]);
	if ((w = cmd_watch_open(&o, &trace_errno)) == NULL) {
		stop_server(server, gfd[1]);
		return EXIT_FAIL;
	}
	memset(&d, 0, sizeof(d));
	/* The baseline, before the server binds, so its LISTEN is new. */
	if (watch_begin(w) == -1) {
		warn("watching");
		stop_server(server, gfd[1]);
		watch_close(w);
		return EXIT_FAIL;
	}

	printf("sockstat demo: an echo server and %d clients on 127.0.0.1, "
	    "watched\n", DEMO_CONNS);
	if (watch_method(w) == WATCH_TRACE)
		printf("through the kernel tracepoint "
		    "sock:inet_sock_set_state: every TCP transition shows.\n");
	else
		printf("by sock_diag snapshots every %u ms%s: states shorter "
		    "than that are missed.\n", o.interval_ms,
		    trace_errno != 0 ? " (no tracepoint: run as root or "
		    "with CAP_PERFMON to see them all)" : "");
	printf("Connections 1 and 2 are closed by the client, connection 3 "
	    "by the server:\nwhichever side closes first ends in "
	    "TIME_WAIT.\n");
	fflush(stdout);

	t0 = util_now_ms();
	(void)!write(gfd[1], "g", 1);
	d.port = read_port(pfd[0]);
	close(pfd[0]);
	if (d.port == 0) {
		warnx("the echo server did not start");
		stop_server(server, gfd[1]);
		watch_close(w);
		return EXIT_FAIL;
	}
	watch_set_port(w, d.port);
	fflush(stdout);
	hold = watch_method(w) == WATCH_TRACE ? 0 : 1;
	if ((client = fork()) == -1) {
		warn("starting the echo client");
		stop_server(server, gfd[1]);
		watch_close(w);
		return EXIT_FAIL;
	}
	if (client == 0) {
		close(gfd[1]);
		watch_close(w);
		free(d.evs);
		run_clients(d.port, hold);
	}
	if (gather(w, &d, client) == -1) {
		warn("watching");
		rc = EXIT_FAIL;
	}

	printf("The echo server listens on 127.0.0.1:%d.\n", d.port);
	print_timeline(&d, t0, seen);
	for (i = 0; i < (int)NTOUR; i++)
		if (!seen[tour[i]])
			missed++;
	if (missed > 0) {
		printf("\nNot seen:");
		for (i = 0; i < (int)NTOUR; i++)
			if (!seen[tour[i]])
				printf(" %s", names_state(tour[i]));
		printf(" (shorter than a snapshot).\n");
	}

	printf("\nNow, the rows of sockstat -anp for port %d (the "
	    "TIME_WAIT sockets\nbelong to no process: the kernel keeps them "
	    "alone):\n\n", d.port);
	fflush(stdout);
	o.port = d.port;
	if (print_snapshot(&o) == -1) {
		warn("listing the port");
		rc = EXIT_FAIL;
	}
	stop_server(server, gfd[1]);
	free(d.evs);
	watch_close(w);
	return rc;
}
