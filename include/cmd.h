/*
 * cmd.h - subcommands that are small programs of their own.  main
 * dispatches "sockstat NAME ARGS..." to them with argv[0] set to NAME.
 * Unlike modules they print (usage, log lines), but they never exit:
 * each returns the exit status, EXIT_OK, EXIT_FAIL or EXIT_USAGE.
 */
#ifndef CMD_H
#define CMD_H

/*
 * sockstat echo-server: runs the echo server (echo.h) until a signal,
 * --count or --idle-timeout ends it.  Logs to stderr.
 */
int	 cmd_echo_server(int argc, char **argv);

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
