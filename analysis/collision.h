/* collision.h: the 95 % interval and lower bound of the collision (Renyi-2) estimate.
 *
 * P = sum C(c,2) colliding pairs is a U-statistic: E[P] = C(N,2) q2 and
 *   Var(P) = C(N,2) [q2 (1 - q2) + 2 (N - 2) (q3 - q2^2)],  q2 = sum p^2, q3 = sum p^3.
 * For a uniform distribution the second term vanishes and P is about Poisson; for a
 * skewed one (a value that recurs often) it dominates, and a Poisson interval is far
 * too narrow. q2, q3 and q2^2 are estimated without bias from P and the triple count
 * T = sum C(c,3). With the dispersion phi = max(1, Var / P), the limits on E[P] are
 * phi times the exact (Garwood) Poisson limits for P / phi: exact Poisson when phi = 1
 * (few pairs, or uniform), normal with variance Var for many pairs. Coverage of the
 * true H2 by simulation: docs/estimators.md. */
#ifndef ASLR_COLLISION_H
#define ASLR_COLLISION_H

#include <stdint.h>

struct collision_interval {
	double low, high;    /* 95 % two-sided on H2 in bits; NAN when no pair collided */
	double lower_bound;  /* 95 % one-sided lower bound on H2; NAN when n < 2 */
	double dispersion;   /* phi >= 1 */
};

/* n samples with pairs colliding pairs and triples colliding triples. */
void collision_interval(uint64_t n, uint64_t pairs, double triples, struct collision_interval *out);

/* The real k at which the exact (Garwood) 95 % interval of a Poisson count k, in log2
 * units, has half-width bits: log2(upper(k) / lower(k)) / 2 = bits. The pairs a collision
 * estimate of a uniform region (dispersion 1) needs for +-bits, whatever its entropy:
 * about 2 / bits^2 (34.8 for 0.5 bits). */
double collision_poisson_pairs(double bits);

#endif
