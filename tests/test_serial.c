/* The serial tests by simulation. Independent samples (several families, one the code
 * was not tuned to) must be rejected at the stated rate: serial_rejected in at most
 * 0.1 % of series (checked against Poisson limits), each p-value below 0.05 in 5 % of
 * series (binomial limits, 4 sd). Dependent sequences (a random walk, alternation,
 * repetition with a period of 3, 10 or 50) must be rejected in at least 99 % of series. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "estimate.h"
#include "rng.h"

#define BASE 0x7f0000000000ULL

typedef void (*fill_fn)(uint64_t *v, size_t n, struct rng *r);

static void uniform28(uint64_t *v, size_t n, struct rng *r)
{
	for (size_t i = 0; i < n; i++)
		v[i] = BASE + (rng_below(r, 1 << 28) << 12);
}

/* half one value, half 20-bit uniform: ties at the median */
static void mixture(uint64_t *v, size_t n, struct rng *r)
{
	for (size_t i = 0; i < n; i++)
		v[i] = BASE + (rng_unit(r) < 0.5 ? 0 : (1 + rng_below(r, 1 << 20)) << 12);
}

/* geometric page offsets, mean 64 */
static void geometric(uint64_t *v, size_t n, struct rng *r)
{
	for (size_t i = 0; i < n; i++)
		v[i] = BASE + ((uint64_t)floor(log1p(-rng_unit(r)) / log1p(-1.0 / 64)) << 12);
}

/* 20-bit cluster with 0.2 % of the samples 2^40 away: raw values would be dominated by them */
static void outliers(uint64_t *v, size_t n, struct rng *r)
{
	for (size_t i = 0; i < n; i++)
		v[i] = BASE + (rng_unit(r) < 0.002 ? UINT64_C(1) << 40 : 0) + (rng_below(r, 1 << 20) << 12);
}

/* x[i+1] = x[i] + a step of -16..16 pages */
static void random_walk(uint64_t *v, size_t n, struct rng *r)
{
	v[0] = BASE + (rng_below(r, 1 << 28) << 12);
	for (size_t i = 1; i < n; i++)
		v[i] = v[i - 1] + (rng_below(r, 33) << 12) - (16 << 12);
}

/* even rows in the lower half of the range, odd rows in the upper */
static void alternating(uint64_t *v, size_t n, struct rng *r)
{
	for (size_t i = 0; i < n; i++)
		v[i] = BASE + (((uint64_t)(i % 2) << 27) + rng_below(r, 1 << 27)) * 4096;
}

static void periodic(uint64_t *v, size_t n, struct rng *r, size_t period)
{
	uniform28(v, period, r);
	for (size_t i = period; i < n; i++)
		v[i] = v[i - period];
}

static void period3(uint64_t *v, size_t n, struct rng *r)
{
	periodic(v, n, r, 3);
}

static void period10(uint64_t *v, size_t n, struct rng *r)
{
	periodic(v, n, r, 10);
}

static void period50(uint64_t *v, size_t n, struct rng *r)
{
	periodic(v, n, r, 50);
}

struct tally {
	int rejected, lag1_low, runs_low;
};

static struct tally run(fill_fn fill, size_t n, int seeds, uint64_t seed)
{
	uint64_t *v = malloc(n * sizeof(*v)), *scratch = malloc(2 * n * sizeof(*scratch));
	struct rng r = { seed };
	struct tally t = { 0, 0, 0 };
	struct region_estimate e;

	for (int s = 0; s < seeds; s++) {
		fill(v, n, &r);
		assert_int_equal(estimate_values(v, n, scratch, &e), 0);
		t.rejected += e.serial_rejected;
		t.lag1_low += e.serial_lag1_p < 0.05;
		t.runs_low += e.runs_p < 0.05;
	}
	free(v);
	free(scratch);
	return t;
}

static void test_independent_false_alarms(void **state)
{
	static const struct { const char *name; fill_fn fill; size_t n; int seeds; } fam[] = {
		{ "uniform 28-bit", uniform28, 1000, 2000 },
		{ "uniform 28-bit, N = 20", uniform28, 20, 2000 },
		{ "50/50 mixture", mixture, 1000, 1000 },
		{ "geometric", geometric, 1000, 1000 },
		{ "outliers", outliers, 2000, 1000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		struct tally t = run(fam[i].fill, fam[i].n, fam[i].seeds, 100 + i);
		double k = fam[i].seeds, expect = k * 2 * SERIAL_ALPHA, sd5 = sqrt(k * 0.05 * 0.95);
		print_message("%-24s N %5zu: rejected %d of %d, lag-1 p < 0.05 in %d, runs p < 0.05 in %d\n",
			      fam[i].name, fam[i].n, t.rejected, fam[i].seeds, t.lag1_low, t.runs_low);
		/* Poisson(expect <= 2): P(X >= 9) < 3e-4 */
		assert_true(t.rejected <= 8 || t.rejected <= expect + 4 * sqrt(expect));
		if (fam[i].n >= 1000) { /* at N = 20 the runs count is too discrete for a 5 % check */
			assert_true(fabs(t.lag1_low - 0.05 * k) <= 4 * sd5);
			assert_true(fabs(t.runs_low - 0.05 * k) <= 4 * sd5);
		}
	}
}

static void test_dependent_detected(void **state)
{
	static const struct { const char *name; fill_fn fill; } fam[] = {
		{ "random walk", random_walk }, { "alternating", alternating },
		{ "period 3", period3 }, { "period 10", period10 }, { "period 50", period50 },
	};
	enum { N = 10000, SEEDS = 200 };

	(void)state;
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		struct tally t = run(fam[i].fill, N, SEEDS, 200 + i);
		print_message("%-12s N %d: rejected %d of %d\n", fam[i].name, N, t.rejected, SEEDS);
		assert_true(t.rejected >= 0.99 * SEEDS);
	}
}

/* Missing cells are skipped, not read as a value of 0 between two others. */
static void test_missing_cells_skipped(void **state)
{
	enum { N = 4000 };
	uint64_t *v = malloc(N * sizeof(*v)), *scratch = malloc(2 * N * sizeof(*scratch));
	struct rng r = { 300 };
	struct region_estimate e;

	(void)state;
	uniform28(v, N, &r);
	for (size_t i = 0; i < N; i += 2) /* every other cell missing: alternation if read as 0 */
		v[i] = 0;
	assert_int_equal(estimate_column(v, N, scratch, &e), 0);
	assert_int_equal(e.missing, N / 2);
	assert_true(e.serial_lag1_p > 1e-3 && e.runs_p > 1e-3);
	free(v);
	free(scratch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_independent_false_alarms),
		cmocka_unit_test(test_dependent_detected),
		cmocka_unit_test(test_missing_cells_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
