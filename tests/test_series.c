/* Classifying one exec: a row, or which kind of failure; a series over its failure budget. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "series.h"
#include "test_util.h"

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

/* A probe that always fails stops the series after 20 execs, and the message names the
 * series with the knob value it was sampled at. */
static void test_budget_message_names_the_series(void **state)
{
	char *dir = tu_mkdtemp(), path[600], *argv[] = { (char[]){ "/bin/false" }, NULL };
	static char env_path[] = "PATH=/usr/bin:/bin";
	char *env[] = { env_path, NULL };
	struct samples_writer *w = calloc(1, sizeof(*w));
	struct region_names names = { .count = 1, .name = { "text" } };
	unsigned column_of[1] = { 0 };
	struct progress progress = { 0 };
	struct aslr_error err = { 0 };
	volatile sig_atomic_t stop = 0;
	struct series s = { .key = { "pie", 2, 28, -1 }, .names = &names, .column_of = column_of, .columns = 1,
			    .writer = w, .progress = &progress,
			    .spawn = { .path = "/bin/false", .argv = argv, .envp = env, .jobs = 1, .target = 10,
				       .timeout_sec = 5, .stop = &stop } };

	(void)state;
	snprintf(path, sizeof(path), "%s/samples.csv", dir);
	assert_int_equal(samples_writer_create(w, path, &err), 0);
	assert_int_equal(series_run(&s, &err), -ECANCELED);
	assert_int_equal(s.tally.execs, 20);
	if (!strstr(err.text, "too many probe failures (pie mode 2, mmap_rnd_bits 28): "))
		fail_msg("message: %s", err.text);
	samples_writer_close(w, &err);
	free(w);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_names_merge),
		cmocka_unit_test(test_budget_message_names_the_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
