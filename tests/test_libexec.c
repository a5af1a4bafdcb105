/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_libexec.c - where sockstat finds sockstat-top and when it runs
 * it: beside the running binary first (this test finds itself there),
 * else in the directory make install uses; only a regular file that,
 * like its directory, is owned by root or the user and writable by no
 * one else; a link is not followed; a path too long is an error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
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

/* Skips the test when this binary's directory is not trusted itself. */
static void
need_trusted_dir(const char *dir)
{
	struct stat st;

	assert_int_equal(stat(dir, &st), 0);
	if (!libexec_trusted(&st, geteuid()))
		skip();
}

static void
test_libexec_beside_binary(void **state)
{
	char dir[PATH_MAX], want[PATH_MAX + 32], got[PATH_MAX];
	struct stat a, b;
	int fd;

	(void)state;
	self_dir(dir, sizeof(dir));
	need_trusted_dir(dir);
	snprintf(want, sizeof(want), "%s/test_libexec", dir);
	fd = libexec_open("test_libexec", geteuid(), got, sizeof(got));
	assert_true(fd >= 0);
	assert_string_equal(got, want);
	/* The descriptor is of the very file. */
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(want, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(fd);
}

static void
test_libexec_installed(void **state)
{
	char want[PATH_MAX], got[PATH_MAX];

	(void)state;
	/* In none of the places: the installed one is named, absolute. */
	snprintf(want, sizeof(want), "%s/no-such-helper", libexec_dir());
	assert_int_equal(libexec_open("no-such-helper", geteuid(), got,
	    sizeof(got)), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(got, want);
	assert_true(got[0] == '/');
}

static void
test_libexec_trusted(void **state)
{
	struct stat st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0755;
	assert_true(libexec_trusted(&st, 1000));
	st.st_uid = 1000;
	assert_true(libexec_trusted(&st, 1000));
	assert_false(libexec_trusted(&st, 0));
	assert_false(libexec_trusted(&st, 1001));
	st.st_uid = 0;
	st.st_mode = S_IFREG | 0775;
	assert_false(libexec_trusted(&st, 0));
	st.st_mode = S_IFREG | 0757;
	assert_false(libexec_trusted(&st, 0));
	st.st_mode = S_IFDIR | 01777;
	assert_false(libexec_trusted(&st, 0));
	st.st_mode = S_IFDIR | 0700;
	assert_true(libexec_trusted(&st, 0));
}

/* A file beside this binary that others may write, and a link: not run. */
static void
test_libexec_untrusted_beside(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], got[PATH_MAX];
	int fd;

	(void)state;
	self_dir(dir, sizeof(dir));
	need_trusted_dir(dir);
	snprintf(path, sizeof(path), "%s/test_libexec.writable", dir);
	assert_true((fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755)) >=
	    0);
	assert_int_equal(fchmod(fd, 0777), 0);
	close(fd);
	assert_int_equal(libexec_open("test_libexec.writable", geteuid(), got,
	    sizeof(got)), -1);
	assert_int_equal(errno, EPERM);
	assert_string_equal(got, path);
	/* Owned by this user, but trusted only for root's programs. */
	assert_int_equal(chmod(path, 0755), 0);
	if (geteuid() != 0) {
		assert_int_equal(libexec_open("test_libexec.writable", 0, got,
		    sizeof(got)), -1);
		assert_int_equal(errno, EPERM);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/test_libexec.link", dir);
	unlink(path);
	assert_int_equal(symlink("test_libexec", path), 0);
	assert_int_equal(libexec_open("test_libexec.link", geteuid(), got,
	    sizeof(got)), -1);
	assert_int_equal(errno, EPERM);
	unlink(path);
	/* A directory where the program should be is not run either. */
	snprintf(path, sizeof(path), "%s/test_libexec.dir", dir);
	rmdir(path);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(libexec_open("test_libexec.dir", geteuid(), got,
	    sizeof(got)), -1);
	assert_int_equal(errno, EPERM);
	rmdir(path);
}

static void
test_libexec_too_long(void **state)
{
	char small[8];

	(void)state;
	errno = 0;
	assert_int_equal(libexec_open("sockstat-top", geteuid(), small,
	    sizeof(small)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libexec_beside_binary),
		cmocka_unit_test(test_libexec_installed),
		cmocka_unit_test(test_libexec_trusted),
		cmocka_unit_test(test_libexec_untrusted_beside),
		cmocka_unit_test(test_libexec_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
