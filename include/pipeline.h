/*
 * pipeline.h - one pass of collect -> filter -> attach owners -> format.
 * A repeat (-c) pass is the same pass run again.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <stddef.h>
#include <stdio.h>

#include "fmt.h"
#include "procmap.h"
#include "source.h"

/* What a pass skipped or worked around; main reports it once. */
struct pipeline_report {
	struct source_stats stats;
	unsigned	 fallback;	/* 1 << PROTO_* read from /proc/net
					   because netlink was unavailable */
	int		 fallback_errno;	/* why, for the first of them */
	unsigned long	 rows;		/* rows formatted */
	unsigned long	 unowned;	/* selected rows with an inode but no
					   owner seen */
	char		 failed[32];	/* the dump that failed ("tcp6") */
	int		 refcnt_errno;	/* /proc/net/unix unreadable: RefCnt 0 */
};

struct pipeline;

/* Returns a pipeline for o (sources opened lazily), NULL with errno. */
struct pipeline	*pipeline_new(const struct options *o);

/*
 * Runs one pass into f writing to out.  owners may be NULL (no -p).
 * Returns 0, or -1 with errno set and rep->failed naming the dump.
 */
int		 pipeline_pass(struct pipeline *p, const struct formatter *f,
		    FILE *out, const struct procmap *owners,
		    struct pipeline_report *rep);

/*
 * Memory a pass may spend keeping the rows of the measured (IPv6) dumps
 * so as not to read them twice: packed, a loopback IPv6 row takes about
 * 7 bytes, one with distinct addresses about 40.  Past it they are read
 * again.
 */
#define PIPELINE_SPOOL_BYTES	(2 * 1024 * 1024)

/*
 * Also caps the measured rows a pass may keep, by number (no cap until
 * then); 0 keeps none and reads every measured dump twice.
 */
void		 pipeline_set_spool_max(struct pipeline *p, size_t rows);

/* Frees p; NULL is a no-op. */
void		 pipeline_free(struct pipeline *p);

#endif /* PIPELINE_H */
