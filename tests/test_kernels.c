/* aslr-harness --kernel end to end: Debian's 6.1 and 6.12 kernels booted under QEMU, a
 * few hundred samples per mode, and what their sources say:
 *   - 6.1's arch/x86/entry/vdso/vma.c places the vDSO near the stack (vdso_addr()), apart
 *     from ld; by 6.12 that placement is gone and the vDSO is mapped like any mmap, just
 *     below ld, so vdso - ld never changes;
 *   - 6.12 aligns anonymous mappings whose length is a multiple of 2 MiB to 2 MiB ("mm: align
 *     larger anonymous mappings on THP boundaries", Linux 6.7), so mmap_2m's lowest varying
 *     bit is 21; in 6.1 it is 12, a page.
 * And this machine's sysctls never change while the guests sample. A 6.12 guest booted with
 * ia32_emulation=off runs no 32-bit program (ENOEXEC): m32 is skipped with the reason, on
 * the host's stderr and in run.json, and pie is measured. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel_fixture.h"
#include "test_util.h"

#define SAMPLES "300"

struct images {
	char k61[PATH_MAX], k612[PATH_MAX];
};

static const json_t *series(const json_t *summary, int mode)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(summary, "series"), i, s)
		if (json_integer_value(json_object_get(s, "mode")) == mode &&
		    strcmp(json_string_value(json_object_get(s, "variant")), "pie") == 0)
			return s;
	return NULL;
}

static long long field(const json_t *s, const char *a, const char *b, const char *key)
{
	const json_t *obj = b ? json_object_get(json_object_get(json_object_get(s, "conditional"), a), b)
			      : json_object_get(json_object_get(s, "regions"), a);
	const json_t *v = json_object_get(obj, key);

	assert_non_null(v);
	return json_is_integer(v) ? json_integer_value(v) : (long long)json_number_value(v);
}

/* Run the harness, reading this machine's sysctls every 20 ms until it ends. */
static int run_watching_sysctls(char **argv, const char *log)
{
	int va = tu_read_int("/proc/sys/kernel/randomize_va_space"), bits = tu_read_int("/proc/sys/vm/mmap_rnd_bits");
	int status = -1, reads = 0;
	pid_t pid = tu_spawn(argv, NULL, log);
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	assert_true(pid > 0);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		assert_int_equal(tu_read_int("/proc/sys/kernel/randomize_va_space"), va);
		assert_int_equal(tu_read_int("/proc/sys/vm/mmap_rnd_bits"), bits);
		reads++;
		nanosleep(&nap, NULL);
	}
	assert_true(reads > 100);
	return status;
}

static void check_kernel(const char *dir, const char *part, int is_612)
{
	char run[PATH_MAX];
	json_t *summary, *info;

	assert_int_equal(kf_find_run(dir, part, "", run, sizeof(run)), 0);
	info = kf_load_json(run, "run.json");
	summary = kf_load_json(run, "summary.json");
	assert_non_null(info);
	assert_non_null(summary);
	assert_string_equal(json_string_value(json_object_get(info, "status")), "complete");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(info, "kernel"), "release")), part + 1));
	assert_non_null(json_object_get(json_object_get(info, "qemu"), "accelerator"));
	for (int mode = 1; mode <= 2; mode++) {
		const json_t *s = series(summary, mode);
		assert_non_null(s);
		assert_int_equal(field(s, "mmap_2m", NULL, "alignment_bit"), is_612 ? 21 : 12);
		if (is_612) { /* one value of vdso - ld in every exec: 0 bits once ld leaks */
			assert_int_equal(field(s, "vdso", "ld", "distinct"), 1);
			assert_int_equal(field(s, "vdso", "ld", "estimate_bits"), 0);
		} else { /* independent placements: nearly every exec a new difference */
			assert_true(field(s, "vdso", "ld", "distinct") > 250);
		}
	}
	json_decref(info);
	json_decref(summary);
}

static void test_debian_61_and_612(void **state)
{
	struct images *im = malloc(sizeof(*im));
	char why[1024], log[600], cmp[PATH_MAX], *text;
	char *dir = *state;
	pid_t pids[4];

	if (!kf_have_qemu()) {
		free(im);
		skip(); /* qemu-system-x86_64 is not installed (scripts/lib.sh installs qemu-system-x86) */
	}
	if (kf_fetch("6.1", im->k61, sizeof(im->k61), why, sizeof(why)) < 0 ||
	    kf_fetch("6.12", im->k612, sizeof(im->k612), why, sizeof(why)) < 0) {
		fprintf(stderr, "skipped: %s\n", why);
		free(im);
		skip();
	}
	snprintf(log, sizeof(log), "%s/log", dir);
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--kernel" }, im->k61, (char[]){ "--kernel" }, im->k612,
			 (char[]){ "--samples" }, (char[]){ SAMPLES }, (char[]){ "--out" }, dir, (char[]){ "--quiet" }, NULL };
	assert_int_equal(run_watching_sysctls(argv, log), 0);
	check_kernel(dir, "-6.1.0-", 0);
	check_kernel(dir, "-6.12.", 1);
	assert_int_equal(kf_find_run(dir, "compare-kernels", "", cmp, sizeof(cmp)), 0);
	strcat(cmp, "/compare.md");
	text = tu_read_file(cmp, NULL);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "# Kernels compared\n\n## What differs between the kernels", 55), 0);
	assert_non_null(strstr(text, "- `vdso` moves as one block with: no other region (6.1.0-"));
	assert_non_null(strstr(text, "- `mmap_2m` is aligned at: bit 12 (4 KiB) (6.1.0-"));
	free(text);
	assert_int_equal(kf_qemu_pids(dir, pids, 4), 0);
	assert_int_equal(kf_hidden_leftovers(dir), 0);
	free(im);
}

/* The first series of run.json for variant; NULL when there is none. */
static const json_t *run_series(const json_t *info, const char *variant)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(info, "series"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "variant")), variant) == 0)
			return s;
	return NULL;
}

/* Without 32-bit emulation (Linux 6.7+, ia32_emulation=off): m32 skipped, pie measured, exit 0. */
static void test_debian_612_without_ia32(void **state)
{
	char image[PATH_MAX], why[1024], log[600], run[PATH_MAX], *text;
	char *dir = *state;
	const json_t *skipped, *entry;
	const char *reason;
	json_t *info;

	if (!kf_have_qemu())
		skip(); /* qemu-system-x86_64 is not installed (scripts/lib.sh installs qemu-system-x86) */
	if (access(ASLR_BIN_DIR "/aslr-probe-m32", X_OK) < 0) {
		fprintf(stderr, "skipped: aslr-probe-m32 was not built (no gcc-multilib)\n");
		skip();
	}
	if (kf_fetch("6.12", image, sizeof(image), why, sizeof(why)) < 0) {
		fprintf(stderr, "skipped: %s\n", why);
		skip();
	}
	snprintf(log, sizeof(log), "%s/log", dir);
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--kernel" }, image, (char[]){ "--kernel-append" },
			 (char[]){ "ia32_emulation=off" }, (char[]){ "--variants" }, (char[]){ "pie,m32" },
			 (char[]){ "--modes" }, (char[]){ "2" }, (char[]){ "--samples" }, (char[]){ "100" },
			 (char[]){ "--out" }, dir, (char[]){ "--quiet" }, NULL };
	assert_int_equal(tu_run(argv, NULL, log), 0);
	text = tu_read_file(log, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "skipped m32 ("));
	assert_non_null(strstr(text, "Exec format error"));
	assert_non_null(strstr(text, "ia32_emulation"));
	free(text);
	assert_int_equal(kf_find_run(dir, "-6.12.", "", run, sizeof(run)), 0);
	info = kf_load_json(run, "run.json");
	assert_non_null(info);
	assert_string_equal(json_string_value(json_object_get(info, "status")), "complete");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(info, "kernel"), "cmdline")),
			       "ia32_emulation=off"));
	skipped = json_object_get(info, "skipped");
	assert_int_equal(json_array_size(skipped), 1);
	entry = json_array_get(skipped, 0);
	assert_string_equal(json_string_value(json_object_get(entry, "variant")), "m32");
	reason = json_string_value(json_object_get(entry, "reason"));
	assert_non_null(reason);
	assert_non_null(strstr(reason, "Exec format error"));
	assert_non_null(strstr(reason, "ia32_emulation"));
	assert_null(run_series(info, "m32"));
	assert_non_null(run_series(info, "pie"));
	assert_int_equal(json_integer_value(json_object_get(run_series(info, "pie"), "samples")), 100);
	json_decref(info);
	assert_int_equal(kf_hidden_leftovers(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_debian_61_and_612, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_debian_612_without_ia32, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	if (getenv("ASLR_TEST_FILTER")) /* run some of them: a pattern such as "test_*ia32" */
		cmocka_set_test_filter(getenv("ASLR_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
