#include "summary.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "conditional.h"
#include "expect.h"

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *bit_or_null(int bit)
{
	return bit < 0 ? json_null() : json_integer(bit);
}

static json_t *hex_string(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

static json_t *bits_list(uint64_t mask)
{
	json_t *list = json_array();
	for (int b = 0; b < 64; b++)
		if (mask >> b & 1)
			json_array_append_new(list, json_integer(b));
	return list;
}

/* The fields issue 13 added: skew, missing cells, serial independence. */
static void add_sample_facts(json_t *obj, const struct region_estimate *e)
{
	json_object_set_new(obj, "missing", json_integer((json_int_t)e->missing));
	json_object_set_new(obj, "mcv_count", json_integer((json_int_t)e->mcv_count));
	json_object_set_new(obj, "mcv_share", json_real(e->mcv_share));
	json_object_set_new(obj, "shannon_saturated", json_boolean(e->shannon_saturated));
	json_object_set_new(obj, "collision_triples", json_real(e->collision_triples));
	json_object_set_new(obj, "serial_lag1_p", real_or_null(e->serial_lag1_p));
	json_object_set_new(obj, "runs_p", real_or_null(e->runs_p));
	json_object_set_new(obj, "serial_rejected", json_boolean(e->serial_rejected));
}

json_t *summary_region_json(const struct region_estimate *e)
{
	json_t *p_one = json_array(), *ci = json_null(), *obj;

	for (int b = 0; b < 64; b++)
		json_array_append_new(p_one, json_real(e->p_one[b]));
	if (e->collision_pairs > 0)
		ci = json_pack("[f, f]", e->collision_ci_low, e->collision_ci_high);
	obj = json_pack("{s:I, s:I, s:o, s:o, s:i, s:f, s:f, s:I, s:o, s:o, s:o, s:f, s:f, s:b,"
			" s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:i, s:b}",
			"samples", (json_int_t)e->samples, "distinct", (json_int_t)e->distinct,
			"alignment_bit", bit_or_null(e->alignment_bit), "highest_bit",
			bit_or_null(e->highest_bit), "varying_bits", e->varying_bits, "bit_entropy_sum",
			e->bit_entropy_sum, "range_bits", e->range_bits, "collision_pairs",
			(json_int_t)e->collision_pairs, "collision_bits", real_or_null(e->collision_bits),
			"collision_ci", ci, "collision_lower_bound", real_or_null(e->collision_lower_bound),
			"min_entropy_bits", e->min_entropy_bits, "shannon_mm_bits", e->shannon_mm_bits,
			"saturated", e->saturated, "chi2_p", real_or_null(e->chi2_p), "estimate_bits",
			real_or_null(e->estimate_bits), "estimate_kind", estimate_kind_name(e->kind), "p_one",
			p_one, "biased_bits", bits_list(e->biased_mask), "min", hex_string(e->min), "max",
			hex_string(e->max), "chi2_bins", (int)e->chi2_bins, "absent", e->absent);
	if (obj)
		add_sample_facts(obj, e);
	return obj;
}

/* [["mmap", "libc", ...], ...]: the clusters of two or more regions of series s. */
static json_t *clusters_json(const struct analysis *a, unsigned s)
{
	const struct region_blocks *block = &a->series[s].blocks;
	json_t *list = json_array();

	for (unsigned b = 0; b < block->count; b++) {
		json_t *members = json_array();
		for (unsigned i = block->start[b]; i < block->start[b + 1]; i++)
			json_array_append_new(members, json_string(a->table->region[block->member[i]]));
		json_array_append_new(list, members);
	}
	return list;
}

/* One cell of the matrix: the fields of A - B, with the headline H(A | B) (docs/leaks.md). */
static json_t *leak_json(const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b)
{
	struct leak_estimate leak;
	struct region_estimate e;
	const struct lowbits_estimate *g;
	json_t *obj;
	int k;

	conditional_leak(a, s, r_a, r_b, &leak);
	g = leak.given;
	k = g->low_bits;
	e = *leak.difference;
	e.estimate_bits = leak.bits;
	e.kind = leak.kind;
	/* a constant A - B reads as all 0 once shifted to start at 0: absent is about the regions */
	e.absent = a->series[s].region[r_a].absent || a->series[s].region[r_b].absent;
	obj = summary_region_json(&e);
	json_object_set_new(obj, "difference_bits", isnan(leak.difference->estimate_bits)
							    ? json_null()
							    : json_real(leak.difference->estimate_bits));
	json_object_set_new(obj, "difference_kind", json_string(estimate_kind_name(leak.difference->kind)));
	json_object_set_new(obj, "given_low_bits", k < 0 ? json_null() : json_integer(k));
	json_object_set_new(obj, "given_pairs", k < 0 ? json_null() : json_integer((json_int_t)g->pairs[k]));
	json_object_set_new(obj, "given_collisions",
			    k < 0 ? json_null() : json_integer((json_int_t)g->collisions[k]));
	json_object_set_new(obj, "conditional_bits", k < 0 ? json_null() : json_real(g->bits));
	json_object_set_new(obj, "conditional_ci", k < 0 ? json_null() : json_pack("[f, f]", g->ci_low, g->ci_high));
	json_object_set_new(obj, "estimate_source", json_string(conditional_source_name(leak.source)));
	json_object_set_new(obj, "capped_by_own_estimate", json_boolean(leak.source == LEAK_FROM_OWN));
	return obj;
}

/* {"A": {"B": {...}}}: the leak matrix of series s (docs/leaks.md). */
static json_t *matrix_json(const struct analysis *a, unsigned s)
{
	const struct sample_table *t = a->table;
	json_t *matrix = json_object();

	for (unsigned r_a = 0; r_a < t->region_count; r_a++) {
		json_t *row = json_object();
		for (unsigned r_b = 0; r_b < t->region_count; r_b++)
			if (r_a != r_b)
				json_object_set_new(row, t->region[r_b], leak_json(a, s, r_a, r_b));
		json_object_set_new(matrix, t->region[r_a], row);
	}
	return matrix;
}

/* {"A": {"best_leak": "B", "bits_before", ...}}: the best leak of every region of series s. */
static json_t *leaks_json(const struct analysis *a, unsigned s)
{
	const struct sample_table *t = a->table;
	json_t *leaks = json_object();

	for (unsigned r = 0; r < t->region_count; r++) {
		double before = a->series[s].region[r].estimate_bits, left;
		int best = conditional_best_leak(a, s, r, &left);
		if (best < 0)
			continue;
		json_object_set_new(leaks, t->region[r],
				    json_pack("{s:s, s:f, s:f, s:f, s:f}", "best_leak", t->region[best],
					      "bits_before", before, "bits_left", left, "guesses_before",
					      conditional_guesses(before), "guesses_after", conditional_guesses(left)));
	}
	return leaks;
}

static json_t *series_json(const struct analysis *a, unsigned index)
{
	const struct sample_table *t = a->table;
	const struct series_summary *s = &a->series[index];
	json_t *regions = json_object();
	json_t *obj = json_pack("{s:s, s:i}", "variant", s->series->variant, "mode", s->series->mode);

	for (int knob = 0; knob < ANALYSIS_KNOBS; knob++)
		if (analysis_has_knob(a, knob))
			json_object_set_new(obj, analysis_knob_name(knob), json_integer(analysis_knob(s->series, knob)));
	json_object_set_new(obj, "samples", json_integer((json_int_t)s->series->rows));
	for (unsigned r = 0; r < t->region_count; r++) {
		json_t *region = summary_region_json(&s->region[r]);
		expect_to_json(region, a, index, r);
		json_object_set_new(regions, t->region[r], region);
	}
	json_object_set_new(obj, "regions", regions);
	json_object_set_new(obj, "clusters", clusters_json(a, index));
	if (s->pair) {
		json_object_set_new(obj, "conditional", matrix_json(a, index));
		json_object_set_new(obj, "leaks", leaks_json(a, index));
	}
	return obj;
}

json_t *summary_to_json(const struct analysis *a, const json_t *run)
{
	json_t *series = json_array();

	for (unsigned s = 0; s < a->series_count; s++)
		json_array_append_new(series, series_json(a, s));
	return json_pack("{s:s, s:o, s:o}", "schema", SUMMARY_SCHEMA, "run",
			 run ? json_deep_copy(run) : json_object(), "series", series);
}

/* One CSV number: empty for null, %.6g otherwise. */
static void csv_num(struct strbuf *sb, double v)
{
	if (isfinite(v))
		strbuf_printf(sb, ",%.6g", v);
	else
		strbuf_printf(sb, ",");
}

static void csv_bit(struct strbuf *sb, int bit)
{
	if (bit < 0)
		strbuf_printf(sb, ",");
	else
		strbuf_printf(sb, ",%d", bit);
}

static const char *csv_bool(int v)
{
	return v ? ",true" : ",false";
}

/* The series' fixed columns, as samples.csv has them (samples_csv.h). */
static void csv_series(struct strbuf *sb, const struct analysis *a, const struct sample_series *s)
{
	strbuf_printf(sb, "%s,%d", s->variant, s->mode);
	for (int knob = 0; knob < ANALYSIS_KNOBS; knob++)
		if (analysis_has_knob(a, knob))
			strbuf_printf(sb, ",%d", analysis_knob(s, knob));
}

static void csv_row(struct strbuf *sb, const struct analysis *a, const struct sample_series *s, unsigned region_index,
		    const struct region_estimate *e)
{
	const char *region = a->table->region[region_index];

	csv_series(sb, a, s);
	strbuf_printf(sb, ",%s,%llu,%llu", region, (unsigned long long)e->samples, (unsigned long long)e->distinct);
	csv_bit(sb, e->alignment_bit);
	csv_bit(sb, e->highest_bit);
	strbuf_printf(sb, ",%d", e->varying_bits);
	csv_num(sb, e->bit_entropy_sum);
	csv_num(sb, e->range_bits);
	strbuf_printf(sb, ",%llu", (unsigned long long)e->collision_pairs);
	csv_num(sb, e->collision_bits);
	csv_num(sb, e->collision_ci_low);
	csv_num(sb, e->collision_ci_high);
	csv_num(sb, e->collision_lower_bound);
	csv_num(sb, e->min_entropy_bits);
	csv_num(sb, e->shannon_mm_bits);
	strbuf_printf(sb, "%s", csv_bool(e->saturated));
	csv_num(sb, e->chi2_p);
	csv_num(sb, e->estimate_bits);
	strbuf_printf(sb, ",%s%s,%llu,%llu", estimate_kind_name(e->kind), csv_bool(e->absent),
		      (unsigned long long)e->missing, (unsigned long long)e->mcv_count);
	csv_num(sb, e->mcv_share);
	strbuf_printf(sb, "%s", csv_bool(e->shannon_saturated));
	csv_num(sb, e->serial_lag1_p);
	csv_num(sb, e->runs_p);
	strbuf_printf(sb, "%s", csv_bool(e->serial_rejected));
	expect_to_csv(sb, a, (unsigned)(s - a->table->series), region_index);
	strbuf_printf(sb, "\n");
}

static void csv_header(struct strbuf *sb, const struct analysis *a)
{
	strbuf_printf(sb, "%s,%s", samples_csv_column_name(SAMPLES_CSV_VARIANT), samples_csv_column_name(SAMPLES_CSV_MODE));
	for (int knob = 0; knob < ANALYSIS_KNOBS; knob++)
		if (analysis_has_knob(a, knob))
			strbuf_printf(sb, ",%s", analysis_knob_name(knob));
	strbuf_printf(sb, ",region,samples,distinct,alignment_bit,highest_bit,varying_bits,bit_entropy_sum,range_bits,"
			  "collision_pairs,collision_bits,collision_ci_low,collision_ci_high,collision_lower_bound,"
			  "min_entropy_bits,shannon_mm_bits,saturated,chi2_p,estimate_bits,estimate_kind,absent,missing,"
			  "mcv_count,mcv_share,shannon_saturated,serial_lag1_p,runs_p,serial_rejected,%s\n", EXPECT_CSV_COLUMNS);
}

static int write_csv(const struct analysis *a, const char *path, struct aslr_error *err)
{
	const struct sample_table *t = a->table;
	struct strbuf sb = { 0 };
	int rc;

	csv_header(&sb, a);
	for (unsigned s = 0; s < a->series_count; s++)
		for (unsigned r = 0; r < t->region_count; r++)
			csv_row(&sb, a, a->series[s].series, r, &a->series[s].region[r]);
	rc = sb.failed ? aslr_error_set(err, -ENOMEM, "cannot format summary.csv: out of memory")
		       : aslr_write_file_atomic(path, sb.text, sb.len, err);
	strbuf_free(&sb);
	return rc;
}

static int write_json(const struct analysis *a, const json_t *run, const char *path,
		      struct aslr_error *err)
{
	json_t *doc = summary_to_json(a, run);
	char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(6)) : NULL;
	int rc;

	json_decref(doc);
	if (!text)
		return aslr_error_set(err, -ENOMEM, "cannot format summary.json");
	rc = aslr_write_file_atomic(path, text, strlen(text), err);
	free(text);
	return rc;
}

int summary_write(const struct analysis *a, const json_t *run, const char *dir, struct aslr_error *err)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	rc = write_json(a, run, path, err);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	return write_csv(a, path, err);
}
