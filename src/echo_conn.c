/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo_conn.c - the echo server's stream connections, TCP and UNIX:
 * accepting, echoing and closing them.  Each stream connection owns a
 * fixed buffer; while it is full the server stops reading from that
 * peer (EPOLLIN off), so a peer that does not read its echo slows only
 * itself, and the kernel's receive window pushes back on its sender.
 * The server sees them only through echo_conn.h: this file never calls
 * back into echo.c, it returns what the server must do.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "echo.h"
#include "echo_conn.h"
#include "util.h"

#define CLOG(cs, lvl, ...) \
	echo_logf((cs)->log, (cs)->log_arg, (lvl), __VA_ARGS__)

struct echo_conn {
	struct echo_item it;		/* first: epoll data points here */
	struct echo_conn *prev, *next;	/* by last activity, oldest first */
	unsigned long	 id;
	int		 is_unix;
	uint32_t	 events;	/* what epoll now watches */
	int		 eof;		/* the peer sent FIN */
	int		 closing;	/* close first once drained */
	int64_t		 last;		/* monotonic ms of last progress */
	uint64_t	 echoed;
	size_t		 off, len;	/* pending echo: buf[off, off+len) */
	char		 peer[ECHO_ADDRSTRLEN];
	unsigned char	 buf[ECHO_BUFSZ];
};

static int
ep_ctl(struct echo_conns *cs, int op, struct echo_conn *c, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = &c->it;
	return epoll_ctl(cs->epfd, op, c->it.fd, &ev);
}

/* Moves c to the tail of the activity list: it is the newest now. */
static void
conn_touch(struct echo_conns *cs, struct echo_conn *c)
{
	c->last = (int64_t)util_mono_ms();
	if (cs->tail == c)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (cs->head == c)
		cs->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = cs->tail;
	c->next = NULL;
	if (cs->tail != NULL)
		cs->tail->next = c;
	cs->tail = c;
	if (cs->head == NULL)
		cs->head = c;
}

struct echo_conn *
echo_conns_oldest(const struct echo_conns *cs, int64_t *last)
{
	if (cs->head != NULL)
		*last = cs->head->last;
	return cs->head;
}

/* Takes c out of the list and frees it. */
static void
conn_free(struct echo_conns *cs, struct echo_conn *c)
{
	/* close() also takes it out of the epoll set. */
	close(c->it.fd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		cs->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		cs->tail = c->prev;
	free(c);
}

void
echo_conns_close(struct echo_conns *cs, struct echo_conn *c, const char *why)
{
	if (why != NULL)
		CLOG(cs, ECHO_LOG_INFO, "Closing connection %lu to %s (%s, "
		    "echoed %llu bytes)", c->id, c->peer, why,
		    (unsigned long long)c->echoed);
	else
		CLOG(cs, ECHO_LOG_INFO, "Closing connection %lu to %s (echoed "
		    "%llu bytes)", c->id, c->peer,
		    (unsigned long long)c->echoed);
	conn_free(cs, c);
	cs->open--;
	cs->closed++;
	if (cs->open == 0)
		cs->idle_since = (int64_t)util_mono_ms();
}

void
echo_conns_free(struct echo_conns *cs)
{
	while (cs->head != NULL)
		conn_free(cs, cs->head);
	cs->open = 0;
}

int
echo_conns_accept(struct echo_conns *cs, const struct echo_item *l,
    const char *name)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct ucred cred;
	socklen_t clen;
	struct echo_conn *c;
	int fd;

	for (;;) {
		len = sizeof(ss);
		fd = accept4(l->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ECHO_ACCEPT_DRAINED;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPERM || errno == EPROTO)
				continue;
			return -1;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			CLOG(cs, ECHO_LOG_WARNING, "no memory for a connection");
			close(fd);
			continue;
		}
		c->it.kind = ECHO_IT_CONN;
		c->it.fd = fd;
		c->id = ++cs->accepted;
		c->is_unix = l->kind == ECHO_IT_UNIX_LISTEN;
		if (c->is_unix) {
			/* Unnamed peers: their PID says more than "". */
			clen = sizeof(cred);
			if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred,
			    &clen) == 0)
				snprintf(c->peer, sizeof(c->peer), "pid %ld",
				    (long)cred.pid);
			else
				snprintf(c->peer, sizeof(c->peer), "(unnamed)");
		} else
			echo_addr_format((struct sockaddr *)&ss, len, c->peer,
			    sizeof(c->peer));
		/* Urgent data (EPOLLPRI) is the client's "close first". */
		c->events = EPOLLIN | EPOLLPRI;
		if (ep_ctl(cs, EPOLL_CTL_ADD, c, c->events) == -1) {
			CLOG(cs, ECHO_LOG_WARNING, "epoll_ctl: %s",
			    strerror(errno));
			close(fd);
			free(c);
			continue;
		}
		cs->open++;
		conn_touch(cs, c);
		if (c->is_unix)
			CLOG(cs, ECHO_LOG_INFO, "Accepted connection %lu from "
			    "%s on %s", c->id, c->peer, name);
		else
			CLOG(cs, ECHO_LOG_INFO, "Accepted connection %lu from "
			    "%s", c->id, c->peer);
		if (cs->count != 0 && cs->accepted >= cs->count)
			return ECHO_ACCEPT_COUNT;
		if (cs->max_conns != 0 && cs->open >= cs->max_conns) {
			CLOG(cs, ECHO_LOG_INFO, "%lu connections open: not "
			    "accepting more for now", cs->open);
			return ECHO_ACCEPT_FULL;
		}
	}
}

/* Reads into the free end of the buffer.  Returns -1 on a socket error. */
static int
conn_read(struct echo_conn *c)
{
	ssize_t n;
	size_t room;

	for (;;) {
		if (c->len == 0)
			c->off = 0;
		else if (c->off + c->len == sizeof(c->buf) && c->off > 0) {
			memmove(c->buf, c->buf + c->off, c->len);
			c->off = 0;
		}
		room = sizeof(c->buf) - c->off - c->len;
		if (room == 0)
			return 0;
		n = recv(c->it.fd, c->buf + c->off + c->len, room, 0);
		if (n > 0) {
			c->len += n;
			continue;
		}
		if (n == 0) {
			c->eof = 1;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
}

/* Sends what is pending.  Returns -1 on a socket error. */
static int
conn_write(struct echo_conns *cs, struct echo_conn *c)
{
	char pv[ECHO_PREVIEW * 4 + 8];
	ssize_t n;

	while (c->len > 0) {
		n = send(c->it.fd, c->buf + c->off, c->len, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		if (cs->verbose)
			CLOG(cs, ECHO_LOG_INFO, "Echoed %zd bytes to %s: \"%s\"",
			    n, c->peer, echo_preview(pv, sizeof(pv),
			    c->buf + c->off, n));
		c->off += n;
		c->len -= n;
		c->echoed += n;
	}
	c->off = 0;
	return 0;
}

/*
 * The client sent one byte of urgent data: it asks the server to close
 * first (ECHO_CLOSE_SERVER).  The byte must be read, and the normal
 * stream read past it, or close() would find unread data and send a
 * reset instead of a FIN.
 */
static void
conn_urgent(struct echo_conns *cs, struct echo_conn *c)
{
	char b;

	if (recv(c->it.fd, &b, 1, MSG_OOB) == 1 && !c->closing) {
		CLOG(cs, ECHO_LOG_INFO, "Connection %lu to %s asks the server "
		    "to close first", c->id, c->peer);
		c->closing = 1;
	}
}

void
echo_conns_event(struct echo_conns *cs, struct echo_item *it, uint32_t ev)
{
	struct echo_conn *c = (struct echo_conn *)it;
	uint64_t before = c->echoed;
	size_t pending = c->len;
	uint32_t want;
	int err;
	socklen_t elen = sizeof(err);

	if (ev & EPOLLPRI)
		conn_urgent(cs, c);
	if (ev & EPOLLERR) {
		if (getsockopt(c->it.fd, SOL_SOCKET, SO_ERROR, &err,
		    &elen) == -1 || err == 0)
			err = EIO;
		echo_conns_close(cs, c, strerror(err));
		return;
	}
	if (!c->eof && (ev & (EPOLLIN | EPOLLHUP | EPOLLPRI)) &&
	    conn_read(c) == -1) {
		echo_conns_close(cs, c, strerror(errno));
		return;
	}
	if (c->len > 0 && conn_write(cs, c) == -1) {
		echo_conns_close(cs, c, strerror(errno));
		return;
	}
	if ((c->eof || c->closing) && c->len == 0) {
		/*
		 * After the peer's FIN this close is the passive one; after
		 * urgent data it is the active one, and this side goes to
		 * TIME_WAIT.
		 */
		echo_conns_close(cs, c, c->eof ? NULL : "server closes first");
		return;
	}
	want = EPOLLPRI;
	if (!c->eof && c->off + c->len < sizeof(c->buf))
		want |= EPOLLIN;
	else if (!c->eof && c->off > 0)
		want |= EPOLLIN;	/* room once compacted */
	if (c->len > 0)
		want |= EPOLLOUT;
	if (want != c->events) {
		if (ep_ctl(cs, EPOLL_CTL_MOD, c, want) == -1) {
			echo_conns_close(cs, c, strerror(errno));
			return;
		}
		c->events = want;
	}
	if (c->echoed != before || c->len != pending)
		conn_touch(cs, c);
}
