/*
 * test_util.c - util_strtonum and util_escape.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util.h"

static void
test_util_strtonum_valid(void **state)
{
	const char *e;

	(void)state;
	assert_int_equal(util_strtonum("42", 0, 100, &e), 42);
	assert_null(e);
	assert_int_equal(util_strtonum("-5", -10, 10, &e), -5);
	assert_null(e);
}

static void
test_util_strtonum_errors(void **state)
{
	const char *e;

	(void)state;
	util_strtonum("foo", 0, 100, &e);
	assert_string_equal(e, "invalid");
	util_strtonum("", 0, 100, &e);
	assert_string_equal(e, "invalid");
	util_strtonum("12x", 0, 100, &e);
	assert_string_equal(e, "invalid");
	util_strtonum("101", 0, 100, &e);
	assert_string_equal(e, "too large");
	util_strtonum("-1", 0, 100, &e);
	assert_string_equal(e, "too small");
	util_strtonum("99999999999999999999999", 0, 100, &e);
	assert_string_equal(e, "too large");
}

static void
check_escape(const char *in, size_t len, const char *want)
{
	char buf[256];
	size_t n = util_escape(buf, sizeof(buf), in, len);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void
test_util_escape_plain(void **state)
{
	(void)state;
	check_escape("nginx", 5, "nginx");
	check_escape("/tmp/a b", 8, "/tmp/a b");
	check_escape("caf\xc3\xa9", 5, "caf\xc3\xa9");	/* valid UTF-8 stays */
}

static void
test_util_escape_controls(void **state)
{
	(void)state;
	check_escape("\x1b[2J", 4, "\\x1b[2J");
	check_escape("a\nb\tc\r", 6, "a\\nb\\tc\\r");
	check_escape("back\\slash", 10, "back\\\\slash");
	check_escape("\0abs", 4, "\\x00abs");
	check_escape("\x7f", 1, "\\x7f");
	check_escape("\xc2\x9b" "31m", 5, "\\xc2\\x9b31m");	/* C1 CSI */
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI, U+200B ZWSP, BOM */
	check_escape("a\xe2\x80\xae" "b", 5, "a\\xe2\\x80\\xaeb");
	check_escape("\xe2\x81\xa6", 3, "\\xe2\\x81\\xa6");
	check_escape("\xe2\x80\x8b", 3, "\\xe2\\x80\\x8b");
	check_escape("\xef\xbb\xbf", 3, "\\xef\\xbb\\xbf");
	check_escape("\xe2\x80\xa8", 3, "\\xe2\\x80\\xa8");	/* LINE SEP */
	check_escape("\xe2\x80\x94", 3, "\xe2\x80\x94");	/* EM DASH stays */
}

static void
test_util_escape_invalid_utf8(void **state)
{
	(void)state;
	check_escape("\xff\xfe", 2, "\\xff\\xfe");
	check_escape("\xc3", 1, "\\xc3");		/* truncated */
	check_escape("\xc0\xaf", 2, "\\xc0\\xaf");	/* overlong */
	check_escape("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");	/* surrogate */
}

static void
test_util_escape_truncates_whole(void **state)
{
	char buf[6];
	size_t n;

	(void)state;
	n = util_escape(buf, sizeof(buf), "ab\x1b" "cd", 5);
	assert_int_equal(n, 8);
	assert_string_equal(buf, "ab");		/* "\x1b" would be cut */
	n = util_escape(buf, 0, "abc", 3);
	assert_int_equal(n, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_strtonum_valid),
		cmocka_unit_test(test_util_strtonum_errors),
		cmocka_unit_test(test_util_escape_plain),
		cmocka_unit_test(test_util_escape_controls),
		cmocka_unit_test(test_util_escape_invalid_utf8),
		cmocka_unit_test(test_util_escape_truncates_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
