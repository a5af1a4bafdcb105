/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netns.c - finding network namespaces and entering one.
 *
 * A namespace has no name of its own: it is an nsfs inode, reached
 * through /proc/PID/ns/net of every process in it, or through a bind
 * mount such as ip-netns(8) makes under /run/netns (which keeps it alive
 * with no process in it).  --all-netns lists both, the same inode once.
 * Processes and names come and go while they are listed: one that is
 * gone is skipped and counted, never an error.
 */
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "util.h"

enum netns_arg
netns_arg_kind(const char *arg)
{
	const char *p;

	if (strchr(arg, '/') != NULL)
		return NETNS_ARG_PATH;
	for (p = arg; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return NETNS_ARG_NAME;
	return p == arg ? NETNS_ARG_NAME : NETNS_ARG_PID;
}

int
netns_arg_path(const char *arg, const char *proc_root, const char *run_dir,
    char *buf, size_t len)
{
	const char *errstr;
	long long pid;
	int n;

	if (arg[0] == '\0')
		return EINVAL;
	switch (netns_arg_kind(arg)) {
	case NETNS_ARG_PID:
		pid = util_strtonum(arg, 1, INT_MAX, &errstr);
		if (errstr != NULL)
			return EINVAL;
		n = snprintf(buf, len, "%s/%lld/ns/net", proc_root, pid);
		break;
	case NETNS_ARG_PATH:
		n = snprintf(buf, len, "%s", arg);
		break;
	default:
		/* A name is one entry of run_dir, never a way out of it. */
		if (strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
			return EINVAL;
		n = snprintf(buf, len, "%s/%s", run_dir, arg);
		break;
	}
	if (n < 0 || (size_t)n >= len)
		return ENAMETOOLONG;
	return 0;
}

static struct netns_ent *
list_find(struct netns_list *l, dev_t dev, uint64_t inode)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].id.inode == inode && l->v[i].dev == dev)
			return &l->v[i];
	return NULL;
}

int
netns_list_add(struct netns_list *l, const char *path, const char *name)
{
	struct netns_ent *e, *v;
	struct stat st;
	char *p = NULL, *nm = NULL;

	if (stat(path, &st) == -1)
		return -1;
	if ((e = list_find(l, st.st_dev, st.st_ino)) != NULL) {
		/* A process's namespace that also has a name: take it. */
		if (name == NULL || e->id.name != NULL)
			return 0;
		if ((nm = strdup(name)) == NULL)
			return -1;
		e->id.name = nm;
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((p = strdup(path)) == NULL ||
	    (name != NULL && (nm = strdup(name)) == NULL)) {
		free(p);
		errno = ENOMEM;
		return -1;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->id.inode = st.st_ino;
	e->id.name = nm;
	e->dev = st.st_dev;
	e->path = p;
	return 0;
}

/* Whether errno e, met while listing, means the entry went away. */
int
netns_gone(int e)
{
	return e == ENOENT || e == ESRCH || e == ESTALE;
}

/*
 * Adds path, skipping silently an entry gone meanwhile: a process that
 * exits says nothing of its namespace, which others may hold (one that
 * is really gone is found so when it is opened).  EACCES: a process of
 * another user namespace, not ours to list.  -1 on any other error.
 */
static int
add_or_skip(struct netns_list *l, const char *path, const char *name)
{
	if (netns_list_add(l, path, name) == 0 || netns_gone(errno) ||
	    errno == EACCES)
		return 0;
	return -1;
}

/* Every entry of run_dir, by name; a missing run_dir has none. */
static int
list_named(struct netns_list *l, const char *run_dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n, rc = 0;

	if ((d = opendir(run_dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", run_dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		rc = add_or_skip(l, path, de->d_name);
	}
	closedir(d);
	return rc;
}

/* The namespace of every process under proc_root. */
static int
list_procs(struct netns_list *l, const char *proc_root)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n, rc = 0;

	if ((d = opendir(proc_root)) == NULL)
		return -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (netns_arg_kind(de->d_name) != NETNS_ARG_PID)
			continue;
		n = snprintf(path, sizeof(path), "%s/%s/ns/net", proc_root,
		    de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		rc = add_or_skip(l, path, NULL);
	}
	closedir(d);
	return rc;
}

/* The order of the list: self, then named by name, then by inode. */
static int
ent_cmp(const void *a, const void *b)
{
	const struct netns_ent *x = a, *y = b;

	if (x->self != y->self)
		return x->self ? -1 : 1;
	if ((x->id.name != NULL) != (y->id.name != NULL))
		return x->id.name != NULL ? -1 : 1;
	if (x->id.name != NULL)
		return strcmp(x->id.name, y->id.name);
	return x->id.inode < y->id.inode ? -1 : x->id.inode > y->id.inode;
}

/* Marks the entry of the process's own namespace. */
static int
mark_self(struct netns_list *l, const char *proc_root)
{
	char path[PATH_MAX];
	struct netns_ent *e;
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (stat(path, &st) == -1)
		return -1;
	if ((e = list_find(l, st.st_dev, st.st_ino)) == NULL) {
		/* Listed before the scan: it is never missing. */
		if (netns_list_add(l, path, NULL) == -1)
			return -1;
		e = &l->v[l->n - 1];
	}
	e->self = 1;
	return 0;
}

int
netns_list_all(struct netns_list *l, const char *proc_root,
    const char *run_dir)
{
	if (list_named(l, run_dir) == -1 || list_procs(l, proc_root) == -1 ||
	    mark_self(l, proc_root) == -1)
		return -1;
	qsort(l->v, l->n, sizeof(l->v[0]), ent_cmp);
	return 0;
}

int
netns_list_one(struct netns_list *l, const char *arg, const char *proc_root,
    const char *run_dir)
{
	char path[PATH_MAX];
	struct netns_list named = { NULL, 0, 0 };
	struct netns_ent *e;
	struct stat st;
	int rc;

	if ((rc = netns_arg_path(arg, proc_root, run_dir, path,
	    sizeof(path))) != 0) {
		errno = rc;
		return -1;
	}
	if (netns_list_add(l, path,
	    netns_arg_kind(arg) == NETNS_ARG_NAME ? arg : NULL) == -1)
		return -1;
	e = &l->v[l->n - 1];
	/* A path or PID of a named namespace shows the name too. */
	if (e->id.name == NULL && list_named(&named, run_dir) == 0) {
		for (size_t i = 0; i < named.n; i++)
			if (named.v[i].id.inode == e->id.inode &&
			    named.v[i].dev == e->dev) {
				e->id.name = named.v[i].id.name;
				named.v[i].id.name = NULL;
				break;
			}
	}
	netns_list_free(&named);
	snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
	if (stat(path, &st) == 0 && st.st_ino == e->id.inode &&
	    st.st_dev == e->dev)
		e->self = 1;
	return 0;
}

ssize_t
netns_list_label(struct netns_list *l)
{
	char num[24];
	size_t i, w = 0, len;
	char *t;

	for (i = 0; i < l->n; i++) {
		struct sock_netns *id = &l->v[i].id;

		free((char *)id->label);
		if (id->name != NULL) {
			len = UTIL_ESCAPE_MAX(strlen(id->name));
			if ((t = malloc(len)) != NULL)
				util_escape(t, len, id->name,
				    strlen(id->name));
		} else {
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)id->inode);
			t = strdup(num);
		}
		if ((id->label = t) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		if (strlen(t) > w)
			w = strlen(t);
	}
	return (ssize_t)w;
}

void
netns_list_free(struct netns_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free((char *)l->v[i].id.name);
		free((char *)l->v[i].id.label);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
netns_open(const struct netns_ent *e)
{
	struct stat st;
	int fd, save_errno;

	if ((fd = open(e->path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		save_errno = errno;
		close(fd);
		errno = save_errno;
		return -1;
	}
	/* Another inode: the PID was reused, or the name now means another. */
	if (st.st_ino != e->id.inode || st.st_dev != e->dev) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

int
netns_enter(int fd)
{
	struct statfs fs;

	if (setns(fd, CLONE_NEWNET) == 0)
		return 0;
	/*
	 * ip netns add makes /run/netns/NAME an empty file before it binds
	 * the namespace there, and del unbinds it before the unlink: a file
	 * that is no namespace (any more, or yet) is one gone.
	 */
	if (errno == EINVAL && fstatfs(fd, &fs) == 0 &&
	    fs.f_type != NSFS_MAGIC)
		errno = ESTALE;
	return -1;
}
