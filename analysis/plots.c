#include "plots.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conditional.h"
#include "gnuplot.h"

enum { WIDTH = 1200, HEIGHT = 700, HIST_BINS = 64 };

static const char *const mode_colors[] = { "#999999", "#4477aa", "#ee6677", "#228833" };

static void add_name(struct plot_list *list, const char *name)
{
	char **grown = list->failed ? NULL : realloc(list->name, (list->count + 1) * sizeof(*grown));
	char *copy = grown ? strdup(name) : NULL;

	if (grown)
		list->name = grown;
	if (!copy) {
		list->failed = 1;
		return;
	}
	list->name[list->count++] = copy;
}

void plot_list_free(struct plot_list *list)
{
	for (unsigned i = 0; i < list->count; i++)
		free(list->name[i]);
	free(list->name);
	memset(list, 0, sizeof(*list));
}

int plot_list_has(const struct plot_list *list, const char *name)
{
	for (unsigned i = 0; list && i < list->count; i++)
		if (strcmp(list->name[i], name) == 0)
			return 1;
	return 0;
}

static void region_tics(struct strbuf *sb, const struct sample_table *t, const char *axis)
{
	strbuf_printf(sb, "set %s (", axis);
	for (unsigned r = 0; r < t->region_count; r++)
		strbuf_printf(sb, "%s\"%s\" %u", r ? ", " : "", t->region[r], r);
	strbuf_printf(sb, ")\n");
}

static void nan_or(struct strbuf *sb, double v)
{
	if (isfinite(v))
		strbuf_printf(sb, " %.4f", v);
	else
		strbuf_printf(sb, " NaN");
}

/* One data block per series of the group: x headline ci_lo ci_hi range bitsum kind. */
static void entropy_data(struct strbuf *sb, const struct analysis *a, unsigned first, unsigned last)
{
	for (unsigned s = first; s < last; s++) {
		strbuf_printf(sb, "$E%u << EOD\n", s - first);
		for (unsigned r = 0; r < a->table->region_count; r++) {
			const struct region_estimate *e = &a->series[s].region[r];
			strbuf_printf(sb, "%u", r);
			nan_or(sb, e->estimate_bits);
			nan_or(sb, e->kind == KIND_COLLISION ? e->collision_ci_low : NAN);
			nan_or(sb, e->kind == KIND_COLLISION ? e->collision_ci_high : NAN);
			/* no bound markers on regions that never moved: they would only clutter the axis */
			nan_or(sb, e->kind == KIND_CONSTANT ? NAN : e->range_bits);
			nan_or(sb, e->kind == KIND_CONSTANT ? NAN : e->bit_entropy_sum);
			/* bounds share one bar style: the column says "estimate" (2) or "bound" (1) */
			strbuf_printf(sb, " %d\n", estimate_kind_is_bound(e->kind) ? (int)KIND_RANGE : (int)e->kind);
		}
		strbuf_printf(sb, "EOD\n");
	}
}

/* The highest value any bar, interval or marker of the group reaches. */
static double entropy_top(const struct analysis *a, unsigned first, unsigned last)
{
	double top = 1;

	for (unsigned s = first; s < last; s++)
		for (unsigned r = 0; r < a->table->region_count; r++) {
			const struct region_estimate *e = &a->series[s].region[r];
			top = fmax(top, fmax(e->range_bits, e->bit_entropy_sum));
			if (e->kind == KIND_COLLISION)
				top = fmax(top, e->collision_ci_high);
		}
	return top;
}

static void entropy_plot(struct gnuplot_job *job, const struct analysis *a, unsigned first,
			 unsigned last, const char *release, const char *dir, const char *name)
{
	const struct sample_table *t = a->table;
	unsigned n = last - first;
	double width = 0.8 / n;
	struct strbuf body = { 0 };
	char label[SERIES_KEY_TEXT];

	entropy_data(&job->script, a, first, last);
	analysis_group_label(a, first, label, sizeof(label));
	strbuf_printf(&body, "set title \"%s: bits per region, Linux %s, N = %zu per mode\\n"
			     "solid bar: collision estimate with 95%% CI; hatched: upper bound only; "
			     "o range (upper bound), x per-bit sum (upper bound)\"\n",
		      label, release, a->series[first].series->rows);
	strbuf_printf(&body, "set ylabel 'bits'\nset yrange [0:%.0f]\nset xrange [-0.6:%u.6]\n"
			     "set grid ytics\nset key below horizontal\nset boxwidth %.3f\n",
		      ceil(entropy_top(a, first, last) * 1.08 + 1), t->region_count - 1, width * 0.95);
	region_tics(&body, t, "xtics rotate by -30");
	strbuf_printf(&body, "plot ");
	for (unsigned i = 0; i < n; i++) {
		const char *color = mode_colors[(a->series[first + i].series->mode + 4) % 4];
		double off = -0.4 + width * (i + 0.5);
		int mode = a->series[first + i].series->mode;
		strbuf_printf(&body,
			      "%s$E%u using ($1+%.3f):($7==2?$2:NaN) with boxes fs solid 0.8 lc rgb '%s' title 'mode %d', "
			      "$E%u using ($1+%.3f):($7==1?$2:NaN) with boxes fs pattern 4 lc rgb '%s' notitle, "
			      "$E%u using ($1+%.3f):2:3:4 with yerrorbars lc rgb 'black' pt -1 notitle, "
			      "$E%u using ($1+%.3f):5 with points pt 6 ps 1.3 lc rgb 'black' %s, "
			      "$E%u using ($1+%.3f):6 with points pt 2 ps 1.1 lc rgb '#aa3377' %s",
			      i ? ", " : "", i, off, color, mode, i, off, color, i, off, i, off,
			      i ? "notitle" : "title 'range (upper bound)'", i, off,
			      i ? "notitle" : "title 'per-bit sum (upper bound)'");
	}
	gnuplot_render(job, dir, name, WIDTH, HEIGHT, body.text);
	strbuf_free(&body);
}

static void bits_plot(struct gnuplot_job *job, const struct analysis *a, unsigned s,
		      const char *dir, const char *name)
{
	const struct sample_table *t = a->table;
	struct strbuf body = { 0 };
	char label[SERIES_KEY_TEXT];

	strbuf_printf(&job->script, "$B%u << EOD\n", s);
	for (unsigned r = 0; r < t->region_count; r++) {
		for (int b = 0; b < 48; b++)
			strbuf_printf(&job->script, "%s%.4f", b ? " " : "", a->series[s].region[r].p_one[b]);
		strbuf_printf(&job->script, "\n");
	}
	strbuf_printf(&job->script, "EOD\n");
	analysis_series_label(a, s, label, sizeof(label));
	strbuf_printf(&body, "set title \"%s: P(bit = 1) per region and bit, N = %zu\\n"
			     "white: random (1/2), blue: always 0, red: always 1\"\n",
		      label, a->series[s].series->rows);
	strbuf_printf(&body, "set xrange [-0.5:47.5]\nset yrange [%u.5:-0.5]\nset xtics 0,4,47\n"
			     "set xlabel 'bit'\nset cbrange [0:1]\nset cblabel 'P(bit = 1)'\nunset key\n"
			     "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\n",
		      t->region_count - 1);
	region_tics(&body, t, "ytics");
	strbuf_printf(&body, "plot $B%u matrix with image", s);
	gnuplot_render(job, dir, name, WIDTH, HEIGHT, body.text);
	strbuf_free(&body);
}

static int compare_by_min(const void *x, const void *y, void *ctx)
{
	const struct region_estimate *e = ctx;
	unsigned a = *(const unsigned *)x, b = *(const unsigned *)y;
	return e[a].min < e[b].min ? -1 : e[a].min > e[b].min;
}

static void layout_plot(struct gnuplot_job *job, const struct analysis *a, unsigned s,
			const char *dir, const char *name)
{
	const struct sample_table *t = a->table;
	const struct region_estimate *e = a->series[s].region;
	unsigned order[SAMPLES_MAX_COLUMNS];
	struct strbuf body = { 0 };
	char label[SERIES_KEY_TEXT];

	for (unsigned r = 0; r < t->region_count; r++)
		order[r] = r;
	qsort_r(order, t->region_count, sizeof(order[0]), compare_by_min, (void *)(uintptr_t)e);
	strbuf_printf(&job->script, "$L%u << EOD\n", s);
	for (unsigned slot = 0; slot < t->region_count; slot++) {
		const struct region_estimate *x = &e[order[slot]];
		double span = log2((double)(x->max - x->min) + 1);
		if (x->min == x->max)
			strbuf_printf(&job->script, "%u 0 \"%s  0x%llx (never moved)\"\n", slot,
				      t->region[order[slot]], (unsigned long long)x->min);
		else
			strbuf_printf(&job->script, "%u %.3f \"%s  0x%llx - 0x%llx\"\n", slot, span,
				      t->region[order[slot]], (unsigned long long)x->min, (unsigned long long)x->max);
	}
	strbuf_printf(&job->script, "EOD\n");
	analysis_series_label(a, s, label, sizeof(label));
	strbuf_printf(&body, "set title \"%s: where each region was seen (N = %zu), "
			     "highest addresses at the top\\nbar length: log2 of the observed span in bytes\"\n",
		      label, a->series[s].series->rows);
	strbuf_printf(&body, "set xrange [0:80]\nset yrange [-0.7:%u.7]\nset xtics 0,4,48\nunset ytics\n"
			     "set xlabel 'log2(max - min + 1)'\nunset key\nset grid xtics\n",
		      t->region_count - 1);
	strbuf_printf(&body, "plot $L%u using ($2/2):1:(0):2:($1-0.35):($1+0.35) with boxxyerror "
			     "fs solid 0.6 lc rgb '#4477aa', $L%u using 2:1:3 with labels left offset 1,0",
		      s, s);
	gnuplot_render(job, dir, name, WIDTH, HEIGHT, body.text);
	strbuf_free(&body);
}

static void hist_plot(struct gnuplot_job *job, const struct analysis *a, unsigned s, unsigned r,
		      const char *dir, const char *name)
{
	typedef unsigned __int128 u128;
	const struct region_estimate *e = &a->series[s].region[r];
	const struct sample_series *x = a->series[s].series;
	u128 m = (u128)((e->max - e->min) >> e->alignment_bit) + 1;
	unsigned bins = m < HIST_BINS ? (unsigned)m : HIST_BINS;
	size_t count[HIST_BINS] = { 0 };
	struct strbuf body = { 0 };
	char label[SERIES_KEY_TEXT];

	for (size_t i = 0; i < x->rows; i++)
		count[(size_t)((u128)((x->column[r].data[i] - e->min) >> e->alignment_bit) * bins / m)]++;
	strbuf_printf(&job->script, "$H%u_%u << EOD\n", s, r);
	for (unsigned b = 0; b < bins; b++) {
		u128 first = (b * m + bins - 1) / bins, next = ((b + 1) * m + bins - 1) / bins;
		strbuf_printf(&job->script, "%u %zu %.3f\n", b, count[b],
			      (double)x->rows * (double)(next - first) / (double)m);
	}
	strbuf_printf(&job->script, "EOD\n");
	analysis_series_label(a, s, label, sizeof(label));
	strbuf_printf(&body, "set title \"%s, %s: (address - min) / 2^%d in %u bins, N = %zu\\n"
			     "chi-square p = %.3g over %u bins of the alignment lattice\"\n",
		      a->table->region[r], label, e->alignment_bit, bins, x->rows, e->chi2_p, e->chi2_bins);
	strbuf_printf(&body, "set xlabel 'bin (each %.3g granules of 2^%d bytes)'\nset ylabel 'samples'\n"
			     "set yrange [0:*]\nset xrange [-0.5:%u.5]\nset key top right\nset boxwidth 0.9\n",
		      (double)m / bins, e->alignment_bit, bins - 1);
	strbuf_printf(&body, "plot $H%u_%u using 1:2 with boxes fs solid 0.6 lc rgb '#4477aa' title 'observed', "
			     "$H%u_%u using 1:3 with steps lw 2 lc rgb '#ee6677' title 'uniform expectation'",
		      s, r, s, r);
	gnuplot_render(job, dir, name, WIDTH, HEIGHT, body.text);
	strbuf_free(&body);
}

static int series_all_constant(const struct analysis *a, unsigned s)
{
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (a->series[s].region[r].kind != KIND_CONSTANT)
			return 0;
	return 1;
}

/* Heat map A x B of the bits of A left once B leaked, the numbers written in the cells. */
static void leak_plot(struct gnuplot_job *job, const struct analysis *a, unsigned s, const char *dir,
		      const char *name)
{
	const struct sample_table *t = a->table;
	struct strbuf body = { 0 };
	char label[SERIES_KEY_TEXT];
	double top = 1;

	strbuf_printf(&job->script, "$K%u << EOD\n", s);
	for (unsigned r_a = 0; r_a < t->region_count; r_a++) {
		for (unsigned r_b = 0; r_b < t->region_count; r_b++) {
			double bits = conditional_bits(a, s, r_a, r_b, NULL);
			top = fmax(top, bits);
			strbuf_printf(&job->script, "%s%.2f", r_b ? " " : "", bits);
		}
		strbuf_printf(&job->script, "\n");
	}
	strbuf_printf(&job->script, "EOD\n");
	analysis_series_label(a, s, label, sizeof(label));
	strbuf_printf(&body, "set title \"%s: bits of A (row) left to guess once B (column) has leaked\\n"
			     "H(A|B): A - B given B's low bits, capped by A's headline; N = %zu\"\n",
		      label, a->series[s].series->rows);
	strbuf_printf(&body, "set xrange [-0.5:%u.5]\nset yrange [%u.5:-0.5]\nset cbrange [0:%.0f]\n"
			     "set xlabel 'B: the leaked region'\nset ylabel 'A: the region to guess'\n"
			     "set cblabel 'bits left'\nunset key\n"
			     "set palette defined (0 '#b2182b', 0.5 '#fddbc7', 1 '#f7f7f7')\n",
		      t->region_count - 1, t->region_count - 1, ceil(top));
	region_tics(&body, t, "xtics rotate by -30");
	region_tics(&body, t, "ytics");
	strbuf_printf(&body, "plot $K%u matrix with image, $K%u matrix using 1:2:(sprintf('%%.0f', $3)) "
			     "with labels font ',10'",
		      s, s);
	gnuplot_render(job, dir, name, WIDTH, HEIGHT, body.text);
	strbuf_free(&body);
}

/* Headline against the knob's value, one line per region that moves: the first variant,
 * highest mode, the other knob as in the first series. */
static int knob_plot(struct gnuplot_job *job, const struct analysis *a, int knob, const char *dir,
		     const char *name)
{
	const char *knob_name = analysis_knob_name(knob);
	int mode = analysis_highest_mode(a), plotted = 0;
	struct series_key sweep = analysis_knob_sweep(a, knob, mode);
	struct strbuf body = { 0 };
	char label[SERIES_KEY_TEXT];

	for (unsigned r = 0; r < a->table->region_count; r++) {
		int points = 0;
		for (unsigned s = 0; s < a->series_count; s++) {
			const struct region_estimate *e = &a->series[s].region[r];
			if (!analysis_in_knob_sweep(a, s, knob, mode) || e->absent || e->kind == KIND_CONSTANT ||
			    e->kind == KIND_INSUFFICIENT)
				continue;
			if (!points++)
				strbuf_printf(&job->script, "$N%d_%u << EOD\n", knob, r);
			strbuf_printf(&job->script, "%d %.4f\n", analysis_knob(a->series[s].series, knob),
				      e->estimate_bits);
		}
		if (points) {
			strbuf_printf(&job->script, "EOD\n");
			strbuf_printf(&body, "%s$N%d_%u using 1:2 with linespoints lw 2 title '%s'", plotted++ ? ", " : "plot ",
				      knob, r, a->table->region[r]);
		}
	}
	if (!plotted) {
		strbuf_free(&body);
		return 0;
	}
	struct strbuf head = { 0 };
	series_key_label(&sweep, label, sizeof(label));
	strbuf_printf(&head, "set title \"%s: headline bits against vm.%s\"\nset xlabel 'vm.%s'\n"
			     "set ylabel 'bits'\nset key outside right\nset grid\nset xtics 1\n%s",
		      label, knob_name, knob_name, body.text);
	gnuplot_render(job, dir, name, WIDTH, HEIGHT, head.text);
	strbuf_free(&head);
	strbuf_free(&body);
	return 1;
}

/* Which regions get a histogram: up to PLOTS_MAX_HIST non-constant regions of series s
 * with the highest headline, skipping any that moves as one with one already chosen. */
static unsigned plots_hist_regions(const struct analysis *a, unsigned s, unsigned *regions)
{
	const struct region_estimate *e = a->series[s].region;
	unsigned chosen = 0, used[SAMPLES_MAX_COLUMNS] = { 0 };

	while (chosen < PLOTS_MAX_HIST) {
		int best = -1;
		for (unsigned r = 0; r < a->table->region_count; r++) {
			int together = 0;
			if (used[r] || e[r].kind == KIND_CONSTANT || e[r].kind == KIND_INSUFFICIENT)
				continue;
			for (unsigned c = 0; c < chosen && !together; c++)
				together = analysis_offset_constant(a, s, r, regions[c]);
			if (!together && (best < 0 || e[r].estimate_bits > e[best].estimate_bits))
				best = (int)r;
		}
		if (best < 0)
			break;
		used[best] = 1;
		regions[chosen++] = (unsigned)best;
	}
	return chosen;
}

int plots_plan(const struct analysis *a, const char *release, const char *dir, struct gnuplot_job *job,
	       struct plot_list *list)
{
	char tag[SERIES_KEY_TEXT], name[SERIES_KEY_TEXT + 16];
	unsigned hist[PLOTS_MAX_HIST], n_hist, group_end = analysis_group_end(a, 0);

	strbuf_printf(&job->script, "set encoding utf8\n");
	for (unsigned first = 0; first < a->series_count; first = analysis_group_end(a, first)) {
		analysis_group_tag(a, first, tag, sizeof(tag));
		snprintf(name, sizeof(name), "entropy%s%s", first ? "-" : "", first ? tag : "");
		entropy_plot(job, a, first, analysis_group_end(a, first), release, dir, name);
		add_name(list, name);
	}
	for (unsigned s = 0; s < a->series_count; s++) {
		analysis_series_tag(a, s, tag, sizeof(tag));
		snprintf(name, sizeof(name), "bits-%s", tag);
		bits_plot(job, a, s, dir, name);
		add_name(list, name);
		snprintf(name, sizeof(name), "layout-%s", tag);
		layout_plot(job, a, s, dir, name);
		add_name(list, name);
		if (a->series[s].pair && !series_all_constant(a, s)) {
			snprintf(name, sizeof(name), "leak-%s", tag);
			leak_plot(job, a, s, dir, name);
			add_name(list, name);
		}
	}
	for (int knob = 0; knob < ANALYSIS_KNOBS; knob++)
		if (analysis_has_knob(a, knob)) {
			snprintf(name, sizeof(name), "knob-%s", analysis_knob_name(knob));
			if (knob_plot(job, a, knob, dir, name))
				add_name(list, name);
		}
	n_hist = plots_hist_regions(a, group_end - 1, hist);
	for (unsigned i = 0; i < n_hist; i++) {
		snprintf(name, sizeof(name), "hist-%s", a->table->region[hist[i]]);
		hist_plot(job, a, group_end - 1, hist[i], dir, name);
		add_name(list, name);
	}
	return job->failed || job->script.failed || list->failed ? -ENOMEM : 0;
}

int plots_draw(const struct analysis *a, const char *release, const char *dir,
	       struct plot_list *list, struct aslr_error *err)
{
	struct gnuplot_job job = { 0 };
	char plots_dir[PATH_MAX];
	int rc;

	snprintf(plots_dir, sizeof(plots_dir), "%s/plots", dir);
	if (mkdir(plots_dir, 0755) < 0 && errno != EEXIST)
		return aslr_error_at(err, -errno, plots_dir, 0, 0, "cannot create: %s", strerror(errno));
	rc = plots_plan(a, release ? release : "(unknown kernel)", plots_dir, &job, list);
	if (rc < 0) {
		gnuplot_job_free(&job);
		rc = aslr_error_set(err, rc, "out of memory");
	} else {
		rc = gnuplot_run(&job, err);
	}
	if (rc < 0)
		plot_list_free(list);
	return rc;
}
