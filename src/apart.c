/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apart.c - a step run in a child process (apart.h): the socket pair,
 * the fork, whole reads and writes, and the reaping.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "apart.h"

/*
 * The child's start: a session of its own, so that it has no terminal
 * to write to or read from (TIOCSTI into the shell of the person
 * inspecting), /dev/null for 0 to 2, no descriptor but fd; then drop, and
 * death with its parent (set after drop: a change of uid clears it).
 * Returns 0, or drop's errno.
 */
static int
child_start(int fd, pid_t parent, int (*drop)(void))
{
	int null, e = 0, i;

	(void)setsid();
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		_exit(1);
	for (i = 0; i < 3; i++)
		if (dup2(null, i) == -1)
			_exit(1);
	if (fd != 3 && (dup2(fd, 3) == -1 || (fd = 3) == -1))
		_exit(1);
	/* Everything else sockstat holds (sockets, /proc files) goes. */
	if (syscall(SYS_close_range, 4U, ~0U, 0U) == -1)
		for (i = 4; i < 1024; i++)
			(void)close(i);
	if (drop != NULL && drop() == -1)
		e = errno;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
	    getppid() != parent)
		_exit(1);
	return e;
}

int
apart_start(struct apart *a, int (*drop)(void),
    void (*fn)(int fd, void *arg, int drop_errno), void *arg)
{
	pid_t parent = getpid();
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
		e = child_start(sv[1], parent, drop);
		fn(3, arg, e);
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
