/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_openmetrics.c - the --openmetrics face: the selection as metrics
 * for Prometheus, in the OpenMetrics 1.0 text format, or with
 * --prometheus in the Prometheus text format 0.0.4 that node_exporter's
 * textfile collector and promtool read.  The two differ in counters
 * alone: OpenMetrics types the family "x" and names its sample
 * "x_total"; 0.0.4 types and names both "x_total" (and has no "# EOF").
 *
 *   sockstat_sockets{proto,family,state}      every state of every dump
 *                                             asked for, zeros included
 *   sockstat_dump_complete{proto,family}      0 when no source read it
 *   sockstat_listen_queue{local,port,command} TCP accept queue, backlog
 *   sockstat_listen_backlog{...}              (netlink only)
 *   sockstat_process_sockets{pid,command}     the --top biggest holders,
 *                                             the rest in pid="other"
 *   sockstat_unowned_sockets                  held by no visible process
 *   sockstat_tcp_*_total                      the kernel's TCP counters
 *
 * Every series is computed at end(), so its size is bounded by the
 * number of listeners and --top, never by the number of sockets.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "names.h"
#include "util.h"

enum { OM_V4, OM_V6, OM_UNIX, OM_NFAM };

/* A process and the number of selected sockets it holds. */
struct om_proc {
	pid_t		 pid;		/* 0: free slot */
	unsigned long	 sockets;
	unsigned long	 last_row;	/* row serial: a socket counts once */
	char		*command;	/* label text (om_label_dup) */
};

/* A listening TCP socket, before those of equal labels are summed. */
struct om_listener {
	char		 local[INET6_ADDRSTRLEN];
	uint16_t	 port;
	char		*command;	/* label text; "" when no holder seen */
	unsigned long	 queue;
	unsigned long	 backlog;
	int		 has_backlog;
};

struct om_state {
	FILE		*out;
	const struct options *o;
	unsigned long	 counts[PROTO_COUNT][OM_NFAM][256]; /* by state */
	unsigned	 unread[PROTO_COUNT];	/* 1 << OM_*: dumps not read */
	unsigned long	 rows;			/* serial of the current row */
	unsigned long	 unowned;
	struct om_proc	*procs;			/* open addressing by pid */
	size_t		 nprocs, procs_cap;
	struct om_listener *lis;
	size_t		 nlis, lis_cap;
};

static int
om_fam(int family)
{
	return family == AF_INET ? OM_V4 : family == AF_INET6 ? OM_V6 :
	    OM_UNIX;
}

static const char *
om_fam_name(int fam)
{
	static const char *const n[OM_NFAM] = { "inet", "inet6", "unix" };

	return n[fam];
}

/*
 * A label value as the exposition format wants it: backslash, double
 * quote and newline escaped (\\, \", \n); every other valid UTF-8
 * character as is, since a label value is data for a parser, not text
 * for a terminal.  Bytes that are not UTF-8 become U+FFFD: both formats
 * require UTF-8.  Returns a new string, or NULL with errno ENOMEM.
 */
static char *
om_label_dup(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *q;
	size_t i, n;

	/* Worst case: every byte invalid (3 bytes of U+FFFD each). */
	if ((out = malloc(3 * len + 1)) == NULL)
		return NULL;
	for (i = 0, q = out; i < len; i += n) {
		/* util_utf8 takes multibyte sequences only. */
		n = p[i] < 0x80 ? 1 : util_utf8(p + i, len - i, NULL);
		if (n == 0) {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			n = 1;
		} else if (p[i] == '\\' || p[i] == '"' || p[i] == '\n') {
			*q++ = '\\';
			*q++ = p[i] == '\n' ? 'n' : (char)p[i];
		} else {
			memcpy(q, p + i, n);
			q += n;
		}
	}
	*q = '\0';
	return out;
}

static void *
om_begin(FILE *out, const struct options *o)
{
	struct om_state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	st->out = out;
	st->o = o;
	return st;
}

/* The slot of pid, free or its own; the table is never full. */
static struct om_proc *
proc_slot(struct om_proc *t, size_t cap, pid_t pid)
{
	size_t i = ((size_t)pid * 2654435761U) & (cap - 1);

	while (t[i].pid != 0 && t[i].pid != pid)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Doubles the table when half full, so probes stay short. */
static int
procs_grow(struct om_state *st)
{
	struct om_proc *t, *old = st->procs;
	size_t i, cap;

	if (2 * (st->nprocs + 1) <= st->procs_cap)
		return 0;
	cap = st->procs_cap ? 2 * st->procs_cap : 64;
	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < st->procs_cap; i++)
		if (old[i].pid != 0)
			*proc_slot(t, cap, old[i].pid) = old[i];
	free(old);
	st->procs = t;
	st->procs_cap = cap;
	return 0;
}

/* One more socket for the holder ow (once per socket, however many fds). */
static int
proc_count(struct om_state *st, const struct sock_owner *ow)
{
	struct om_proc *p;
	const char *c = ow->command != NULL ? ow->command : "";

	if (procs_grow(st) == -1)
		return -1;
	p = proc_slot(st->procs, st->procs_cap, ow->pid);
	if (p->pid == 0) {
		if ((p->command = om_label_dup(c, strlen(c))) == NULL)
			return -1;
		p->pid = ow->pid;
		st->nprocs++;
	} else if (p->last_row == st->rows)
		return 0;
	p->last_row = st->rows;
	p->sockets++;
	return 0;
}

/* The holder a listener's command label names: the lowest PID. */
static const struct sock_owner *
first_owner(const struct sock_row *r)
{
	const struct sock_owner *best = NULL;
	size_t i;

	for (i = 0; i < r->nowners; i++)
		if (r->owners[i].pid > 0 &&
		    (best == NULL || r->owners[i].pid < best->pid))
			best = &r->owners[i];
	return best;
}

static int
listener_add(struct om_state *st, const struct sock_row *r)
{
	const struct sock_owner *ow = first_owner(r);
	const char *c = ow != NULL && ow->command != NULL ? ow->command : "";
	struct om_listener *l;
	size_t cap;

	if (st->nlis == st->lis_cap) {
		cap = st->lis_cap ? 2 * st->lis_cap : 16;
		if ((l = reallocarray(st->lis, cap, sizeof(*l))) == NULL)
			return -1;
		st->lis = l;
		st->lis_cap = cap;
	}
	l = &st->lis[st->nlis];
	memset(l, 0, sizeof(*l));
	if (inet_ntop(r->family, &r->laddr, l->local, sizeof(l->local)) ==
	    NULL)
		return -1;
	if ((l->command = om_label_dup(c, strlen(c))) == NULL)
		return -1;
	l->port = r->lport;
	l->queue = r->rqueue;
	l->backlog = r->backlog;
	l->has_backlog = (r->has & ROW_HAS_BACKLOG) != 0;
	st->nlis++;
	return 0;
}

static int
om_row(void *arg, const struct sock_row *r)
{
	struct om_state *st = arg;
	unsigned s = r->state == ST_NEW_SYN_RECV ? ST_SYN_RECV : r->state;
	size_t i;

	if (r->proto >= PROTO_COUNT)
		return 0;
	st->rows++;
	st->counts[r->proto][om_fam(r->family)][s]++;
	if (r->proto == PROTO_TCP && r->state == ST_LISTEN &&
	    listener_add(st, r) == -1)
		return -1;
	if (r->nowners == 0)
		st->unowned++;
	for (i = 0; i < r->nowners; i++)
		if (proc_count(st, &r->owners[i]) == -1)
			return -1;
	return 0;
}

/* A dump no source could read: its series are left out, not zeros. */
static void
om_gap(void *arg, int family, enum sock_proto proto)
{
	struct om_state *st = arg;

	if (proto < PROTO_COUNT)
		st->unread[proto] |= 1U << om_fam(family);
}

/*
 * The states each protocol always shows, so that a series exists (at 0)
 * before its first socket: TCP's eleven; UDP, UDP-Lite and RAW sockets
 * are connected or not; UNIX ones listen, are connected, or not.
 * Other states appear when a socket is in them.
 */
static int
om_state_always(unsigned proto, unsigned s)
{
	if (proto == PROTO_TCP)
		return s >= ST_ESTABLISHED && s <= ST_CLOSING;
	if (proto == PROTO_UNIX && s == ST_LISTEN)
		return 1;
	return s == ST_ESTABLISHED || s == ST_CLOSE;
}

/* Whether the dump of proto in fam was asked for by the options. */
static int
om_asked(const struct options *o, unsigned proto, int fam)
{
	if (!(o->protos & 1U << proto))
		return 0;
	if (proto == PROTO_UNIX)
		return fam == OM_UNIX;
	if (fam == OM_V4)
		return (o->families & FAM_INET4) != 0;
	return fam == OM_V6 && (o->families & FAM_INET6) != 0;
}

/*
 * An implied optional protocol (UDP-Lite) the kernel lacks is no gap:
 * it has no series at all, as the listing has no rows.
 */
static int
om_absent(const struct om_state *st, unsigned proto, int fam)
{
	return (st->unread[proto] & 1U << fam) &&
	    (PROTO_OPTIONAL & st->o->protos_implied & 1U << proto);
}

static void
om_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
om_sockets(struct om_state *st)
{
	char name[32];
	unsigned p, s;
	int f;

	om_family(st->out, "sockstat_sockets", "gauge", "Sockets selected, "
	    "by protocol, family and state.");
	for (p = 0; p < PROTO_COUNT; p++)
		for (f = 0; f < OM_NFAM; f++) {
			if (!om_asked(st->o, p, f) ||
			    (st->unread[p] & 1U << f))
				continue;
			for (s = 0; s < 256; s++)
				if (s != ST_NEW_SYN_RECV &&
				    (st->counts[p][f][s] > 0 ||
				    om_state_always(p, s)))
					fprintf(st->out, "sockstat_sockets{"
					    "proto=\"%s\",family=\"%s\","
					    "state=\"%s\"} %lu\n",
					    names_proto_json(p), om_fam_name(f),
					    names_state_fmt(s, name,
					    sizeof(name)), st->counts[p][f][s]);
		}
	om_family(st->out, "sockstat_dump_complete", "gauge", "1 when the "
	    "kernel's sockets of this protocol and family were read, 0 when "
	    "no source could read them (their sockstat_sockets are absent).");
	for (p = 0; p < PROTO_COUNT; p++)
		for (f = 0; f < OM_NFAM; f++)
			if (om_asked(st->o, p, f) && !om_absent(st, p, f))
				fprintf(st->out, "sockstat_dump_complete{"
				    "proto=\"%s\",family=\"%s\"} %d\n",
				    names_proto_json(p), om_fam_name(f),
				    !(st->unread[p] & 1U << f));
}

static int
listener_cmp(const void *a, const void *b)
{
	const struct om_listener *x = a, *y = b;
	int c;

	if ((c = strcmp(x->local, y->local)) != 0)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return strcmp(x->command, y->command);
}

/*
 * Listeners of equal labels (SO_REUSEPORT groups of one program) are
 * summed: a series must be unique, and their sum is what the program
 * can take.  A backlog is only known when every one of them gave it.
 */
static size_t
listeners_merge(struct om_state *st)
{
	struct om_listener *l = st->lis;
	size_t i, n = 0;

	if (st->nlis == 0)
		return 0;
	qsort(l, st->nlis, sizeof(*l), listener_cmp);
	for (i = 1; i < st->nlis; i++) {
		if (listener_cmp(&l[n], &l[i]) == 0) {
			l[n].queue += l[i].queue;
			l[n].backlog += l[i].backlog;
			l[n].has_backlog &= l[i].has_backlog;
			free(l[i].command);
			l[i].command = NULL;
		} else
			l[++n] = l[i];
	}
	st->nlis = n + 1;
	return st->nlis;
}

static void
om_listeners(struct om_state *st)
{
	size_t i, n = listeners_merge(st);
	const struct om_listener *l;
	int any = 0;

	om_family(st->out, "sockstat_listen_queue", "gauge", "Connections "
	    "waiting to be accepted by listening TCP sockets.");
	for (i = 0; i < n; i++) {
		l = &st->lis[i];
		fprintf(st->out, "sockstat_listen_queue{local=\"%s\","
		    "port=\"%u\",command=\"%s\"} %lu\n", l->local, l->port,
		    l->command, l->queue);
		any |= l->has_backlog;
	}
	if (!any)
		return;
	om_family(st->out, "sockstat_listen_backlog", "gauge", "The accept "
	    "queue limit (listen backlog) of listening TCP sockets.");
	for (i = 0; i < n; i++) {
		l = &st->lis[i];
		if (l->has_backlog)
			fprintf(st->out, "sockstat_listen_backlog{local=\"%s\","
			    "port=\"%u\",command=\"%s\"} %lu\n", l->local,
			    l->port, l->command, l->backlog);
	}
}

/* Most sockets first; equal counts by PID, so the order is stable. */
static int
proc_cmp(const void *a, const void *b)
{
	const struct om_proc *x = a, *y = b;

	if (x->sockets != y->sockets)
		return x->sockets > y->sockets ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void
om_processes(struct om_state *st)
{
	struct om_proc *t = st->procs;
	unsigned long other = 0;
	size_t i, n = 0;

	/* Pack the used slots to the front, then sort them. */
	for (i = 0; i < st->procs_cap; i++) {
		if (t[i].pid == 0)
			continue;
		if (n != i) {
			t[n] = t[i];
			memset(&t[i], 0, sizeof(t[i]));
		}
		n++;
	}
	if (n > 0)
		qsort(t, n, sizeof(*t), proc_cmp);
	om_family(st->out, "sockstat_process_sockets", "gauge", "Sockets "
	    "selected held by each process: the biggest holders (--top), the "
	    "others summed under pid other.");
	for (i = 0; i < n; i++) {
		if (i < st->o->top)
			fprintf(st->out, "sockstat_process_sockets{pid=\"%ld\","
			    "command=\"%s\"} %lu\n", (long)t[i].pid,
			    t[i].command, t[i].sockets);
		else
			other += t[i].sockets;
	}
	fprintf(st->out, "sockstat_process_sockets{pid=\"other\","
	    "command=\"\"} %lu\n", other);
	om_family(st->out, "sockstat_unowned_sockets", "gauge", "Sockets "
	    "selected that no process seen holds (closed, in the kernel "
	    "alone, or of processes not readable).");
	fprintf(st->out, "sockstat_unowned_sockets %lu\n", st->unowned);
}

/* The kernel's TCP counters worth watching beside the sockets. */
static const struct om_counter {
	const char	*file;		/* under <proc_root>/net/ */
	const char	*section;	/* "TcpExt", "Tcp" */
	const char	*key;
	const char	*name;		/* without _total */
	const char	*help;
} om_counters[] = {
	{ "netstat", "TcpExt", "ListenOverflows", "sockstat_tcp_listen_"
	    "overflows", "Connections dropped because an accept queue was "
	    "full (TcpExt ListenOverflows)." },
	{ "netstat", "TcpExt", "ListenDrops", "sockstat_tcp_listen_drops",
	    "Connections dropped by listening sockets for any reason "
	    "(TcpExt ListenDrops)." },
	{ "snmp", "Tcp", "RetransSegs", "sockstat_tcp_retransmitted_"
	    "segments", "TCP segments retransmitted (Tcp RetransSegs)." },
	{ "netstat", "TcpExt", "TCPSynRetrans", "sockstat_tcp_syn_"
	    "retransmits", "SYN and SYN-ACK retransmits (TcpExt "
	    "TCPSynRetrans)." },
	{ "netstat", "TcpExt", "TCPTimeouts", "sockstat_tcp_timeouts",
	    "Retransmission timeouts (TcpExt TCPTimeouts)." },
};

#define OM_NCOUNTERS	(sizeof(om_counters) / sizeof(om_counters[0]))

/*
 * Finds section's key in a /proc/net/{snmp,netstat} file: the kernel
 * writes each section as two lines, "Sec: Name1 Name2 ..." then
 * "Sec: 1 2 ...".  Returns 0 with *v set, or -1 (no such file, section
 * or key, or a value that is not a decimal number).
 */
static int
om_counter_read(const char *proc_root, const struct om_counter *c,
    unsigned long long *v)
{
	char path[PATH_MAX], *names = NULL, *vals = NULL, *sn, *sv, *n, *x;
	size_t cap1 = 0, cap2 = 0, plen = strlen(c->section);
	const char *errstr;
	FILE *fp;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/net/%s", proc_root, c->file);
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	while (rc == -1 && getline(&names, &cap1, fp) != -1 &&
	    getline(&vals, &cap2, fp) != -1) {
		if (strncmp(names, c->section, plen) != 0 ||
		    names[plen] != ':' || strncmp(vals, names, plen + 1) != 0)
			continue;
		n = strtok_r(names + plen + 1, " \n", &sn);
		x = strtok_r(vals + plen + 1, " \n", &sv);
		for (; n != NULL && x != NULL; n = strtok_r(NULL, " \n", &sn),
		    x = strtok_r(NULL, " \n", &sv)) {
			if (strcmp(n, c->key) != 0)
				continue;
			*v = (unsigned long long)util_strtonum(x, 0, LLONG_MAX,
			    &errstr);
			if (errstr == NULL)
				rc = 0;
			break;
		}
	}
	free(names);
	free(vals);
	fclose(fp);
	return rc;
}

/* A counter the kernel does not give (no file, an old kernel) is left out. */
static void
om_counters_write(struct om_state *st)
{
	const struct om_counter *c;
	unsigned long long v;
	size_t i;

	for (i = 0; i < OM_NCOUNTERS; i++) {
		c = &om_counters[i];
		if (om_counter_read(st->o->proc_root, c, &v) == -1)
			continue;
		/* OpenMetrics: family x, sample x_total; 0.0.4: x_total both. */
		fprintf(st->out, "# HELP %s%s %s\n# TYPE %s%s counter\n"
		    "%s_total %llu\n", c->name, st->o->prometheus ? "_total" : "",
		    c->help, c->name, st->o->prometheus ? "_total" : "",
		    c->name, v);
	}
}

static void
om_free(struct om_state *st)
{
	size_t i;

	for (i = 0; i < st->nlis; i++)
		free(st->lis[i].command);
	for (i = 0; i < st->procs_cap; i++)
		if (st->procs[i].pid != 0)
			free(st->procs[i].command);
	free(st->lis);
	free(st->procs);
	free(st);
}

static int
om_end(void *arg)
{
	struct om_state *st = arg;
	int rc = 0, save_errno;

	om_sockets(st);
	om_listeners(st);
	om_processes(st);
	om_counters_write(st);
	if (!st->o->prometheus)
		fputs("# EOF\n", st->out);
	if (fflush(st->out) == EOF || ferror(st->out)) {
		rc = -1;
		if (errno == 0)
			errno = EIO;
	}
	save_errno = errno;
	om_free(st);
	errno = save_errno;
	return rc;
}

const struct formatter fmt_openmetrics = {
	.name = "openmetrics",
	.begin = om_begin,
	.row = om_row,
	.end = om_end,
	.gap = om_gap,
};
