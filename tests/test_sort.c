/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sort.c - --sort and -s --by: the key parser, the row comparator,
 * the sorting wrapper in front of the JSON face, and the grouping face
 * (fmt_group) in text and JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "sort.h"

struct out {
	char		*data;
	size_t		 len;
	FILE		*fp;
	struct options	 o;
	char		 err[256];
	unsigned char	 keys[SORT_KEYS_MAX + 1];
};

static int
setup(void **state)
{
	struct out *b = calloc(1, sizeof(*b));

	if (b == NULL || (b->fp = open_memstream(&b->data, &b->len)) == NULL)
		return -1;
	b->o.proc_root = "/proc";
	b->o.numeric_hosts = b->o.numeric_ports = b->o.numeric_users = 1;
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct out *b = *state;

	fclose(b->fp);
	free(b->data);
	free(b);
	return 0;
}

/* A fresh stream for the next run (rewind would leave the old tail). */
static void
reset(struct out *b)
{
	fclose(b->fp);
	free(b->data);
	b->data = NULL;
	assert_non_null(b->fp = open_memstream(&b->data, &b->len));
}

static int
parse(struct out *b, const char *arg)
{
	b->err[0] = '\0';
	return sort_parse(arg, b->keys, b->err, sizeof(b->err));
}

static void
test_sort_parse_keys(void **state)
{
	struct out *b = *state;

	assert_int_equal(parse(b, "state"), 0);
	assert_int_equal(b->keys[0], SORT_STATE);
	assert_int_equal(b->keys[1], 0);
	assert_int_equal(parse(b, "-recv-q,local,-inode"), 0);
	assert_int_equal(b->keys[0], SORT_RECV_Q | SORT_DESC);
	assert_int_equal(b->keys[1], SORT_LOCAL);
	assert_int_equal(b->keys[2], SORT_INODE | SORT_DESC);
	assert_int_equal(b->keys[3], 0);
	/* Every key by its name, all eleven in one list. */
	assert_int_equal(parse(b, "state,local,remote,lport,rport,recv-q,"
	    "send-q,pid,command,uid,inode"), 0);
	for (unsigned k = 1; k < SORT_NKEYS; k++)
		assert_int_equal(b->keys[k - 1], k);
	assert_int_equal(b->keys[SORT_KEYS_MAX], 0);
}

static void
test_sort_parse_bad(void **state)
{
	struct out *b = *state;
	static const char *const bad[] = { "", "bogus", "state,", ",state",
	    "state,,pid", "-", "--state", "State", "recv_q", "pid ",
	    "local,foo" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(b, bad[i]), EINVAL);
		/* One line naming the valid keys. */
		assert_null(strchr(b->err, '\n'));
		assert_non_null(strstr(b->err, "state, local, remote, lport, "
		    "rport, recv-q, send-q, pid, command, uid, inode"));
	}
	assert_int_equal(parse(b, "local,foo"), EINVAL);
	assert_non_null(strstr(b->err, "'foo'"));
	assert_int_equal(parse(b, "--state"), EINVAL);
	assert_non_null(strstr(b->err, "'-state'"));
	assert_int_equal(parse(b, "state,,pid"), EINVAL);
	assert_non_null(strstr(b->err, "empty key"));
	/* Twelve keys: one more than the table has. */
	assert_int_equal(parse(b, "state,local,remote,lport,rport,recv-q,"
	    "send-q,pid,command,uid,inode,state"), EINVAL);
	assert_non_null(strstr(b->err, "more than 11"));
}

static void
test_sort_needs_owners(void **state)
{
	struct out *b = *state;

	assert_int_equal(parse(b, "state,-lport"), 0);
	assert_false(sort_needs_owners(b->keys));
	assert_int_equal(parse(b, "state,-pid"), 0);
	assert_true(sort_needs_owners(b->keys));
	assert_int_equal(parse(b, "command"), 0);
	assert_true(sort_needs_owners(b->keys));
	assert_true(group_needs_owners(GROUP_PROCESS));
	assert_false(group_needs_owners(GROUP_USER));
}

static void
test_group_parse(void **state)
{
	(void)state;
	assert_int_equal(group_parse("state"), GROUP_STATE);
	assert_int_equal(group_parse("proto"), GROUP_PROTO);
	assert_int_equal(group_parse("process"), GROUP_PROCESS);
	assert_int_equal(group_parse("user"), GROUP_USER);
	assert_int_equal(group_parse("remote"), GROUP_REMOTE);
	assert_int_equal(group_parse("lport"), GROUP_LPORT);
	assert_int_equal(group_parse("netns"), GROUP_NETNS);
	assert_int_equal(group_parse("pid"), 0);
	assert_int_equal(group_parse(""), 0);
	assert_int_equal(group_parse("Remote"), 0);
	assert_string_equal(group_name(GROUP_LPORT), "lport");
	assert_null(group_name(0));
	assert_null(group_name(GROUP_NKEYS));
}

/* An IPv4 row from text: "10.0.0.2" port 80, remote "1.2.3.4" port 5. */
static struct sock_row
v4(const char *l, unsigned lp, const char *r, unsigned rp)
{
	struct sock_row row = { .family = AF_INET, .proto = PROTO_TCP,
	    .state = ST_ESTABLISHED, .lport = (uint16_t)lp,
	    .rport = (uint16_t)rp, .has = ROW_HAS_QUEUES | ROW_HAS_UID };

	assert_int_equal(inet_pton(AF_INET, l, &row.laddr.v4), 1);
	assert_int_equal(inet_pton(AF_INET, r, &row.raddr.v4), 1);
	return row;
}

static struct sock_row
v6(const char *l, unsigned lp)
{
	struct sock_row row = { .family = AF_INET6, .proto = PROTO_TCP,
	    .state = ST_LISTEN, .lport = (uint16_t)lp,
	    .has = ROW_HAS_QUEUES | ROW_HAS_UID };

	assert_int_equal(inet_pton(AF_INET6, l, &row.laddr.v6), 1);
	return row;
}

static int
cmp(struct out *b, const char *keys, const struct sock_row *x,
    const struct sock_row *y)
{
	assert_int_equal(parse(b, keys), 0);
	return sort_cmp(x, y, b->keys);
}

/* Addresses as numbers: 9.x before 10.x (text would put "10" first). */
static void
test_sort_cmp_addresses(void **state)
{
	struct out *b = *state;
	struct sock_row a = v4("9.255.0.1", 80, "1.1.1.1", 1);
	struct sock_row c = v4("10.0.0.1", 80, "1.1.1.1", 1);
	struct sock_row d = v4("10.0.0.1", 443, "1.1.1.1", 1);
	struct sock_row e = v6("::1", 1);
	struct sock_row f = v6("2001:db8::1", 1);

	assert_true(cmp(b, "local", &a, &c) < 0);
	assert_true(cmp(b, "-local", &a, &c) > 0);
	/* Same address: the port decides. */
	assert_true(cmp(b, "local", &c, &d) < 0);
	/* IPv4 before IPv6, whatever the bytes. */
	assert_true(cmp(b, "local", &d, &e) < 0);
	assert_true(cmp(b, "local", &e, &f) < 0);
	assert_int_equal(cmp(b, "remote", &a, &c), 0);
	assert_int_equal(cmp(b, "lport", &a, &c), 0);
	/* The second key breaks the tie of the first. */
	assert_true(cmp(b, "remote,-lport", &c, &d) > 0);
}

static void
test_sort_cmp_fields(void **state)
{
	struct out *b = *state;
	struct sock_row x = v4("1.1.1.1", 1, "2.2.2.2", 9);
	struct sock_row y = v4("1.1.1.1", 1, "2.2.2.2", 10);
	struct sock_row u = { .family = AF_UNIX, .proto = PROTO_UNIX };

	assert_true(cmp(b, "rport", &x, &y) < 0);
	x.rqueue = 7;
	assert_true(cmp(b, "recv-q", &x, &y) > 0);
	assert_true(cmp(b, "-recv-q", &x, &y) < 0);
	y.wqueue = 1;
	assert_true(cmp(b, "send-q", &x, &y) < 0);
	/* A row without queues sorts before 0. */
	y.has &= ~ROW_HAS_QUEUES;
	assert_true(cmp(b, "send-q", &x, &y) > 0);
	x.uid = 1000;
	assert_true(cmp(b, "uid", &x, &y) > 0);
	x.inode = 5;
	y.inode = 50;
	assert_true(cmp(b, "inode", &x, &y) < 0);
	/* SYN_RECV as the reader sees it: a request socket is one. */
	x.state = ST_NEW_SYN_RECV;
	y.state = ST_SYN_RECV;
	assert_int_equal(cmp(b, "state", &x, &y), 0);
	y.state = ST_LISTEN;
	assert_true(cmp(b, "state", &x, &y) < 0);
	/* UNIX rows stay after Internet ones, even descending. */
	assert_true(cmp(b, "-inode", &x, &u) < 0);
	assert_true(cmp(b, "-inode", &u, &x) > 0);
}

static void
test_sort_cmp_unix(void **state)
{
	struct out *b = *state;
	struct sock_row p = { .family = AF_UNIX, .proto = PROTO_UNIX,
	    .path = "/run/a", .path_len = 6 };
	struct sock_row q = { .family = AF_UNIX, .proto = PROTO_UNIX,
	    .path = "/run/ab", .path_len = 7 };
	struct sock_row n = { .family = AF_UNIX, .proto = PROTO_UNIX };
	struct sock_row ab = { .family = AF_UNIX, .proto = PROTO_UNIX,
	    .path = "\0x", .path_len = 2 };

	assert_true(cmp(b, "local", &p, &q) < 0);	/* prefix first */
	assert_true(cmp(b, "local", &n, &p) < 0);	/* unnamed first */
	assert_true(cmp(b, "local", &ab, &p) < 0);	/* NUL is a byte */
	p.has = q.has = ROW_HAS_PEER;
	p.peer_inode = 9;
	q.peer_inode = 3;
	assert_true(cmp(b, "remote", &p, &q) > 0);
	assert_true(cmp(b, "remote", &n, &q) < 0);	/* no peer first */
}

static void
test_sort_cmp_owners(void **state)
{
	struct out *b = *state;
	struct sock_owner o1[] = { { .pid = 30, .command = "zz",
	    .argv0 = "aa" } };
	struct sock_owner o2[] = { { .pid = 4, .command = "bb" },
	    { .pid = 99, .command = "00" } };
	struct sock_row x = v4("1.1.1.1", 1, "2.2.2.2", 1);
	struct sock_row y = x, z = x;

	x.owners = o1;
	x.nowners = 1;
	y.owners = o2;
	y.nowners = 2;
	assert_true(cmp(b, "pid", &x, &y) > 0);		/* 30 > 4 */
	/* The program name as -p shows it: argv0, else comm. */
	assert_true(cmp(b, "command", &x, &y) < 0);	/* "aa" < "bb" */
	assert_true(cmp(b, "pid", &z, &y) < 0);		/* no owner first */
	assert_true(cmp(b, "command", &z, &x) < 0);
	assert_int_equal(cmp(b, "command", &z, &z), 0);
}

/* Runs f over n rows into b's stream; returns the text. */
static const char *
run(struct out *b, const struct formatter *f, const struct sock_row *r,
    size_t n)
{
	void *st;
	size_t i;

	assert_non_null(st = f->begin(b->fp, &b->o));
	for (i = 0; i < n; i++)
		assert_int_equal(f->row(st, &r[i]), 0);
	assert_int_equal(f->end(st), 0);
	fflush(b->fp);
	return b->data;
}

/* The order of "port": values in the JSON lines of the local ends. */
static void
local_ports(const char *json, char *buf, size_t len)
{
	const char *p = json;
	size_t used = 0;

	buf[0] = '\0';
	while ((p = strstr(p, "\"local\":{\"address\":")) != NULL) {
		p = strstr(p, "\"port\":") + 7;
		used += (size_t)snprintf(buf + used, len - used, "%s%d",
		    used ? "," : "", atoi(p));
	}
}

/* The wrapper replays into the JSON face in key order, stably. */
static void
test_fmt_sort_json(void **state)
{
	struct out *b = *state;
	struct sock_row r[6];
	const struct formatter *f = fmt_sort_wrap(&fmt_json);
	char ports[128];

	r[0] = v4("10.0.0.1", 5, "1.1.1.1", 1);
	r[1] = v4("9.0.0.1", 4, "1.1.1.1", 1);
	r[2] = v6("::1", 3);
	r[3] = v4("10.0.0.1", 2, "1.1.1.1", 1);
	r[4] = v4("9.0.0.1", 1, "1.1.1.1", 1);
	r[5] = (struct sock_row){ .family = AF_UNIX, .proto = PROTO_UNIX };
	assert_non_null(f);
	assert_int_equal(parse(b, "remote"), 0);
	memcpy(b->o.sort, b->keys, sizeof(b->o.sort));
	/* Ties on the remote end keep kernel order; the v6 one (::) last. */
	run(b, f, r, 5);
	local_ports(b->data, ports, sizeof(ports));
	assert_string_equal(ports, "5,4,2,1,3");
	reset(b);
	assert_int_equal(parse(b, "local"), 0);
	memcpy(b->o.sort, b->keys, sizeof(b->o.sort));
	run(b, f, r, 6);
	local_ports(b->data, ports, sizeof(ports));
	assert_string_equal(ports, "1,4,2,5,3");
	/* The UNIX row stays last. */
	assert_non_null(strstr(b->data, "\"family\":\"unix\""));
	assert_true(strstr(b->data, "\"family\":\"unix\"") >
	    strstr(b->data, "\"family\":\"inet6\""));
	reset(b);
	assert_int_equal(parse(b, "-lport"), 0);
	memcpy(b->o.sort, b->keys, sizeof(b->o.sort));
	run(b, f, r, 5);
	local_ports(b->data, ports, sizeof(ports));
	assert_string_equal(ports, "5,4,3,2,1");
}

/* The wrappers stand for their faces: same needs, and no others. */
static void
test_fmt_sort_wrap(void **state)
{
	static const struct formatter other = { .name = "other" };

	(void)state;
	assert_int_equal(fmt_sort_wrap(&fmt_table)->needs, fmt_table.needs);
	assert_int_equal(fmt_sort_wrap(&fmt_json)->needs, fmt_json.needs);
	assert_non_null(fmt_sort_wrap(&fmt_table)->gap);
	assert_null(fmt_sort_wrap(&other));
}

/*
 * Largest first, ties by address numerically (9.x before 10.x, IPv4
 * before IPv6); UNIX rows in "-", after every address of their count.
 */
static void
test_fmt_group_remote(void **state)
{
	struct out *b = *state;
	struct sock_row r[8];

	r[0] = v4("1.1.1.1", 1, "10.0.0.1", 1);
	r[1] = v4("1.1.1.1", 1, "9.0.0.1", 1);
	r[2] = v4("1.1.1.1", 1, "10.0.0.1", 2);
	r[3] = v4("1.1.1.1", 1, "9.0.0.2", 1);
	r[4] = (struct sock_row){ .family = AF_UNIX, .proto = PROTO_UNIX };
	r[5] = v6("::1", 1);
	r[6] = r[4];
	r[7] = v4("1.1.1.1", 1, "10.0.0.5", 1);
	b->o.face = FACE_SUMMARY;
	b->o.group_by = GROUP_REMOTE;
	assert_string_equal(run(b, &fmt_group, r, 8),
	    "   Count  Remote Address\n"
	    "       2  10.0.0.1\n"
	    "       2  -\n"
	    "       1  9.0.0.1\n"
	    "       1  9.0.0.2\n"
	    "       1  10.0.0.5\n"
	    "       1  ::\n");
	reset(b);
	b->o.json = 1;
	run(b, &fmt_group, r, 8);
	assert_string_equal(b->data, "{\"by\":\"remote\",\"total\":8,"
	    "\"complete\":true,\"groups\":["
	    "{\"address\":\"10.0.0.1\",\"count\":2},"
	    "{\"address\":null,\"count\":2},"
	    "{\"address\":\"9.0.0.1\",\"count\":1},"
	    "{\"address\":\"9.0.0.2\",\"count\":1},"
	    "{\"address\":\"10.0.0.5\",\"count\":1},"
	    "{\"address\":\"::\",\"count\":1}]}\n");
}

/*
 * Per namespace (--all-netns): by inode, shown by label, largest first,
 * then the grand total; JSON has inode and the exact name.
 */
static void
test_fmt_group_netns(void **state)
{
	struct sock_netns a = { 4026532001ULL, "a\x1b", "a\\x1b" };
	struct sock_netns self = { 4026531833ULL, NULL, "4026531833" };
	struct out *b = *state;
	struct sock_row r[4];

	r[0] = v4("1.1.1.1", 1, "10.0.0.1", 1);
	r[0].netns = &self;
	r[1] = r[0];
	r[1].netns = &a;
	r[2] = r[1];
	r[3] = r[1];
	b->o.face = FACE_SUMMARY;
	b->o.group_by = GROUP_NETNS;
	assert_string_equal(run(b, &fmt_group, r, 4),
	    "   Count  Netns\n"
	    "       3  a\\x1b\n"
	    "       1  4026531833\n"
	    "       4  total\n");
	reset(b);
	b->o.json = 1;
	run(b, &fmt_group, r, 4);
	assert_string_equal(b->data, "{\"by\":\"netns\",\"total\":4,"
	    "\"complete\":true,\"groups\":["
	    "{\"netns\":{\"inode\":4026532001,\"name\":\"a\\u001b\"},\"count\":3},"
	    "{\"netns\":{\"inode\":4026531833,\"name\":null},\"count\":1}]}\n");
}

/* One count per holding process; names escaped in text, exact in JSON. */
static void
test_fmt_group_process(void **state)
{
	struct out *b = *state;
	struct sock_owner evil[] = { { .pid = 7, .command = "a\x1b[2Jb" },
	    { .pid = 7, .command = "a\x1b[2Jb", .fd = 4 },
	    { .pid = 8, .command = "c,d", .argv0 = "/bin/c,d" } };
	struct sock_row r[3];

	r[0] = v4("1.1.1.1", 1, "2.2.2.2", 1);
	r[0].owners = evil;
	r[0].nowners = 3;
	r[1] = r[0];
	r[1].nowners = 1;
	r[2] = v4("1.1.1.1", 1, "2.2.2.2", 1);
	b->o.face = FACE_SUMMARY;
	b->o.group_by = GROUP_PROCESS;
	assert_string_equal(run(b, &fmt_group, r, 3),
	    "   Count  PID/Program name\n"
	    "       2  7/a\\x1b[2Jb\n"
	    "       1  8//bin/c\\x2cd\n"
	    "       1  -\n");
	reset(b);
	b->o.json = 1;
	run(b, &fmt_group, r, 3);
	assert_string_equal(b->data, "{\"by\":\"process\",\"total\":3,"
	    "\"complete\":true,\"groups\":["
	    "{\"pid\":7,\"command\":\"a\\u001b[2Jb\",\"argv0\":null,"
	    "\"count\":2},"
	    "{\"pid\":8,\"command\":\"c,d\",\"argv0\":\"/bin/c,d\","
	    "\"count\":1},"
	    "{\"pid\":null,\"count\":1}]}\n");
}

static void
test_fmt_group_keys(void **state)
{
	struct out *b = *state;
	struct sock_row r[5];

	r[0] = v4("1.1.1.1", 22, "2.2.2.2", 1);
	r[1] = v6("::", 22);
	r[2] = v4("1.1.1.1", 8080, "2.2.2.2", 1);
	r[2].state = ST_NEW_SYN_RECV;
	r[3] = v4("1.1.1.1", 443, "2.2.2.2", 1);
	r[3].proto = PROTO_UDP;
	r[3].uid = 1000;
	r[4] = (struct sock_row){ .family = AF_UNIX, .proto = PROTO_UNIX,
	    .state = ST_LISTEN };
	b->o.face = FACE_SUMMARY;
	b->o.group_by = GROUP_LPORT;
	assert_string_equal(run(b, &fmt_group, r, 5),
	    "   Count  Local Port\n       2  22\n       1  443\n"
	    "       1  8080\n       1  -\n");
	reset(b);
	b->o.group_by = GROUP_STATE;
	assert_string_equal(run(b, &fmt_group, r, 5),
	    "   Count  State\n       2  ESTABLISHED\n       2  LISTEN\n"
	    "       1  SYN_RECV\n");
	reset(b);
	b->o.group_by = GROUP_PROTO;
	assert_string_equal(run(b, &fmt_group, r, 5),
	    "   Count  Proto\n       2  tcp\n       1  tcp6\n       1  udp\n"
	    "       1  unix\n");
	reset(b);
	b->o.group_by = GROUP_USER;
	assert_string_equal(run(b, &fmt_group, r, 5),
	    "   Count  User\n       3  0\n       1  1000\n       1  -\n");
}

/* A dump not read: the counts say they are not complete. */
static void
test_fmt_group_gap(void **state)
{
	struct out *b = *state;
	struct sock_row r = v4("1.1.1.1", 22, "2.2.2.2", 1);
	void *st;

	b->o.face = FACE_SUMMARY;
	b->o.group_by = GROUP_LPORT;
	b->o.json = 1;
	assert_non_null(st = fmt_group.begin(b->fp, &b->o));
	assert_int_equal(fmt_group.row(st, &r), 0);
	fmt_group.gap(st, AF_INET6, PROTO_TCP);
	assert_int_equal(fmt_group.end(st), 0);
	fflush(b->fp);
	assert_non_null(strstr(b->data, "\"complete\":false"));
}

/* Many groups: the hash table grows and every count stays right. */
static void
test_fmt_group_many(void **state)
{
	struct out *b = *state;
	struct sock_row r = v4("1.1.1.1", 1, "2.2.2.2", 1);
	void *st;
	unsigned i;

	b->o.face = FACE_SUMMARY;
	b->o.group_by = GROUP_LPORT;
	assert_non_null(st = fmt_group.begin(b->fp, &b->o));
	for (i = 0; i < 3000; i++) {
		r.lport = (uint16_t)(i % 1000 + 1);
		if (i % 1000 == 999)
			r.lport = 5;	/* port 5: 3 + 3 */
		assert_int_equal(fmt_group.row(st, &r), 0);
	}
	assert_int_equal(fmt_group.end(st), 0);
	fflush(b->fp);
	static const char head[] = "   Count  Local Port\n       6  5\n"
	    "       3  1\n       3  2\n";

	assert_memory_equal(b->data, head, sizeof(head) - 1);
	/* 998 groups of 3 and one of 6, a line each, and the header. */
	i = 0;
	for (const char *p = b->data; (p = strchr(p, '\n')) != NULL; p++)
		i++;
	assert_int_equal(i, 1 + 999);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_sort_parse_keys),
		T(test_sort_parse_bad),
		T(test_sort_needs_owners),
		T(test_group_parse),
		T(test_sort_cmp_addresses),
		T(test_sort_cmp_fields),
		T(test_sort_cmp_unix),
		T(test_sort_cmp_owners),
		T(test_fmt_sort_json),
		T(test_fmt_sort_wrap),
		T(test_fmt_group_remote),
		T(test_fmt_group_netns),
		T(test_fmt_group_process),
		T(test_fmt_group_keys),
		T(test_fmt_group_gap),
		T(test_fmt_group_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
