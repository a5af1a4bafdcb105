/*
 * procmap.c - the owner map.  One pass over <proc_root>/PID/fd appends
 * an owner and its socket inode to two parallel arrays; then, the count
 * known, an open-addressing hash sized once for it gives each inode its
 * owners as one contiguous slice: the owner itself when alone (almost
 * always), or a sorted copy of the group placed after the scanned ones.
 * Everything is linear in processes + fds, with one hash probe per fd:
 * no per-fd allocation, no per-fd path building, no rehashing.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* State of one build, freed before procmap_build returns. */
struct pm_scan {
	struct procmap	*m;
	struct procmap_stats *st;
	uint64_t	*inodes;	/* inodes[i] is held by m->owners[i] */
	size_t		 n, cap;
	char		*fdbuf;
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
		sc->st->procs_vanished++;
		return 0;
	case EACCES:
	case EPERM:
		sc->st->procs_denied++;
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
	struct pm_chunk *c = sc->m->chunks;
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
		c->next = sc->m->chunks;
		c->used = 0;
		sc->m->chunks = c;
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
		if ((no = realloc(sc->m->owners, cap * sizeof(*no))) == NULL)
			return -1;
		sc->m->owners = no;
		sc->cap = cap;
	}
	sc->inodes[sc->n] = inode;
	sc->m->owners[sc->n++] = *o;
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
	sc->st->procs++;
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
 * Builds the hash over the scanned owners.  An inode met once keeps its
 * owner in place; the owners of a shared inode are chained through
 * next[] while hashing, then copied after the scanned owners as one
 * group sorted by (pid, fd).  The scan goes by ascending pid and fd, so
 * the insertion sort is linear in practice.
 */
static int
pm_finish(struct pm_scan *sc)
{
	struct procmap *m = sc->m;
	struct sock_owner *o, t;
	struct pm_slot *s;
	uint32_t *next = NULL, *multi = NULL, i, j, k;
	size_t nmulti = 0, extra = 0, total;

	if (pm_alloc_slots(m, sc->n) == -1)
		return -1;
	if (sc->n > 0 && ((next = malloc(sc->n * sizeof(*next))) == NULL ||
	    (multi = malloc(sc->n * sizeof(*multi))) == NULL))
		goto fail;
	for (i = 0; i < sc->n; i++) {
		s = pm_probe(m, sc->inodes[i]);
		if (s->inode == 0) {
			s->inode = sc->inodes[i];
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
	total = sc->n;
	if (nmulti > 0) {
		extra += nmulti;
		if ((o = realloc(m->owners,
		    (sc->n + extra) * sizeof(*o))) == NULL)
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

struct procmap *
procmap_build(const char *proc_root, struct procmap_stats *stp)
{
	struct procmap_stats dummy;
	struct pm_scan sc;
	struct pm_dir d;
	const char *name;
	long pid;
	int error = 0, save_errno;

	memset(&sc, 0, sizeof(sc));
	memset(&d, 0, sizeof(d));
	sc.st = stp != NULL ? stp : &dummy;
	memset(sc.st, 0, sizeof(*sc.st));
	d.fd = -1;
	if ((sc.m = calloc(1, sizeof(*sc.m))) == NULL ||
	    (sc.fdbuf = malloc(FDDIR_BUFSZ)) == NULL ||
	    (d.buf = malloc(ROOTDIR_BUFSZ)) == NULL)
		goto fail;
	d.cap = ROOTDIR_BUFSZ;
	if ((d.fd = open(proc_root,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	/*
	 * Only the top level lists processes (thread group leaders);
	 * threads share their leader's fd table, so task/ is never read.
	 */
	while ((name = pm_dir_next(&d, &error)) != NULL) {
		if ((pid = pm_parse_num(name)) <= 0)
			continue;
		if (pm_scan_proc(&sc, d.fd, name, (pid_t)pid) == -1)
			goto fail;
	}
	if (error != 0) {
		errno = error;
		goto fail;
	}
	if (pm_finish(&sc) == -1)
		goto fail;
	sc.st->fds = sc.n;
	sc.st->sockets = sc.m->used;
	sc.st->hidepid = pm_hidepid(proc_root);
	close(d.fd);
	free(d.buf);
	free(sc.fdbuf);
	free(sc.inodes);
	return sc.m;
fail:
	save_errno = errno;
	if (d.fd != -1)
		close(d.fd);
	free(d.buf);
	free(sc.fdbuf);
	free(sc.inodes);
	procmap_free(sc.m);
	errno = save_errno;
	return NULL;
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
