#include "summary.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "conditional.h"

int analysis_compute(struct analysis *a, const struct sample_table *t, struct aslr_error *err)
{
	size_t most = 0;
	uint64_t *scratch;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	a->table = t;
	for (unsigned s = 0; s < t->series_count; s++)
		if (t->series[s].rows > most)
			most = t->series[s].rows;
	a->series = calloc(t->series_count, sizeof(*a->series));
	scratch = malloc(2 * most * sizeof(uint64_t) + 1);
	if (!a->series || !scratch) {
		rc = aslr_error_set(err, -ENOMEM, "out of memory");
		goto out_free;
	}
	a->series_count = t->series_count;
	for (unsigned s = 0; s < t->series_count && rc == 0; s++) {
		struct series_summary *sum = &a->series[s];
		sum->series = &t->series[s];
		sum->region = calloc(t->region_count, sizeof(*sum->region));
		if (!sum->region) {
			rc = aslr_error_set(err, -ENOMEM, "out of memory");
			break;
		}
		for (unsigned r = 0; r < t->region_count && rc == 0; r++)
			if (estimate_column(sum->series->column[r].data, sum->series->rows, scratch,
					    &sum->region[r]) < 0)
				rc = aslr_error_set(err, -ENOMEM, "out of memory");
	}
out_free:
	free(scratch);
	if (rc < 0)
		analysis_free(a);
	return rc;
}

static int same_group(const struct sample_series *x, const struct sample_series *y)
{
	return strcmp(x->variant, y->variant) == 0 && x->rnd_bits == y->rnd_bits &&
	       x->rnd_compat_bits == y->rnd_compat_bits;
}

unsigned analysis_group_end(const struct analysis *a, unsigned first)
{
	unsigned last = first + 1;

	while (last < a->series_count && same_group(a->series[first].series, a->series[last].series))
		last++;
	return last;
}

void analysis_series_tag(const struct analysis *a, unsigned s, char *buf, size_t size)
{
	const struct sample_series *x = a->series[s].series;
	int n = 0;

	buf[0] = '\0';
	if (analysis_group_end(a, 0) < a->series_count) {
		n = snprintf(buf, size, "%s-", x->variant);
		if (x->rnd_bits >= 0)
			n += snprintf(buf + n, size - (size_t)n, "rnd%d-", x->rnd_bits);
		if (x->rnd_compat_bits >= 0)
			n += snprintf(buf + n, size - (size_t)n, "compat%d-", x->rnd_compat_bits);
	}
	snprintf(buf + n, size - (size_t)n, "mode%d", x->mode);
}

void analysis_series_label(const struct analysis *a, unsigned s, char *buf, size_t size)
{
	const struct sample_series *x = a->series[s].series;
	int n = snprintf(buf, size, "%s mode %d", x->variant, x->mode);

	if (x->rnd_bits >= 0 && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ", mmap_rnd_bits %d", x->rnd_bits);
	if (x->rnd_compat_bits >= 0 && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", mmap_rnd_compat_bits %d", x->rnd_compat_bits);
}

int analysis_find_series(const struct analysis *a, const char *variant, int mode, int rnd_bits,
			 int rnd_compat_bits)
{
	for (unsigned s = 0; s < a->series_count; s++) {
		const struct sample_series *x = a->series[s].series;
		if (x->mode == mode && x->rnd_bits == rnd_bits && x->rnd_compat_bits == rnd_compat_bits &&
		    strcmp(x->variant, variant) == 0)
			return (int)s;
	}
	return -1;
}

int analysis_highest_mode(const struct analysis *a)
{
	int mode = -1;

	for (unsigned s = 0; s < a->series_count; s++)
		mode = a->series[s].series->mode > mode ? a->series[s].series->mode : mode;
	return mode;
}

int analysis_knob(const struct sample_series *x, int knob)
{
	return knob ? x->rnd_compat_bits : x->rnd_bits;
}

unsigned analysis_variants(const struct analysis *a, const char **names, unsigned max)
{
	unsigned n = 0;

	for (unsigned s = 0; s < a->series_count; s++) {
		unsigned i = 0;
		while (i < n && strcmp(names[i], a->series[s].series->variant) != 0)
			i++;
		if (i == n && n < max)
			names[n++] = a->series[s].series->variant;
	}
	return n;
}

int analysis_offset_constant(const struct analysis *a, unsigned s, unsigned r, unsigned q)
{
	const struct sample_series *x = a->series[s].series;
	const uint64_t *u = x->column[r].data, *v = x->column[q].data;

	for (size_t i = 1; i < x->rows; i++)
		if (u[i] - v[i] != u[0] - v[0])
			return 0;
	return 1;
}

void analysis_free(struct analysis *a)
{
	for (unsigned s = 0; s < a->series_count; s++) {
		free(a->series[s].region);
		free(a->series[s].pair);
	}
	free(a->series);
	a->series = NULL;
	a->series_count = 0;
}

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

static json_t *series_json(const struct analysis *a, unsigned index)
{
	const struct sample_table *t = a->table;
	const struct series_summary *s = &a->series[index];
	json_t *regions = json_object();
	json_t *obj = json_pack("{s:s, s:i}", "variant", s->series->variant, "mode", s->series->mode);

	if (t->has_rnd_bits)
		json_object_set_new(obj, "mmap_rnd_bits", json_integer(s->series->rnd_bits));
	if (t->has_rnd_compat_bits)
		json_object_set_new(obj, "mmap_rnd_compat_bits", json_integer(s->series->rnd_compat_bits));
	json_object_set_new(obj, "samples", json_integer((json_int_t)s->series->rows));
	for (unsigned r = 0; r < t->region_count; r++)
		json_object_set_new(regions, t->region[r], summary_region_json(&s->region[r]));
	json_object_set_new(obj, "regions", regions);
	json_object_set_new(obj, "clusters", conditional_clusters_json(a, index));
	if (s->pair) {
		json_object_set_new(obj, "conditional", conditional_json(a, index));
		json_object_set_new(obj, "leaks", conditional_leaks_json(a, index));
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
static void csv_num(char **p, double v)
{
	*p += isfinite(v) ? sprintf(*p, ",%.6g", v) : sprintf(*p, ",");
}

static void csv_bit(char **p, int bit)
{
	*p += bit < 0 ? sprintf(*p, ",") : sprintf(*p, ",%d", bit);
}

static size_t csv_row(char *buf, const struct sample_table *t, const struct sample_series *s,
		      const char *region, const struct region_estimate *e)
{
	char *p = buf;

	p += sprintf(p, "%s,%d", s->variant, s->mode);
	if (t->has_rnd_bits)
		p += sprintf(p, ",%d", s->rnd_bits);
	if (t->has_rnd_compat_bits)
		p += sprintf(p, ",%d", s->rnd_compat_bits);
	p += sprintf(p, ",%s,%llu,%llu", region, (unsigned long long)e->samples,
		     (unsigned long long)e->distinct);
	csv_bit(&p, e->alignment_bit);
	csv_bit(&p, e->highest_bit);
	p += sprintf(p, ",%d", e->varying_bits);
	csv_num(&p, e->bit_entropy_sum);
	csv_num(&p, e->range_bits);
	p += sprintf(p, ",%llu", (unsigned long long)e->collision_pairs);
	csv_num(&p, e->collision_bits);
	csv_num(&p, e->collision_ci_low);
	csv_num(&p, e->collision_ci_high);
	csv_num(&p, e->collision_lower_bound);
	csv_num(&p, e->min_entropy_bits);
	csv_num(&p, e->shannon_mm_bits);
	p += sprintf(p, ",%s", e->saturated ? "true" : "false");
	csv_num(&p, e->chi2_p);
	csv_num(&p, e->estimate_bits);
	p += sprintf(p, ",%s,%s,%llu,%llu", estimate_kind_name(e->kind), e->absent ? "true" : "false",
		     (unsigned long long)e->missing, (unsigned long long)e->mcv_count);
	csv_num(&p, e->mcv_share);
	p += sprintf(p, ",%s", e->shannon_saturated ? "true" : "false");
	csv_num(&p, e->serial_lag1_p);
	csv_num(&p, e->runs_p);
	p += sprintf(p, ",%s\n", e->serial_rejected ? "true" : "false");
	return (size_t)(p - buf);
}

static int write_csv(const struct analysis *a, const char *path, struct aslr_error *err)
{
	const struct sample_table *t = a->table;
	struct aslr_atomic_file f;
	char row[1024];
	int rc = aslr_atomic_open(&f, path, err);
	size_t n;

	if (rc < 0)
		return rc;
	n = (size_t)sprintf(row, "variant,mode%s%s,region,samples,distinct,alignment_bit,highest_bit,"
			    "varying_bits,bit_entropy_sum,range_bits,collision_pairs,collision_bits,"
			    "collision_ci_low,collision_ci_high,collision_lower_bound,min_entropy_bits,"
			    "shannon_mm_bits,saturated,chi2_p,estimate_bits,estimate_kind,absent,missing,"
			    "mcv_count,mcv_share,shannon_saturated,serial_lag1_p,runs_p,serial_rejected\n",
			    t->has_rnd_bits ? ",mmap_rnd_bits" : "",
			    t->has_rnd_compat_bits ? ",mmap_rnd_compat_bits" : "");
	rc = aslr_atomic_write(&f, row, n, err);
	for (unsigned s = 0; s < a->series_count && rc == 0; s++)
		for (unsigned r = 0; r < t->region_count && rc == 0; r++) {
			n = csv_row(row, t, a->series[s].series, t->region[r], &a->series[s].region[r]);
			rc = aslr_atomic_write(&f, row, n, err);
		}
	if (rc < 0) {
		aslr_atomic_abort(&f);
		return rc;
	}
	return aslr_atomic_commit(&f, err);
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
