/* Probe variants and knob sweeps on this kernel, as root: a non-PIE executable never
 * moves; a 32-bit program gets vm.mmap_rnd_compat_bits of mmap randomization; an
 * executable linked with 2 MiB PT_LOAD alignment and a library over 2 MiB are aligned
 * at bit 21; sweeping vm.mmap_rnd_bits from 28 to 32 takes libc from 28 to 32 bits;
 * the knob comes back after a normal end and after SIGKILL; values the kernel refuses
 * are refused before sampling. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "analysis.h"
#include "root_fixture.h"
#include "samples.h"
#include "test_util.h"

#define RND_BITS "/proc/sys/vm/mmap_rnd_bits"
#define COMPAT_BITS "/proc/sys/vm/mmap_rnd_compat_bits"

static int run_harness(struct root_fixture *f, char **extra, int n_extra)
{
	char *argv[32] = { (char[]){ HARNESS }, (char[]){ "--no-analyze" }, (char[]){ "--quiet" },
			   (char[]){ "--out" }, f->out };
	int argc = 5, status;

	for (int i = 0; i < n_extra; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	status = tu_run(argv, NULL, f->log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void load(struct root_fixture *f, struct sample_table *t, struct analysis *a)
{
	char path[600];
	struct aslr_error err;

	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(samples_load(t, path, &err), 0);
	assert_int_equal(analysis_compute(a, t, &err), 0);
}

/* The series of variant at mode and mmap_rnd_bits (-1: not swept); fails when there is none. */
static int series_of(const struct analysis *a, const char *variant, int mode, int rnd_bits)
{
	int s = analysis_find_series(a, &(struct series_key){ variant, mode, rnd_bits, -1 });

	if (s < 0)
		fail_msg("no series %s mode %d, mmap_rnd_bits %d", variant, mode, rnd_bits);
	return s;
}

static const struct region_estimate *region_of(const struct analysis *a, int s, const char *name)
{
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (strcmp(a->table->region[r], name) == 0)
			return &a->series[s].region[r];
	fail_msg("no region %s", name);
	return NULL;
}

static void test_variant_matrix(void **state)
{
	struct root_fixture *f = *state;
	char *extra[] = { (char[]){ "--variants" }, (char[]){ "pie,nopie,pie2m,biglib" },
			  (char[]){ "--samples" }, (char[]){ "300" } };
	struct sample_table t;
	struct analysis a;

	if (!f)
		skip();
	assert_int_equal(run_harness(f, extra, 4), 0);
	assert_int_equal(read_va_space(), f->original);
	load(f, &t, &a);
	for (int mode = 0; mode <= 2; mode++) {
		int s = series_of(&a, "nopie", mode, -1);
		assert_true(s >= 0);
		assert_int_equal(region_of(&a, s, "text")->kind, KIND_CONSTANT);
	}
	for (int mode = 1; mode <= 2; mode++) {
		assert_int_equal(region_of(&a, series_of(&a, "pie2m", mode, -1), "text")->alignment_bit, 21);
		assert_int_equal(region_of(&a, series_of(&a, "biglib", mode, -1), "biglib")->alignment_bit, 21);
		assert_int_equal(region_of(&a, series_of(&a, "pie", mode, -1), "text")->alignment_bit, 12);
	}
	/* the default probe does not report biglib: its column holds 0x0 there */
	assert_true(region_of(&a, series_of(&a, "pie", 2, -1), "biglib")->absent);
	analysis_free(&a);
	samples_free(&t);
}

/* The 32-bit probe, where it was built and this kernel runs it (found out by trying it). */
static void test_m32(void **state)
{
	struct root_fixture *f = *state;
	char *extra[] = { (char[]){ "--variants" }, (char[]){ "m32" }, (char[]){ "--samples" }, (char[]){ "300" } };
	struct sample_table t;
	struct analysis a;
	int compat = tu_read_int(COMPAT_BITS);
	char why[128];

	if (!f)
		skip();
	if (tu_m32_runs(why, sizeof(why)) != TU_M32_RUNS) {
		print_message("%s: skipped\n", why);
		skip();
	}
	assert_int_equal(run_harness(f, extra, 4), 0);
	assert_int_equal(read_va_space(), f->original);
	load(f, &t, &a);
	for (int mode = 1; mode <= 2; mode++) {
		const struct region_estimate *m32 = region_of(&a, series_of(&a, "m32", mode, -1), "mmap");
		double pairs = 300.0 * 299 / 2 / exp2(compat);
		/* collision estimate of a uniform compat-bit value, 4 sd of the pair count */
		if (fabs(m32->estimate_bits - compat) > 4 / (sqrt(pairs) * M_LN2) + 0.05)
			fail_msg("m32 mmap in mode %d: %.2f bits, expected about %d", mode, m32->estimate_bits, compat);
	}
	analysis_free(&a);
	samples_free(&t);
}

static void test_rnd_bits_sweep(void **state)
{
	struct root_fixture *f = *state;
	char *extra[] = { (char[]){ "--modes" }, (char[]){ "2" }, (char[]){ "--mmap-rnd-bits" },
			  (char[]){ "28-32" }, (char[]){ "--samples" }, (char[]){ "300" } };
	int original = tu_read_int(RND_BITS);
	struct sample_table t;
	struct analysis a;

	if (!f)
		skip();
	assert_int_equal(run_harness(f, extra, 6), 0);
	assert_int_equal(tu_read_int(RND_BITS), original);
	load(f, &t, &a);
	assert_true(t.has_rnd_bits);
	for (int bits = 28; bits <= 32; bits++) {
		const struct region_estimate *libc = region_of(&a, series_of(&a, "pie", 2, bits), "libc");
		/* range of 300 uniform samples: short of the full span by about 2/301 of it */
		if (fabs(libc->range_bits - bits) > 0.1)
			fail_msg("libc at mmap_rnd_bits %d: range %.3f bits", bits, libc->range_bits);
	}
	analysis_free(&a);
	samples_free(&t);
}

static void test_knob_back_after_sigkill(void **state)
{
	struct root_fixture *f = *state;
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "2" }, (char[]){ "--mmap-rnd-bits" },
			 (char[]){ "32" }, (char[]){ "--samples" }, (char[]){ "10000000" }, (char[]){ "--no-analyze" },
			 (char[]){ "--quiet" }, (char[]){ "--out" }, NULL, NULL };
	int original = tu_read_int(RND_BITS), status;
	char csv[600];
	pid_t pid;

	if (!f)
		skip();
	if (original == 32) {
		print_message("mmap_rnd_bits is already 32: nothing to see come back: skipped\n");
		skip();
	}
	argv[10] = f->out;
	snprintf(csv, sizeof(csv), "%s/samples.csv", f->out);
	pid = tu_spawn(argv, NULL, f->log);
	assert_true(tu_wait_lines(csv, 50));
	assert_int_equal(tu_read_int(RND_BITS), 32);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(tu_wait_int(RND_BITS, original)); /* the guardian's work */
	assert_true(wait_va_space(f->original));
}

static void test_refused_value(void **state)
{
	struct root_fixture *f = *state;
	char *extra[] = { (char[]){ "--mmap-rnd-bits" }, (char[]){ "28,40" } };
	int original = tu_read_int(RND_BITS);
	struct stat st;
	char *text;

	if (!f)
		skip();
	assert_int_equal(run_harness(f, extra, 2), 2);
	text = tu_read_file(f->log, NULL);
	assert_non_null(strstr(text, "40 is outside the range this kernel accepts"));
	free(text);
	assert_true(stat(f->out, &st) < 0); /* nothing sampled, nothing written */
	assert_int_equal(tu_read_int(RND_BITS), original);
	assert_int_equal(read_va_space(), f->original);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_variant_matrix, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_m32, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_rnd_bits_sweep, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_knob_back_after_sigkill, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_refused_value, root_setup, root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
