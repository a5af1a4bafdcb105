/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fmt_event.c - one event as a text line and as a JSON object:
 * columns, "-" for an unseen old state and an unknown owner, escaped
 * commands, IPv6, and every JSON key with its type (in UTC, so that
 * the times are fixed).
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
#include <time.h>

#include "fmt_event.h"

/* 2026-11-21T20:41:05.123Z */
#define T0	1795293665123ULL

static struct options opts;

static struct watch_event
event(void)
{
	struct watch_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time_ms = T0;
	ev.kind = WATCH_EV_STATE;
	ev.method = WATCH_TRACE;
	ev.family = AF_INET;
	ev.proto = PROTO_TCP;
	ev.oldstate = ST_SYN_SENT;
	ev.newstate = ST_ESTABLISHED;
	ev.lport = 51000;
	ev.rport = 65432;
	inet_pton(AF_INET, "127.0.0.1", &ev.laddr.v4);
	inet_pton(AF_INET, "127.0.0.2", &ev.raddr.v4);
	ev.pid = 4242;
	strcpy(ev.command, "python3");
	return ev;
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	memset(&opts, 0, sizeof(opts));
	opts.numeric_hosts = opts.numeric_ports = opts.numeric_users = 1;
	return 0;
}

static void
test_fmt_event_text_state(void **state)
{
	struct watch_event ev = event();
	char line[FMT_EVENT_MAX];
	int n;

	(void)state;
	n = fmt_event_text(line, sizeof(line), &ev, &opts);
	assert_int_equal(n, (int)strlen(line));
	assert_string_equal(line,
	    "20:41:05.123 state  tcp   127.0.0.1:51000        "
	    "127.0.0.2:65432        SYN_SENT -> ESTABLISHED   4242/python3");
}

static void
test_fmt_event_text_new_unknown_owner(void **state)
{
	struct watch_event ev = event();
	char line[FMT_EVENT_MAX];

	(void)state;
	ev.kind = WATCH_EV_NEW;
	ev.oldstate = ST_UNKNOWN;
	ev.newstate = ST_LISTEN;
	ev.rport = 0;
	memset(&ev.raddr, 0, sizeof(ev.raddr));
	ev.pid = 0;
	ev.command[0] = '\0';
	assert_true(fmt_event_text(line, sizeof(line), &ev, &opts) > 0);
	assert_string_equal(line,
	    "20:41:05.123 new    tcp   127.0.0.1:51000        "
	    "0.0.0.0:*              - -> LISTEN               -");
}

static void
test_fmt_event_text_v6_closed(void **state)
{
	struct watch_event ev = event();
	char line[FMT_EVENT_MAX];

	(void)state;
	ev.kind = WATCH_EV_CLOSED;
	ev.family = AF_INET6;
	ev.oldstate = ST_LAST_ACK;
	ev.newstate = ST_CLOSE;
	inet_pton(AF_INET6, "::1", &ev.laddr.v6);
	inet_pton(AF_INET6, "::1", &ev.raddr.v6);
	assert_true(fmt_event_text(line, sizeof(line), &ev, &opts) > 0);
	assert_string_equal(line,
	    "20:41:05.123 closed tcp6  ::1:51000              "
	    "::1:65432              LAST_ACK -> CLOSE         4242/python3");
}

static void
test_fmt_event_owner_escaped(void **state)
{
	struct watch_event ev = event();
	char buf[128];

	(void)state;
	strcpy(ev.command, "ev\nil\x1b");
	assert_string_equal(fmt_event_owner(buf, sizeof(buf), &ev),
	    "4242/ev\\nil\\x1b");
	ev.command[0] = '\0';
	assert_string_equal(fmt_event_owner(buf, sizeof(buf), &ev), "4242/?");
	ev.pid = 0;
	assert_string_equal(fmt_event_owner(buf, sizeof(buf), &ev), "-");
}

static void
test_fmt_event_text_too_small(void **state)
{
	struct watch_event ev = event();
	char line[20];

	(void)state;
	assert_int_equal(fmt_event_text(line, sizeof(line), &ev, &opts), -1);
}

/* Writes ev as JSON into a memory stream and returns the text. */
static char *
json_of(const struct watch_event *ev)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jsonw *j;

	assert_non_null(f);
	j = jsonw_new(f, 0);
	assert_non_null(j);
	assert_int_equal(fmt_event_json(f, j, ev), 0);
	jsonw_free(j);
	fclose(f);
	return buf;
}

static void
test_fmt_event_json_state(void **state)
{
	struct watch_event ev = event();
	char *s;

	(void)state;
	ev.cookie = 77;
	ev.inode = 12345;
	s = json_of(&ev);
	assert_string_equal(s,
	    "{\"time_ms\":1795293665123,\"time\":\"2026-11-21T20:41:05.123Z\","
	    "\"event\":\"state\",\"method\":\"trace\",\"proto\":\"tcp\","
	    "\"family\":\"inet\","
	    "\"local\":{\"address\":\"127.0.0.1\",\"port\":51000},"
	    "\"remote\":{\"address\":\"127.0.0.2\",\"port\":65432},"
	    "\"old_state\":\"SYN_SENT\",\"state\":\"ESTABLISHED\","
	    "\"cookie\":77,\"inode\":12345,\"pid\":4242,"
	    "\"command\":\"python3\"}\n");
	free(s);
}

static void
test_fmt_event_json_unknowns(void **state)
{
	struct watch_event ev = event();
	char *s;

	(void)state;
	ev.kind = WATCH_EV_NEW;
	ev.method = WATCH_POLL;
	ev.family = AF_INET6;
	ev.oldstate = ST_UNKNOWN;
	inet_pton(AF_INET6, "::1", &ev.laddr.v6);
	inet_pton(AF_INET6, "::1", &ev.raddr.v6);
	ev.pid = 0;
	s = json_of(&ev);
	assert_non_null(strstr(s, "\"event\":\"new\",\"method\":\"poll\","
	    "\"proto\":\"tcp\",\"family\":\"inet6\""));
	assert_non_null(strstr(s, "\"local\":{\"address\":\"::1\","));
	assert_non_null(strstr(s, "\"old_state\":null,"));
	assert_non_null(strstr(s, "\"cookie\":null,\"inode\":null,"
	    "\"pid\":null,\"command\":null}\n"));
	free(s);
}

static void
test_fmt_event_json_escaped_command(void **state)
{
	struct watch_event ev = event();
	char *s;

	(void)state;
	strcpy(ev.command, "a\"b\n");
	s = json_of(&ev);
	/* The exact value (issue 11 item 10), not the text face's escape. */
	assert_non_null(strstr(s, "\"command\":\"a\\\"b\\u000a\"}"));
	free(s);
}

/* --all-netns: the Netns column first, padded to the widest label. */
static void
test_fmt_event_text_netns(void **state)
{
	struct sock_netns ns = { 4026532999ULL, "blue", "blue" };
	struct watch_event ev = event();
	struct options o = opts;
	char line[FMT_EVENT_MAX], *head = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	o.all_netns = 1;
	o.netns_width = 7;
	ev.netns = &ns;
	assert_true(fmt_event_text(line, sizeof(line), &ev, &o) > 0);
	assert_memory_equal(line, "blue    20:41:05.123 state ", 26);
	/* A single --netns has no column, as in the listing. */
	o.all_netns = 0;
	assert_true(fmt_event_text(line, sizeof(line), &ev, &o) > 0);
	assert_memory_equal(line, "20:41:05.123 state ", 19);
	o.all_netns = 1;
	f = open_memstream(&head, &len);
	assert_non_null(f);
	fmt_event_header(f, &o);
	fclose(f);
	assert_memory_equal(head, "Netns   Time ", 13);
	free(head);
}

/* JSON: netns {inode, name} first, the name null when there is none. */
static void
test_fmt_event_json_netns(void **state)
{
	struct sock_netns ns = { 4026532999ULL, "blue", "blue" };
	struct watch_event ev = event();
	char *s;

	(void)state;
	ev.netns = &ns;
	s = json_of(&ev);
	assert_memory_equal(s, "{\"netns\":{\"inode\":4026532999,"
	    "\"name\":\"blue\"},\"time_ms\":", 48);
	free(s);
	ns.name = NULL;
	s = json_of(&ev);
	assert_non_null(strstr(s, "\"netns\":{\"inode\":4026532999,"
	    "\"name\":null}"));
	free(s);
}

static void
test_fmt_event_kind_names(void **state)
{
	(void)state;
	assert_string_equal(fmt_event_kind(WATCH_EV_NEW), "new");
	assert_string_equal(fmt_event_kind(WATCH_EV_STATE), "state");
	assert_string_equal(fmt_event_kind(WATCH_EV_CLOSED), "closed");
	assert_null(fmt_event_kind(9));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_event_text_state),
		cmocka_unit_test(test_fmt_event_text_new_unknown_owner),
		cmocka_unit_test(test_fmt_event_text_v6_closed),
		cmocka_unit_test(test_fmt_event_owner_escaped),
		cmocka_unit_test(test_fmt_event_text_too_small),
		cmocka_unit_test(test_fmt_event_text_netns),
		cmocka_unit_test(test_fmt_event_json_netns),
		cmocka_unit_test(test_fmt_event_json_state),
		cmocka_unit_test(test_fmt_event_json_unknowns),
		cmocka_unit_test(test_fmt_event_json_escaped_command),
		cmocka_unit_test(test_fmt_event_kind_names),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
