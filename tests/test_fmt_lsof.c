/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fmt_lsof.c - the lsof face's output against real lsof 4.95.
 *
 * Where the expectations come from: as root on Debian 12, a Python
 * script (pid 31189, "python3") opened a TCP listener on 127.0.0.1:42603
 * and dup()ed it (fds 3 and 4), connected to it twice (one connection
 * half-closed: FIN_WAIT2 / CLOSE_WAIT with one byte, the FIN, unread),
 * TCP listeners on [::1]:38065, [::]:41181 and 0.0.0.0:55935, UDP
 * 127.0.0.1:33614, a UDP socket connected to it and UDP [::1]:33160,
 * UNIX sockets, then fork()ed (child pid 31319 holds every descriptor
 * too).  The tables below are `lsof -i -n -P -a -p 31189,31319`,
 * `lsof -i -n -P -a -p 31189 -F pcuftnPT` and `lsof -t ...` taken
 * through `cat -A`, so trailing spaces are exact.  Other cases (the long
 * command, fd 12345, -l) come from the same kind of run, noted at each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsof.h"

#define NARGS(v)	((int)(sizeof(v) / sizeof((v)[0])) - 1)

/* lsof -i -n -P -a -p 31189,31319 */
static const char want_table[] =
"COMMAND   PID USER   FD   TYPE  DEVICE SIZE/OFF NODE NAME\n"
"python3 31189 root    3u  IPv4 4680794      0t0  TCP 127.0.0.1:42603 (LISTEN)\n"
"python3 31189 root    4u  IPv4 4680794      0t0  TCP 127.0.0.1:42603 (LISTEN)\n"
"python3 31189 root    5u  IPv4 4680795      0t0  TCP 127.0.0.1:36198->127.0.0.1:42603 (ESTABLISHED)\n"
"python3 31189 root    6u  IPv4 4680796      0t0  TCP 127.0.0.1:42603->127.0.0.1:36198 (ESTABLISHED)\n"
"python3 31189 root    7u  IPv4 4680797      0t0  TCP 127.0.0.1:36212->127.0.0.1:42603 (FIN_WAIT2)\n"
"python3 31189 root    8u  IPv4 4680798      0t0  TCP 127.0.0.1:42603->127.0.0.1:36212 (CLOSE_WAIT)\n"
"python3 31189 root    9u  IPv6 4680799      0t0  TCP [::1]:38065 (LISTEN)\n"
"python3 31189 root   11u  IPv6 4680800      0t0  TCP *:41181 (LISTEN)\n"
"python3 31189 root   12u  IPv4 4680801      0t0  TCP *:55935 (LISTEN)\n"
"python3 31189 root   13u  IPv4 4680802      0t0  UDP 127.0.0.1:33614 \n"
"python3 31189 root   14u  IPv4 4680803      0t0  UDP 127.0.0.1:56178->127.0.0.1:33614 \n"
"python3 31189 root   15u  IPv6 4680804      0t0  UDP [::1]:33160 \n"
"python3 31319 root    3u  IPv4 4680794      0t0  TCP 127.0.0.1:42603 (LISTEN)\n"
"python3 31319 root    4u  IPv4 4680794      0t0  TCP 127.0.0.1:42603 (LISTEN)\n"
"python3 31319 root    5u  IPv4 4680795      0t0  TCP 127.0.0.1:36198->127.0.0.1:42603 (ESTABLISHED)\n"
"python3 31319 root    6u  IPv4 4680796      0t0  TCP 127.0.0.1:42603->127.0.0.1:36198 (ESTABLISHED)\n"
"python3 31319 root    7u  IPv4 4680797      0t0  TCP 127.0.0.1:36212->127.0.0.1:42603 (FIN_WAIT2)\n"
"python3 31319 root    8u  IPv4 4680798      0t0  TCP 127.0.0.1:42603->127.0.0.1:36212 (CLOSE_WAIT)\n"
"python3 31319 root    9u  IPv6 4680799      0t0  TCP [::1]:38065 (LISTEN)\n"
"python3 31319 root   11u  IPv6 4680800      0t0  TCP *:41181 (LISTEN)\n"
"python3 31319 root   12u  IPv4 4680801      0t0  TCP *:55935 (LISTEN)\n"
"python3 31319 root   13u  IPv4 4680802      0t0  UDP 127.0.0.1:33614 \n"
"python3 31319 root   14u  IPv4 4680803      0t0  UDP 127.0.0.1:56178->127.0.0.1:33614 \n"
"python3 31319 root   15u  IPv6 4680804      0t0  UDP [::1]:33160 \n";

/* lsof -i -n -P -a -p 31189 -F pcuftnPT */
static const char want_fields[] =
"p31189\ncpython3\nu0\n"
"f3\ntIPv4\nPTCP\nn127.0.0.1:42603\nTST=LISTEN\nTQR=0\nTQS=0\n"
"f4\ntIPv4\nPTCP\nn127.0.0.1:42603\nTST=LISTEN\nTQR=0\nTQS=0\n"
"f5\ntIPv4\nPTCP\nn127.0.0.1:36198->127.0.0.1:42603\nTST=ESTABLISHED\nTQR=0\nTQS=0\n"
"f6\ntIPv4\nPTCP\nn127.0.0.1:42603->127.0.0.1:36198\nTST=ESTABLISHED\nTQR=0\nTQS=0\n"
"f7\ntIPv4\nPTCP\nn127.0.0.1:36212->127.0.0.1:42603\nTST=FIN_WAIT2\nTQR=0\nTQS=0\n"
"f8\ntIPv4\nPTCP\nn127.0.0.1:42603->127.0.0.1:36212\nTST=CLOSE_WAIT\nTQR=1\nTQS=0\n"
"f9\ntIPv6\nPTCP\nn[::1]:38065\nTST=LISTEN\nTQR=0\nTQS=0\n"
"f11\ntIPv6\nPTCP\nn*:41181\nTST=LISTEN\nTQR=0\nTQS=0\n"
"f12\ntIPv4\nPTCP\nn*:55935\nTST=LISTEN\nTQR=0\nTQS=0\n"
"f13\ntIPv4\nPUDP\nn127.0.0.1:33614\nTQR=0\nTQS=0\n"
"f14\ntIPv4\nPUDP\nn127.0.0.1:56178->127.0.0.1:33614\nTQR=0\nTQS=0\n"
"f15\ntIPv6\nPUDP\nn[::1]:33160\nTQR=0\nTQS=0\n";

/* One socket of the run: its addresses, inode, queue and descriptors. */
struct fixture {
	int		 family;
	int		 proto;
	int		 state;
	const char	*laddr;
	unsigned	 lport;
	const char	*raddr;
	unsigned	 rport;
	unsigned	 inode;
	unsigned	 rq;
	int		 fds[2];
};

static const struct fixture run[] = {
	{ AF_INET, PROTO_TCP, ST_LISTEN, "127.0.0.1", 42603, "0.0.0.0", 0, 4680794, 0, { 3, 4 } },
	{ AF_INET, PROTO_TCP, ST_ESTABLISHED, "127.0.0.1", 36198, "127.0.0.1", 42603, 4680795, 0, { 5, -1 } },
	{ AF_INET, PROTO_TCP, ST_ESTABLISHED, "127.0.0.1", 42603, "127.0.0.1", 36198, 4680796, 0, { 6, -1 } },
	{ AF_INET, PROTO_TCP, ST_FIN_WAIT2, "127.0.0.1", 36212, "127.0.0.1", 42603, 4680797, 0, { 7, -1 } },
	{ AF_INET, PROTO_TCP, ST_CLOSE_WAIT, "127.0.0.1", 42603, "127.0.0.1", 36212, 4680798, 1, { 8, -1 } },
	{ AF_INET6, PROTO_TCP, ST_LISTEN, "::1", 38065, "::", 0, 4680799, 0, { 9, -1 } },
	{ AF_INET6, PROTO_TCP, ST_LISTEN, "::", 41181, "::", 0, 4680800, 0, { 11, -1 } },
	{ AF_INET, PROTO_TCP, ST_LISTEN, "0.0.0.0", 55935, "0.0.0.0", 0, 4680801, 0, { 12, -1 } },
	{ AF_INET, PROTO_UDP, ST_CLOSE, "127.0.0.1", 33614, "0.0.0.0", 0, 4680802, 0, { 13, -1 } },
	{ AF_INET, PROTO_UDP, ST_ESTABLISHED, "127.0.0.1", 56178, "127.0.0.1", 33614, 4680803, 0, { 14, -1 } },
	{ AF_INET6, PROTO_UDP, ST_CLOSE, "::1", 33160, "::", 0, 4680804, 0, { 15, -1 } },
};
#define NRUN	(sizeof(run) / sizeof(run[0]))

static struct sock_row
row_of(const struct fixture *fx)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = (uint8_t)fx->family;
	r.proto = (uint8_t)fx->proto;
	r.type = fx->proto == PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	r.state = (uint8_t)fx->state;
	r.has = ROW_HAS_QUEUES | ROW_HAS_UID;
	r.lport = (uint16_t)fx->lport;
	r.rport = (uint16_t)fx->rport;
	inet_pton(fx->family, fx->laddr, &r.laddr);
	inet_pton(fx->family, fx->raddr, &r.raddr);
	r.rqueue = fx->rq;
	r.inode = fx->inode;
	return r;
}

/* Output of one pass over rows under the words v, as a string. */
struct pass {
	struct options	 o;
	const void	*st;
	FILE		*out;
	char		*buf;
	size_t		 len;
};

static void
pass_begin(struct pass *p, int argc, char **argv)
{
	char err[CLI_ERRLEN];

	if (lsof_parse(argc, argv, &p->o, err, sizeof(err)) != CLI_RUN)
		fail_msg("lsof_parse: %s", err);
	p->buf = NULL;
	p->len = 0;
	assert_non_null(p->out = open_memstream(&p->buf, &p->len));
	assert_non_null(p->st = fmt_lsof.begin(p->out, &p->o));
}

static void
pass_row(struct pass *p, const struct sock_row *r)
{
	assert_int_equal(fmt_lsof.row((void *)p->st, r), 0);
}

static void
pass_end(struct pass *p)
{
	assert_int_equal(fmt_lsof.end((void *)p->st), 0);
	fclose(p->out);
}

static void
pass_free(struct pass *p)
{
	free(p->buf);
	lsof_sel_free(p->o.lsof);
}

/* Feeds the run, last socket first, with owners from pids[0..npids). */
static void
feed_run(struct pass *p, const int *pids, size_t npids)
{
	struct sock_owner ows[4];
	struct sock_row r;
	size_t i, k, j, n;

	memset(ows, 0, sizeof(ows));	/* argv0 and any later field */
	for (i = NRUN; i-- > 0;) {
		r = row_of(&run[i]);
		n = 0;
		/* procmap's order would be pid then fd; give it reversed. */
		for (k = npids; k-- > 0;)
			for (j = 2; j-- > 0;) {
				if (run[i].fds[j] < 0)
					continue;
				ows[n].pid = pids[k];
				ows[n].uid = 0;
				ows[n].fd = run[i].fds[j];
				ows[n].mode = 'u';
				ows[n++].command = "python3";
			}
		r.owners = ows;
		r.nowners = n;
		pass_row(p, &r);
	}
}

static void
test_fmt_lsof_table_matches_lsof(void **state)
{
	char *v[] = { "sockstat", "-i", "-n", "-P", NULL };
	static const int pids[] = { 31189, 31319 };
	struct pass p;

	(void)state;
	pass_begin(&p, NARGS(v), v);
	feed_run(&p, pids, 2);
	pass_end(&p);
	assert_string_equal(p.buf, want_table);
	pass_free(&p);
}

static void
test_fmt_lsof_terse(void **state)
{
	char *v[] = { "sockstat", "-t", "-i", NULL };
	static const int pids[] = { 31319, 31189 };
	struct pass p;

	(void)state;
	pass_begin(&p, NARGS(v), v);
	feed_run(&p, pids, 2);
	pass_end(&p);
	assert_string_equal(p.buf, "31189\n31319\n");	/* lsof -t */
	pass_free(&p);
}

static void
test_fmt_lsof_fields(void **state)
{
	char *v[] = { "sockstat", "-i", "-n", "-P", "-F", "pcuftnPT", NULL };
	static const int pids[] = { 31189 };
	struct pass p;

	(void)state;
	pass_begin(&p, NARGS(v), v);
	feed_run(&p, pids, 1);
	pass_end(&p);
	assert_string_equal(p.buf, want_fields);
	pass_free(&p);
}

/* lsof -F0pn: NUL after each field, a newline after each set. */
static void
test_fmt_lsof_fields_nul(void **state)
{
	char *v[] = { "sockstat", "-iTCP", "-nP", "-F0pn", NULL };
	static const char want[] = "p31189\0\nn127.0.0.1:42603\0\n";
	struct sock_owner ow = { 31189, 0, 3, 'u', "python3" };
	struct sock_row r = row_of(&run[0]);
	struct pass p;

	(void)state;
	r.owners = &ow;
	r.nowners = 1;
	pass_begin(&p, NARGS(v), v);
	pass_row(&p, &r);
	pass_end(&p);
	assert_int_equal(p.len, sizeof(want) - 1);
	assert_memory_equal(p.buf, want, sizeof(want) - 1);
	pass_free(&p);
}

/*
 * prctl(PR_SET_NAME, "averyverylongname") (comm keeps 15 bytes), the
 * listener dup2()ed to fds 100 and 12345; lsof -i -n -P -a -p 26577:
 */
static void
test_fmt_lsof_long_command_big_fd(void **state)
{
	char *v[] = { "sockstat", "-i", "-n", "-P", NULL };
	char *vf[] = { "sockstat", "-i", "-Pn", "-Fcf", NULL };
	static const char want[] =
"COMMAND     PID USER   FD   TYPE  DEVICE SIZE/OFF NODE NAME\n"
"averyvery 26577 root    3u  IPv4 3847860      0t0  TCP 127.0.0.1:50167 (LISTEN)\n"
"averyvery 26577 root  100u  IPv4 3847860      0t0  TCP 127.0.0.1:50167 (LISTEN)\n"
"averyvery 26577 root *345u  IPv4 3847860      0t0  TCP 127.0.0.1:50167 (LISTEN)\n";
	static const char wantf[] =	/* -F keeps the whole command */
"p26577\ncaveryverylongna\nf3\nf100\nf*345\n";
	struct sock_owner ows[] = {
		{ 26577, 0, 12345, 'u', "averyverylongna" },
		{ 26577, 0, 3, 'u', "averyverylongna" },
		{ 26577, 0, 100, 'u', "averyverylongna" },
	};
	struct fixture fx = { AF_INET, PROTO_TCP, ST_LISTEN, "127.0.0.1",
	    50167, "0.0.0.0", 0, 3847860, 0, { 3, -1 } };
	struct sock_row r = row_of(&fx);
	struct pass p;

	(void)state;
	r.owners = ows;
	r.nowners = 3;
	pass_begin(&p, NARGS(v), v);
	pass_row(&p, &r);
	pass_end(&p);
	assert_string_equal(p.buf, want);
	pass_free(&p);
	pass_begin(&p, NARGS(vf), vf);
	pass_row(&p, &r);
	pass_end(&p);
	assert_string_equal(p.buf, wantf);
	pass_free(&p);
}

/*
 * A command holding ESC and TAB: lsof prints "a^[b\tc", and the column
 * fits the escaped text.  uid 65534 under -l: lsof -i -n -P -l shows it
 * 8 wide.
 */
static void
test_fmt_lsof_escape_and_numeric_user(void **state)
{
	char *v[] = { "sockstat", "-i", "-n", "-P", "-l", NULL };
	static const char want[] =
"COMMAND   PID     USER   FD   TYPE  DEVICE SIZE/OFF NODE NAME\n"
"a^[b\\tc 26580        0    3u  IPv4 3847861      0t0  TCP 127.0.0.1:56557 (LISTEN)\n"
"x       26779    65534    3u  IPv4 3848348      0t0  TCP 127.0.0.1:35227 (LISTEN)\n";
	struct sock_owner esc = { 26580, 0, 3, 'u', "a\033b\tc" },
	    nob = { 26779, 65534, 3, 'u', "x" };
	struct fixture f1 = { AF_INET, PROTO_TCP, ST_LISTEN, "127.0.0.1",
	    56557, "0.0.0.0", 0, 3847861, 0, { 3, -1 } };
	struct fixture f2 = { AF_INET, PROTO_TCP, ST_LISTEN, "127.0.0.1",
	    35227, "0.0.0.0", 0, 3848348, 0, { 3, -1 } };
	struct sock_row r1 = row_of(&f1), r2 = row_of(&f2);
	struct pass p;

	(void)state;
	r1.owners = &esc;
	r2.owners = &nob;
	r1.nowners = r2.nowners = 1;
	pass_begin(&p, NARGS(v), v);
	pass_row(&p, &r2);
	pass_row(&p, &r1);
	pass_end(&p);
	assert_string_equal(p.buf, want);
	pass_free(&p);
}

/*
 * lsof -U -a -p 31189, with DEVICE the socket cookie rather than lsof's
 * hashed kernel address (see fmt_lsof.c); the rest is lsof's text.
 */
static void
test_fmt_lsof_unix(void **state)
{
	char *v[] = { "sockstat", "-U", NULL };
	static const char want[] =
"COMMAND   PID USER   FD   TYPE             DEVICE SIZE/OFF    NODE NAME\n"
"python3 31189 root   16u  unix 0x0000000000194737      0t0 4680805 /tmp/lsx/s.sock type=STREAM (LISTEN)\n"
"python3 31189 root   17u  unix 0x000000000019473d      0t0 4680806 @abstractx type=STREAM (LISTEN)\n"
"python3 31189 root   18u  unix 0x0000000000194739      0t0 4680807 type=STREAM (CONNECTED)\n"
"python3 31189 root   22u  unix 0x000000000019473f      0t0 4680811 type=DGRAM (UNCONNECTED)\n";
	static const struct {
		const char	*path;
		size_t		 len;
		int		 type, state, fd;
		unsigned	 inode, cookie;
	} u[] = {
		{ "/tmp/lsx/s.sock", 15, SOCK_STREAM, ST_LISTEN, 16, 4680805, 0x194737 },
		{ "\0abstractx", 10, SOCK_STREAM, ST_LISTEN, 17, 4680806, 0x19473d },
		{ NULL, 0, SOCK_STREAM, ST_ESTABLISHED, 18, 4680807, 0x194739 },
		{ NULL, 0, SOCK_DGRAM, ST_CLOSE, 22, 4680811, 0x19473f },
	};
	struct sock_owner ow = { 31189, 0, 0, 'u', "python3" };
	struct sock_row r;
	struct pass p;
	size_t i;

	(void)state;
	pass_begin(&p, NARGS(v), v);
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.family = AF_UNIX;
		r.proto = PROTO_UNIX;
		r.type = (uint8_t)u[i].type;
		r.state = (uint8_t)u[i].state;
		r.has = ROW_HAS_COOKIE;
		r.path = u[i].path;
		r.path_len = u[i].len;
		r.inode = u[i].inode;
		r.cookie = u[i].cookie;
		ow.fd = u[i].fd;
		r.owners = &ow;
		r.nowners = 1;
		pass_row(&p, &r);
	}
	pass_end(&p);
	assert_string_equal(p.buf, want);
	pass_free(&p);
}

/* Unowned sockets have no line, and no line means no header (lsof). */
static void
test_fmt_lsof_nothing_listed(void **state)
{
	char *v[] = { "sockstat", "-i", NULL };
	struct sock_row r = row_of(&run[0]);
	struct pass p;

	(void)state;
	pass_begin(&p, NARGS(v), v);
	pass_row(&p, &r);
	pass_end(&p);
	assert_int_equal(p.len, 0);
	pass_free(&p);
}

/* One line of -i -n -P (header dropped) for a listener held by ow. */
static void
table_of(struct sock_owner *ow, char **v, int argc, char *line, size_t len)
{
	struct fixture fx = { AF_INET, PROTO_TCP, ST_LISTEN, "127.0.0.1",
	    44765, "0.0.0.0", 0, 1395874, 0, { 3, -1 } };
	struct sock_row r = row_of(&fx);
	struct pass p;
	char *nl;

	r.owners = ow;
	r.nowners = 1;
	pass_begin(&p, argc, v);
	pass_row(&p, &r);
	pass_end(&p);
	assert_non_null(nl = strchr(p.buf, '\n'));
	snprintf(line, len, "%s", nl + 1);
	pass_free(&p);
}

/*
 * lsof 4.95 -i -n -P (LANG=C.UTF-8) on processes named with prctl: it
 * escapes first, every byte past 0x7f and the space too, then keeps the
 * whole escapes that fit 9 columns.
 */
static void
test_fmt_lsof_command_escape_and_cut(void **state)
{
	char *v[] = { "sockstat", "-i", "-n", "-P", NULL };
	static const struct {
		const char	*comm;
		const char	*col;	/* lsof's COMMAND */
	} cases[] = {
		{ "x 1", "x\\x201" },
		{ "a\tb", "a\\tb" },
		{ "e\033[31m", "e^[[31m" },
		{ "\303\251\303\251\303\251\303\251\303\251", "\\xc3\\xa9" },
		{ "\346\227\245\346\234\254", "\\xe6\\x97" },
		{ "ab\377\376cd", "ab\\xff" },
		{ "a\177b", "a\\x7fb" },
		{ "a\\b", "a\\\\b" },
		{ "abcdefghijklmno", "abcdefghi" },
		{ "x\302\240y", "x\\xc2\\xa0" },
		{ "ab\303", "ab\\xc3" },
		{ "a\nb", "a\\nb" },
		{ "a\rb\001", "a\\rb^A" },
		{ "a\bb\fc\037d", "a\\bb\\fc^_" },
		{ "ab  cdefghijk", "ab\\x20" },
		{ "a\"b", "a\"b" },
	};
	struct sock_owner ow = { 19059, 0, 3, 'u', NULL };
	char line[256], want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ow.command = cases[i].comm;
		table_of(&ow, v, NARGS(v), line, sizeof(line));
		snprintf(want, sizeof(want), "%-7s 19059 root    3u  IPv4 "
		    "1395874      0t0  TCP 127.0.0.1:44765 (LISTEN)\n",
		    cases[i].col);
		assert_string_equal(line, want);
	}
}

/*
 * A dual-stack listener's accepted connection, as lsof -i -n -P and
 * -F ftn show it: TYPE IPv6, NAME in the IPv4 form.
 */
static void
test_fmt_lsof_mapped(void **state)
{
	char *v[] = { "sockstat", "-i", "-n", "-P", NULL };
	char *vf[] = { "sockstat", "-i", "-n", "-P", "-Fftn", NULL };
	static const char want[] =
"COMMAND   PID USER   FD   TYPE  DEVICE SIZE/OFF NODE NAME\n"
"python3 18013 root    9u  IPv6 1318740      0t0  TCP *:8081 (LISTEN)\n"
"python3 18013 root   12u  IPv6 1318742      0t0  TCP 127.0.0.1:8081->127.0.0.1:52458 (ESTABLISHED)\n";
	static const char wantf[] = "p18013\nf9\ntIPv6\nn*:8081\n"
	    "f12\ntIPv6\nn127.0.0.1:8081->127.0.0.1:52458\n";
	struct fixture fl = { AF_INET6, PROTO_TCP, ST_LISTEN, "::", 8081,
	    "::", 0, 1318740, 0, { 9, -1 } };
	struct fixture fm = { AF_INET6, PROTO_TCP, ST_ESTABLISHED,
	    "::ffff:127.0.0.1", 8081, "::ffff:127.0.0.1", 52458, 1318742, 0,
	    { 12, -1 } };
	struct sock_owner o1 = { 18013, 0, 9, 'u', "python3" },
	    o2 = { 18013, 0, 12, 'u', "python3" };
	struct sock_row l = row_of(&fl), m = row_of(&fm);
	struct pass p;

	(void)state;
	l.owners = &o1;
	m.owners = &o2;
	l.nowners = m.nowners = 1;
	pass_begin(&p, NARGS(v), v);
	pass_row(&p, &m);
	pass_row(&p, &l);
	pass_end(&p);
	assert_string_equal(p.buf, want);
	pass_free(&p);
	pass_begin(&p, NARGS(vf), vf);
	pass_row(&p, &m);
	pass_row(&p, &l);
	pass_end(&p);
	assert_string_equal(p.buf, wantf);
	pass_free(&p);
}

/*
 * lsof -F0 record layouts (taken with od -c): a process set, then a file
 * set per descriptor only when a file field was asked for; -F0 alone is
 * every field sockstat gives (lsof adds g, R and G, which it has not).
 * The c field keeps a space and valid UTF-8, as lsof's does.
 */
static void
test_fmt_lsof_fields_nul_layouts(void **state)
{
	char *v0p[] = { "sockstat", "-iTCP", "-nP", "-F0p", NULL };
	char *v0pc[] = { "sockstat", "-iTCP", "-nP", "-F0pc", NULL };
	char *v0[] = { "sockstat", "-iTCP", "-nP", "-F0", NULL };
	char *v0fn[] = { "sockstat", "-iTCP", "-nP", "-F0fn", NULL };
	static const char w0p[] = "p10747\0\n";
	static const char w0pc[] = "p10747\0ca b\\t\303\251\0\n";
	static const char w0[] = "p10747\0ca b\\t\303\251\0u0\0Lroot\0\n"
	    "f3\0au\0l \0tIPv4\0d4680794\0o0t0\0PTCP\0n127.0.0.1:42603\0"
	    "TST=LISTEN\0TQR=0\0TQS=0\0\n"
	    "f4\0au\0l \0tIPv4\0d4680794\0o0t0\0PTCP\0n127.0.0.1:42603\0"
	    "TST=LISTEN\0TQR=0\0TQS=0\0\n";
	static const char w0fn[] = "p10747\0\nf3\0n127.0.0.1:42603\0\n"
	    "f4\0n127.0.0.1:42603\0\n";
	const struct {
		char		**v;
		int		  argc;
		const char	 *want;
		size_t		  len;
	} cases[] = {
		{ v0p, NARGS(v0p), w0p, sizeof(w0p) - 1 },
		{ v0pc, NARGS(v0pc), w0pc, sizeof(w0pc) - 1 },
		{ v0, NARGS(v0), w0, sizeof(w0) - 1 },
		{ v0fn, NARGS(v0fn), w0fn, sizeof(w0fn) - 1 },
	};
	struct sock_owner ows[2] = { { 10747, 0, 3, 'u', "a b\t\303\251" },
	    { 10747, 0, 4, 'u', "a b\t\303\251" } };
	struct sock_row r = row_of(&run[0]);
	struct pass p;
	size_t i;

	(void)state;
	r.owners = ows;
	r.nowners = 2;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pass_begin(&p, cases[i].argc, cases[i].v);
		pass_row(&p, &r);
		pass_end(&p);
		assert_int_equal(p.len, cases[i].len);
		assert_memory_equal(p.buf, cases[i].want, cases[i].len);
		pass_free(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_lsof_table_matches_lsof),
		cmocka_unit_test(test_fmt_lsof_terse),
		cmocka_unit_test(test_fmt_lsof_fields),
		cmocka_unit_test(test_fmt_lsof_fields_nul),
		cmocka_unit_test(test_fmt_lsof_long_command_big_fd),
		cmocka_unit_test(test_fmt_lsof_escape_and_numeric_user),
		cmocka_unit_test(test_fmt_lsof_unix),
		cmocka_unit_test(test_fmt_lsof_command_escape_and_cut),
		cmocka_unit_test(test_fmt_lsof_mapped),
		cmocka_unit_test(test_fmt_lsof_fields_nul_layouts),
		cmocka_unit_test(test_fmt_lsof_nothing_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
