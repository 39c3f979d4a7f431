/* lowbits.h: what the low bits of a leaked address give away.
 *
 * H(A | B) = H(D | B) <= H(D | g(B)) <= H(D) for D = A - B (mod 2^64) and any function g
 * (Shannon terms). H(D) alone is symmetric and only an upper bound: a mapping placed by
 * rounding B down to 2 MiB is given away by B (0 bits) though D has 9. The g tried here
 * are g_k(B) = B mod 2^k, what an attacker reads off a leaked pointer (page offset,
 * alignment), for k from B's lowest varying bit + 1 to min(highest + 1, LOWBITS_MAX).
 * For each k the conditional collision estimate is
 *     H_k = log2(pairs[k] / collisions[k]),
 * pairs[k] = pairs of samples whose B agree in the low k bits, collisions[k] = those that
 * also agree on D: the Renyi-2 entropy of D given g_k(B) (H_min <= H2 <= H, equal when D
 * is uniform given g_k), as the collision estimate is for one region.
 *
 * All k at once: keys sorted by B's bits read from bit 0 up put values that share their
 * low k bits next to each other for every k; a pair shares as many low bits as the
 * smallest of the neighbour counts between them, and those minima are summed over all
 * pairs in O(n) (a monotonic stack). Counting within runs of equal D gives collisions[k]. */
#ifndef ASLR_LOWBITS_H
#define ASLR_LOWBITS_H

#include <stddef.h>
#include <stdint.h>

/* Highest k tried. 24 covers the 2 MiB (THP, bit 21) alignment with 3 bits to spare, keeps
 * the candidates at most 24 (the family of the test below) and the sort keys to 3 bytes. */
enum { LOWBITS_MAX = 24 };

/* The false-alarm level of one ordered pair: where no low bit of B tells anything, a k wins
 * in at most this fraction of the pairs, whatever the number of candidates (each is tested
 * at LOWBITS_ALPHA / candidates, Bonferroni). 0.001: about 0.16 false cells in a probe's
 * 13-region matrix (156 pairs), about 1 in a target's with 33 regions. */
#define LOWBITS_ALPHA 0.001

/* Pairs of values by how many low bits they share: exact[m] share exactly m (m <
 * LOWBITS_MAX), exact[LOWBITS_MAX] share LOWBITS_MAX or more. For the null's variance and
 * tail: triples[k], triples of values that share k or more low bits ([0]: every triple);
 * paired[k], values that share k or more with another ([0]: all, when 2 or more). */
struct lowbits_histogram {
	uint64_t exact[LOWBITS_MAX + 1];
	double triples[LOWBITS_MAX + 1];
	double paired[LOWBITS_MAX + 1];
};

/* H(A | B) from B's low bits, for one ordered pair of regions. */
struct lowbits_estimate {
	int k_first, k_last;                  /* the candidates B mod 2^k; none when k_first > k_last */
	uint64_t pairs[LOWBITS_MAX + 1];      /* pairs[k]: pairs whose B agree in the low k bits; [0] = all */
	uint64_t collisions[LOWBITS_MAX + 1]; /* those that also agree on D; [0] = pairs with equal D */
	double triples[LOWBITS_MAX + 1];      /* triples whose B agree in the low k bits; [0] = all */
	double collision_triples[LOWBITS_MAX + 1]; /* those that also agree on D */
	double collision_rows[LOWBITS_MAX + 1];    /* rows in a collision counted in collisions[k] */
	int low_bits;                         /* the k chosen; -1 when none won (H(D) stands) */
	double bits, ci_low, ci_high;         /* H_k of the chosen k and its 95 % interval; NAN for none */
};

/* The sort key of v: its low LOWBITS_MAX bits, bit 0 first, in the key's top bits. */
uint64_t lowbits_key(uint64_t v);

/* Add to h the pairs and triples among n keys (lowbits_key values) by the low bits they
 * share. Sorts keys; tmp has room for n keys. */
void lowbits_count(uint64_t *keys, size_t n, uint64_t *tmp, struct lowbits_histogram *h);

/* at_least[k] = pairs that share k or more low bits, k = 0..LOWBITS_MAX. */
void lowbits_at_least(const struct lowbits_histogram *h, uint64_t *at_least);

/* Both directions for n rows (n >= 1) of regions a and b: ab conditions D = a - b on b's
 * low bits (H(a | b)), ba conditions b - a on a's. shared_a/shared_b: lowbits_count of
 * the same rows of a and b, or NULL to count them here. work has room for 5n values. */
void lowbits_estimate_pair(const uint64_t *a, const uint64_t *b, size_t n,
			   const struct lowbits_histogram *shared_a, const struct lowbits_histogram *shared_b,
			   uint64_t *work, struct lowbits_estimate *ab, struct lowbits_estimate *ba);

/* The selection rule (docs/leaks.md): visit k from k_first up, starting from no
 * conditioning (c = 0); k replaces the current choice c when collisions[k] >=
 * ESTIMATE_MIN_PAIRS and P(X >= collisions[k]) < alpha / candidates, X what collisions[k]
 * would be if g_k told nothing beyond g_c: mean q collisions[c], q = pairs[k] / pairs[c], and
 * the variance of pairs that share rows (lowbits_null_variance); its tail the larger of a
 * binomial's with collisions[c] trials at q, scaled to that variance, and a chi-square's with
 * lowbits_null_degrees, matched in mean and variance. Comparing each k with the
 * current choice, not the lowest H_k with no conditioning, keeps a finer and noisier k from
 * winning on noise alone. Fills low_bits, bits, ci_low, ci_high from k_first, k_last,
 * pairs and collisions. lowbits_choose is lowbits_choose_at_level(e, LOWBITS_ALPHA). */
void lowbits_choose_at_level(struct lowbits_estimate *e, double alpha);

/* The variance of collisions[k] if g_k told nothing beyond g_c (c < k): the pairs that agree
 * on g_c and on D are collisions[c] trials at q = pairs[k] / pairs[c], binomial, but two of
 * them that share a row agree on g_k together with probability t = triples[k] / triples[c],
 * not q^2, when B's low bits are not uniform. There are 3 collision_triples[c] such couples
 * of pairs, so
 *     var = collisions[c] q (1 - q) + 6 collision_triples[c] (t - q^2),
 * the second term at least 0. Without it a large group of equal D (a D that is mostly one
 * value) over a skewed B made a k win in most runs where none told anything. */
double lowbits_null_variance(const struct lowbits_estimate *e, int k, int c);

/* The degrees of freedom of the same null seen as a sum of chi-squares: within a group of m
 * rows of equal D (and g_c), the pairs that agree on g_k are m / (2 r) chi-square with r - 1
 * degrees, r = 1 / q classes. Summed with weights m over the groups (Satterthwaite):
 *     nu = (1 / q - 1) R^2 / (2 collisions[c] + R),  R = collision_rows[c],
 * at least 1. Few large groups (D of a few values) give few degrees and a long tail, which
 * the binomial misses: with D of two values and one candidate a k won in 0.8 % of runs at
 * level 0.001. */
double lowbits_null_degrees(const struct lowbits_estimate *e, int k, int c);
void lowbits_choose(struct lowbits_estimate *e);

#endif
