/* report.md, summary.csv and plots on synthetic runs whose structure is known:
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

#include "analysis_fixture.h"
#include "conditional.h"
#include "finding.h"
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

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct aslr_error err;
	struct strbuf csv = { 0 };
	char path[600];

	f->dir = tu_mkdtemp();
	snprintf(path, sizeof(path), "%s/samples.csv", f->dir);
	af_layout_csv(&csv, ROWS);
	if (tu_write_file(path, csv.text) < 0 || samples_load(&f->table, path, &err) < 0 ||
	    analysis_compute(&f->analysis, &f->table, &err) < 0)
		return -1;
	strbuf_free(&csv);
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

static int starts(const char *text, const char *prefix)
{
	return text && strncmp(text, prefix, strlen(prefix)) == 0;
}

/* report.md opens with the Key findings (numbered, at most FINDINGS_KEY_MAX), then the full
 * findings, then the machine and the tables; every link to a section of the report has its
 * anchor there. On the layout run with its leaks: the heap tied to text in mode 1 leads. */
static void test_key_findings_open_report(void **state)
{
	struct strbuf csv = { 0 }, sb = { 0 };
	struct analysis_fixture f;
	const char *key, *full, *rest;
	unsigned numbered = 0;

	(void)state;
	af_layout_csv(&csv, ROWS);
	assert_int_equal(af_load(&f, &csv, 1), 0);
	report_build(&sb, &f.analysis, NULL, NULL, NULL);
	key = strstr(sb.text, "\n## ");
	assert_non_null(key);
	assert_true(starts(key, "\n## Key findings\n"));
	full = strstr(key + 1, "\n## ");
	assert_true(starts(full, "\n## Findings\n"));
	rest = strstr(full + 1, "\n## ");
	assert_non_null(rest);
	for (const char *line = key; line && line < full; line = strchr(line + 1, '\n'))
		numbered += line[1] >= '1' && line[1] <= '9' && line[2] == '.';
	assert_true(numbered >= 3 && numbered <= FINDINGS_KEY_MAX);
	assert_non_null(strstr(key, "\n1. In pie mode 1, text and heap move as one"));
	for (const char *at = strstr(sb.text, "](#"); at; at = strstr(at + 1, "](#")) {
		char id[200], anchor[260];
		assert_int_equal(sscanf(at, "](#%199[^)])", id), 1);
		if (strcmp(id, "findings") == 0)
			continue; /* the heading's own id */
		snprintf(anchor, sizeof(anchor), "<a id=\"%s\"></a>", id);
		if (!strstr(sb.text, anchor))
			fail_msg("report.md links #%s, which has no anchor", id);
	}
	strbuf_free(&sb);
	strbuf_free(&csv);
	af_free(&f);
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
		cmocka_unit_test(test_clusters),
		cmocka_unit_test(test_summary_csv_columns),
		cmocka_unit_test(test_plots_and_report),
		cmocka_unit_test(test_key_findings_open_report),
		cmocka_unit_test(test_without_gnuplot),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
