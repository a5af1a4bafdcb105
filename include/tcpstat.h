/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstat.h - listener health and timeout counters of the kernel's TCP,
 * from <proc_root>/net/netstat (the TcpExt lines), for -s (issue 15).
 */
#ifndef TCPSTAT_H
#define TCPSTAT_H

#include <stdint.h>

/* The counters, in the order -s prints them. */
enum tcpstat_key {
	TCPSTAT_LISTEN_OVERFLOWS = 0,	/* ListenOverflows */
	TCPSTAT_LISTEN_DROPS,		/* ListenDrops */
	TCPSTAT_SYNCOOKIES_SENT,	/* SyncookiesSent */
	TCPSTAT_TIMEOUTS,		/* TCPTimeouts */
	TCPSTAT_RETRANS_FAIL,		/* TCPRetransFail */
	TCPSTAT_N
};

struct tcpstat {
	uint64_t	 value[TCPSTAT_N];
	unsigned	 has;		/* 1 << key: the kernel has it */
};

/* The kernel's name of counter k ("ListenOverflows"). */
const char	*tcpstat_name(enum tcpstat_key k);

/*
 * netstat -s's words for counter k with value v ("15 times the listen
 * queue of a socket overflowed"; "TCPTimeouts: 15" where netstat has
 * none), into buf of len bytes.  Returns buf.
 */
const char	*tcpstat_text(enum tcpstat_key k, uint64_t v, char *buf,
		    size_t len);

/*
 * Reads <proc_root>/net/netstat (proc_root NULL: "/proc") into *ts: the
 * TcpExt header line names the values of the line after it.  Counters
 * the kernel lacks stay out of ts->has.  Returns 0, or -1 with errno set
 * (the open's, or EINVAL when no well-formed TcpExt pair is there).
 */
int		 tcpstat_read(const char *proc_root, struct tcpstat *ts);

#endif /* TCPSTAT_H */
