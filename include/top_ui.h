/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_ui.h - the full-screen view of sockstat top (ncursesw): a header
 * with the totals, then a line per connection or group, refreshed every
 * interval, with keys to sort, group, filter, pause and quit.  The
 * terminal is given back on every way out: q, a signal, an error.
 */
#ifndef TOP_UI_H
#define TOP_UI_H

#include <stddef.h>

#include "fexpr.h"
#include "top.h"
#include "top_feed.h"

/* One refresh: a snapshot into the model, what was hidden and why. */
typedef int (*top_ui_refresh_fn)(void *arg, const char **hidden);

struct top_ui_config {
	struct top	*model;
	top_ui_refresh_fn snapshot;	/* returns 0, or -1 with errno */
	void		*snapshot_arg;
	unsigned	 interval_ms;
	unsigned long	 frames;	/* 0: until q or a signal */
	struct top_view_opts vo;	/* where the view starts */
	int		 owners_known;	/* for filters typed with / */
	const char	*filter_text;	/* of vo.filter, for the header */
	struct fexpr_apart *names;	/* looks a typed filter's names up;
					   NULL: names refused */
};

/*
 * Runs the screen until q, SIGINT, SIGTERM or frames refreshes.  The
 * first snapshot must already be in the model.  Returns 0, or -1 with
 * errno set and a message in err (the terminal is restored first):
 * ENOTTY when stdin or stdout is no terminal curses can drive.
 */
int	 top_ui_run(struct top_ui_config *c, char *err, size_t errlen);

#endif /* TOP_UI_H */
