#include "estimate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collision.h"
#include "radix.h"
#include "serial.h"
#include "stats.h"

const char *estimate_kind_name(enum estimate_kind kind)
{
	switch (kind) {
	case KIND_COLLISION:
		return "collision";
	case KIND_RANGE:
		return "range";
	case KIND_BIT_ENTROPY_SUM:
		return "bit_entropy_sum";
	case KIND_INSUFFICIENT:
		return "insufficient";
	case KIND_CONSTANT:
		break;
	}
	return "constant";
}

int estimate_moves(const struct region_estimate *e)
{
	return e->kind != KIND_CONSTANT && e->kind != KIND_INSUFFICIENT;
}

int estimate_kind_is_bound(enum estimate_kind kind)
{
	return kind == KIND_RANGE || kind == KIND_BIT_ENTROPY_SUM;
}

/* The most common value against a uniform distribution of the headline's entropy, K =
 * 2^H values: P(some value is seen >= c times) <= K P(Poisson(N / K) >= c). */
int estimate_skewed(const struct region_estimate *e)
{
	double k, lambda;

	if (e->absent || e->saturated || e->kind == KIND_CONSTANT || e->kind == KIND_INSUFFICIENT)
		return 0;
	if (!(e->estimate_bits + log2(e->mcv_share) >= ESTIMATE_SKEW_BITS))
		return 0;
	k = exp2(e->estimate_bits);
	lambda = (double)e->samples / k;
	return k * stats_gamma_p((double)e->mcv_count, lambda) < 0.001;
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

/* The span s of N uniform draws over M granules covers (N-1)/(N+1) of M - 1 on
 * average, so s (N+1)/(N-1) + 1 estimates M. */
static void range_bits(struct region_estimate *e, size_t n)
{
	double span = e->varying_mask ? (double)((e->max - e->min) >> e->alignment_bit) : 0;

	e->range_bits = n > 1 ? log2(span * ((double)n + 1) / ((double)n - 1) + 1) : 0;
}

/* One walk over the runs of equal values: distinct, pairs, triples, most common, plug-in sums. */
static void run_statistics(struct region_estimate *e, const uint64_t *sorted, size_t n)
{
	double n_d = (double)n, sum_clogc = 0;
	size_t i = 0;

	e->distinct = e->collision_pairs = e->mcv_count = 0;
	e->collision_triples = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && sorted[j] == sorted[i])
			j++;
		uint64_t c = j - i;
		e->distinct++;
		e->collision_pairs += c * (c - 1) / 2;
		e->collision_triples += (double)c * (double)(c - 1) / 2 * (double)(c - 2) / 3;
		sum_clogc += (double)c * log2((double)c);
		if (c > e->mcv_count)
			e->mcv_count = c;
		i = j;
	}
	/* entropies are never negative; fmax drops rounding residue such as -0 or -1e-15 */
	e->shannon_mm_bits = fmax(0, log2(n_d) - sum_clogc / n_d + (double)(e->distinct - 1) / (2 * n_d * M_LN2));
	e->shannon_saturated = e->distinct * 2 > n;
}

/* NIST SP 800-90B 6.3.1: the upper 99 % limit p_u of the most common value's
 * probability; -log2 p_u is a lower bound on H_min. */
static void min_entropy(struct region_estimate *e, size_t n)
{
	double n_d = (double)n, p = (double)e->mcv_count / n_d;
	double p_u = n > 1 ? fmin(1, p + 2.576 * sqrt(p * (1 - p) / (n_d - 1))) : 1;

	e->mcv_share = p;
	e->min_entropy_bits = fmax(0, -log2(p_u));
	e->saturated = e->mcv_count <= ESTIMATE_MCV_SATURATED;
}

static void collision(struct region_estimate *e, size_t n)
{
	struct collision_interval ci;

	collision_interval(n, e->collision_pairs, e->collision_triples, &ci);
	e->collision_bits = e->collision_pairs ? log2((double)n * ((double)n - 1) / 2 / (double)e->collision_pairs)
					       : NAN;
	e->collision_ci_low = ci.low;
	e->collision_ci_high = ci.high;
	e->collision_lower_bound = ci.lower_bound;
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

/* The collision estimate from ESTIMATE_MIN_PAIRS pairs, else the smallest upper bound. */
static void headline(struct region_estimate *e)
{
	if (e->samples < ESTIMATE_MIN_SAMPLES) {
		e->kind = KIND_INSUFFICIENT;
		e->estimate_bits = NAN;
	} else if (e->varying_mask == 0) {
		e->kind = KIND_CONSTANT;
		e->estimate_bits = 0;
	} else if (e->collision_pairs >= ESTIMATE_MIN_PAIRS) {
		e->kind = KIND_COLLISION;
		e->estimate_bits = e->collision_bits;
	} else if (e->bit_entropy_sum < e->range_bits) {
		e->kind = KIND_BIT_ENTROPY_SUM;
		e->estimate_bits = e->bit_entropy_sum;
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
	range_bits(out, n);
	run_statistics(out, sorted, n);
	min_entropy(out, n);
	collision(out, n);
	rc = chi_square(out, sorted, n);
	out->serial_lag1_p = out->runs_p = NAN;
	headline(out);
	/* a probe reports 0x0 for regions it does not have (the harness's shared CSV columns) */
	out->absent = out->max == 0;
	return rc;
}

/* Serial tests in the order of values, on regions that move and have enough samples. */
static void serial(struct region_estimate *e, const uint64_t *values, size_t n, int skip_zeros,
		   const uint64_t *sorted)
{
	if (e->kind == KIND_CONSTANT || e->kind == KIND_INSUFFICIENT)
		return;
	serial_tests(values, n, skip_zeros, sorted, e->samples, &e->serial_lag1_p, &e->runs_p);
	e->serial_rejected = e->serial_lag1_p < SERIAL_ALPHA || e->runs_p < SERIAL_ALPHA;
}

/* values[0..n) in order; zeros left out as missing when skip_zeros. */
static int estimate_ordered(const uint64_t *values, size_t n, int skip_zeros, uint64_t *scratch,
			    struct region_estimate *out)
{
	struct radix_histograms *hist = malloc(sizeof(*hist));
	size_t m = 0;
	int rc;

	if (!hist)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!skip_zeros || values[i])
			scratch[m++] = values[i];
	radix_sort_u64(scratch, scratch + m, m, hist);
	rc = estimate_sorted(scratch, m, hist, out);
	out->missing = n - m;
	serial(out, values, n, skip_zeros, scratch);
	free(hist);
	return rc;
}

int estimate_values(const uint64_t *values, size_t n, uint64_t *scratch, struct region_estimate *out)
{
	return estimate_ordered(values, n, 0, scratch, out);
}

int estimate_column(const uint64_t *values, size_t n, uint64_t *scratch, struct region_estimate *out)
{
	int present = 0;

	for (size_t i = 0; i < n && !present; i++)
		present = values[i] != 0;
	return estimate_ordered(values, n, present, scratch, out);
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
