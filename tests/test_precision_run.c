/* aslr-harness --precision on real probes (--modes current: no sysctl changes):
 *  - the real probe at +-1 bit with --max-samples 6000: run.json's per-region samples,
 *    pairs and triples are those of samples.csv (counted here from the sorted column),
 *    each region's state is what collision_interval says of them, and the series ends
 *    at exactly 6000 rows when a region still waits (with a note on stderr);
 *  - a probe whose regions have 16 and 8 random bits at +-0.5 bits: it ends on the rule,
 *    at most jobs - 1 rows after the first row at which the rule held (found here by
 *    replaying samples.csv in seq order);
 *  - --max-time ends a series whose precision is out of reach. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "collision.h"
#include "estimate.h"
#include "test_util.h"

#define HARNESS ASLR_BIN_DIR "/aslr-harness"
#define RANDOM_PROBE ASLR_BIN_DIR "/../tests/probes/bad-probe-random"

static int run_harness(struct tu_run_dirs *f, char **extra, int n)
{
	char *argv[24] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" }, (char[]){ "--no-analyze" },
			   (char[]){ "--quiet" }, (char[]){ "--out" }, f->out };
	int argc = 7, status;

	for (int i = 0; i < n; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	status = tu_run(argv, NULL, f->log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static json_t *only_series(struct tu_run_dirs *f, json_t **run)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/run.json", f->out);
	*run = json_load_file(path, 0, NULL);
	assert_non_null(*run);
	assert_int_equal(json_array_size(json_object_get(*run, "series")), 1);
	return json_array_get(json_object_get(*run, "series"), 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

struct column_counts {
	uint64_t samples, distinct, pairs;
	double triples;
};

/* The usable (nonzero) cells of column col, sorted and counted. */
static struct column_counts count_column(const struct tu_csv *csv, int col)
{
	uint64_t *v = malloc(csv->rows * sizeof(*v));
	struct column_counts c = { 0 };

	for (size_t r = 0; r < csv->rows; r++)
		if ((v[c.samples] = tu_csv_u64(csv, r, col)) != 0)
			c.samples++;
	qsort(v, c.samples, sizeof(*v), cmp_u64);
	for (size_t i = 0, j; i < c.samples; i = j) {
		uint64_t k;
		for (j = i; j < c.samples && v[j] == v[i]; j++)
			;
		k = j - i;
		c.distinct++;
		c.pairs += k * (k - 1) / 2;
		c.triples += (double)k * (double)(k - 1) * (double)(k - 2) / 6;
	}
	free(v);
	return c;
}

/* What a region's state must be, from its counts: the rule in harness/precision.h. */
static const char *expected_state(const struct column_counts *c, double bits)
{
	struct collision_interval ci;

	if (c->samples == 0)
		return "absent";
	if (c->distinct == 1)
		return "constant";
	collision_interval(c->samples, c->pairs, c->triples, &ci);
	return c->samples >= ESTIMATE_MIN_SAMPLES && c->pairs >= ESTIMATE_MIN_PAIRS && (ci.high - ci.low) / 2 <= bits
		       ? "done"
		       : "waiting";
}

static void test_real_probe_counts_agree(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--precision" }, (char[]){ "1" }, (char[]){ "--max-samples" }, (char[]){ "6000" } };
	char path[700], *log;
	struct tu_csv csv;
	json_t *run, *series, *regions;
	int waiting = 0;

	assert_int_equal(run_harness(f, extra, 4), 0);
	series = only_series(f, &run);
	regions = json_object_get(json_object_get(series, "precision"), "regions");
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	assert_true(json_object_size(regions) >= 11); /* the default probe's regions */
	for (size_t c = 3; c < csv.cols; c++) {
		struct column_counts counts = count_column(&csv, (int)c);
		json_t *r = json_object_get(regions, csv.header[c]);
		const char *want = expected_state(&counts, 1.0);
		assert_non_null(r);
		assert_true((uint64_t)json_integer_value(json_object_get(r, "samples")) == counts.samples);
		assert_true((uint64_t)json_integer_value(json_object_get(r, "pairs")) == counts.pairs);
		assert_true(json_number_value(json_object_get(r, "triples")) == counts.triples);
		if (strcmp(json_string_value(json_object_get(r, "state")), want) != 0)
			fail_msg("%s: state %s, the counts say %s", csv.header[c],
				 json_string_value(json_object_get(r, "state")), want);
		waiting += strcmp(want, "waiting") == 0;
	}
	if (waiting) { /* 28-bit regions expect 0.07 pairs in 6000 samples: they wait */
		assert_string_equal(json_string_value(json_object_get(series, "end")), "max_samples");
		assert_int_equal(csv.rows, 6000);
		log = tu_read_file(f->log, NULL);
		assert_non_null(strstr(log, "ended at max_samples (6000 samples) short of +-1 bits"));
		free(log);
	} else {
		assert_string_equal(json_string_value(json_object_get(series, "end")), "precision");
	}
	tu_csv_free(&csv);
	json_decref(run);
}

/* Replay the random probe's rows in seq order: the first row at which every region is
 * done. Its regions differ only in the low 16 bits of their page number (bad_probe.c),
 * so an array indexed by those bits counts each value. */
static size_t first_row_done(const struct tu_csv *csv, double bits)
{
	enum { COLS = 3 };
	uint32_t *seen = calloc((size_t)COLS << 16, sizeof(*seen));
	struct column_counts counts[COLS] = { 0 };
	size_t found = 0;

	assert_int_equal(csv->cols, 3 + COLS);
	for (size_t n = 1; n <= csv->rows && !found; n++) {
		int all = n >= 1000; /* no series ends before 1000 rows */
		for (int c = 0; c < COLS; c++) {
			uint64_t page = tu_csv_u64(csv, n - 1, 3 + c) >> 12, k = seen[((size_t)c << 16) + (page & 0xffff)]++;
			counts[c].samples++;
			counts[c].distinct += k == 0;
			counts[c].pairs += k;
			counts[c].triples += (double)k * (double)(k > 0 ? k - 1 : 0) / 2;
			all = all && strcmp(expected_state(&counts[c], bits), "waiting") != 0;
		}
		if (all)
			found = n;
	}
	free(seen);
	return found;
}

static void test_random_probe_ends_on_precision(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--probe" }, (char[]){ RANDOM_PROBE }, (char[]){ "--precision" }, (char[]){ "0.5" },
			  (char[]){ "--jobs" }, (char[]){ "2" } };
	char path[700];
	struct tu_csv csv;
	json_t *run, *series, *precision;
	size_t first;

	assert_int_equal(run_harness(f, extra, 6), 0);
	series = only_series(f, &run);
	precision = json_object_get(series, "precision");
	assert_string_equal(json_string_value(json_object_get(series, "end")), "precision");
	assert_int_equal(json_array_size(json_object_get(precision, "bounds")), 0);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(precision, "regions"), "fixed"), "state")),
			    "constant");
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	first = first_row_done(&csv, 0.5);
	/* 16 bits at +-0.5 bits: about sqrt(2 * 34.8 * 2^16) = 2137 rows */
	assert_true(first > 0);
	if (csv.rows < first || csv.rows > first + 1) /* jobs - 1 rows may still have been in flight */
		fail_msg("the rule held at row %zu, the series took %zu", first, csv.rows);
	tu_csv_free(&csv);
	json_decref(run);
}

static void test_max_time(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--precision" }, (char[]){ "0.1" }, (char[]){ "--max-time" }, (char[]){ "1" } };
	json_t *run, *series;

	assert_int_equal(run_harness(f, extra, 4), 0);
	series = only_series(f, &run);
	assert_string_equal(json_string_value(json_object_get(series, "end")), "max_time");
	assert_true(json_number_value(json_object_get(series, "seconds")) >= 1.0);
	json_decref(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_probe_counts_agree, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_random_probe_ends_on_precision, tu_run_dirs_setup,
						tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_max_time, tu_run_dirs_setup, tu_run_dirs_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
