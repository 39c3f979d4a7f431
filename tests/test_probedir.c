/* Where aslr-harness looks for its probes: in a build tree beside itself, when installed
 * in ${prefix}/libexec/aslr-entropy reached from its own folder (so a moved prefix still
 * works), else beside itself. Each case is a tree of temp folders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "probedir.h"
#include "test_util.h"

/* mkdir -p root/rel */
static void make_dirs(const char *root, const char *rel)
{
	char path[600];
	int n = snprintf(path, sizeof(path), "%s/%s", root, rel);

	assert_true(n > 0 && n < (int)sizeof(path));
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void join(char *buf, size_t size, const char *a, const char *b)
{
	assert_true(snprintf(buf, size, "%s/%s", a, b) < (int)size);
}

/* probedir_for(root/bin_rel, reldir) gives root/want_rel. */
static void expect_dir(const char *root, const char *bin_rel, const char *reldir, const char *want_rel)
{
	char bin[600], got[600], want[600];
	struct aslr_error err = { 0 };

	join(bin, sizeof(bin), root, bin_rel);
	join(want, sizeof(want), root, want_rel);
	assert_int_equal(probedir_for(bin, reldir, got, sizeof(got), &err), 0);
	assert_string_equal(got, want);
}

static void test_installed_prefix(void **state)
{
	make_dirs(*state, "usr/bin");
	make_dirs(*state, "usr/libexec/aslr-entropy");
	expect_dir(*state, "usr/bin", "../libexec/aslr-entropy", "usr/libexec/aslr-entropy");
}

static void test_build_tree_first(void **state)
{
	char cache[600];

	/* a build tree that also holds an install (cmake --install b --prefix b): the fresh build wins */
	make_dirs(*state, "b/bin");
	make_dirs(*state, "b/libexec/aslr-entropy");
	join(cache, sizeof(cache), *state, "b/CMakeCache.txt");
	assert_int_equal(tu_write_file(cache, "# CMake\n"), 0);
	expect_dir(*state, "b/bin", "../libexec/aslr-entropy", "b/bin");
}

static void test_beside_itself_otherwise(void **state)
{
	make_dirs(*state, "copied/bin"); /* a bin folder copied alone: no build tree, no libexec */
	expect_dir(*state, "copied/bin", "../libexec/aslr-entropy", "copied/bin");
}

static void test_deeper_and_absolute_reldir(void **state)
{
	char bin[600], got[600], want[600];
	struct aslr_error err = { 0 };

	/* bindir opt/x/bin, libexecdir opt/lib/x: two levels up */
	make_dirs(*state, "opt/x/bin");
	make_dirs(*state, "opt/lib/x/aslr-entropy");
	expect_dir(*state, "opt/x/bin", "../../lib/x/aslr-entropy", "opt/lib/x/aslr-entropy");
	/* an absolute libexecdir (configured so) is taken as it is */
	join(bin, sizeof(bin), *state, "opt/x/bin");
	join(want, sizeof(want), *state, "opt/lib/x/aslr-entropy");
	assert_int_equal(probedir_for(bin, want, got, sizeof(got), &err), 0);
	assert_string_equal(got, want);
}

static void test_too_long(void **state)
{
	const char *root = *state;
	char bin[600], got[16];
	struct aslr_error err = { 0 };

	make_dirs(root, "usr/bin");
	make_dirs(root, "usr/libexec/aslr-entropy");
	join(bin, sizeof(bin), root, "usr/bin");
	assert_int_equal(probedir_for(bin, "../libexec/aslr-entropy", got, sizeof(got), &err), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_installed_prefix, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_build_tree_first, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_beside_itself_otherwise, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_deeper_and_absolute_reldir, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_too_long, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
