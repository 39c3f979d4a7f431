/* The library resolver against the dynamic loader itself (ld.so --list, run with execve):
 * the same files for the probes and the harness; $ORIGIN mapped to the guest's folder; a
 * library that is nowhere, a script's interpreter, an ELF file that does not parse. */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "elfdeps.h"
#include "qemu_arch.h"
#include "test_util.h"

static struct elfdeps new_deps(void)
{
	const struct qemu_arch *a = qemu_arch_host();
	return (struct elfdeps){ .defaults = a->lib_dirs, .default_count = a->lib_dir_count };
}

/* The real paths ld.so --list names for program ("x => /path (0x...)" and the loader's own line). */
static int loader_list(const char *loader, const char *program, const char *dir, char real[][PATH_MAX], int max)
{
	char out[512], lo[PATH_MAX], pr[PATH_MAX], list[] = "--list", *text, *save = NULL;
	int n = 0;

	snprintf(out, sizeof(out), "%s/list", dir);
	snprintf(lo, sizeof(lo), "%s", loader);
	snprintf(pr, sizeof(pr), "%s", program);
	assert_int_equal(tu_run((char *const[]){ lo, list, pr, NULL }, out, NULL), 0);
	text = tu_read_file(out, NULL);
	for (char *line = strtok_r(text, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		char *arrow = strstr(line, " => "), *path = arrow ? arrow + 4 : line + strspn(line, " \t");
		char *end = strstr(path, " (");
		if (end)
			*end = '\0';
		if (path[0] == '/' && realpath(path, real[n]))
			n++;
	}
	free(text);
	return n;
}

static int has_real(const struct elfdeps *d, const char *real)
{
	char r[PATH_MAX];

	for (size_t i = 0; i < d->count; i++)
		if (realpath(d->file[i].host, r) && strcmp(r, real) == 0)
			return 1;
	return 0;
}

static void same_as_loader(const char *loader, const char *program, const char *dir)
{
	char real[64][PATH_MAX];
	struct elfdeps d = new_deps();
	struct aslr_error err;
	int n;

	if (access(loader, X_OK) != 0 || access(program, X_OK) != 0)
		skip(); /* no such loader here (a 32-bit one needs gcc-multilib's libc6-i386) */
	n = loader_list(loader, program, dir, real, 64);
	assert_true(n >= 2);
	assert_int_equal(elfdeps_add(&d, program, "/aslr/bin/program", &err), 0);
	for (int i = 0; i < n; i++)
		assert_true(has_real(&d, real[i]));
	assert_int_equal(d.count, (size_t)n + 1); /* the program itself and exactly those */
	elfdeps_free(&d);
}

static void test_probe_like_the_loader(void **state)
{
	same_as_loader("/lib64/ld-linux-x86-64.so.2", ASLR_BIN_DIR "/aslr-probe", *state);
}

static void test_harness_like_the_loader(void **state)
{
	same_as_loader("/lib64/ld-linux-x86-64.so.2", ASLR_BIN_DIR "/aslr-harness", *state);
}

static void test_m32_like_the_loader(void **state)
{
	same_as_loader("/lib/ld-linux.so.2", ASLR_BIN_DIR "/aslr-probe-m32", *state);
}

/* A copy of the biglib probe whose RUNPATH is exactly "$ORIGIN" (patched in its string
 * table), with the library beside it. 0 when the build's RUNPATH has no $ORIGIN to patch. */
static int origin_copy(const char *dir, char *probe, size_t size)
{
	size_t len;
	char *bin = tu_read_file(ASLR_BIN_DIR "/aslr-probe-biglib", &len), *lib, path[512];
	char *at = bin ? memmem(bin, len, "$$ORIGIN", 8) : NULL;
	FILE *f;

	if (!at && bin)
		at = memmem(bin, len, "$ORIGIN", 7);
	if (at)
		memcpy(at, "$ORIGIN", 8); /* with its NUL: what follows is cut off */
	snprintf(probe, size, "%s/aslr-probe-biglib", dir);
	if (at && (f = fopen(probe, "wb"))) {
		fwrite(bin, 1, len, f);
		fclose(f);
	}
	free(bin);
	lib = tu_read_file(ASLR_BIN_DIR "/libaslr-biglib.so", &len);
	snprintf(path, sizeof(path), "%s/libaslr-biglib.so", dir);
	if (at && lib && (f = fopen(path, "wb"))) {
		fwrite(lib, 1, len, f);
		fclose(f);
	}
	free(lib);
	return at != NULL;
}

/* RUNPATH $ORIGIN: the library goes beside the probe's guest path, read from beside its host path. */
static void test_origin_maps_to_guest(void **state)
{
	struct elfdeps d = new_deps();
	struct aslr_error err;
	char probe[512], lib[600];
	int found = 0;

	if (!origin_copy(*state, probe, sizeof(probe)))
		skip(); /* this build's biglib probe has no $ORIGIN in its RUNPATH */
	snprintf(lib, sizeof(lib), "%s/libaslr-biglib.so", (char *)*state);
	assert_int_equal(elfdeps_add(&d, probe, "/aslr/bin/aslr-probe-biglib", &err), 0);
	for (size_t i = 0; i < d.count; i++)
		if (strcmp(d.file[i].guest, "/aslr/bin/libaslr-biglib.so") == 0) {
			assert_string_equal(d.file[i].host, lib);
			found = 1;
		}
	elfdeps_free(&d);
	assert_true(found);
}

static void test_missing_library_named(void **state)
{
	static const char *const nowhere[] = { "/nonexistent-aslr-lib-dir", NULL };
	const struct elfdeps_dirs dirs = { 64, EM_X86_64, nowhere };
	struct elfdeps d = { .defaults = &dirs, .default_count = 1 };
	struct aslr_error err;

	(void)state;
	assert_int_equal(elfdeps_add(&d, ASLR_BIN_DIR "/aslr-probe", "/p", &err), -ENOENT);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	assert_non_null(strstr(err.text, "libc.so.6"));
	assert_non_null(strstr(err.text, "/nonexistent-aslr-lib-dir"));
	elfdeps_free(&d);
}

static void test_script_brings_its_interpreter(void **state)
{
	char path[512];
	struct elfdeps d = new_deps();
	struct aslr_error err;

	snprintf(path, sizeof(path), "%s/script", (char *)*state);
	assert_int_equal(tu_write_file(path, "#!/bin/sh -e\nexit 0\n"), 0);
	assert_int_equal(elfdeps_add(&d, path, "/aslr/probe/0/script", &err), 0);
	assert_true(d.count >= 3); /* the script, /bin/sh, its loader and libc */
	assert_string_equal(d.file[1].guest, "/bin/sh");
	elfdeps_free(&d);
}

static void test_broken_elf_refused(void **state)
{
	char path[512];
	struct elfdeps d = new_deps();
	struct aslr_error err;

	snprintf(path, sizeof(path), "%s/broken", (char *)*state);
	assert_int_equal(tu_write_file(path, "\177ELF\002\001\001 not really"), 0);
	assert_int_equal(elfdeps_add(&d, path, "/p", &err), -ENOEXEC);
	assert_int_equal(err.kind, ASLR_ERR_INPUT);
	elfdeps_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_like_the_loader, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_harness_like_the_loader, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_m32_like_the_loader, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_origin_maps_to_guest, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test(test_missing_library_named),
		cmocka_unit_test_setup_teardown(test_script_brings_its_interpreter, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_broken_elf_refused, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
