/* Run folder naming, creation, results/latest, and the two ways a run gets its folder. */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "outdir.h"
#include "test_util.h"

static void test_default_name(void **state)
{
	char buf[256];

	(void)state;
	/* 1700000000 = 2023-11-14 22:13:20 UTC */
	assert_int_equal(outdir_default_path(buf, sizeof(buf), "results", 1700000000, "my host/x",
					     "6.18.4-1"), 0);
	assert_string_equal(buf, "results/20231114-221320-my_host_x-6.18.4-1");
	assert_true(outdir_default_path(buf, 20, "results", 0, "h", "r") < 0);
}

static void test_create_nested_and_latest(void **state)
{
	char *dir = tu_mkdtemp(), path[512], link[512], target[512];
	struct aslr_error err;
	struct stat st;
	ssize_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	assert_int_equal(outdir_create(path, &err), 0);
	assert_int_equal(outdir_create(path, &err), 0); /* existing is fine */
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(outdir_link_latest(dir, "one", &err), 0);
	assert_int_equal(outdir_link_latest(dir, "two", &err), 0);
	snprintf(link, sizeof(link), "%s/latest", dir);
	n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "two");
	/* a real folder named latest is never replaced */
	snprintf(path, sizeof(path), "%s/x", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(link, sizeof(link), "%s/x/latest", dir);
	assert_int_equal(mkdir(link, 0755), 0);
	assert_true(outdir_link_latest(path, "y", &err) < 0);
	tu_rmrf(dir);
	free(dir);
}

/* A symlink planted at --out is refused (ELOOP), whatever it points at; a file there
 * (ENOTDIR) too. Symlinks above it are followed, as mkdir -p does. */
static void test_create_refuses_symlink(void **state)
{
	char *dir = tu_mkdtemp(), path[512], target[512], via[512];
	struct aslr_error err;

	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(mkdir(target, 0755), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(outdir_create(path, &err), -ELOOP);
	assert_non_null(strstr(err.text, "symbolic link"));
	snprintf(via, sizeof(via), "%s/out/inside", dir); /* a symlink above: followed */
	assert_int_equal(outdir_create(via, &err), 0);
	snprintf(path, sizeof(path), "%s/file", dir);
	assert_int_equal(tu_write_file(path, "x"), 0);
	assert_int_equal(outdir_create(path, &err), -ENOTDIR);
	tu_rmrf(dir);
	free(dir);
}

static void test_prepare(void **state)
{
	char *dir = tu_mkdtemp(), given[512], buf[600], want[600], warning[600], target[600], link[600];
	struct aslr_error err;
	struct stat st;
	ssize_t n;

	(void)state;
	snprintf(given, sizeof(given), "%s/given/run", dir);
	assert_int_equal(outdir_prepare(buf, sizeof(buf), given, dir, 0, warning, sizeof(warning), &err), 0);
	assert_string_equal(buf, given);
	assert_int_equal(stat(given, &st), 0);
	assert_string_equal(warning, "");
	/* the default: a new folder named for the time, and latest pointing at it */
	assert_int_equal(outdir_prepare(buf, sizeof(buf), NULL, dir, 1700000000, warning, sizeof(warning), &err), 0);
	snprintf(want, sizeof(want), "%s/20231114-221320-", dir);
	assert_memory_equal(buf, want, strlen(want));
	assert_int_equal(stat(buf, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(link, sizeof(link), "%s/latest", dir);
	n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, strrchr(buf, '/') + 1);
	assert_string_equal(warning, "");
	/* latest that cannot be made is a warning, not a failure */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(mkdir(link, 0755), 0);
	assert_int_equal(outdir_prepare(buf, sizeof(buf), NULL, dir, 1700000001, warning, sizeof(warning), &err), 0);
	assert_non_null(strstr(warning, "/latest: exists and is not a symlink"));
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_name),
		cmocka_unit_test(test_create_nested_and_latest),
		cmocka_unit_test(test_create_refuses_symlink),
		cmocka_unit_test(test_prepare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
