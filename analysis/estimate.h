/* estimate.h: one column of addresses to numbers, each labelled with what it is.
 *
 *   varying mask     OR(x) ^ AND(x): which bits ever change; alignment = lowest of them
 *   per-bit sum      sum of binary entropies of the varying bits: an upper bound
 *   range            log2(span / 2^alignment * (N+1)/(N-1) + 1): an upper bound (exact if uniform)
 *   collision (H2)   Renyi-2 from equal pairs: H_min <= H2 <= H, an estimate at N << 2^H
 *   collision bound  95 % lower bound on H2, also when no pair collided
 *   min-entropy      NIST SP 800-90B 6.3.1 most common value: a lower bound; saturated
 *                    (only ">= about log2 N") when the most common value was seen <= 5 times
 *   Shannon (MM)     plug-in with Miller-Madow correction, capped by log2 N
 *   chi-square       uniformity over [min, max] on the alignment lattice
 *   serial tests     lag-1 correlation and runs about the median, in seq order: are
 *                    successive samples independent, as every estimator above assumes?
 * Formulas, constants and sources: docs/estimators.md. */
#ifndef ASLR_ESTIMATE_H
#define ASLR_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

enum estimate_kind { KIND_CONSTANT, KIND_RANGE, KIND_COLLISION, KIND_BIT_ENTROPY_SUM, KIND_INSUFFICIENT };

enum {
	ESTIMATE_MIN_PAIRS = 10,     /* the collision estimate is the headline from 10 pairs */
	ESTIMATE_MIN_SAMPLES = 20,   /* below 20 usable samples the headline is "insufficient" */
	ESTIMATE_MCV_SATURATED = 5,  /* min-entropy from a value seen <= 5 times says only ~log2 N */
};

/* |z| of a biased bit: two-sided 0.01 / 64 (Bonferroni), so a region of uniform bits
 * shows a false "biased" bit in at most 1 % of series. */
#define BIAS_Z 3.78

/* Per serial test (two of them): 0.001 per region, Bonferroni over the two. */
#define SERIAL_ALPHA 0.0005

struct region_estimate {
	uint64_t samples;        /* usable samples: missing cells left out */
	uint64_t missing;        /* 0x0 cells of a region present in other rows: missing data */
	uint64_t distinct;
	uint64_t min, max;
	uint64_t varying_mask;
	uint64_t biased_mask;    /* varying bits whose P(1) differs from 1/2 beyond BIAS_Z */
	int alignment_bit;       /* -1 when constant */
	int highest_bit;         /* -1 when constant */
	int varying_bits;
	double p_one[64];
	double bit_entropy_sum;  /* upper bound */
	double range_bits;       /* upper bound, corrected for N */
	uint64_t collision_pairs;
	double collision_triples;  /* sum C(c, 3) (a double: it passes 2^64): gives sum p^3 */
	double collision_bits;   /* NAN when no pair collided */
	double collision_ci_low, collision_ci_high; /* 95 %, NAN when no pair collided */
	double collision_lower_bound;               /* 95 % lower bound; NAN when N < 2 */
	uint64_t mcv_count;      /* how often the most common value was seen */
	double mcv_share;        /* mcv_count / samples: one guess wins this often */
	double min_entropy_bits; /* lower bound */
	double shannon_mm_bits;  /* capped by log2 N */
	int saturated;           /* min-entropy only says >= ~log2 N: mcv_count <= ESTIMATE_MCV_SATURATED */
	int shannon_saturated;   /* distinct > N/2: the plug-in Shannon only says ~log2 N */
	double chi2_p;           /* NAN when there are too few samples or values to bin */
	unsigned chi2_bins;
	double serial_lag1_p;    /* NAN when not tested (constant, insufficient, a difference) */
	double runs_p;           /* likewise */
	int serial_rejected;     /* either p < SERIAL_ALPHA: successive samples are not independent */
	double estimate_bits;    /* the headline; NAN when insufficient */
	enum estimate_kind kind;
	int absent;              /* every value 0: this probe does not report the region */
};

/* Estimate n values (n >= 1) taken in this order (the serial tests read it). scratch
 * has room for 2n values; values is not changed. 0, or -ENOMEM. */
int estimate_values(const uint64_t *values, size_t n, uint64_t *scratch, struct region_estimate *out);

/* The same for a column of a samples table, in seq order: a 0x0 cell in a column that
 * has any nonzero cell is missing data and left out of every estimator (out->missing
 * counts them); a column of zeros only is absent. */
int estimate_column(const uint64_t *values, size_t n, uint64_t *scratch, struct region_estimate *out);

/* The same for the differences a[i] - b[i] (mod 2^64), read on the circle: the values
 * are first shifted so that the largest gap between them sits at the wrap, so a
 * difference that straddles zero is not mistaken for a 64-bit range. Collision
 * statistics do not depend on the shift; the estimate of A - B equals that of B - A.
 * No serial tests: if each region's rows are independent, so are their differences. */
int estimate_difference(const uint64_t *a, const uint64_t *b, size_t n, uint64_t *scratch,
			struct region_estimate *out);

/* "constant", "range", "collision", "bit_entropy_sum" or "insufficient". */
const char *estimate_kind_name(enum estimate_kind kind);

/* 1 when the headline says the region moves: neither constant nor insufficient. */
int estimate_moves(const struct region_estimate *e);

/* 1 when the headline is an upper bound (range or bit_entropy_sum). */
int estimate_kind_is_bound(enum estimate_kind kind);

/* 1 when the most common value is far more common than the headline allows: min-entropy
 * not saturated, at least ESTIMATE_SKEW_BITS below the headline, and a value that often
 * implausible (p < 0.001) under a uniform distribution of the headline's entropy. */
int estimate_skewed(const struct region_estimate *e);

#define ESTIMATE_SKEW_BITS 1.0

#endif
