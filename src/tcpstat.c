/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpstat.c - the TcpExt counters -s shows (see tcpstat.h).
 *
 * /proc/net/netstat holds pairs of lines per group: "TcpExt: Name Name
 * ..." then "TcpExt: 1 2 ...", the n-th number the n-th name's.  Which
 * names exist and their order change between kernels, so the header is
 * read every time and only the names asked for are looked up.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpstat.h"

#define TS_LINE_MAX	8192	/* a 6.x TcpExt line is about 2.5 KiB */

static const char *const names[TCPSTAT_N] = {
	"ListenOverflows", "ListenDrops", "SyncookiesSent", "TCPTimeouts",
	"TCPRetransFail"
};

const char *
tcpstat_name(enum tcpstat_key k)
{
	return (unsigned)k < TCPSTAT_N ? names[k] : "?";
}

const char *
tcpstat_text(enum tcpstat_key k, uint64_t v, char *buf, size_t len)
{
	switch (k) {
	case TCPSTAT_LISTEN_OVERFLOWS:
		snprintf(buf, len, "%" PRIu64 " times the listen queue of a "
		    "socket overflowed", v);
		break;
	case TCPSTAT_LISTEN_DROPS:
		snprintf(buf, len, "%" PRIu64 " SYNs to LISTEN sockets dropped",
		    v);
		break;
	case TCPSTAT_SYNCOOKIES_SENT:
		snprintf(buf, len, "%" PRIu64 " SYN cookies sent", v);
		break;
	default:	/* netstat prints the kernel's name for the rest */
		snprintf(buf, len, "%s: %" PRIu64, tcpstat_name(k), v);
		break;
	}
	return buf;
}

/* Matches the header's names with the values' numbers, word by word. */
static int
tcpstat_pair(char *head, char *vals, struct tcpstat *ts)
{
	char *hs, *vs, *h, *v, *end;
	unsigned long long n;
	int k, pairs = 0;

	h = strtok_r(head, " \n", &hs);
	v = strtok_r(vals, " \n", &vs);
	if (h == NULL || v == NULL || strcmp(h, v) != 0)
		return -1;
	while ((h = strtok_r(NULL, " \n", &hs)) != NULL &&
	    (v = strtok_r(NULL, " \n", &vs)) != NULL) {
		errno = 0;
		n = strtoull(v, &end, 10);
		if (*end != '\0' || end == v || errno != 0 || *v == '-')
			return -1;
		pairs++;
		for (k = 0; k < TCPSTAT_N; k++)
			if (strcmp(h, names[k]) == 0) {
				ts->value[k] = n;
				ts->has |= 1U << k;
			}
	}
	return pairs > 0 ? 0 : -1;
}

int
tcpstat_read(const char *proc_root, struct tcpstat *ts)
{
	char path[4096], *head = NULL, *vals = NULL;
	FILE *f;
	int rc = -1, save_errno = EINVAL;

	memset(ts, 0, sizeof(*ts));
	snprintf(path, sizeof(path), "%s/net/netstat",
	    proc_root != NULL ? proc_root : "/proc");
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	if ((head = malloc(TS_LINE_MAX)) == NULL ||
	    (vals = malloc(TS_LINE_MAX)) == NULL) {
		save_errno = ENOMEM;
		goto out;
	}
	while (fgets(head, TS_LINE_MAX, f) != NULL) {
		if (strncmp(head, "TcpExt:", 7) != 0)
			continue;
		if (fgets(vals, TS_LINE_MAX, f) == NULL)
			break;
		if (tcpstat_pair(head, vals, ts) == 0)
			rc = 0;
		break;
	}
out:
	free(head);
	free(vals);
	fclose(f);
	if (rc == -1)
		errno = save_errno;
	return rc;
}
