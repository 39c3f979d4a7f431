#include "report.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "anchors.h"
#include "atomic_file.h"
#include "conditional.h"
#include "findings_text.h"
#include "report_run.h"
#include "runmeta.h"

static const char *str_at(const json_t *obj, const char *a, const char *b)
{
	const json_t *v = json_object_get(obj, a);
	if (b)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void fact_row(struct strbuf *sb, const char *name, const json_t *value)
{
	char *text;

	if (!value)
		return;
	text = json_is_string(value) ? NULL : json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	strbuf_printf(sb, "| %s | %s |\n", name, text ? text : json_string_value(value));
	free(text);
}

static void machine_section(struct strbuf *sb, const json_t *run)
{
	const json_t *kernel = json_object_get(run, "kernel"), *process = json_object_get(run, "process");
	const json_t *uname = json_object_get(json_object_get(run, "host"), "uname");

	strbuf_printf(sb, "## Machine and kernel\n\n| | |\n|---|---|\n");
	fact_row(sb, "hostname", json_object_get(json_object_get(run, "host"), "hostname"));
	fact_row(sb, "kernel release", json_object_get(json_object_get(kernel, "release") ? kernel : uname, "release"));
	fact_row(sb, "kernel version", json_object_get(json_object_get(kernel, "version") ? kernel : uname, "version"));
	fact_row(sb, "booted under QEMU (aslr-harness --kernel)", json_object_get(json_object_get(run, "qemu"), "accelerator"));
	fact_row(sb, "machine", json_object_get(uname, "machine"));
	fact_row(sb, "kernel.randomize_va_space (before the run)", json_object_get(kernel, "randomize_va_space"));
	fact_row(sb, "vm.mmap_rnd_bits", json_object_get(kernel, "mmap_rnd_bits"));
	fact_row(sb, "vm.mmap_rnd_compat_bits", json_object_get(kernel, "mmap_rnd_compat_bits"));
	fact_row(sb, "transparent_hugepage/enabled", json_object_get(kernel, "transparent_hugepage"));
	fact_row(sb, "RLIMIT_STACK (bytes)", json_object_get(process, "rlimit_stack"));
	fact_row(sb, "ran as root", json_object_get(process, "root"));
	fact_row(sb, "container (best guess)", json_object_get(process, "container_kind"));
	fact_row(sb, "libc", json_object_get(process, "libc"));
	fact_row(sb, "libc version", json_object_get(process, "libc_version"));
	strbuf_printf(sb, "\n");
}

/* "2 probes in flight at once", and the targets' number when the run had targets
 * (run.target_jobs: more of them in flight, since a traced one waits at its stops). */
static void in_flight_text(const json_t *run, char *buf, size_t size)
{
	const json_t *cfg = json_object_get(run, "run"), *probe;
	long long jobs = json_integer_value(json_object_get(cfg, "jobs"));
	long long target_jobs = json_integer_value(json_object_get(cfg, "target_jobs"));
	int probes = 0, targets = 0;
	size_t i;

	json_array_foreach(json_object_get(run, "probes"), i, probe) {
		if (json_is_true(json_object_get(probe, "target")))
			targets = 1;
		else
			probes = 1;
	}
	if (targets && probes)
		snprintf(buf, size, "%lld probes and %lld targets in flight at once", jobs, target_jobs);
	else if (targets)
		snprintf(buf, size, "%lld targets in flight at once", target_jobs ? target_jobs : jobs);
	else
		snprintf(buf, size, "%lld probes in flight at once", jobs);
}

static void run_section(struct strbuf *sb, const json_t *run)
{
	const json_t *series = json_object_get(run, "series"), *probe, *s;
	double total = 0;
	char in_flight[96];
	size_t i;

	in_flight_text(run, in_flight, sizeof(in_flight));

	strbuf_printf(sb, "## How it was run\n\nStarted %s, ended %s, status **%s**, %s.\n\n",
		      str_at(run, "started", NULL) ? str_at(run, "started", NULL) : "?",
		      str_at(run, "ended", NULL) ? str_at(run, "ended", NULL) : "?",
		      str_at(run, "status", NULL) ? str_at(run, "status", NULL) : "?", in_flight);
	json_array_foreach(json_object_get(run, "probes"), i, probe)
		strbuf_printf(sb, "%s `%s`: %s, ELF%lld %s, largest PT_LOAD alignment %lld, %lld bytes, SHA-256 `%s`.\n\n",
			      json_is_true(json_object_get(probe, "target")) ? "Target" : "Probe",
			      str_at(probe, "variant", NULL), str_at(probe, "path", NULL),
			      json_integer_value(json_object_get(probe, "elf_class")), str_at(probe, "elf_type", NULL),
			      json_integer_value(json_object_get(probe, "pt_load_align")),
			      json_integer_value(json_object_get(probe, "size")), str_at(probe, "sha256", NULL));
	strbuf_printf(sb, "| variant | mode | how the mode was set | samples | execs | failures | seconds | samples/s |\n"
			  "|---|---|---|---|---|---|---|---|\n");
	json_array_foreach(series, i, s) {
		long long execs = json_integer_value(json_object_get(s, "execs"));
		long long samples = json_integer_value(json_object_get(s, "samples"));
		double secs = json_number_value(json_object_get(s, "seconds"));
		total += secs;
		strbuf_printf(sb, "| %s | %lld | %s | %lld | %lld | %lld | %.1f | %.0f |\n", str_at(s, "variant", NULL),
			      json_integer_value(json_object_get(s, "mode")), str_at(s, "method", NULL), samples,
			      execs, execs - samples, secs, json_number_value(json_object_get(s, "samples_per_second")));
	}
	strbuf_printf(sb, "\nSampling took %.1f s in all.\n\n", total);
}

/* prefix and one decimal, or a p-value's two significant digits; a dash for null */
static void num_cell(struct strbuf *sb, double v, const char *prefix, int p_value)
{
	if (!isfinite(v))
		strbuf_printf(sb, "–");
	else if (p_value)
		strbuf_printf(sb, "%s%.2g", prefix, v);
	else
		strbuf_printf(sb, "%s%.1f", prefix, v);
}

static const char *kind_text(enum estimate_kind kind)
{
	switch (kind) {
	case KIND_COLLISION:
		return "collision estimate";
	case KIND_RANGE:
		return "range (upper bound)";
	case KIND_BIT_ENTROPY_SUM:
		return "per-bit sum (upper bound)";
	case KIND_INSUFFICIENT:
		return "insufficient (too few samples)";
	case KIND_CONSTANT:
		break;
	}
	return "constant";
}

/* "10.0 % (1000×)" and the serial verdict: the facts an estimate rests on. */
static void sample_cells(struct strbuf *sb, const struct region_estimate *e)
{
	strbuf_printf(sb, " | %.3g %% (%llu×) | ", 100 * e->mcv_share, (unsigned long long)e->mcv_count);
	if (isnan(e->serial_lag1_p) && isnan(e->runs_p))
		strbuf_printf(sb, "–");
	else
		strbuf_printf(sb, "%s (%.2g / %.2g)", e->serial_rejected ? "**no**" : "yes", e->serial_lag1_p,
			      e->runs_p);
	strbuf_printf(sb, " | %llu |\n", (unsigned long long)e->missing);
}

static void series_table(struct strbuf *sb, const struct analysis *a, unsigned s)
{
	const struct sample_table *t = a->table;

	strbuf_printf(sb, "| region | headline (bits) | kind | 95 %% CI | collision lower bound | range (upper bound) | "
			  "per-bit sum (upper bound) | min-entropy (MCV) | alignment bit | distinct | chi² p | "
			  "most common value | independent (lag-1 / runs p) | missing |\n"
			  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (unsigned r = 0; r < t->region_count; r++) {
		const struct region_estimate *e = &a->series[s].region[r];
		if (e->absent) {
			strbuf_printf(sb, "| %s | – | not reported by this probe | | | | | | | | | | | |\n", t->region[r]);
			continue;
		}
		strbuf_printf(sb, "| %s | ", t->region[r]);
		num_cell(sb, e->estimate_bits, "", 0);
		strbuf_printf(sb, " | %s | ", kind_text(e->kind));
		if (e->kind == KIND_COLLISION)
			strbuf_printf(sb, "%.1f – %.1f", e->collision_ci_low, e->collision_ci_high);
		else
			strbuf_printf(sb, "–");
		strbuf_printf(sb, " | ");
		num_cell(sb, e->kind == KIND_CONSTANT ? NAN : e->collision_lower_bound, "≥ ", 0);
		strbuf_printf(sb, " | %.1f | %.1f | %.1f%s | ", e->range_bits, e->bit_entropy_sum, e->min_entropy_bits,
			      e->saturated ? " (saturated)" : "");
		if (e->alignment_bit < 0)
			strbuf_printf(sb, "–");
		else
			strbuf_printf(sb, "%d", e->alignment_bit);
		strbuf_printf(sb, " | %llu | ", (unsigned long long)e->distinct);
		num_cell(sb, e->chi2_p, "", 1);
		sample_cells(sb, e);
	}
	strbuf_printf(sb, "\n");
}

static void embed(struct strbuf *sb, const struct plot_list *plots, const char *name, const char *alt)
{
	if (plot_list_has(plots, name))
		strbuf_printf(sb, "![%s](plots/%s.png)\n\n", alt, name);
}

static void results_section(struct strbuf *sb, const struct analysis *a, const struct plot_list *plots)
{
	char tag[128], name[160];

	strbuf_printf(sb, "## Results\n\nHeadline: the Rényi-2 **collision estimate** where at least %d pairs of samples "
			  "collided (its 95 %% interval allows for values that recur more than a uniform distribution's "
			  "would), otherwise the smaller **upper bound**: the range (corrected for N) or the per-bit sum "
			  "(carries count as entropy); 0 for a region that never moved; **insufficient** below %d "
			  "samples. Min-entropy (NIST SP 800-90B most common value) is a lower bound; \"saturated\" "
			  "when the most common value was seen %d times or fewer, so it says only ≥ about log2 N. "
			  "Independent: lag-1 and runs tests on the samples in exec order (rejected below p = %g "
			  "each). Formulas: docs/estimators.md.\n\n",
		      ESTIMATE_MIN_PAIRS, ESTIMATE_MIN_SAMPLES, ESTIMATE_MCV_SATURATED, SERIAL_ALPHA);
	for (unsigned i = 0; plots && i < plots->count; i++)
		if (strncmp(plots->name[i], "entropy", 7) == 0)
			embed(sb, plots, plots->name[i], "bits per region and mode");
	for (unsigned s = 0; s < a->series_count; s++) {
		char label[200];
		analysis_series_label(a, s, label, sizeof(label));
		anchor_write(sb, a, ANCHOR_RESULTS, s);
		strbuf_printf(sb, "### %s (N = %zu)\n\n", label, a->series[s].series->rows);
		series_table(sb, a, s);
		analysis_series_tag(a, s, tag, sizeof(tag));
		snprintf(name, sizeof(name), "bits-%s", tag);
		embed(sb, plots, name, "P(bit = 1) per region and bit");
		snprintf(name, sizeof(name), "layout-%s", tag);
		embed(sb, plots, name, "observed span of each region");
	}
	for (unsigned i = 0; plots && i < plots->count; i++)
		if (strncmp(plots->name[i], "hist-", 5) == 0) {
			if (i == 0 || strncmp(plots->name[i - 1], "hist-", 5) != 0)
				strbuf_printf(sb, "### Distributions of the most random regions\n\n");
			embed(sb, plots, plots->name[i], "distribution against the uniform expectation");
		}
}

static void cluster_list(struct strbuf *sb, const struct analysis *a, unsigned s)
{
	const struct region_blocks *block = &a->series[s].blocks;

	strbuf_printf(sb, "Blocks that move as one (their offsets never changed, so one leak reveals all):");
	for (unsigned b = 0; b < block->count; b++) {
		strbuf_printf(sb, "%s", b ? ";" : "");
		for (unsigned i = block->start[b]; i < block->start[b + 1]; i++)
			strbuf_printf(sb, "%s %s", i > block->start[b] ? "," : "", a->table->region[block->member[i]]);
	}
	strbuf_printf(sb, "%s.\n\n", block->count ? "" : " none");
}

/* What the bits of A left rest on: B's low bits, A - B, or A alone (capped). */
static void leak_source_cell(struct strbuf *sb, const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b)
{
	const char *name_a = a->table->region[r_a], *name_b = a->table->region[r_b];
	struct leak_estimate leak;

	conditional_leak(a, s, r_a, r_b, &leak);
	if (leak.source == LEAK_FROM_LOW_BITS)
		strbuf_printf(sb, "%s mod 2^%d", name_b, leak.given->low_bits);
	else if (leak.source == LEAK_FROM_DIFFERENCE)
		strbuf_printf(sb, "%s − %s", name_a, name_b);
	else
		strbuf_printf(sb, "%s alone", name_a);
}

static void leak_table(struct strbuf *sb, const struct analysis *a, unsigned s)
{
	const struct sample_table *t = a->table;

	strbuf_printf(sb, "| region A | bits of A | best leak B | bits of A left | from | guesses for 50 %% before | "
			  "after |\n|---|---|---|---|---|---|---|\n");
	for (unsigned r = 0; r < t->region_count; r++) {
		double before = a->series[s].region[r].estimate_bits, left;
		int best = conditional_best_leak(a, s, r, &left);
		if (best < 0 || !estimate_moves(&a->series[s].region[r]))
			continue;
		strbuf_printf(sb, "| %s | %.1f | %s | %.1f | ", t->region[r], before, t->region[best], left);
		leak_source_cell(sb, a, s, r, (unsigned)best);
		strbuf_printf(sb, " | %.3g | %.3g |\n", conditional_guesses(before), conditional_guesses(left));
	}
	strbuf_printf(sb, "\n");
}

static void leaks_section(struct strbuf *sb, const struct analysis *a, const struct plot_list *plots)
{
	char tag[128], name[160], label[200];

	if (!a->series_count || !a->series[0].pair)
		return;
	strbuf_printf(sb, "## Leaks: what one leaked address gives away\n\n"
			  "Every region comes from the same exec, so the samples show what is left of A once B is "
			  "known. H(A|B) is estimated from D = A − B (mod 2^64) given B's low bits, B mod 2^k (what "
			  "a leaked pointer's page offset and alignment give away; a k counts only when it tells "
			  "significantly more than fewer bits), capped by A's own headline. H(A − B) alone is "
			  "only an upper bound, the same both ways: a mapping rounded down from B is given away by "
			  "B, but does not give B away. Guesses for a 50 %% chance: 2^(H−1).\n\n");
	for (unsigned s = 0; s < a->series_count; s++) {
		int moving = 0;
		for (unsigned r = 0; r < a->table->region_count; r++)
			moving |= estimate_moves(&a->series[s].region[r]);
		analysis_series_label(a, s, label, sizeof(label));
		anchor_write(sb, a, ANCHOR_LEAKS, s);
		strbuf_printf(sb, "### %s\n\n", label);
		if (!moving) {
			strbuf_printf(sb, "Nothing moves: nothing is left to leak.\n\n");
			continue;
		}
		cluster_list(sb, a, s);
		leak_table(sb, a, s);
		analysis_series_tag(a, s, tag, sizeof(tag));
		snprintf(name, sizeof(name), "leak-%s", tag);
		embed(sb, plots, name, "bits of A left once B leaked");
	}
}

static void headline_cell(struct strbuf *sb, const struct region_estimate *e)
{
	if (e->absent)
		strbuf_printf(sb, " – |");
	else if (e->kind == KIND_INSUFFICIENT)
		strbuf_printf(sb, " ? |");
	else
		strbuf_printf(sb, " %.1f%s |", e->estimate_bits, estimate_kind_is_bound(e->kind) ? " ≤" : "");
}

/* Region x variant per mode, at the first series' knob values. */
static void variants_section(struct strbuf *sb, const struct analysis *a)
{
	unsigned nv = a->variant_count;

	if (nv < 2)
		return;
	strbuf_printf(sb, "## Probe variants\n\nThe same probe built as different kinds of program; headline bits "
			  "(≤: only an upper bound), – where the variant has no such region, ? too few samples.\n\n");
	for (int mode = 0; mode <= 2; mode++) {
		int any = -1;
		for (unsigned v = 0; v < nv && any < 0; v++)
			any = analysis_variant_series(a, v, mode);
		if (any < 0)
			continue;
		anchor_write(sb, a, ANCHOR_VARIANTS, (unsigned)any);
		strbuf_printf(sb, "### Mode %d\n\n| region |", mode);
		for (unsigned v = 0; v < nv; v++)
			strbuf_printf(sb, " %s |", a->variant[v]);
		strbuf_printf(sb, "\n|---|");
		for (unsigned v = 0; v < nv; v++)
			strbuf_printf(sb, "---|");
		strbuf_printf(sb, "\n");
		for (unsigned r = 0; r < a->table->region_count; r++) {
			strbuf_printf(sb, "| %s |", a->table->region[r]);
			for (unsigned v = 0; v < nv; v++) {
				int s = analysis_variant_series(a, v, mode);
				if (s < 0)
					strbuf_printf(sb, " |");
				else
					headline_cell(sb, &a->series[s].region[r]);
			}
			strbuf_printf(sb, "\n");
		}
		strbuf_printf(sb, "\n");
	}
}

/* Region x knob value, for every series that swept a knob. */
static void knobs_section(struct strbuf *sb, const struct analysis *a, const struct plot_list *plots)
{
	if (!analysis_has_knob(a, 0) && !analysis_has_knob(a, 1))
		return;
	anchor_write(sb, a, ANCHOR_KNOBS, 0);
	strbuf_printf(sb, "## Kernel knobs\n\nEach value of a swept knob is a series of its own; headline bits "
			  "(≤: only an upper bound, ?: too few samples).\n\n| variant | mode | %s | %s |",
		      analysis_knob_name(0), analysis_knob_name(1));
	for (unsigned r = 0; r < a->table->region_count; r++)
		strbuf_printf(sb, " %s |", a->table->region[r]);
	strbuf_printf(sb, "\n|---|---|---|---|");
	for (unsigned r = 0; r < a->table->region_count; r++)
		strbuf_printf(sb, "---|");
	strbuf_printf(sb, "\n");
	for (unsigned s = 0; s < a->series_count; s++) {
		const struct sample_series *x = a->series[s].series;
		strbuf_printf(sb, "| %s | %d | ", x->variant, x->mode);
		if (x->rnd_bits >= 0)
			strbuf_printf(sb, "%d", x->rnd_bits);
		strbuf_printf(sb, " | ");
		if (x->rnd_compat_bits >= 0)
			strbuf_printf(sb, "%d", x->rnd_compat_bits);
		strbuf_printf(sb, " |");
		for (unsigned r = 0; r < a->table->region_count; r++)
			headline_cell(sb, &a->series[s].region[r]);
		strbuf_printf(sb, "\n");
	}
	strbuf_printf(sb, "\n");
	for (int knob = 0; knob < ANALYSIS_KNOBS; knob++) {
		char name[64], alt[96];
		snprintf(name, sizeof(name), "knob-%s", analysis_knob_name(knob));
		snprintf(alt, sizeof(alt), "headline bits against vm.%s", analysis_knob_name(knob));
		embed(sb, plots, name, alt);
	}
}

static void reproduce_section(struct strbuf *sb, const json_t *run, const char *source)
{
	const json_t *argv = json_object_get(json_object_get(run, "run"), "command_line"), *arg;
	size_t i;
	int skip_next = 0;

	strbuf_printf(sb, "## Reproduce\n\n");
	if (json_array_size(argv)) {
		strbuf_printf(sb, "The run, into a fresh folder under `results/`:\n\n```sh\nsudo scripts/run");
		json_array_foreach(argv, i, arg) {
			const char *s = json_string_value(arg);
			if (i == 0 || skip_next || !s) {
				skip_next = 0;
				continue;
			}
			if (strcmp(s, "--out") == 0 || strcmp(s, "--resume") == 0) {
				skip_next = 1;
				continue;
			}
			if (strncmp(s, "--out=", 6) == 0)
				continue;
			strbuf_printf(sb, " '%s'", s);
		}
		strbuf_printf(sb, "\n```\n\n");
	}
	strbuf_printf(sb, "Every number here is recomputed from the samples by:\n\n```sh\nbuild/bin/aslr-analyze '%s'\n```\n",
		      source);
}

/* What a reader must see before any number: missing data, skew, dependent samples. */
static void warnings_section(struct strbuf *sb, const struct analysis *a)
{
	struct strbuf lines = { 0 };

	if (findings_warnings(&lines, a, "- **Warning**: ") && lines.text)
		strbuf_printf(sb, "%s\n", lines.text);
	strbuf_free(&lines);
}

void report_build(struct strbuf *sb, const struct analysis *a, const json_t *run,
		  const struct plot_list *plots, const char *plots_note)
{
	const char *host = run ? str_at(json_object_get(run, "host"), "hostname", NULL) : NULL;
	const char *release = run ? runmeta_kernel_release(run) : NULL;
	struct finding_list findings;
	int have_findings = findings_compute(a, &findings) == 0;

	strbuf_printf(sb, "# ASLR entropy: %s, Linux %s\n\n", host ? host : "unknown host", release ? release : "(unknown)");
	strbuf_printf(sb, "%u series (%zu samples in all) from `%s`, analyzed by aslr-entropy %s.\n\n", a->series_count,
		      a->table->rows, a->table->source, ASLR_VERSION);
	if (have_findings)
		findings_key_section(sb, a, &findings, plots);
	warnings_section(sb, a);
	report_skipped_section(sb, a, run);
	if (have_findings)
		findings_full_section(sb, a, &findings, plots);
	else
		sb->failed = 1;
	if (run && json_object_size(run)) {
		machine_section(sb, run);
		run_section(sb, run);
		report_precision_section(sb, a, run);
	} else {
		strbuf_printf(sb, "No run.json was found beside the samples: machine facts are unknown.\n\n");
	}
	if (plots_note)
		strbuf_printf(sb, "> Plots: %s\n\n", plots_note);
	results_section(sb, a, plots);
	variants_section(sb, a);
	knobs_section(sb, a, plots);
	leaks_section(sb, a, plots);
	reproduce_section(sb, run, a->table->source);
	if (have_findings)
		findings_free(&findings);
}

int report_write(const struct analysis *a, const json_t *run, const struct plot_list *plots,
		 const char *plots_note, const char *dir, struct aslr_error *err)
{
	struct strbuf sb = { 0 };
	char path[PATH_MAX];
	int rc;

	report_build(&sb, a, run, plots, plots_note);
	if (sb.failed) {
		strbuf_free(&sb);
		return aslr_error_set(err, -ENOMEM, "out of memory");
	}
	snprintf(path, sizeof(path), "%s/report.md", dir);
	rc = aslr_write_file_atomic(path, sb.text, sb.len, err);
	strbuf_free(&sb);
	return rc;
}
