/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libexec.h - where sockstat finds the programs it runs for a
 * subcommand that lives apart (sockstat top, the only one linked with
 * curses, so that no other run pays for loading it).
 */
#ifndef LIBEXEC_H
#define LIBEXEC_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>

/* Whose files are trusted, besides root's (libexec_trust_self). */
struct libexec_trust {
	uid_t	 user;		/* who runs sockstat; 0: root, or a run
				   raised by file capabilities (AT_SECURE)
				   or holding any capability */
	uid_t	 owner;		/* who owns the running binary; 0 as above */
};

/* Fills t for this run: root alone when the run holds privileges. */
void	 libexec_trust_self(struct libexec_trust *t);

/*
 * Whether a file or directory st is trusted: owned by root, t->user or
 * t->owner, and writable by no other (its group may write it only when
 * it is t->user's own and t->user is not root).
 */
int	 libexec_trusted(const struct stat *st, const struct libexec_trust *t);

/*
 * Opens helper program name for fexecve: the first of its places that
 * holds it (the directory base, then base/../libexec/sockstat, then the
 * directory make install uses; base NULL: that one alone), when it is a
 * regular file and it and each directory walked to it from base are
 * trusted and no link.  Returns an O_PATH descriptor, its path in buf;
 * or -1 with errno: ENOENT (in none of the places; buf: the last),
 * EPERM (buf names the one that is not trusted), ENAMETOOLONG.
 */
int	 libexec_open_from(const char *base, const char *name,
	    const struct libexec_trust *t, char *buf, size_t len);

/* The same from the running binary's directory. */
int	 libexec_open(const char *name, const struct libexec_trust *t,
	    char *buf, size_t len);

/* The directory make install puts helpers in. */
const char *libexec_dir(void);

#endif /* LIBEXEC_H */
