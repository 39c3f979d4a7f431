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

/* P(X >= k) against the pmf summed term by term from the top (no cancellation), and
 * the symmetry I_x(a, b) = 1 - I_(1-x)(b, a) that the two branches rely on. */
static double binomial_tail_by_sum(int k, int n, double p)
{
	double sum = 0;

	for (int j = n; j >= k; j--)
		sum += exp(lgamma(n + 1.0) - lgamma(j + 1.0) - lgamma(n - j + 1.0) + j * log(p) + (n - j) * log1p(-p));
	return sum;
}

static void test_binomial_tail(void **state)
{
	static const struct {
		int n;
		double p;
	} cases[] = { { 10, 0.5 }, { 56, 0.504 }, { 3904, 1.0 / 512 }, { 1000, 0.97 }, { 2000, 0.0001 } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int k = 0; k <= cases[i].n; k++) {
			double want = binomial_tail_by_sum(k, cases[i].n, cases[i].p);
			double got = stats_binomial_sf(k, cases[i].n, cases[i].p);
			if (fabs(got - want) > 1e-10 * want + 1e-300)
				fail_msg("P(X >= %d | Binomial(%d, %g)): got %.15g, want %.15g", k, cases[i].n,
					 cases[i].p, got, want);
		}
	assert_close(stats_binomial_sf(0, 5, 0.3), 1, 0);
	assert_close(stats_binomial_sf(5, 5, 0.3), pow(0.3, 5), 1e-17);
	assert_close(stats_beta_i(2.5, 7, 0.3) + stats_beta_i(7, 2.5, 0.7), 1, 1e-14);
	/* a large n near the normal limit: mean 5e8, sd sqrt(2.5e8) = 15811; 3 sd above, the
	 * tail is close to the normal's 0.00135 (skewness 0: within 1 %) */
	assert_close(stats_binomial_sf(5e8 + 3 * 15811.388, 1e9, 0.5) / 0.0013499, 1, 0.01);
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
		cmocka_unit_test(test_binomial_tail),
		cmocka_unit_test(test_binary_entropy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
