/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libexec.c - where the helper programs are.  The running binary's own
 * directory comes first so that a build tree runs its own helpers; a
 * directory that holds the binary is trusted as much as the binary.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libexec.h"

#ifndef SOCKSTAT_LIBEXECDIR
#define SOCKSTAT_LIBEXECDIR	"/usr/local/libexec/sockstat"
#endif

const char *
libexec_dir(void)
{
	return SOCKSTAT_LIBEXECDIR;
}

/* Writes dir/name into buf; -1 (ENAMETOOLONG) when it does not fit. */
static int
join(char *buf, size_t len, const char *dir, const char *name)
{
	int n;

	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
libexec_path(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	char *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if (join(buf, len, self, name) == 0 &&
			    access(buf, X_OK) == 0)
				return 0;
		}
	}
	return join(buf, len, SOCKSTAT_LIBEXECDIR, name);
}
