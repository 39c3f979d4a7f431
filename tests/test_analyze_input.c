/* aslr-analyze on bad input: every case in tests/data/bad-csv/<case>.csv gets exit 2,
 * one message "FILE:LINE:COLUMN: ..." that starts as <case>.expected says, and no
 * summary files. Also a line of a megabyte, and good input from another tool. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <unistd.h>

#include "test_util.h"

#define ANALYZE ASLR_BIN_DIR "/aslr-analyze"
#define BAD_DIR ASLR_TEST_DATA "/bad-csv"

static int run_analyze(const char *input, const char *out, const char *err_path)
{
	char *argv[] = { (char[]){ ANALYZE }, (char *)(uintptr_t)input, (char[]){ "--out" },
			 (char *)(uintptr_t)out, (char[]){ "--quiet" }, NULL };
	int status = tu_run(argv, NULL, err_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int folder_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	if (d)
		closedir(d);
	return empty;
}

static void check_rejected(const char *csv, const char *expected)
{
	char *dir = tu_mkdtemp(), err_path[600], want[1200];
	char *text;
	int code;

	snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
	code = run_analyze(csv, dir, err_path);
	text = tu_read_file(err_path, NULL);
	unlink(err_path);
	snprintf(want, sizeof(want), "aslr-analyze: %s:%s", csv, expected);
	if (code != 2 || strncmp(text, want, strlen(want)) != 0 || strchr(text, '\n') != text + strlen(text) - 1)
		fail_msg("%s: exit %d, stderr:\n%s\nwanted exit 2 and a line starting:\n%s", csv, code, text, want);
	if (!folder_is_empty(dir))
		fail_msg("%s: files were written", csv);
	free(text);
	tu_rmrf(dir);
	free(dir);
}

static void test_golden_bad_inputs(void **state)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *e;
	int cases = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char csv[600], expected_path[600], *expected;
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0)
			continue;
		snprintf(csv, sizeof(csv), "%s/%s", BAD_DIR, e->d_name);
		snprintf(expected_path, sizeof(expected_path), "%s/%.*s.expected", BAD_DIR, (int)len - 4, e->d_name);
		expected = tu_read_file(expected_path, NULL);
		assert_non_null(expected);
		expected[strcspn(expected, "\n")] = '\0';
		check_rejected(csv, expected);
		free(expected);
		cases++;
	}
	closedir(d);
	assert_true(cases >= 20);
}

static void test_megabyte_line(void **state)
{
	char *dir = tu_mkdtemp(), csv[600];
	FILE *f;

	(void)state;
	snprintf(csv, sizeof(csv), "%s/long.csv", dir);
	f = fopen(csv, "w");
	fputs("mode,text\n2,", f);
	for (int i = 0; i < 1 << 20; i++)
		fputc('1', f);
	fputs("\n", f);
	fclose(f);
	check_rejected(csv, "2:65537: line longer than 65536 bytes");
	/* and one with no newline at all */
	f = fopen(csv, "w");
	for (int i = 0; i < 3 << 20; i++)
		fputc('m', f);
	fclose(f);
	check_rejected(csv, "1:65537: line longer than 65536 bytes");
	tu_rmrf(dir);
	free(dir);
}

static void test_missing_file(void **state)
{
	(void)state;
	check_rejected("/nonexistent/samples.csv", "");
}

/* Addresses from another tool: decimal and hex, CRLF, no variant or seq, no final newline. */
static void test_foreign_csv(void **state)
{
	char *dir = tu_mkdtemp(), csv[600], summary[600];
	json_t *doc, *series, *regions;

	(void)state;
	snprintf(csv, sizeof(csv), "%s/foreign.csv", dir);
	tu_write_file(csv, "stack,mode\r\n4096,2\r\n0x2000,2\r\n12288,1\r\n0X3000,2");
	assert_int_equal(run_analyze(csv, dir, NULL), 0);
	snprintf(summary, sizeof(summary), "%s/summary.json", dir);
	doc = json_load_file(summary, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), "aslr-entropy.summary/2");
	assert_true(json_is_object(json_object_get(doc, "run")));
	series = json_object_get(doc, "series");
	assert_int_equal(json_array_size(series), 2);
	/* ordered by mode: mode 1 has one sample, mode 2 three (0x1000, 0x2000, 0x3000) */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(series, 0), "mode")), 1);
	regions = json_object_get(json_array_get(series, 1), "regions");
	json_t *stack = json_object_get(regions, "stack");
	assert_int_equal(json_integer_value(json_object_get(stack, "samples")), 3);
	assert_int_equal(json_integer_value(json_object_get(stack, "alignment_bit")), 12);
	/* 0x1000..0x3000: a span of 2 pages, corrected for N = 3 by (N+1)/(N-1) = 2: log2(2 * 2 + 1);
	 * summary.json keeps 6 significant digits. Three samples are too few for a headline. */
	assert_true(fabs(json_real_value(json_object_get(stack, "range_bits")) - log2(5)) < 1e-5);
	assert_string_equal(json_string_value(json_object_get(stack, "estimate_kind")), "insufficient");
	assert_true(json_is_null(json_object_get(stack, "estimate_bits")));
	json_decref(doc);
	tu_rmrf(dir);
	free(dir);
}

static int run_args(char **args, const char *err_path)
{
	int status = tu_run(args, NULL, err_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int exists_in(const char *dir, const char *name)
{
	char path[900];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* --out DIR is created when missing (parents too, mode 0755 under umask 022), as the
 * harness creates its --out; for --compare as well. */
static void test_out_created_when_missing(void **state)
{
	char *dir = tu_mkdtemp(), csv[600], out[600], cmp[600], err[600];
	struct stat st;
	mode_t old = umask(022);

	(void)state;
	snprintf(csv, sizeof(csv), "%s/samples.csv", dir);
	snprintf(out, sizeof(out), "%s/new/nested/out", dir);
	snprintf(cmp, sizeof(cmp), "%s/cmp/nested", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	tu_write_file(csv, "mode,stack\n2,0x1000\n2,0x2000\n");
	assert_int_equal(run_analyze(csv, out, err), 0);
	assert_true(exists_in(out, "summary.json"));
	assert_true(exists_in(out, "report.md"));
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	char *args[] = { (char[]){ ANALYZE }, (char[]){ "--compare" }, out, out, (char[]){ "--out" }, cmp,
			 (char[]){ "--quiet" }, NULL };
	assert_int_equal(run_args(args, err), 0);
	assert_true(exists_in(cmp, "compare.md"));
	umask(old);
	tu_rmrf(dir);
	free(dir);
}

/* A symlink planted at --out is refused (exit 2, named), never followed: nothing lands
 * where it points; a file there is refused too. */
static void test_out_symlink_refused(void **state)
{
	char *dir = tu_mkdtemp(), csv[600], out[600], target[600], err[600], *text;

	(void)state;
	snprintf(csv, sizeof(csv), "%s/samples.csv", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	tu_write_file(csv, "mode,stack\n2,0x1000\n2,0x2000\n");
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, out), 0);
	assert_int_equal(run_analyze(csv, out, err), 2);
	text = tu_read_file(err, NULL);
	assert_non_null(strstr(text, out));
	assert_non_null(strstr(text, "symbolic link"));
	free(text);
	assert_true(folder_is_empty(target));
	char *args[] = { (char[]){ ANALYZE }, (char[]){ "--compare" }, csv, csv, (char[]){ "--out" }, out, NULL };
	tu_write_file(csv, "mode,stack\n2,0x1000\n2,0x2000\n");
	assert_int_equal(run_analyze(csv, dir, NULL), 0);
	args[2] = args[3] = dir;
	assert_int_equal(run_args(args, err), 2);
	assert_true(folder_is_empty(target));
	unlink(out);
	tu_write_file(out, "a file");
	assert_int_equal(run_analyze(csv, out, err), 2);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_bad_inputs),
		cmocka_unit_test(test_megabyte_line),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_foreign_csv),
		cmocka_unit_test(test_out_created_when_missing),
		cmocka_unit_test(test_out_symlink_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
