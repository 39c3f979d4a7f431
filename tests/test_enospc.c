/* A full disk, as root: a run whose folder is on a 64 KiB tmpfs stops with exit 1 and a
 * message, gives randomize_va_space back, and run.json never claims "complete". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <jansson.h>

#include "root_fixture.h"
#include "test_util.h"

static void test_full_disk(void **state)
{
	struct root_fixture *f = *state;
	char mnt[600], out[700], path[800];
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "0" }, (char[]){ "--samples" },
			 (char[]){ "100000" }, (char[]){ "--no-analyze" }, (char[]){ "--quiet" }, (char[]){ "--out" },
			 out, NULL };
	char *text;
	json_t *run;
	int status;

	if (!f)
		skip();
	snprintf(mnt, sizeof(mnt), "%s/tiny", f->dir);
	snprintf(out, sizeof(out), "%s/run", mnt);
	mkdir(mnt, 0755);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") < 0) {
		print_message("cannot mount a tmpfs here (%s): skipped\n", strerror(errno));
		skip();
	}
	status = tu_run(argv, NULL, f->log);
	text = tu_read_file(f->log, NULL);
	snprintf(path, sizeof(path), "%s/run.json", out);
	run = json_load_file(path, 0, NULL);
	umount2(mnt, MNT_DETACH);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(text, "No space left on device"));
	free(text);
	assert_int_equal(read_va_space(), f->original);
	/* run.json may have failed to reach the disk at the end; it never says complete */
	assert_true(!run || strcmp(json_string_value(json_object_get(run, "status")), "complete") != 0);
	json_decref(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_disk, root_setup, root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
