/* Special functions against closed forms and published tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats.h"

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_gamma_closed_forms(void **state)
{
	(void)state;
	/* P(1, x) = 1 - e^-x;  Q(2, x) = e^-x (1 + x) */
	for (double x = 0.1; x < 50; x *= 1.7) {
		assert_close(stats_gamma_p(1, x), 1 - exp(-x), 1e-12);
		assert_close(stats_gamma_q(2, x), exp(-x) * (1 + x), 1e-12);
	}
	assert_close(stats_gamma_p(3, 0), 0, 0);
}

static void test_chi2_table(void **state)
{
	(void)state;
	/* 95th percentiles of chi-square (any statistics table) */
	assert_close(stats_chi2_sf(3.841459, 1), 0.05, 1e-6);
	assert_close(stats_chi2_sf(18.307038, 10), 0.05, 1e-6);
	assert_close(stats_chi2_sf(124.342113, 100), 0.05, 1e-6);
	/* df = 2: sf = e^(-x/2) exactly */
	assert_close(stats_chi2_sf(7.0, 2), exp(-3.5), 1e-12);
}

static void test_poisson_limits(void **state)
{
	(void)state;
	/* k = 0: P(X <= 0) = e^-lambda = tail  =>  lambda = -ln(tail) */
	assert_close(stats_poisson_upper(0, 0.05), -log(0.05), 1e-9);
	assert_close(stats_poisson_lower(0, 0.025), 0, 0);
	/* Garwood 95 % two-sided limits (Ulm 1990 table): k = 1: [0.0253, 5.5716]; k = 10: [4.7954, 18.3904] */
	assert_close(stats_poisson_lower(1, 0.025), 0.025318, 1e-5);
	assert_close(stats_poisson_upper(1, 0.025), 5.571643, 1e-5);
	assert_close(stats_poisson_lower(10, 0.025), 4.795389, 1e-5);
	assert_close(stats_poisson_upper(10, 0.025), 18.390356, 1e-5);
	/* large k: close to k +- 1.96 sqrt(k) */
	assert_close(stats_poisson_upper(1e6, 0.025), 1e6 + 1.96 * 1000, 5);
}

static void test_binary_entropy(void **state)
{
	(void)state;
	assert_close(stats_binary_entropy(0.5), 1, 1e-15);
	assert_close(stats_binary_entropy(0), 0, 0);
	assert_close(stats_binary_entropy(1), 0, 0);
	assert_close(stats_binary_entropy(0.9), -(0.9 * log2(0.9) + 0.1 * log2(0.1)), 1e-15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gamma_closed_forms),
		cmocka_unit_test(test_chi2_table),
		cmocka_unit_test(test_poisson_limits),
		cmocka_unit_test(test_binary_entropy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
