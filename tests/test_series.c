/* Classifying one exec: a row, or which kind of failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "series.h"

static int classify(enum probe_outcome outcome, int code, const char *out,
		    const struct region_names *names, char *example)
{
	struct probe_result r = { .outcome = outcome, .code = code, .out = out, .len = strlen(out) };
	struct record rec;
	return series_classify(&r, names, &rec, example, FAILURE_EXAMPLE);
}

static void test_kinds(void **state)
{
	struct region_names ab = { .count = 2, .name = { "a", "b" } };
	char ex[FAILURE_EXAMPLE];

	(void)state;
	assert_int_equal(classify(PROBE_EXITED, 0, "aslr-probe/1 a=0x1 b=0x2\n", NULL, ex), -1);
	assert_int_equal(classify(PROBE_EXITED, 0, "aslr-probe/1 a=0x1 b=0x2\n", &ab, ex), -1);
	assert_int_equal(classify(PROBE_EXITED, 0, "aslr-probe/1 b=0x1 a=0x2\n", &ab, ex), FAILURE_REGIONS);
	assert_int_equal(classify(PROBE_EXITED, 0, "aslr-probe/1 a=0x1\n", &ab, ex), FAILURE_REGIONS);
	assert_int_equal(classify(PROBE_EXITED, 0, "aslr-probe/1 a=0x1 b=0x2 c=0x3\n", &ab, ex),
			 FAILURE_REGIONS);
	assert_int_equal(classify(PROBE_EXITED, 0, "", &ab, ex), FAILURE_EMPTY);
	assert_string_equal(ex, "no output");
	assert_int_equal(classify(PROBE_EXITED, 0, "hello\n", &ab, ex), FAILURE_MALFORMED);
	assert_non_null(strstr(ex, "missing tag"));
	assert_non_null(strstr(ex, "\"hello\\x0a\""));
	assert_int_equal(classify(PROBE_EXITED, 0, "aslr-probe/1 a=0x1", &ab, ex), FAILURE_MALFORMED);
	/* a good record does not excuse a bad exit */
	assert_int_equal(classify(PROBE_EXITED, 3, "aslr-probe/1 a=0x1 b=0x2\n", &ab, ex), FAILURE_EXIT);
	assert_string_equal(ex, "exit status 3");
	assert_int_equal(classify(PROBE_SIGNALED, SIGSEGV, "", &ab, ex), FAILURE_SIGNAL);
	assert_non_null(strstr(ex, "signal 11"));
	assert_int_equal(classify(PROBE_TIMEOUT, SIGKILL, "", &ab, ex), FAILURE_TIMEOUT);
	assert_int_equal(classify(PROBE_OVERFLOW, SIGKILL, "aslr", &ab, ex), FAILURE_OVERFLOW);
}

static void test_names_merge(void **state)
{
	struct region_names all = { .count = 2, .name = { "text", "heap" } };
	struct region_names more = { .count = 3, .name = { "heap", "biglib", "text" } };
	unsigned map[3];

	(void)state;
	assert_int_equal(region_names_merge(&all, &more, map), 0);
	assert_int_equal(all.count, 3);
	assert_string_equal(all.name[2], "biglib");
	assert_int_equal(map[0], 1);
	assert_int_equal(map[1], 2);
	assert_int_equal(map[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_names_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
