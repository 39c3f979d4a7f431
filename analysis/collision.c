#include "collision.h"

#include <math.h>

#include "stats.h"

/* Var(P) estimated without bias in each term: q2 = P / C(N,2), q3 = T / C(N,3) and
 * q2^2 from ordered pairs of disjoint colliding pairs, (P^2 - P - 6T) / (C(N,2) C(N-2,2)). */
static double pair_variance(double n, double pairs, double triples)
{
	double all2 = n * (n - 1) / 2, all3 = all2 * (n - 2) / 3;
	double q2 = pairs / all2, q3 = triples / all3, q2_sq = q2 * q2;

	if (n >= 4)
		q2_sq = (pairs * pairs - pairs - 6 * triples) / (all2 * (n - 2) * (n - 3) / 2);
	return all2 * (q2 - q2_sq + 2 * (n - 2) * fmax(0, q3 - q2_sq));
}

void collision_interval(uint64_t n, uint64_t pairs, double triples, struct collision_interval *out)
{
	double nd = (double)n, all2 = nd * (nd - 1) / 2, p = (double)pairs;
	double phi = 1;

	out->low = out->high = out->lower_bound = NAN;
	out->dispersion = 1;
	if (n < 2)
		return;
	if (n >= 3 && pairs > 0)
		phi = fmax(1, pair_variance(nd, p, triples) / p);
	out->dispersion = phi;
	/* the limits on E[P] can pass C(N,2) when nearly all pairs collide: H2 >= 0 still */
	out->lower_bound = fmax(0, log2(all2 / (phi * stats_poisson_upper(p / phi, 0.05))));
	if (pairs == 0)
		return;
	out->low = fmax(0, log2(all2 / (phi * stats_poisson_upper(p / phi, 0.025))));
	out->high = fmax(0, log2(all2 / (phi * stats_poisson_lower(p / phi, 0.025))));
}

/* Half-width in bits of the exact 95 % interval of a Poisson count k (real k > 0). */
static double poisson_half_width(double k)
{
	return log2(stats_poisson_upper(k, 0.025) / stats_poisson_lower(k, 0.025)) / 2;
}

double collision_poisson_pairs(double bits)
{
	double lo = 1, hi = 2;

	while (poisson_half_width(hi) > bits) /* the half-width falls as about 1.41 / sqrt(k) */
		lo = hi, hi *= 2;
	for (int i = 0; i < 60 && hi - lo > 1e-6 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (poisson_half_width(mid) > bits)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}
