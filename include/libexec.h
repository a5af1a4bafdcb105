/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libexec.h - where sockstat finds the programs it runs for a
 * subcommand that lives apart (sockstat top, the only one linked with
 * curses, so that no other run pays for loading it), and running them.
 */
#ifndef LIBEXEC_H
#define LIBEXEC_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>

/*
 * Runs helper program name with argv and this environment: the first of
 * its places that holds it (beside the running binary, then
 * ../libexec/sockstat from it, then the directory make install uses),
 * when trusted (libexec_trusted, for libexec_user()).  Returns only on
 * failure: -1 with errno, the path tried in buf; ENOENT: in none of the
 * places (buf: the last); EPERM: not trusted, or not a regular file.
 */
int	 libexec_run(const char *name, char *const argv[], char *buf,
	    size_t len);

/*
 * The search of libexec_run: an O_PATH descriptor of the file, or -1
 * with errno as libexec_run's; its path in buf.
 */
int	 libexec_open(const char *name, uid_t user, char *buf, size_t len);

/*
 * Whether a file or directory st is trusted for a program user runs:
 * owned by root or user, writable by no group and no other.
 */
int	 libexec_trusted(const struct stat *st, uid_t user);

/* Whose programs are trusted: root's, or also the caller's own when no
 * file capability raised this run (AT_SECURE). */
uid_t	 libexec_user(void);

/* The directory make install puts helpers in. */
const char *libexec_dir(void);

#endif /* LIBEXEC_H */
