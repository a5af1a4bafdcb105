/*
 * echo_conn.c - the echo server's stream connections, TCP and UNIX:
 * accepting, echoing and closing them.  Each stream connection owns a
 * fixed buffer; while it is full the server stops reading from that
 * peer (EPOLLIN off), so a peer that does not read its echo slows only
 * itself, and the kernel's receive window pushes back on its sender.
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
#include "echo_impl.h"

/* Moves c to the tail of the activity list: it is the newest now. */
static void
conn_touch(struct echo_server *s, struct conn *c)
{
	c->last = echo_now_ms();
	if (s->tail == c)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (s->head == c)
		s->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = s->tail;
	c->next = NULL;
	if (s->tail != NULL)
		s->tail->next = c;
	s->tail = c;
	if (s->head == NULL)
		s->head = c;
}

/* Closes c; why is NULL for an orderly close, else a reason to log. */
void
echo_conn_close(struct echo_server *s, struct conn *c, const char *why)
{
	if (why != NULL)
		SLOG(s, ECHO_LOG_INFO, "Closing connection %lu to %s (%s, "
		    "echoed %llu bytes)", c->id, c->peer, why,
		    (unsigned long long)c->echoed);
	else
		SLOG(s, ECHO_LOG_INFO, "Closing connection %lu to %s (echoed "
		    "%llu bytes)", c->id, c->peer,
		    (unsigned long long)c->echoed);
	/* close() also takes it out of the epoll set. */
	close(c->it.fd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		s->tail = c->prev;
	free(c);
	s->nconns--;
	s->closed++;
	if (s->nconns == 0)
		s->idle_since = echo_now_ms();
	if (s->cfg.count != 0 && s->closed >= s->cfg.count) {
		SLOG(s, ECHO_LOG_INFO, "Served %lu connection%s, exiting",
		    s->closed, s->closed == 1 ? "" : "s");
		s->done = 1;
	} else if (s->cfg.max_conns == 0 || s->nconns < s->cfg.max_conns)
		echo_set_accepting(s, 1);
}

/* Closes the stream listeners for good: --count has been reached. */
static void
stop_listening(struct echo_server *s)
{
	if (s->tcp.fd != -1) {
		close(s->tcp.fd);
		s->tcp.fd = -1;
	}
	if (s->unx.fd != -1) {
		close(s->unx.fd);
		s->unx.fd = -1;
	}
	s->accepting = 0;
}

void
echo_conn_accept(struct echo_server *s, struct item *l)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct ucred cred;
	socklen_t clen;
	struct conn *c;
	int fd;

	/* --count may have closed it earlier in this batch of events. */
	if (l->fd == -1)
		return;
	while (s->accepting) {
		len = sizeof(ss);
		fd = accept4(l->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPERM || errno == EPROTO)
				continue;
			/*
			 * Out of descriptors or memory: the pending client
			 * stays in the backlog, and accepting again at once
			 * would spin.  Pause for a second.
			 */
			SLOG(s, ECHO_LOG_WARNING, "accept: %s; pausing",
			    strerror(errno));
			echo_set_accepting(s, 0);
			s->accept_pause = echo_now_ms() + 1000;
			return;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			SLOG(s, ECHO_LOG_WARNING, "no memory for a connection");
			close(fd);
			continue;
		}
		c->it.kind = IT_CONN;
		c->it.fd = fd;
		c->id = ++s->accepted;
		c->is_unix = l->kind == IT_UNIX_LISTEN;
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
		if (echo_ep_add(s, &c->it, c->events) == -1) {
			SLOG(s, ECHO_LOG_WARNING, "epoll_ctl: %s",
			    strerror(errno));
			close(fd);
			free(c);
			continue;
		}
		s->nconns++;
		conn_touch(s, c);
		if (c->is_unix)
			SLOG(s, ECHO_LOG_INFO, "Accepted connection %lu from "
			    "%s on %s", c->id, c->peer, s->unix_name);
		else
			SLOG(s, ECHO_LOG_INFO, "Accepted connection %lu from "
			    "%s", c->id, c->peer);
		if (s->cfg.count != 0 && s->accepted >= s->cfg.count) {
			stop_listening(s);
			return;
		}
		if (s->cfg.max_conns != 0 && s->nconns >= s->cfg.max_conns) {
			SLOG(s, ECHO_LOG_INFO, "%lu connections open: not "
			    "accepting more for now", s->nconns);
			echo_set_accepting(s, 0);
			return;
		}
	}
}

/* Reads into the free end of the buffer.  Returns -1 on a socket error. */
static int
conn_read(struct echo_server *s, struct conn *c)
{
	ssize_t n;
	size_t room;

	(void)s;
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
conn_write(struct echo_server *s, struct conn *c)
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
		if (s->cfg.verbose)
			SLOG(s, ECHO_LOG_INFO, "Echoed %zd bytes to %s: \"%s\"",
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
conn_urgent(struct echo_server *s, struct conn *c)
{
	char b;

	if (recv(c->it.fd, &b, 1, MSG_OOB) == 1 && !c->closing) {
		SLOG(s, ECHO_LOG_INFO, "Connection %lu to %s asks the server "
		    "to close first", c->id, c->peer);
		c->closing = 1;
	}
}

void
echo_conn_event(struct echo_server *s, struct conn *c, uint32_t ev)
{
	uint64_t before = c->echoed;
	size_t pending = c->len;
	uint32_t want;
	int err;
	socklen_t elen = sizeof(err);

	if (ev & EPOLLPRI)
		conn_urgent(s, c);
	if (ev & EPOLLERR) {
		if (getsockopt(c->it.fd, SOL_SOCKET, SO_ERROR, &err,
		    &elen) == -1 || err == 0)
			err = EIO;
		echo_conn_close(s, c, strerror(err));
		return;
	}
	if (!c->eof && (ev & (EPOLLIN | EPOLLHUP | EPOLLPRI)) &&
	    conn_read(s, c) == -1) {
		echo_conn_close(s, c, strerror(errno));
		return;
	}
	if (c->len > 0 && conn_write(s, c) == -1) {
		echo_conn_close(s, c, strerror(errno));
		return;
	}
	if ((c->eof || c->closing) && c->len == 0) {
		/*
		 * After the peer's FIN this close is the passive one; after
		 * urgent data it is the active one, and this side goes to
		 * TIME_WAIT.
		 */
		echo_conn_close(s, c, c->eof ? NULL : "server closes first");
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
		if (echo_ep_mod(s, &c->it, want) == -1) {
			echo_conn_close(s, c, strerror(errno));
			return;
		}
		c->events = want;
	}
	if (c->echoed != before || c->len != pending)
		conn_touch(s, c);
}
