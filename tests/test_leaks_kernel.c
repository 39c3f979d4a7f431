/* What one leak gives away on this kernel, as root (modes 1 and 2 are set for real):
 * the heap given the executable is 0 bits in mode 1 and the brk range in mode 2 (1 GiB
 * = 18 bits of pages since Linux 6.9, 32 MiB = 13 bits before: read from uname); libc
 * given the loader is 0; the stack given argv is the sub-page offset, 8 KiB in 16-byte
 * steps = 9 bits, and argv given the stack pointer is the one bit of that offset the
 * pointer's low 12 bits do not show. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "conditional.h"
#include "root_fixture.h"
#include "samples.h"
#include "test_util.h"

static int region(const struct sample_table *t, const char *name)
{
	for (unsigned r = 0; r < t->region_count; r++)
		if (strcmp(t->region[r], name) == 0)
			return (int)r;
	fail_msg("no region %s", name);
	return -1;
}

static double brk_bits_for_this_kernel(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	return major > 6 || (major == 6 && minor >= 9) ? 18 : 13;
}

static void assert_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.3f, expected %.3f +- %.3f", what, got, want, tol);
}

static void test_leaks_on_this_kernel(void **state)
{
	struct root_fixture *f = *state;
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "1,2" }, (char[]){ "--samples" },
			 (char[]){ "2000" }, (char[]){ "--no-analyze" }, (char[]){ "--quiet" }, (char[]){ "--out" },
			 NULL, NULL };
	struct sample_table t;
	struct analysis a;
	struct aslr_error err;
	char path[600];
	int status, heap, text, libc, ld, stack, args;

	if (!f)
		skip();
	argv[8] = f->out;
	status = tu_run(argv, NULL, f->log);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(samples_load(&t, path, &err), 0);
	assert_int_equal(analysis_compute(&a, &t, &err), 0);
	assert_int_equal(conditional_compute(&a, &err), 0);
	assert_int_equal(a.series_count, 2);
	heap = region(&t, "heap"), text = region(&t, "text"), libc = region(&t, "libc");
	ld = region(&t, "ld"), stack = region(&t, "stack"), args = region(&t, "argv");

	assert_true(conditional_bits(&a, 0, (unsigned)heap, (unsigned)text, NULL) == 0);
	{
		/* heap - text in mode 2: uniform over the brk range. Its span is the range bound
		 * (2000 samples fall short of the full span by about 2/2001 of it: 0.0014 bits);
		 * the headline is a collision estimate when >= 10 pairs collided, within 4 sd of
		 * the pair count: 4 / (sqrt(P) ln 2) bits. */
		const struct region_estimate *d = conditional_pair(&a, 1, (unsigned)heap, (unsigned)text);
		double want = brk_bits_for_this_kernel();
		double tol = d->kind == KIND_COLLISION ? 4 / (sqrt((double)d->collision_pairs) * M_LN2) : 0.05;
		assert_near(d->range_bits, want, 0.05, "range of mode 2 heap - text");
		assert_near(conditional_bits(&a, 1, (unsigned)heap, (unsigned)text, NULL), want, tol,
			    "mode 2 heap given text");
	}
	for (unsigned s = 0; s < 2; s++) {
		assert_true(conditional_bits(&a, s, (unsigned)libc, (unsigned)ld, NULL) == 0);
		assert_near(conditional_bits(&a, s, (unsigned)stack, (unsigned)args, NULL), 9, 0.3, "stack given argv");
		assert_near(conditional_bits(&a, s, (unsigned)args, (unsigned)stack, NULL), 1, 0.3, "argv given stack");
	}
	analysis_free(&a);
	samples_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_leaks_on_this_kernel, root_setup, root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
