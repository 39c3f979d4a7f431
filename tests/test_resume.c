/* --resume's reading of a run folder: run.json into the options, the probe's SHA-256,
 * and samples.csv scanned row by row (damage refused at its FILE:LINE:COLUMN, found
 * with strstr in the row written, and the file left as it was). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probeinfo.h"
#include "resume.h"
#include "run.h"
#include "test_util.h"

#define HEADER "variant,mode,seq,text,heap\n"

struct fixture {
	char *dir;
	char csv[600];
	char json[600];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	snprintf(f->csv, sizeof(f->csv), "%s/samples.csv", f->dir);
	snprintf(f->json, sizeof(f->json), "%s/run.json", f->dir);
	*state = f;
	return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Rows of two series interleaved as two workers finish them: pie mode 0 and pie mode 2. */
static const char good_rows[] = "pie,0,0,0x55d0c0a01000,0x55d0c1b2e000\n"
				"pie,2,0,0x5600c0a01000,0x5600c1b2e000\n"
				"pie,0,1,0x55d0c0a01000,0x55d0c1b2e000\n"
				"pie,2,1,0x5611c0a01000,0x5611c1b2e000\n"
				"pie,2,2,0x5622c0a01000,0x5622c1b2e000\n";

static int scan(struct resume *r, const char *path, struct aslr_error *err)
{
	return resume_scan_samples(r, path, HEADER, strlen(HEADER), err);
}

static void test_counts_rows_of_each_series(void **state)
{
	struct fixture *f = *state;
	struct resume r = { 0 };
	struct aslr_error err;

	assert_int_equal(tu_write_file(f->csv, HEADER), 0);
	assert_int_equal(scan(&r, f->csv, &err), 0);
	assert_true(resume_rows(&r, &(struct series_key){ "pie", 0, -1, -1 }) == 0);
	resume_free(&r);
	assert_int_equal(tu_write_file(f->csv, HEADER "pie,0,0,0x1,0x2\npie,2,0,0x1,0x2\npie,0,1,0x1,0x2\n"), 0);
	assert_int_equal(scan(&r, f->csv, &err), 0);
	assert_true(resume_rows(&r, &(struct series_key){ "pie", 0, -1, -1 }) == 2);
	assert_true(resume_rows(&r, &(struct series_key){ "pie", 2, -1, -1 }) == 1);
	assert_true(resume_rows(&r, &(struct series_key){ "pie", 1, -1, -1 }) == 0);
	assert_true(resume_rows(&r, &(struct series_key){ "nopie", 0, -1, -1 }) == 0);
	assert_true(resume_rows(NULL, &(struct series_key){ "pie", 0, -1, -1 }) == 0); /* not a resume */
	resume_free(&r);
}

/* Write HEADER, good_rows with `from` replaced by `to` (in the row at line `line`), and
 * an unfinished row a kill cut short; the scan must refuse at line `line`, at the column
 * where `at` is in the damaged row plus skip, and leave the file as it was. */
static void check_damage(struct fixture *f, const char *from, const char *to, long line, const char *at,
			 long skip, const char *says)
{
	char text[1024], *row, *before, *after;
	struct resume r = { 0 };
	struct aslr_error err;
	size_t len;

	snprintf(text, sizeof(text), "%s%s", HEADER, good_rows);
	row = strstr(text, from);
	assert_non_null(row);
	memmove(row + strlen(to), row + strlen(from), strlen(row + strlen(from)) + 1);
	memcpy(row, to, strlen(to));
	strcat(text, "pie,0,2,0x55d0c0");
	assert_int_equal(tu_write_file(f->csv, text), 0);
	before = tu_read_file(f->csv, &len);
	row = text;
	for (long l = 1; l < line; l++)
		row = strchr(row, '\n') + 1;
	assert_int_equal(scan(&r, f->csv, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_string_equal(err.file, f->csv);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, strstr(row, at) - row + 1 + skip);
	if (!strstr(err.text, says))
		fail_msg("'%s' does not say '%s'", err.text, says);
	after = tu_read_file(f->csv, NULL);
	assert_string_equal(after, before);
	free(before);
	free(after);
	resume_free(&r);
}

static void test_bad_hex_refused(void **state)
{
	check_damage(*state, "pie,0,1,0x55d0c0a01000", "pie,0,1,0x55d0c0q01000", 4, "0x55d0c0q", 8,
		     "text: not a hex digit");
}

static void test_missing_cell_refused(void **state)
{
	check_damage(*state, "pie,2,1,0x5611c0a01000,", "pie,2,1,", 5, "0x5611c1b2e000", 14,
		     "4 cells, the header has 5 columns");
}

static void test_wrong_seq_refused(void **state)
{
	check_damage(*state, "pie,2,1,", "pie,2,7,", 5, "7", 0, "seq 7 where 1 was due");
}

static void test_bad_mode_refused(void **state)
{
	check_damage(*state, "pie,2,2,", "pie,x,2,", 6, "x", 0, "mode (0, 1 or 2): not a decimal digit");
}

static void test_foreign_header_refused(void **state)
{
	struct fixture *f = *state;
	struct resume r = { 0 };
	struct aslr_error err;

	assert_int_equal(tu_write_file(f->csv, "variant,mode,seq,text\npie,0,0,0x1\n"), 0);
	assert_int_equal(scan(&r, f->csv, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.text, "the header is not the one this run writes"));
	resume_free(&r);
}

static const char run_json[] =
	"{\"status\": \"interrupted\", \"run\": {\"samples\": 100, \"modes\": [0, 2], \"modes_current\": false,"
	" \"timeout_sec\": 2.5, \"user\": null, \"mmap_rnd_bits\": [28, 30]},"
	" \"probes\": [{\"variant\": \"pie\", \"path\": \"/nowhere/aslr-probe\", \"sha256\": \"%s\"}]}\n";

static int load(struct fixture *f, const char *sha, struct resume *r, struct harness_options *opts,
		struct run_config *cfg, struct aslr_error *err)
{
	char text[2048];

	snprintf(text, sizeof(text), run_json, sha);
	assert_int_equal(tu_write_file(f->json, text), 0);
	memset(opts, 0, sizeof(*opts));
	memset(cfg, 0, sizeof(*cfg));
	return resume_load(r, f->dir, opts, cfg, err);
}

static void test_load_takes_the_run_from_run_json(void **state)
{
	struct fixture *f = *state;
	struct harness_options opts;
	struct run_config cfg;
	struct resume r;
	struct aslr_error err;

	assert_int_equal(load(f, "00", &r, &opts, &cfg, &err), 0);
	assert_true(opts.samples == 100);
	assert_int_equal(opts.mode_count, 2);
	assert_int_equal(opts.modes[1], 2);
	assert_false(opts.modes_current);
	assert_true(opts.timeout_sec == 2.5);
	assert_null(opts.user);
	assert_int_equal(opts.rnd_bits.count, 2);
	assert_int_equal(opts.rnd_bits.value[1], 30);
	assert_int_equal(opts.rnd_compat_bits.count, 0);
	assert_int_equal(cfg.variant_count, 1);
	assert_string_equal(cfg.variants[0].name, "pie");
	assert_string_equal(cfg.variants[0].probe, "/nowhere/aslr-probe");
	assert_string_equal(cfg.out_dir, f->dir);
	resume_free(&r);
}

static void test_load_refuses(void **state)
{
	struct fixture *f = *state;
	struct harness_options opts;
	struct run_config cfg = { 0 };
	struct resume r;
	struct aslr_error err;

	assert_int_equal(tu_write_file(f->json, "{\"status\": \"complete\"}"), 0);
	assert_int_equal(resume_load(&r, f->dir, &opts, &cfg, &err), -EALREADY);
	assert_int_equal(err.kind, ASLR_ERR_WORK);
	resume_free(&r);
	assert_int_equal(tu_write_file(f->json, "{\"status\": \"interrupted\",\n \"run\": }"), 0);
	assert_int_equal(resume_load(&r, f->dir, &opts, &cfg, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_int_equal(err.line, 2); /* jansson's position of the stray '}' */
	resume_free(&r);
	assert_int_equal(tu_write_file(f->json, "{\"status\": \"interrupted\", \"run\": {\"samples\": 10}}"), 0);
	assert_int_equal(resume_load(&r, f->dir, &opts, &cfg, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_non_null(strstr(err.text, "run.json has no samples or modes"));
	resume_free(&r);
}

/* Copy src to dst byte for byte. */
static void copy_file(const char *src, const char *dst)
{
	size_t len;
	char *bytes = tu_read_file(src, &len);
	FILE *out = fopen(dst, "wb");

	assert_non_null(bytes);
	assert_non_null(out);
	assert_int_equal(fwrite(bytes, 1, len, out), len);
	assert_int_equal(fclose(out), 0);
	free(bytes);
}

static void test_changed_probe_refused(void **state)
{
	struct fixture *f = *state;
	struct harness_options opts;
	struct run_config cfg;
	struct probe_info info;
	struct resume r;
	struct aslr_error err;
	FILE *fp;

	assert_int_equal(load(f, "0123", &r, &opts, &cfg, &err), 0);
	snprintf(cfg.variants[0].probe, sizeof(cfg.variants[0].probe), "%s/probe", f->dir);
	copy_file(ASLR_BIN_DIR "/aslr-probe", cfg.variants[0].probe);
	assert_int_equal(probe_info_read(cfg.variants[0].probe, &info, &err), 0);
	snprintf(r.sha256[0], sizeof(r.sha256[0]), "%s", info.sha256); /* as run.json recorded it */
	assert_int_equal(resume_check_probes(&r, &cfg, &err), 0);
	fp = fopen(cfg.variants[0].probe, "ab");
	fputs("changed", fp);
	fclose(fp);
	assert_int_equal(resume_check_probes(&r, &cfg, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_non_null(strstr(err.text, "the probe changed since the run started"));
	resume_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_rows_of_each_series, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_hex_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_cell_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_seq_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_header_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_takes_the_run_from_run_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_probe_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
