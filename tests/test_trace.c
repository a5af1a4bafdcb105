/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_trace.c - the tracepoint's format-file parser on the text a
 * Linux 6.x kernel publishes (and on variants with other offsets), the
 * raw-record decoder on records laid out by those offsets, and, as root
 * where the kernel allows it, one real transition read through
 * perf_event_open.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "trace.h"

/* events/sock/inet_sock_set_state/format of Linux 6.18, as read. */
static const char format_6x[] =
"name: inet_sock_set_state\n"
"ID: 2287\n"
"format:\n"
"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
"\n"
"\tfield:const void * skaddr;\toffset:8;\tsize:8;\tsigned:0;\n"
"\tfield:int oldstate;\toffset:16;\tsize:4;\tsigned:1;\n"
"\tfield:int newstate;\toffset:20;\tsize:4;\tsigned:1;\n"
"\tfield:__u16 sport;\toffset:24;\tsize:2;\tsigned:0;\n"
"\tfield:__u16 dport;\toffset:26;\tsize:2;\tsigned:0;\n"
"\tfield:__u16 family;\toffset:28;\tsize:2;\tsigned:0;\n"
"\tfield:__u16 protocol;\toffset:30;\tsize:2;\tsigned:0;\n"
"\tfield:__u8 saddr[4];\toffset:32;\tsize:4;\tsigned:0;\n"
"\tfield:__u8 daddr[4];\toffset:36;\tsize:4;\tsigned:0;\n"
"\tfield:__u8 saddr_v6[16];\toffset:40;\tsize:16;\tsigned:0;\n"
"\tfield:__u8 daddr_v6[16];\toffset:56;\tsize:16;\tsigned:0;\n"
"\n"
"print fmt: \"family=%s protocol=%s sport=%hu dport=%hu saddr=%pI4 "
"daddr=%pI4 saddrv6=%pI6c daddrv6=%pI6c oldstate=%s newstate=%s\", "
"__print_symbolic(REC->family, { 2, \"AF_INET\" })\n";

/*
 * The same fields moved (a kernel that grew a common field and put
 * protocol as one byte first): the parser must follow the text.
 */
static const char format_moved[] =
"format:\n"
"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
"\tfield:int common_pid;\toffset:8;\tsize:4;\tsigned:1;\n"
"\tfield:__u8 protocol;\toffset:12;\tsize:1;\tsigned:0;\n"
"\tfield:const void * skaddr;\toffset:16;\tsize:8;\tsigned:0;\n"
"\tfield:int newstate;\toffset:24;\tsize:4;\tsigned:1;\n"
"\tfield:int oldstate;\toffset:28;\tsize:4;\tsigned:1;\n"
"\tfield:__u16 family;\toffset:32;\tsize:2;\tsigned:0;\n"
"\tfield:__u16 dport;\toffset:34;\tsize:2;\tsigned:0;\n"
"\tfield:__u16 sport;\toffset:36;\tsize:2;\tsigned:0;\n"
"\tfield:__u8 daddr[4];\toffset:40;\tsize:4;\tsigned:0;\n"
"\tfield:__u8 saddr[4];\toffset:44;\tsize:4;\tsigned:0;\n"
"\tfield:__u8 daddr_v6[16];\toffset:48;\tsize:16;\tsigned:0;\n"
"\tfield:__u8 saddr_v6[16];\toffset:64;\tsize:16;\tsigned:0;\n";

/* Writes an n-byte host-order value at fld. */
static void
put(unsigned char *raw, const struct trace_field *fld, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (fld->size) {
	case 1:
		memcpy(raw + fld->offset, &u8, 1);
		break;
	case 2:
		memcpy(raw + fld->offset, &u16, 2);
		break;
	case 4:
		memcpy(raw + fld->offset, &u32, 4);
		break;
	default:
		memcpy(raw + fld->offset, &v, 8);
	}
}

/* A raw record for f: 127.0.0.1:5000 -> 127.0.0.2:80, SYN_SENT -> EST. */
static size_t
make_v4(const struct trace_format *f, unsigned char *raw, size_t len)
{
	struct in_addr s, d;

	memset(raw, 0xAA, len);
	inet_pton(AF_INET, "127.0.0.1", &s);
	inet_pton(AF_INET, "127.0.0.2", &d);
	put(raw, &f->skaddr, 0xffff888012345678ULL);
	put(raw, &f->oldstate, 2);
	put(raw, &f->newstate, 1);
	put(raw, &f->sport, 5000);
	put(raw, &f->dport, 80);
	put(raw, &f->family, AF_INET);
	put(raw, &f->protocol, IPPROTO_TCP);
	memcpy(raw + f->saddr.offset, &s, 4);
	memcpy(raw + f->daddr.offset, &d, 4);
	return f->min_len;
}

static void
test_trace_format_parse_linux6(void **state)
{
	struct trace_format f;

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	assert_int_equal(f.common_pid.offset, 4);
	assert_int_equal(f.skaddr.offset, 8);
	assert_int_equal(f.skaddr.size, 8);
	assert_int_equal(f.oldstate.offset, 16);
	assert_int_equal(f.newstate.offset, 20);
	assert_int_equal(f.sport.offset, 24);
	assert_int_equal(f.dport.offset, 26);
	assert_int_equal(f.family.offset, 28);
	assert_int_equal(f.protocol.offset, 30);
	assert_int_equal(f.saddr.offset, 32);
	assert_int_equal(f.daddr.offset, 36);
	assert_int_equal(f.saddr_v6.offset, 40);
	assert_int_equal(f.saddr_v6.size, 16);
	assert_int_equal(f.daddr_v6.offset, 56);
	assert_int_equal(f.min_len, 72);
}

static void
test_trace_format_parse_moved(void **state)
{
	struct trace_format f;

	(void)state;
	assert_int_equal(trace_format_parse(format_moved, &f), 0);
	assert_int_equal(f.protocol.offset, 12);
	assert_int_equal(f.protocol.size, 1);
	assert_int_equal(f.newstate.offset, 24);
	assert_int_equal(f.oldstate.offset, 28);
	assert_int_equal(f.saddr_v6.offset, 64);
	assert_int_equal(f.min_len, 80);
}

static void
test_trace_format_parse_missing_field(void **state)
{
	struct trace_format f;
	char *text = strdup(format_6x);
	char *p;

	(void)state;
	assert_non_null(text);
	/* A kernel before 4.16 has no protocol field: refused. */
	p = strstr(text, "protocol;");
	assert_non_null(p);
	memcpy(p, "protocoX;", 9);
	errno = 0;
	assert_int_equal(trace_format_parse(text, &f), -1);
	assert_int_equal(errno, EINVAL);
	free(text);
}

static void
test_trace_format_parse_bad_size(void **state)
{
	struct trace_format f;
	char *text = strdup(format_6x);
	char *p;

	(void)state;
	assert_non_null(text);
	p = strstr(text, "oldstate;\toffset:16;\tsize:4;");
	assert_non_null(p);
	p[strlen("oldstate;\toffset:16;\tsize:")] = '3';
	assert_int_equal(trace_format_parse(text, &f), -1);
	assert_int_equal(trace_format_parse("", &f), -1);
	free(text);
}

static void
test_trace_decode_v4(void **state)
{
	struct trace_format f;
	struct trace_sample s;
	unsigned char raw[128];
	char buf[INET_ADDRSTRLEN];
	size_t len;

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	len = make_v4(&f, raw, sizeof(raw));
	memset(&s, 0, sizeof(s));
	assert_int_equal(trace_decode(&f, raw, len, &s), 0);
	assert_true(s.skaddr == 0xffff888012345678ULL);
	assert_int_equal(s.oldstate, 2);
	assert_int_equal(s.newstate, 1);
	assert_int_equal(s.sport, 5000);
	assert_int_equal(s.dport, 80);
	assert_int_equal(s.family, AF_INET);
	assert_int_equal(s.protocol, IPPROTO_TCP);
	assert_string_equal(inet_ntop(AF_INET, &s.saddr.v4, buf, sizeof(buf)),
	    "127.0.0.1");
	assert_string_equal(inet_ntop(AF_INET, &s.daddr.v4, buf, sizeof(buf)),
	    "127.0.0.2");
}

static void
test_trace_decode_moved(void **state)
{
	struct trace_format f;
	struct trace_sample s;
	unsigned char raw[128];
	size_t len;

	(void)state;
	assert_int_equal(trace_format_parse(format_moved, &f), 0);
	len = make_v4(&f, raw, sizeof(raw));
	assert_int_equal(trace_decode(&f, raw, len, &s), 0);
	assert_int_equal(s.oldstate, 2);
	assert_int_equal(s.newstate, 1);
	assert_int_equal(s.sport, 5000);
	assert_int_equal(s.dport, 80);
	assert_int_equal(s.protocol, IPPROTO_TCP);
}

static void
test_trace_decode_v6(void **state)
{
	struct trace_format f;
	struct trace_sample s;
	unsigned char raw[128];
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	memset(raw, 0, sizeof(raw));
	put(raw, &f.family, AF_INET6);
	put(raw, &f.oldstate, 1);
	put(raw, &f.newstate, 4);
	put(raw, &f.sport, 443);
	inet_pton(AF_INET6, "::1", &a);
	memcpy(raw + f.saddr_v6.offset, &a, 16);
	inet_pton(AF_INET6, "fe80::2", &a);
	memcpy(raw + f.daddr_v6.offset, &a, 16);
	assert_int_equal(trace_decode(&f, raw, f.min_len, &s), 0);
	assert_int_equal(s.family, AF_INET6);
	assert_int_equal(s.newstate, 4);
	assert_int_equal(s.sport, 443);
	assert_string_equal(inet_ntop(AF_INET6, &s.saddr.v6, buf, sizeof(buf)),
	    "::1");
	assert_string_equal(inet_ntop(AF_INET6, &s.daddr.v6, buf, sizeof(buf)),
	    "fe80::2");
}

static void
test_trace_decode_short_or_bad(void **state)
{
	struct trace_format f;
	struct trace_sample s;
	unsigned char raw[128];
	size_t len;

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	len = make_v4(&f, raw, sizeof(raw));
	errno = 0;
	assert_int_equal(trace_decode(&f, raw, len - 1, &s), -1);
	assert_int_equal(errno, EINVAL);
	put(raw, &f.family, AF_UNIX);
	assert_int_equal(trace_decode(&f, raw, len, &s), -1);
}

/* One loopback connection through the real tracepoint, when allowed. */
struct seen {
	uint16_t	 port;
	int		 syn_sent, established;
};

static int
on_sample(const struct trace_sample *s, void *arg)
{
	struct seen *x = arg;

	if (s->dport != x->port || s->protocol != IPPROTO_TCP)
		return 0;
	if (s->oldstate == 7 && s->newstate == 2)
		x->syn_sent = 1;
	if (s->oldstate == 2 && s->newstate == 1)
		x->established = 1;
	return 0;
}

/*
 * A fake perf ring: the meta page and a small data area, written as the
 * kernel writes them, records 8-byte aligned, wrapping at the end.
 */
#define RING_SIZE	512

struct ring {
	struct perf_event_mmap_page meta;
	unsigned char	 data[RING_SIZE];
	uint64_t	 head;		/* where the next record goes */
};

static void
ring_put(struct ring *r, const void *rec, size_t len)
{
	size_t i, off;

	for (i = 0; i < len; i++) {
		off = (size_t)((r->head + i) & (RING_SIZE - 1));
		r->data[off] = ((const unsigned char *)rec)[i];
	}
	r->head += len;
	r->meta.data_head = r->head;
}

/* A PERF_RECORD_SAMPLE of TID, TIME, RAW with a v4 record of f. */
static size_t
make_sample(const struct trace_format *f, unsigned char *rec, uint32_t pid,
    uint64_t time, uint16_t sport, size_t rawlen)
{
	struct perf_event_header h;
	unsigned char raw[128];
	uint32_t tid = pid, rl = (uint32_t)rawlen;
	size_t len;

	make_v4(f, raw, sizeof(raw));
	put(raw, &f->sport, sport);
	/* u32 size + raw, padded so the record stays 8-byte aligned. */
	len = sizeof(h) + 20 + rawlen;
	len = (len + 7) & ~(size_t)7;
	memset(rec, 0, len);
	h.type = PERF_RECORD_SAMPLE;
	h.misc = 0;
	h.size = (uint16_t)len;
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + 8, &pid, 4);
	memcpy(rec + 12, &tid, 4);
	memcpy(rec + 16, &time, 8);
	memcpy(rec + 24, &rl, 4);
	memcpy(rec + 28, raw, rawlen);
	return len;
}

static size_t
make_lost(unsigned char *rec, uint64_t n)
{
	struct perf_event_header h = { PERF_RECORD_LOST, 0, 24 };
	uint64_t id = 7;

	memcpy(rec, &h, sizeof(h));
	memcpy(rec + 8, &id, 8);
	memcpy(rec + 16, &n, 8);
	return 24;
}

struct got {
	int		 n;
	uint16_t	 sport[16];
	uint64_t	 time[16];
	int32_t		 pid[16];
	int		 stop_at;	/* cb fails at this sample; 0: never */
};

static int
on_got(const struct trace_sample *s, void *arg)
{
	struct got *g = arg;

	if (g->n < 16) {
		g->sport[g->n] = s->sport;
		g->time[g->n] = s->time_ns;
		g->pid[g->n] = s->pid;
	}
	if (++g->n == g->stop_at) {
		errno = EINTR;
		return -1;
	}
	return 0;
}

static void
test_trace_ring_drain_wraps(void **state)
{
	static struct ring r;
	struct trace_format f;
	unsigned char rec[256], *scratch;
	unsigned long lost = 0;
	struct got g;
	size_t len;
	int i;

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	assert_non_null(scratch = malloc(TRACE_REC_MAX));
	memset(&r, 0, sizeof(r));
	memset(&g, 0, sizeof(g));
	/* Start near the end, as after a long run: record 2 wraps. */
	r.head = r.meta.data_tail = 5 * RING_SIZE + 400;
	for (i = 0; i < 3; i++) {
		len = make_sample(&f, rec, 100 + i, 1000 + i, 6000 + i,
		    f.min_len);
		assert_int_equal(len, 104);
		ring_put(&r, rec, len);
	}
	assert_int_equal(trace_ring_drain(&f, &r.meta, r.data, RING_SIZE,
	    scratch, on_got, &g, &lost), 0);
	assert_int_equal(g.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(g.sport[i], 6000 + i);
		assert_int_equal(g.time[i], 1000 + i);
		assert_int_equal(g.pid[i], 100 + i);
	}
	assert_int_equal(lost, 0);
	/* Everything read: the kernel may reuse it all. */
	assert_int_equal(r.meta.data_tail, r.head);
	free(scratch);
}

static void
test_trace_ring_drain_lost(void **state)
{
	static struct ring r;
	struct trace_format f;
	unsigned char rec[256], *scratch;
	unsigned long lost = 5;
	struct got g;

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	assert_non_null(scratch = malloc(TRACE_REC_MAX));
	memset(&r, 0, sizeof(r));
	memset(&g, 0, sizeof(g));
	ring_put(&r, rec, make_lost(rec, 42));
	ring_put(&r, rec, make_sample(&f, rec, 1, 2, 7000, f.min_len));
	ring_put(&r, rec, make_lost(rec, 8));
	assert_int_equal(trace_ring_drain(&f, &r.meta, r.data, RING_SIZE,
	    scratch, on_got, &g, &lost), 0);
	/* Added to what the caller counted already. */
	assert_int_equal(lost, 5 + 42 + 8);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.sport[0], 7000);
	free(scratch);
}

static void
test_trace_ring_drain_truncated(void **state)
{
	static struct ring r;
	struct perf_event_header h;
	struct trace_format f;
	unsigned char rec[256], *scratch;
	unsigned long lost = 0;
	struct got g;
	uint32_t big = 4096;
	size_t len;

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	assert_non_null(scratch = malloc(TRACE_REC_MAX));
	memset(&r, 0, sizeof(r));
	memset(&g, 0, sizeof(g));
	/* A raw record shorter than the format's fields: skipped. */
	ring_put(&r, rec, make_sample(&f, rec, 1, 1, 1111, f.min_len - 8));
	/* A raw size past the record's end: skipped, not read beyond. */
	len = make_sample(&f, rec, 1, 2, 2222, f.min_len);
	memcpy(rec + 24, &big, 4);
	ring_put(&r, rec, len);
	/* A record too short for the sample fields: skipped. */
	h.type = PERF_RECORD_SAMPLE;
	h.misc = 0;
	h.size = 16;
	memset(rec, 0, 16);
	memcpy(rec, &h, sizeof(h));
	ring_put(&r, rec, 16);
	/* A good one after them all. */
	ring_put(&r, rec, make_sample(&f, rec, 1, 3, 3333, f.min_len));
	assert_int_equal(trace_ring_drain(&f, &r.meta, r.data, RING_SIZE,
	    scratch, on_got, &g, &lost), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.sport[0], 3333);
	assert_int_equal(r.meta.data_tail, r.head);

	/* A record the kernel has not finished: left for the next read. */
	len = make_sample(&f, rec, 1, 4, 4444, f.min_len);
	ring_put(&r, rec, len);
	r.meta.data_head -= 8;
	assert_int_equal(trace_ring_drain(&f, &r.meta, r.data, RING_SIZE,
	    scratch, on_got, &g, &lost), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(r.meta.data_tail, r.head - len);
	r.meta.data_head += 8;
	assert_int_equal(trace_ring_drain(&f, &r.meta, r.data, RING_SIZE,
	    scratch, on_got, &g, &lost), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.sport[1], 4444);
	free(scratch);
}

static void
test_trace_ring_drain_cb_stops(void **state)
{
	static struct ring r;
	struct trace_format f;
	unsigned char rec[256], *scratch;
	unsigned long lost = 0;
	struct got g;
	size_t len;

	(void)state;
	assert_int_equal(trace_format_parse(format_6x, &f), 0);
	assert_non_null(scratch = malloc(TRACE_REC_MAX));
	memset(&r, 0, sizeof(r));
	memset(&g, 0, sizeof(g));
	g.stop_at = 1;
	len = make_sample(&f, rec, 1, 1, 1, f.min_len);
	ring_put(&r, rec, len);
	ring_put(&r, rec, make_sample(&f, rec, 1, 2, 2, f.min_len));
	assert_int_equal(trace_ring_drain(&f, &r.meta, r.data, RING_SIZE,
	    scratch, on_got, &g, &lost), -1);
	assert_int_equal(g.n, 1);
	/* The refused record counts as read; the next one waits. */
	assert_int_equal(r.meta.data_tail, len);
	free(scratch);
}

static void
test_trace_open_live(void **state)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct seen x = { 0, 0, 0 };
	struct trace *t;
	unsigned long lost = 0;
	int l, c, i;

	(void)state;
	if ((t = trace_open(NULL)) == NULL) {
		/* Not root, or no tracepoint here: nothing to check. */
		assert_true(errno != 0);
		skip();
	}
	assert_true(trace_ncpus(t) >= 1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((l = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sin, &slen), 0);
	x.port = ntohs(sin.sin_port);
	assert_true((c = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	for (i = 0; i < 50 && !(x.syn_sent && x.established); i++) {
		trace_wait(t, 100);
		assert_int_equal(trace_read(t, on_sample, &x, &lost), 0);
	}
	assert_true(x.syn_sent);
	assert_true(x.established);
	close(c);
	close(l);
	trace_close(t);
	trace_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_format_parse_linux6),
		cmocka_unit_test(test_trace_format_parse_moved),
		cmocka_unit_test(test_trace_format_parse_missing_field),
		cmocka_unit_test(test_trace_format_parse_bad_size),
		cmocka_unit_test(test_trace_decode_v4),
		cmocka_unit_test(test_trace_decode_moved),
		cmocka_unit_test(test_trace_decode_v6),
		cmocka_unit_test(test_trace_decode_short_or_bad),
		cmocka_unit_test(test_trace_ring_drain_wraps),
		cmocka_unit_test(test_trace_ring_drain_lost),
		cmocka_unit_test(test_trace_ring_drain_truncated),
		cmocka_unit_test(test_trace_ring_drain_cb_stops),
		cmocka_unit_test(test_trace_open_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
