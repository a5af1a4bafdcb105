/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * container.c - a process's container from its cgroup path.
 *
 * Runtimes put each container in a cgroup named after its id, and which
 * name depends on the runtime and on the cgroup driver:
 *
 *	systemd driver	.../docker-<id>.scope
 *			.../cri-containerd-<id>.scope
 *			.../crio-<id>.scope
 *			.../libpod-<id>.scope
 *			kubepods-burstable-pod<uid_with_underscores>.slice
 *	cgroupfs driver	/docker/<id>
 *			/kubepods/burstable/pod<uid>/<id>
 *
 * where <id> is 64 hex digits.  The path is read one component at a
 * time from the root, each later match the more precise; nothing past a
 * component's own bytes is trusted (a process may name its cgroups as
 * it likes under a delegated subtree).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "container.h"

#define HEX_ID_LEN	64

/* Whether the n bytes at s are a 64-hex-digit container id. */
static int
hex_id(const char *s, size_t n)
{
	size_t i;

	if (n != HEX_ID_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Whether the n bytes at s start with p; *rest then points past it. */
static int
has_prefix(const char *s, size_t n, const char *p, const char **rest)
{
	size_t pl = strlen(p);

	if (n < pl || memcmp(s, p, pl) != 0)
		return 0;
	*rest = s + pl;
	return 1;
}

/* Whether the n bytes at s end with x. */
static int
has_suffix(const char *s, size_t n, const char *x)
{
	size_t xl = strlen(x);

	return n >= xl && memcmp(s + n - xl, x, xl) == 0;
}

static void
set_id(struct container *c, const char *runtime, const char *id, size_t n)
{
	if (n > CONTAINER_ID_MAX)
		return;
	c->runtime = runtime;
	memcpy(c->id, id, n);
	c->id[n] = '\0';
}

/* A pod UID, 36 characters of hex and dashes, underscores as dashes. */
static void
set_pod(struct container *c, const char *s, size_t n)
{
	size_t i;

	if (n != sizeof(c->pod) - 1)
		return;
	for (i = 0; i < n; i++) {
		if (s[i] != '-' && s[i] != '_' &&
		    !isxdigit((unsigned char)s[i]))
			return;
	}
	for (i = 0; i < n; i++)
		c->pod[i] = s[i] == '_' ? '-' : s[i];
	c->pod[n] = '\0';
}

/* The scope units of the runtimes, "<prefix><id>.scope". */
static const struct {
	const char	*prefix;
	const char	*runtime;
} scopes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

/*
 * One path component s (n bytes); prev is the one before (pn bytes),
 * for the cgroupfs layouts.
 */
static void
component(struct container *c, const char *s, size_t n, const char *prev,
    size_t pn, int *in_pod, int *in_kube)
{
	const char *rest, *pod;
	size_t i, len;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		if (has_prefix(s, n, scopes[i].prefix, &rest) &&
		    has_suffix(s, n, ".scope") &&
		    hex_id(rest, (size_t)(s + n - 6 - rest))) {
			set_id(c, scopes[i].runtime, rest, HEX_ID_LEN);
			return;
		}
	}
	/* cgroupfs: /docker/<id>, and a pod's /pod<uid>/<id>. */
	if (hex_id(s, n) && pn == 6 && memcmp(prev, "docker", 6) == 0) {
		set_id(c, "docker", s, n);
		return;
	}
	if (hex_id(s, n) && *in_pod) {
		set_id(c, "kubernetes", s, n);
		return;
	}
	/* systemd: kubepods[-qos]-pod<uid>.slice; cgroupfs: pod<uid>. */
	if (has_prefix(s, n, "kubepods", &rest)) {
		*in_kube = 1;
		/* Only the bytes of this component: the text has no NUL. */
		if (has_suffix(s, n, ".slice") && (pod = memmem(rest,
		    (size_t)(s + n - rest), "pod", 3)) != NULL &&
		    pod + 3 <= s + n - 6) {
			len = (size_t)(s + n - 6 - (pod + 3));
			set_pod(c, pod + 3, len);
			*in_pod = c->pod[0] != '\0';
		}
		return;
	}
	if (*in_kube && !*in_pod && has_prefix(s, n, "pod", &rest)) {
		set_pod(c, rest, n - 3);
		*in_pod = c->pod[0] != '\0';
		return;
	}
	/* A systemd unit, when nothing more precise is named. */
	if ((has_suffix(s, n, ".service") || has_suffix(s, n, ".scope")) &&
	    (c->runtime == NULL || strcmp(c->runtime, "systemd") == 0))
		set_id(c, "systemd", s, n);
}

/* Parses one cgroup path (n bytes, not NUL-ended). */
static void
path_parse(const char *p, size_t n, struct container *c)
{
	const char *end = p + n, *s, *slash, *prev = "";
	size_t pn = 0;
	int in_pod = 0, in_kube = 0;

	for (s = p; s < end; s = slash + 1) {
		if ((slash = memchr(s, '/', (size_t)(end - s))) == NULL)
			slash = end;
		if (slash > s) {
			component(c, s, (size_t)(slash - s), prev, pn, &in_pod,
			    &in_kube);
			prev = s;
			pn = (size_t)(slash - s);
		}
		if (slash == end)
			break;
	}
}

/*
 * The path of one line "ID:CONTROLLERS:PATH" (n bytes, no newline), and
 * whether it is the cgroup v2 line; NULL for a malformed line.
 */
static const char *
line_path(const char *l, size_t n, size_t *pn, int *v2)
{
	const char *c1, *c2;

	if ((c1 = memchr(l, ':', n)) == NULL ||
	    (c2 = memchr(c1 + 1, ':', (size_t)(l + n - c1 - 1))) == NULL)
		return NULL;
	*v2 = c1 - l == 1 && l[0] == '0' && c2 == c1 + 1;
	*pn = (size_t)(l + n - c2 - 1);
	return c2 + 1;
}

int
container_parse(const char *text, size_t n, struct container *c)
{
	const char *l, *nl, *end = text + n, *path;
	struct container v1;
	size_t pn;
	int v2, have_v1 = 0;

	memset(c, 0, sizeof(*c));
	memset(&v1, 0, sizeof(v1));
	for (l = text; l < end; l = nl + 1) {
		if ((nl = memchr(l, '\n', (size_t)(end - l))) == NULL)
			nl = end;
		if ((path = line_path(l, (size_t)(nl - l), &pn, &v2)) != NULL) {
			if (v2) {
				path_parse(path, pn, c);
				if (c->runtime != NULL || c->pod[0] != '\0')
					return 1;
			} else if (!have_v1) {
				path_parse(path, pn, &v1);
				/* A unit alone: a later line may say more. */
				have_v1 = v1.runtime != NULL &&
				    strcmp(v1.runtime, "systemd") != 0;
				if (!have_v1 && c->runtime == NULL &&
				    v1.runtime != NULL)
					*c = v1;
				if (!have_v1)
					memset(&v1, 0, sizeof(v1));
			}
		}
		if (nl == end)
			break;
	}
	if (have_v1)
		*c = v1;
	return c->runtime != NULL || c->pod[0] != '\0';
}

const char *
container_short_id(const struct container *c, char *buf, size_t len)
{
	size_t n = strlen(c->id);

	if (hex_id(c->id, n))
		n = 12;
	snprintf(buf, len, "%.*s", (int)n, c->id);
	return buf;
}
