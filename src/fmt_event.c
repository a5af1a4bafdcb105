/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_event.c - one event of sockstat -E as a text line or a JSON
 * object.  Lines are written whole, so a reader that tails the stream
 * never sees half an event.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "fmt.h"
#include "fmt_event.h"
#include "names.h"
#include "util.h"

/*
 * --all-netns: the Netns column first, as in the listing; labels are
 * escaped by netns_list_label.  Returns its width (0: no column).
 */
static int
netns_cell(char *buf, size_t len, const struct options *o,
    const struct sock_netns *ns, int head)
{
	const char *l = head ? "Netns" : ns != NULL ? ns->label : "-";
	int w = o->netns_width > 5 ? (int)o->netns_width : 5;

	buf[0] = '\0';
	if (!o->all_netns)
		return 0;
	return snprintf(buf, len, "%-*s ", w, l);
}

/* Column widths of the text face; a longer value pushes the rest. */
#define W_TIME		12
#define W_EVENT		6
#define W_PROTO		5
#define W_ADDR		22
#define W_TRANS		25

const char *
fmt_event_kind(unsigned kind)
{
	switch (kind) {
	case WATCH_EV_NEW:	return "new";
	case WATCH_EV_STATE:	return "state";
	case WATCH_EV_CLOSED:	return "closed";
	default:		return NULL;
	}
}

const char *
fmt_event_time(char *buf, size_t len, uint64_t time_ms)
{
	time_t t = (time_t)(time_ms / 1000);
	struct tm tm;
	char hms[16];

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(hms, sizeof(hms), "%H:%M:%S", &tm) == 0)
		snprintf(hms, sizeof(hms), "?");
	snprintf(buf, len, "%s.%03u", hms, (unsigned)(time_ms % 1000));
	return buf;
}

const char *
fmt_event_owner(char *buf, size_t len, const struct watch_event *ev)
{
	char esc[UTIL_ESCAPE_MAX(WATCH_COMM_MAX)];

	if (ev->pid <= 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (ev->command[0] == '\0') {
		snprintf(buf, len, "%d/?", (int)ev->pid);
		return buf;
	}
	util_escape(esc, sizeof(esc), ev->command,
	    strnlen(ev->command, sizeof(ev->command)));
	snprintf(buf, len, "%d/%s", (int)ev->pid, esc);
	return buf;
}

/* A row holding what addr_netstat reads from an event. */
static void
event_row(struct sock_row *r, const struct watch_event *ev)
{
	memset(r, 0, sizeof(*r));
	r->family = ev->family;
	r->proto = ev->proto;
	r->laddr = ev->laddr;
	r->raddr = ev->raddr;
	r->lport = ev->lport;
	r->rport = ev->rport;
}

/* "OLD -> NEW", OLD "-" when never seen. */
static void
transition(char *buf, size_t len, const struct watch_event *ev)
{
	char o[32], n[32];

	if (ev->oldstate == ST_UNKNOWN)
		snprintf(o, sizeof(o), "-");
	else
		names_state_fmt(ev->oldstate, o, sizeof(o));
	names_state_fmt(ev->newstate, n, sizeof(n));
	snprintf(buf, len, "%s -> %s", o, n);
}

int
fmt_event_text(char *buf, size_t len, const struct watch_event *ev,
    const struct options *o)
{
	struct sock_row r;
	char tm[32], local[ADDR_HOSTPORT_MAX], remote[ADDR_HOSTPORT_MAX];
	char trans[80], owner[UTIL_ESCAPE_MAX(WATCH_COMM_MAX) + 16];
	char ns[UTIL_ESCAPE_MAX(256) + 2];
	const char *kind = fmt_event_kind(ev->kind);
	const char *proto = names_proto(ev->proto, ev->family);
	int n;

	event_row(&r, ev);
	if (addr_netstat(local, sizeof(local), &r, 0, o) == -1 ||
	    addr_netstat(remote, sizeof(remote), &r, 1, o) == -1)
		return -1;
	fmt_event_time(tm, sizeof(tm), ev->time_ms);
	transition(trans, sizeof(trans), ev);
	fmt_event_owner(owner, sizeof(owner), ev);
	netns_cell(ns, sizeof(ns), o, ev->netns, 0);
	n = snprintf(buf, len, "%s%-*s %-*s %-*s %-*s %-*s %-*s %s", ns,
	    W_TIME, tm, W_EVENT, kind != NULL ? kind : "?",
	    W_PROTO, proto != NULL ? proto : "?", W_ADDR, local,
	    W_ADDR, remote, W_TRANS, trans, owner);
	if (n < 0)
		return -1;
	if ((size_t)n >= len) {
		errno = ENOSPC;
		return -1;
	}
	return n;
}

void
fmt_event_header(FILE *out, const struct options *o)
{
	char ns[64];

	netns_cell(ns, sizeof(ns), o, NULL, 1);
	fprintf(out, "%s%-*s %-*s %-*s %-*s %-*s %-*s %s\n", ns,
	    W_TIME, "Time", W_EVENT, "Event", W_PROTO, "Proto",
	    W_ADDR, "Local Address", W_ADDR, "Foreign Address",
	    W_TRANS, "Transition", "PID/Program name");
}

/* A state name, or null for ST_UNKNOWN. */
static void
state_field(struct jsonw *j, const char *key, unsigned state)
{
	char buf[32];

	if (state == ST_UNKNOWN)
		jsonw_null_field(j, key);
	else
		jsonw_string_field(j, key, names_state_fmt(state, buf,
		    sizeof(buf)));
}

int
fmt_event_json(FILE *out, struct jsonw *j, const struct watch_event *ev)
{
	char iso[48];
	time_t t = (time_t)(ev->time_ms / 1000);
	struct tm tm;
	size_t n;

	n = 0;
	if (gmtime_r(&t, &tm) != NULL)
		n = strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
	if (n > 0)
		snprintf(iso + n, sizeof(iso) - n, ".%03uZ",
		    (unsigned)(ev->time_ms % 1000));
	jsonw_start_object(j);
	/* --netns, --all-netns: where the socket lives, as in the listing. */
	if (ev->netns != NULL)
		fmt_json_netns(j, ev->netns);
	jsonw_uint_field(j, "time_ms", ev->time_ms);
	if (n > 0)
		jsonw_string_field(j, "time", iso);
	else
		jsonw_null_field(j, "time");
	jsonw_string_field(j, "event", fmt_event_kind(ev->kind));
	jsonw_string_field(j, "method",
	    ev->method == WATCH_TRACE ? "trace" : "poll");
	jsonw_string_field(j, "proto", names_proto_json(ev->proto));
	jsonw_string_field(j, "family",
	    ev->family == AF_INET ? "inet" : "inet6");
	fmt_json_endpoint(j, "local", ev->family, &ev->laddr, ev->lport);
	fmt_json_endpoint(j, "remote", ev->family, &ev->raddr, ev->rport);
	state_field(j, "old_state", ev->oldstate);
	state_field(j, "state", ev->newstate);
	if (ev->cookie != 0)
		jsonw_uint_field(j, "cookie", ev->cookie);
	else
		jsonw_null_field(j, "cookie");
	if (ev->inode != 0)
		jsonw_uint_field(j, "inode", ev->inode);
	else
		jsonw_null_field(j, "inode");
	if (ev->pid > 0 && ev->command[0] == '\0') {
		jsonw_int_field(j, "pid", ev->pid);
		jsonw_null_field(j, "command");
	} else if (ev->pid > 0) {
		jsonw_int_field(j, "pid", ev->pid);
		jsonw_text_field(j, "command", ev->command,
		    strnlen(ev->command, sizeof(ev->command)));
	} else {
		jsonw_null_field(j, "pid");
		jsonw_null_field(j, "command");
	}
	jsonw_end_object(j);
	if (jsonw_status(j) == -1)
		return -1;
	if (fputc('\n', out) == EOF)
		return -1;
	return 0;
}
