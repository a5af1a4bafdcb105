/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo_client.c - the echo client: opens several connections at once,
 * sends the messages on each, checks every byte that comes back, holds
 * the connections open for a while (so sockstat can see them
 * ESTABLISHED), then closes them with the side the user chose closing
 * first.  One thread, one epoll set; every wait is bounded.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "echo.h"
#include "util.h"

/* The life of one connection, in order. */
enum cstate {
	C_CONNECT,		/* connect() in progress */
	C_ECHO,			/* sending, and checking the echo */
	C_ECHOED,		/* all echoed: held open */
	C_CLOSING,		/* our FIN or urgent byte sent: await EOF */
	C_DONE			/* closed */
};

struct cconn {
	int		 fd;
	unsigned	 id;
	enum cstate	 state;
	uint32_t	 events;	/* what epoll now watches */
	size_t		 sent;		/* stream: bytes of out sent */
	size_t		 recvd;		/* stream: bytes of out echoed */
	size_t		 msg;		/* UDP: next message */
	int		 awaiting;	/* UDP: msg sent, no reply yet */
	uint64_t	 rsent;		/* --rate: pattern bytes sent */
	uint64_t	 rrecvd;	/* --rate: pattern bytes echoed */
};

struct client {
	const struct echo_client_config *cfg;
	int		 epfd;
	struct cconn	*conns;
	unsigned char	*out;		/* stream: the messages back to back */
	size_t		 outlen;
	unsigned char	*in;		/* receive buffer */
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	char		 target[ECHO_ADDRSTRLEN];
	int		 error;		/* first failure's errno, or 0 */
	uint64_t	 rate_start;	/* --rate: when the hold began (ms) */
};

#define RATE_TICK_MS	10	/* --rate: how often the due bytes go */

#define CLOG(cl, lvl, ...) \
	echo_logf((cl)->cfg->log, (cl)->cfg->log_arg, (lvl), __VA_ARGS__)

void
echo_client_config_init(struct echo_client_config *c)
{
	memset(c, 0, sizeof(*c));
	c->address = ECHO_DEFAULT_ADDR;
	c->port = ECHO_DEFAULT_PORT;
	c->conns = 1;
	c->close_by = ECHO_CLOSE_CLIENT;
	c->timeout = 10;
}

/* Records the first failure; the run stops at the end of this event. */
static void
fail(struct client *cl, int err)
{
	if (cl->error == 0)
		cl->error = err;
}

static int
watch(struct client *cl, struct cconn *c, uint32_t events)
{
	struct epoll_event ev;
	int op = c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;

	if (events == c->events)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(cl->epfd, op, c->fd, &ev) == -1) {
		CLOG(cl, ECHO_LOG_ERROR, "epoll_ctl: %s", strerror(errno));
		fail(cl, errno);
		return -1;
	}
	c->events = events;
	return 0;
}

static void
conn_finish(struct client *cl, struct cconn *c, const char *how)
{
	CLOG(cl, ECHO_LOG_INFO, "%s connection %u", how, c->id);
	close(c->fd);
	c->fd = -1;
	c->state = C_DONE;
}

static int
conn_start(struct client *cl, struct cconn *c)
{
	int type = cl->cfg->udp ? SOCK_DGRAM : SOCK_STREAM;

	CLOG(cl, ECHO_LOG_INFO, "Starting connection %u to %s", c->id,
	    cl->target);
	c->fd = socket(cl->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (c->fd == -1) {
		CLOG(cl, ECHO_LOG_ERROR, "socket: %s", strerror(errno));
		fail(cl, errno);
		return -1;
	}
	c->state = C_CONNECT;
	/*
	 * EAGAIN is a UNIX socket's full backlog: no retry, since a
	 * server that does not accept would make it an endless one.
	 */
	if (connect(c->fd, (struct sockaddr *)&cl->ss, cl->sslen) == -1 &&
	    errno != EINPROGRESS) {
		CLOG(cl, ECHO_LOG_ERROR, "Connection %u to %s: %s", c->id,
		    cl->target, strerror(errno));
		fail(cl, errno);
		return -1;
	}
	/* Writable means connected or failed; SO_ERROR tells which. */
	return watch(cl, c, EPOLLOUT);
}

/* Checks n received bytes against what was sent. */
static void
stream_check(struct client *cl, struct cconn *c, const unsigned char *b,
    size_t n)
{
	char pv[ECHO_PREVIEW * 4 + 8];
	size_t i;

	if (cl->cfg->verbose)
		CLOG(cl, ECHO_LOG_INFO, "Received \"%s\" from connection %u",
		    echo_preview(pv, sizeof(pv), b, n), c->id);
	if (c->recvd + n > cl->outlen) {
		CLOG(cl, ECHO_LOG_ERROR, "Connection %u: %zu bytes more than "
		    "were sent", c->id, c->recvd + n - cl->outlen);
		fail(cl, EBADMSG);
		return;
	}
	for (i = 0; i < n; i++) {
		if (b[i] != cl->out[c->recvd + i]) {
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u: echo differs "
			    "at byte %zu", c->id, c->recvd + i);
			fail(cl, EBADMSG);
			return;
		}
	}
	c->recvd += n;
}

/* Sends and checks a stream connection's echo.  Returns 1 on progress. */
static int
stream_echo(struct client *cl, struct cconn *c)
{
	char pv[ECHO_PREVIEW * 4 + 8];
	int progress = 0;
	ssize_t n;

	while (c->sent < cl->outlen) {
		n = send(c->fd, cl->out + c->sent, cl->outlen - c->sent,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u: send: %s",
			    c->id, strerror(errno));
			fail(cl, errno);
			return 0;
		}
		if (cl->cfg->verbose)
			CLOG(cl, ECHO_LOG_INFO, "Sending \"%s\" to connection "
			    "%u", echo_preview(pv, sizeof(pv), cl->out +
			    c->sent, n), c->id);
		c->sent += n;
		progress = 1;
	}
	while (c->recvd < c->sent && cl->error == 0) {
		n = recv(c->fd, cl->in, ECHO_BUFSZ, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u: recv: %s",
			    c->id, strerror(errno));
			fail(cl, errno);
			return 0;
		}
		if (n == 0) {
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u closed by the "
			    "server after %zu of %zu bytes", c->id, c->recvd,
			    cl->outlen);
			fail(cl, ECONNRESET);
			return 0;
		}
		stream_check(cl, c, cl->in, n);
		progress = 1;
	}
	if (cl->error != 0)
		return 0;
	if (c->recvd == cl->outlen) {
		CLOG(cl, ECHO_LOG_INFO, "Connection %u: all %zu bytes echoed",
		    c->id, cl->outlen);
		c->state = C_ECHOED;
		watch(cl, c, EPOLLIN);
	} else
		watch(cl, c, EPOLLIN |
		    (c->sent < cl->outlen ? EPOLLOUT : 0));
	return progress;
}

/* One datagram out, the same one back, per message.  1 on progress. */
static int
udp_echo(struct client *cl, struct cconn *c)
{
	const char *m;
	char pv[ECHO_PREVIEW * 4 + 8];
	size_t mlen;
	ssize_t n;
	int progress = 0;

	while (c->msg < cl->cfg->nmessages && cl->error == 0) {
		m = cl->cfg->messages[c->msg];
		mlen = strlen(m);
		if (!c->awaiting) {
			if (cl->cfg->verbose)
				CLOG(cl, ECHO_LOG_INFO, "Sending \"%s\" to "
				    "connection %u", echo_preview(pv,
				    sizeof(pv), m, mlen), c->id);
			if (send(c->fd, m, mlen, MSG_NOSIGNAL) == -1) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				CLOG(cl, ECHO_LOG_ERROR, "Connection %u: send: "
				    "%s", c->id, strerror(errno));
				fail(cl, errno);
				return 0;
			}
			c->awaiting = 1;
			progress = 1;
		}
		n = recv(c->fd, cl->in, ECHO_BUFSZ, 0);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			/* ECONNREFUSED: an ICMP port unreachable came back. */
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u: recv: %s",
			    c->id, strerror(errno));
			fail(cl, errno);
			return 0;
		}
		if (cl->cfg->verbose)
			CLOG(cl, ECHO_LOG_INFO, "Received \"%s\" from "
			    "connection %u", echo_preview(pv, sizeof(pv),
			    cl->in, n), c->id);
		if ((size_t)n != mlen || memcmp(cl->in, m, mlen) != 0) {
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u: echo of "
			    "message %zu differs", c->id, c->msg + 1);
			fail(cl, EBADMSG);
			return 0;
		}
		c->awaiting = 0;
		c->msg++;
		progress = 1;
	}
	if (c->msg == cl->cfg->nmessages) {
		CLOG(cl, ECHO_LOG_INFO, "Connection %u: all %zu messages "
		    "echoed", c->id, c->msg);
		c->state = C_ECHOED;
	}
	watch(cl, c, EPOLLIN);
	return progress;
}

/*
 * --rate: the byte at offset k of the paced stream.  A known pattern,
 * so that its echo can be checked without keeping what was sent.
 */
static unsigned char
rate_byte(uint64_t k)
{
	return (unsigned char)('a' + k % 26);
}

/* Checks n echoed bytes of the paced stream. */
static void
rate_check(struct client *cl, struct cconn *c, const unsigned char *b,
    size_t n)
{
	if (c->rrecvd + n > c->rsent) {
		CLOG(cl, ECHO_LOG_ERROR, "Connection %u: %zu bytes more than "
		    "were sent", c->id, (size_t)(c->rrecvd + n - c->rsent));
		fail(cl, EBADMSG);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (b[i] != rate_byte(c->rrecvd + i)) {
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u: paced echo "
			    "differs at byte %llu", c->id,
			    (unsigned long long)(c->rrecvd + i));
			fail(cl, EBADMSG);
			return;
		}
	c->rrecvd += n;
}

/*
 * --rate: sends on each held connection what is due by now, rate bytes
 * a second since the hold began.  A full send buffer only delays them:
 * the rate is caught up on the next tick.
 */
static void
rate_tick(struct client *cl)
{
	unsigned char buf[4096];
	uint64_t due, now = util_mono_ms() - cl->rate_start;
	ssize_t n;
	size_t len;

	due = (uint64_t)cl->cfg->rate * now / 1000;
	for (unsigned i = 0; i < cl->cfg->conns && cl->error == 0; i++) {
		struct cconn *c = &cl->conns[i];

		while (c->state == C_ECHOED && c->rsent < due) {
			len = due - c->rsent < sizeof(buf) ?
			    (size_t)(due - c->rsent) : sizeof(buf);
			for (size_t k = 0; k < len; k++)
				buf[k] = rate_byte(c->rsent + k);
			n = send(c->fd, buf, len, MSG_NOSIGNAL);
			if (n == -1) {
				if (errno != EAGAIN && errno != EINTR) {
					CLOG(cl, ECHO_LOG_ERROR, "Connection "
					    "%u: send: %s", c->id,
					    strerror(errno));
					fail(cl, errno);
				}
				break;
			}
			c->rsent += (uint64_t)n;
		}
	}
}

/* Input once everything is echoed: only EOF is expected.  1 on EOF. */
static int
after_echo(struct client *cl, struct cconn *c)
{
	ssize_t n;

	n = recv(c->fd, cl->in, ECHO_BUFSZ, 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		CLOG(cl, ECHO_LOG_ERROR, "Connection %u: recv: %s", c->id,
		    strerror(errno));
		fail(cl, errno);
		return 0;
	}
	if (n > 0 && cl->cfg->rate > 0 && !cl->cfg->udp) {
		rate_check(cl, c, cl->in, (size_t)n);
		return 1;
	}
	/* A datagram, even an empty one, is never an end of stream. */
	if (n > 0 || cl->cfg->udp) {
		CLOG(cl, ECHO_LOG_ERROR, "Connection %u: %zd unexpected bytes",
		    c->id, n);
		fail(cl, EBADMSG);
		return 0;
	}
	if (c->state == C_ECHOED || cl->cfg->close_by == ECHO_CLOSE_SERVER)
		conn_finish(cl, c, "Server closed");
	else
		conn_finish(cl, c, "Closing");
	return 1;
}

static int
conn_event(struct client *cl, struct cconn *c, uint32_t ev)
{
	int err = 0;
	socklen_t elen = sizeof(err);
	char local[ECHO_ADDRSTRLEN];
	struct sockaddr_storage ls;
	socklen_t llen = sizeof(ls);
	int progress = 0;

	switch (c->state) {
	case C_CONNECT:
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) ==
		    -1)
			err = errno;
		if (err != 0 || (ev & EPOLLERR)) {
			CLOG(cl, ECHO_LOG_ERROR, "Connection %u to %s: %s",
			    c->id, cl->target, strerror(err ? err : EIO));
			fail(cl, err ? err : EIO);
			return 0;
		}
		if (getsockname(c->fd, (struct sockaddr *)&ls, &llen) == 0 &&
		    ls.ss_family != AF_UNIX)
			CLOG(cl, ECHO_LOG_INFO, "Connection %u: %s -> %s",
			    c->id, echo_addr_format((struct sockaddr *)&ls,
			    llen, local, sizeof(local)), cl->target);
		c->state = C_ECHO;
		progress = 1;
		/* FALLTHROUGH */
	case C_ECHO:
		if (cl->cfg->udp)
			return udp_echo(cl, c) || progress;
		return stream_echo(cl, c) || progress;
	case C_ECHOED:
	case C_CLOSING:
		return after_echo(cl, c);
	case C_DONE:
		break;
	}
	return 0;
}

/* How many connections have not reached state. */
static unsigned
behind(const struct client *cl, enum cstate state)
{
	unsigned i, n = 0;

	for (i = 0; i < cl->cfg->conns; i++)
		if (cl->conns[i].state < state)
			n++;
	return n;
}

/*
 * Runs events until every connection has reached state, or until
 * hold_ms have passed when hold_ms >= 0.  Fails with ETIMEDOUT when no
 * connection makes progress for the configured timeout.
 */
static int
run_until(struct client *cl, enum cstate state, int64_t hold_ms,
    const char *what)
{
	struct epoll_event evs[64];
	int64_t now = (int64_t)util_mono_ms(), idle_end, hold_end = now + hold_ms, end;
	int i, n;

	idle_end = now + (int64_t)cl->cfg->timeout * 1000;
	while (cl->error == 0) {
		if (hold_ms < 0 && behind(cl, state) == 0)
			return 0;
		now = (int64_t)util_mono_ms();
		if (hold_ms >= 0 && now >= hold_end)
			return 0;
		if (hold_ms < 0 && now >= idle_end) {
			CLOG(cl, ECHO_LOG_ERROR, "Timed out after %u s %s",
			    cl->cfg->timeout, what);
			fail(cl, ETIMEDOUT);
			break;
		}
		end = hold_ms >= 0 ? hold_end : idle_end;
		if (hold_ms >= 0 && cl->cfg->rate > 0) {
			rate_tick(cl);
			/* Ticks of 10 ms: small bursts, an even rate. */
			if (end > now + RATE_TICK_MS)
				end = now + RATE_TICK_MS;
		}
		n = epoll_wait(cl->epfd, evs, 64, (int)(end - now));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fail(cl, errno);
			break;
		}
		for (i = 0; i < n && cl->error == 0; i++)
			if (conn_event(cl, evs[i].data.ptr, evs[i].events))
				idle_end = (int64_t)util_mono_ms() +
				    (int64_t)cl->cfg->timeout * 1000;
	}
	return -1;
}

/* Starts closing c as the configuration says. */
static void
conn_close_start(struct client *cl, struct cconn *c)
{
	if (c->state != C_ECHOED)
		return;
	if (cl->cfg->udp) {
		conn_finish(cl, c, "Closing");
		return;
	}
	c->state = C_CLOSING;
	if (cl->cfg->close_by == ECHO_CLOSE_SERVER) {
		/*
		 * One urgent byte asks the sockstat server to close first.
		 * It is outside the echoed stream, and the server reads it
		 * before closing so that its close sends a FIN, not a
		 * reset.
		 */
		if (send(c->fd, "X", 1, MSG_OOB | MSG_NOSIGNAL) == 1) {
			CLOG(cl, ECHO_LOG_INFO, "Asking the server to close "
			    "connection %u first", c->id);
			return;
		}
		CLOG(cl, ECHO_LOG_WARNING, "Connection %u: urgent data: %s; "
		    "closing from this side", c->id, strerror(errno));
	}
	/* Our FIN goes first: this side will hold the TIME_WAIT. */
	if (shutdown(c->fd, SHUT_WR) == -1) {
		CLOG(cl, ECHO_LOG_ERROR, "Connection %u: shutdown: %s", c->id,
		    strerror(errno));
		fail(cl, errno);
	}
}

static int
client_setup(struct client *cl)
{
	const struct echo_client_config *c = cl->cfg;
	struct sockaddr_un *sun = (struct sockaddr_un *)&cl->ss;
	size_t i, len;

	if (c->unix_path != NULL) {
		len = strlen(c->unix_path);
		if (len == 0 || len >= sizeof(sun->sun_path)) {
			errno = len == 0 ? EINVAL : ENAMETOOLONG;
			return -1;
		}
		memset(&cl->ss, 0, sizeof(cl->ss));
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, c->unix_path, len);
		cl->sslen = sizeof(*sun);
	} else if ((errno = echo_addr_parse(c->address, c->port, &cl->ss,
	    &cl->sslen)) != 0)
		return -1;
	echo_addr_format((struct sockaddr *)&cl->ss, cl->sslen, cl->target,
	    sizeof(cl->target));

	for (i = 0, len = 0; i < c->nmessages; i++)
		len += strlen(c->messages[i]);
	cl->outlen = len;
	if ((cl->out = malloc(len + 1)) == NULL ||
	    (cl->in = malloc(ECHO_BUFSZ)) == NULL ||
	    (cl->conns = calloc(c->conns, sizeof(*cl->conns))) == NULL)
		return -1;
	for (i = 0, len = 0; i < c->nmessages; i++) {
		memcpy(cl->out + len, c->messages[i], strlen(c->messages[i]));
		len += strlen(c->messages[i]);
	}
	for (i = 0; i < c->conns; i++) {
		cl->conns[i].fd = -1;
		cl->conns[i].id = i + 1;
		cl->conns[i].state = C_DONE;
	}
	if ((cl->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return -1;
	return 0;
}

int
echo_client_run(const struct echo_client_config *c)
{
	struct client cl;
	unsigned i;
	int save_errno;

	if (c->conns == 0 || c->timeout == 0 ||
	    (c->udp && c->unix_path != NULL) ||
	    (c->rate > 0 && (c->udp || c->hold == 0))) {
		errno = EINVAL;
		return -1;
	}
	memset(&cl, 0, sizeof(cl));
	cl.cfg = c;
	cl.epfd = -1;
	if (client_setup(&cl) == -1) {
		cl.error = errno;
		goto out;
	}
	for (i = 0; i < c->conns && cl.error == 0; i++)
		conn_start(&cl, &cl.conns[i]);
	if (cl.error == 0)
		run_until(&cl, C_ECHOED, -1, "waiting for the echo");
	if (cl.error == 0 && c->hold > 0) {
		CLOG(&cl, ECHO_LOG_INFO, "Holding %u connection%s for %u s",
		    c->conns, c->conns == 1 ? "" : "s", c->hold);
		cl.rate_start = util_mono_ms();
		run_until(&cl, C_DONE, (int64_t)c->hold * 1000, "holding");
	}
	for (i = 0; i < c->conns && cl.error == 0; i++)
		conn_close_start(&cl, &cl.conns[i]);
	if (cl.error == 0)
		run_until(&cl, C_DONE, -1, c->close_by == ECHO_CLOSE_SERVER ?
		    "waiting for the server to close" :
		    "waiting for the server's FIN");
	if (cl.error == 0 && c->rate > 0)
		CLOG(&cl, ECHO_LOG_INFO, "Sent %llu bytes at %lu bytes/s on "
		    "each connection", (unsigned long long)cl.conns[0].rsent,
		    c->rate);
	if (cl.error == 0)
		CLOG(&cl, ECHO_LOG_INFO, "Done: %u connection%s, all echoes "
		    "match", c->conns, c->conns == 1 ? "" : "s");
out:
	save_errno = cl.error;
	if (cl.conns != NULL)
		for (i = 0; i < c->conns; i++)
			if (cl.conns[i].fd != -1)
				close(cl.conns[i].fd);
	if (cl.epfd != -1)
		close(cl.epfd);
	free(cl.conns);
	free(cl.out);
	free(cl.in);
	if (save_errno != 0) {
		errno = save_errno;
		return -1;
	}
	return 0;
}
