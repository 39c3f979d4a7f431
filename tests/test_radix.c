/* Radix sort against qsort, and its byte histograms against direct counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "radix.h"
#include "rng.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void check(uint64_t *v, size_t n)
{
	uint64_t *expect = malloc(n * sizeof(*v) + 8), *tmp = malloc(n * sizeof(*v) + 8);
	static struct radix_histograms h;

	static size_t direct[8][256];

	memset(direct, 0, sizeof(direct));
	for (size_t i = 0; i < n; i++) /* counted on the input, before any sort */
		for (int b = 0; b < 8; b++)
			direct[b][v[i] >> (8 * b) & 0xff]++;
	memcpy(expect, v, n * sizeof(*v));
	qsort(expect, n, sizeof(*v), cmp_u64);
	radix_sort_u64(v, tmp, n, &h);
	assert_memory_equal(v, expect, n * sizeof(*v));
	assert_memory_equal(h.count, direct, sizeof(direct));
	free(expect);
	free(tmp);
}

static void test_shapes(void **state)
{
	struct rng rng = { 12345 };
	size_t n = 100000;
	uint64_t *v = malloc(n * sizeof(*v));

	(void)state;
	for (size_t i = 0; i < n; i++) /* full 64-bit values */
		v[i] = rng_next(&rng);
	check(v, n);
	for (size_t i = 0; i < n; i++) /* addresses: most bytes constant, many duplicates */
		v[i] = 0x7f0000000000ULL + ((rng_next(&rng) % 4096) << 12);
	check(v, n);
	for (size_t i = 0; i < n; i++) /* all equal */
		v[i] = 42;
	check(v, n);
	check(v, 1);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
