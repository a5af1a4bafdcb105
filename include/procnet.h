/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procnet.h - the /proc/net source: tcp, udp, udplite, raw (each also
 * for IPv6) and unix, as the kernel writes them, for kernels or
 * sandboxes without sock_diag.  Every reader takes the root of /proc so tests can point it
 * at tests/data/proc.
 */
#ifndef PROCNET_H
#define PROCNET_H

#include "source.h"

struct procnet;

/*
 * The read buffer: a dump of a busy host takes few read(2) calls at this
 * size, and a line longer than it is not one the kernel writes, so it is
 * counted malformed (the tests and fuzzers rely on that).
 */
#define PROCNET_BUFSZ	(32 * 1024)

/* sun_path holds at most 108 bytes; one more for the NUL. */
#define PROCNET_PATHMAX	(108 + 1)

/* Prepares reading below root ("/proc").  Returns NULL with errno set. */
struct procnet	*procnet_open(const char *root);

/*
 * Reads <root>/net/<file> for req and calls cb for each socket whose
 * state is in req->states.  A missing file yields no rows and returns 0; a
 * malformed line is skipped and counted in st->malformed.  Returns 0, or
 * -1 with errno set.
 */
int		 procnet_collect(struct procnet *p, const struct dump_req *req,
		    row_cb cb, void *arg, struct source_stats *st);

/*
 * Opens req's file now and reads it from that open file from then on
 * (rewound for each dump): the file keeps the network namespace the
 * caller is in now (--netns).  Once a file is pinned, a file not pinned
 * reads as missing.  Returns 0 (also for a missing file), or -1 with
 * errno set.
 */
int		 procnet_pin(struct procnet *p, const struct dump_req *req);

/* Frees p; NULL is a no-op. */
void		 procnet_close(struct procnet *p);

/*
 * Makes p hand on UNIX rows as each line parses, without holding them
 * for the check against forged lines (unixguard.h), which costs memory
 * on the order of the file: for a caller that wants only inode and
 * RefCnt and trusts no inode that two lines show (refcnt.h).
 */
void		 procnet_unguarded(struct procnet *p);

/* The file below <root>/net that holds req's sockets, or NULL if none. */
const char	*procnet_file(const struct dump_req *req);

/*
 * Parsers of one line (no header), in procnet_parse.c, used by
 * procnet_collect and the tests.
 * An inet line is "sl local rem st tx:rx tr:when retrnsmt uid timeout
 * inode ..."; a unix line is "Num RefCount Protocol Flags Type St Inode
 * [Path]".  The unix path is copied into pathbuf (NUL-terminated, its
 * length in row->path_len; '@' stands for the kernel's NULs).  Return 0,
 * or EINVAL for a malformed line.
 */
int		 procnet_parse_inet(const char *line, int family,
		    enum sock_proto proto, struct sock_row *row);
int		 procnet_parse_unix(const char *line, struct sock_row *row,
		    char *pathbuf, size_t pathlen);

#endif /* PROCNET_H */
