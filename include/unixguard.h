/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unixguard.h - the check of /proc/net/unix against forged lines.
 *
 * A UNIX name may hold a newline, and the kernel prints it raw: the rest
 * of the name then reads as a line of its own, and a name built for it
 * reads as a socket that does not exist, or as a second copy of one that
 * does.  Such a line can only follow a named socket whose name has room
 * for it (sun_path is 108 bytes), so procnet.c holds back every line that
 * could be the tail of the name before it ("suspect"), with that named
 * row, until the file is read whole.  A suspect line whose inode another
 * line of the file also shows is taken for a forgery: it and the row
 * whose name it continued are dropped and counted.  A line after a
 * forged one is judged by the whole name it would then continue, so the
 * real socket that a forgery copies right before it is kept.  XXX Where
 * the copy and the real line are both suspect, neither is shown (a
 * socket can be hidden, never shown twice); and a forged line with an
 * inode of its own still cannot be told from a socket.
 */
#ifndef UNIXGUARD_H
#define UNIXGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

/* The longest name /proc/net/unix prints: all of sun_path. */
#define UNIXGUARD_NAME_MAX	108

struct unixguard;

/* Returns an empty guard, or NULL with errno ENOMEM. */
struct unixguard *unixguard_new(void);

/* Forgets every inode and held row, for the next file. */
void		 unixguard_clear(struct unixguard *g);

/* Frees g; NULL is a no-op. */
void		 unixguard_free(struct unixguard *g);

/* What the guard knows of one line of the file. */
struct unixguard_line {
	size_t		 no;		/* its number, from 0 */
	uint16_t	 len;		/* its bytes */
	uint16_t	 prev_name;	/* name length of the line before */
	uint8_t		 suspect;	/* may be the tail of a name */
};

/*
 * Notes the next line of the file, parsed into *r (linelen bytes): counts
 * its inode (0, a socket not yet accepted, is not counted) and fills *l.
 * Returns 0, or -1 with errno ENOMEM.
 */
int		 unixguard_next(struct unixguard *g, const struct sock_row *r,
		    size_t linelen, struct unixguard_line *l);

/* A line that did not parse: the next one starts afresh. */
void		 unixguard_break(struct unixguard *g);

/*
 * Holds the row of line *l until unixguard_flush, which passes it on if
 * wanted and genuine.  The path is copied.  Returns 0, or -1 with errno
 * ENOMEM.
 */
int		 unixguard_hold(struct unixguard *g, const struct sock_row *r,
		    const struct unixguard_line *l, int wanted);

/*
 * Passes every held row that is wanted and genuine to cb, in file order
 * (after the rows that were never held: the file's order is not kept),
 * adds the dropped ones to *malformed, and forgets them.  Returns 0, or
 * -1 when cb returned -1.
 */
int		 unixguard_flush(struct unixguard *g, row_cb cb, void *arg,
		    unsigned long *malformed);

#endif /* UNIXGUARD_H */
