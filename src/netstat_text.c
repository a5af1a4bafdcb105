/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netstat_text.c - the words and numbers of netstat's columns, spelled
 * as netstat spells them: states, timers, UNIX types.  Each writer fills
 * a caller buffer and returns the length, so that a face's width pass and
 * its print pass share one spelling.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "netstat_text.h"
#include "outbuf.h"

/*
 * Writes v in decimal, NUL-ended, at the end of buf[24]; returns its first
 * digit and its length in *n.
 */
char *
netstat_u64(char *buf, uint64_t v, size_t *n)
{
	char *p = buf + 23;

	*p = '\0';
	do
		*--p = '0' + v % 10;
	while ((v /= 10) != 0);
	*n = (size_t)(buf + 23 - p);
	return p;
}

/*
 * netstat's State column: names for TCP; for UDP and UDP-Lite only
 * ESTABLISHED, blank for an unconnected socket; for RAW the bare kernel
 * code, since netstat prints the number there ("7").  A code with no name reads UNKNOWN(n).
 */
size_t
netstat_inet_state(const struct sock_row *r, char *buf, size_t len)
{
	const char *s;
	char tmp[24], *p;
	size_t n;
	int udp;

	if (r->proto == PROTO_RAW) {
		p = netstat_u64(tmp, r->state, &n);
		memcpy(buf, p, n + 1);
		return n;
	}
	udp = r->proto == PROTO_UDP || r->proto == PROTO_UDPLITE;
	if (udp && r->state == ST_CLOSE) {
		buf[0] = '\0';
		return 0;
	}
	if (udp && r->state != ST_ESTABLISHED)
		s = NULL;
	else
		s = names_state(r->state);
	if (s == NULL) {
		snprintf(buf, len, "UNKNOWN(%u)", r->state);
		return strlen(buf);
	}
	n = strlen(s);
	memcpy(buf, s, n + 1);
	return n;
}

/*
 * netstat -o: "kind (seconds/retransmits/probes)", seconds with two
 * decimals: "off", "on" (retransmit), "keepalive", "timewait", "probe"
 * (zero window probe), "unkn-N" past those.  netstat prints both counts
 * whatever the timer, so an idle socket reads "off (0.00/0/0)"; UDP and
 * RAW have no timer and read the same.
 */
size_t
netstat_timer(const struct sock_row *r, char *buf, size_t len)
{
	uint64_t cs = r->expires_ms / 10;
	const char *kind;
	char num[24], *p;
	unsigned timer = 0, retrans = 0, probes = 0;
	size_t n, k;

	if (r->has & ROW_HAS_TIMER) {
		timer = r->timer;
		retrans = r->retrans;
		probes = r->probes;
	}
	if (timer == TIMER_OFF)
		cs = 0;
	if ((kind = names_timer(timer)) == NULL) {
		n = (size_t)snprintf(buf, len, "unkn-%u (", timer);
		if (n >= len)
			n = len - 1;
	} else {
		n = strlen(kind);
		memcpy(buf, kind, n);
		buf[n++] = ' ';
		buf[n++] = '(';
	}
	/* len >= 64 holds "unkn-N (" and the 20+3+10+1+10+1 digits below. */
	p = netstat_u64(num, cs / 100, &k);
	memcpy(buf + n, p, k);
	n += k;
	buf[n++] = '.';
	buf[n++] = '0' + cs % 100 / 10;
	buf[n++] = '0' + cs % 10;
	buf[n++] = '/';
	p = netstat_u64(num, retrans, &k);
	memcpy(buf + n, p, k);
	n += k;
	buf[n++] = '/';
	p = netstat_u64(num, probes, &k);
	memcpy(buf + n, p, k);
	n += k;
	buf[n++] = ')';
	buf[n] = '\0';
	return n;
}

/*
 * netstat names UNIX sockets by their socket-layer state (SS_*), sources
 * give the kernel's sk_state: a listener is LISTENING, a connected socket
 * CONNECTED, an unconnected one blank.
 */
size_t
netstat_unix_state(const struct sock_row *r, char *buf, size_t len)
{
	const char *s;

	switch (r->state) {
	case ST_LISTEN:		s = "LISTENING"; break;
	case ST_ESTABLISHED:	s = "CONNECTED"; break;
	case ST_SYN_SENT:	s = "CONNECTING"; break;
	case ST_CLOSING:	s = "DISCONNECTING"; break;
	case ST_CLOSE:		s = ""; break;
	default:
		snprintf(buf, len, "UNKNOWN(%u)", r->state);
		return strlen(buf);
	}
	snprintf(buf, len, "%s", s);
	return strlen(buf);
}

/* "STREAM", "DGRAM", "SEQPACKET"; UNKNOWN(n) past names.h. */
size_t
netstat_unix_type(const struct sock_row *r, char *buf, size_t len)
{
	const char *s = names_type(r->type);

	if (s != NULL)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "UNKNOWN(%u)", r->type);
	return strlen(buf);
}


const char *
netstat_title_suffix(const struct options *o)
{
	if (o->all)
		return "(servers and established)\n";
	return o->listening ? "(only servers)\n" : "(w/o servers)\n";
}

void
netstat_netns_cell(struct outbuf *ob, const struct options *o,
    const struct sock_netns *ns, int head)
{
	const char *l = head ? "Netns" : ns != NULL ? ns->label : "-";
	size_t w = o->netns_width > 5 ? o->netns_width : 5;

	if (!o->all_netns)
		return;
	/* Labels are escaped by netns_list_label: plain bytes here. */
	outbuf_left(ob, l, strlen(l), w);
	outbuf_put(ob, " ", 1);
}
