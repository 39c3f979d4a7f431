#include "analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The distinct variants, in series order, into a->variant. 0 or -ENOMEM. */
static int list_variants(struct analysis *a)
{
	a->variant = calloc(a->series_count + 1, sizeof(*a->variant));
	if (!a->variant)
		return -ENOMEM;
	for (unsigned s = 0; s < a->series_count; s++) {
		const char *name = a->series[s].series->variant;
		unsigned i = 0;
		while (i < a->variant_count && strcmp(a->variant[i], name) != 0)
			i++;
		if (i == a->variant_count)
			a->variant[a->variant_count++] = name;
	}
	return 0;
}

/* Estimate every region of one series, then find its blocks; scratch has room for 2
 * rows. 0 or -ENOMEM. */
static int estimate_series(struct series_summary *sum, unsigned regions, uint64_t *scratch)
{
	sum->region = calloc(regions + 1, sizeof(*sum->region));
	if (!sum->region)
		return -ENOMEM;
	for (unsigned r = 0; r < regions; r++)
		if (estimate_column(sum->series->column[r].data, sum->series->rows, scratch, &sum->region[r]) < 0)
			return -ENOMEM;
	return blocks_find(sum->series, sum->region, regions, &sum->blocks);
}

int analysis_compute(struct analysis *a, const struct sample_table *t, struct aslr_error *err)
{
	size_t most = 0;
	uint64_t *scratch;
	int rc = -ENOMEM;

	memset(a, 0, sizeof(*a));
	a->table = t;
	for (unsigned s = 0; s < t->series_count; s++)
		if (t->series[s].rows > most)
			most = t->series[s].rows;
	a->series = calloc(t->series_count + 1, sizeof(*a->series));
	scratch = malloc(2 * most * sizeof(uint64_t) + 1);
	if (!a->series || !scratch)
		goto out_free;
	a->series_count = t->series_count;
	for (unsigned s = 0; s < t->series_count; s++)
		a->series[s].series = &t->series[s];
	rc = list_variants(a);
	for (unsigned s = 0; s < t->series_count && rc == 0; s++)
		rc = estimate_series(&a->series[s], t->region_count, scratch);
out_free:
	free(scratch);
	if (rc < 0) {
		analysis_free(a);
		return aslr_error_set(err, rc, "out of memory");
	}
	return 0;
}

void analysis_free(struct analysis *a)
{
	for (unsigned s = 0; s < a->series_count; s++) {
		free(a->series[s].region);
		blocks_free(&a->series[s].blocks);
		free(a->series[s].pair);
		free(a->series[s].given);
	}
	free(a->series);
	free(a->variant);
	memset(a, 0, sizeof(*a));
}

struct series_key analysis_series_key(const struct analysis *a, unsigned s)
{
	return samples_series_key(a->series[s].series);
}

struct series_key analysis_group_key(const struct analysis *a, unsigned s)
{
	struct series_key key = analysis_series_key(a, s);

	key.mode = -1;
	return key;
}

unsigned analysis_group_end(const struct analysis *a, unsigned first)
{
	struct series_key group = analysis_group_key(a, first);
	unsigned last = first + 1;

	while (last < a->series_count) {
		struct series_key next = analysis_group_key(a, last);
		if (!series_key_equal(&group, &next))
			break;
		last++;
	}
	return last;
}

/* The series' tag, or for one group only its mode part: the tag less "<group tag>-". */
void analysis_series_tag(const struct analysis *a, unsigned s, char *buf, size_t size)
{
	struct series_key key = analysis_series_key(a, s), group = analysis_group_key(a, s);
	char tag[SERIES_KEY_TEXT], group_tag[SERIES_KEY_TEXT];
	size_t skip = 0;

	series_key_tag(&key, tag, sizeof(tag));
	if (analysis_group_end(a, 0) >= a->series_count)
		skip = (size_t)series_key_tag(&group, group_tag, sizeof(group_tag)) + 1;
	snprintf(buf, size, "%s", tag + skip);
}

void analysis_series_label(const struct analysis *a, unsigned s, char *buf, size_t size)
{
	struct series_key key = analysis_series_key(a, s);

	series_key_label(&key, buf, size);
}

void analysis_group_tag(const struct analysis *a, unsigned first, char *buf, size_t size)
{
	struct series_key group = analysis_group_key(a, first);

	buf[0] = '\0';
	if (analysis_group_end(a, 0) < a->series_count)
		series_key_tag(&group, buf, size);
}

void analysis_group_label(const struct analysis *a, unsigned first, char *buf, size_t size)
{
	struct series_key group = analysis_group_key(a, first);

	series_key_label(&group, buf, size);
}

int analysis_find_series(const struct analysis *a, const struct series_key *key)
{
	for (unsigned s = 0; s < a->series_count; s++) {
		struct series_key x = analysis_series_key(a, s);
		if (series_key_equal(&x, key))
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

const char *analysis_knob_name(int knob)
{
	return samples_csv_column_name(knob ? SAMPLES_CSV_RND_COMPAT_BITS : SAMPLES_CSV_RND_BITS);
}

int analysis_has_knob(const struct analysis *a, int knob)
{
	return knob ? a->table->has_rnd_compat_bits : a->table->has_rnd_bits;
}

static void forget_knob(struct series_key *key, int knob)
{
	if (knob)
		key->rnd_compat_bits = -1;
	else
		key->rnd_bits = -1;
}

struct series_key analysis_knob_sweep(const struct analysis *a, int knob, int mode)
{
	struct series_key key = analysis_series_key(a, 0);

	key.mode = mode;
	forget_knob(&key, knob);
	return key;
}

int analysis_in_knob_sweep(const struct analysis *a, unsigned s, int knob, int mode)
{
	struct series_key sweep = analysis_knob_sweep(a, knob, mode), x = analysis_series_key(a, s);

	if (analysis_knob(a->series[s].series, knob) < 0)
		return 0;
	forget_knob(&x, knob);
	return series_key_equal(&x, &sweep);
}

int analysis_variant_series(const struct analysis *a, unsigned v, int mode)
{
	struct series_key key = analysis_series_key(a, 0);

	key.variant = a->variant[v];
	key.mode = mode;
	return analysis_find_series(a, &key);
}

int analysis_offset_constant(const struct analysis *a, unsigned s, unsigned r, unsigned q)
{
	return blocks_offset_constant(a->series[s].series, r, q);
}

