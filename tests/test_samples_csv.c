/* samples.csv's format: the header and rows the harness writes, spelled out by hand or
 * rendered independently with printf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_column_names),
		cmocka_unit_test(test_row_and_its_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
