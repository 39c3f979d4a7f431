/* samples.csv's format: the header and rows the harness writes, spelled out by hand or
 * rendered independently with printf; the strict reader on what the writer writes and on
 * damaged rows, each refused at the column found with strstr in the row itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "samples_csv.h"

static char names[2][RECORD_NAME_MAX + 1] = { "text", "heap" };

static void test_header(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	samples_csv_header(&sb, &(struct samples_knobs){ 0, 0 }, names, 2);
	assert_string_equal(sb.text, "variant,mode,seq,text,heap\n");
	strbuf_free(&sb);
	samples_csv_header(&sb, &(struct samples_knobs){ 1, 0 }, names, 2);
	assert_string_equal(sb.text, "variant,mode,seq,mmap_rnd_bits,text,heap\n");
	strbuf_free(&sb);
	samples_csv_header(&sb, &(struct samples_knobs){ 0, 1 }, names, 1);
	assert_string_equal(sb.text, "variant,mode,seq,mmap_rnd_compat_bits,text\n");
	strbuf_free(&sb);
	samples_csv_header(&sb, &(struct samples_knobs){ 1, 1 }, names, 0);
	assert_string_equal(sb.text, "variant,mode,seq,mmap_rnd_bits,mmap_rnd_compat_bits\n");
	strbuf_free(&sb);
}

static void test_column_names(void **state)
{
	(void)state;
	assert_null(samples_csv_column_name(SAMPLES_CSV_REGION));
	assert_string_equal(samples_csv_column_name(SAMPLES_CSV_VARIANT), "variant");
	assert_string_equal(samples_csv_column_name(SAMPLES_CSV_SEQ), "seq");
	assert_string_equal(samples_csv_column_name(SAMPLES_CSV_RND_COMPAT_BITS), "mmap_rnd_compat_bits");
	assert_null(samples_csv_column_name(SAMPLES_CSV_FIXED_END));
}

/* The widest row there can be (every number at its longest) fills samples_csv_row_max exactly. */
static void test_row_and_its_bound(void **state)
{
	uint64_t values[RECORD_MAX_REGIONS];
	char *buf = malloc(samples_csv_row_max(3, RECORD_MAX_REGIONS) + 1), want[64];
	struct series_key key = { "pie", 2, 28, 16 };
	size_t len;

	(void)state;
	values[0] = 0x7ffd1234;
	values[1] = 0;
	len = samples_csv_row(buf, &(struct samples_knobs){ 1, 0 }, &key, 41, values, 2);
	snprintf(want, sizeof(want), "pie,2,41,28,0x%llx,0x0\n", 0x7ffd1234ULL);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
	for (unsigned i = 0; i < RECORD_MAX_REGIONS; i++)
		values[i] = UINT64_MAX;
	key = (struct series_key){ "pie", -1, -1, -1 }; /* -1 as uint64_t: 20 digits */
	len = samples_csv_row(buf, &(struct samples_knobs){ 1, 1 }, &key, UINT64_MAX, values, RECORD_MAX_REGIONS);
	assert_int_equal(len, samples_csv_row_max(3, RECORD_MAX_REGIONS));
	free(buf);
}

/* The reader gives back what the writer wrote. */
static void test_read_back_what_was_written(void **state)
{
	struct samples_knobs knobs = { 1, 1 };
	struct series_key key = { "static-pie", 1, 30, 16 };
	uint64_t values[2] = { 0x55d0c0a01189ULL, UINT64_MAX }, got[2];
	struct samples_csv_layout layout;
	struct samples_csv_row row = { .value = got };
	struct strbuf header = { 0 };
	struct aslr_error err;
	char line[256];
	size_t len;

	(void)state;
	samples_csv_header(&header, &knobs, names, 2);
	assert_int_equal(samples_csv_parse_header(&layout, header.text, header.len - 1, "s.csv", &err), 0);
	assert_int_equal(layout.columns, 7);
	assert_int_equal(layout.region_count, 2);
	assert_string_equal(layout.region[1], "heap");
	assert_true(layout.has_variant && layout.has_seq && layout.has_rnd_bits && layout.has_rnd_compat_bits);
	len = samples_csv_row(line, &knobs, &key, 12345, values, 2);
	assert_int_equal(samples_csv_parse_row(&layout, line, len - 1, "s.csv", 2, &row, &err), 0);
	assert_true(series_key_equal(&row.key, &key));
	assert_true(row.seq == 12345);
	assert_int_equal(row.seq_column, strlen("static-pie,1,") + 1);
	assert_true(got[0] == values[0] && got[1] == values[1]);
	samples_csv_layout_free(&layout);
	strbuf_free(&header);
}

/* A CSV of another tool: no variant, no seq, decimal cells. */
static void test_optional_columns(void **state)
{
	static const char header[] = "mode,a";
	struct samples_csv_layout layout;
	uint64_t got[1];
	struct samples_csv_row row = { .value = got };
	struct aslr_error err;

	(void)state;
	assert_int_equal(samples_csv_parse_header(&layout, header, strlen(header), "t.csv", &err), 0);
	assert_false(layout.has_variant || layout.has_seq || layout.has_rnd_bits);
	assert_int_equal(samples_csv_parse_row(&layout, "2,4096", 6, "t.csv", 9, &row, &err), 0);
	assert_string_equal(row.key.variant, SAMPLES_CSV_DEFAULT_VARIANT);
	assert_int_equal(row.key.mode, 2);
	assert_int_equal(row.key.rnd_bits, -1);
	assert_int_equal(row.seq_column, 0);
	assert_true(got[0] == 4096);
	samples_csv_layout_free(&layout);
}

/* Parse a damaged row of the harness's layout: -EINVAL, bad input at line 7 and the
 * column where `at` starts in the row (plus skip bytes into it). */
static void check_refused(const char *bad_row, const char *at, long skip, const char *says)
{
	static const char header[] = "variant,mode,seq,mmap_rnd_bits,text,heap";
	struct samples_csv_layout layout;
	uint64_t got[2];
	struct samples_csv_row row = { .value = got };
	struct aslr_error err;

	assert_int_equal(samples_csv_parse_header(&layout, header, strlen(header), "s.csv", &err), 0);
	assert_int_equal(samples_csv_parse_row(&layout, bad_row, strlen(bad_row), "s.csv", 7, &row, &err), -EINVAL);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_string_equal(err.file, "s.csv");
	assert_int_equal(err.line, 7);
	assert_int_equal(err.column, strstr(bad_row, at) - bad_row + 1 + skip);
	if (!strstr(err.text, says))
		fail_msg("%s: '%s' does not say '%s'", bad_row, err.text, says);
	samples_csv_layout_free(&layout);
}

static void test_damaged_rows(void **state)
{
	(void)state;
	check_refused("pie,2,5,28,0x7f0z12,0x1", "0x7f0z", 5, "text: not a hex digit");
	check_refused("pie,2,5,28,0x7f0012", "0x7f0012", 8, "5 cells, the header has 6 columns");
	check_refused("pie,2,5,28,0x1,0x2,0x3", "0x3", 0, "more cells than the header's 6 columns");
	check_refused("pie,2,5x,28,0x1,0x2", "5x", 1, "seq: not a decimal digit");
	check_refused("pie,2,5,65,0x1,0x2", "65", 0, "mmap_rnd_bits must be at most 64");
	check_refused("pie,3,5,28,0x1,0x2", "3", 0, "mode (0, 1 or 2) must be at most 2");
	check_refused("p/e,2,5,28,0x1,0x2", "/", 0, "'/' not allowed in a variant name");
	check_refused("pie,2,,28,0x1,0x2", ",,", 1, "seq: empty cell");
}

/* A bad knob cell is named by its own column. */
static void test_compat_cell_named(void **state)
{
	static const char header[] = "variant,mode,seq,mmap_rnd_compat_bits,text";
	struct samples_csv_layout layout;
	uint64_t got[1];
	struct samples_csv_row row = { .value = got };
	struct aslr_error err;

	(void)state;
	assert_int_equal(samples_csv_parse_header(&layout, header, strlen(header), "s.csv", &err), 0);
	assert_int_equal(samples_csv_parse_row(&layout, "pie,2,0,65,0x1", 14, "s.csv", 2, &row, &err), -EINVAL);
	assert_int_equal(err.column, 9);
	assert_string_equal(err.text, "mmap_rnd_compat_bits must be at most 64");
	samples_csv_layout_free(&layout);
}

static void test_bad_headers(void **state)
{
	struct samples_csv_layout layout;
	struct aslr_error err;

	(void)state;
	assert_int_equal(samples_csv_parse_header(&layout, "variant,seq,a", 13, "h.csv", &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.text, "no 'mode' column"));
	assert_int_equal(samples_csv_parse_header(&layout, "mode,a,a", 8, "h.csv", &err), -EINVAL);
	assert_int_equal(err.column, 8);
	assert_non_null(strstr(err.text, "duplicate column 'a'"));
	assert_null(layout.region); /* nothing left to free */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_column_names),
		cmocka_unit_test(test_row_and_its_bound),
		cmocka_unit_test(test_read_back_what_was_written),
		cmocka_unit_test(test_optional_columns),
		cmocka_unit_test(test_damaged_rows),
		cmocka_unit_test(test_compat_cell_named),
		cmocka_unit_test(test_bad_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
