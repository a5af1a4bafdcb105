/*
 * echo.c - the echo server: one thread, one epoll set, non-blocking
 * sockets.  Each stream connection owns a fixed buffer; while it is
 * full the server stops reading from that peer (EPOLLIN off), so a peer
 * that does not read its echo slows only itself, and the kernel's
 * receive window pushes back on its sender.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "echo.h"
#include "privs.h"
#include "util.h"

/* What an epoll event points at; the first member of each owner. */
enum item_kind {
	IT_TCP_LISTEN,
	IT_UNIX_LISTEN,
	IT_UDP,
	IT_SIGNAL,
	IT_CONN
};

struct item {
	enum item_kind	 kind;
	int		 fd;
};

struct conn {
	struct item	 it;		/* first: epoll data points here */
	struct conn	*prev, *next;	/* by last activity, oldest first */
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

struct echo_server {
	struct echo_config cfg;
	int		 epfd;
	struct item	 tcp, unx, udp, sig;
	uint16_t	 port;
	char		*unix_path;	/* ours to unlink, NULL if none */
	char		 unix_name[ECHO_ADDRSTRLEN];	/* escaped */
	dev_t		 unix_dev;
	ino_t		 unix_ino;
	sigset_t	 oldmask;
	int		 masked;
	struct conn	*head, *tail;
	unsigned long	 nconns;	/* open now */
	unsigned long	 accepted;
	unsigned long	 closed;
	int		 accepting;	/* listeners in the epoll set */
	int64_t		 accept_pause;	/* resume accepting then, or 0 */
	int64_t		 idle_since;	/* when the last connection closed */
	int		 done;
	/* UDP: one datagram waits here while the socket cannot send. */
	int		 upending;
	size_t		 ulen;
	struct sockaddr_storage upeer;
	socklen_t	 upeerlen;
	unsigned char	*ubuf;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
echo_logf(echo_log_fn log, void *arg, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(arg, level, msg);
}

char *
echo_preview(char *dst, size_t dstlen, const void *data, size_t len)
{
	size_t n = len > ECHO_PREVIEW ? ECHO_PREVIEW : len;
	size_t need;

	need = util_escape(dst, dstlen, data, n);
	/* Say when the bytes shown are not all of them. */
	if ((n < len || need >= dstlen) && dstlen > 4)
		strcpy(dst + (need < dstlen - 4 ? need : dstlen - 4), "...");
	return dst;
}

#define SLOG(s, lvl, ...) \
	echo_logf((s)->cfg.log, (s)->cfg.log_arg, (lvl), __VA_ARGS__)

void
echo_config_init(struct echo_config *c)
{
	memset(c, 0, sizeof(*c));
	c->address = ECHO_DEFAULT_ADDR;
	c->port = ECHO_DEFAULT_PORT;
}

int
echo_addr_parse(const char *host, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (host == NULL)
		return EINVAL;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return EINVAL;
}

char *
echo_addr_format(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t buflen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	char a[INET6_ADDRSTRLEN];
	size_t plen;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	switch (sa->sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, buflen, "%s:%u", a, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, buflen, "[%s]:%u", a, ntohs(sin6->sin6_port));
		break;
	case AF_UNIX:
		plen = len > offsetof(struct sockaddr_un, sun_path) ?
		    len - offsetof(struct sockaddr_un, sun_path) : 0;
		if (plen > sizeof(sun->sun_path))
			plen = sizeof(sun->sun_path);
		/* A pathname address may carry its NUL; an abstract one not. */
		if (plen > 0 && sun->sun_path[0] != '\0')
			plen = strnlen(sun->sun_path, plen);
		if (plen == 0)
			snprintf(buf, buflen, "(unnamed)");
		else
			util_escape(buf, buflen, sun->sun_path, plen);
		break;
	default:
		snprintf(buf, buflen, "(family %d)", sa->sa_family);
		break;
	}
	return buf;
}

int
echo_listen(const char *host, uint16_t port, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1, save_errno;

	if ((errno = echo_addr_parse(host, port, &ss, &len)) != 0)
		return -1;
	fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/*
	 * The server may close first and so leave TIME_WAIT sockets on its
	 * port: a restart must still be able to bind it.
	 */
	if (type == SOCK_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, SOMAXCONN) == -1)
		goto fail;
	return fd;
fail:
	save_errno = errno;
	close(fd);
	errno = save_errno;
	return -1;
}

static int
unix_listen(const char *path, struct stat *st)
{
	struct sockaddr_un sun;
	size_t plen = strlen(path);
	int fd, save_errno;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (plen == 0 || plen >= sizeof(sun.sun_path)) {
		errno = plen == 0 ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, plen);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* An existing path is never removed: it may be someone else's. */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		goto fail;
	if (stat(path, st) == -1 || listen(fd, SOMAXCONN) == -1) {
		save_errno = errno;
		unlink(path);
		errno = save_errno;
		goto fail;
	}
	return fd;
fail:
	save_errno = errno;
	close(fd);
	errno = save_errno;
	return -1;
}

static int
ep_add(struct echo_server *s, struct item *it, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = it;
	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, it->fd, &ev);
}

static int
ep_mod(struct echo_server *s, struct item *it, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = it;
	return epoll_ctl(s->epfd, EPOLL_CTL_MOD, it->fd, &ev);
}

/* Adds or removes the stream listeners from the epoll set. */
static void
set_accepting(struct echo_server *s, int on)
{
	struct item *ls[2] = { &s->tcp, &s->unx };
	int i;

	if (on == s->accepting)
		return;
	for (i = 0; i < 2; i++) {
		if (ls[i]->fd == -1)
			continue;
		/* Only EPOLLIN is asked for: 0 leaves it in, but mute. */
		ep_mod(s, ls[i], on ? EPOLLIN : 0);
	}
	s->accepting = on;
}

struct echo_server *
echo_server_open(const struct echo_config *c, char *err, size_t errlen)
{
	struct echo_server *s;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct stat st;
	sigset_t set;
	int save_errno;

	snprintf(err, errlen, "out of memory");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = *c;
	s->epfd = s->tcp.fd = s->unx.fd = s->udp.fd = s->sig.fd = -1;
	s->tcp.kind = IT_TCP_LISTEN;
	s->unx.kind = IT_UNIX_LISTEN;
	s->udp.kind = IT_UDP;
	s->sig.kind = IT_SIGNAL;

	snprintf(err, errlen, "epoll_create1");
	if ((s->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		goto fail;

	/* Signals are blocked before any socket exists, so that a
	 * client's SIGTERM can never find the server half set up. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	snprintf(err, errlen, "signal mask");
	if (sigprocmask(SIG_BLOCK, &set, &s->oldmask) == -1)
		goto fail;
	s->masked = 1;
	if ((s->sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) ==
	    -1 || ep_add(s, &s->sig, EPOLLIN) == -1)
		goto fail;

	snprintf(err, errlen, "listen on %s %u", c->address, c->port);
	if ((s->tcp.fd = echo_listen(c->address, c->port, SOCK_STREAM)) == -1)
		goto fail;
	if (getsockname(s->tcp.fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fail;
	s->port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (ep_add(s, &s->tcp, EPOLLIN) == -1)
		goto fail;

	if (c->udp) {
		snprintf(err, errlen, "UDP listen on %s %u", c->address,
		    s->port);
		if ((s->ubuf = malloc(ECHO_BUFSZ)) == NULL)
			goto fail;
		if ((s->udp.fd = echo_listen(c->address, s->port,
		    SOCK_DGRAM)) == -1 || ep_add(s, &s->udp, EPOLLIN) == -1)
			goto fail;
	}
	if (c->unix_path != NULL) {
		util_escape(s->unix_name, sizeof(s->unix_name), c->unix_path,
		    strlen(c->unix_path));
		snprintf(err, errlen, "listen on %s", s->unix_name);
		if ((s->unx.fd = unix_listen(c->unix_path, &st)) == -1)
			goto fail;
		s->unix_dev = st.st_dev;
		s->unix_ino = st.st_ino;
		if ((s->unix_path = strdup(c->unix_path)) == NULL ||
		    ep_add(s, &s->unx, EPOLLIN) == -1)
			goto fail;
	}
	s->accepting = 1;

	/* Everything privileged (a low port) is done: keep nothing. */
	snprintf(err, errlen, "drop privileges");
	if (privs_drop_all() == -1)
		goto fail;

	SLOG(s, ECHO_LOG_INFO, "PID %ld", (long)getpid());
	SLOG(s, ECHO_LOG_INFO, "Listening on %s %u", c->address, s->port);
	if (s->udp.fd != -1)
		SLOG(s, ECHO_LOG_INFO, "Listening on %s %u (UDP)", c->address,
		    s->port);
	if (s->unx.fd != -1)
		SLOG(s, ECHO_LOG_INFO, "Listening on %s (UNIX)", s->unix_name);
	s->idle_since = now_ms();
	if (errlen > 0)
		err[0] = '\0';
	return s;
fail:
	save_errno = errno;
	echo_server_close(s);
	errno = save_errno;
	return NULL;
}

uint16_t
echo_server_port(const struct echo_server *s)
{
	return s->port;
}

/* Moves c to the tail of the activity list: it is the newest now. */
static void
conn_touch(struct echo_server *s, struct conn *c)
{
	c->last = now_ms();
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
static void
conn_close(struct echo_server *s, struct conn *c, const char *why)
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
		s->idle_since = now_ms();
	if (s->cfg.count != 0 && s->closed >= s->cfg.count) {
		SLOG(s, ECHO_LOG_INFO, "Served %lu connection%s, exiting",
		    s->closed, s->closed == 1 ? "" : "s");
		s->done = 1;
	} else if (s->cfg.max_conns == 0 || s->nconns < s->cfg.max_conns)
		set_accepting(s, 1);
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

static void
do_accept(struct echo_server *s, struct item *l)
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
			set_accepting(s, 0);
			s->accept_pause = now_ms() + 1000;
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
		if (ep_add(s, &c->it, c->events) == -1) {
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
			set_accepting(s, 0);
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

static void
conn_event(struct echo_server *s, struct conn *c, uint32_t ev)
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
		conn_close(s, c, strerror(err));
		return;
	}
	if (!c->eof && (ev & (EPOLLIN | EPOLLHUP | EPOLLPRI)) &&
	    conn_read(s, c) == -1) {
		conn_close(s, c, strerror(errno));
		return;
	}
	if (c->len > 0 && conn_write(s, c) == -1) {
		conn_close(s, c, strerror(errno));
		return;
	}
	if ((c->eof || c->closing) && c->len == 0) {
		/*
		 * After the peer's FIN this close is the passive one; after
		 * urgent data it is the active one, and this side goes to
		 * TIME_WAIT.
		 */
		conn_close(s, c, c->eof ? NULL : "server closes first");
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
		if (ep_mod(s, &c->it, want) == -1) {
			conn_close(s, c, strerror(errno));
			return;
		}
		c->events = want;
	}
	if (c->echoed != before || c->len != pending)
		conn_touch(s, c);
}

static void
udp_event(struct echo_server *s, uint32_t ev)
{
	char peer[ECHO_ADDRSTRLEN], pv[ECHO_PREVIEW * 4 + 8];
	ssize_t n;

	(void)ev;
	for (;;) {
		if (!s->upending) {
			s->upeerlen = sizeof(s->upeer);
			n = recvfrom(s->udp.fd, s->ubuf, ECHO_BUFSZ, 0,
			    (struct sockaddr *)&s->upeer, &s->upeerlen);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				/* ICMP errors of earlier sends land here. */
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					continue;
				break;
			}
			s->ulen = n;
			s->upending = 1;
			if (s->nconns == 0)
				s->idle_since = now_ms();
		}
		n = sendto(s->udp.fd, s->ubuf, s->ulen, MSG_NOSIGNAL,
		    (struct sockaddr *)&s->upeer, s->upeerlen);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Hold this datagram and read no more until sent. */
			ep_mod(s, &s->udp, EPOLLOUT);
			return;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (s->cfg.verbose) {
			echo_addr_format((struct sockaddr *)&s->upeer,
			    s->upeerlen, peer, sizeof(peer));
			if (n == -1)
				SLOG(s, ECHO_LOG_WARNING, "UDP echo to %s: %s",
				    peer, strerror(errno));
			else
				SLOG(s, ECHO_LOG_INFO, "Echoed %zd bytes to %s "
				    "(UDP): \"%s\"", n, peer, echo_preview(pv,
				    sizeof(pv), s->ubuf, s->ulen));
		}
		s->upending = 0;
	}
	ep_mod(s, &s->udp, EPOLLIN);
}

static void
signal_event(struct echo_server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sig.fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		SLOG(s, ECHO_LOG_INFO, "Caught %s, exiting",
		    si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
		s->done = 1;
	}
}

/* Milliseconds until the next timer, or -1 for none. */
static int
next_timeout(struct echo_server *s, int64_t now)
{
	int64_t when = -1, t;

	if (s->cfg.idle_timeout != 0) {
		t = (s->head != NULL ? s->head->last : s->idle_since) +
		    (int64_t)s->cfg.idle_timeout * 1000;
		when = t;
	}
	if (s->accept_pause != 0 && (when == -1 || s->accept_pause < when))
		when = s->accept_pause;
	if (when == -1)
		return -1;
	t = when - now;
	if (t < 0)
		return 0;
	return t > 60000 ? 60000 : (int)t;
}

static void
run_timers(struct echo_server *s)
{
	int64_t now = now_ms(), idle = (int64_t)s->cfg.idle_timeout * 1000;

	if (s->accept_pause != 0 && now >= s->accept_pause) {
		s->accept_pause = 0;
		if (s->cfg.max_conns == 0 || s->nconns < s->cfg.max_conns)
			set_accepting(s, 1);
	}
	if (idle == 0)
		return;
	/* The list is oldest first: stop at the first one still fresh. */
	while (!s->done && s->head != NULL && now - s->head->last >= idle)
		conn_close(s, s->head, "idle timeout");
	if (!s->done && s->nconns == 0 && now - s->idle_since >= idle) {
		SLOG(s, ECHO_LOG_INFO, "No connection for %u s, exiting",
		    s->cfg.idle_timeout);
		s->done = 1;
	}
}

int
echo_server_run(struct echo_server *s)
{
	struct epoll_event evs[64];
	struct item *it;
	int i, n;

	while (!s->done) {
		n = epoll_wait(s->epfd, evs, 64, next_timeout(s, now_ms()));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n && !s->done; i++) {
			it = evs[i].data.ptr;
			switch (it->kind) {
			case IT_TCP_LISTEN:
			case IT_UNIX_LISTEN:
				do_accept(s, it);
				break;
			case IT_UDP:
				udp_event(s, evs[i].events);
				break;
			case IT_SIGNAL:
				signal_event(s);
				break;
			case IT_CONN:
				conn_event(s, (struct conn *)it,
				    evs[i].events);
				break;
			}
		}
		if (!s->done)
			run_timers(s);
	}
	return 0;
}

void
echo_server_close(struct echo_server *s)
{
	struct conn *c, *next;
	struct signalfd_siginfo si;
	struct stat st;

	if (s == NULL)
		return;
	for (c = s->head; c != NULL; c = next) {
		next = c->next;
		close(c->it.fd);
		free(c);
	}
	if (s->tcp.fd != -1)
		close(s->tcp.fd);
	if (s->udp.fd != -1)
		close(s->udp.fd);
	if (s->unx.fd != -1)
		close(s->unx.fd);
	/* Unlink the path only while it is still the socket made here. */
	if (s->unix_path != NULL && lstat(s->unix_path, &st) == 0 &&
	    st.st_dev == s->unix_dev && st.st_ino == s->unix_ino)
		unlink(s->unix_path);
	free(s->unix_path);
	if (s->sig.fd != -1) {
		/* A signal still pending would kill us once unblocked. */
		while (read(s->sig.fd, &si, sizeof(si)) > 0)
			;
		close(s->sig.fd);
	}
	if (s->epfd != -1)
		close(s->epfd);
	if (s->masked)
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	free(s->ubuf);
	free(s);
}
