/* The leak matrix on synthetic regions with known relations: constant offsets leave
 * 0 bits, an 8-bit offset leaves 8 both ways, an independent region cannot tell more
 * than A's own bits; differences that straddle zero are read on the circle. H(A|B) is
 * not symmetric: a region placed by rounding another down to 2 MiB is given away by
 * it (0 bits) but leaves it 9; a stack pointer's low bits give away all but one bit of
 * the sub-page offset between it and argv, argv gives away none of it. Missing cells
 * (0 in a region that is nonzero elsewhere) are left out of a pair; an absent region
 * (0 everywhere) claims nothing. Choosing the low bits does not drift on independent
 * offsets (a simulation over many seeds). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "conditional.h"
#include "estimate.h"
#include "lowbits.h"
#include "rng.h"
#include "samples.h"
#include "stats.h"
#include "summary.h"

#define ROWS 20000

struct fixture {
	struct sample_table table;
	struct analysis analysis;
	char *csv;
};

/* a: 20 page bits; b = a + 0x5000 (constant); c = a + 8 random page bits;
 * d: 12 bits independent of a; e = a +- up to 15 pages (straddles zero);
 * m: 28 page bits (an mmap base); h = (m - 4 MiB) rounded down to 2 MiB (a THP-aligned
 * mapping); v = top + 0xf9c with top 22 random page bits (argv); t = v - 0x1350 - 16 U,
 * U uniform on 0..511 (the stack: an 8 KiB sub-page offset in 16-byte steps);
 * x = a XOR 0x3000; z = h with every 10th cell missing (0); o absent (0 everywhere);
 * s = m in 15 rows only (too few samples for any claim), missing elsewhere. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rng r = { 11 };
	struct aslr_error err;
	size_t len = 0;

	f->csv = malloc((size_t)ROWS * 240 + 64);
	len += (size_t)sprintf(f->csv, "mode,a,b,c,d,e,m,h,t,v,x,z,o,s\n");
	for (int i = 0; i < ROWS; i++) {
		uint64_t a = 0x7f0000000000ULL + (rng_below(&r, 1 << 20) << 12);
		uint64_t c = a + (rng_below(&r, 256) << 12);
		uint64_t d = 0x550000000000ULL + (rng_below(&r, 1 << 12) << 12);
		uint64_t e = a + (rng_below(&r, 31) << 12) - (15 << 12);
		uint64_t m = 0x7f0000000000ULL - (rng_below(&r, 1 << 28) << 12);
		uint64_t h = (m - 0x400000) & ~(uint64_t)0x1fffff;
		uint64_t v = 0x7ff000000000ULL - (rng_below(&r, 1 << 22) << 12) + 0xf9c;
		uint64_t t = v - 0x1350 - (rng_below(&r, 512) << 4);
		len += (size_t)sprintf(f->csv + len, "2,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,"
				       "0x%llx,0x%llx,0x%llx,0,0x%llx\n",
				       (unsigned long long)a, (unsigned long long)(a + 0x5000),
				       (unsigned long long)c, (unsigned long long)d, (unsigned long long)e,
				       (unsigned long long)m, (unsigned long long)h, (unsigned long long)t,
				       (unsigned long long)v, (unsigned long long)(a ^ 0x3000),
				       (unsigned long long)(i % 10 ? h : 0), (unsigned long long)(i < 15 ? m : 0));
	}
	if (samples_load_buffer(&f->table, "mem", f->csv, len, &err) < 0 ||
	    analysis_compute(&f->analysis, &f->table, &err) < 0 || conditional_compute(&f->analysis, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	analysis_free(&f->analysis);
	samples_free(&f->table);
	free(f->csv);
	free(f);
	return 0;
}

enum { A, B, C, D, E, M, H, T, V, X, Z, O, S };

static void assert_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.4f, theory %.4f, tolerance %.4f", what, got, want, tol);
}

/* 4 standard deviations of a collision estimate from about `pairs` colliding pairs, in bits. */
static double four_sd(double pairs)
{
	return 4 / (sqrt(pairs) * M_LN2);
}

static double all_pairs(void)
{
	return (double)ROWS * (ROWS - 1) / 2;
}

static void test_constant_offset_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	int cluster[SAMPLES_MAX_COLUMNS];

	assert_true(conditional_bits(&f->analysis, 0, A, B, NULL) == 0);
	assert_true(conditional_bits(&f->analysis, 0, B, A, NULL) == 0);
	assert_int_equal(conditional_pair(&f->analysis, 0, A, B)->kind, KIND_CONSTANT);
	blocks_clusters(f->analysis.series[0].series, f->analysis.series[0].region, f->table.region_count, cluster);
	assert_int_equal(cluster[B], A);
	assert_int_equal(cluster[C], C);
}

static json_t *cell(json_t *matrix, const char *a, const char *b, const char *field)
{
	return json_object_get(json_object_get(json_object_get(matrix, a), b), field);
}

/* The matrix as summary.json writes it: series[0].conditional. */
static void test_matrix_json(void **state)
{
	struct fixture *f = *state;
	json_t *doc = summary_to_json(&f->analysis, NULL);
	json_t *m = json_object_get(json_array_get(json_object_get(doc, "series"), 0), "conditional");

	/* a constant offset is not an absent region; o is */
	assert_true(json_is_false(cell(m, "a", "b", "absent")));
	assert_true(json_is_true(cell(m, "m", "o", "absent")));
	/* h given m: 0 bits from m mod 2^21; h - m keeps its 9 bits as the upper bound */
	assert_true(json_real_value(cell(m, "h", "m", "estimate_bits")) == 0);
	assert_string_equal(json_string_value(cell(m, "h", "m", "estimate_source")), "low_bits");
	assert_int_equal(json_integer_value(cell(m, "h", "m", "given_low_bits")), 21);
	assert_true(json_integer_value(cell(m, "h", "m", "given_pairs")) ==
		    json_integer_value(cell(m, "h", "m", "given_collisions")));
	assert_true(json_is_array(cell(m, "h", "m", "conditional_ci")));
	assert_near(json_real_value(cell(m, "h", "m", "difference_bits")), 9, four_sd(all_pairs() / 512),
		    "difference_bits of h given m");
	assert_string_equal(json_string_value(cell(m, "h", "m", "difference_kind")), "collision");
	/* c given a: no low bits tell, the difference stands */
	assert_true(json_is_null(cell(m, "c", "a", "given_low_bits")));
	assert_true(json_is_null(cell(m, "c", "a", "conditional_bits")));
	assert_string_equal(json_string_value(cell(m, "c", "a", "estimate_source")), "difference");
	/* too few rows in common: no difference headline, m's own bits */
	assert_true(json_is_null(cell(m, "m", "s", "difference_bits")));
	assert_string_equal(json_string_value(cell(m, "m", "s", "estimate_source")), "own");
	/* d given a: d's own 12 bits */
	assert_string_equal(json_string_value(cell(m, "d", "a", "estimate_source")), "own");
	assert_true(json_is_true(cell(m, "d", "a", "capped_by_own_estimate")));
	json_decref(doc);
}

static void test_eight_bit_offset(void **state)
{
	struct fixture *f = *state;
	/* D uniform on 256 pages: H2 = 8; E[pairs] = C(N,2)/256, tolerance 4 sd in bits */
	double pairs = (double)ROWS * (ROWS - 1) / 2 / 256;
	const struct region_estimate *d = conditional_pair(&f->analysis, 0, C, A);

	assert_int_equal(d->kind, KIND_COLLISION);
	assert_near(d->collision_bits, 8, 4 / (sqrt(pairs) * M_LN2), "H2(C - A)");
	/* all 256 values seen: span 255, times the range's sample-size correction (N+1)/(N-1) */
	assert_near(d->range_bits, log2(255.0 * (ROWS + 1) / (ROWS - 1) + 1), 1e-9, "range(C - A)");
	assert_int_equal(d->alignment_bit, 12);
	assert_near(conditional_bits(&f->analysis, 0, C, A, NULL), d->collision_bits, 0, "C given A");
}

static void test_independent_is_capped_by_own(void **state)
{
	struct fixture *f = *state;
	int capped;
	double own = f->analysis.series[0].region[D].estimate_bits;
	double left = conditional_bits(&f->analysis, 0, D, A, &capped);

	/* D has 12 bits, A 20: D - A has at least 20, so knowing A leaves D's own 12 */
	assert_true(capped);
	assert_near(left, own, 0, "D given A");
	assert_near(own, 12, 0.1, "D's own bits");
	assert_true(conditional_pair(&f->analysis, 0, D, A)->estimate_bits > 19);
}

static void test_difference_straddling_zero(void **state)
{
	struct fixture *f = *state;
	const struct region_estimate *d = conditional_pair(&f->analysis, 0, E, A);

	/* E - A takes 31 page values from -15 to +15: log2(31), never a 64-bit range */
	assert_near(d->range_bits, log2(30.0 * (ROWS + 1) / (ROWS - 1) + 1), 1e-9, "range(E - A)");
	assert_int_equal(d->alignment_bit, 12);
	assert_int_equal(d->highest_bit, 16);
	assert_near(d->collision_bits, log2(31), 0.05, "H2(E - A)");
}

/* The headline of A given B is theory within 4 sd of the pairs it rests on: those of the
 * chosen low bits, else those of A - B. */
static void assert_leak(struct fixture *f, unsigned a, unsigned b, double want, const char *what)
{
	struct leak_estimate leak;
	double pairs;

	conditional_leak(&f->analysis, 0, a, b, &leak);
	pairs = leak.source == LEAK_FROM_LOW_BITS ? (double)leak.given->collisions[leak.given->low_bits]
						  : (double)leak.difference->collision_pairs;
	assert_near(leak.bits, want, four_sd(pairs), what);
}

static void test_rounding_to_2m(void **state)
{
	struct fixture *f = *state;
	struct leak_estimate leak;

	/* h - m = -4 MiB - ((m - 4 MiB) mod 2 MiB): a function of m's low 21 bits, so every
	 * pair that agrees on them agrees on h - m, C(N,2) / 2^9 of them; m - h is those 9 page
	 * bits, independent of h's bits from 21 up. */
	conditional_leak(&f->analysis, 0, H, M, &leak);
	assert_int_equal(leak.source, LEAK_FROM_LOW_BITS);
	assert_int_equal(leak.given->low_bits, 21);
	assert_true(leak.bits == 0);
	assert_true(leak.given->collisions[21] == leak.given->pairs[21]);
	assert_near((double)leak.given->pairs[21], all_pairs() / 512, 4 * sqrt(all_pairs() / 512), "pairs at k = 21");
	assert_near(leak.difference->estimate_bits, 9, four_sd(all_pairs() / 512), "H(h - m): the upper bound");
	assert_leak(f, M, H, 9, "m given h");
}

static void test_sub_page_offset(void **state)
{
	struct fixture *f = *state;
	struct leak_estimate leak;

	/* v - t = 0x1350 + 16 U. t's low 12 bits are (const - 16 U) mod 4096: they give U mod
	 * 256 away, and U's bit 8 is left (1 bit); fewer low bits leave 13 - k, more tell
	 * nothing more. v's low bits are top's, independent of U: 9 bits. */
	conditional_leak(&f->analysis, 0, V, T, &leak);
	assert_int_equal(leak.source, LEAK_FROM_LOW_BITS);
	assert_true(leak.given->low_bits >= 12);
	assert_leak(f, V, T, 1, "argv given stack");
	assert_leak(f, T, V, 9, "stack given argv");
}

static void test_xor_with_a_constant(void **state)
{
	struct fixture *f = *state;
	struct leak_estimate leak;

	/* x - a = 0x1000 (2 w - 3), w = x's bits 12-13 read as 0..3: the difference has 2
	 * bits, but either side's low 14 bits fix it (13 bits leave 1). */
	for (int dir = 0; dir < 2; dir++) {
		conditional_leak(&f->analysis, 0, dir ? A : X, dir ? X : A, &leak);
		assert_int_equal(leak.given->low_bits, 14);
		assert_true(leak.bits == 0);
		assert_near(leak.difference->collision_bits, 2, four_sd(all_pairs() / 4), "H2(x - a): the upper bound");
	}
}

static void test_independent_offset_both_ways(void **state)
{
	struct fixture *f = *state;

	/* c = a + 8 random page bits: a's low bits are uniform and independent of the offset,
	 * and so are c's, so neither side tells anything about it: 8 bits both ways. */
	assert_leak(f, C, A, 8, "c given a");
	assert_leak(f, A, C, 8, "a given c");
}

static void test_missing_cells_are_left_out(void **state)
{
	struct fixture *f = *state;
	struct leak_estimate leak;
	double kept = ROWS - ROWS / 10;

	/* z is h where present: the pairs use the 9 rows in 10 that have z, where m still
	 * fixes z exactly; a 0 read as an address would break that. */
	conditional_leak(&f->analysis, 0, Z, M, &leak);
	assert_int_equal(leak.difference->samples, (uint64_t)kept);
	assert_int_equal(leak.given->low_bits, 21);
	assert_true(leak.bits == 0);
	assert_leak(f, M, Z, 9, "m given z");
	/* o is absent: nothing varies, nothing is conditioned on it, no claim either way:
	 * m - o is m itself, and m keeps its 28 bits (upper bounds at N = 20000, no pairs) */
	conditional_leak(&f->analysis, 0, M, O, &leak);
	assert_true(leak.given->low_bits < 0);
	assert_near(leak.bits, 28, 0.01, "m given an absent region");
	/* s has 15 samples, under ESTIMATE_MIN_SAMPLES: s given m is as insufficient as s, and
	 * m given s falls back to m's own bits (m - s has 15 rows too) */
	conditional_leak(&f->analysis, 0, S, M, &leak);
	assert_true(isnan(leak.bits) && leak.kind == KIND_INSUFFICIENT);
	assert_int_equal(conditional_best_leak(&f->analysis, 0, S, &leak.bits), -1);
	conditional_leak(&f->analysis, 0, M, S, &leak);
	assert_true(leak.source == LEAK_FROM_OWN && leak.bits == f->analysis.series[0].region[M].estimate_bits);
	assert_true(conditional_bits(&f->analysis, 0, O, M, NULL) == 0);
}

/* Low bits v and w share, at most LOWBITS_MAX. */
static int shared_low_bits(uint64_t v, uint64_t w)
{
	int m = 0;

	while (m < LOWBITS_MAX && ((v ^ w) >> m & 1) == 0)
		m++;
	return m;
}

/* want->triples and ->paired of v[0..n) one triple and one value at a time: a triple shares
 * k bits when two of its pairs do (sharing k bits is an equivalence). */
static void triples_by_brute_force(const uint64_t *v, size_t n, struct lowbits_histogram *want)
{
	for (size_t i = 0; i < n; i++) {
		int most = -1;
		for (size_t j = 0; j < n; j++)
			if (j != i && shared_low_bits(v[i], v[j]) > most)
				most = shared_low_bits(v[i], v[j]);
		for (int k = 0; k <= most; k++)
			want->paired[k]++;
		for (size_t j = i + 1; j < n; j++)
			for (size_t l = j + 1; l < n; l++) {
				int m = shared_low_bits(v[i], v[j]) < shared_low_bits(v[i], v[l]) ? shared_low_bits(v[i], v[j])
												: shared_low_bits(v[i], v[l]);
				for (int k = 0; k <= m; k++)
					want->triples[k]++;
			}
	}
}

/* lowbits_count against counting every pair's shared low bits one by one (and, up to 120
 * values, every triple's and value's). */
static void test_shared_low_bits_against_brute_force(void **state)
{
	enum { MOST = 300, MOST_TRIPLES = 120 };
	uint64_t v[MOST], keys[MOST], tmp[MOST];
	struct rng r = { 5 };

	(void)state;
	for (size_t n = 1; n <= MOST; n += 23) {
		struct lowbits_histogram got = { { 0 }, { 0 }, { 0 } }, want = { { 0 }, { 0 }, { 0 } };
		for (size_t i = 0; i < n; i++) {
			v[i] = rng_below(&r, 1 << 7) << (rng_below(&r, 3) * 9); /* many shared low bits */
			keys[i] = lowbits_key(v[i]);
		}
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++) {
				int m = 0;
				while (m < LOWBITS_MAX && ((v[i] ^ v[j]) >> m & 1) == 0)
					m++;
				want.exact[m]++;
			}
		lowbits_count(keys, n, tmp, &got);
		for (int m = 0; m <= LOWBITS_MAX; m++)
			assert_int_equal(got.exact[m], want.exact[m]);
		if (n > MOST_TRIPLES)
			continue;
		triples_by_brute_force(v, n, &want);
		for (int k = 0; k <= LOWBITS_MAX; k++) {
			assert_true(got.triples[k] == want.triples[k]);
			assert_true(got.paired[k] == want.paired[k]);
		}
	}
}

/* The triples and rows behind the null's variance and degrees, against brute force: rows of
 * equal D grouped, then B's low bits within each group. */
static void test_collision_triples_against_brute_force(void **state)
{
	enum { N = 90 };
	uint64_t a[N], b[N], *work = malloc(5 * N * sizeof(*work));
	struct rng r = { 23 };

	(void)state;
	for (uint64_t spread = 1; spread <= 64; spread *= 4) {
		struct lowbits_estimate ab, ba;
		struct lowbits_histogram want = { { 0 }, { 0 }, { 0 } };
		uint64_t group[N];
		int done[N] = { 0 };
		for (size_t i = 0; i < N; i++) {
			b[i] = 0x7f0000000000ULL + (rng_below(&r, 1 << 6) << rng_below(&r, 14));
			a[i] = b[i] + (rng_below(&r, spread) << 12);
		}
		lowbits_estimate_pair(a, b, N, NULL, NULL, work, &ab, &ba);
		for (size_t i = 0; i < N; i++) { /* each group of equal D, once */
			size_t m = 0;
			if (done[i])
				continue;
			for (size_t j = i; j < N; j++)
				if (a[j] - b[j] == a[i] - b[i]) {
					done[j] = 1;
					group[m++] = b[j];
				}
			if (m >= 2)
				triples_by_brute_force(group, m, &want);
		}
		for (int k = 0; k <= LOWBITS_MAX; k++) {
			assert_true(ab.collision_triples[k] == want.triples[k]);
			assert_true(ab.collision_rows[k] == want.paired[k]);
		}
	}
	free(work);
}

/* lowbits_estimate_pair's pair counts against comparing every pair of rows: D = a - b
 * takes a few values (long runs) or many (runs of one or two), the low bits repeat. */
static void test_pair_counts_against_brute_force(void **state)
{
	enum { N = 400 };
	uint64_t a[N], b[N], *work = malloc(5 * N * sizeof(*work));
	struct rng r = { 17 };

	(void)state;
	for (uint64_t spread = 1; spread <= 4096; spread *= 8) { /* 1: D constant */
		struct lowbits_estimate ab, ba;
		for (size_t i = 0; i < N; i++) {
			b[i] = 0x7f0000000000ULL + (rng_below(&r, 1 << 9) << rng_below(&r, 14));
			a[i] = b[i] + (rng_below(&r, spread) << 12);
		}
		lowbits_estimate_pair(a, b, N, NULL, NULL, work, &ab, &ba);
		for (int k = 0; k <= LOWBITS_MAX; k++) {
			uint64_t mask = k ? UINT64_MAX >> (64 - k) : 0, pairs_b = 0, pairs_a = 0, hits_b = 0, hits_a = 0;
			for (size_t i = 0; i < N; i++)
				for (size_t j = i + 1; j < N; j++) {
					int same_d = a[i] - b[i] == a[j] - b[j];
					pairs_b += ((b[i] ^ b[j]) & mask) == 0;
					pairs_a += ((a[i] ^ a[j]) & mask) == 0;
					hits_b += same_d && ((b[i] ^ b[j]) & mask) == 0;
					hits_a += same_d && ((a[i] ^ a[j]) & mask) == 0;
				}
			assert_int_equal(ab.pairs[k], pairs_b);
			assert_int_equal(ab.collisions[k], hits_b);
			assert_int_equal(ba.pairs[k], pairs_a);
			assert_int_equal(ba.collisions[k], hits_a);
		}
	}
	free(work);
}

/* Selection without drift. A = B + a 16-bit page offset independent of B, B either
 * page-granular with 28 bits (heap given text in mode 2, 12 candidates) or a stack
 * pointer (22 page bits, a 9-bit 16-byte sub-page offset: 20 candidates). Neither side's
 * low bits tell anything about the offset, so H(A|B) = H(B|A) = H(A - B) = 16. Over
 * many seeds the chosen number must stay within the 95 % interval of H(A - B) (it is
 * H(A - B) unless a k wins, which noise does in at most LOWBITS_ALPHA = 0.1 % of runs:
 * at most 1 of the 4 x SEEDS = 1000 expected, 6 or more with p < 0.001), and must not
 * drift by 0.1 bit on average. The naive
 * minimum of H_k over k (>= ESTIMATE_MIN_PAIRS collisions) is printed beside it. */
struct drift {
	unsigned runs, inside, naive_inside;
	double drift, naive_drift;
};

static double naive_minimum(const struct lowbits_estimate *e)
{
	double best = log2((double)e->pairs[0] / (double)e->collisions[0]);

	for (int k = e->k_first; k <= e->k_last; k++)
		if (e->collisions[k] >= ESTIMATE_MIN_PAIRS)
			best = fmin(best, log2((double)e->pairs[k] / (double)e->collisions[k]));
	return best;
}

static void add_run(struct drift *d, const struct lowbits_estimate *e)
{
	double pairs = (double)e->pairs[0], hits = (double)e->collisions[0];
	double plain = log2(pairs / hits), chosen = e->low_bits < 0 ? plain : e->bits, naive = naive_minimum(e);
	double low = log2(pairs / stats_poisson_upper(hits, 0.025)), high = log2(pairs / stats_poisson_lower(hits, 0.025));

	d->runs++;
	d->inside += chosen >= low && chosen <= high;
	d->naive_inside += naive >= low && naive <= high;
	d->drift += chosen - plain;
	d->naive_drift += naive - plain;
}

static void test_no_drift_on_independent_offsets(void **state)
{
	enum { SIM_ROWS = 5000, SEEDS = 250 };
	uint64_t *a = malloc(SIM_ROWS * sizeof(*a)), *b = malloc(SIM_ROWS * sizeof(*b));
	uint64_t *work = malloc(5 * SIM_ROWS * sizeof(*work));
	struct drift all = { 0 };

	(void)state;
	for (int stack = 0; stack < 2; stack++) {
		struct drift d = { 0 };
		for (uint64_t seed = 1; seed <= SEEDS; seed++) {
			struct rng r = { seed * 7919 + (uint64_t)stack };
			struct lowbits_estimate ab, ba;
			for (size_t i = 0; i < SIM_ROWS; i++) {
				b[i] = stack ? 0x7ff000000000ULL - (rng_below(&r, 1 << 22) << 12) - (rng_below(&r, 512) << 4)
					     : 0x555555554000ULL + (rng_below(&r, 1 << 28) << 12);
				a[i] = b[i] + (rng_below(&r, 1 << 16) << 12);
			}
			lowbits_estimate_pair(a, b, SIM_ROWS, NULL, NULL, work, &ab, &ba);
			add_run(&d, &ab);
			add_run(&d, &ba);
		}
		print_message("%s: chosen inside the 95 %% interval of H(A - B) in %u/%u runs, mean drift %+.3f bit;"
			      " naive min over k: %u/%u, %+.3f bit\n",
			      stack ? "stack-like B (20 candidates)" : "page-granular B (12 candidates)", d.inside,
			      d.runs, d.drift / d.runs, d.naive_inside, d.runs, d.naive_drift / d.runs);
		assert_true(fabs(d.drift / d.runs) < 0.1);
		all.runs += d.runs;
		all.inside += d.inside;
	}
	assert_true(all.inside + 5 >= all.runs);
	free(a);
	free(b);
	free(work);
}

/* Selection without drift where the low bits do tell: argv given the stack pointer
 * (test_sub_page_offset) is 1 bit from 8 low bits of the stack on. Every k from 12 to 24
 * leaves that 1 bit, the finer ones from fewer pairs; the chosen number must average 1
 * within 4 sd of the mean over the seeds (sd of one run from its C(N,2)/512 collisions),
 * not drift down to the luckiest k as the minimum over k does. */
static void test_no_drift_on_a_sub_page_offset(void **state)
{
	enum { SIM_ROWS = 2000, SEEDS = 200 };
	uint64_t *argv = malloc(SIM_ROWS * sizeof(*argv)), *stack = malloc(SIM_ROWS * sizeof(*stack));
	uint64_t *work = malloc(5 * SIM_ROWS * sizeof(*work));
	double sum = 0, naive = 0, sd = 1 / (sqrt((double)SIM_ROWS * (SIM_ROWS - 1) / 2 / 512) * M_LN2);
	unsigned false_wins = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct rng r = { seed * 104729 };
		struct lowbits_estimate ab, ba;
		for (size_t i = 0; i < SIM_ROWS; i++) {
			argv[i] = 0x7ff000000000ULL - (rng_below(&r, 1 << 22) << 12) + 0xf9c;
			stack[i] = argv[i] - 0x1350 - (rng_below(&r, 512) << 4);
		}
		lowbits_estimate_pair(argv, stack, SIM_ROWS, NULL, NULL, work, &ab, &ba);
		assert_true(ab.low_bits >= 12);
		sum += ab.bits;
		naive += naive_minimum(&ab);
		false_wins += ba.low_bits >= 0;
	}
	print_message("argv given stack, N = %d: chosen %.3f bit on average, naive min over k %.3f (theory 1); "
		      "stack given argv: a k won in %u of %d runs (theory: none tells)\n",
		      SIM_ROWS, sum / SEEDS, naive / SEEDS, false_wins, SEEDS);
	assert_near(sum / SEEDS, 1, 4 * sd / sqrt(SEEDS), "mean of argv given stack");
	/* the other way, argv's page bits tell nothing of the sub-page offset: a k may win by
	 * noise in at most LOWBITS_ALPHA = 0.1 % of runs, 0.2 of 200 expected; 4 or more
	 * happen by chance with p < 0.0001 (Poisson) */
	assert_true(false_wins <= 3);
	free(argv);
	free(stack);
	free(work);
}

static void test_best_leak_and_guesses(void **state)
{
	struct fixture *f = *state;
	double left;

	assert_int_equal(conditional_best_leak(&f->analysis, 0, A, &left), B);
	assert_true(left == 0);
	assert_int_equal(conditional_best_leak(&f->analysis, 0, E, &left), A);
	assert_near(left, log2(31), 0.05, "E's best leak");
	assert_near(conditional_guesses(28), exp2(27), 0, "2^(H-1)");
	assert_near(conditional_guesses(0), 1, 0, "at least one guess");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant_offset_leaves_nothing),
		cmocka_unit_test(test_eight_bit_offset),
		cmocka_unit_test(test_independent_is_capped_by_own),
		cmocka_unit_test(test_difference_straddling_zero),
		cmocka_unit_test(test_best_leak_and_guesses),
		cmocka_unit_test(test_rounding_to_2m),
		cmocka_unit_test(test_sub_page_offset),
		cmocka_unit_test(test_xor_with_a_constant),
		cmocka_unit_test(test_independent_offset_both_ways),
		cmocka_unit_test(test_missing_cells_are_left_out),
		cmocka_unit_test(test_matrix_json),
		cmocka_unit_test(test_shared_low_bits_against_brute_force),
		cmocka_unit_test(test_collision_triples_against_brute_force),
		cmocka_unit_test(test_pair_counts_against_brute_force),
		cmocka_unit_test(test_no_drift_on_independent_offsets),
		cmocka_unit_test(test_no_drift_on_a_sub_page_offset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
