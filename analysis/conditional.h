/* conditional.h: what one leaked address gives away.
 *
 * For every pair of regions of a series, the estimators of D = A - B (mod 2^64): the
 * bits of A left to guess once B is known. H(A|B) <= min(H(A), H(A - B)), so the
 * headline of conditional[A][B] is capped by A's own estimate. D = A - B and B - A
 * carry the same information, so 55 unordered pairs serve 110 ordered ones. */
#ifndef ASLR_CONDITIONAL_H
#define ASLR_CONDITIONAL_H

#include <jansson.h>

#include "error.h"
#include "summary.h"

/* Estimate every pair of every series (a->series[s].pair). 0 or -ENOMEM. */
int conditional_compute(struct analysis *a, struct aslr_error *err);

/* The estimate of A - B for regions r != q of series s. */
const struct region_estimate *conditional_pair(const struct analysis *a, unsigned s, unsigned r,
					       unsigned q);

/* Bits of A left once B leaked: min(headline of A - B, headline of A); 0 when A == B.
 * *capped (may be NULL) says whether A's own estimate was the smaller. */
double conditional_bits(const struct analysis *a, unsigned s, unsigned r_a, unsigned r_b, int *capped);

/* The leak that leaves the fewest bits of A (-1 when A never moves or there is no other
 * region); *bits_left gets them. Ties go to the first region. */
int conditional_best_leak(const struct analysis *a, unsigned s, unsigned r_a, double *bits_left);

/* Clusters of series s: regions (not constant) whose pairwise offsets never change, so
 * one leak reveals them all. cluster[r] is the smallest region index of r's cluster,
 * or -1 for a constant region. Exact, from the samples. */
void conditional_clusters(const struct analysis *a, unsigned s, int *cluster);

/* A block: two or more regions that move as one (their region indexes, ascending). */
struct region_block {
	unsigned size;
	unsigned char member[SAMPLES_MAX_COLUMNS]; /* region indexes: SAMPLES_MAX_COLUMNS <= 256 */
};

enum { MAX_BLOCKS = SAMPLES_MAX_COLUMNS / 2 };

/* The blocks of series s, in order of their first region; returns how many. */
unsigned conditional_blocks(const struct analysis *a, unsigned s, struct region_block *blocks);

/* [["mmap", "libc", ...], ...]: the clusters of two or more regions. */
json_t *conditional_clusters_json(const struct analysis *a, unsigned s);

/* Guesses for a 50 % chance at H bits: 2^(H - 1), at least 1. */
double conditional_guesses(double bits);

/* {"A": {"B": {...region fields..., "capped_by_own_estimate": bool}}} for series s. */
json_t *conditional_json(const struct analysis *a, unsigned s);

/* {"A": {"best_leak": "B", "bits_before", "bits_left", "guesses_before", "guesses_after"}}. */
json_t *conditional_leaks_json(const struct analysis *a, unsigned s);

#endif
