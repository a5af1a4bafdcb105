/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procmap_scan.c - the /proc walk that fills the owner map: one pass
 * over <proc_root>/PID/fd appends an owner and its socket inode to two
 * parallel arrays, which procmap_index (procmap.c) turns into the map.
 *
 * The pass is mostly kernel time (a readlinkat per fd), so the PID
 * directories are listed first and read by up to PM_THREADS workers,
 * each taking the next PID from a shared atomic index (one huge process
 * cannot unbalance a static split) into arrays of its own; the arrays
 * are then merged by pid, giving the very order a single pass gives.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procmap.h"
#include "procmap_impl.h"

#define SOCK_PREFIX	"socket:["
#define SOCK_PREFIX_LEN	(sizeof(SOCK_PREFIX) - 1)

/*
 * getdents64 buffers: a process with 200k fds is listed in ~50 calls
 * with 128 KiB; /proc itself holds at most a few thousand entries.
 */
#define FDDIR_BUFSZ	(128 * 1024)
#define ROOTDIR_BUFSZ	(32 * 1024)

#define OWNERS_MIN	1024		/* first owner array; doubles */
#define COMM_MAX	256		/* kernel comm is at most 64 bytes */
#define CGROUP_MAX	4096		/* a container's lines fit many times */
#define CMDLINE_MAX	512		/* netstat reads cmdline into 512 bytes,
					   the last kept for a NUL */
#define TASKDIR_BUFSZ	4096		/* task/ of a zombie leader */
#define PIDS_MIN	256		/* first PID list; doubles */

/*
 * Scan workers: one per online CPU, at most PM_THREADS.  On the 2-core
 * VM sockstat is measured on, 250k socket fds take 490 ms with one and
 * 260 ms with two; more were never measured, as the kernel side shares
 * locks (dcache, each fd table).  PM_THREADS_MAX bounds what the tests
 * may force.
 */
#define PM_THREADS	2
#define PM_THREADS_MAX	8

/* A listed PID directory: its pid and its name in pm_pids.names. */
struct pm_pid {
	pid_t		 pid;
	size_t		 name;
};

/* The PID directories of proc_root, sorted by pid; shared read-only. */
struct pm_pids {
	struct pm_pid	*v;
	size_t		 n, cap;
	char		*names;
	size_t		 len, size;
};

/* What the workers of one build share. */
struct pm_shared {
	int		 procfd;	/* proc_root, for openat(2) */
	unsigned	 flags;		/* PROCMAP_* */
	const struct pm_pids *pids;
	atomic_size_t	 next;		/* index of the next PID to take */
	atomic_int	 error;		/* first worker's errno: all stop */
};

/*
 * One worker's state: nothing in it is touched by another thread until
 * pthread_join().  Freed (but for what moves into the map) before
 * procmap_build returns.
 */
struct pm_scan {
	struct pm_shared *sh;
	struct procmap_stats st;
	struct sock_owner *owners;
	uint64_t	*inodes;	/* inodes[i] is held by owners[i] */
	size_t		 n, cap;
	struct pm_chunk	*chunks;	/* comm strings of owners */
	char		*fdbuf;
	int		 error;		/* errno that ended the scan, or 0 */
	pthread_t	 tid;
	int		 started;	/* tid is a thread to join */
};

/* A getdents64 cursor over a directory fd. */
struct pm_dir {
	int		 fd;
	char		*buf;
	size_t		 cap;
	size_t		 len;
	size_t		 pos;
};

/* Parses a whole decimal name (a pid or an fd); -1 if it is not one. */
static long
pm_parse_num(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (INT_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/*
 * Recognises a link target "socket:[INODE]" exactly as sockfs names it
 * (fs/proc reads the dentry name), with no trailing bytes.  Returns the
 * inode, or 0 for anything else: pipes, anon inodes, files.
 */
static uint64_t
pm_parse_socket(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n < SOCK_PREFIX_LEN + 2 || s[n - 1] != ']' ||
	    memcmp(s, SOCK_PREFIX, SOCK_PREFIX_LEN) != 0)
		return 0;
	for (i = SOCK_PREFIX_LEN; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

/* Returns the next entry name of d, NULL at the end or on error. */
static const char *
pm_dir_next(struct pm_dir *d, int *error)
{
	struct dirent64 *de;
	ssize_t n;

	*error = 0;
	if (d->pos >= d->len) {
		if ((n = getdents64(d->fd, d->buf, d->cap)) <= 0) {
			if (n == -1)
				*error = errno;
			return NULL;
		}
		d->len = (size_t)n;
		d->pos = 0;
	}
	de = (struct dirent64 *)(void *)(d->buf + d->pos);
	d->pos += de->d_reclen;
	return de->d_name;
}

/*
 * Sorts errno of a per-process step: 0 when the process is skipped
 * (exited: ENOENT, ESRCH, ENOTDIR; denied: EACCES, EPERM; anything else
 * the kernel or a filesystem may say: failed), -1 for ENOMEM, which is
 * this process's own and ends the build.
 */
static int
pm_skip(struct pm_scan *sc, int e)
{
	switch (e) {
	case ENOENT:
	case ESRCH:
	case ENOTDIR:
		sc->st.procs_vanished++;
		return 0;
	case EACCES:
	case EPERM:
		sc->st.procs_denied++;
		return 0;
	case ENOMEM:
		errno = e;
		return -1;
	default:
		/* One odd process must not cost every other owner. */
		if (sc->st.procs_failed++ == 0)
			sc->st.failed_errno = e;
		return 0;
	}
}

/*
 * Copies the n bytes of s, NUL-ended, into the chunks (where they never
 * move) and points *out at the copy.  Returns 0, or -1 with ENOMEM.
 */
static int
pm_store(struct pm_scan *sc, const char *s, size_t n, const char **out)
{
	struct pm_chunk *c = sc->chunks;

	if (c == NULL || c->used + n + 1 > sizeof(c->data)) {
		if ((c = malloc(sizeof(*c))) == NULL)
			return -1;
		c->next = sc->chunks;
		c->used = 0;
		sc->chunks = c;
	}
	memcpy(c->data + c->used, s, n);
	c->data[c->used + n] = '\0';
	*out = c->data + c->used;
	c->used += n + 1;
	return 0;
}

/* Reads at most len bytes of the file name under dir into buf. */
static ssize_t
pm_read_file(int dir, const char *name, char *buf, size_t len)
{
	ssize_t n;
	int fd, save_errno;

	if ((fd = openat(dir, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len);
	save_errno = errno;
	close(fd);
	errno = save_errno;
	return n;
}

/*
 * Reads comm (raw, one trailing newline removed) into the chunks and
 * points *comm at it.  Only done once a process shows a socket: kernel
 * threads and processes without sockets cost no comm read.
 */
static int
pm_read_comm(struct pm_scan *sc, int pfd, const char **comm)
{
	char buf[COMM_MAX];
	ssize_t n;

	if ((n = pm_read_file(pfd, "comm", buf, sizeof(buf) - 1)) == -1)
		return -1;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	return pm_store(sc, buf, (size_t)n, comm);
}

/*
 * netstat's program name (procmap.h, procmap_build_flags) from the
 * cmdline under dir, into the chunks.  Sets *argv0 NULL when cmdline is
 * empty or unreadable: the faces then show comm, and the process is not
 * lost for a name.  Returns 0, or -1 with ENOMEM.
 */
static int
pm_read_argv0(struct pm_scan *sc, int dir, const char **argv0)
{
	char buf[CMDLINE_MAX], *s, *slash;
	ssize_t n;

	*argv0 = NULL;
	if ((n = pm_read_file(dir, "cmdline", buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';		/* a title without NUL (setproctitle) ends here */
	s = buf;
	if (s[0] == '/' && (slash = strrchr(s, '/')) != NULL)
		s = slash + 1;
	return pm_store(sc, s, strlen(s), argv0);
}

/*
 * The process's /proc/PID/cgroup, whole up to CGROUP_MAX bytes, into the
 * chunks: the faces derive the container from it (container.h).  Sets
 * *cgroup NULL when unreadable.  Returns 0, or -1 with ENOMEM.
 */
static int
pm_read_cgroup(struct pm_scan *sc, int pfd, const char **cgroup)
{
	char buf[CGROUP_MAX];
	ssize_t n;

	*cgroup = NULL;
	if ((n = pm_read_file(pfd, "cgroup", buf, sizeof(buf) - 1)) <= 0)
		return 0;
	return pm_store(sc, buf, (size_t)n, cgroup);
}

/* Appends one owner of inode, doubling both arrays when full. */
static int
pm_append(struct pm_scan *sc, uint64_t inode, const struct sock_owner *o)
{
	struct sock_owner *no;
	uint64_t *ni;
	size_t cap;

	if (sc->n == sc->cap) {
		cap = sc->cap ? sc->cap * 2 : OWNERS_MIN;
		/* uint32_t slot offsets, and room for the groups' copies. */
		if (cap > UINT32_MAX / 2) {
			errno = ENOMEM;
			return -1;
		}
		if ((ni = realloc(sc->inodes, cap * sizeof(*ni))) == NULL)
			return -1;
		sc->inodes = ni;
		if ((no = realloc(sc->owners, cap * sizeof(*no))) == NULL)
			return -1;
		sc->owners = no;
		sc->cap = cap;
	}
	sc->inodes[sc->n] = inode;
	sc->owners[sc->n++] = *o;
	return 0;
}

/*
 * Lists the fd table under base (the process directory pfd, or one of
 * its task/TID), appending an owner o for each socket; comm is read
 * from pfd and argv0 from base on the first one.  *seen counts the fds
 * listed.  Returns 0, or -1 with errno set (for pm_skip to sort).
 */
static int
pm_scan_table(struct pm_scan *sc, int pfd, int base, struct sock_owner *o,
    size_t *seen)
{
	struct pm_dir d;
	const char *fdname;
	char link[64];
	uint64_t inode;
	ssize_t n;
	long fd;
	int error, rv = -1;

	memset(&d, 0, sizeof(d));
	if ((d.fd = openat(base, "fd",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	d.buf = sc->fdbuf;
	d.cap = FDDIR_BUFSZ;
	while ((fdname = pm_dir_next(&d, &error)) != NULL) {
		if ((fd = pm_parse_num(fdname)) == -1)
			continue;	/* "." and ".." */
		(*seen)++;
		/* Relative to the fd directory: no path is built per fd. */
		n = readlinkat(d.fd, fdname, link, sizeof(link));
		if (n == -1) {
			/* Closed since listed, or not a link (a test tree). */
			if (errno == ENOENT || errno == EINVAL)
				continue;
			goto out;
		}
		if ((size_t)n == sizeof(link) ||
		    (inode = pm_parse_socket(link, (size_t)n)) == 0)
			continue;
		if (o->command == NULL &&
		    (pm_read_comm(sc, pfd, &o->command) == -1 ||
		    ((sc->sh->flags & PROCMAP_ARGV0) &&
		    pm_read_argv0(sc, base, &o->argv0) == -1) ||
		    ((sc->sh->flags & PROCMAP_CGROUP) &&
		    pm_read_cgroup(sc, pfd, &o->cgroup) == -1))) {
			o->command = NULL;
			goto out;
		}
		o->fd = (int)fd;
		if (pm_append(sc, inode, o) == -1)
			goto out;
	}
	/* An fd table that vanishes mid-listing keeps what was read. */
	if (error != 0)
		errno = error;
	else
		rv = 0;
out:
	error = errno;
	close(d.fd);
	errno = error;
	return rv;
}

/*
 * The fd table of a process whose own lists nothing: when its main
 * thread has exited (a zombie leader) the table lives on in the other
 * threads, readable under task/TID/fd.  Threads share one table, so the
 * first that lists any fd is the one.  Errors only mean a thread
 * exited, but ENOMEM.  Returns 0, or -1 with errno ENOMEM.
 */
static int
pm_scan_tasks(struct pm_scan *sc, int pfd, struct sock_owner *o,
    size_t *listed)
{
	_Alignas(struct dirent64) char buf[TASKDIR_BUFSZ];
	struct pm_dir d;
	const char *name;
	size_t seen = 0;
	long tid;
	int base, error, rv = 0;

	memset(&d, 0, sizeof(d));
	if ((d.fd = openat(pfd, "task",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	d.buf = buf;
	d.cap = sizeof(buf);
	while (seen == 0 && (name = pm_dir_next(&d, &error)) != NULL) {
		if ((tid = pm_parse_num(name)) == -1 || tid == o->pid ||
		    (base = openat(d.fd, name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			continue;
		rv = pm_scan_table(sc, pfd, base, o, &seen);
		error = errno;
		close(base);
		if (rv == -1 && error == ENOMEM)
			break;
		rv = 0;
	}
	close(d.fd);
	*listed = seen;
	if (rv == -1)
		errno = ENOMEM;
	return rv;
}

/*
 * Scans the fd table of one process.  Returns 0 (also when the process
 * was skipped), or -1 with errno set for an error that ends the build.
 */
static int
pm_scan_proc(struct pm_scan *sc, int procfd, const char *name, pid_t pid)
{
	struct sock_owner o;
	struct stat sb;
	size_t seen = 0;
	int pfd, error, rv;

	if ((pfd = openat(procfd, name,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return pm_skip(sc, errno);
	/* /proc/PID is owned by the task's effective uid, dumpable or not. */
	if (fstat(pfd, &sb) == -1) {
		rv = pm_skip(sc, errno);
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.pid = pid;
	o.uid = sb.st_uid;
	o.mode = 'u';		/* sockets are always opened O_RDWR */
	if (pm_scan_table(sc, pfd, pfd, &o, &seen) == -1) {
		error = errno;
		/*
		 * Without CAP_SYS_PTRACE a zombie leader's own fd/ is
		 * denied even to its user, while its live threads' are
		 * not: try them before counting the process as denied.
		 */
		if (seen == 0 && error == EACCES && sb.st_uid == geteuid() &&
		    (rv = pm_scan_tasks(sc, pfd, &o, &seen)) == 0 && seen > 0) {
			sc->st.procs++;
			goto out;
		}
		rv = pm_skip(sc, error);
		/* Denied or gone before a single fd: not a process read. */
		if (seen > 0)
			sc->st.procs++;
		goto out;
	}
	sc->st.procs++;
	rv = seen == 0 ? pm_scan_tasks(sc, pfd, &o, &seen) : 0;
out:
	error = errno;
	close(pfd);
	errno = error;
	return rv;
}

static int
pm_pid_cmp(const void *a, const void *b)
{
	const struct pm_pid *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * Lists the PID directories of the open proc_root into p, sorted by pid
 * (/proc lists them so already; a test tree may not).  Only the top
 * level lists processes (thread group leaders); threads share their
 * leader's fd table, so task/ is never read.
 */
static int
pm_list_pids(int procfd, struct pm_pids *p)
{
	struct pm_dir d;
	struct pm_pid *nv;
	const char *name;
	char *nn;
	size_t len, size;
	long pid;
	int error, save_errno;

	memset(&d, 0, sizeof(d));
	d.fd = procfd;
	d.cap = ROOTDIR_BUFSZ;
	if ((d.buf = malloc(d.cap)) == NULL)
		return -1;
	while ((name = pm_dir_next(&d, &error)) != NULL) {
		if ((pid = pm_parse_num(name)) <= 0)
			continue;
		if (p->n == p->cap) {
			size = p->cap ? p->cap * 2 : PIDS_MIN;
			if ((nv = reallocarray(p->v, size,
			    sizeof(*nv))) == NULL)
				goto fail;
			p->v = nv;
			p->cap = size;
		}
		len = strlen(name) + 1;
		for (size = p->size ? p->size : PIDS_MIN * 8;
		    size < p->len + len; size *= 2)
			;
		if (size != p->size) {
			if ((nn = realloc(p->names, size)) == NULL)
				goto fail;
			p->names = nn;
			p->size = size;
		}
		memcpy(p->names + p->len, name, len);
		p->v[p->n].pid = (pid_t)pid;
		p->v[p->n++].name = p->len;
		p->len += len;
	}
	free(d.buf);
	if (error != 0) {
		errno = error;
		return -1;
	}
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), pm_pid_cmp);
	return 0;
fail:
	save_errno = errno;
	free(d.buf);
	errno = save_errno;
	return -1;
}

/*
 * One scan worker, run by procmap_build's own thread or a thread of its
 * own: takes PIDs by ascending index until none is left or a worker
 * failed, and records the first failure's errno in sh->error.
 */
static void *
pm_worker(void *arg)
{
	struct pm_scan *sc = arg;
	struct pm_shared *sh = sc->sh;
	const struct pm_pid *p;
	size_t i;
	int none = 0;

	if ((sc->fdbuf = malloc(FDDIR_BUFSZ)) == NULL)
		sc->error = errno;
	while (sc->error == 0 &&
	    atomic_load_explicit(&sh->error, memory_order_relaxed) == 0) {
		i = atomic_fetch_add_explicit(&sh->next, 1,
		    memory_order_relaxed);
		if (i >= sh->pids->n)
			break;
		p = &sh->pids->v[i];
		if (pm_scan_proc(sc, sh->procfd, sh->pids->names + p->name,
		    p->pid) == -1)
			sc->error = errno;
	}
	if (sc->error != 0)
		atomic_compare_exchange_strong(&sh->error, &none, sc->error);
	return NULL;
}

/*
 * Moves the owners of the nw workers into *owners and their inodes
 * into *inodes, *n in all, by ascending pid: each worker took PIDs in
 * ascending order, so its owners are sorted runs, one per process, and
 * a merge of those gives the order of a single pass.
 */
static int
pm_merge(struct pm_scan *w, int nw, struct sock_owner **owners,
    uint64_t **inodes, size_t *n)
{
	size_t pos[PM_THREADS_MAX], total = 0, k;
	pid_t pid;
	int i, best;

	for (i = 0; i < nw; i++) {
		total += w[i].n;
		pos[i] = 0;
	}
	/* pm_append's bound, for all workers together. */
	if (total > UINT32_MAX / 2) {
		errno = ENOMEM;
		return -1;
	}
	if (nw == 1) {
		*owners = w[0].owners;
		*inodes = w[0].inodes;
		w[0].owners = NULL;
		w[0].inodes = NULL;
		*n = total;
		return 0;
	}
	if (total == 0) {
		*n = 0;
		return 0;
	}
	if ((*owners = reallocarray(NULL, total,
	    sizeof(**owners))) == NULL ||
	    (*inodes = reallocarray(NULL, total, sizeof(**inodes))) == NULL)
		return -1;
	for (k = 0; k < total;) {
		for (best = -1, i = 0; i < nw; i++)
			if (pos[i] < w[i].n && (best == -1 ||
			    w[i].owners[pos[i]].pid <
			    w[best].owners[pos[best]].pid))
				best = i;
		pid = w[best].owners[pos[best]].pid;
		do {
			(*owners)[k] = w[best].owners[pos[best]];
			(*inodes)[k++] = w[best].inodes[pos[best]++];
		} while (pos[best] < w[best].n &&
		    w[best].owners[pos[best]].pid == pid);
	}
	/* Freed before the hash is built: the peak stays near one pass's. */
	for (i = 0; i < nw; i++) {
		free(w[i].owners);
		free(w[i].inodes);
		w[i].owners = NULL;
		w[i].inodes = NULL;
	}
	*n = total;
	return 0;
}

/* Frees what a worker still holds; its chunks have moved to the map. */
static void
pm_scan_free(struct pm_scan *sc)
{
	free(sc->owners);
	free(sc->inodes);
	free(sc->fdbuf);
}

/* Workers for a build: one per online CPU, at most PM_THREADS. */
static int
pm_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n < PM_THREADS ? (int)n : PM_THREADS;
}

/*
 * procmap_build_flags with nthreads workers (1 to PM_THREADS_MAX; 1
 * creates no thread): not in procmap.h, the tests declare it to compare
 * counts.
 */
struct procmap	*procmap_build_n(const char *, unsigned,
		    struct procmap_stats *, int);

struct procmap *
procmap_build_n(const char *proc_root, unsigned flags,
    struct procmap_stats *stp, int nthreads)
{
	struct procmap_stats dummy, *st = stp != NULL ? stp : &dummy;
	struct pm_scan w[PM_THREADS_MAX];
	struct pm_shared sh;
	struct pm_pids pids;
	struct pm_chunk *c, *chunks = NULL;
	struct sock_owner *owners = NULL;
	struct procmap *m;
	uint64_t *inodes = NULL;
	size_t n;
	int i, save_errno;

	memset(st, 0, sizeof(*st));
	memset(w, 0, sizeof(w));
	memset(&pids, 0, sizeof(pids));
	sh.procfd = -1;
	sh.flags = flags;
	sh.pids = &pids;
	atomic_init(&sh.next, 0);
	atomic_init(&sh.error, 0);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > PM_THREADS_MAX)
		nthreads = PM_THREADS_MAX;
	if ((sh.procfd = open(proc_root,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    pm_list_pids(sh.procfd, &pids) == -1)
		goto fail;
	if ((size_t)nthreads > pids.n)
		nthreads = pids.n > 0 ? (int)pids.n : 1;
	for (i = 0; i < nthreads; i++)
		w[i].sh = &sh;
	/*
	 * Created here, after main raised its capabilities: a thread
	 * starts with its creator's.  One that cannot be created leaves
	 * its share to the others.
	 */
	for (i = 1; i < nthreads; i++)
		w[i].started = pthread_create(&w[i].tid, NULL, pm_worker,
		    &w[i]) == 0;
	pm_worker(&w[0]);
	for (i = 0; i < nthreads; i++) {
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
		/* Every comm string goes to the map from here on. */
		while ((c = w[i].chunks) != NULL) {
			w[i].chunks = c->next;
			c->next = chunks;
			chunks = c;
		}
		st->procs += w[i].st.procs;
		st->procs_vanished += w[i].st.procs_vanished;
		st->procs_denied += w[i].st.procs_denied;
		st->procs_failed += w[i].st.procs_failed;
		if (st->failed_errno == 0)
			st->failed_errno = w[i].st.failed_errno;
	}
	if ((errno = atomic_load(&sh.error)) != 0 ||
	    pm_merge(w, nthreads, &owners, &inodes, &n) == -1)
		goto fail;
	/* Takes owners and chunks, also when it fails. */
	m = procmap_index(owners, inodes, n, chunks, st);
	owners = NULL;
	chunks = NULL;
	if (m == NULL)
		goto fail;
	st->hidepid = procmap_hidepid(proc_root);
	close(sh.procfd);
	for (i = 0; i < nthreads; i++)
		pm_scan_free(&w[i]);
	free(pids.v);
	free(pids.names);
	free(inodes);
	return m;
fail:
	save_errno = errno;
	if (sh.procfd != -1)
		close(sh.procfd);
	for (i = 0; i < nthreads; i++)
		pm_scan_free(&w[i]);
	free(pids.v);
	free(pids.names);
	free(inodes);
	free(owners);
	procmap_chunks_free(chunks);
	errno = save_errno;
	return NULL;
}

struct procmap *
procmap_build(const char *proc_root, struct procmap_stats *st)
{
	return procmap_build_n(proc_root, 0, st, pm_threads());
}

struct procmap *
procmap_build_flags(const char *proc_root, unsigned flags,
    struct procmap_stats *st)
{
	return procmap_build_n(proc_root, flags, st, pm_threads());
}
