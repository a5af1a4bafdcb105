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
		cmocka_unit_test(test_trace_open_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
