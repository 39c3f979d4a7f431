/* --compare and --baseline on hand-written summaries (tests/data/compare/):
 * base; regressed (libc falls from 27.9 to 20.0 bits in mode 2, stack by 0.5);
 * nomode1 (only mode 2, another kernel). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_util.h"

#define ANALYZE ASLR_BIN_DIR "/aslr-analyze"
#define DATA ASLR_TEST_DATA "/compare"

static char out_path[600], err_path[600];

static int analyze(char **args, int n)
{
	char *argv[16] = { (char[]){ ANALYZE } };
	int status;

	for (int i = 0; i < n; i++)
		argv[1 + i] = args[i];
	argv[1 + n] = NULL;
	status = tu_run(argv, out_path, err_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void assert_contains(const char *text, const char *part)
{
	if (!text || !strstr(text, part))
		fail_msg("missing \"%s\" in:\n%s", part, text ? text : "(null)");
}

static void test_regression_trips_gate(void **state)
{
	char *args[] = { (char[]){ "--baseline" }, (char[]){ DATA "/base/summary.json" }, (char[]){ DATA "/regressed" } };
	char *text;

	(void)state;
	assert_int_equal(analyze(args, 3), 3);
	text = tu_read_file(out_path, NULL);
	assert_contains(text, "REGRESSION pie mode 2 libc: 20.00 bits (range) in regressed, baseline 27.90 bits (collision) in base");
	assert_true(strstr(text, "stack") == NULL); /* 0.5 bits lower: within the default tolerance of 1 */
	assert_contains(text, "1 region below the baseline by more than 1.00 bits");
	free(text);
}

static void test_tolerance(void **state)
{
	char *strict[] = { (char[]){ "--baseline" }, (char[]){ DATA "/base" }, (char[]){ DATA "/regressed" },
			   (char[]){ "--tolerance" }, (char[]){ "0.25" } };
	char *loose[] = { (char[]){ "--baseline" }, (char[]){ DATA "/base" }, (char[]){ DATA "/regressed" },
			  (char[]){ "--tolerance=8" } };
	char *text;

	(void)state;
	assert_int_equal(analyze(strict, 5), 3);
	text = tu_read_file(out_path, NULL);
	assert_contains(text, "REGRESSION pie mode 2 stack: 29.50 bits");
	assert_contains(text, "2 regions below the baseline");
	free(text);
	assert_int_equal(analyze(loose, 4), 0);
}

static void test_run_against_itself_passes(void **state)
{
	char *args[] = { (char[]){ "--baseline" }, (char[]){ DATA "/base/summary.json" }, (char[]){ DATA "/base" } };
	char *text;

	(void)state;
	assert_int_equal(analyze(args, 3), 0);
	text = tu_read_file(out_path, NULL);
	assert_contains(text, "0 regions below the baseline");
	free(text);
}

static void test_missing_series_is_a_note_not_a_pass_silently(void **state)
{
	char *args[] = { (char[]){ "--baseline" }, (char[]){ DATA "/base" }, (char[]){ DATA "/nomode1" } };
	char *text;

	(void)state;
	assert_int_equal(analyze(args, 3), 0);
	text = tu_read_file(out_path, NULL);
	assert_contains(text, "note: pie mode 1 is in the baseline but not in nomode1");
	free(text);
}

static void test_three_runs_one_lacking_a_mode(void **state)
{
	char *dir = tu_mkdtemp();
	char *args[] = { (char[]){ "--compare" }, (char[]){ DATA "/base" }, (char[]){ DATA "/regressed/summary.json" },
			 (char[]){ DATA "/nomode1" }, (char[]){ "--out" }, dir };
	char path[700], *md, *table;
	struct stat st;

	(void)state;
	assert_int_equal(analyze(args, 6), 0);
	snprintf(path, sizeof(path), "%s/compare.md", dir);
	md = tu_read_file(path, NULL);
	assert_contains(md, "| base | 6.18.0-base |");
	assert_contains(md, "| regressed | 6.19.0-rc1 |");
	assert_contains(md, "| nomode1 | 6.12.0-old |");
	assert_contains(md, "## pie mode 2");
	assert_contains(md, "| libc | 27.9 | 20.0 ≤ (-7.9) | 28.0 ≤ (+0.1) |");
	assert_contains(md, "| libc | 28.0 ≤ | 28.0 ≤ (+0.0) | – |"); /* mode 1: nomode1 has none */
	assert_contains(md, "- pie mode 1: missing in nomode1");
	table = tu_read_file(out_path, NULL);
	assert_contains(table, "pie mode 1: missing in nomode1");
	free(table);
	if (access("/usr/bin/gnuplot", X_OK) == 0) {
		snprintf(path, sizeof(path), "%s/compare-pie-mode2.png", dir);
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size > 10000);
		assert_contains(md, "![compare-pie-mode2](compare-pie-mode2.png)");
	}
	free(md);
	tu_rmrf(dir);
	free(dir);
}

static void test_bad_summaries(void **state)
{
	char *not_summary[] = { (char[]){ "--baseline" }, (char[]){ DATA "/not-a-summary.json" }, (char[]){ DATA "/base" } };
	char *broken[] = { (char[]){ "--compare" }, (char[]){ DATA "/base" }, (char[]){ DATA "/broken.json" } };
	char *one[] = { (char[]){ "--compare" }, (char[]){ DATA "/base" } };
	char *text;

	(void)state;
	assert_int_equal(analyze(not_summary, 3), 2);
	text = tu_read_file(err_path, NULL);
	assert_contains(text, "not-a-summary.json:1:1: not an aslr-entropy summary");
	free(text);
	assert_int_equal(analyze(broken, 3), 2);
	text = tu_read_file(err_path, NULL);
	assert_contains(text, "broken.json:2:");
	free(text);
	assert_int_equal(analyze(one, 2), 2);
}

static int setup(void **state)
{
	char *dir = tu_mkdtemp();
	snprintf(out_path, sizeof(out_path), "%s/stdout", dir);
	snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	tu_rmrf(*state);
	free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regression_trips_gate),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_run_against_itself_passes),
		cmocka_unit_test(test_missing_series_is_a_note_not_a_pass_silently),
		cmocka_unit_test(test_three_runs_one_lacking_a_mode),
		cmocka_unit_test(test_bad_summaries),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
