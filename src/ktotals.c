/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktotals.c - read the kernel's socket totals (see ktotals.h).
 *
 * The kernel writes these files in net/ipv4/proc.c and net/ipv6/proc.c
 * as one line per section: a name and a colon, then pairs of a word and
 * a decimal number separated by single spaces.  sockstat only relies on
 * that shape, not on which sections or keys exist, so that a newer kernel
 * adding a key (as "alloc" and "mem" were added) is simply passed on.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktotals.h"

#define KT_LINE_MAX	512	/* real lines are < 80 bytes */
#define KT_PAIRS_MAX	32

struct kt_pair {
	const char	*key;
	int64_t		 value;
};

/* A section or key name: [A-Za-z0-9_]+, as the kernel prints them. */
static int
is_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

/* A decimal int64, optionally negative; the whole token must be used. */
static int
parse_value(const char *s, int64_t *v)
{
	char *end;
	long long n;

	if (!((*s >= '0' && *s <= '9') || (s[0] == '-' && s[1] >= '0' &&
	    s[1] <= '9')))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	*v = n;
	return 0;
}

int
ktotals_parse_line(const char *line, ktotals_cb cb, void *arg)
{
	struct kt_pair pairs[KT_PAIRS_MAX];
	char buf[KT_LINE_MAX], *p, *section, *key, *val, *save;
	size_t len, npairs = 0, i;

	len = strcspn(line, "\n");
	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, line, len);
	buf[len] = '\0';

	if ((section = strtok_r(buf, " \t", &save)) == NULL)
		return 0;
	p = section + strlen(section) - 1;
	if (*p != ':')
		goto bad;
	*p = '\0';
	if (!is_name(section))
		goto bad;

	/* Check the whole line before the first call: all or nothing. */
	while ((key = strtok_r(NULL, " \t", &save)) != NULL) {
		if ((val = strtok_r(NULL, " \t", &save)) == NULL ||
		    npairs == KT_PAIRS_MAX || !is_name(key) ||
		    parse_value(val, &pairs[npairs].value) == -1)
			goto bad;
		pairs[npairs++].key = key;
	}
	if (npairs == 0)
		goto bad;

	for (i = 0; i < npairs; i++)
		if (cb(section, pairs[i].key, pairs[i].value, arg) == -1)
			return -1;
	return (int)npairs;
bad:
	errno = EINVAL;
	return -1;
}

/* Reads one file; a missing one is not an error. */
static int
read_file(const char *path, ktotals_cb cb, void *arg,
    unsigned long *malformed)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, save_errno;

	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	errno = 0;
	while (getline(&line, &cap, fp) != -1) {
		if (ktotals_parse_line(line, cb, arg) != -1)
			continue;
		if (errno != EINVAL) {
			rc = -1;
			break;
		}
		if (malformed != NULL)
			(*malformed)++;
		errno = 0;
	}
	if (rc == 0 && ferror(fp)) {
		rc = -1;
		if (errno == 0)
			errno = EIO;
	}
	save_errno = errno;
	free(line);
	fclose(fp);
	errno = save_errno;
	return rc;
}

int
ktotals_read(const char *proc_root, ktotals_cb cb, void *arg,
    unsigned long *malformed)
{
	static const char *const files[] = { "net/sockstat", "net/sockstat6" };
	char path[PATH_MAX];
	size_t i;
	int n;

	if (proc_root == NULL)
		proc_root = "/proc";
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		n = snprintf(path, sizeof(path), "%s/%s", proc_root, files[i]);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (read_file(path, cb, arg, malformed) == -1)
			return -1;
	}
	return 0;
}
