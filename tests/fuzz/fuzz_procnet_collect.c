/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_procnet_collect.c - procnet_collect on a whole /proc/net file.
 *
 * Input: a byte choosing the file (tcp, tcp6, udp, udp6, raw, raw6, unix,
 * or none at all) and whether the callback stops the dump, a byte that
 * may ask for a line around the size of procnet's read buffer (to walk
 * its refill and skip paths), then the file's bytes.  The file is written
 * to a private directory in /dev/shm for each input.
 *
 * The oracle is the line parsers themselves: the file is split at '\n'
 * and each line parsed alone.  procnet_collect must hand on exactly those
 * rows, in order, and count the rest as malformed, with three rules of
 * its own: the first line is the column titles unless it parses as a
 * row; a line that fills its whole read buffer is skipped; and a named
 * UNIX row followed by a line that does not parse is skipped too (its
 * name held a newline; see procnet.c).  UNIX rows that could be forged
 * (unixguard.h) come after the others, so UNIX rows are matched in any
 * order; and where an inode repeats, rows the guard drops are counted
 * malformed instead: each row of the file is then either handed on or
 * counted, exactly once.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include "fuzz.h"
#include "procnet.h"

/* procnet.c's read buffer, and sun_path's size with NUL (must match). */
#define BUFSZ		PROCNET_BUFSZ
#define PATHMAX		(108 + 1)

struct expect {
	struct sock_row	 row;
	char		 path[PATHMAX];
};

struct run {
	const struct expect *want;	/* rows the dump must give */
	size_t		 nwant;
	size_t		 seen;
	size_t		 stop_at;	/* the callback fails here */
	int		 any_order;	/* UNIX: match any unused row */
	uint8_t		*used;
};

static const struct {
	const char	*file;
	struct dump_req	 req;
} files[] = {
	{ "tcp", { AF_INET, PROTO_TCP, ST_ALL, 0 } },
	{ "tcp6", { AF_INET6, PROTO_TCP, ST_ALL, 0 } },
	{ "udp", { AF_INET, PROTO_UDP, ST_ALL, 0 } },
	{ "udp6", { AF_INET6, PROTO_UDP, ST_ALL, 0 } },
	{ "raw", { AF_INET, PROTO_RAW, ST_ALL, 0 } },
	{ "raw6", { AF_INET6, PROTO_RAW, ST_ALL, 0 } },
	{ "unix", { AF_UNIX, PROTO_UNIX, ST_ALL, 0 } },
};
#define NFILES	(sizeof(files) / sizeof(files[0]))

static char root[64];
static char netdir[96];
static struct procnet *pn;

static void
cleanup(void)
{
	char path[PATH_MAX];
	size_t i;

	/* It may run twice: at exit, then for a leak report. */
	procnet_close(pn);
	pn = NULL;
	if (netdir[0] == '\0')
		return;
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", netdir, files[i].file);
		unlink(path);
	}
	rmdir(netdir);
	rmdir(root);
	netdir[0] = '\0';
}

int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "/dev/shm/fuzz_procnet.XXXXXX");
	if (access("/dev/shm", W_OK) != 0)
		snprintf(root, sizeof(root), "/tmp/fuzz_procnet.XXXXXX");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(netdir, sizeof(netdir), "%s/net", root);
	if (mkdir(netdir, 0700) == -1 || (pn = procnet_open(root)) == NULL) {
		perror(netdir);
		exit(1);
	}
	/* Remove the directory on exit, a failed check or an ASan report. */
	atexit(cleanup);
	fuzz_cleanup = cleanup;
	__sanitizer_set_death_callback(cleanup);
	return 0;
}

static int
check_row(const struct sock_row *r, void *arg)
{
	struct run *run = arg;

	size_t i;

	FUZZ_CHECK(run->seen < run->nwant);
	if (run->any_order) {
		for (i = 0; i < run->nwant; i++)
			if (!run->used[i] &&
			    fuzz_row_equal(r, &run->want[i].row))
				break;
		FUZZ_CHECK(i < run->nwant);
		run->used[i] = 1;
	} else
		FUZZ_CHECK(fuzz_row_equal(r, &run->want[run->seen].row));
	if (++run->seen == run->stop_at) {
		errno = ECANCELED;
		return -1;
	}
	return 0;
}

static void
expect_copy(struct expect *dst, const struct expect *src)
{
	*dst = *src;
	if (dst->row.path != NULL)
		dst->row.path = dst->path;
}

/* Whether a nonzero inode shows twice among the n of every parsed line. */
static int
repeats(const uint64_t *inodes, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; inodes[i] != 0 && j < n; j++)
			if (inodes[j] == inodes[i])
				return 1;
	return 0;
}

/* Parses the line at p (len bytes, no '\n') alone.  Returns 0 or EINVAL. */
static int
parse_alone(const char *p, size_t len, const struct dump_req *req,
    struct expect *e)
{
	char *line;
	int rc;

	if ((line = malloc(len + 1)) == NULL)
		abort();
	memcpy(line, p, len);
	line[len] = '\0';
	if (req->family == AF_UNIX) {
		rc = procnet_parse_unix(line, &e->row, e->path,
		    sizeof(e->path));
		/* Point into our copy, which outlives the line. */
		if (rc == 0 && e->row.path != NULL)
			e->row.path = e->path;
	} else
		rc = procnet_parse_inet(line, req->family, req->proto,
		    &e->row);
	free(line);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_stats st;
	struct run run;
	struct expect *want = NULL, e, held;
	const struct dump_req *req;
	char path[PATH_MAX], *file = NULL;
	const char *p, *end, *nl;
	size_t len, cut, longlen = 0, nwant = 0, nbad = 0, ninodes = 0, i;
	uint64_t *inodes = NULL;
	int fd, rc, present, last, first, header = 1, holding = 0;

	if (size < 2)
		return 0;
	present = (data[0] & 7) < NFILES;
	req = &files[present ? (data[0] & 7) : NFILES - 1].req;

	/*
	 * 0b11xxxxxx: a long line after the first, ended by '\n';
	 * 0b101xxxxx: a long last line with no '\n'.  Its length runs
	 * around the buffer's, where procnet_collect starts to skip.
	 */
	if ((data[1] & 0xc0) == 0xc0 || (data[1] & 0xe0) == 0xa0)
		longlen = BUFSZ - 1 - 16 + (data[1] & 0x1f);
	last = (data[1] & 0xe0) == 0xa0;

	/* The file: the input with the long line spliced in. */
	len = size - 2 + (longlen > 0 ? longlen + !last : 0);
	if ((file = malloc(len + 1)) == NULL)
		return 0;
	if (last) {
		memcpy(file, data + 2, size - 2);
		memset(file + size - 2, 'x', longlen);
	} else {
		nl = memchr(data + 2, '\n', size - 2);
		cut = nl == NULL ? 0 :
		    (size_t)(nl - (const char *)data - 2) + 1;
		memcpy(file, data + 2, cut);
		if (longlen > 0) {
			memset(file + cut, 'x', longlen);
			file[cut + longlen] = '\n';
		}
		memcpy(file + len - (size - 2 - cut), data + 2 + cut,
		    size - 2 - cut);
	}

	snprintf(path, sizeof(path), "%s/%s", netdir,
	    files[present ? (data[0] & 7) : NFILES - 1].file);
	unlink(path);
	if (present) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || write(fd, file, len) != (ssize_t)len ||
		    close(fd) == -1)
			abort();
	}

	/* What the dump must give, line by line. */
	for (i = 0, nl = file; (nl = memchr(nl, '\n',
	    len - (size_t)(nl - file))) != NULL; nl++)
		i++;
	if ((want = calloc(i + 1, sizeof(*want))) == NULL ||
	    (inodes = calloc(i + 1, sizeof(*inodes))) == NULL)
		abort();
	for (p = file, end = file + len; present && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		/* The first line is the titles unless it parses as a row. */
		first = header;
		header = 0;
		/* A line too long for the buffer is skipped by itself. */
		if ((size_t)(nl - p) >= BUFSZ - 1) {
			nbad += (size_t)!first;
			continue;
		}
		if (parse_alone(p, (size_t)(nl - p), req, &e) != 0) {
			/* The held row's name may be cut: it goes too. */
			if (!first)
				nbad += 1 + (size_t)holding;
			holding = 0;
			continue;
		}
		inodes[ninodes++] = e.row.inode;
		if (holding) {
			expect_copy(&want[nwant++], &held);
			holding = 0;
		}
		/* A named UNIX row waits for the next line to parse. */
		if (e.row.path != NULL) {
			expect_copy(&held, &e);
			holding = 1;
		} else
			expect_copy(&want[nwant++], &e);
	}
	if (holding)
		expect_copy(&want[nwant++], &held);

	memset(&run, 0, sizeof(run));
	run.want = want;
	run.nwant = nwant;
	run.stop_at = (data[0] & 0x08) ? (size_t)(data[0] >> 4) + 1 :
	    SIZE_MAX;
	run.any_order = req->family == AF_UNIX;
	if ((run.used = calloc(nwant + 1, 1)) == NULL)
		abort();
	memset(&st, 0, sizeof(st));
	errno = 0;
	rc = procnet_collect(pn, req, check_row, &run, &st);
	if (run.any_order && repeats(inodes, ninodes)) {
		/* The guard may drop rows: each dropped one is counted. */
		if (rc == -1) {
			FUZZ_CHECK(errno == ECANCELED);
			FUZZ_CHECK(run.seen == run.stop_at);
		} else {
			FUZZ_CHECK(rc == 0 && run.seen < run.stop_at);
			FUZZ_CHECK(st.malformed >= nbad);
			FUZZ_CHECK(run.seen + (st.malformed - nbad) == nwant);
		}
	} else if (run.stop_at <= nwant) {
		FUZZ_CHECK(rc == -1 && errno == ECANCELED);
		FUZZ_CHECK(run.seen == run.stop_at);
	} else {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(run.seen == nwant);
		FUZZ_CHECK(st.malformed == nbad);
	}
	FUZZ_CHECK(st.interrupted == 0 && st.inconsistent == 0);
	free(run.used);
	free(inodes);
	free(want);
	free(file);
	return 0;
}
