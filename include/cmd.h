/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd.h - every subcommand entry point: the small programs main
 * dispatches "sockstat NAME ARGS..." to with argv[0] set to NAME (echo-
 * server, echo-client, demo), and the event stream of -E.  Unlike
 * modules they print (usage, log lines), but they never exit: each
 * returns the exit status, EXIT_OK, EXIT_FAIL or EXIT_USAGE.
 */
#ifndef CMD_H
#define CMD_H

#include <stddef.h>

struct options;
struct watch;

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

/*
 * sockstat demo [--method trace|poll|auto]: a guided look at TCP's
 * states on loopback.  It starts the echo server on an ephemeral port,
 * watches it with the event stream (watch.h), runs three echo clients
 * against it, prints the timeline of every transition on both sides
 * with owners and what each state means, then the table of that port.
 * It needs no setup, ends by itself within seconds and leaves nothing
 * running.  argv[0] is "demo".  Call it before privs_init, as
 * cmd_watch.
 */
int	 cmd_demo(int argc, char **argv);

/*
 * sockstat -E (cmd_watch.c): prints the events o selects until
 * o->count events, o->duration_ms or SIGINT/SIGTERM.  Call it before
 * privs_init: it sorts privileges out itself.
 */
int	 cmd_watch(const struct options *o);

/*
 * The start both -E and the demo need, before privs_init: opens a watch
 * of o (sock_diag and the destroy groups with what the process has),
 * the tracepoint unless o->method is WATCH_POLL (with PRIVS_TRACE raised
 * around it alone), then keeps only PRIVS_FDS, permitted and not
 * effective, raised around each owner-map rebuild.  Sets *trace_errno to
 * why the tracepoint is not in use (0: it is).  Says on stderr what
 * failed and returns NULL, also when o->method is WATCH_TRACE and the
 * tracepoint cannot be opened.  Free with watch_close() (watch.h).
 */
struct watch *cmd_watch_open(const struct options *o, int *trace_errno);

/*
 * sockstat top: who moves data, refreshed every -d seconds; -b prints
 * -n frames to stdout (--json: one JSON object a frame).  argv[0] is
 * "top".  Call it before privs_init: it keeps only what the owner map
 * needs.
 */
int	 cmd_top(int argc, char **argv);

/* Room for an argument quoted, escaped, in a message. */
#define CMD_ESCLEN	256

/*
 * Says which option getopt (with opterr 0 and a leading ':') refused:
 * ch is what it returned.  The user's words are escaped.
 */
void	 cmd_bad_option(int ch, char **argv);

#endif /* CMD_H */
