/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_owner.c - owners of a round's events (watch.c): the process a
 * tracepoint sample ran in when only the owner makes that transition,
 * else the owner map (procmap) by inode, the inode found by a TCP dump
 * when that is cheap; sockets that have no owner yet (a server's
 * connection before accept) are looked for again for a few snapshots.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "procmap.h"
#include "util.h"
#include "watch_impl.h"

/*
 * Reads a process's command name into buf: from /proc, or when it has
 * exited already (a short client), as last read; else "".
 */
void
watch_owner_comm(struct watch *w, int32_t pid, char *buf, size_t len)
{
	struct skowner *c = &w->comms[(uint32_t)pid % COMM_SLOTS];
	char path[256], comm[WATCH_COMM_MAX];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if (c->skaddr == (uint64_t)pid)
		snprintf(buf, len, "%s", c->comm);
	snprintf(path, sizeof(path), "%s/%d/comm", w->o.proc_root != NULL ?
	    w->o.proc_root : "/proc", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return;
	comm[n] = '\0';
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	snprintf(buf, len, "%s", comm);
	/*
	 * XXX Keyed by pid alone: if a pid is reused and the new process is
	 * gone before it is read, the old name shows.
	 */
	c->skaddr = (uint64_t)pid;
	snprintf(c->comm, sizeof(c->comm), "%s", comm);
}

struct skowner *
watch_owner_slot(struct watch *w, uint64_t skaddr)
{
	return &w->owners[(size_t)((skaddr >> 6) * 0x9E3779B97F4A7C15ULL >>
	    40) & (OWNER_SLOTS - 1)];
}

/*
 * Transitions that only a system call on the socket makes, so that the
 * process current when the tracepoint fired is the socket's owner:
 * connect, listen, close or shutdown.  Others run in softirq, in
 * whichever process the packet interrupted.
 */
int
watch_owner_context(int oldstate, int newstate)
{
	return (oldstate == ST_CLOSE && newstate == ST_SYN_SENT) ||
	    (oldstate == ST_CLOSE && newstate == ST_LISTEN) ||
	    (oldstate == ST_ESTABLISHED && newstate == ST_FIN_WAIT1) ||
	    (oldstate == ST_CLOSE_WAIT && newstate == ST_LAST_ACK) ||
	    (oldstate == ST_LISTEN && newstate == ST_CLOSE);
}

/* Whether an event still needs an owner that a live socket may have. */
static int
wants_owner(const struct wev *x)
{
	return !x->dropped && x->ev.pid == 0 &&
	    x->ev.newstate != ST_CLOSE && x->ev.newstate != ST_TIME_WAIT;
}

/* The trace resolver: inodes for live sockets, by 4-tuple. */
static int
resolve_row(const struct sock_row *r, void *arg)
{
	struct watch *w = arg;
	struct watch_event key;
	size_t i;

	w->tcp_rows++;
	if (r->inode == 0)
		return 0;
	watch_row_key(r, &key);
	for (i = 0; i < w->nevs; i++)
		if (w->evs[i].ev.inode == 0 && wants_owner(&w->evs[i]) &&
		    watch_same_tuple(&w->evs[i].ev, &key))
			w->evs[i].ev.inode = r->inode;
	return 0;
}

/*
 * Tracepoint events carry no inode.  When some event of a live socket
 * has no owner and TCP dumps are cheap here, one dump finds the inodes.
 */
void
watch_owner_resolve(struct watch *w)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct dump_req req = { .ext = 0 };
	size_t i;
	int need = 0, f;

	if (w->resolve_expensive)
		return;
	for (i = 0; i < w->nevs && !need; i++)
		need = w->evs[i].ev.method == WATCH_TRACE &&
		    wants_owner(&w->evs[i]);
	if (!need)
		return;
	w->tcp_rows = 0;
	for (f = 0; f < 2; f++) {
		if (!watch_selected(w, fams[f], PROTO_TCP))
			continue;
		req.family = fams[f];
		req.proto = PROTO_TCP;
		req.states = ST_ALL & ~ST_BIT(ST_TIME_WAIT);
		/* A failed lookup only costs owners. */
		(void)diag_collect(w->own.diag, &req, resolve_row, w, NULL);
	}
	if (w->tcp_rows > RESOLVE_MAX_ROWS)
		w->resolve_expensive = 1;
}

/*
 * Reads the owner map again.  On a host with many descriptors a build
 * takes long, so builds are kept at most a tenth of the time (map_cost).
 */
void
watch_owner_map(struct watch *w)
{
	const char *root = w->o.proc_root != NULL ? w->o.proc_root : "/proc";
	uint64_t t0 = util_mono_ms();

	procmap_free(w->map);
	/* Unreadable processes only cost their owners. */
	watch_raise(w, 1);
	w->map = procmap_build(root, NULL);
	watch_raise(w, 0);
	w->map_ms = util_mono_ms();
	w->map_cost = w->map_ms - t0;
}

/* Owners from the map by inode, rebuilding a stale map once a round. */
void
watch_owner_fill(struct watch *w)
{
	const struct sock_owner *ow;
	struct skowner *so;
	struct wev *x;
	size_t i, n;
	uint64_t now;
	int rebuilt = 0;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->dropped || x->ev.pid != 0 || x->ev.inode == 0)
			continue;
		ow = procmap_lookup(w->map, x->ev.inode, &n);
		now = util_mono_ms();
		if (n == 0 && !rebuilt && x->ev.kind != WATCH_EV_CLOSED &&
		    (w->map == NULL || now - w->map_ms >= MAP_MAX_AGE_MS) &&
		    (w->map == NULL || now - w->map_ms >= 10 * w->map_cost)) {
			watch_owner_map(w);
			rebuilt = 1;
			ow = procmap_lookup(w->map, x->ev.inode, &n);
		}
		if (n == 0)
			continue;
		x->ev.pid = ow->pid;
		snprintf(x->ev.command, sizeof(x->ev.command), "%s",
		    ow->command != NULL ? ow->command : "");
		if (x->ev.method == WATCH_TRACE) {
			so = watch_owner_slot(w, x->skaddr);
			so->skaddr = x->skaddr;
			so->pid = x->ev.pid;
			memcpy(so->comm, x->ev.command, sizeof(so->comm));
		}
	}
	/* A closed socket's address may be reused by the next one. */
	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method == WATCH_TRACE && x->freed) {
			so = watch_owner_slot(w, x->skaddr);
			if (so->skaddr == x->skaddr)
				so->skaddr = 0;
		}
	}
}

/* Puts the pending owners into the round, to be looked for with it. */
int
watch_owner_probe(struct watch *w)
{
	struct wev *x;
	size_t i;

	for (i = 0; i < w->npend; i++) {
		if ((x = watch_ev_push(w)) == NULL)
			return -1;
		*x = w->pend[i];
		x->seq = w->seq++;
		x->probe = 1;
	}
	w->npend = 0;
	return 0;
}

/*
 * After a round: probes still without an owner stay pending (for a
 * while), as do events of live traced sockets that found none; a
 * socket freed leaves the list.
 */
void
watch_owner_pend(struct watch *w)
{
	struct wev *x;
	size_t i, k;

	for (i = 0; i < w->nevs; i++) {
		x = &w->evs[i];
		if (x->ev.method != WATCH_TRACE || x->dropped)
			continue;
		for (k = 0; k < w->npend; k++)
			if (w->pend[k].skaddr == x->skaddr)
				break;
		if (x->freed || x->ev.pid != 0 || x->ev.newstate == ST_CLOSE ||
		    x->ev.newstate == ST_TIME_WAIT ||
		    (x->probe && ++x->tries >= PENDING_TRIES)) {
			if (k < w->npend)
				w->pend[k] = w->pend[--w->npend];
			continue;
		}
		if (k == w->npend && w->npend < PENDING_MAX) {
			w->pend[w->npend] = *x;
			w->pend[w->npend].probe = 0;
			w->npend++;
		} else if (k < w->npend)
			w->pend[k].tries = x->tries;
	}
}
