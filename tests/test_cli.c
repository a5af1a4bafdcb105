/*
 * test_cli.c - the command line parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cli.h"


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
	char *v2[] = { "sockstat", "-c2", NULL };
	char *v3[] = { "sockstat", "-c", NULL };
	struct options o;
	char err[CLI_ERRLEN];

	(void)state;
	assert_int_equal(parse(5, v1, &o, err), CLI_RUN);
	assert_int_equal(o.interval_ms, 5000);
	assert_int_equal(o.count, 3);
	assert_int_equal(parse(2, v2, &o, err), CLI_RUN);
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
		{ { "-c", "--count", "0" }, "--count too small: 0 (1 to 1000000000)" },
		{ { "--count", "2" }, "--count needs -c or -E" },
		{ { "--source", "x" }, "--source x: expected netlink, proc or auto" },
		{ { "-n", "-r" }, "cannot use -n and -r together" },
		{ { "stray" }, "unexpected argument: stray" },
		{ { "-E", "-c" }, "cannot use -E and -c together" },
		{ { "-E", "--port", "70000" }, "--port too large: 70000 (0 to 65535)" },
		{ { "--port", "80" }, "--duration, --method and --port need -E" },
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
	assert_non_null(strstr(cli_usage, "usage: sockstat "));
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
		cmocka_unit_test(test_cli_is_lsof_detects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
