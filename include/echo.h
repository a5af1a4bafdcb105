/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo.h - the embedded echo server and client, so that a user can make
 * the sockets that sockstat shows (LISTEN, ESTABLISHED, TIME_WAIT on
 * either side) without any other program.  Neither prints: each hands
 * its log lines to a callback, and the command layer (cmd_echo.c) writes
 * them out.
 */
#ifndef ECHO_H
#define ECHO_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

/* Loopback only: the server never defaults to a reachable address. */
#define ECHO_DEFAULT_ADDR	"127.0.0.1"
#define ECHO_DEFAULT_PORT	65432
#define ECHO_BUFSZ		65536	/* per-connection echo buffer */
/*
 * Kernel buffers of each stream connection, each way (the kernel
 * doubles it).  Fixed, so that a peer that never reads its echo pins
 * this much kernel memory, not what autotuning would grow to
 * (tcp_wmem and tcp_rmem maxima: megabytes per connection).
 */
#define ECHO_SOCKBUF		(256 * 1024)

/* Log levels, named as the tutorials' Python logger names them. */
#define ECHO_LOG_INFO		0
#define ECHO_LOG_WARNING	1
#define ECHO_LOG_ERROR		2

/* Receives one log line, without newline; msg is already escaped. */
typedef void (*echo_log_fn)(void *arg, int level, const char *msg);

/*
 * Which side closes a client connection first.  The side that sends
 * the first FIN ends in TIME_WAIT.  For ECHO_CLOSE_SERVER the client
 * asks the server to close with one byte of TCP urgent data, which is
 * not part of the echoed stream, then waits for the server's FIN.
 */
#define ECHO_CLOSE_CLIENT	0
#define ECHO_CLOSE_SERVER	1

struct echo_config {
	const char	*address;	/* IPv4 or IPv6 literal */
	uint16_t	 port;		/* 0: ephemeral */
	int		 udp;		/* also a UDP echo on the same port */
	const char	*unix_path;	/* also a UNIX stream echo, or NULL */
	unsigned long	 max_conns;	/* open at once; 0: no limit */
	unsigned	 idle_timeout;	/* seconds; 0: none (echo_server_run) */
	unsigned long	 count;		/* exit after this many; 0: never */
	int		 verbose;	/* log each echo */
	echo_log_fn	 log;		/* NULL: no log */
	void		*log_arg;
};

struct echo_client_config {
	const char	*address;
	uint16_t	 port;
	int		 udp;		/* datagrams instead of TCP */
	const char	*unix_path;	/* UNIX stream instead of TCP */
	unsigned	 conns;		/* connections at once, >= 1 */
	const char * const *messages;	/* sent in order on each connection */
	size_t		 nmessages;
	unsigned	 hold;		/* seconds ESTABLISHED before closing */
	unsigned long	 rate;		/* stream: bytes a second each
					   connection sends while held (a
					   known pattern, echo checked); 0:
					   none.  Needs hold, not udp */
	int		 close_by;	/* ECHO_CLOSE_* */
	unsigned	 timeout;	/* seconds one wait may take, >= 1 */
	int		 verbose;
	echo_log_fn	 log;
	void		*log_arg;
};

struct echo_server;

/* Fills c with the defaults: 127.0.0.1, port 65432, TCP only. */
void	 echo_config_init(struct echo_config *c);
void	 echo_client_config_init(struct echo_client_config *c);

/*
 * Parses an IPv4 or IPv6 literal and a port into *ss and *len.  Returns
 * 0, or EINVAL for anything else (host names are never looked up).
 */
int	 echo_addr_parse(const char *host, uint16_t port,
	    struct sockaddr_storage *ss, socklen_t *len);

/*
 * Writes "1.2.3.4:80", "[::1]:80" or a UNIX path (escaped, "(unnamed)"
 * when empty) into buf, always NUL-terminated.  Returns buf.
 */
char	*echo_addr_format(const struct sockaddr *sa, socklen_t len, char *buf,
	    size_t buflen);

/*
 * Returns a non-blocking, close-on-exec socket of type SOCK_STREAM
 * (listening) or SOCK_DGRAM bound to host:port, or -1 with errno set.
 */
int	 echo_listen(const char *host, uint16_t port, int type);

/*
 * Blocks SIGINT and SIGTERM (echo_server_run reads them through a
 * signalfd) and binds every socket c asks for.  It does not touch the
 * process's privileges: the caller decides what to keep after bind.
 * Returns the server, or NULL with errno set and the failed step in
 * err.  Free with echo_server_close.
 */
struct echo_server *echo_server_open(const struct echo_config *c, char *err,
	    size_t errlen);

/* The TCP port actually bound (useful with port 0). */
uint16_t echo_server_port(const struct echo_server *s);

/*
 * Gives the UNIX socket file the server made (if any) to uid and gid,
 * so that a server that then runs as that user can still remove it at
 * exit.  Only the socket made there is changed, never a symlink's
 * target.  Returns 0, or -1 with errno set (EEXIST: the path is no
 * longer that socket).
 */
int	 echo_server_chown_unix(struct echo_server *s, uid_t uid, gid_t gid);

/*
 * Logs the PID and one "Listening on ADDR PORT" line per socket, TCP
 * first (tests wait for it: the server is then set up, privileges
 * included), then echoes until SIGINT or SIGTERM, until count connections have been
 * served and closed, or, with an idle timeout, until no connection has
 * been open for that long (a connection idle that long is closed).
 * Returns 0, or -1 with errno set on a failure of the loop itself.
 */
int	 echo_server_run(struct echo_server *s);

/*
 * Closes every socket, unlinks the UNIX socket it made and restores the
 * signal mask.  NULL is a no-op.
 */
void	 echo_server_close(struct echo_server *s);

/*
 * Opens c->conns connections, sends the messages on each, checks every
 * echoed byte, holds, then closes them as c->close_by says.  Returns 0,
 * or -1 with errno set: EBADMSG for an echo that differs, ETIMEDOUT for
 * a wait past c->timeout, or the socket error.  Details go to c->log.
 */
int	 echo_client_run(const struct echo_client_config *c);

/*
 * Shared by echo.c, echo_conn.c and echo_client.c (from echo_util.c);
 * not for other modules.
 */
#define ECHO_ADDRSTRLEN		512	/* an escaped UNIX path fits */
#define ECHO_PREVIEW		64	/* data bytes shown in one log line */

/* Formats a line and hands it to log (a NULL log drops it). */
void	 echo_logf(echo_log_fn log, void *arg, int level, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));

/*
 * Escapes up to ECHO_PREVIEW bytes of data into dst, ending in "..."
 * when some are left out.  Returns dst.
 */
char	*echo_preview(char *dst, size_t dstlen, const void *data, size_t len);

#endif /* ECHO_H */
