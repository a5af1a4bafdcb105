/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pipeline.h - one pass of sources -> selection -> owners -> formatter.
 * A repeat (-c) pass is the same pass run again.
 *
 * Every dump of the pass (tcp, tcp6, udp, udp6, raw, raw6, unix: the
 * ones the selection asks for) is asked of the sources in the order of
 * the pipeline's table: netlink sock_diag, then /proc/net (--source
 * keeps one of them).  A source that cannot answer a dump here (no
 * sock_diag module, a sandbox refusing netlink, a missing /proc/net
 * file) hands the dump to the next; the report says which source gave
 * each dump and why the others did not, and main tells the user.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <stddef.h>
#include <stdio.h>

#include "fmt.h"
#include "procmap.h"
#include "select.h"
#include "source.h"

/* The most sources one dump is asked of. */
#define PIPELINE_SOURCES_MAX	2

/* What became of one dump of a pass. */
struct pipeline_dump {
	int		 asked;		/* the selection needed it */
	const char	*from;		/* name of the source that gave its
					   rows; NULL: none could */
	size_t		 nmissed;	/* sources that could not, in order */
	const char	*missed[PIPELINE_SOURCES_MAX];
	int		 missed_errno[PIPELINE_SOURCES_MAX];
};

/* What a pass read, skipped and worked around; main reports it. */
struct pipeline_report {
	struct source_stats stats;
	/* [proto][0]: the IPv4 dump (UNIX: its only one), [1]: IPv6 */
	struct pipeline_dump dumps[PROTO_COUNT][2];
	unsigned long	 rows;		/* rows formatted */
	unsigned long	 unowned;	/* selected rows with an inode but no
					   owner seen */
	char		 failed[32];	/* the dump that failed ("tcp6") */
	int		 refcnt_errno;	/* /proc/net/unix unreadable: RefCnt 0 */
	unsigned long	 replies;	/* socket messages netlink sent */
	unsigned long	 requests;	/* netlink dumps asked for */
	unsigned long	 bc_refused;	/* dumps whose filter program the
					   kernel refused */
	int		 bc_errno;	/* why, for the last of them */
	unsigned long	 netns_gaps;	/* dumps of a namespace past the
					   first that no source could read */
};

/*
 * Whether errno e, with which a source could not answer a dump, means a
 * refusal (seccomp, a container: EPERM, EACCES) rather than a kernel or
 * a /proc that simply lacks the table.
 */
int		 pipeline_refused(int e);

struct pipeline;

/*
 * Returns a pipeline for o (sources opened on first use) that shows
 * what sel selects; o and sel are borrowed and must outlive it.  NULL
 * with errno set.
 */
struct pipeline	*pipeline_new(const struct options *o, struct selection *sel);

/*
 * Runs one pass into f writing to out.  owners may be NULL (no -p).
 * A dump no source can answer is recorded in rep and the pass goes on.
 * Returns 0, or -1 with errno set and rep->failed naming the dump that
 * failed (empty when the output failed).
 */
int		 pipeline_pass(struct pipeline *p, const struct formatter *f,
		    FILE *out, const struct procmap *owners,
		    struct pipeline_report *rep);

/*
 * Main's privileged section for netlink dumps that need a capability
 * (marks: diag_set_privileged); NULL for none.  Before the first pass.
 */
void		 pipeline_set_privileged(struct pipeline *p, int (*priv)(int on));

/*
 * Opens now, in the network namespace the calling thread is in, the
 * handles of every source for the dumps the selection asks for, and adds
 * them as a space whose rows carry id (borrowed: it must outlive the
 * space).  The handles keep that namespace, so the caller may leave it
 * at once.  Once a space is added, passes read the added ones, in order,
 * and no longer the caller's namespace.  Returns 0, or -1 with errno
 * set (ENOMEM, or a /proc/net file that could not be opened); a source
 * the kernel refuses there is told by the passes, as for any dump.
 */
int		 pipeline_space_add(struct pipeline *p,
		    const struct sock_netns *id);

/* Closes every added space (each pass of -c lists them anew). */
void		 pipeline_spaces_clear(struct pipeline *p);

/* Frees p (not its options or selection); NULL is a no-op. */
void		 pipeline_free(struct pipeline *p);

#endif /* PIPELINE_H */
