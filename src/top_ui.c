/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_ui.c - the full-screen view of sockstat top (top_ui.h), on
 * ncursesw.  Each line is built as text by the same code as the batch
 * frames (top_frame.c), turned into wide characters and cut at the
 * screen's width by display columns, so that a command name in any
 * script lines up.  Names are escaped before they get here.  Colour is
 * only ever a second cue: the marks and the header say it all, and
 * NO_COLOR turns it off.
 */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "fexpr.h"
#include "top_frame.h"
#include "top_ui.h"
#include "util.h"

#define HEADER_LINES	6	/* title, 2 totals, hidden, status, titles */

static volatile sig_atomic_t ui_stop;

struct ui {
	struct top_ui_config *c;
	struct top_view	 v;
	struct top_view_opts vo;
	struct fexpr	*fx;		/* typed with /; NULL: the start's */
	char		 filter[128];	/* its text, escaped */
	const char	*hidden;
	char		 status[256];	/* a message for one refresh */
	int		 paused, help, colour;
	size_t		 first;		/* the view's line at the top */
	unsigned long	 frames;
	uint64_t	 wall_ms;
};

static void
on_signal(int sig)
{
	ui_stop = sig;
}

/*
 * Writes s on line y from column 0, cut at the screen's width by
 * display columns, in attribute a; the rest of the line is cleared.
 */
static void
put_line(int y, const char *s, attr_t a)
{
	wchar_t w[TOP_LINE_MAX];
	size_t n, i;
	int cols = 0, cw;

	if (y >= LINES)
		return;
	n = mbstowcs(w, s, TOP_LINE_MAX - 1);
	if (n == (size_t)-1) {
		/* Not text in this locale: bytes, the others as '?'. */
		for (n = 0; s[n] != '\0' && n < TOP_LINE_MAX - 1; n++)
			w[n] = (unsigned char)s[n] < 0x80 ? s[n] : L'?';
	}
	w[n] = L'\0';
	for (i = 0; i < n; i++) {
		if ((cw = wcwidth(w[i])) < 0)
			cw = 1;
		if (cols + cw > COLS)
			break;
		cols += cw;
	}
	move(y, 0);
	clrtoeol();
	attron(a);
	addnwstr(w, (int)i);
	attroff(a);
}

static const char *const help_text[] = {
	"sockstat top: keys",
	"",
	"  < >      sort by the column to the left / right",
	"  R        reverse the order",
	"  O L P E  sort by owner, local, peer (remote), state",
	"  S V      sort by send, recv rate",
	"  T W X    sort by rtt, cwnd, retransmissions",
	"  g        group: none, process, remote host, local port",
	"  up down  scroll a line (also k j); PgUp PgDn a screen;",
	"           Home End the first and the last lines",
	"  space    pause (keys still work on the frozen view)",
	"  /        filter expression, as the listing's (empty: none)",
	"  ?        this help (any key leaves it)",
	"  q        quit",
	"",
	"Marks: + opened in the interval, - closed since the last one.",
	"Rates are bytes per second over the interval; k, M, G: thousands.",
};

/* The lines of the view the screen has room for. */
static size_t
page_lines(void)
{
	return LINES > HEADER_LINES ? (size_t)(LINES - HEADER_LINES) : 0;
}

/* Keeps the first line shown within the view (it changes each refresh). */
static void
clamp_first(struct ui *u)
{
	size_t page = page_lines();

	if (u->v.n <= page)
		u->first = 0;
	else if (u->first > u->v.n - page)
		u->first = u->v.n - page;
}

static void
draw_header(struct ui *u)
{
	const struct top_totals *tot = top_totals(u->c->model);
	char line[TOP_LINE_MAX], tm[32], tbuf[512], rows[64], *nl;
	size_t last = u->first + page_lines();

	top_clock_text(tm, sizeof(tm), u->wall_ms);
	rows[0] = '\0';
	/* A screen too short for any row has no range to show. */
	if (u->v.n > 0 && !u->help && page_lines() > 0)
		snprintf(rows, sizeof(rows), "  rows %zu-%zu of %zu",
		    u->first + 1, last < u->v.n ? last : u->v.n, u->v.n);
	snprintf(line, sizeof(line), "sockstat top - %s  every %u.%u s  "
	    "sort %s%s  group %s%s%s%s%s", tm + 11, u->c->interval_ms / 1000,
	    u->c->interval_ms % 1000 / 100, u->vo.descending ? "-" : "",
	    top_key_name(u->vo.key), top_group_name(u->vo.group),
	    u->filter[0] != '\0' ? "  filter: " : "", u->filter,
	    u->paused ? "  [paused]" : "", rows);
	put_line(0, line, A_BOLD);
	top_header_totals(tbuf, sizeof(tbuf), tot);
	if ((nl = strchr(tbuf, '\n')) != NULL)
		*nl++ = '\0';
	put_line(1, tbuf, A_NORMAL);
	put_line(2, nl != NULL ? nl : "", A_NORMAL);
	snprintf(line, sizeof(line), "hidden: %s", u->hidden != NULL ?
	    u->hidden : "nothing");
	put_line(3, line, A_NORMAL);
	put_line(4, u->status[0] != '\0' ? u->status :
	    "< > sort  g group  up down scroll  space pause  / filter  "
	    "? help  q quit",
	    u->status[0] != '\0' ? A_BOLD : A_NORMAL);
	top_frame_titles(line, sizeof(line));
	put_line(5, line, A_REVERSE);
}

static void
draw(struct ui *u)
{
	char line[TOP_LINE_MAX];
	int y = HEADER_LINES;
	attr_t a;

	erase();
	clamp_first(u);
	draw_header(u);
	if (u->help) {
		for (size_t i = 0; i < sizeof(help_text) /
		    sizeof(help_text[0]); i++)
			put_line(y++, help_text[i], A_NORMAL);
		refresh();
		return;
	}
	for (size_t i = u->first; i < u->v.n && y < LINES; i++, y++) {
		const struct top_sock *s = u->v.lines[i];

		top_frame_row(line, sizeof(line), s, u->vo.group);
		a = A_NORMAL;
		if (s->mark == TOP_MARK_NEW)
			a = u->colour ? COLOR_PAIR(1) : A_BOLD;
		else if (s->mark == TOP_MARK_CLOSED)
			a = u->colour ? COLOR_PAIR(2) : A_DIM;
		put_line(y, line, a);
	}
	refresh();
}

/* Reads a filter on the status line; a bad one leaves the view as is. */
static void
prompt_filter(struct ui *u)
{
	char buf[256], msg[FEXPR_ERRLEN];
	struct fexpr *fx;
	size_t pos = 0;
	int rc;

	move(4, 0);
	clrtoeol();
	addstr("filter: ");
	echo();
	curs_set(1);
	timeout(-1);
	rc = getnstr(buf, sizeof(buf) - 1);
	noecho();
	curs_set(0);
	u->status[0] = '\0';
	if (rc == ERR)
		return;
	if (buf[0] == '\0') {
		fexpr_free(u->fx);
		u->fx = NULL;
		u->vo.filter = NULL;
		u->filter[0] = '\0';
		return;
	}
	if (fexpr_apart_parse(u->c->names, buf, &fx, msg, sizeof(msg),
	    &pos) == -1) {
		if (errno == EINVAL)
			snprintf(u->status, sizeof(u->status), "bad filter at "
			    "%zu: %s", pos, msg);
		else
			snprintf(u->status, sizeof(u->status), "filter: "
			    "looking names up apart: %s", strerror(errno));
		return;
	}
	if (fx->needs & (FX_NEEDS_KERNEL | FX_NEEDS_IFINDEX)) {
		snprintf(u->status, sizeof(u->status), "bad filter: dev, "
		    "fwmark, cgroup and autobound cannot be checked here");
		fexpr_free(fx);
		return;
	}
	fexpr_free(u->fx);
	u->fx = fx;
	u->vo.filter = fx;
	util_esc(u->filter, sizeof(u->filter), buf);
}

/* Direct sort keys, as top's capitals. */
static int
key_of(int ch, enum top_key *k)
{
	static const struct { int ch; enum top_key k; } keys[] = {
		{ 'O', TOP_KEY_OWNER }, { 'L', TOP_KEY_LOCAL },
		{ 'P', TOP_KEY_REMOTE }, { 'E', TOP_KEY_STATE },
		{ 'S', TOP_KEY_SEND }, { 'V', TOP_KEY_RECV },
		{ 'T', TOP_KEY_RTT }, { 'W', TOP_KEY_CWND },
		{ 'X', TOP_KEY_RETRANS },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].ch == ch) {
			*k = keys[i].k;
			return 1;
		}
	return 0;
}

/* Scroll keys, as top's and less's.  Returns 1 if ch was one. */
static int
scroll_key(struct ui *u, int ch)
{
	size_t page = page_lines() > 1 ? page_lines() : 1;

	switch (ch) {
	case KEY_DOWN:
	case 'j':
		u->first++;
		break;
	case KEY_UP:
	case 'k':
		u->first -= u->first > 0;
		break;
	case KEY_NPAGE:
		u->first += page;
		break;
	case KEY_PPAGE:
		u->first = u->first > page ? u->first - page : 0;
		break;
	case KEY_HOME:
		u->first = 0;
		break;
	case KEY_END:
		u->first = u->v.n;	/* clamped to the last screenful */
		break;
	default:
		return 0;
	}
	clamp_first(u);
	return 1;
}

/* Acts on one key.  Returns 1 to quit. */
static int
on_key(struct ui *u, int ch)
{
	enum top_key k;

	if (u->help && ch != KEY_RESIZE) {
		u->help = 0;
		return 0;
	}
	u->status[0] = '\0';
	switch (ch) {
	case 'q':
		return 1;
	case '<':
		u->vo.key = (u->vo.key + TOP_NKEYS - 1) % TOP_NKEYS;
		break;
	case '>':
		u->vo.key = (u->vo.key + 1) % TOP_NKEYS;
		break;
	case 'R':
		u->vo.descending = !u->vo.descending;
		break;
	case 'g':
		u->vo.group = (u->vo.group + 1) % TOP_NGROUPS;
		break;
	case ' ':
		u->paused = !u->paused;
		break;
	case '/':
		prompt_filter(u);
		break;
	case '?':
		u->help = 1;
		break;
	case KEY_RESIZE:
		break;		/* curses has the new size: draw again */
	default:
		if (key_of(ch, &k))
			u->vo.key = k;
		else
			(void)scroll_key(u, ch);
		break;
	}
	return 0;
}

/* Takes a snapshot into the model.  Returns 0, or -1 with errno set. */
static int
take(struct ui *u)
{
	if (u->c->snapshot(u->c->snapshot_arg, &u->hidden) == -1)
		return -1;
	u->wall_ms = util_now_ms();
	u->frames++;
	return 0;
}

/* The loop: returns 0, or -1 with errno set when a refresh failed. */
static int
loop(struct ui *u)
{
	uint64_t next = util_mono_ms() + u->c->interval_ms, now;
	int ch;

	while (!ui_stop) {
		if (top_view_build(u->c->model, &u->vo, &u->v) == -1)
			return -1;
		draw(u);
		now = util_mono_ms();
		/* Paused: wake now and then all the same, for signals. */
		timeout(u->paused ? 500 : now >= next ? 0 : (int)(next - now));
		ch = getch();
		if (ch != ERR && on_key(u, ch))
			break;
		now = util_mono_ms();
		if (u->paused || now < next)
			continue;
		if (u->c->frames != 0 && u->frames >= u->c->frames)
			break;
		if (take(u) == -1)
			return -1;
		next += u->c->interval_ms;
		if (next <= now)
			next = now + u->c->interval_ms;
	}
	return 0;
}

int
top_ui_run(struct top_ui_config *c, char *err, size_t errlen)
{
	struct sigaction sa, old_int, old_term;
	struct ui u;
	SCREEN *scr;
	int rc, save_errno;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the screen needs a terminal (-b: "
		    "frames to standard output)");
		errno = ENOTTY;
		return -1;
	}
	/* newterm, not initscr: initscr exits on a terminal it cannot use. */
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(err, errlen, "cannot drive terminal \"%s\"",
		    getenv("TERM") ? getenv("TERM") : "");
		errno = ENOTTY;
		return -1;
	}
	memset(&u, 0, sizeof(u));
	u.c = c;
	u.vo = c->vo;
	u.vo.owners_known = c->owners_known;
	if (c->filter_text != NULL)
		util_esc(u.filter, sizeof(u.filter), c->filter_text);
	u.wall_ms = util_now_ms();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (getenv("NO_COLOR") == NULL && has_colors() && start_color() ==
	    OK) {
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_RED, -1);
		u.colour = 1;
	}
	/* A signal ends the loop, which gives the terminal back. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ui_stop = 0;
	rc = loop(&u);
	save_errno = errno;
	endwin();
	delscreen(scr);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	top_view_free(&u.v);
	fexpr_free(u.fx);
	if (rc == -1) {
		snprintf(err, errlen, "reading sockets: %s",
		    strerror(save_errno));
		errno = save_errno;
		return -1;
	}
	return 0;
}
