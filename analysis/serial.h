/* serial.h: are successive samples independent? Every estimator assumes they are;
 * a kernel whose randomness drifts or repeats between execs would pass them all.
 *
 * Two tests on one region's values in seq order, each with exact moments under
 * exchangeability (what independence implies) and a normal approximation:
 *   lag-1   the circular lag-1 covariance of the values' quantile ranks (the
 *           SP 800-90B 5.1.10 covariance statistic at lag 1, on ranks so that a
 *           few far outliers cannot dominate it), with the permutation mean and
 *           variance of Wald and Wolfowitz (1943);
 *   runs    runs above / below the median (SP 800-90B 5.1.5), with the moments of
 *           Wald and Wolfowitz (1940).
 * Ranks and the median split are the same for addresses and their page numbers
 * (x - min) >> alignment, since that map is increasing. Both are O(n). */
#ifndef ASLR_SERIAL_H
#define ASLR_SERIAL_H

#include <stddef.h>
#include <stdint.h>

enum { SERIAL_RANK_BINS = 1024 }; /* quantile ranks: score = number of 1/1024 quantiles <= x */

/* values: n values in seq order, of which zeros are skipped when skip_zeros; sorted:
 * the m values that remain, ascending. Two-sided p-values into *lag1_p and *runs_p,
 * NAN when a test has nothing to test (m < 3, or every value on one side). */
void serial_tests(const uint64_t *values, size_t n, int skip_zeros, const uint64_t *sorted, size_t m,
		  double *lag1_p, double *runs_p);

#endif
