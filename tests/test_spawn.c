/* The spawner with real programs: the probe, and system tools that misbehave in
 * known ways (exit 1, a signal, a hang, endless output). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "record.h"
#include "spawn.h"

struct collected {
	unsigned results;
	unsigned accept_every; /* accept one result in this many */
	enum probe_outcome outcome;
	int code;
	size_t len;
	char first[RECORD_MAX_LEN];
};

static int collect(void *ctx, const struct probe_result *r)
{
	struct collected *c = ctx;

	if (c->results++ == 0) {
		c->outcome = r->outcome;
		c->code = r->code;
		c->len = r->len;
		memcpy(c->first, r->out, r->len);
	}
	return c->results % c->accept_every == 0 ? SPAWN_ACCEPTED : SPAWN_REJECTED;
}

static volatile sig_atomic_t no_stop;
static char env0[] = "LC_ALL=C";
static char *const env[] = { env0, NULL };

static int run(char *const argv[], unsigned jobs, uint64_t target, double timeout,
	       struct collected *c)
{
	struct spawn_config cfg = { .path = argv[0], .argv = argv, .envp = env, .jobs = jobs,
				    .target = target, .timeout_sec = timeout, .stop = &no_stop };
	struct aslr_error err;
	if (!c->accept_every)
		c->accept_every = 1;
	return spawn_run(&cfg, collect, c, &err);
}

static void assert_no_children_left(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

static void test_probe_records(void **state)
{
	char *argv[] = { (char[]){ ASLR_BIN_DIR "/aslr-probe" }, NULL };
	struct collected c = { 0 };
	struct record rec;

	(void)state;
	assert_int_equal(run(argv, 2, 50, 5, &c), SPAWN_DONE);
	assert_int_equal(c.results, 50);
	assert_int_equal(c.outcome, PROBE_EXITED);
	assert_int_equal(c.code, 0);
	assert_int_equal(record_parse(c.first, c.len, &rec, NULL), 0);
	assert_int_equal(rec.count, 13);
	assert_no_children_left();
}

static void test_rejections_launch_more(void **state)
{
	char *argv[] = { (char[]){ "/bin/true" }, NULL };
	struct collected c = { .accept_every = 3 };

	(void)state;
	assert_int_equal(run(argv, 2, 10, 5, &c), SPAWN_DONE);
	assert_int_equal(c.results, 30); /* exactly: no extra exec is started past the target */
}

static void test_exit_status_and_signal(void **state)
{
	char *fail_argv[] = { (char[]){ "/bin/false" }, NULL };
	char *sig_argv[] = { (char[]){ "/bin/sh" }, (char[]){ "-c" }, (char[]){ "kill -SEGV $$" }, NULL };
	struct collected c = { 0 }, s = { 0 };

	(void)state;
	assert_int_equal(run(fail_argv, 1, 1, 5, &c), SPAWN_DONE);
	assert_int_equal(c.outcome, PROBE_EXITED);
	assert_int_equal(c.code, 1);
	assert_int_equal(run(sig_argv, 1, 1, 5, &s), SPAWN_DONE);
	assert_int_equal(s.outcome, PROBE_SIGNALED);
	assert_int_equal(s.code, SIGSEGV);
}

static void test_exec_failure(void **state)
{
	char *argv[] = { (char[]){ "/nonexistent/probe" }, NULL };
	struct collected c = { 0 };

	(void)state;
	assert_int_equal(run(argv, 1, 1, 5, &c), SPAWN_DONE);
	assert_int_equal(c.outcome, PROBE_EXEC_FAILED); /* the child says which call failed, and why */
	assert_int_equal(c.code, ENOENT);
	assert_int_equal(c.len, strlen("execve"));
	assert_memory_equal(c.first, "execve", c.len);
}

static void test_timeout_kills(void **state)
{
	char *argv[] = { (char[]){ "/bin/sleep" }, (char[]){ "30" }, NULL };
	struct collected c = { 0 };

	(void)state;
	assert_int_equal(run(argv, 2, 2, 0.2, &c), SPAWN_DONE);
	assert_int_equal(c.outcome, PROBE_TIMEOUT);
	assert_no_children_left();
}

static void test_endless_output_cut_off(void **state)
{
	char *argv[] = { (char[]){ "/usr/bin/yes" }, NULL };
	struct collected c = { 0 };

	(void)state;
	assert_int_equal(run(argv, 1, 1, 5, &c), SPAWN_DONE);
	assert_int_equal(c.outcome, PROBE_OVERFLOW);
	assert_int_equal(c.len, RECORD_MAX_LEN);
}

static void test_grandchild_holding_stdout(void **state)
{
	/* the child exits at once; its background grandchild keeps the pipe open */
	char *argv[] = { (char[]){ "/bin/sh" }, (char[]){ "-c" }, (char[]){ "sleep 30 & echo hi" }, NULL };
	struct collected c = { 0 };

	(void)state;
	assert_int_equal(run(argv, 1, 1, 5, &c), SPAWN_DONE);
	assert_int_equal(c.outcome, PROBE_EXITED);
	assert_int_equal(c.len, 3);
	assert_memory_equal(c.first, "hi\n", 3);
}

/* As a child subreaper the caller adopts what each probe left in its process group (a
 * background job, a double fork, an unreaped child): spawn_run kills and reaps it all,
 * so no child is left when it returns. Without the reaping, the killed leftovers would
 * stay zombies of this process. */
static void test_subreaper_leaves_no_child(void **state)
{
	char *argv[] = { (char[]){ "/bin/sh" }, (char[]){ "-c" },
			 (char[]){ "sleep 30 & (sleep 30 &) ; /bin/true & echo hi" }, NULL };
	struct collected c = { 0 };

	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(run(argv, 2, 20, 5, &c), SPAWN_DONE);
	assert_int_equal(c.outcome, PROBE_EXITED);
	assert_no_children_left();
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

/* A kill sent right after launch must reach the program. A per-exec timeout of 1 µs kills
 * each exec as soon as the pool next looks, microseconds after clone returned: before the
 * child made its own process group when the harness does not wait for it (no vfork), so a
 * kill of the group alone missed it, and a traced child then stopped at its exec forever.
 * Each run is in a process of its own that must end within 30 s. */
static void run_killed_at_once(int traced)
{
	char *argv[] = { (char[]){ "/bin/true" }, NULL };
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct collected c = { .accept_every = 1 };
		struct spawn_config cfg = { .path = argv[0], .argv = argv, .envp = env, .jobs = 4, .target = 200,
					    .timeout_sec = 1e-6, .stop = &no_stop, .traced = traced };
		struct aslr_error err;
		alarm(30);
		_exit(spawn_run(&cfg, collect, &c, &err) == SPAWN_DONE && c.results == 200 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("%s run killed by signal %d (SIGALRM: it hung)", traced ? "traced" : "plain", WTERMSIG(status));
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_kill_right_after_launch(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++) {
		run_killed_at_once(1);
		run_killed_at_once(0);
	}
}

/* Each program starts with the caller's signal mask: the launcher blocks every signal
 * around clone, until the child has reset the caller's handlers, and must give the mask
 * back. SIGUSR2 blocked here must read as the only blocked signal in grep's status. */
static void test_program_starts_with_callers_mask(void **state)
{
	char *argv[] = { (char[]){ "/bin/grep" }, (char[]){ "SigBlk" }, (char[]){ "/proc/self/status" }, NULL };
	struct collected c = { 0 };
	sigset_t usr2, saved;
	char want[64];

	(void)state;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, &saved);
	assert_int_equal(run(argv, 2, 4, 5, &c), SPAWN_DONE);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	snprintf(want, sizeof(want), "SigBlk:\t%016llx\n", 1ULL << (SIGUSR2 - 1));
	assert_int_equal(c.outcome, PROBE_EXITED);
	assert_int_equal(c.len, strlen(want));
	assert_memory_equal(c.first, want, c.len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_records),
		cmocka_unit_test(test_rejections_launch_more),
		cmocka_unit_test(test_exit_status_and_signal),
		cmocka_unit_test(test_exec_failure),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_endless_output_cut_off),
		cmocka_unit_test(test_grandchild_holding_stdout),
		cmocka_unit_test(test_subreaper_leaves_no_child),
		cmocka_unit_test(test_kill_right_after_launch),
		cmocka_unit_test(test_program_starts_with_callers_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
