/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_echo.c - the echo server and client over loopback.  Each server
 * runs in a forked child on 127.0.0.1 port 0 and reports its port
 * through a pipe; every wait is bounded so that a hung server fails the
 * test instead of hanging it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "echo.h"

#define WAIT_MS		5000	/* the longest any step may take */

struct server {
	pid_t		 pid;
	uint16_t	 port;
	int		 logfd;		/* the child's log lines */
};

/*
 * Seams: recvfrom and listen are linked through --wrap (test_echo.mk).
 * The state sits in shared memory, so that a test arms a fault in the
 * forked server and counts its calls from the parent.
 */
struct seam {
	int		 recvfrom_errno;	/* fail every recvfrom so */
	int		 recvfrom_calls;	/* failed calls so far */
	int		 listen_swap;	/* swap the UNIX path, fail listen */
	char		 swap_from[128];	/* renamed over the path */
	char		 swap_to[128];
};
static struct seam *seam;

ssize_t	__real_recvfrom(int, void *, size_t, int, struct sockaddr *,
	    socklen_t *);
ssize_t	__wrap_recvfrom(int, void *, size_t, int, struct sockaddr *,
	    socklen_t *);
int	__real_listen(int, int);
int	__wrap_listen(int, int);

ssize_t
__wrap_recvfrom(int fd, void *buf, size_t len, int flags,
    struct sockaddr *sa, socklen_t *salen)
{
	if (seam != NULL && seam->recvfrom_errno != 0) {
		__atomic_add_fetch(&seam->recvfrom_calls, 1, __ATOMIC_SEQ_CST);
		errno = seam->recvfrom_errno;
		return -1;
	}
	return __real_recvfrom(fd, buf, len, flags, sa, salen);
}

/*
 * Armed, listen on a UNIX socket plays the race a hostile user with
 * write access to the directory can win: between bind and listen the
 * socket's path becomes another file.  Then listen fails.
 */
int
__wrap_listen(int fd, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (seam != NULL && seam->listen_swap &&
	    getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == AF_UNIX) {
		seam->listen_swap = 0;
		assert_int_equal(rename(seam->swap_from, seam->swap_to), 0);
		errno = EADDRINUSE;
		return -1;
	}
	return __real_listen(fd, backlog);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child's logger: one line per write to the shared log file. */
static void
log_to_fd(void *arg, int level, const char *msg)
{
	char line[1200];
	int n;

	n = snprintf(line, sizeof(line), "%d %s\n", level, msg);
	if (n > 0)
		(void)!write(*(int *)arg, line, n);
}

static int child_logfd;

/* Forks a server for cfg; fails the test unless it reports a port. */
static void
server_start(struct echo_config *cfg, struct server *sv)
{
	struct echo_server *s;
	struct pollfd pfd;
	char err[256], logname[] = "/tmp/test_echo.XXXXXX";
	int p[2], r;

	sv->logfd = mkstemp(logname);
	assert_true(sv->logfd != -1);
	unlink(logname);
	child_logfd = sv->logfd;
	cfg->log = log_to_fd;
	cfg->log_arg = &child_logfd;
	assert_int_equal(pipe(p), 0);
	sv->pid = fork();
	assert_true(sv->pid != -1);
	if (sv->pid == 0) {
		close(p[0]);
		if ((s = echo_server_open(cfg, err, sizeof(err))) == NULL) {
			fprintf(stderr, "echo_server_open: %s: %s\n", err,
			    strerror(errno));
			_exit(3);
		}
		sv->port = echo_server_port(s);
		(void)!write(p[1], &sv->port, sizeof(sv->port));
		close(p[1]);
		r = echo_server_run(s);
		echo_server_close(s);
		_exit(r == 0 ? 0 : 4);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	assert_int_equal(read(p[0], &sv->port, sizeof(sv->port)),
	    sizeof(sv->port));
	close(p[0]);
	assert_true(sv->port != 0);
}

/* Waits at most ms for the server to exit; returns its wait status. */
static int
server_wait(struct server *sv, int ms)
{
	int64_t end = now_ms() + ms;
	int status;
	pid_t r;

	while ((r = waitpid(sv->pid, &status, WNOHANG)) == 0 &&
	    now_ms() < end)
		usleep(10000);
	if (r == 0) {
		kill(sv->pid, SIGKILL);
		waitpid(sv->pid, &status, 0);
		fail_msg("server did not exit within %d ms", ms);
	}
	return status;
}

/* Stops the server with SIGTERM and checks that it exits 0. */
static void
server_stop(struct server *sv)
{
	int status;

	kill(sv->pid, SIGTERM);
	status = server_wait(sv, WAIT_MS);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(sv->logfd);
}

/* Whether the server's log has a line containing s. */
static int
log_has(const struct server *sv, const char *s)
{
	static char buf[65536];
	ssize_t n;

	n = pread(sv->logfd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, s) != NULL;
}

/* A blocking TCP connection whose reads and writes time out. */
static int
tcp_connect(uint16_t port)
{
	struct sockaddr_in sin;
	struct timeval tv = { WAIT_MS / 1000, 0 };
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd != -1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	return fd;
}

static void
send_all(int fd, const void *buf, size_t len)
{
	ssize_t n;
	size_t off = 0;

	while (off < len) {
		n = send(fd, (const char *)buf + off, len - off, MSG_NOSIGNAL);
		assert_true(n > 0);
		off += n;
	}
}

/* Reads exactly len bytes, failing on EOF or on the socket timeout. */
static void
recv_all(int fd, void *buf, size_t len)
{
	ssize_t n;
	size_t off = 0;

	while (off < len) {
		n = recv(fd, (char *)buf + off, len - off, 0);
		if (n <= 0)
			fail_msg("recv after %zu of %zu bytes: %s", off, len,
			    n == 0 ? "EOF" : strerror(errno));
		off += n;
	}
}

/* Whether fd becomes readable within ms. */
static int
readable(int fd, int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, ms) == 1;
}

static void
default_config(struct echo_config *c)
{
	echo_config_init(c);
	c->port = 0;
}

static void
test_echo_addr_parse_valid(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	socklen_t len;

	(void)state;
	assert_int_equal(echo_addr_parse("127.0.0.1", 65432, &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(sin->sin_port), 65432);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(echo_addr_parse("::1", 7, &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 7);
	assert_true(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	assert_int_equal(echo_addr_parse("::", 7, &ss, &len), 0);
	assert_int_equal(echo_addr_parse("0.0.0.0", 7, &ss, &len), 0);
}

static void
test_echo_addr_parse_invalid(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	assert_int_equal(echo_addr_parse("localhost", 1, &ss, &len), EINVAL);
	assert_int_equal(echo_addr_parse("1.2.3", 1, &ss, &len), EINVAL);
	assert_int_equal(echo_addr_parse("", 1, &ss, &len), EINVAL);
	assert_int_equal(echo_addr_parse("::1%lo", 1, &ss, &len), EINVAL);
	assert_int_equal(echo_addr_parse(NULL, 1, &ss, &len), EINVAL);
}

static void
test_echo_addr_format_all(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	socklen_t len;
	char buf[ECHO_ADDRSTRLEN];

	(void)state;
	echo_addr_parse("127.0.0.1", 80, &ss, &len);
	assert_string_equal(echo_addr_format((struct sockaddr *)&ss, len, buf,
	    sizeof(buf)), "127.0.0.1:80");
	echo_addr_parse("::1", 443, &ss, &len);
	assert_string_equal(echo_addr_format((struct sockaddr *)&ss, len, buf,
	    sizeof(buf)), "[::1]:443");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, "/tmp/a\nb", 8);
	echo_addr_format((struct sockaddr *)&sun, sizeof(sun), buf,
	    sizeof(buf));
	/* An untrusted path never reaches a log unescaped. */
	assert_string_equal(buf, "/tmp/a\\nb");
	echo_addr_format((struct sockaddr *)&sun, sizeof(sa_family_t), buf,
	    sizeof(buf));
	assert_string_equal(buf, "(unnamed)");
}

/* Waits at most WAIT_MS for a log line containing s. */
static int
log_wait(const struct server *sv, const char *s)
{
	int64_t end = now_ms() + WAIT_MS;

	while (!log_has(sv, s) && now_ms() < end)
		usleep(10000);
	return log_has(sv, s);
}

/* The run, not the open, says "Listening": the caller sets up between. */
static void
test_echo_server_run_logs_listening(void **state)
{
	struct echo_config cfg;
	struct server sv;
	char want[64];

	(void)state;
	default_config(&cfg);
	server_start(&cfg, &sv);
	snprintf(want, sizeof(want), "0 Listening on 127.0.0.1 %u\n",
	    sv.port);
	assert_true(log_wait(&sv, want));
	snprintf(want, sizeof(want), "0 PID %ld\n", (long)sv.pid);
	assert_true(log_has(&sv, want));
	server_stop(&sv);
}

static void
test_echo_server_open_port_in_use(void **state)
{
	struct echo_config cfg;
	struct echo_server *s;
	char err[128];
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	(void)state;
	fd = echo_listen("127.0.0.1", 0, SOCK_STREAM);
	assert_true(fd != -1);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	default_config(&cfg);
	cfg.port = ntohs(sin.sin_port);
	s = echo_server_open(&cfg, err, sizeof(err));
	assert_null(s);
	assert_int_equal(errno, EADDRINUSE);
	assert_non_null(strstr(err, "listen on 127.0.0.1"));
	close(fd);
}

/* A fixed pseudo-random stream: every byte value, no text structure. */
static void
fill_random(unsigned char *b, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		b[i] = seed >> 24;
	}
}

static void
test_echo_server_run_binary_1mib(void **state)
{
	struct echo_config cfg;
	struct server sv;
	size_t len = 1 << 20, sent = 0, got = 0;
	unsigned char *out, *in;
	struct pollfd pfd;
	int64_t end;
	ssize_t n;
	int fd;

	(void)state;
	out = malloc(len);
	in = malloc(len + 1);
	assert_non_null(out);
	assert_non_null(in);
	fill_random(out, len, 0x9e3779b9);
	default_config(&cfg);
	server_start(&cfg, &sv);
	fd = tcp_connect(sv.port);
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	/* Send and read at once: 1 MiB is more than the buffers hold. */
	end = now_ms() + WAIT_MS * 2;
	while (got < len && now_ms() < end) {
		pfd.fd = fd;
		pfd.events = POLLIN | (sent < len ? POLLOUT : 0);
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((pfd.revents & POLLOUT) && sent < len) {
			n = send(fd, out + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += n;
		}
		if (pfd.revents & (POLLIN | POLLHUP)) {
			n = recv(fd, in + got, len + 1 - got, 0);
			assert_true(n > 0 || errno == EAGAIN);
			if (n > 0)
				got += n;
		}
	}
	assert_int_equal(got, len);
	assert_memory_equal(in, out, len);
	/* Then the end of stream comes back as the server's own FIN. */
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	assert_true(readable(fd, WAIT_MS));
	assert_int_equal(recv(fd, in, 1, 0), 0);
	close(fd);
	server_stop(&sv);
	free(out);
	free(in);
}

static void
test_echo_server_run_half_close(void **state)
{
	struct echo_config cfg;
	struct server sv;
	char buf[64];
	int fd;

	(void)state;
	default_config(&cfg);
	server_start(&cfg, &sv);
	fd = tcp_connect(sv.port);
	send_all(fd, "hello", 5);
	/* Half-closed: the echo must still come back, then EOF. */
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	recv_all(fd, buf, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_true(readable(fd, WAIT_MS));
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 0);
	close(fd);
	assert_true(log_has(&sv, "echoed 5 bytes"));
	server_stop(&sv);
}

static void
test_echo_server_run_slow_peer(void **state)
{
	struct echo_config cfg;
	struct server sv;
	unsigned char *big, *back, buf[16];
	size_t cap = 16 << 20, sent = 0;
	ssize_t n;
	int slow, fast, flags;

	(void)state;
	big = malloc(cap);
	back = malloc(cap);
	assert_non_null(big);
	assert_non_null(back);
	fill_random(big, cap, 12345);
	default_config(&cfg);
	server_start(&cfg, &sv);
	slow = tcp_connect(sv.port);
	flags = fcntl(slow, F_GETFL);
	assert_int_equal(fcntl(slow, F_SETFL, flags | O_NONBLOCK), 0);
	/* Write without reading until every buffer on the way is full. */
	while (sent < cap) {
		n = send(slow, big + sent, cap - sent, MSG_NOSIGNAL);
		if (n > 0) {
			sent += n;
			continue;
		}
		assert_int_equal(errno, EAGAIN);
		/* Not writable for 300 ms: the server has stopped reading. */
		if (poll(&(struct pollfd){ slow, POLLOUT, 0 }, 1, 300) == 0)
			break;
	}
	assert_true(sent < cap);	/* backpressure reached this client */
	/* Another client is still served at once. */
	fast = tcp_connect(sv.port);
	send_all(fast, "ping", 4);
	recv_all(fast, buf, 4);
	assert_memory_equal(buf, "ping", 4);
	close(fast);
	/* And the slow one gets every byte back once it reads. */
	assert_int_equal(fcntl(slow, F_SETFL, flags), 0);
	recv_all(slow, back, sent);
	assert_memory_equal(back, big, sent);
	close(slow);
	server_stop(&sv);
	free(big);
	free(back);
}

static void
test_echo_server_run_sigterm(void **state)
{
	struct echo_config cfg;
	struct server sv;
	char buf[4];
	int fd;

	(void)state;
	default_config(&cfg);
	server_start(&cfg, &sv);
	fd = tcp_connect(sv.port);
	send_all(fd, "abc", 3);
	recv_all(fd, buf, 3);
	/* An open connection does not keep the server from exiting 0. */
	server_stop(&sv);
	assert_true(readable(fd, WAIT_MS));
	close(fd);
}

static void
test_echo_server_run_count(void **state)
{
	struct echo_config cfg;
	struct server sv;
	int status, i, fd;
	char buf[2];

	(void)state;
	default_config(&cfg);
	cfg.count = 2;
	server_start(&cfg, &sv);
	for (i = 0; i < 2; i++) {
		fd = tcp_connect(sv.port);
		send_all(fd, "x", 1);
		recv_all(fd, buf, 1);
		close(fd);
	}
	status = server_wait(&sv, WAIT_MS);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(log_has(&sv, "Served 2 connections, exiting"));
	close(sv.logfd);
}

static void
test_echo_server_run_idle_timeout(void **state)
{
	struct echo_config cfg;
	struct server sv;
	int64_t t0;
	char buf[4];
	int status, fd;

	(void)state;
	default_config(&cfg);
	cfg.idle_timeout = 1;
	server_start(&cfg, &sv);
	fd = tcp_connect(sv.port);
	t0 = now_ms();
	/* The server closes an idle connection first... */
	assert_true(readable(fd, 3000));
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 0);
	assert_true(now_ms() - t0 >= 900);
	close(fd);
	/* ...and exits once it has had none for as long. */
	status = server_wait(&sv, 3000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(log_has(&sv, "idle timeout"));
	close(sv.logfd);
}

static void
test_echo_server_run_max_conns(void **state)
{
	struct echo_config cfg;
	struct server sv;
	char buf[2];
	int a, b;

	(void)state;
	default_config(&cfg);
	cfg.max_conns = 1;
	server_start(&cfg, &sv);
	a = tcp_connect(sv.port);
	send_all(a, "a", 1);
	recv_all(a, buf, 1);
	/* The kernel completes b's handshake, but it waits unserved. */
	b = tcp_connect(sv.port);
	send_all(b, "b", 1);
	assert_false(readable(b, 300));
	close(a);
	recv_all(b, buf, 1);
	assert_int_equal(buf[0], 'b');
	close(b);
	server_stop(&sv);
}

static void
test_echo_server_run_udp(void **state)
{
	struct echo_config cfg;
	struct server sv;
	struct sockaddr_in sin;
	char buf[64];
	int fd;

	(void)state;
	default_config(&cfg);
	cfg.udp = 1;
	server_start(&cfg, &sv);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(sv.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(send(fd, "dgram", 5, 0), 5);
	assert_true(readable(fd, WAIT_MS));
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "dgram", 5);
	close(fd);
	server_stop(&sv);
}

static void
test_echo_server_run_unix(void **state)
{
	struct echo_config cfg;
	struct server sv;
	struct sockaddr_un sun;
	char dir[] = "/tmp/test_echo_unix.XXXXXX", path[128], buf[8];
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/echo.sock", dir);
	default_config(&cfg);
	cfg.unix_path = path;
	server_start(&cfg, &sv);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	send_all(fd, "unix", 4);
	recv_all(fd, buf, 4);
	assert_memory_equal(buf, "unix", 4);
	close(fd);
	server_stop(&sv);
	/* The server removes the socket it made. */
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	rmdir(dir);
}

/* Issue 11 item 13: a receive error that persists must not spin. */
static void
udp_error_persists(int e)
{
	struct echo_config cfg;
	struct server sv;
	struct sockaddr_in sin;
	int fd, calls, paused;

	default_config(&cfg);
	cfg.udp = 1;
	memset(seam, 0, sizeof(*seam));
	seam->recvfrom_errno = e;
	server_start(&cfg, &sv);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(sv.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 1);
	usleep(300000);
	calls = __atomic_load_n(&seam->recvfrom_calls, __ATOMIC_SEQ_CST);
	paused = log_has(&sv, "pausing UDP");
	seam->recvfrom_errno = 0;
	close(fd);
	/* The loop still answers: SIGTERM ends it with status 0. */
	server_stop(&sv);
	/* One pass of at most 64 reads, then a pause of a second. */
	if (calls < 1 || calls > 64)
		fail_msg("%d recvfrom calls in 300 ms", calls);
	assert_true(paused);
}

static void
test_echo_server_run_udp_error_enomem(void **state)
{
	(void)state;
	udp_error_persists(ENOMEM);
}

static void
test_echo_server_run_udp_error_icmp(void **state)
{
	(void)state;
	udp_error_persists(ECONNREFUSED);
}

/*
 * Issue 11 item 15: a failure after bind removes the path only if it is
 * still the socket made there.  Here it became someone else's file.
 */
static void
test_echo_server_open_unix_swapped(void **state)
{
	struct echo_config cfg;
	struct echo_server *s;
	char dir[] = "/tmp/test_echo_swap.XXXXXX", path[128], err[256];
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/echo.sock", dir);
	memset(seam, 0, sizeof(*seam));
	snprintf(seam->swap_from, sizeof(seam->swap_from), "%s/victim", dir);
	snprintf(seam->swap_to, sizeof(seam->swap_to), "%s", path);
	fd = open(seam->swap_from, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd != -1);
	close(fd);
	seam->listen_swap = 1;
	default_config(&cfg);
	cfg.unix_path = path;
	s = echo_server_open(&cfg, err, sizeof(err));
	assert_null(s);
	assert_int_equal(seam->listen_swap, 0);	/* the race did happen */
	/* The victim file is still there, under the socket's name. */
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(path);
	rmdir(dir);
}

/*
 * The socket's path swapped for a symlink while the server runs (to the
 * very socket it made, moved aside): at exit the server removes neither
 * the symlink nor what it points to.
 */
static void
test_echo_server_close_unix_symlink(void **state)
{
	struct echo_config cfg;
	struct server sv;
	char dir[] = "/tmp/test_echo_link.XXXXXX", path[128], moved[128];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/echo.sock", dir);
	snprintf(moved, sizeof(moved), "%s/moved.sock", dir);
	default_config(&cfg);
	cfg.unix_path = path;
	server_start(&cfg, &sv);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(symlink(moved, path), 0);
	server_stop(&sv);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(moved, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	unlink(path);
	unlink(moved);
	rmdir(dir);
}

static const char *const msgs[] = { "Message 1 from client.",
    "Message 2 from client." };

static void
client_config(struct echo_client_config *c, uint16_t port)
{
	echo_client_config_init(c);
	c->port = port;
	c->messages = msgs;
	c->nmessages = 2;
	c->timeout = 5;
}

static void
test_echo_client_run_ok(void **state)
{
	struct echo_config cfg;
	struct echo_client_config cc;
	struct server sv;

	(void)state;
	default_config(&cfg);
	cfg.udp = 1;
	server_start(&cfg, &sv);
	client_config(&cc, sv.port);
	cc.conns = 5;
	assert_int_equal(echo_client_run(&cc), 0);
	cc.udp = 1;
	assert_int_equal(echo_client_run(&cc), 0);
	assert_true(log_has(&sv, "Accepted connection 5 from 127.0.0.1:"));
	server_stop(&sv);
}

static void
test_echo_client_run_refused(void **state)
{
	struct echo_client_config cc;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	(void)state;
	/* A port just bound and freed: nothing listens there. */
	fd = echo_listen("127.0.0.1", 0, SOCK_DGRAM);
	assert_true(fd != -1);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	client_config(&cc, ntohs(sin.sin_port));
	assert_int_equal(echo_client_run(&cc), -1);
	assert_int_equal(errno, ECONNREFUSED);
}

/*
 * A bad echo server in a child: echoes with one byte changed (corrupt)
 * or never answers (mute).
 */
static pid_t
bad_server(int corrupt, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char buf[256];
	ssize_t n;
	pid_t pid;
	int l, fd;

	l = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		alarm(10);
		if ((fd = accept(l, NULL, NULL)) == -1)
			_exit(1);
		n = recv(fd, buf, sizeof(buf), 0);
		if (corrupt && n > 3) {
			buf[3] ^= 0x20;
			(void)!send(fd, buf, n, 0);
		}
		sleep(3);
		_exit(0);
	}
	close(l);
	return pid;
}

static void
test_echo_client_run_mismatch(void **state)
{
	struct echo_client_config cc;
	uint16_t port;
	pid_t pid;

	(void)state;
	pid = bad_server(1, &port);
	client_config(&cc, port);
	assert_int_equal(echo_client_run(&cc), -1);
	assert_int_equal(errno, EBADMSG);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void
test_echo_client_run_timeout(void **state)
{
	struct echo_client_config cc;
	uint16_t port;
	int64_t t0;
	pid_t pid;

	(void)state;
	pid = bad_server(0, &port);
	client_config(&cc, port);
	cc.timeout = 1;
	t0 = now_ms();
	assert_int_equal(echo_client_run(&cc), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_true(now_ms() - t0 < 2500);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * Counts TIME_WAIT sockets in /proc/net/tcp whose local port is lport
 * (server side) or, when lport is 0, whose remote port is rport.
 */
static int
time_waits(uint16_t lport, uint16_t rport)
{
	char line[512];
	unsigned la, lp, ra, rp, st;
	FILE *f;
	int n = 0;

	f = fopen("/proc/net/tcp", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " %*d: %x:%x %x:%x %x", &la, &lp, &ra, &rp,
		    &st) != 5 || st != 6)
			continue;
		if ((lport != 0 && lp == lport) ||
		    (lport == 0 && rp == rport))
			n++;
	}
	fclose(f);
	return n;
}

static void
test_echo_client_run_close_server(void **state)
{
	struct echo_config cfg;
	struct echo_client_config cc;
	struct server sv;
	int before;

	(void)state;
	default_config(&cfg);
	server_start(&cfg, &sv);
	client_config(&cc, sv.port);
	cc.conns = 2;
	cc.close_by = ECHO_CLOSE_SERVER;
	/* Counted as a change: an older run may have used this port too. */
	before = time_waits(sv.port, 0);
	assert_int_equal(echo_client_run(&cc), 0);
	/* The server sent the first FIN: the TIME_WAITs are on its port. */
	assert_int_equal(time_waits(sv.port, 0) - before, 2);
	assert_true(log_has(&sv, "server closes first"));
	server_stop(&sv);
}

static void
test_echo_client_run_close_client(void **state)
{
	struct echo_config cfg;
	struct echo_client_config cc;
	struct server sv;
	int srv_before, cli_before;

	(void)state;
	default_config(&cfg);
	server_start(&cfg, &sv);
	client_config(&cc, sv.port);
	cc.close_by = ECHO_CLOSE_CLIENT;
	srv_before = time_waits(sv.port, 0);
	cli_before = time_waits(0, sv.port);
	assert_int_equal(echo_client_run(&cc), 0);
	assert_int_equal(time_waits(sv.port, 0) - srv_before, 0);
	assert_int_equal(time_waits(0, sv.port) - cli_before, 1);
	server_stop(&sv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_addr_parse_valid),
		cmocka_unit_test(test_echo_addr_parse_invalid),
		cmocka_unit_test(test_echo_addr_format_all),
		cmocka_unit_test(test_echo_server_run_logs_listening),
		cmocka_unit_test(test_echo_server_open_port_in_use),
		cmocka_unit_test(test_echo_server_run_binary_1mib),
		cmocka_unit_test(test_echo_server_run_half_close),
		cmocka_unit_test(test_echo_server_run_slow_peer),
		cmocka_unit_test(test_echo_server_run_sigterm),
		cmocka_unit_test(test_echo_server_run_count),
		cmocka_unit_test(test_echo_server_run_idle_timeout),
		cmocka_unit_test(test_echo_server_run_max_conns),
		cmocka_unit_test(test_echo_server_run_udp),
		cmocka_unit_test(test_echo_server_run_unix),
		cmocka_unit_test(test_echo_server_run_udp_error_enomem),
		cmocka_unit_test(test_echo_server_run_udp_error_icmp),
		cmocka_unit_test(test_echo_server_open_unix_swapped),
		cmocka_unit_test(test_echo_server_close_unix_symlink),
		cmocka_unit_test(test_echo_client_run_ok),
		cmocka_unit_test(test_echo_client_run_refused),
		cmocka_unit_test(test_echo_client_run_mismatch),
		cmocka_unit_test(test_echo_client_run_timeout),
		cmocka_unit_test(test_echo_client_run_close_server),
		cmocka_unit_test(test_echo_client_run_close_client),
	};

	seam = mmap(NULL, sizeof(*seam), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seam == MAP_FAILED)
		return 1;
	/* A test's write to a server that died must fail, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/* Whatever hangs, the run ends (valgrind needs about a minute). */
	alarm(300);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
