/* The plots of a run (plots.c): which are planned and under which names and titles,
 * without gnuplot; then, with gnuplot, a run of 6 variants x 3 modes drawn whole, every
 * plot report.md links on disk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "analysis_fixture.h"
#include "analyze.h"
#include "plots.h"
#include "test_util.h"

/* 6 variants x 3 modes: what the data implies (analysis_fixture.h): an entropy chart per
 * variant, bits and layout per series, a leak map per series where something moves
 * (modes 1 and 2), and histograms of 3 regions (v0 mode 2: four move apart, 3 are drawn). */
enum { VARIANTS = 6, MODES = 3, SERIES = VARIANTS * MODES, MOVING_SERIES = VARIANTS * 2, HISTS = 3 };
enum { VARIANT_PLOTS = VARIANTS + 2 * SERIES + MOVING_SERIES + HISTS };

struct planned {
	struct analysis_fixture f;
	struct gnuplot_job job;
	struct plot_list list;
};

/* Analyze csv (leaks: the pairs too; csv is freed) and plan its plots. */
static void plan(struct planned *p, struct strbuf *csv, int leaks)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(af_load(&p->f, csv, leaks), 0);
	strbuf_free(csv);
	assert_int_equal(plots_plan(&p->f.analysis, "6.0-test", "/nonexistent/plots", &p->job, &p->list), 0);
}

static void planned_free(struct planned *p)
{
	gnuplot_job_free(&p->job);
	plot_list_free(&p->list);
	af_free(&p->f);
}

static int has_name(const struct plot_list *list, const char *name)
{
	for (unsigned i = 0; i < list->count; i++)
		if (strcmp(list->name[i], name) == 0)
			return 1;
	return 0;
}

/* The distinct `set title "..."` lines of a script. */
static unsigned distinct_titles(const char *script)
{
	char **seen = NULL;
	unsigned n = 0;

	for (const char *at = strstr(script, "set title \""); at; at = strstr(at + 1, "set title \"")) {
		char *title = strndup(at, strcspn(at, "\n"));
		unsigned i = 0;
		while (i < n && strcmp(seen[i], title) != 0)
			i++;
		if (i < n) {
			free(title);
			continue;
		}
		seen = realloc(seen, (n + 1) * sizeof(*seen));
		seen[n++] = title;
	}
	for (unsigned i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return n;
}

/* A vm.mmap_rnd_bits sweep: file names and titles tell the two series apart. */
static void test_sweep_named_and_titled_apart(void **state)
{
	struct strbuf csv = { 0 };
	struct planned p;
	static const char *const want[] = { "entropy", "entropy-pie-rnd30", "bits-pie-rnd28-mode2",
					    "bits-pie-rnd30-mode2", "layout-pie-rnd28-mode2", "layout-pie-rnd30-mode2",
					    "leak-pie-rnd28-mode2", "leak-pie-rnd30-mode2", "knob-mmap_rnd_bits" };

	(void)state;
	af_sweep_csv(&csv, 2000);
	plan(&p, &csv, 1);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!has_name(&p.list, want[i]))
			fail_msg("no plot %s", want[i]);
	/* every plot has a title of its own (each is drawn twice: PNG and SVG) */
	assert_int_equal(distinct_titles(p.job.script.text), p.list.count);
	assert_non_null(strstr(p.job.script.text, "mmap_rnd_bits 28: P(bit = 1)"));
	assert_non_null(strstr(p.job.script.text, "mmap_rnd_bits 30: P(bit = 1)"));
	planned_free(&p);
}

/* Histograms: the 3 most random regions of the first group's last mode, by headline:
 * text (a 28-bit range bound), stack (20 bits), lib (8 bits). */
static void test_histograms_of_the_most_random(void **state)
{
	struct strbuf csv = { 0 };
	struct planned p;
	unsigned hists = 0;

	(void)state;
	af_sweep_csv(&csv, 2000);
	plan(&p, &csv, 0);
	for (unsigned i = 0; i < p.list.count; i++)
		hists += strncmp(p.list.name[i], "hist-", 5) == 0;
	assert_int_equal(hists, 3);
	assert_true(has_name(&p.list, "hist-text") && has_name(&p.list, "hist-stack") && has_name(&p.list, "hist-lib"));
	assert_false(has_name(&p.list, "leak-pie-rnd28-mode2")); /* no pairs computed: no leak maps */
	planned_free(&p);
}

static void test_variants_planned(void **state)
{
	struct strbuf csv = { 0 };
	struct planned p;

	(void)state;
	af_variants_csv(&csv, VARIANTS, 300);
	plan(&p, &csv, 1);
	assert_int_equal(p.list.count, VARIANT_PLOTS);
	assert_int_equal(distinct_titles(p.job.script.text), VARIANT_PLOTS);
	planned_free(&p);
}

static unsigned count_png(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		n += len > 4 && strcmp(e->d_name + len - 4, ".png") == 0;
	}
	if (d)
		closedir(d);
	return n;
}

/* The whole analysis of 6 variants x 3 modes, with gnuplot: every plot report.md links
 * exists, and there are as many as the data implies (a plot is counted once: the findings
 * link the plots of their evidence again). */
static void test_variants_drawn_and_linked(void **state)
{
	struct analyze_request req = { .input = *state };
	struct aslr_error err;
	struct strbuf csv = { 0 };
	char path[700], *report, *seen;
	unsigned links = 0;
	struct stat st;

	if (!tu_have_gnuplot()) {
		print_message("gnuplot is not installed: the drawn plots cannot be checked\n");
		skip();
	}
	af_variants_csv(&csv, VARIANTS, 300);
	snprintf(path, sizeof(path), "%s/samples.csv", (char *)*state);
	assert_int_equal(tu_write_file(path, csv.text), 0);
	if (analyze_run(&req, &err) < 0)
		fail_msg("analyze_run: %s", err.text);
	assert_string_equal(req.warning, "");
	report = tu_read_file(req.report, NULL);
	assert_non_null(report);
	seen = calloc(strlen(report) + 2, 1);
	assert_non_null(seen);
	for (const char *at = strstr(report, "](plots/"); at; at = strstr(at + 1, "](plots/")) {
		char name[300], key[304];
		assert_int_equal(sscanf(at, "](plots/%299[^)])", name), 1);
		snprintf(path, sizeof(path), "%s/plots/%s", (char *)*state, name);
		if (stat(path, &st) < 0)
			fail_msg("report.md links %s, which does not exist", name);
		snprintf(key, sizeof(key), "|%s|", name);
		if (!strstr(seen, key)) {
			strcat(seen, key + (seen[0] ? 1 : 0));
			links++;
		}
	}
	free(seen);
	assert_int_equal(links, VARIANT_PLOTS);
	snprintf(path, sizeof(path), "%s/plots", (char *)*state);
	assert_int_equal(count_png(path), VARIANT_PLOTS);
	free(report);
	strbuf_free(&csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_named_and_titled_apart),
		cmocka_unit_test(test_histograms_of_the_most_random),
		cmocka_unit_test(test_variants_planned),
		cmocka_unit_test_setup_teardown(test_variants_drawn_and_linked, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
