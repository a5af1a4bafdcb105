/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procmap.c - the owner map.  One pass over <proc_root>/PID/fd
 * (procmap_scan.c) appends an owner and its socket inode to two parallel
 * arrays; then, the count known, an open-addressing hash sized once for
 * it gives each inode its owners as one contiguous slice: the owner
 * itself when alone (almost always), or a sorted copy of the group
 * placed after the scanned ones.  Everything is linear in processes +
 * fds, with one hash probe per fd: no per-fd allocation, no per-fd path
 * building, no rehashing.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "procmap.h"
#include "procmap_impl.h"
#include "util.h"

#define HASH_MIN	64		/* slots, for an empty map */
#define OWNERS_SCAN	64		/* owners searched for a repeated pid */

/* A hash slot; inode 0 marks it empty (sockfs never hands out 0). */
struct pm_slot {
	uint64_t	 inode;
	uint32_t	 start;		/* first owner in procmap.owners */
	uint32_t	 count;
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
 * The owners come by ascending pid (pm_merge, procmap_scan.c) and, on
 * a real /proc, fd, so the insertion sort is linear in practice.
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

struct procmap *
procmap_index(struct sock_owner *owners, const uint64_t *inodes, size_t n,
    struct pm_chunk *chunks, struct procmap_stats *st)
{
	struct procmap *m;
	int save_errno;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		save_errno = errno;
		free(owners);
		procmap_chunks_free(chunks);
		errno = save_errno;
		return NULL;
	}
	m->owners = owners;
	m->chunks = chunks;
	if (pm_finish(m, inodes, n) == -1) {
		save_errno = errno;
		procmap_free(m);
		errno = save_errno;
		return NULL;
	}
	st->fds = n;
	st->sockets = m->used;
	return m;
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
int
procmap_hidepid(const char *proc_root)
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

/*
 * The container of owner ow (read with PROCMAP_CGROUP) as the text faces
 * show it after the program, " (docker 3f4e1c2b9a8d)", into out (of
 * len bytes), escaped; "" when none is known.
 */
static void
pm_container_text(const struct sock_owner *ow, char *out, size_t len)
{
	char id[CONTAINER_ID_MAX + 1], esc[UTIL_ESCAPE_MAX(sizeof(id))];
	struct container c;

	out[0] = '\0';
	if (ow->cgroup == NULL ||
	    container_parse(ow->cgroup, strlen(ow->cgroup), &c) == 0)
		return;
	/* A unit name is the cgroup's: chosen by whoever made it. */
	if (c.runtime != NULL) {
		container_short_id(&c, id, sizeof(id));
		util_escape_seps(esc, sizeof(esc), id, strlen(id), ",");
		snprintf(out, len, " (%s %s)", c.runtime, esc);
	} else
		snprintf(out, len, " (pod %s)", c.pod);
}

ssize_t
procmap_owners_text(const struct sock_owner *ow, size_t n, char **buf,
    size_t *cap)
{
	char ctext[UTIL_ESCAPE_MAX(CONTAINER_ID_MAX + 1) + 32];
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
		/* netstat's program name when it was read (argv0). */
		cmd = ow[i].argv0 != NULL ? ow[i].argv0 :
		    ow[i].command != NULL ? ow[i].command : "-";
		cmdlen = strlen(cmd);
		pm_container_text(&ow[i], ctext, sizeof(ctext));
		if (pm_reserve(buf, cap, len + 1 + sizeof(num) +
		    UTIL_ESCAPE_MAX(cmdlen) + strlen(ctext)) == -1)
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
		/*
		 * A ',' in a name must not read as another owner; the
		 * first '/' of an entry ends its pid, later ones are the
		 * name's (netstat shows a path in argv[0] whole).
		 */
		len += util_escape_seps(*buf + len, *cap - len, cmd, cmdlen,
		    ",");
		memcpy(*buf + len, ctext, strlen(ctext) + 1);
		len += strlen(ctext);
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
	const char *name = ow->argv0 != NULL ? ow->argv0 : ow->command;
	uint64_t pid;
	ssize_t len;
	size_t cols, slot;

	(void)inode;
	/*
	 * A socket held by one process (almost all) reads "pid/name": the
	 * pid's digits, '/', and the escaped name (argv0 or command),
	 * whose width is kept per name string.  Others go through the text
	 * itself.
	 */
	if (n == 1 && name != NULL) {
		slot = ((uintptr_t)name >> 3) % WIDEST_CACHE;
		if (w->cache[slot].cmd != name) {
			one = *ow;
			one.pid = 0;		/* "0/": two columns */
			if ((len = procmap_owners_text(&one, 1, &w->buf,
			    &w->cap)) == -1)
				return -1;
			w->cache[slot].cmd = name;
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
procmap_chunks_free(struct pm_chunk *c)
{
	struct pm_chunk *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
}

void
procmap_free(struct procmap *m)
{
	if (m == NULL)
		return;
	procmap_chunks_free(m->chunks);
	free(m->slots);
	free(m->owners);
	free(m);
}
