/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * users.c - the uid -> login name cache of every face, raw names kept.
 */
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "users.h"

/* A slot; used says it holds a uid, name NULL that uid has no name. */
struct slot {
	uint32_t	 uid;
	int		 used;
	char		*name;
};

/* Open addressing over cap (a power of two) slots, at most half full. */
struct users {
	struct slot	*slots;
	size_t		 cap, n;
};

static size_t
slot_of(uint32_t uid, size_t cap)
{
	return (size_t)(uid * 2654435761U) & (cap - 1);
}

static int
users_grow(struct users *u)
{
	size_t cap = u->cap == 0 ? 64 : u->cap * 2, i, j;
	struct slot *s;

	if ((s = calloc(cap, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < u->cap; i++) {
		if (!u->slots[i].used)
			continue;
		for (j = slot_of(u->slots[i].uid, cap); s[j].used;
		    j = (j + 1) & (cap - 1))
			;
		s[j] = u->slots[i];
	}
	free(u->slots);
	u->slots = s;
	u->cap = cap;
	return 0;
}

struct users *
users_new(void)
{
	return calloc(1, sizeof(struct users));
}

int
users_name(struct users *u, uint32_t uid, const char **name)
{
	struct passwd *pw;
	size_t i;

	if (u->n * 2 >= u->cap && users_grow(u) == -1)
		return -1;
	for (i = slot_of(uid, u->cap); u->slots[i].used;
	    i = (i + 1) & (u->cap - 1)) {
		if (u->slots[i].uid == uid) {
			*name = u->slots[i].name;
			return 0;
		}
	}
	u->slots[i].name = NULL;
	if ((pw = getpwuid((uid_t)uid)) != NULL && pw->pw_name != NULL &&
	    (u->slots[i].name = strdup(pw->pw_name)) == NULL)
		return -1;
	u->slots[i].uid = uid;
	u->slots[i].used = 1;
	u->n++;
	*name = u->slots[i].name;
	return 0;
}

void
users_free(struct users *u)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < u->cap; i++)
		free(u->slots[i].name);
	free(u->slots);
	free(u);
}
