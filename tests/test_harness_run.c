/* aslr-harness end to end: a few hundred samples, checked row by row with an
 * independent CSV reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "test_util.h"

#define HARNESS ASLR_BIN_DIR "/aslr-harness"
#define SAMPLES 300

static const char *const regions[] = { "text", "data", "bss", "heap", "mmap", "libc", "ld",
				       "vdso", "tls", "stack", "argv", "mmap_2m", "mmap_4m" };
#define REGIONS (sizeof(regions) / sizeof(regions[0]))


static int current_mode(void)
{
	char *text = tu_read_file("/proc/sys/kernel/randomize_va_space", NULL);
	int mode = text ? atoi(text) : -1;
	free(text);
	return mode;
}

static int is_lower_hex_cell(const char *s)
{
	if (strncmp(s, "0x", 2) != 0 || !s[2] || strlen(s) > 18)
		return 0;
	for (s += 2; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int column_varies(const struct tu_csv *csv, int col)
{
	for (size_t r = 1; r < csv->rows; r++)
		if (tu_csv_u64(csv, r, col) != tu_csv_u64(csv, 0, col))
			return 1;
	return 0;
}

static int difference_constant(const struct tu_csv *csv, int a, int b)
{
	uint64_t d0 = tu_csv_u64(csv, 0, a) - tu_csv_u64(csv, 0, b);
	for (size_t r = 1; r < csv->rows; r++)
		if (tu_csv_u64(csv, r, a) - tu_csv_u64(csv, r, b) != d0)
			return 0;
	return 1;
}

static void check_rows(const struct tu_csv *csv, int mode)
{
	assert_int_equal(csv->rows, SAMPLES);
	assert_int_equal(csv->cols, 3 + REGIONS);
	assert_string_equal(csv->header[0], "variant");
	assert_string_equal(csv->header[1], "mode");
	assert_string_equal(csv->header[2], "seq");
	for (size_t i = 0; i < REGIONS; i++)
		assert_string_equal(csv->header[3 + i], regions[i]);
	for (size_t r = 0; r < csv->rows; r++) {
		char seq[32];
		snprintf(seq, sizeof(seq), "%zu", r);
		assert_string_equal(csv->cell[r][0], "pie");
		assert_int_equal(atoi(csv->cell[r][1]), mode);
		assert_string_equal(csv->cell[r][2], seq);
		for (size_t c = 3; c < csv->cols; c++)
			if (!is_lower_hex_cell(csv->cell[r][c]))
				fail_msg("row %zu column %zu: '%s'", r + 2, c + 1, csv->cell[r][c]);
	}
}

static void test_current_mode_rows(void **state)
{
	struct tu_run_dirs *f = *state;
	char samples[16];
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" },
			 (char[]){ "--samples" }, samples, (char[]){ "--quiet" },
			 (char[]){ "--out" }, f->out, NULL };
	char path[700], stdout_path[700];
	struct tu_csv csv;
	int mode = current_mode(), status;
	char *printed;

	snprintf(samples, sizeof(samples), "%d", SAMPLES);
	snprintf(stdout_path, sizeof(stdout_path), "%s/stdout", f->dir);
	status = tu_run(argv, stdout_path, f->log);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	printed = tu_read_file(stdout_path, NULL);
	assert_non_null(strstr(printed, f->out));
	free(printed);
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	check_rows(&csv, mode);
	if (mode != 2) {
		tu_csv_free(&csv);
		print_message("randomize_va_space is %d, not 2: variation checks skipped\n", mode);
		skip();
	}
	assert_true(column_varies(&csv, tu_csv_col(&csv, "stack")));
	assert_true(column_varies(&csv, tu_csv_col(&csv, "mmap")));
	assert_true(column_varies(&csv, tu_csv_col(&csv, "libc")));
	assert_true(column_varies(&csv, tu_csv_col(&csv, "text")));
	assert_true(difference_constant(&csv, tu_csv_col(&csv, "libc"), tu_csv_col(&csv, "ld")));
	assert_true(difference_constant(&csv, tu_csv_col(&csv, "data"), tu_csv_col(&csv, "text")));
	tu_csv_free(&csv);
}

static int exit_code(char *const argv[], const char *log)
{
	int status = tu_run(argv, NULL, log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_usage_and_help(void **state)
{
	struct tu_run_dirs *f = *state;
	char *help[] = { (char[]){ HARNESS }, (char[]){ "--help" }, NULL };
	char *bad[] = { (char[]){ HARNESS }, (char[]){ "--samples" }, (char[]){ "zero" }, NULL };
	char *variant[] = { (char[]){ HARNESS }, (char[]){ "--variants" }, (char[]){ "nosuch" },
			    (char[]){ "--out" }, f->out, NULL };
	char *text;

	assert_int_equal(exit_code(help, f->log), 0);
	assert_int_equal(exit_code(bad, f->log), 2);
	text = tu_read_file(f->log, NULL);
	assert_non_null(strstr(text, "--samples"));
	free(text);
	assert_int_equal(exit_code(variant, f->log), 2);
	text = tu_read_file(f->log, NULL);
	assert_non_null(strstr(text, "variant 'nosuch' is not built"));
	free(text);
}

static void test_failing_probe_stops_with_exit_1(void **state)
{
	struct tu_run_dirs *f = *state;
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" },
			 (char[]){ "--probe" }, (char[]){ "/bin/false" }, (char[]){ "--out" }, f->out,
			 (char[]){ "--quiet" }, NULL };
	char *text;

	assert_int_equal(exit_code(argv, f->log), 1);
	text = tu_read_file(f->log, NULL);
	assert_non_null(strstr(text, "the probe gave no valid record in 20 execs: exit status 1"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_current_mode_rows, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_usage_and_help, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_failing_probe_stops_with_exit_1, tu_run_dirs_setup, tu_run_dirs_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
