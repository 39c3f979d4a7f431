/* sysctl reading/writing and the guard, on temp files standing in for /proc/sys:
 * the originals come back after a normal end and after the holder is SIGKILLed,
 * and a second holder is refused with the first one's pid. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "guard.h"
#include "sysctl.h"
#include "test_util.h" /* values are read back with tu_read_int, not the code under test */

struct paths {
	char *dir;
	char knob[512];
	char knob2[512];
	char lock[512];
};

static int setup(void **state)
{
	struct paths *p = calloc(1, sizeof(*p));
	p->dir = tu_mkdtemp();
	snprintf(p->knob, sizeof(p->knob), "%s/randomize_va_space", p->dir);
	snprintf(p->knob2, sizeof(p->knob2), "%s/mmap_rnd_bits", p->dir);
	snprintf(p->lock, sizeof(p->lock), "%s/lock", p->dir);
	tu_write_file(p->knob, "2\n");
	tu_write_file(p->knob2, "28\n");
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct paths *p = *state;
	tu_rmrf(p->dir);
	free(p->dir);
	free(p);
	return 0;
}


static void test_read_write(void **state)
{
	struct paths *p = *state;
	struct aslr_error err;
	int v;

	assert_int_equal(sysctl_read_int(p->knob, &v, &err), 0);
	assert_int_equal(v, 2);
	assert_int_equal(sysctl_write_int(p->knob, 10, &err), 0);
	assert_int_equal(sysctl_write_int(p->knob, 0, &err), 0);
	assert_int_equal(tu_read_int(p->knob), 0);
	tu_write_file(p->knob, "two\n");
	assert_int_equal(sysctl_read_int(p->knob, &v, &err), -22);
	assert_int_equal(sysctl_read_int("/nonexistent/knob", &v, &err), -2);
}

static void test_guard_restores_on_end(void **state)
{
	struct paths *p = *state;
	const char *knobs[] = { p->knob, p->knob2 };
	struct sysctl_guard g;
	struct aslr_error err;

	assert_int_equal(guard_begin(&g, p->lock, knobs, 2, &err), 0);
	assert_int_equal(guard_set(&g, 0, 0, &err), 0);
	assert_int_equal(guard_set(&g, 1, 32, &err), 0);
	assert_int_equal(tu_read_int(p->knob), 0);
	assert_int_equal(guard_restore(&g, &err), 0);
	assert_int_equal(guard_restore(&g, &err), 0); /* idempotent */
	assert_int_equal(tu_read_int(p->knob), 2);
	assert_int_equal(guard_set(&g, 0, 1, &err), 0);
	assert_int_equal(guard_end(&g, &err), 0);
	assert_int_equal(tu_read_int(p->knob), 2);
	assert_int_equal(tu_read_int(p->knob2), 28);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* guardian reaped */
}

/* A child takes the guard, changes the knob, tells us, and is SIGKILLed. */
static void test_guardian_restores_after_sigkill(void **state)
{
	struct paths *p = *state;
	int ready[2];
	char c;
	pid_t pid;
	int status;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		const char *knobs[] = { p->knob };
		struct sysctl_guard g;
		close(ready[0]);
		if (guard_begin(&g, p->lock, knobs, 1, NULL) == 0 && guard_set(&g, 0, 0, NULL) == 0)
			(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(tu_read_int(p->knob), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status));
	assert_true(tu_wait_int(p->knob, 2) /* the guardian restores asynchronously */);
}

static void test_second_holder_refused(void **state)
{
	struct paths *p = *state;
	const char *knobs[] = { p->knob };
	struct sysctl_guard g;
	struct aslr_error err;
	char want[64];
	pid_t pid;
	int status, fd;

	assert_int_equal(guard_begin(&g, p->lock, knobs, 1, &err), 0);
	snprintf(want, sizeof(want), "pid %ld", (long)getpid());
	pid = fork();
	if (pid == 0) {
		struct sysctl_guard g2;
		struct aslr_error e2;
		int shared_fd;
		int rc = guard_begin(&g2, p->lock, knobs, 1, &e2);
		if (rc != -16 || !strstr(e2.text, want))
			_exit(1);
		if (guard_lock_shared(p->lock, &shared_fd, &e2) != -16)
			_exit(2);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(guard_end(&g, &err), 0);
	/* once released, readers share the lock and a changer waits for them */
	assert_int_equal(guard_lock_shared(p->lock, &fd, &err), 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(guard_begin(&g, p->lock, knobs, 1, &err), 0);
	assert_int_equal(guard_end(&g, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guard_restores_on_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guardian_restores_after_sigkill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_holder_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
