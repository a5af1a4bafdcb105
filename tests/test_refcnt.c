/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_refcnt.c - the inode -> RefCnt map: every inode found after the
 * in-place sort, whatever the order it came in; absent ones are not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>

#include "refcnt.h"

static void
test_refcnt_map_empty(void **state)
{
	struct refcnt_map *m;
	uint32_t c = 77;

	(void)state;
	assert_non_null(m = refcnt_map_new());
	refcnt_map_seal(m);
	assert_int_equal(refcnt_map_len(m), 0);
	assert_int_equal(refcnt_map_get(m, 0, &c), 0);
	assert_int_equal(c, 77);
	refcnt_map_free(m);
	refcnt_map_free(NULL);
}

/* Inodes in a scrambled order, with gaps: each found, the gaps not. */
static void
test_refcnt_map_scrambled(void **state)
{
	struct refcnt_map *m;
	const uint64_t n = 100003;	/* prime: i * 7919 % n visits all */
	uint64_t i, ino;
	uint32_t c;

	(void)state;
	assert_non_null(m = refcnt_map_new());
	for (i = 0; i < n; i++) {
		ino = i * 7919 % n;
		assert_int_equal(refcnt_map_add(m, 10 + 2 * ino,
		    (uint32_t)(ino % 5 + 1)), 0);
	}
	refcnt_map_seal(m);
	assert_int_equal(refcnt_map_len(m), n);
	for (ino = 0; ino < n; ino++) {
		c = 0;
		assert_int_equal(refcnt_map_get(m, 10 + 2 * ino, &c), 1);
		assert_int_equal(c, ino % 5 + 1);
		assert_int_equal(refcnt_map_get(m, 11 + 2 * ino, &c), 0);
	}
	assert_int_equal(refcnt_map_get(m, 9, &c), 0);
	assert_int_equal(refcnt_map_get(m, 10 + 2 * n, &c), 0);
	refcnt_map_free(m);
}

/*
 * The extremes, duplicates; an inode past 32 bits is left out, not
 * mistaken for another.
 */
static void
test_refcnt_map_edges(void **state)
{
	struct refcnt_map *m;
	uint32_t c;

	(void)state;
	assert_non_null(m = refcnt_map_new());
	assert_int_equal(refcnt_map_add(m, UINT32_MAX, UINT32_MAX), 0);
	assert_int_equal(refcnt_map_add(m, 0, 4), 0);
	assert_int_equal(refcnt_map_add(m, ((uint64_t)1 << 40) + 5, 9), 0);
	assert_int_equal(refcnt_map_add(m, 5, 2), 0);
	assert_int_equal(refcnt_map_add(m, 5, 3), 0);	/* a forged line */
	assert_int_equal(refcnt_map_add(m, 0, 4), 0);
	assert_int_equal(refcnt_map_add(m, 0, 3), 0);
	assert_int_equal(refcnt_map_add(m, 6, 2), 0);
	refcnt_map_seal(m);
	assert_int_equal(refcnt_map_len(m), 3);
	assert_int_equal(refcnt_map_get(m, UINT32_MAX, &c), 1);
	assert_int_equal(c, UINT32_MAX);
	assert_int_equal(refcnt_map_get(m, 0, &c), 1);
	assert_int_equal(c, 4);
	assert_int_equal(refcnt_map_get(m, 6, &c), 1);
	assert_int_equal(c, 2);
	c = 0;
	/* Two lines with inode 5: neither count is trusted. */
	assert_int_equal(refcnt_map_get(m, 5, &c), 0);
	assert_int_equal(refcnt_map_get(m, ((uint64_t)1 << 40) + 5, &c), 0);
	assert_int_equal(refcnt_map_get(m, UINT64_MAX, &c), 0);
	assert_int_equal(c, 0);

	refcnt_map_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refcnt_map_empty),
		cmocka_unit_test(test_refcnt_map_scrambled),
		cmocka_unit_test(test_refcnt_map_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
