/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fd-scan - the least a lister that names socket owners can do: list
 * every /proc/PID/fd and readlink each entry, counting "socket:[...]"
 * targets.  No hash, no /proc/PID/comm, no output per socket.  The -p
 * modes of sockstat, ss and netstat and all of lsof pay at least this.
 *
 *	fd-scan [-q]	prints "procs P fds F sockets S" unless -q
 *
 * It walks every process on the machine, as they must: processes outside
 * the benchmark's namespace cost time here too.
 */
#include <sys/types.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct scan_count {
	long	procs;
	long	fds;
	long	socks;
};

/* True for a /proc entry that names a process: digits only. */
static int
is_pid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * Counts the fds and socket fds of one process into sc.  A process that
 * exits or hides its fds mid-scan is skipped: that is normal on a live box.
 */
static void
scan_pid(int procfd, const char *pid, struct scan_count *sc)
{
	char rel[NAME_MAX + sizeof("/fd")], target[64];
	struct dirent *de;
	DIR *d;
	ssize_t len;
	int fdd;

	snprintf(rel, sizeof(rel), "%s/fd", pid);
	fdd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdd == -1)
		return;
	if ((d = fdopendir(fdd)) == NULL) {
		close(fdd);
		return;
	}
	sc->procs++;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* "socket:[" plus up to 20 inode digits fits in 64. */
		len = readlinkat(fdd, de->d_name, target, sizeof(target));
		if (len <= 0)
			continue;
		sc->fds++;
		if (len > 8 && memcmp(target, "socket:[", 8) == 0)
			sc->socks++;
	}
	closedir(d);
}

int
main(int argc, char *argv[])
{
	struct scan_count sc;
	struct dirent *de;
	DIR *proc;
	int quiet;

	quiet = argc > 1 && strcmp(argv[1], "-q") == 0;
	if (argc > 2 || (argc == 2 && !quiet)) {
		fprintf(stderr, "usage: fd-scan [-q]\n");
		return 2;
	}
	if ((proc = opendir("/proc")) == NULL)
		err(1, "/proc");
	memset(&sc, 0, sizeof(sc));
	while ((de = readdir(proc)) != NULL)
		if (is_pid(de->d_name))
			scan_pid(dirfd(proc), de->d_name, &sc);
	closedir(proc);
	if (!quiet)
		printf("procs %ld fds %ld sockets %ld\n", sc.procs, sc.fds,
		    sc.socks);
	return 0;
}
