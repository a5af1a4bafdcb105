/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * users.h - uid -> login name for the User columns, each uid looked up
 * once: getpwuid may ask NSS (LDAP, sssd) for every call.
 */
#ifndef USERS_H
#define USERS_H

#include <stdint.h>

struct users;

/* An empty cache.  Returns NULL with errno set (ENOMEM). */
struct users	*users_new(void);

/*
 * Sets *name to uid's login name, escaped with util_escape (a directory
 * service may serve any bytes), or to NULL when uid has none.  The string
 * belongs to the cache.  Returns 0, or -1 with errno ENOMEM.
 */
int		 users_name(struct users *u, uint32_t uid, const char **name);

/* Frees u; NULL is a no-op. */
void		 users_free(struct users *u);

#endif /* USERS_H */
