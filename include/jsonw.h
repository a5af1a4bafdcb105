/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * jsonw.h - a small streaming JSON writer.  Values go straight to a FILE
 * as they are given; nothing is kept but the nesting.  The output is
 * always valid JSON text, whatever bytes a string holds: valid UTF-8
 * goes out as is, controls and invisible characters as \uXXXX, and
 * invalid UTF-8 as U+FFFD (jsonw_text_field keeps such bytes too).
 *
 * Write errors and misuse (a value in an object without a key, an end
 * that does not match its start, nesting past JSONW_MAX_DEPTH) are
 * sticky: the writer stops writing and jsonw_status() reports the first.
 */
#ifndef JSONW_H
#define JSONW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Layout flags for jsonw_new(); 0 is compact, without any whitespace.
 * JSONW_PRETTY puts every element on a line of its own, indented by 2
 * spaces a level.  JSONW_LINES puts each element of the outermost
 * container on a line of its own and keeps the elements compact.
 */
#define JSONW_PRETTY	0x1
#define JSONW_LINES	0x2

#define JSONW_MAX_DEPTH	32

struct jsonw;

/*
 * Returns a writer to out (which the caller keeps owning), or NULL with
 * errno set (ENOMEM; EINVAL for a NULL out).  Free it with jsonw_free().
 */
struct jsonw	*jsonw_new(FILE *out, int flags);

/*
 * Writes out what the writer still holds, then frees it, not its FILE.
 * NULL is a no-op.
 */
void		 jsonw_free(struct jsonw *);

/*
 * Hands what the writer holds (it gathers tokens in a buffer of its own)
 * to the FILE, then returns 0 if every write so far succeeded and the
 * calls were well formed, else -1 with errno set: the write's errno (EIO
 * if unknown), or EINVAL for misuse, E2BIG past JSONW_MAX_DEPTH.  Call it
 * before writing to the FILE directly.  Does not fflush the FILE.
 */
int		 jsonw_status(struct jsonw *);

/*
 * Open and close containers.  A writer takes one top-level value after
 * another with no separator between them: a caller that streams several
 * documents writes its own newline after each.
 */
void		 jsonw_start_object(struct jsonw *);
void		 jsonw_end_object(struct jsonw *);
void		 jsonw_start_array(struct jsonw *);
void		 jsonw_end_array(struct jsonw *);

/* Writes a member name in an object; the next call writes its value. */
void		 jsonw_key(struct jsonw *, const char *key);

/*
 * Scalar values.  jsonw_string_len writes len bytes of s (NULs
 * included, as \u0000); jsonw_string writes a C string, or null for NULL.
 */
void		 jsonw_string_len(struct jsonw *, const char *s,
		    size_t len);
void		 jsonw_string(struct jsonw *, const char *s);
void		 jsonw_uint(struct jsonw *, uint64_t v);
void		 jsonw_int(struct jsonw *, int64_t v);
void		 jsonw_bool(struct jsonw *, int v);
void		 jsonw_null(struct jsonw *);

/* A string of the len bytes at data in lowercase hex, two digits a byte. */
void		 jsonw_hex(struct jsonw *, const void *data, size_t len);

/* jsonw_key() followed by the value, for the common case in objects. */
void		 jsonw_string_field(struct jsonw *, const char *key,
		    const char *s);
void		 jsonw_uint_field(struct jsonw *, const char *key,
		    uint64_t v);
void		 jsonw_int_field(struct jsonw *, const char *key,
		    int64_t v);
void		 jsonw_bool_field(struct jsonw *, const char *key, int v);
void		 jsonw_null_field(struct jsonw *, const char *key);

/*
 * Writes len untrusted bytes (a command name, a path) as member key so
 * that nothing is lost: the string itself when s is valid UTF-8, which
 * it almost always is; else the string with U+FFFD for each invalid
 * byte, then a member key"_bytes" holding all len bytes in hex.  A
 * consumer takes key_bytes when present, else key.  s NULL writes
 * null.  A key longer than JSONW_KEY_MAX is misuse (EINVAL).
 */
#define JSONW_KEY_MAX		64
#define JSONW_BYTES_SUFFIX	"_bytes"
void		 jsonw_text_field(struct jsonw *, const char *key,
		    const char *s, size_t len);

#endif /* JSONW_H */
