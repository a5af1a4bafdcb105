/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_jsonw.c - the streaming JSON writer: separators, layouts,
 * escaping, misuse and write errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

struct buf {
	char		*data;
	size_t		 len;
	FILE		*fp;
	struct jsonw	*j;
};

static int
setup_compact(void **state)
{
	struct buf *b = calloc(1, sizeof(*b));

	if (b == NULL || (b->fp = open_memstream(&b->data, &b->len)) == NULL)
		return -1;
	if ((b->j = jsonw_new(b->fp, 0)) == NULL)
		return -1;
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct buf *b = *state;

	jsonw_free(b->j);
	if (b->fp != NULL)
		fclose(b->fp);
	free(b->data);
	free(b);
	return 0;
}

/* Syncs writer and stream and returns what the writer wrote so far. */
static const char *
text(struct buf *b)
{
	(void)jsonw_status(b->j);
	assert_int_equal(fflush(b->fp), 0);
	return b->data;
}

/* Sets up a writer with other flags in place of the compact one. */
static struct jsonw *
reflag(struct buf *b, int flags)
{
	jsonw_free(b->j);
	b->j = jsonw_new(b->fp, flags);
	assert_non_null(b->j);
	return b->j;
}

static void
test_jsonw_new_null_file(void **state)
{
	(void)state;
	errno = 0;
	assert_null(jsonw_new(NULL, 0));
	assert_int_equal(errno, EINVAL);
	jsonw_free(NULL);
}

static void
test_jsonw_object_separators(void **state)
{
	struct buf *b = *state;
	struct jsonw *j = b->j;

	jsonw_start_object(j);
	jsonw_string_field(j, "a", "x");
	jsonw_uint_field(j, "b", 18446744073709551615ULL);
	jsonw_int_field(j, "c", -9223372036854775807LL - 1);
	jsonw_bool_field(j, "d", 1);
	jsonw_bool_field(j, "e", 0);
	jsonw_null_field(j, "f");
	jsonw_string_field(j, "g", NULL);
	jsonw_end_object(j);
	assert_int_equal(jsonw_status(j), 0);
	assert_string_equal(text(b), "{\"a\":\"x\",\"b\":18446744073709551615,"
	    "\"c\":-9223372036854775808,\"d\":true,\"e\":false,\"f\":null,"
	    "\"g\":null}");
}

static void
test_jsonw_nested(void **state)
{
	struct buf *b = *state;
	struct jsonw *j = b->j;

	jsonw_start_array(j);
	jsonw_start_object(j);
	jsonw_key(j, "l");
	jsonw_start_array(j);
	jsonw_uint(j, 1);
	jsonw_start_array(j);
	jsonw_end_array(j);
	jsonw_start_object(j);
	jsonw_end_object(j);
	jsonw_end_array(j);
	jsonw_key(j, "o");
	jsonw_start_object(j);
	jsonw_int_field(j, "x", -1);
	jsonw_end_object(j);
	jsonw_end_object(j);
	jsonw_uint(j, 2);
	jsonw_end_array(j);
	assert_int_equal(jsonw_status(j), 0);
	assert_string_equal(text(b), "[{\"l\":[1,[],{}],\"o\":{\"x\":-1}},2]");
}

static void
test_jsonw_toplevel_values(void **state)
{
	struct buf *b = *state;

	/* Several documents in a row: the writer adds no separator. */
	jsonw_uint(b->j, 1);
	jsonw_start_array(b->j);
	jsonw_end_array(b->j);
	assert_int_equal(jsonw_status(b->j), 0);
	assert_string_equal(text(b), "1[]");
}

static void
test_jsonw_pretty(void **state)
{
	struct buf *b = *state;
	struct jsonw *j = reflag(b, JSONW_PRETTY);

	jsonw_start_object(j);
	jsonw_key(j, "a");
	jsonw_start_array(j);
	jsonw_uint(j, 1);
	jsonw_uint(j, 2);
	jsonw_end_array(j);
	jsonw_key(j, "e");
	jsonw_start_object(j);
	jsonw_end_object(j);
	jsonw_end_object(j);
	assert_int_equal(jsonw_status(j), 0);
	assert_string_equal(text(b),
	    "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"e\": {}\n}");
}

static void
test_jsonw_lines(void **state)
{
	struct buf *b = *state;
	struct jsonw *j = reflag(b, JSONW_LINES);

	jsonw_start_array(j);
	assert_string_equal(text(b), "[\n");
	jsonw_start_object(j);
	jsonw_uint_field(j, "a", 1);
	jsonw_key(j, "b");
	jsonw_start_array(j);
	jsonw_uint(j, 2);
	jsonw_uint(j, 3);
	jsonw_end_array(j);
	jsonw_end_object(j);
	jsonw_start_object(j);
	jsonw_end_object(j);
	jsonw_end_array(j);
	assert_int_equal(jsonw_status(j), 0);
	assert_string_equal(text(b), "[\n{\"a\":1,\"b\":[2,3]},\n{}\n]");
}

static void
test_jsonw_lines_empty(void **state)
{
	struct buf *b = *state;
	struct jsonw *j = reflag(b, JSONW_LINES);

	jsonw_start_array(j);
	jsonw_end_array(j);
	assert_int_equal(jsonw_status(j), 0);
	assert_string_equal(text(b), "[\n]");
}

static void
test_jsonw_string_escapes(void **state)
{
	struct buf *b = *state;

	jsonw_string(b->j, "a\"b\\c/d\n\t\x01\x1f\x7f");
	assert_int_equal(jsonw_status(b->j), 0);
	assert_string_equal(text(b),
	    "\"a\\\"b\\\\c/d\\u000a\\u0009\\u0001\\u001f\\u007f\"");
}

static void
test_jsonw_string_len_nul(void **state)
{
	struct buf *b = *state;

	jsonw_string_len(b->j, "a\0b", 3);
	jsonw_string_len(b->j, "", 0);
	assert_string_equal(text(b), "\"a\\u0000b\"\"\"");
}

static void
test_jsonw_string_utf8(void **state)
{
	struct buf *b = *state;

	/* é, €, U+1F600 pass; U+0085 (C1 NEL) is escaped. */
	jsonw_string(b->j, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc2\x85");
	assert_string_equal(text(b),
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\\u0085\"");
}

static void
test_jsonw_string_invalid_utf8(void **state)
{
	struct buf *b = *state;

	/*
	 * A lone continuation byte, an overlong '/', a surrogate, a
	 * truncated sequence at the end and a byte never valid (0xff).
	 */
	jsonw_string(b->j, "a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "d\xff" "e\xe2\x82");
	assert_int_equal(jsonw_status(b->j), 0);
	assert_string_equal(text(b),
	    "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffde"
	    "\\ufffd\\ufffd\"");
}

/*
 * Issue 11 item 10: line separators and invisible characters are written
 * as \uXXXX, a surrogate pair past U+FFFF: the value is unchanged.
 */
static void
test_jsonw_string_invisible(void **state)
{
	struct buf *b = *state;

	/* U+2028, U+2029, U+00AD, U+3164, U+FE0F, U+E0041, U+202E */
	jsonw_string(b->j, "a\xe2\x80\xa8\xe2\x80\xa9\xc2\xad\xe3\x85\xa4"
	    "\xef\xb8\x8f\xf3\xa0\x81\x81\xe2\x80\xae" "z");
	assert_int_equal(jsonw_status(b->j), 0);
	assert_string_equal(text(b), "\"a\\u2028\\u2029\\u00ad\\u3164\\ufe0f"
	    "\\udb40\\udc41\\u202ez\"");
}

/* Valid UTF-8 needs nothing more than the string: no _bytes member. */
static void
test_jsonw_text_field_utf8(void **state)
{
	struct buf *b = *state;

	jsonw_start_object(b->j);
	jsonw_text_field(b->j, "command", "caf\xc3\xa9\x1b[1m", 9);
	jsonw_text_field(b->j, "path", "\0ab", 3);
	jsonw_text_field(b->j, "none", NULL, 0);
	jsonw_end_object(b->j);
	assert_int_equal(jsonw_status(b->j), 0);
	assert_string_equal(text(b), "{\"command\":\"caf\xc3\xa9\\u001b[1m\","
	    "\"path\":\"\\u0000ab\",\"none\":null}");
}

/* Bytes that are not UTF-8: U+FFFD in the string, all bytes in hex. */
static void
test_jsonw_text_field_invalid(void **state)
{
	struct buf *b = *state;

	jsonw_start_object(b->j);
	jsonw_text_field(b->j, "command", "\xff\xfe" "evil\xc3", 7);
	jsonw_end_object(b->j);
	assert_int_equal(jsonw_status(b->j), 0);
	assert_string_equal(text(b), "{\"command\":\"\\ufffd\\ufffdevil\\ufffd\","
	    "\"command_bytes\":\"fffe6576696cc3\"}");
}

static void
test_jsonw_text_field_long_key(void **state)
{
	struct buf *b = *state;
	char key[JSONW_KEY_MAX + 2];

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	jsonw_start_object(b->j);
	jsonw_text_field(b->j, key, "\xff", 1);
	errno = 0;
	assert_int_equal(jsonw_status(b->j), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_jsonw_hex(void **state)
{
	struct buf *b = *state;

	jsonw_start_array(b->j);
	jsonw_hex(b->j, "\x00\x7f\xab", 3);
	jsonw_hex(b->j, "", 0);
	jsonw_end_array(b->j);
	assert_string_equal(text(b), "[\"007fab\",\"\"]");
}

static void
test_jsonw_key_escaped(void **state)
{
	struct buf *b = *state;

	jsonw_start_object(b->j);
	jsonw_null_field(b->j, "k\"\x02");
	jsonw_end_object(b->j);
	assert_string_equal(text(b), "{\"k\\\"\\u0002\":null}");
}

static void
test_jsonw_status_value_without_key(void **state)
{
	struct buf *b = *state;

	jsonw_start_object(b->j);
	jsonw_uint(b->j, 1);
	assert_int_equal(jsonw_status(b->j), -1);
	assert_int_equal(errno, EINVAL);
	/* Sticky: nothing more is written. */
	jsonw_end_object(b->j);
	assert_string_equal(text(b), "{");
}

static void
test_jsonw_status_mismatched_end(void **state)
{
	struct buf *b = *state;

	jsonw_start_array(b->j);
	jsonw_end_object(b->j);
	assert_int_equal(jsonw_status(b->j), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_jsonw_status_key_misuse(void **state)
{
	struct buf *b = *state;

	jsonw_key(b->j, "top");		/* no object open */
	assert_int_equal(jsonw_status(b->j), -1);
	assert_int_equal(errno, EINVAL);

	reflag(b, 0);
	jsonw_start_object(b->j);
	jsonw_key(b->j, "a");
	jsonw_end_object(b->j);		/* key without value */
	assert_int_equal(jsonw_status(b->j), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_jsonw_status_too_deep(void **state)
{
	struct buf *b = *state;
	int i;

	for (i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_start_array(b->j);
	assert_int_equal(jsonw_status(b->j), 0);
	jsonw_start_array(b->j);
	assert_int_equal(jsonw_status(b->j), -1);
	assert_int_equal(errno, E2BIG);
}

static void
test_jsonw_status_write_error(void **state)
{
	char small[8];
	FILE *fp;
	struct jsonw *j;

	(void)state;
	/* Unbuffered, so the short write shows at once. */
	assert_non_null(fp = fmemopen(small, sizeof(small), "w"));
	setvbuf(fp, NULL, _IONBF, 0);
	assert_non_null(j = jsonw_new(fp, 0));
	jsonw_start_array(j);
	jsonw_string(j, "far longer than eight bytes");
	jsonw_end_array(j);
	assert_int_equal(jsonw_status(j), -1);
	assert_int_not_equal(errno, 0);
	jsonw_free(j);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonw_new_null_file),
#define T(f) cmocka_unit_test_setup_teardown(f, setup_compact, teardown)
		T(test_jsonw_object_separators),
		T(test_jsonw_nested),
		T(test_jsonw_toplevel_values),
		T(test_jsonw_pretty),
		T(test_jsonw_lines),
		T(test_jsonw_lines_empty),
		T(test_jsonw_string_escapes),
		T(test_jsonw_string_len_nul),
		T(test_jsonw_string_utf8),
		T(test_jsonw_string_invalid_utf8),
		T(test_jsonw_string_invisible),
		T(test_jsonw_text_field_utf8),
		T(test_jsonw_text_field_invalid),
		T(test_jsonw_text_field_long_key),
		T(test_jsonw_hex),
		T(test_jsonw_key_escaped),
		T(test_jsonw_status_value_without_key),
		T(test_jsonw_status_mismatched_end),
		T(test_jsonw_status_key_misuse),
		T(test_jsonw_status_too_deep),
		cmocka_unit_test(test_jsonw_status_write_error),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
