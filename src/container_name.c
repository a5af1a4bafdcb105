/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * container_name.c - the name a runtime gave a container, from the
 * state it keeps on disk, without asking its daemon: Docker writes each
 * container's config.v2.json (top-level "Name": "/web"), Podman one
 * containers.json for all ("id" and "names" of each).  containerd and
 * CRI-O keep names behind their APIs: none here.
 *
 * The files are JSON written by the runtime, read through a small
 * scanner that never trusts a length or a nesting it did not see:
 * anything malformed is "not known".  The id comes from the cgroup
 * (64 hex digits, container.c), so it is safe in a path.  A few recent
 * answers are kept: a host's sockets belong to a few containers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"

#define DOC_MAX		(4 * 1024 * 1024)	/* larger files: not read */
#define DEPTH_MAX	64
#define CACHE_SLOTS	16

/* The scanner: a cursor, and what a visit wants told. */
struct jscan {
	const char	*p, *end;
	int		 depth;		/* containers open */
	long		 top;		/* index of the top level's element */
	/* The key of the innermost object member being read. */
	char		 key[32];
	int		 (*visit)(struct jscan *, const char *, size_t);
	void		*arg;
	int		 done;
};

static void
skip_ws(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Appends code point cp as UTF-8; returns bytes written (0: no room). */
static size_t
put_utf8(char *o, size_t room, unsigned long cp)
{
	if (cp < 0x80 && room >= 1) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800 && room >= 2) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000 && room >= 3) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp < 0x110000 && room >= 4) {
		o[0] = (char)(0xf0 | cp >> 18);
		o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

static int
hex4(const char *p, unsigned long *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned long)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * Reads a string at the cursor (on its '"') into out (len bytes, NUL
 * ended; a longer value is cut).  Returns its length, or -1 when it is
 * malformed.
 */
static long
read_string(struct jscan *s, char *out, size_t len)
{
	unsigned long cp, lo;
	size_t n = 0, w;
	char c;

	s->p++;
	while (s->p < s->end && *s->p != '"') {
		c = *s->p++;
		if ((unsigned char)c < 0x20)
			return -1;
		if (c != '\\') {
			if (n + 1 < len)
				out[n++] = c;
			continue;
		}
		if (s->p >= s->end)
			return -1;
		c = *s->p++;
		switch (c) {
		case '"': case '\\': case '/': cp = (unsigned char)c; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (s->end - s->p < 4 || hex4(s->p, &cp) == -1)
				return -1;
			s->p += 4;
			/* A surrogate pair is one code point. */
			if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 &&
			    s->p[0] == '\\' && s->p[1] == 'u' &&
			    hex4(s->p + 2, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				s->p += 6;
			}
			break;
		default:
			return -1;
		}
		w = n + 1 < len ? put_utf8(out + n, len - 1 - n, cp) : 0;
		n += w;
	}
	if (s->p >= s->end)
		return -1;
	s->p++;
	if (len > 0)
		out[n] = '\0';
	return (long)n;
}

static int scan_value(struct jscan *s);

/* An object's members or an array's elements, the cursor past '{'/'['. */
static int
scan_container(struct jscan *s, char close)
{
	char key[sizeof(s->key)], saved[sizeof(s->key)];
	int first = 1;

	if (++s->depth > DEPTH_MAX)
		return -1;
	memcpy(saved, s->key, sizeof(saved));
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end)
			return -1;
		if (*s->p == close) {
			s->p++;
			break;
		}
		if (!first) {
			if (*s->p++ != ',')
				return -1;
			skip_ws(s);
			if (s->p >= s->end)
				return -1;
		}
		first = 0;
		if (close == '}') {
			if (*s->p != '"' ||
			    read_string(s, key, sizeof(key)) == -1)
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return -1;
			memcpy(s->key, key, sizeof(key));
		}
		if (scan_value(s) == -1)
			return -1;
		if (s->done)
			return 0;
		if (s->depth == 1)
			s->top++;
	}
	memcpy(s->key, saved, sizeof(saved));
	s->depth--;
	return 0;
}

static int
scan_value(struct jscan *s)
{
	char buf[256];
	long n;

	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{':
		s->p++;
		return scan_container(s, '}');
	case '[':
		s->p++;
		return scan_container(s, ']');
	case '"':
		if ((n = read_string(s, buf, sizeof(buf))) == -1)
			return -1;
		if (s->visit(s, buf, (size_t)n))
			s->done = 1;
		return 0;
	default:
		/* Numbers, true, false, null: up to the next delimiter. */
		while (s->p < s->end && *s->p != ',' && *s->p != '}' &&
		    *s->p != ']' && *s->p != ' ' && *s->p != '\n' &&
		    *s->p != '\r' && *s->p != '\t')
			s->p++;
		return 0;
	}
}

/* Reads path whole (at most DOC_MAX bytes); NULL when it cannot. */
static char *
read_doc(const char *path, size_t *len)
{
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16384;
			if (cap > DOC_MAX || (nb = realloc(buf, cap)) == NULL)
				break;
			buf = nb;
		}
		if ((r = read(fd, buf + n, cap - n)) <= 0) {
			close(fd);
			if (r < 0) {
				free(buf);
				return NULL;
			}
			*len = n;
			return buf;
		}
		n += (size_t)r;
	}
	close(fd);
	free(buf);
	return NULL;
}

/* What a lookup looks for and finds. */
struct want {
	const char	*id;
	char		*out;
	size_t		 len;
	long		 top;		/* podman: the element whose id matched */
	int		 found;
	char		 first[256];	/* podman: the element's first name */
	long		 first_top;
};

/* Docker: the top-level "Name", its leading '/' dropped. */
static int
visit_docker(struct jscan *s, const char *v, size_t n)
{
	struct want *w = s->arg;

	if (s->depth != 1 || strcmp(s->key, "Name") != 0)
		return 0;
	if (n > 0 && v[0] == '/')
		v++;
	snprintf(w->out, w->len, "%s", v);
	w->found = 1;
	return 1;
}

/* Podman: in the array's element whose "id" is ours, names[0]. */
static int
visit_podman(struct jscan *s, const char *v, size_t n)
{
	struct want *w = s->arg;

	(void)n;
	if (s->depth == 2 && strcmp(s->key, "id") == 0 &&
	    strcmp(v, w->id) == 0)
		w->top = s->top;
	else if (s->depth == 3 && strcmp(s->key, "names") == 0 &&
	    w->first_top != s->top) {
		snprintf(w->first, sizeof(w->first), "%s", v);
		w->first_top = s->top;
	}
	if (w->top >= 0 && w->first_top == w->top) {
		snprintf(w->out, w->len, "%s", w->first);
		w->found = 1;
		return 1;
	}
	return 0;
}

static int
scan_file(const char *path, int (*visit)(struct jscan *, const char *,
    size_t), struct want *w)
{
	struct jscan s;
	size_t len;
	char *doc;

	if ((doc = read_doc(path, &len)) == NULL)
		return 0;
	memset(&s, 0, sizeof(s));
	s.p = doc;
	s.end = doc + len;
	s.visit = visit;
	s.arg = w;
	(void)scan_value(&s);
	free(doc);
	return w->found;
}

int
container_name_in(const struct container *c, const char *docker_dir,
    const char *podman_file, char *buf, size_t len)
{
	struct want w;
	char path[512];

	if (len == 0 || c->runtime == NULL)
		return 0;
	buf[0] = '\0';
	memset(&w, 0, sizeof(w));
	w.id = c->id;
	w.out = buf;
	w.len = len;
	w.top = w.first_top = -1;
	if (strcmp(c->runtime, "docker") == 0) {
		if (snprintf(path, sizeof(path), "%s/%s/config.v2.json",
		    docker_dir, c->id) >= (int)sizeof(path))
			return 0;
		return scan_file(path, visit_docker, &w);
	}
	if (strcmp(c->runtime, "podman") == 0)
		return scan_file(podman_file, visit_podman, &w);
	return 0;
}

/* The last answers, by id; "" a name not known. */
static struct {
	char	 id[CONTAINER_ID_MAX + 1];
	char	 name[CONTAINER_NAME_MAX];
	int	 found;
} cache[CACHE_SLOTS];
static size_t cache_next;

int
container_name(const struct container *c, char *buf, size_t len)
{
	size_t i;

	if (len == 0 || c->runtime == NULL)
		return 0;
	for (i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].id[0] != '\0' && strcmp(cache[i].id, c->id) == 0) {
			snprintf(buf, len, "%s", cache[i].name);
			return cache[i].found;
		}
	i = cache_next++ % CACHE_SLOTS;
	snprintf(cache[i].id, sizeof(cache[i].id), "%s", c->id);
	cache[i].found = container_name_in(c, CONTAINER_DOCKER_DIR,
	    CONTAINER_PODMAN_FILE, cache[i].name, sizeof(cache[i].name));
	snprintf(buf, len, "%s", cache[i].name);
	return cache[i].found;
}
