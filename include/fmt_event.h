/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_event.h - the text and JSON faces of one event of sockstat -E.
 *
 * Text, one line per event, columns separated by spaces:
 *	[NETNS] TIME EVENT PROTO LOCAL REMOTE OLD -> NEW OWNER
 * (NETNS with --all-netns: the namespace's label, as in the listing).
 * TIME is local time with milliseconds, EVENT "new", "state" or
 * "closed", OLD "-" when the socket was not seen before, OWNER
 * "PID/COMMAND" (command escaped) or "-".  JSON: one object per line.
 */
#ifndef FMT_EVENT_H
#define FMT_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jsonw.h"
#include "sockstat.h"
#include "watch.h"

/* Room for any line fmt_event_text writes. */
#define FMT_EVENT_MAX	(2 * 4200 + 512 + 4 * 256 + 16)

/* "new", "state" or "closed"; NULL for another value. */
const char	*fmt_event_kind(unsigned kind);

/* Writes time_ms as local "HH:MM:SS.mmm" into buf; returns buf. */
const char	*fmt_event_time(char *buf, size_t len, uint64_t time_ms);

/*
 * Writes "PID/COMMAND" (COMMAND escaped with util_escape) or "-" into
 * buf; returns buf.
 */
const char	*fmt_event_owner(char *buf, size_t len,
		    const struct watch_event *ev);

/*
 * Writes the text line of ev, without newline, into buf (at least
 * FMT_EVENT_MAX bytes): addresses and ports as the netstat face writes
 * them under o.  Returns its length, or -1 with errno set.
 */
int		 fmt_event_text(char *buf, size_t len,
		    const struct watch_event *ev, const struct options *o);

/* Writes the column header of the text face, with newline, to out. */
void		 fmt_event_header(FILE *out, const struct options *o);

/*
 * Writes ev as one compact JSON object through j, then a newline to out
 * (j's FILE).  Keys: netns ({inode, name}: with --netns or --all-netns
 * only), time_ms, time (UTC, ISO 8601), event, method,
 * proto, family, local and remote ({address, port}), old_state (null
 * when not seen before), state, cookie, inode, pid and command (null
 * when unknown).  Returns 0, or -1 with errno set (jsonw_status).
 */
int		 fmt_event_json(FILE *out, struct jsonw *j,
		    const struct watch_event *ev);

#endif /* FMT_EVENT_H */
