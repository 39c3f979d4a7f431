/* aslr-analyze's options (analyze_options.c): each command, its operands, defaults, and
 * usage errors of kind ASLR_ERR_USAGE (exit 2 by aslr_exit_code). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "analyze_options.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void test_one_run(void **state)
{
	char *argv[] = { (char[]){ "aslr-analyze" }, (char[]){ "--no-plots" }, (char[]){ "run" },
			 (char[]){ "--out=x" }, (char[]){ "--quiet" }, (char[]){ "--no-leaks" }, NULL };
	struct analyze_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(analyze_options_parse(&o, ARGC(argv), argv, &err), 0);
	assert_int_equal(o.command, ANALYZE_RUN);
	assert_int_equal(o.input_count, 1);
	assert_string_equal(o.inputs[0], "run");
	assert_string_equal(o.out_dir, "x");
	assert_true(o.quiet && o.no_plots && o.no_leaks);
	assert_true(o.tolerance == 1.0);
	assert_null(o.baseline);
}

static void test_compare_and_baseline(void **state)
{
	char *compare[] = { (char[]){ "a" }, (char[]){ "--compare" }, (char[]){ "r1" }, (char[]){ "r2" },
			    (char[]){ "r3" }, NULL };
	char *baseline[] = { (char[]){ "a" }, (char[]){ "--baseline" }, (char[]){ "old.json" }, (char[]){ "now" },
			     (char[]){ "--tolerance" }, (char[]){ "0.25" }, NULL };
	struct analyze_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(analyze_options_parse(&o, ARGC(compare), compare, &err), 0);
	assert_int_equal(o.command, ANALYZE_COMPARE);
	assert_int_equal(o.input_count, 3);
	assert_string_equal(o.inputs[2], "r3");
	assert_int_equal(analyze_options_parse(&o, ARGC(baseline), baseline, &err), 0);
	assert_int_equal(o.command, ANALYZE_BASELINE);
	assert_string_equal(o.baseline, "old.json");
	assert_string_equal(o.inputs[0], "now");
	assert_true(o.tolerance == 0.25);
}

static void test_help_and_version(void **state)
{
	char *help[] = { (char[]){ "a" }, (char[]){ "--help" }, NULL };
	char *version[] = { (char[]){ "a" }, (char[]){ "--version" }, NULL };
	struct analyze_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(analyze_options_parse(&o, ARGC(help), help, &err), 0);
	assert_int_equal(o.command, ANALYZE_HELP);
	assert_int_equal(analyze_options_parse(&o, ARGC(version), version, &err), 0);
	assert_int_equal(o.command, ANALYZE_VERSION);
}

/* argv (argc words), refused as a usage error whose text starts with want. */
static void check_usage_error(int argc, char **argv, const char *want)
{
	struct analyze_options o;
	struct aslr_error err;

	assert_int_equal(analyze_options_parse(&o, argc, argv, &err), -EINVAL);
	analyze_options_free(&o);
	assert_int_equal(err.kind, ASLR_ERR_USAGE);
	assert_int_equal(aslr_exit_code(&err), 2);
	if (strncmp(err.text, want, strlen(want)) != 0)
		fail_msg("wanted \"%s...\", got \"%s\"", want, err.text);
}

static void test_usage_errors(void **state)
{
	char *unknown[] = { (char[]){ "a" }, (char[]){ "--frobnicate" }, (char[]){ "run" }, NULL };
	char *missing[] = { (char[]){ "a" }, (char[]){ "run" }, (char[]){ "--out" }, NULL };
	char *tolerance[] = { (char[]){ "a" }, (char[]){ "--tolerance=-1" }, (char[]){ "run" }, NULL };
	char *both[] = { (char[]){ "a" }, (char[]){ "--compare" }, (char[]){ "--baseline" }, (char[]){ "b" },
			 (char[]){ "r1" }, (char[]){ "r2" }, NULL };
	char *one[] = { (char[]){ "a" }, (char[]){ "--compare" }, (char[]){ "r1" }, NULL };
	char *none[] = { (char[]){ "a" }, NULL };
	char *two[] = { (char[]){ "a" }, (char[]){ "r1" }, (char[]){ "r2" }, NULL };

	(void)state;
	check_usage_error(ARGC(unknown), unknown, "unknown option or missing argument: '--frobnicate'");
	check_usage_error(ARGC(missing), missing, "unknown option or missing argument: '--out'");
	check_usage_error(ARGC(tolerance), tolerance, "--tolerance: expected bits >= 0, got '-1'");
	check_usage_error(ARGC(both), both, "--compare and --baseline exclude each other");
	check_usage_error(ARGC(one), one, "--compare needs 2 or more runs");
	check_usage_error(ARGC(none), none, "expected one run folder or CSV file, got 0");
	check_usage_error(ARGC(two), two, "expected one run folder or CSV file, got 2");
}

/* --expect-knobs, --junit FILE and the three spellings of --ktap: bare (stdout), =FILE,
 * and "--ktap FILE RUN" (one operand too many: the word after --ktap is its file). */
static void test_ci_options(void **state)
{
	char *bare[] = { (char[]){ "a" }, (char[]){ "--ktap" }, (char[]){ "run" }, (char[]){ "--expect-knobs" }, NULL };
	char *eq[] = { (char[]){ "a" }, (char[]){ "run" }, (char[]){ "--ktap=k.tap" }, (char[]){ "--junit" },
		       (char[]){ "j.xml" }, NULL };
	char *word[] = { (char[]){ "a" }, (char[]){ "--ktap" }, (char[]){ "k.tap" }, (char[]){ "--baseline" },
			 (char[]){ "b.json" }, (char[]){ "run" }, NULL };
	char *compare[] = { (char[]){ "a" }, (char[]){ "--compare" }, (char[]){ "r1" }, (char[]){ "r2" },
			    (char[]){ "--ktap" }, NULL };
	char *empty[] = { (char[]){ "a" }, (char[]){ "--junit=" }, (char[]){ "run" }, NULL };
	struct analyze_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(analyze_options_parse(&o, ARGC(bare), bare, &err), 0);
	assert_string_equal(o.ktap, "-");
	assert_true(o.expect_knobs);
	assert_int_equal(o.input_count, 1);
	assert_string_equal(o.inputs[0], "run");
	assert_int_equal(analyze_options_parse(&o, ARGC(eq), eq, &err), 0);
	assert_string_equal(o.ktap, "k.tap");
	assert_string_equal(o.junit, "j.xml");
	assert_false(o.expect_knobs);
	assert_int_equal(analyze_options_parse(&o, ARGC(word), word, &err), 0);
	assert_int_equal(o.command, ANALYZE_BASELINE);
	assert_string_equal(o.ktap, "k.tap");
	assert_int_equal(o.input_count, 1);
	assert_string_equal(o.inputs[0], "run");
	check_usage_error(ARGC(compare), compare, "--expect-knobs, --ktap and --junit judge one run, not --compare");
	check_usage_error(ARGC(empty), empty, "--junit=: an empty file name");
}

/* --xfail: comma-separated names, repeatable, in order; only with --expect-knobs; no empty
 * name. */
static void test_xfail(void **state)
{
	char *two[] = { (char[]){ "a" }, (char[]){ "run" }, (char[]){ "--expect-knobs" }, (char[]){ "--xfail" },
			(char[]){ "mmap_2m,mmap_4m" }, (char[]){ "--xfail=stack" }, NULL };
	char *alone[] = { (char[]){ "a" }, (char[]){ "run" }, (char[]){ "--xfail" }, (char[]){ "mmap_2m" }, NULL };
	char *empty[] = { (char[]){ "a" }, (char[]){ "run" }, (char[]){ "--expect-knobs" }, (char[]){ "--xfail" },
			  (char[]){ "mmap_2m,,stack" }, NULL };
	struct analyze_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(analyze_options_parse(&o, ARGC(two), two, &err), 0);
	assert_int_equal(o.xfail_count, 3);
	assert_string_equal(o.xfail[0], "mmap_2m");
	assert_string_equal(o.xfail[1], "mmap_4m");
	assert_string_equal(o.xfail[2], "stack");
	analyze_options_free(&o);
	assert_int_equal(o.xfail_count, 0);
	check_usage_error(ARGC(alone), alone, "--xfail accepts shortfalls of --expect-knobs: give it too");
	check_usage_error(ARGC(empty), empty, "--xfail: an empty region name in 'mmap_2m,,stack'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_run),
		cmocka_unit_test(test_xfail),
		cmocka_unit_test(test_compare_and_baseline),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_ci_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
