/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netstat_text.h - the text of netstat's columns for one row, for the
 * netstat face (fmt_table.c).  Every writer fills buf (len bytes, NUL
 * ended) and returns the text's length.
 */
#ifndef NETSTAT_TEXT_H
#define NETSTAT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

/*
 * Writes v in decimal, NUL-ended, at the end of buf[24]; returns its
 * first digit and its length in *n.
 */
char	*netstat_u64(char *buf, uint64_t v, size_t *n);

/* State: TCP names, UDP ESTABLISHED or blank, RAW the bare number. */
size_t	 netstat_inet_state(const struct sock_row *r, char *buf,
	    size_t len);

/* Timer (-o): "kind (seconds/retransmits/probes)"; len >= 64. */
size_t	 netstat_timer(const struct sock_row *r, char *buf, size_t len);

/* UNIX State: LISTENING, CONNECTED, ... or blank. */
size_t	 netstat_unix_state(const struct sock_row *r, char *buf,
	    size_t len);

/*
 * The end of a section's title line, newline included: "(servers and
 * established)", "(only servers)" or "(w/o servers)" by -a and -l.
 */
const char *netstat_title_suffix(const struct options *o);

/*
 * --all-netns: the leading Netns cell of a line (ns's label, "-" for
 * none) or of the header (ns NULL and head set), padded to the widest
 * label, and its blank.  Writes nothing without --all-netns.
 */
struct outbuf;
void	 netstat_netns_cell(struct outbuf *ob, const struct options *o,
	    const struct sock_netns *ns, int head);

/* UNIX Type: STREAM, DGRAM, SEQPACKET, or UNKNOWN(n). */
size_t	 netstat_unix_type(const struct sock_row *r, char *buf,
	    size_t len);

#endif /* NETSTAT_TEXT_H */
