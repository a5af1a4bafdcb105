/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procnet.c - the /proc/net source.  Reads the text tables the kernel
 * writes for TCP, UDP, RAW (IPv4 and IPv6) and UNIX sockets, one line per
 * socket, into struct sock_row.  It is the fallback when sock_diag cannot
 * answer, so it must be fast on hosts with hundreds of thousands of
 * sockets: one large read buffer, no stdio, no scanf, no allocation per
 * line, and hex parsed by hand.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procnet.h"
#include "unixguard.h"

/* The files a handle may pin: four Internet protocols twice, and unix. */
#define PROCNET_SLOTS		9

struct procnet {
	char		*root;
	char		*buf;
	size_t		 bufsz;
	/*
	 * A UNIX row is held back until the next line shows it was whole:
	 * a path with a newline splits the kernel's line, and the tail
	 * (not a valid line) means the held row's path was cut.
	 */
	struct sock_row	 held;
	char		 held_path[PROCNET_PATHMAX];
	int		 holding;
	struct unixguard_line held_line; /* unixguard.h: may be forged */
	int		 held_wanted;	/* in the selection; else only judged */
	struct unixguard *guard;	/* NULL until a UNIX file is read */
	int		 unguarded;	/* procnet_unguarded(): no guard */
	/*
	 * procnet_pin: files opened ahead, by procnet_slot; -1 not
	 * opened, PIN_MISSING absent when pinned.  An open /proc/net file
	 * reads the namespace it was opened in, whatever the reader's.
	 */
	int		 pinned;
	int		 pin_fd[PROCNET_SLOTS];
};

#define PIN_MISSING	(-2)

/*
 * Whether a row of this state is wanted.  The kernel prints request
 * sockets (ST_NEW_SYN_RECV inside) as SYN_RECV, so either bit selects
 * them.  A code outside the table has no bit of its own: it is not a
 * listener, so it shows whenever every non-listening state is asked for
 * (the default view and -a), as netstat shows it.
 */
static int
procnet_want(uint32_t states, unsigned state)
{
	const uint32_t rest = ST_ALL & ~ST_BIT(ST_LISTEN);

	if (state == ST_SYN_RECV && (states & ST_BIT(ST_NEW_SYN_RECV)))
		return 1;
	if (state >= ST_ESTABLISHED && state <= ST_NEW_SYN_RECV)
		return (states & ST_BIT(state)) != 0;
	return (states & rest) == rest;
}

const char *
procnet_file(const struct dump_req *req)
{
	static const char *const inet4[PROTO_COUNT] = {
		[PROTO_TCP] = "tcp", [PROTO_UDP] = "udp",
		[PROTO_UDPLITE] = "udplite", [PROTO_RAW] = "raw" };
	static const char *const inet6[PROTO_COUNT] = {
		[PROTO_TCP] = "tcp6", [PROTO_UDP] = "udp6",
		[PROTO_UDPLITE] = "udplite6", [PROTO_RAW] = "raw6" };

	if (req->family == AF_UNIX)
		return req->proto == PROTO_UNIX ? "unix" : NULL;
	if ((unsigned)req->proto >= PROTO_COUNT || req->proto == PROTO_UNIX)
		return NULL;
	if (req->family == AF_INET)
		return inet4[req->proto];
	if (req->family == AF_INET6)
		return inet6[req->proto];
	return NULL;
}

/* The pin slot of req's file, or -1 for none. */
static int
procnet_slot(const struct dump_req *req)
{
	if (req->family == AF_UNIX)
		return req->proto == PROTO_UNIX ? PROCNET_SLOTS - 1 : -1;
	if ((unsigned)req->proto >= PROTO_UNIX)
		return -1;
	if (req->family == AF_INET)
		return (int)req->proto;
	if (req->family == AF_INET6)
		return PROTO_UNIX + (int)req->proto;
	return -1;
}

struct procnet *
procnet_open(const char *root)
{
	struct procnet *p;
	size_t i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	for (i = 0; i < PROCNET_SLOTS; i++)
		p->pin_fd[i] = -1;
	p->bufsz = PROCNET_BUFSZ;
	if ((p->root = strdup(root != NULL ? root : "/proc")) == NULL ||
	    (p->buf = malloc(p->bufsz)) == NULL) {
		procnet_close(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

int
procnet_pin(struct procnet *p, const struct dump_req *req)
{
	char path[PATH_MAX];
	int slot, n;

	if ((slot = procnet_slot(req)) == -1) {
		errno = EINVAL;
		return -1;
	}
	p->pinned = 1;
	if (p->pin_fd[slot] != -1)
		return 0;
	n = snprintf(path, sizeof(path), "%s/net/%s", p->root,
	    procnet_file(req));
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((p->pin_fd[slot] = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			return -1;
		p->pin_fd[slot] = PIN_MISSING;
	}
	return 0;
}

/*
 * The fd to read req's file from: opened now, or the pinned one rewound
 * (*pinned set).  -1 with errno set; ENOENT for a missing file, or on a
 * pinned handle one not pinned (it cannot be opened in its namespace).
 */
static int
procnet_fd(struct procnet *p, const struct dump_req *req, const char *path,
    int *pinned)
{
	int slot, fd;

	*pinned = p->pinned;
	if (!p->pinned)
		return open(path, O_RDONLY | O_CLOEXEC);
	if ((slot = procnet_slot(req)) == -1 || (fd = p->pin_fd[slot]) < 0) {
		errno = ENOENT;
		return -1;
	}
	if (lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	return fd;
}

void
procnet_close(struct procnet *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < PROCNET_SLOTS; i++)
		if (p->pin_fd[i] >= 0)
			close(p->pin_fd[i]);
	free(p->buf);
	free(p->root);
	unixguard_free(p->guard);
	free(p);
}

/*
 * Whether line parses as a row of req's file.  The first line is taken
 * for the column titles only when it does not: a file whose lines come in
 * another order loses no row.
 */
static int
procnet_parses(const char *line, const struct dump_req *req)
{
	struct sock_row row;
	char path[PROCNET_PATHMAX];

	if (req->family == AF_UNIX)
		return procnet_parse_unix(line, &row, path, sizeof(path)) == 0;
	return procnet_parse_inet(line, req->family, req->proto, &row) == 0;
}

/*
 * Hands on the held UNIX row, if any: to cb, or to the guard when it or
 * the line after it (next_suspect) may be forged.  -1 stops the dump.
 */
static int
procnet_release(struct procnet *p, int next_suspect, row_cb cb, void *arg)
{
	if (!p->holding)
		return 0;
	p->holding = 0;
	if (p->held_line.suspect || next_suspect)
		return unixguard_hold(p->guard, &p->held, &p->held_line,
		    p->held_wanted);
	if (!p->held_wanted)
		return 0;
	return cb(&p->held, arg) == 0 ? 0 : -1;
}

/*
 * A parsed UNIX row: noted by the guard, then held until the next line
 * shows its name whole (named rows), or until the file is read whole
 * (rows that may be forged, see unixguard.h), or handed on.
 */
static int
procnet_unix_row(struct procnet *p, struct sock_row *row, size_t linelen,
    const char *path, const struct dump_req *req, row_cb cb, void *arg)
{
	struct unixguard_line l;
	int wanted;

	if (unixguard_next(p->guard, row, linelen, &l) == -1 ||
	    procnet_release(p, l.suspect, cb, arg) == -1)
		return -1;
	/* A named row outside the selection is held too: a forged line
	 * after it is counted with it whatever the selection. */
	wanted = procnet_want(req->states, row->state);
	if (row->path != NULL) {
		p->held = *row;
		memcpy(p->held_path, path, PROCNET_PATHMAX);
		p->held.path = p->held_path;
		p->held_line = l;
		p->held_wanted = wanted;
		p->holding = 1;
		return 0;
	}
	if (l.suspect)
		return unixguard_hold(p->guard, row, &l, wanted);
	if (!wanted)
		return 0;
	return cb(row, arg) == 0 ? 0 : -1;
}

/* One line, NUL-terminated: parse, filter, hand on.  -1 stops the dump. */
static int
procnet_line(struct procnet *p, const char *line, const struct dump_req *req,
    row_cb cb, void *arg, struct source_stats *st)
{
	struct sock_row row;
	char path[PROCNET_PATHMAX];
	int rc;

	if (req->family == AF_UNIX)
		rc = procnet_parse_unix(line, &row, path, sizeof(path));
	else
		rc = procnet_parse_inet(line, req->family, req->proto, &row);
	if (rc != 0) {
		if (st != NULL)
			st->malformed += 1 + (unsigned long)p->holding;
		p->holding = 0;		/* its path was cut: skip it too */
		if (p->guard != NULL)
			unixguard_break(p->guard);
		return 0;
	}
	if (req->family == AF_UNIX && !p->unguarded)
		return procnet_unix_row(p, &row, strlen(line), path, req, cb,
		    arg);
	if (!procnet_want(req->states, row.state))
		return 0;
	return cb(&row, arg) == 0 ? 0 : -1;
}

/* A whole line: the titles if it is the first and not a row, else a row. */
static int
procnet_take(struct procnet *p, const char *line, int *header,
    const struct dump_req *req, row_cb cb, void *arg, struct source_stats *st)
{
	int first = *header;

	*header = 0;
	if (first && !procnet_parses(line, req))
		return 0;
	return procnet_line(p, line, req, cb, arg, st);
}

int
procnet_collect(struct procnet *p, const struct dump_req *req, row_cb cb,
    void *arg, struct source_stats *st)
{
	char path[PATH_MAX];
	const char *file;
	char *line, *nl, *end;
	size_t have = 0;
	ssize_t n;
	int fd, header = 1, skipping = 0, save_errno, rc = 0, pinned;

	if (p == NULL || req == NULL || cb == NULL ||
	    (file = procnet_file(req)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(path, sizeof(path), "%s/net/%s", p->root, file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (req->family == AF_UNIX && !p->unguarded && p->guard == NULL &&
	    (p->guard = unixguard_new()) == NULL)
		return -1;
	if ((fd = procnet_fd(p, req, path, &pinned)) == -1)
		return errno == ENOENT ? 0 : -1;
	p->holding = 0;
	if (p->guard != NULL)
		unixguard_clear(p->guard);

	/*
	 * Read as much as fits, hand on every whole line, slide the partial
	 * last line to the front.  One byte stays free for the NUL that
	 * ends a last line with no newline.
	 */
	for (;;) {
		n = read(fd, p->buf + have, p->bufsz - 1 - have);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		line = p->buf;
		end = p->buf + have;
		while ((nl = memchr(line, '\n', (size_t)(end - line))) !=
		    NULL) {
			*nl = '\0';
			if (skipping)
				skipping = 0;
			else if (procnet_take(p, line, &header, req, cb, arg,
			    st) == -1) {
				rc = -1;
				goto out;
			}
			line = nl + 1;
		}
		have = (size_t)(end - line);
		memmove(p->buf, line, have);
		if (have == p->bufsz - 1) {
			/*
			 * No newline in a full buffer: drop up to the next.
			 * Dropped first, the line still was the titles, or
			 * the next would be taken for them unseen.
			 */
			if (!skipping && !header && st != NULL)
				st->malformed++;
			header = 0;
			skipping = 1;
			have = 0;
		}
	}
	if (rc == 0 && have > 0 && !skipping) {
		p->buf[have] = '\0';
		rc = procnet_take(p, p->buf, &header, req, cb, arg, st);
	}
	if (rc == 0 && req->family == AF_UNIX && p->guard != NULL &&
	    (procnet_release(p, 0, cb, arg) == -1 ||
	    unixguard_flush(p->guard, cb, arg, st != NULL ? &st->malformed :
	    NULL) == -1))
		rc = -1;
out:
	p->holding = 0;
	if (p->guard != NULL)
		unixguard_clear(p->guard);
	save_errno = errno;
	if (!pinned)
		close(fd);
	errno = save_errno;
	return rc;
}

void
procnet_unguarded(struct procnet *p)
{
	p->unguarded = 1;
}

/* The source table entry: the same calls behind untyped handles. */
static void *
procnet_source_open(const char *root)
{
	return procnet_open(root);
}

/*
 * procnet_collect reads a missing file as an empty table; the source
 * table must not, or a /proc mounted subset=pid would pass for a host
 * without sockets: there a missing file is -1 ENOENT, for the pipeline
 * to report.
 */
static int
procnet_source_collect(void *h, const struct dump_req *req, row_cb cb,
    void *arg, struct source_stats *st)
{
	struct procnet *p = h;
	char path[PATH_MAX];
	const char *file;
	int n;

	int slot;

	/* Pinned: a file missing or not pinned could not be read there. */
	if (p != NULL && req != NULL && p->pinned) {
		if ((slot = procnet_slot(req)) == -1 || p->pin_fd[slot] < 0) {
			errno = ENOENT;
			return -1;
		}
	} else if (p != NULL && req != NULL &&
	    (file = procnet_file(req)) != NULL) {
		n = snprintf(path, sizeof(path), "%s/net/%s", p->root, file);
		if (n > 0 && (size_t)n < sizeof(path) &&
		    faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == -1 &&
		    errno == ENOENT)
			return -1;
	}
	return procnet_collect(h, req, cb, arg, st);
}

static void
procnet_source_close(void *h)
{
	procnet_close(h);
}

const struct source procnet_source = {
	"proc",
	procnet_source_open,
	procnet_source_collect,
	procnet_source_close,
};
