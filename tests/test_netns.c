/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_netns.c - the parts of netns.c that need no privilege: reading a
 * --netns argument, and listing namespaces from a fake /proc and a fake
 * /run/netns in a temporary directory.  Two processes in one namespace
 * are two hard links to one file there, as they are two links to one
 * nsfs inode on a real host.
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

#include "netns.h"

struct fake {
	char	 root[64];
	char	 proc[96], run[96];
};

static void
mkpath(const char *fmt, const char *a, const char *b)
{
	char p[PATH_MAX];

	if ((size_t)snprintf(p, sizeof(p), fmt, a, b) >= sizeof(p))
		fail();
	assert_int_equal(mkdir(p, 0755), 0);
}

/* A namespace file: created for the first holder, linked for the rest. */
static void
ns_file(struct fake *f, const char *pid, const char *same_as)
{
	char p[PATH_MAX], q[PATH_MAX];
	int fd;

	mkpath("%s/%s", f->proc, pid);
	mkpath("%s/%s/ns", f->proc, pid);
	snprintf(p, sizeof(p), "%s/%s/ns/net", f->proc, pid);
	if (same_as == NULL) {
		assert_true((fd = open(p, O_CREAT | O_WRONLY, 0644)) >= 0);
		close(fd);
	} else {
		snprintf(q, sizeof(q), "%s", same_as);
		assert_int_equal(link(q, p), 0);
	}
}

/*
 * PIDs 1 and 7 share a namespace (self is 1's), 9 has its own, which
 * /run/netns names "blue"; "red" is held by no process at all.
 */
static int
setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	char p[PATH_MAX];
	int fd;

	assert_non_null(f);
	strcpy(f->root, "/tmp/test_netns.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->proc, sizeof(f->proc), "%s/proc", f->root);
	snprintf(f->run, sizeof(f->run), "%s/run", f->root);
	assert_int_equal(mkdir(f->proc, 0755), 0);
	assert_int_equal(mkdir(f->run, 0755), 0);
	ns_file(f, "1", NULL);
	snprintf(p, sizeof(p), "%s/1/ns/net", f->proc);
	ns_file(f, "7", p);
	ns_file(f, "9", NULL);
	snprintf(p, sizeof(p), "%s/self", f->proc);
	assert_int_equal(symlink("1", p), 0);
	snprintf(p, sizeof(p), "%s/9/ns/net", f->proc);
	{
		char q[PATH_MAX];

		snprintf(q, sizeof(q), "%s/blue", f->run);
		assert_int_equal(link(p, q), 0);
		snprintf(q, sizeof(q), "%s/red", f->run);
		assert_true((fd = open(q, O_CREAT | O_WRONLY, 0644)) >= 0);
		close(fd);
	}
	/* Not a process: never listed. */
	mkpath("%s/%s", f->proc, "sys");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fake *f = *state;
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
test_netns_arg_kind(void **state)
{
	(void)state;
	assert_int_equal(netns_arg_kind("1234"), NETNS_ARG_PID);
	assert_int_equal(netns_arg_kind("/proc/1/ns/net"), NETNS_ARG_PATH);
	assert_int_equal(netns_arg_kind("./x"), NETNS_ARG_PATH);
	assert_int_equal(netns_arg_kind("blue"), NETNS_ARG_NAME);
	assert_int_equal(netns_arg_kind("12a"), NETNS_ARG_NAME);
	assert_int_equal(netns_arg_kind(""), NETNS_ARG_NAME);
}

static void
test_netns_arg_path_forms(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(netns_arg_path("42", "/p", "/r", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/p/42/ns/net");
	assert_int_equal(netns_arg_path("blue", "/p", "/r", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "/r/blue");
	assert_int_equal(netns_arg_path("/x/y", "/p", "/r", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "/x/y");
}

static void
test_netns_arg_path_bad(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(netns_arg_path("", "/p", "/r", buf, sizeof(buf)),
	    EINVAL);
	assert_int_equal(netns_arg_path("..", "/p", "/r", buf, sizeof(buf)),
	    EINVAL);
	assert_int_equal(netns_arg_path("0", "/p", "/r", buf, sizeof(buf)),
	    EINVAL);
	assert_int_equal(netns_arg_path("99999999999", "/p", "/r", buf,
	    sizeof(buf)), EINVAL);
	assert_int_equal(netns_arg_path("averyveryverylongname", "/p", "/r",
	    buf, sizeof(buf)), ENAMETOOLONG);
}

static const struct netns_ent *
by_name(const struct netns_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].id.name != NULL &&
		    strcmp(l->v[i].id.name, name) == 0)
			return &l->v[i];
	return NULL;
}

static void
test_netns_list_all_dedup(void **state)
{
	struct fake *f = *state;
	struct netns_list l = { NULL, 0, 0 };
	struct stat st;
	char p[PATH_MAX];

	assert_int_equal(netns_list_all(&l, f->proc, f->run), 0);
	/* self (1 and 7), blue (9), red: three namespaces. */
	assert_int_equal(l.n, 3);
	snprintf(p, sizeof(p), "%s/1/ns/net", f->proc);
	assert_int_equal(stat(p, &st), 0);
	/* Self first, then the named ones by name. */
	assert_true(l.v[0].self);
	assert_int_equal(l.v[0].id.inode, st.st_ino);
	assert_null(l.v[0].id.name);
	assert_string_equal(l.v[1].id.name, "blue");
	assert_string_equal(l.v[2].id.name, "red");
	assert_false(l.v[1].self);
	netns_list_free(&l);
	assert_int_equal(l.n, 0);
}

static void
test_netns_list_all_no_run_dir(void **state)
{
	struct fake *f = *state;
	struct netns_list l = { NULL, 0, 0 };
	char run[PATH_MAX];

	snprintf(run, sizeof(run), "%s/none", f->root);
	assert_int_equal(netns_list_all(&l, f->proc, run), 0);
	assert_int_equal(l.n, 2);
	assert_null(by_name(&l, "blue"));
	netns_list_free(&l);
}

static void
test_netns_list_one_names(void **state)
{
	struct fake *f = *state;
	struct netns_list l = { NULL, 0, 0 };
	char p[PATH_MAX];

	/* By PID, by path, by name: one namespace, named blue each time. */
	assert_int_equal(netns_list_one(&l, "9", f->proc, f->run), 0);
	snprintf(p, sizeof(p), "%s/9/ns/net", f->proc);
	assert_int_equal(netns_list_one(&l, p, f->proc, f->run), 0);
	assert_int_equal(netns_list_one(&l, "blue", f->proc, f->run), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].id.name, "blue");
	assert_false(l.v[0].self);
	netns_list_free(&l);
	assert_int_equal(netns_list_one(&l, "7", f->proc, f->run), 0);
	assert_true(l.v[0].self);
	assert_null(l.v[0].id.name);
	netns_list_free(&l);
	errno = 0;
	assert_int_equal(netns_list_one(&l, "green", f->proc, f->run), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(netns_list_one(&l, "..", f->proc, f->run), -1);
	assert_int_equal(errno, EINVAL);
	netns_list_free(&l);
}

static void
test_netns_list_label(void **state)
{
	struct fake *f = *state;
	struct netns_list l = { NULL, 0, 0 };
	char p[PATH_MAX], q[PATH_MAX], num[24];
	ssize_t w;

	/* A name with a newline is shown escaped, never raw. */
	snprintf(p, sizeof(p), "%s/red", f->run);
	snprintf(q, sizeof(q), "%s/r\ned", f->run);
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(netns_list_all(&l, f->proc, f->run), 0);
	assert_true((w = netns_list_label(&l)) > 0);
	snprintf(num, sizeof(num), "%llu",
	    (unsigned long long)l.v[0].id.inode);
	assert_string_equal(l.v[0].id.label, num);
	assert_string_equal(l.v[1].id.label, "blue");
	assert_string_equal(l.v[2].id.name, "r\ned");
	assert_null(strchr(l.v[2].id.label, '\n'));
	assert_true((size_t)w >= strlen(num) && (size_t)w >= 4);
	netns_list_free(&l);
}

static void
test_netns_open_checks_inode(void **state)
{
	struct fake *f = *state;
	struct netns_list l = { NULL, 0, 0 };
	char p[PATH_MAX];
	int fd;

	assert_int_equal(netns_list_one(&l, "9", f->proc, f->run), 0);
	assert_true((fd = netns_open(&l.v[0])) >= 0);
	close(fd);
	/* PID 9 exits and a new process takes its number elsewhere. */
	snprintf(p, sizeof(p), "%s/9/ns/net", f->proc);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(netns_open(&l.v[0]), -1);
	assert_true(netns_gone(errno));
	assert_true((fd = open(p, O_CREAT | O_WRONLY, 0644)) >= 0);
	close(fd);
	assert_int_equal(netns_open(&l.v[0]), -1);
	assert_int_equal(errno, ESTALE);
	assert_true(netns_gone(errno));
	netns_list_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netns_arg_kind),
		cmocka_unit_test(test_netns_arg_path_forms),
		cmocka_unit_test(test_netns_arg_path_bad),
		cmocka_unit_test_setup_teardown(test_netns_list_all_dedup,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_netns_list_all_no_run_dir,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_netns_list_one_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_netns_list_label,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_netns_open_checks_inode,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
