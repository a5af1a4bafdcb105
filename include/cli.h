/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.h - the command line parser, apart from main so that tests and the
 * fuzzer can link it alone.  Without -i or -U, netstat's letters apply;
 * with either, lsof's (see lsof.h).
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

#include "sockstat.h"
#include "usage.h"

enum cli_result {
	CLI_RUN = 0,		/* o is filled: run */
	CLI_HELP,		/* --help: print usage_help() to stdout */
	CLI_VERSION,		/* --version */
	CLI_USAGE		/* bad command line: err says why */
};

#define CLI_ERRLEN	256

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

/*
 * The form of the command argv is (netstat face, lsof face or -E), so
 * that a usage error shows that form's synopsis alone.
 */
enum usage_form	 cli_form(int argc, char **argv);

/*
 * After a usage error err for argv: when the words mean something else
 * in netstat, ss or lsof, writes one line saying where to go into hint
 * (len bytes) and returns 1; else returns 0.  Never changes a meaning.
 */
int		 cli_hint(int argc, char **argv, const char *err, char *hint,
		    size_t len);

/*
 * After a good parse: a line for stderr when a peer reads the same
 * command line differently ("sockstat -r", "-st").  Returns 1 when one
 * was written into note, else 0.
 */
int		 cli_note(int argc, char **argv, const struct options *o,
		    char *note, size_t len);

#endif /* CLI_H */
