/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rowvec.c - rows are deep copies that survive their source buffers
 * and the vector's growth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowvec.h"

static int
setup(void **state)
{
	*state = rowvec_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	rowvec_free(*state);
	return 0;
}

static void
test_rowvec_new_empty(void **state)
{
	struct rowvec *rv = *state;

	assert_int_equal(rowvec_len(rv), 0);
	assert_null(rowvec_get(rv, 0));
	rowvec_free(NULL);
}

static void
test_rowvec_push_copies(void **state)
{
	struct rowvec *rv = *state;
	struct sock_owner ow[2];
	struct sock_row r;
	const struct sock_row *got;
	char path[] = "\0abs\0x";	/* abstract, with an inner NUL */
	char cmd0[] = "nginx", cmd1[] = "nginx: worker";

	memset(&r, 0, sizeof(r));
	r.family = AF_UNIX;
	r.proto = PROTO_UNIX;
	r.inode = 8642;
	r.path = path;
	r.path_len = 6;
	ow[0] = (struct sock_owner){ 1200, 0, 3, 'u', cmd0 };
	ow[1] = (struct sock_owner){ 1201, 33, 7, 'r', cmd1 };
	r.owners = ow;
	r.nowners = 2;
	assert_int_equal(rowvec_push(rv, &r), 0);

	/* The source buffers are reused by the next message. */
	memset(path, 'Z', sizeof(path));
	memset(cmd0, 'Z', sizeof(cmd0) - 1);
	memset(cmd1, 'Z', sizeof(cmd1) - 1);
	memset(ow, 0, sizeof(ow));

	assert_int_equal(rowvec_len(rv), 1);
	got = rowvec_get(rv, 0);
	assert_non_null(got);
	assert_int_equal(got->inode, 8642);
	assert_int_equal(got->path_len, 6);
	assert_memory_equal(got->path, "\0abs\0x", 6);
	assert_ptr_not_equal(got->path, path);
	assert_int_equal(got->nowners, 2);
	assert_ptr_not_equal(got->owners, ow);
	assert_int_equal((uintptr_t)got->owners % alignof(struct sock_owner), 0);
	assert_int_equal(got->owners[0].pid, 1200);
	assert_int_equal(got->owners[0].fd, 3);
	assert_string_equal(got->owners[0].command, "nginx");
	assert_int_equal(got->owners[1].pid, 1201);
	assert_int_equal(got->owners[1].uid, 33);
	assert_int_equal(got->owners[1].mode, 'r');
	assert_string_equal(got->owners[1].command, "nginx: worker");
}

static void
test_rowvec_push_empty_fields(void **state)
{
	struct rowvec *rv = *state;
	struct sock_owner ow = { 7, 0, 1, 'u', NULL };
	struct sock_row r;
	const struct sock_row *got;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.lport = 22;
	/* A length with no bytes and a count with no array are dropped. */
	r.path_len = 5;
	r.nowners = 3;
	assert_int_equal(rowvec_push(rv, &r), 0);
	r.path_len = 0;
	r.owners = &ow;
	r.nowners = 1;
	assert_int_equal(rowvec_collect(&r, rv), 0);

	got = rowvec_get(rv, 0);
	assert_null(got->path);
	assert_int_equal(got->path_len, 0);
	assert_null(got->owners);
	assert_int_equal(got->nowners, 0);
	assert_int_equal(got->lport, 22);
	got = rowvec_get(rv, 1);
	assert_int_equal(got->nowners, 1);
	assert_int_equal(got->owners[0].pid, 7);
	assert_null(got->owners[0].command);
}

/* Row i of the growth test: a path and a command that tell it apart. */
static void
fill(struct sock_row *r, struct sock_owner *ow, char *path, char *cmd,
    size_t i)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_UNIX;
	r->proto = PROTO_UNIX;
	r->inode = i;
	r->path_len = (size_t)snprintf(path, 64, "/run/sock.%zu", i);
	r->path = path;
	snprintf(cmd, 32, "cmd%zu", i);
	*ow = (struct sock_owner){ (pid_t)i, 0, 3, 'u', cmd };
	r->owners = ow;
	r->nowners = 1;
}

static void
test_rowvec_push_growth(void **state)
{
	struct rowvec *rv = *state;
	const size_t n = 220000;
	const struct sock_row *got;
	const char *first_path;
	struct sock_owner ow;
	struct sock_row r;
	char path[64], cmd[32], want[64];
	size_t i;

	for (i = 0; i < n; i++) {
		fill(&r, &ow, path, cmd, i);
		assert_int_equal(rowvec_push(rv, &r), 0);
		if (i == 0)
			first_path = rowvec_get(rv, 0)->path;
	}
	assert_int_equal(rowvec_len(rv), n);
	/* Strings stay put while the row array is reallocated. */
	assert_ptr_equal(rowvec_get(rv, 0)->path, first_path);
	for (i = 0; i < n; i += 997) {
		got = rowvec_get(rv, i);
		assert_int_equal(got->inode, i);
		snprintf(want, sizeof(want), "/run/sock.%zu", i);
		assert_int_equal(got->path_len, strlen(want));
		assert_memory_equal(got->path, want, got->path_len);
		snprintf(want, sizeof(want), "cmd%zu", i);
		assert_string_equal(got->owners[0].command, want);
		assert_int_equal(got->owners[0].pid, (pid_t)i);
	}
	assert_null(rowvec_get(rv, n));
}

/* A name larger than an arena block gets a block of its own. */
static void
test_rowvec_push_large(void **state)
{
	struct rowvec *rv = *state;
	const size_t big = 600 * 1024;
	struct sock_row r;
	char *p = malloc(big);

	assert_non_null(p);
	memset(p, 'q', big);
	p[big - 1] = 'e';
	memset(&r, 0, sizeof(r));
	r.proto = PROTO_UNIX;
	r.path = "/a";
	r.path_len = 2;
	assert_int_equal(rowvec_push(rv, &r), 0);
	r.path = p;
	r.path_len = big;
	assert_int_equal(rowvec_push(rv, &r), 0);
	r.path = "/b";
	r.path_len = 2;
	assert_int_equal(rowvec_push(rv, &r), 0);
	free(p);
	assert_memory_equal(rowvec_get(rv, 0)->path, "/a", 2);
	assert_int_equal(rowvec_get(rv, 1)->path_len, big);
	assert_int_equal(rowvec_get(rv, 1)->path[0], 'q');
	assert_int_equal(rowvec_get(rv, 1)->path[big - 1], 'e');
	assert_memory_equal(rowvec_get(rv, 2)->path, "/b", 2);
}

static void
test_rowvec_clear_reuse(void **state)
{
	struct rowvec *rv = *state;
	struct sock_owner ow;
	struct sock_row r;
	char path[64], cmd[32];
	size_t i, pass;

	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < 50000; i++) {
			fill(&r, &ow, path, cmd, i + pass);
			assert_int_equal(rowvec_push(rv, &r), 0);
		}
		assert_int_equal(rowvec_len(rv), 50000);
		assert_string_equal(rowvec_get(rv, 49999)->owners[0].command,
		    pass == 0 ? "cmd49999" : pass == 1 ? "cmd50000" :
		    "cmd50001");
		assert_memory_equal(rowvec_get(rv, 0)->path, "/run/sock.", 10);
		assert_int_equal(rowvec_get(rv, 0)->path[10], '0' + (int)pass);
		rowvec_clear(rv);
		assert_int_equal(rowvec_len(rv), 0);
		assert_null(rowvec_get(rv, 0));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rowvec_new_empty,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowvec_push_copies,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowvec_push_empty_fields,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowvec_push_growth,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowvec_push_large,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rowvec_clear_reuse,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
