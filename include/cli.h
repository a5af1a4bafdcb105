/*
 * cli.h - the command line parser, apart from main so that tests and the
 * fuzzer can link it alone.  Without -i or -U, netstat's letters apply;
 * with either, lsof's (see lsof.h).
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

#include "sockstat.h"

enum cli_result {
	CLI_RUN = 0,		/* o is filled: run */
	CLI_HELP,		/* --help: print cli_usage to stdout */
	CLI_VERSION,		/* --version */
	CLI_USAGE		/* bad command line: err says why */
};

#define CLI_ERRLEN	256

/* Identical to the SYNOPSIS of man/sockstat.8. */
extern const char cli_usage[];

/*
 * Parses argv into o (zeroed first; implied options and filter_normalize
 * applied).  Returns a cli_result; for CLI_USAGE a one-line message naming
 * the bad flag or value is in err.  Uses getopt, so it resets optind.
 */
enum cli_result	 cli_parse(int argc, char **argv, struct options *o,
		    char *err, size_t errlen);

/* Writes a one-line message into err; returns CLI_USAGE. */
enum cli_result	 cli_fail(char *err, size_t errlen, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/* Sets o->source from "netlink", "proc" or "auto"; -1 for anything else. */
int		 cli_parse_source(struct options *o, const char *arg);

/* Nonzero when argv asks for the lsof face (-i or -U anywhere). */
int		 cli_is_lsof(int argc, char **argv);

#endif /* CLI_H */
