/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libexec.c - finding and running the helper programs.  Candidates, in
 * order: beside the running binary (a build tree), ../libexec/sockstat
 * from it (an installed tree, whatever PREFIX make install was given),
 * then LIBEXECDIR as built.  The first that exists is run only when it
 * and its directory are trusted: owned by root, or by the user running
 * sockstat when no file capability raised the run (AT_SECURE), and
 * writable by nobody else; a regular file.  Root running a sockstat
 * copied into /tmp must not run what another user put beside it.  The
 * file checked is the file run: both are opened and checked by
 * descriptor, and the program is started from its descriptor.
 */
#include <sys/auxv.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libexec.h"

#ifndef SOCKSTAT_LIBEXECDIR
#define SOCKSTAT_LIBEXECDIR	"/usr/local/libexec/sockstat"
#endif

extern char **environ;

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
libexec_trusted(const struct stat *st, uid_t user)
{
	return (st->st_uid == 0 || st->st_uid == user) &&
	    (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * Opens dir/name when it exists: an O_PATH descriptor, or -1 with errno
 * (ENOENT: not there; EPERM: there, but not a regular file, or it or
 * dir is not trusted).  A link is not followed.
 */
static int
open_trusted(const char *dir, const char *name, uid_t user)
{
	struct stat ds, fs;
	int dfd, fd, e;

	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
		e = errno;
	else if (fstat(dfd, &ds) == -1 || fstat(fd, &fs) == -1)
		e = errno;
	else if (!S_ISREG(fs.st_mode) || !libexec_trusted(&ds, user) ||
	    !libexec_trusted(&fs, user))
		e = EPERM;
	else
		e = 0;
	if (e != 0 && fd != -1) {
		close(fd);
		fd = -1;
	}
	close(dfd);
	errno = e;
	return fd;
}

/* The candidate directories, in order; n of them into dirs. */
static size_t
candidates(char dirs[][PATH_MAX])
{
	char self[PATH_MAX];
	char *slash;
	ssize_t n;
	size_t k = 0;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(dirs[k++], PATH_MAX, "%s", self);
			if (join(dirs[k], PATH_MAX, self,
			    "../libexec/sockstat") == 0)
				k++;
		}
	}
	snprintf(dirs[k++], PATH_MAX, "%s", SOCKSTAT_LIBEXECDIR);
	return k;
}

int
libexec_open(const char *name, uid_t user, char *buf, size_t len)
{
	char dirs[3][PATH_MAX];
	size_t i, n;
	int fd;

	n = candidates(dirs);
	for (i = 0; i < n; i++) {
		if (join(buf, len, dirs[i], name) == -1)
			return -1;
		if ((fd = open_trusted(dirs[i], name, user)) != -1 ||
		    (errno != ENOENT && errno != ENOTDIR))
			return fd;
	}
	errno = ENOENT;
	return -1;
}

uid_t
libexec_user(void)
{
	/* Raised by file capabilities: only root's programs are run. */
	return getauxval(AT_SECURE) ? 0 : geteuid();
}

int
libexec_run(const char *name, char *const argv[], char *buf, size_t len)
{
	int fd, e;

	if ((fd = libexec_open(name, libexec_user(), buf, len)) == -1)
		return -1;
	fexecve(fd, argv, environ);
	e = errno;
	close(fd);
	errno = e;
	return -1;
}
