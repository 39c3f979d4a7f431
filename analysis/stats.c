#include "stats.h"

#include <math.h>

enum { MAX_ITER = 100000 };
#define EPS 1e-15

/* Series for P(a, x), good for x < a + 1. */
static double gamma_p_series(double a, double x)
{
	double sum = 1.0 / a, term = sum, ap = a;

	for (int i = 0; i < MAX_ITER; i++) {
		ap += 1;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * EPS)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Continued fraction for Q(a, x) (modified Lentz), good for x >= a + 1. */
static double gamma_q_fraction(double a, double x)
{
	const double tiny = 1e-300;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;

	for (int i = 1; i < MAX_ITER; i++) {
		double an = -i * (i - a), delta;
		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		delta = d * c;
		h *= delta;
		if (fabs(delta - 1) < EPS)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double stats_gamma_p(double a, double x)
{
	if (x <= 0)
		return 0;
	return x < a + 1 ? gamma_p_series(a, x) : 1 - gamma_q_fraction(a, x);
}

double stats_gamma_q(double a, double x)
{
	if (x <= 0)
		return 1;
	return x < a + 1 ? 1 - gamma_p_series(a, x) : gamma_q_fraction(a, x);
}

double stats_chi2_sf(double chi2, double df)
{
	return stats_gamma_q(df / 2, chi2 / 2);
}

/* Solve f(lambda) == target for f increasing in lambda, by bisection. */
static double bisect_increasing(double (*f)(double, double), double k, double target)
{
	double lo = 0, hi = k + 10 + 10 * sqrt(k + 1);

	while (f(k, hi) < target)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * (1 + hi); i++) {
		double mid = (lo + hi) / 2;
		if (f(k, mid) < target)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* P(X >= k+1 | lambda) = P(k + 1, lambda): increasing in lambda. */
static double tail_above(double k, double lambda)
{
	return stats_gamma_p(k + 1, lambda);
}

/* P(X >= k | lambda) = P(k, lambda) for k >= 1. */
static double tail_at_least(double k, double lambda)
{
	return stats_gamma_p(k, lambda);
}

double stats_poisson_upper(double k, double tail)
{
	/* P(X <= k) == tail  <=>  P(X >= k + 1) == 1 - tail */
	return bisect_increasing(tail_above, k, 1 - tail);
}

double stats_poisson_lower(double k, double tail)
{
	if (k <= 0)
		return 0;
	return bisect_increasing(tail_at_least, k, tail);
}

/* Continued fraction for I_x(a, b) (modified Lentz), good for x < (a + 1) / (a + b + 2). */
static double beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int m = 1; m < MAX_ITER; m++) {
		double m2 = 2.0 * m, an = m * (b - m) * x / ((a + m2 - 1) * (a + m2)), delta;
		for (int half = 0; half < 2; half++) { /* the even step, then the odd one */
			d = 1 + an * d;
			d = 1 / (fabs(d) < tiny ? tiny : d);
			c = 1 + an / c;
			if (fabs(c) < tiny)
				c = tiny;
			delta = c * d;
			h *= delta;
			an = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		}
		if (fabs(delta - 1) < EPS)
			break;
	}
	return h * exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)) / a;
}

double stats_beta_i(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	return x < (a + 1) / (a + b + 2) ? beta_fraction(a, b, x) : 1 - beta_fraction(b, a, 1 - x);
}

double stats_binomial_sf(double k, double n, double p)
{
	return k <= 0 ? 1 : stats_beta_i(k, n - k + 1, p);
}

double stats_binary_entropy(double p)
{
	if (p <= 0 || p >= 1)
		return 0;
	return -p * log2(p) - (1 - p) * log2(1 - p);
}
