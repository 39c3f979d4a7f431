/* The birthday bound against numbers worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <cmocka.h>

#include "birthday.h"

static void test_samples_for_pairs(void **state)
{
	(void)state;
	/* sqrt(2 * 10 * 2^28) = sqrt(5368709120) = 73271.48 */
	assert_true(fabs(birthday_samples_for_pairs(28, 10) - 73271.48) < 0.01);
	/* sqrt(2 * 100 * 2^28) = sqrt(53687091200) = 231704.75: the table's k = 100 note */
	assert_true(fabs(birthday_samples_for_pairs(28, 100) - 231704.75) < 0.01);
	/* sqrt(2 * 16 * 2^30) = sqrt(34359738368) = 185363.8 */
	assert_true(ceil(birthday_samples_for_pairs(30, 16)) == 185364);
}

static void test_expected_pairs(void **state)
{
	(void)state;
	/* 4 samples of one bit: 6 pairs, each colliding with probability 1/2 */
	assert_true(birthday_expected_pairs(4, 1) == 3.0);
	/* 185364 * 185363 / 2 / 2^30 = 16.0000 */
	assert_true(fabs(birthday_expected_pairs(185364, 30) - 16.0) < 1e-3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples_for_pairs),
		cmocka_unit_test(test_expected_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
