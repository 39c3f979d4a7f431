/* estimate.h: one column of addresses to numbers, each labelled with what it is.
 *
 *   varying mask     OR(x) ^ AND(x): which bits ever change; alignment = lowest of them
 *   per-bit sum      sum of binary entropies of the varying bits: an upper bound
 *   range            log2((max - min) / 2^alignment + 1): an upper bound (exact if uniform)
 *   collision (H2)   Renyi-2 from equal pairs: H_min <= H2 <= H, an estimate at N << 2^H
 *   collision bound  95 % lower bound on H2, also when no pair collided
 *   min-entropy      NIST SP 800-90B 6.3.1 most common value: a lower bound, capped by log2 N
 *   Shannon (MM)     plug-in with Miller-Madow correction, capped by log2 N
 *   chi-square       uniformity over [min, max] on the alignment lattice
 * Formulas and sources: shared/design/estimators.md. */
#ifndef ASLR_ESTIMATE_H
#define ASLR_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

enum estimate_kind { KIND_CONSTANT, KIND_RANGE, KIND_COLLISION };

enum { ESTIMATE_MIN_PAIRS = 10 }; /* the collision estimate is the headline from 10 pairs */

#define BIAS_Z 3.4 /* |z| of a biased bit: 99 %, Bonferroni over 64 bits */

struct region_estimate {
	uint64_t samples;
	uint64_t distinct;
	uint64_t min, max;
	uint64_t varying_mask;
	uint64_t biased_mask;    /* varying bits whose P(1) differs from 1/2 beyond BIAS_Z */
	int alignment_bit;       /* -1 when constant */
	int highest_bit;         /* -1 when constant */
	int varying_bits;
	double p_one[64];
	double bit_entropy_sum;  /* upper bound */
	double range_bits;       /* upper bound */
	uint64_t collision_pairs;
	double collision_bits;   /* NAN when no pair collided */
	double collision_ci_low, collision_ci_high; /* 95 %, NAN when no pair collided */
	double collision_lower_bound;               /* 95 % lower bound; NAN when N < 2 */
	double min_entropy_bits; /* lower bound, capped by log2 N */
	double shannon_mm_bits;  /* capped by log2 N */
	int saturated;           /* plug-in and MCV cannot see past log2 N here */
	double chi2_p;           /* NAN when there are too few samples or values to bin */
	unsigned chi2_bins;
	double estimate_bits;    /* the headline */
	enum estimate_kind kind;
	int absent;              /* every value 0: this probe does not report the region */
};

/* Estimate n values (n >= 1). scratch has room for 2n values; values is not changed.
 * 0, or -ENOMEM for the chi-square bins. */
int estimate_values(const uint64_t *values, size_t n, uint64_t *scratch, struct region_estimate *out);

/* The same for the differences a[i] - b[i] (mod 2^64), read on the circle: the values
 * are first shifted so that the largest gap between them sits at the wrap, so a
 * difference that straddles zero is not mistaken for a 64-bit range. Collision
 * statistics do not depend on the shift; the estimate of A - B equals that of B - A. */
int estimate_difference(const uint64_t *a, const uint64_t *b, size_t n, uint64_t *scratch,
			struct region_estimate *out);

/* "constant", "range" or "collision". */
const char *estimate_kind_name(enum estimate_kind kind);

/* Samples for about k colliding pairs at H bits: sqrt(2 k 2^H). */
double estimate_samples_needed(double bits, double k);

#endif
