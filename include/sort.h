/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sort.h - the keys of --sort and -s --by: their names, their parsers
 * and the order they put rows in.  Pure functions of their arguments, so
 * that the command line parser links this alone.  The formatters that
 * use them are fmt_sort_wrap() (rows kept, sorted, replayed into the real
 * face) and fmt_group (counts per group), declared in fmt.h.
 */
#ifndef SORT_H
#define SORT_H

#include <stddef.h>

#include "sockstat.h"

/* The keys of --sort, numbered from 1 so that 0 ends a list of them. */
enum sort_key {
	SORT_STATE = 1,		/* kernel state order: ESTABLISHED ... CLOSING */
	SORT_LOCAL,		/* address (v4 before v6, then bytes), port;
				   UNIX: path bytes */
	SORT_REMOTE,		/* the same of the far end; UNIX: peer inode */
	SORT_LPORT,
	SORT_RPORT,
	SORT_RECV_Q,
	SORT_SEND_Q,
	SORT_PID,		/* the lowest owning PID */
	SORT_COMMAND,		/* its program name, as -p shows it */
	SORT_UID,
	SORT_INODE,
	SORT_NKEYS		/* first value past the table */
};

/* Or'ed into a key of a list: descending. */
#define SORT_DESC	0x80
#define SORT_KEY(k)	((k) & ~SORT_DESC)

/* The groups of -s --by; 0: no grouping. */
enum group_by {
	GROUP_STATE = 1,
	GROUP_PROTO,
	GROUP_PROCESS,
	GROUP_USER,
	GROUP_REMOTE,
	GROUP_LPORT,
	GROUP_NETNS,		/* --netns, --all-netns: the namespace */
	GROUP_NKEYS
};

/*
 * Parses "KEY[,KEY...]" (a key with a leading '-' descends) into keys,
 * at most SORT_KEYS_MAX of them, 0-ended.  Returns 0, or EINVAL with a
 * one-line message naming the bad key and the valid ones in err.
 */
int		 sort_parse(const char *arg, unsigned char keys[SORT_KEYS_MAX + 1],
		    char *err, size_t errlen);

/* Whether a key of the 0-ended list keys reads the owners (pid, command). */
int		 sort_needs_owners(const unsigned char *keys);

/*
 * Orders a against b by the 0-ended keys, after the netstat face's
 * section (Internet rows before UNIX ones): <0, 0 or >0.  A value the
 * source did not give (ROW_HAS_*, no owner) comes before every value.
 * Equal rows return 0: the caller keeps them in kernel order.
 */
int		 sort_cmp(const struct sock_row *a, const struct sock_row *b,
		    const unsigned char *keys);

/* The name of key k (SORT_KEY), or NULL. */
const char	*sort_key_name(unsigned k);

/*
 * Returns the enum group_by that name means ("state", "process"...), or
 * 0 when none does.
 */
int		 group_parse(const char *name);

/* The name of group g, or NULL. */
const char	*group_name(int g);

/* Whether grouping by g reads the owners (process). */
int		 group_needs_owners(int g);

#endif /* SORT_H */
