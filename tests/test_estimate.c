/* The estimators on seeded synthetic data, against theory. Tolerances come from N:
 * the collision count P is a U-statistic with mean C(N,2) q2 and variance about
 * C(N,2) q2 + N^3 (q3 - q2^2), where q2 = sum p^2 and q3 = sum p^3 of the true
 * distribution; H2 = log2(C(N,2) / P) is then within 4 sd / (E[P] ln 2) bits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "estimate.h"
#include "rng.h"
#include "stats.h"

struct sample {
	uint64_t *v;
	uint64_t *scratch;
	size_t n;
	struct region_estimate e;
};

static struct sample *sample_new(size_t n)
{
	struct sample *s = calloc(1, sizeof(*s));
	s->v = malloc(n * sizeof(uint64_t));
	s->scratch = malloc(2 * n * sizeof(uint64_t));
	s->n = n;
	return s;
}

static void sample_estimate(struct sample *s)
{
	assert_int_equal(estimate_values(s->v, s->n, s->scratch, &s->e), 0);
}

static void sample_free(struct sample *s)
{
	free(s->v);
	free(s->scratch);
	free(s);
}

/* Allowed error of H2 in bits, from the true q2 and q3. */
static double h2_tolerance(size_t n, double q2, double q3)
{
	double nd = (double)n, pairs = nd * (nd - 1) / 2;
	double var = pairs * q2 + nd * nd * nd * fmax(0, q3 - q2 * q2);
	return 4 * sqrt(var) / (pairs * q2 * M_LN2);
}

static void assert_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.6f, theory %.6f, tolerance %.6f", what, got, want, tol);
}

/* Uniform k-bit value in pages on a base whose low bits make carries. */
static void test_uniform_pages_with_carries(void **state)
{
	const int k = 16;
	const double m = 65536;
	struct sample *s = sample_new(20000);
	struct rng rng = { 1 };

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x55d0c0a37000ULL + (rng_below(&rng, 1 << k) << 12);
	sample_estimate(s);
	assert_int_equal(s->e.alignment_bit, 12);
	assert_true(s->e.varying_bits > k); /* the carries */
	assert_true(s->e.bit_entropy_sum > k); /* so the per-bit sum over-counts */
	/* range: the span of N draws falls short of 2^k - 1 by 2/(N+1) on average (sd about
	 * sqrt(2)/N); corrected by (N+1)/(N-1) it is k within 4 sd */
	assert_near(s->e.range_bits, k, 4.0 * sqrt(2) / ((double)s->n * M_LN2), "range");
	assert_near(s->e.collision_bits, k, h2_tolerance(s->n, 1 / m, 1 / (m * m)), "H2");
	assert_true(s->e.collision_ci_low <= k && k <= s->e.collision_ci_high);
	assert_true(s->e.collision_lower_bound <= s->e.collision_bits);
	assert_int_equal(s->e.kind, KIND_COLLISION);
	/* plug-in estimators saturate below log2 N = 14.3 < k; at N / 2^k = 0.3 per value the
	 * most common value is seen about 4-5 times, so min-entropy says only ~log2 N */
	assert_true(s->e.min_entropy_bits <= log2((double)s->n));
	assert_true(s->e.shannon_mm_bits <= log2((double)s->n) + 0.5);
	assert_true(s->e.shannon_saturated);
	assert_int_equal(s->e.saturated, s->e.mcv_count <= ESTIMATE_MCV_SATURATED);
	assert_true(s->e.mcv_count <= 7); /* 2^16 P(Poisson(0.305) >= 8) = 1e-4 */
	assert_false(estimate_skewed(&s->e));
	assert_true(s->e.chi2_p > 1e-4); /* uniform on the page lattice is not rejected */
	sample_free(s);
}

static void test_huge_page_alignment(void **state)
{
	struct sample *s = sample_new(5000);
	struct rng rng = { 2 };

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x7f0000000000ULL + (rng_below(&rng, 1 << 19) << 21);
	sample_estimate(s);
	assert_int_equal(s->e.alignment_bit, 21);
	assert_int_equal(s->e.highest_bit, 39);
	/* 5000 samples of 19 bits: about 24 pairs expected, few enough to vary */
	assert_true(s->e.range_bits <= 19 && s->e.range_bits > 18.9);
	sample_free(s);
}

static void test_constant(void **state)
{
	struct sample *s = sample_new(1000);

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x400000;
	sample_estimate(s);
	assert_int_equal(s->e.kind, KIND_CONSTANT);
	assert_true(s->e.estimate_bits == 0);
	assert_int_equal(s->e.alignment_bit, -1);
	assert_int_equal(s->e.highest_bit, -1);
	assert_int_equal(s->e.distinct, 1);
	assert_true(s->e.range_bits == 0 && s->e.bit_entropy_sum == 0);
	assert_true(s->e.collision_bits == 0);
	assert_true(isnan(s->e.chi2_p));
	assert_true(s->e.min_entropy_bits == 0);
	sample_free(s);
}

/* The sum of two independent uniform m-valued variables: triangular. */
static void test_triangular(void **state)
{
	const double m = 32; /* small enough that both ends of the range are seen */
	struct sample *s = sample_new(20000);
	struct rng rng = { 3 };
	double q2 = 0, q3 = 0;

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x7ffc00000000ULL + ((rng_below(&rng, 32) + rng_below(&rng, 32)) << 12);
	for (int v = 0; v <= 62; v++) { /* P(S = v) = (m - |v - (m - 1)|) / m^2 */
		double p = (m - fabs(v - (m - 1))) / (m * m);
		q2 += p * p;
		q3 += p * p * p;
	}
	sample_estimate(s);
	/* theory: H2 = log2(3 m^3 / (2 m^2 + 1)), range = log2(2m - 1) */
	assert_near(-log2(q2), log2(3 * m * m * m / (2 * m * m + 1)), 1e-9, "q2 vs closed form");
	assert_near(s->e.collision_bits, log2(3 * m * m * m / (2 * m * m + 1)),
		    h2_tolerance(s->n, q2, q3), "H2");
	/* both ends seen: span 2m - 2, times the sample-size correction (N+1)/(N-1) */
	assert_near(s->e.range_bits, log2((2 * m - 2) * ((double)s->n + 1) / ((double)s->n - 1) + 1), 1e-9, "range");
	assert_true(s->e.chi2_p < 1e-6); /* not uniform */
	assert_true(s->e.collision_bits < s->e.range_bits);
	sample_free(s);
}

/* 16 independent bits, bit 7 equal to 1 with probability 0.9. */
static void test_one_biased_bit(void **state)
{
	struct sample *s = sample_new(50000);
	struct rng rng = { 4 };
	double q2 = exp2(-15) * (0.81 + 0.01), q3 = exp2(-30) * (0.729 + 0.001);
	double n = 50000;

	(void)state;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t x = rng_below(&rng, 1 << 16) & ~UINT64_C(0x80);
		s->v[i] = x | (rng_unit(&rng) < 0.9 ? 0x80 : 0);
	}
	sample_estimate(s);
	assert_near(s->e.p_one[7], 0.9, 4 * sqrt(0.09 / n), "P(bit 7)");
	assert_true(s->e.biased_mask >> 7 & 1);
	assert_int_equal(__builtin_popcountll(s->e.biased_mask), 1);
	/* per-bit sum of independent bits is the Shannon entropy: 15 + H_b(0.9) */
	assert_near(s->e.bit_entropy_sum, 15 + 0.468996, 16 * 4 * sqrt(1 / n), "per-bit sum");
	assert_near(s->e.collision_bits, -log2(q2), h2_tolerance(s->n, q2, q3), "H2");
	sample_free(s);
}

/* Stack-like: a page offset of 10 bits and a 16-byte-aligned offset within 8 KiB,
 * overlapping, so the sum is not uniform (its first and last 256 values are half as
 * likely); H2 from theory computed here by enumeration. */
static void test_stack_like(void **state)
{
	struct sample *s = sample_new(100000);
	struct rng rng = { 5 };
	static double p[1024 * 256 + 512];
	double q2 = 0, q3 = 0, pairs = 0;

	(void)state;
	for (int a = 0; a < 1024; a++)
		for (int b = 0; b < 512; b++)
			p[a * 256 + b] += 1.0 / (1024 * 512);
	for (size_t v = 0; v < sizeof(p) / sizeof(p[0]); v++) {
		q2 += p[v] * p[v];
		q3 += p[v] * p[v] * p[v];
	}
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x7ffffffde000ULL - (rng_below(&rng, 1024) << 12) - (rng_below(&rng, 512) << 4);
	sample_estimate(s);
	assert_int_equal(s->e.alignment_bit, 4);
	pairs = (double)s->n * (double)(s->n - 1) / 2 * q2;
	assert_true(pairs > 10000);
	assert_near(s->e.collision_bits, -log2(q2), h2_tolerance(s->n, q2, q3), "H2");
	assert_near(s->e.range_bits, log2(1023 * 256 + 511 + 1), 0.01, "range");
	assert_false(estimate_skewed(&s->e));
	sample_free(s);
}

static void test_no_collision_lower_bound(void **state)
{
	struct sample *s = sample_new(1000);
	double bit_sum = 0, range;

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = (uint64_t)i << 12;
	sample_estimate(s);
	assert_int_equal(s->e.collision_pairs, 0);
	assert_true(isnan(s->e.collision_bits) && isnan(s->e.collision_ci_low));
	/* P_hi = -ln 0.05 = 2.996 pairs: H2 >= log2(C(1000,2) / 2.996) */
	assert_near(s->e.collision_lower_bound, log2(499500 / -log(0.05)), 1e-6, "lower bound");
	/* the headline is the smaller upper bound: the range (span 999, corrected for N) or
	 * the per-bit sum, counted here from 0..999 bit by bit */
	for (int b = 0; b < 10; b++) {
		int ones = 0;
		for (int v = 0; v < 1000; v++)
			ones += v >> b & 1;
		bit_sum += -(ones / 1000.0) * log2(ones / 1000.0) - (1 - ones / 1000.0) * log2(1 - ones / 1000.0);
	}
	range = log2(999.0 * 1001 / 999 + 1);
	assert_near(s->e.bit_entropy_sum, bit_sum, 1e-9, "per-bit sum");
	assert_near(s->e.range_bits, range, 1e-9, "range");
	assert_int_equal(s->e.kind, bit_sum < range ? KIND_BIT_ENTROPY_SUM : KIND_RANGE);
	assert_near(s->e.estimate_bits, fmin(bit_sum, range), 1e-9, "headline");
	assert_true(estimate_kind_is_bound(s->e.kind));
	sample_free(s);
}

/* 10 % of the samples one value, the rest uniform over 2^28 pages: H_min = -log2(0.1) =
 * 3.32 bits (one guess wins 10 % of the time) though most values are distinct. */
static void test_skew_ten_percent_constant(void **state)
{
	const double n = 10000, share = 0.1, sd = sqrt(share * (1 - share) / n);
	struct sample *s = sample_new(10000);
	struct rng rng = { 11 };
	double q2 = share * share + 0.81 * exp2(-28), q3 = share * share * share + 0.729 * exp2(-56);

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x7f0000000000ULL + (rng_unit(&rng) < share ? 0 : rng_below(&rng, 1 << 28) << 12);
	sample_estimate(s);
	assert_near(s->e.mcv_share, share, 4 * sd, "mcv_share");
	assert_near((double)s->e.mcv_count, share * n, 4 * sd * n, "mcv_count");
	assert_false(s->e.saturated);
	assert_true(s->e.shannon_saturated); /* ~9000 distinct of 10000 */
	/* the bound -log2(p + 2.576 sd) at p within 4 sd of 0.1: below 3.32, by about 0.1 bit */
	assert_true(s->e.min_entropy_bits <= -log2(share));
	assert_near(s->e.min_entropy_bits, -log2(share + 2.576 * sd), 2 * 4 * sd / (share * M_LN2), "H_min");
	assert_int_equal(s->e.kind, KIND_COLLISION);
	assert_near(s->e.collision_bits, -log2(q2), h2_tolerance(s->n, q2, q3), "H2");
	assert_true(estimate_skewed(&s->e));
	sample_free(s);
}

/* Uniform data is never "skewed": at N / 2^k = 0.25 .. 4 per value the most common value
 * is seen a few times more than the mean, which min-entropy must not call a skew. */
static void test_uniform_not_skewed(void **state)
{
	static const struct { int k; size_t n; } cases[] = { { 8, 1000 }, { 12, 4096 }, { 14, 4096 }, { 10, 4096 } };

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (uint64_t seed = 1; seed <= 20; seed++) {
			struct sample *s = sample_new(cases[c].n);
			struct rng rng = { seed * 31 + (uint64_t)c };
			for (size_t i = 0; i < s->n; i++)
				s->v[i] = 0x7f0000000000ULL + (rng_below(&rng, UINT64_C(1) << cases[c].k) << 12);
			sample_estimate(s);
			if (estimate_skewed(&s->e))
				fail_msg("k %d N %zu seed %llu: mcv %llu called skewed", cases[c].k, s->n,
					 (unsigned long long)seed, (unsigned long long)s->e.mcv_count);
			sample_free(s);
		}
}

/* A 20-bit uniform cluster and every 1000th sample 2^40 bytes away: the range says 28 bits,
 * the per-bit sum 20 + H_b(0.001); the headline is the smaller upper bound. */
static void test_outlier_headline_is_bit_sum(void **state)
{
	struct sample *s = sample_new(2000);
	struct rng rng = { 12 };
	double n = 2000, outlier_bit = stats_binary_entropy(0.001);
	/* 20 fair bits, each 1 - H_b(p^) <= (2 / ln 2) (p^ - 1/2)^2, with |p^ - 1/2| <= 4 sd */
	double shortfall = 20 * 2 / M_LN2 * 16 * 0.25 / n;

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x100000000000ULL + (i % 1000 == 999 ? UINT64_C(1) << 40 : 0) + (rng_below(&rng, 1 << 20) << 12);
	sample_estimate(s);
	/* C(2000, 2) / 2^20 = 1.9 pairs expected: too few for a collision headline */
	assert_true(s->e.collision_pairs < ESTIMATE_MIN_PAIRS);
	assert_near(s->e.range_bits, 28, 0.01, "range");
	assert_true(s->e.bit_entropy_sum <= 20 + outlier_bit + 1e-12);
	assert_true(s->e.bit_entropy_sum >= 20 + outlier_bit - shortfall);
	assert_int_equal(s->e.kind, KIND_BIT_ENTROPY_SUM);
	assert_true(s->e.estimate_bits == s->e.bit_entropy_sum);
	assert_string_equal(estimate_kind_name(s->e.kind), "bit_entropy_sum");
	sample_free(s);
}

/* Below ESTIMATE_MIN_SAMPLES the headline is "insufficient", never "constant"; facts stay. */
static void test_too_few_samples(void **state)
{
	static const size_t sizes[] = { 1, 2, 5, 19 };

	(void)state;
	for (size_t c = 0; c < sizeof(sizes) / sizeof(sizes[0]); c++) {
		struct sample *s = sample_new(sizes[c]);
		struct rng rng = { 13 };
		for (size_t i = 0; i < s->n; i++)
			s->v[i] = 0x7f0000000000ULL + (rng_below(&rng, 1 << 28) << 12);
		sample_estimate(s);
		assert_int_equal(s->e.kind, KIND_INSUFFICIENT);
		assert_true(isnan(s->e.estimate_bits));
		assert_string_equal(estimate_kind_name(s->e.kind), "insufficient");
		assert_int_equal(s->e.samples, sizes[c]);
		assert_true(s->e.min == s->v[0] || sizes[c] > 1);
		assert_true(isnan(s->e.serial_lag1_p) && isnan(s->e.runs_p) && !s->e.serial_rejected);
		sample_free(s);
	}
	struct sample *s = sample_new(ESTIMATE_MIN_SAMPLES);
	struct rng rng = { 14 };
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0x7f0000000000ULL + (rng_below(&rng, 1 << 28) << 12);
	sample_estimate(s);
	assert_true(estimate_kind_is_bound(s->e.kind));
	sample_free(s);
}

/* trigamma by recurrence and the asymptotic series: psi1(x) = sum 1/(x+i)^2 */
static double trigamma(double x)
{
	double sum = 0;

	while (x < 20)
		sum += 1 / (x * x), x += 1;
	return sum + 1 / x + 1 / (2 * x * x) + 1 / (6 * x * x * x) - 1 / (30 * pow(x, 5));
}

/* The range corrected for N, averaged over seeds, for a uniform 28-bit value. The span of
 * N uniform draws over M granules is (M - 1) B with B ~ Beta(N - 1, 2), so
 *   E[range_bits] = 28 + log2((N + 1)/(N - 1)) + E[log2 B] - E[J],
 *   E[ln B] = -(1/(N-1) + 1/N),  Var[ln B] = psi1(N - 1) - psi1(N + 1),
 * where J is how many low page bits all N draws happen to share (the alignment then
 * reads 2^(12 + J) and the span in granules halves J times): J ~ geometric with
 * q = 2^-(N-1), E[J] = q / (1 - q), Var[J] = q / (1 - q)^2. The mean must match that
 * theory, and lie within 0.14 bits of 28 from N = 5 on (0.02 from N = 10). */
static void test_range_corrected_for_n(void **state)
{
	static const size_t sizes[] = { 5, 10, 20, 50 };
	enum { SEEDS = 2000 };

	(void)state;
	for (size_t c = 0; c < sizeof(sizes) / sizeof(sizes[0]); c++) {
		double nd = (double)sizes[c], sum = 0;
		double q = exp2(-(nd - 1));
		double want = 28 + log2((nd + 1) / (nd - 1)) - (1 / (nd - 1) + 1 / nd) / M_LN2 - q / (1 - q);
		double sd = sqrt((trigamma(nd - 1) - trigamma(nd + 1)) / (M_LN2 * M_LN2) + q / ((1 - q) * (1 - q)));
		struct sample *s = sample_new(sizes[c]);
		struct rng rng = { 15 + c };
		for (int seed = 0; seed < SEEDS; seed++) {
			for (size_t i = 0; i < s->n; i++)
				s->v[i] = 0x7f0000000000ULL + (rng_below(&rng, 1 << 28) << 12);
			sample_estimate(s);
			sum += s->e.range_bits;
		}
		assert_near(sum / SEEDS, want, 4 * sd / sqrt(SEEDS), "mean corrected range");
		assert_near(want, 28, nd < 10 ? 0.14 : 0.02, "bias of the corrected range");
		sample_free(s);
	}
}

/* 1 % of the cells 0x0 in a 20-bit region: missing data, not addresses. */
static void test_missing_zeros(void **state)
{
	struct sample *s = sample_new(10000);
	struct rng rng = { 16 };

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = i % 100 == 50 ? 0 : 0x7f0000000000ULL + (rng_below(&rng, 1 << 20) << 12);
	assert_int_equal(estimate_column(s->v, s->n, s->scratch, &s->e), 0);
	assert_int_equal(s->e.missing, 100);
	assert_int_equal(s->e.samples, 9900);
	assert_false(s->e.absent);
	assert_int_equal(s->e.alignment_bit, 12);
	/* 9900 draws of 2^20 pages span all but ~2/9901 of it; corrected, 20 within 4 sd */
	assert_near(s->e.range_bits, 20, 4 * sqrt(2) / (9900 * M_LN2), "range without the zeros");
	/* a column of zeros only is absent, and nothing in it is missing */
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = 0;
	assert_int_equal(estimate_column(s->v, s->n, s->scratch, &s->e), 0);
	assert_true(s->e.absent);
	assert_int_equal(s->e.missing, 0);
	assert_int_equal(s->e.samples, s->n);
	sample_free(s);
}

/* P(|Bin(n, 1/2) - n/2| > z sqrt(n)/2), exactly, from the pmf in logs. */
static double binomial_two_sided(int n, double z)
{
	double p = 0;

	for (int k = 0; k <= n; k++)
		if (fabs(k - n / 2.0) > z * sqrt(n) / 2)
			p += exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) - n * M_LN2);
	return p;
}

/* 64 fair bits: a falsely "biased" bit in about 1 % of series (BIAS_Z = 3.78). */
static void test_bias_threshold_family_wise(void **state)
{
	enum { N = 400, SEEDS = 3000 };
	struct sample *s = sample_new(N);
	struct rng rng = { 17 };
	double fwer = 1 - pow(1 - binomial_two_sided(N, BIAS_Z), 64);
	int flagged = 0;

	(void)state;
	for (int seed = 0; seed < SEEDS; seed++) {
		for (size_t i = 0; i < s->n; i++)
			s->v[i] = rng_next(&rng);
		sample_estimate(s);
		flagged += s->e.biased_mask != 0;
	}
	assert_near(fwer, 0.01, 0.002, "family-wise rate in theory");
	assert_near(flagged, SEEDS * fwer, 4 * sqrt(SEEDS * fwer * (1 - fwer)), "series with a biased bit");
	sample_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uniform_pages_with_carries),
		cmocka_unit_test(test_huge_page_alignment),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_triangular),
		cmocka_unit_test(test_one_biased_bit),
		cmocka_unit_test(test_stack_like),
		cmocka_unit_test(test_no_collision_lower_bound),
		cmocka_unit_test(test_skew_ten_percent_constant),
		cmocka_unit_test(test_uniform_not_skewed),
		cmocka_unit_test(test_outlier_headline_is_bit_sum),
		cmocka_unit_test(test_too_few_samples),
		cmocka_unit_test(test_range_corrected_for_n),
		cmocka_unit_test(test_missing_zeros),
		cmocka_unit_test(test_bias_threshold_family_wise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
