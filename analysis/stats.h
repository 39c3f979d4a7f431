/* stats.h: the special functions the estimators need, from first principles:
 * regularized incomplete gamma and beta (series and Lentz continued fractions), chi-square
 * p-values, exact (Garwood) Poisson limits, binary entropy. */
#ifndef ASLR_STATS_H
#define ASLR_STATS_H

/* P(a, x) = gamma(a, x) / Gamma(a), the regularized lower incomplete gamma. */
double stats_gamma_p(double a, double x);
/* Q(a, x) = 1 - P(a, x). */
double stats_gamma_q(double a, double x);

/* Upper tail of the chi-square distribution: P(X >= chi2) with df degrees of freedom. */
double stats_chi2_sf(double chi2, double df);

/* The lambda at which P(X <= k | Poisson(lambda)) == tail: the exact upper
 * confidence limit for a mean after observing k events (one-sided level 1 - tail). */
double stats_poisson_upper(double k, double tail);
/* The lambda at which P(X >= k | Poisson(lambda)) == tail (0 when k == 0). */
double stats_poisson_lower(double k, double tail);

/* I_x(a, b), the regularized incomplete beta function (a, b > 0, 0 <= x <= 1). */
double stats_beta_i(double a, double b, double x);

/* P(X >= k | Binomial(n, p)) for integers 0 <= k <= n: I_p(k, n - k + 1), 1 at k == 0. */
double stats_binomial_sf(double k, double n, double p);

/* -p log2 p - (1-p) log2 (1-p), 0 at p = 0 or 1. */
double stats_binary_entropy(double p);

#endif
