/*
 * procmap.c - the owner map.  One pass over <proc_root>/PID/fd appends
 * an owner and its socket inode to two parallel arrays; then, the count
 * known, an open-addressing hash sized once for it gives each inode its
 * owners as one contiguous slice: the owner itself when alone (almost
 * always), or a sorted copy of the group placed after the scanned ones.
 * Everything is linear in processes + fds, with one hash probe per fd:
 * no per-fd allocation, no per-fd path building, no rehashing.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procmap.h"
#include "util.h"

#define SOCK_PREFIX	"socket:["
#define SOCK_PREFIX_LEN	(sizeof(SOCK_PREFIX) - 1)

/*
 * getdents64 buffers: a process with 200k fds is listed in ~50 calls
 * with 128 KiB; /proc itself holds at most a few thousand entries.
 */
#define FDDIR_BUFSZ	(128 * 1024)
#define ROOTDIR_BUFSZ	(32 * 1024)

#define HASH_MIN	64		/* slots, for an empty map */
#define OWNERS_MIN	1024		/* first owner array; doubles */
#define COMM_MAX	256		/* kernel comm is at most 64 bytes */
#define CHUNK_SIZE	4096		/* comm strings per allocation */
#define OWNERS_SCAN	64		/* owners searched for a repeated pid */
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

/* A hash slot; inode 0 marks it empty (sockfs never hands out 0). */
struct pm_slot {
	uint64_t	 inode;
	uint32_t	 start;		/* first owner in procmap.owners */
	uint32_t	 count;
};

/*
 * Commands live in chunks that never move, so owners point at them
 * from the moment they are read.
 */
struct pm_chunk {
	struct pm_chunk	*next;
	size_t		 used;
	char		 data[CHUNK_SIZE];
};

struct procmap {
	struct pm_slot	*slots;
	size_t		 nslots;	/* a power of two */
	unsigned	 shift;		/* 64 - log2(nslots) */
	size_t		 used;		/* distinct inodes */
	struct sock_owner *owners;
	size_t		 nowners;
	struct pm_chunk	*chunks;
};

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

static uint64_t
pm_hash(uint64_t inode, unsigned shift)
{
	/* Inodes are sequential: Fibonacci hashing spreads them. */
	return (inode * 0x9E3779B97F4A7C15ULL) >> shift;
}

/* The slot of inode, or the empty slot where it would go. */
static struct pm_slot *
pm_probe(const struct procmap *m, uint64_t inode)
{
	size_t i, mask = m->nslots - 1;

	for (i = pm_hash(inode, m->shift); m->slots[i].inode != 0 &&
	    m->slots[i].inode != inode; i = (i + 1) & mask)
		;
	return &m->slots[i];
}

/* Allocates an empty table of at least twice want slots. */
static int
pm_alloc_slots(struct procmap *m, size_t want)
{
	unsigned bits = 0;

	while (((size_t)1 << bits) < want * 2 ||
	    ((size_t)1 << bits) < HASH_MIN) {
		if (bits >= sizeof(size_t) * CHAR_BIT - 6) {
			errno = ENOMEM;
			return -1;
		}
		bits++;
	}
	if ((m->slots = calloc((size_t)1 << bits, sizeof(*m->slots))) == NULL)
		return -1;
	m->nslots = (size_t)1 << bits;
	m->shift = 64 - bits;
	return 0;
}

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
 * (exited: ENOENT, ESRCH, ENOTDIR; denied: EACCES, EPERM), -1 otherwise.
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
	default:
		errno = e;
		return -1;
	}
}

/*
 * Reads comm (raw, one trailing newline removed) into the chunks and
 * points *comm at it.  Only done once a process shows a socket: kernel
 * threads and processes without sockets cost no comm read.
 */
static int
pm_read_comm(struct pm_scan *sc, int pfd, const char **comm)
{
	struct pm_chunk *c = sc->chunks;
	char buf[COMM_MAX];
	ssize_t n;
	int fd, save_errno;

	if ((fd = openat(pfd, "comm", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	save_errno = errno;
	close(fd);
	if (n == -1) {
		errno = save_errno;
		return -1;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (c == NULL || c->used + (size_t)n + 1 > sizeof(c->data)) {
		if ((c = malloc(sizeof(*c))) == NULL)
			return -1;
		c->next = sc->chunks;
		c->used = 0;
		sc->chunks = c;
	}
	memcpy(c->data + c->used, buf, (size_t)n);
	c->data[c->used + (size_t)n] = '\0';
	*comm = c->data + c->used;
	c->used += (size_t)n + 1;
	return 0;
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
 * Scans the fd table of one process.  Returns 0 (also when the process
 * was skipped), or -1 with errno set for an error that ends the build.
 */
static int
pm_scan_proc(struct pm_scan *sc, int procfd, const char *name, pid_t pid)
{
	struct sock_owner o;
	struct pm_dir d;
	struct stat sb;
	const char *fdname;
	char link[64];
	uint64_t inode;
	ssize_t n;
	long fd;
	int pfd, error, rv = -1;

	if ((pfd = openat(procfd, name,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return pm_skip(sc, errno);
	memset(&d, 0, sizeof(d));
	if ((d.fd = openat(pfd, "fd",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		rv = pm_skip(sc, errno);
		goto out;
	}
	/* /proc/PID is owned by the task's effective uid, dumpable or not. */
	if (fstat(pfd, &sb) == -1) {
		rv = pm_skip(sc, errno);
		goto out;
	}
	sc->st.procs++;
	o.pid = pid;
	o.uid = sb.st_uid;
	o.mode = 'u';		/* sockets are always opened O_RDWR */
	o.command = NULL;
	d.buf = sc->fdbuf;
	d.cap = FDDIR_BUFSZ;
	while ((fdname = pm_dir_next(&d, &error)) != NULL) {
		if ((fd = pm_parse_num(fdname)) == -1)
			continue;	/* "." and ".." */
		/* Relative to the fd directory: no path is built per fd. */
		n = readlinkat(d.fd, fdname, link, sizeof(link));
		if (n == -1) {
			/* Closed since listed, or not a link (a test tree). */
			if (errno == ENOENT || errno == EINVAL)
				continue;
			rv = pm_skip(sc, errno);
			goto out;
		}
		if ((size_t)n == sizeof(link) ||
		    (inode = pm_parse_socket(link, (size_t)n)) == 0)
			continue;
		if (o.command == NULL &&
		    pm_read_comm(sc, pfd, &o.command) == -1) {
			rv = pm_skip(sc, errno);
			goto out;
		}
		o.fd = (int)fd;
		if (pm_append(sc, inode, &o) == -1)
			goto out;
	}
	/* An fd table that vanishes mid-listing keeps what was read. */
	rv = error != 0 ? pm_skip(sc, error) : 0;
out:
	error = errno;
	if (d.fd != -1)
		close(d.fd);
	close(pfd);
	errno = error;
	return rv;
}

static int
pm_owner_cmp(const struct sock_owner *a, const struct sock_owner *b)
{
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->fd < b->fd ? -1 : a->fd > b->fd;
}

/*
 * Builds the hash over the n owners in m->owners, inodes[i] held by
 * m->owners[i].  An inode met once keeps its owner in place; the owners
 * of a shared inode are chained through next[] while hashing, then
 * copied after the scanned owners as one group sorted by (pid, fd).
 * The owners come by ascending pid (pm_merge) and, on a real /proc, fd,
 * so the insertion sort is linear in practice.
 */
static int
pm_finish(struct procmap *m, const uint64_t *inodes, size_t n)
{
	struct sock_owner *o, t;
	struct pm_slot *s;
	uint32_t *next = NULL, *multi = NULL, i, j, k;
	size_t nmulti = 0, extra = 0, total;

	if (pm_alloc_slots(m, n) == -1)
		return -1;
	if (n > 0 && ((next = malloc(n * sizeof(*next))) == NULL ||
	    (multi = malloc(n * sizeof(*multi))) == NULL))
		goto fail;
	for (i = 0; i < n; i++) {
		s = pm_probe(m, inodes[i]);
		if (s->inode == 0) {
			s->inode = inodes[i];
			s->start = i;
			s->count = 1;
			m->used++;
			next[i] = UINT32_MAX;
			continue;
		}
		/* Chained newest first; the copy below restores scan order. */
		next[i] = s->start;
		s->start = i;
		if (++s->count == 2)
			multi[nmulti++] = (uint32_t)(s - m->slots);
		extra++;
	}
	total = n;
	if (nmulti > 0) {
		extra += nmulti;
		if ((o = realloc(m->owners,
		    (n + extra) * sizeof(*o))) == NULL)
			goto fail;
		m->owners = o;
	}
	for (i = 0; i < nmulti; i++) {
		s = &m->slots[multi[i]];
		o = &m->owners[total];
		for (j = s->count, k = s->start; j > 0; j--, k = next[k])
			o[j - 1] = m->owners[k];
		for (j = 1; j < s->count; j++) {
			t = o[j];
			for (k = j; k > 0 && pm_owner_cmp(&o[k - 1], &t) > 0;
			    k--)
				o[k] = o[k - 1];
			o[k] = t;
		}
		s->start = (uint32_t)total;
		total += s->count;
	}
	m->nowners = total;
	free(next);
	free(multi);
	return 0;
fail:
	free(next);
	free(multi);
	return -1;
}

/* Undoes the octal escapes (\040 ...) of a mountinfo path in place. */
static void
pm_unescape(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			s += 3;
		} else
			*d = *s;
	}
	*d = '\0';
}

/* Reads the hidepid= value from proc super options, OFF if absent. */
static int
pm_hidepid_opt(const char *opts)
{
	static const struct {
		const char	*name;
		int		 value;
	} tab[] = {
		{ "off", PROCMAP_HIDEPID_OFF }, { "0", PROCMAP_HIDEPID_OFF },
		{ "noaccess", PROCMAP_HIDEPID_NOACCESS },
		{ "1", PROCMAP_HIDEPID_NOACCESS },
		{ "invisible", PROCMAP_HIDEPID_INVISIBLE },
		{ "2", PROCMAP_HIDEPID_INVISIBLE },
		{ "ptraceable", PROCMAP_HIDEPID_PTRACEABLE },
		{ "4", PROCMAP_HIDEPID_PTRACEABLE },
	};
	const char *p, *v;
	size_t i, len;

	for (p = opts; p != NULL; p = (p = strchr(p, ',')) ? p + 1 : NULL) {
		if (strncmp(p, "hidepid=", 8) != 0)
			continue;
		v = p + 8;
		len = strcspn(v, ",");
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strlen(tab[i].name) == len &&
			    memcmp(tab[i].name, v, len) == 0)
				return tab[i].value;
		/* A value this code does not know: assume the worst. */
		return PROCMAP_HIDEPID_INVISIBLE;
	}
	return PROCMAP_HIDEPID_OFF;
}

/*
 * hidepid of the mount at proc_root, from <proc_root>/self/mountinfo
 * (the reader's own view).  A line is "ID PARENT MAJ:MIN ROOT MOUNTPOINT
 * OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS"; the last mount on a
 * point hides the earlier ones.  Any failure reads as UNKNOWN.
 */
static int
pm_hidepid(const char *proc_root)
{
	char path[PATH_MAX], *real, *line = NULL, *f[6], *sep, *p;
	size_t cap = 0;
	FILE *fp;
	int i, rv = PROCMAP_HIDEPID_UNKNOWN;

	if ((size_t)snprintf(path, sizeof(path), "%s/self/mountinfo",
	    proc_root) >= sizeof(path))
		return rv;
	if ((real = realpath(proc_root, NULL)) == NULL)
		return rv;
	if ((fp = fopen(path, "re")) == NULL) {
		free(real);
		return rv;
	}
	while (getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if ((sep = strstr(line, " - ")) == NULL)
			continue;
		*sep = '\0';
		p = line;
		for (i = 0; i < 5 && (f[i] = strsep(&p, " ")) != NULL; i++)
			;
		if (i < 5)
			continue;
		pm_unescape(f[4]);
		if (strcmp(f[4], real) != 0)
			continue;
		p = sep + 3;
		f[0] = strsep(&p, " ");		/* fstype */
		f[1] = strsep(&p, " ");		/* source */
		if (p == NULL || strcmp(f[0], "proc") != 0)
			rv = PROCMAP_HIDEPID_OFF;
		else
			rv = pm_hidepid_opt(p);
	}
	free(line);
	fclose(fp);
	free(real);
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
 * Moves the owners of the nw workers into m->owners and their inodes
 * into *inodes, *n in all, by ascending pid: each worker took PIDs in
 * ascending order, so its owners are sorted runs, one per process, and
 * a merge of those gives the order of a single pass.
 */
static int
pm_merge(struct procmap *m, struct pm_scan *w, int nw, uint64_t **inodes,
    size_t *n)
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
		m->owners = w[0].owners;
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
	if ((m->owners = reallocarray(NULL, total,
	    sizeof(*m->owners))) == NULL ||
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
			m->owners[k] = w[best].owners[pos[best]];
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
 * procmap_build with nthreads workers (1 to PM_THREADS_MAX; 1 creates no
 * thread): not in procmap.h, the tests declare it to compare counts.
 */
struct procmap	*procmap_build_n(const char *, struct procmap_stats *, int);

struct procmap *
procmap_build_n(const char *proc_root, struct procmap_stats *stp,
    int nthreads)
{
	struct procmap_stats dummy, *st = stp != NULL ? stp : &dummy;
	struct pm_scan w[PM_THREADS_MAX];
	struct pm_shared sh;
	struct pm_pids pids;
	struct pm_chunk *c;
	struct procmap *m;
	uint64_t *inodes = NULL;
	size_t n;
	int i, save_errno;

	memset(st, 0, sizeof(*st));
	memset(w, 0, sizeof(w));
	memset(&pids, 0, sizeof(pids));
	sh.procfd = -1;
	sh.pids = &pids;
	atomic_init(&sh.next, 0);
	atomic_init(&sh.error, 0);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > PM_THREADS_MAX)
		nthreads = PM_THREADS_MAX;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
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
		/* The map owns every comm string from here on. */
		while ((c = w[i].chunks) != NULL) {
			w[i].chunks = c->next;
			c->next = m->chunks;
			m->chunks = c;
		}
		st->procs += w[i].st.procs;
		st->procs_vanished += w[i].st.procs_vanished;
		st->procs_denied += w[i].st.procs_denied;
	}
	if ((errno = atomic_load(&sh.error)) != 0 ||
	    pm_merge(m, w, nthreads, &inodes, &n) == -1 ||
	    pm_finish(m, inodes, n) == -1)
		goto fail;
	st->fds = n;
	st->sockets = m->used;
	st->hidepid = pm_hidepid(proc_root);
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
	procmap_free(m);
	errno = save_errno;
	return NULL;
}

struct procmap *
procmap_build(const char *proc_root, struct procmap_stats *st)
{
	return procmap_build_n(proc_root, st, pm_threads());
}

const struct sock_owner *
procmap_lookup(const struct procmap *m, uint64_t inode, size_t *n)
{
	const struct pm_slot *s;

	*n = 0;
	if (m == NULL || inode == 0 ||
	    (s = pm_probe(m, inode))->inode == 0)
		return NULL;
	*n = s->count;
	return &m->owners[s->start];
}

int
procmap_foreach(const struct procmap *m, int (*cb)(uint64_t,
    const struct sock_owner *, size_t, void *), void *arg)
{
	const struct pm_slot *s;
	size_t i;
	int rv;

	if (m == NULL)
		return 0;
	for (i = 0; i < m->nslots; i++) {
		s = &m->slots[i];
		if (s->inode != 0 &&
		    (rv = cb(s->inode, &m->owners[s->start], s->count, arg)) != 0)
			return rv;
	}
	return 0;
}

/* Makes *buf hold at least need bytes. */
static int
pm_reserve(char **buf, size_t *cap, size_t need)
{
	char *p;

	if (need <= *cap)
		return 0;
	if (need < 256)
		need = 256;
	if ((p = realloc(*buf, need)) == NULL)
		return -1;
	*buf = p;
	*cap = need;
	return 0;
}

ssize_t
procmap_owners_text(const struct sock_owner *ow, size_t n, char **buf,
    size_t *cap)
{
	const char *cmd;
	char num[24], *p;
	size_t i, j, len = 0, cmdlen;
	uint64_t pid;

	if (n == 0) {
		if (pm_reserve(buf, cap, 2) == -1)
			return -1;
		memcpy(*buf, "-", 2);
		return 1;
	}
	for (i = 0; i < n; i++) {
		/*
		 * A process with several descriptors is listed once.  Its
		 * descriptors sit together (owners are sorted by pid), so
		 * past a few dozen owners (prefork servers) only the previous
		 * one is compared, to stay linear.
		 */
		j = i > OWNERS_SCAN ? i - 1 : 0;
		for (; j < i && ow[j].pid != ow[i].pid; j++)
			;
		if (j < i)
			continue;
		cmd = ow[i].command != NULL ? ow[i].command : "-";
		cmdlen = strlen(cmd);
		if (pm_reserve(buf, cap, len + 1 + sizeof(num) +
		    UTIL_ESCAPE_MAX(cmdlen)) == -1)
			return -1;
		if (len > 0)
			(*buf)[len++] = ',';
		/* Digits backwards, as the uint64_t every face prints. */
		p = num + sizeof(num);
		pid = (uint64_t)ow[i].pid;
		do
			*--p = (char)('0' + pid % 10);
		while ((pid /= 10) > 0);
		memcpy(*buf + len, p, (size_t)(num + sizeof(num) - p));
		len += (size_t)(num + sizeof(num) - p);
		(*buf)[len++] = '/';
		len += util_escape(*buf + len, *cap - len, cmd, cmdlen);
	}
	return (ssize_t)len;
}

#define WIDEST_CACHE	64	/* commands whose escaped width is kept */

/*
 * Widest text so far, the buffer it is built in, and the columns of
 * recent escaped commands: a process's sockets share one command string.
 */
struct pm_widest {
	char		*buf;
	size_t		 cap;
	size_t		 width;
	struct {
		const char	*cmd;
		size_t		 cols;
	} cache[WIDEST_CACHE];
};

/* util_escape leaves ASCII and whole UTF-8 sequences: one column each. */
static size_t
pm_cols(const char *s, size_t n)
{
	size_t i, cols = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cols++;
	return cols;
}

static int
pm_widest_cb(uint64_t inode, const struct sock_owner *ow, size_t n,
    void *arg)
{
	struct pm_widest *w = arg;
	struct sock_owner one;
	uint64_t pid;
	ssize_t len;
	size_t cols, slot;

	(void)inode;
	/*
	 * A socket held by one process (almost all) reads "pid/command":
	 * the pid's digits, '/', and the escaped command, whose width is
	 * kept per command string.  Others go through the text itself.
	 */
	if (n == 1 && ow->command != NULL) {
		slot = ((uintptr_t)ow->command >> 3) % WIDEST_CACHE;
		if (w->cache[slot].cmd != ow->command) {
			one = *ow;
			one.pid = 0;		/* "0/": two columns */
			if ((len = procmap_owners_text(&one, 1, &w->buf,
			    &w->cap)) == -1)
				return -1;
			w->cache[slot].cmd = ow->command;
			w->cache[slot].cols = pm_cols(w->buf, (size_t)len) - 2;
		}
		cols = 2 + w->cache[slot].cols;
		for (pid = (uint64_t)ow->pid; pid >= 10; pid /= 10)
			cols++;
	} else {
		if ((len = procmap_owners_text(ow, n, &w->buf,
		    &w->cap)) == -1)
			return -1;
		cols = pm_cols(w->buf, (size_t)len);
	}
	if (cols > w->width)
		w->width = cols;
	return 0;
}

int
procmap_owners_widest(const struct procmap *m, size_t *width)
{
	struct pm_widest w;
	int rv;

	memset(&w, 0, sizeof(w));
	rv = procmap_foreach(m, pm_widest_cb, &w);
	free(w.buf);
	*width = w.width;
	if (rv != 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
procmap_free(struct procmap *m)
{
	struct pm_chunk *c;

	if (m == NULL)
		return;
	while ((c = m->chunks) != NULL) {
		m->chunks = c->next;
		free(c);
	}
	free(m->slots);
	free(m->owners);
	free(m);
}
