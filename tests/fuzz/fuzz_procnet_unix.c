/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_procnet_unix.c - procnet_parse_unix on one line of any bytes.
 *
 * Input: a byte choosing the size of the path buffer (none, too small,
 * exactly sun_path's, larger), then the line, parsed from a NUL-terminated
 * copy.  The path buffer is allocated at exactly its size so that ASan
 * sees an overflow.  An accepted line is printed back in the kernel's
 * format and parsed again, and both rows must agree.
 */
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "procnet.h"

/* /proc/net/unix "St" for a row's state; see procnet_parse_unix. */
static unsigned
unix_st(const struct sock_row *r)
{
	switch (r->state) {
	case ST_ESTABLISHED:
		return 3;
	case ST_CLOSE:
	case ST_LISTEN:
		return 1;
	case ST_SYN_SENT:
		return 2;
	case ST_CLOSING:
		return 4;
	default:
		return 0x7f;
	}
}

static int
format_unix(char *buf, size_t len, const struct sock_row *r)
{
	int n;

	n = snprintf(buf, len, "0000000000000000: %08" PRIX32
	    " 00000000 %08X %04X %02X %5" PRIu64, r->refcnt,
	    r->state == ST_LISTEN ? 0x10000 : 0, r->type, unix_st(r),
	    r->inode);
	if (n < 0 || (size_t)n >= len || r->path == NULL)
		return n;
	/* The kernel writes the leading NUL of an abstract name as '@'. */
	return n + snprintf(buf + n, len - (size_t)n, " %s%s",
	    r->path[0] == '\0' ? "@" : "", r->path[0] == '\0' ?
	    r->path + 1 : r->path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pathlens[] = { 0, 1, 2, 16, 108, 109, 110, 512 };
	struct sock_row row, again;
	char *line, *pathbuf = NULL, back[1024], path2[512];
	size_t pathlen;
	int rc, n;

	if (size < 1)
		return 0;
	pathlen = pathlens[data[0] % 8];
	if ((line = malloc(size)) == NULL)
		return 0;
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	if (pathlen > 0 && (pathbuf = malloc(pathlen)) == NULL) {
		free(line);
		return 0;
	}

	rc = procnet_parse_unix(line, &row, pathbuf, pathlen);
	FUZZ_CHECK(rc == 0 || rc == EINVAL);
	if (rc != 0)
		goto out;

	FUZZ_CHECK(row.family == AF_UNIX && row.proto == PROTO_UNIX);
	FUZZ_CHECK((row.path == NULL) == (row.path_len == 0));
	if (row.path != NULL) {
		/* sun_path holds 108 bytes; the NUL must fit too. */
		FUZZ_CHECK(row.path == pathbuf && row.path_len < pathlen &&
		    row.path_len <= 108);
		FUZZ_CHECK(pathbuf[row.path_len] == '\0');
		FUZZ_CHECK(memchr(row.path, '\n', row.path_len) == NULL);
		/* Only the leading byte may be the abstract name's NUL. */
		FUZZ_CHECK(row.path_len == 1 ||
		    strlen(row.path + 1) == row.path_len - 1);
	}

	n = format_unix(back, sizeof(back), &row);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(back));
	FUZZ_CHECK(procnet_parse_unix(back, &again, path2,
	    sizeof(path2)) == 0);
	FUZZ_CHECK(fuzz_row_equal(&row, &again));
out:
	free(pathbuf);
	free(line);
	return 0;
}
