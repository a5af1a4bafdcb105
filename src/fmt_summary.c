/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_summary.c - the -s face: socket counts per protocol, family and
 * TCP state, then the kernel's own totals.
 *
 * The counts are of the rows main hands over, so they follow the
 * options; the kernel totals (<proc_root>/net/sockstat) count every
 * socket of the host's network namespace, also those no dump shows
 * (orphans, sockets not yet hashed).  Both are printed so that a gap
 * between them is visible rather than hidden.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "jsonw.h"
#include "ktotals.h"
#include "names.h"
#include "tcpstat.h"

enum { FAM_V4, FAM_V6, FAM_OTHER, FAM_N };

struct summary_state {
	FILE		*out;
	const struct options *o;
	unsigned long	 counts[PROTO_COUNT][FAM_N];
	unsigned long	 tcp_states[256];	/* by state byte */
	unsigned long	 total;
	unsigned	 unread[PROTO_COUNT];	/* 1 << FAM_V4, _V6: dumps not read */
};

/* The kernel's totals, read whole before any is written. */
struct kt_value {
	char		 section[32];
	char		 key[32];
	int64_t		 value;
};

struct kt_list {
	struct kt_value	*v;
	size_t		 n, cap;
};

static void *
summary_begin(FILE *out, const struct options *o)
{
	struct summary_state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	st->out = out;
	st->o = o;
	return st;
}

static int
summary_row(void *arg, const struct sock_row *r)
{
	struct summary_state *st = arg;
	int fam;

	if (r->proto >= PROTO_COUNT)
		return 0;
	fam = r->family == AF_INET ? FAM_V4 :
	    r->family == AF_INET6 ? FAM_V6 : FAM_OTHER;
	st->counts[r->proto][fam]++;
	st->total++;
	/* Request sockets are SYN_RECV to the reader: one count, one key. */
	if (r->proto == PROTO_TCP)
		st->tcp_states[r->state == ST_NEW_SYN_RECV ?
		    ST_SYN_RECV : r->state]++;
	return 0;
}

/* A dump no source could read: its counts are unknown, not 0. */
static void
summary_gap(void *arg, int family, enum sock_proto proto)
{
	struct summary_state *st = arg;

	if (proto < PROTO_COUNT)
		st->unread[proto] |= 1U << (family == AF_INET6 ? FAM_V6 :
		    FAM_V4);
}

/* A count as text, or "?" when a dump it sums was not read. */
static const char *
count_text(char *buf, size_t len, unsigned long v, int unread)
{
	if (unread)
		return "?";
	snprintf(buf, len, "%lu", v);
	return buf;
}

static unsigned long
proto_total(const struct summary_state *st, int p)
{
	return st->counts[p][FAM_V4] + st->counts[p][FAM_V6] +
	    st->counts[p][FAM_OTHER];
}

/* ktotals callback: appends one value; names too long are skipped. */
static int
kt_add(const char *section, const char *key, int64_t value, void *arg)
{
	struct kt_list *l = arg;
	struct kt_value *v;
	size_t cap;

	if (strlen(section) >= sizeof(v->section) ||
	    strlen(key) >= sizeof(v->key))
		return 0;
	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	v = &l->v[l->n++];
	memcpy(v->section, section, strlen(section) + 1);
	memcpy(v->key, key, strlen(key) + 1);
	v->value = value;
	return 0;
}

/*
 * Issue 15: listener health and timeouts (TcpExt of <root>/net/netstat),
 * in netstat -s's words, zeros included.
 */
static void
tcpstat_text_out(struct summary_state *st)
{
	struct tcpstat ts;
	char buf[96];
	int k;

	fprintf(st->out, "\nTCP listeners and timeouts (%s/net/netstat):\n",
	    st->o->proc_root ? st->o->proc_root : "/proc");
	if (tcpstat_read(st->o->proc_root, &ts) == -1) {
		fprintf(st->out, "  unavailable: %s\n", strerror(errno));
		return;
	}
	for (k = 0; k < TCPSTAT_N; k++)
		if (ts.has & 1U << k)
			fprintf(st->out, "  %s\n", tcpstat_text(k, ts.value[k],
			    buf, sizeof(buf)));
}

/* "tcp_ext": {"ListenOverflows": n, ...}, null when unreadable. */
static void
tcpstat_json_out(struct summary_state *st, struct jsonw *j)
{
	struct tcpstat ts;
	int k;

	jsonw_key(j, "tcp_ext");
	if (tcpstat_read(st->o->proc_root, &ts) == -1) {
		jsonw_null(j);
		return;
	}
	jsonw_start_object(j);
	for (k = 0; k < TCPSTAT_N; k++)
		if (ts.has & 1U << k)
			jsonw_uint_field(j, tcpstat_name(k), ts.value[k]);
	jsonw_end_object(j);
}

/*
 * Text: a table of protocols by family, the TCP states seen, then the
 * kernel's lines as it writes them ("  TCP: inuse 5 orphan 0 ...").
 */
static void
summary_text(struct summary_state *st, const struct kt_list *kt, int kt_err)
{
	static const char *const label[PROTO_COUNT] = {
	    [PROTO_TCP] = "TCP", [PROTO_UDP] = "UDP",
	    [PROTO_UDPLITE] = "UDPLITE", [PROTO_RAW] = "RAW",
	    [PROTO_UNIX] = "UNIX" };
	FILE *out = st->out;
	char name[32];
	unsigned long v4 = 0, v6 = 0;
	unsigned s, u, all = 0, fams = 0;
	char c[3][24];
	size_t i;
	int p;

	fprintf(out, "%-10s %8s %8s %8s\n", "Protocol", "Total", "IPv4",
	    "IPv6");
	for (p = 0; p < PROTO_COUNT; p++) {
		u = st->unread[p];
		all |= u;
		fprintf(out, "%-10s %8s %8s %8s\n", label[p],
		    count_text(c[0], sizeof(c[0]), proto_total(st, p), u != 0),
		    p == PROTO_UNIX ? "-" : count_text(c[1], sizeof(c[1]),
		    st->counts[p][FAM_V4], u & 1U << FAM_V4),
		    p == PROTO_UNIX ? "-" : count_text(c[2], sizeof(c[2]),
		    st->counts[p][FAM_V6], u & 1U << FAM_V6));
		if (p == PROTO_UNIX)
			continue;
		v4 += st->counts[p][FAM_V4];
		v6 += st->counts[p][FAM_V6];
		fams |= u;
	}
	fprintf(out, "%-10s %8s %8s %8s\n", "Total",
	    count_text(c[0], sizeof(c[0]), st->total, all != 0),
	    count_text(c[1], sizeof(c[1]), v4, fams & 1U << FAM_V4),
	    count_text(c[2], sizeof(c[2]), v6, fams & 1U << FAM_V6));
	if (all != 0)
		fprintf(out, "(?: not read, see standard error)\n");
	fprintf(out, "\nTCP states:\n");
	if (st->unread[PROTO_TCP] != 0)
		fprintf(out, "  (not all read)\n");
	else if (proto_total(st, PROTO_TCP) == 0)
		fprintf(out, "  (none)\n");
	for (s = 0; s < 256; s++)
		if (st->tcp_states[s] > 0)
			fprintf(out, "  %-14s %8lu\n",
			    names_state_fmt(s, name, sizeof(name)),
			    st->tcp_states[s]);

	fprintf(out, "\nKernel totals (%s/net/sockstat):\n",
	    st->o->proc_root ? st->o->proc_root : "/proc");
	if (kt_err != 0)
		fprintf(out, "  unavailable: %s\n", strerror(kt_err));
	else if (kt->n == 0)
		fprintf(out, "  (none)\n");
	for (i = 0; kt_err == 0 && i < kt->n; i++) {
		if (i == 0 || strcmp(kt->v[i].section, kt->v[i - 1].section))
			fprintf(out, "%s  %s:", i > 0 ? "\n" : "",
			    kt->v[i].section);
		fprintf(out, " %s %lld", kt->v[i].key,
		    (long long)kt->v[i].value);
	}
	if (kt_err == 0 && kt->n > 0)
		fputc('\n', out);
	tcpstat_text_out(st);
}

/* key: v, or null when a dump it sums was not read. */
static void
count_field(struct jsonw *j, const char *key, unsigned long v, unsigned unread)
{
	if (unread) {
		jsonw_key(j, key);
		jsonw_null(j);
	} else
		jsonw_uint_field(j, key, v);
}

/*
 * JSON: {"total": n, "protocols": {"tcp": {"total", "inet", "inet6"},
 * ..., "unix": {"total"}}, "tcp_states": {"ESTABLISHED": n, ...},
 * "kernel": {"TCP": {"inuse": n, ...}, ...} or null if unreadable}.
 * Every named TCP state is present, 0 included, so that consumers need
 * no default; BOUND_INACTIVE and unknown codes only when seen.
 */
static int
summary_json(struct summary_state *st, const struct kt_list *kt, int kt_err)
{
	struct jsonw *j;
	char name[32];
	unsigned s;
	size_t i;
	unsigned all = 0;
	int p, rc, save_errno;

	/* One object on one line, as every other view's records. */
	if ((j = jsonw_new(st->out, 0)) == NULL)
		return -1;
	for (p = 0; p < PROTO_COUNT; p++)
		all |= st->unread[p];
	jsonw_start_object(j);
	count_field(j, "total", st->total, all);
	jsonw_key(j, "protocols");
	jsonw_start_object(j);
	for (p = 0; p < PROTO_COUNT; p++) {
		jsonw_key(j, names_proto_json(p));
		jsonw_start_object(j);
		count_field(j, "total", proto_total(st, p), st->unread[p]);
		if (p != PROTO_UNIX) {
			count_field(j, "inet", st->counts[p][FAM_V4],
			    st->unread[p] & 1U << FAM_V4);
			count_field(j, "inet6", st->counts[p][FAM_V6],
			    st->unread[p] & 1U << FAM_V6);
		}
		jsonw_end_object(j);
	}
	jsonw_end_object(j);

	jsonw_key(j, "tcp_states");
	jsonw_start_object(j);
	for (s = 0; s < 256; s++) {
		if (s == ST_NEW_SYN_RECV || (st->tcp_states[s] == 0 &&
		    (s < ST_ESTABLISHED || s > ST_CLOSING)))
			continue;
		jsonw_uint_field(j, names_state_fmt(s, name, sizeof(name)),
		    st->tcp_states[s]);
	}
	jsonw_end_object(j);

	jsonw_key(j, "kernel");
	if (kt_err != 0)
		jsonw_null(j);
	else {
		jsonw_start_object(j);
		for (i = 0; i < kt->n; i++) {
			if (i == 0 ||
			    strcmp(kt->v[i].section, kt->v[i - 1].section)) {
				if (i > 0)
					jsonw_end_object(j);
				jsonw_key(j, kt->v[i].section);
				jsonw_start_object(j);
			}
			jsonw_int_field(j, kt->v[i].key, kt->v[i].value);
		}
		if (kt->n > 0)
			jsonw_end_object(j);
		jsonw_end_object(j);
	}
	tcpstat_json_out(st, j);
	jsonw_end_object(j);
	rc = jsonw_status(j);
	save_errno = errno;
	jsonw_free(j);
	errno = save_errno;
	if (rc == 0 && fputc('\n', st->out) == EOF)
		rc = -1;
	return rc;
}

static int
summary_end(void *arg)
{
	struct summary_state *st = arg;
	struct kt_list kt = { 0 };
	int kt_err = 0, rc, save_errno;

	if (ktotals_read(st->o->proc_root, kt_add, &kt, NULL) == -1)
		kt_err = errno;
	errno = 0;
	if (st->o->json)
		rc = summary_json(st, &kt, kt_err);
	else {
		summary_text(st, &kt, kt_err);
		rc = ferror(st->out) ? -1 : 0;
	}
	if (fflush(st->out) == EOF || ferror(st->out))
		rc = -1;
	save_errno = errno != 0 ? errno : EIO;
	free(kt.v);
	free(st);
	errno = save_errno;
	return rc;
}

const struct formatter fmt_summary = {
	.name = "summary",
	.begin = summary_begin,
	.row = summary_row,
	.end = summary_end,
	.gap = summary_gap,
	.order = FMT_TCP_JOINED,	/* counts: any order */
};
