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

/* How the leak matrix reads one region of a series. */
struct column_use {
	const uint64_t *data;
	int absent;                      /* every cell 0: no cell is missing, nothing varies */
	size_t valid;                    /* rows whose cell is not missing */
	struct lowbits_histogram shared; /* pairs of those rows by the low bits they share */
};

/* What the pairs of a series share. */
struct pair_work {
	size_t rows;    /* of the longest series */
	uint64_t *work; /* 5 rows: estimate_difference's scratch, then lowbits_estimate_pair's */
	uint64_t *both; /* 2 rows: the rows two regions both have; allocated when a cell is missing */
};

static int missing(const struct column_use *use, size_t row)
{
	return !use->absent && use->data[row] == 0;
}

/* work: room for 2 rows. */
static void column_use(struct column_use *use, const uint64_t *data, size_t rows, uint64_t *work)
{
	size_t n = 0;

	for (size_t i = 0; i < rows; i++)
		if (data[i])
			work[n++] = lowbits_key(data[i]);
	use->data = data;
	use->absent = n == 0;
	use->valid = use->absent ? rows : n;
	use->shared = (struct lowbits_histogram){ { 0 }, { 0 }, { 0 } };
	if (use->absent) { /* every row 0: all share every bit */
		use->shared.exact[LOWBITS_MAX] = (uint64_t)rows * (rows - 1) / 2;
		for (int k = 0; k <= LOWBITS_MAX; k++)
			use->shared.triples[k] = (double)rows * ((double)rows - 1) * ((double)rows - 2) / 6,
			use->shared.paired[k] = rows >= 2 ? (double)rows : 0;
	} else
		lowbits_count(work, n, work + rows, &use->shared);
}

/* The rows where neither region is missing: a's cells to both[0..), b's to both[rows..).
 * Returns how many. */
static size_t both_rows(const struct column_use *a, const struct column_use *b, size_t rows, uint64_t *both)
{
	size_t n = 0;

	for (size_t i = 0; i < rows; i++)
		if (!missing(a, i) && !missing(b, i)) {
			both[n] = a->data[i];
			both[rows + n++] = b->data[i];
		}
	return n;
}

/* No row has both regions: nothing to condition on. */
static void no_claim(struct lowbits_estimate *e)
{
	*e = (struct lowbits_estimate){ .k_first = 1, .low_bits = -1, .bits = NAN, .ci_low = NAN, .ci_high = NAN };
}

/* A - B and both directions given the low bits, for regions r < q. 0 or -ENOMEM. */
static int pair_estimate(struct series_summary *sum, unsigned n, unsigned r, unsigned q,
			 const struct column_use *use, struct pair_work *w)
{
	const struct lowbits_histogram *shared_a = &use[r].shared, *shared_b = &use[q].shared;
	const uint64_t *a = use[r].data, *b = use[q].data;
	struct lowbits_estimate *ab = &sum->given[(size_t)r * n + q], *ba = &sum->given[(size_t)q * n + r];
	size_t rows = sum->series->rows, kept = rows;
	int rc;

	if (use[r].valid < rows || use[q].valid < rows) {
		if (!w->both && !(w->both = malloc(2 * w->rows * sizeof(uint64_t))))
			return -ENOMEM;
		kept = both_rows(&use[r], &use[q], rows, w->both);
		a = kept ? w->both : a;
		b = kept ? w->both + rows : b;
		shared_a = kept == use[r].valid ? shared_a : NULL;
		shared_b = kept == use[q].valid ? shared_b : NULL;
	}
	/* no row in common: A - B over every row, as when missing cells were not known */
	rc = estimate_difference(a, b, kept ? kept : rows, w->work, &sum->pair[pair_index(n, r, q)]);
	if (rc < 0 || kept == 0) {
		no_claim(ab);
		no_claim(ba);
		return rc;
	}
	lowbits_estimate_pair(a, b, kept, shared_a, shared_b, w->work, ab, ba);
	return 0;
}

static int series_pairs(struct series_summary *sum, unsigned n, struct pair_work *w)
{
	const struct sample_series *x = sum->series;
	struct column_use *use = calloc(n, sizeof(*use));
	int rc = 0;

	sum->pair = calloc((size_t)n * (n - 1) / 2 + 1, sizeof(*sum->pair));
	sum->given = calloc((size_t)n * n, sizeof(*sum->given));
	if (!use || !sum->pair || !sum->given) {
		rc = -ENOMEM;
		goto out_free_use;
	}
	for (unsigned r = 0; r < n; r++)
		column_use(&use[r], x->column[r].data, x->rows, w->work);
	for (unsigned r = 0; r < n && rc == 0; r++)
		for (unsigned q = r + 1; q < n && rc == 0; q++)
			rc = pair_estimate(sum, n, r, q, use, w);
out_free_use:
	free(use);
	return rc;
}

int conditional_compute(struct analysis *a, struct aslr_error *err)
{
	struct pair_work w = { 0 };
	int rc = 0;

	for (unsigned s = 0; s < a->series_count; s++)
		if (a->series[s].series->rows > w.rows)
			w.rows = a->series[s].series->rows;
	w.work = malloc(5 * w.rows * sizeof(uint64_t) + 1);
	if (!w.work)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	for (unsigned s = 0; s < a->series_count && rc == 0; s++)
		rc = series_pairs(&a->series[s], a->table->region_count, &w);
	free(w.work);
	free(w.both);
	return rc < 0 ? aslr_error_set(err, rc, "out of memory") : 0;
}

const struct region_estimate *conditional_pair(const struct analysis *a, unsigned s, unsigned r,
					       unsigned q)
{
	return &a->series[s].pair[pair_index(a->table->region_count, r, q)];
}

const char *conditional_source_name(enum leak_source source)
{
	switch (source) {
	case LEAK_FROM_LOW_BITS:
		return "low_bits";
	case LEAK_FROM_OWN:
		return "own";
	case LEAK_FROM_DIFFERENCE:
		break;
	}
	return "difference";
}

void conditional_leak(const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b,
		      struct leak_estimate *out)
{
	const struct series_summary *sum = &a->series[s];
	const struct region_estimate *own = &sum->region[r_a];

	out->difference = conditional_pair(a, s, r_a, r_b);
	out->given = &sum->given[(size_t)r_a * a->table->region_count + r_b];
	if (out->given->low_bits >= 0) {
		out->bits = out->given->bits;
		out->kind = KIND_COLLISION;
		out->source = LEAK_FROM_LOW_BITS;
	} else {
		out->bits = out->difference->estimate_bits;
		out->kind = out->difference->kind;
		out->source = LEAK_FROM_DIFFERENCE;
	}
	/* H(A|B) <= H(A); when A - B has too few rows for a claim (NAN), A's own stands */
	if (own->estimate_bits < out->bits || isnan(out->bits)) {
		out->bits = own->estimate_bits;
		out->kind = own->kind;
		out->source = LEAK_FROM_OWN;
	}
}

double conditional_bits(const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b, int *capped)
{
	struct leak_estimate leak;

	if (capped)
		*capped = 0;
	if (r_a == r_b)
		return 0;
	conditional_leak(a, s, r_a, r_b, &leak);
	if (capped)
		*capped = leak.source == LEAK_FROM_OWN;
	return leak.bits;
}

int conditional_best_leak(const struct analysis *a, unsigned s, unsigned r_a, double *bits_left)
{
	int best = -1;

	*bits_left = a->series[s].region[r_a].estimate_bits;
	if (!estimate_moves(&a->series[s].region[r_a]))
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

double conditional_guesses(double bits)
{
	return fmax(1, exp2(bits - 1));
}
