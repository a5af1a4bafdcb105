/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_space.c - what the snapshots of the event stream read: the own
 * network namespace, or the namespaces -E --netns and --all-netns add,
 * each with its own sock_diag socket (opened inside it, so it answers
 * for it) and its own diff.  Socket cookies are not known to be unique
 * across namespaces on every kernel, so no two spaces share a diff.
 *
 * With --all-netns the command's lister finds namespaces again at most
 * once a second: a new one is added, and its first snapshot is its
 * baseline; one no longer found is read one last time, so that the
 * closes of its sockets are events, and then closed.  A closed space
 * keeps its label for the events that still point to it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"
#include "watch.h"
#include "watch_impl.h"

/* Closes a space's socket and diff; its id stays for events. */
static void
space_close(struct wspace *sp)
{
	diag_close(sp->diag);
	watch_diff_free(sp->diff);
	sp->diag = NULL;
	sp->diff = NULL;
}

void
watch_spaces_free(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nspaces; i++) {
		space_close(w->spaces[i]);
		free((char *)w->spaces[i]->id.name);
		free((char *)w->spaces[i]->id.label);
		free(w->spaces[i]);
	}
	free(w->spaces);
	w->spaces = NULL;
	w->nspaces = w->capspaces = 0;
}

static int
spaces_reserve(struct watch *w)
{
	struct wspace **v;
	size_t cap;

	if (w->nspaces < w->capspaces)
		return 0;
	cap = w->capspaces ? w->capspaces * 2 : 16;
	if ((v = reallocarray(w->spaces, cap, sizeof(*v))) == NULL)
		return -1;
	w->spaces = v;
	w->capspaces = cap;
	return 0;
}

int
watch_space_add(struct watch *w, const struct sock_netns *id)
{
	struct wspace *sp;
	int save_errno;

	if (spaces_reserve(w) == -1 || (sp = calloc(1, sizeof(*sp))) == NULL)
		return -1;
	sp->id.inode = id->inode;
	if ((id->name != NULL && (sp->id.name = strdup(id->name)) == NULL) ||
	    (sp->id.label = strdup(id->label != NULL ? id->label : "")) ==
	    NULL || (sp->diff = watch_diff_new()) == NULL ||
	    (sp->diag = diag_open()) == NULL) {
		save_errno = errno;
		space_close(sp);
		free((char *)sp->id.name);
		free((char *)sp->id.label);
		free(sp);
		errno = save_errno;
		return -1;
	}
	sp->seen = 1;
	w->spaces[w->nspaces++] = sp;
	/*
	 * The destroy groups heard the own namespace only, which is no
	 * longer read as such: snapshots alone find closes now.
	 */
	watch_destroy_close(w->destroy);
	w->destroy = NULL;
	return 0;
}

int
watch_space_seen(struct watch *w, uint64_t ino)
{
	size_t i;

	for (i = 0; i < w->nspaces; i++)
		if (w->spaces[i]->diag != NULL &&
		    w->spaces[i]->id.inode == ino) {
			w->spaces[i]->seen = 1;
			return 1;
		}
	return 0;
}

void
watch_set_lister(struct watch *w, watch_list_fn fn, void *arg)
{
	w->lister = fn;
	w->lister_arg = arg;
	w->next_list = util_mono_ms() + LIST_GAP_MS;
}

/*
 * Lists the namespaces again when due.  A failed listing closes
 * nothing: every space counts as found.
 */
static int
relist(struct watch *w)
{
	uint64_t now = util_mono_ms();
	size_t i;
	int rc;

	if (w->lister == NULL || now < w->next_list)
		return 0;
	w->next_list = now + LIST_GAP_MS;
	for (i = 0; i < w->nspaces; i++)
		w->spaces[i]->seen = 0;
	rc = w->lister(w, w->lister_arg);
	if (rc == -1)
		for (i = 0; i < w->nspaces; i++)
			w->spaces[i]->seen = 1;
	return rc;
}

int
watch_snapshot_spaces(struct watch *w)
{
	struct wspace *sp;
	size_t i;
	int rc = 0;

	if (w->nspaces == 0) {
		w->cur = &w->own;
		return watch_snapshot_one(w);
	}
	if (relist(w) == -1)
		return -1;
	for (i = 0; i < w->nspaces && rc == 0; i++) {
		sp = w->spaces[i];
		if (sp->diag == NULL)
			continue;
		w->cur = sp;
		rc = watch_snapshot_one(w);
		/* Gone from the listing: its closes are in; no more reads. */
		if (rc == 0 && !sp->seen)
			space_close(sp);
	}
	w->cur = &w->own;
	return rc;
}

size_t
watch_spaces_len(const struct watch *w)
{
	size_t i, n = 0;

	if (w->nspaces == 0)
		return watch_diff_len(w->own.diff);
	for (i = 0; i < w->nspaces; i++)
		if (w->spaces[i]->diff != NULL)
			n += watch_diff_len(w->spaces[i]->diff);
	return n;
}

unsigned
watch_spaces_unavailable(const struct watch *w)
{
	unsigned u = w->own.unavailable;
	size_t i;

	for (i = 0; i < w->nspaces; i++)
		u |= w->spaces[i]->unavailable;
	return u;
}
