/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo.c - the echo server: one thread, one epoll set, non-blocking
 * sockets.  Here are its setup and teardown, the event loop, the UDP
 * echo, signals and timers; the stream connections, with their
 * buffers and backpressure, are in echo_conn.c, behind echo_conn.h.
 * It binds what it is asked to and never changes its privileges: that
 * policy belongs to the command (cmd_echo.c).
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
#include "echo_conn.h"
#include "util.h"

#define UDP_PAUSE_MS	1000	/* after a receive error that persists */
#define UDP_MAX_ERRS	64	/* ICMP errors read past in one event */
#define ACCEPT_PAUSE_MS	1000	/* after accept ran out of fds or memory */

struct echo_server {
	struct echo_config cfg;
	int		 epfd;
	struct echo_item tcp, unx, udp, sig;
	uint16_t	 port;
	char		*unix_path;	/* ours to unlink, NULL if none */
	char		 unix_name[ECHO_ADDRSTRLEN];	/* escaped */
	struct stat	 unix_id;	/* lstat of it right after bind */
	sigset_t	 oldmask;
	int		 masked;
	struct echo_conns conns;
	int		 accepting;	/* listeners in the epoll set */
	int64_t		 accept_pause;	/* resume accepting then, or 0 */
	int64_t		 udp_pause;	/* UDP back in epoll then, or 0 */
	int64_t		 udp_last;	/* last datagram, for the idle timer */
	int		 done;
	/* UDP: one datagram waits here while the socket cannot send. */
	int		 upending;
	size_t		 ulen;
	struct sockaddr_storage upeer;
	socklen_t	 upeerlen;
	unsigned char	*ubuf;
};

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
echo_listen(const char *host, uint16_t port, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1, sz = ECHO_SOCKBUF, save_errno;

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
	/*
	 * Set on the listener, the sizes pass to every accepted socket and
	 * the window it offers from the SYN on.  Without them a client that
	 * sends and never reads pins megabytes of kernel memory here,
	 * whatever the 64 KiB echo buffer bounds.
	 */
	if (type == SOCK_STREAM &&
	    (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == -1))
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

/*
 * The one rule for the UNIX socket's path: it is ours while lstat(2)
 * finds there, without following a symlink, a socket with the device,
 * inode and owner recorded right after bind (id).  Anything else at the
 * path (a symlink, someone else's file, a socket made later) is never
 * removed.
 */
static int
unix_is_ours(const char *path, const struct stat *id)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == id->st_dev && st.st_ino == id->st_ino &&
	    st.st_uid == id->st_uid;
}

/*
 * Removes path if it is still the socket made here (unix_is_ours).
 * Returns 0 (removed, gone, or not ours), or -1 with errno set when it
 * could not be looked at or removed.
 */
static int
unix_unlink(const char *path, const struct stat *id)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!unix_is_ours(path, id))
		return 0;
	return unlink(path);
}

/*
 * Binds and listens on path, recording in *st what bind made there.
 * Returns the socket, or -1 with errno set; on a failure after bind
 * the path is removed only if it is still that socket.
 */
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
	/*
	 * What lstat finds now is what bind made, unless someone with
	 * write access to the directory swapped it in between: then it is
	 * not a socket of ours, and nothing is removed.
	 */
	if (lstat(path, st) == -1)
		goto fail;
	if (!S_ISSOCK(st->st_mode) || st->st_uid != geteuid()) {
		errno = EEXIST;
		goto fail;
	}
	if (listen(fd, SOMAXCONN) == -1) {
		save_errno = errno;
		unix_unlink(path, st);
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

/* Adds it to s's epoll set, or changes what it watches, to events. */
static int
ep_ctl(struct echo_server *s, int op, struct echo_item *it, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = it;
	return epoll_ctl(s->epfd, op, it->fd, &ev);
}

/* Mutes or unmutes the stream listeners; a no-op if already so. */
static void
set_accepting(struct echo_server *s, int on)
{
	struct echo_item *ls[2] = { &s->tcp, &s->unx };
	int i;

	if (on == s->accepting)
		return;
	for (i = 0; i < 2; i++) {
		if (ls[i]->fd == -1)
			continue;
		/* Only EPOLLIN is asked for: 0 leaves it in, but mute. */
		ep_ctl(s, EPOLL_CTL_MOD, ls[i], on ? EPOLLIN : 0);
	}
	s->accepting = on;
}

struct echo_server *
echo_server_open(const struct echo_config *c, char *err, size_t errlen)
{
	struct echo_server *s;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	sigset_t set;
	int save_errno;

	snprintf(err, errlen, "out of memory");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = *c;
	s->epfd = s->tcp.fd = s->unx.fd = s->udp.fd = s->sig.fd = -1;
	s->tcp.kind = ECHO_IT_TCP_LISTEN;
	s->unx.kind = ECHO_IT_UNIX_LISTEN;
	s->udp.kind = ECHO_IT_UDP;
	s->sig.kind = ECHO_IT_SIGNAL;

	snprintf(err, errlen, "epoll_create1");
	if ((s->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		goto fail;
	s->conns.epfd = s->epfd;
	s->conns.max_conns = c->max_conns;
	s->conns.count = c->count;
	s->conns.verbose = c->verbose;
	s->conns.log = c->log;
	s->conns.log_arg = c->log_arg;

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
	    -1 || ep_ctl(s, EPOLL_CTL_ADD, &s->sig, EPOLLIN) == -1)
		goto fail;

	snprintf(err, errlen, "listen on %s %u", c->address, c->port);
	if ((s->tcp.fd = echo_listen(c->address, c->port, SOCK_STREAM)) == -1)
		goto fail;
	if (getsockname(s->tcp.fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fail;
	s->port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (ep_ctl(s, EPOLL_CTL_ADD, &s->tcp, EPOLLIN) == -1)
		goto fail;

	if (c->udp) {
		snprintf(err, errlen, "UDP listen on %s %u", c->address,
		    s->port);
		if ((s->ubuf = malloc(ECHO_BUFSZ)) == NULL)
			goto fail;
		if ((s->udp.fd = echo_listen(c->address, s->port,
		    SOCK_DGRAM)) == -1 ||
		    ep_ctl(s, EPOLL_CTL_ADD, &s->udp, EPOLLIN) == -1)
			goto fail;
	}
	if (c->unix_path != NULL) {
		util_escape(s->unix_name, sizeof(s->unix_name), c->unix_path,
		    strlen(c->unix_path));
		snprintf(err, errlen, "listen on %s", s->unix_name);
		if ((s->unix_path = strdup(c->unix_path)) == NULL)
			goto fail;
		if ((s->unx.fd = unix_listen(c->unix_path, &s->unix_id)) ==
		    -1) {
			free(s->unix_path);
			s->unix_path = NULL;
			goto fail;
		}
		if (ep_ctl(s, EPOLL_CTL_ADD, &s->unx, EPOLLIN) == -1)
			goto fail;
	}
	s->accepting = 1;
	s->conns.idle_since = (int64_t)util_mono_ms();
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

int
echo_server_chown_unix(struct echo_server *s, uid_t uid, gid_t gid)
{
	if (s->unix_path == NULL)
		return 0;
	/* lchown: a symlink swapped in is changed, never what it names. */
	if (!unix_is_ours(s->unix_path, &s->unix_id)) {
		errno = EEXIST;
		return -1;
	}
	if (lchown(s->unix_path, uid, gid) == -1 ||
	    lstat(s->unix_path, &s->unix_id) == -1)
		return -1;
	return 0;
}

/* Logs the PID and one "Listening on" line per socket, TCP first. */
static void
announce(struct echo_server *s)
{
	SLOG(s, ECHO_LOG_INFO, "PID %ld", (long)getpid());
	SLOG(s, ECHO_LOG_INFO, "Listening on %s %u", s->cfg.address, s->port);
	if (s->udp.fd != -1)
		SLOG(s, ECHO_LOG_INFO, "Listening on %s %u (UDP)",
		    s->cfg.address, s->port);
	if (s->unx.fd != -1)
		SLOG(s, ECHO_LOG_INFO, "Listening on %s (UNIX)", s->unix_name);
}

/*
 * Errors an ICMP message about an earlier send leaves on a UDP socket:
 * the next receive reports one and clears it, so reading on is right.
 */
static int
udp_icmp_error(int e)
{
	return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH ||
	    e == EHOSTDOWN || e == EMSGSIZE || e == EPROTO;
}

/*
 * Takes the UDP socket out of the epoll set for UDP_PAUSE_MS after a
 * receive error that did not clear: reading again at once would spin,
 * and so would epoll, which reports EPOLLERR whatever it is asked for.
 */
static void
udp_pause(struct echo_server *s, int e)
{
	SLOG(s, ECHO_LOG_WARNING, "UDP receive: %s; pausing UDP for %d ms",
	    strerror(e), UDP_PAUSE_MS);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->udp.fd, NULL);
	s->udp_pause = (int64_t)util_mono_ms() + UDP_PAUSE_MS;
}

static void
udp_event(struct echo_server *s, uint32_t ev)
{
	char peer[ECHO_ADDRSTRLEN], pv[ECHO_PREVIEW * 4 + 8];
	ssize_t n;
	int errs = 0;

	(void)ev;
	for (;;) {
		if (!s->upending) {
			s->upeerlen = sizeof(s->upeer);
			n = recvfrom(s->udp.fd, s->ubuf, ECHO_BUFSZ, 0,
			    (struct sockaddr *)&s->upeer, &s->upeerlen);
			if (n == -1) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				/*
				 * EINTR, and ICMP errors of earlier sends,
				 * are read past; anything else, or more of
				 * them in a row than datagrams can explain,
				 * pauses UDP instead of spinning.
				 */
				if ((errno == EINTR || udp_icmp_error(errno)) &&
				    ++errs < UDP_MAX_ERRS)
					continue;
				udp_pause(s, errno);
				return;
			}
			errs = 0;
			s->ulen = n;
			s->upending = 1;
			s->udp_last = (int64_t)util_mono_ms();
		}
		n = sendto(s->udp.fd, s->ubuf, s->ulen, MSG_NOSIGNAL,
		    (struct sockaddr *)&s->upeer, s->upeerlen);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Hold this datagram and read no more until sent. */
			ep_ctl(s, EPOLL_CTL_MOD, &s->udp, EPOLLOUT);
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
	ep_ctl(s, EPOLL_CTL_MOD, &s->udp, EPOLLIN);
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

/* Since when the server has had no connection nor datagram. */
static int64_t
idle_since(const struct echo_server *s)
{
	return s->udp_last > s->conns.idle_since ? s->udp_last :
	    s->conns.idle_since;
}

/*
 * After connections closed: exit once --count were served, else accept
 * again if there is room.
 */
static void
conns_closed(struct echo_server *s)
{
	unsigned long n = s->conns.closed;

	if (s->cfg.count != 0 && n >= s->cfg.count) {
		SLOG(s, ECHO_LOG_INFO, "Served %lu connection%s, exiting", n,
		    n == 1 ? "" : "s");
		s->done = 1;
	} else if (s->cfg.max_conns == 0 || s->conns.open < s->cfg.max_conns)
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
accept_event(struct echo_server *s, const struct echo_item *l)
{
	/* --count may have closed it earlier in this batch of events. */
	if (l->fd == -1 || !s->accepting)
		return;
	switch (echo_conns_accept(&s->conns, l, s->unix_name)) {
	case ECHO_ACCEPT_DRAINED:
		break;
	case ECHO_ACCEPT_FULL:
		set_accepting(s, 0);
		break;
	case ECHO_ACCEPT_COUNT:
		stop_listening(s);
		break;
	default:
		/*
		 * Out of descriptors or memory: the pending client stays in
		 * the backlog, and accepting again at once would spin.
		 */
		SLOG(s, ECHO_LOG_WARNING, "accept: %s; pausing",
		    strerror(errno));
		set_accepting(s, 0);
		s->accept_pause = (int64_t)util_mono_ms() + ACCEPT_PAUSE_MS;
		break;
	}
}

/* Milliseconds until the next timer, or -1 for none. */
static int
next_timeout(struct echo_server *s, int64_t now)
{
	int64_t when = -1, t;

	if (s->cfg.idle_timeout != 0) {
		if (echo_conns_oldest(&s->conns, &t) == NULL)
			t = idle_since(s);
		when = t + (int64_t)s->cfg.idle_timeout * 1000;
	}
	if (s->accept_pause != 0 && (when == -1 || s->accept_pause < when))
		when = s->accept_pause;
	if (s->udp_pause != 0 && (when == -1 || s->udp_pause < when))
		when = s->udp_pause;
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
	int64_t now = (int64_t)util_mono_ms(), idle = (int64_t)s->cfg.idle_timeout * 1000;
	struct echo_conn *c;
	int64_t last;

	if (s->accept_pause != 0 && now >= s->accept_pause) {
		s->accept_pause = 0;
		if (s->cfg.max_conns == 0 ||
		    s->conns.open < s->cfg.max_conns)
			set_accepting(s, 1);
	}
	if (s->udp_pause != 0 && now >= s->udp_pause) {
		s->udp_pause = 0;
		if (ep_ctl(s, EPOLL_CTL_ADD, &s->udp, s->upending ? EPOLLOUT : EPOLLIN) ==
		    -1)
			udp_pause(s, errno);
	}
	if (idle == 0)
		return;
	/* The list is oldest first: stop at the first one still fresh. */
	while (!s->done && (c = echo_conns_oldest(&s->conns, &last)) !=
	    NULL && now - last >= idle) {
		echo_conns_close(&s->conns, c, "idle timeout");
		conns_closed(s);
	}
	if (!s->done && s->conns.open == 0 && now - idle_since(s) >= idle) {
		SLOG(s, ECHO_LOG_INFO, "No connection for %u s, exiting",
		    s->cfg.idle_timeout);
		s->done = 1;
	}
}

int
echo_server_run(struct echo_server *s)
{
	struct epoll_event evs[64];
	struct echo_item *it;
	unsigned long closed;
	int i, n;

	announce(s);
	while (!s->done) {
		n = epoll_wait(s->epfd, evs, 64,
		    next_timeout(s, (int64_t)util_mono_ms()));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n && !s->done; i++) {
			it = evs[i].data.ptr;
			switch (it->kind) {
			case ECHO_IT_TCP_LISTEN:
			case ECHO_IT_UNIX_LISTEN:
				accept_event(s, it);
				break;
			case ECHO_IT_UDP:
				udp_event(s, evs[i].events);
				break;
			case ECHO_IT_SIGNAL:
				signal_event(s);
				break;
			case ECHO_IT_CONN:
				closed = s->conns.closed;
				echo_conns_event(&s->conns, it, evs[i].events);
				if (s->conns.closed != closed)
					conns_closed(s);
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
	struct signalfd_siginfo si;

	if (s == NULL)
		return;
	echo_conns_free(&s->conns);
	if (s->tcp.fd != -1)
		close(s->tcp.fd);
	if (s->udp.fd != -1)
		close(s->udp.fd);
	if (s->unx.fd != -1)
		close(s->unx.fd);
	if (s->unix_path != NULL && unix_unlink(s->unix_path, &s->unix_id) ==
	    -1)
		SLOG(s, ECHO_LOG_WARNING, "cannot remove %s: %s", s->unix_name,
		    strerror(errno));
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
