/* The harness under each mode, as root, on this kernel: mode 0 every region
 * constant, mode 1 heap - text constant and the stack moving, mode 2 heap - text
 * moving; the sysctl as found afterwards; run.json telling how each mode was set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <jansson.h>

#include "root_fixture.h"
#include "test_util.h"

#define N 200

/* distinct values of column a - column b over the rows of one mode */
static size_t distinct_diff(const struct tu_csv *csv, int mode, const char *a, const char *b)
{
	int ca = tu_csv_col(csv, a), cb = b ? tu_csv_col(csv, b) : -1, cm = tu_csv_col(csv, "mode");
	uint64_t *v = calloc(csv->rows, sizeof(uint64_t));
	size_t n = 0, distinct = 0;

	for (size_t r = 0; r < csv->rows; r++)
		if (atoi(csv->cell[r][cm]) == mode)
			v[n++] = tu_csv_u64(csv, r, ca) - (cb >= 0 ? tu_csv_u64(csv, r, cb) : 0);
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && v[j] != v[i])
			j++;
		distinct += j == i;
	}
	free(v);
	return distinct;
}

static size_t rows_of_mode(const struct tu_csv *csv, int mode)
{
	int cm = tu_csv_col(csv, "mode");
	size_t n = 0;
	for (size_t r = 0; r < csv->rows; r++)
		n += atoi(csv->cell[r][cm]) == mode;
	return n;
}

static void test_three_modes(void **state)
{
	struct root_fixture *f = *state;
	char samples[16], path[600];
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "0,1,2" },
			 (char[]){ "--samples" }, samples, (char[]){ "--quiet" }, (char[]){ "--out" },
			 NULL, NULL };
	struct tu_csv csv;
	json_t *run;
	int status;

	if (!f)
		skip();
	argv[7] = f->out;
	snprintf(samples, sizeof(samples), "%d", N);
	status = tu_run(argv, NULL, f->log);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(read_va_space(), f->original);

	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	for (int mode = 0; mode <= 2; mode++)
		assert_int_equal(rows_of_mode(&csv, mode), N);
	for (size_t c = 3; c < csv.cols; c++)
		if (distinct_diff(&csv, 0, csv.header[c], NULL) != 1)
			fail_msg("mode 0: %s moved", csv.header[c]);
	assert_int_equal(distinct_diff(&csv, 1, "heap", "text"), 1);
	assert_true(distinct_diff(&csv, 1, "stack", NULL) > N / 2);
	assert_true(distinct_diff(&csv, 2, "heap", "text") > N / 2);
	tu_csv_free(&csv);

	snprintf(path, sizeof(path), "%s/run.json", f->out);
	run = json_load_file(path, 0, NULL);
	assert_non_null(run);
	assert_string_equal(json_string_value(json_object_get(run, "status")), "complete");
	json_t *series = json_object_get(run, "series");
	assert_int_equal(json_array_size(series), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *s = json_array_get(series, i);
		assert_string_equal(json_string_value(json_object_get(s, "method")), "sysctl");
		assert_int_equal(json_integer_value(json_object_get(s, "randomize_va_space")), (int)i);
		assert_int_equal(json_integer_value(json_object_get(s, "samples")), N);
	}
	json_decref(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_three_modes, root_setup, root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
