/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_container.c - container_parse over /proc/PID/cgroup text as the
 * runtimes leave it: cgroup v2 and v1, the systemd and cgroupfs
 * drivers, nested cgroups, and text no runtime wrote.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"

#define ID	"3f4e1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
#define UID	"8b7e3c2a-1d4f-4e5a-9b6c-7d8e9f0a1b2c"
#define UIDU	"8b7e3c2a_1d4f_4e5a_9b6c_7d8e9f0a1b2c"

struct want {
	const char	*text;
	const char	*runtime;	/* NULL: none */
	const char	*id;
	const char	*pod;
};

static void
check(const struct want *w)
{
	struct container c;
	int rc = container_parse(w->text, strlen(w->text), &c);

	if (w->runtime == NULL && w->pod == NULL) {
		if (rc != 0)
			fail_msg("%s: found %s %s", w->text, c.runtime, c.id);
		return;
	}
	if (rc != 1)
		fail_msg("%s: nothing found", w->text);
	if (w->runtime != NULL) {
		assert_non_null(c.runtime);
		assert_string_equal(c.runtime, w->runtime);
		assert_string_equal(c.id, w->id);
	} else
		assert_null(c.runtime);
	assert_string_equal(c.pod, w->pod != NULL ? w->pod : "");
}

static void
test_container_v2_systemd_driver(void **state)
{
	static const struct want w[] = {
		{ "0::/system.slice/docker-" ID ".scope\n", "docker", ID, NULL },
		{ "0::/kubepods.slice/kubepods-burstable.slice/"
		    "kubepods-burstable-pod" UIDU ".slice/cri-containerd-" ID
		    ".scope\n", "containerd", ID, UID },
		{ "0::/kubepods.slice/kubepods-besteffort.slice/"
		    "kubepods-besteffort-pod" UIDU ".slice/crio-" ID ".scope\n",
		    "cri-o", ID, UID },
		{ "0::/kubepods.slice/kubepods-pod" UIDU ".slice/crio-" ID
		    ".scope\n", "cri-o", ID, UID },
		{ "0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
		    "libpod-" ID ".scope/container\n", "podman", ID, NULL },
		{ "0::/machine.slice/libpod-" ID ".scope\n", "podman", ID, NULL },
		{ "0::/system.slice/nginx.service\n", "systemd", "nginx.service",
		    NULL },
		{ "0::/user.slice/user-1000.slice/session-3.scope\n", "systemd",
		    "session-3.scope", NULL },
		{ "0::/init.scope\n", "systemd", "init.scope", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

static void
test_container_v2_pod_only(void **state)
{
	/* The pod slice itself (its pause process's parent). */
	static const struct want w = { "0::/kubepods.slice/"
	    "kubepods-burstable.slice/kubepods-burstable-pod" UIDU ".slice\n",
	    NULL, NULL, UID };

	(void)state;
	check(&w);
}

static void
test_container_v1_cgroupfs_driver(void **state)
{
	static const struct want w[] = {
		{ "12:pids:/docker/" ID "\n11:memory:/docker/" ID "\n"
		    "1:name=systemd:/docker/" ID "\n", "docker", ID, NULL },
		{ "11:memory:/kubepods/burstable/pod" UID "/" ID "\n"
		    "0::/\n", "kubernetes", ID, UID },
		{ "4:cpu,cpuacct:/kubepods/besteffort/pod" UID "/" ID "\n",
		    "kubernetes", ID, UID },
		/* v1 with the systemd driver. */
		{ "10:devices:/system.slice/docker-" ID ".scope\n"
		    "1:name=systemd:/system.slice/docker-" ID ".scope\n",
		    "docker", ID, NULL },
		/* A unit on the first line, a container on a later one. */
		{ "1:name=systemd:/system.slice/containerd.service\n"
		    "2:memory:/docker/" ID "\n", "docker", ID, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

static void
test_container_hybrid_prefers_v2(void **state)
{
	static const struct want w = {
	    "12:memory:/system.slice/sshd.service\n"
	    "1:name=systemd:/system.slice/sshd.service\n"
	    "0::/system.slice/docker-" ID ".scope\n", "docker", ID, NULL };

	(void)state;
	check(&w);
}

static void
test_container_nested(void **state)
{
	/* Docker in Docker: the inner one is the more precise. */
	static const struct want w[] = {
		{ "0::/system.slice/docker-" ID ".scope/docker/"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		    "docker",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		    NULL },
		/* A unit below a container does not hide it. */
		{ "0::/system.slice/docker-" ID ".scope/init.scope\n", "docker",
		    ID, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

static void
test_container_garbage(void **state)
{
	static const struct want w[] = {
		{ "", NULL, NULL, NULL },
		{ "0::/\n", NULL, NULL, NULL },
		{ "garbage without colons\n", NULL, NULL, NULL },
		{ "0::/system.slice/docker-" ID "x.scope\n", "systemd",
		    "docker-" ID "x.scope", NULL },
		/* Short, upper-case or non-hex ids are no container id. */
		{ "0::/docker/abc123\n", NULL, NULL, NULL },
		{ "0::/docker/3F4E1C2B9A8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F"
		    "7A6B5C4D3E2F\n", NULL, NULL, NULL },
		{ "0::/notdocker/" ID "\n", NULL, NULL, NULL },
		/* A pod UID of the wrong length, a pod outside kubepods. */
		{ "0::/kubepods.slice/kubepods-pod1234.slice\n", NULL, NULL,
		    NULL },
		{ "0::/pod" UID "\n", NULL, NULL, NULL },
		{ "0::/kubepods.slice/kubepods-podpod.slice\n", NULL, NULL, NULL },
		{ "0::/kubepods-pod\n", NULL, NULL, NULL },
		{ ":::::\n::\n", NULL, NULL, NULL },
		{ "0::/a//b///docker-" ID ".scope//\n", "docker", ID, NULL },
		/* No newline at the end. */
		{ "0::/docker/" ID, "docker", ID, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

static void
test_container_overlong(void **state)
{
	char text[8192];
	struct container c;

	(void)state;
	/* A unit name longer than any id kept is left out. */
	strcpy(text, "0::/");
	memset(text + 4, 'x', 4000);
	strcpy(text + 4004, ".service\n");
	assert_int_equal(container_parse(text, strlen(text), &c), 0);
	/* Bytes past n are never read: the id is cut, so it is none. */
	strcpy(text, "0::/docker/" ID "\n");
	assert_int_equal(container_parse(text, 11 + 63, &c), 0);
	assert_int_equal(container_parse(text, 11 + 64, &c), 1);
	assert_string_equal(c.id, ID);
}

static void
test_container_short_id(void **state)
{
	struct container c;
	char buf[CONTAINER_ID_MAX + 1];

	(void)state;
	assert_int_equal(container_parse("0::/docker/" ID "\n",
	    strlen("0::/docker/" ID "\n"), &c), 1);
	assert_string_equal(container_short_id(&c, buf, sizeof(buf)),
	    "3f4e1c2b9a8d");
	assert_int_equal(container_parse("0::/system.slice/a.service",
	    strlen("0::/system.slice/a.service"), &c), 1);
	assert_string_equal(container_short_id(&c, buf, sizeof(buf)),
	    "a.service");
}

/* A scratch directory of runtime state, removed by the test. */
static char dir[64];

static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* name_of RUNTIME: the name found for container ID, or "-" for none. */
static const char *
name_of(const char *runtime, char *buf, size_t len)
{
	char docker[128], podman[128];
	struct container c;

	memset(&c, 0, sizeof(c));
	c.runtime = runtime;
	strcpy(c.id, ID);
	snprintf(docker, sizeof(docker), "%s/docker", dir);
	snprintf(podman, sizeof(podman), "%s/containers.json", dir);
	if (!container_name_in(&c, docker, podman, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

/*
 * Names from the runtimes' own files: Docker's top-level "Name" (not a
 * nested one), its "/" dropped and JSON escapes read; Podman's first
 * name of the element with our id; anything malformed, missing or of
 * another runtime: none.
 */
static void
test_container_names(void **state)
{
	char buf[CONTAINER_NAME_MAX], path[256];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_container.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/docker", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/docker/" ID, dir);
	assert_int_equal(mkdir(path, 0700), 0);

	assert_string_equal(name_of("docker", buf, sizeof(buf)), "-");
	put("docker/" ID "/config.v2.json",
	    "{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"no\"}},"
	    "\"Config\":{\"Labels\":{\"a\":[1,true,null,\"x\\\"y\"]}},"
	    " \"Name\" : \"/web\\u00e9-1\", \"Driver\":\"overlay2\"}");
	assert_string_equal(name_of("docker", buf, sizeof(buf)),
	    "web\xc3\xa9-1");
	/* Cut, never overrun. */
	assert_string_equal(name_of("docker", buf, 4), "web");
	put("docker/" ID "/config.v2.json", "{\"Name\":\"/web");
	assert_string_equal(name_of("docker", buf, sizeof(buf)), "-");
	put("docker/" ID "/config.v2.json", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]");
	assert_string_equal(name_of("docker", buf, sizeof(buf)), "-");

	assert_string_equal(name_of("podman", buf, sizeof(buf)), "-");
	put("containers.json", "[{\"id\":\"0123\",\"names\":[\"other\"]},"
	    "{\"names\":[\"db\",\"db-alias\"],\"image\":\"x\",\"id\":\""
	    ID "\"}]");
	assert_string_equal(name_of("podman", buf, sizeof(buf)), "db");
	put("containers.json", "[{\"id\":\"0123\",\"names\":[\"other\"]}]");
	assert_string_equal(name_of("podman", buf, sizeof(buf)), "-");
	/* containerd and CRI-O keep names behind their APIs. */
	assert_string_equal(name_of("containerd", buf, sizeof(buf)), "-");

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_v2_systemd_driver),
		cmocka_unit_test(test_container_v2_pod_only),
		cmocka_unit_test(test_container_v1_cgroupfs_driver),
		cmocka_unit_test(test_container_hybrid_prefers_v2),
		cmocka_unit_test(test_container_nested),
		cmocka_unit_test(test_container_garbage),
		cmocka_unit_test(test_container_overlong),
		cmocka_unit_test(test_container_short_id),
		cmocka_unit_test(test_container_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
