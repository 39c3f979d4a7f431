/* A whole run without root: the knobs are temp files (run_config.paths) and the lock a
 * temp file (run_config.lock_path), so the guardian, the modes, a knob sweep, the lock,
 * a probe that never gives a record and --resume all go through run.c while the real
 * sysctls and /run/aslr-harness.lock are never touched. The probe runs in whatever mode
 * the machine is in: these tests check the run's bookkeeping, not the kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "run.h"
#include "test_util.h"

#define PROBE ASLR_BIN_DIR "/aslr-probe"

struct fixture {
	char *dir;
	char va[600], bits[600], compat[600], thp[600], lock[600], out[600], csv[700];
	struct harness_options opts;
	struct run_config cfg;
	struct resume resume;
	struct run run;
	volatile sig_atomic_t stop;
	struct aslr_error err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	snprintf(f->va, sizeof(f->va), "%s/randomize_va_space", f->dir);
	snprintf(f->bits, sizeof(f->bits), "%s/mmap_rnd_bits", f->dir);
	snprintf(f->compat, sizeof(f->compat), "%s/mmap_rnd_compat_bits", f->dir);
	snprintf(f->thp, sizeof(f->thp), "%s/thp", f->dir);
	snprintf(f->lock, sizeof(f->lock), "%s/lock", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/run", f->dir);
	snprintf(f->csv, sizeof(f->csv), "%s/samples.csv", f->out);
	tu_write_file(f->va, "2\n");
	tu_write_file(f->bits, "31\n");
	tu_write_file(f->compat, "12\n");
	tu_write_file(f->thp, "always [madvise] never\n");
	*state = f;
	return f->dir && mkdir(f->out, 0755) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	resume_free(&f->resume);
	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* The options of `aslr-harness <args>`, and a run of PROBE into f->out. */
static void configure(struct fixture *f, const char *probe, char **args, int n)
{
	char *argv[16] = { (char[]){ "aslr-harness" } };

	for (int i = 0; i < n; i++)
		argv[i + 1] = args[i];
	assert_int_equal(harness_options_parse(&f->opts, n + 1, argv, &f->err), 0);
	f->cfg = (struct run_config){ .opts = &f->opts, .argc = 0, .argv = NULL, .variant_count = 1, .jobs = 2,
				      .lock_path = f->lock, .paths = { f->va, f->bits, f->compat, f->thp },
				      .stop = &f->stop };
	snprintf(f->cfg.out_dir, sizeof(f->cfg.out_dir), "%s", f->out);
	snprintf(f->cfg.variants[0].name, sizeof(f->cfg.variants[0].name), "pie");
	snprintf(f->cfg.variants[0].probe, sizeof(f->cfg.variants[0].probe), "%s", probe);
}

static int run(struct fixture *f)
{
	int rc = run_prepare(&f->run, &f->cfg, &f->err);

	return rc < 0 ? rc : run_execute(&f->run, &f->err);
}

static json_t *run_json(const struct fixture *f)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/run.json", f->out);
	return json_load_file(path, 0, NULL);
}

/* Rows of the series (mode, knob value in column knob_col, or -1) have seq 0..n-1 in order. */
static size_t series_rows_in_order(const struct tu_csv *csv, int mode, int knob_col, int knob)
{
	size_t n = 0;

	for (size_t r = 0; r < csv->rows; r++) {
		if (atoi(csv->cell[r][1]) != mode || (knob_col >= 0 && atoi(csv->cell[r][knob_col]) != knob))
			continue;
		assert_string_equal(csv->cell[r][0], "pie");
		assert_true(tu_csv_u64(csv, r, 2) == n);
		n++;
	}
	return n;
}

static void test_modes_set_and_given_back(void **state)
{
	struct fixture *f = *state;
	char *args[] = { (char[]){ "--modes" }, (char[]){ "0,2" }, (char[]){ "--samples" }, (char[]){ "30" } };
	struct tu_csv csv;
	json_t *info, *series;

	configure(f, PROBE, args, 4);
	assert_int_equal(run(f), 0);
	assert_int_equal(tu_read_int(f->va), 2); /* the original, back */
	assert_int_equal(tu_csv_load(f->csv, &csv), 0);
	assert_int_equal(csv.rows, 60);
	assert_string_equal(csv.header[3], "text");
	assert_int_equal(series_rows_in_order(&csv, 0, -1, 0), 30);
	assert_int_equal(series_rows_in_order(&csv, 2, -1, 0), 30);
	tu_csv_free(&csv);
	info = run_json(f);
	assert_string_equal(json_string_value(json_object_get(info, "status")), "complete");
	series = json_object_get(info, "series");
	assert_int_equal(json_array_size(series), 2);
	for (size_t i = 0; i < 2; i++) { /* each series saw its mode in force, set through the sysctl */
		json_t *s = json_array_get(series, i);
		assert_string_equal(json_string_value(json_object_get(s, "method")), "sysctl");
		assert_int_equal(json_integer_value(json_object_get(s, "randomize_va_space")),
				 json_integer_value(json_object_get(s, "mode")));
		assert_int_equal(json_integer_value(json_object_get(s, "samples")), 30);
	}
	json_decref(info);
}

static void test_knob_sweep(void **state)
{
	struct fixture *f = *state;
	char *args[] = { (char[]){ "--modes" }, (char[]){ "current" }, (char[]){ "--mmap-rnd-bits" },
			 (char[]){ "28,30" }, (char[]){ "--samples" }, (char[]){ "20" } };
	struct tu_csv csv;
	json_t *info, *range;
	int col;

	configure(f, PROBE, args, 6);
	assert_int_equal(run(f), 0);
	assert_int_equal(tu_read_int(f->bits), 31);
	assert_int_equal(tu_read_int(f->va), 2);
	assert_int_equal(tu_csv_load(f->csv, &csv), 0);
	col = tu_csv_col(&csv, "mmap_rnd_bits");
	assert_int_equal(col, 3);
	assert_int_equal(tu_csv_col(&csv, "mmap_rnd_compat_bits"), -1);
	assert_int_equal(series_rows_in_order(&csv, 2, col, 28), 20);
	assert_int_equal(series_rows_in_order(&csv, 2, col, 30), 20);
	assert_int_equal(csv.rows, 40);
	tu_csv_free(&csv);
	info = run_json(f);
	/* a regular file takes every value the run tries: 0..64 */
	range = json_object_get(json_object_get(info, "kernel"), "mmap_rnd_bits_range");
	assert_int_equal(json_integer_value(json_array_get(range, 0)), 0);
	assert_int_equal(json_integer_value(json_array_get(range, 1)), 64);
	assert_int_equal(json_array_size(json_object_get(info, "series")), 2);
	json_decref(info);
}

static void test_probe_without_records(void **state)
{
	struct fixture *f = *state;
	char *args[] = { (char[]){ "--modes" }, (char[]){ "0,2" } };
	char path[700];
	struct stat st;

	configure(f, "/bin/false", args, 2);
	assert_int_equal(run_prepare(&f->run, &f->cfg, &f->err), -ENOEXEC); /* nothing can be measured */
	assert_string_equal(f->err.file, "/bin/false");
	assert_string_equal(f->err.text, "the probe gave no valid record in 20 execs: exit status 1");
	snprintf(path, sizeof(path), "%s/run.json", f->out);
	assert_int_equal(stat(path, &st), -1); /* nothing written */
	assert_int_equal(tu_read_int(f->va), 2);
	configure(f, PROBE, args, 2); /* the lock was given back */
	assert_int_equal(run_prepare(&f->run, &f->cfg, &f->err), 0);
	run_abort(&f->run);
}

static void test_lock_held_by_another(void **state)
{
	struct fixture *f = *state;
	char *changing[] = { (char[]){ "--modes" }, (char[]){ "0,2" } };
	char *reading[] = { (char[]){ "--modes" }, (char[]){ "current" } };
	int fd = open(f->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	configure(f, PROBE, changing, 2);
	assert_int_equal(run_prepare(&f->run, &f->cfg, &f->err), -EBUSY);
	configure(f, PROBE, reading, 2);
	assert_int_equal(run_prepare(&f->run, &f->cfg, &f->err), -EBUSY);
	close(fd);
	assert_int_equal(tu_read_int(f->va), 2);
}

/* Keep the header and the first `rows` rows of f->csv, plus an unfinished row; mark
 * run.json interrupted. */
static void interrupt_after(struct fixture *f, int rows)
{
	char *text = tu_read_file(f->csv, NULL), *p = text, path[700];
	json_t *info = run_json(f);

	for (int l = 0; l <= rows; l++)
		p = strchr(p, '\n') + 1;
	strcpy(p, "pie,2,9,0x55");
	assert_int_equal(tu_write_file(f->csv, text), 0);
	free(text);
	json_object_set_new(info, "status", json_string("interrupted"));
	snprintf(path, sizeof(path), "%s/run.json", f->out);
	assert_int_equal(json_dump_file(info, path, 0), 0);
	json_decref(info);
}

static int resume_run(struct fixture *f)
{
	struct run_config *cfg = &f->cfg;
	int rc;

	memset(&f->opts, 0, sizeof(f->opts));
	*cfg = (struct run_config){ .opts = &f->opts, .jobs = 2, .lock_path = f->lock,
				    .paths = { f->va, f->bits, f->compat, f->thp }, .stop = &f->stop,
				    .resume = &f->resume };
	resume_free(&f->resume);
	rc = resume_load(&f->resume, f->out, &f->opts, cfg, &f->err);
	if (rc == 0)
		rc = resume_check_probes(&f->resume, cfg, &f->err);
	return rc < 0 ? rc : run(f);
}

static void test_resume(void **state)
{
	struct fixture *f = *state;
	char *args[] = { (char[]){ "--modes" }, (char[]){ "0,2" }, (char[]){ "--samples" }, (char[]){ "30" } };
	struct tu_csv csv;
	json_t *info;

	configure(f, PROBE, args, 4);
	assert_int_equal(run(f), 0);
	interrupt_after(f, 37); /* mode 0 complete, 7 rows of mode 2 */
	assert_int_equal(resume_run(f), 0);
	assert_int_equal(tu_read_int(f->va), 2);
	assert_int_equal(tu_csv_load(f->csv, &csv), 0); /* the unfinished row is gone */
	assert_int_equal(csv.rows, 60);
	assert_int_equal(series_rows_in_order(&csv, 0, -1, 0), 30);
	assert_int_equal(series_rows_in_order(&csv, 2, -1, 0), 30);
	tu_csv_free(&csv);
	info = run_json(f);
	assert_string_equal(json_string_value(json_object_get(info, "status")), "complete");
	assert_int_equal(json_array_size(json_object_get(info, "resumed")), 1);
	json_decref(info);
}

static void test_resume_refuses_damage_before_writing(void **state)
{
	struct fixture *f = *state;
	char *args[] = { (char[]){ "--modes" }, (char[]){ "2" }, (char[]){ "--samples" }, (char[]){ "30" } };
	char *csv_before, *json_before, *after, json_path[700], *row;

	configure(f, PROBE, args, 4);
	assert_int_equal(run(f), 0);
	interrupt_after(f, 20);
	csv_before = tu_read_file(f->csv, NULL);
	row = csv_before;
	for (int l = 1; l < 11; l++) /* line 11: seq 9 */
		row = strchr(row, '\n') + 1;
	row[6] = '8'; /* "pie,2,9," becomes "pie,2,8," */
	assert_int_equal(tu_write_file(f->csv, csv_before), 0);
	snprintf(json_path, sizeof(json_path), "%s/run.json", f->out);
	json_before = tu_read_file(json_path, NULL);
	assert_int_equal(resume_run(f), -EINVAL);
	assert_int_equal(f->err.kind, ASLR_ERR_INPUT);
	assert_int_equal(f->err.line, 11);
	assert_int_equal(f->err.column, 7);
	assert_string_equal(f->err.text, "cannot resume: seq 8 where 9 was due");
	after = tu_read_file(f->csv, NULL);
	assert_string_equal(after, csv_before);
	free(after);
	after = tu_read_file(json_path, NULL);
	assert_string_equal(after, json_before);
	free(after);
	free(csv_before);
	free(json_before);
	assert_int_equal(tu_read_int(f->va), 2);
}

/* A variant the kernel cannot execute (an ELF file for another machine here; the 32-bit
 * probe is one on a kernel without ia32 emulation) is skipped with the reason before
 * anything changes, and the others are sampled (it used to fail the whole run). */
static void test_unrunnable_variant_skipped(void **state)
{
	struct fixture *f = *state;
	char *args[] = { (char[]){ "--modes" }, (char[]){ "0,2" }, (char[]){ "--samples" }, (char[]){ "20" } };
	char foreign[700];
	struct tu_csv csv;
	json_t *info, *skipped;

	snprintf(foreign, sizeof(foreign), "%s/aslr-probe-foreign", f->dir);
	assert_int_equal(tu_foreign_elf(PROBE, foreign), 0);
	configure(f, PROBE, args, 4);
	f->cfg.variant_count = 2;
	snprintf(f->cfg.variants[1].name, sizeof(f->cfg.variants[1].name), "foreign");
	snprintf(f->cfg.variants[1].probe, sizeof(f->cfg.variants[1].probe), "%s", foreign);
	assert_int_equal(run(f), 0);
	assert_int_equal(tu_read_int(f->va), 2);
	assert_int_equal(tu_csv_load(f->csv, &csv), 0);
	assert_int_equal(series_rows_in_order(&csv, 0, -1, 0), 20); /* every row is pie's */
	assert_int_equal(series_rows_in_order(&csv, 2, -1, 0), 20);
	assert_int_equal(csv.rows, 40);
	tu_csv_free(&csv);
	info = run_json(f);
	skipped = json_object_get(info, "skipped");
	assert_int_equal(json_array_size(skipped), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(skipped, 0), "variant")), "foreign");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(skipped, 0), "reason")),
			       "execve: Exec format error"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(skipped, 0), "cause")), "exec");
	assert_int_equal(json_array_size(json_object_get(info, "probes")), 1);
	json_decref(info);
}

/* --preset precise announces the execs of every series: each knob value is a series of its own. */
static void test_series_count(void **state)
{
	struct fixture *f = *state;
	char *args[] = { (char[]){ "--modes" }, (char[]){ "0,2" }, (char[]){ "--mmap-rnd-bits" }, (char[]){ "28,30" },
			 (char[]){ "--mmap-rnd-compat-bits" }, (char[]){ "8-10" } };

	configure(f, PROBE, args, 6);
	assert_int_equal(run_prepare(&f->run, &f->cfg, &f->err), 0);
	assert_int_equal(run_series_count(&f->run), 2 * 2 * 3);
	run_abort(&f->run);
	assert_int_equal(tu_read_int(f->bits), 31);
	assert_int_equal(tu_read_int(f->compat), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_modes_set_and_given_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_knob_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_without_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrunnable_variant_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_held_by_another, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_refuses_damage_before_writing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
