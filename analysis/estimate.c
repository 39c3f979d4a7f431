#include "estimate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "radix.h"
#include "stats.h"

const char *estimate_kind_name(enum estimate_kind kind)
{
	switch (kind) {
	case KIND_COLLISION:
		return "collision";
	case KIND_RANGE:
		return "range";
	case KIND_CONSTANT:
		break;
	}
	return "constant";
}

double estimate_samples_needed(double bits, double k)
{
	return sqrt(2 * k * exp2(bits));
}

static void varying_bits(struct region_estimate *e, const uint64_t *sorted, size_t n)
{
	uint64_t all_or = 0, all_and = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		all_or |= sorted[i];
		all_and &= sorted[i];
	}
	e->varying_mask = all_or ^ all_and;
	e->varying_bits = __builtin_popcountll(e->varying_mask);
	e->alignment_bit = e->varying_mask ? __builtin_ctzll(e->varying_mask) : -1;
	e->highest_bit = e->varying_mask ? 63 - __builtin_clzll(e->varying_mask) : -1;
	e->min = sorted[0];
	e->max = sorted[n - 1];
}

/* P(bit = 1) from the byte histograms the sort already counted. */
static void per_bit(struct region_estimate *e, const struct radix_histograms *h, size_t n)
{
	double half = (double)n / 2, sd = sqrt((double)n / 4);

	e->bit_entropy_sum = 0;
	e->biased_mask = 0;
	for (int bit = 0; bit < 64; bit++) {
		size_t ones = 0;
		for (int v = 0; v < 256; v++)
			if (v >> (bit % 8) & 1)
				ones += h->count[bit / 8][v];
		e->p_one[bit] = (double)ones / (double)n;
		if (!(e->varying_mask >> bit & 1))
			continue;
		e->bit_entropy_sum += stats_binary_entropy(e->p_one[bit]);
		if (fabs(((double)ones - half) / sd) > BIAS_Z)
			e->biased_mask |= UINT64_C(1) << bit;
	}
}

static void range_bits(struct region_estimate *e)
{
	e->range_bits = e->varying_mask ? log2((double)((e->max - e->min) >> e->alignment_bit) + 1) : 0;
}

/* One walk over the runs of equal values: distinct, pairs, most common, plug-in sums. */
static void run_statistics(struct region_estimate *e, const uint64_t *sorted, size_t n)
{
	double n_d = (double)n, sum_clogc = 0, pairs_all = n_d * (n_d - 1) / 2;
	size_t max_run = 0, i = 0;

	e->distinct = 0;
	e->collision_pairs = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && sorted[j] == sorted[i])
			j++;
		size_t c = j - i;
		e->distinct++;
		e->collision_pairs += (uint64_t)c * (c - 1) / 2;
		sum_clogc += (double)c * log2((double)c);
		if (c > max_run)
			max_run = c;
		i = j;
	}
	double p = (double)max_run / n_d;
	double p_u = n > 1 ? fmin(1, p + 2.576 * sqrt(p * (1 - p) / (n_d - 1))) : 1;
	/* entropies are never negative; fmax drops rounding residue such as -0 or -1e-15 */
	e->min_entropy_bits = fmax(0, -log2(p_u));
	e->shannon_mm_bits = fmax(0, log2(n_d) - sum_clogc / n_d + (double)(e->distinct - 1) / (2 * n_d * M_LN2));
	e->saturated = e->distinct * 2 > n;

	double pairs = (double)e->collision_pairs;
	e->collision_bits = e->collision_ci_low = e->collision_ci_high = NAN;
	/* The Poisson limits can pass C(N,2) when nearly all pairs collide: H2 >= 0 still. */
	e->collision_lower_bound = n > 1 ? fmax(0, log2(pairs_all / stats_poisson_upper(pairs, 0.05))) : NAN;
	if (e->collision_pairs > 0) {
		e->collision_bits = log2(pairs_all / pairs);
		e->collision_ci_low = fmax(0, log2(pairs_all / stats_poisson_upper(pairs, 0.025)));
		e->collision_ci_high = fmax(0, log2(pairs_all / stats_poisson_lower(pairs, 0.025)));
	}
}

/* Chi-square against the uniform distribution over the M granules of [min, max]:
 * each granule its own bin when M <= N/5, else about N/10 bins of nearly equal
 * granule counts, expecting N * granules_in_bin / M in each. */
static int chi_square(struct region_estimate *e, const uint64_t *sorted, size_t n)
{
	typedef unsigned __int128 u128;
	u128 m = ((u128)((e->max - e->min) >> (e->alignment_bit < 0 ? 0 : e->alignment_bit))) + 1;
	u128 bins = m <= n / 5 ? m : n / 10;
	double chi2 = 0;
	size_t *observed;

	e->chi2_p = NAN;
	e->chi2_bins = 0;
	if (e->varying_mask == 0 || bins < 2)
		return 0;
	if (bins > (1u << 20))
		bins = 1u << 20;
	observed = calloc((size_t)bins, sizeof(*observed));
	if (!observed)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		observed[(size_t)((u128)((sorted[i] - e->min) >> e->alignment_bit) * bins / m)]++;
	for (u128 b = 0; b < bins; b++) {
		u128 first = (b * m + bins - 1) / bins, next = ((b + 1) * m + bins - 1) / bins;
		double expected = (double)n * (double)(next - first) / (double)m;
		double d = (double)observed[b] - expected;
		chi2 += d * d / expected;
	}
	free(observed);
	e->chi2_bins = (unsigned)bins;
	e->chi2_p = stats_chi2_sf(chi2, (double)(bins - 1));
	return 0;
}

static void headline(struct region_estimate *e)
{
	if (e->varying_mask == 0) {
		e->kind = KIND_CONSTANT;
		e->estimate_bits = 0;
	} else if (e->collision_pairs >= ESTIMATE_MIN_PAIRS) {
		e->kind = KIND_COLLISION;
		e->estimate_bits = e->collision_bits;
	} else {
		e->kind = KIND_RANGE;
		e->estimate_bits = e->range_bits;
	}
}

/* Every estimator, on n sorted values whose byte histograms are hist. */
static int estimate_sorted(const uint64_t *sorted, size_t n, const struct radix_histograms *hist,
			   struct region_estimate *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->samples = n;
	varying_bits(out, sorted, n);
	per_bit(out, hist, n);
	range_bits(out);
	run_statistics(out, sorted, n);
	rc = chi_square(out, sorted, n);
	headline(out);
	/* a probe reports 0x0 for regions it does not have (the harness's shared CSV columns) */
	out->absent = out->max == 0;
	return rc;
}

int estimate_values(const uint64_t *values, size_t n, uint64_t *scratch, struct region_estimate *out)
{
	struct radix_histograms *hist = malloc(sizeof(*hist));
	int rc;

	if (!hist)
		return -ENOMEM;
	memcpy(scratch, values, n * sizeof(*scratch));
	radix_sort_u64(scratch, scratch + n, n, hist);
	rc = estimate_sorted(scratch, n, hist, out);
	free(hist);
	return rc;
}

static void reverse(uint64_t *v, size_t lo, size_t hi) /* [lo, hi) */
{
	while (lo + 1 < hi) {
		uint64_t t = v[lo];
		v[lo++] = v[--hi];
		v[hi] = t;
	}
}

/* Rotate sorted values so the one after the largest circular gap comes first, and
 * subtract it: the result is sorted again and starts at 0. */
static void unwrap_circle(uint64_t *v, size_t n)
{
	uint64_t widest = v[0] - v[n - 1]; /* the gap across the wrap, mod 2^64 */
	size_t start = 0;

	for (size_t i = 1; i < n; i++)
		if (v[i] - v[i - 1] > widest) {
			widest = v[i] - v[i - 1];
			start = i;
		}
	if (start) {
		reverse(v, 0, start);
		reverse(v, start, n);
		reverse(v, 0, n);
	}
	for (size_t i = 1; i < n; i++)
		v[i] -= v[0];
	v[0] = 0;
}

int estimate_difference(const uint64_t *a, const uint64_t *b, size_t n, uint64_t *scratch,
			struct region_estimate *out)
{
	struct radix_histograms *hist = malloc(sizeof(*hist));
	int rc;

	if (!hist)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		scratch[i] = a[i] - b[i];
	radix_sort_u64(scratch, scratch + n, n, NULL);
	unwrap_circle(scratch, n);
	radix_count(scratch, n, hist);
	rc = estimate_sorted(scratch, n, hist, out);
	free(hist);
	return rc;
}
