/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libexec.c - finding the helper programs.  Candidates, in order: beside
 * the running binary (a build tree), ../libexec/sockstat from it (an
 * installed tree, whatever PREFIX make install was given), then
 * LIBEXECDIR as built.  The first that exists is used only when it is a
 * regular file and it and every directory walked to it from the binary's
 * are trusted (libexec_trusted) and no link: root running a sockstat
 * copied into /tmp must not run what another user put beside it, or
 * what a link another user made leads to.  The walk and the checks go
 * by descriptor, and the caller runs the descriptor it gets (fexecve),
 * so nothing can be swapped in between.
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

const char *
libexec_dir(void)
{
	return SOCKSTAT_LIBEXECDIR;
}

int
libexec_trusted(const struct stat *st, const struct libexec_trust *t)
{
	/* The group may write a user's own files (umask 002), no other. */
	mode_t others = t->user != 0 && st->st_uid == t->user ? S_IWOTH :
	    S_IWGRP | S_IWOTH;

	return (st->st_uid == 0 || st->st_uid == t->user ||
	    st->st_uid == t->owner) && (st->st_mode & others) == 0;
}

/*
 * fd when it is a directory (or, with reg, a regular file) trusted; else
 * fd closed and -1 with errno (EPERM: it is not).
 */
static int
checked(int fd, int reg, const struct libexec_trust *t)
{
	struct stat st;
	int kind_ok, e;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		e = errno;
	else {
		kind_ok = reg ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode);
		if (kind_ok && libexec_trusted(&st, t))
			return fd;
		e = EPERM;
	}
	close(fd);
	errno = e;
	return -1;
}

/*
 * Walks rel (words between slashes) from directory dfd, each step a
 * directory that is no link, trusted but for "..": an O_PATH descriptor
 * of the last, or -1 with errno (ENOENT: a step is missing; EPERM: one
 * is a link, not a directory, or not trusted).
 */
static int
walk(int dfd, const char *rel, const struct libexec_trust *t)
{
	char word[NAME_MAX + 1];
	const char *p = rel;
	size_t n;
	int fd, e;

	if ((fd = dup(dfd)) == -1)
		return -1;
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n == 0 || n > NAME_MAX) {
			p += n + (p[n] == '/');
			continue;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n + (p[n] == '/');
		e = openat(fd, word, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (e == -1 && (errno == ENOTDIR || errno == ELOOP))
			errno = EPERM;		/* a link, or a file */
		close(fd);
		fd = strcmp(word, "..") == 0 ? e : checked(e, 0, t);
		if (fd == -1)
			return -1;
	}
	return fd;
}

/* Helper name in directory dfd, both trusted: as libexec_open_from. */
static int
open_in(int dfd, const char *name, const struct libexec_trust *t)
{
	struct stat st;

	/* The directory itself: the candidate of base itself is not walked. */
	if (fstat(dfd, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode) || !libexec_trusted(&st, t)) {
		errno = EPERM;
		return -1;
	}
	return checked(openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC), 1,
	    t);
}

/* One candidate: rel from base ("" for base itself), or dir alone. */
static int
candidate(const char *base, const char *rel, const char *name,
    const struct libexec_trust *t, char *buf, size_t len)
{
	int bfd, dfd, fd, e, n;

	n = rel[0] != '\0' ? snprintf(buf, len, "%s/%s/%s", base, rel, name) :
	    snprintf(buf, len, "%s/%s", base, name);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((bfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	dfd = walk(bfd, rel, t);
	e = errno;
	close(bfd);
	if (dfd == -1) {
		errno = e;
		return -1;
	}
	fd = open_in(dfd, name, t);
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

int
libexec_open_from(const char *base, const char *name,
    const struct libexec_trust *t, char *buf, size_t len)
{
	int fd;

	if (base != NULL) {
		if ((fd = candidate(base, "", name, t, buf, len)) != -1 ||
		    errno != ENOENT)
			return fd;
		if ((fd = candidate(base, "../libexec/sockstat", name, t,
		    buf, len)) != -1 || errno != ENOENT)
			return fd;
	}
	return candidate(SOCKSTAT_LIBEXECDIR, "", name, t, buf, len);
}

int
libexec_open(const char *name, const struct libexec_trust *t, char *buf,
    size_t len)
{
	char self[PATH_MAX];
	char *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || (self[n] = '\0', slash = strrchr(self, '/')) == NULL)
		return libexec_open_from(NULL, name, t, buf, len);
	*slash = '\0';
	return libexec_open_from(self[0] != '\0' ? self : "/", name, t,
	    buf, len);
}

/* Whether the permitted set is not empty (unreadable: as if it were). */
static int
holds_capabilities(void)
{
	char line[128];
	int held = 1;
	FILE *f;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "CapPrm:", 7) == 0) {
			held = strspn(line + 7, " \t0") !=
			    strcspn(line + 7, "\n");
			break;
		}
	fclose(f);
	return held;
}

void
libexec_trust_self(struct libexec_trust *t)
{
	struct stat st;

	/*
	 * Raised by file capabilities, or holding any (ambient ones pass
	 * through fexecve): only root's programs.  Otherwise the user's
	 * own, and those of whoever owns the running binary, whom running
	 * it trusts already (a build tree in a home directory).
	 */
	if (getauxval(AT_SECURE) || holds_capabilities()) {
		t->user = t->owner = 0;
		return;
	}
	t->user = geteuid();
	t->owner = stat("/proc/self/exe", &st) == 0 ? st.st_uid : 0;
}
