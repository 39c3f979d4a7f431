/* --compare and --baseline on hand-written summaries (tests/data/compare/):
 * base; regressed (libc falls from 27.9 to 20.0 bits in mode 2, stack by 0.5);
 * nomode1 (only mode 2, another kernel): older files without intervals.
 * ci-base (schema /1) and ci-now (/2), N = 100,000, with the intervals and lower bounds
 * aslr-analyze writes for these pair counts (exact Poisson limits):
 *   text  12 -> 29 pairs: 28.63 -> 27.36 bits, the false alarm
 *   libc  19 -> 75 pairs: 27.97 -> 25.99, a 2-bit loss
 *   stack range 30 (4 pairs, lower bound 29.02) -> collision 28.90 [28.02, 29.96] (10 pairs)
 *   heap  -> insufficient (estimate_bits null); vdso bit_entropy_sum 28 [27, 28] -> range 20
 *   [19.2, 20]; argv constant in both.
 * And two runs of a knob sweep (analysis_fixture.h), analyzed here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "analysis_fixture.h"
#include "compare.h"
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
	assert_contains(text, "REGRESSION pie mode 2 libc: 20.00 bits (range, no interval) in regressed, baseline "
			      "27.90 bits (collision, no interval) in base; drop 7.90 bits > tolerance 1.00, no "
			      "intervals in the files: point values compared\n");
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
	if (!tu_have_gnuplot()) {
		print_message("gnuplot is not installed: compare's plots cannot be checked\n");
		free(md);
		tu_rmrf(dir);
		free(dir);
		skip();
	}
	snprintf(path, sizeof(path), "%s/compare-pie-mode2.png", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 10000);
	assert_contains(md, "![compare-pie-mode2](compare-pie-mode2.png)");
	free(md);
	tu_rmrf(dir);
	free(dir);
}

/* Where gnuplot cannot be started, compare.md links no plot and says why. */
static void test_compare_without_gnuplot_links_nothing(void **state)
{
	char dir[700], path[800], *md;
	char *argv[] = { (char[]){ ANALYZE }, (char[]){ "--compare" }, (char[]){ DATA "/base" },
			 (char[]){ DATA "/regressed" }, (char[]){ "--out" }, dir, NULL };
	char *envp[] = { (char[]){ "PATH=/nonexistent" }, NULL };
	int status;

	snprintf(dir, sizeof(dir), "%s/no-gnuplot", (char *)*state);
	assert_int_equal(mkdir(dir, 0755), 0);
	status = tu_run_env(argv, envp, out_path, err_path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(path, sizeof(path), "%s/compare.md", dir);
	md = tu_read_file(path, NULL);
	assert_contains(md, "## pie mode 2");
	assert_contains(md, "> Plots: no plots: gnuplot cannot be started");
	if (strstr(md, "](compare-"))
		fail_msg("compare.md links plots that were not drawn:\n%s", md);
	free(md);
}

/* Run folder dir/name holding csv, analyzed (no plots). */
static void analyzed_run(const char *dir, const char *name, const struct strbuf *csv, char *run, size_t size)
{
	char path[700], *args[] = { run, (char[]){ "--quiet" }, (char[]){ "--no-plots" } };

	snprintf(run, size, "%s/%s", dir, name);
	assert_int_equal(mkdir(run, 0755), 0);
	snprintf(path, sizeof(path), "%s/samples.csv", run);
	assert_int_equal(tu_write_file(path, csv->text), 0);
	assert_int_equal(analyze(args, 3), 0);
}

/* Two runs of a vm.mmap_rnd_bits sweep: each knob value is a series of its own in the
 * tables and in the plots' file names (series_key_tag: pie-rnd28-mode2). */
static void test_sweep_compared_apart(void **state)
{
	char *dir = *state, a[700], b[700], path[800], *md, *table;
	char *args[] = { (char[]){ "--compare" }, a, b, (char[]){ "--out" }, dir };
	struct strbuf csv = { 0 };
	struct stat st;

	af_sweep_csv(&csv, 500);
	analyzed_run(dir, "a", &csv, a, sizeof(a));
	analyzed_run(dir, "b", &csv, b, sizeof(b));
	strbuf_free(&csv);
	assert_int_equal(analyze(args, 5), 0);
	snprintf(path, sizeof(path), "%s/compare.md", dir);
	md = tu_read_file(path, NULL);
	table = tu_read_file(out_path, NULL);
	assert_contains(md, "## pie mode 2, mmap_rnd_bits 28\n");
	assert_contains(md, "## pie mode 2, mmap_rnd_bits 30\n");
	assert_contains(table, "\npie mode 2, mmap_rnd_bits 28: headline bits");
	assert_contains(table, "\npie mode 2, mmap_rnd_bits 30: headline bits");
	free(table);
	if (!tu_have_gnuplot()) {
		free(md);
		print_message("gnuplot is not installed: compare's plot names cannot be checked\n");
		skip();
	}
	for (int bits = 28; bits <= 30; bits += 2) {
		char link[200];
		snprintf(path, sizeof(path), "%s/compare-pie-rnd%d-mode2.png", dir, bits);
		assert_int_equal(stat(path, &st), 0);
		snprintf(link, sizeof(link), "![compare-pie-rnd%d-mode2](compare-pie-rnd%d-mode2.png)", bits, bits);
		assert_contains(md, link);
	}
	free(md);
}

/* Each line names both values with kind and interval; the z values follow from the
 * intervals: se = half-width / 1.96 (baseline's lower half, now's upper half). text:
 * (1.27 - 1) / hypot(0.80, 0.58) * 1.96 = 0.54; libc: (1.98 - 1) / hypot(0.64, 0.35) * 1.96 = 2.63. */
static void test_gate_weighs_intervals(void **state)
{
	char *args[] = { (char[]){ "--baseline" }, (char[]){ DATA "/ci-base" }, (char[]){ DATA "/ci-now" } };
	char *text;

	(void)state;
	assert_int_equal(analyze(args, 3), 3);
	text = tu_read_file(out_path, NULL);
	assert_contains(text, "note: pie mode 2 text: 27.36 bits (collision [26.84, 27.94]) in ci-now, baseline 28.63 "
			      "bits (collision [27.83, 29.59]) in ci-base; drop 1.27 bits > tolerance 1.00, within the "
			      "sampling error (z 0.54 <= 1.645): not a regression\n");
	assert_contains(text, "REGRESSION pie mode 2 libc: 25.99 bits (collision [25.66, 26.34]) in ci-now, "
			      "baseline 27.97 bits (collision [27.33, 28.70]) in ci-base; drop 1.98 bits > tolerance "
			      "1.00, beyond the sampling error (z 2.63 > 1.645)\n");
	assert_contains(text, "note: pie mode 2 stack: 28.90 bits (collision [28.02, 29.96]) in ci-now, baseline 30.00 "
			      "bits (range [29.02, 30.00]) in ci-base; drop 1.10 bits > tolerance 1.00, within the "
			      "sampling error (intervals overlap): not a regression\n");
	assert_contains(text, "note: pie mode 2 heap: too few samples in ci-now: not compared\n");
	assert_contains(text, "REGRESSION pie mode 2 vdso: 20.00 bits (range [19.20, 20.00]) in ci-now, baseline "
			      "28.00 bits (bit_entropy_sum [27.00, 28.00]) in ci-base; drop 8.00 bits > tolerance "
			      "1.00, beyond the sampling error (intervals 7.00 bits apart)\n");
	assert_true(strstr(text, "argv") == NULL); /* constant in both: [0, 0], no drop */
	assert_contains(text, "2 regions below the baseline by more than 1.00 bits, beyond the sampling error");
	free(text);
}

/* At tolerance 0 the text drop is significant: z = 1.27 / 0.504 = 2.52. */
static void test_gate_at_tolerance_zero(void **state)
{
	char *args[] = { (char[]){ "--baseline" }, (char[]){ DATA "/ci-base" }, (char[]){ DATA "/ci-now" },
			 (char[]){ "--tolerance=0" } };
	char *text;

	(void)state;
	assert_int_equal(analyze(args, 4), 3);
	text = tu_read_file(out_path, NULL);
	assert_contains(text, "REGRESSION pie mode 2 text: 27.36 bits (collision [26.84, 27.94]) in ci-now");
	assert_contains(text, "(z 2.52 > 1.645)");
	assert_contains(text, "3 regions below the baseline by more than 0.00 bits");
	free(text);
}

/* --compare marks differences beyond both intervals, never ones within them or ones
 * of files without intervals. */
static void test_compare_marks_differences_beyond_intervals(void **state)
{
	char *args[] = { (char[]){ "--compare" }, (char[]){ DATA "/ci-base" }, (char[]){ DATA "/ci-now" },
			 (char[]){ "--out" }, *state };
	char path[700], *md;

	assert_int_equal(analyze(args, 5), 0);
	snprintf(path, sizeof(path), "%s/compare.md", (char *)*state);
	md = tu_read_file(path, NULL);
	assert_contains(md, "| text | 28.6 | 27.4 (-1.3*) |");
	assert_contains(md, "| libc | 28.0 | 26.0 (-2.0*) |");
	assert_contains(md, "| stack | 30.0 ≤ | 28.9 (-1.1) |");
	assert_contains(md, "| heap | 28.0 | insufficient |");
	assert_contains(md, "| vdso | 28.0 ≤ | 20.0 ≤ (-8.0*) |");
	assert_contains(md, "| argv | 0.0 | 0.0 (+0.0) |");
	/* runs of two kernels (6.18.0-base, 6.19.0-rc1): what differs between the kernels leads
	 * (kdiff.h), then the comparison opens with what changed, the largest first */
	assert_true(strncmp(md, "# Kernels compared\n", strlen("# Kernels compared\n")) == 0);
	assert_true(strstr(md, "# ASLR entropy compared\n\n## Key changes\n") != NULL);
	assert_true(strstr(md, "1. pie mode 2: vdso fell from 28.0 to 20.0 bits") != NULL);
	assert_true(strstr(md, "## Key changes") < strstr(md, "## Runs"));
	free(md);
}

/* The key changes of ci-base -> ci-now, from the files' numbers and the gate's rule at
 * tolerance 0 (gate.h), worked by hand:
 *   vdso  28 (bound, [27, 28]) -> 20 ([19.2, 20]): -8, intervals 7 bits apart: beyond
 *   libc  27.97 -> 25.99: -1.98, se = hypot(0.643, 0.346) / 1.96 = 0.373, z = 5.3: beyond
 *   text  28.63 -> 27.36: -1.27, se = hypot(0.805, 0.578) / 1.96 = 0.506, z = 2.5: beyond
 *   stack 30 (bound, [29.02, 30]) -> 28.90 ([28.02, 29.96]): -1.10, intervals overlap: within
 *   heap (insufficient now) and argv (0 -> 0) are no change. Ranked by size. */
static void test_key_changes_ranked(void **state)
{
	static const char *const region[] = { "vdso", "libc", "text", "stack" };
	static const double before[] = { 28.0, 27.9713, 28.6343, 30.0 }, after[] = { 20.0, 25.9904, 27.3613, 28.8973 };
	static const int beyond[] = { 1, 1, 1, 0 };
	struct cmp_run runs[2];
	struct cmp_changes changes;
	struct aslr_error err;
	struct strbuf md = { 0 };

	(void)state;
	assert_int_equal(compare_load(&runs[0], DATA "/ci-base", &err), 0);
	assert_int_equal(compare_load(&runs[1], DATA "/ci-now", &err), 0);
	assert_int_equal(compare_changes(runs, 2, &changes), 0);
	assert_int_equal(changes.count, 4);
	for (unsigned i = 0; i < 4; i++) {
		const struct cmp_change *c = &changes.item[i];
		assert_int_equal(c->region_count, 1);
		assert_string_equal(c->region[0], region[i]);
		assert_int_equal(c->run, 1);
		assert_true(fabs(c->before - (before[i])) < 1e-9);
		assert_true(fabs(c->after - (after[i])) < 1e-9);
		assert_true(fabs(c->change - (after[i] - before[i])) < 1e-9);
		assert_int_equal(c->beyond, beyond[i]);
	}
	assert_int_equal(compare_changes_write(&md, runs, 2, &changes, 2), 2);
	assert_contains(md.text, "## Key changes");
	assert_contains(md.text, "(#compare-pie-mode2)");
	assert_contains(md.text, "2 more");
	strbuf_free(&md);
	compare_changes_free(&changes);
	compare_free(&runs[0]);
	compare_free(&runs[1]);
}

/* Regions with the same numbers in one series are one change (a block), apart from the
 * others; a change under a bit with no intervals to weigh is none. */
static void test_key_changes_grouped(void **state)
{
	struct cmp_region was[] = { { .name = "text", .bits = 28, .kind = "range" },
				    { .name = "data", .bits = 28, .kind = "range" },
				    { .name = "libc", .bits = 28, .kind = "range" },
				    { .name = "bss", .bits = 28, .kind = "range" },
				    { .name = "stack", .bits = 30, .kind = "range" } };
	struct cmp_region now[] = { { .name = "text", .bits = 19, .kind = "range" },
				    { .name = "data", .bits = 19, .kind = "range" },
				    { .name = "libc", .bits = 27, .kind = "range" },
				    { .name = "bss", .bits = 19, .kind = "range" },
				    { .name = "stack", .bits = 29.5, .kind = "range" } };
	struct cmp_series old_series = { .variant = "pie", .mode = 2, .rnd_bits = -1, .rnd_compat_bits = -1,
					 .region_count = 5, .region = was };
	struct cmp_series new_series = old_series;
	struct cmp_run runs[2] = { { .name = "a", .series_count = 1, .series = &old_series },
				   { .name = "b", .series_count = 1, .series = &new_series } };
	struct cmp_changes changes;

	(void)state;
	new_series.region = now;
	for (unsigned i = 0; i < 5; i++)
		was[i].low = was[i].high = was[i].bits, now[i].low = now[i].high = now[i].bits;
	assert_int_equal(compare_changes(runs, 2, &changes), 0);
	assert_int_equal(changes.count, 2);
	assert_int_equal(changes.item[0].region_count, 3);
	assert_string_equal(changes.item[0].region[0], "text");
	assert_string_equal(changes.item[0].region[1], "data");
	assert_string_equal(changes.item[0].region[2], "bss");
	assert_true(fabs(changes.item[0].change - (-9)) < 1e-9);
	assert_int_equal(changes.item[1].region_count, 1);
	assert_string_equal(changes.item[1].region[0], "libc");
	assert_true(fabs(changes.item[1].change - (-1)) < 1e-9);
	compare_changes_free(&changes);
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
		cmocka_unit_test(test_gate_weighs_intervals),
		cmocka_unit_test(test_gate_at_tolerance_zero),
		cmocka_unit_test(test_compare_marks_differences_beyond_intervals),
		cmocka_unit_test(test_key_changes_ranked),
		cmocka_unit_test(test_key_changes_grouped),
		cmocka_unit_test(test_bad_summaries),
		cmocka_unit_test(test_sweep_compared_apart),
		cmocka_unit_test(test_compare_without_gnuplot_links_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
