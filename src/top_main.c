/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * top_main.c - sockstat-top, the program sockstat top runs: the
 * subcommand and its curses screen, kept out of the sockstat binary so
 * that no other run loads curses.  sockstat executes it as
 * "sockstat top ARGS", before it changes any privilege.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "sockstat.h"

int
main(int argc, char *argv[])
{
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || strcmp(argv[1], "top") != 0) {
		fprintf(stderr, "sockstat-top: run by sockstat as: "
		    "sockstat top [options]\n");
		return EXIT_USAGE;
	}
	return cmd_top(argc - 1, argv + 1);
}
