/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpinfo_json.c - the JSON members of --info, --mem and --extended.
 *
 * Typed and with the unit in the key (rtt_us, pacing_rate_bps,
 * busy_time_us, *_bytes); every member the option promises is present
 * in every object, null when the kernel did not say (/proc/net, a
 * TIME_WAIT or request socket, an older kernel's shorter tcp_info, mark
 * without CAP_NET_ADMIN).  Rates are bits per second, exact.
 */
#include <sys/socket.h>

#include <linux/tcp.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jsonw.h"
#include "tcpinfo.h"

/* key: v when the kernel's tcp_info reached the field, else null. */
#define INFO_UINT(j, x, key, f)						\
	opt_uint((j), (key), TCPINFO_HAS((x), f), (x)->info.f)

static void
opt_uint(struct jsonw *j, const char *key, int have, uint64_t v)
{
	if (have)
		jsonw_uint_field(j, key, v);
	else
		jsonw_null_field(j, key);
}

/* A rate in bytes per second as bits per second; null if absent or unset. */
static void
opt_rate(struct jsonw *j, const char *key, int have, uint64_t Bps)
{
	if (have && Bps != UINT64_MAX)
		jsonw_uint_field(j, key, Bps * 8);
	else
		jsonw_null_field(j, key);
}

/* "cc_info": the congestion module's own numbers, or null. */
static void
cc_info(struct jsonw *j, const struct sock_ext *x)
{
	const union tcp_cc_info *cc = &x->cc;

	jsonw_key(j, "cc_info");
	if (x->has & SX_BBR) {
		jsonw_start_object(j);
		jsonw_string_field(j, "kind", "bbr");
		jsonw_uint_field(j, "bw_bps", ((uint64_t)cc->bbr.bbr_bw_hi <<
		    32 | cc->bbr.bbr_bw_lo) * 8);
		jsonw_uint_field(j, "min_rtt_us", cc->bbr.bbr_min_rtt);
		/* Fixed point with 8 bits of fraction, as the kernel keeps. */
		jsonw_uint_field(j, "pacing_gain_x256",
		    cc->bbr.bbr_pacing_gain);
		jsonw_uint_field(j, "cwnd_gain_x256", cc->bbr.bbr_cwnd_gain);
		jsonw_end_object(j);
	} else if (x->has & SX_DCTCP) {
		jsonw_start_object(j);
		jsonw_string_field(j, "kind", "dctcp");
		jsonw_bool_field(j, "enabled", cc->dctcp.dctcp_enabled != 0);
		jsonw_uint_field(j, "ce_state", cc->dctcp.dctcp_ce_state);
		jsonw_uint_field(j, "alpha", cc->dctcp.dctcp_alpha);
		jsonw_uint_field(j, "ab_ecn", cc->dctcp.dctcp_ab_ecn);
		jsonw_uint_field(j, "ab_tot", cc->dctcp.dctcp_ab_tot);
		jsonw_end_object(j);
	} else if (x->has & SX_VEGAS) {
		jsonw_start_object(j);
		jsonw_string_field(j, "kind", "vegas");
		jsonw_bool_field(j, "enabled", cc->vegas.tcpv_enabled != 0);
		jsonw_uint_field(j, "rtt_us", cc->vegas.tcpv_rtt);
		jsonw_uint_field(j, "min_rtt_us", cc->vegas.tcpv_minrtt);
		jsonw_uint_field(j, "rtt_count", cc->vegas.tcpv_rttcnt);
		jsonw_end_object(j);
	} else
		jsonw_null(j);
}

/* The times and counters of tcp_info, in the kernel's order. */
static void
info_fields(struct jsonw *j, const struct sock_ext *x)
{
	const struct tcp_info *i = &x->info;
	uint64_t send;
	int ok, head = x->info_len >= offsetof(struct tcp_info, tcpi_rto);

	jsonw_uint_field(j, "tcp_info_bytes", x->info_len);
	INFO_UINT(j, x, "rto_us", tcpi_rto);
	INFO_UINT(j, x, "ato_us", tcpi_ato);
	INFO_UINT(j, x, "mss", tcpi_snd_mss);
	INFO_UINT(j, x, "rcv_mss", tcpi_rcv_mss);
	INFO_UINT(j, x, "unacked", tcpi_unacked);
	INFO_UINT(j, x, "sacked", tcpi_sacked);
	INFO_UINT(j, x, "lost", tcpi_lost);
	INFO_UINT(j, x, "retrans", tcpi_retrans);
	INFO_UINT(j, x, "last_data_sent_ms", tcpi_last_data_sent);
	INFO_UINT(j, x, "last_data_recv_ms", tcpi_last_data_recv);
	INFO_UINT(j, x, "last_ack_recv_ms", tcpi_last_ack_recv);
	INFO_UINT(j, x, "pmtu", tcpi_pmtu);
	INFO_UINT(j, x, "rcv_ssthresh", tcpi_rcv_ssthresh);
	INFO_UINT(j, x, "rtt_us", tcpi_rtt);
	INFO_UINT(j, x, "rttvar_us", tcpi_rttvar);
	INFO_UINT(j, x, "ssthresh", tcpi_snd_ssthresh);
	INFO_UINT(j, x, "cwnd", tcpi_snd_cwnd);
	INFO_UINT(j, x, "advmss", tcpi_advmss);
	INFO_UINT(j, x, "reordering", tcpi_reordering);
	INFO_UINT(j, x, "rcv_rtt_us", tcpi_rcv_rtt);
	INFO_UINT(j, x, "rcv_space", tcpi_rcv_space);
	INFO_UINT(j, x, "total_retrans", tcpi_total_retrans);
	opt_rate(j, "pacing_rate_bps", TCPINFO_HAS(x, tcpi_pacing_rate),
	    i->tcpi_pacing_rate);
	opt_rate(j, "max_pacing_rate_bps",
	    TCPINFO_HAS(x, tcpi_max_pacing_rate), i->tcpi_max_pacing_rate);
	INFO_UINT(j, x, "bytes_acked", tcpi_bytes_acked);
	INFO_UINT(j, x, "bytes_received", tcpi_bytes_received);
	INFO_UINT(j, x, "segs_out", tcpi_segs_out);
	INFO_UINT(j, x, "segs_in", tcpi_segs_in);
	INFO_UINT(j, x, "notsent_bytes", tcpi_notsent_bytes);
	INFO_UINT(j, x, "min_rtt_us", tcpi_min_rtt);
	INFO_UINT(j, x, "data_segs_in", tcpi_data_segs_in);
	INFO_UINT(j, x, "data_segs_out", tcpi_data_segs_out);
	opt_rate(j, "delivery_rate_bps", TCPINFO_HAS(x, tcpi_delivery_rate),
	    i->tcpi_delivery_rate);
	jsonw_key(j, "app_limited");
	if (TCPINFO_HAS(x, tcpi_delivery_rate))
		jsonw_bool(j, i->tcpi_delivery_rate_app_limited);
	else
		jsonw_null(j);
	INFO_UINT(j, x, "busy_time_us", tcpi_busy_time);
	INFO_UINT(j, x, "rwnd_limited_us", tcpi_rwnd_limited);
	INFO_UINT(j, x, "sndbuf_limited_us", tcpi_sndbuf_limited);
	INFO_UINT(j, x, "delivered", tcpi_delivered);
	INFO_UINT(j, x, "delivered_ce", tcpi_delivered_ce);
	INFO_UINT(j, x, "bytes_sent", tcpi_bytes_sent);
	INFO_UINT(j, x, "bytes_retrans", tcpi_bytes_retrans);
	INFO_UINT(j, x, "dsack_dups", tcpi_dsack_dups);
	INFO_UINT(j, x, "reord_seen", tcpi_reord_seen);
	INFO_UINT(j, x, "rcv_ooopack", tcpi_rcv_ooopack);
	INFO_UINT(j, x, "snd_wnd_bytes", tcpi_snd_wnd);
	send = tcpinfo_send_bps(x, &ok);
	opt_uint(j, "send_rate_bps", ok, send);
	/* Window scales: null when not negotiated. */
	head = head && (i->tcpi_options & TCPI_OPT_WSCALE);
	opt_uint(j, "snd_wscale", head, i->tcpi_snd_wscale);
	opt_uint(j, "rcv_wscale", head, i->tcpi_rcv_wscale);
}

static void
tcp_info_member(struct jsonw *j, const struct sock_ext *x)
{
	jsonw_key(j, "tcp_info");
	if (x == NULL || !(x->has & (SX_INFO | SX_CONG))) {
		jsonw_null(j);
		return;
	}
	jsonw_start_object(j);
	if (x->has & SX_CONG)
		jsonw_text_field(j, "congestion", x->cong, strlen(x->cong));
	else
		jsonw_null_field(j, "congestion");
	cc_info(j, x);
	info_fields(j, x);
	jsonw_end_object(j);
}

static void
skmem_member(struct jsonw *j, const struct sock_ext *x)
{
	static const char *const keys[SK_MEMINFO_VARS] = {
		"rmem_alloc_bytes", "rcvbuf_bytes", "wmem_alloc_bytes",
		"sndbuf_bytes", "fwd_alloc_bytes", "wmem_queued_bytes",
		"optmem_bytes", "backlog_bytes", "drops"
	};
	unsigned k;

	jsonw_key(j, "skmem");
	if (x == NULL || !(x->has & SX_SKMEM)) {
		jsonw_null(j);
		return;
	}
	jsonw_start_object(j);
	for (k = 0; k < SK_MEMINFO_VARS; k++)
		opt_uint(j, keys[k], k < x->nskmem, x->skmem[k]);
	jsonw_end_object(j);
}

static void
sockopt_member(struct jsonw *j, const struct sock_ext *x)
{
	const struct inet_diag_sockopt *so = &x->sockopt;

	jsonw_key(j, "sockopt");
	if (!(x->has & SX_SOCKOPT)) {
		jsonw_null(j);
		return;
	}
	jsonw_start_object(j);
	jsonw_bool_field(j, "recverr", so->recverr);
	jsonw_bool_field(j, "is_icsk", so->is_icsk);
	jsonw_bool_field(j, "freebind", so->freebind);
	jsonw_bool_field(j, "hdrincl", so->hdrincl);
	jsonw_bool_field(j, "mc_loop", so->mc_loop);
	jsonw_bool_field(j, "transparent", so->transparent);
	jsonw_bool_field(j, "mc_all", so->mc_all);
	jsonw_bool_field(j, "nodefrag", so->nodefrag);
	jsonw_bool_field(j, "bind_address_no_port",
	    so->bind_address_no_port);
	jsonw_bool_field(j, "recverr_rfc4884", so->recverr_rfc4884);
	jsonw_bool_field(j, "defer_connect", so->defer_connect);
	jsonw_end_object(j);
}

static void
extended_members(struct jsonw *j, const struct sock_ext *x)
{
	static const struct sock_ext none;

	if (x == NULL)
		x = &none;
	opt_uint(j, "cgroup_id", x->has & SX_CGROUP, x->cgroup_id);
	opt_uint(j, "mark", x->has & SX_MARK, x->mark);
	opt_uint(j, "tos", x->has & SX_TOS, x->tos);
	opt_uint(j, "tclass", x->has & SX_TCLASS, x->tclass);
	jsonw_key(j, "shutdown");
	if (x->has & SX_SHUTDOWN) {
		jsonw_start_object(j);
		jsonw_bool_field(j, "read", x->shutdown & SX_SHUT_RD);
		jsonw_bool_field(j, "write", x->shutdown & SX_SHUT_WR);
		jsonw_end_object(j);
	} else
		jsonw_null(j);
	sockopt_member(j, x);
}

void
tcpinfo_json(struct jsonw *j, const struct sock_row *r, unsigned what)
{
	if (what & EXT_INFO)
		tcp_info_member(j, r->ext);
	if (what & EXT_MEM)
		skmem_member(j, r->ext);
	if (what & EXT_EXTENDED)
		extended_members(j, r->ext);
}
