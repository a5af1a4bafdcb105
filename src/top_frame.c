/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_frame.c - the batch frames of sockstat top (top_frame.h): the
 * cell texts the screen shares, a plain-text frame and a JSON frame.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "jsonw.h"
#include "names.h"
#include "top_frame.h"
#include "util.h"

const char *
top_cell_mark(const struct top_sock *s)
{
	return s->mark == TOP_MARK_NEW ? "+" :
	    s->mark == TOP_MARK_CLOSED ? "-" : " ";
}

const char *
top_cell_owner(char *buf, size_t len, const struct top_sock *s,
    enum top_group g)
{
	char esc[UTIL_ESCAPE_MAX(TOP_COMM_MAX)], ep[TOP_CELL_MAX];
	char id[UTIL_ESCAPE_MAX(sizeof(s->ctr_id))], ctr[sizeof(id) + 32];

	util_esc(esc, sizeof(esc), s->comm);
	/* The container after the program, as the listing shows it. */
	ctr[0] = '\0';
	if (s->ctr_rt != NULL) {
		util_esc(id, sizeof(id), s->ctr_id);
		snprintf(ctr, sizeof(ctr), " (%s %s)", s->ctr_rt, id);
	}
	switch (g) {
	case TOP_GROUP_RHOST:
		top_cell_endpoint(ep, sizeof(ep), s, 1);
		/* The port is no part of the key: drop it. */
		if (strrchr(ep, ':') != NULL)
			*strrchr(ep, ':') = '\0';
		snprintf(buf, len, "%s (%" PRIu32 ")", s->row.family ==
		    AF_UNIX ? "unix" : ep, s->nsocks);
		return buf;
	case TOP_GROUP_LPORT:
		snprintf(buf, len, "%s/%u (%" PRIu32 ")",
		    names_proto_json(s->row.proto), s->row.lport, s->nsocks);
		return buf;
	case TOP_GROUP_PROCESS:
		if (s->pid == 0)
			snprintf(buf, len, "- (%" PRIu32 ")", s->nsocks);
		else
			snprintf(buf, len, "%d/%s%s (%" PRIu32 ")", s->pid,
			    esc, ctr, s->nsocks);
		return buf;
	default:
		break;
	}
	if (s->pid == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d/%s%s%s", s->pid, esc,
		    s->nowners > 1 ? "+" : "", ctr);
	return buf;
}

const char *
top_cell_endpoint(char *buf, size_t len, const struct top_sock *s,
    int remote)
{
	char a[INET6_ADDRSTRLEN];
	const union sock_addr *ad = remote ? &s->row.raddr : &s->row.laddr;
	unsigned port = remote ? s->row.rport : s->row.lport;

	if (s->row.family == AF_UNIX) {
		snprintf(buf, len, "unix:%" PRIu64, remote ?
		    s->row.peer_inode : s->row.inode);
		return buf;
	}
	if (inet_ntop(s->row.family, ad, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	if (port == 0)
		snprintf(buf, len, s->row.family == AF_INET6 ? "[%s]:*" :
		    "%s:*", a);
	else
		snprintf(buf, len, s->row.family == AF_INET6 ? "[%s]:%u" :
		    "%s:%u", a, port);
	return buf;
}

const char *
top_cell_rate(char *buf, size_t len, uint64_t bps, int known)
{
	static const char units[] = "kMGT";
	double v = (double)bps;
	int u = -1;

	if (!known) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (bps < 10000) {
		snprintf(buf, len, "%" PRIu64, bps);
		return buf;
	}
	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, v < 100 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return buf;
}

void
top_header_totals(char *buf, size_t len, const struct top_totals *tot)
{
	char in[32], out[32], st[32];
	size_t n;
	int w;

	n = (size_t)snprintf(buf, len, "TCP %lu:", tot->protos[PROTO_TCP]);
	for (unsigned s = 1; s < ST_MAX && n < len; s++) {
		if (tot->tcp_states[s] == 0)
			continue;
		w = snprintf(buf + n, len - n, " %lu %s", tot->tcp_states[s],
		    names_state_fmt(s, st, sizeof(st)));
		n += w > 0 ? (size_t)w : 0;
	}
	if (n >= len)
		return;
	snprintf(buf + n, len - n, "; UDP %lu; UNIX %lu\n"
	    "TCP opened %" PRIu64 ".%02" PRIu64 "/s, closed %" PRIu64 ".%02"
	    PRIu64 "/s; in %sB/s, out %sB/s",
	    tot->protos[PROTO_UDP], tot->protos[PROTO_UNIX],
	    tot->opened_mps / 1000, tot->opened_mps % 1000 / 10,
	    tot->closed_mps / 1000, tot->closed_mps % 1000 / 10,
	    top_cell_rate(in, sizeof(in), tot->recv_Bps, 1),
	    top_cell_rate(out, sizeof(out), tot->send_Bps, 1));
}

void
top_clock_text(char *buf, size_t len, uint64_t wall_ms)
{
	time_t tt = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "?");
}

#define ROW_FMT	"%s %-22s %-22s %-22s %-11s %7s %7s %8s %5s %4s %7s %7s"

void
top_frame_titles(char *buf, size_t len)
{
	snprintf(buf, len, ROW_FMT, "M", "OWNER", "LOCAL", "REMOTE", "STATE",
	    "SEND/s", "RECV/s", "RTT-ms", "CWND", "RETR", "RECV-Q",
	    "SEND-Q");
}

void
top_frame_row(char *buf, size_t len, const struct top_sock *s,
    enum top_group g)
{
	char own[TOP_CELL_MAX], l[TOP_CELL_MAX], r[TOP_CELL_MAX], tx[32],
	    rx[32], rtt[32], cw[16], re[16], st[32], rq[32], wq[32];
	int grp = g != TOP_GROUP_NONE;
	int info = s->has_info && !grp;
	int rated = s->has_info && s->has_rate;

	snprintf(rtt, sizeof(rtt), info ? "%.3f" : "-", s->rtt_us / 1000.0);
	snprintf(cw, sizeof(cw), info ? "%" PRIu32 : "-", s->cwnd);
	snprintf(re, sizeof(re), rated ? "%" PRIu32 : "-", s->retrans);
	snprintf(buf, len, ROW_FMT, top_cell_mark(s),
	    top_cell_owner(own, sizeof(own), s, g),
	    grp ? "-" : top_cell_endpoint(l, sizeof(l), s, 0),
	    grp ? "-" : top_cell_endpoint(r, sizeof(r), s, 1),
	    grp ? "-" : names_state_fmt(s->row.state, st, sizeof(st)),
	    top_cell_rate(tx, sizeof(tx), s->send_Bps, rated),
	    top_cell_rate(rx, sizeof(rx), s->recv_Bps, rated),
	    rtt, cw, re, top_cell_rate(rq, sizeof(rq), s->row.rqueue, 1),
	    top_cell_rate(wq, sizeof(wq), s->row.wqueue, 1));
}

int
top_frame_text(FILE *out, const struct top *t, const struct top_view *v,
    const struct top_frame_info *fi)
{
	const struct top_totals *tot = top_totals(t);
	const struct top_view_opts *vo = fi->vo;
	char tm[32], tbuf[512], line[TOP_LINE_MAX];

	top_clock_text(tm, sizeof(tm), fi->wall_ms);
	fprintf(out, "sockstat top - %s, interval %" PRIu64 ".%03" PRIu64
	    " s, sort %s%s, group %s\n", tm, tot->interval_ms / 1000,
	    tot->interval_ms % 1000, vo->descending ? "-" : "",
	    top_key_name(vo->key), top_group_name(vo->group));
	top_header_totals(tbuf, sizeof(tbuf), tot);
	fprintf(out, "%s\nhidden: %s\n\n", tbuf,
	    fi->hidden != NULL ? fi->hidden : "nothing");
	top_frame_titles(line, sizeof(line));
	fprintf(out, "%s\n", line);
	for (size_t i = 0; i < v->n; i++) {
		top_frame_row(line, sizeof(line), v->lines[i], vo->group);
		fprintf(out, "%s\n", line);
	}
	fputc('\n', out);
	if (fflush(out) == EOF || ferror(out))
		return -1;
	return 0;
}

/* The interval's members of s: null where the kernel counts nothing. */
static void
json_rates(struct jsonw *j, const struct top_sock *s)
{
	if (s->has_info && s->has_rate) {
		jsonw_uint_field(j, "send_bytes_per_s", s->send_Bps);
		jsonw_uint_field(j, "recv_bytes_per_s", s->recv_Bps);
		jsonw_uint_field(j, "retrans", s->retrans);
	} else {
		jsonw_null_field(j, "send_bytes_per_s");
		jsonw_null_field(j, "recv_bytes_per_s");
		jsonw_null_field(j, "retrans");
	}
	jsonw_uint_field(j, "recv_q_bytes", s->row.rqueue);
	jsonw_uint_field(j, "send_q_bytes", s->row.wqueue);
}

static void
json_owner(struct jsonw *j, const struct top_sock *s)
{
	if (s->pid == 0) {
		jsonw_null_field(j, "pid");
		jsonw_null_field(j, "command");
	} else {
		jsonw_int_field(j, "pid", s->pid);
		jsonw_text_field(j, "command", s->comm, strlen(s->comm));
	}
	jsonw_key(j, "container");
	if (s->ctr_rt == NULL) {
		jsonw_null(j);
		return;
	}
	jsonw_start_object(j);
	jsonw_string_field(j, "runtime", s->ctr_rt);
	jsonw_text_field(j, "id", s->ctr_id, strlen(s->ctr_id));
	jsonw_end_object(j);
}

static void
json_socket(struct jsonw *j, const struct top_sock *s)
{
	char st[32];

	jsonw_start_object(j);
	jsonw_string_field(j, "mark", s->mark == TOP_MARK_NEW ? "new" :
	    s->mark == TOP_MARK_CLOSED ? "closed" : NULL);
	jsonw_string_field(j, "proto", names_proto_json(s->row.proto));
	jsonw_string_field(j, "family", s->row.family == AF_INET ? "inet" :
	    s->row.family == AF_INET6 ? "inet6" : "unix");
	jsonw_string_field(j, "state", names_state_fmt(s->row.state, st,
	    sizeof(st)));
	if (s->row.family == AF_UNIX) {
		jsonw_null_field(j, "local");
		jsonw_null_field(j, "remote");
	} else {
		fmt_json_endpoint(j, "local", s->row.family, &s->row.laddr,
		    s->row.lport);
		fmt_json_endpoint(j, "remote", s->row.family, &s->row.raddr,
		    s->row.rport);
	}
	if (s->row.has & ROW_HAS_COOKIE)
		jsonw_uint_field(j, "cookie", s->row.cookie);
	else
		jsonw_null_field(j, "cookie");
	jsonw_uint_field(j, "inode", s->row.inode);
	json_owner(j, s);
	jsonw_uint_field(j, "owners", s->nowners);
	json_rates(j, s);
	if (s->has_info && s->mark != TOP_MARK_CLOSED) {
		jsonw_uint_field(j, "rtt_us", s->rtt_us);
		jsonw_uint_field(j, "cwnd", s->cwnd);
	} else {
		jsonw_null_field(j, "rtt_us");
		jsonw_null_field(j, "cwnd");
	}
	jsonw_end_object(j);
}

static void
json_group(struct jsonw *j, const struct top_sock *s, enum top_group g)
{
	char a[INET6_ADDRSTRLEN];

	jsonw_start_object(j);
	switch (g) {
	case TOP_GROUP_PROCESS:
		json_owner(j, s);
		break;
	case TOP_GROUP_RHOST:
		jsonw_string_field(j, "remote", s->row.family == AF_UNIX ?
		    NULL : inet_ntop(s->row.family, &s->row.raddr, a,
		    sizeof(a)));
		break;
	default:
		jsonw_string_field(j, "proto",
		    names_proto_json(s->row.proto));
		jsonw_uint_field(j, "local_port", s->row.lport);
		break;
	}
	jsonw_uint_field(j, "sockets", s->nsocks);
	json_rates(j, s);
	jsonw_end_object(j);
}

static void
json_totals(struct jsonw *j, const struct top_totals *tot)
{
	char st[32];

	jsonw_key(j, "totals");
	jsonw_start_object(j);
	jsonw_key(j, "sockets");
	jsonw_start_object(j);
	for (unsigned p = 0; p < PROTO_COUNT; p++)
		jsonw_uint_field(j, names_proto_json(p), tot->protos[p]);
	jsonw_end_object(j);
	jsonw_key(j, "tcp_states");
	jsonw_start_object(j);
	for (unsigned s = 1; s < ST_MAX; s++)
		if (tot->tcp_states[s] != 0)
			jsonw_uint_field(j, names_state_fmt(s, st, sizeof(st)),
			    tot->tcp_states[s]);
	jsonw_end_object(j);
	jsonw_uint_field(j, "tcp_opened", tot->opened);
	jsonw_uint_field(j, "tcp_closed", tot->closed);
	jsonw_uint_field(j, "tcp_opened_per_ks", tot->opened_mps);
	jsonw_uint_field(j, "tcp_closed_per_ks", tot->closed_mps);
	jsonw_uint_field(j, "send_bytes_per_s", tot->send_Bps);
	jsonw_uint_field(j, "recv_bytes_per_s", tot->recv_Bps);
	jsonw_uint_field(j, "unowned_sockets", tot->unowned);
	jsonw_end_object(j);
}

int
top_frame_json(FILE *out, const struct top *t, const struct top_view *v,
    const struct top_frame_info *fi)
{
	const struct top_view_opts *vo = fi->vo;
	struct jsonw *j;
	int rc;

	if ((j = jsonw_new(out, 0)) == NULL)
		return -1;
	jsonw_start_object(j);
	jsonw_uint_field(j, "time_ms", fi->wall_ms);
	jsonw_uint_field(j, "interval_ms", top_totals(t)->interval_ms);
	jsonw_string_field(j, "sort", top_key_name(vo->key));
	jsonw_bool_field(j, "descending", vo->descending);
	jsonw_string_field(j, "group", top_group_name(vo->group));
	jsonw_string_field(j, "hidden", fi->hidden);
	jsonw_uint_field(j, "hidden_processes", fi->hidden_procs);
	json_totals(j, top_totals(t));
	jsonw_key(j, vo->group == TOP_GROUP_NONE ? "sockets" : "groups");
	jsonw_start_array(j);
	for (size_t i = 0; i < v->n; i++) {
		if (vo->group == TOP_GROUP_NONE)
			json_socket(j, v->lines[i]);
		else
			json_group(j, v->lines[i], vo->group);
	}
	jsonw_end_array(j);
	jsonw_end_object(j);
	rc = jsonw_status(j);
	jsonw_free(j);
	if (rc == -1)
		return -1;
	fputc('\n', out);
	if (fflush(out) == EOF || ferror(out))
		return -1;
	return 0;
}
