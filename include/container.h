/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * container.h - which container a process runs in, read from its
 * /proc/PID/cgroup the way the runtimes name their cgroups.  A pure
 * parser: the caller reads the file.
 */
#ifndef CONTAINER_H
#define CONTAINER_H

#include <stddef.h>

/* The longest id kept: a 64-hex container id, or a systemd unit name. */
#define CONTAINER_ID_MAX	255

struct container {
	const char	*runtime;	/* "docker", "containerd", "cri-o",
					   "podman", "kubernetes" (a pod's
					   container, runtime unsaid) or
					   "systemd" (a unit); static */
	char		 id[CONTAINER_ID_MAX + 1];	/* the container id,
					   or the unit name for systemd */
	char		 pod[37];	/* Kubernetes pod UID, "" if none */
};

/*
 * Reads the n bytes of a /proc/PID/cgroup file (lines "ID:CONTROLLERS:
 * PATH"; cgroup v2 is "0::PATH") into c: the cgroup v2 line when there is
 * one, else the first v1 line that names a container.  Recognized: Docker
 * (docker-ID.scope, /docker/ID), containerd (cri-containerd-ID.scope),
 * CRI-O (crio-ID.scope), Podman (libpod-ID.scope), a Kubernetes pod
 * (kubepods...pod UID, underscores of systemd slice names read as
 * dashes), else the last systemd .service or .scope unit.  Returns 1
 * when c was filled, 0 when the text names none (c is then zeroed).
 */
int		 container_parse(const char *text, size_t n,
		    struct container *c);

/*
 * The id as "docker ps" shows it: the first 12 characters of a hex id,
 * else the whole id (cut to len - 1 bytes).  Writes it into buf and
 * returns buf.
 */
const char	*container_short_id(const struct container *c, char *buf,
		    size_t len);

/* Where the runtimes keep the state names are read from. */
#define CONTAINER_DOCKER_DIR	"/var/lib/docker/containers"
#define CONTAINER_PODMAN_FILE \
	"/var/lib/containers/storage/overlay-containers/containers.json"

#define CONTAINER_NAME_MAX	256	/* a name is cut to this, NUL included */

/*
 * The name c's runtime gave it, raw, into buf (len bytes): Docker's
 * (config.v2.json under docker_dir/ID, "/" dropped) or Podman's (the
 * first of its names in podman_file).  Returns 1, or 0 when no name is
 * known (another runtime, no file, unreadable or malformed, no such id).
 */
int		 container_name_in(const struct container *c,
		    const char *docker_dir, const char *podman_file,
		    char *buf, size_t len);

/* container_name_in() at the runtimes' own places, the last answers kept. */
int		 container_name(const struct container *c, char *buf,
		    size_t len);

#endif /* CONTAINER_H */
