/* Outputs appear whole or not at all: the new file, a replaced one, a planted symlink,
 * an abort, a failed rename, and no temp file left behind, in a temp folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "atomic_file.h"
#include "test_util.h"

/* Names in dir other than . and .. (the temp files are hidden ones). */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

static void test_new_and_replaced(void **state)
{
	const char *dir = *state;
	char path[600], *text;
	struct aslr_error err;
	struct stat st;

	snprintf(path, sizeof(path), "%s/out.json", dir);
	assert_int_equal(aslr_write_file_atomic(path, "first\n", 6, &err), 0);
	text = tu_read_file(path, NULL);
	assert_string_equal(text, "first\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(aslr_write_file_atomic(path, "second", 6, &err), 0);
	text = tu_read_file(path, NULL);
	assert_string_equal(text, "second");
	free(text);
	assert_int_equal(entries(dir), 1);
}

static void test_planted_symlink_replaced_not_followed(void **state)
{
	const char *dir = *state;
	char path[600], target[600], *text;
	struct aslr_error err;
	struct stat st;

	snprintf(target, sizeof(target), "%s/precious", dir);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	assert_int_equal(tu_write_file(target, "do not touch\n"), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(aslr_write_file_atomic(path, "{}\n", 3, &err), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	text = tu_read_file(target, NULL);
	assert_string_equal(text, "do not touch\n");
	free(text);
}

static void test_abort_keeps_the_old_file(void **state)
{
	const char *dir = *state;
	char path[600], *text;
	struct aslr_atomic_file file;
	struct aslr_error err;

	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	assert_int_equal(tu_write_file(path, "old\n"), 0);
	assert_int_equal(aslr_atomic_open(&file, path, &err), 0);
	assert_int_equal(aslr_atomic_write(&file, "half of the new", 15, &err), 0);
	assert_int_equal(entries(dir), 2); /* the old file and the temp file */
	aslr_atomic_abort(&file);
	aslr_atomic_abort(&file); /* twice is harmless */
	text = tu_read_file(path, NULL);
	assert_string_equal(text, "old\n");
	free(text);
	assert_int_equal(entries(dir), 1);
}

static void test_failures_name_the_path(void **state)
{
	const char *dir = *state;
	char path[600], long_path[PATH_MAX + 10];
	struct aslr_atomic_file file;
	struct aslr_error err;

	snprintf(path, sizeof(path), "%s/missing/out", dir);
	assert_int_equal(aslr_write_file_atomic(path, "x", 1, &err), -ENOENT);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.text, "cannot create a temp file in"));
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(aslr_write_file_atomic(long_path, "x", 1, &err), -ENAMETOOLONG);
	/* the temp file gone before the rename: the commit fails and leaves nothing */
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(aslr_atomic_open(&file, path, &err), 0);
	assert_int_equal(unlink(file.tmp_path), 0);
	assert_int_equal(aslr_atomic_commit(&file, &err), -ENOENT);
	assert_non_null(strstr(err.text, "rename failed"));
	assert_int_equal(file.fd, -1);
	assert_int_equal(entries(dir), 0);
}

static void test_write_all(void **state)
{
	const char *dir = *state;
	char path[600], *back;
	size_t len = 3 << 20, got;
	char *buf = malloc(len);
	FILE *f;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + i % 26);
	snprintf(path, sizeof(path), "%s/big", dir);
	f = fopen(path, "wb");
	assert_int_equal(aslr_write_all(fileno(f), buf, len), 0);
	fclose(f);
	back = tu_read_file(path, &got);
	assert_int_equal(got, len);
	assert_memory_equal(back, buf, len);
	assert_int_equal(aslr_write_all(-1, buf, 1), -EBADF);
	free(back);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_and_replaced, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_planted_symlink_replaced_not_followed, tu_tmpdir_setup,
						tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_abort_keeps_the_old_file, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_failures_name_the_path, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_write_all, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
