/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_watch.c - sockstat -E, the event stream: picks the method, drops
 * privileges, says once on stderr what the method can miss, then prints
 * one line (or one JSON object) per event until --count, --duration or
 * a signal ends it.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_netns.h"
#include "filter.h"
#include "fmt_event.h"
#include "jsonw.h"
#include "privs.h"
#include "sockstat.h"
#include "util.h"
#include "watch.h"

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct printer {
	const struct options *o;
	FILE		*out;
	struct jsonw	*j;
	unsigned long	 printed;
};

static int
print_event(const struct watch_event *ev, void *arg)
{
	struct printer *p = arg;
	char line[FMT_EVENT_MAX];

	/* A FILTER: only the events of the sockets it selects. */
	if (p->o->filter != NULL && !filter_expr_event(p->o->filter, ev))
		return 0;
	if (p->j != NULL) {
		if (fmt_event_json(p->out, p->j, ev) == -1)
			return -1;
	} else {
		if (fmt_event_text(line, sizeof(line), ev, p->o) == -1)
			return -1;
		if (fprintf(p->out, "%s\n", line) < 0)
			return -1;
	}
	p->printed++;
	return p->o->count > 0 && p->printed >= p->o->count;
}

/*
 * The protocols -E watches for o: a RAW socket has no port (its "port" is
 * the IP protocol number), so --port selects TCP and UDP alone.
 */
static unsigned
watched_protos(const struct options *o)
{
	unsigned p = o->protos & (1U << PROTO_TCP | 1U << PROTO_UDP |
	    1U << PROTO_RAW);

	if (o->port >= 0)
		p &= ~(1U << PROTO_RAW);
	return p;
}

/* "UDP/RAW sockets", "UDP sockets", ... of the selection, "" if none. */
static const char *
snapshot_protos(unsigned protos)
{
	unsigned other = protos & (1U << PROTO_UDP | 1U << PROTO_RAW);

	if (other == (1U << PROTO_UDP | 1U << PROTO_RAW))
		return " and UDP/RAW sockets";
	if (other == 1U << PROTO_UDP)
		return " and UDP sockets";
	if (other == 1U << PROTO_RAW)
		return " and RAW sockets";
	return "";
}

/* The one notice: the method in use and what it cannot see. */
static void
notice(const struct watch *w, const struct options *o, int trace_errno)
{
	struct watch_stats st;
	unsigned protos = watched_protos(o);

	watch_stats(w, &st);
	if (watch_method(w) == WATCH_TRACE) {
		if (!(protos & 1U << PROTO_TCP))
			warnx("watching %s by sock_diag snapshots every %u "
			    "ms (the tracepoint sees TCP alone)",
			    snapshot_protos(protos) + 5, o->interval_ms);
		else
			warnx("watching through the sock:inet_sock_set_state "
			    "tracepoint: every TCP transition; TIME_WAIT "
			    "expiry%s by sock_diag snapshots every %u ms",
			    snapshot_protos(protos), o->interval_ms);
		return;
	}
	if (st.spaces > 0) {
		warnx("watching %zu network namespace%s by sock_diag "
		    "snapshots every %u ms (the tracepoint names no "
		    "namespace): states shorter than that (SYN_SENT, "
		    "SYN_RECV, FIN_WAIT1, LAST_ACK, CLOSING) can be missed, "
		    "and so can sockets opened and closed between two "
		    "snapshots", st.spaces, st.spaces == 1 ? "" : "s",
		    o->interval_ms);
		return;
	}
	if (trace_errno != 0)
		warnx("tracepoint unavailable (%s%s): using sock_diag "
		    "snapshots", strerror(trace_errno),
		    trace_errno == EACCES || trace_errno == EPERM ?
		    "; it needs CAP_PERFMON or CAP_SYS_ADMIN" : "");
	if (st.destroy_errno == 0)
		warnx("watching by sock_diag snapshots every %u ms: states "
		    "shorter than that (SYN_SENT, SYN_RECV, FIN_WAIT1, "
		    "LAST_ACK, CLOSING) can be missed; closes are heard at "
		    "once through the destroy groups", o->interval_ms);
	else
		warnx("watching by sock_diag snapshots every %u ms: states "
		    "shorter than that (SYN_SENT, SYN_RECV, FIN_WAIT1, "
		    "LAST_ACK, CLOSING) can be missed, and so can sockets "
		    "opened and closed between two snapshots (destroy groups: "
		    "%s)", o->interval_ms, strerror(st.destroy_errno));
}

/* Says once which selected protocols sock_diag could not dump. */
static int
tell_unavailable(const struct watch *w, const struct options *o)
{
	static const char *const names[PROTO_COUNT] = {
		[PROTO_TCP] = "TCP", [PROTO_UDP] = "UDP",
		[PROTO_UDPLITE] = "UDP-Lite", [PROTO_RAW] = "RAW",
		[PROTO_UNIX] = "UNIX",
	};
	struct watch_stats st;
	unsigned p;

	watch_stats(w, &st);
	if (st.snapshots == 0)
		return 0;
	for (p = PROTO_UDP; p <= PROTO_RAW; p++)
		if ((st.unavailable & watched_protos(o)) & (1U << p))
			warnx("%s sockets are not watched: sock_diag cannot "
			    "dump them here (is its module loaded?)", names[p]);
	return 1;
}

/*
 * The two capabilities for other users' /proc/PID (the owner map, their
 * network namespaces), raised around those reads alone: they stay
 * permitted, never effective while output is written.  A failure to
 * lower them is fatal: the next line must not be written with them.
 */
static int
watch_privs(int raise, void *arg)
{
	(void)arg;
	if (raise)
		return privs_raise(PRIVS_FDS);
	if (privs_lower() == -1)
		err(EXIT_FAIL, "lowering capabilities");
	return 0;
}

/* -E --netns, --all-netns: other namespaces, by snapshots. */
static int
wants_netns(const struct options *o)
{
	return o->netns != NULL || o->all_netns;
}

struct watch *
cmd_watch_open(const struct options *o, int *trace_errno)
{
	struct options wo = *o;
	struct privs pv;
	struct watch *w;

	*trace_errno = 0;
	/* The tracepoint's records name no namespace: poll. */
	if (wants_netns(o))
		wo.method = WATCH_POLL;
	wo.protos = watched_protos(o);
	if ((w = watch_open(&wo)) == NULL) {
		warn("opening sock_diag");
		return NULL;
	}
	if (privs_init(&pv) == -1) {
		warn("reading capabilities");
		watch_close(w);
		return NULL;
	}
	if (wo.method != WATCH_POLL) {
		if (privs_raise(PRIVS_TRACE) == -1)
			*trace_errno = errno;
		else if (watch_start_trace(w) == -1)
			*trace_errno = errno;
		if (privs_lower() == -1) {
			warn("lowering capabilities");
			watch_close(w);
			return NULL;
		}
	}
	/*
	 * As -c -p: what the owner-map rebuilds need, and nothing else;
	 * with --all-netns also what entering a new namespace needs.
	 */
	if (privs_keep(PRIVS_FDS | (wants_netns(o) ? PRIVS_NETNS : 0)) ==
	    -1) {
		warn("dropping capabilities");
		watch_close(w);
		return NULL;
	}
	watch_set_privs(w, watch_privs, NULL);
	if (o->method == WATCH_TRACE && watch_method(w) != WATCH_TRACE) {
		errno = *trace_errno;
		warn("--method=trace: cannot open the sock:inet_sock_set_state "
		    "tracepoint%s", *trace_errno == EACCES ||
		    *trace_errno == EPERM ? " (needs CAP_PERFMON or "
		    "CAP_SYS_ADMIN)" : "");
		watch_close(w);
		return NULL;
	}
	return w;
}

/* netns_run_each's hooks: the watch's spaces. */
static int
space_known(void *arg, uint64_t ino)
{
	return watch_space_seen(arg, ino);
}

static int
space_add(void *arg, const struct sock_netns *id)
{
	return watch_space_add(arg, id);
}

/* The watch's lister (--all-netns): namespaces found since. */
static struct netns_run ns_run;

static int
relist(struct watch *w, void *arg)
{
	(void)arg;
	if (netns_run_each(&ns_run, space_known, space_add, w, NULL) != 0) {
		errno = EIO;	/* said already */
		return -1;
	}
	return 0;
}

/*
 * -E --netns, --all-netns: opens a space in each namespace; --all-netns
 * lists them again as the watch runs.  Sets o->netns_width.  Returns 0,
 * or EXIT_FAIL after saying why.
 */
static int
open_spaces(struct watch *w, struct options *o)
{
	struct privs pv;
	int rc;

	if (privs_init(&pv) == -1) {
		warn("reading capabilities");
		return EXIT_FAIL;
	}
	if ((rc = netns_run_init(&ns_run, o, &pv)) != 0)
		return rc;
	if ((rc = netns_run_each(&ns_run, space_known, space_add, w,
	    &o->netns_width)) != 0)
		return rc;
	if (o->all_netns)
		watch_set_lister(w, relist, NULL);
	/* One namespace is entered once: cap_sys_admin is done with. */
	else if (privs_keep(PRIVS_FDS) == -1) {
		warn("dropping capabilities");
		return EXIT_FAIL;
	}
	return 0;
}

/*
 * The caller has not touched privileges yet (it calls this before
 * privs_init): cmd_watch_open sorts them out.
 */
int
cmd_watch(const struct options *o)
{
	struct options po = *o;
	struct printer p;
	struct watch *w;
	struct sigaction sa;
	uint64_t deadline = 0, now;
	int rc = 0, wait, trace_errno = 0, status = EXIT_OK, told = 0;

	if (watched_protos(o) == 0) {
		warnx(o->port >= 0 ? "-E --port watches TCP and UDP sockets" :
		    "-E watches TCP, UDP and RAW sockets, not UNIX ones");
		return EXIT_USAGE;
	}
	if ((w = cmd_watch_open(o, &trace_errno)) == NULL)
		return EXIT_FAIL;
	if (wants_netns(o) && (rc = open_spaces(w, &po)) != 0) {
		watch_close(w);
		netns_run_close(&ns_run, NULL);
		netns_run_free(&ns_run);
		return rc;
	}
	o = &po;
	/* The baseline before the notice: what exists then is no event. */
	if (watch_begin(w) == -1) {
		warn("reading sock_diag");
		watch_close(w);
		return EXIT_FAIL;
	}
	notice(w, o, o->method == WATCH_AUTO ? trace_errno : 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the signal must cut the wait short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.out = stdout;
	if (o->json && (p.j = jsonw_new(stdout, 0)) == NULL) {
		warn(NULL);
		watch_close(w);
		return EXIT_FAIL;
	}
	if (!o->json)
		fmt_event_header(stdout, o);
	if (o->duration_ms > 0)
		deadline = util_mono_ms() + o->duration_ms;
	while (!stop_requested) {
		wait = 1000;
		if (deadline != 0) {
			now = util_mono_ms();
			if (now >= deadline)
				break;
			if (deadline - now < (uint64_t)wait)
				wait = (int)(deadline - now);
		}
		rc = watch_step(w, wait, print_event, &p);
		if (fflush(stdout) == EOF && rc != -1)
			rc = -1;
		if (!told)
			told = tell_unavailable(w, o);
		if (rc == 1)
			break;
		if (rc == -1) {
			/* A reader that went away (| head) is no error to report. */
			if (errno != EPIPE)
				warn("watching");
			status = EXIT_FAIL;
			break;
		}
	}
	/* The last few ms of tracepoint events, unless --count is met. */
	if (status == EXIT_OK && rc != 1 && (rc = watch_flush(w, print_event,
	    &p)) == -1) {
		if (errno != EPIPE)
			warn("writing output");
		status = EXIT_FAIL;
	}
	if (status == EXIT_OK && fflush(stdout) == EOF)
		status = EXIT_FAIL;
	if (status == EXIT_OK) {
		struct watch_stats st;

		watch_stats(w, &st);
		if (st.lost > 0)
			warnx("the kernel dropped %lu tracepoint record%s: "
			    "events were missed", st.lost,
			    st.lost == 1 ? "" : "s");
	}
	jsonw_free(p.j);
	watch_close(w);
	if (wants_netns(o)) {
		netns_run_close(&ns_run, NULL);
		netns_run_free(&ns_run);
	}
	return status;
}
