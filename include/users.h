/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * users.h - uid -> login name for every face (the User columns, JSON's
 * "user"), each uid looked up once: getpwuid may ask NSS (LDAP, sssd)
 * for every call.  The names are kept as passwd has them: a directory
 * service may serve any bytes, so the text faces escape what they print
 * (util_esc) and JSON carries the exact value.
 */
#ifndef USERS_H
#define USERS_H

#include <stdint.h>

struct users;

/* An empty cache.  Returns NULL with errno set (ENOMEM). */
struct users	*users_new(void);

/*
 * Sets *name to uid's login name as passwd has it (any bytes but NUL:
 * not safe for a terminal), or to NULL when uid has none.  The string
 * belongs to the cache and lives until users_free().  Returns 0, or -1
 * with errno ENOMEM.
 */
int		 users_name(struct users *u, uint32_t uid, const char **name);

/* Frees u; NULL is a no-op. */
void		 users_free(struct users *u);

#endif /* USERS_H */
