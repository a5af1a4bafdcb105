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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fexpr.h"

/* The drop callbacks write a byte here: one per child made. */
static int drop_pipe[2] = { -1, -1 };

static int
drop_ok(void)
{
	(void)!write(drop_pipe[1], "d", 1);
	return 0;
}

static int
drop_refused(void)
{
	(void)!write(drop_pipe[1], "d", 1);
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
	char buf[16];
	ssize_t n;

	n = read(drop_pipe[0], buf, sizeof(buf));
	return n < 0 ? 0 : (int)n;
}

static int
setup(void **state)
{
	(void)state;
	return pipe2(drop_pipe, O_NONBLOCK | O_CLOEXEC);
}

static int
teardown(void **state)
{
	(void)state;
	close(drop_pipe[0]);
	close(drop_pipe[1]);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apart_no_names_no_child),
		cmocka_unit_test(test_apart_names_in_child),
		cmocka_unit_test(test_apart_errors),
		cmocka_unit_test(test_apart_drop_refused),
		cmocka_unit_test(test_apart_child_dies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
