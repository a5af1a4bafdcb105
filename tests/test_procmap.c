/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_procmap.c - procmap_build and procmap_lookup over fake proc trees
 * built in a mkdtemp directory, and over the real /proc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procmap.h"

/* The space checks the \040 unescaping of mountinfo paths. */
#define TREE_TEMPLATE	"/tmp/procmap test.XXXXXX"

/* Expected uid of a fake process chowned by a root test run. */
#define FAKE_UID	1234

struct tree {
	char	 root[sizeof(TREE_TEMPLATE)];
};

static void
tree_path(const struct tree *t, const char *rel, char *buf, size_t len)
{
	assert_true((size_t)snprintf(buf, len, "%s/%s", t->root, rel) < len);
}

static void
tree_mkdir(const struct tree *t, const char *rel, mode_t mode)
{
	char p[PATH_MAX];

	tree_path(t, rel, p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	/* chmod: mkdir's mode goes through the umask. */
	assert_int_equal(chmod(p, mode), 0);
}

static void
tree_file(const struct tree *t, const char *rel, const char *data)
{
	char p[PATH_MAX];
	FILE *fp;

	tree_path(t, rel, p, sizeof(p));
	assert_non_null(fp = fopen(p, "w"));
	assert_int_equal(fputs(data, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(p, 0644), 0);
}

/* A file of len raw bytes (NULs kept: a cmdline). */
static void
tree_bytes(const struct tree *t, const char *rel, const char *data,
    size_t len)
{
	char p[PATH_MAX];
	FILE *fp;

	tree_path(t, rel, p, sizeof(p));
	assert_non_null(fp = fopen(p, "w"));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
tree_link(const struct tree *t, const char *rel, const char *target)
{
	char p[PATH_MAX];

	tree_path(t, rel, p, sizeof(p));
	assert_int_equal(symlink(target, p), 0);
}

/* A process directory with comm and an empty fd/. */
static void
tree_proc(const struct tree *t, int pid, const char *comm)
{
	char rel[64], c[64];

	snprintf(rel, sizeof(rel), "%d", pid);
	tree_mkdir(t, rel, 0755);
	snprintf(rel, sizeof(rel), "%d/fd", pid);
	tree_mkdir(t, rel, 0755);
	snprintf(rel, sizeof(rel), "%d/comm", pid);
	snprintf(c, sizeof(c), "%s\n", comm);
	tree_file(t, rel, c);
}

static void
tree_fd(const struct tree *t, int pid, int fd, const char *target)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%d/fd/%d", pid, fd);
	tree_link(t, rel, target);
}

/* Writes self/mountinfo with one proc line for the tree and the rest. */
static void
tree_mountinfo(const struct tree *t, const char *before, const char *super)
{
	char real[PATH_MAX], esc[PATH_MAX * 4], line[PATH_MAX * 5];
	char *s, *d = esc;

	assert_non_null(realpath(t->root, real));
	for (s = real; *s != '\0'; s++) {
		if (*s == ' ') {
			memcpy(d, "\\040", 4);
			d += 4;
		} else
			*d++ = *s;
	}
	*d = '\0';
	snprintf(line, sizeof(line),
	    "%s29 22 0:5 / %s rw,nosuid - %s\n", before, esc, super);
	tree_file(t, "self/mountinfo", line);
}

static void
tree_unlink(const struct tree *t, const char *rel)
{
	char p[PATH_MAX];

	tree_path(t, rel, p, sizeof(p));
	assert_int_equal(unlink(p), 0);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static int
setup_tree(void **state)
{
	struct tree *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	strcpy(t->root, TREE_TEMPLATE);
	if (mkdtemp(t->root) == NULL || chmod(t->root, 0755) == -1) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
teardown_tree(void **state)
{
	struct tree *t = *state;
	char p[PATH_MAX];
	int rv;

	/* Undo the mode 000 of the denied case so that nftw can descend. */
	snprintf(p, sizeof(p), "%s/100/fd", t->root);
	(void)chmod(p, 0755);
	rv = nftw(t->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return rv == 0 ? 0 : -1;
}

static void
check_owner(const struct sock_owner *o, pid_t pid, int fd, const char *cmd)
{
	assert_int_equal(o->pid, pid);
	assert_int_equal(o->fd, fd);
	assert_int_equal(o->mode, 'u');
	assert_string_equal(o->command, cmd);
}

static void
test_procmap_build_fake(void **state)
{
	struct tree *t = *state;
	struct procmap_stats st;
	struct procmap *m;
	const struct sock_owner *o;
	char p[PATH_MAX];
	size_t n;
	int root = geteuid() == 0;

	tree_proc(t, 100, "nginx");
	tree_fd(t, 100, 3, "socket:[123]");
	tree_fd(t, 100, 4, "pipe:[5]");
	tree_fd(t, 100, 5, "/dev/null");
	tree_fd(t, 100, 6, "socket:[456]");
	tree_fd(t, 100, 7, "socket:[123]");	/* dup of fd 3 */
	tree_proc(t, 200, "wor\033ker");
	tree_fd(t, 200, 10, "socket:[123]");	/* shared across fork */
	tree_fd(t, 200, 1, "socket:[789]");
	tree_fd(t, 200, 2, "anon_inode:[eventfd]");
	/* Near misses of the socket form, and a non-link fd entry. */
	tree_proc(t, 50, "odd");
	tree_fd(t, 50, 0, "socket:[12x]");
	tree_fd(t, 50, 1, "socket:[]");
	tree_fd(t, 50, 2, "socket:[55");
	tree_fd(t, 50, 3, "socket:[55]x");
	tree_fd(t, 50, 4, "socket:[0]");
	tree_fd(t, 50, 5, "socket:[99999999999999999999999]");
	tree_fd(t, 50, 6, "/tmp/socket:[66]");
	tree_file(t, "50/fd/7", "not a link\n");
	tree_fd(t, 50, 8, "socket:[18446744073709551615]");
	tree_fd(t, 50, 9, "socket:[18446744073709551616]");
	tree_fd(t, 50, 10, "socket:[1000]");
	/* A process that exited: no fd/ left. */
	tree_mkdir(t, "300", 0755);
	tree_file(t, "300/comm", "gone\n");
	/* Non-numeric entries. */
	tree_mkdir(t, "self", 0755);
	tree_mkdir(t, "12a", 0755);
	tree_file(t, "sys", "");
	tree_mountinfo(t, "22 27 0:21 / /proc rw - proc proc rw\n",
	    "proc proc rw,hidepid=invisible");
	if (root) {
		tree_path(t, "200", p, sizeof(p));
		assert_int_equal(chown(p, FAKE_UID, FAKE_UID), 0);
	}

	assert_non_null(m = procmap_build(t->root, &st));
	assert_int_equal(st.procs, 3);
	assert_int_equal(st.procs_vanished, 1);
	assert_int_equal(st.procs_denied, 0);
	assert_int_equal(st.fds, 7);
	assert_int_equal(st.sockets, 5);
	assert_int_equal(st.hidepid, PROCMAP_HIDEPID_INVISIBLE);

	assert_non_null(o = procmap_lookup(m, 123, &n));
	assert_int_equal(n, 3);
	check_owner(&o[0], 100, 3, "nginx");
	check_owner(&o[1], 100, 7, "nginx");
	check_owner(&o[2], 200, 10, "wor\033ker");
	assert_int_equal(o[0].uid, geteuid());
	if (root)
		assert_int_equal(o[2].uid, FAKE_UID);
	/* Both owners in one process share one comm string. */
	assert_ptr_equal(o[0].command, o[1].command);

	assert_non_null(o = procmap_lookup(m, 456, &n));
	assert_int_equal(n, 1);
	check_owner(&o[0], 100, 6, "nginx");
	assert_non_null(o = procmap_lookup(m, 789, &n));
	assert_int_equal(n, 1);
	check_owner(&o[0], 200, 1, "wor\033ker");
	assert_non_null(o = procmap_lookup(m, UINT64_MAX, &n));
	check_owner(&o[0], 50, 8, "odd");
	assert_non_null(o = procmap_lookup(m, 1000, &n));
	check_owner(&o[0], 50, 10, "odd");

	n = 42;
	assert_null(procmap_lookup(m, 5, &n));		/* a pipe */
	assert_int_equal(n, 0);
	assert_null(procmap_lookup(m, 0, &n));
	assert_null(procmap_lookup(m, 12, &n));
	assert_null(procmap_lookup(m, 55, &n));
	assert_null(procmap_lookup(m, 66, &n));
	assert_null(procmap_lookup(m, 999999, &n));
	assert_int_equal(n, 0);
	procmap_free(m);
}

/* hidepid as mountinfo spells it in each kernel era, or no match. */
static void
test_procmap_build_hidepid(void **state)
{
	static const struct {
		const char	*before;
		const char	*super;
		int		 want;
	} c[] = {
		{ "", "proc proc rw", PROCMAP_HIDEPID_OFF },
		{ "", "proc proc rw,hidepid=noaccess,gid=4",
		    PROCMAP_HIDEPID_NOACCESS },
		{ "", "proc proc rw,hidepid=2", PROCMAP_HIDEPID_INVISIBLE },
		{ "", "proc proc rw,hidepid=ptraceable",
		    PROCMAP_HIDEPID_PTRACEABLE },
		{ "", "tmpfs tmpfs rw,hidepid=2", PROCMAP_HIDEPID_OFF },
		/* The last mount on a point is the one seen. */
		{ "1 2 0:1 / /x rw - proc proc rw,hidepid=2\n",
		    "proc proc rw,hidepid=1", PROCMAP_HIDEPID_NOACCESS },
	};
	struct tree *t = *state;
	struct procmap_stats st;
	struct procmap *m;
	size_t i;

	tree_mkdir(t, "self", 0755);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		tree_mountinfo(t, c[i].before, c[i].super);
		assert_non_null(m = procmap_build(t->root, &st));
		assert_int_equal(st.hidepid, c[i].want);
		procmap_free(m);
		tree_unlink(t, "self/mountinfo");
	}
	/* No line for this point, then no mountinfo at all. */
	tree_file(t, "self/mountinfo",
	    "22 27 0:21 / /proc rw - proc proc rw,hidepid=2\n");
	assert_non_null(m = procmap_build(t->root, &st));
	assert_int_equal(st.hidepid, PROCMAP_HIDEPID_UNKNOWN);
	procmap_free(m);
	tree_unlink(t, "self/mountinfo");
	assert_non_null(m = procmap_build(t->root, NULL));
	procmap_free(m);
}

/* What a build in an unprivileged child saw, sent back through a pipe. */
struct child_result {
	int			 ok;		/* build succeeded */
	int			 err;
	struct procmap_stats	 st;
	size_t			 n_mine;	/* owners of the child's socket */
	pid_t			 pid_mine;
	int			 fd_mine;
	size_t			 n_hidden;	/* owners in the denied dir */
};

/*
 * Runs fn as uid 65534 in a child when root (root bypasses DAC), in
 * this process otherwise, and returns its result.
 */
static void
run_unprivileged(void (*fn)(const char *, struct child_result *),
    const char *arg, struct child_result *r)
{
	int p[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (geteuid() != 0) {
		fn(arg, r);
		return;
	}
	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(p[0]);
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(2);
		/* Keep our own /proc/self/fd ours after the uid change. */
		(void)prctl(PR_SET_DUMPABLE, 1);
		fn(arg, r);
		_exit(write(p[1], r, sizeof(*r)) == sizeof(*r) ? 0 : 3);
	}
	close(p[1]);
	assert_int_equal(read(p[0], r, sizeof(*r)), sizeof(*r));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
build_denied(const char *root, struct child_result *r)
{
	struct procmap *m;
	const struct sock_owner *o;

	if ((m = procmap_build(root, &r->st)) == NULL) {
		r->err = errno;
		return;
	}
	r->ok = 1;
	if ((o = procmap_lookup(m, 222, &r->n_mine)) != NULL) {
		r->pid_mine = o->pid;
		r->fd_mine = o->fd;
	}
	procmap_lookup(m, 111, &r->n_hidden);
	procmap_free(m);
}

/* An fd dir the reader may not open is counted, never guessed. */
static void
test_procmap_build_denied(void **state)
{
	struct tree *t = *state;
	struct child_result r;
	char p[PATH_MAX];

	tree_proc(t, 100, "secret");
	tree_fd(t, 100, 3, "socket:[111]");
	tree_proc(t, 200, "open");
	tree_fd(t, 200, 4, "socket:[222]");
	tree_mkdir(t, "100/fd/x", 0755);	/* a non-fd name: skipped */
	tree_path(t, "100/fd", p, sizeof(p));
	assert_int_equal(chmod(p, 0), 0);

	run_unprivileged(build_denied, t->root, &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.st.procs, 1);
	assert_int_equal(r.st.procs_denied, 1);
	assert_int_equal(r.st.procs_vanished, 0);
	assert_int_equal(r.n_mine, 1);
	assert_int_equal(r.pid_mine, 200);
	assert_int_equal(r.fd_mine, 4);
	assert_int_equal(r.n_hidden, 0);
}

static void
build_real_self(const char *root, struct child_result *r)
{
	struct procmap *m;
	const struct sock_owner *o;
	struct stat sb;
	int s;

	if ((s = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    fstat(s, &sb) == -1) {
		r->err = errno;
		return;
	}
	if ((m = procmap_build(root, &r->st)) == NULL) {
		r->err = errno;
		close(s);
		return;
	}
	r->ok = 1;
	if ((o = procmap_lookup(m, sb.st_ino, &r->n_mine)) != NULL) {
		r->pid_mine = o->pid;
		r->fd_mine = o->fd == s ? s : -1;
	}
	procmap_free(m);
	close(s);
}

/* Unprivileged on the real /proc: itself seen, others' fds counted. */
static void
test_procmap_build_real_unprivileged(void **state)
{
	struct child_result r;

	(void)state;
	run_unprivileged(build_real_self, "/proc", &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.n_mine, 1);
	assert_true(r.pid_mine > 0);
	assert_true(r.fd_mine >= 0);
	/* Init's fd table belongs to root, unless /proc hides it. */
	if (r.st.hidepid < PROCMAP_HIDEPID_INVISIBLE)
		assert_true(r.st.procs_denied > 0);
	assert_true(r.st.hidepid != PROCMAP_HIDEPID_UNKNOWN);
}

static void
read_comm(char *buf, size_t len)
{
	FILE *fp;

	assert_non_null(fp = fopen("/proc/self/comm", "r"));
	assert_non_null(fgets(buf, (int)len, fp));
	buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
}

/* A listener shared across fork lists both pids; a dup lists two fds. */
static void
test_procmap_build_real(void **state)
{
	struct sockaddr_in sin;
	struct procmap_stats st;
	struct procmap *m;
	const struct sock_owner *o, *mine = NULL, *kid = NULL;
	struct stat sb;
	char comm[64], c;
	size_t n, i;
	pid_t pid;
	int s, s2, p[2], status;

	(void)state;
	read_comm(comm, sizeof(comm));
	assert_true((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(fstat(s, &sb), 0);

	/* Alone first: exactly this process and fd. */
	assert_non_null(m = procmap_build("/proc", &st));
	assert_non_null(o = procmap_lookup(m, sb.st_ino, &n));
	assert_int_equal(n, 1);
	check_owner(o, getpid(), s, comm);
	assert_int_equal(o->uid, geteuid());
	assert_true(st.procs >= 1 && st.procs + st.procs_denied > 1);
	assert_true(st.sockets >= 1);
	procmap_free(m);

	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(p[1]);
		/* Hold the listener until the parent closes the pipe. */
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	assert_true((s2 = dup(s)) >= 0);

	assert_non_null(m = procmap_build("/proc", &st));
	assert_non_null(o = procmap_lookup(m, sb.st_ino, &n));
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (i > 0)
			assert_true(o[i - 1].pid < o[i].pid ||
			    (o[i - 1].pid == o[i].pid &&
			    o[i - 1].fd < o[i].fd));
		if (o[i].pid == pid)
			kid = &o[i];
		else if (o[i].pid == getpid() && o[i].fd == s2)
			mine = &o[i];
		else
			check_owner(&o[i], getpid(), s, comm);
	}
	assert_non_null(kid);
	check_owner(kid, pid, s, comm);
	assert_non_null(mine);
	check_owner(mine, getpid(), s2, comm);
	procmap_free(m);

	close(p[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(s2);
	close(s);
}

#define LARGE_PROCS	4
#define LARGE_FDS	5000
#define LARGE_BASE	4000000000ULL	/* past 32 bits */

/* 20k sockets, every 100th also held by a fifth process. */
static void
test_procmap_build_large(void **state)
{
	struct tree *t = *state;
	struct procmap_stats st;
	struct procmap *m;
	const struct sock_owner *o;
	char target[64];
	uint64_t ino;
	size_t n;
	int i, fd;

	tree_proc(t, 7, "sharer");
	for (i = 0; i < LARGE_PROCS; i++) {
		tree_proc(t, 1000 + i, "big");
		for (fd = 0; fd < LARGE_FDS; fd++) {
			ino = LARGE_BASE + (uint64_t)i * LARGE_FDS + fd;
			snprintf(target, sizeof(target), "socket:[%llu]",
			    (unsigned long long)ino);
			tree_fd(t, 1000 + i, fd, target);
			if (fd % 100 == 0)
				tree_fd(t, 7, 10000 + i * LARGE_FDS + fd,
				    target);
		}
	}

	assert_non_null(m = procmap_build(t->root, &st));
	assert_int_equal(st.procs, LARGE_PROCS + 1);
	assert_int_equal(st.sockets, LARGE_PROCS * LARGE_FDS);
	assert_int_equal(st.fds,
	    LARGE_PROCS * LARGE_FDS + LARGE_PROCS * LARGE_FDS / 100);
	for (i = 0; i < LARGE_PROCS; i++) {
		for (fd = 0; fd < LARGE_FDS; fd++) {
			ino = LARGE_BASE + (uint64_t)i * LARGE_FDS + fd;
			o = procmap_lookup(m, ino, &n);
			assert_non_null(o);
			if (fd % 100 == 0) {
				assert_int_equal(n, 2);
				check_owner(&o[0], 7,
				    10000 + i * LARGE_FDS + fd, "sharer");
				o++;
			} else
				assert_int_equal(n, 1);
			check_owner(o, 1000 + i, fd, "big");
		}
	}
	assert_null(procmap_lookup(m, LARGE_BASE - 1, &n));
	assert_null(procmap_lookup(m, LARGE_BASE + LARGE_PROCS * LARGE_FDS,
	    &n));
	procmap_free(m);
}

/* Not in procmap.h: procmap_build with a forced number of workers. */
struct procmap	*procmap_build_n(const char *, unsigned, struct procmap_stats *,
		    int);

#define THREADS_PROCS	40
#define THREADS_BIG	6000	/* fds of the one huge process */

struct same {
	const struct procmap	*other;
	size_t			 sockets;
};

/* Each socket of one map has exactly the same owners in the other. */
static int
same_cb(uint64_t inode, const struct sock_owner *ow, size_t n, void *arg)
{
	struct same *s = arg;
	const struct sock_owner *o;
	size_t i, m;

	assert_non_null(o = procmap_lookup(s->other, inode, &m));
	assert_int_equal(m, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(o[i].pid, ow[i].pid);
		assert_int_equal(o[i].uid, ow[i].uid);
		assert_int_equal(o[i].fd, ow[i].fd);
		assert_int_equal(o[i].mode, ow[i].mode);
		assert_string_equal(o[i].command, ow[i].command);
		if (i > 0)
			assert_true(ow[i - 1].pid < ow[i].pid ||
			    (ow[i - 1].pid == ow[i].pid &&
			    ow[i - 1].fd < ow[i].fd));
	}
	s->sockets++;
	return 0;
}

/*
 * One huge process among many small ones, sockets shared across them,
 * pids created out of order: 1, 2 and 3 workers give the same map.
 */
static void
test_procmap_build_threads(void **state)
{
	struct tree *t = *state;
	struct procmap_stats st[3];
	struct procmap *m[3];
	struct same s;
	char target[64], comm[32], seen[9001];
	int i, j, pid, fds, ino, want_fds = 0, want_sockets = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < THREADS_PROCS; i++) {
		/* Descending, interleaved pids: 2000, 3999, 1980, ... */
		pid = i % 2 ? 4000 - i : 2000 - i * 10;
		snprintf(comm, sizeof(comm), "p%d", pid);
		tree_proc(t, pid, comm);
		fds = i == 7 ? THREADS_BIG : 20 + i * 13;
		for (j = 0; j < fds; j++) {
			/* Overlapping ranges: up to 40 owners a socket. */
			ino = (i * 5 + j) % 9000 + 1;
			snprintf(target, sizeof(target), "socket:[%d]", ino);
			tree_fd(t, pid, j + 3, j % 7 == 6 ? "pipe:[9]" :
			    target);
			if (j % 7 != 6) {
				want_fds++;
				want_sockets += !seen[ino];
				seen[ino] = 1;
			}
		}
	}
	tree_mkdir(t, "4500", 0755);		/* exited: no fd/ */
	for (i = 0; i < 3; i++) {
		assert_non_null(m[i] = procmap_build_n(t->root, 0, &st[i], i + 1));
		assert_int_equal(st[i].procs, THREADS_PROCS);
		assert_int_equal(st[i].procs_vanished, 1);
		assert_int_equal(st[i].procs_denied, 0);
		assert_int_equal(st[i].fds, want_fds);
		assert_int_equal(st[i].sockets, want_sockets);
	}
	assert_true(want_sockets > 5000 && want_sockets < want_fds);
	for (i = 1; i < 3; i++) {
		memset(&s, 0, sizeof(s));
		s.other = m[i];
		assert_int_equal(procmap_foreach(m[0], same_cb, &s), 0);
		assert_int_equal(s.sockets, st[0].sockets);
	}
	/* Out of range counts are clamped, not refused. */
	procmap_free(m[2]);
	assert_non_null(m[2] = procmap_build_n(t->root, 0, &st[2], 0));
	assert_int_equal(st[2].fds, want_fds);
	procmap_free(m[2]);
	assert_non_null(m[2] = procmap_build_n(t->root, 0, &st[2], 1000));
	assert_int_equal(st[2].fds, want_fds);
	for (i = 0; i < 3; i++)
		procmap_free(m[i]);
}

static void
test_procmap_build_errors(void **state)
{
	struct tree *t = *state;

	(void)t;
	errno = 0;
	assert_null(procmap_build("/nonexistent/proc", NULL));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(procmap_build("/dev/null", NULL));
	assert_int_equal(errno, ENOTDIR);
}

static void
test_procmap_build_empty(void **state)
{
	struct tree *t = *state;
	struct procmap_stats st;
	struct procmap *m;
	size_t n = 7;

	assert_non_null(m = procmap_build(t->root, &st));
	assert_int_equal(st.procs, 0);
	assert_int_equal(st.fds, 0);
	assert_int_equal(st.sockets, 0);
	assert_int_equal(st.hidepid, PROCMAP_HIDEPID_UNKNOWN);
	assert_null(procmap_lookup(m, 1, &n));
	assert_int_equal(n, 0);
	procmap_free(m);
}

static void
test_procmap_lookup_null(void **state)
{
	size_t n = 7;

	(void)state;
	assert_null(procmap_lookup(NULL, 123, &n));
	assert_int_equal(n, 0);
	procmap_free(NULL);
}

/* The PID/Program name text: each pid once, escaped, "-" for none. */
static void
test_procmap_owners_text_cases(void **state)
{
	const struct sock_owner ow[] = {
		{ 100, 0, 3, 'u', "nginx", NULL },
		{ 100, 0, 7, 'u', "nginx", NULL },	/* same process */
		{ 2000000, 0, 4, 'u', "wor\033ker", NULL },
		{ 2000001, 0, 4, 'u', NULL, NULL },	/* comm unknown */
		/* netstat's name when read, escaped too; "" is a name. */
		{ 7, 0, 4, 'u', "python3", "my\033server" },
		{ 8, 0, 4, 'u', "python3", "" },
	};
	char *buf = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(procmap_owners_text(NULL, 0, &buf, &cap), 1);
	assert_string_equal(buf, "-");
	assert_int_equal(procmap_owners_text(ow, 1, &buf, &cap), 9);
	assert_string_equal(buf, "100/nginx");
	assert_int_equal(procmap_owners_text(ow, 4, &buf, &cap), 38);
	assert_string_equal(buf,
	    "100/nginx,2000000/wor\\x1bker,2000001/-");
	assert_true(cap > 38);
	assert_int_equal(procmap_owners_text(ow + 4, 2, &buf, &cap), 17);
	assert_string_equal(buf, "7/my\\x1bserver,8/");
	free(buf);
}

/* 300 processes on one socket: the text grows past any first buffer. */
static void
test_procmap_owners_text_long(void **state)
{
	struct sock_owner ow[300];
	char *buf = NULL, want[16];
	size_t cap = 0, i;
	ssize_t n;

	(void)state;
	memset(ow, 0, sizeof(ow));
	for (i = 0; i < 300; i++) {
		ow[i].pid = (pid_t)(10000 + i);
		ow[i].uid = 0;
		ow[i].fd = 3;
		ow[i].mode = 'u';
		ow[i].command = "w";
	}
	n = procmap_owners_text(ow, 300, &buf, &cap);
	/* "10000/w," is 8 bytes; the last has no comma. */
	assert_int_equal(n, 300 * 8 - 1);
	assert_int_equal(strlen(buf), (size_t)n);
	assert_memory_equal(buf, "10000/w,10001/w,", 16);
	snprintf(want, sizeof(want), ",%d/w", 10299);
	assert_string_equal(buf + n - strlen(want), want);
	free(buf);
}

struct visit {
	size_t		 calls;
	size_t		 owners;
	uint64_t	 sum;
	int		 stop_at;	/* return 7 on this call; 0: never */
};

static int
visit_cb(uint64_t inode, const struct sock_owner *ow, size_t n, void *arg)
{
	struct visit *v = arg;

	assert_non_null(ow);
	assert_true(n > 0);
	v->calls++;
	v->owners += n;
	v->sum += inode;
	return (int)v->calls == v->stop_at ? 7 : 0;
}

/* foreach visits every socket once; widest measures the widest text. */
static void
test_procmap_foreach_widest(void **state)
{
	struct tree *t = *state;
	struct visit v;
	struct procmap *m;
	size_t w = 99;

	tree_proc(t, 100, "nginx");
	tree_fd(t, 100, 3, "socket:[123]");
	tree_fd(t, 100, 7, "socket:[123]");
	tree_fd(t, 100, 4, "socket:[456]");
	tree_proc(t, 2000000, "wor\033ker");
	tree_fd(t, 2000000, 5, "socket:[123]");
	tree_proc(t, 300, "\303\251t\303\251");	/* "été", 3 columns */
	tree_fd(t, 300, 1, "socket:[789]");
	assert_non_null(m = procmap_build(t->root, NULL));

	memset(&v, 0, sizeof(v));
	assert_int_equal(procmap_foreach(m, visit_cb, &v), 0);
	assert_int_equal(v.calls, 3);
	assert_int_equal(v.owners, 5);
	assert_int_equal(v.sum, 123 + 456 + 789);
	memset(&v, 0, sizeof(v));
	v.stop_at = 2;
	assert_int_equal(procmap_foreach(m, visit_cb, &v), 7);
	assert_int_equal(v.calls, 2);

	/* "100/nginx,2000000/wor\x1bker" is the widest: 28 columns. */
	assert_int_equal(procmap_owners_widest(m, &w), 0);
	assert_int_equal(w, 28);
	procmap_free(m);

	assert_int_equal(procmap_foreach(NULL, visit_cb, &v), 0);
	assert_int_equal(procmap_owners_widest(NULL, &w), 0);
	assert_int_equal(w, 0);
}

/* UTF-8 commands count one column per character, not per byte. */
static void
test_procmap_owners_widest_utf8(void **state)
{
	struct tree *t = *state;
	struct procmap *m;
	size_t w = 0;

	tree_proc(t, 300, "\303\251t\303\251");	/* "été": 5 bytes */
	tree_fd(t, 300, 1, "socket:[789]");
	tree_fd(t, 300, 2, "socket:[790]");
	assert_non_null(m = procmap_build(t->root, NULL));
	assert_int_equal(procmap_owners_widest(m, &w), 0);
	assert_int_equal(w, 7);				/* "300/été" */
	procmap_free(m);

	/* The same command under a longer pid: the pid counts in full. */
	tree_proc(t, 1234567, "\303\251t\303\251");
	tree_fd(t, 1234567, 9, "socket:[800]");
	assert_non_null(m = procmap_build(t->root, NULL));
	assert_int_equal(procmap_owners_widest(m, &w), 0);
	assert_int_equal(w, 11);			/* "1234567/été" */
	procmap_free(m);
}

static int
widest_cb(uint64_t inode, const struct sock_owner *ow, size_t n, void *arg)
{
	size_t *widest = arg, cols = 0, i;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;

	(void)inode;
	assert_true((len = procmap_owners_text(ow, n, &buf, &cap)) > 0);
	for (i = 0; i < (size_t)len; i++)
		if (((unsigned char)buf[i] & 0xc0) != 0x80)
			cols++;
	free(buf);
	if (cols > *widest)
		*widest = cols;
	return 0;
}

/* On the real /proc, widest agrees with the text of every socket. */
static void
test_procmap_owners_widest_real(void **state)
{
	struct procmap *m;
	size_t w = 0, want = 0;
	int fd;

	(void)state;
	/* At least this one: "PID/test_procmap". */
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_non_null(m = procmap_build("/proc", NULL));
	assert_int_equal(procmap_foreach(m, widest_cb, &want), 0);
	assert_int_equal(procmap_owners_widest(m, &w), 0);
	assert_int_equal(w, want);
	assert_true(w >= strlen("1/test_procmap"));
	procmap_free(m);
	/* With argv0, which the text then shows. */
	want = 0;
	assert_non_null(m = procmap_build_flags("/proc", PROCMAP_ARGV0, NULL));
	close(fd);
	assert_int_equal(procmap_foreach(m, widest_cb, &want), 0);
	assert_int_equal(procmap_owners_widest(m, &w), 0);
	assert_int_equal(w, want);
	assert_true(w >= strlen("1/test_procmap"));
	procmap_free(m);
}

/*
 * An errno that is neither "exited" nor "denied" skips that process
 * alone, counted with the first errno; the others keep their owners
 * (issue 11 item 12).
 */
static void
test_procmap_build_failed(void **state)
{
	struct tree *t = *state;
	struct procmap_stats st;
	struct procmap *m;
	const struct sock_owner *o;
	size_t n;

	tree_proc(t, 100, "before");
	tree_fd(t, 100, 3, "socket:[111]");
	/* fd/ a symlink to itself: ELOOP on opening it. */
	tree_mkdir(t, "200", 0755);
	tree_file(t, "200/comm", "loop\n");
	tree_link(t, "200/fd", "fd");
	/* comm a directory: EISDIR once a socket is seen. */
	tree_mkdir(t, "300", 0755);
	tree_mkdir(t, "300/fd", 0755);
	tree_mkdir(t, "300/comm", 0755);
	tree_fd(t, 300, 3, "socket:[333]");
	tree_proc(t, 400, "after");
	tree_fd(t, 400, 4, "socket:[444]");

	/* One worker: the first errno met is 200's. */
	assert_non_null(m = procmap_build_n(t->root, 0, &st, 1));
	assert_int_equal(st.procs_failed, 2);
	assert_int_equal(st.failed_errno, ELOOP);
	assert_int_equal(st.procs_vanished, 0);
	assert_int_equal(st.procs_denied, 0);
	assert_non_null(o = procmap_lookup(m, 111, &n));
	check_owner(o, 100, 3, "before");
	assert_non_null(o = procmap_lookup(m, 444, &n));
	check_owner(o, 400, 4, "after");
	assert_null(procmap_lookup(m, 333, &n));	/* never guessed */
	procmap_free(m);
	/* Two workers count the same. */
	assert_non_null(m = procmap_build_n(t->root, 0, &st, 2));
	assert_int_equal(st.procs_failed, 2);
	assert_true(st.failed_errno == ELOOP || st.failed_errno == EISDIR);
	procmap_free(m);
}

/*
 * A zombie leader: its own fd/ is empty, its table is read through the
 * first other thread that lists one (issue 10 item 14); argv0 comes from
 * that thread's cmdline, comm stays the leader's.  A leader whose table
 * lists anything is never read through task/.
 */
static void
test_procmap_build_zombie(void **state)
{
	static const char cmd[] = "/usr/bin/zsrv\0--port\0";
	struct tree *t = *state;
	struct procmap_stats st;
	struct procmap *m;
	const struct sock_owner *o;
	size_t n;

	tree_proc(t, 500, "zleader");
	tree_bytes(t, "500/cmdline", "", 0);		/* no mm left */
	tree_mkdir(t, "500/task", 0755);
	tree_mkdir(t, "500/task/500", 0755);
	tree_mkdir(t, "500/task/500/fd", 0755);
	tree_mkdir(t, "500/task/502", 0755);		/* exited: no fd/ */
	tree_mkdir(t, "500/task/503", 0755);
	tree_mkdir(t, "500/task/503/fd", 0755);		/* lists nothing */
	tree_mkdir(t, "500/task/501", 0755);
	tree_mkdir(t, "500/task/501/fd", 0755);
	tree_bytes(t, "500/task/501/cmdline", cmd, sizeof(cmd) - 1);
	tree_link(t, "500/task/501/fd/3", "socket:[555]");
	tree_link(t, "500/task/501/fd/4", "socket:[556]");
	/* A kernel thread: nothing anywhere, and no error. */
	tree_proc(t, 600, "kworker/0:1");
	tree_mkdir(t, "600/task", 0755);
	tree_mkdir(t, "600/task/600", 0755);
	tree_mkdir(t, "600/task/600/fd", 0755);
	/* A live leader: its thread's own table is not looked at. */
	tree_proc(t, 700, "live");
	tree_fd(t, 700, 0, "/dev/null");
	tree_mkdir(t, "700/task", 0755);
	tree_mkdir(t, "700/task/701", 0755);
	tree_mkdir(t, "700/task/701/fd", 0755);
	tree_link(t, "700/task/701/fd/5", "socket:[777]");

	assert_non_null(m = procmap_build_flags(t->root, PROCMAP_ARGV0, &st));
	assert_int_equal(st.procs, 3);
	assert_int_equal(st.procs_vanished + st.procs_denied +
	    st.procs_failed, 0);
	assert_int_equal(st.sockets, 2);
	assert_non_null(o = procmap_lookup(m, 555, &n));
	assert_int_equal(n, 1);
	check_owner(o, 500, 3, "zleader");
	assert_string_equal(o->argv0, "zsrv");
	assert_non_null(o = procmap_lookup(m, 556, &n));
	check_owner(o, 500, 4, "zleader");
	assert_null(procmap_lookup(m, 777, &n));
	procmap_free(m);
	/* Without the flag argv0 is not read. */
	assert_non_null(m = procmap_build(t->root, &st));
	assert_non_null(o = procmap_lookup(m, 555, &n));
	assert_null(o->argv0);
	procmap_free(m);
}

/*
 * argv0 as netstat 2.10 -p names a program (checked against it by
 * experiment): the first string of cmdline's first 511 bytes, cut after
 * its last '/' only when it starts with '/'; empty cmdline: NULL.
 */
static void
test_procmap_build_argv0(void **state)
{
	static const struct {
		const char	*cmdline;
		size_t		 len;		/* 0: strlen(cmdline) */
		const char	*want;		/* NULL: no argv0 */
	} c[] = {
		{ "/usr/sbin/sshd\0-D\0", 18, "sshd" },
		{ "./x/y\0", 6, "./x/y" },		/* relative: whole */
		{ "x/\0", 3, "x/" },
		{ "my server\0--flag\0", 17, "my server" },
		{ "/opt/x y/my server\0", 19, "my server" },
		{ "/usr/bin/\0", 10, "" },
		{ "-bash\0", 6, "-bash" },
		/* setproctitle: no NUL at all; the '/' is not first. */
		{ "nginx: master process /usr/sbin/nginx", 0,
		    "nginx: master process /usr/sbin/nginx" },
		{ "/usr/lib/x/worker arg", 0, "worker arg" },
		{ "", 0, NULL },			/* kernel thread */
	};
	struct tree *t = *state;
	struct procmap *m;
	const struct sock_owner *o;
	char rel[64], big[600];
	size_t i, n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		tree_proc(t, (int)(10 + i), "comm");
		snprintf(rel, sizeof(rel), "socket:[%zu]", 1000 + i);
		tree_fd(t, (int)(10 + i), 3, rel);
		snprintf(rel, sizeof(rel), "%zu/cmdline", 10 + i);
		tree_bytes(t, rel, c[i].cmdline,
		    c[i].len ? c[i].len : strlen(c[i].cmdline));
	}
	/* 511 bytes are read: a '/' at 510 is seen, one at 511 is not. */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[510] = '/';
	tree_proc(t, 90, "comm");
	tree_fd(t, 90, 3, "socket:[90]");
	tree_bytes(t, "90/cmdline", big, sizeof(big));
	big[510] = 'a';
	big[511] = '/';
	tree_proc(t, 91, "comm");
	tree_fd(t, 91, 3, "socket:[91]");
	tree_bytes(t, "91/cmdline", big, sizeof(big));
	tree_proc(t, 92, "nocmdline");			/* unreadable */
	tree_fd(t, 92, 3, "socket:[92]");

	assert_non_null(m = procmap_build_flags(t->root, PROCMAP_ARGV0, NULL));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_non_null(o = procmap_lookup(m, 1000 + i, &n));
		if (c[i].want == NULL)
			assert_null(o->argv0);
		else
			assert_string_equal(o->argv0, c[i].want);
		assert_string_equal(o->command, "comm");
	}
	assert_non_null(o = procmap_lookup(m, 90, &n));
	assert_string_equal(o->argv0, "");
	assert_non_null(o = procmap_lookup(m, 91, &n));
	assert_int_equal(strlen(o->argv0), 510);
	assert_int_equal(strspn(o->argv0, "a"), 510);
	assert_non_null(o = procmap_lookup(m, 92, &n));
	assert_null(o->argv0);
	procmap_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_procmap_build_fake,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_hidepid,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_denied,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_large,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_threads,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_errors,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_empty,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_failed,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_zombie,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_build_argv0,
		    setup_tree, teardown_tree),
		cmocka_unit_test(test_procmap_build_real),
		cmocka_unit_test(test_procmap_build_real_unprivileged),
		cmocka_unit_test(test_procmap_lookup_null),
		cmocka_unit_test(test_procmap_owners_text_cases),
		cmocka_unit_test(test_procmap_owners_text_long),
		cmocka_unit_test_setup_teardown(test_procmap_foreach_widest,
		    setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_procmap_owners_widest_utf8,
		    setup_tree, teardown_tree),
		cmocka_unit_test(test_procmap_owners_widest_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
