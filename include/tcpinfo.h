/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpinfo.h - a socket's internals beyond the plain row: what sock_diag
 * adds when asked (struct tcp_info, the congestion module and its info,
 * socket memory, shutdown, TOS/traffic class, mark, cgroup, socket
 * options; for UNIX sockets memory and shutdown), decoded from the
 * attributes of one reply, and their text for the netstat face.
 *
 * The kernel's struct tcp_info grows with its version: an older kernel
 * sends fewer bytes, a newer one more.  The record keeps the length the
 * kernel sent, and a field lies inside it or is absent (TCPINFO_HAS):
 * absent fields print as nothing in text and null in JSON, never as 0.
 */
#ifndef TCPINFO_H
#define TCPINFO_H

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

/* What the command line asks for (struct dump_req's ext, o->info...). */
#define EXT_INFO	0x1	/* --info: tcp_info, congestion */
#define EXT_MEM		0x2	/* --mem: socket memory */
#define EXT_EXTENDED	0x4	/* --extended: cgroup, mark, tos, shutdown */

/* Which parts of struct sock_ext the kernel gave (sock_ext.has). */
#define SX_INFO		0x001	/* info, info_len bytes of it */
#define SX_CONG		0x002	/* cong */
#define SX_VEGAS	0x004	/* cc.vegas */
#define SX_DCTCP	0x008	/* cc.dctcp */
#define SX_BBR		0x010	/* cc.bbr */
#define SX_SKMEM	0x020	/* skmem[0 .. nskmem - 1] */
#define SX_SHUTDOWN	0x040	/* shutdown */
#define SX_TOS		0x080	/* tos */
#define SX_TCLASS	0x100	/* tclass */
#define SX_MARK		0x200	/* mark (only with CAP_NET_ADMIN) */
#define SX_CGROUP	0x400	/* cgroup_id */
#define SX_SOCKOPT	0x800	/* sockopt */

/* The longest congestion module name the kernel has (TCP_CA_NAME_MAX). */
#define SX_CONG_MAX	16

/* sk_shutdown bits: the receive or the send side was shut down. */
#define SX_SHUT_RD	0x1
#define SX_SHUT_WR	0x2

struct sock_ext {
	unsigned	 has;		/* SX_* */
	size_t		 info_len;	/* bytes of tcp_info the kernel sent */
	struct tcp_info	 info;		/* min(info_len, sizeof) of them;
					   zero past that */
	char		 cong[SX_CONG_MAX];	/* NUL-terminated */
	union tcp_cc_info cc;
	uint32_t	 skmem[SK_MEMINFO_VARS];	/* SK_MEMINFO_* order */
	unsigned	 nskmem;	/* of them, those the kernel sent */
	uint8_t		 shutdown;	/* SX_SHUT_* */
	uint8_t		 tos;
	uint8_t		 tclass;
	uint32_t	 mark;
	uint64_t	 cgroup_id;	/* cgroup v2 id: its directory's inode */
	struct inet_diag_sockopt sockopt;
};

/* Whether the kernel's tcp_info reached field f of x (a struct sock_ext *). */
#define TCPINFO_HAS(x, f)						\
	(((x)->has & SX_INFO) &&					\
	 (x)->info_len >= offsetof(struct tcp_info, f) + sizeof((x)->info.f))

/* EXT_* for what o asks (--info, --mem, --extended). */
unsigned tcpinfo_wanted(const struct options *o);

/*
 * The idiag_ext bits of an inet_diag request for what ext (EXT_*) asks:
 * 0 when ext is 0, so a plain view asks the kernel for nothing more.
 */
uint8_t	tcpinfo_inet_req(unsigned ext);

/* The udiag_show bits to add to a unix_diag request for ext. */
uint32_t tcpinfo_unix_req(unsigned ext);

/*
 * Decodes the attributes of one sock_diag reply (inet_diag_msg or
 * unix_diag_msg, told by its family byte) into *x, which is cleared
 * first.  An attribute too short for its type is skipped, and so is
 * everything after an attribute that runs past the message.  Returns
 * the number of attributes skipped (0 when all were sound), or -1 with
 * errno EINVAL when the message is too short for its header.
 */
int	tcpinfo_parse(const struct nlmsghdr *nlh, struct sock_ext *x);

/*
 * The send rate the window allows, cwnd * mss * 8 / rtt, in bits per
 * second (as ss's "send").  Returns 0 with *ok cleared when tcp_info
 * lacks a field of it or rtt is 0.
 */
uint64_t tcpinfo_send_bps(const struct sock_ext *x, int *ok);

/*
 * The detail line of row r for what (EXT_*): labelled key:value pairs in
 * a fixed order, no indent, no newline.  Rates are human (12.4Mbps)
 * unless exact, then bits per second; times are milliseconds, exact to
 * the microsecond the kernel counts.  A field the kernel did not send is
 * left out.  Writes at most len bytes, NUL included, cut at a pair;
 * returns the length written (0: nothing to say for this row).
 */
size_t	tcpinfo_text(const struct sock_row *r, unsigned what, int exact,
	    char *buf, size_t len);

/* A buffer tcpinfo_text never needs more than. */
#define TCPINFO_TEXT_MAX	1024

struct bytevec;
struct outbuf;

/*
 * The netstat face's use of tcpinfo_text (src/tcpinfo_line.c), for the
 * options o: tcpinfo_line_write writes r's line, a tab, the text and a
 * newline, to ob at once (nothing when there is nothing to say);
 * tcpinfo_line_keep keeps the text in v (ENOMEM: -1) for a kept row,
 * and tcpinfo_line_next writes the next kept one, read at *pos.
 */
void	tcpinfo_line_write(struct outbuf *ob, const struct sock_row *r,
	    const struct options *o);
int	tcpinfo_line_keep(struct bytevec *v, const struct sock_row *r,
	    const struct options *o);
void	tcpinfo_line_next(struct outbuf *ob, const struct bytevec *v,
	    size_t *pos);

struct jsonw;

/*
 * The JSON members of r for what (EXT_*), written into the object open
 * in j: "tcp_info", "skmem", and the --extended members; each null when
 * the kernel did not say (/proc, a TIME_WAIT socket).  The schema is in
 * man/sockstat.8 (JSON OUTPUT).
 */
void	tcpinfo_json(struct jsonw *j, const struct sock_row *r,
	    unsigned what);

#endif /* TCPINFO_H */
