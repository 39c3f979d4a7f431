/* Findings, report.md and plots on synthetic runs whose structure is known:
 * mode 0 constant; in mode 1 the heap keeps a fixed offset from text, in mode 2 it
 * does not; lib and ld always move as one; huge is 2 MiB aligned; stack moves below
 * the page. Plots: valid PNGs of the promised size with real content; without
 * gnuplot everything else is still written. */
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

#include "conditional.h"
#include "findings.h"
#include "plots.h"
#include "report.h"
#include "rng.h"
#include "samples.h"
#include "summary.h"
#include "test_util.h"

#define ROWS 2000

struct fixture {
	char *dir;
	struct sample_table table;
	struct analysis analysis;
};

static void write_row(FILE *f, struct rng *r, int mode, int i)
{
	uint64_t text = 0x555555554000ULL, lib = 0x7ffff7dd0000ULL, heap = text + 0x20000;
	uint64_t huge = 0x7fff00000000ULL, stack = 0x7ffffffde000ULL;

	if (mode > 0) {
		text += rng_below(r, 1 << 20) << 12;
		lib -= rng_below(r, 1 << 20) << 12;
		huge += rng_below(r, 1 << 10) << 21;
		stack -= (rng_below(r, 1 << 16) << 12) + (rng_below(r, 256) << 4);
		heap = text + 0x20000 + (mode == 2 ? rng_below(r, 1 << 12) << 12 : 0);
	}
	fprintf(f, "pie,%d,%d,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx\n", mode, i, (unsigned long long)text,
		(unsigned long long)heap, (unsigned long long)lib, (unsigned long long)(lib + 0x28000),
		(unsigned long long)huge, (unsigned long long)stack);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct aslr_error err;
	struct rng r = { 7 };
	char path[600];
	FILE *csv;

	f->dir = tu_mkdtemp();
	snprintf(path, sizeof(path), "%s/samples.csv", f->dir);
	csv = fopen(path, "w");
	fputs("variant,mode,seq,text,heap,lib,ld,huge,stack\n", csv);
	for (int mode = 0; mode <= 2; mode++)
		for (int i = 0; i < ROWS; i++)
			write_row(csv, &r, mode, i);
	fclose(csv);
	if (samples_load(&f->table, path, &err) < 0 || analysis_compute(&f->analysis, &f->table, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	analysis_free(&f->analysis);
	samples_free(&f->table);
	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("missing: \"%s\" in:\n%s", part, text);
}

static void test_findings(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = { 0 };

	assert_true(findings_write(&sb, &f->analysis) > 0);
	assert_contains(sb.text, "In pie mode 0 no region moves: all 6 addresses were the same in all 2000 execs.");
	assert_contains(sb.text, "the heap moves independently of the executable only in mode 2; in mode 1 it keeps a constant offset");
	assert_contains(sb.text, "In pie mode 1, text and heap move together");
	assert_contains(sb.text, "In pie mode 2, lib and ld move together");
	assert_true(strstr(sb.text, "In pie mode 2, text and heap") == NULL);
	assert_contains(sb.text, "huge is aligned to 2^21 bytes (its lowest varying bit): against page granularity that alignment costs 9 bits");
	assert_contains(sb.text, "stack varies below the 4 KiB page (lowest varying bit 4)");
	strbuf_free(&sb);
}

/* A knob sweep: lib is uniform over 2^(bits - 20) pages at mmap_rnd_bits = bits, so 28 and
 * 30 give 8 and 10 bits; the finding must say so within the collision estimate's spread. */
static void test_knob_finding(void **state)
{
	enum { N = 4000 };
	struct sample_table t;
	struct analysis a;
	struct aslr_error err;
	struct strbuf csv = { 0 }, out = { 0 };
	struct rng r = { 9 };
	double lo = 0, hi = 0;
	const char *at;

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,mmap_rnd_bits,lib\n");
	for (int bits = 28; bits <= 30; bits += 2)
		for (int i = 0; i < N; i++)
			strbuf_printf(&csv, "pie,2,%d,%d,0x%llx\n", i, bits,
				      0x7f0000000000ULL + (unsigned long long)(rng_below(&r, 1u << (bits - 20)) << 12));
	assert_int_equal(samples_load_buffer(&t, "mem", csv.text, csv.len, &err), 0);
	assert_int_equal(analysis_compute(&a, &t, &err), 0);
	findings_write(&out, &a);
	at = strstr(out.text, "Raising vm.mmap_rnd_bits from 28 to 30 takes lib from ");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "Raising vm.mmap_rnd_bits from 28 to 30 takes lib from %lf to %lf", &lo, &hi), 2);
	/* 4 sd of the pair count: 4 / (sqrt(C(N,2) / 2^H) ln 2) bits, plus the 0.05 of printing */
	assert_true(fabs(lo - 8) < 4 / (sqrt(N * (N - 1) / 2.0 / 256) * M_LN2) + 0.05);
	assert_true(fabs(hi - 10) < 4 / (sqrt(N * (N - 1) / 2.0 / 1024) * M_LN2) + 0.05);
	strbuf_free(&out);
	strbuf_free(&csv);
	analysis_free(&a);
	samples_free(&t);
}

/* Load csv text and estimate it; the caller frees both. */
static void analyze_text(const struct strbuf *csv, struct sample_table *t, struct analysis *a)
{
	struct aslr_error err;

	assert_int_equal(samples_load_buffer(t, "mem", csv->text, csv->len, &err), 0);
	assert_int_equal(analysis_compute(a, t, &err), 0);
}

/* summary.csv read back by an independent reader: the absent, missing and serial columns.
 * Region a has 1 % of its cells 0x0 (missing), b is never reported (absent), c is a
 * random walk (dependent); mode 1 has 2 samples only (insufficient: empty estimate). */
static void test_summary_csv_columns(void **state)
{
	struct strbuf csv = { 0 };
	struct sample_table t;
	struct analysis a;
	struct aslr_error err;
	struct tu_csv out;
	struct rng r = { 21 };
	uint64_t walk = 0x7f0000000000ULL;
	char *dir = tu_mkdtemp(), path[600];

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,a,b,c\n");
	for (int i = 0; i < 2000; i++) {
		uint64_t x = i % 100 == 3 ? 0 : 0x7f0000000000ULL + (rng_below(&r, 1 << 20) << 12);
		walk += (rng_below(&r, 33) << 12) - (16 << 12);
		strbuf_printf(&csv, "pie,2,%d,0x%llx,0x0,0x%llx\n", i, (unsigned long long)x, (unsigned long long)walk);
	}
	strbuf_printf(&csv, "pie,1,0,0x1000,0x0,0x5000\npie,1,1,0x3000,0x0,0x7000\n");
	analyze_text(&csv, &t, &a);
	assert_int_equal(summary_write(&a, NULL, dir, &err), 0);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	assert_int_equal(tu_csv_load(path, &out), 0);
	int region = tu_csv_col(&out, "region"), mode = tu_csv_col(&out, "mode"), absent = tu_csv_col(&out, "absent");
	int missing = tu_csv_col(&out, "missing"), samples = tu_csv_col(&out, "samples");
	int kind = tu_csv_col(&out, "estimate_kind"), bits = tu_csv_col(&out, "estimate_bits");
	int rejected = tu_csv_col(&out, "serial_rejected"), lag1 = tu_csv_col(&out, "serial_lag1_p");
	assert_true(region >= 0 && mode >= 0 && absent >= 0 && missing >= 0 && samples >= 0 && kind >= 0 &&
		    bits >= 0 && rejected >= 0 && lag1 >= 0);
	assert_true(tu_csv_col(&out, "mcv_count") >= 0 && tu_csv_col(&out, "mcv_share") >= 0 &&
		    tu_csv_col(&out, "shannon_saturated") >= 0 && tu_csv_col(&out, "runs_p") >= 0);
	assert_int_equal(out.rows, 6);
	for (size_t i = 0; i < out.rows; i++) {
		const char *name = out.cell[i][region];
		int m = (int)tu_csv_u64(&out, i, mode);
		assert_string_equal(out.cell[i][absent], strcmp(name, "b") == 0 ? "true" : "false");
		if (m == 1) {
			assert_string_equal(out.cell[i][kind], "insufficient");
			assert_string_equal(out.cell[i][bits], "");
			assert_string_equal(out.cell[i][lag1], "");
		} else if (strcmp(name, "a") == 0) {
			assert_int_equal(tu_csv_u64(&out, i, missing), 20);
			assert_int_equal(tu_csv_u64(&out, i, samples), 1980);
		} else if (strcmp(name, "c") == 0) {
			assert_string_equal(out.cell[i][rejected], "true");
		}
	}
	tu_csv_free(&out);
	tu_rmrf(dir);
	free(dir);
	strbuf_free(&csv);
	analysis_free(&a);
	samples_free(&t);
}

/* Findings from too few samples, skew and dependence. With N = 1 nothing is "constant";
 * with N = 2 the lowest varying bit is a coin toss, so no alignment finding. */
static void test_findings_insufficient_skew_serial(void **state)
{
	struct strbuf csv = { 0 }, out = { 0 }, top = { 0 };
	struct sample_table t;
	struct analysis a;
	struct rng r = { 22 };
	uint64_t walk = 0x7f0000000000ULL;

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,skew,walk\npie,0,0,0x1000,0x2000\npie,1,0,0x2000,0x3000\n"
			    "pie,1,1,0x6000,0x7000\n");
	for (int i = 0; i < 5000; i++) {
		uint64_t x = 0x7f0000000000ULL + (rng_unit(&r) < 0.1 ? 0 : rng_below(&r, 1 << 28) << 12);
		walk += (rng_below(&r, 33) << 12) - (16 << 12);
		strbuf_printf(&csv, "pie,2,%d,0x%llx,0x%llx\n", i, (unsigned long long)x, (unsigned long long)walk);
	}
	analyze_text(&csv, &t, &a);
	findings_write(&out, &a);
	assert_true(strstr(out.text, "no region moves") == NULL);
	assert_true(strstr(out.text, "aligned to") == NULL);
	assert_contains(out.text, "In pie mode 0, fewer than 20 usable samples, too few for any claim about skew (1), walk (1).");
	assert_contains(out.text, "In pie mode 2, one value of skew is ");
	assert_contains(out.text, "In pie mode 2, successive samples of walk are not independent");
	assert_true(findings_warnings(&top, &a, "- **Warning**: ") >= 2);
	assert_contains(top.text, "pie mode 2: one value of skew is ");
	strbuf_free(&top);
	strbuf_free(&out);
	strbuf_free(&csv);
	analysis_free(&a);
	samples_free(&t);
}

static void test_clusters(void **state)
{
	struct fixture *f = *state;
	int cluster[SAMPLES_MAX_COLUMNS];

	/* mode 1: text=heap, lib=ld, huge, stack */
	blocks_clusters(f->analysis.series[1].series, f->analysis.series[1].region, f->table.region_count, cluster);
	assert_int_equal(cluster[0], 0);
	assert_int_equal(cluster[1], 0);
	assert_int_equal(cluster[2], 2);
	assert_int_equal(cluster[3], 2);
	assert_int_equal(cluster[4], 4);
	assert_int_equal(cluster[5], 5);
	/* mode 0: all constant */
	blocks_clusters(f->analysis.series[0].series, f->analysis.series[0].region, f->table.region_count, cluster);
	for (int r = 0; r < 6; r++)
		assert_int_equal(cluster[r], -1);
}

/* PNG signature and IHDR: width and height are big-endian at bytes 16 and 20. */
static void check_png(const char *path)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t len;
	unsigned char *p = (unsigned char *)tu_read_file(path, &len);
	unsigned width, height;

	assert_non_null(p);
	assert_true(len > 24);
	assert_memory_equal(p, sig, 8);
	assert_memory_equal(p + 12, "IHDR", 4);
	width = (unsigned)p[16] << 24 | (unsigned)p[17] << 16 | (unsigned)p[18] << 8 | p[19];
	height = (unsigned)p[20] << 24 | (unsigned)p[21] << 16 | (unsigned)p[22] << 8 | p[23];
	assert_int_equal(width, 1200);
	assert_int_equal(height, 700);
	/* an empty 1200x700 canvas compresses to a few KB; axes, bars and labels do not */
	if (len < 15000)
		fail_msg("%s: only %zu bytes: no real content?", path, len);
	free(p);
}

static void test_plots_and_report(void **state)
{
	struct fixture *f = *state;
	struct plot_list plots = { 0 };
	struct aslr_error err;
	struct strbuf sb = { 0 };
	char path[800];

	if (!tu_have_gnuplot()) {
		print_message("gnuplot is not installed: plots skipped\n");
		skip();
	}
	assert_int_equal(plots_draw(&f->analysis, "6.0-test", f->dir, &plots, &err), 0);
	/* entropy, bits and layout for 3 modes, and histograms of 3 regions that move apart */
	assert_int_equal(plots.count, 1 + 3 + 3 + 3);
	for (unsigned i = 0; i < plots.count; i++) {
		char *svg;
		snprintf(path, sizeof(path), "%s/plots/%s.png", f->dir, plots.name[i]);
		check_png(path);
		snprintf(path, sizeof(path), "%s/plots/%s.svg", f->dir, plots.name[i]);
		svg = tu_read_file(path, NULL);
		assert_non_null(svg);
		assert_contains(svg, "<svg");
		free(svg);
	}
	snprintf(path, sizeof(path), "%s/plots/entropy.svg", f->dir);
	char *svg = tu_read_file(path, NULL);
	for (unsigned r = 0; r < f->table.region_count; r++)
		assert_contains(svg, f->table.region[r]);
	assert_contains(svg, "6.0-test");
	free(svg);

	report_build(&sb, &f->analysis, NULL, &plots, NULL);
	for (unsigned i = 0; i < plots.count; i++) {
		snprintf(path, sizeof(path), "](plots/%s.png)", plots.name[i]);
		assert_contains(sb.text, path);
	}
	for (unsigned r = 0; r < f->table.region_count; r++) {
		snprintf(path, sizeof(path), "| %s |", f->table.region[r]);
		assert_contains(sb.text, path);
	}
	for (int mode = 0; mode <= 2; mode++) {
		snprintf(path, sizeof(path), "### pie mode %d (N = %d)", mode, ROWS);
		assert_contains(sb.text, path);
	}
	assert_contains(sb.text, "## Findings");
	assert_contains(sb.text, "build/bin/aslr-analyze");
	strbuf_free(&sb);
	plot_list_free(&plots);
}

/* aslr-analyze where no gnuplot can be found: exit 0, a warning, everything but plots. */
static void test_without_gnuplot(void **state)
{
	struct fixture *f = *state;
	char dir[600], *argv[] = { (char[]){ ASLR_BIN_DIR "/aslr-analyze" }, dir, (char[]){ "--quiet" }, NULL };
	char *envp[] = { (char[]){ "PATH=/nonexistent" }, NULL };
	char err_path[700], path[700], *text;
	struct stat st;
	int status;

	/* a folder of its own: the samples, and no plots from the other tests */
	snprintf(dir, sizeof(dir), "%s/no-gnuplot", f->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/samples.csv", f->dir);
	text = tu_read_file(path, NULL);
	snprintf(path, sizeof(path), "%s/samples.csv", dir);
	assert_int_equal(tu_write_file(path, text), 0);
	free(text);
	snprintf(err_path, sizeof(err_path), "%s/stderr", f->dir);
	status = tu_run_env(argv, envp, NULL, err_path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	text = tu_read_file(err_path, NULL);
	unlink(err_path);
	assert_contains(text, "warning: no plots: gnuplot cannot be started");
	free(text);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	text = tu_read_file(path, NULL);
	assert_non_null(text);
	assert_contains(text, "> Plots: no plots: gnuplot cannot be started");
	assert_true(strstr(text, "](plots/") == NULL);
	free(text);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/plots/entropy.png", dir);
	assert_true(stat(path, &st) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_clusters),
		cmocka_unit_test(test_knob_finding),
		cmocka_unit_test(test_summary_csv_columns),
		cmocka_unit_test(test_findings_insufficient_skew_serial),
		cmocka_unit_test(test_plots_and_report),
		cmocka_unit_test(test_without_gnuplot),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
