/* aslr-harness --target, end to end, in the mode the machine is in (--modes current: no
 * sysctl changes, but it runs the harness, hence the lock in CMakeLists.txt). Targets of
 * known layout: a small library moves with the mmap base (page-aligned,
 * vm.mmap_rnd_bits bits), a library over 2 MiB is aligned to 2 MiB and loses 9 bits, a
 * static-pie executable moves as one with the mmap region, a non-PIE executable never
 * moves; main never runs, while the constructors run, as nobody for root. Targets and
 * probe variants in one run. Errors: a file that is not executable or missing (exit 2), a
 * script, a missing library, a foreign ELF file, a 32-bit program on a kernel without
 * ia32 emulation (each skipped beside others, exit 1 alone); libraries that change
 * between execs stop the run. No process of the harness is left after any test, the
 * harness killed included (this test is their subreaper). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "conditional.h"
#include "samples.h"
#include "summary.h"
#include "test_util.h"

#define HARNESS ASLR_BIN_DIR "/aslr-harness"
#define TARGET(name) ASLR_TARGETS_DIR "/" name
#define VA_SPACE "/proc/sys/kernel/randomize_va_space"

/* aslr-harness --modes current --quiet --out f->out plus extra; its exit code. */
static int harness(struct tu_run_dirs *f, char **extra, int n)
{
	char *argv[32] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" }, (char[]){ "--quiet" },
			   (char[]){ "--out" }, f->out };
	int argc = 6, status;

	for (int i = 0; i < n; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	status = tu_run(argv, NULL, f->log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void assert_log_says(const struct tu_run_dirs *f, const char *part)
{
	char *text = tu_read_file(f->log, NULL);
	int found = text && strstr(text, part);

	if (!found)
		print_message("stderr: %s\n", text ? text : "(none)");
	free(text);
	if (!found)
		fail_msg("stderr does not say \"%s\"", part);
}

/* Every process the harness started has ended and been reaped: none is left a child of
 * this test, the subreaper of whatever the harness left behind. */
static void assert_nothing_left(void)
{
	pid_t kids[4];

	for (int i = 0; i < 100 && tu_children_of(getpid(), kids, 4); i++) {
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	assert_int_equal(tu_children_of(getpid(), kids, 4), 0);
}

static json_t *run_json(const struct tu_run_dirs *f)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/run.json", f->out);
	return json_load_file(path, 0, NULL);
}

static int setup(void **state)
{
	struct tu_run_dirs *f;

	if (tu_run_dirs_setup(state) < 0)
		return -1;
	f = *state;
	return chmod(f->dir, 0755); /* the targets may run as nobody: they must reach what they are given */
}

static const struct region_estimate *region_of(const struct analysis *a, const char *variant, const char *name)
{
	int s = analysis_find_series(a, &(struct series_key){ variant, 2, -1, -1 });

	assert_true(s >= 0);
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (strcmp(a->table->region[r], name) == 0)
			return &a->series[s].region[r];
	fail_msg("no region %s", name);
	return NULL;
}

static int region_index(const struct analysis *a, const char *name)
{
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (strcmp(a->table->region[r], name) == 0)
			return (int)r;
	fail_msg("no region %s", name);
	return -1;
}

static void assert_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.3f, expected %.3f +- %.3f", what, got, want, tol);
}

/* Range of 2000 uniform draws over 2^b granules: short of the full span by about 2/2001
 * of it, corrected for N: within 0.05 bit of b. */
static void check_known(const struct analysis *a, double rnd_bits)
{
	const struct region_estimate *small = region_of(a, "target-pie", "lib_libaslr_target_small_so");
	const struct region_estimate *big = region_of(a, "target-biglib", "lib_libaslr_biglib_so");
	const struct region_estimate *nopie = region_of(a, "target-nopie", "exe");
	int s_static = analysis_find_series(a, &(struct series_key){ "target-static-pie", 2, -1, -1 });

	assert_int_equal(small->alignment_bit, 12);
	assert_near(small->range_bits, rnd_bits, 0.05, "small library");
	assert_int_equal(big->alignment_bit, 21);
	assert_near(big->range_bits, rnd_bits - 9, 0.05, "library over 2 MiB");
	assert_int_equal(nopie->kind, KIND_CONSTANT);
	assert_int_equal(region_of(a, "target-pie", "exe")->alignment_bit, 12);
	/* static-pie: the executable is placed like a library, at the mmap base, beside the vDSO */
	assert_near(region_of(a, "target-static-pie", "exe")->range_bits, rnd_bits, 0.05, "static-pie exe");
	assert_true(conditional_bits(a, (unsigned)s_static, (unsigned)region_index(a, "exe"),
				     (unsigned)region_index(a, "vdso"), NULL) == 0);
	assert_true(region_of(a, "target-static-pie", "ld")->absent);
	assert_true(region_of(a, "target-static-pie", "tls")->absent);
}

static void test_known_layouts(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--target" }, (char[]){ TARGET("target-pie") }, (char[]){ "--target" },
			  (char[]){ TARGET("target-biglib") }, (char[]){ "--target" }, (char[]){ TARGET("target-static-pie") },
			  (char[]){ "--target" }, (char[]){ TARGET("target-nopie") }, (char[]){ "--samples" },
			  (char[]){ "2000" }, (char[]){ "--no-analyze" } };
	struct sample_table t;
	struct analysis a;
	struct aslr_error err;
	char csv[700];

	if (tu_read_int(VA_SPACE) != 2) {
		print_message("randomize_va_space is not 2: the bits of mode 2 cannot be checked: skipped\n");
		skip();
	}
	assert_int_equal(harness(f, extra, 11), 0);
	snprintf(csv, sizeof(csv), "%s/samples.csv", f->out);
	assert_int_equal(samples_load(&t, csv, &err), 0);
	assert_int_equal(analysis_compute(&a, &t, &err), 0);
	assert_int_equal(conditional_compute(&a, &err), 0);
	check_known(&a, tu_read_int("/proc/sys/vm/mmap_rnd_bits"));
	analysis_free(&a);
	samples_free(&t);
	assert_nothing_left();
}

/* main never runs; the constructor does, as nobody when the harness is root. */
static void test_main_never_runs(void **state)
{
	struct tu_run_dirs *f = *state;
	char dir[700], file[800], ctor[900], *text;
	char *extra[] = { (char[]){ "--target" }, (char[]){ TARGET("target-touch") }, (char[]){ "--samples" },
			  (char[]){ "50" }, (char[]){ "--no-analyze" }, (char[]){ "--" }, file };
	struct passwd *nobody = getpwnam("nobody");
	struct stat st;
	json_t *run;

	snprintf(dir, sizeof(dir), "%s/shared", f->dir);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 0777), 0); /* whoever the target runs as could create the file */
	snprintf(file, sizeof(file), "%s/created-by-main", dir);
	snprintf(ctor, sizeof(ctor), "%s.ctor", file);
	assert_int_equal(harness(f, extra, 7), 0);
	assert_int_equal(stat(file, &st), -1);
	text = tu_read_file(ctor, NULL);
	assert_non_null(text);
	if (tu_is_root()) {
		assert_non_null(nobody);
		assert_int_equal(atoi(text), (int)nobody->pw_uid);
		assert_log_says(f, "targets run as nobody");
		run = run_json(f);
		assert_string_equal(json_string_value(json_object_get(json_object_get(run, "run"), "target_user")), "nobody");
		json_decref(run);
	} else {
		assert_int_equal(atoi(text), (int)getuid());
	}
	free(text);
	assert_nothing_left();
}

/* The probe as a target beside the probe itself: one run, one CSV, one analysis and report. */
static void test_probe_beside_itself(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--variants" }, (char[]){ "pie" }, (char[]){ "--target" },
			  (char[]){ ASLR_BIN_DIR "/aslr-probe" }, (char[]){ "--samples" }, (char[]){ "500" } };
	char path[700], *report;
	struct tu_csv csv;

	assert_int_equal(harness(f, extra, 6), 0);
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	assert_int_equal(csv.rows, 1000);
	assert_true(tu_csv_col(&csv, "text") >= 0 && tu_csv_col(&csv, "exe") >= 0);
	assert_string_equal(csv.cell[0][0], "pie");
	assert_string_equal(csv.cell[999][0], "aslr-probe");
	tu_csv_free(&csv);
	snprintf(path, sizeof(path), "%s/report.md", f->out);
	report = tu_read_file(path, NULL);
	assert_non_null(report);
	assert_non_null(strstr(report, "lib_libc_so_6"));
	free(report);
	assert_nothing_left();
}

static void test_not_executable_or_missing(void **state)
{
	struct tu_run_dirs *f = *state;
	char plain[700], *extra[] = { (char[]){ "--target" }, plain };
	struct stat st;

	snprintf(plain, sizeof(plain), "%s/plain", f->dir);
	tu_write_file(plain, "not a program\n");
	chmod(plain, 0644);
	assert_int_equal(harness(f, extra, 2), 2);
	assert_log_says(f, "target is not executable: Permission denied");
	snprintf(plain, sizeof(plain), "%s/missing", f->dir);
	assert_int_equal(harness(f, extra, 2), 2);
	assert_log_says(f, "target is not executable: No such file or directory");
	assert_int_equal(stat(f->out, &st), -1); /* nothing written */
}

/* A script, a missing library, a foreign ELF file: alone, nothing can be measured (exit 1). */
static void test_cannot_be_measured(void **state)
{
	struct tu_run_dirs *f = *state;
	char script[700], foreign[700], *extra[] = { (char[]){ "--target" }, NULL };
	struct { char *path; const char *says, *also; } cases[] = {
		{ script, "a script (#!)", "give the interpreter as the target" },
		{ (char[]){ TARGET("target-missing-lib") }, "exit status 127 before its entry point: \"",
		  "error while loading shared libraries: libaslr-target-gone.so" }, /* the loader's words */
		{ foreign, "cannot be executed: execve: Exec format error (an ELF file for another machine",
		  "e_machine 183" },
	};
	struct stat st;

	snprintf(script, sizeof(script), "%s/script", f->dir);
	tu_write_file(script, "#!/bin/sh\necho hi\n");
	chmod(script, 0755);
	snprintf(foreign, sizeof(foreign), "%s/foreign", f->dir);
	assert_int_equal(tu_foreign_elf(TARGET("target-pie"), foreign), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		extra[1] = cases[i].path;
		assert_int_equal(harness(f, extra, 2), 1);
		assert_log_says(f, cases[i].says);
		assert_log_says(f, cases[i].also);
		assert_int_equal(stat(f->out, &st), -1);
	}
	assert_nothing_left();
}

/* Beside a variant that works, each of them is skipped with its reason. */
static void test_preflight_skips(void **state)
{
	struct tu_run_dirs *f = *state;
	char script[700], foreign[700];
	char *extra[] = { (char[]){ "--variants" }, (char[]){ "pie" }, (char[]){ "--target" }, script,
			  (char[]){ "--target" }, (char[]){ TARGET("target-missing-lib") }, (char[]){ "--target" },
			  foreign, (char[]){ "--samples" }, (char[]){ "30" }, (char[]){ "--no-analyze" } };
	struct tu_csv csv;
	char path[700];
	json_t *run, *skipped;

	snprintf(script, sizeof(script), "%s/script", f->dir);
	tu_write_file(script, "#!/bin/sh\necho hi\n");
	chmod(script, 0755);
	snprintf(foreign, sizeof(foreign), "%s/foreign", f->dir);
	assert_int_equal(tu_foreign_elf(TARGET("target-pie"), foreign), 0);
	assert_int_equal(harness(f, extra, 11), 0);
	assert_log_says(f, "skipped target-missing-lib (");
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	assert_int_equal(csv.rows, 30);
	for (size_t r = 0; r < csv.rows; r++)
		assert_string_equal(csv.cell[r][0], "pie");
	tu_csv_free(&csv);
	run = run_json(f);
	skipped = json_object_get(run, "skipped");
	assert_int_equal(json_array_size(skipped), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(skipped, 0), "variant")), "script");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(skipped, 2), "reason")),
			       "Exec format error"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(skipped, 0), "cause")), "script");
	assert_string_equal(json_string_value(json_object_get(json_array_get(skipped, 1), "cause")), "no_record");
	assert_string_equal(json_string_value(json_object_get(json_array_get(skipped, 2), "cause")), "exec");
	json_decref(run);
	assert_nothing_left();
}

/* A 32-bit program where the kernel runs none: skipped with the errno's text. */
static void test_32bit_without_emulation(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--variants" }, (char[]){ "pie,m32" }, (char[]){ "--samples" }, (char[]){ "30" },
			  (char[]){ "--no-analyze" } };
	char why[128];
	json_t *run, *skipped;

	if (tu_m32_runs(why, sizeof(why)) != TU_M32_REFUSED) {
		print_message("%s: skipped\n", why);
		skip();
	}
	assert_int_equal(harness(f, extra, 5), 0);
	assert_log_says(f, "skipped m32 (");
	assert_log_says(f, "Exec format error (a 32-bit program: this kernel runs none");
	run = run_json(f);
	skipped = json_array_get(json_object_get(run, "skipped"), 0);
	assert_string_equal(json_string_value(json_object_get(skipped, "variant")), "m32");
	assert_string_equal(json_string_value(json_object_get(skipped, "cause")), "no_32bit");
	json_decref(run);
	assert_nothing_left();
}

/* target-flip maps flip/libaslr-flip.so beside it, a symlink; swapped while the harness
 * runs, the target's regions change, and the run stops saying so. */
static void test_libraries_change(void **state)
{
	struct tu_run_dirs *f = *state;
	char flip[700], link[800], tmp[800], exe[700], csv[700];
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" }, (char[]){ "--quiet" },
			 (char[]){ "--no-analyze" }, (char[]){ "--samples" }, (char[]){ "10000000" }, (char[]){ "--out" },
			 f->out, (char[]){ "--target" }, exe, NULL };
	int status;
	pid_t pid;

	snprintf(flip, sizeof(flip), "%s/flip", f->dir);
	snprintf(link, sizeof(link), "%s/libaslr-flip.so", flip);
	snprintf(tmp, sizeof(tmp), "%s/next", flip);
	snprintf(exe, sizeof(exe), "%s/target-flip", f->dir);
	snprintf(csv, sizeof(csv), "%s/samples.csv", f->out);
	assert_int_equal(mkdir(flip, 0755), 0);
	assert_int_equal(symlink(TARGET("libaslr-flip-a.so"), link), 0);
	assert_int_equal(tu_copy_file(TARGET("target-flip"), exe, 0755), 0); /* $ORIGIN: this folder */
	pid = tu_spawn(argv, NULL, f->log);
	assert_true(tu_wait_lines(csv, 20));
	assert_int_equal(symlink(TARGET("libaslr-flip-b.so"), tmp), 0);
	assert_int_equal(rename(tmp, link), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_log_says(f, "target-flip mode 2: the files it maps changed between execs");
	assert_log_says(f, "is lib_libaslr_flip_b_so where the first exec had lib_libaslr_flip_a_so");
	assert_nothing_left();
}

/* A run with a target and its arguments, interrupted, goes on with --resume as it was. */
static void test_resume(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--target" }, (char[]){ TARGET("target-pie") }, (char[]){ "--samples" },
			  (char[]){ "60" }, (char[]){ "--no-analyze" }, (char[]){ "--" }, (char[]){ "an argument" } };
	char *resume[] = { (char[]){ HARNESS }, (char[]){ "--resume" }, f->out, (char[]){ "--quiet" },
			   (char[]){ "--no-analyze" }, NULL };
	char csv[700], json[700], *text, *cut;
	struct tu_csv rows;
	json_t *run;

	assert_int_equal(harness(f, extra, 7), 0);
	snprintf(csv, sizeof(csv), "%s/samples.csv", f->out);
	snprintf(json, sizeof(json), "%s/run.json", f->out);
	run = run_json(f); /* pretend it was interrupted after 20 rows */
	json_object_set_new(run, "status", json_string("interrupted"));
	json_dump_file(run, json, 0);
	json_decref(run);
	text = tu_read_file(csv, NULL);
	cut = text;
	for (int line = 0; line < 21; line++)
		cut = strchr(cut, '\n') + 1;
	*cut = '\0';
	tu_write_file(csv, text);
	free(text);
	assert_true(WIFEXITED(tu_run(resume, NULL, f->log)));
	assert_int_equal(tu_csv_load(csv, &rows), 0);
	assert_int_equal(rows.rows, 60);
	assert_string_equal(rows.cell[59][0], "target-pie");
	assert_int_equal(atoi(rows.cell[59][2]), 59);
	tu_csv_free(&rows);
	run = run_json(f);
	assert_string_equal(json_string_value(json_object_get(run, "status")), "complete");
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(run, "probes"), 0), "target")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(run, "run"), "target_args"), 0)),
			    "an argument");
	json_decref(run);
	assert_nothing_left();
}

/* The harness killed while its target runs a constructor that never returns. */
static void test_harness_killed(void **state)
{
	struct tu_run_dirs *f = *state;
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" }, (char[]){ "--quiet" },
			 (char[]){ "--timeout" }, (char[]){ "60" }, (char[]){ "--out" }, f->out, (char[]){ "--target" },
			 (char[]){ TARGET("target-hang") }, NULL };
	pid_t pid, kids[4];
	int status, found = 0;

	pid = tu_spawn(argv, NULL, f->log);
	for (int i = 0; i < 500 && !found; i++) {
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		found = tu_children_of(pid, kids, 4) > 0;
	}
	assert_true(found);
	nanosleep(&(struct timespec){ 0, 100000000 }, NULL); /* past its execve, in the constructor */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_nothing_left(); /* its child came back to us and ended */
}

static int become_subreaper(void **state)
{
	(void)state;
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_known_layouts, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_main_never_runs, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_probe_beside_itself, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_not_executable_or_missing, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_cannot_be_measured, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_preflight_skips, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_libraries_change, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_harness_killed, setup, tu_run_dirs_teardown),
	};
	/* a test of its own (test_targets_no_ia32): a skipped test makes ctest report the
	 * whole executable skipped, failures of the others included */
	const struct CMUnitTest no_ia32[] = {
		cmocka_unit_test_setup_teardown(test_32bit_without_emulation, setup, tu_run_dirs_teardown),
	};
#ifdef TARGETS_NO_IA32
	(void)tests;
	return cmocka_run_group_tests(no_ia32, become_subreaper, NULL);
#else
	(void)no_ia32;
	return cmocka_run_group_tests(tests, become_subreaper, NULL);
#endif
}
