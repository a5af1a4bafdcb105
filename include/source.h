/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * source.h - the table of kernel socket sources.  main asks each protocol
 * of the netlink source first and falls back to the /proc/net source when
 * netlink is unavailable for it (see diag.h for which errors count).
 */
#ifndef SOURCE_H
#define SOURCE_H

#include "sockstat.h"

/*
 * One dump: a family (AF_INET, AF_INET6, AF_UNIX) and protocol.  TCP of
 * AF_UNSPEC is both Internet families in one dump, rows interleaved: the
 * netlink source alone answers it (the pipeline asks no other).
 */
struct dump_req {
	int		 family;
	enum sock_proto	 proto;
	uint32_t	 states;	/* ST_BIT mask; sources may ignore */
	unsigned	 ext;		/* EXT_* (tcpinfo.h): internals to
					   ask for; sources may lack them */
};

/* What a source skipped instead of failing; main reports them once. */
struct source_stats {
	unsigned long	 malformed;	/* lines or messages skipped */
	unsigned long	 interrupted;	/* dumps redone after NLM_F_DUMP_INTR */
	unsigned long	 inconsistent;	/* dumps still interrupted after retries */
};

struct source {
	const char	*name;
	/* Returns a handle, or NULL with errno set. */
	void		*(*open)(const char *proc_root);
	/*
	 * Calls cb for every socket of req.  Returns 0, or -1 with errno
	 * set; a cb returning -1 stops the dump and its errno is kept.
	 */
	int		 (*collect)(void *h, const struct dump_req *req,
			    row_cb cb, void *arg, struct source_stats *st);
	void		 (*close)(void *h);
};

extern const struct source diag_source;
extern const struct source procnet_source;

#endif /* SOURCE_H */
