/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr_apart.c - filters whose names are looked up by a process that
 * holds no privilege.  Host, service and user names go through NSS
 * modules and DNS replies, code and data sockstat does not control; at
 * parse time sockstat may hold capabilities a later step needs, and as
 * root it owns root's files.  So a child made for the purpose first calls
 * the caller's drop (privs_drop_user: another uid, no capability), then
 * parses each text it is sent and answers through a socket pair:
 *
 *	request: uint32_t length, the text;
 *	answer:  struct wire, then, when it parsed: nn string lengths
 *	         (uint32_t, 0: no string, else strlen + 1), the strings,
 *	         the nn nodes.
 *
 * The answer comes from the code it distrusts, so it is checked as
 * input: a tree of known kinds and values, no string longer than the
 * text, no deeper than the evaluator and the compiler may recurse; what
 * the expression needs of the run is worked out again from its nodes.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apart.h"
#include "fexpr.h"
#include "fexpr_impl.h"

struct fexpr_apart {
	struct apart	 child;
};


/* The parse of text, written to fd: 0, or -1 when fd failed. */
static int
send_parse(int fd, const char *text)
{
	struct wire w;
	struct fexpr *fx = NULL;
	size_t i, pos = 0;
	uint32_t len;
	int rc;

	memset(&w, 0, sizeof(w));
	if (fxp_parse(text, 1, &fx, w.msg, sizeof(w.msg), &pos) == -1) {
		w.rc = errno == EINVAL ? WIRE_BAD : WIRE_FAILED;
		w.err = errno, w.pos = pos;
		return apart_send(fd, &w, sizeof(w));
	}
	w.nn = fx->nn, w.root = fx->root, w.has_states = fx->has_states;
	w.states = fx->states, w.needs = fx->needs;
	rc = apart_send(fd, &w, sizeof(w));
	for (i = 0; rc == 0 && i < fx->nn; i++) {
		len = fx->n[i].str == NULL ? 0 :
		    (uint32_t)strlen(fx->n[i].str) + 1;
		rc = apart_send(fd, &len, sizeof(len));
	}
	for (i = 0; rc == 0 && i < fx->nn; i++)
		if (fx->n[i].str != NULL)
			rc = apart_send(fd, fx->n[i].str,
			    strlen(fx->n[i].str) + 1);
	/* The strings went ahead; the reader sets its own pointers. */
	for (i = 0; i < fx->nn; i++) {
		free(fx->n[i].str);
		fx->n[i].str = NULL;
	}
	if (rc == 0)
		rc = apart_send(fd, fx->n, fx->nn * sizeof(*fx->n));
	fexpr_free(fx);
	return rc;
}

/* The child: a parse for each text until the parent closes. */
static void
serve(int fd, void *arg, int drop_errno)
{
	struct wire w;
	uint32_t len;
	char *text;

	(void)arg;
	memset(&w, 0, sizeof(w));
	w.rc = WIRE_FAILED, w.err = drop_errno;
	while (apart_recv(fd, &len, sizeof(len)) == 0 &&
	    len <= APART_TEXT_MAX) {
		if ((text = malloc((size_t)len + 1)) == NULL ||
		    apart_recv(fd, text, len) == -1)
			_exit(1);
		text[len] = '\0';
		if ((drop_errno == 0 ? send_parse(fd, text) :
		    apart_send(fd, &w, sizeof(w))) == -1)
			_exit(1);
		free(text);
	}
}

/* Whether node n, the i-th, holds values the evaluator can take. */
static int
node_valid(const struct fx_node *n, size_t i)
{
	unsigned max = n->host.family == AF_INET ? 32 :
	    n->host.family == AF_INET6 ? 128 : 0;
	int wants_str = n->kind == FX_PATH || n->kind == FX_PROC ||
	    n->kind == FX_NETNS;

	if ((unsigned)n->kind > FX_NETNS || (unsigned)n->cmp > FX_GE ||
	    (n->host.family != 0 && max == 0) || n->host.plen > max ||
	    n->host.port < -1 || n->host.port > 65535 ||
	    wants_str != (n->str != NULL))
		return 0;
	switch (n->kind) {
	case FX_AND:
	case FX_OR:
		return n->a >= 0 && (size_t)n->a < i && n->b >= 0 &&
		    (size_t)n->b < i && n->a != n->b;
	case FX_NOT:
		return n->a >= 0 && (size_t)n->a < i;
	default:
		return 1;
	}
}

/*
 * Whether the nodes form a tree under root (each referred to once at
 * most, root never) no deeper than APART_DEPTH_MAX; sets fx->needs.
 */
static int
tree_valid(struct fexpr *fx)
{
	uint32_t *depth;
	uint8_t *refs;
	const struct fx_node *n;
	size_t i;
	int ok = 1;

	depth = calloc(fx->nn + 1, sizeof(*depth));
	refs = calloc(fx->nn + 1, sizeof(*refs));
	if (depth == NULL || refs == NULL) {
		free(depth);
		free(refs);
		return -1;
	}
	for (i = 0; ok && i < fx->nn; i++) {
		n = &fx->n[i];
		if (!node_valid(n, i)) {
			ok = 0;
			break;
		}
		depth[i] = 1;
		if (n->kind == FX_AND || n->kind == FX_OR || n->kind == FX_NOT) {
			ok = ++refs[n->a] == 1;
			depth[i] = depth[n->a] + 1;
		}
		if (ok && (n->kind == FX_AND || n->kind == FX_OR)) {
			ok = ++refs[n->b] == 1;
			if (depth[n->b] + 1 > depth[i])
				depth[i] = depth[n->b] + 1;
		}
		if (depth[i] > APART_DEPTH_MAX)
			ok = 0;
	}
	if (ok && fx->root >= 0 && refs[fx->root] != 0)
		ok = 0;
	/* Not the child's word: what the nodes need. */
	fx->needs = 0;
	for (i = 0; ok && i < fx->nn; i++)
		fx->needs |= fxp_kind_needs(fx->n[i].kind);
	free(depth);
	free(refs);
	return ok;
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
	    apart_recv(fd, lens, w->nn * sizeof(*lens)) == -1)
		goto out;
	for (i = 0; i < w->nn; i++) {
		if (lens[i] == 0)
			continue;
		if (lens[i] > maxstr) {
			errno = EPROTO;
			goto out;
		}
		if ((strs[i] = malloc(lens[i])) == NULL ||
		    apart_recv(fd, strs[i], lens[i]) == -1)
			goto out;
		if (strlen(strs[i]) != lens[i] - 1) {
			errno = EPROTO;
			goto out;
		}
	}
	if (apart_recv(fd, fx->n, w->nn * sizeof(*fx->n)) == -1)
		goto out;
	/* The pointers sent are the child's: ours replace them. */
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
	int valid;

	if (apart_recv(fd, &w, sizeof(w)) == -1)
		return -1;
	if (w.rc == WIRE_BAD) {
		w.msg[sizeof(w.msg) - 1] = '\0';
		snprintf(err, errlen, "%s", w.msg);
		*pos = w.pos <= tlen ? (size_t)w.pos : tlen;
		errno = EINVAL;
		return -1;
	}
	if (w.rc == WIRE_FAILED) {
		/* Never EINVAL: that would read as a bad expression. */
		errno = w.err > 0 && w.err != EINVAL && w.err != EAGAIN ?
		    w.err : EIO;
		return -1;
	}
	if (w.rc != WIRE_PARSED || w.nn > APART_NODES_MAX || w.root < -1 ||
	    (w.root >= 0 && (uint64_t)w.root >= w.nn)) {
		errno = EPROTO;
		return -1;
	}
	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	fx->root = w.root, fx->has_states = w.has_states != 0;
	fx->states = w.states;
	/* No string is longer than the text. */
	if (receive_nodes(fd, &w, tlen + 1, fx) == -1) {
		free(fx->n);
		free(fx);
		return -1;
	}
	if ((valid = tree_valid(fx)) != 1) {
		fexpr_free(fx);
		errno = valid == 0 ? EPROTO : ENOMEM;
		return -1;
	}
	*out = fx;
	return 0;
}

struct fexpr_apart *
fexpr_apart_start(int (*drop)(void))
{
	struct fexpr_apart *a;
	int e;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if (apart_start(&a->child, drop, serve, NULL) == -1) {
		e = errno;
		free(a);
		errno = e;
		return NULL;
	}
	return a;
}

/* The answer of a's child to text. */
static int
ask(struct fexpr_apart *a, const char *text, struct fexpr **out, char *err,
    size_t errlen, size_t *pos)
{
	uint32_t len;
	size_t tlen = strlen(text);

	if (tlen > APART_TEXT_MAX) {
		errno = E2BIG;
		return -1;
	}
	len = (uint32_t)tlen;
	if (apart_send(a->child.fd, &len, sizeof(len)) == 0 &&
	    apart_send(a->child.fd, text, len) == 0 &&
	    receive_parse(a->child.fd, text, out, err, errlen, pos) == 0)
		return 0;
	/* A child that went away, whenever: EIO, as a short answer. */
	if (errno == EPIPE || errno == ECONNRESET)
		errno = EIO;
	return -1;
}

int
fexpr_apart_parse(struct fexpr_apart *a, const char *text, struct fexpr **out,
    char *err, size_t errlen, size_t *pos)
{
	if (fxp_parse(text, 0, out, err, errlen, pos) == 0)
		return 0;
	if (errno != EAGAIN)
		return -1;
	if (a == NULL) {
		errno = EPERM;
		return -1;
	}
	return ask(a, text, out, err, errlen, pos);
}

void
fexpr_apart_stop(struct fexpr_apart *a)
{
	if (a == NULL)
		return;
	apart_stop(&a->child);
	free(a);
}

int
fexpr_parse_apart(const char *text, int (*drop)(void), struct fexpr **out,
    char *err, size_t errlen, size_t *pos)
{
	struct fexpr_apart *a;
	int rc;

	if (fxp_parse(text, 0, out, err, errlen, pos) == 0)
		return 0;
	if (errno != EAGAIN)
		return -1;
	if ((a = fexpr_apart_start(drop)) == NULL)
		return -1;
	rc = ask(a, text, out, err, errlen, pos);
	fexpr_apart_stop(a);
	return rc;
}
