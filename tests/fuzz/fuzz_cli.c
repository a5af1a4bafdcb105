/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_cli.c - cli_parse and cli_is_lsof on any command line.
 *
 * Input: the arguments, split at NUL bytes (at most MAXARGS of them),
 * after argv[0].  Each parse gets a fresh copy, since getopt permutes
 * argv.  The line is parsed twice and both parses must agree: getopt
 * keeps state between calls, and cli_parse promises to reset it.  The
 * form, hint and note that main derives from the same line must be
 * well-formed too.
 */
#include "cli.h"
#include "fuzz.h"

#define MAXARGS	16

/* A fresh argv: argv[0], then the input's words, then NULL. */
static char **
make_argv(const uint8_t *data, size_t size, int *argcp)
{
	char **argv, *buf;
	size_t i, start;
	int argc = 1;

	if ((argv = calloc(MAXARGS + 2, sizeof(*argv))) == NULL ||
	    (buf = malloc(size + sizeof("sockstat") + 1)) == NULL)
		abort();
	memcpy(buf, "sockstat", sizeof("sockstat"));
	argv[0] = buf;
	buf += sizeof("sockstat");
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = start = 0; i <= size && argc <= MAXARGS; i++) {
		if (buf[i] != '\0')
			continue;
		/* A trailing NUL ends the last word; it starts none. */
		if (i == size && start == size && size > 0)
			break;
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	*argcp = argc;
	return argv;
}

static void
free_argv(char **argv)
{
	free(argv[0]);
	free(argv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options o1, o2;
	char err1[CLI_ERRLEN], err2[CLI_ERRLEN], hint[CLI_ERRLEN];
	enum cli_result r1, r2;
	enum usage_form form;
	char **argv;
	int argc, lsof;

	argv = make_argv(data, size, &argc);
	lsof = cli_is_lsof(argc, argv);
	FUZZ_CHECK(lsof == 0 || lsof == 1);
	form = cli_form(argc, argv);
	FUZZ_CHECK(lsof ? form == USAGE_LSOF :
	    form == USAGE_NETSTAT || form == USAGE_WATCH);
	memset(err1, 'A', sizeof(err1));
	r1 = cli_parse(argc, argv, &o1, err1, sizeof(err1));
	memset(hint, 'C', sizeof(hint));
	if (r1 == CLI_USAGE && cli_hint(argc, argv, err1, hint, sizeof(hint)))
		FUZZ_CHECK(memchr(hint, '\0', sizeof(hint)) != NULL &&
		    hint[0] != '\0');
	if (r1 == CLI_RUN && cli_note(argc, argv, &o1, hint, sizeof(hint)))
		FUZZ_CHECK(memchr(hint, '\0', sizeof(hint)) != NULL &&
		    hint[0] != '\0');
	free_argv(argv);

	argv = make_argv(data, size, &argc);
	FUZZ_CHECK(cli_is_lsof(argc, argv) == lsof);
	memset(err2, 'B', sizeof(err2));
	r2 = cli_parse(argc, argv, &o2, err2, sizeof(err2));
	free_argv(argv);

	FUZZ_CHECK(r1 == r2);
	FUZZ_CHECK(r1 == CLI_RUN || r1 == CLI_HELP || r1 == CLI_VERSION ||
	    r1 == CLI_USAGE);
	if (r1 == CLI_USAGE) {
		/* A message, NUL-terminated inside the buffer. */
		FUZZ_CHECK(memchr(err1, '\0', sizeof(err1)) != NULL);
		FUZZ_CHECK(err1[0] != '\0');
		FUZZ_CHECK(strcmp(err1, err2) == 0);
	}
	if (r1 != CLI_RUN)
		return 0;

	/* Same options, and values inside the documented ranges. */
	FUZZ_CHECK(o1.face == o2.face && o1.source == o2.source &&
	    o1.protos == o2.protos && o1.families == o2.families &&
	    o1.all == o2.all && o1.listening == o2.listening &&
	    o1.numeric_hosts == o2.numeric_hosts &&
	    o1.numeric_ports == o2.numeric_ports &&
	    o1.numeric_users == o2.numeric_users &&
	    o1.resolve == o2.resolve && o1.extend == o2.extend &&
	    o1.timers == o2.timers && o1.program == o2.program &&
	    o1.wide == o2.wide && o1.json == o2.json &&
	    o1.continuous == o2.continuous &&
	    o1.interval_ms == o2.interval_ms && o1.count == o2.count &&
	    o1.watch == o2.watch && o1.port == o2.port &&
	    o1.method == o2.method && o1.duration_ms == o2.duration_ms);
	FUZZ_CHECK(o1.proc_root != NULL);
	FUZZ_CHECK(o1.port >= -1 && o1.port <= 65535);
	FUZZ_CHECK(o1.count <= 1000000000UL);
	FUZZ_CHECK(o1.duration_ms <= 86400U * 1000);
	FUZZ_CHECK(!(o1.numeric_hosts && o1.resolve));
	FUZZ_CHECK(!(o1.watch && o1.continuous));
	/* -c SECONDS or --interval MS, whichever came last. */
	if (o1.continuous || o1.watch)
		FUZZ_CHECK(o1.interval_ms >= 10 &&
		    o1.interval_ms <= 86400U * 1000);
	if (o1.watch)
		FUZZ_CHECK(o1.all);
	return 0;
}
