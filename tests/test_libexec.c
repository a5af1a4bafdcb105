/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_libexec.c - where sockstat finds sockstat-top and when it uses
 * it: beside the binary first, then ../libexec/sockstat from it, then
 * the directory make install uses; only a regular file that, like each
 * directory walked to it, is no link, is owned by root, the user or the
 * binary's owner, and is writable by no one else (the group may write
 * for a user who is not root).  Each case is built in a directory of
 * its own.
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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libexec.h"

static char top[PATH_MAX];
static struct libexec_trust me;

static void
path_of(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", top, rel);
}

static void
make_dir(const char *rel, mode_t mode)
{
	char p[PATH_MAX + 64];

	path_of(p, sizeof(p), rel);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void
make_file(const char *rel, mode_t mode)
{
	char p[PATH_MAX + 64];
	int fd;

	path_of(p, sizeof(p), rel);
	assert_true((fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0700)) >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Opens name from base (under top); the path chosen into got. */
static int
open_from(const char *base, const char *name, char *got, size_t len)
{
	char b[PATH_MAX + 64];

	path_of(b, sizeof(b), base);
	return libexec_open_from(b, name, &me, got, len);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/test_libexec.XXXXXX");
	if (mkdtemp(top) == NULL || chmod(top, 0755) == -1)
		return -1;
	me.user = geteuid();
	me.owner = geteuid();
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_libexec_beside_then_installed(void **state)
{
	char want[PATH_MAX + 64], got[PATH_MAX + 64];
	struct stat a, b;
	int fd;

	(void)state;
	make_dir("a", 0755);
	make_dir("a/bin", 0755);
	make_dir("a/libexec", 0755);
	make_dir("a/libexec/sockstat", 0755);
	make_file("a/libexec/sockstat/helper", 0755);
	/* Not beside the binary: ../libexec/sockstat. */
	fd = open_from("a/bin", "helper", got, sizeof(got));
	assert_true(fd >= 0);
	path_of(want, sizeof(want), "a/bin/../libexec/sockstat/helper");
	assert_string_equal(got, want);
	/* The descriptor is of the very file. */
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(want, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(fd);
	/* Beside it comes first. */
	make_file("a/bin/helper", 0755);
	assert_true((fd = open_from("a/bin", "helper", got, sizeof(got))) >=
	    0);
	path_of(want, sizeof(want), "a/bin/helper");
	assert_string_equal(got, want);
	close(fd);
}

static void
test_libexec_nowhere(void **state)
{
	char want[PATH_MAX], got[PATH_MAX + 64];

	(void)state;
	make_dir("n", 0755);
	/* In none of the places: the installed one is named, absolute. */
	snprintf(want, sizeof(want), "%s/no-such-helper", libexec_dir());
	assert_int_equal(open_from("n", "no-such-helper", got, sizeof(got)),
	    -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(got, want);
}

static void
test_libexec_trusted(void **state)
{
	struct libexec_trust root = { 0, 0 }, user = { 1000, 1000 },
	    built = { 1000, 1001 };
	struct stat st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0755;
	assert_true(libexec_trusted(&st, &root));
	assert_true(libexec_trusted(&st, &user));
	st.st_uid = 1000;
	assert_true(libexec_trusted(&st, &user));
	assert_false(libexec_trusted(&st, &root));
	st.st_uid = 1001;
	assert_false(libexec_trusted(&st, &user));
	assert_true(libexec_trusted(&st, &built));
	/* The group may write a user's own files, never root's or others'. */
	st.st_uid = 1000;
	st.st_mode = S_IFREG | 0775;
	assert_true(libexec_trusted(&st, &user));
	st.st_uid = 1001;
	assert_false(libexec_trusted(&st, &built));
	st.st_uid = 0;
	assert_false(libexec_trusted(&st, &root));
	assert_false(libexec_trusted(&st, &user));
	st.st_mode = S_IFREG | 0757;
	assert_false(libexec_trusted(&st, &root));
	assert_false(libexec_trusted(&st, &user));
	st.st_mode = S_IFDIR | 01777;
	assert_false(libexec_trusted(&st, &root));
	st.st_mode = S_IFDIR | 0700;
	assert_true(libexec_trusted(&st, &root));
}

/* Opening name from base is refused as not trusted. */
static void
refused(const char *base, const char *name)
{
	char got[PATH_MAX + 64];

	assert_int_equal(open_from(base, name, got, sizeof(got)), -1);
	assert_int_equal(errno, EPERM);
}

/* What another user could write, or a link: never used. */
static void
test_libexec_untrusted(void **state)
{
	char p[PATH_MAX + 64];

	(void)state;
	make_dir("u", 0755);
	/* A file others may write, beside the binary. */
	make_file("u/helper", 0757);
	refused("u", "helper");
	/* A directory anyone may write (as /tmp), the file fine. */
	make_dir("w", 01777);
	make_file("w/helper", 0755);
	refused("w", "helper");
	/* A link to a good file, and a directory, where the file should be. */
	make_dir("l", 0755);
	make_file("l/real", 0755);
	path_of(p, sizeof(p), "l/helper");
	assert_int_equal(symlink("real", p), 0);
	refused("l", "helper");
	make_dir("d", 0755);
	make_dir("d/helper", 0755);
	refused("d", "helper");
	/* ../libexec a link another user could have made: not followed. */
	make_dir("s", 0755);
	make_dir("s/bin", 0755);
	make_dir("elsewhere", 0755);
	make_dir("elsewhere/sockstat", 0755);
	make_file("elsewhere/sockstat/helper", 0755);
	path_of(p, sizeof(p), "s/libexec");
	assert_int_equal(symlink("../elsewhere", p), 0);
	refused("s/bin", "helper");
	/* ../libexec writable by anyone: not trusted either. */
	make_dir("o", 0755);
	make_dir("o/bin", 0755);
	make_dir("o/libexec", 0777);
	make_dir("o/libexec/sockstat", 0755);
	make_file("o/libexec/sockstat/helper", 0755);
	refused("o/bin", "helper");
	/* Owned by this user, but trusted only for root's programs. */
	if (geteuid() != 0) {
		struct libexec_trust root = { 0, 0 };
		char b[PATH_MAX + 64], got[PATH_MAX + 64];

		make_dir("r", 0755);
		make_file("r/helper", 0755);
		path_of(b, sizeof(b), "r");
		assert_int_equal(libexec_open_from(b, "helper", &root, got,
		    sizeof(got)), -1);
		assert_int_equal(errno, EPERM);
	}
}

static void
test_libexec_too_long(void **state)
{
	char small[8];

	(void)state;
	errno = 0;
	assert_int_equal(libexec_open_from(NULL, "sockstat-top", &me, small,
	    sizeof(small)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* From the running binary: this test finds itself beside it. */
static void
test_libexec_self(void **state)
{
	char dir[PATH_MAX], want[PATH_MAX + 32], got[PATH_MAX + 64];
	struct libexec_trust t;
	struct stat st;
	ssize_t n;
	int fd;

	(void)state;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	assert_true(n > 0);
	dir[n] = '\0';
	*strrchr(dir, '/') = '\0';
	libexec_trust_self(&t);
	assert_int_equal(stat(dir, &st), 0);
	if (!libexec_trusted(&st, &t))
		skip();		/* a tree others may write: not used */
	snprintf(want, sizeof(want), "%s/test_libexec", dir);
	fd = libexec_open("test_libexec", &t, got, sizeof(got));
	assert_true(fd >= 0);
	assert_string_equal(got, want);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libexec_beside_then_installed),
		cmocka_unit_test(test_libexec_nowhere),
		cmocka_unit_test(test_libexec_trusted),
		cmocka_unit_test(test_libexec_untrusted),
		cmocka_unit_test(test_libexec_too_long),
		cmocka_unit_test(test_libexec_self),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
