/* The leak matrix on synthetic regions with known relations: constant offsets leave
 * 0 bits, an 8-bit offset leaves 8, an independent region cannot tell more than A's
 * own bits; differences that straddle zero are read on the circle; A - B and B - A
 * agree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "conditional.h"
#include "rng.h"
#include "samples.h"

#define ROWS 20000

struct fixture {
	struct sample_table table;
	struct analysis analysis;
	char *csv;
};

/* a: 20 page bits; b = a + 0x5000 (constant); c = a + 8 random page bits;
 * d: 12 bits independent of a; e = a +- up to 15 pages (straddles zero). */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rng r = { 11 };
	struct aslr_error err;
	size_t len = 0;

	f->csv = malloc((size_t)ROWS * 120 + 64);
	len += (size_t)sprintf(f->csv, "mode,a,b,c,d,e\n");
	for (int i = 0; i < ROWS; i++) {
		uint64_t a = 0x7f0000000000ULL + (rng_below(&r, 1 << 20) << 12);
		uint64_t c = a + (rng_below(&r, 256) << 12);
		uint64_t d = 0x550000000000ULL + (rng_below(&r, 1 << 12) << 12);
		uint64_t e = a + (rng_below(&r, 31) << 12) - (15 << 12);
		len += (size_t)sprintf(f->csv + len, "2,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx\n",
				       (unsigned long long)a, (unsigned long long)(a + 0x5000),
				       (unsigned long long)c, (unsigned long long)d, (unsigned long long)e);
	}
	if (samples_load_buffer(&f->table, "mem", f->csv, len, &err) < 0 ||
	    analysis_compute(&f->analysis, &f->table, &err) < 0 || conditional_compute(&f->analysis, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	analysis_free(&f->analysis);
	samples_free(&f->table);
	free(f->csv);
	free(f);
	return 0;
}

enum { A, B, C, D, E };

static void assert_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.4f, theory %.4f, tolerance %.4f", what, got, want, tol);
}

static void test_constant_offset_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	int cluster[8];

	assert_true(conditional_bits(&f->analysis, 0, A, B, NULL) == 0);
	assert_true(conditional_bits(&f->analysis, 0, B, A, NULL) == 0);
	assert_int_equal(conditional_pair(&f->analysis, 0, A, B)->kind, KIND_CONSTANT);
	conditional_clusters(&f->analysis, 0, cluster);
	assert_int_equal(cluster[B], A);
	assert_int_equal(cluster[C], C);
}

static void test_eight_bit_offset(void **state)
{
	struct fixture *f = *state;
	/* D uniform on 256 pages: H2 = 8; E[pairs] = C(N,2)/256, tolerance 4 sd in bits */
	double pairs = (double)ROWS * (ROWS - 1) / 2 / 256;
	const struct region_estimate *d = conditional_pair(&f->analysis, 0, C, A);

	assert_int_equal(d->kind, KIND_COLLISION);
	assert_near(d->collision_bits, 8, 4 / (sqrt(pairs) * M_LN2), "H2(C - A)");
	/* all 256 values seen: span 255, times the range's sample-size correction (N+1)/(N-1) */
	assert_near(d->range_bits, log2(255.0 * (ROWS + 1) / (ROWS - 1) + 1), 1e-9, "range(C - A)");
	assert_int_equal(d->alignment_bit, 12);
	assert_near(conditional_bits(&f->analysis, 0, C, A, NULL), d->collision_bits, 0, "C given A");
}

static void test_independent_is_capped_by_own(void **state)
{
	struct fixture *f = *state;
	int capped;
	double own = f->analysis.series[0].region[D].estimate_bits;
	double left = conditional_bits(&f->analysis, 0, D, A, &capped);

	/* D has 12 bits, A 20: D - A has at least 20, so knowing A leaves D's own 12 */
	assert_true(capped);
	assert_near(left, own, 0, "D given A");
	assert_near(own, 12, 0.1, "D's own bits");
	assert_true(conditional_pair(&f->analysis, 0, D, A)->estimate_bits > 19);
}

static void test_difference_straddling_zero(void **state)
{
	struct fixture *f = *state;
	const struct region_estimate *d = conditional_pair(&f->analysis, 0, E, A);

	/* E - A takes 31 page values from -15 to +15: log2(31), never a 64-bit range */
	assert_near(d->range_bits, log2(30.0 * (ROWS + 1) / (ROWS - 1) + 1), 1e-9, "range(E - A)");
	assert_int_equal(d->alignment_bit, 12);
	assert_int_equal(d->highest_bit, 16);
	assert_near(d->collision_bits, log2(31), 0.05, "H2(E - A)");
}

static void test_best_leak_and_guesses(void **state)
{
	struct fixture *f = *state;
	double left;

	assert_int_equal(conditional_best_leak(&f->analysis, 0, A, &left), B);
	assert_true(left == 0);
	assert_int_equal(conditional_best_leak(&f->analysis, 0, E, &left), A);
	assert_near(left, log2(31), 0.05, "E's best leak");
	assert_near(conditional_guesses(28), exp2(27), 0, "2^(H-1)");
	assert_near(conditional_guesses(0), 1, 0, "at least one guess");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant_offset_leaves_nothing),
		cmocka_unit_test(test_eight_bit_offset),
		cmocka_unit_test(test_independent_is_capped_by_own),
		cmocka_unit_test(test_difference_straddling_zero),
		cmocka_unit_test(test_best_leak_and_guesses),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
