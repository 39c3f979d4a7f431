#include "compare.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "folder.h"
#include "gate.h"
#include "kdiff.h"
#include "gnuplot.h"
#include "runmeta.h"
#include "samples_csv.h"
#include "series_key.h"
#include "strbuf.h"

/* The summary.json schemas this reader understands: /2 renamed and added fields, the
 * ones read here (estimate_bits, estimate_kind, the interval fields) kept their meaning. */
static const char *const accepted_schemas[] = { "aslr-entropy.summary/1", "aslr-entropy.summary/2" };
#define SCHEMA_COUNT (sizeof(accepted_schemas) / sizeof(accepted_schemas[0]))

static int bad_summary(struct aslr_error *err, const char *path, const char *what)
{
	return aslr_error_input(err, -EINVAL, path, 1, 1, "not an aslr-entropy summary: %s", what);
}

static int schema_accepted(const char *schema)
{
	for (size_t i = 0; schema && i < SCHEMA_COUNT; i++)
		if (strcmp(schema, accepted_schemas[i]) == 0)
			return 1;
	return 0;
}

static int bad_schema(struct aslr_error *err, const char *path)
{
	struct strbuf what = { 0 };
	int rc;

	strbuf_printf(&what, "no schema");
	for (size_t i = 0; i < SCHEMA_COUNT; i++)
		strbuf_printf(&what, "%s %s", i ? " or" : "", accepted_schemas[i]);
	rc = bad_summary(err, path, what.failed ? "no known schema" : what.text);
	strbuf_free(&what);
	return rc;
}

/* The run's folder name: the last component of the folder that holds summary.json. */
static void run_name(const char *summary_path, char *name, size_t size)
{
	char dir[PATH_MAX];
	const char *slash, *base;

	snprintf(dir, sizeof(dir), "%s", summary_path);
	slash = strrchr(dir, '/');
	if (!slash) {
		snprintf(name, size, ".");
		return;
	}
	dir[slash - dir] = '\0';
	while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';
	base = strrchr(dir, '/');
	if (snprintf(name, size, "%s", base ? base + 1 : dir) >= (int)size)
		name[size - 1] = '\0'; /* a name that long is cut, not refused */
}

static double number_or_nan(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* expected_bits, expected_from, shortfall_bits, short_of_promise (expect.h) when present. */
static void expectation_from_json(struct cmp_region *r, const json_t *obj)
{
	const json_t *from = json_object_get(obj, "expected_from");

	r->has_expectation_fields = json_object_get(obj, "short_of_promise") != NULL;
	r->expected = number_or_nan(json_object_get(obj, "expected_bits"));
	r->shortfall = number_or_nan(json_object_get(obj, "shortfall_bits"));
	r->short_of_promise = json_is_true(json_object_get(obj, "short_of_promise"));
	if (json_is_string(from))
		snprintf(r->expected_from, sizeof(r->expected_from), "%s", json_string_value(from));
}

int compare_region_from_json(struct cmp_region *r, const char *name, const json_t *obj, const char *path,
			     struct aslr_error *err)
{
	json_t *bits = json_object_get(obj, "estimate_bits"), *kind = json_object_get(obj, "estimate_kind");
	json_t *ci = json_object_get(obj, "collision_ci");

	if (!json_is_string(kind) || !(json_is_number(bits) ||
				       (json_is_null(bits) && strcmp(json_string_value(kind), "insufficient") == 0)))
		return bad_summary(err, path, "a region without estimate_bits or estimate_kind");
	if (strlen(name) >= sizeof(r->name) || strlen(json_string_value(kind)) >= sizeof(r->kind))
		return bad_summary(err, path, "a region name or estimate_kind longer than compare.h allows");
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->kind, sizeof(r->kind), "%s", json_string_value(kind));
	r->bits = number_or_nan(bits);
	r->absent = json_is_true(json_object_get(obj, "absent"));
	gate_set_interval(r, number_or_nan(json_array_get(ci, 0)), number_or_nan(json_array_get(ci, 1)),
			  number_or_nan(json_object_get(obj, "collision_lower_bound")));
	expectation_from_json(r, obj);
	return 0;
}

static int load_regions(struct cmp_series *s, json_t *regions, const char *path, struct aslr_error *err)
{
	const char *name;
	json_t *r;

	s->region = calloc(json_object_size(regions) + 1, sizeof(*s->region));
	if (!s->region)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	json_object_foreach(regions, name, r) {
		int rc = compare_region_from_json(&s->region[s->region_count], name, r, path, err);
		if (rc < 0)
			return rc;
		s->region_count++;
	}
	return 0;
}

static int knob_value(json_t *series, const char *key)
{
	json_t *v = json_object_get(series, key);
	return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

static int load_series(struct cmp_run *run, json_t *list, struct aslr_error *err)
{
	json_t *s;
	size_t i;

	run->series = calloc(json_array_size(list) + 1, sizeof(*run->series));
	if (!run->series)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	json_array_foreach(list, i, s) {
		struct cmp_series *x = &run->series[run->series_count];
		json_t *variant = json_object_get(s, "variant"), *mode = json_object_get(s, "mode");
		json_t *regions = json_object_get(s, "regions");
		int rc;
		if (!json_is_string(variant) || !json_is_integer(mode) || !json_is_object(regions))
			return bad_summary(err, run->path, "a series without variant, mode or regions");
		if (strlen(json_string_value(variant)) >= sizeof(x->variant))
			return bad_summary(err, run->path, "a variant name longer than compare.h allows");
		snprintf(x->variant, sizeof(x->variant), "%s", json_string_value(variant));
		x->mode = (int)json_integer_value(mode);
		x->rnd_bits = knob_value(s, samples_csv_column_name(SAMPLES_CSV_RND_BITS));
		x->rnd_compat_bits = knob_value(s, samples_csv_column_name(SAMPLES_CSV_RND_COMPAT_BITS));
		x->samples = json_integer_value(json_object_get(s, "samples"));
		run->series_count++;
		rc = load_regions(x, regions, run->path, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int compare_load(struct cmp_run *run, const char *path, struct aslr_error *err)
{
	struct stat st;
	json_error_t jerr;
	json_t *doc;
	const char *release;
	int rc;

	memset(run, 0, sizeof(*run));
	if (stat(path, &st) < 0)
		return errno == ENOENT ? aslr_error_input(err, -ENOENT, path, 0, 0, "%s", strerror(ENOENT))
				       : aslr_error_at(err, -errno, path, 0, 0, "%s", strerror(errno));
	snprintf(run->path, sizeof(run->path), S_ISDIR(st.st_mode) ? "%s/summary.json" : "%s", path);
	if (S_ISDIR(st.st_mode) && access(run->path, F_OK) < 0)
		return aslr_error_input(err, -EINVAL, path, 0, 0, "no summary.json here (analyze the run first: "
				     "aslr-analyze %s)", path);
	doc = json_load_file(run->path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return aslr_error_input(err, -EINVAL, run->path, jerr.line, jerr.column, "%s", jerr.text);
	if (!schema_accepted(json_string_value(json_object_get(doc, "schema"))) ||
	    !json_is_array(json_object_get(doc, "series"))) {
		json_decref(doc);
		return bad_schema(err, run->path);
	}
	run_name(run->path, run->name, sizeof(run->name));
	release = runmeta_kernel_release(json_object_get(doc, "run"));
	snprintf(run->release, sizeof(run->release), "%s", release ? release : "unknown");
	rc = load_series(run, json_object_get(doc, "series"), err);
	json_decref(doc);
	if (rc < 0)
		compare_free(run);
	return rc;
}

void compare_free(struct cmp_run *run)
{
	for (unsigned i = 0; i < run->series_count; i++)
		free(run->series[i].region);
	free(run->series);
	run->series = NULL;
	run->series_count = 0;
}

struct series_key compare_series_key(const struct cmp_series *s)
{
	return (struct series_key){ s->variant, s->mode, s->rnd_bits, s->rnd_compat_bits };
}

static int same_key(const struct cmp_series *a, const struct cmp_series *b)
{
	struct series_key x = compare_series_key(a), y = compare_series_key(b);

	return series_key_equal(&x, &y);
}

const struct cmp_series *compare_match(const struct cmp_run *run, const struct cmp_series *key)
{
	for (unsigned i = 0; i < run->series_count; i++)
		if (same_key(&run->series[i], key))
			return &run->series[i];
	return NULL;
}

const struct cmp_region *compare_find_region(const struct cmp_series *s, const char *name)
{
	for (unsigned i = 0; s && i < s->region_count; i++)
		if (strcmp(s->region[i].name, name) == 0)
			return &s->region[i];
	return NULL;
}

static void series_label(const struct cmp_series *s, char *buf, size_t size)
{
	struct series_key key = compare_series_key(s);

	series_key_label(&key, buf, size);
}

/* Every series key, in the order first seen (first run first), into *keys (allocated;
 * they point into the runs). 0 or -ENOMEM. */
static int all_keys(const struct cmp_run *runs, unsigned n, const struct cmp_series ***keys, unsigned *count)
{
	size_t most = 1;

	for (unsigned r = 0; r < n; r++)
		most += runs[r].series_count;
	*count = 0;
	*keys = calloc(most, sizeof(**keys));
	if (!*keys)
		return -ENOMEM;
	for (unsigned r = 0; r < n; r++)
		for (unsigned i = 0; i < runs[r].series_count; i++) {
			unsigned k = 0;
			while (k < *count && !same_key((*keys)[k], &runs[r].series[i]))
				k++;
			if (k == *count)
				(*keys)[(*count)++] = &runs[r].series[i];
		}
	return 0;
}

/* Region names of key's series over all runs, first seen first, into *names (allocated;
 * they point into the runs). 0 or -ENOMEM. */
static int all_regions(const struct cmp_run *runs, unsigned n, const struct cmp_series *key, const char ***names,
		       unsigned *count)
{
	size_t most = 1;

	for (unsigned r = 0; r < n; r++) {
		const struct cmp_series *s = compare_match(&runs[r], key);
		most += s ? s->region_count : 0;
	}
	*count = 0;
	*names = calloc(most, sizeof(**names));
	if (!*names)
		return -ENOMEM;
	for (unsigned r = 0; r < n; r++) {
		const struct cmp_series *s = compare_match(&runs[r], key);
		for (unsigned i = 0; s && i < s->region_count; i++) {
			unsigned k = 0;
			while (k < *count && strcmp((*names)[k], s->region[i].name) != 0)
				k++;
			if (k == *count)
				(*names)[(*count)++] = s->region[i].name;
		}
	}
	return 0;
}

static void series_tag(const struct cmp_series *s, char *buf, size_t size)
{
	struct series_key key = compare_series_key(s);

	series_key_tag(&key, buf, size);
}

static int comparable(const struct cmp_region *r)
{
	return r && !r->absent && !isnan(r->bits);
}

/* "28.0", "28.0 ≤" for an upper bound, "–" when missing or absent, "insufficient". */
static void bits_text(const struct cmp_region *r, char *buf, size_t size, int markdown)
{
	if (!r || r->absent)
		snprintf(buf, size, "%s", markdown ? "–" : "-");
	else if (isnan(r->bits))
		snprintf(buf, size, "insufficient");
	else
		snprintf(buf, size, "%.1f%s", r->bits, gate_upper_bound_kind(r->kind) ? (markdown ? " ≤" : "<=") : "");
}

/* " (-7.9)", x against base; "*" marks a difference beyond the sampling error of both
 * (the gate's test at tolerance 0, either way), only when both files have intervals. */
static void diff_text(const struct cmp_region *base, const struct cmp_region *x, char *buf, size_t size)
{
	double d;
	int beyond;

	buf[0] = '\0';
	if (!comparable(base) || !comparable(x))
		return;
	d = x->bits - base->bits;
	beyond = compare_beyond(base, x);
	snprintf(buf, size, " (%+.1f%s)", fabs(d) < 0.05 ? 0.0 : d, beyond ? "*" : ""); /* no "-0.0" */
}

/* Key's table (regions names[0..nr) by run) to md and out (may be NULL). */
static void key_table(struct strbuf *md, FILE *out, const struct cmp_run *runs, unsigned n,
		      const struct cmp_series *key, const char **names, unsigned nr)
{
	char label[SERIES_KEY_TEXT], cell[64], anchor[SERIES_KEY_TEXT + 16];

	series_label(key, label, sizeof(label));
	compare_table_anchor(key, anchor, sizeof(anchor));
	strbuf_printf(md, "<a id=\"%s\"></a>\n## %s\n\n| region |", anchor, label);
	if (out)
		fprintf(out, "\n%s: headline bits (difference to %s, * beyond the sampling error)\n%-14s", label,
			runs[0].name, "region");
	for (unsigned r = 0; r < n; r++) {
		strbuf_printf(md, " %s |", runs[r].name);
		if (out)
			fprintf(out, "%-22.21s", runs[r].name);
	}
	strbuf_printf(md, "\n|---|");
	for (unsigned r = 0; r < n; r++)
		strbuf_printf(md, "---|");
	strbuf_printf(md, "\n");
	if (out)
		fputc('\n', out);
	for (unsigned i = 0; i < nr; i++) {
		const struct cmp_region *base = compare_find_region(compare_match(&runs[0], key), names[i]);
		strbuf_printf(md, "| %s |", names[i]);
		if (out)
			fprintf(out, "%-14s", names[i]);
		for (unsigned r = 0; r < n; r++) {
			const struct cmp_region *x = compare_find_region(compare_match(&runs[r], key), names[i]);
			char md_cell[64], diff[32] = "";
			bits_text(x, md_cell, sizeof(md_cell), 1);
			bits_text(x, cell, sizeof(cell), 0);
			if (r > 0)
				diff_text(base, x, diff, sizeof(diff));
			strbuf_printf(md, " %s%s |", md_cell, diff);
			if (out)
				fprintf(out, "%-22s", strcat(cell, diff));
		}
		strbuf_printf(md, "\n");
		if (out)
			fputc('\n', out);
	}
	strbuf_printf(md, "\n");
}

/* Key's bar chart (regions names[0..nr) by run), the k-th of the job. */
static void key_plot(struct gnuplot_job *job, const struct cmp_run *runs, unsigned n, const struct cmp_series *key,
		     unsigned k, const char **names, unsigned nr, const char *dir, const char *name)
{
	struct strbuf body = { 0 };
	char label[SERIES_KEY_TEXT];
	double width = 0.8 / n;

	for (unsigned r = 0; r < n; r++) {
		strbuf_printf(&job->script, "$C%u_%u << EOD\n", k, r);
		for (unsigned i = 0; i < nr; i++) {
			const struct cmp_region *x = compare_find_region(compare_match(&runs[r], key), names[i]);
			if (comparable(x))
				strbuf_printf(&job->script, "%u %.4f\n", i, x->bits);
		}
		strbuf_printf(&job->script, "EOD\n");
	}
	series_label(key, label, sizeof(label));
	strbuf_printf(&body, "set title \"%s: headline bits per region and run\"\nset ylabel 'bits'\n"
			     "set yrange [0:*]\nset xrange [-0.6:%u.6]\nset grid ytics\nset key below\n"
			     "set boxwidth %.3f\nset style fill solid 0.8 border -1\nset xtics rotate by -30 (",
		      label, nr - 1, width * 0.95);
	for (unsigned i = 0; i < nr; i++)
		strbuf_printf(&body, "%s\"%s\" %u", i ? ", " : "", names[i], i);
	strbuf_printf(&body, ")\nplot ");
	for (unsigned r = 0; r < n; r++) {
		strbuf_printf(&body, "%s$C%u_%u using ($1+%.3f):2 with boxes title ", r ? ", " : "", k, r,
			      -0.4 + width * (r + 0.5));
		gnuplot_quote(&body, runs[r].name);
	}
	gnuplot_render(job, dir, name, 1200, 700, body.text);
	strbuf_free(&body);
}

static void runs_table(struct strbuf *md, const struct cmp_run *runs, unsigned n)
{
	strbuf_printf(md, "## Runs\n\nHeadline bits per region (≤: only an upper bound such as "
			  "the range; – not measured), with the difference to the first run; * marks a difference "
			  "beyond the sampling error of both runs (their intervals, as the `--baseline` gate weighs "
			  "them at tolerance 0).\n\n"
			  "| run | kernel | summary |\n|---|---|---|\n");
	for (unsigned r = 0; r < n; r++)
		strbuf_printf(md, "| %s | %s | `%s` |\n", runs[r].name, runs[r].release, runs[r].path);
	strbuf_printf(md, "\n");
}

/* Series that some run lacks: listed with where they are missing. */
static void unmatched(struct strbuf *md, FILE *out, const struct cmp_run *runs, unsigned n,
		      const struct cmp_series **keys, unsigned nk)
{
	int header = 0;
	char label[SERIES_KEY_TEXT];

	for (unsigned k = 0; k < nk; k++) {
		int missing = 0;
		for (unsigned r = 0; r < n; r++)
			missing |= !compare_match(&runs[r], keys[k]);
		if (!missing)
			continue;
		if (!header++) {
			strbuf_printf(md, "## Series without a match in every run\n\n");
			if (out)
				fprintf(out, "\nseries without a match in every run:\n");
		}
		series_label(keys[k], label, sizeof(label));
		strbuf_printf(md, "- %s: missing in", label);
		if (out)
			fprintf(out, "  %s: missing in", label);
		for (unsigned r = 0, c = 0; r < n; r++)
			if (!compare_match(&runs[r], keys[k])) {
				strbuf_printf(md, "%s %s", c ? "," : "", runs[r].name);
				if (out)
					fprintf(out, "%s %s", c ? "," : "", runs[r].name);
				c++;
			}
		strbuf_printf(md, "\n");
		if (out)
			fputc('\n', out);
	}
	if (header)
		strbuf_printf(md, "\n");
}

static void plot_name(const struct cmp_series *key, char *buf, size_t size)
{
	char tag[SERIES_KEY_TEXT];

	series_tag(key, tag, sizeof(tag));
	snprintf(buf, size, "compare-%s", tag);
}

/* compare-<tag>.png/.svg into dir for every key; a failure of gnuplot is put into
 * warning (size bytes), "" when they were drawn. 0 or -ENOMEM. */
static int draw_plots(const struct cmp_run *runs, unsigned n, const struct cmp_series **keys, unsigned nk,
		      const char *dir, char *warning, size_t size)
{
	struct gnuplot_job job = { 0 };
	struct aslr_error plot_err;
	char name[SERIES_KEY_TEXT + 16], text[ASLR_ERROR_TEXT + 300];

	warning[0] = '\0';
	for (unsigned k = 0; k < nk; k++) {
		const char **names;
		unsigned nr;
		if (all_regions(runs, n, keys[k], &names, &nr) < 0) {
			gnuplot_job_free(&job);
			return -ENOMEM;
		}
		plot_name(keys[k], name, sizeof(name));
		key_plot(&job, runs, n, keys[k], k, names, nr, dir, name);
		free(names);
	}
	if (gnuplot_run(&job, &plot_err) < 0) {
		aslr_error_format(&plot_err, text, sizeof(text));
		snprintf(warning, size, "no plots: %s", text);
	}
	return 0;
}

/* compare.md's text into md, the tables to out (may be NULL); a plot is linked only when
 * drawn (plots_warning ""). 0 or -ENOMEM. */
static int build_md(struct strbuf *md, FILE *out, const struct cmp_run *runs, unsigned n,
		    const struct cmp_series **keys, unsigned nk, const char *plots_warning)
{
	char name[SERIES_KEY_TEXT + 16];
	struct cmp_changes changes;

	if (compare_changes(runs, n, &changes) < 0)
		return -ENOMEM;
	strbuf_printf(md, "# ASLR entropy compared\n\n");
	compare_changes_write(md, runs, n, &changes, CHANGES_KEY_MAX);
	compare_changes_free(&changes);
	runs_table(md, runs, n);
	for (unsigned k = 0; k < nk; k++) {
		const char **names;
		unsigned nr;
		if (all_regions(runs, n, keys[k], &names, &nr) < 0)
			return -ENOMEM;
		key_table(md, out, runs, n, keys[k], names, nr);
		free(names);
		plot_name(keys[k], name, sizeof(name));
		if (!plots_warning[0])
			strbuf_printf(md, "![%s](%s.png)\n\n", name, name);
	}
	unmatched(md, out, runs, n, keys, nk);
	if (plots_warning[0])
		strbuf_printf(md, "> Plots: %s\n", plots_warning);
	return md->failed ? -ENOMEM : 0;
}

int compare_write(const struct cmp_run *runs, unsigned n, const char *dir, FILE *out,
		  char *plots_warning, size_t warning_size, struct aslr_error *err)
{
	const struct cmp_series **keys = NULL;
	struct strbuf md = { 0 };
	char path[PATH_MAX];
	unsigned nk;
	int rc = all_keys(runs, n, &keys, &nk);

	plots_warning[0] = '\0';
	if (rc == 0)
		rc = draw_plots(runs, n, keys, nk, dir, plots_warning, warning_size);
	if (rc == 0)
		rc = build_md(&md, out, runs, n, keys, nk, plots_warning);
	if (rc < 0) {
		rc = aslr_error_set(err, rc, "out of memory");
	} else {
		snprintf(path, sizeof(path), "%s/compare.md", dir);
		rc = aslr_write_file_atomic(path, md.text, md.len, err);
	}
	strbuf_free(&md);
	free(keys);
	return rc;
}

unsigned compare_baseline(const struct cmp_run *old, const struct cmp_run *now, double tolerance, FILE *out)
{
	unsigned regressions = 0;
	char label[SERIES_KEY_TEXT];

	for (unsigned i = 0; i < old->series_count; i++) {
		const struct cmp_series *o = &old->series[i], *x = compare_match(now, o);
		series_label(o, label, sizeof(label));
		if (!x) {
			fprintf(out, "note: %s is in the baseline but not in %s\n", label, now->name);
			continue;
		}
		for (unsigned r = 0; r < o->region_count; r++) {
			const struct cmp_region *b = &o->region[r], *c = compare_find_region(x, b->name);
			struct gate_result g;
			if (!c) {
				fprintf(out, "note: %s %s is in the baseline but not in %s\n", label, b->name, now->name);
				continue;
			}
			g = gate_judge(b, c, tolerance);
			gate_print(out, label, b, c, old->name, now->name, &g, tolerance);
			regressions += g.verdict == GATE_TRIP;
		}
	}
	return regressions;
}

/* Runs of two or more kernel releases, each given as its run folder: what differs between
 * the kernels goes on top of compare.md (kdiff.h), as aslr-harness --kernel does. */
static int kernels_differ(const struct cmp_run *runs, unsigned n, char *const *paths)
{
	int differ = 0;

	for (unsigned i = 0; i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st) < 0 || !S_ISDIR(st.st_mode) || strcmp(runs[i].release, "unknown") == 0)
			return 0;
		differ |= strcmp(runs[i].release, runs[0].release) != 0;
	}
	return differ;
}

int compare_runs(char *const *paths, unsigned n, const char *dir, FILE *out, char *plots_warning,
		 size_t warning_size, struct aslr_error *err)
{
	struct cmp_run *runs = calloc(n + 1, sizeof(*runs));
	unsigned loaded = 0;
	int rc = runs ? 0 : aslr_error_set(err, -ENOMEM, "out of memory");

	plots_warning[0] = '\0';
	for (; rc == 0 && loaded < n; loaded++)
		rc = compare_load(&runs[loaded], paths[loaded], err);
	if (rc == 0)
		rc = aslr_folder_create(dir, err); /* after the inputs: bad input writes nothing */
	if (rc == 0)
		rc = compare_write(runs, n, dir, out, plots_warning, warning_size, err);
	if (rc == 0 && kernels_differ(runs, n, paths))
		rc = kdiff_prepend(dir, (const char *const *)paths, n, err);
	for (unsigned i = 0; i < loaded; i++)
		compare_free(&runs[i]);
	free(runs);
	return rc;
}

int compare_gate(const char *baseline, const char *run, double tolerance, FILE *out, struct aslr_error *err)
{
	struct cmp_run old, now;
	unsigned regressions;
	int rc = compare_load(&old, baseline, err);

	if (rc < 0)
		return rc;
	rc = compare_load(&now, run, err);
	if (rc < 0)
		goto out_free_old;
	regressions = compare_baseline(&old, &now, tolerance, out);
	fprintf(out, "%u region%s below the baseline by more than %.2f bits, beyond the sampling error\n", regressions,
		regressions == 1 ? "" : "s", tolerance);
	if (regressions)
		rc = aslr_error_gate(err, -ERANGE, "regression gate tripped: %u region%s of %s below %s", regressions,
				     regressions == 1 ? "" : "s", now.name, old.name);
	compare_free(&now);
out_free_old:
	compare_free(&old);
	return rc;
}
