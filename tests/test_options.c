/* aslr-harness's options: defaults, each option, and usage errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"
#include "precision.h"
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

/* --target is repeatable; what follows -- goes to the targets, and nothing else may follow. */
static void test_targets(void **state)
{
	char *argv[] = { (char[]){ "h" }, (char[]){ "--target" }, (char[]){ "/usr/bin/python3" }, (char[]){ "--quiet" },
			 (char[]){ "--target=/bin/true" }, (char[]){ "--" }, (char[]){ "-c" }, (char[]){ "--samples" },
			 NULL };
	char *no_target[] = { (char[]){ "h" }, (char[]){ "--" }, (char[]){ "x" }, NULL };
	char *stray[] = { (char[]){ "h" }, (char[]){ "--target" }, (char[]){ "/bin/true" }, (char[]){ "x" }, NULL };
	char *kernel[] = { (char[]){ "h" }, (char[]){ "--target" }, (char[]){ "/bin/true" }, (char[]){ "--kernel" },
			   (char[]){ "/boot/vmlinuz" }, NULL };
	char *resume[] = { (char[]){ "h" }, (char[]){ "--resume" }, (char[]){ "d" }, (char[]){ "--target" },
			   (char[]){ "/bin/true" }, NULL };
	struct harness_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(harness_options_parse(&o, ARGC(argv), argv, &err), 0);
	assert_int_equal(o.target_count, 2);
	assert_string_equal(o.targets[0], "/usr/bin/python3");
	assert_string_equal(o.targets[1], "/bin/true");
	assert_true(o.quiet);
	assert_int_equal(o.target_argc, 2);
	assert_string_equal(o.target_args[0], "-c");
	assert_string_equal(o.target_args[1], "--samples"); /* a target's, not ours */
	assert_null(o.target_args[2]);
	assert_true(o.samples == 10000);
	assert_int_equal(harness_options_parse(&o, ARGC(no_target), no_target, &err), -EINVAL);
	assert_non_null(strstr(err.text, "arguments after -- are for --target programs"));
	assert_int_equal(harness_options_parse(&o, ARGC(stray), stray, &err), -EINVAL);
	assert_non_null(strstr(err.text, "unexpected argument 'x'"));
	assert_int_equal(harness_options_parse(&o, ARGC(kernel), kernel, &err), -EINVAL);
	assert_non_null(strstr(err.text, "--target and --kernel exclude each other"));
	assert_int_equal(harness_options_parse(&o, ARGC(resume), resume, &err), -EINVAL);
	assert_non_null(strstr(err.text, "drop --target"));
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
	char *twice[] = { (char[]){ "h" }, (char[]){ "--preset=precise" }, (char[]){ "--precision=1" }, NULL };
	char *bad[] = { (char[]){ "h" }, (char[]){ "--preset=fast" }, NULL };
	struct harness_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(harness_options_parse(&o, 3, argv, &err), 0);
	assert_true(o.precision == 0.5);
	assert_true(o.samples == 1000000);
	assert_true(o.max_time == 3600);
	assert_int_equal(harness_options_parse(&o, 3, both, &err), -22);
	assert_int_equal(harness_options_parse(&o, 3, twice, &err), -22);
	assert_int_equal(harness_options_parse(&o, 2, bad, &err), -22);
}

static void test_precision(void **state)
{
	char *full[] = { (char[]){ "h" }, (char[]){ "--precision" }, (char[]){ "0.25" }, (char[]){ "--max-samples" },
			 (char[]){ "5000" }, (char[]){ "--max-time" }, (char[]){ "60" }, NULL };
	char *time_only[] = { (char[]){ "h" }, (char[]){ "--precision=1" }, (char[]){ "--max-time=90" }, NULL };
	const char *bad[][3] = {
		{ "--precision=0", NULL }, { "--precision=-1", NULL }, { "--precision=abc", NULL },
		{ "--precision=17", NULL }, { "--max-samples=10", NULL }, { "--max-time=10", NULL },
		{ "--precision=1", "--samples=5" }, { "--precision=1", "--max-samples=0" },
		{ "--precision=1", "--max-time=0" },
	};
	struct harness_options o;
	struct aslr_error err;

	(void)state;
	assert_int_equal(harness_options_parse(&o, ARGC(full), full, &err), 0);
	assert_true(o.precision == 0.25 && o.samples == 5000 && o.max_time == 60);
	assert_int_equal(harness_options_parse(&o, ARGC(time_only), time_only, &err), 0);
	assert_true(o.precision == 1 && o.samples == 1000000 && o.max_time == 90);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { (char[]){ "h" }, (char *)(uintptr_t)bad[i][0], (char *)(uintptr_t)bad[i][1], NULL };
		if (harness_options_parse(&o, bad[i][1] ? 3 : 2, argv, &err) != -22 || !err.text[0])
			fail_msg("'%s %s' was accepted", bad[i][0], bad[i][1] ? bad[i][1] : "");
	}
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

/* --preset precise at 1000 execs/s, 3 series: k = collision_poisson_pairs(0.5) pairs
 * (34.84, test_precision.c checks it against chi-square tables), a 28-bit region needs
 * sqrt(2 k 2^28) samples and a 30-bit one twice that. */
static void test_precise_text(void **state)
{
	char text[600], want[200];
	double k = collision_poisson_pairs(0.5), n28 = sqrt(2 * k * exp2(28));

	(void)state;
	preset_precise_text(text, sizeof(text), 0.5, 1000000, 3600, 3, 1000);
	snprintf(want, sizeof(want), "about %.0f colliding pairs: a 28-bit region needs about %.0f samples (%.0f s at "
		 "the 1000 execs/s just measured), a 30-bit one %.0f (%.0f s)", k, n28, n28 / 1000, 2 * n28,
		 2 * n28 / 1000);
	if (!strstr(text, want))
		fail_msg("%s\nlacks\n%s", text, want);
	assert_non_null(strstr(text, "at most 1000000 samples or 3600 s per series, 3 series."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_modes_current),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_preset_precise),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_precise_text),
		cmocka_unit_test(test_knob_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
