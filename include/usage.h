/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usage.h - the one source of the usage text: the synopsis of each form
 * of the command, character for character the SYNOPSIS of
 * man/sockstat.8, and the one-line description of every option that
 * --help prints.  main prints the form the user typed after a usage
 * error; each subcommand prints its own slice.
 */
#ifndef USAGE_H
#define USAGE_H

#include <stdio.h>

/* The forms of the command, in the order of the SYNOPSIS. */
enum usage_form {
	USAGE_NETSTAT = 0,	/* sockstat [-46aelnoprstuWwx] ... */
	USAGE_LSOF,		/* sockstat -i [spec] ... */
	USAGE_WATCH,		/* sockstat -E ... */
	USAGE_DEMO,		/* sockstat demo ... */
	USAGE_ECHO_SERVER,	/* sockstat echo-server ... */
	USAGE_ECHO_CLIENT,	/* sockstat echo-client ... */
	USAGE_TOP,		/* sockstat top ... */
	USAGE_NFORMS
};

/* One option of a form as --help shows it. */
struct usage_opt {
	const char	*flags;		/* "-4, --inet", "--count n" */
	const char	*desc;		/* one short line */
};

/*
 * Writes the synopsis of one form to f, its first line starting with
 * "usage: ".  Returns 0, or -1 with errno set when f reports an error.
 */
int	 usage_print(FILE *f, enum usage_form form);

/* Writes every form, as the man page's SYNOPSIS.  Returns as above. */
int	 usage_print_all(FILE *f);

/*
 * --help: the synopsis of form (USAGE_NFORMS: of every form), then a
 * line per option of that form (of every form), then a pointer to the
 * manual.  Returns as above.
 */
int	 usage_help(FILE *f, enum usage_form form);

/*
 * The options of a form, ended by an entry whose flags is NULL; NULL
 * for a form out of range.  For tests that compare them with a parser.
 */
const struct usage_opt *usage_options(enum usage_form form);

#endif /* USAGE_H */
