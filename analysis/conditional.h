/* conditional.h: what one leaked address gives away.
 *
 * For every pair of regions of a series, the estimators of D = A - B (mod 2^64) and, for
 * each direction, H(A | B) estimated by conditioning D on B's low bits (lowbits.h). H(D)
 * is symmetric and an upper bound on H(A | B); the headline of conditional[A][B] is the
 * conditional estimate when one of B's low bits won, else H(D), capped by A's own
 * estimate (H(A | B) <= H(A)). D = A - B and B - A carry the same information, so 55
 * unordered pairs serve 110 ordered ones.
 *
 * Missing cells: a 0 in a region that is nonzero elsewhere in the series is missing (the
 * probe could not read it), and a pair uses only the rows where neither is missing. A
 * region that is 0 everywhere is absent: it stays in (no row is dropped for it), which
 * makes no claim (it never varies, so nothing is conditioned on it). */
#ifndef ASLR_CONDITIONAL_H
#define ASLR_CONDITIONAL_H

#include "analysis.h"
#include "error.h"
#include "lowbits.h"

/* Estimate every pair of every series (a->series[s].pair). 0 or -ENOMEM. */
int conditional_compute(struct analysis *a, struct aslr_error *err);

/* The estimate of A - B for regions r != q of series s. */
const struct region_estimate *conditional_pair(const struct analysis *a, unsigned s, unsigned r,
					       unsigned q);

/* Where the number of bits of A left once B leaked comes from. */
enum leak_source {
	LEAK_FROM_DIFFERENCE, /* H(A - B): no low bits of B told more */
	LEAK_FROM_LOW_BITS,   /* H_k: D given B mod 2^k */
	LEAK_FROM_OWN,        /* A's own estimate was smaller (capped) */
};

/* The bits of A left once B leaked (A != B), and what they rest on. */
struct leak_estimate {
	double bits; /* the headline: min(A's own, H_k of the chosen k or else H(A - B)) */
	enum estimate_kind kind;
	enum leak_source source;
	const struct region_estimate *difference; /* D = A - B: its headline is an upper bound */
	const struct lowbits_estimate *given;     /* D conditioned on B's low bits */
};

/* "difference", "low_bits" or "own". */
const char *conditional_source_name(enum leak_source source);

/* H(A | B) for regions r_a != r_b of series s (conditional_compute has run). */
void conditional_leak(const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b,
		      struct leak_estimate *out);

/* Bits of A left once B leaked: conditional_leak's headline; 0 when A == B.
 * *capped (may be NULL) says whether A's own estimate was the smaller. */
double conditional_bits(const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b, int *capped);

/* The leak that leaves the fewest bits of A (-1 when A never moves, has too few samples
 * for a claim, or there is no other region); *bits_left gets them. Ties go to the first
 * region. */
int conditional_best_leak(const struct analysis *a, unsigned s, unsigned r_a, double *bits_left);

/* Guesses for a 50 % chance at H bits: 2^(H - 1), at least 1. */
double conditional_guesses(double bits);

#endif
