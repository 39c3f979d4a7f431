/* Without permission to write the sysctl (the harness run as nobody through
 * setpriv): mode 0 is measured with personality(ADDR_NO_RANDOMIZE), the current
 * mode as it is, and any other mode is refused before sampling with exit 1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "root_fixture.h"
#include "test_util.h"

#define SETPRIV "/usr/bin/setpriv"

static int run_as_nobody(struct root_fixture *f, const char *modes, const char *out)
{
	char *argv[] = { (char[]){ SETPRIV }, (char[]){ "--reuid=nobody" }, (char[]){ "--regid=nogroup" },
			 (char[]){ "--clear-groups" }, (char[]){ HARNESS }, (char[]){ "--modes" },
			 (char *)(uintptr_t)modes, (char[]){ "--samples" }, (char[]){ "100" },
			 (char[]){ "--quiet" }, (char[]){ "--out" }, (char *)(uintptr_t)out, NULL };
	int status = tu_run(argv, NULL, f->log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int nobody_can_run_harness(struct root_fixture *f)
{
	char *argv[] = { (char[]){ SETPRIV }, (char[]){ "--reuid=nobody" }, (char[]){ "--regid=nogroup" },
			 (char[]){ "--clear-groups" }, (char[]){ HARNESS }, (char[]){ "--version" }, NULL };
	int status;

	if (access(SETPRIV, X_OK) < 0)
		return 0;
	status = tu_run(argv, NULL, f->log);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static size_t distinct_in_mode(const struct tu_csv *csv, int mode, const char *region)
{
	int c = tu_csv_col(csv, region), m = tu_csv_col(csv, "mode");
	uint64_t first = 0;
	size_t distinct = 0, seen = 0;

	for (size_t r = 0; r < csv->rows; r++) {
		if (atoi(csv->cell[r][m]) != mode)
			continue;
		if (seen++ == 0)
			first = tu_csv_u64(csv, r, c), distinct = 1;
		else if (tu_csv_u64(csv, r, c) != first)
			distinct = 2; /* more than one is all we need to know */
	}
	return distinct;
}

static void test_personality_and_current(void **state)
{
	struct root_fixture *f = *state;
	char modes[8], path[600];
	struct tu_csv csv;
	json_t *run, *series;

	if (!f)
		skip();
	if (!nobody_can_run_harness(f)) {
		print_message("nobody cannot run %s (setpriv missing or folder not readable): skipped\n", HARNESS);
		skip();
	}
	chmod(f->dir, 0777);
	if (f->original == 0) {
		print_message("randomize_va_space is 0: nothing to contrast with personality: skipped\n");
		skip();
	}
	snprintf(modes, sizeof(modes), "0,%d", f->original);
	assert_int_equal(run_as_nobody(f, modes, f->out), 0);
	assert_int_equal(read_va_space(), f->original);

	snprintf(path, sizeof(path), "%s/run.json", f->out);
	run = json_load_file(path, 0, NULL);
	assert_non_null(run);
	assert_false(json_is_true(json_object_get(json_object_get(run, "process"), "root")));
	series = json_object_get(run, "series");
	assert_string_equal(json_string_value(json_object_get(json_array_get(series, 0), "method")), "personality");
	assert_string_equal(json_string_value(json_object_get(json_array_get(series, 1), "method")), "current");
	json_decref(run);

	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	for (size_t c = 3; c < csv.cols; c++)
		if (distinct_in_mode(&csv, 0, csv.header[c]) != 1)
			fail_msg("personality mode 0: %s moved", csv.header[c]);
	assert_int_equal(distinct_in_mode(&csv, f->original, "stack"), 2);
	tu_csv_free(&csv);
}

static void test_other_mode_refused(void **state)
{
	struct root_fixture *f = *state;
	char modes[8], out[600];
	struct stat st;
	char *text;

	if (!f)
		skip();
	if (!nobody_can_run_harness(f)) {
		print_message("nobody cannot run %s: skipped\n", HARNESS);
		skip();
	}
	chmod(f->dir, 0777);
	snprintf(modes, sizeof(modes), "%d", f->original == 1 ? 2 : 1);
	snprintf(out, sizeof(out), "%s/refused", f->dir);
	assert_int_equal(run_as_nobody(f, modes, out), 1);
	text = tu_read_file(f->log, NULL);
	assert_non_null(strstr(text, "needs write access"));
	assert_non_null(strstr(text, "Permission denied"));
	free(text);
	assert_true(stat(out, &st) < 0); /* nothing sampled, nothing written */
	assert_int_equal(read_va_space(), f->original);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_personality_and_current, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_other_mode_refused, root_setup, root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
