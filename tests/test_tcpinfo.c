/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcpinfo.c - tcpinfo_parse on replies built with libmnl's putters:
 * tcp_info shorter than ours (an older kernel), longer (a newer one, with
 * bytes we do not know), attributes too short for their type and a chain
 * cut short; the request bits; the detail line and the JSON members.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <netinet/in.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>

#include <libmnl/libmnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "tcpinfo.h"

/* Room for one reply; the union keeps it aligned as the kernel's are. */
union msgbuf {
	struct nlmsghdr	 align;
	char		 buf[2048];
};

/* A reply of family fam (AF_INET or AF_UNIX); attributes may follow. */
static struct nlmsghdr *
put_msg(union msgbuf *u, int fam)
{
	struct nlmsghdr *nlh;
	struct inet_diag_msg *m;
	struct unix_diag_msg *um;

	memset(u, 0, sizeof(*u));
	nlh = mnl_nlmsg_put_header(u->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	if (fam == AF_UNIX) {
		um = mnl_nlmsg_put_extra_header(nlh, sizeof(*um));
		um->udiag_family = AF_UNIX;
	} else {
		m = mnl_nlmsg_put_extra_header(nlh, sizeof(*m));
		m->idiag_family = (uint8_t)fam;
		m->idiag_state = ST_ESTABLISHED;
	}
	return nlh;
}

/* A tcp_info with a value in each field the tests read. */
static void
fill_info(struct tcp_info *i)
{
	memset(i, 0, sizeof(*i));
	i->tcpi_options = TCPI_OPT_WSCALE;
	i->tcpi_snd_wscale = 7;
	i->tcpi_rcv_wscale = 9;
	i->tcpi_rto = 204000;
	i->tcpi_snd_mss = 32768;
	i->tcpi_pmtu = 65535;
	i->tcpi_rtt = 50;
	i->tcpi_rttvar = 25;
	i->tcpi_snd_ssthresh = 0x7fffffff;
	i->tcpi_snd_cwnd = 10;
	i->tcpi_retrans = 1;
	i->tcpi_total_retrans = 3;
	i->tcpi_lost = 2;
	i->tcpi_pacing_rate = 1550000;		/* bytes/s: 12.4Mbps */
	i->tcpi_bytes_acked = 1048577;
	i->tcpi_bytes_received = 42;
	i->tcpi_segs_out = 100;
	i->tcpi_segs_in = 60;
	i->tcpi_min_rtt = 12;
	i->tcpi_delivery_rate = 125000;		/* bytes/s: 1.0Mbps */
	i->tcpi_delivery_rate_app_limited = 1;
	i->tcpi_busy_time = 1500;
	i->tcpi_bytes_sent = 1048576;
}

/* The whole line for a tcp_info of our size: the fixed order. */
static void
test_tcpinfo_text_full(void **state)
{
	union msgbuf u;
	struct nlmsghdr *nlh = put_msg(&u, AF_INET);
	struct tcp_info ti;
	struct sock_ext x;
	struct sock_row r;
	char buf[TCPINFO_TEXT_MAX];

	(void)state;
	fill_info(&ti);
	mnl_attr_put(nlh, INET_DIAG_INFO, sizeof(ti), &ti);
	mnl_attr_put_strz(nlh, INET_DIAG_CONG, "cubic");
	assert_int_equal(tcpinfo_parse(nlh, &x), 0);
	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.ext = &x;
	assert_true(tcpinfo_text(&r, EXT_INFO, 0, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "rtt:0.05/0.025ms rto:204ms cwnd:10 "
	    "ssthresh:inf mss:32768 pmtu:65535 retrans:1/3 lost:2 "
	    "bytes_sent:1048576 bytes_acked:1048577 bytes_received:42 "
	    "segs_out:100 segs_in:60 send:52.4Gbps pacing_rate:12.4Mbps "
	    "delivery_rate:1.0Mbps app_limited:yes minrtt:0.012ms "
	    "busy:1.5ms rwnd_limited:0ms sndbuf_limited:0ms wscale:7,9 "
	    "cong:cubic");
	/* Exact rates: bits per second, every digit. */
	tcpinfo_text(&r, EXT_INFO, 1, buf, sizeof(buf));
	assert_non_null(strstr(buf, " send:52428800000bps "));
	assert_non_null(strstr(buf, " pacing_rate:12400000bps "));
	/* Cut at a pair, never inside one. */
	tcpinfo_text(&r, EXT_INFO, 0, buf, 30);
	assert_string_equal(buf, "rtt:0.05/0.025ms rto:204ms");
}

/*
 * An older kernel's tcp_info ends before pacing_rate (3.x): what it has
 * is read, the rest is absent, not 0.
 */
static void
test_tcpinfo_parse_short_info(void **state)
{
	size_t len = offsetof(struct tcp_info, tcpi_pacing_rate);
	union msgbuf u;
	struct nlmsghdr *nlh = put_msg(&u, AF_INET);
	struct tcp_info ti;
	struct sock_ext x;
	struct sock_row r;
	char buf[TCPINFO_TEXT_MAX];

	(void)state;
	fill_info(&ti);
	mnl_attr_put(nlh, INET_DIAG_INFO, len, &ti);
	assert_int_equal(tcpinfo_parse(nlh, &x), 0);
	assert_true(x.has & SX_INFO);
	assert_int_equal(x.info_len, len);
	assert_true(TCPINFO_HAS(&x, tcpi_total_retrans));
	assert_false(TCPINFO_HAS(&x, tcpi_pacing_rate));
	assert_false(TCPINFO_HAS(&x, tcpi_bytes_sent));
	/* Past the kernel's bytes ours stay zero. */
	assert_int_equal(x.info.tcpi_pacing_rate, 0);
	memset(&r, 0, sizeof(r));
	r.ext = &x;
	tcpinfo_text(&r, EXT_INFO, 0, buf, sizeof(buf));
	assert_string_equal(buf, "rtt:0.05/0.025ms rto:204ms cwnd:10 "
	    "ssthresh:inf mss:32768 pmtu:65535 retrans:1/3 lost:2 "
	    "send:52.4Gbps wscale:7,9");

	/* Only the first eight bytes: wscale, and nothing else. */
	nlh = put_msg(&u, AF_INET);
	mnl_attr_put(nlh, INET_DIAG_INFO, 8, &ti);
	assert_int_equal(tcpinfo_parse(nlh, &x), 0);
	assert_false(TCPINFO_HAS(&x, tcpi_rto));
	tcpinfo_text(&r, EXT_INFO, 0, buf, sizeof(buf));
	assert_string_equal(buf, "wscale:7,9");
}

/* A newer kernel's longer tcp_info: ours is read, the tail ignored. */
static void
test_tcpinfo_parse_long_info(void **state)
{
	unsigned char big[sizeof(struct tcp_info) + 44];
	union msgbuf u;
	struct nlmsghdr *nlh = put_msg(&u, AF_INET);
	struct tcp_info ti;
	struct sock_ext x;

	(void)state;
	fill_info(&ti);
	memset(big, 0xa5, sizeof(big));
	memcpy(big, &ti, sizeof(ti));
	mnl_attr_put(nlh, INET_DIAG_INFO, sizeof(big), big);
	mnl_attr_put_u32(nlh, INET_DIAG_MARK, 0x2a);
	assert_int_equal(tcpinfo_parse(nlh, &x), 0);
	assert_int_equal(x.info_len, sizeof(big));
	assert_true(TCPINFO_HAS(&x, tcpi_snd_wnd));
	assert_memory_equal(&x.info, &ti, sizeof(ti));
	/* Not a byte of the tail past our struct: what follows is clean. */
	assert_int_equal(x.cong[0], '\0');
	assert_int_equal(x.cc.bbr.bbr_bw_lo, 0);
	/* The attribute after it is found where its length says. */
	assert_true(x.has & SX_MARK);
	assert_int_equal(x.mark, 0x2a);
}

/*
 * Attributes too short for their type are skipped and counted, and the
 * sound ones around them still read.
 */
static void
test_tcpinfo_parse_short_attrs(void **state)
{
	union msgbuf u;
	struct nlmsghdr *nlh = put_msg(&u, AF_INET6);
	struct sock_ext x;
	uint16_t two = 7;
	uint8_t one = 3;

	(void)state;
	mnl_attr_put(nlh, INET_DIAG_MARK, sizeof(two), &two);
	mnl_attr_put(nlh, INET_DIAG_CGROUP_ID, sizeof(uint32_t), &(uint32_t){ 1 });
	mnl_attr_put(nlh, INET_DIAG_INFO, 0, NULL);
	mnl_attr_put(nlh, INET_DIAG_BBRINFO, sizeof(one), &one);
	mnl_attr_put(nlh, INET_DIAG_SKMEMINFO, 6, "abcdef");
	mnl_attr_put(nlh, INET_DIAG_SHUTDOWN, sizeof(one), &one);
	mnl_attr_put_u8(nlh, INET_DIAG_TCLASS, 0x20);
	assert_int_equal(tcpinfo_parse(nlh, &x), 5);
	assert_int_equal(x.has, SX_SHUTDOWN | SX_TCLASS);
	assert_int_equal(x.shutdown, SX_SHUT_RD | SX_SHUT_WR);
	assert_int_equal(x.tclass, 0x20);
}

/*
 * An attribute that claims more than the message holds: it and what
 * follows are not read, and that counts once.
 */
static void
test_tcpinfo_parse_truncated(void **state)
{
	union msgbuf u;
	struct nlmsghdr *nlh = put_msg(&u, AF_INET);
	struct nlattr *a;
	struct sock_ext x;
	struct tcp_info ti;

	(void)state;
	fill_info(&ti);
	mnl_attr_put_u8(nlh, INET_DIAG_TOS, 0x10);
	a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	mnl_attr_put(nlh, INET_DIAG_INFO, sizeof(ti), &ti);
	a->nla_len += 64;	/* past the end of the message */
	assert_int_equal(tcpinfo_parse(nlh, &x), 1);
	assert_int_equal(x.has, SX_TOS);
	assert_int_equal(x.tos, 0x10);

	/* A message shorter than its header is refused whole. */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	assert_int_equal(tcpinfo_parse(nlh, &x), -1);
}

/* BBR's own info; the memory line; the --extended pairs. */
static void
test_tcpinfo_text_cc_mem_extended(void **state)
{
	union msgbuf u;
	struct nlmsghdr *nlh = put_msg(&u, AF_INET);
	struct tcp_bbr_info bbr = { 0 };
	uint32_t mem[SK_MEMINFO_VARS] = { 0, 131072, 0, 16384, 0, 0, 0, 0, 0 };
	struct sock_ext x;
	struct sock_row r;
	char buf[TCPINFO_TEXT_MAX];

	(void)state;
	bbr.bbr_bw_lo = 1550000;
	bbr.bbr_min_rtt = 24;
	bbr.bbr_pacing_gain = 739;
	bbr.bbr_cwnd_gain = 512;
	mnl_attr_put_strz(nlh, INET_DIAG_CONG, "bbr");
	mnl_attr_put(nlh, INET_DIAG_BBRINFO, sizeof(bbr), &bbr);
	mnl_attr_put(nlh, INET_DIAG_SKMEMINFO, sizeof(mem), mem);
	mnl_attr_put_u64(nlh, INET_DIAG_CGROUP_ID, 4242);
	mnl_attr_put_u8(nlh, INET_DIAG_TOS, 0x10);
	mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, SX_SHUT_WR);
	assert_int_equal(tcpinfo_parse(nlh, &x), 0);
	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.uid = 1000;
	r.inode = 77;
	r.cookie = 0x2b;
	r.has = ROW_HAS_UID | ROW_HAS_COOKIE;
	r.ext = &x;
	tcpinfo_text(&r, EXT_INFO | EXT_MEM | EXT_EXTENDED, 0, buf,
	    sizeof(buf));
	assert_string_equal(buf, "cong:bbr bbr_bw:12.4Mbps "
	    "bbr_min_rtt:0.024ms bbr_pacing_gain:2.887 bbr_cwnd_gain:2.000 "
	    "r:0 rb:131072 t:0 tb:16384 f:0 w:0 o:0 bl:0 d:0 "
	    "uid:1000 inode:77 cookie:0x2b cgroup:4242 tos:0x10 "
	    "shutdown:wr");
	/* An older kernel's meminfo has no drops: d is left out. */
	nlh = put_msg(&u, AF_UNIX);
	mnl_attr_put(nlh, UNIX_DIAG_MEMINFO, 8 * sizeof(uint32_t), mem);
	assert_int_equal(tcpinfo_parse(nlh, &x), 0);
	assert_int_equal(x.nskmem, 8);
	tcpinfo_text(&r, EXT_MEM, 0, buf, sizeof(buf));
	assert_string_equal(buf, "r:0 rb:131072 t:0 tb:16384 f:0 w:0 o:0 "
	    "bl:0");
}

/* No ext (a /proc row) and no listener: nothing to say. */
static void
test_tcpinfo_text_absent(void **state)
{
	struct sock_row r;
	char buf[64];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(tcpinfo_text(&r, EXT_INFO | EXT_MEM, 0, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "");
	r.state = ST_LISTEN;
	r.rqueue = 3;
	r.backlog = 128;
	r.has = ROW_HAS_BACKLOG;
	tcpinfo_text(&r, EXT_INFO, 0, buf, sizeof(buf));
	assert_string_equal(buf, "accept:3/128");
}

/* The request bits: none for a plain view. */
static void
test_tcpinfo_req_bits(void **state)
{
	(void)state;
	assert_int_equal(tcpinfo_inet_req(0), 0);
	assert_int_equal(tcpinfo_unix_req(0), 0);
	assert_int_equal(tcpinfo_inet_req(EXT_INFO),
	    1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1) |
	    1 << (INET_DIAG_VEGASINFO - 1));
	assert_int_equal(tcpinfo_inet_req(EXT_MEM),
	    1 << (INET_DIAG_SKMEMINFO - 1));
	assert_int_equal(tcpinfo_unix_req(EXT_MEM), UDIAG_SHOW_MEMINFO);
}

/* JSON: a short tcp_info gives null for what it lacks, never 0. */
static void
test_tcpinfo_json_short(void **state)
{
	union msgbuf u;
	struct nlmsghdr *nlh = put_msg(&u, AF_INET);
	struct tcp_info ti;
	struct sock_ext x;
	struct sock_row r;
	struct jsonw *j;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	(void)state;
	fill_info(&ti);
	mnl_attr_put(nlh, INET_DIAG_INFO,
	    offsetof(struct tcp_info, tcpi_pacing_rate), &ti);
	assert_int_equal(tcpinfo_parse(nlh, &x), 0);
	memset(&r, 0, sizeof(r));
	r.ext = &x;
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_non_null(j = jsonw_new(f, 0));
	jsonw_start_object(j);
	tcpinfo_json(j, &r, EXT_INFO | EXT_MEM | EXT_EXTENDED);
	jsonw_end_object(j);
	assert_int_equal(jsonw_status(j), 0);
	jsonw_free(j);
	fclose(f);
	assert_non_null(strstr(out, "\"congestion\":null,\"cc_info\":null,"
	    "\"tcp_info_bytes\":104,\"rto_us\":204000,"));
	assert_non_null(strstr(out, "\"rtt_us\":50,\"rttvar_us\":25,"));
	assert_non_null(strstr(out, "\"total_retrans\":3,"
	    "\"pacing_rate_bps\":null,"));
	assert_non_null(strstr(out, "\"bytes_sent\":null,"));
	assert_non_null(strstr(out, "\"send_rate_bps\":52428800000,"
	    "\"snd_wscale\":7,\"rcv_wscale\":9}"));
	assert_non_null(strstr(out, "\"skmem\":null,\"cgroup_id\":null,"
	    "\"mark\":null,\"tos\":null,\"tclass\":null,\"shutdown\":null,"
	    "\"sockopt\":null}"));
	free(out);

	/* No ext at all (/proc): every member null. */
	r.ext = NULL;
	out = NULL;
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_non_null(j = jsonw_new(f, 0));
	jsonw_start_object(j);
	tcpinfo_json(j, &r, EXT_INFO | EXT_MEM);
	jsonw_end_object(j);
	jsonw_free(j);
	fclose(f);
	assert_string_equal(out, "{\"tcp_info\":null,\"skmem\":null}");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcpinfo_text_full),
		cmocka_unit_test(test_tcpinfo_parse_short_info),
		cmocka_unit_test(test_tcpinfo_parse_long_info),
		cmocka_unit_test(test_tcpinfo_parse_short_attrs),
		cmocka_unit_test(test_tcpinfo_parse_truncated),
		cmocka_unit_test(test_tcpinfo_text_cc_mem_extended),
		cmocka_unit_test(test_tcpinfo_text_absent),
		cmocka_unit_test(test_tcpinfo_req_bits),
		cmocka_unit_test(test_tcpinfo_json_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
