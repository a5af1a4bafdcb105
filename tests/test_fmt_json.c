/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fmt_json.c - the --json face on synthetic rows: exact text, and
 * validity as checked by an independent parser (python3's json module).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "jsonw.h"

/* Bytes, not text: Python decodes them as strict UTF-8 then. */
#define PY_CHECK	"python3 -c 'import json,sys; json.load(sys.stdin.buffer)'"
/* Each line of the default layout but "[" and "]" is one object. */
#define PY_LINES	"python3 -c 'import json,sys\n" \
			"for l in sys.stdin.read().splitlines()[1:-1]:\n" \
			"    assert isinstance(json.loads(l.rstrip(\",\")), dict)'"

struct out {
	char		*data;
	size_t		 len;
	FILE		*fp;
	struct options	 o;
};

static int
setup(void **state)
{
	struct out *b = calloc(1, sizeof(*b));

	if (b == NULL || (b->fp = open_memstream(&b->data, &b->len)) == NULL)
		return -1;
	b->o.proc_root = "/proc";
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

/*
 * Feeds text to a python3 command on its stdin; returns its exit status,
 * or skips the test when python3 is not installed (status 127).
 */
static int
python_check(const char *cmd, const char *text, size_t len)
{
	FILE *p;
	int st;

	assert_non_null(p = popen(cmd, "w"));
	assert_int_equal(fwrite(text, 1, len, p), len);
	st = pclose(p);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 127)
		skip();
	return WEXITSTATUS(st);
}

static int
python_check_str(const char *cmd, const char *text)
{
	return python_check(cmd, text, strlen(text));
}

/* Runs one pass of fmt_json over rows; returns the output. */
static const char *
run(struct out *b, const struct sock_row *rows, size_t n)
{
	void *st;
	size_t i;

	assert_non_null(st = fmt_json.begin(b->fp, &b->o));
	for (i = 0; i < n; i++)
		assert_int_equal(fmt_json.row(st, &rows[i]), 0);
	assert_int_equal(fmt_json.end(st), 0);
	return b->data;
}

static const struct sock_owner owners[] = {
	{ .pid = 42, .uid = 0, .fd = 3, .mode = 'u', .command = "ng\x1binx" },
	{ .pid = 43, .uid = 4242421, .fd = 7, .mode = 'u', .command = "w",
	    .argv0 = "w\x1b 1" },
};

static struct sock_row
row_tcp4_listen(void)
{
	struct sock_row r = {
		.family = AF_INET, .proto = PROTO_TCP, .type = SOCK_STREAM,
		.state = ST_LISTEN, .lport = 22, .backlog = 128, .rqueue = 1,
		.uid = 0, .inode = 1234, .cookie = 99, .ifindex = 0,
		.has = ROW_HAS_COOKIE | ROW_HAS_IFINDEX | ROW_HAS_QUEUES |
		    ROW_HAS_TIMER | ROW_HAS_UID | ROW_HAS_BACKLOG,
		.owners = owners, .nowners = 2,
	};

	inet_pton(AF_INET, "127.0.0.1", &r.laddr.v4);
	return r;
}

static struct sock_row
row_tcp6_est(void)
{
	struct sock_row r = {
		.family = AF_INET6, .proto = PROTO_TCP, .type = SOCK_STREAM,
		.state = ST_ESTABLISHED, .lport = 8080, .rport = 51000,
		.timer = TIMER_KEEPALIVE, .expires_ms = 7200000, .retrans = 0,
		.wqueue = 5, .uid = 1000, .inode = 77, .cookie = 5,
		.ifindex = 1, .v6only = 1,
		.has = ROW_HAS_COOKIE | ROW_HAS_IFINDEX | ROW_HAS_QUEUES |
		    ROW_HAS_TIMER | ROW_HAS_UID | ROW_HAS_V6ONLY,
	};

	inet_pton(AF_INET6, "::1", &r.laddr.v6);
	inet_pton(AF_INET6, "fe80::1", &r.raddr.v6);
	return r;
}

static void
test_fmt_json_empty(void **state)
{
	struct out *b = *state;

	assert_string_equal(run(b, NULL, 0), "[\n]\n");
	assert_int_equal(python_check(PY_CHECK, b->data, b->len), 0);
}

/* The validator must reject broken JSON, or the other checks prove nothing. */
static void
test_fmt_json_validator_rejects(void **state)
{
	(void)state;
	assert_int_not_equal(python_check_str(PY_CHECK " 2>/dev/null",
	    "[{},]"), 0);
	assert_int_not_equal(python_check_str(PY_CHECK " 2>/dev/null",
	    "[\"\xff\"]"), 0);
	assert_int_equal(python_check_str(PY_CHECK, "[{}]"), 0);
	assert_int_not_equal(python_check_str(PY_LINES " 2>/dev/null",
	    "[\n{},\n[1]\n]\n"), 0);
	assert_int_equal(python_check_str(PY_LINES, "[\n{},\n{}\n]\n"), 0);
}

static void
test_fmt_json_tcp4_listen(void **state)
{
	struct out *b = *state;
	struct sock_row r = row_tcp4_listen();

	b->o.program = 1;
	assert_string_equal(run(b, &r, 1), "[\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet\",\"type\":\"stream\","
	    "\"state\":\"LISTEN\","
	    "\"local\":{\"address\":\"127.0.0.1\",\"port\":22},"
	    "\"remote\":{\"address\":\"0.0.0.0\",\"port\":0},"
	    "\"recv_q\":1,\"send_q\":0,\"backlog\":128,\"uid\":0,"
	    "\"inode\":1234,\"cookie\":99,\"interface\":0,\"v6only\":null,"
	    "\"refcnt\":null,"
	    "\"timer\":{\"kind\":\"off\",\"expires_ms\":0,\"retrans\":0,\"probes\":0},"
	    "\"owners\":["
	    "{\"pid\":42,\"command\":\"ng\\u001binx\",\"argv0\":null,"
	    "\"user\":\"root\",\"uid\":0,\"fd\":3},"
	    "{\"pid\":43,\"command\":\"w\",\"argv0\":\"w\\u001b 1\","
	    "\"user\":null,\"uid\":4242421,"
	    "\"fd\":7}]}\n"
	    "]\n");
	assert_int_equal(python_check(PY_CHECK, b->data, b->len), 0);
}

static void
test_fmt_json_numeric_users(void **state)
{
	struct out *b = *state;
	struct sock_row r = row_tcp4_listen();

	b->o.program = 1;
	b->o.numeric_users = 1;
	run(b, &r, 1);
	assert_non_null(strstr(b->data, "{\"pid\":42,\"command\":\"ng\\u001binx\","
	    "\"argv0\":null,\"user\":null,\"uid\":0,\"fd\":3}"));
}

static void
test_fmt_json_no_owners_key(void **state)
{
	struct out *b = *state;
	struct sock_row r = row_tcp4_listen();

	run(b, &r, 1);
	assert_null(strstr(b->data, "owners"));
	assert_non_null(strstr(b->data, "\"retrans\":0,\"probes\":0}}\n]\n"));
}

static void
test_fmt_json_tcp6(void **state)
{
	struct out *b = *state;
	struct sock_row r = row_tcp6_est();

	assert_string_equal(run(b, &r, 1), "[\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet6\",\"type\":\"stream\","
	    "\"state\":\"ESTABLISHED\","
	    "\"local\":{\"address\":\"::1\",\"port\":8080},"
	    "\"remote\":{\"address\":\"fe80::1\",\"port\":51000},"
	    "\"recv_q\":0,\"send_q\":5,\"backlog\":null,\"uid\":1000,"
	    "\"inode\":77,\"cookie\":5,\"interface\":1,\"v6only\":true,"
	    "\"refcnt\":null,\"timer\":{\"kind\":\"keepalive\","
	    "\"expires_ms\":7200000,\"retrans\":0,\"probes\":0}}\n"
	    "]\n");
}

/* A /proc row: no cookie, interface or v6only; unknown state code. */
static void
test_fmt_json_udp_proc(void **state)
{
	struct out *b = *state;
	struct sock_row r = {
		.family = AF_INET6, .proto = PROTO_UDP, .type = SOCK_DGRAM,
		.state = ST_CLOSE, .lport = 53, .inode = 9, .uid = 101,
		.has = ROW_HAS_QUEUES | ROW_HAS_UID,
	};

	assert_string_equal(run(b, &r, 1), "[\n"
	    "{\"proto\":\"udp\",\"family\":\"inet6\",\"type\":\"dgram\","
	    "\"state\":\"CLOSE\","
	    "\"local\":{\"address\":\"::\",\"port\":53},"
	    "\"remote\":{\"address\":\"::\",\"port\":0},"
	    "\"recv_q\":0,\"send_q\":0,\"backlog\":null,\"uid\":101,"
	    "\"inode\":9,\"cookie\":null,\"interface\":null,\"v6only\":null,"
	    "\"refcnt\":null,\"timer\":null}\n"
	    "]\n");
	r.state = 99;
	r.type = 77;
	fclose(b->fp);
	free(b->data);
	b->data = NULL;
	assert_non_null(b->fp = open_memstream(&b->data, &b->len));
	run(b, &r, 1);
	assert_non_null(strstr(b->data,
	    "\"type\":null,\"state\":\"UNKNOWN(99)\","));
}

static void
test_fmt_json_unix(void **state)
{
	struct out *b = *state;
	struct sock_row r[3] = {
		{ .family = AF_UNIX, .proto = PROTO_UNIX,
		  .type = SOCK_SEQPACKET, .state = ST_ESTABLISHED,
		  .path = "\0my\x1bsock", .path_len = 8, .inode = 5,
		  .peer_inode = 6, .has = ROW_HAS_PEER | ROW_HAS_QUEUES },
		/* The kernel may count the path's NUL: not printed. */
		{ .family = AF_UNIX, .proto = PROTO_UNIX,
		  .type = SOCK_STREAM, .state = ST_LISTEN, .backlog = 4096,
		  .path = "/run/a\"b\0", .path_len = 10, .inode = 7,
		  .refcnt = 2, .has = ROW_HAS_REFCNT | ROW_HAS_BACKLOG },
		{ .family = AF_UNIX, .proto = PROTO_UNIX, .type = SOCK_DGRAM,
		  .state = ST_CLOSE, .inode = 8 },
	};

	assert_string_equal(run(b, r, 3), "[\n"
	    "{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"seqpacket\","
	    "\"state\":\"ESTABLISHED\",\"path\":\"@my\\u001bsock\","
	    "\"peer_inode\":6,\"recv_q\":0,\"send_q\":0,\"backlog\":null,"
	    "\"uid\":null,\"inode\":5,\"cookie\":null,\"interface\":null,"
	    "\"v6only\":null,\"refcnt\":null,\"timer\":null},\n"
	    "{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"stream\","
	    "\"state\":\"LISTEN\",\"path\":\"/run/a\\\"b\","
	    "\"peer_inode\":null,\"recv_q\":null,\"send_q\":null,"
	    "\"backlog\":4096,\"uid\":null,\"inode\":7,\"cookie\":null,"
	    "\"interface\":null,\"v6only\":null,\"refcnt\":2,\"timer\":null},\n"
	    "{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"dgram\","
	    "\"state\":\"CLOSE\",\"path\":null,"
	    "\"peer_inode\":null,\"recv_q\":null,\"send_q\":null,"
	    "\"backlog\":null,\"uid\":null,\"inode\":8,\"cookie\":null,"
	    "\"interface\":null,\"v6only\":null,\"refcnt\":null,\"timer\":null}\n"
	    "]\n");
	assert_int_equal(python_check(PY_CHECK, b->data, b->len), 0);
	assert_int_equal(python_check(PY_LINES, b->data, b->len), 0);
}

/*
 * Issue 11 item 10: names carry their exact value.  Bytes that are not
 * UTF-8 (a command, an abstract name with a NUL) come with key_bytes in
 * hex; valid UTF-8, invisible characters included, needs none.
 */
static void
test_fmt_json_exact_names(void **state)
{
	static const struct sock_owner ow[] = {
		{ .pid = 7, .uid = 0, .fd = 3, .mode = 'u',
		  .command = "\xff\xfe" "evil" },
		{ .pid = 8, .uid = 0, .fd = 4, .mode = 'u',
		  .command = "a\xe3\x85\xa4" "b,1/x" },
	};
	struct out *b = *state;
	struct sock_row r[2] = {
		{ .family = AF_UNIX, .proto = PROTO_UNIX,
		  .type = SOCK_STREAM, .state = ST_LISTEN,
		  .path = "\0a\0\xc3(", .path_len = 5, .inode = 5,
		  .owners = ow, .nowners = 2 },
		{ .family = AF_UNIX, .proto = PROTO_UNIX,
		  .type = SOCK_STREAM, .state = ST_LISTEN,
		  .path = "/tmp/caf\xc3\xa9\n", .path_len = 11, .inode = 6 },
	};

	b->o.program = 1;
	b->o.numeric_users = 1;
	run(b, r, 2);
	assert_non_null(strstr(b->data, "\"path\":\"@a\\u0000\\ufffd(\","
	    "\"path_bytes\":\"406100c328\","));
	assert_non_null(strstr(b->data, "{\"pid\":7,\"command\":\"\\ufffd\\ufffdevil\","
	    "\"command_bytes\":\"fffe6576696c\",\"argv0\":null,\"user\":null,"));
	assert_non_null(strstr(b->data, "{\"pid\":8,\"command\":\"a\\u3164b,1/x\","
	    "\"argv0\":null,\"user\":null,"));
	assert_non_null(strstr(b->data, "\"path\":\"/tmp/caf\xc3\xa9\\u000a\","
	    "\"peer_inode\""));
	assert_int_equal(python_check(PY_CHECK, b->data, b->len), 0);
}

/* Every row kind together, with owners: valid as a whole and per line. */
static void
test_fmt_json_mixed_valid(void **state)
{
	struct out *b = *state;
	struct sock_row r[3] = { row_tcp4_listen(), row_tcp6_est(),
	    { .family = AF_UNIX, .proto = PROTO_UNIX, .type = SOCK_STREAM,
	      .path = "\0\xff\xfe\n\"", .path_len = 5, .owners = owners,
	      .nowners = 1 } };
	const char *p;
	int lines = 0;

	b->o.program = 1;
	run(b, r, 3);
	for (p = b->data; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 5);
	assert_int_equal(python_check(PY_CHECK, b->data, b->len), 0);
	assert_int_equal(python_check(PY_LINES, b->data, b->len), 0);
}

/* -c: each pass is one document on one line. */
static void
test_fmt_json_continuous_one_line(void **state)
{
	struct out *b = *state;
	struct sock_row r[2] = { row_tcp4_listen(), row_tcp6_est() };
	size_t first;

	b->o.continuous = 1;
	b->o.program = 1;
	run(b, r, 2);
	assert_int_equal(strchr(b->data, '\n') - b->data, b->len - 1);
	assert_int_equal(strncmp(b->data, "[{\"proto\":\"tcp\"", 15), 0);
	assert_non_null(strstr(b->data, "\"fd\":7}]},{\"proto\":\"tcp\""));
	assert_int_equal(python_check(PY_CHECK, b->data, b->len), 0);
	first = b->len;
	run(b, NULL, 0);
	assert_string_equal(b->data + first, "[]\n");
}

/* Whatever bytes reach the writer, the document stays valid UTF-8 JSON. */
static void
test_fmt_json_jsonw_all_bytes(void **state)
{
	struct out *b = *state;
	struct jsonw *j;
	char bytes[256];
	int i;

	for (i = 0; i < 256; i++)
		bytes[i] = (char)i;
	assert_non_null(j = jsonw_new(b->fp, 0));
	jsonw_start_array(j);
	jsonw_string_len(j, bytes, sizeof(bytes));
	jsonw_string_len(j, "\xe2\x82", 2);
	jsonw_end_array(j);
	assert_int_equal(jsonw_status(j), 0);
	jsonw_free(j);
	fflush(b->fp);
	assert_int_equal(python_check(PY_CHECK, b->data, b->len), 0);
}

static void
test_fmt_json_write_error(void **state)
{
	struct sock_row r = row_tcp4_listen();
	char small[16];
	struct options o = { .proc_root = "/proc" };
	FILE *fp;
	void *st;

	(void)state;
	assert_non_null(fp = fmemopen(small, sizeof(small), "w"));
	assert_non_null(st = fmt_json.begin(fp, &o));
	fmt_json.row(st, &r);
	errno = 0;
	assert_int_equal(fmt_json.end(st), -1);
	assert_int_not_equal(errno, 0);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_fmt_json_empty),
		T(test_fmt_json_validator_rejects),
		T(test_fmt_json_tcp4_listen),
		T(test_fmt_json_numeric_users),
		T(test_fmt_json_no_owners_key),
		T(test_fmt_json_tcp6),
		T(test_fmt_json_udp_proc),
		T(test_fmt_json_exact_names),
		T(test_fmt_json_unix),
		T(test_fmt_json_mixed_valid),
		T(test_fmt_json_continuous_one_line),
		T(test_fmt_json_jsonw_all_bytes),
		T(test_fmt_json_write_error),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
