/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpinfo.c - decoding the sock_diag attributes that --info, --mem and
 * --extended ask for, and the netstat face's detail line.
 *
 * The attributes come in the same dump reply as the row (diag.c asks for
 * them in idiag_ext / udiag_show only when the command line wants them),
 * so they cost no extra round trip and nothing at all in a plain view.
 * Lengths are checked per type: a reply is kernel data, but a short
 * attribute must not be read past its end, and a struct that grew in a
 * newer kernel must not be read as if it had our size.
 */
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "tcpinfo.h"

/* The kernel's "no slow start threshold yet" (TCP_INFINITE_SSTHRESH). */
#define SSTHRESH_INF	0x7fffffffU

/* idiag_ext bit of attribute a: the request asks by a - 1. */
#define EXT_BIT(a)	(1U << ((a) - 1))

unsigned
tcpinfo_wanted(const struct options *o)
{
	return (o->info ? EXT_INFO : 0) | (o->mem ? EXT_MEM : 0) |
	    (o->extended ? EXT_EXTENDED : 0);
}

uint8_t
tcpinfo_inet_req(unsigned ext)
{
	unsigned bits = 0;

	/* The congestion module's own info is asked as VEGASINFO. */
	if (ext & EXT_INFO)
		bits |= EXT_BIT(INET_DIAG_INFO) | EXT_BIT(INET_DIAG_CONG) |
		    EXT_BIT(INET_DIAG_VEGASINFO);
	if (ext & EXT_MEM)
		bits |= EXT_BIT(INET_DIAG_SKMEMINFO);
	/*
	 * SHUTDOWN, MARK (CAP_NET_ADMIN), CGROUP_ID and SOCKOPT come with
	 * every reply of a recent kernel; TOS and TCLASS only when asked.
	 */
	if (ext & EXT_EXTENDED)
		bits |= EXT_BIT(INET_DIAG_TOS) | EXT_BIT(INET_DIAG_TCLASS) |
		    EXT_BIT(INET_DIAG_SHUTDOWN);
	return (uint8_t)bits;
}

uint32_t
tcpinfo_unix_req(unsigned ext)
{
	/* Queue lengths and the peer are asked for every view already. */
	return (ext & EXT_MEM) ? UDIAG_SHOW_MEMINFO : 0;
}

/* sk_meminfo: an array of u32, shorter in older kernels (no drops). */
static int
put_skmem(const struct nlattr *a, struct sock_ext *x)
{
	size_t len = mnl_attr_get_payload_len(a), n;

	if (len < sizeof(uint32_t) || len % sizeof(uint32_t) != 0)
		return 1;
	n = len / sizeof(uint32_t);
	if (n > SK_MEMINFO_VARS)
		n = SK_MEMINFO_VARS;
	memcpy(x->skmem, mnl_attr_get_payload(a), n * sizeof(uint32_t));
	x->nskmem = (unsigned)n;
	x->has |= SX_SKMEM;
	return 0;
}

/* Copies a fixed-size payload of at least n bytes; 1 when shorter. */
static int
put_fixed(const struct nlattr *a, void *dst, size_t n, struct sock_ext *x,
    unsigned bit)
{
	if (mnl_attr_get_payload_len(a) < n)
		return 1;
	memcpy(dst, mnl_attr_get_payload(a), n);
	x->has |= bit;
	return 0;
}

/*
 * tcp_info of whatever length the kernel sent: the bytes we know are
 * copied, the rest of ours stays zero and info_len tells TCPINFO_HAS
 * where the kernel's ended.
 */
static int
put_info(const struct nlattr *a, struct sock_ext *x)
{
	size_t len = mnl_attr_get_payload_len(a);

	if (len == 0)
		return 1;
	memcpy(&x->info, mnl_attr_get_payload(a),
	    len < sizeof(x->info) ? len : sizeof(x->info));
	x->info_len = len;
	x->has |= SX_INFO;
	return 0;
}

static int
put_cong(const struct nlattr *a, struct sock_ext *x)
{
	size_t len = mnl_attr_get_payload_len(a);

	if (len == 0)
		return 1;
	len = strnlen(mnl_attr_get_payload(a), len);
	if (len >= sizeof(x->cong))
		len = sizeof(x->cong) - 1;
	memcpy(x->cong, mnl_attr_get_payload(a), len);
	x->cong[len] = '\0';
	x->has |= SX_CONG;
	return 0;
}

/* One inet_diag attribute; returns 1 when it was skipped as malformed. */
static int
inet_attr(const struct nlattr *a, struct sock_ext *x)
{
	switch (mnl_attr_get_type(a)) {
	case INET_DIAG_INFO:
		return put_info(a, x);
	case INET_DIAG_CONG:
		return put_cong(a, x);
	case INET_DIAG_VEGASINFO:
		return put_fixed(a, &x->cc.vegas, sizeof(x->cc.vegas), x,
		    SX_VEGAS);
	case INET_DIAG_DCTCPINFO:
		return put_fixed(a, &x->cc.dctcp, sizeof(x->cc.dctcp), x,
		    SX_DCTCP);
	case INET_DIAG_BBRINFO:
		return put_fixed(a, &x->cc.bbr, sizeof(x->cc.bbr), x, SX_BBR);
	case INET_DIAG_SKMEMINFO:
		return put_skmem(a, x);
	case INET_DIAG_SHUTDOWN:
		return put_fixed(a, &x->shutdown, 1, x, SX_SHUTDOWN);
	case INET_DIAG_TOS:
		return put_fixed(a, &x->tos, 1, x, SX_TOS);
	case INET_DIAG_TCLASS:
		return put_fixed(a, &x->tclass, 1, x, SX_TCLASS);
	case INET_DIAG_MARK:
		return put_fixed(a, &x->mark, sizeof(x->mark), x, SX_MARK);
	case INET_DIAG_CGROUP_ID:
		return put_fixed(a, &x->cgroup_id, sizeof(x->cgroup_id), x,
		    SX_CGROUP);
	case INET_DIAG_SOCKOPT:
		return put_fixed(a, &x->sockopt, sizeof(x->sockopt), x,
		    SX_SOCKOPT);
	default:		/* not asked for, or newer than us */
		return 0;
	}
}

static int
unix_attr(const struct nlattr *a, struct sock_ext *x)
{
	switch (mnl_attr_get_type(a)) {
	case UNIX_DIAG_MEMINFO:
		return put_skmem(a, x);
	case UNIX_DIAG_SHUTDOWN:
		return put_fixed(a, &x->shutdown, 1, x, SX_SHUTDOWN);
	default:		/* the row's own (diag.c) */
		return 0;
	}
}

int
tcpinfo_parse(const struct nlmsghdr *nlh, struct sock_ext *x)
{
	const struct nlattr *a;
	size_t hdrlen, off;
	int left, bad = 0, is_unix;

	memset(x, 0, sizeof(*x));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + 1) {
		errno = EINVAL;
		return -1;
	}
	/* Every sock_diag reply starts with its family byte. */
	is_unix = *(const uint8_t *)mnl_nlmsg_get_payload(nlh) == AF_UNIX;
	hdrlen = is_unix ? sizeof(struct unix_diag_msg) :
	    sizeof(struct inet_diag_msg);
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdrlen ||
	    nlh->nlmsg_len > INT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);
	if (off >= nlh->nlmsg_len)
		return 0;
	a = (const struct nlattr *)((const char *)nlh + off);
	left = (int)(nlh->nlmsg_len - off);
	for (; mnl_attr_ok(a, left); a = mnl_attr_next(a)) {
		bad += is_unix ? unix_attr(a, x) : inet_attr(a, x);
		left -= MNL_ALIGN(a->nla_len);
	}
	/*
	 * An attribute that claims more than the message holds (or less
	 * than its own header): nothing after it can be located.
	 */
	if (left >= (int)sizeof(struct nlattr))
		bad++;
	return bad;
}

uint64_t
tcpinfo_send_bps(const struct sock_ext *x, int *ok)
{
	const struct tcp_info *i = &x->info;

	if (!TCPINFO_HAS(x, tcpi_snd_cwnd) || i->tcpi_rtt == 0) {
		*ok = 0;
		return 0;
	}
	*ok = 1;
	return (uint64_t)i->tcpi_snd_cwnd * i->tcpi_snd_mss * 8 *
	    1000000 / i->tcpi_rtt;
}

/*
 * The detail line under construction: pairs are appended whole or not
 * at all, so a line cut for room still reads as pairs.
 */
struct line {
	char	*buf;
	size_t	 len, cap;
	int	 full;
};

static void
put(struct line *l, const char *fmt, ...)
{
	char pair[160];
	va_list ap;
	int n;

	if (l->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(pair, sizeof(pair), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(pair) ||
	    l->len + (l->len > 0) + (size_t)n + 1 > l->cap) {
		l->full = 1;
		return;
	}
	if (l->len > 0)
		l->buf[l->len++] = ' ';
	memcpy(l->buf + l->len, pair, (size_t)n + 1);
	l->len += (size_t)n;
}

/* Microseconds as milliseconds, exact: 50 -> "0.05", 204000 -> "204". */
static const char *
ms_text(uint64_t us, char *buf, size_t len)
{
	unsigned frac = (unsigned)(us % 1000);
	int n;

	n = snprintf(buf, len, "%" PRIu64, us / 1000);
	if (frac != 0 && n > 0 && (size_t)n < len) {
		snprintf(buf + n, len - (size_t)n, ".%03u", frac);
		/* Trailing zeros say nothing: 0.050 -> 0.05. */
		for (n = (int)strlen(buf); buf[n - 1] == '0'; n--)
			buf[n - 1] = '\0';
	}
	return buf;
}

/* Bits per second: exact, or as 12.4Mbps (powers of 1000). */
static const char *
rate_text(uint64_t bps, int exact, char *buf, size_t len)
{
	static const char units[] = "kMGT";
	double v = (double)bps;
	int u = -1;

	if (exact || bps < 1000) {
		snprintf(buf, len, "%" PRIu64 "bps", bps);
		return buf;
	}
	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, "%.1f%cbps", v, units[u]);
	return buf;
}

/* A pair whose value is a rate in bytes per second (tcp_info's unit). */
static void
put_rate(struct line *l, const char *key, uint64_t Bps, int exact)
{
	char b[32];

	if (Bps == UINT64_MAX) {	/* no pacing limit set */
		put(l, "%s:unlimited", key);
		return;
	}
	put(l, "%s:%s", key, rate_text(Bps * 8, exact, b, sizeof(b)));
}

/* The congestion module's name; a kernel string, shown safe. */
static void
put_cong_name(struct line *l, const struct sock_ext *x)
{
	char name[SX_CONG_MAX];
	size_t i;

	for (i = 0; x->cong[i] != '\0' && i < sizeof(name) - 1; i++)
		name[i] = (x->cong[i] > ' ' && x->cong[i] < 127 &&
		    x->cong[i] != ':') ? x->cong[i] : '?';
	name[i] = '\0';
	put(l, "cong:%s", name);
}

/* BBR, DCTCP or Vegas: what the congestion module says of itself. */
static void
put_cc(struct line *l, const struct sock_ext *x, int exact)
{
	const union tcp_cc_info *cc = &x->cc;
	char a[32], b[32];

	if (x->has & SX_BBR) {
		put_rate(l, "bbr_bw", (uint64_t)cc->bbr.bbr_bw_hi << 32 |
		    cc->bbr.bbr_bw_lo, exact);
		put(l, "bbr_min_rtt:%sms", ms_text(cc->bbr.bbr_min_rtt, a,
		    sizeof(a)));
		/* Gains are fixed point, 8 bits of fraction. */
		put(l, "bbr_pacing_gain:%.3f",
		    cc->bbr.bbr_pacing_gain / 256.0);
		put(l, "bbr_cwnd_gain:%.3f", cc->bbr.bbr_cwnd_gain / 256.0);
	}
	if ((x->has & SX_DCTCP) && cc->dctcp.dctcp_enabled)
		put(l, "dctcp_ce_state:%u dctcp_alpha:%u dctcp_ab_ecn:%u "
		    "dctcp_ab_tot:%u", cc->dctcp.dctcp_ce_state,
		    cc->dctcp.dctcp_alpha, cc->dctcp.dctcp_ab_ecn,
		    cc->dctcp.dctcp_ab_tot);
	else if (x->has & SX_DCTCP)
		put(l, "dctcp:fallback");
	if ((x->has & SX_VEGAS) && cc->vegas.tcpv_enabled)
		put(l, "vegas_rtt:%sms vegas_minrtt:%sms vegas_rttcnt:%u",
		    ms_text(cc->vegas.tcpv_rtt, a, sizeof(a)),
		    ms_text(cc->vegas.tcpv_minrtt, b, sizeof(b)),
		    cc->vegas.tcpv_rttcnt);
}

/* Rates and limits, from the fields newer kernels added (each checked). */
static void
put_rates(struct line *l, const struct sock_ext *x, int exact)
{
	const struct tcp_info *i = &x->info;
	uint64_t send;
	char a[32];
	int ok;

	if ((send = tcpinfo_send_bps(x, &ok)), ok)
		put(l, "send:%s", rate_text(send, exact, a, sizeof(a)));
	if (TCPINFO_HAS(x, tcpi_pacing_rate))
		put_rate(l, "pacing_rate", i->tcpi_pacing_rate, exact);
	if (TCPINFO_HAS(x, tcpi_delivery_rate)) {
		put_rate(l, "delivery_rate", i->tcpi_delivery_rate, exact);
		put(l, "app_limited:%s",
		    i->tcpi_delivery_rate_app_limited ? "yes" : "no");
	}
	if (TCPINFO_HAS(x, tcpi_min_rtt))
		put(l, "minrtt:%sms", ms_text(i->tcpi_min_rtt, a, sizeof(a)));
	if (TCPINFO_HAS(x, tcpi_busy_time))
		put(l, "busy:%sms", ms_text(i->tcpi_busy_time, a, sizeof(a)));
	if (TCPINFO_HAS(x, tcpi_rwnd_limited))
		put(l, "rwnd_limited:%sms", ms_text(i->tcpi_rwnd_limited, a,
		    sizeof(a)));
	if (TCPINFO_HAS(x, tcpi_sndbuf_limited))
		put(l, "sndbuf_limited:%sms", ms_text(i->tcpi_sndbuf_limited,
		    a, sizeof(a)));
}

/* --info: the fixed order the man page lists. */
static void
put_tcp_info(struct line *l, const struct sock_ext *x, int exact)
{
	const struct tcp_info *i = &x->info;
	char a[32], b[32];

	if (TCPINFO_HAS(x, tcpi_rttvar))
		put(l, "rtt:%s/%sms", ms_text(i->tcpi_rtt, a, sizeof(a)),
		    ms_text(i->tcpi_rttvar, b, sizeof(b)));
	if (TCPINFO_HAS(x, tcpi_rto))
		put(l, "rto:%sms", ms_text(i->tcpi_rto, a, sizeof(a)));
	if (TCPINFO_HAS(x, tcpi_snd_cwnd))
		put(l, "cwnd:%u", i->tcpi_snd_cwnd);
	if (TCPINFO_HAS(x, tcpi_snd_ssthresh)) {
		if (i->tcpi_snd_ssthresh >= SSTHRESH_INF)
			put(l, "ssthresh:inf");
		else
			put(l, "ssthresh:%u", i->tcpi_snd_ssthresh);
	}
	if (TCPINFO_HAS(x, tcpi_snd_mss))
		put(l, "mss:%u", i->tcpi_snd_mss);
	if (TCPINFO_HAS(x, tcpi_pmtu))
		put(l, "pmtu:%u", i->tcpi_pmtu);
	if (TCPINFO_HAS(x, tcpi_total_retrans))
		put(l, "retrans:%u/%u", i->tcpi_retrans,
		    i->tcpi_total_retrans);
	if (TCPINFO_HAS(x, tcpi_lost))
		put(l, "lost:%u", i->tcpi_lost);
	if (TCPINFO_HAS(x, tcpi_bytes_sent))
		put(l, "bytes_sent:%" PRIu64, (uint64_t)i->tcpi_bytes_sent);
	if (TCPINFO_HAS(x, tcpi_bytes_received))
		put(l, "bytes_acked:%" PRIu64 " bytes_received:%" PRIu64,
		    (uint64_t)i->tcpi_bytes_acked,
		    (uint64_t)i->tcpi_bytes_received);
	if (TCPINFO_HAS(x, tcpi_segs_in))
		put(l, "segs_out:%u segs_in:%u", i->tcpi_segs_out,
		    i->tcpi_segs_in);
	put_rates(l, x, exact);
	/* The scale bits sit in the first eight bytes every kernel sends. */
	if (x->info_len >= offsetof(struct tcp_info, tcpi_rto)) {
		if (i->tcpi_options & TCPI_OPT_WSCALE)
			put(l, "wscale:%u,%u", i->tcpi_snd_wscale,
			    i->tcpi_rcv_wscale);
		else
			put(l, "wscale:-");
	}
}

static void
put_mem(struct line *l, const struct sock_ext *x)
{
	static const char *const keys[SK_MEMINFO_VARS] = {
		"r", "rb", "t", "tb", "f", "w", "o", "bl", "d"
	};
	unsigned k;

	for (k = 0; k < x->nskmem && k < SK_MEMINFO_VARS; k++)
		if (keys[k] != NULL)
			put(l, "%s:%u", keys[k], x->skmem[k]);
}

static const char *
shutdown_text(uint8_t how)
{
	static const char *const names[4] = { "none", "rd", "wr", "rdwr" };

	return names[how & (SX_SHUT_RD | SX_SHUT_WR)];
}

static void
put_extended(struct line *l, const struct sock_row *r,
    const struct sock_ext *x)
{
	if (r->has & ROW_HAS_UID)
		put(l, "uid:%u", r->uid);
	if (r->inode != 0 || r->family != AF_UNIX)
		put(l, "inode:%" PRIu64, r->inode);
	if (r->has & ROW_HAS_COOKIE)
		put(l, "cookie:0x%" PRIx64, r->cookie);
	if (r->family == AF_UNIX && (r->has & ROW_HAS_PEER))
		put(l, "peer:%" PRIu64, r->peer_inode);
	if (x->has & SX_CGROUP)
		put(l, "cgroup:%" PRIu64, x->cgroup_id);
	if (x->has & SX_MARK)
		put(l, "mark:0x%x", x->mark);
	if (x->has & SX_TOS)
		put(l, "tos:0x%02x", x->tos);
	if (x->has & SX_TCLASS)
		put(l, "tclass:0x%02x", x->tclass);
	if (x->has & SX_SHUTDOWN)
		put(l, "shutdown:%s", shutdown_text(x->shutdown));
}

size_t
tcpinfo_text(const struct sock_row *r, unsigned what, int exact, char *buf,
    size_t len)
{
	const struct sock_ext *x = r->ext;
	struct line l = { buf, 0, len, len == 0 };

	if (len > 0)
		buf[0] = '\0';
	if ((what & EXT_INFO) && (r->has & ROW_HAS_BACKLOG))
		put(&l, "accept:%u/%u", r->rqueue, r->backlog);
	if (x == NULL)
		return l.len;
	if (what & EXT_INFO) {
		/* A listener's window and timers are a template: noise. */
		if ((x->has & SX_INFO) && r->state != ST_LISTEN)
			put_tcp_info(&l, x, exact);
		if (x->has & SX_CONG)
			put_cong_name(&l, x);
		put_cc(&l, x, exact);
	}
	if (what & EXT_MEM)
		put_mem(&l, x);
	if (what & EXT_EXTENDED)
		put_extended(&l, r, x);
	return l.len;
}
