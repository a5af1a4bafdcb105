/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netns.h - network namespaces: which one --netns names, which ones
 * --all-netns finds, and entering one.  A namespace is known by the
 * inode of its nsfs file (what /proc/PID/ns/net links to); the same
 * inode reached twice is the same namespace.  Nothing here looks at
 * capabilities: setns(2) fails with EPERM and the caller says why.
 */
#ifndef NETNS_H
#define NETNS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

/* Where ip-netns(8) keeps its names, as bind mounts of nsfs files. */
#define NETNS_RUN_DIR	"/run/netns"

/* How a --netns argument reads: digits are a PID, a '/' a path. */
enum netns_arg {
	NETNS_ARG_PID,
	NETNS_ARG_PATH,
	NETNS_ARG_NAME
};

/* One namespace found. */
struct netns_ent {
	struct sock_netns id;		/* inode, raw name, text label */
	dev_t		 dev;		/* of the nsfs inode */
	char		*path;		/* opened to enter it */
	int		 self;		/* the one this process started in */
};

struct netns_list {
	struct netns_ent *v;
	size_t		 n, cap;
};

/* What arg is; an empty arg is EINVAL's business (netns_arg_path). */
enum netns_arg	 netns_arg_kind(const char *arg);

/*
 * Writes into buf (len bytes) the file to open for arg: <proc_root>/PID/
 * ns/net, the path itself, or <run_dir>/NAME.  Returns 0, EINVAL (empty,
 * ".", "..", a PID out of range) or ENAMETOOLONG.
 */
int		 netns_arg_path(const char *arg, const char *proc_root,
		    const char *run_dir, char *buf, size_t len);

/*
 * Adds the namespace at path (stat(2) follows /proc's links to the nsfs
 * inode) unless its inode is listed already; name (NULL: none) is kept,
 * also on an entry that had none.  Returns 0, or -1 with errno set
 * (ENOENT, ESRCH: gone; ENOMEM).
 */
int		 netns_list_add(struct netns_list *l, const char *path,
		    const char *name);

/*
 * Lists every namespace: each entry of run_dir (named), then each
 * <proc_root>/PID/ns/net, once by inode, the one of <proc_root>/self
 * first and marked self, the others named first by name, then by inode.
 * An entry that goes away meanwhile is skipped.  Returns 0, or -1 with
 * errno set (the list then holds what was found).
 */
int		 netns_list_all(struct netns_list *l, const char *proc_root,
		    const char *run_dir);

/*
 * Lists the one namespace arg names (netns_arg_path), named after arg
 * for a name, or after the run_dir entry of the same inode.  Returns 0,
 * or -1 with errno set (EINVAL, ENOENT...).
 */
int		 netns_list_one(struct netns_list *l, const char *arg,
		    const char *proc_root, const char *run_dir);

/*
 * Gives every entry its text label (the name escaped, else the inode)
 * and returns the widest.  -1 with errno ENOMEM.
 */
ssize_t		 netns_list_label(struct netns_list *l);

/* Frees what l holds and empties it; l itself is the caller's. */
void		 netns_list_free(struct netns_list *l);

/*
 * Opens e's nsfs file, checking it is still the inode listed (a PID
 * reused meanwhile is another namespace).  Returns an fd, or -1 with
 * errno set (ENOENT, ESRCH or ESTALE: gone).
 */
int		 netns_open(const struct netns_ent *e);

/* Whether errno e from netns_open means the namespace went away. */
int		 netns_gone(int e);

/*
 * Moves the calling thread into the network namespace of fd.  Returns
 * 0, or -1 with errno set (EPERM without CAP_SYS_ADMIN; ESTALE when fd
 * is no namespace file, as a /run/netns name being made or deleted).
 */
int		 netns_enter(int fd);

#endif /* NETNS_H */
