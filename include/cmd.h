/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd.h - subcommands that are small programs of their own.  main
 * dispatches "sockstat NAME ARGS..." to them with argv[0] set to NAME.
 * Unlike modules they print (usage, log lines), but they never exit:
 * each returns the exit status, EXIT_OK, EXIT_FAIL or EXIT_USAGE.
 */
#ifndef CMD_H
#define CMD_H

#include <stddef.h>

/*
 * sockstat echo-server: runs the echo server (echo.h) until a signal,
 * --count or --idle-timeout ends it.  Logs to stderr.
 */
int	 cmd_echo_server(int argc, char **argv);

struct echo_server;

/*
 * The echo programs' privilege policy (echo-server, echo-client; the
 * demo may use it while it still holds CAP_SETUID): once the server s
 * (NULL for a client) is bound, a process started as root switches to
 * the user who ran sudo (SUDO_UID, SUDO_GID) or to nobody, handing that
 * user the server's UNIX socket file; then every capability goes.
 * Returns 0, or -1 with errno set and the failed step in err.
 */
int	 cmd_echo_drop_privs(struct echo_server *s, char *err,
	    size_t errlen);

/*
 * sockstat echo-client: runs the echo client (echo.h) once.  Returns
 * EXIT_FAIL when a connection fails or an echo differs.
 */
int	 cmd_echo_client(int argc, char **argv);

/* Room for an argument quoted, escaped, in a message. */
#define CMD_ESCLEN	256

/*
 * Says which option getopt (with opterr 0 and a leading ':') refused:
 * ch is what it returned.  The user's words are escaped.
 */
void	 cmd_bad_option(int ch, char **argv);

#endif /* CMD_H */
