/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textwidth.h - how many terminal columns a UTF-8 text takes, by
 * character cell: East Asian Wide and Fullwidth characters take two,
 * combining marks and other zero-width characters none, the rest one.
 * No locale and no wcwidth(3): the answer is the same on every host, so
 * columns line up the same way in every terminal that follows Unicode.
 */
#ifndef TEXTWIDTH_H
#define TEXTWIDTH_H

#include <stddef.h>

/*
 * Display columns of the len bytes at s, which should be valid UTF-8 (as
 * the escapers produce it).  A byte that does not start a valid sequence
 * counts as one column, so the result is never less than the number of
 * such bytes.  Never fails.
 */
size_t	 textwidth(const char *s, size_t len);

#endif /* TEXTWIDTH_H */
