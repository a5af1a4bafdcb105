/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_addrset.c - IPv6 addresses kept once each: the same address gets
 * the same index however many times and after however many rehashes,
 * and every index gives its address back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "addrset.h"

static struct in6_addr
nth(uint32_t n)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	a.s6_addr[0] = 0xfd;
	a.s6_addr[12] = (uint8_t)(n >> 24);
	a.s6_addr[13] = (uint8_t)(n >> 16);
	a.s6_addr[14] = (uint8_t)(n >> 8);
	a.s6_addr[15] = (uint8_t)n;
	return a;
}

static void
test_addrset_many(void **state)
{
	enum { N = 20000 };
	struct addrset s;
	struct in6_addr a;
	uint32_t i, idx;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (i = 0; i < N; i++) {
		a = nth(i);
		assert_int_equal(addrset_put(&s, &a, &idx), 0);
		assert_int_equal(idx, i);
		/* Again at once, and an early one after the rehashes. */
		assert_int_equal(addrset_put(&s, &a, &idx), 0);
		assert_int_equal(idx, i);
		a = nth(i / 2);
		assert_int_equal(addrset_put(&s, &a, &idx), 0);
		assert_int_equal(idx, i / 2);
	}
	assert_int_equal(s.len, N);
	for (i = 0; i < N; i++) {
		a = nth(i);
		assert_memory_equal(addrset_get(&s, i), &a, sizeof(a));
	}
	addrset_free(&s);
	assert_int_equal(s.len, 0);
	addrset_free(&s);
}

static void
test_addrset_any_and_loopback(void **state)
{
	struct addrset s;
	uint32_t i0, i1, j0, j1;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(addrset_put(&s, &in6addr_any, &i0), 0);
	assert_int_equal(addrset_put(&s, &in6addr_loopback, &i1), 0);
	assert_int_equal(addrset_put(&s, &in6addr_loopback, &j1), 0);
	assert_int_equal(addrset_put(&s, &in6addr_any, &j0), 0);
	assert_int_equal(i0, j0);
	assert_int_equal(i1, j1);
	assert_int_not_equal(i0, i1);
	assert_memory_equal(addrset_get(&s, i1), &in6addr_loopback,
	    sizeof(in6addr_loopback));
	addrset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addrset_many),
		cmocka_unit_test(test_addrset_any_and_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
