/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_netns.c - reading other network namespaces without staying in
 * them.  A sock_diag socket answers for the namespace it was created in,
 * and an open /proc/net file shows the namespace it was opened in; so
 * for each namespace the process enters it (setns, with cap_sys_admin
 * raised for that alone), opens its handles (pipeline_space_add) and
 * goes straight back to its own, kept open from the start.  The rows
 * are then read, owners matched and names resolved from the process's
 * own namespace.  A namespace is kept alive by its open handles, so one
 * that goes away after being opened is still read whole; one gone
 * before is skipped and counted.
 */
#include <sys/resource.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_netns.h"
#include "util.h"

int
netns_run_init(struct netns_run *r, const struct options *o,
    const struct privs *pv)
{
	const char *path = "/proc/self/ns/net";
	struct rlimit rl;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->self_fd = -1;
	/* An empty table from a namespace never entered would lie. */
	if (!pv->can_setns) {
		warnx("%s: entering network namespaces needs cap_sys_admin",
		    o->all_netns ? "--all-netns" : "--netns");
		return EXIT_FAIL;
	}
	if ((r->self_fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return EXIT_FAIL;
	}
	/*
	 * Each namespace keeps a netlink socket and a /proc/net file open
	 * for the pass: a host with hundreds of them passes the usual soft
	 * limit of 1024 descriptors, not the hard one.
	 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
}

/*
 * Lists the namespaces of this pass; EXIT_FAIL after saying why.  Other
 * processes' /proc/PID/ns/net are read as their fds are: with PRIVS_FDS
 * (cap_sys_ptrace), or root's own processes would be denied.
 */
static int
list_spaces(struct netns_run *r)
{
	char safe[UTIL_ESCAPE_MAX(256)];
	const struct options *o = r->o;
	int rc, save_errno;

	if (privs_raise(PRIVS_FDS) == -1) {
		warn("raising capabilities");
		return EXIT_FAIL;
	}
	rc = o->all_netns ? netns_list_all(&r->list, o->proc_root,
	    NETNS_RUN_DIR) : netns_list_one(&r->list, o->netns, o->proc_root,
	    NETNS_RUN_DIR);
	save_errno = errno;
	if (privs_lower() == -1) {
		warn("lowering capabilities");
		return EXIT_FAIL;
	}
	errno = save_errno;
	if (rc == -1 && o->all_netns) {
		warn("listing network namespaces");
		return EXIT_FAIL;
	}
	if (rc == -1) {
		util_esc(safe, sizeof(safe), o->netns);
		warn("--netns %s", safe);
		return EXIT_FAIL;
	}
	return 0;
}

/* open_space's value for a namespace gone before it could be entered. */
#define SPACE_GONE	(-1)

/*
 * Enters e, calls add there, comes back.  Returns 0, SPACE_GONE, or
 * EXIT_FAIL after saying why.
 */
static int
open_space(struct netns_run *r, struct netns_ent *e, netns_add_fn add,
    void *arg)
{
	char safe[UTIL_ESCAPE_MAX(256)];
	int fd, rc = 0, save_errno;

	/* The own namespace needs no trip. */
	if (e->self)
		goto add_here;
	/* CAP_NET_ADMIN too when kept: a socket's opener needs it for marks. */
	if (privs_raise(PRIVS_FDS | PRIVS_NETNS | PRIVS_NETADMIN) == -1) {
		warn("raising capabilities");
		return EXIT_FAIL;
	}
	if ((fd = netns_open(e)) == -1) {
		save_errno = errno;
		(void)privs_lower();
		if (netns_gone(save_errno) && r->o->all_netns)
			return SPACE_GONE;
		/* A /run/netns name is whatever its maker chose. */
		util_esc(safe, sizeof(safe), e->path);
		errno = save_errno;
		warn("%s", safe);
		return EXIT_FAIL;
	}
	if (netns_enter(fd) == -1) {
		save_errno = errno;
		close(fd);
		(void)privs_lower();
		if (netns_gone(save_errno) && r->o->all_netns)
			return SPACE_GONE;
		errno = save_errno;
		warn("entering network namespace %s", e->id.label);
		return EXIT_FAIL;
	}
	close(fd);
	if (add(arg, &e->id) == -1) {
		warn("opening sockets in network namespace %s", e->id.label);
		rc = EXIT_FAIL;
	}
	/* Back before anything else runs: nothing stays in there. */
	if (netns_enter(r->self_fd) == -1)
		err(EXIT_FAIL, "returning to the own network namespace");
	if (privs_lower() == -1) {
		warn("lowering capabilities");
		return EXIT_FAIL;
	}
	return rc;
add_here:
	if (add(arg, &e->id) == -1) {
		warn("opening sockets");
		return EXIT_FAIL;
	}
	return 0;
}

int
netns_run_each(struct netns_run *r, netns_known_fn known, netns_add_fn add,
    void *arg, size_t *width)
{
	struct netns_ent *e;
	ssize_t w;
	size_t i;
	int rc;

	netns_list_free(&r->list);
	if ((rc = list_spaces(r)) != 0)
		return rc;
	if ((w = netns_list_label(&r->list)) == -1) {
		warn(NULL);
		return EXIT_FAIL;
	}
	if (width != NULL)
		*width = (size_t)w;
	for (i = 0; i < r->list.n; i++) {
		e = &r->list.v[i];
		if (known != NULL && known(arg, e->id.inode))
			continue;
		if ((rc = open_space(r, e, add, arg)) == SPACE_GONE)
			r->vanished++;
		else if (rc != 0)
			return rc;
	}
	return 0;
}

static int
pipeline_add(void *arg, const struct sock_netns *id)
{
	return pipeline_space_add(arg, id);
}

int
netns_run_open(struct netns_run *r, struct pipeline *p, struct options *o)
{
	return netns_run_each(r, NULL, pipeline_add, p, &o->netns_width);
}

void
netns_run_close(struct netns_run *r, struct pipeline *p)
{
	static int said;

	if (p != NULL)
		pipeline_spaces_clear(p);
	netns_list_free(&r->list);
	if (r->vanished > 0 && !said) {
		warnx("%lu network namespace%s went away before being read",
		    r->vanished, r->vanished == 1 ? "" : "s");
		said = 1;
	}
}

void
netns_run_free(struct netns_run *r)
{
	if (r->self_fd != -1)
		close(r->self_fd);
	r->self_fd = -1;
}
