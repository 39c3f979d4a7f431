/* The error struct: what each setter fills, its kind, the exit status of each kind, and
 * the "FILE:LINE:COLUMN: text" form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"

static void test_setters_fill_kind_and_position(void **state)
{
	struct aslr_error err;

	(void)state;
	assert_int_equal(aslr_error_usage(&err, -EINVAL, "--jobs: %s", "zero"), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_USAGE);
	assert_string_equal(err.text, "--jobs: zero");
	assert_string_equal(err.file, "");
	assert_int_equal(aslr_error_input(&err, -EINVAL, "a.csv", 3, 7, "bad %s", "hex"), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_string_equal(err.file, "a.csv");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 7);
	/* the plain setters describe a failure of the work, whatever came before */
	assert_int_equal(aslr_error_at(&err, -EIO, "b", 1, 0, "x"), -EIO);
	assert_int_equal(err.kind, ASLR_ERR_WORK);
	assert_int_equal(err.column, 0);
	aslr_error_input(&err, -EINVAL, NULL, 0, 0, "y");
	assert_int_equal(aslr_error_set(&err, -ENOMEM, "z"), -ENOMEM);
	assert_int_equal(err.kind, ASLR_ERR_WORK);
	/* no struct: only the code comes back */
	assert_int_equal(aslr_error_input(NULL, -EINVAL, "f", 1, 1, "w"), -EINVAL);
	assert_int_equal(aslr_error_usage(NULL, -EINVAL, "w"), -EINVAL);
	assert_int_equal(aslr_error_gate(&err, -ERANGE, "%u regions", 2u), -ERANGE);
	assert_int_equal(err.kind, ASLR_ERR_GATE);
	assert_string_equal(err.text, "2 regions");
	assert_int_equal(aslr_exit_code(&err), 3);
}

static void test_exit_codes(void **state)
{
	struct aslr_error err = { 0 };

	(void)state;
	assert_int_equal(aslr_exit_code(&err), 1); /* a cleared error is a failed work */
	err.kind = ASLR_ERR_USAGE;
	assert_int_equal(aslr_exit_code(&err), 2);
	err.kind = ASLR_ERR_INPUT;
	assert_int_equal(aslr_exit_code(&err), 2);
	err.kind = ASLR_ERR_GATE;
	assert_int_equal(aslr_exit_code(&err), 3);
}

static void test_format(void **state)
{
	struct aslr_error err;
	char buf[128];

	(void)state;
	aslr_error_input(&err, -EINVAL, "s.csv", 4, 9, "text: not a hex digit");
	aslr_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "s.csv:4:9: text: not a hex digit");
	aslr_error_at(&err, -EINVAL, "s.csv", 4, 0, "seq");
	aslr_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "s.csv:4: seq");
	aslr_error_at(&err, -EIO, "s.csv", 0, 0, "gone");
	aslr_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "s.csv: gone");
	aslr_error_set(&err, -EIO, "plain");
	aslr_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setters_fill_kind_and_position),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
