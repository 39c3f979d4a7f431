#include "serial.h"

#include <math.h>

/* The quantile ranks' boundaries: bound[j] = sorted[(j + 1) m / bins], j < bins - 1. */
static unsigned rank_bounds(const uint64_t *sorted, size_t m, uint64_t *bound)
{
	unsigned bins = m < SERIAL_RANK_BINS ? (unsigned)m : SERIAL_RANK_BINS;

	for (unsigned j = 0; j + 1 < bins; j++)
		bound[j] = sorted[(size_t)(j + 1) * m / bins];
	return bins - 1;
}

/* How many bounds are <= x: the rank score, the same for equal values. Branchless, as
 * it runs once per sample. */
static unsigned rank_of(const uint64_t *bound, unsigned count, uint64_t x)
{
	const uint64_t *base = bound;
	unsigned len = count;

	if (count == 0)
		return 0;
	while (len > 1) {
		unsigned half = len / 2;
		base = base[half - 1] <= x ? base + half : base;
		len -= half;
	}
	return (unsigned)(base - bound) + (*base <= x);
}

/* The split about the median closest to even: ">= median" (*strict 0) or "> median". */
static uint64_t median_split(const uint64_t *sorted, size_t m, int *strict)
{
	uint64_t med = sorted[m / 2];
	size_t first = m / 2, last = m / 2, ge_small, gt_small;

	while (first > 0 && sorted[first - 1] == med)
		first--;
	while (last + 1 < m && sorted[last + 1] == med)
		last++;
	/* ">=" puts m - first values above, ">" m - last - 1; keep the larger minority */
	ge_small = first < m - first ? first : m - first;
	gt_small = last + 1 < m - last - 1 ? last + 1 : m - last - 1;
	*strict = gt_small > ge_small;
	return med;
}

struct serial_sums {
	double m;
	double s1, s2, s3, s4; /* sums of z^k, z = rank score - (bounds / 2) */
	double lag;            /* sum of z_i z_(i+1), circular */
	double ones, runs;     /* the median split: values above it, runs of one side */
};

static void accumulate(const uint64_t *values, size_t n, int skip_zeros, const uint64_t *bound,
		       unsigned count, uint64_t med, int strict, struct serial_sums *s)
{
	double first = 0, prev = 0, center = count / 2.0;
	int prev_above = -1;

	for (size_t i = 0; i < n; i++) {
		uint64_t x = values[i];
		if (skip_zeros && x == 0)
			continue;
		double z = rank_of(bound, count, x) - center, z2 = z * z;
		int above = strict ? x > med : x >= med;
		if (s->m == 0)
			first = z;
		else
			s->lag += prev * z;
		s->m++;
		s->s1 += z;
		s->s2 += z2;
		s->s3 += z2 * z;
		s->s4 += z2 * z2;
		s->ones += above;
		s->runs += above != prev_above;
		prev_above = above;
		prev = z;
	}
	s->lag += prev * first;
}

static double two_sided_p(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

/* Circular R = sum z_i z_(i+1) of centered z under random permutation (Wald and
 * Wolfowitz 1943): E = -S2/(m-1), Var = (S2^2 - S4)/(m-1) + (S2^2 - 2 S4)/((m-1)(m-2)) - E^2. */
static double lag1_p(const struct serial_sums *s)
{
	double m = s->m, mu = s->s1 / m;
	double s2 = s->s2 - m * mu * mu;
	double s4 = s->s4 - 4 * mu * s->s3 + 6 * mu * mu * s->s2 - 3 * m * mu * mu * mu * mu;
	double r = s->lag - m * mu * mu, mean = -s2 / (m - 1);
	double var = (s2 * s2 - s4) / (m - 1) + (s2 * s2 - 2 * s4) / ((m - 1) * (m - 2)) - mean * mean;

	if (m < 3 || !(var > 0))
		return NAN;
	return two_sided_p((r - mean) / sqrt(var));
}

/* Runs of n1 values above and n0 below (Wald and Wolfowitz 1940):
 * E = 1 + 2 n0 n1 / m, Var = 2 n0 n1 (2 n0 n1 - m) / (m^2 (m - 1)). */
static double runs_p_value(const struct serial_sums *s)
{
	double m = s->m, n1 = s->ones, n0 = m - n1, mean = 1 + 2 * n0 * n1 / m;
	double var = 2 * n0 * n1 * (2 * n0 * n1 - m) / (m * m * (m - 1));

	if (m < 3 || !(var > 0))
		return NAN;
	return two_sided_p((s->runs - mean) / sqrt(var));
}

void serial_tests(const uint64_t *values, size_t n, int skip_zeros, const uint64_t *sorted, size_t m,
		  double *lag1, double *runs)
{
	uint64_t bound[SERIAL_RANK_BINS];
	struct serial_sums s = { 0 };
	int strict;

	*lag1 = *runs = NAN;
	if (m < 3)
		return;
	unsigned count = rank_bounds(sorted, m, bound);
	uint64_t med = median_split(sorted, m, &strict);
	accumulate(values, n, skip_zeros, bound, count, med, strict, &s);
	*lag1 = lag1_p(&s);
	*runs = runs_p_value(&s);
}
