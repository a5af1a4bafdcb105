/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace.c - the sock:inet_sock_set_state tracepoint through
 * perf_event_open(2).
 *
 * Each online CPU gets a perf event on the tracepoint (PERF_TYPE_TRACEPOINT,
 * config = the id tracefs gives) sampling every hit with its raw record,
 * time and pid, into a ring buffer mapped here.  The raw record is the
 * tracepoint's own struct, whose layout the kernel describes in the
 * "format" file next to the id; the offsets are read from there because
 * they changed across kernels (protocol and the v6 addresses were added).
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include <sys/socket.h>

#include <linux/perf_event.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

/*
 * Data pages per CPU, a power of two: 8 MiB holds about 80,000 records,
 * some 0.8 s of 10,000 connections a second (ten transitions each) while
 * the reader is busy with a dump or an owner map.  A user without
 * CAP_IPC_LOCK is held to perf_event_mlock_kb: the ring halves until it
 * fits.
 */
#define TRACE_RING_PAGES	2048
#define TRACE_RING_PAGES_MIN	8
#define TRACE_WAKEUP_BYTES	(64 * 1024)	/* clamped by the kernel to the ring */
#define TRACE_FORMAT_MAX	(64 * 1024)

struct trace_ring {
	int				 fd;
	struct perf_event_mmap_page	*meta;	/* first page of the map */
	unsigned char			*data;
	size_t				 size;	/* data bytes, a power of two */
};

struct trace {
	struct trace_format	 fmt;
	struct trace_ring	*rings;
	int			 nrings;
	size_t			 map_len;
	size_t			 pages;		/* data pages per ring */
	struct pollfd		*pfds;
	unsigned char		*scratch;	/* a record that wraps the ring */
};

/* The sample layout asked for: PERF_SAMPLE_TID, then TIME, then RAW. */
#define TRACE_SAMPLE_TYPE (PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW)

/*
 * Stores the field named name of one "field:" line; unknown names are
 * ignored, since the kernel may add fields.
 */
static void
format_store(struct trace_format *f, const char *name, unsigned off,
    unsigned size)
{
	static const struct {
		const char	*name;
		size_t		 at;
	} known[] = {
		{ "common_pid", offsetof(struct trace_format, common_pid) },
		{ "skaddr", offsetof(struct trace_format, skaddr) },
		{ "oldstate", offsetof(struct trace_format, oldstate) },
		{ "newstate", offsetof(struct trace_format, newstate) },
		{ "sport", offsetof(struct trace_format, sport) },
		{ "dport", offsetof(struct trace_format, dport) },
		{ "family", offsetof(struct trace_format, family) },
		{ "protocol", offsetof(struct trace_format, protocol) },
		{ "saddr", offsetof(struct trace_format, saddr) },
		{ "daddr", offsetof(struct trace_format, daddr) },
		{ "saddr_v6", offsetof(struct trace_format, saddr_v6) },
		{ "daddr_v6", offsetof(struct trace_format, daddr_v6) },
	};
	struct trace_field *fld;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(name, known[i].name) != 0)
			continue;
		fld = (struct trace_field *)((char *)f + known[i].at);
		fld->offset = (uint16_t)off;
		fld->size = (uint16_t)size;
		return;
	}
}

/* Whether fld is present with one of the sizes the decoder reads. */
static int
field_ok(const struct trace_field *fld, unsigned a, unsigned b,
    size_t *min_len)
{
	if (fld->size == 0 || (fld->size != a && fld->size != b))
		return 0;
	if ((size_t)fld->offset + fld->size > *min_len)
		*min_len = (size_t)fld->offset + fld->size;
	return 1;
}

/*
 * A format file has one line per field:
 *	field:TYPE NAME[N];<TAB>offset:O;<TAB>size:S;<TAB>signed:0|1;
 * NAME is the last word before the first ';', less any "[N]".
 */
int
trace_format_parse(const char *text, struct trace_format *f)
{
	const char *line, *p, *semi, *end, *q;
	char name[64];
	unsigned off, size;
	size_t n, min_len = 0;
	int ok;

	memset(f, 0, sizeof(*f));
	for (line = text; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if (end != NULL)
			end++;
		p = strstr(line, "field:");
		if (p == NULL || (end != NULL && p >= end))
			continue;
		p += strlen("field:");
		if ((semi = strchr(p, ';')) == NULL || (end != NULL &&
		    semi >= end))
			continue;
		/* The name: back from ';' over any [N], then over the word. */
		q = semi;
		if (q > p && q[-1] == ']')
			while (q > p && *q != '[')
				q--;
		n = 0;
		while (q > p && q[-1] != ' ' && q[-1] != '\t' &&
		    q[-1] != '*') {
			q--;
			n++;
		}
		if (n == 0 || n >= sizeof(name))
			continue;
		memcpy(name, q, n);
		name[n] = '\0';
		if (sscanf(semi, "; offset:%u; size:%u;", &off, &size) != 2)
			continue;
		if (off > UINT16_MAX || size > UINT16_MAX)
			continue;
		format_store(f, name, off, size);
	}
	ok = field_ok(&f->common_pid, 4, 4, &min_len) &&
	    field_ok(&f->skaddr, 8, 4, &min_len) &&
	    field_ok(&f->oldstate, 4, 4, &min_len) &&
	    field_ok(&f->newstate, 4, 4, &min_len) &&
	    field_ok(&f->sport, 2, 2, &min_len) &&
	    field_ok(&f->dport, 2, 2, &min_len) &&
	    field_ok(&f->family, 2, 2, &min_len) &&
	    field_ok(&f->protocol, 2, 1, &min_len) &&
	    field_ok(&f->saddr, 4, 4, &min_len) &&
	    field_ok(&f->daddr, 4, 4, &min_len) &&
	    field_ok(&f->saddr_v6, 16, 16, &min_len) &&
	    field_ok(&f->daddr_v6, 16, 16, &min_len);
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	f->min_len = min_len;
	return 0;
}

/* An unsigned field of 1, 2, 4 or 8 bytes in host order. */
static uint64_t
field_uint(const unsigned char *raw, const struct trace_field *fld)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (fld->size) {
	case 1:
		memcpy(&u8, raw + fld->offset, 1);
		return u8;
	case 2:
		memcpy(&u16, raw + fld->offset, 2);
		return u16;
	case 4:
		memcpy(&u32, raw + fld->offset, 4);
		return u32;
	default:
		memcpy(&u64, raw + fld->offset, 8);
		return u64;
	}
}

int
trace_decode(const struct trace_format *f, const void *rawp, size_t len,
    struct trace_sample *s)
{
	const unsigned char *raw = rawp;

	if (f->min_len == 0 || len < f->min_len) {
		errno = EINVAL;
		return -1;
	}
	s->skaddr = field_uint(raw, &f->skaddr);
	s->oldstate = (int32_t)field_uint(raw, &f->oldstate);
	s->newstate = (int32_t)field_uint(raw, &f->newstate);
	s->sport = (uint16_t)field_uint(raw, &f->sport);
	s->dport = (uint16_t)field_uint(raw, &f->dport);
	s->family = (uint16_t)field_uint(raw, &f->family);
	s->protocol = (uint16_t)field_uint(raw, &f->protocol);
	memset(&s->saddr, 0, sizeof(s->saddr));
	memset(&s->daddr, 0, sizeof(s->daddr));
	if (s->family == AF_INET) {
		memcpy(&s->saddr.v4, raw + f->saddr.offset, 4);
		memcpy(&s->daddr.v4, raw + f->daddr.offset, 4);
	} else if (s->family == AF_INET6) {
		memcpy(&s->saddr.v6, raw + f->saddr_v6.offset, 16);
		memcpy(&s->daddr.v6, raw + f->daddr_v6.offset, 16);
	} else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Reads a small tracefs file into a NUL-ended malloc'd buffer. */
static char *
read_file(const char *path)
{
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, save_errno;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(TRACE_FORMAT_MAX)) == NULL) {
		close(fd);
		return NULL;
	}
	while (len < TRACE_FORMAT_MAX - 1) {
		n = read(fd, buf + len, TRACE_FORMAT_MAX - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			save_errno = errno;
			free(buf);
			close(fd);
			errno = save_errno;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

/*
 * Whether root holds the event: its id file opens for reading.  Opening
 * is the test, not access(2), which judges by the real uid and ignores
 * the effective capabilities that the read itself will use.
 */
static int
event_readable(const char *root, char *dir, size_t len)
{
	char path[300];
	int fd;

	snprintf(dir, len, "%s/%s", root, TRACE_EVENT_DIR);
	snprintf(path, sizeof(path), "%s/id", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	close(fd);
	return 1;
}

/*
 * A read-only tool changes no mount of the host: when tracefs is
 * mounted nowhere, it is mounted in a mount namespace of this process
 * alone (unshare(2) with CLONE_NEWNS, every mount made private first so
 * that nothing propagates back), which goes away with the process.
 * Needs CAP_SYS_ADMIN; the process must still be single-threaded
 * (unshare fails otherwise: the watcher starts its ring reader after).
 */
static int
tracefs_mount_private(void)
{
	if (unshare(CLONE_NEWNS) == -1)
		return -1;
	/*
	 * The kernel ignores source and type for a propagation change, but
	 * they are still strings to pass: valgrind reads them, and NULL
	 * failed make check-valgrind.
	 */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1)
		return -1;
	return mount("nodev", TRACE_TRACEFS, "tracefs", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, NULL);
}

/*
 * Writes into dir the tracefs directory holding the event: under the
 * usual mount point, under debugfs, or under the usual mount point in a
 * private mount namespace (tracefs_mount_private).
 */
static int
find_event_dir(char *dir, size_t len)
{
	static const char *const roots[] = { TRACE_TRACEFS,
	    TRACE_DEBUGFS_TRACING };
	size_t i;
	int save_errno = ENOENT;

	for (i = 0; i < 2; i++) {
		if (event_readable(roots[i], dir, len))
			return 0;
		if (errno == EACCES || errno == EPERM)
			save_errno = errno;
	}
	/* Mounted but refused: mounting it again would not help. */
	if (save_errno != ENOENT) {
		errno = save_errno;
		return -1;
	}
	if (tracefs_mount_private() == -1)
		return -1;
	if (event_readable(TRACE_TRACEFS, dir, len))
		return 0;
	return -1;
}

/* Reads the event's id and format into *id and t->fmt. */
static int
load_event(struct trace *t, unsigned long long *id)
{
	char dir[256], path[300], *text;
	int rc, save_errno;

	if (find_event_dir(dir, sizeof(dir)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/id", dir);
	if ((text = read_file(path)) == NULL)
		return -1;
	rc = sscanf(text, "%llu", id);
	free(text);
	if (rc != 1) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/format", dir);
	if ((text = read_file(path)) == NULL)
		return -1;
	rc = trace_format_parse(text, &t->fmt);
	save_errno = errno;
	free(text);
	errno = save_errno;
	return rc;
}

static int
ring_open(struct trace *t, struct trace_ring *r, unsigned long long id,
    int cpu, const char *filter)
{
	struct perf_event_attr attr;
	long page = sysconf(_SC_PAGESIZE);
	void *map;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.sample_period = 1;
	attr.sample_type = TRACE_SAMPLE_TYPE;
	/*
	 * Wake the reader per TRACE_WAKEUP_BYTES, not per sample: at tens
	 * of thousands of samples a second a wakeup each costs a core.  The
	 * reader reads after a timeout too, so a lone sample waits at most
	 * that long.
	 */
	attr.watermark = 1;
	attr.wakeup_watermark = TRACE_WAKEUP_BYTES;
	attr.disabled = 1;
	/* Sample times on the clock the caller can read too. */
	attr.use_clockid = 1;
	attr.clockid = CLOCK_MONOTONIC;
	r->fd = (int)syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
	    PERF_FLAG_FD_CLOEXEC);
	if (r->fd == -1)
		return -1;
	if (filter != NULL && ioctl(r->fd, PERF_EVENT_IOC_SET_FILTER,
	    filter) == -1)
		return -1;
	for (;;) {
		t->map_len = (size_t)page * (1 + t->pages);
		map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED, r->fd, 0);
		if (map != MAP_FAILED)
			break;
		/* Over the locked-memory limit: a smaller ring, every CPU. */
		if (errno != EPERM || t->pages <= TRACE_RING_PAGES_MIN)
			return -1;
		t->pages /= 2;
	}
	r->meta = map;
	r->data = (unsigned char *)map + page;
	r->size = (size_t)page * t->pages;
	return 0;
}

struct trace *
trace_open(const char *filter)
{
	struct trace *t;
	unsigned long long id;
	long ncpu;
	int cpu, save_errno, i;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->pages = TRACE_RING_PAGES;
	if (load_event(t, &id) == -1)
		goto fail;
	if ((ncpu = sysconf(_SC_NPROCESSORS_CONF)) < 1)
		ncpu = 1;
	t->rings = calloc((size_t)ncpu, sizeof(*t->rings));
	t->pfds = calloc((size_t)ncpu, sizeof(*t->pfds));
	t->scratch = malloc(TRACE_REC_MAX);
	if (t->rings == NULL || t->pfds == NULL || t->scratch == NULL)
		goto fail;
	for (cpu = 0; cpu < ncpu; cpu++) {
		struct trace_ring *r = &t->rings[t->nrings];

		r->fd = -1;
		if (ring_open(t, r, id, cpu, filter) == -1) {
			/* XXX a CPU brought online later is not watched. */
			if ((errno == ENODEV || errno == EINVAL) && r->fd == -1)
				continue;
			t->nrings++;	/* so that trace_close frees it */
			goto fail;
		}
		t->pfds[t->nrings].fd = r->fd;
		t->pfds[t->nrings].events = POLLIN;
		t->nrings++;
	}
	if (t->nrings == 0) {
		errno = ENODEV;
		goto fail;
	}
	for (i = 0; i < t->nrings; i++)
		if (ioctl(t->rings[i].fd, PERF_EVENT_IOC_ENABLE, 0) == -1)
			goto fail;
	return t;
fail:
	save_errno = errno;
	trace_close(t);
	errno = save_errno;
	return NULL;
}

int
trace_set_filter(struct trace *t, const char *filter)
{
	int i;

	for (i = 0; i < t->nrings; i++)
		if (ioctl(t->rings[i].fd, PERF_EVENT_IOC_SET_FILTER,
		    filter) == -1)
			return -1;
	return 0;
}

void
trace_close(struct trace *t)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrings; i++) {
		if (t->rings[i].meta != NULL)
			munmap(t->rings[i].meta, t->map_len);
		if (t->rings[i].fd != -1)
			close(t->rings[i].fd);
	}
	free(t->rings);
	free(t->pfds);
	free(t->scratch);
	free(t);
}

int
trace_ncpus(const struct trace *t)
{
	return t->nrings;
}

int
trace_wait(struct trace *t, int timeout_ms)
{
	int n;

	n = poll(t->pfds, (nfds_t)t->nrings, timeout_ms);
	if (n == -1 && errno == EINTR)
		return 0;
	if (n == -1)
		return -1;
	return n > 0;
}

/*
 * Decodes one PERF_RECORD_SAMPLE: u32 pid, u32 tid, u64 time, u32 size,
 * then size raw bytes (the layout TRACE_SAMPLE_TYPE asks for).  Returns
 * 1 for a sample to deliver, 0 for one to skip.
 */
static int
sample_parse(const struct trace_format *f, const unsigned char *rec,
    size_t len, struct trace_sample *s)
{
	uint32_t pid, tid, rawlen;
	uint64_t time;
	size_t hdr = sizeof(struct perf_event_header);

	if (len < hdr + 20)
		return 0;
	memcpy(&pid, rec + hdr, 4);
	memcpy(&tid, rec + hdr + 4, 4);
	memcpy(&time, rec + hdr + 8, 8);
	memcpy(&rawlen, rec + hdr + 16, 4);
	if (rawlen > len - hdr - 20)
		return 0;
	if (trace_decode(f, rec + hdr + 20, rawlen, s) == -1)
		return 0;
	s->pid = (int32_t)pid;
	s->tid = (int32_t)tid;
	s->time_ns = time;
	return 1;
}

int
trace_ring_drain(const struct trace_format *f,
    struct perf_event_mmap_page *meta, const unsigned char *data,
    size_t size, unsigned char *scratch, trace_cb cb, void *arg,
    unsigned long *lost)
{
	struct perf_event_header h;
	struct trace_sample s;
	const unsigned char *rec;
	uint64_t head, tail, lostn;
	size_t off, first;
	int rc = 0;

	/* Acquire pairs with the kernel's write of the records. */
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	while (tail < head && rc == 0) {
		off = (size_t)(tail & (size - 1));
		/* Records are 8-byte aligned, so a header never wraps. */
		memcpy(&h, data + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail)
			break;
		if (off + h.size <= size)
			rec = data + off;
		else {
			first = size - off;
			memcpy(scratch, data + off, first);
			memcpy(scratch + first, data, h.size - first);
			rec = scratch;
		}
		if (h.type == PERF_RECORD_SAMPLE) {
			if (sample_parse(f, rec, h.size, &s))
				rc = cb(&s, arg);
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) +
		    16) {
			/* u64 id, u64 lost */
			memcpy(&lostn, rec + sizeof(h) + 8, 8);
			if (lost != NULL)
				*lost += (unsigned long)lostn;
		}
		tail += h.size;
	}
	/* Release: the kernel may reuse the space only after our reads. */
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return rc;
}

int
trace_read(struct trace *t, trace_cb cb, void *arg, unsigned long *lost)
{
	int i;

	for (i = 0; i < t->nrings; i++)
		if (trace_ring_drain(&t->fmt, t->rings[i].meta,
		    t->rings[i].data, t->rings[i].size, t->scratch, cb, arg,
		    lost) == -1)
			return -1;
	return 0;
}
