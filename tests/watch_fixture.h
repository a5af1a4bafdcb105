/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch_fixture.h - what the watcher's unit tests share: an event
 * recorder and a TCP row on loopback.  Included by test_watch.c and
 * test_watch_round.c alone.
 */
#ifndef WATCH_FIXTURE_H
#define WATCH_FIXTURE_H

#include <arpa/inet.h>
#include <string.h>

#include "watch.h"

#define MAXEV	8192

struct got {
	struct watch_event ev[MAXEV];
	size_t		 n;
};

static int
record(const struct watch_event *ev, void *arg)
{
	struct got *g = arg;

	if (g->n < MAXEV)
		g->ev[g->n] = *ev;
	g->n++;
	return 0;
}

/* A TCP row 127.0.0.1:lport -> 127.0.0.1:rport. */
static struct sock_row
row(uint64_t cookie, unsigned state, uint16_t lport, uint16_t rport)
{
	struct sock_row r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.proto = PROTO_TCP;
	r.state = (uint8_t)state;
	r.lport = lport;
	r.rport = rport;
	r.laddr.v4.s_addr = htonl(INADDR_LOOPBACK);
	r.raddr.v4.s_addr = rport ? htonl(INADDR_LOOPBACK) : 0;
	r.cookie = cookie;
	r.inode = cookie ? 1000 + cookie : 0;
	r.has = ROW_HAS_COOKIE;
	return r;
}

#endif /* WATCH_FIXTURE_H */
