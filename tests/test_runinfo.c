/* run.json's pieces: SHA-256 against FIPS 180-4 test vectors, the probe's ELF facts,
 * the machine facts read from temp files, series and status updates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel_runinfo.h"
#include "probeinfo.h"
#include "runinfo.h"
#include "sha256.h"
#include "test_util.h"

static void hex_of(const char *msg, size_t len, size_t repeat, char hex[65])
{
	struct sha256 ctx;
	unsigned char d[32];

	sha256_init(&ctx);
	for (size_t i = 0; i < repeat; i++)
		sha256_update(&ctx, msg, len);
	sha256_final(&ctx, d);
	sha256_hex(d, hex);
}

static void test_sha256_vectors(void **state)
{
	char hex[65];

	(void)state;
	hex_of("", 0, 1, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hex_of("abc", 3, 1, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 1, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	hex_of("a", 1, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_probe_info(void **state)
{
	struct probe_info info;
	struct aslr_error err;

	(void)state;
	assert_int_equal(probe_info_read(ASLR_BIN_DIR "/aslr-probe", &info, &err), 0);
	assert_int_equal(info.elf_class, 64);
	assert_string_equal(info.elf_type, "DYN");
	assert_true(info.pt_load_align >= 4096);
	assert_true(info.size > 1000);
	assert_int_equal(strlen(info.sha256), 64);
	assert_int_equal(probe_info_read(ASLR_TEST_DATA "/../CMakeLists.txt", &info, &err), -8);
}

static void test_selected_choice(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(runinfo_selected_choice("always [madvise] never\n", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "madvise");
	assert_int_equal(runinfo_selected_choice("[always] madvise never", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "always");
	assert_true(runinfo_selected_choice("always madvise", buf, sizeof(buf)) < 0);
}

static void test_runinfo_facts_from_files(void **state)
{
	char *dir = tu_mkdtemp(), va[512], bits[512], compat[512], thp[512], path[600];
	static char a0[] = "aslr-harness", a1[] = "--samples";
	char *argv[] = { a0, a1 };
	static char e0[] = "PATH=/usr/bin:/bin", e1[] = "LC_ALL=C";
	char *const env[] = { e0, e1, NULL };
	int modes[] = { 0, 2 };
	struct runinfo_probe probe = { "pie", ASLR_BIN_DIR "/aslr-probe", 0 };
	struct runinfo_paths paths = { va, bits, compat, thp };
	struct runinfo_config cfg = { .argc = 2, .argv = argv, .paths = &paths, .probe_count = 1,
				      .probes = &probe, .probe_env = env, .jobs = 2, .samples = 100,
				      .timeout_sec = 5, .mode_count = 2, .modes = modes };
	struct failure_tally tally = { .execs = 103, .failed = 3, .count = { [FAILURE_SIGNAL] = 3 } };
	struct aslr_error err;
	json_t *info, *loaded;

	(void)state;
	snprintf(va, sizeof(va), "%s/va", dir);
	snprintf(bits, sizeof(bits), "%s/bits", dir);
	snprintf(compat, sizeof(compat), "%s/compat", dir);
	snprintf(thp, sizeof(thp), "%s/thp", dir);
	tu_write_file(va, "1\n");
	tu_write_file(bits, "31\n");
	tu_write_file(compat, "12\n");
	tu_write_file(thp, "[always] madvise never\n");
	info = runinfo_new(&cfg, &err);
	assert_non_null(info);
	runinfo_set_series(info, &(struct runinfo_series){ .key = { "pie", 0, -1, -1 }, .method = "sysctl",
		.va_space = 0, .samples = 100, .tally = &tally, .seconds = 2.0 });
	runinfo_set_series(info, &(struct runinfo_series){ .key = { "pie", 2, -1, -1 }, .method = "sysctl",
		.va_space = 2, .samples = 90, .tally = &tally, .seconds = 0.5 });
	/* the same series again (updated while it runs) replaces its entry */
	runinfo_set_series(info, &(struct runinfo_series){ .key = { "pie", 2, -1, -1 }, .method = "sysctl",
		.va_space = 2, .samples = 100, .tally = &tally, .seconds = 0.5 });
	runinfo_set_status(info, "complete");
	assert_int_equal(runinfo_write(info, dir, &err), 0);
	json_decref(info);

	snprintf(path, sizeof(path), "%s/run.json", dir);
	loaded = json_load_file(path, 0, NULL);
	assert_non_null(loaded);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(loaded, "kernel"), "randomize_va_space")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(loaded, "kernel"), "mmap_rnd_bits")), 31);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(loaded, "kernel"), "mmap_rnd_compat_bits")), 12);
	assert_string_equal(json_string_value(json_object_get(json_object_get(loaded, "kernel"), "transparent_hugepage")), "always");
	assert_string_equal(json_string_value(json_object_get(loaded, "status")), "complete");
	assert_true(json_is_string(json_object_get(loaded, "ended")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(loaded, "probe_env"), "bytes")),
			 strlen(e0) + 1 + strlen(e1) + 1);
	json_t *series = json_object_get(loaded, "series");
	assert_int_equal(json_array_size(series), 2);
	assert_true(json_real_value(json_object_get(json_array_get(series, 1), "samples_per_second")) == 200.0);
	/* the run's failure totals add up the series */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(loaded, "failures"), "signal")), 6);
	json_decref(loaded);
	tu_rmrf(dir);
	free(dir);
}

/* A guest's run.json skipped list, a line per entry as the host prints it; a missing member
 * reads "?"; no list, no lines. */
static void test_kernel_skipped_lines(void **state)
{
	json_t *info = json_loads("{\"skipped\": [{\"variant\": \"m32\", \"path\": \"/aslr/bin/aslr-probe-m32\","
				  " \"reason\": \"cannot be executed\"}, {\"variant\": \"x\"}]}", 0, NULL);
	json_t *none = json_loads("{\"skipped\": []}", 0, NULL);
	char *lines = kernel_skipped_lines(info), *empty = kernel_skipped_lines(none);

	(void)state;
	assert_non_null(lines);
	assert_string_equal(lines, "m32 (/aslr/bin/aslr-probe-m32): cannot be executed\nx (?): ?\n");
	assert_true(!empty || !*empty);
	free(lines);
	free(empty);
	json_decref(info);
	json_decref(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_probe_info),
		cmocka_unit_test(test_selected_choice),
		cmocka_unit_test(test_runinfo_facts_from_files),
		cmocka_unit_test(test_kernel_skipped_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
