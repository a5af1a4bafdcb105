/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apart.c - a step run in a child process (apart.h): the socket pair,
 * the fork, whole reads and writes, and the reaping.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "apart.h"

int
apart_start(struct apart *a, void (*fn)(int fd, void *arg), void *arg)
{
	int sv[2], e;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((a->pid = fork()) == -1) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (a->pid == 0) {
		close(sv[0]);
		fn(sv[1], arg);
		_exit(0);
	}
	close(sv[1]);
	a->fd = sv[0];
	return 0;
}

void
apart_stop(struct apart *a)
{
	int st, e = errno, i;

	close(a->fd);
	a->fd = -1;
	/* Closed, the child reads the end of its input and exits. */
	for (i = 0; i < 200 && waitpid(a->pid, &st, WNOHANG) == 0; i++) {
		if (i == 100)
			kill(a->pid, SIGKILL);
		usleep(i < 10 ? 100 : 5000);
	}
	errno = e;
}

int
apart_send(int fd, const void *buf, size_t len)
{
	const char *b = buf;
	ssize_t n;

	while (len > 0) {
		/* A peer gone is EPIPE, not a signal. */
		if ((n = send(fd, b, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += n, len -= (size_t)n;
	}
	return 0;
}

int
apart_recv(int fd, void *buf, size_t len)
{
	char *b = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		b += n, len -= (size_t)n;
	}
	return 0;
}
