#include "analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		free(a->series[s].given);
	}
	free(a->series);
	a->series = NULL;
	a->series_count = 0;
}

