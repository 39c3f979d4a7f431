/* The failure budget: the first 20 all failing, or more than 1 % after 100 execs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "failures.h"

static void count(struct failure_tally *t, unsigned ok, unsigned bad, int kind)
{
	for (unsigned i = 0; i < ok; i++)
		failure_tally_count(t, -1, "");
	for (unsigned i = 0; i < bad; i++)
		failure_tally_count(t, kind, i == 0 ? "first" : "later");
}

static void test_first_twenty_all_fail(void **state)
{
	struct failure_tally t = { 0 };

	(void)state;
	count(&t, 0, 19, FAILURE_EXIT);
	assert_false(failure_budget_exceeded(&t));
	count(&t, 0, 1, FAILURE_EXIT);
	assert_true(failure_budget_exceeded(&t));
}

static void test_early_failures_within_budget(void **state)
{
	struct failure_tally t = { 0 };

	(void)state;
	count(&t, 1, 19, FAILURE_SIGNAL); /* 19 of 20 failed, but not all */
	assert_false(failure_budget_exceeded(&t));
	count(&t, 80, 0, 0); /* 100 execs: the 1 % rule starts after 100 */
	assert_false(failure_budget_exceeded(&t));
	count(&t, 1, 0, 0);
	assert_true(failure_budget_exceeded(&t)); /* 19 of 101 > 1 % */
}

static void test_one_percent(void **state)
{
	struct failure_tally t = { 0 };

	(void)state;
	count(&t, 990, 10, FAILURE_EMPTY); /* exactly 1 %: not over */
	assert_false(failure_budget_exceeded(&t));
	count(&t, 0, 1, FAILURE_EMPTY);
	assert_true(failure_budget_exceeded(&t));
}

static void test_describe_names_kinds_and_first_example(void **state)
{
	struct failure_tally t = { 0 };
	char text[512];

	(void)state;
	count(&t, 5, 2, FAILURE_MALFORMED);
	count(&t, 0, 1, FAILURE_TIMEOUT);
	failure_tally_describe(&t, text, sizeof(text));
	assert_int_equal(t.count[FAILURE_MALFORMED], 2);
	assert_non_null(strstr(text, "3 failures in 8 execs"));
	assert_non_null(strstr(text, "2 malformed (e.g. first)"));
	assert_non_null(strstr(text, "1 timeout (e.g. first)"));
	assert_string_equal(failure_kind_name(FAILURE_SIGNAL), "signal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_twenty_all_fail),
		cmocka_unit_test(test_early_failures_within_budget),
		cmocka_unit_test(test_one_percent),
		cmocka_unit_test(test_describe_names_kinds_and_first_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
