/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_libexec.c - where sockstat finds sockstat-top: beside the running
 * binary first (this test finds itself there), else in the directory
 * make install uses; a path too long for the buffer is an error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libexec.h"

/* The directory of this test binary, from /proc/self/exe. */
static void
self_dir(char *buf, size_t len)
{
	ssize_t n;

	n = readlink("/proc/self/exe", buf, len - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	*strrchr(buf, '/') = '\0';
}

static void
test_libexec_beside_binary(void **state)
{
	char dir[PATH_MAX], want[PATH_MAX + 32], got[PATH_MAX];

	(void)state;
	self_dir(dir, sizeof(dir));
	snprintf(want, sizeof(want), "%s/test_libexec", dir);
	assert_int_equal(libexec_path("test_libexec", got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

static void
test_libexec_installed(void **state)
{
	char want[PATH_MAX], got[PATH_MAX];

	(void)state;
	/* Not beside this binary: the installed directory, absolute. */
	snprintf(want, sizeof(want), "%s/no-such-helper", libexec_dir());
	assert_int_equal(libexec_path("no-such-helper", got, sizeof(got)), 0);
	assert_string_equal(got, want);
	assert_true(got[0] == '/');
	/* A file beside it that cannot be run is passed over. */
	assert_int_equal(libexec_path("test_libexec.c", got, sizeof(got)), 0);
	assert_true(strncmp(got, libexec_dir(), strlen(libexec_dir())) == 0);
}

static void
test_libexec_too_long(void **state)
{
	char small[8];

	(void)state;
	errno = 0;
	assert_int_equal(libexec_path("sockstat-top", small, sizeof(small)),
	    -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libexec_beside_binary),
		cmocka_unit_test(test_libexec_installed),
		cmocka_unit_test(test_libexec_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
