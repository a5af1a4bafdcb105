/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cli.c - the command line parser.  cli.c is included, not linked,
 * so that its option table can be compared with the usage text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../src/cli.c"
#include "usage.h"


static enum cli_result
parse(int argc, char **argv, struct options *o, char *err)
{
	return cli_parse(argc, argv, o, err, CLI_ERRLEN);
}

static void
test_cli_parse_netstat_letters(void **state)
{
	char *v[] = { "sockstat", "-tanpeo", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(2, v, &o, err), CLI_RUN);
	assert_true(o.all && o.program && o.extend && o.timers);
	assert_true(o.numeric_hosts && o.numeric_ports && o.numeric_users);
	assert_int_equal(o.protos, 1U << PROTO_TCP);
	assert_int_equal(o.families, FAM_INET4 | FAM_INET6);
	assert_int_equal(o.port, -1);
}

static void
test_cli_parse_continuous(void **state)
{
	char *v1[] = { "sockstat", "-c", "5", "--count", "3", NULL };
	char *v2[] = { "sockstat", "-tnc", "2", NULL };
	char *v3[] = { "sockstat", "-c", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(5, v1, &o, err), CLI_RUN);
	assert_int_equal(o.interval_ms, 5000);
	assert_int_equal(o.count, 3);
	assert_int_equal(parse(3, v2, &o, err), CLI_RUN);
	assert_int_equal(o.interval_ms, 2000);
	assert_int_equal(parse(2, v3, &o, err), CLI_RUN);
	assert_int_equal(o.interval_ms, 1000);
}

static void
test_cli_parse_errors(void **state)
{
	static const struct {
		char	*args[4];
		const char *msg;
	} cases[] = {
		{ { "-z" }, "unknown option -z" },
		{ { "--bogus" }, "unknown option --bogus" },
		{ { "--count" }, "option --count needs a value" },
		{ { "-c", "0" }, "interval too small: 0 (1 to 86400)" },
		{ { "-c2" }, "unknown option -2" },
		{ { "--json=1" }, "option --json takes no value" },
		{ { "--all=1" }, "option --all takes no value" },
		{ { "--programs=" }, "option --programs takes no value" },
		{ { "--num" }, "option --num is ambiguous: --numeric, "
		    "--numeric-hosts, --numeric-ports, --numeric-rates, --numeric-users" },
		{ { "--sou" }, "option --source needs a value" },
		{ { "--route" }, "unknown option --route" },
		{ { "-E", "-l" }, "cannot use -E and -l together: every socket "
		    "is watched (--port selects a server's)" },
		{ { "-E", "-e" }, "cannot use -E with -e or -o: events have no "
		    "User, Inode or Timer column" },
		{ { "-E", "-o" }, "cannot use -E with -e or -o: events have no "
		    "User, Inode or Timer column" },
		{ { "-E", "--source", "auto" }, "cannot use -E and --source "
		    "together: events come from --method" },
		{ { "-s", "-p" }, "cannot use -s with -p, -e or -o: a summary "
		    "has no columns" },
		{ { "-se" }, "cannot use -s with -p, -e or -o: a summary "
		    "has no columns" },
		{ { "--interval", "100" }, "--interval needs -E" },
		{ { "--method", "auto" }, "--method needs -E" },
		{ { "--duration", "5" }, "--duration needs -E" },
		{ { "-c", "--count", "0" }, "--count too small: 0 (1 to 1000000000)" },
		{ { "--count", "2" }, "--count needs -c or -E" },
		{ { "--source", "x" }, "--source x: expected netlink, proc or auto" },
		{ { "-n", "-r" }, "cannot use -n and -r together" },
		{ { "stray" }, "unexpected argument: stray" },
		{ { "-E", "-c" }, "cannot use -E and -c together" },
		{ { "-E", "--port", "70000" }, "--port too large: 70000 (0 to 65535)" },
		{ { "--port", "80" }, "--port needs -E" },
		{ { "-s", "--info" }, "cannot use --info, --mem or --extended "
		    "with -s: it has no rows" },
		{ { "--openmetrics", "--extended" }, "cannot use --info, --mem "
		    "or --extended with --openmetrics: it has no rows" },
		{ { "-E", "--mem" }, "cannot use --info, --mem or --extended "
		    "with -E: events carry no socket internals" },
		{ { "--numeric-rates" }, "--numeric-rates needs --info" },
	};
	struct options o;
	char err[CLI_ERRLEN], *argv[6];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = "sockstat";
		for (n = 0; n < 4 && cases[i].args[n] != NULL; n++)
			argv[n + 1] = cases[i].args[n];
		argv[n + 1] = NULL;
		assert_int_equal(parse((int)n + 1, argv, &o, err), CLI_USAGE);
		assert_string_equal(err, cases[i].msg);
	}
}

static void
test_cli_parse_help_version(void **state)
{
	char *h[] = { "sockstat", "--help", NULL };
	char *v[] = { "sockstat", "-V", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(2, h, &o, err), CLI_HELP);
	assert_int_equal(parse(2, v, &o, err), CLI_VERSION);
}

/* netstat 2.10: -c takes no value, so a cluster goes on after it. */
static void
test_cli_parse_c_cluster(void **state)
{
	static const struct {
		char	*args[4];
		unsigned protos, interval_ms;
		int	 numeric;
	} cases[] = {
		{ { "-ctn" }, 1U << PROTO_TCP, 1000, 1 },
		{ { "-cnt" }, 1U << PROTO_TCP, 1000, 1 },
		{ { "-tnc" }, 1U << PROTO_TCP, 1000, 1 },
		{ { "-ctu", "3" }, 1U << PROTO_TCP | 1U << PROTO_UDP, 1000, 0 },
		{ { "-tuc", "3" }, 1U << PROTO_TCP | 1U << PROTO_UDP, 3000, 0 },
		{ { "-c", "-t" }, 1U << PROTO_TCP, 1000, 0 },
		{ { "--continuous=4", "-t" }, 1U << PROTO_TCP, 4000, 0 },
		{ { "--continuous", "5", "-t" }, 1U << PROTO_TCP, 5000, 0 },
		{ { "-c4", "-t" }, 1U << PROTO_TCP, 1000, 0 },
	};
	struct options o;
	char err[CLI_ERRLEN], *argv[6];
	size_t i, n;
	enum cli_result rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = "sockstat";
		for (n = 0; n < 4 && cases[i].args[n] != NULL; n++)
			argv[n + 1] = cases[i].args[n];
		argv[n + 1] = NULL;
		rc = parse((int)n + 1, argv, &o, err);
		/* "-ctu 3": 3 is no option, as netstat ignores it: refused */
		if (i == 3) {
			assert_int_equal(rc, CLI_USAGE);
			assert_string_equal(err, "unexpected argument: 3");
			continue;
		}
		assert_int_equal(rc, CLI_RUN);
		assert_true(o.continuous);
		assert_int_equal(o.protos & ~(1U << PROTO_RAW), cases[i].protos);
		assert_int_equal(o.interval_ms, cases[i].interval_ms);
		assert_int_equal(o.numeric_hosts, cases[i].numeric);
	}
	/* -c4 is -c -4, as in netstat */
	argv[1] = "-c4";
	argv[2] = NULL;
	assert_int_equal(parse(2, argv, &o, err), CLI_RUN);
	assert_int_equal(o.families, FAM_INET4);
}

/* Every long name of netstat 2.10 that sockstat has means the same. */
static void
test_cli_parse_netstat_long_names(void **state)
{
	static const struct {
		const char *name;
		const char *letter;
	} pairs[] = {
		{ "--all", "-a" }, { "--continuous", "-c" },
		{ "--extend", "-e" }, { "--inet", "-4" }, { "--inet6", "-6" },
		{ "--listening", "-l" }, { "--numeric", "-n" },
		{ "--programs", "-p" }, { "--raw", "-w" }, { "--tcp", "-t" },
		{ "--timers", "-o" }, { "--udp", "-u" }, { "--unix", "-x" },
		{ "--wide", "-W" }, { "--program", "-p" },
	};
	struct options a, b;
	char err[CLI_ERRLEN], *v[3] = { "sockstat", NULL, NULL };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		v[1] = (char *)pairs[i].name;
		assert_int_equal(parse(2, v, &a, err), CLI_RUN);
		v[1] = (char *)pairs[i].letter;
		assert_int_equal(parse(2, v, &b, err), CLI_RUN);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	v[1] = "--numeric-hosts";
	assert_int_equal(parse(2, v, &a, err), CLI_RUN);
	assert_true(a.numeric_hosts && !a.numeric_ports && !a.numeric_users);
}

/* Issue 15: --info, --mem, --extended, --numeric-rates; -e stays -e. */
static void
test_cli_parse_internals(void **state)
{
	char *all[] = { "sockstat", "-tn", "--info", "--mem", "--extended",
	    "--numeric-rates", NULL };
	char *e[] = { "sockstat", "--extend", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(6, all, &o, err), CLI_RUN);
	assert_true(o.info && o.mem && o.extended && o.numeric_rates);
	assert_int_equal(parse(2, e, &o, err), CLI_RUN);
	assert_true(o.extend && !o.extended && !o.info && !o.mem);
}

/* The usage text lists every long option of the parser and no other. */
static void
test_cli_usage_lists_every_long_option(void **state)
{
	const struct option *lo;
	const struct usage_opt *u;
	char name[64], *p;
	const char *q;
	int form, found;

	(void)state;
	for (lo = longopts; lo->name != NULL; lo++) {
		snprintf(name, sizeof(name), "--%s", lo->name);
		found = 0;
		for (form = USAGE_NETSTAT; form <= USAGE_WATCH; form += 2)
			for (u = usage_options(form); u->flags != NULL; u++)
				for (q = u->flags; (q = strstr(q, name)) != NULL;
				    q++)
					found |= strchr(", ", q[strlen(name)])
					    != NULL;
		if (!found)
			fail_msg("%s is not in the usage text", name);
	}
	for (form = USAGE_NETSTAT; form <= USAGE_WATCH; form += 2)
		for (u = usage_options(form); u->flags != NULL; u++)
			for (q = u->flags; (q = strstr(q, "--")) != NULL;
			    q += 2) {
				snprintf(name, sizeof(name), "%s", q + 2);
				if ((p = strpbrk(name, " ,")) != NULL)
					*p = '\0';
				for (lo = longopts; lo->name != NULL &&
				    strcmp(lo->name, name) != 0; lo++)
					;
				if (lo->name == NULL)
					fail_msg("--%s is in the usage text only",
					    name);
			}
}

static void
test_cli_form(void **state)
{
	char *a[] = { "sockstat", "-tan", NULL };
	char *b[] = { "sockstat", "-nE", NULL };
	char *c[] = { "sockstat", "--events", NULL };
	char *d[] = { "sockstat", "-ni", NULL };
	char *e[] = { "sockstat", "--", "-E", NULL };

	(void)state;
	assert_int_equal(cli_form(2, a), USAGE_NETSTAT);
	assert_int_equal(cli_form(2, b), USAGE_WATCH);
	assert_int_equal(cli_form(2, c), USAGE_WATCH);
	assert_int_equal(cli_form(2, d), USAGE_LSOF);
	assert_int_equal(cli_form(3, e), USAGE_NETSTAT);
}

/* A hint (or note) where the peers read the words otherwise. */
static void
test_cli_hint(void **state)
{
	static const struct {
		char	*args[3];
		const char *err;
		const char *hint;	/* a word of it; NULL: none */
	} cases[] = {
		{ { "-rn" }, "cannot use -n and -r together", "ip route" },
		{ { "--route" }, "unknown option --route", "ip route" },
		{ { "--interfaces" }, "unknown option --interfaces", "ip -s link" },
		{ { "--statistics" }, "unknown option --statistics", "nstat" },
		{ { "-in" }, "-i n: protocol \"n\": expected 4, 6, TCP or UDP",
		    "ip -s link" },
		{ { "-tin" }, "-i n: protocol \"n\": expected 4, 6, TCP or UDP",
		    "--info" },
		{ { "-i", "-4" }, "unknown option -4", "-i4" },
		{ { "-i", "-x" }, "unknown option -x", "-U" },
		{ { "-i", "-e" }, "unknown option -e", "netstat's" },
		{ { "-nP" }, "unknown option -P", "lsof" },
		{ { "-c2" }, "unknown option -2", "-c 2" },
		{ { "--port", "80" }, "--port needs -E", "-i :PORT" },
		{ { "-i", "--sort=pid" }, "unknown option --sort",
		    "netstat face" },
		{ { "-i", "--by", "user" }, "unknown option --by",
		    "netstat face" },
		{ { "-Z" }, "unknown option -Z", NULL },
		{ { "-i", "-Z" }, "unknown option -Z", NULL },
	};
	char hint[CLI_ERRLEN], *argv[5];
	size_t i, n;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = "sockstat";
		for (n = 0; n < 3 && cases[i].args[n] != NULL; n++)
			argv[n + 1] = cases[i].args[n];
		argv[n + 1] = NULL;
		r = cli_hint((int)n + 1, argv, cases[i].err, hint,
		    sizeof(hint));
		if (cases[i].hint == NULL) {
			assert_int_equal(r, 0);
			continue;
		}
		assert_int_equal(r, 1);
		if (strstr(hint, cases[i].hint) == NULL)
			fail_msg("hint for %s: \"%s\" lacks \"%s\"",
			    cases[i].args[0], hint, cases[i].hint);
	}
}

/* --sort and --by: what they imply and what they refuse. */
static void
test_cli_parse_sort_by(void **state)
{
	static const struct {
		char		*args[4];
		enum cli_result	 rc;
		const char	*err;	/* a word of it, for CLI_USAGE */
	} cases[] = {
		{ { "--sort=-lport,remote" }, CLI_RUN, NULL },
		{ { "--sort", "pid", "--json" }, CLI_RUN, NULL },
		{ { "--by=remote" }, CLI_RUN, NULL },
		{ { "-s", "--by", "process", "-p" }, CLI_RUN, NULL },
		{ { "--sort=bogus" }, CLI_USAGE, "'bogus'" },
		{ { "--sort=" }, CLI_USAGE, "empty key" },
		{ { "--sort=state", "-s" }, CLI_USAGE, "-s" },
		{ { "--sort=state", "--by=state" }, CLI_USAGE, "--by" },
		{ { "--sort=state", "-E" }, CLI_USAGE, "-E" },
		{ { "--by=pid" }, CLI_USAGE, "expected state, proto" },
		{ { "--by=state", "-E" }, CLI_USAGE, "-E" },
		{ { "--by=state", "-p" }, CLI_USAGE, "--by=process" },
		{ { "--by=state", "-e" }, CLI_USAGE, "-e" },
	};
	char err[CLI_ERRLEN], *argv[6];
	struct options o;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = "sockstat";
		for (n = 0; n < 4 && cases[i].args[n] != NULL; n++)
			argv[n + 1] = cases[i].args[n];
		argv[n + 1] = NULL;
		err[0] = '\0';
		if (parse((int)n + 1, argv, &o, err) != cases[i].rc)
			fail_msg("%s %s: rc, err \"%s\"", argv[1],
			    n > 1 ? argv[2] : "", err);
		if (cases[i].err != NULL && strstr(err, cases[i].err) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", argv[1], err,
			    cases[i].err);
	}
	/* What they imply: -s for --by, the owner lookup for pid/process. */
	argv[1] = "--by=process";
	argv[2] = NULL;
	assert_int_equal(parse(2, argv, &o, err), CLI_RUN);
	assert_int_equal(o.face, FACE_SUMMARY);
	assert_int_equal(o.group_by, GROUP_PROCESS);
	assert_true(o.program);
	assert_true(o.all);
	argv[1] = "--by=remote";
	assert_int_equal(parse(2, argv, &o, err), CLI_RUN);
	assert_false(o.program);
	argv[1] = "--sort=-command";
	assert_int_equal(parse(2, argv, &o, err), CLI_RUN);
	assert_int_equal(o.face, FACE_NETSTAT);
	assert_int_equal(o.sort[0], SORT_COMMAND | SORT_DESC);
	assert_int_equal(o.sort[1], 0);
	assert_true(o.program);
	argv[1] = "-tan";
	assert_int_equal(parse(2, argv, &o, err), CLI_RUN);
	assert_int_equal(o.sort[0], 0);
	assert_int_equal(o.group_by, 0);
}

static void
test_cli_note(void **state)
{
	char *r[] = { "sockstat", "-r", NULL };
	char *st[] = { "sockstat", "-st", NULL };
	char *s[] = { "sockstat", "-s", NULL };
	char *an[] = { "sockstat", "-an", NULL };
	char note[CLI_ERRLEN], err[CLI_ERRLEN];
	struct options o;

	(void)state;
	assert_int_equal(parse(2, r, &o, err), CLI_RUN);
	assert_int_equal(cli_note(2, r, &o, note, sizeof(note)), 1);
	assert_non_null(strstr(note, "ip route"));
	assert_int_equal(parse(2, st, &o, err), CLI_RUN);
	assert_int_equal(cli_note(2, st, &o, note, sizeof(note)), 1);
	assert_non_null(strstr(note, "nstat"));
	assert_int_equal(parse(2, s, &o, err), CLI_RUN);
	assert_int_equal(cli_note(2, s, &o, note, sizeof(note)), 0);
	assert_int_equal(parse(2, an, &o, err), CLI_RUN);
	assert_int_equal(cli_note(2, an, &o, note, sizeof(note)), 0);
}

static void
test_cli_is_lsof_detects(void **state)
{
	char *a[] = { "sockstat", "-i", NULL };
	char *b[] = { "sockstat", "-nPiTCP:22", NULL };
	char *c[] = { "sockstat", "-an", NULL };
	char *d[] = { "sockstat", "-c", "-i", NULL };	/* -i is a word of its own */
	char *e[] = { "sockstat", "-pi", NULL };	/* -p's value would be "i" in lsof */
	char *f[] = { "sockstat", "-U", NULL };
	char *g[] = { "sockstat", "--", "-i", NULL };

	(void)state;
	assert_true(cli_is_lsof(2, a));
	assert_true(cli_is_lsof(2, b));
	assert_false(cli_is_lsof(2, c));
	assert_true(cli_is_lsof(3, d));
	assert_false(cli_is_lsof(2, e));
	assert_true(cli_is_lsof(2, f));
	assert_false(cli_is_lsof(3, g));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_parse_netstat_letters),
		cmocka_unit_test(test_cli_parse_continuous),
		cmocka_unit_test(test_cli_parse_errors),
		cmocka_unit_test(test_cli_parse_help_version),
		cmocka_unit_test(test_cli_parse_c_cluster),
		cmocka_unit_test(test_cli_parse_netstat_long_names),
		cmocka_unit_test(test_cli_parse_internals),
		cmocka_unit_test(test_cli_usage_lists_every_long_option),
		cmocka_unit_test(test_cli_form),
		cmocka_unit_test(test_cli_hint),
		cmocka_unit_test(test_cli_parse_sort_by),
		cmocka_unit_test(test_cli_note),
		cmocka_unit_test(test_cli_is_lsof_detects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
