/* u64vec: a growable array of uint64 on mmap/mremap. Growth keeps every value; reserve
 * never shrinks; free leaves an empty vector that can be used again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <cmocka.h>

#include "u64vec.h"

/* Past several doublings (the first mapping holds 4096): every value where it was put. */
static void test_push_keeps_every_value(void **state)
{
	struct u64vec v = { 0 };
	enum { N = 100000 };

	(void)state;
	for (uint64_t i = 0; i < N; i++)
		assert_int_equal(u64vec_push(&v, i * 0x9e3779b97f4a7c15ULL), 0);
	assert_int_equal(v.len, N);
	assert_true(v.cap >= N);
	for (uint64_t i = 0; i < N; i++)
		assert_true(v.data[i] == i * 0x9e3779b97f4a7c15ULL);
	u64vec_free(&v);
	assert_null(v.data);
	assert_int_equal(v.len, 0);
	assert_int_equal(v.cap, 0);
	assert_int_equal(u64vec_push(&v, 7), 0); /* usable again */
	assert_true(v.data[0] == 7);
	u64vec_free(&v);
}

static void test_reserve(void **state)
{
	struct u64vec v = { 0 };

	(void)state;
	assert_int_equal(u64vec_reserve(&v, 10), 0);
	assert_int_equal(v.cap, 10);
	assert_int_equal(v.len, 0);
	assert_int_equal(u64vec_push(&v, 1), 0);
	assert_int_equal(u64vec_reserve(&v, 5), 0); /* never shrinks */
	assert_int_equal(v.cap, 10);
	assert_int_equal(u64vec_reserve(&v, 1 << 20), 0);
	assert_true(v.data[0] == 1);
	/* a capacity whose byte size would overflow is refused, the vector untouched */
	assert_int_equal(u64vec_reserve(&v, SIZE_MAX / 4), -ENOMEM);
	assert_int_equal(v.cap, 1 << 20);
	assert_true(v.data[0] == 1);
	u64vec_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_keeps_every_value),
		cmocka_unit_test(test_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
