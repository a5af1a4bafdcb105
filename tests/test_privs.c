/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_privs.c - privs_init, privs_raise/privs_lower and privs_drop_all.
 * Each case that changes capabilities runs in a forked child, which
 * sends back its /proc/self/status; the test process keeps its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/capability.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

/* What a child reports: its return codes, privs and status file. */
struct report {
	int		 rc[4];
	struct privs	 p;
	char		 status[8192];
};

/* Copies /proc/self/status into r->status. */
static void
read_status(struct report *r)
{
	ssize_t n;
	int fd;

	r->status[0] = '\0';
	if ((fd = open("/proc/self/status", O_RDONLY)) == -1)
		return;
	n = read(fd, r->status, sizeof(r->status) - 1);
	close(fd);
	r->status[n > 0 ? n : 0] = '\0';
}

/* Runs fn in a child and returns what it reported. */
static void
in_child(void (*fn)(struct report *), struct report *out)
{
	struct report *r;
	ssize_t n, got = 0;
	int pfd[2], status;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(pfd[0]);
		if ((r = calloc(1, sizeof(*r))) == NULL)
			_exit(3);
		fn(r);
		while (got < (ssize_t)sizeof(*r) &&
		    (n = write(pfd[1], (char *)r + got, sizeof(*r) - got)) > 0)
			got += n;
		free(r);
		_exit(got == (ssize_t)sizeof(*out) ? 0 : 4);
	}
	close(pfd[1]);
	memset(out, 0, sizeof(*out));
	while (got < (ssize_t)sizeof(*out) &&
	    (n = read(pfd[0], (char *)out + got, sizeof(*out) - got)) > 0)
		got += n;
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(got, sizeof(*out));
}

/* The value of a status line: decimal NoNewPrivs, hex capability sets. */
static unsigned long long
status_field(const struct report *r, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(r->status, key);
	assert_non_null(p);
	p += strlen(key);
	return strtoull(p, NULL, strcmp(name, "NoNewPrivs") == 0 ? 10 : 16);
}

static void
child_drop_all(struct report *r)
{
	r->rc[0] = privs_drop_all();
	r->rc[1] = errno;
	read_status(r);
}

static void
test_privs_drop_all_empties_sets(void **state)
{
	struct report r;

	(void)state;
	in_child(child_drop_all, &r);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(status_field(&r, "CapEff"), 0);
	assert_int_equal(status_field(&r, "CapPrm"), 0);
	assert_int_equal(status_field(&r, "CapInh"), 0);
	assert_int_equal(status_field(&r, "CapAmb"), 0);
	assert_int_equal(status_field(&r, "NoNewPrivs"), 1);
	/* The bounding set can only go with CAP_SETPCAP, which root has. */
	if (geteuid() == 0)
		assert_int_equal(status_field(&r, "CapBnd"), 0);
}

static void
child_drop_twice(struct report *r)
{
	r->rc[0] = privs_drop_all();
	/* Without CAP_SETPCAP now: must still succeed, not fail EPERM. */
	r->rc[1] = privs_drop_all();
	read_status(r);
}

static void
test_privs_drop_all_twice(void **state)
{
	struct report r;

	(void)state;
	in_child(child_drop_twice, &r);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.rc[1], 0);
	assert_int_equal(status_field(&r, "CapEff"), 0);
}

/*
 * privs_keep twice, as main.c does, from a start with an ambient
 * capability: the second call (no CAP_SETPCAP left to empty the
 * bounding set with) succeeds and narrows the permitted set.
 */
static void
child_keep_twice(struct report *r)
{
	cap_t c = cap_get_proc();
	cap_value_t v = CAP_NET_RAW;

	if (c != NULL && cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET) == 0 &&
	    cap_set_proc(c) == 0)
		r->rc[2] = cap_set_ambient(CAP_NET_RAW, CAP_SET);
	else
		r->rc[2] = -1;
	cap_free(c);
	r->rc[0] = privs_keep(PRIVS_FDS | PRIVS_NETADMIN);
	r->rc[1] = privs_keep(PRIVS_FDS);
	read_status(r);
}

static void
test_privs_keep_twice(void **state)
{
	struct report r;

	(void)state;
	if (geteuid() != 0)
		skip();
	in_child(child_keep_twice, &r);
	assert_int_equal(r.rc[2], 0);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.rc[1], 0);
	assert_int_equal(status_field(&r, "CapPrm"),
	    (1ULL << CAP_DAC_READ_SEARCH) | (1ULL << CAP_SYS_PTRACE));
	assert_int_equal(status_field(&r, "CapEff"), 0);
	assert_int_equal(status_field(&r, "CapAmb"), 0);
	assert_int_equal(status_field(&r, "CapBnd"), 0);
	assert_int_equal(status_field(&r, "NoNewPrivs"), 1);
}

static void
child_init(struct report *r)
{
	r->rc[0] = privs_init(&r->p);
	read_status(r);
}

static void
test_privs_init_clears_effective(void **state)
{
	struct report r;
	unsigned long long before;

	(void)state;
	if (geteuid() != 0)
		skip();
	in_child(child_init, &r);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.p.is_root, 1);
	assert_int_equal(status_field(&r, "CapEff"), 0);
	before = status_field(&r, "CapPrm");
	assert_true(before != 0);
	if ((before & (1ULL << CAP_DAC_READ_SEARCH)) &&
	    (before & (1ULL << CAP_SYS_PTRACE))) {
		assert_int_equal(r.p.can_read_fds, 1);
		assert_string_equal(r.p.missing, "");
	}
}

static void
child_raise_lower(struct report *r)
{
	char buf[sizeof(r->status)];

	r->rc[0] = privs_init(&r->p);
	r->rc[1] = privs_raise(PRIVS_FDS);
	read_status(r);
	memcpy(buf, r->status, sizeof(buf));
	r->rc[2] = privs_lower();
	read_status(r);
	/* Keep the raised status after the lowered one, marked. */
	strncat(r->status, "\nRaised", sizeof(r->status) - strlen(r->status)
	    - 1);
	strncat(r->status, strstr(buf, "\nCapEff:") ? strstr(buf,
	    "\nCapEff:") + 4 : "", sizeof(r->status) - strlen(r->status) - 1);
}

static void
test_privs_raise_fds(void **state)
{
	struct report r;
	unsigned long long want;

	(void)state;
	if (geteuid() != 0)
		skip();
	in_child(child_raise_lower, &r);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.rc[1], 0);
	assert_int_equal(r.rc[2], 0);
	want = (1ULL << CAP_DAC_READ_SEARCH) | (1ULL << CAP_SYS_PTRACE);
	assert_int_equal(status_field(&r, "RaisedEff"), want);
	assert_int_equal(status_field(&r, "CapEff"), 0);
}

static void
child_raise_fds_netns(struct report *r)
{
	r->rc[0] = privs_init(&r->p);
	r->rc[1] = privs_raise(PRIVS_FDS | PRIVS_NETNS);
	read_status(r);
	r->rc[2] = privs_lower();
}

/* A mask raises both uses at once; PRIVS_NETNS is cap_sys_admin alone. */
static void
test_privs_raise_mask_netns(void **state)
{
	struct report r;
	unsigned long long want;

	(void)state;
	if (geteuid() != 0)
		skip();
	in_child(child_raise_fds_netns, &r);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.rc[1], 0);
	assert_int_equal(r.rc[2], 0);
	assert_int_equal(r.p.can_setns, 1);
	want = (1ULL << CAP_DAC_READ_SEARCH) | (1ULL << CAP_SYS_PTRACE) |
	    (1ULL << CAP_SYS_ADMIN);
	assert_int_equal(status_field(&r, "CapEff"), want);
}

static void
test_privs_raise_invalid(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(privs_raise(99), -1);
	assert_int_equal(errno, EINVAL);
}

static void
child_init_without_ptrace(struct report *r)
{
	cap_value_t v = CAP_SYS_PTRACE;
	cap_t caps = cap_get_proc();

	/* Drop SYS_PTRACE from every set, as a container would. */
	if (caps == NULL ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) == -1 ||
	    cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR) == -1 ||
	    cap_set_proc(caps) == -1) {
		r->rc[0] = -2;
		return;
	}
	cap_free(caps);
	r->rc[0] = privs_init(&r->p);
	r->rc[1] = privs_raise(PRIVS_FDS);
	read_status(r);
}

static void
test_privs_init_missing(void **state)
{
	struct report r;

	(void)state;
	if (geteuid() != 0)
		skip();
	in_child(child_init_without_ptrace, &r);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.p.can_read_fds, 0);
	assert_string_equal(r.p.missing, "cap_sys_ptrace");
	/* Raising still gives what is permitted, and only that. */
	assert_int_equal(r.rc[1], 0);
	assert_int_equal(status_field(&r, "CapEff"),
	    1ULL << CAP_DAC_READ_SEARCH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_privs_drop_all_empties_sets),
		cmocka_unit_test(test_privs_drop_all_twice),
		cmocka_unit_test(test_privs_keep_twice),
		cmocka_unit_test(test_privs_init_clears_effective),
		cmocka_unit_test(test_privs_raise_fds),
		cmocka_unit_test(test_privs_raise_invalid),
		cmocka_unit_test(test_privs_raise_mask_netns),
		cmocka_unit_test(test_privs_init_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
