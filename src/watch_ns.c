/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_ns.c - the network namespace of traced sockets (watch_ns.h):
 * verdicts by kernel socket address, kept in a direct-mapped table, and
 * the listeners whose namespace is known, for the connections they
 * accept.
 */
#include <sys/stat.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockstat.h"
#include "watch_ns.h"

#define NS_SLOTS	4096	/* verdicts kept, a power of two */
#define NS_LISTENERS	256	/* listeners kept */
#define NS_PIDS		256	/* processes' verdicts kept, a power of 2 */
/*
 * How long after a sample a process's namespace, read then, still
 * answers for its later samples once the process has exited: the last
 * connections of a short-lived client are judged after it is gone.
 */
#define NS_PID_HOLD_NS	1000000000ULL

struct ns_slot {
	uint64_t	 skaddr;
	int		 v;
};

struct ns_pid {
	int32_t		 pid;		/* 0: empty */
	int		 v;
	uint64_t	 time_ns;	/* the sample it was read for */
};

struct ns_listener {
	uint64_t	 skaddr;
	union sock_addr	 addr;
	uint16_t	 family;
	uint16_t	 port;
	int		 v;
};

struct watch_ns {
	char		 root[256];
	dev_t		 dev;		/* our namespace: its nsfs inode */
	ino_t		 ino;
	struct ns_slot	 slots[NS_SLOTS];
	struct ns_pid	 pids[NS_PIDS];
	struct ns_listener lis[NS_LISTENERS];
	size_t		 nlis;
};

struct watch_ns *
watch_ns_new(const char *proc_root)
{
	struct watch_ns *n;
	struct stat st;

	if (stat("/proc/self/ns/net", &st) == -1)
		return NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	snprintf(n->root, sizeof(n->root), "%s",
	    proc_root != NULL ? proc_root : "/proc");
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	return n;
}

void
watch_ns_free(struct watch_ns *n)
{
	free(n);
}

static struct ns_slot *
slot_of(struct watch_ns *n, uint64_t skaddr)
{
	return &n->slots[(size_t)((skaddr >> 6) * 0x9E3779B97F4A7C15ULL >>
	    40) & (NS_SLOTS - 1)];
}

/*
 * Rule 1: the namespace of the process, read now.  A process whose
 * namespace may not be read tells nothing.  One that has exited since
 * tells what it was read to be for a sample of it at most
 * NS_PID_HOLD_NS earlier, if any was.
 */
static int
pid_verdict(struct watch_ns *n, int32_t pid, uint64_t time_ns)
{
	struct ns_pid *e = &n->pids[(uint32_t)pid & (NS_PIDS - 1)];
	char path[300];
	struct stat st;
	int v;

	snprintf(path, sizeof(path), "%s/%d/ns/net", n->root, (int)pid);
	if (stat(path, &st) == -1) {
		if (errno == ENOENT && e->pid == pid &&
		    time_ns <= e->time_ns + NS_PID_HOLD_NS)
			return e->v;
		return WATCH_NS_UNKNOWN;
	}
	v = st.st_dev == n->dev && st.st_ino == n->ino ? WATCH_NS_OURS :
	    WATCH_NS_OTHER;
	if (e->pid != pid || time_ns >= e->time_ns) {
		e->pid = pid;
		e->v = v;
		e->time_ns = time_ns;
	}
	return v;
}

static int
addr_any(const union sock_addr *a, int family)
{
	static const union sock_addr zero;

	return memcmp(a, &zero, family == AF_INET ? 4 : 16) == 0;
}

/*
 * Rule 2: the verdict every known listener on the new connection's local
 * address (or the wildcard) and port agrees on.
 */
static int
listener_verdict(const struct watch_ns *n, const struct trace_sample *s)
{
	const struct ns_listener *l;
	size_t i, len = s->family == AF_INET ? 4 : 16;
	int v = WATCH_NS_UNKNOWN;

	for (i = 0; i < n->nlis; i++) {
		l = &n->lis[i];
		if (l->family != s->family || l->port != s->sport ||
		    (!addr_any(&l->addr, l->family) &&
		    memcmp(&l->addr, &s->saddr, len) != 0))
			continue;
		if (v != WATCH_NS_UNKNOWN && v != l->v)
			return WATCH_NS_UNKNOWN;	/* both: ask sock_diag */
		v = l->v;
	}
	return v;
}

/* Keeps or drops the listener of s, whose verdict is v. */
static void
listener_note(struct watch_ns *n, const struct trace_sample *s, int v)
{
	struct ns_listener *l;
	size_t i;

	for (i = 0; i < n->nlis; i++)
		if (n->lis[i].skaddr == s->skaddr) {
			n->lis[i] = n->lis[--n->nlis];
			break;
		}
	if (s->newstate != ST_LISTEN || v == WATCH_NS_UNKNOWN ||
	    n->nlis == NS_LISTENERS)
		return;
	l = &n->lis[n->nlis++];
	l->skaddr = s->skaddr;
	l->addr = s->saddr;
	l->family = s->family;
	l->port = s->sport;
	l->v = v;
}

int
watch_ns_judge(struct watch_ns *n, const struct trace_sample *s,
    int process_ctx)
{
	struct ns_slot *e = slot_of(n, s->skaddr);
	int v = WATCH_NS_UNKNOWN, start;

	/* A socket is born at these: an old verdict is another socket's. */
	start = s->oldstate == ST_CLOSE || (s->oldstate == ST_LISTEN &&
	    s->newstate == ST_SYN_RECV);
	if (!start && e->skaddr == s->skaddr)
		v = e->v;
	if (v == WATCH_NS_UNKNOWN && process_ctx && s->pid > 0)
		v = pid_verdict(n, s->pid, s->time_ns);
	if (v == WATCH_NS_UNKNOWN && s->oldstate == ST_LISTEN &&
	    s->newstate == ST_SYN_RECV)
		v = listener_verdict(n, s);
	if (v != WATCH_NS_UNKNOWN)
		watch_ns_learn(n, s->skaddr, v);
	else if (e->skaddr == s->skaddr)
		e->skaddr = 0;
	if (s->newstate == ST_LISTEN || s->oldstate == ST_LISTEN)
		listener_note(n, s, v);
	return v;
}

void
watch_ns_learn(struct watch_ns *n, uint64_t skaddr, int v)
{
	struct ns_slot *e = slot_of(n, skaddr);

	e->skaddr = skaddr;
	e->v = v;
}

void
watch_ns_forget(struct watch_ns *n, uint64_t skaddr)
{
	struct ns_slot *e = slot_of(n, skaddr);

	if (e->skaddr == skaddr)
		e->skaddr = 0;
}
