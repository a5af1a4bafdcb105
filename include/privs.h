/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * privs.h - capabilities, through libcap.  Only main and the echo
 * server's command call these; other modules never look at privileges,
 * they return EACCES and the caller says what could not be seen.
 */
#ifndef PRIVS_H
#define PRIVS_H

#include <stddef.h>

/* What the process may do, read once at start. */
struct privs {
	int	 is_root;		/* euid 0 */
	int	 can_read_fds;		/* DAC_READ_SEARCH and SYS_PTRACE
					   permitted (root normally has
					   both; a container's may not) */
	int	 can_trace;		/* PERFMON or SYS_ADMIN permitted */
	int	 can_setns;		/* SYS_ADMIN permitted: --netns,
					   --all-netns may enter others */
	char	 missing[128];		/* names of missing caps for /proc fds,
					   comma-separated, e.g.
					   "cap_sys_ptrace"; "" if none */
};

/*
 * Reads the effective and permitted sets and then clears the effective
 * set, so that nothing runs privileged by accident: each use raises what
 * it needs.  Returns 0, or -1 with errno set.
 */
int	 privs_init(struct privs *p);

/*
 * Raises into the effective set the capabilities for reading every
 * /proc/PID/fd (PRIVS_FDS), for perf_event_open on a tracepoint
 * (PRIVS_TRACE) or for setns(2) into a network namespace (PRIVS_NETNS),
 * those of them that are permitted; what may be a mask of them.
 * Returns 0, or -1 with errno set.  privs_lower() clears the effective
 * set again.
 */
#define PRIVS_FDS	1
#define PRIVS_TRACE	2
#define PRIVS_NETNS	4
/*
 * PRIVS_NETADMIN: CAP_NET_ADMIN, for sock_diag to run a mark test of a
 * filter and to report marks: the kernel checks it on the socket's
 * opener and on the sender of each request.
 */
#define PRIVS_NETADMIN	8
int	 privs_raise(int what);
int	 privs_lower(void);

/*
 * Keeps, of every capability, only those the later PRIVS_* uses in the
 * mask what need (PRIVS_FDS, PRIVS_TRACE, PRIVS_NETNS, PRIVS_NETADMIN),
 * and only in the permitted set; empties the bounding and ambient sets
 * and sets no_new_privs.  For runs that must raise again (-c -p, lsof's
 * -r, a mark).  Returns 0, or -1 with errno set.
 */
int	 privs_keep(int what);

/*
 * Drops every capability from every set (effective, permitted,
 * inheritable, ambient, bounding where allowed) and sets no_new_privs:
 * called before writing output and by the echo server after bind.
 * Returns 0, or -1 with errno set.
 */
int	 privs_drop_all(void);

/*
 * For a process that only looks names up (NSS modules, DNS replies):
 * as root, leaves uid and gid 0 for the overflow user (65534, taken as a
 * number: no lookup runs before), with no supplementary group, raising
 * CAP_SETUID and CAP_SETGID for it where they are permitted (EPERM when
 * they are not); then privs_drop_all().  Where the user namespace maps
 * no such user or group, or denies setgroups, that id stays, without
 * capabilities.  Returns 0, or -1 with errno set.
 */
#define PRIVS_NOBODY	65534

/*
 * Raises CAP_CHOWN, CAP_SETGID and CAP_SETUID into the effective set, as
 * far as they are permitted (a caller may have emptied it already), for
 * leaving uid 0.  Returns 0, or -1 with errno set.
 */
int	 privs_raise_setid(void);
int	 privs_drop_user(void);

#endif /* PRIVS_H */
