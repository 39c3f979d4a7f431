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
	/* range: k, less the expected gap at both ends: about 2/(N+1) of the span */
	assert_near(s->e.range_bits, k, 4.0 * 2 / ((double)s->n * M_LN2), "range");
	assert_near(s->e.collision_bits, k, h2_tolerance(s->n, 1 / m, 1 / (m * m)), "H2");
	assert_true(s->e.collision_ci_low <= k && k <= s->e.collision_ci_high);
	assert_true(s->e.collision_lower_bound <= s->e.collision_bits);
	assert_int_equal(s->e.kind, KIND_COLLISION);
	/* plug-in estimators saturate below log2 N = 14.3 < k */
	assert_true(s->e.min_entropy_bits <= log2((double)s->n));
	assert_true(s->e.shannon_mm_bits <= log2((double)s->n) + 0.5);
	assert_true(s->e.saturated);
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
	assert_near(s->e.range_bits, log2(2 * m - 1), 1e-9, "range");
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
	sample_free(s);
}

static void test_no_collision_lower_bound(void **state)
{
	struct sample *s = sample_new(1000);

	(void)state;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = (uint64_t)i << 12;
	sample_estimate(s);
	assert_int_equal(s->e.collision_pairs, 0);
	assert_true(isnan(s->e.collision_bits) && isnan(s->e.collision_ci_low));
	/* P_hi = -ln 0.05 = 2.996 pairs: H2 >= log2(C(1000,2) / 2.996) */
	assert_near(s->e.collision_lower_bound, log2(499500 / -log(0.05)), 1e-6, "lower bound");
	assert_int_equal(s->e.kind, KIND_RANGE);
	assert_near(s->e.estimate_bits, log2(1000), 1e-9, "range headline");
	sample_free(s);
}

static void test_samples_needed(void **state)
{
	(void)state;
	/* the design note's figures: H = 28 needs 73k for 10 pairs, 232k for 100 */
	assert_near(estimate_samples_needed(28, 10), 73271, 1, "N10");
	assert_near(estimate_samples_needed(28, 100), 231705, 1, "N100");
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
		cmocka_unit_test(test_samples_needed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
