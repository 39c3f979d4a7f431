/* How each mode is put in force, with and without permission to write the sysctl. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "modeplan.h"

static struct harness_options modes(const char *list)
{
	struct harness_options o;
	memset(&o, 0, sizeof(o));
	harness_parse_modes(&o, list, NULL);
	return o;
}

static void test_root_uses_sysctl_for_all(void **state)
{
	struct harness_options o = modes("0,1,2");
	struct mode_plan plan;

	(void)state;
	assert_int_equal(mode_plan_make(&plan, &o, 2, 0, "va", NULL), 0);
	assert_int_equal(plan.count, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(plan.mode[i], (int)i);
		assert_int_equal(plan.method[i], METHOD_SYSCTL);
	}
	assert_true(plan.uses_sysctl);
}

static void test_current_never_writes(void **state)
{
	struct harness_options o = modes("current");
	struct mode_plan plan;

	(void)state;
	assert_int_equal(mode_plan_make(&plan, &o, 1, 0, "va", NULL), 0);
	assert_int_equal(plan.count, 1);
	assert_int_equal(plan.mode[0], 1);
	assert_int_equal(plan.method[0], METHOD_CURRENT);
	assert_false(plan.uses_sysctl);
}

static void test_without_permission(void **state)
{
	struct harness_options ok = modes("0,2"), bad = modes("0,1,2");
	struct mode_plan plan;
	struct aslr_error err;

	(void)state;
	assert_int_equal(mode_plan_make(&plan, &ok, 2, -EACCES, "va", &err), 0);
	assert_int_equal(plan.method[0], METHOD_PERSONALITY);
	assert_int_equal(plan.method[1], METHOD_CURRENT);
	assert_false(plan.uses_sysctl);
	assert_int_equal(mode_plan_make(&plan, &bad, 2, -EROFS, "va", &err), -EPERM);
	assert_non_null(strstr(err.text, "mode 1 needs write access"));
	assert_non_null(strstr(err.text, strerror(EROFS)));
	/* mode 0 already in force: measured as it is, no personality needed */
	assert_int_equal(mode_plan_make(&plan, &ok, 0, -EACCES, "va", &err), -EPERM);
	assert_int_equal(mode_plan_make(&plan, &(struct harness_options){ .mode_count = 1, .modes = { 0 } },
					0, -EACCES, "va", &err), 0);
	assert_int_equal(plan.method[0], METHOD_CURRENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_uses_sysctl_for_all),
		cmocka_unit_test(test_current_never_writes),
		cmocka_unit_test(test_without_permission),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
