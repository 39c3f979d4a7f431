/* The --precision stopping rule on synthetic rows fed to the library (no harness):
 *  - the pairs a +-BITS Poisson interval needs, against chi-square tables;
 *  - on uniform k-bit data (and a skewed region), the rule stops within 20 % of the
 *    first N at which an independent count (an array indexed by value) and
 *    collision_interval give a collision estimate of +-BITS or better;
 *  - constant and absent regions do not hold a series up; min_samples, max_samples and
 *    max_time end it, with what each waiting region would still need. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collision.h"
#include "estimate.h"
#include "precision.h"
#include "rng.h"

/* Garwood 95 % limits of a Poisson count k from chi-square quantiles (tables):
 *   k = 34: [chi2(0.025; 68)/2, chi2(0.975; 70)/2] = [23.55, 47.51]: half-width log2(2.018)/2 = 0.506
 *   k = 35: [chi2(0.025; 70)/2, chi2(0.975; 72)/2] = [24.38, 48.68]: log2(1.997)/2 = 0.499
 *   k =  9: [ 4.12, 17.09]: log2(4.15)/2 = 1.027;   k = 10: [4.80, 18.39]: log2(3.83)/2 = 0.970
 * so +-0.5 bits takes between 34 and 35 pairs, +-1 bit between 9 and 10. */
static void test_poisson_pairs_tables(void **state)
{
	double half = collision_poisson_pairs(0.5), one = collision_poisson_pairs(1.0);

	(void)state;
	assert_true(half > 34 && half < 35);
	assert_true(one > 9 && one < 10);
}

/* Data of a region: a value per row (0 = missing), from a seeded generator. */
enum shape { UNIFORM, SKEWED };

static uint64_t draw(struct rng *r, enum shape shape, unsigned bits)
{
	uint64_t v = rng_below(r, UINT64_C(1) << bits);

	if (shape == SKEWED && rng_unit(r) < 0.05) /* one address in 20 execs: the heavy value */
		v = 0;
	return (UINT64_C(0x7f0000000) + v) << 12;
}

/* The first N at which the interval of the first N values is +-bits or better, computed
 * with a plain array of counts indexed by value (not the library's hash table). */
static uint64_t first_n_independent(const uint64_t *v, uint64_t n_max, unsigned bits, double want)
{
	uint32_t *seen = calloc(UINT64_C(1) << bits, sizeof(*seen));
	uint64_t pairs = 0, found = 0;
	double triples = 0;

	for (uint64_t n = 1; n <= n_max && !found; n++) {
		uint64_t c = seen[(v[n - 1] >> 12) - UINT64_C(0x7f0000000)]++;
		struct collision_interval ci;
		pairs += c;
		triples += (double)c * (double)(c > 0 ? c - 1 : 0) / 2;
		if (n < ESTIMATE_MIN_SAMPLES || pairs < ESTIMATE_MIN_PAIRS)
			continue;
		collision_interval(n, pairs, triples, &ci);
		if ((ci.high - ci.low) / 2 <= want)
			found = n;
	}
	free(seen);
	return found;
}

/* Rows of two regions, the data and a constant, until the rule ends the series. */
static uint64_t rule_stops_at(const uint64_t *v, uint64_t n_max, double want, enum precision_end *end)
{
	struct precision_rule rule = { want, ESTIMATE_MIN_SAMPLES, n_max, 0 };
	struct precision p;
	struct aslr_error err;
	uint64_t rows = 0;

	assert_int_equal(precision_init(&p, &rule, 2, &err), 0);
	*end = PRECISION_GOING;
	while (*end == PRECISION_GOING) {
		uint64_t row[2] = { v[rows], 0x7ffd0000 };
		assert_int_equal(precision_add_row(&p, row, &err), 0);
		rows++;
		*end = precision_end_now(&p, 0);
	}
	precision_free(&p);
	return rows;
}

static void stops_near_first_n(enum shape shape, unsigned bits, double want, int seeds)
{
	uint64_t n_max = (uint64_t)(8 * sqrt(2 * 40 * exp2(bits))) + 1000;
	uint64_t *v = malloc(n_max * sizeof(*v));

	for (int seed = 1; seed <= seeds; seed++) {
		struct rng r = { (uint64_t)seed * 7919 + bits };
		enum precision_end end;
		uint64_t n_ind, n_rule;
		for (uint64_t i = 0; i < n_max; i++)
			v[i] = draw(&r, shape, bits);
		n_ind = first_n_independent(v, n_max, bits, want);
		n_rule = rule_stops_at(v, n_max, want, &end);
		assert_true(n_ind > 0);
		if (end != PRECISION_END_PRECISION || n_rule < n_ind || (double)n_rule > 1.2 * (double)n_ind)
			fail_msg("%s %u bits +-%g seed %d: the rule stopped at %llu (%s), first N is %llu",
				 shape == UNIFORM ? "uniform" : "skewed", bits, want, seed, (unsigned long long)n_rule,
				 precision_end_name(end), (unsigned long long)n_ind);
		/* uniform: about sqrt(2 k 2^bits) with k = max(10, pairs for +-want); the pairs at
		 * the first N are Poisson-like, so N spreads by about 1 / (2 sqrt(k)) = 9 % */
		if (shape == UNIFORM) {
			double expect = sqrt(2 * fmax(ESTIMATE_MIN_PAIRS, collision_poisson_pairs(want)) * exp2(bits));
			assert_true((double)n_ind > 0.6 * expect && (double)n_ind < 1.5 * expect);
		}
	}
	free(v);
}

static void test_stops_within_20_percent(void **state)
{
	(void)state;
	stops_near_first_n(UNIFORM, 12, 0.5, 5);
	stops_near_first_n(UNIFORM, 16, 0.5, 3);
	stops_near_first_n(UNIFORM, 16, 1.0, 3);
	stops_near_first_n(UNIFORM, 20, 0.5, 1);
	/* a heavy value: many pairs at once, overdispersed, the interval moves with N too */
	stops_near_first_n(SKEWED, 16, 0.25, 3);
}

/* Feed rows of `count` regions from fill() until the rule ends the series. */
static uint64_t run_rule(const struct precision_rule *rule, unsigned count,
			 void (*fill)(struct rng *, uint64_t, uint64_t *), double seconds_per_row,
			 struct precision *p, enum precision_end *end)
{
	struct rng r = { 42 };
	struct aslr_error err;
	uint64_t rows = 0;

	assert_int_equal(precision_init(p, rule, count, &err), 0);
	*end = PRECISION_GOING;
	while (*end == PRECISION_GOING) {
		uint64_t row[4];
		fill(&r, rows, row);
		assert_int_equal(precision_add_row(p, row, &err), 0);
		rows++;
		*end = precision_end_now(p, (double)rows * seconds_per_row);
	}
	return rows;
}

/* region 0: uniform 12 bits; 1: constant; 2: absent (always 0); 3: 12 bits, a cell in 10 missing */
static void fill_mixed(struct rng *r, uint64_t row, uint64_t *v)
{
	v[0] = draw(r, UNIFORM, 12);
	v[1] = 0x555555554000;
	v[2] = 0;
	v[3] = row % 10 == 0 ? 0 : draw(r, UNIFORM, 12);
}

static void fill_constant(struct rng *r, uint64_t row, uint64_t *v)
{
	(void)r;
	(void)row;
	v[0] = 0x555555554000;
}

static void fill_wide(struct rng *r, uint64_t row, uint64_t *v)
{
	(void)row;
	v[0] = draw(r, UNIFORM, 30);
	v[1] = draw(r, UNIFORM, 12);
}

static void test_constant_and_absent_do_not_block(void **state)
{
	struct precision_rule rule = { 0.5, ESTIMATE_MIN_SAMPLES, 100000, 0 };
	struct precision p;
	enum precision_end end;
	uint64_t rows;

	(void)state;
	rows = run_rule(&rule, 4, fill_mixed, 0, &p, &end);
	assert_int_equal(end, PRECISION_END_PRECISION);
	assert_int_equal(p.region[0].state, PRECISION_DONE);
	assert_int_equal(p.region[1].state, PRECISION_CONSTANT);
	assert_int_equal(p.region[2].state, PRECISION_ABSENT);
	assert_int_equal(p.region[3].state, PRECISION_DONE);
	/* missing cells are left out, as the analysis leaves them out */
	assert_true(p.region[3].missing == (rows + 9) / 10);
	assert_true(p.region[3].count.samples == rows - p.region[3].missing);
	precision_free(&p);

	/* nothing moves: the series ends at min_samples, exactly */
	rule.min_samples = 1000;
	rows = run_rule(&rule, 1, fill_constant, 0, &p, &end);
	assert_int_equal(end, PRECISION_END_PRECISION);
	assert_true(rows == 1000);
	precision_free(&p);
}

/* A 30-bit region cannot reach +-0.5 bits in 5000 rows (it expects 0.01 pairs):
 * max_samples ends the series, and the region says what it needs: with no pair, at least
 * 5000 sqrt(k / 3), k = 34.84 pairs, from the 95 % upper limit 3 on the expected pairs. */
static void test_max_samples_and_max_time(void **state)
{
	struct precision_rule rule = { 0.5, ESTIMATE_MIN_SAMPLES, 5000, 0 };
	struct precision p;
	enum precision_end end;
	char text[512];
	int at_least;
	uint64_t rows;

	(void)state;
	rows = run_rule(&rule, 2, fill_wide, 0, &p, &end);
	assert_int_equal(end, PRECISION_END_MAX_SAMPLES);
	assert_true(rows == 5000);
	assert_int_equal(p.region[1].state, PRECISION_DONE); /* the 12-bit one was done long before */
	assert_int_equal(p.region[0].state, PRECISION_WAITING);
	if (p.region[0].count.pairs == 0) {
		double need = precision_samples_needed(&p, 0, &at_least);
		assert_true(at_least);
		assert_true(fabs(need - 5000 * sqrt(collision_poisson_pairs(0.5) / 3)) < 1);
	}
	assert_int_equal(precision_furthest(&p), 0);
	assert_int_equal(precision_shortfall_text(&p, text, sizeof(text)), 1);
	assert_non_null(strstr(text, "upper bound"));
	precision_free(&p);

	/* 1/64 s a row and 2 s at most: max_time ends it at row 128 */
	rule.max_samples = 1000000;
	rule.max_time = 2;
	rows = run_rule(&rule, 2, fill_wide, 1.0 / 64, &p, &end);
	assert_int_equal(end, PRECISION_END_MAX_TIME);
	assert_true(rows == 128);
	precision_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poisson_pairs_tables),
		cmocka_unit_test(test_stops_within_20_percent),
		cmocka_unit_test(test_constant_and_absent_do_not_block),
		cmocka_unit_test(test_max_samples_and_max_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
