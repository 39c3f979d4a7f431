#include "lowbits.h"

#include <math.h>
#include <string.h>

#include "estimate.h"
#include "radix.h"
#include "stats.h"

enum { INSERTION_MAX = 32 }; /* runs up to this long are sorted in place, not by radix */

uint64_t lowbits_key(uint64_t v)
{
	v = __builtin_bswap64(v);
	v = (v & 0x0f0f0f0f0f0f0f0fULL) << 4 | ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL);
	v = (v & 0x3333333333333333ULL) << 2 | ((v >> 2) & 0x3333333333333333ULL);
	v = (v & 0x5555555555555555ULL) << 1 | ((v >> 1) & 0x5555555555555555ULL);
	return v & ~(UINT64_MAX >> LOWBITS_MAX);
}

/* Low bits two keys share: their common leading bits, all LOWBITS_MAX when equal. */
static int shared_bits(uint64_t x, uint64_t y)
{
	return x == y ? LOWBITS_MAX : __builtin_clzll(x ^ y);
}

static void insertion_sort(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Pair (i < j) of sorted keys shares m = min(l_i .. l_{j-1}) low bits, l_t = shared_bits
 * of keys t and t + 1. The stack holds, per distinct minimum m, how many starts i have it
 * for the current j; each entry is added to exact[m] once per j, lazily, when it is popped. */
static void count_sorted(const uint64_t *key, size_t n, struct lowbits_histogram *h)
{
	struct {
		int bits;
		uint64_t starts, since;
	} stack[LOWBITS_MAX + 1];
	int top = 0;

	for (size_t j = 1; j < n; j++) {
		int l = shared_bits(key[j - 1], key[j]);
		uint64_t starts = 1;
		while (top > 0 && stack[top - 1].bits >= l) {
			top--;
			h->exact[stack[top].bits] += stack[top].starts * (j - stack[top].since);
			starts += stack[top].starts;
		}
		stack[top].bits = l; /* the minima on the stack rise strictly: at most LOWBITS_MAX + 1 */
		stack[top].starts = starts;
		stack[top++].since = j;
	}
	while (top > 0) {
		top--;
		h->exact[stack[top].bits] += stack[top].starts * (n - stack[top].since);
	}
}

static double choose3(double s)
{
	return s * (s - 1) * (s - 2) / 6;
}

/* Triples and paired keys of n >= 2 sorted keys by the low bits they share: for each k,
 * the keys that share k or more are the runs where neighbours do. One pass: where
 * neighbours share l bits, the runs of every level above l end and new ones start, so the
 * work is the number of runs, not n times the levels. */
static void count_runs(const uint64_t *key, size_t n, struct lowbits_histogram *h)
{
	size_t start[LOWBITS_MAX + 1] = { 0 };

	h->triples[0] += choose3((double)n);
	h->paired[0] += (double)n;
	for (size_t t = 1; t <= n; t++) {
		int l = t < n ? shared_bits(key[t - 1], key[t]) : 0; /* the end closes every run */
		for (int k = l + 1; k <= LOWBITS_MAX; k++) {
			size_t run = t - start[k];
			if (run >= 2) {
				h->paired[k] += (double)run;
				h->triples[k] += choose3((double)run);
			}
			start[k] = t;
		}
	}
}

void lowbits_count(uint64_t *keys, size_t n, uint64_t *tmp, struct lowbits_histogram *h)
{
	if (n < 2)
		return;
	if (n == 2) { /* most runs of equal D: no sort, no stack */
		int m = shared_bits(keys[0], keys[1]);
		h->exact[m]++;
		for (int k = 0; k <= m; k++)
			h->paired[k] += 2;
		return;
	}
	if (n <= INSERTION_MAX)
		insertion_sort(keys, n);
	else
		radix_sort_u64(keys, tmp, n, NULL);
	count_sorted(keys, n, h);
	count_runs(keys, n, h);
}

void lowbits_at_least(const struct lowbits_histogram *h, uint64_t *at_least)
{
	uint64_t sum = 0;

	for (int k = LOWBITS_MAX; k >= 0; k--)
		at_least[k] = sum += h->exact[k];
}

/* Candidates from the bits that vary: B mod 2^k for alignment < k <= min(highest + 1, max). */
static void candidates(uint64_t varying, struct lowbits_estimate *e)
{
	e->k_first = varying ? __builtin_ctzll(varying) + 1 : 1;
	e->k_last = varying ? 64 - __builtin_clzll(varying) : 0;
	if (e->k_last > LOWBITS_MAX)
		e->k_last = LOWBITS_MAX;
}

double lowbits_null_variance(const struct lowbits_estimate *e, int k, int c)
{
	double q = (double)e->pairs[k] / (double)e->pairs[c], n = (double)e->collisions[c];
	double t = e->triples[c] > 0 ? e->triples[k] / e->triples[c] : q * q;

	return n * q * (1 - q) + fmax(0, 6 * e->collision_triples[c] * (t - q * q));
}

double lowbits_null_degrees(const struct lowbits_estimate *e, int k, int c)
{
	double q = (double)e->pairs[k] / (double)e->pairs[c], rows = e->collision_rows[c];
	double n = (double)e->collisions[c];

	return n > 0 ? fmax(1, (1 / q - 1) * rows * rows / (2 * n + rows)) : 1;
}

/* 1 when collisions[k] is too many for g_k to tell nothing beyond g_c. z is its distance
 * above the null mean in null sd (lowbits_null_variance). The tail is the larger of two:
 * a binomial's with collisions[c] trials at q, counts and trials divided by phi = null
 * variance / binomial variance (the same z), and a chi-square's with nu degrees
 * (lowbits_null_degrees) at nu + z sqrt(2 nu). Shortcuts spare the tails' series where
 * they are slow: within 2 sd (z <= 2) the tail is above 0.01 for a binomial of 10 or more
 * (at least e^-4, or the normal's 0.023 once nq >= 5) and for a chi-square of 1 or more
 * degrees (0.023 to 0.05), never below level (<= 0.001); beyond 10 sd with nu >= 100 and a
 * scaled count seen / phi of 10 or more both are below 1e-8, below any level with up to 24
 * candidates (a smaller scaled count has a heavier tail: computed). */
static int significant(const struct lowbits_estimate *e, int k, int c, double level)
{
	double q = (double)e->pairs[k] / (double)e->pairs[c], n = (double)e->collisions[c];
	double seen = (double)e->collisions[k], expected = q * n, binomial = expected * (1 - q);
	double phi, z, nu;

	if (e->collisions[k] < ESTIMATE_MIN_PAIRS || q >= 1 || binomial <= 0)
		return 0;
	phi = lowbits_null_variance(e, k, c) / binomial;
	z = (seen - expected) / sqrt(binomial * phi);
	nu = lowbits_null_degrees(e, k, c);
	if (z <= 2)
		return 0;
	if (z > 10 && nu >= 100 && seen / phi >= ESTIMATE_MIN_PAIRS)
		return 1;
	return stats_binomial_sf(seen / phi, n / phi, q) < level && stats_chi2_sf(nu + z * sqrt(2 * nu), nu) < level;
}

void lowbits_choose_at_level(struct lowbits_estimate *e, double alpha)
{
	int c = 0, candidates = e->k_last - e->k_first + 1;

	for (int k = e->k_first; k <= e->k_last; k++)
		if (significant(e, k, c, alpha / candidates))
			c = k;
	e->low_bits = c ? c : -1;
	e->bits = e->ci_low = e->ci_high = NAN;
	if (c) {
		double pairs = (double)e->pairs[c], hits = (double)e->collisions[c];
		e->bits = fmax(0, log2(pairs / hits));
		e->ci_low = fmax(0, log2(pairs / stats_poisson_upper(hits, 0.025)));
		e->ci_high = fmax(0, log2(pairs / stats_poisson_lower(hits, 0.025)));
	}
}

void lowbits_choose(struct lowbits_estimate *e)
{
	lowbits_choose_at_level(e, LOWBITS_ALPHA);
}

/* The pairs of one run of equal D (records: key D, value A), by the low bits of B = A - D
 * they share (into dg_b) and by those of A (into dg_a). keys and tmp: room for n each. */
static void run_pairs(const struct radix_record *run, size_t n, uint64_t *keys, uint64_t *tmp,
		      struct lowbits_histogram *dg_a, struct lowbits_histogram *dg_b)
{
	for (size_t i = 0; i < n; i++)
		keys[i] = lowbits_key(run[i].value - run[i].key);
	lowbits_count(keys, n, tmp, dg_b);
	for (size_t i = 0; i < n; i++)
		keys[i] = lowbits_key(run[i].value);
	lowbits_count(keys, n, tmp, dg_a);
}

/* Pairs of the n values of v by the low bits they share; keys: room for 2n. */
static void shared_pairs(const uint64_t *v, size_t n, uint64_t *keys, struct lowbits_histogram *h)
{
	*h = (struct lowbits_histogram){ { 0 }, { 0 }, { 0 } };
	for (size_t i = 0; i < n; i++)
		keys[i] = lowbits_key(v[i]);
	lowbits_count(keys, n, keys + n, h);
}

static void finish(struct lowbits_estimate *e, uint64_t varying, const struct lowbits_histogram *g,
		   const struct lowbits_histogram *dg)
{
	candidates(varying, e);
	lowbits_at_least(g, e->pairs);
	lowbits_at_least(dg, e->collisions);
	memcpy(e->triples, g->triples, sizeof(e->triples));
	memcpy(e->collision_triples, dg->triples, sizeof(e->collision_triples));
	memcpy(e->collision_rows, dg->paired, sizeof(e->collision_rows));
	lowbits_choose(e);
}

static size_t slot(uint64_t d, int bits)
{
	return (size_t)((d * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

/* The records (D = a - b, a) of the rows whose D may be another row's: a row alone in its
 * slot of a hash of D has a D no other row has, so it is in no pair and need not be
 * sorted. table: n / 2 words, 2 bits (seen, seen again) for each of 2^bits slots, 8n <=
 * 2^bits <= 16n (a table that stays in cache), so at most 1/8 of the lone rows are kept by
 * chance. Returns how many records. */
static size_t colliding_records(const uint64_t *a, const uint64_t *b, size_t n, uint64_t *table,
				struct radix_record *rec)
{
	int bits = n >= 32 ? 63 - __builtin_clzll((uint64_t)n * 16) : 0;
	size_t words = bits ? (size_t)1 << (bits - 5) : 0, kept = 0; /* 32 slots a word: <= n / 2 */

	memset(table, 0, words * sizeof(*table));
	for (size_t i = 0; i < n && bits; i++) {
		size_t h = slot(a[i] - b[i], bits);
		uint64_t *word = &table[h / 32], seen = UINT64_C(1) << (2 * (h % 32));
		*word |= (*word & seen) << 1 | seen;
	}
	for (size_t i = 0; i < n; i++) {
		size_t h = bits ? slot(a[i] - b[i], bits) : 0;
		if (!bits || (table[h / 32] >> (2 * (h % 32) + 1) & 1)) {
			rec[kept].key = a[i] - b[i];
			rec[kept++].value = a[i];
		}
	}
	return kept;
}

void lowbits_estimate_pair(const uint64_t *a, const uint64_t *b, size_t n,
			   const struct lowbits_histogram *shared_a, const struct lowbits_histogram *shared_b,
			   uint64_t *work, struct lowbits_estimate *ab, struct lowbits_estimate *ba)
{
	struct radix_record *rec = (struct radix_record *)work, *tmp = rec + n;
	struct lowbits_histogram g_a, g_b, dg_a = { { 0 }, { 0 }, { 0 } }, dg_b = { { 0 }, { 0 }, { 0 } };
	uint64_t or_a = 0, and_a = UINT64_MAX, or_b = 0, and_b = UINT64_MAX;
	size_t kept;
	int constant;

	if (!shared_a)
		shared_pairs(a, n, work, &g_a);
	if (!shared_b)
		shared_pairs(b, n, work, &g_b);
	shared_a = shared_a ? shared_a : &g_a;
	shared_b = shared_b ? shared_b : &g_b;
	for (size_t i = 0; i < n; i++) {
		or_a |= a[i], and_a &= a[i];
		or_b |= b[i], and_b &= b[i];
	}
	kept = colliding_records(a, b, n, work + 4 * n, rec);
	radix_sort_records(rec, tmp, kept);
	constant = kept == n && rec[0].key == rec[n - 1].key;
	if (constant) { /* every pair collides: no need to sort the low bits again */
		dg_a = *shared_a;
		dg_b = *shared_b;
	}
	for (size_t i = 0, j; i < kept && !constant; i = j) {
		for (j = i + 1; j < kept && rec[j].key == rec[i].key; j++)
			;
		if (j - i >= 2)
			run_pairs(rec + i, j - i, (uint64_t *)tmp, (uint64_t *)tmp + n, &dg_a, &dg_b);
	}
	finish(ab, or_b ^ and_b, shared_b, &dg_b);
	finish(ba, or_a ^ and_a, shared_a, &dg_a);
}
