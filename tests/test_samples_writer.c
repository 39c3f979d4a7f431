/* samples.csv writing: header and rows compared with an independent snprintf rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "samples_writer.h"
#include "test_util.h"

static void test_rows_match_printf(void **state)
{
	char path[512], names[2][33] = { "text", "heap" };
	static struct samples_writer w;
	char *expect = malloc(1 << 22), *got;
	size_t pos = 0, len;
	struct aslr_error err;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	snprintf(path, sizeof(path), "%s/samples.csv", (char *)*state);
	assert_int_equal(samples_writer_create(&w, path, &err), 0);
	assert_int_equal(samples_writer_header(&w, &(struct samples_knobs){ 1, 0 }, names, 2, &err), 0);
	pos += (size_t)sprintf(expect + pos, "variant,mode,seq,mmap_rnd_bits,text,heap\n");
	/* enough rows to pass through several buffer flushes */
	for (uint64_t seq = 0; seq < 20000; seq++) {
		uint64_t v[2] = { x, seq == 7 ? 0 : x >> (seq % 64) };
		struct series_key key = { "pie", (int)(seq % 3), 28 + (int)(seq % 5), -1 };
		assert_int_equal(samples_writer_row(&w, &key, seq, v, 2, &err), 0);
		pos += (size_t)sprintf(expect + pos, "pie,%d,%llu,%d,0x%llx,0x%llx\n", (int)(seq % 3),
				       (unsigned long long)seq, 28 + (int)(seq % 5), (unsigned long long)v[0],
				       (unsigned long long)v[1]);
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	}
	assert_int_equal(samples_writer_close(&w, &err), 0);
	got = tu_read_file(path, &len);
	assert_int_equal(len, pos);
	assert_memory_equal(got, expect, pos);
	free(got);
	free(expect);
}

static void test_refuses_existing_and_symlink(void **state)
{
	char path[512], link[512];
	static struct samples_writer w;
	struct aslr_error err;

	snprintf(path, sizeof(path), "%s/target", (char *)*state);
	snprintf(link, sizeof(link), "%s/samples.csv", (char *)*state);
	assert_int_equal(tu_write_file(path, "precious\n"), 0);
	assert_int_equal(symlink(path, link), 0);
	assert_true(samples_writer_create(&w, link, &err) < 0);
	assert_true(samples_writer_create(&w, path, &err) < 0);
	char *text = tu_read_file(path, NULL);
	assert_string_equal(text, "precious\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows_match_printf, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_refuses_existing_and_symlink, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
