/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * privs.c - capabilities through libcap, for four uses (privs.h):
 * reading other users' /proc/PID/fd (PRIVS_FDS: CAP_DAC_READ_SEARCH,
 * CAP_SYS_PTRACE), opening a tracepoint (PRIVS_TRACE: CAP_PERFMON or
 * CAP_SYS_ADMIN), entering a network namespace (PRIVS_NETNS:
 * CAP_SYS_ADMIN) and mark tests over sock_diag (PRIVS_NETADMIN:
 * CAP_NET_ADMIN).  They stay permitted but not effective, so that only
 * the code that needs one runs with it: the effective set is empty
 * whenever output is written.  The commands decide what to keep
 * (privs_keep: the bounding and ambient sets emptied, no_new_privs set)
 * and when to drop everything (privs_drop_all); the man page's SECURITY
 * section lists what each mode keeps.
 */
#include <sys/capability.h>
#include <sys/prctl.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif

static const cap_value_t fds_caps[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE };
static const cap_value_t trace_caps[] = { CAP_PERFMON, CAP_SYS_ADMIN };
static const cap_value_t netns_caps[] = { CAP_SYS_ADMIN };
static const cap_value_t netadmin_caps[] = { CAP_NET_ADMIN };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
cap_has(cap_t caps, cap_value_t v, cap_flag_t set)
{
	cap_flag_value_t f = CAP_CLEAR;

	/* A capability this kernel does not know reads as absent. */
	if (cap_get_flag(caps, v, set, &f) == -1)
		return 0;
	return f == CAP_SET;
}

/* Frees caps keeping errno, and returns r. */
static int
cap_done(cap_t caps, int r)
{
	int save_errno = errno;

	cap_free(caps);
	errno = save_errno;
	return r;
}

/* Appends the name of v to the comma-separated list in buf. */
static void
missing_add(char *buf, size_t len, cap_value_t v)
{
	char *name;
	size_t used = strlen(buf);

	if ((name = cap_to_name(v)) == NULL)
		return;
	/* Whole names only: a cut one would name another capability. */
	if (used + (used ? 1 : 0) + strlen(name) < len) {
		if (used)
			buf[used++] = ',';
		strcpy(buf + used, name);
	}
	cap_free(name);
}

int
privs_init(struct privs *p)
{
	cap_t caps;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->is_root = geteuid() == 0;
	if ((caps = cap_get_proc()) == NULL)
		return -1;
	p->can_read_fds = 1;
	for (i = 0; i < NELEM(fds_caps); i++) {
		if (!cap_has(caps, fds_caps[i], CAP_PERMITTED)) {
			p->can_read_fds = 0;
			missing_add(p->missing, sizeof(p->missing),
			    fds_caps[i]);
		}
	}
	for (i = 0; i < NELEM(trace_caps); i++)
		if (cap_has(caps, trace_caps[i], CAP_PERMITTED))
			p->can_trace = 1;
	p->can_setns = cap_has(caps, CAP_SYS_ADMIN, CAP_PERMITTED);
	if (cap_clear_flag(caps, CAP_EFFECTIVE) == -1 ||
	    cap_set_proc(caps) == -1)
		return cap_done(caps, -1);
	return cap_done(caps, 0);
}

/*
 * The capabilities the PRIVS_* uses in the mask what need, into buf (of
 * room for every one), their count in *n; NULL for an unknown bit.
 */
static const cap_value_t *
privs_set(int what, cap_value_t *buf, size_t *n)
{
	static const struct {
		int			 bit;
		const cap_value_t	*caps;
		size_t			 n;
	} uses[] = {
		{ PRIVS_FDS, fds_caps, NELEM(fds_caps) },
		{ PRIVS_TRACE, trace_caps, NELEM(trace_caps) },
		{ PRIVS_NETNS, netns_caps, NELEM(netns_caps) },
		{ PRIVS_NETADMIN, netadmin_caps, NELEM(netadmin_caps) },
	};
	size_t i, j;

	if (what == 0 || (what & ~(PRIVS_FDS | PRIVS_TRACE | PRIVS_NETNS |
	    PRIVS_NETADMIN))) {
		errno = EINVAL;
		return NULL;
	}
	*n = 0;
	for (i = 0; i < NELEM(uses); i++)
		if (what & uses[i].bit)
			for (j = 0; j < uses[i].n; j++)
				buf[(*n)++] = uses[i].caps[j];
	return buf;
}

/* Room for the capabilities of every PRIVS_* use at once. */
#define PRIVS_CAPS_MAX	(NELEM(fds_caps) + NELEM(trace_caps) + \
			 NELEM(netns_caps) + NELEM(netadmin_caps))

int
privs_raise(int what)
{
	cap_value_t buf[PRIVS_CAPS_MAX], v;
	const cap_value_t *want;
	cap_t caps;
	size_t i, n;

	if ((want = privs_set(what, buf, &n)) == NULL)
		return -1;
	if ((caps = cap_get_proc()) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		/* Only what is permitted: the others would fail the set. */
		if (!cap_has(caps, want[i], CAP_PERMITTED))
			continue;
		v = want[i];
		if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) == -1)
			return cap_done(caps, -1);
	}
	if (cap_set_proc(caps) == -1)
		return cap_done(caps, -1);
	return cap_done(caps, 0);
}

int
privs_lower(void)
{
	cap_t caps;

	if ((caps = cap_get_proc()) == NULL)
		return -1;
	if (cap_clear_flag(caps, CAP_EFFECTIVE) == -1 ||
	    cap_set_proc(caps) == -1)
		return cap_done(caps, -1);
	return cap_done(caps, 0);
}

/*
 * Empties the bounding set, so that no later execve can gain a
 * capability (root's, or a file's).  That needs CAP_SETPCAP in the
 * effective set; without it permitted, the bounding set stays and
 * no_new_privs alone keeps execve from granting anything.  The set is
 * the process's and never grows again, so once emptied later calls
 * skip the forty-odd prctl calls.
 */
static int
drop_bounding(void)
{
	static int dropped;
	cap_value_t v = CAP_SETPCAP, max;
	cap_t caps;

	if (dropped)
		return 0;
	if ((caps = cap_get_proc()) == NULL)
		return -1;
	if (!cap_has(caps, CAP_SETPCAP, CAP_PERMITTED))
		return cap_done(caps, 0);
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) == -1 ||
	    cap_set_proc(caps) == -1)
		return cap_done(caps, -1);
	max = cap_max_bits();
	for (v = 0; v < max; v++) {
		/* EINVAL: a capability this kernel does not have. */
		if (cap_drop_bound(v) == -1 && errno != EINVAL)
			return cap_done(caps, -1);
	}
	dropped = 1;
	return cap_done(caps, 0);
}

/*
 * Empties the ambient set in one call (cap_reset_ambient() asks about
 * every capability first).  EINVAL: a kernel without ambient
 * capabilities has none to drop.
 */
static int
drop_ambient(void)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return -1;
	return 0;
}

int
privs_keep(int what)
{
	cap_value_t buf[PRIVS_CAPS_MAX], v;
	const cap_value_t *want;
	cap_t have, keep;
	size_t i, n;

	if ((want = privs_set(what, buf, &n)) == NULL)
		return -1;
	if ((have = cap_get_proc()) == NULL)
		return -1;
	if (drop_bounding() == -1 || drop_ambient() == -1)
		return cap_done(have, -1);
	if ((keep = cap_init()) == NULL)
		return cap_done(have, -1);
	for (i = 0; i < n; i++) {
		if (!cap_has(have, want[i], CAP_PERMITTED))
			continue;
		v = want[i];
		if (cap_set_flag(keep, CAP_PERMITTED, 1, &v, CAP_SET) == -1) {
			cap_free(keep);
			return cap_done(have, -1);
		}
	}
	cap_free(have);
	if (cap_set_proc(keep) == -1)
		return cap_done(keep, -1);
	cap_free(keep);
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int
privs_drop_all(void)
{
	cap_t none;

	if (drop_bounding() == -1)
		return -1;
	if (drop_ambient() == -1)
		return -1;
	if ((none = cap_init()) == NULL)
		return -1;
	if (cap_set_proc(none) == -1)
		return cap_done(none, -1);
	cap_free(none);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return 0;
}

int
privs_raise_setid(void)
{
	static const cap_value_t want[] = { CAP_CHOWN, CAP_SETGID,
	    CAP_SETUID };
	cap_t c;
	size_t i;
	int rv = 0;

	if ((c = cap_get_proc()) == NULL)
		return -1;
	for (i = 0; i < NELEM(want); i++)
		if (cap_has(c, want[i], CAP_PERMITTED) &&
		    cap_set_flag(c, CAP_EFFECTIVE, 1, &want[i], CAP_SET) == -1)
			rv = -1;
	if (rv == 0)
		rv = cap_set_proc(c);
	return cap_done(c, rv);
}

/* Whether this user namespace forbids setgroups(2). */
static int
setgroups_denied(void)
{
	char buf[16] = "";
	FILE *f;

	if ((f = fopen("/proc/self/setgroups", "re")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return strncmp(buf, "deny", 4) == 0;
}

int
privs_drop_user(void)
{
	/* Emptied while CAP_SETPCAP may still be permitted. */
	if (drop_bounding() == -1)
		return -1;
	if (geteuid() == 0 || getuid() == 0) {
		/* Not permitted: setresuid() below fails with EPERM. */
		if (privs_raise_setid() == -1)
			return -1;
		/*
		 * Each on its own.  A user namespace may deny setgroups
		 * (EPERM: /proc/self/setgroups says "deny") or map no
		 * overflow group or user (EINVAL): that id stays.
		 */
		if (setgroups(0, NULL) == -1 &&
		    (errno != EPERM || !setgroups_denied()))
			return -1;
		if (setresgid(PRIVS_NOBODY, PRIVS_NOBODY, PRIVS_NOBODY) == -1 &&
		    errno != EINVAL)
			return -1;
		if (setresuid(PRIVS_NOBODY, PRIVS_NOBODY, PRIVS_NOBODY) == -1 &&
		    errno != EINVAL)
			return -1;
	}
	return privs_drop_all();
}
