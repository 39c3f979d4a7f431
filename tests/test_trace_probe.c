/* The layout read at the entry point against the probe's self-report, from the same exec:
 * the probe is traced to its entry (trace.h, as --target does), its layout read, the
 * breakpoint taken out and the probe let go, and it then prints its own record. Over
 * many execs, as the analysis computes it: exe - text and lib_libc_so_6 - libc never
 * change (the probe's main and write sit at fixed offsets in their files), the probe's
 * TLS variable sits at a fixed offset from the thread pointer, and its stack variable
 * is left with no bits once start_stack is known (conditional_bits, as in the leak
 * matrix). The same for the 32-bit probe where this kernel runs 32-bit programs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "conditional.h"
#include "record.h"
#include "run.h"
#include "samples.h"
#include "summary.h"
#include "test_util.h"
#include "trace.h"

enum { EXECS = 1000 };

/* Per exec: the layout's exe, lib_libc_so_6, stack, tls; the probe's text, libc, stack, tls. */
enum { EXE, LIBC_FILE, START_STACK, TP, TEXT, LIBC, STACK, TLS, COLUMNS };
static const char *const column_name[COLUMNS] = { "exe", "lib_libc_so_6", "start_stack", "tp",
						  "text", "libc", "stack", "tls" };

static uint64_t value_of(const struct record *rec, const char *name)
{
	for (unsigned i = 0; i < rec->count; i++)
		if (rec->name_len[i] == strlen(name) && memcmp(rec->name[i], name, rec->name_len[i]) == 0)
			return rec->value[i];
	fail_msg("no region %s", name);
	return 0;
}

static pid_t start_traced(const char *probe, int out[2])
{
	pid_t parent = getpid(), pid;
	const char *step;

	assert_int_equal(pipe(out), 0);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)(uintptr_t)probe, NULL };
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		if (trace_child_prepare(parent, &step) == 0)
			execve(probe, argv, run_probe_env);
		_exit(127);
	}
	close(out[1]);
	return pid;
}

/* Stopped at its entry: take the breakpoint out, back up to the entry point, let it run. */
static void let_go(const struct trace_child *t)
{
	struct user_regs_struct regs;

	assert_int_equal(ptrace(PTRACE_POKETEXT, t->pid, (void *)(uintptr_t)t->patched_at,
				(void *)(uintptr_t)t->patched_word), 0);
	assert_int_equal(ptrace(PTRACE_GETREGS, t->pid, NULL, &regs), 0);
	regs.rip = t->auxv.entry;
	assert_int_equal(ptrace(PTRACE_SETREGS, t->pid, NULL, &regs), 0);
	assert_int_equal(ptrace(PTRACE_DETACH, t->pid, NULL, NULL), 0);
}

/* One exec: the layout at the entry, then the probe's own record. */
static void one_exec(const char *probe, int elf_class, struct trace_io *io, uint64_t *row)
{
	struct trace_child t;
	struct aslr_error err;
	struct record rec;
	char out[RECORD_MAX_LEN];
	size_t len = 0;
	ssize_t n;
	int fds[2], status, rc = TRACE_RUNNING;

	trace_child_init(&t, start_traced(probe, fds), elf_class);
	while (rc == TRACE_RUNNING) {
		assert_int_equal(waitpid(t.pid, &status, __WALL), t.pid);
		assert_true(WIFSTOPPED(status));
		rc = trace_on_stop(&t, status, io, &err);
	}
	assert_int_equal(rc, TRACE_AT_ENTRY);
	assert_int_equal(trace_collect(&t, io, &err), 0);
	row[EXE] = value_of(&io->layout.rec, "exe");
	row[LIBC_FILE] = value_of(&io->layout.rec, "lib_libc_so_6");
	row[START_STACK] = value_of(&io->layout.rec, "stack");
	row[TP] = value_of(&io->layout.rec, "tls");
	let_go(&t);
	while ((n = read(fds[0], out + len, sizeof(out) - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	assert_int_equal(waitpid(t.pid, &status, 0), t.pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(record_parse(out, len, &rec, NULL), 0);
	row[TEXT] = value_of(&rec, "text");
	row[LIBC] = value_of(&rec, "libc");
	row[STACK] = value_of(&rec, "stack");
	row[TLS] = value_of(&rec, "tls");
}

static void write_csv(const char *path, uint64_t (*rows)[COLUMNS], unsigned n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "variant,mode,seq");
	for (int c = 0; c < COLUMNS; c++)
		fprintf(f, ",%s", column_name[c]);
	fputc('\n', f);
	for (unsigned r = 0; r < n; r++) {
		fprintf(f, "traced,2,%u", r);
		for (int c = 0; c < COLUMNS; c++)
			fprintf(f, ",0x%llx", (unsigned long long)rows[r][c]);
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
}

/* a - b was the same in every exec (the independent check), and the leak matrix says so too. */
static void assert_fixed_offset(const struct analysis *a, uint64_t (*rows)[COLUMNS], int x, int y)
{
	for (unsigned r = 1; r < EXECS; r++)
		if (rows[r][x] - rows[r][y] != rows[0][x] - rows[0][y])
			fail_msg("%s - %s changed at exec %u", column_name[x], column_name[y], r);
	assert_true(conditional_bits(a, 0, (unsigned)x, (unsigned)y, NULL) == 0);
	assert_true(conditional_bits(a, 0, (unsigned)y, (unsigned)x, NULL) == 0);
}

static void agree(const char *dir, const char *probe, int elf_class)
{
	uint64_t (*rows)[COLUMNS] = calloc(EXECS, sizeof(*rows));
	struct trace_io io = { 0 };
	struct sample_table t;
	struct analysis a;
	struct aslr_error err;
	char csv[600];
	int moving = tu_read_int("/proc/sys/kernel/randomize_va_space") != 0;

	for (unsigned r = 0; r < EXECS; r++)
		one_exec(probe, elf_class, &io, rows[r]);
	snprintf(csv, sizeof(csv), "%s/pairs.csv", dir);
	write_csv(csv, rows, EXECS);
	assert_int_equal(samples_load(&t, csv, &err), 0);
	assert_int_equal(analysis_compute(&a, &t, &err), 0);
	assert_int_equal(conditional_compute(&a, &err), 0);
	assert_fixed_offset(&a, rows, TEXT, EXE);
	assert_fixed_offset(&a, rows, LIBC, LIBC_FILE);
	assert_fixed_offset(&a, rows, TLS, TP);
	/* the stack variable once start_stack leaked: nothing left to guess */
	assert_true(conditional_bits(&a, 0, STACK, START_STACK, NULL) == 0);
	/* and the regions did move (unless someone set mode 0 meanwhile): no offset above is
	 * constant because nothing moved */
	if (moving && tu_read_int("/proc/sys/kernel/randomize_va_space") != 0) {
		assert_true(a.series[0].region[EXE].estimate_bits > 0);
		assert_true(a.series[0].region[START_STACK].estimate_bits > 0);
	}
	analysis_free(&a);
	samples_free(&t);
	trace_io_free(&io);
	free(rows);
}

static void test_probe_agrees(void **state)
{
	agree(*state, ASLR_BIN_DIR "/aslr-probe", 64);
}

static void test_m32_probe_agrees(void **state)
{
	char why[128];

	if (tu_m32_runs(why, sizeof(why)) != TU_M32_RUNS) {
		print_message("%s: skipped\n", why);
		skip();
	}
	agree(*state, ASLR_BIN_DIR "/aslr-probe-m32", 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_agrees, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_m32_probe_agrees, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
