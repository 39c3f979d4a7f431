/* The reaper: as a child subreaper, this process adopts what its children leave behind;
 * reaper_sweep kills and reaps all of it, including a process that left its parent's
 * session and process group (which a group kill misses). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "reaper.h"

/* A child that starts a daemon (setsid, then a sleeping grandchild) and exits: the
 * grandchild becomes our child once the child is gone. The child is waited for here. */
static void start_daemon(void)
{
	pid_t child = fork();

	if (child == 0) {
		setsid();
		if (fork() == 0)
			pause();
		_exit(0);
	}
	assert_true(child > 0);
	assert_int_equal(waitpid(child, NULL, 0), child);
}

static void test_sweep_kills_and_reaps_adopted(void **state)
{
	struct aslr_error err = { 0 };
	unsigned killed = 0;

	(void)state;
	assert_int_equal(reaper_enable(&err), 0);
	start_daemon();
	start_daemon();
	/* an exited child nobody waited for is swept too (a zombie) */
	if (fork() == 0)
		_exit(0);
	assert_int_equal(reaper_sweep(NULL, &killed, &err), 0);
	assert_int_equal(killed, 3);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(reaper_sweep(NULL, &killed, &err), 0);
	assert_int_equal(killed, 0);
}

/* The group reap takes only the group's members: another child is left alone. */
static void test_reap_group_only_its_group(void **state)
{
	pid_t leader, member, other;
	int status;

	(void)state;
	leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		pause();
	}
	setpgid(leader, leader); /* either side may win the race: both set the same group */
	member = fork();
	if (member == 0) {
		setpgid(0, leader);
		pause();
	}
	setpgid(member, leader);
	other = fork();
	if (other == 0)
		pause();
	assert_int_equal(kill(-leader, SIGKILL), 0);
	assert_int_equal(reaper_reap_group(leader), 2);
	assert_int_equal(waitpid(other, &status, WNOHANG), 0); /* still running, not reaped */
	kill(other, SIGKILL);
	assert_int_equal(waitpid(other, &status, 0), other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_kills_and_reaps_adopted),
		cmocka_unit_test(test_reap_group_only_its_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
