/* Counting colliding pairs and triples as values arrive, against counts taken from the
 * sorted values (an independent computation), and the memory it takes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "collision_count.h"
#include "rng.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Pairs, triples and distinct values of v[0..n) from its runs once sorted. */
static void sorted_counts(uint64_t *v, size_t n, uint64_t *pairs, double *triples, uint64_t *distinct)
{
	*pairs = *distinct = 0;
	*triples = 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0, j; i < n; i = j) {
		uint64_t c;
		for (j = i; j < n && v[j] == v[i]; j++)
			;
		c = j - i;
		*pairs += c * (c - 1) / 2;
		*triples += (double)(c * (c - 1) * (c - 2) / 6);
		++*distinct;
	}
}

/* n values of `bits` random bits, page-aligned as addresses are (bits 0: all zero). */
static void check_against_sorted(unsigned bits, size_t n, uint64_t seed)
{
	struct rng r = { seed };
	struct collision_count c;
	uint64_t *v = malloc(n * sizeof(*v)), pairs, distinct;
	double triples;

	collision_count_init(&c);
	for (size_t i = 0; i < n; i++) {
		v[i] = rng_below(&r, UINT64_C(1) << bits) << 12;
		assert_int_equal(collision_count_add(&c, v[i]), 0);
	}
	sorted_counts(v, n, &pairs, &triples, &distinct);
	assert_true(c.samples == n);
	assert_true(c.pairs == pairs);
	assert_true(c.triples == triples);
	assert_true(c.distinct == distinct);
	collision_count_free(&c);
	free(v);
}

static void test_counts_match_sorted(void **state)
{
	(void)state;
	check_against_sorted(0, 1000, 1);      /* one value (0 itself): C(1000, 2) pairs */
	check_against_sorted(4, 5000, 2);      /* 16 values: heavy repeats, the count table grows */
	check_against_sorted(12, 20000, 3);    /* a few repeats each */
	check_against_sorted(30, 100000, 4);   /* nearly all distinct: the set grows to 2^18 */
}

/* 1,000,000 distinct values: the set takes the first power of two at most 3/4 full,
 * 2^21 slots of 8 bytes = 16,777,216 bytes; no value repeats, so no count table. */
static void test_memory_at_a_million(void **state)
{
	struct collision_count c;

	(void)state;
	collision_count_init(&c);
	for (uint64_t i = 1; i <= 1000000; i++)
		assert_int_equal(collision_count_add(&c, i << 12), 0);
	assert_true(c.pairs == 0 && c.distinct == 1000000);
	assert_true(collision_count_bytes(&c) == (UINT64_C(1) << 21) * 8);
	collision_count_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_match_sorted),
		cmocka_unit_test(test_memory_at_a_million),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
