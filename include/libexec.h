/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libexec.h - where sockstat finds the programs it runs for a
 * subcommand that lives apart (sockstat top, the only one linked with
 * curses, so that no other run pays for loading it).
 */
#ifndef LIBEXEC_H
#define LIBEXEC_H

#include <stddef.h>

/*
 * Writes the path of helper program name into buf: beside the running
 * binary when it is there (a build tree), else in the directory make
 * install puts helpers in.  Returns 0, or -1 with errno ENAMETOOLONG.
 */
int	 libexec_path(const char *name, char *buf, size_t len);

/* The directory make install puts helpers in. */
const char *libexec_dir(void);

#endif /* LIBEXEC_H */
