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

/* How many of bound[0..count) are <= x: a branchless binary search. */
static unsigned count_at_most(const uint64_t *bound, unsigned count, uint64_t x)
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

/* The rank score of x: how many bounds are <= x, the same for equal values. It runs once
 * per sample, so a table over RANK_CELLS equal slices of [min, max] gives the scores a
 * slice can have; only a slice that holds a bound needs the (short) search. */
enum { RANK_CELL_BITS = 12, RANK_CELLS = 1 << RANK_CELL_BITS };

struct ranker {
	const uint64_t *bound;
	unsigned count;
	uint64_t min;
	int shift;
	uint16_t lo[RANK_CELLS], hi[RANK_CELLS]; /* scores of a slice's first and last value */
};

static void ranker_init(struct ranker *k, const uint64_t *bound, unsigned count, uint64_t min, uint64_t max)
{
	uint64_t span = max - min;
	int bits = span ? 64 - __builtin_clzll(span) : 0;
	unsigned j_lo = 0, j_hi = 0;

	k->bound = bound;
	k->count = count;
	k->min = min;
	k->shift = bits > RANK_CELL_BITS ? bits - RANK_CELL_BITS : 0;
	for (uint64_t c = 0; c < RANK_CELLS; c++) {
		uint64_t first = c << k->shift, last = ((c + 1) << k->shift) - 1;
		if (first > span)
			first = span;
		if (last > span || (c + 1) << k->shift == 0)
			last = span;
		while (j_lo < count && bound[j_lo] - min <= first)
			j_lo++;
		while (j_hi < count && bound[j_hi] - min <= last)
			j_hi++;
		k->lo[c] = (uint16_t)j_lo;
		k->hi[c] = (uint16_t)j_hi;
	}
}

static unsigned rank_of(const struct ranker *k, uint64_t x)
{
	uint64_t c = (x - k->min) >> k->shift;
	unsigned lo = k->lo[c], hi = k->hi[c];

	return lo == hi ? lo : lo + count_at_most(k->bound + lo, hi - lo, x);
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

/* Sums of the integer rank scores q (< SERIAL_RANK_BINS), exact: with m < 2^40 samples
 * q^3 sums stay below 2^70 and q^4 sums below 2^80, hence the 128-bit ones. */
struct serial_sums {
	uint64_t m, s1, s2, lag; /* lag: sum of q_i q_(i+1), circular */
	unsigned __int128 s3, s4;
	uint64_t ones, runs;     /* the median split: values above it, runs of one side */
};

static void accumulate(const uint64_t *values, size_t n, int skip_zeros, const struct ranker *k,
		       uint64_t med, int strict, struct serial_sums *s)
{
	uint64_t first = 0, prev = 0;
	int prev_above = -1;

	for (size_t i = 0; i < n; i++) {
		uint64_t x = values[i];
		if (skip_zeros && x == 0)
			continue;
		uint64_t q = rank_of(k, x), q2 = q * q;
		int above = strict ? x > med : x >= med;
		if (s->m == 0)
			first = q;
		else
			s->lag += prev * q;
		s->m++;
		s->s1 += q;
		s->s2 += q2;
		s->s3 += q2 * q;
		s->s4 += (unsigned __int128)(q2 * q2);
		s->ones += (uint64_t)above;
		s->runs += above != prev_above;
		prev_above = above;
		prev = q;
	}
	s->lag += prev * first;
}

static double two_sided_p(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

/* Circular R = sum z_i z_(i+1) of the centered scores z = q - mean under random
 * permutation (Wald and Wolfowitz 1943): E = -S2/(m-1),
 * Var = (S2^2 - S4)/(m-1) + (S2^2 - 2 S4)/((m-1)(m-2)) - E^2, S_k = sum z^k. */
static double lag1_p(const struct serial_sums *s)
{
	double m = (double)s->m, mu = (double)s->s1 / m, r2 = (double)s->s2, r3 = (double)s->s3;
	double s2 = r2 - m * mu * mu;
	double s4 = (double)s->s4 - 4 * mu * r3 + 6 * mu * mu * r2 - 3 * m * mu * mu * mu * mu;
	double r = (double)s->lag - m * mu * mu, mean = -s2 / (m - 1);
	double var = (s2 * s2 - s4) / (m - 1) + (s2 * s2 - 2 * s4) / ((m - 1) * (m - 2)) - mean * mean;

	if (m < 3 || !(var > 0))
		return NAN;
	return two_sided_p((r - mean) / sqrt(var));
}

/* Runs of n1 values above and n0 below (Wald and Wolfowitz 1940):
 * E = 1 + 2 n0 n1 / m, Var = 2 n0 n1 (2 n0 n1 - m) / (m^2 (m - 1)). */
static double runs_p_value(const struct serial_sums *s)
{
	double m = (double)s->m, n1 = (double)s->ones, n0 = m - n1, mean = 1 + 2 * n0 * n1 / m;
	double var = 2 * n0 * n1 * (2 * n0 * n1 - m) / (m * m * (m - 1));

	if (m < 3 || !(var > 0))
		return NAN;
	return two_sided_p(((double)s->runs - mean) / sqrt(var));
}

void serial_tests(const uint64_t *values, size_t n, int skip_zeros, const uint64_t *sorted, size_t m,
		  double *lag1, double *runs)
{
	uint64_t bound[SERIAL_RANK_BINS];
	struct ranker k;
	struct serial_sums s = { 0 };
	int strict;

	*lag1 = *runs = NAN;
	if (m < 3)
		return;
	ranker_init(&k, bound, rank_bounds(sorted, m, bound), sorted[0], sorted[m - 1]);
	uint64_t med = median_split(sorted, m, &strict);
	accumulate(values, n, skip_zeros, &k, med, strict, &s);
	*lag1 = lag1_p(&s);
	*runs = runs_p_value(&s);
}
