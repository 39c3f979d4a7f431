/* aslr-harness's options: defaults, each option, and usage errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"
#include "preset.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void test_defaults(void **state)
{
	char *argv[] = { (char[]){ "aslr-harness" }, NULL };
	struct harness_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(harness_options_parse(&o, ARGC(argv), argv, &err), 0);
	assert_true(o.samples == 10000);
	assert_false(o.modes_current);
	assert_int_equal(o.mode_count, 3);
	assert_int_equal(o.modes[0], 0);
	assert_int_equal(o.modes[2], 2);
	assert_int_equal(o.jobs, 0);
	assert_true(o.timeout_sec == 5.0);
	assert_int_equal(o.variant_count, 0);
}

static void test_all_options(void **state)
{
	char *argv[] = { (char[]){ "h" }, (char[]){ "--samples" }, (char[]){ "2000" },
			 (char[]){ "--modes=2,0" }, (char[]){ "--jobs" }, (char[]){ "3" },
			 (char[]){ "--out" }, (char[]){ "/tmp/x" }, (char[]){ "--variants" },
			 (char[]){ "pie,nopie" }, (char[]){ "--timeout" }, (char[]){ "0.5" },
			 (char[]){ "--no-analyze" }, (char[]){ "--quiet" }, NULL };
	struct harness_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(harness_options_parse(&o, ARGC(argv), argv, &err), 0);
	assert_true(o.samples == 2000);
	assert_int_equal(o.mode_count, 2);
	assert_int_equal(o.modes[0], 2);
	assert_int_equal(o.modes[1], 0);
	assert_int_equal(o.jobs, 3);
	assert_string_equal(o.out_dir, "/tmp/x");
	assert_int_equal(o.variant_count, 2);
	assert_string_equal(o.variants[1], "nopie");
	assert_true(o.timeout_sec == 0.5);
	assert_true(o.no_analyze && o.quiet);
}

static void test_modes_current(void **state)
{
	struct harness_options o = { 0 };

	(void)state;
	assert_int_equal(harness_parse_modes(&o, "current", NULL), 0);
	assert_true(o.modes_current);
}

static void test_usage_errors(void **state)
{
	static const char *const bad[][3] = {
		{ "--samples", "0" },     { "--samples", "-5" },  { "--samples", "1x" },
		{ "--modes", "3" },       { "--modes", "1,1" },   { "--modes", "0,,1" },
		{ "--modes", "" },        { "--jobs", "0" },      { "--timeout", "0" },
		{ "--timeout", "nan" },   { "--variants", "A" },  { "--variants", "pie," },
		{ "--variants", "a,a" },  { "--bogus", NULL },    { "stray", NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[4] = { (char[]){ "h" }, (char *)(uintptr_t)bad[i][0],
				  (char *)(uintptr_t)bad[i][1], NULL };
		struct harness_options o;
		struct aslr_error err = { 0 };
		int argc = bad[i][1] ? 3 : 2;
		if (harness_options_parse(&o, argc, argv, &err) != -22 || !err.text[0])
			fail_msg("'%s %s' was accepted", bad[i][0], bad[i][1] ? bad[i][1] : "");
	}
}

static void test_preset_precise(void **state)
{
	char *argv[] = { (char[]){ "h" }, (char[]){ "--preset" }, (char[]){ "precise" }, NULL };
	char *both[] = { (char[]){ "h" }, (char[]){ "--preset=precise" }, (char[]){ "--samples=5" }, NULL };
	char *bad[] = { (char[]){ "h" }, (char[]){ "--preset=fast" }, NULL };
	struct harness_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(harness_options_parse(&o, 3, argv, &err), 0);
	/* sqrt(2 * 16 * 2^30) = sqrt(34359738368) = 185363.8 */
	assert_true(o.samples == 185364);
	assert_int_equal(harness_options_parse(&o, 3, both, &err), -22);
	assert_int_equal(harness_options_parse(&o, 2, bad, &err), -22);
}

static void test_knob_lists(void **state)
{
	struct knob_values k;
	struct aslr_error err;

	(void)state;
	assert_int_equal(harness_parse_knob_values(&k, "--x", "28-32", &err), 0);
	assert_int_equal(k.count, 5);
	assert_int_equal(k.value[0], 28);
	assert_int_equal(k.value[4], 32);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "8,16,10-11", &err), 0);
	assert_int_equal(k.count, 4);
	assert_int_equal(k.value[3], 11);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "28,28", &err), -22);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "32-28", &err), -22);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "65", &err), -22);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "-1", &err), -22);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "28,", &err), -22);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "a", &err), -22);
	assert_int_equal(harness_parse_knob_values(&k, "--x", "", &err), -22);
}

static void test_poisson_tail(void **state)
{
	(void)state;
	/* P(X >= 10 | lambda = 16) = 1 - sum_{k<10} e^-16 16^k / k! = 0.95669 (tables) */
	assert_true(fabs(preset_poisson_at_least(16, 10) - 0.95669) < 1e-4);
	assert_true(fabs(preset_poisson_at_least(3, 1) - (1 - exp(-3))) < 1e-12);
}

/* 185364 samples, 3 series, 1000 execs/s: 185364 * 185363 / 2 / 2^30 = 16.0 pairs,
 * P(Poisson(16) >= 10) = 0.96, 556092 execs, 556092 / 1000 / 60 = 9.27 minutes. */
static void test_precise_text(void **state)
{
	char text[512];

	(void)state;
	preset_precise_text(text, sizeof(text), 185364, 3, 1000);
	assert_non_null(strstr(text, "185364 samples per series, so a 30-bit region shows about 16.0 colliding pairs"));
	assert_non_null(strstr(text, "(at least 10 with probability 0.96)"));
	assert_non_null(strstr(text, "3 series = 556092 execs at the 1000 execs/s just measured: about 9.3 minutes."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_modes_current),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_preset_precise),
		cmocka_unit_test(test_poisson_tail),
		cmocka_unit_test(test_precise_text),
		cmocka_unit_test(test_knob_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
