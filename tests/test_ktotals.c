/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ktotals.c - parsing the kernel's sockstat lines and reading the
 * fixture files under tests/data/ktotals (run from the top directory).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktotals.h"

#define FIXTURES	"tests/data/ktotals"

/* What the callback saw, as "SECTION.key=value;" appended in order. */
struct seen {
	char		 text[1024];
	int		 calls;
	int		 stop_at;	/* fail on this call (1-based); 0: never */
};

static int
record(const char *section, const char *key, int64_t value, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->text);

	if (++s->calls == s->stop_at) {
		errno = ENOSPC;
		return -1;
	}
	snprintf(s->text + n, sizeof(s->text) - n, "%s.%s=%lld;", section,
	    key, (long long)value);
	return 0;
}

static void
test_ktotals_parse_line_valid(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(ktotals_parse_line(
	    "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1\n", record, &s), 5);
	assert_string_equal(s.text,
	    "TCP.inuse=5;TCP.orphan=0;TCP.tw=2;TCP.alloc=7;TCP.mem=1;");
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktotals_parse_line("sockets: used 123", record, &s),
	    1);
	assert_string_equal(s.text, "sockets.used=123;");
}

static void
test_ktotals_parse_line_negative_and_large(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(ktotals_parse_line(
	    "FRAG6: inuse -1 memory 9223372036854775807", record, &s), 2);
	assert_string_equal(s.text,
	    "FRAG6.inuse=-1;FRAG6.memory=9223372036854775807;");
}

static void
test_ktotals_parse_line_blank(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(ktotals_parse_line("\n", record, &s), 0);
	assert_int_equal(ktotals_parse_line("   ", record, &s), 0);
	assert_int_equal(s.calls, 0);
}

static void
test_ktotals_parse_line_malformed(void **state)
{
	static const char *const bad[] = {
		"TCP inuse 5",			/* no colon */
		"TCP:",				/* no pairs */
		": inuse 5",			/* no section */
		"T-P: inuse 5",			/* not a name */
		"TCP: inuse",			/* key without value */
		"TCP: inuse 5 tw",		/* the same, later */
		"TCP: inuse 5x",		/* trailing garbage */
		"TCP: inuse -",			/* sign alone */
		"TCP: inuse 99999999999999999999",	/* overflow */
		"TCP: in-use 5",		/* key not a name */
		"TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 1 a 1 b 1 c 1 d 1 "
		    "e 1 f 1 g 1 h 1 i 1 j 1 k 1 l 1 m 1 n 1 o 1 p 1 q 1 "
		    "r 1 s 1 t 1 u 1 v 1 w 1 x 1 y 1 z 1 zz 1 zzz 1",	/* 33 */
	};
	struct seen s = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(ktotals_parse_line(bad[i], record, &s), -1);
		assert_int_equal(errno, EINVAL);
	}
	/* All or nothing: no value of a bad line reaches the callback. */
	assert_int_equal(s.calls, 0);
}

static void
test_ktotals_parse_line_too_long(void **state)
{
	struct seen s = { 0 };
	char line[600];

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "TCP: inuse 1 x ", 15);
	assert_int_equal(ktotals_parse_line(line, record, &s), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_ktotals_parse_line_cb_stops(void **state)
{
	struct seen s = { .stop_at = 2 };

	(void)state;
	assert_int_equal(ktotals_parse_line("UDP: inuse 3 mem 4", record, &s),
	    -1);
	assert_int_equal(errno, ENOSPC);
	assert_string_equal(s.text, "UDP.inuse=3;");
}

static void
test_ktotals_read_fixtures(void **state)
{
	struct seen s = { 0 };
	unsigned long malformed = 0;

	(void)state;
	assert_int_equal(ktotals_read(FIXTURES, record, &s, &malformed), 0);
	assert_string_equal(s.text,
	    "sockets.used=123;"
	    "TCP.inuse=5;TCP.orphan=0;TCP.tw=2;TCP.alloc=7;TCP.mem=1;"
	    "UDP.inuse=3;UDP.mem=4;UDPLITE.inuse=0;RAW.inuse=1;"
	    "FRAG.inuse=0;FRAG.memory=0;"
	    "TCP6.inuse=2;UDP6.inuse=1;UDPLITE6.inuse=0;RAW6.inuse=0;"
	    "FRAG6.inuse=0;FRAG6.memory=0;");
	assert_int_equal(malformed, 1);		/* "bogus line here" */
}

static void
test_ktotals_read_missing(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(ktotals_read(FIXTURES "/nonexistent", record, &s,
	    NULL), 0);
	assert_int_equal(s.calls, 0);
}

static void
test_ktotals_read_cb_stops(void **state)
{
	struct seen s = { .stop_at = 3 };

	(void)state;
	assert_int_equal(ktotals_read(FIXTURES, record, &s, NULL), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(s.calls, 3);
}

/* A sockstat that cannot be read (here a directory) is an error. */
static void
test_ktotals_read_error(void **state)
{
	char root[] = "/tmp/test_ktotals.XXXXXX", path[64];
	struct seen s = { 0 };
	int rc, e;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/net", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/net/sockstat", root);
	assert_int_equal(mkdir(path, 0700), 0);
	errno = 0;
	rc = ktotals_read(root, record, &s, NULL);
	e = errno;
	rmdir(path);
	snprintf(path, sizeof(path), "%s/net", root);
	rmdir(path);
	rmdir(root);
	assert_int_equal(rc, -1);
	assert_int_equal(e, EISDIR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ktotals_parse_line_valid),
		cmocka_unit_test(test_ktotals_parse_line_negative_and_large),
		cmocka_unit_test(test_ktotals_parse_line_blank),
		cmocka_unit_test(test_ktotals_parse_line_malformed),
		cmocka_unit_test(test_ktotals_parse_line_too_long),
		cmocka_unit_test(test_ktotals_parse_line_cb_stops),
		cmocka_unit_test(test_ktotals_read_fixtures),
		cmocka_unit_test(test_ktotals_read_missing),
		cmocka_unit_test(test_ktotals_read_cb_stops),
		cmocka_unit_test(test_ktotals_read_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
