/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fexpr_apart.c - filters whose names are looked up in a child
 * (fexpr_apart.c): no child without names, the same expression as
 * fexpr_parse's with them, errors and a failing or dying child.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fexpr.h"
#include "fexpr_impl.h"

/*
 * The drop callbacks count here, in memory the children share (they
 * keep no descriptor of the parent's): one per child made.
 */
static int *drop_calls;

static int
drop_ok(void)
{
	__atomic_add_fetch(drop_calls, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int
drop_refused(void)
{
	__atomic_add_fetch(drop_calls, 1, __ATOMIC_SEQ_CST);
	errno = EPERM;
	return -1;
}

/* A child that dies before it answers. */
static int
drop_dies(void)
{
	_exit(3);
}

/* How many children called a drop callback since the last call. */
static int
children(void)
{
	return __atomic_exchange_n(drop_calls, 0, __ATOMIC_SEQ_CST);
}

static int
setup(void **state)
{
	(void)state;
	drop_calls = mmap(NULL, sizeof(*drop_calls), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return drop_calls == MAP_FAILED ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	munmap(drop_calls, sizeof(*drop_calls));
	return 0;
}

static void
assert_same(const struct fexpr *x, const struct fexpr *y)
{
	size_t i;

	assert_int_equal(x->nn, y->nn);
	assert_int_equal(x->root, y->root);
	assert_int_equal(x->has_states, y->has_states);
	assert_int_equal(x->states, y->states);
	assert_int_equal(x->needs, y->needs);
	for (i = 0; i < x->nn; i++) {
		const struct fx_node *a = &x->n[i], *b = &y->n[i];

		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->a, b->a);
		assert_int_equal(a->b, b->b);
		assert_int_equal(a->cmp, b->cmp);
		assert_int_equal(a->port, b->port);
		assert_memory_equal(&a->host, &b->host, sizeof(a->host));
		assert_int_equal(a->num, b->num);
		assert_int_equal(a->mask, b->mask);
		assert_int_equal(a->id, b->id);
		if (a->str == NULL)
			assert_null(b->str);
		else
			assert_string_equal(a->str, b->str);
	}
}

/* text parsed apart with drop equals fexpr_parse's; the children made. */
static int
parse_both(const char *text, int (*drop)(void))
{
	struct fexpr *x, *y;
	char err[FEXPR_ERRLEN];
	size_t pos = 0;
	int n;

	children();
	assert_int_equal(fexpr_parse_apart(text, drop, &x, err, sizeof(err),
	    &pos), 0);
	n = children();
	assert_int_equal(fexpr_parse(text, &y, err, sizeof(err), &pos), 0);
	assert_same(x, y);
	fexpr_free(x);
	fexpr_free(y);
	return n;
}

static void
test_apart_no_names_no_child(void **state)
{
	(void)state;
	assert_int_equal(parse_both("state established ( sport = :22 or "
	    "dst 10.0.0.0/8 ) and not dport = 443", drop_ok), 0);
	assert_int_equal(parse_both("src /run/*.sock or proc sshd or "
	    "pid 1 or uid 0", drop_ok), 0);
}

static void
test_apart_names_in_child(void **state)
{
	(void)state;
	assert_int_equal(parse_both("sport = ssh", drop_ok), 1);
	assert_int_equal(parse_both("uid root and proc sshd", drop_ok), 1);
	assert_int_equal(parse_both("src localhost:ssh or src @abstract* or "
	    "dst [::1]/128 or netns blue", drop_ok), 1);
	assert_int_equal(parse_both("exclude listening dport = domain or "
	    "port 0", drop_ok), 1);
}

/* Errors come back as fexpr_parse says them, from either process. */
static void
check_error(const char *text, int want_children)
{
	struct fexpr *fx = NULL;
	char e1[FEXPR_ERRLEN], e2[FEXPR_ERRLEN];
	size_t p1 = 0, p2 = 0;

	children();
	assert_int_equal(fexpr_parse_apart(text, drop_ok, &fx, e1,
	    sizeof(e1), &p1), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(fx);
	assert_int_equal(children(), want_children);
	assert_int_equal(fexpr_parse(text, &fx, e2, sizeof(e2), &p2), -1);
	assert_string_equal(e1, e2);
	assert_int_equal(p1, p2);
}

static void
test_apart_errors(void **state)
{
	(void)state;
	check_error("sport = ssh and dport = no-such-service-here", 1);
	check_error("uid no-such-user-here", 1);
	check_error("sport = ssh )", 1);
	check_error("bogus and sport = ssh", 0);
	check_error("sport = 99999 or uid root", 0);
}

static void
test_apart_drop_refused(void **state)
{
	struct fexpr *fx = NULL;
	char err[FEXPR_ERRLEN];
	size_t pos = 0;

	(void)state;
	children();
	assert_int_equal(fexpr_parse_apart("uid root", drop_refused, &fx, err,
	    sizeof(err), &pos), -1);
	assert_int_equal(errno, EPERM);
	assert_null(fx);
	assert_int_equal(children(), 1);
	/* No name, no child: drop is not needed. */
	assert_int_equal(fexpr_parse_apart("uid 0", drop_refused, &fx, err,
	    sizeof(err), &pos), 0);
	assert_int_equal(children(), 0);
	fexpr_free(fx);
}

/*
 * The child at drop: a session leader (no terminal), 0 to 2 on
 * /dev/null, none of the parent's other descriptors; bits into
 * drop_calls.
 */
static int
drop_inspects(void)
{
	char link[64], path[300];
	struct dirent *d;
	DIR *dir;
	int bits = 0, n = 0, i;
	ssize_t len;

	if (getsid(0) == getpid())
		bits |= 1;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", i);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0 && (link[len] = '\0', strcmp(link, "/dev/null") == 0))
			bits |= 2 << i;
	}
	/* The parent's /dev/zero is not among its descriptors. */
	if ((dir = opendir("/proc/self/fd")) != NULL) {
		while ((d = readdir(dir)) != NULL) {
			snprintf(path, sizeof(path), "/proc/self/fd/%s",
			    d->d_name);
			len = readlink(path, link, sizeof(link) - 1);
			if (len > 0 && (link[len] = '\0',
			    strcmp(link, "/dev/zero") == 0))
				n++;
		}
		closedir(dir);
	}
	if (n == 0)
		bits |= 16;
	*drop_calls = bits;
	return 0;
}

static void
test_apart_child_alone(void **state)
{
	struct fexpr *fx = NULL;
	char err[FEXPR_ERRLEN];
	size_t pos = 0;
	int keep;

	(void)state;
	/* An fd of the parent's that the child must not keep. */
	assert_true((keep = open("/dev/zero", O_RDONLY)) >= 0);
	assert_int_equal(fexpr_parse_apart("sport = ssh", drop_inspects, &fx,
	    err, sizeof(err), &pos), 0);
	fexpr_free(fx);
	close(keep);
	assert_int_equal(children(), 1 | 2 | 4 | 8 | 16);
}

static void
test_apart_child_dies(void **state)
{
	struct fexpr *fx = NULL;
	char err[FEXPR_ERRLEN];
	size_t pos = 0;

	(void)state;
	assert_int_equal(fexpr_parse_apart("sport = ssh", drop_dies, &fx, err,
	    sizeof(err), &pos), -1);
	assert_int_equal(errno, EIO);
	assert_null(fx);
}

/*
 * A child that answers what the test says: the drop callback finds its
 * socket, reads the request and writes answer (a struct wire, the string
 * lengths, the strings, the nodes) instead of a parse.
 */
static char answer[1 << 21];
static size_t answer_len;

static int
drop_answers(void)
{
	struct stat st;
	uint32_t len;
	char text[256];
	int fd;

	for (fd = 3; fd < 256; fd++)
		if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
			break;
	if (read(fd, &len, sizeof(len)) != sizeof(len) || len >= sizeof(text) ||
	    read(fd, text, len) != (ssize_t)len)
		_exit(1);
	(void)!write(fd, answer, answer_len);
	_exit(0);
}

/* answer: w, then nn nodes (no strings); the nodes from a builder. */
static void
set_answer(const struct wire *w, const struct fx_node *n, size_t nn)
{
	uint32_t zero = 0;
	size_t i;

	answer_len = 0;
	memcpy(answer, w, sizeof(*w));
	answer_len += sizeof(*w);
	for (i = 0; i < nn; i++) {
		memcpy(answer + answer_len, &zero, sizeof(zero));
		answer_len += sizeof(zero);
	}
	memcpy(answer + answer_len, n, nn * sizeof(*n));
	answer_len += nn * sizeof(*n);
}

/* The parse of "sport = ssh" with the answer set: rc, errno in *e. */
static int
parse_answered(int *e)
{
	struct fexpr *fx = NULL;
	char err[FEXPR_ERRLEN];
	size_t pos = 0;
	int rc;

	rc = fexpr_parse_apart("sport = ssh", drop_answers, &fx, err,
	    sizeof(err), &pos);
	*e = errno;
	if (rc == 0) {
		assert_non_null(fx);
		fexpr_free(fx);
	} else
		assert_null(fx);
	return rc;
}

static struct wire
wire_of(size_t nn, int root)
{
	struct wire w;

	memset(&w, 0, sizeof(w));
	w.rc = WIRE_PARSED;
	w.nn = nn;
	w.root = root;
	return w;
}

static struct fx_node
leaf(enum fx_kind k)
{
	struct fx_node n;

	memset(&n, 0, sizeof(n));
	n.kind = k;
	n.a = n.b = -1;
	n.host.port = -1;
	return n;
}

/* What a child answers is input: only a well-formed tree is taken. */
static void
test_apart_answer_checked(void **state)
{
	static struct fx_node n[APART_DEPTH_MAX + 2];
	struct wire w;
	size_t i;
	int e;

	(void)state;
	/* A well-formed answer is taken: the injection works. */
	n[0] = leaf(FX_SPORT);
	n[0].port = 22;
	w = wire_of(1, 0);
	set_answer(&w, n, 1);
	assert_int_equal(parse_answered(&e), 0);
	/* One node under both sides of an AND: a DAG, not a tree. */
	n[1] = leaf(FX_AND);
	n[1].a = n[1].b = 0;
	w = wire_of(2, 1);
	set_answer(&w, n, 2);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
	/* A child after its parent, or the root under another node. */
	n[1] = leaf(FX_NOT);
	n[1].a = 1;
	set_answer(&w, n, 2);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
	n[1].a = 0;
	w = wire_of(2, 0);
	set_answer(&w, n, 2);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
	/* A prefix longer than the family's address. */
	n[0] = leaf(FX_SRC);
	n[0].host.family = AF_INET;
	n[0].host.plen = 40;
	w = wire_of(1, 0);
	set_answer(&w, n, 1);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
	/* An unknown kind, comparison or family. */
	n[0] = leaf((enum fx_kind)99);
	set_answer(&w, n, 1);
	assert_int_equal(parse_answered(&e), -1);
	n[0] = leaf(FX_SPORT);
	n[0].cmp = (enum fx_cmp)9;
	set_answer(&w, n, 1);
	assert_int_equal(parse_answered(&e), -1);
	n[0] = leaf(FX_DST);
	n[0].host.family = 77;
	set_answer(&w, n, 1);
	assert_int_equal(parse_answered(&e), -1);
	/* A proc node without its name. */
	n[0] = leaf(FX_PROC);
	set_answer(&w, n, 1);
	assert_int_equal(parse_answered(&e), -1);
	/* Deeper than the evaluator may recurse: a chain of NOTs. */
	n[0] = leaf(FX_SPORT);
	for (i = 1; i < APART_DEPTH_MAX + 2; i++) {
		n[i] = leaf(FX_NOT);
		n[i].a = (int)i - 1;
	}
	w = wire_of(APART_DEPTH_MAX + 2, APART_DEPTH_MAX + 1);
	set_answer(&w, n, APART_DEPTH_MAX + 2);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
	/* Too many nodes, a root out of range. */
	w = wire_of(APART_NODES_MAX + 1, 0);
	set_answer(&w, n, 0);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
	w = wire_of(1, 1);
	set_answer(&w, n, 1);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
	/* A failure the child reports is never taken for a bad filter. */
	memset(&w, 0, sizeof(w));
	w.rc = WIRE_FAILED;
	w.err = EINVAL;
	answer_len = 0;
	memcpy(answer, &w, sizeof(w));
	answer_len = sizeof(w);
	assert_int_equal(parse_answered(&e), -1);
	assert_true(e != EINVAL);
}

/* A string longer than the text: no word of it. */
static void
test_apart_answer_long_string(void **state)
{
	struct fx_node n = leaf(FX_PROC);
	struct wire w = wire_of(1, 0);
	uint32_t len = 100;
	int e;

	(void)state;
	answer_len = 0;
	memcpy(answer, &w, sizeof(w));
	answer_len += sizeof(w);
	memcpy(answer + answer_len, &len, sizeof(len));
	answer_len += sizeof(len);
	memset(answer + answer_len, 'x', len - 1);
	answer[answer_len + len - 1] = '\0';
	answer_len += len;
	n.str = NULL;
	memcpy(answer + answer_len, &n, sizeof(n));
	answer_len += sizeof(n);
	assert_int_equal(parse_answered(&e), -1);
	assert_int_equal(e, EPROTO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apart_no_names_no_child),
		cmocka_unit_test(test_apart_names_in_child),
		cmocka_unit_test(test_apart_errors),
		cmocka_unit_test(test_apart_drop_refused),
		cmocka_unit_test(test_apart_child_dies),
		cmocka_unit_test(test_apart_child_alone),
		cmocka_unit_test(test_apart_answer_checked),
		cmocka_unit_test(test_apart_answer_long_string),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
