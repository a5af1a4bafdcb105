/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_frame.h - the batch frames of sockstat top: a plain-text frame,
 * as top -b prints one, and a JSON object on one line (NDJSON), from
 * the same view.  The screen (top_ui.c) shares the cell texts.
 */
#ifndef TOP_FRAME_H
#define TOP_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "top.h"

/* What a frame says beside the sockets. */
struct top_frame_info {
	uint64_t	 wall_ms;	/* when the snapshot was taken */
	const struct top_view_opts *vo;
	const char	*hidden;	/* what could not be seen and why;
					   NULL: nothing */
	unsigned long	 hidden_procs;	/* processes whose sockets' owners
					   could not be read */
};

/* Room for any cell text below. */
#define TOP_CELL_MAX	128

/*
 * Cell texts of line s of a view grouped by g: the owner ("pid/command",
 * escaped; a group's key and "(n)"), an endpoint ("addr:port",
 * "[v6]:port", "unix:INODE"), a rate in bytes per second ("12.4M"), the
 * mark ("+" new, "-" closed, " ").  Each returns buf.
 */
const char	*top_cell_owner(char *buf, size_t len,
		    const struct top_sock *s, enum top_group g);
const char	*top_cell_endpoint(char *buf, size_t len,
		    const struct top_sock *s, int remote);
const char	*top_cell_rate(char *buf, size_t len, uint64_t bps,
		    int known);
const char	*top_cell_mark(const struct top_sock *s);

/* A line of a frame never needs more (names are escaped, cut at 16). */
#define TOP_LINE_MAX	512

/* The column titles, and the line of s in a view grouped by g. */
void		 top_frame_titles(char *buf, size_t len);
void		 top_frame_row(char *buf, size_t len, const struct top_sock *s,
		    enum top_group g);

/* "2026-12-02 05:28:04": wall_ms in local time. */
void		 top_clock_text(char *buf, size_t len, uint64_t wall_ms);

/* The totals line(s) of the header, NUL-ended, no newline at the end. */
void		 top_header_totals(char *buf, size_t len,
		    const struct top_totals *tot);

/*
 * Writes one plain-text frame: the header, a blank line, the column
 * titles, one line per line of v, and a blank line.  Returns 0, or -1
 * with errno set when out failed.
 */
int		 top_frame_text(FILE *out, const struct top *t,
		    const struct top_view *v, const struct top_frame_info *fi);

/*
 * Writes one frame as one JSON object and a newline (schema in
 * man/sockstat.8).  Returns 0, or -1 with errno set.
 */
int		 top_frame_json(FILE *out, const struct top *t,
		    const struct top_view *v, const struct top_frame_info *fi);

#endif /* TOP_FRAME_H */
