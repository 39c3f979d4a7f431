/* Killing the harness mid-run, as root, in mode 0: SIGINT, SIGTERM and SIGHUP end it
 * within a second with every finished row kept and status "interrupted"; SIGKILL and
 * a crash leave the restoring to the guardian. In every case randomize_va_space
 * comes back by itself. A second harness meanwhile is refused and changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "root_fixture.h"
#include "clock.h"
#include "test_util.h"

/* Start a long mode-0 run and wait until it has written rows. */
static pid_t start_long_run(struct root_fixture *f, char *csv_path, size_t size)
{
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "0" },
			 (char[]){ "--samples" }, (char[]){ "10000000" }, (char[]){ "--quiet" },
			 (char[]){ "--out" }, f->out, NULL };
	pid_t pid = tu_spawn(argv, NULL, f->log);

	snprintf(csv_path, size, "%s/samples.csv", f->out);
	assert_true(pid > 0);
	assert_true(tu_wait_lines(csv_path, 50)); /* rows reach the file at least once a second */
	assert_int_equal(read_va_space(), 0);
	return pid;
}

static const char *run_status(struct root_fixture *f)
{
	static char status[32];
	char path[600];
	json_t *run;

	snprintf(path, sizeof(path), "%s/run.json", f->out);
	run = json_load_file(path, 0, NULL);
	snprintf(status, sizeof(status), "%s",
		 run ? json_string_value(json_object_get(run, "status")) : "unreadable");
	json_decref(run);
	return status;
}

static void interrupt_with(void **state, int sig)
{
	struct root_fixture *f = *state;
	char csv_path[600];
	struct tu_csv csv;
	double t0;
	int status;
	pid_t pid;

	if (!f)
		skip();
	pid = start_long_run(f, csv_path, sizeof(csv_path));
	t0 = aslr_now_sec();
	kill(pid, sig);
	waitpid(pid, &status, 0);
	assert_true(aslr_now_sec() - t0 < 1.5);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + sig);
	assert_int_equal(read_va_space(), f->original); /* restored before it exited */
	assert_string_equal(run_status(f), "interrupted");
	assert_int_equal(tu_csv_load(csv_path, &csv), 0); /* every row whole */
	assert_true(csv.rows >= 49);
	for (size_t r = 0; r < csv.rows; r++)
		assert_int_equal(strtoull(csv.cell[r][2], NULL, 10), r);
	tu_csv_free(&csv);
}

static void test_sigint(void **state)
{
	interrupt_with(state, SIGINT);
}

static void test_sigterm(void **state)
{
	interrupt_with(state, SIGTERM);
}

static void test_sighup(void **state)
{
	interrupt_with(state, SIGHUP);
}

static void killed_by(void **state, int sig)
{
	struct root_fixture *f = *state;
	char csv_path[600];
	int status;
	pid_t pid;

	if (!f)
		skip();
	pid = start_long_run(f, csv_path, sizeof(csv_path));
	kill(pid, sig);
	waitpid(pid, &status, 0);
	/* dead without its own cleanup; under ASan a SIGSEGV ends in ASan's report and exit 1 */
	assert_true(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0));
	assert_true(wait_va_space(f->original)); /* the guardian's work */
	assert_string_not_equal(run_status(f), "complete");
}

static void test_sigkill(void **state)
{
	killed_by(state, SIGKILL);
}

static void test_crash(void **state)
{
	killed_by(state, SIGSEGV);
}

static void test_second_harness_refused(void **state)
{
	struct root_fixture *f = *state;
	char csv_path[600], other[600], want[64];
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "1" },
			 (char[]){ "--samples" }, (char[]){ "10" }, (char[]){ "--out" }, other, NULL };
	char *text;
	struct stat st;
	int status;
	pid_t pid;

	if (!f)
		skip();
	snprintf(other, sizeof(other), "%s/other", f->dir);
	pid = start_long_run(f, csv_path, sizeof(csv_path));
	status = tu_run(argv, NULL, f->log);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_int_equal(read_va_space(), 0); /* the first one's mode, untouched */
	assert_true(stat(other, &st) < 0);     /* not even its folder was made */
	text = tu_read_file(f->log, NULL);
	snprintf(want, sizeof(want), "(pid %ld)", (long)pid);
	assert_non_null(strstr(text, want));
	free(text);
	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	assert_int_equal(read_va_space(), f->original);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sigint, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_sigterm, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_sighup, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_sigkill, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_crash, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_second_harness_refused, root_setup, root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
