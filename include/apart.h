/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apart.h - a step run in a child process, so that code sockstat does
 * not control (NSS modules, DNS replies) meets no privilege: the child
 * gives up what the caller's drop says (privs_drop_user), does the step
 * and writes its result to a socket the parent reads, checking it as
 * input.  Used for name lookups (fexpr_apart.c, lsof_resolve.c).
 */
#ifndef APART_H
#define APART_H

#include <sys/types.h>

#include <stddef.h>

struct apart {
	pid_t	 pid;
	int	 fd;		/* the parent's end */
};

/*
 * Starts a child that leaves the terminal (a session of its own, 0 to 2
 * on /dev/null, no other descriptor), calls drop, dies with its parent,
 * then runs fn(fd, arg, drop_errno) on its end of a socket pair (0, or
 * why drop failed: fn says so to the parent) and exits.  Returns 0, or
 * -1 with errno.
 */
int	 apart_start(struct apart *a, int (*drop)(void),
	    void (*fn)(int fd, void *arg, int drop_errno), void *arg);

/*
 * Closes the parent's end and reaps the child; one that does not exit
 * (it runs code sockstat does not trust) is killed where allowed and not
 * waited for longer than about a second.  errno is kept.
 */
void	 apart_stop(struct apart *a);

/* All of buf, or -1 with errno (EPIPE when the peer went away). */
int	 apart_send(int fd, const void *buf, size_t len);

/* Exactly len bytes, or -1 with errno (EIO when the peer stopped short). */
int	 apart_recv(int fd, void *buf, size_t len);

#endif /* APART_H */
