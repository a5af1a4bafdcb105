/*
 * echo.c - the echo server: one thread, one epoll set, non-blocking
 * sockets.  Here are its setup and teardown, the event loop, the UDP
 * echo, signals and timers; the stream connections, with their
 * buffers and backpressure, are in echo_conn.c.
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
#include "echo_impl.h"
#include "privs.h"
#include "util.h"

#define UDP_PAUSE_MS	1000	/* after a receive error that persists */
#define UDP_MAX_ERRS	64	/* ICMP errors read past in one event */

int64_t
echo_now_ms(void)
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

/* Removes path if it is still the socket made here (unix_is_ours). */
static int
unix_unlink(const char *path, const struct stat *id)
{
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

int
echo_ep_add(struct echo_server *s, struct item *it, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = it;
	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, it->fd, &ev);
}

int
echo_ep_mod(struct echo_server *s, struct item *it, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = it;
	return epoll_ctl(s->epfd, EPOLL_CTL_MOD, it->fd, &ev);
}

/* Adds or removes the stream listeners from the epoll set. */
void
echo_set_accepting(struct echo_server *s, int on)
{
	struct item *ls[2] = { &s->tcp, &s->unx };
	int i;

	if (on == s->accepting)
		return;
	for (i = 0; i < 2; i++) {
		if (ls[i]->fd == -1)
			continue;
		/* Only EPOLLIN is asked for: 0 leaves it in, but mute. */
		echo_ep_mod(s, ls[i], on ? EPOLLIN : 0);
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
	    -1 || echo_ep_add(s, &s->sig, EPOLLIN) == -1)
		goto fail;

	snprintf(err, errlen, "listen on %s %u", c->address, c->port);
	if ((s->tcp.fd = echo_listen(c->address, c->port, SOCK_STREAM)) == -1)
		goto fail;
	if (getsockname(s->tcp.fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fail;
	s->port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (echo_ep_add(s, &s->tcp, EPOLLIN) == -1)
		goto fail;

	if (c->udp) {
		snprintf(err, errlen, "UDP listen on %s %u", c->address,
		    s->port);
		if ((s->ubuf = malloc(ECHO_BUFSZ)) == NULL)
			goto fail;
		if ((s->udp.fd = echo_listen(c->address, s->port,
		    SOCK_DGRAM)) == -1 ||
		    echo_ep_add(s, &s->udp, EPOLLIN) == -1)
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
		if (echo_ep_add(s, &s->unx, EPOLLIN) == -1)
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
	s->idle_since = echo_now_ms();
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
	s->udp_pause = echo_now_ms() + UDP_PAUSE_MS;
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
			if (s->nconns == 0)
				s->idle_since = echo_now_ms();
		}
		n = sendto(s->udp.fd, s->ubuf, s->ulen, MSG_NOSIGNAL,
		    (struct sockaddr *)&s->upeer, s->upeerlen);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Hold this datagram and read no more until sent. */
			echo_ep_mod(s, &s->udp, EPOLLOUT);
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
	echo_ep_mod(s, &s->udp, EPOLLIN);
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
	int64_t now = echo_now_ms(), idle = (int64_t)s->cfg.idle_timeout * 1000;

	if (s->accept_pause != 0 && now >= s->accept_pause) {
		s->accept_pause = 0;
		if (s->cfg.max_conns == 0 || s->nconns < s->cfg.max_conns)
			echo_set_accepting(s, 1);
	}
	if (s->udp_pause != 0 && now >= s->udp_pause) {
		s->udp_pause = 0;
		if (echo_ep_add(s, &s->udp, s->upending ? EPOLLOUT : EPOLLIN) ==
		    -1)
			udp_pause(s, errno);
	}
	if (idle == 0)
		return;
	/* The list is oldest first: stop at the first one still fresh. */
	while (!s->done && s->head != NULL && now - s->head->last >= idle)
		echo_conn_close(s, s->head, "idle timeout");
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
		n = epoll_wait(s->epfd, evs, 64,
		    next_timeout(s, echo_now_ms()));
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
				echo_conn_accept(s, it);
				break;
			case IT_UDP:
				udp_event(s, evs[i].events);
				break;
			case IT_SIGNAL:
				signal_event(s);
				break;
			case IT_CONN:
				echo_conn_event(s, (struct conn *)it,
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
