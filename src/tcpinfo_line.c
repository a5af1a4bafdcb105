/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpinfo_line.c - the detail line of --info, --mem and --extended in
 * the netstat face: tab-indented, right under its row.  A face that
 * keeps its rows until it can size their columns keeps the line's text
 * beside them; one that streams writes it at once.  The text is ASCII
 * that tcpinfo_text made safe, so it needs no escaping here.
 */
#include "bytevec.h"
#include "outbuf.h"
#include "tcpinfo.h"

static void
line_put(struct outbuf *ob, const char *s, size_t n)
{
	if (n == 0)
		return;
	outbuf_put(ob, "\t", 1);
	outbuf_put(ob, s, n);
	outbuf_put(ob, "\n", 1);
}

void
tcpinfo_line_write(struct outbuf *ob, const struct sock_row *r,
    const struct options *o)
{
	char buf[TCPINFO_TEXT_MAX];

	line_put(ob, buf, tcpinfo_text(r, tcpinfo_wanted(o),
	    o->numeric_rates, buf, sizeof(buf)));
}

int
tcpinfo_line_keep(struct bytevec *v, const struct sock_row *r,
    const struct options *o)
{
	char buf[TCPINFO_TEXT_MAX];

	return bytevec_push_text(v, buf, tcpinfo_text(r, tcpinfo_wanted(o),
	    o->numeric_rates, buf, sizeof(buf)));
}

void
tcpinfo_line_next(struct outbuf *ob, const struct bytevec *v, size_t *pos)
{
	const char *s;
	size_t n;

	s = bytevec_next_text(v, pos, &n);
	line_put(ob, s, n);
}
