/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_watch_round.c - the rounds of the event stream (watch.c,
 * watch_match.c, watch_owner.c), their steps (watch_impl.h) fed fake
 * tracepoint samples and timewait rows: TIME_WAIT matching, one close
 * or thousands in a round, the hold for the next timewait dump, the
 * namespace verdict of a reused socket address, the port of a connect,
 * delivery in time order with the youngest held back, owners from the
 * tracepoint and from a fake /proc; and the network-namespace verdicts
 * of watch_ns.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "procmap.h"
#include "watch.h"
#include "watch_ns.h"
/* The round's steps, shared by the watcher's files. */
#include "watch_impl.h"

#include "watch_fixture.h"

/* A watch with no descriptor, for the round's steps alone. */
static struct watch *
fake_watch(void)
{
	struct watch *w;

	assert_non_null(w = calloc(1, sizeof(*w)));
	assert_non_null(w->owners = calloc(OWNER_SLOTS, sizeof(*w->owners)));
	w->o.protos = 1U << PROTO_TCP;
	w->o.families = FAM_INET4 | FAM_INET6;
	w->o.port = -1;
	w->o.proc_root = "/proc";
	w->method = WATCH_TRACE;
	return w;
}

/* A trace sample of 127.0.0.1:lport -> 127.0.0.1:rport. */
static struct trace_sample
tsample(uint64_t skaddr, int oldstate, int newstate, uint16_t lport,
    uint16_t rport, int32_t pid, uint64_t ns)
{
	struct trace_sample s;

	memset(&s, 0, sizeof(s));
	s.time_ns = ns;
	s.skaddr = skaddr;
	s.pid = pid;
	s.tid = pid;
	s.family = AF_INET;
	s.protocol = IPPROTO_TCP;
	s.sport = lport;
	s.dport = rport;
	s.oldstate = oldstate;
	s.newstate = newstate;
	s.saddr.v4.s_addr = htonl(INADDR_LOOPBACK);
	s.daddr.v4.s_addr = htonl(INADDR_LOOPBACK);
	return s;
}

/* A sample of a connection to port 80 from lport, taken into the round. */
static void
take(struct watch *w, uint64_t skaddr, int oldstate, int newstate,
    uint16_t lport, uint64_t ns)
{
	struct trace_sample s = tsample(skaddr, oldstate, newstate, lport, 80,
	    0, ns);

	assert_int_equal(watch_take_sample(&s, w), 0);
}

/* A NEW event of the timewait diff, as snapshot() makes one. */
static void
push_poll_tw(struct watch *w, uint16_t lport, uint16_t rport,
    uint64_t cookie)
{
	struct sock_row r = row(cookie, ST_TIME_WAIT, lport, rport);
	struct watch_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = WATCH_EV_NEW;
	ev.method = WATCH_POLL;
	ev.family = AF_INET;
	ev.proto = PROTO_TCP;
	ev.oldstate = ST_UNKNOWN;
	ev.newstate = ST_TIME_WAIT;
	ev.lport = r.lport;
	ev.rport = r.rport;
	ev.laddr = r.laddr;
	ev.raddr = r.raddr;
	ev.cookie = cookie;
	assert_int_equal(watch_take_event(&ev, w), 0);
}

static void
free_watch(struct watch *w)
{
	free(w->owners);
	free(w->evs);
	procmap_free(w->map);
	watch_ns_free(w->ns);
	free(w);
}

static void
test_watch_round_time_wait_match(void **state)
{
	struct watch *w = fake_watch();
	struct trace_sample s;

	(void)state;
	/* A client's close: FIN_WAIT2 -> CLOSE, and its timewait socket. */
	s = tsample(0x1000, ST_FIN_WAIT2, ST_CLOSE, 40000, 80, 0, 1);
	assert_int_equal(watch_take_sample(&s, w), 0);
	assert_true(w->evs[0].pending_tw);
	/* A server's close from LAST_ACK: no timewait to wait for. */
	s = tsample(0x2000, ST_LAST_ACK, ST_CLOSE, 80, 40001, 0, 2);
	assert_int_equal(watch_take_sample(&s, w), 0);
	assert_false(w->evs[1].pending_tw);
	/* A close from FIN_WAIT1 whose timewait socket is not there. */
	s = tsample(0x3000, ST_FIN_WAIT1, ST_CLOSE, 40002, 80, 0, 3);
	assert_int_equal(watch_take_sample(&s, w), 0);
	push_poll_tw(w, 40000, 80, 77);
	push_poll_tw(w, 40009, 80, 78);		/* of no close of the round */
	assert_int_equal(watch_match_time_wait(w), 0);
	assert_int_equal(w->evs[0].ev.kind, WATCH_EV_STATE);
	assert_int_equal(w->evs[0].ev.newstate, ST_TIME_WAIT);
	assert_int_equal(w->evs[0].ev.cookie, 77);
	assert_false(w->evs[0].pending_tw);
	assert_true(w->evs[3].dropped);		/* said by the close */
	assert_false(w->evs[4].dropped);	/* a timewait of its own */
	assert_int_equal(w->evs[1].ev.newstate, ST_CLOSE);
	assert_int_equal(w->evs[2].ev.newstate, ST_CLOSE);
	assert_true(w->evs[2].pending_tw);	/* may come next round */
	free_watch(w);
}

/*
 * Many closes and timewait sockets in one round, the timewait sockets in
 * the reverse order and one tuple twice: each close takes the first
 * free timewait socket of its tuple, whatever the order.
 */
static void
test_watch_round_time_wait_many(void **state)
{
	struct watch *w = fake_watch();
	struct trace_sample s;
	size_t i, n = 3000, tw;

	(void)state;
	for (i = 0; i < n; i++) {
		s = tsample(0x1000 + i * 64, ST_FIN_WAIT2, ST_CLOSE,
		    (uint16_t)(20000 + i), 80, 0, i + 1);
		assert_int_equal(watch_take_sample(&s, w), 0);
	}
	/* Two closes of one tuple (a port reused), two timewait sockets. */
	s = tsample(0x900000, ST_FIN_WAIT1, ST_CLOSE, 20005, 80, 0, n + 1);
	assert_int_equal(watch_take_sample(&s, w), 0);
	tw = w->nevs;
	for (i = n; i-- > 0;)
		push_poll_tw(w, (uint16_t)(20000 + i), 80, 100000 + i);
	push_poll_tw(w, 20005, 80, 99);
	/* One of no close at all. */
	push_poll_tw(w, 19999, 80, 98);
	assert_int_equal(watch_match_time_wait(w), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(w->evs[i].ev.newstate, ST_TIME_WAIT);
		assert_int_equal(w->evs[i].ev.lport, 20000 + i);
		assert_false(w->evs[i].pending_tw);
		if (i != 5)
			assert_int_equal(w->evs[i].ev.cookie, 100000 + i);
	}
	/* The first of the tuple's two (in the round) to the first close. */
	assert_int_equal(w->evs[5].ev.cookie, 100005);
	assert_int_equal(w->evs[n].ev.newstate, ST_TIME_WAIT);
	assert_int_equal(w->evs[n].ev.cookie, 99);
	for (i = tw; i < tw + n + 1; i++)
		assert_true(w->evs[i].dropped);
	assert_false(w->evs[tw + n + 1].dropped);	/* reported itself */
	free_watch(w);
}

/*
 * A close waiting for its timewait socket holds itself and every later
 * event until a dump begun after it; closes older than the last dump,
 * and matched ones, hold nothing.
 */
static void
test_watch_tw_cutoff(void **state)
{
	struct watch *w = fake_watch();
	uint64_t base = (uint64_t)w->wall_off * 1000000;

	(void)state;
	take(w, 0x1000, ST_FIN_WAIT2, ST_CLOSE, 40000, 100);
	take(w, 0x2000, ST_FIN_WAIT2, ST_CLOSE, 40001, 300);
	take(w, 0x3000, ST_SYN_SENT, ST_ESTABLISHED, 40002, 400);
	/* The last dump began at 200: the close at 300 waits. */
	w->snap_ns = base + 200;
	assert_int_equal(watch_tw_cutoff(w, UINT64_MAX), base + 299);
	assert_int_equal(watch_tw_cutoff(w, base + 250), base + 250);
	/* A dump after it: nothing waits. */
	w->snap_ns = base + 350;
	assert_int_equal(watch_tw_cutoff(w, UINT64_MAX), UINT64_MAX);
	/* Matched, it waits no more either. */
	w->snap_ns = base + 200;
	w->evs[1].pending_tw = 0;
	assert_int_equal(watch_tw_cutoff(w, UINT64_MAX), UINT64_MAX);
	free_watch(w);
}

/*
 * A socket closes and the next one gets its memory in the same round:
 * the newcomer's verdict is kept for its later events, not erased by
 * the close before it.
 */
static void
test_watch_match_ns_reused_address(void **state)
{
	struct watch *w = fake_watch();
	struct trace_sample s;

	(void)state;
	assert_non_null(w->ns = watch_ns_new("/proc"));
	/* Ours by rule 1 (this process's namespace), then freed. */
	s = tsample(0x7000, ST_CLOSE_WAIT, ST_LAST_ACK, 80, 40000, getpid(),
	    1);
	assert_int_equal(watch_take_sample(&s, w), 0);
	s = tsample(0x7000, ST_LAST_ACK, ST_CLOSE, 80, 40000, 0, 2);
	assert_int_equal(watch_take_sample(&s, w), 0);
	/* The next socket at that address: a connect of ours. */
	s = tsample(0x7000, ST_CLOSE, ST_SYN_SENT, 40001, 80, getpid(), 3);
	assert_int_equal(watch_take_sample(&s, w), 0);
	watch_match_ns(w);
	assert_false(w->evs[0].dropped);
	assert_false(w->evs[1].dropped);
	assert_false(w->evs[2].dropped);
	/* Its next event, in softirq, is known by its address alone. */
	s = tsample(0x7000, ST_SYN_SENT, ST_ESTABLISHED, 40001, 80, 0, 4);
	assert_int_equal(watch_ns_judge(w->ns, &s, 0), WATCH_NS_OURS);
	free_watch(w);
}

static void
test_watch_round_fill_ports_and_order(void **state)
{
	struct watch *w = fake_watch();
	struct trace_sample s;
	struct got *g;
	uint64_t base = (uint64_t)w->wall_off * 1000000;

	(void)state;
	assert_non_null(g = calloc(1, sizeof(*g)));
	/* connect() is traced before the port is picked. */
	s = tsample(0x1000, ST_CLOSE, ST_SYN_SENT, 0, 80, 0, 100);
	s.saddr.v4.s_addr = 0;
	assert_int_equal(watch_take_sample(&s, w), 0);
	/* Another CPU's older sample, read after. */
	s = tsample(0x2000, ST_LISTEN, ST_SYN_RECV, 80, 40000, 0, 50);
	assert_int_equal(watch_take_sample(&s, w), 0);
	s = tsample(0x1000, ST_SYN_SENT, ST_ESTABLISHED, 40000, 80, 0, 300);
	assert_int_equal(watch_take_sample(&s, w), 0);
	qsort(w->evs, w->nevs, sizeof(*w->evs), watch_ev_cmp);
	assert_int_equal(watch_match_ports(w), 0);
	assert_int_equal(w->evs[1].ev.newstate, ST_SYN_SENT);
	assert_int_equal(w->evs[1].ev.lport, 40000);
	assert_int_equal(ntohl(w->evs[1].ev.laddr.v4.s_addr),
	    INADDR_LOOPBACK);
	/* Delivered in time order; the youngest, past the cutoff, held. */
	assert_int_equal(watch_deliver(w, base + 200, record, g), 0);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->ev[0].newstate, ST_SYN_RECV);
	assert_int_equal(g->ev[1].newstate, ST_SYN_SENT);
	assert_int_equal(w->nevs, 1);
	assert_int_equal(w->evs[0].ev.newstate, ST_ESTABLISHED);
	/* --port: another port's events are not handed out. */
	w->o.port = 81;
	assert_int_equal(watch_deliver(w, UINT64_MAX, record, g), 0);
	assert_int_equal(g->n, 2);
	assert_int_equal(w->nevs, 0);
	free(g);
	free_watch(w);
}

/* Samples read out of time order (rings of other CPUs) go out in it. */
static void
test_watch_round_deliver_sorts(void **state)
{
	struct watch *w = fake_watch();
	struct got *g;

	(void)state;
	assert_non_null(g = calloc(1, sizeof(*g)));
	take(w, 0x3000, ST_SYN_SENT, ST_ESTABLISHED, 40003, 300);
	take(w, 0x1000, ST_SYN_SENT, ST_ESTABLISHED, 40001, 100);
	take(w, 0x2000, ST_SYN_SENT, ST_ESTABLISHED, 40002, 200);
	assert_int_equal(watch_deliver(w, UINT64_MAX, record, g), 0);
	assert_int_equal(g->n, 3);
	assert_int_equal(g->ev[0].lport, 40001);
	assert_int_equal(g->ev[1].lport, 40002);
	assert_int_equal(g->ev[2].lport, 40003);
	assert_int_equal(w->nevs, 0);
	free(g);
	free_watch(w);
}

static void
test_watch_round_owner_from_trace(void **state)
{
	struct watch *w = fake_watch();
	struct trace_sample s;
	char comm[64] = "";
	FILE *f;

	(void)state;
	assert_non_null(f = fopen("/proc/self/comm", "r"));
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	/* connect() runs in its process: that one owns the socket. */
	s = tsample(0x1000, ST_CLOSE, ST_SYN_SENT, 40000, 80, getpid(), 1);
	assert_int_equal(watch_take_sample(&s, w), 0);
	assert_int_equal(w->evs[0].ev.pid, getpid());
	assert_string_equal(w->evs[0].ev.command, comm);
	/* Softirq: the process interrupted is not the owner. */
	s = tsample(0x1000, ST_SYN_SENT, ST_ESTABLISHED, 40000, 80, 1, 2);
	assert_int_equal(watch_take_sample(&s, w), 0);
	assert_int_equal(w->evs[1].ev.pid, getpid());
	s = tsample(0x5000, ST_LISTEN, ST_SYN_RECV, 80, 40000, 1, 3);
	assert_int_equal(watch_take_sample(&s, w), 0);
	assert_int_equal(w->evs[2].ev.pid, 0);
	/* Closed: the address may be another socket's next. */
	s = tsample(0x1000, ST_FIN_WAIT2, ST_CLOSE, 40000, 80, 1, 4);
	assert_int_equal(watch_take_sample(&s, w), 0);
	watch_owner_fill(w);
	w->nevs = 0;
	s = tsample(0x1000, ST_LISTEN, ST_SYN_RECV, 80, 40005, 1, 5);
	assert_int_equal(watch_take_sample(&s, w), 0);
	assert_int_equal(w->evs[0].ev.pid, 0);
	free_watch(w);
}

/* A fake /proc: pid 4242, "fakeserver", fd 5 on socket:[777]. */
static void
fake_proc(char *root)
{
	char path[512];
	FILE *f;

	strcpy(root, "/tmp/test_watch.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/4242", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/4242/fd", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/4242/fd/5", root);
	assert_int_equal(symlink("socket:[777]", path), 0);
	snprintf(path, sizeof(path), "%s/4242/comm", root);
	assert_non_null(f = fopen(path, "w"));
	fputs("fakeserver\n", f);
	fclose(f);
}

static void
rm_fake_proc(const char *root)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/4242/fd/5", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/4242/fd", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/4242/comm", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/4242", root);
	rmdir(path);
	rmdir(root);
}

static int raised, lowered;

static int
count_privs(int raise, void *arg)
{
	(void)arg;
	if (raise)
		raised++;
	else
		lowered++;
	return 0;
}

static void
test_watch_round_owner_from_map(void **state)
{
	struct watch *w = fake_watch();
	struct trace_sample s;
	char root[64];

	(void)state;
	fake_proc(root);
	w->o.proc_root = root;
	watch_set_privs(w, count_privs, NULL);
	raised = lowered = 0;
	/* A server's connection: softirq, its inode found by a dump. */
	s = tsample(0x7000, ST_LISTEN, ST_SYN_RECV, 80, 40000, 1, 1);
	assert_int_equal(watch_take_sample(&s, w), 0);
	w->evs[0].ev.inode = 777;
	/* A closed one is not looked for in a new map. */
	s = tsample(0x8000, ST_LAST_ACK, ST_CLOSE, 80, 40001, 1, 2);
	assert_int_equal(watch_take_sample(&s, w), 0);
	w->evs[1].ev.inode = 778;
	watch_owner_fill(w);
	assert_int_equal(w->evs[0].ev.pid, 4242);
	assert_string_equal(w->evs[0].ev.command, "fakeserver");
	assert_int_equal(w->evs[1].ev.pid, 0);
	/* Raised around the build alone, and lowered again. */
	assert_int_equal(raised, 1);
	assert_int_equal(lowered, 1);
	/* Kept by socket address for the socket's next events. */
	w->nevs = 0;
	s = tsample(0x7000, ST_SYN_RECV, ST_ESTABLISHED, 80, 40000, 1, 3);
	assert_int_equal(watch_take_sample(&s, w), 0);
	assert_int_equal(w->evs[0].ev.pid, 4242);
	rm_fake_proc(root);
	free_watch(w);
}

static void
test_watch_ns_judge(void **state)
{
	struct watch_ns *n;
	struct trace_sample s;

	(void)state;
	assert_non_null(n = watch_ns_new("/proc"));
	/* Rule 1: listen() by a process of our namespace. */
	s = tsample(0x1000, ST_CLOSE, ST_LISTEN, 80, 0, getpid(), 1);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_OURS);
	/* Rule 2: its new connection, in softirq, takes its verdict. */
	s = tsample(0x2000, ST_LISTEN, ST_SYN_RECV, 80, 40000, 0, 2);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_OURS);
	/* ... kept for the socket's next events. */
	s = tsample(0x2000, ST_SYN_RECV, ST_ESTABLISHED, 80, 40000, 0, 3);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_OURS);
	/* A port no known listener has: sock_diag must tell. */
	s = tsample(0x3000, ST_LISTEN, ST_SYN_RECV, 81, 40000, 0, 4);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_UNKNOWN);
	/* A process that is gone tells nothing. */
	s = tsample(0x4000, ST_CLOSE, ST_SYN_SENT, 0, 80, 999999999, 5);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_UNKNOWN);
	/* A new socket at an old address is judged afresh. */
	watch_ns_learn(n, 0x5000, WATCH_NS_OTHER);
	s = tsample(0x5000, ST_ESTABLISHED, ST_FIN_WAIT1, 1, 80, 0, 6);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_OTHER);
	s = tsample(0x5000, ST_CLOSE, ST_SYN_SENT, 0, 80, getpid(), 7);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_OURS);
	watch_ns_forget(n, 0x5000);
	s = tsample(0x5000, ST_SYN_SENT, ST_ESTABLISHED, 1, 80, 0, 8);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_UNKNOWN);
	/* The listener closed: its port tells nothing any more. */
	s = tsample(0x1000, ST_LISTEN, ST_CLOSE, 80, 0, getpid(), 9);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_OURS);
	s = tsample(0x6000, ST_LISTEN, ST_SYN_RECV, 80, 40001, 0, 10);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_UNKNOWN);
	watch_ns_free(n);
	watch_ns_free(NULL);
}

/*
 * Rule 1 for a process that has exited: what its namespace was read to
 * be for a sample of it at most a second earlier, else nothing.
 */
static void
test_watch_ns_judge_exited(void **state)
{
	struct watch_ns *n;
	struct trace_sample s;
	int status;
	pid_t pid;

	(void)state;
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	assert_true(pid > 0);
	assert_non_null(n = watch_ns_new("/proc"));
	s = tsample(0x1000, ST_CLOSE, ST_SYN_SENT, 0, 80, pid, 1000000000ULL);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_OURS);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* Its last connection, judged after it was gone. */
	s = tsample(0x2000, ST_CLOSE, ST_SYN_SENT, 0, 80, pid, 1900000000ULL);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_OURS);
	/* Too long after what was read: nothing. */
	s = tsample(0x3000, ST_CLOSE, ST_SYN_SENT, 0, 80, pid, 2100000000ULL);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_UNKNOWN);
	/* Another process never read tells nothing. */
	s = tsample(0x4000, ST_CLOSE, ST_SYN_SENT, 0, 80, 999999999,
	    1000000000ULL);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_UNKNOWN);
	watch_ns_free(n);
}

/* As root: a process in another network namespace is judged other. */
static void
test_watch_ns_judge_other(void **state)
{
	struct watch_ns *n;
	struct trace_sample s;
	int up[2], down[2], status;
	char c;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	if ((pid = fork()) == 0) {
		/* EOF on down when the parent ends, whatever happened. */
		close(down[1]);
		close(up[0]);
		c = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
		(void)!write(up[1], &c, 1);
		(void)!read(down[0], &c, 1);	/* until the parent is done */
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(read(up[0], &c, 1), 1);
	if (c != 'y') {
		close(down[1]);
		waitpid(pid, &status, 0);
		skip();
	}
	assert_non_null(n = watch_ns_new("/proc"));
	s = tsample(0x1000, ST_CLOSE, ST_LISTEN, 80, 0, pid, 1);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_OTHER);
	s = tsample(0x2000, ST_LISTEN, ST_SYN_RECV, 80, 40000, 0, 2);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_OTHER);
	/* Ours on the same port too: the listeners disagree. */
	s = tsample(0x3000, ST_CLOSE, ST_LISTEN, 80, 0, getpid(), 3);
	assert_int_equal(watch_ns_judge(n, &s, 1), WATCH_NS_OURS);
	s = tsample(0x4000, ST_LISTEN, ST_SYN_RECV, 80, 40001, 0, 4);
	assert_int_equal(watch_ns_judge(n, &s, 0), WATCH_NS_UNKNOWN);
	watch_ns_free(n);
	(void)!write(down[1], "x", 1);
	waitpid(pid, &status, 0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_round_time_wait_match),
		cmocka_unit_test(test_watch_round_time_wait_many),
		cmocka_unit_test(test_watch_tw_cutoff),
		cmocka_unit_test(test_watch_match_ns_reused_address),
		cmocka_unit_test(test_watch_round_fill_ports_and_order),
		cmocka_unit_test(test_watch_round_deliver_sorts),
		cmocka_unit_test(test_watch_round_owner_from_trace),
		cmocka_unit_test(test_watch_round_owner_from_map),
		cmocka_unit_test(test_watch_ns_judge),
		cmocka_unit_test(test_watch_ns_judge_exited),
		cmocka_unit_test(test_watch_ns_judge_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
