/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_util.c - util_strtonum and util_escape.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
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

/* Escapes the UTF-8 encoding of code point cp, alone, as \xNN bytes. */
static void
check_hidden(uint32_t cp)
{
	char in[5], want[32], buf[64];
	size_t n = 0, i;

	if (cp < 0x800) {
		in[n++] = (char)(0xc0 | cp >> 6);
	} else if (cp < 0x10000) {
		in[n++] = (char)(0xe0 | cp >> 12);
		in[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
	} else {
		in[n++] = (char)(0xf0 | cp >> 18);
		in[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
		in[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
	}
	in[n++] = (char)(0x80 | (cp & 0x3f));
	for (i = 0; i < n; i++)
		snprintf(want + 4 * i, 5, "\\x%02x", (unsigned char)in[i]);
	util_escape(buf, sizeof(buf), in, n);
	if (strcmp(buf, want) != 0)
		fail_msg("U+%04X: got \"%s\", want \"%s\"", (unsigned)cp, buf,
		    want);
	assert_int_equal(util_hidden(cp), 1);
}

/* Shown as is: the code point's own UTF-8. */
static void
check_shown(uint32_t cp)
{
	char in[5], buf[64];
	size_t n;

	n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (n == 2) {
		in[0] = (char)(0xc0 | cp >> 6);
	} else if (n == 3) {
		in[0] = (char)(0xe0 | cp >> 12);
		in[1] = (char)(0x80 | (cp >> 6 & 0x3f));
	} else {
		in[0] = (char)(0xf0 | cp >> 18);
		in[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		in[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	}
	in[n - 1] = (char)(0x80 | (cp & 0x3f));
	in[n] = '\0';
	util_escape(buf, sizeof(buf), in, n);
	if (strcmp(buf, in) != 0)
		fail_msg("U+%04X escaped as \"%s\"", (unsigned)cp, buf);
	assert_int_equal(util_hidden(cp), 0);
}

/* Default_Ignorable_Code_Point and Cf, class by class (issue 11 item 11). */
static void
test_util_escape_soft_hyphen_cgj(void **state)
{
	(void)state;
	check_hidden(0x00ad);	/* SOFT HYPHEN */
	check_hidden(0x034f);	/* COMBINING GRAPHEME JOINER */
	check_shown(0x00ac);
	check_shown(0x00ae);
	check_shown(0x034e);
	check_shown(0x0350);
}

static void
test_util_escape_hangul_fillers(void **state)
{
	(void)state;
	check_hidden(0x115f);	/* CHOSEONG FILLER */
	check_hidden(0x1160);	/* JUNGSEONG FILLER */
	check_hidden(0x3164);	/* HANGUL FILLER */
	check_hidden(0xffa0);	/* HALFWIDTH HANGUL FILLER */
	check_shown(0x115e);
	check_shown(0x1161);
	check_shown(0x3163);
	check_shown(0x3165);
	check_shown(0xff9f);
	check_shown(0xffa1);
}

static void
test_util_escape_variation_selectors(void **state)
{
	uint32_t cp;

	(void)state;
	for (cp = 0xfe00; cp <= 0xfe0f; cp++)
		check_hidden(cp);
	for (cp = 0xe0100; cp <= 0xe01ef; cp++)
		check_hidden(cp);
	for (cp = 0x180b; cp <= 0x180f; cp++)	/* Mongolian FVS, MVS */
		check_hidden(cp);
	check_shown(0xfdff);
	check_shown(0xfe10);
	check_shown(0x180a);
	check_shown(0x1810);
}

static void
test_util_escape_tags(void **state)
{
	uint32_t cp;

	(void)state;
	for (cp = 0xe0000; cp <= 0xe007f; cp++)
		check_hidden(cp);
	check_hidden(0xe0fff);		/* reserved default-ignorable */
	check_shown(0xdfffd);
	check_shown(0xf0000);		/* private use: not ignorable */
}

static void
test_util_escape_interlinear(void **state)
{
	(void)state;
	check_hidden(0xfff9);	/* INTERLINEAR ANNOTATION ANCHOR */
	check_hidden(0xfffa);
	check_hidden(0xfffb);
	check_hidden(0xfff0);	/* reserved default-ignorable */
	check_shown(0xfffc);	/* OBJECT REPLACEMENT CHARACTER: visible */
	check_shown(0xfffd);
}

static void
test_util_escape_bidi_zero_width(void **state)
{
	uint32_t cp;

	(void)state;
	check_hidden(0x061c);	/* ARABIC LETTER MARK */
	for (cp = 0x200b; cp <= 0x200f; cp++)	/* ZWSP ZWNJ ZWJ LRM RLM */
		check_hidden(cp);
	for (cp = 0x2028; cp <= 0x202e; cp++)	/* LS PS LRE RLE PDF LRO RLO */
		check_hidden(cp);
	for (cp = 0x2060; cp <= 0x206f; cp++)	/* WJ, invisible ops, isolates */
		check_hidden(cp);
	check_hidden(0xfeff);	/* ZWNBSP, BOM */
	check_hidden(0x17b4);	/* KHMER VOWEL INHERENT AQ */
	check_hidden(0x17b5);
	check_shown(0x200a);
	check_shown(0x2027);
	check_shown(0x202f);
	check_shown(0x205f);
	check_shown(0x2070);
}

static void
test_util_escape_format_chars(void **state)
{
	uint32_t cp;

	(void)state;
	for (cp = 0x0600; cp <= 0x0605; cp++)	/* Arabic number signs */
		check_hidden(cp);
	check_hidden(0x06dd);
	check_hidden(0x070f);
	check_hidden(0x0890);
	check_hidden(0x0891);
	check_hidden(0x08e2);
	check_hidden(0x110bd);
	check_hidden(0x110cd);
	check_hidden(0x13430);	/* Egyptian hieroglyph format controls */
	check_hidden(0x1343f);
	check_hidden(0x1bca0);	/* shorthand format controls */
	check_hidden(0x1bca3);
	check_hidden(0x1d173);	/* musical symbol format controls */
	check_hidden(0x1d17a);
	check_shown(0x0606);
	check_shown(0x06de);
	check_shown(0x1d172);
	check_shown(0x1d17b);
	check_shown(0x1f600);
	check_shown(0x4e2d);
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

/* Issue 11 item 9: a name cannot add an entry to a "pid/cmd,..." list. */
static void
test_util_escape_seps(void **state)
{
	char buf[64];
	size_t n;

	(void)state;
	n = util_escape_seps(buf, sizeof(buf), "x,1/systemd", 11, ",/");
	assert_string_equal(buf, "x\\x2c1\\x2fsystemd");
	assert_int_equal(n, strlen(buf));
	/* The rest is util_escape's. */
	util_escape_seps(buf, sizeof(buf), "a\x1b\\\xff b", 6, ",/");
	assert_string_equal(buf, "a\\x1b\\\\\\xff b");
	util_escape_seps(buf, sizeof(buf), "x,1/y", 5, "");
	assert_string_equal(buf, "x,1/y");
	assert_true(util_escape_seps(NULL, 0, ",,,,", 4, ",") + 1 <=
	    UTIL_ESCAPE_MAX(4));
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

/* util_copy: cut to fit, always ended; util_utoa: every digit. */
static void
test_util_copy_utoa(void **state)
{
	char buf[8], num[21];

	(void)state;
	assert_int_equal(util_copy(buf, sizeof(buf), "IPv4"), 4);
	assert_string_equal(buf, "IPv4");
	assert_int_equal(util_copy(buf, sizeof(buf), "abcdefghij"), 7);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(util_copy(buf, 1, "x"), 0);
	assert_string_equal(buf, "");
	assert_int_equal(util_copy(buf, 0, "x"), 0);
	assert_int_equal(util_utoa(num, 0), 1);
	assert_string_equal(num, "0");
	assert_int_equal(util_utoa(num, 4026531840ULL), 10);
	assert_string_equal(num, "4026531840");
	assert_int_equal(util_utoa(num, UINT64_MAX), 20);
	assert_string_equal(num, "18446744073709551615");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_strtonum_valid),
		cmocka_unit_test(test_util_strtonum_errors),
		cmocka_unit_test(test_util_escape_plain),
		cmocka_unit_test(test_util_escape_controls),
		cmocka_unit_test(test_util_escape_soft_hyphen_cgj),
		cmocka_unit_test(test_util_escape_hangul_fillers),
		cmocka_unit_test(test_util_escape_variation_selectors),
		cmocka_unit_test(test_util_escape_tags),
		cmocka_unit_test(test_util_escape_interlinear),
		cmocka_unit_test(test_util_escape_bidi_zero_width),
		cmocka_unit_test(test_util_escape_format_chars),
		cmocka_unit_test(test_util_escape_invalid_utf8),
		cmocka_unit_test(test_util_escape_seps),
		cmocka_unit_test(test_util_escape_truncates_whole),
		cmocka_unit_test(test_util_copy_utoa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
