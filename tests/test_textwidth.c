/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_textwidth.c - display columns by character cell: ASCII, wide,
 * zero-width and combining characters, and bytes that are not UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "textwidth.h"

#define W(s)	textwidth((s), strlen(s))

static void
test_textwidth_ascii(void **state)
{
	(void)state;
	assert_int_equal(W(""), 0);
	assert_int_equal(W("sockstat"), 8);
	assert_int_equal(W("a\\x20b"), 6);
	/* len bounds the count, not the NUL. */
	assert_int_equal(textwidth("abcdef", 3), 3);
	assert_int_equal(textwidth("a\0b", 3), 3);
}

static void
test_textwidth_latin(void **state)
{
	(void)state;
	assert_int_equal(W("\xc3\xa9\xc3\xa9"), 2);		/* éé */
	assert_int_equal(W("\xc2\xa0"), 1);			/* NBSP */
	assert_int_equal(W("\xce\xa9\xd0\x96"), 2);		/* Ω Ж */
}

static void
test_textwidth_wide(void **state)
{
	(void)state;
	assert_int_equal(W("\xe6\x97\xa5\xe6\x9c\xac"), 4);	/* 日本 */
	assert_int_equal(W("\xe3\x83\x86\xe3\x82\xb9"), 4);	/* テス */
	assert_int_equal(W("\xea\xb0\x80"), 2);			/* 가 */
	assert_int_equal(W("\xef\xbc\xa1"), 2);			/* fullwidth A */
	assert_int_equal(W("\xe3\x80\x80"), 2);			/* ideographic space */
	assert_int_equal(W("\xf0\x9f\x98\x80"), 2);		/* emoji */
	assert_int_equal(W("\xf0\xa0\x80\x80"), 2);		/* U+20000 */
	assert_int_equal(W("\xe1\x84\x80"), 2);			/* Hangul L U+1100 */
	assert_int_equal(W("a\xe6\x97\xa5" "b"), 4);
	/* Neighbours of wide blocks stay narrow. */
	assert_int_equal(W("\xe2\xba\x7f"), 3);	/* invalid: 3 stray bytes */
	assert_int_equal(W("\xef\xbd\xa1"), 1);	/* U+FF61 halfwidth */
	assert_int_equal(W("\xe4\xb7\x80"), 1);	/* U+4DC0 hexagram */
}

static void
test_textwidth_zero(void **state)
{
	(void)state;
	assert_int_equal(W("e\xcc\x81"), 1);		/* e + U+0301 */
	assert_int_equal(W("\xe2\x80\x8b"), 0);		/* ZWSP */
	assert_int_equal(W("a\xe2\x80\x8d" "b"), 2);	/* ZWJ */
	assert_int_equal(W("\xe2\x80\xae"), 0);		/* RLO */
	assert_int_equal(W("\xef\xbb\xbf"), 0);		/* BOM */
	assert_int_equal(W("\xef\xb8\x8f"), 0);		/* VS16 */
	assert_int_equal(W("\xc2\xad"), 0);		/* soft hyphen */
	assert_int_equal(W("\xe1\x85\xa0"), 0);		/* Hangul U+1160 */
	assert_int_equal(W("\xf3\xa0\x80\x81"), 0);	/* tag U+E0001 */
	assert_int_equal(W("\xe3\x82\x99"), 0);		/* kana voicing */
	assert_int_equal(W("\xe0\xa4\x95\xe0\xa5\x8d"), 1); /* क् */
}

static void
test_textwidth_invalid(void **state)
{
	(void)state;
	assert_int_equal(W("ab\xc3"), 3);		/* cut sequence */
	assert_int_equal(W("\xff\xfe"), 2);
	assert_int_equal(W("\xc0\xaf"), 2);		/* overlong '/' */
	assert_int_equal(W("\xed\xa0\x80"), 3);		/* surrogate */
	assert_int_equal(W("\xf4\x90\x80\x80"), 4);	/* past U+10FFFF */
	assert_int_equal(W("\xe6\x97" "a"), 3);		/* cut wide char */
	assert_int_equal(textwidth("\xe6\x97\xa5", 2), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_textwidth_ascii),
		cmocka_unit_test(test_textwidth_latin),
		cmocka_unit_test(test_textwidth_wide),
		cmocka_unit_test(test_textwidth_zero),
		cmocka_unit_test(test_textwidth_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
