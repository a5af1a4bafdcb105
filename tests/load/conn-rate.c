/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn-rate.c - TCP connections on loopback at a steady rate, for the
 * event-rate figure of "sockstat -E" (tests/load/watch-rate.sh).  Each
 * connection is connect(), accept(), then the client closes first and
 * the server after: ten state transitions, five a side, the client's
 * ending in TIME_WAIT.  libc only, none of sockstat's code.
 *
 *	conn-rate -p port -r per_second -d seconds
 *
 * Listens on 127.0.0.1:port, prints "ready" once it does, then makes
 * rate x seconds connections, paced every millisecond, and prints
 * "conns=N seconds=S rate=R" (R: the rate reached).  Exits 0, 1 when a
 * call fails, 2 on a usage error.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One connection, both ends, closed client first. */
static void
one_conn(int lfd, const struct sockaddr_in *sin)
{
	int c, s;

	if ((c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(c, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		err(1, "connect");
	if ((s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		err(1, "accept");
	close(c);
	close(s);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	long port = -1, rate = 10000, secs = 3, n, total, done = 0;
	double t0, t;
	int ch, lfd, one = 1;

	while ((ch = getopt(argc, argv, "d:p:r:")) != -1) {
		switch (ch) {
		case 'd':
			secs = strtol(optarg, NULL, 10);
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: conn-rate -p port -r "
			    "per_second -d seconds\n");
			return 2;
		}
	}
	if (port < 1 || port > 65535 || rate < 1 || secs < 1 || secs > 60) {
		fprintf(stderr, "conn-rate: bad -p, -r or -d\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 1024) == -1)
		err(1, "listen");
	printf("ready\n");
	fflush(stdout);
	total = rate * secs;
	t0 = now_s();
	while (done < total) {
		/* Due by now: the connections of the elapsed time. */
		t = now_s() - t0;
		n = (long)(t * (double)rate) + 1;
		if (n > total)
			n = total;
		if (done >= n) {
			usleep(200);
			continue;
		}
		for (; done < n; done++)
			one_conn(lfd, &sin);
	}
	t = now_s() - t0;
	printf("conns=%ld seconds=%.2f rate=%.0f\n", done, t,
	    (double)done / t);
	close(lfd);
	return 0;
}
