/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procmap.h - the owner map: which processes hold which sockets, read
 * from <proc_root>/PID/fd in one pass and looked up by socket inode.
 * src/procmap_scan.c reads /proc; src/procmap.c holds the map.
 */
#ifndef PROCMAP_H
#define PROCMAP_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

struct procmap;

/*
 * hidepid of the proc mount at proc_root, in the kernel's numbering, as
 * /proc/self/mountinfo shows it ("hidepid=invisible" or, before Linux
 * 5.8, "hidepid=2").  With NOACCESS a caller without CAP_SYS_PTRACE
 * sees other users' PID directories but cannot open them (counted in
 * procs_denied); with INVISIBLE or PTRACEABLE those directories are not
 * listed at all, so procs_denied cannot count them: main should say so.
 */
#define PROCMAP_HIDEPID_UNKNOWN		(-1)	/* no proc mount found there */
#define PROCMAP_HIDEPID_OFF		0
#define PROCMAP_HIDEPID_NOACCESS	1
#define PROCMAP_HIDEPID_INVISIBLE	2
#define PROCMAP_HIDEPID_PTRACEABLE	4

/* What one build saw and skipped; main reports the skips once. */
struct procmap_stats {
	unsigned long	 procs;		/* processes whose fd table was read */
	unsigned long	 procs_vanished; /* exited mid-scan: skipped silently */
	unsigned long	 procs_denied;	/* fd table unreadable: EACCES, EPERM */
	unsigned long	 procs_failed;	/* any other errno: skipped too */
	int		 failed_errno;	/* the first of those */
	unsigned long	 fds;		/* socket descriptors mapped */
	unsigned long	 sockets;	/* distinct socket inodes mapped */
	int		 hidepid;	/* PROCMAP_HIDEPID_* */
};

/* procmap_build_flags() flags. */
#define PROCMAP_ARGV0	0x1	/* also read argv0 (the netstat face) */
#define PROCMAP_CGROUP	0x2	/* also read cgroup (--all-netns) */

/*
 * Reads every <proc_root>/[0-9]* (processes) and maps each fd whose
 * link reads "socket:[INODE]" to {pid, uid of the PID directory, fd,
 * mode 'u', raw comm without its newline, argv0 NULL}.  When the fd
 * table of a process lists nothing (its main thread exited while other
 * threads run: a zombie leader; or a kernel thread), the table is read
 * through <pid>/task/TID/fd of its first other thread that has one.
 * Per process, ENOENT, ESRCH and ENOTDIR mean it exited: it is skipped
 * and counted in procs_vanished; EACCES and EPERM count it in
 * procs_denied; any other errno (ELOOP, EIO, EMFILE...) counts it in
 * procs_failed, the first in failed_errno.  Each keeps the fds already
 * read.  No owner is ever guessed.  st may be NULL; *st is only
 * meaningful on success.  Returns the map, to be released with
 * procmap_free(), or NULL with errno set: that of opening or listing
 * proc_root (ENOENT, EACCES, ENOTDIR, ...), or ENOMEM.
 *
 * The fd tables are read by one worker per online CPU, at most two:
 * this thread and threads created here and joined before the return.
 * Linux capabilities are per thread and a thread starts with its
 * creator's, so whatever the caller raised before the call (main:
 * CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE) holds in every worker, and
 * lowering them after the return leaves no thread still privileged.
 */
struct procmap	*procmap_build(const char *proc_root,
		    struct procmap_stats *st);

/*
 * procmap_build(), and with PROCMAP_ARGV0 in flags each owner's argv0
 * is what netstat -p names the program: the first string of
 * <pid>/cmdline (of its first 511 bytes, as netstat reads), after its
 * last '/' when it starts with '/' ("/usr/sbin/sshd" gives "sshd",
 * "./x/y" stays whole), or NULL when cmdline is empty (kernel threads)
 * or unreadable, for the faces to fall back to command.  One more read
 * per process that holds a socket.
 */
struct procmap	*procmap_build_flags(const char *proc_root, unsigned flags,
		    struct procmap_stats *st);

/*
 * Returns every owner of the socket with this inode, sorted by pid then
 * fd, and their count in *n; NULL with *n = 0 when none (also for inode
 * 0 or a NULL m).  The array and its command strings belong to m until
 * procmap_free().
 */
const struct sock_owner *procmap_lookup(const struct procmap *m,
		    uint64_t inode, size_t *n);

/*
 * Calls cb(inode, owners, n, arg) once for every socket of m, owners as
 * procmap_lookup() returns them, in no particular order; stops at the
 * first cb that returns non-zero and returns that.  Returns 0 when every
 * socket was visited (also for a NULL m).
 */
int		 procmap_foreach(const struct procmap *m,
		    int (*cb)(uint64_t inode, const struct sock_owner *owners,
		    size_t n, void *arg), void *arg);

/*
 * netstat's PID/Program name text for the n owners of one socket:
 * "pid/name,pid/name", each pid once, the name being argv0 when it was
 * read, else command, through util_escape_seps(..., ","); "-" when n
 * is 0.  Writes it NUL-ended into *buf, grown
 * with realloc(3) to *cap bytes as needed (NULL and 0 to start).
 * Returns its length, or -1 with errno ENOMEM (*buf stays valid).
 */
ssize_t		 procmap_owners_text(const struct sock_owner *owners,
		    size_t n, char **buf, size_t *cap);

/*
 * Terminal columns of the widest procmap_owners_text() over every socket
 * of m (0 for a NULL or empty m): a table sizes its PID/Program name
 * column with it before any row arrives.  A column is a byte of the text
 * but a UTF-8 continuation byte.  Returns 0, or -1 with errno ENOMEM.
 */
int		 procmap_owners_widest(const struct procmap *m,
		    size_t *width);

/* Frees m and every owner it returned; NULL is a no-op. */
void		 procmap_free(struct procmap *m);

#endif /* PROCMAP_H */
