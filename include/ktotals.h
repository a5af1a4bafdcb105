/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktotals.h - the kernel's own socket totals, from <proc_root>/net/sockstat
 * and sockstat6.  Their lines read "SECTION: key value key value ...",
 * for example "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1",
 * "sockets: used 123" or "TCP6: inuse 2".
 */
#ifndef KTOTALS_H
#define KTOTALS_H

#include <stdint.h>

/*
 * Called once per value, in file order: section ("TCP", "TCP6",
 * "sockets"), key ("inuse") and value.  The strings are only valid during
 * the call.  Return 0 to go on, or -1 with errno set to stop the read.
 */
typedef int (*ktotals_cb)(const char *section, const char *key,
    int64_t value, void *arg);

/*
 * Parses one line (with or without its newline) and calls cb for each of
 * its pairs.  Returns the number of pairs, 0 for a blank line, -1 with
 * errno EINVAL for a malformed line (cb is then not called at all), or -1
 * with cb's errno if cb stopped.
 */
int	ktotals_parse_line(const char *line, ktotals_cb cb, void *arg);

/*
 * Reads <proc_root>/net/sockstat then sockstat6 (proc_root NULL means
 * "/proc") and calls cb for every value.  A missing file is skipped, as
 * are malformed lines, which are counted in *malformed if it is not NULL.
 * Returns 0, or -1 with errno set (an open or read error, or cb's).
 */
int	ktotals_read(const char *proc_root, ktotals_cb cb, void *arg,
	    unsigned long *malformed);

#endif /* KTOTALS_H */
