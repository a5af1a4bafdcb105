/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.h - small helpers shared by every module.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses a decimal integer in [min, max] like OpenBSD strtonum(3):
 * returns it with *errstr NULL, or 0 with *errstr "invalid", "too small"
 * or "too large".  Rejects empty strings and trailing garbage.
 */
long long	 util_strtonum(const char *s, long long min, long long max,
		    const char **errstr);

/*
 * Copies len bytes of untrusted src (a command name, a UNIX path) into
 * dst as text safe for a terminal: printable ASCII and valid printable
 * UTF-8 stay; '\\' becomes "\\\\"; \n \t \r become "\\n" "\\t" "\\r";
 * every other byte (controls, DEL, invalid UTF-8, NUL, and the bytes of
 * every code point util_hidden() names) becomes "\\xNN".  dst is always
 * NUL-terminated when dstlen > 0, and truncated at a whole escape.
 * Returns the length the full result needs (without the NUL), as
 * snprintf does; UTIL_ESCAPE_MAX(len) bytes always suffice.
 */
size_t		 util_escape(char *dst, size_t dstlen, const char *src,
		    size_t len);
#define UTIL_ESCAPE_MAX(len)	((len) * 4 + 1)

/*
 * util_escape(), and every byte of seps (printable ASCII) as "\\xNN"
 * too: a name inside a list whose separators are seps cannot then read
 * as two entries ("x,1/systemd" in a "pid/command,..." list).
 */
size_t		 util_escape_seps(char *dst, size_t dstlen, const char *src,
		    size_t len, const char *seps);

/*
 * Copies the C string src into dst (len bytes, NUL ended, cut to fit)
 * and returns the length written: for the columns of hundreds of
 * thousands of rows, where snprintf's "%s" costs ten times as much.
 */
size_t		 util_copy(char *dst, size_t len, const char *src);

/* Writes v in decimal, NUL ended, into dst (at least 21 bytes). */
size_t		 util_utoa(char *dst, uint64_t v);

/* util_escape() of the C string s into buf of len bytes; returns buf. */
const char	*util_esc(char *buf, size_t len, const char *s);

/*
 * Whether code point cp must not reach a terminal as is: a C1 control,
 * U+2028/U+2029, or a Default_Ignorable_Code_Point or format (Cf)
 * character, which draw nothing and so let one name pass for another.
 */
int		 util_hidden(uint32_t cp);

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), its code
 * point in *cp (if cp is not NULL); 0 for an invalid one: overlong forms,
 * surrogates and code points past U+10FFFF are invalid.
 */
size_t		 util_utf8(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Milliseconds since the epoch (CLOCK_REALTIME: for printed times) and on
 * CLOCK_MONOTONIC (for intervals and deadlines, immune to clock steps).
 */
uint64_t	 util_now_ms(void);
uint64_t	 util_mono_ms(void);

#endif /* UTIL_H */
