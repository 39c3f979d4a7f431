#include "conditional.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static size_t pair_index(unsigned n, unsigned r, unsigned q)
{
	if (r > q) {
		unsigned t = r;
		r = q;
		q = t;
	}
	return (size_t)r * n - (size_t)r * (r + 1) / 2 + (q - r - 1);
}

static int series_pairs(struct series_summary *sum, unsigned n, uint64_t *scratch)
{
	const struct sample_series *x = sum->series;

	sum->pair = calloc((size_t)n * (n - 1) / 2 + 1, sizeof(*sum->pair));
	if (!sum->pair)
		return -ENOMEM;
	for (unsigned r = 0; r < n; r++)
		for (unsigned q = r + 1; q < n; q++) {
			int rc = estimate_difference(x->column[r].data, x->column[q].data, x->rows, scratch,
						     &sum->pair[pair_index(n, r, q)]);
			if (rc < 0)
				return rc;
		}
	return 0;
}

int conditional_compute(struct analysis *a, struct aslr_error *err)
{
	size_t most = 0;
	uint64_t *scratch;
	int rc = 0;

	for (unsigned s = 0; s < a->series_count; s++)
		if (a->series[s].series->rows > most)
			most = a->series[s].series->rows;
	scratch = malloc(2 * most * sizeof(uint64_t) + 1);
	if (!scratch)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	for (unsigned s = 0; s < a->series_count && rc == 0; s++)
		rc = series_pairs(&a->series[s], a->table->region_count, scratch);
	free(scratch);
	return rc < 0 ? aslr_error_set(err, rc, "out of memory") : 0;
}

const struct region_estimate *conditional_pair(const struct analysis *a, unsigned s, unsigned r,
					       unsigned q)
{
	return &a->series[s].pair[pair_index(a->table->region_count, r, q)];
}

double conditional_bits(const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b, int *capped)
{
	double own = a->series[s].region[r_a].estimate_bits, diff;

	if (capped)
		*capped = 0;
	if (r_a == r_b)
		return 0;
	diff = conditional_pair(a, s, r_a, r_b)->estimate_bits;
	if (own < diff && capped)
		*capped = 1;
	return fmin(own, diff);
}

int conditional_best_leak(const struct analysis *a, unsigned s, unsigned r_a, double *bits_left)
{
	int best = -1;

	*bits_left = a->series[s].region[r_a].estimate_bits;
	if (a->series[s].region[r_a].kind == KIND_CONSTANT)
		return -1;
	for (unsigned r_b = 0; r_b < a->table->region_count; r_b++) {
		double bits;
		if (r_b == r_a)
			continue;
		bits = conditional_bits(a, s, r_a, r_b, NULL);
		if (best < 0 || bits < *bits_left) {
			best = (int)r_b;
			*bits_left = bits;
		}
	}
	return best;
}

void conditional_clusters(const struct analysis *a, unsigned s, int *cluster)
{
	const struct region_estimate *e = a->series[s].region;

	for (unsigned r = 0; r < a->table->region_count; r++) {
		cluster[r] = e[r].kind == KIND_CONSTANT ? -1 : (int)r;
		for (unsigned q = 0; q < r && cluster[r] == (int)r; q++)
			if (cluster[q] == (int)q && analysis_offset_constant(a, s, r, q))
				cluster[r] = (int)q;
	}
}

unsigned conditional_blocks(const struct analysis *a, unsigned s, struct region_block *blocks)
{
	int cluster[SAMPLES_MAX_COLUMNS];
	unsigned n = a->table->region_count, count = 0;

	conditional_clusters(a, s, cluster);
	for (unsigned head = 0; head < n && count < MAX_BLOCKS; head++) {
		struct region_block *b = &blocks[count];
		b->size = 0;
		for (unsigned r = 0; r < n; r++)
			if (cluster[r] == (int)head)
				b->member[b->size++] = (unsigned char)r;
		count += b->size >= 2;
	}
	return count;
}

json_t *conditional_clusters_json(const struct analysis *a, unsigned s)
{
	static struct region_block blocks[MAX_BLOCKS];
	unsigned n = conditional_blocks(a, s, blocks);
	json_t *list = json_array();

	for (unsigned b = 0; b < n; b++) {
		json_t *members = json_array();
		for (unsigned i = 0; i < blocks[b].size; i++)
			json_array_append_new(members, json_string(a->table->region[blocks[b].member[i]]));
		json_array_append_new(list, members);
	}
	return list;
}

double conditional_guesses(double bits)
{
	return fmax(1, exp2(bits - 1));
}

json_t *conditional_json(const struct analysis *a, unsigned s)
{
	const struct sample_table *t = a->table;
	json_t *matrix = json_object();

	for (unsigned r_a = 0; r_a < t->region_count; r_a++) {
		json_t *row = json_object();
		for (unsigned r_b = 0; r_b < t->region_count; r_b++) {
			struct region_estimate e;
			int capped;
			if (r_a == r_b)
				continue;
			e = *conditional_pair(a, s, r_a, r_b);
			e.estimate_bits = conditional_bits(a, s, r_a, r_b, &capped);
			if (capped)
				e.kind = a->series[s].region[r_a].kind;
			json_t *obj = summary_region_json(&e);
			json_object_set_new(obj, "capped_by_own_estimate", json_boolean(capped));
			json_object_set_new(row, t->region[r_b], obj);
		}
		json_object_set_new(matrix, t->region[r_a], row);
	}
	return matrix;
}

json_t *conditional_leaks_json(const struct analysis *a, unsigned s)
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
