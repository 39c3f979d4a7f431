/* Tracing programs to their entry point, in this process (no harness, no sysctl): the
 * targets built in tests/targets give the regions their build says; main never runs;
 * a program whose library is missing ends before its entry with the loader's words; a
 * foreign ELF file is refused with ENOEXEC; ptrace refused (seccomp) is explained; no
 * traced child outlives its tracer, even when the tracer is killed before it could set
 * PTRACE_O_EXITKILL. No child is left behind by any test. The probe's own self-report
 * against its layout at the entry of the same exec is in test_trace_probe.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "preflight.h"
#include "run.h"
#include "spawn.h"
#include "test_util.h"
#include "trace.h"

#define TARGET(name) ASLR_TARGETS_DIR "/" name
#define VA_SPACE "/proc/sys/kernel/randomize_va_space"

static volatile sig_atomic_t no_stop;

struct seen {
	int stop_on_failure; /* end the run at the first failure (-ECANCELED) */
	unsigned results, records;
	struct probe_result first; /* of a failure */
	char out[RECORD_MAX_LEN];
	struct region_names names; /* of the first record */
	uint64_t exe[8];
};

static int collect(void *ctx, const struct probe_result *r)
{
	struct seen *s = ctx;

	if (r->record) {
		if (s->records == 0)
			region_names_from_record(&s->names, r->record);
		if (s->records < 8)
			s->exe[s->records] = r->record->value[0];
		s->records++;
		return SPAWN_ACCEPTED;
	}
	if (s->results++ == 0) {
		s->first = *r;
		memcpy(s->out, r->out, r->len);
		s->out[r->len] = '\0';
		s->first.out = s->out;
	}
	return s->stop_on_failure ? -ECANCELED : SPAWN_REJECTED;
}

/* Trace path (with argument arg, or none) until n records (SPAWN_DONE), or, when n is 0,
 * to the first failure (-ECANCELED), with what it wrote to stderr. */
static int trace_run(const char *path, const char *arg, unsigned n, struct seen *s)
{
	char *argv[] = { (char *)(uintptr_t)path, (char *)(uintptr_t)arg, NULL };
	struct spawn_config cfg = { .path = path, .argv = argv, .envp = run_probe_env, .jobs = n ? 2 : 1,
				    .target = n ? n : 1, .timeout_sec = 10, .stop = &no_stop, .traced = 1,
				    .elf_class = 64, .capture_stderr = n == 0 };
	struct aslr_error err;

	memset(s, 0, sizeof(*s));
	s->stop_on_failure = n == 0;
	return spawn_run(&cfg, collect, s, &err);
}

static int has_region(const struct seen *s, const char *name)
{
	for (unsigned i = 0; i < s->names.count; i++)
		if (strcmp(s->names.name[i], name) == 0)
			return 1;
	return 0;
}

/* Every process this test started has been reaped and none is running: the children of
 * this process (a subreaper: orphans of the tracers it starts come back to it). */
static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG | __WALL), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_dynamic_pie(void **state)
{
	struct seen s;

	int moving = tu_read_int(VA_SPACE) != 0;

	(void)state;
	assert_int_equal(trace_run(TARGET("target-pie"), NULL, 6, &s), SPAWN_DONE);
	moving = moving && tu_read_int(VA_SPACE) != 0; /* another test may set mode 0 meanwhile */
	assert_int_equal(s.records, 6);
	assert_int_equal(s.results, 0);
	assert_int_equal(s.names.count, 10);
	for (unsigned i = 0; i < 8; i++)
		assert_string_equal(s.names.name[i],
				    ((const char *[]){ "exe", "ld", "vdso", "vvar", "stack", "argv", "brk", "tls" })[i]);
	assert_true(has_region(&s, "lib_libaslr_target_small_so"));
	assert_true(has_region(&s, "lib_libc_so_6"));
	assert_true(s.exe[0] % 4096 == 0);
	assert_true(!moving || s.exe[0] != s.exe[1] || s.exe[1] != s.exe[2]); /* a PIE moves in mode 1 or 2 */
	assert_no_children();
}

static void test_static_pie(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(trace_run(TARGET("target-static-pie"), NULL, 4, &s), SPAWN_DONE);
	assert_int_equal(s.records, 4);
	assert_int_equal(s.names.count, 6); /* no loader, no library, no TLS yet */
	assert_false(has_region(&s, "ld") || has_region(&s, "tls"));
	assert_no_children();
}

static void test_nopie(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(trace_run(TARGET("target-nopie"), NULL, 4, &s), SPAWN_DONE);
	for (unsigned i = 0; i < 4; i++)
		assert_true(s.exe[i] == 0x400000); /* ld's default -no-pie base on x86-64 */
	assert_no_children();
}

/* Traced, main never runs; the library's constructor does (it runs before the entry). */
static void test_main_never_runs(void **state)
{
	char *dir = *state, file[600], ctor[700];
	char *direct[] = { (char[]){ TARGET("target-touch") }, file, NULL };
	struct seen s;
	struct stat st;

	snprintf(file, sizeof(file), "%s/created-by-main", dir);
	snprintf(ctor, sizeof(ctor), "%s.ctor", file);
	assert_int_equal(trace_run(TARGET("target-touch"), file, 5, &s), SPAWN_DONE);
	assert_int_equal(s.records, 5);
	assert_int_equal(stat(file, &st), -1);
	assert_int_equal(stat(ctor, &st), 0);
	/* the control: run untraced, the same program does create it */
	assert_int_equal(tu_run(direct, NULL, NULL), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_no_children();
}

static void test_exits_before_entry(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(trace_run(TARGET("target-missing-lib"), NULL, 0, &s), -ECANCELED);
	assert_int_equal(s.records, 0);
	assert_int_equal(s.first.outcome, PROBE_EXITED);
	assert_int_equal(s.first.code, 127);
	assert_true(s.first.before_entry);
	assert_non_null(strstr(s.out, "error while loading shared libraries: libaslr-target-gone.so"));
	assert_no_children();
}

static void test_foreign_elf(void **state)
{
	char *dir = *state, foreign[600], hint[256];
	struct seen s;

	snprintf(foreign, sizeof(foreign), "%s/foreign", dir);
	assert_int_equal(tu_foreign_elf(TARGET("target-pie"), foreign), 0);
	assert_int_equal(trace_run(foreign, NULL, 0, &s), -ECANCELED);
	assert_int_equal(s.first.outcome, PROBE_EXEC_FAILED);
	assert_int_equal(s.first.code, ENOEXEC);
	assert_string_equal(s.out, "execve");
	preflight_exec_hint(foreign, ENOEXEC, NULL, hint, sizeof(hint));
	assert_non_null(strstr(hint, "another machine: e_machine 183"));
	assert_no_children();
}

static void test_explain_refusal(void **state)
{
	char *dir = *state, scope[600], text[256];

	snprintf(scope, sizeof(scope), "%s/ptrace_scope", dir);
	trace_explain_refusal(EPERM, scope, text, sizeof(text)); /* no such file: no Yama */
	assert_non_null(strstr(text, "no Yama ptrace_scope here"));
	tu_write_file(scope, "3\n");
	trace_explain_refusal(EPERM, scope, text, sizeof(text));
	assert_non_null(strstr(text, "ptrace_scope is 3: no process may be traced"));
	tu_write_file(scope, "2\n");
	trace_explain_refusal(EPERM, scope, text, sizeof(text));
	assert_non_null(strstr(text, "ptrace_scope is 2: only a process with CAP_SYS_PTRACE"));
	tu_write_file(scope, "1\n");
	trace_explain_refusal(EACCES, scope, text, sizeof(text));
	assert_non_null(strstr(text, "ptrace_scope is 1, which allows it"));
	trace_explain_refusal(ENOEXEC, scope, text, sizeof(text));
	assert_string_equal(text, "");
}

/* In a child: ptrace fails with EPERM from now on, as under a container's seccomp profile. */
static int refuse_ptrace(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ptrace, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* The preflight's reason for a program that cannot be traced, written by a child under
 * the filter to file. */
static void preflight_refused(const char *file, const char *scope)
{
	char *argv[] = { (char[]){ TARGET("target-pie") }, NULL };
	struct spawn_config cfg = { .path = argv[0], .argv = argv, .envp = run_probe_env, .timeout_sec = 10,
				    .stop = &no_stop, .traced = 1, .elf_class = 64 };
	struct preflight_context ctx = { "the target", NULL, scope };
	struct region_names names;
	struct preflight out;
	struct aslr_error err;

	if (refuse_ptrace() < 0)
		_exit(3);
	if (preflight_run(&cfg, &ctx, &names, &out, &err) < 0 || !out.skipped)
		_exit(4);
	_exit(tu_write_file(file, out.reason) == 0 ? 0 : 5);
}

static void test_refused_by_seccomp(void **state)
{
	char *dir = *state, file[600], scope[600], *text;
	int status;
	pid_t pid;

	snprintf(file, sizeof(file), "%s/reason", dir);
	snprintf(scope, sizeof(scope), "%s/no-yama", dir);
	pid = fork();
	if (pid == 0)
		preflight_refused(file, scope);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	text = tu_read_file(file, NULL);
	assert_non_null(strstr(text, "cannot be traced: PTRACE_TRACEME: Operation not permitted; no Yama"));
	free(text);
	assert_no_children();
}

static char proc_state(pid_t pid)
{
	char path[64], *text, *close_paren, state = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = tu_read_file(path, NULL);
	close_paren = text ? strrchr(text, ')') : NULL;
	if (close_paren && close_paren[1] == ' ')
		state = close_paren[2];
	free(text);
	return state;
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000 }, NULL);
}

/* The status of pid once it ended, within 10 s; else it is killed and the test fails. */
static int wait_ended(pid_t pid)
{
	int status = 0;

	for (int i = 0; i < 1000; i++, sleep_ms(10))
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fail_msg("process %d outlived its tracer by 10 s", (int)pid);
	return status;
}

/* Before its first stop is seen, nothing but the parent-death signal binds the child to its
 * tracer: a tracer killed there must take the child with it. (Otherwise the SIGTRAP queued
 * at its execve would end it, unless SIGTRAP is ignored, as it is here: then it runs on.) */
static void test_tracer_killed_before_exitkill(void **state)
{
	int fds[2], status;
	pid_t tracer, child = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	tracer = fork();
	if (tracer == 0) {
		pid_t self = getpid(), c;
		const char *step;
		signal(SIGTRAP, SIG_IGN); /* inherited across fork and execve */
		c = fork();
		if (c == 0) {
			char *argv[] = { (char[]){ "/bin/sleep" }, (char[]){ "60" }, NULL };
			if (trace_child_prepare(self, &step) == 0)
				execve(argv[0], argv, run_probe_env);
			_exit(127);
		}
		if (write(fds[1], &c, sizeof(c)) != sizeof(c))
			_exit(1);
		for (;;)
			pause(); /* never waits: the child stays in its stop after execve */
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &child, sizeof(child)), sizeof(child));
	close(fds[0]);
	for (int i = 0; i < 500 && proc_state(child) != 't'; i++)
		sleep_ms(10);
	assert_int_equal(proc_state(child), 't');
	kill(tracer, SIGKILL);
	assert_int_equal(waitpid(tracer, &status, 0), tracer);
	status = wait_ended(child); /* it comes back to us, the subreaper */
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_no_children();
}

/* The child of parent (or -1) that parent traces and that sleeps: past its execve,
 * in the constructor that never returns. */
static pid_t traced_child_of(pid_t parent)
{
	pid_t kids[8];
	size_t n = tu_children_of(parent, kids, 8);

	for (size_t i = 0; i < n && i < 8; i++) {
		char path[64], *text, *tracer;
		snprintf(path, sizeof(path), "/proc/%d/status", (int)kids[i]);
		text = tu_read_file(path, NULL);
		tracer = text ? strstr(text, "\nTracerPid:") : NULL;
		if (tracer && atoi(tracer + 11) == parent && proc_state(kids[i]) == 'S') {
			free(text);
			return kids[i];
		}
		free(text);
	}
	return -1;
}

/* A harness-like tracer (the spawn pool) killed while its child runs a constructor that
 * never returns: PTRACE_O_EXITKILL and the parent-death signal end the child. */
static void test_tracer_killed_while_tracing(void **state)
{
	int status;
	pid_t tracer, child = -1;

	(void)state;
	tracer = fork();
	if (tracer == 0) {
		struct seen s;
		trace_run(TARGET("target-hang"), NULL, 1, &s);
		_exit(0);
	}
	for (int i = 0; i < 200 && child < 0; i++, sleep_ms(20))
		child = traced_child_of(tracer);
	assert_true(child > 0);
	kill(tracer, SIGKILL);
	assert_int_equal(waitpid(tracer, &status, 0), tracer);
	status = wait_ended(child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_no_children();
}

static int become_subreaper(void **state)
{
	(void)state;
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynamic_pie),
		cmocka_unit_test(test_static_pie),
		cmocka_unit_test(test_nopie),
		cmocka_unit_test_setup_teardown(test_main_never_runs, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test(test_exits_before_entry),
		cmocka_unit_test_setup_teardown(test_foreign_elf, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_explain_refusal, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_refused_by_seccomp, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test(test_tracer_killed_before_exitkill),
		cmocka_unit_test(test_tracer_killed_while_tracing),
	};
	return cmocka_run_group_tests(tests, become_subreaper, NULL);
}
