/* The guest's command line from the host's: every sampling option passed on, the host's
 * own dropped, a program path mapped into the initramfs, --kernel's default samples. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest_args.h"
#include "options.h"

/* The NUL-separated arguments joined with ' ' for comparison. */
static char *joined(const struct guest_args *ga)
{
	char *text = malloc(ga->argv.len + 1);

	for (size_t i = 0; i < ga->argv.len; i++)
		text[i] = ga->argv.text[i] ? ga->argv.text[i] : ' ';
	text[ga->argv.len ? ga->argv.len - 1 : 0] = '\0';
	return text;
}

static char *build(char **argv, int argc, struct guest_args *ga)
{
	struct harness_options opts;
	struct aslr_error err;

	assert_int_equal(harness_options_parse(&opts, argc, argv, &err), 0);
	assert_int_equal(guest_args_build(ga, argc, argv, &opts, &err), 0);
	return joined(ga);
}

static void test_sampling_options_pass(void **state)
{
	char *argv[] = { (char[]){ "aslr-harness" }, (char[]){ "--kernel" }, (char[]){ "/boot/a" }, (char[]){ "--kernel" }, (char[]){ "/boot/b" }, (char[]){ "--modes" }, (char[]){ "0,2" },
			 (char[]){ "--variants=pie,nopie" }, (char[]){ "--mmap-rnd-bits" }, (char[]){ "28-30" }, (char[]){ "--timeout" }, (char[]){ "3" }, (char[]){ "--jobs" }, (char[]){ "2" },
			 (char[]){ "--out" }, (char[]){ "/tmp/x" }, (char[]){ "--quiet" }, (char[]){ "--kernel-append" }, (char[]){ "nokaslr" }, (char[]){ "--kernel-cpus" }, (char[]){ "2" },
			 (char[]){ "--kernel-memory" }, (char[]){ "512" }, (char[]){ "--kernel-timeout" }, (char[]){ "60" }, (char[]){ "--kernel-accel" }, (char[]){ "tcg" }, (char[]){ "--kernel-bench" },
			 (char[]){ "--no-analyze" }, NULL };
	struct guest_args ga;
	char *text = build(argv, (int)(sizeof(argv) / sizeof(argv[0])) - 1, &ga);

	(void)state;
	assert_string_equal(text, "/aslr/bin/aslr-harness --out=/aslr/out --no-analyze --quiet --samples=2000 "
				  "--modes=0,2 --variants=pie,nopie --mmap-rnd-bits=28-30 --timeout=3 --jobs=2");
	assert_int_equal(ga.argc, 10);
	assert_int_equal(ga.program_count, 0);
	free(text);
	guest_args_free(&ga);
}

static void test_probe_mapped_and_samples_kept(void **state)
{
	char *argv[] = { (char[]){ "aslr-harness" }, (char[]){ "--kernel" }, (char[]){ "/boot/a" }, (char[]){ "--probe" }, (char[]){ "/opt/x/my-probe" }, (char[]){ "--samples" }, (char[]){ "300" }, NULL };
	struct guest_args ga;
	char *text = build(argv, 7, &ga);

	(void)state;
	assert_string_equal(text, "/aslr/bin/aslr-harness --out=/aslr/out --no-analyze --quiet "
				  "--probe=/aslr/probe/0/my-probe --samples=300");
	assert_int_equal(ga.program_count, 1);
	assert_string_equal(ga.program[0].host, "/opt/x/my-probe");
	assert_string_equal(ga.program[0].guest, "/aslr/probe/0/my-probe");
	free(text);
	guest_args_free(&ga);
}

static void test_kernel_options_checked(void **state)
{
	struct harness_options opts;
	struct aslr_error err;
	char *alone[] = { (char[]){ "aslr-harness" }, (char[]){ "--kernel-append" }, (char[]){ "nokaslr" }, NULL };
	char *resume[] = { (char[]){ "aslr-harness" }, (char[]){ "--kernel" }, (char[]){ "/boot/a" }, (char[]){ "--resume" }, (char[]){ "r" }, NULL };
	char *user[] = { (char[]){ "aslr-harness" }, (char[]){ "--kernel" }, (char[]){ "/boot/a" }, (char[]){ "--user" }, (char[]){ "nobody" }, NULL };
	char *accel[] = { (char[]){ "aslr-harness" }, (char[]){ "--kernel" }, (char[]){ "/boot/a" }, (char[]){ "--kernel-accel" }, (char[]){ "xen" }, NULL };
	char *plain[] = { (char[]){ "aslr-harness" }, (char[]){ "--kernel" }, (char[]){ "/boot/a" }, NULL };

	(void)state;
	assert_int_equal(harness_options_parse(&opts, 3, alone, &err), -EINVAL);
	assert_int_equal(harness_options_parse(&opts, 5, resume, &err), -EINVAL);
	assert_int_equal(harness_options_parse(&opts, 5, user, &err), -EINVAL);
	assert_int_equal(harness_options_parse(&opts, 5, accel, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_USAGE);
	assert_int_equal(harness_options_parse(&opts, 3, plain, &err), 0);
	assert_int_equal(opts.samples, KERNEL_DEFAULT_SAMPLES);
	assert_int_equal(opts.kernel.memory_mb, KERNEL_DEFAULT_MEMORY_MB);
	assert_true(opts.kernel.timeout_sec == KERNEL_DEFAULT_TIMEOUT_SEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampling_options_pass),
		cmocka_unit_test(test_probe_mapped_and_samples_kept),
		cmocka_unit_test(test_kernel_options_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
