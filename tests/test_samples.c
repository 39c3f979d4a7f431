/* The samples reader on good input: series grouping, ordering, values, optional columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "samples.h"

static void test_series_grouping_and_order(void **state)
{
	static const char csv[] =
		"variant,mode,mmap_rnd_bits,seq,a,b\n"
		"pie,2,32,0,1,0x10\n"
		"pie,0,28,0,2,0x20\n"
		"nopie,1,28,0,3,0x30\n"
		"pie,2,28,0,4,0x40\n"
		"pie,2,32,1,5,0x50\n"
		"pie,0,28,1,6,0x60\n";
	struct sample_table t;
	struct aslr_error err;

	(void)state;
	assert_int_equal(samples_load_buffer(&t, "mem", csv, sizeof(csv) - 1, &err), 0);
	assert_int_equal(t.region_count, 2);
	assert_string_equal(t.region[0], "a");
	assert_string_equal(t.region[1], "b");
	assert_true(t.has_variant && t.has_seq && t.has_rnd_bits && !t.has_rnd_compat_bits);
	assert_int_equal(t.rows, 6);
	assert_int_equal(t.series_count, 4);
	/* pie first (seen first), knobs ascending, then mode; then nopie */
	assert_string_equal(t.series[0].variant, "pie");
	assert_int_equal(t.series[0].rnd_bits, 28);
	assert_int_equal(t.series[0].mode, 0);
	assert_int_equal(t.series[0].rows, 2);
	assert_true(t.series[0].column[0].data[0] == 2 && t.series[0].column[0].data[1] == 6);
	assert_true(t.series[0].column[1].data[1] == 0x60);
	assert_int_equal(t.series[1].rnd_bits, 28);
	assert_int_equal(t.series[1].mode, 2);
	assert_int_equal(t.series[2].rnd_bits, 32);
	assert_int_equal(t.series[2].rows, 2);
	assert_string_equal(t.series[3].variant, "nopie");
	assert_int_equal(t.series[3].rnd_compat_bits, -1);
	samples_free(&t);
}

static void test_many_rows_stay_in_order(void **state)
{
	char *csv = malloc(64 * 100000 + 64);
	size_t len = (size_t)sprintf(csv, "mode,x\n");
	struct sample_table t;
	struct aslr_error err;

	(void)state;
	for (int i = 0; i < 100000; i++)
		len += (size_t)sprintf(csv + len, "%d,0x%x\n", i % 3, i);
	assert_int_equal(samples_load_buffer(&t, "mem", csv, len, &err), 0);
	assert_int_equal(t.series_count, 3);
	for (unsigned s = 0; s < 3; s++) {
		assert_string_equal(t.series[s].variant, "default");
		for (size_t r = 0; r < t.series[s].rows; r++)
			assert_true(t.series[s].column[0].data[r] == 3 * r + s);
	}
	samples_free(&t);
	free(csv);
}

static void test_value_parser(void **state)
{
	const char *why;
	size_t off;
	uint64_t v;

	(void)state;
	assert_int_equal(samples_csv_parse_value("0xffffffffffffffff", 18, &v, &why, &off), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(samples_csv_parse_value("0x0000000000000000001", 21, &v, &why, &off), 0);
	assert_true(v == 1); /* leading zeros are not significant */
	assert_int_equal(samples_csv_parse_value("18446744073709551615", 20, &v, &why, &off), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(samples_csv_parse_value("0", 1, &v, &why, &off), 0);
	assert_true(v == 0);
	assert_int_equal(samples_csv_parse_value("+1", 2, &v, &why, &off), -1);
	assert_int_equal(samples_csv_parse_value(" 1", 2, &v, &why, &off), -1);
}

/* Rows of a series come back in seq order (stable among equal seqs), whatever the file
 * order; other series are untouched, and whole rows move together. */
static void test_rows_in_seq_order(void **state)
{
	static const char csv[] =
		"mode,seq,a,b\n"
		"1,2,0x30,0x300\n"
		"2,0,0x1,0x2\n"
		"1,0,0x10,0x100\n"
		"1,1,0x20,0x200\n"
		"1,1,0x21,0x210\n"
		"2,1,0x3,0x4\n";
	static const uint64_t want_a[] = { 0x10, 0x20, 0x21, 0x30 };
	struct sample_table t;
	struct aslr_error err;

	(void)state;
	assert_int_equal(samples_load_buffer(&t, "mem", csv, sizeof(csv) - 1, &err), 0);
	assert_int_equal(t.series[0].mode, 1);
	assert_int_equal(t.series[0].rows, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_true(t.series[0].column[0].data[i] == want_a[i]);
		assert_true(t.series[0].column[1].data[i] == want_a[i] * 16);
		assert_true(t.series[0].seq.data[i] == (i < 2 ? i : i - 1));
	}
	assert_true(t.series[1].column[0].data[0] == 1 && t.series[1].column[0].data[1] == 3);
	samples_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_in_seq_order),
		cmocka_unit_test(test_series_grouping_and_order),
		cmocka_unit_test(test_many_rows_stay_in_order),
		cmocka_unit_test(test_value_parser),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
