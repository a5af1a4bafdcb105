/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr_apart.c - a filter whose names are looked up by a process that
 * holds no privilege.  Host, service and user names go through NSS
 * modules and DNS replies, code and data sockstat does not control, and
 * at parse time sockstat may still hold capabilities that a later step
 * needs (-p's /proc/PID/fd, a mark test, setns), or, under -E, all of
 * them.  An expression without such a name is parsed here, with no
 * process made; one with names is parsed again in a child that first
 * drops every privilege, and comes back through a pipe:
 *
 *	struct wire, then, when it parsed: nn string lengths (uint32_t,
 *	0: no string, else strlen + 1), the strings, the nn nodes.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fexpr.h"
#include "fexpr_impl.h"

#define APART_NODES_MAX	(1u << 20)	/* a host with very many addresses */

struct wire {
	int32_t		 rc;		/* 0, or -1: err, pos and msg say why */
	int32_t		 err;
	uint64_t	 pos;
	char		 msg[FEXPR_ERRLEN];
	uint64_t	 nn;
	int32_t		 root, has_states;
	uint32_t	 states, needs;
};

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *b = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += n, len -= (size_t)n;
	}
	return 0;
}

/* Exactly len bytes, or -1: EIO when the writer stopped short. */
static int
read_all(int fd, void *buf, size_t len)
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

/* The child's parse, written to fd: 0, or -1 when fd failed. */
static int
send_parse(int fd, const char *text, int (*drop)(void))
{
	struct wire w;
	struct fexpr *fx = NULL;
	size_t i, pos = 0;
	uint32_t len;
	int rc;

	memset(&w, 0, sizeof(w));
	if (drop != NULL && drop() == -1) {
		w.rc = -1, w.err = errno;
		return write_all(fd, &w, sizeof(w));
	}
	if (fxp_parse(text, 1, &fx, w.msg, sizeof(w.msg), &pos) == -1) {
		w.rc = -1, w.err = errno, w.pos = pos;
		return write_all(fd, &w, sizeof(w));
	}
	w.nn = fx->nn, w.root = fx->root, w.has_states = fx->has_states;
	w.states = fx->states, w.needs = fx->needs;
	rc = write_all(fd, &w, sizeof(w));
	for (i = 0; rc == 0 && i < fx->nn; i++) {
		len = fx->n[i].str == NULL ? 0 :
		    (uint32_t)strlen(fx->n[i].str) + 1;
		rc = write_all(fd, &len, sizeof(len));
	}
	for (i = 0; rc == 0 && i < fx->nn; i++)
		if (fx->n[i].str != NULL)
			rc = write_all(fd, fx->n[i].str,
			    strlen(fx->n[i].str) + 1);
	/* The strings went ahead; the reader sets its own pointers. */
	for (i = 0; i < fx->nn; i++) {
		free(fx->n[i].str);
		fx->n[i].str = NULL;
	}
	if (rc == 0)
		rc = write_all(fd, fx->n, fx->nn * sizeof(*fx->n));
	fexpr_free(fx);
	return rc;
}

/* Whether node i of nn refers only to nodes before it. */
static int
node_valid(const struct fx_node *n, size_t i)
{
	if ((unsigned)n->kind > FX_NETNS)
		return 0;
	switch (n->kind) {
	case FX_AND:
	case FX_OR:
		return n->a >= 0 && (size_t)n->a < i && n->b >= 0 &&
		    (size_t)n->b < i;
	case FX_NOT:
		return n->a >= 0 && (size_t)n->a < i;
	default:
		return 1;
	}
}

/* The nodes and strings after w, into fx; 0, or -1 with errno. */
static int
receive_nodes(int fd, const struct wire *w, size_t maxstr, struct fexpr *fx)
{
	uint32_t *lens;
	char **strs;
	size_t i;
	int rc = -1;

	lens = calloc(w->nn + 1, sizeof(*lens));
	strs = calloc(w->nn + 1, sizeof(*strs));
	fx->n = calloc(w->nn + 1, sizeof(*fx->n));
	if (lens == NULL || strs == NULL || fx->n == NULL ||
	    read_all(fd, lens, w->nn * sizeof(*lens)) == -1)
		goto out;
	for (i = 0; i < w->nn; i++) {
		if (lens[i] == 0)
			continue;
		if (lens[i] > maxstr) {
			errno = EPROTO;
			goto out;
		}
		if ((strs[i] = malloc(lens[i])) == NULL ||
		    read_all(fd, strs[i], lens[i]) == -1)
			goto out;
		if (strs[i][lens[i] - 1] != '\0') {
			errno = EPROTO;
			goto out;
		}
	}
	if (read_all(fd, fx->n, w->nn * sizeof(*fx->n)) == -1)
		goto out;
	for (i = 0; i < w->nn; i++)
		if (!node_valid(&fx->n[i], i)) {
			errno = EPROTO;
			goto out;
		}
	for (i = 0; i < w->nn; i++) {
		fx->n[i].str = strs[i];
		strs[i] = NULL;
	}
	fx->nn = fx->cap = w->nn;
	rc = 0;
out:
	for (i = 0; strs != NULL && i < w->nn; i++)
		free(strs[i]);
	free(strs);
	free(lens);
	return rc;
}

/* Reads the child's answer, as fexpr_parse returns it. */
static int
receive_parse(int fd, const char *text, struct fexpr **out, char *err,
    size_t errlen, size_t *pos)
{
	struct wire w;
	struct fexpr *fx;
	size_t tlen = strlen(text);

	if (read_all(fd, &w, sizeof(w)) == -1)
		return -1;
	if (w.rc != 0) {
		w.msg[sizeof(w.msg) - 1] = '\0';
		snprintf(err, errlen, "%s", w.msg);
		*pos = w.pos <= tlen ? (size_t)w.pos : tlen;
		errno = w.err != 0 && w.err != EAGAIN ? w.err : EIO;
		return -1;
	}
	if (w.nn > APART_NODES_MAX || w.root < -1 ||
	    (w.root >= 0 && (uint64_t)w.root >= w.nn)) {
		errno = EPROTO;
		return -1;
	}
	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	fx->root = w.root, fx->has_states = w.has_states;
	fx->states = w.states, fx->needs = w.needs;
	/* Every string is a word of the text. */
	if (receive_nodes(fd, &w, tlen + 1, fx) == -1) {
		free(fx->n);
		free(fx);
		return -1;
	}
	*out = fx;
	return 0;
}

int
fexpr_parse_apart(const char *text, int (*drop)(void), struct fexpr **out,
    char *err, size_t errlen, size_t *pos)
{
	pid_t pid;
	int fds[2], st, rc, e;

	if (fxp_parse(text, 0, out, err, errlen, pos) == 0)
		return 0;
	if (errno != EAGAIN)
		return -1;
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		e = errno;
		close(fds[0]);
		close(fds[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(send_parse(fds[1], text, drop) == 0 ? 0 : 1);
	}
	close(fds[1]);
	rc = receive_parse(fds[0], text, out, err, errlen, pos);
	e = errno;
	close(fds[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	errno = e;
	return rc;
}
