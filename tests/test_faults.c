/* Reliability: misbehaving probes (tests/bad_probe.c) are counted by kind and stop the
 * run past the budget; rare crashes do not; a grandchild holding stdout open does not
 * hold up the run; no run leaves a process behind, zombies included, whatever the probe
 * started (a grandchild, a double fork, a daemon in a session of its own, an unreaped
 * child); SIGINT or SIGKILL then --resume ends with exactly N rows per series;
 * --resume refuses a samples.csv damaged in the middle, at its FILE:LINE:COLUMN;
 * planted symlinks are never followed; --user and the probe owner check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "clock.h"
#include "test_util.h"

#define HARNESS ASLR_BIN_DIR "/aslr-harness"
#define PROBES ASLR_BIN_DIR "/../tests/probes/bad-probe-"

/* This test process is a child subreaper (main): a process whose parent dies is adopted
 * by it, not by PID 1, unless a subreaper nearer to it (the harness) adopts it first. So
 * once a harness run has been waited for, what that run left behind (live, or a zombie
 * that nobody reaped) is a child of this process: whatever the harness started, any
 * process of a probe's process group or of a session a probe's child made. That holds
 * whether or not PID 1 reaps, which is what makes leftovers visible on machines whose
 * init reaps at once. */
static int list_children(pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], *text, *close_paren;
		int ppid;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name); /* "pid (comm) S ppid ..." */
		text = tu_read_file(path, NULL);
		close_paren = text ? strrchr(text, ')') : NULL;
		if (close_paren && sscanf(close_paren + 1, " %*c %d", &ppid) == 1 && ppid == getpid()) {
			if (n < max)
				pids[n] = atoi(e->d_name);
			n++;
		}
		free(text);
	}
	if (d)
		closedir(d);
	return n;
}

static int children_left(void)
{
	return list_children(NULL, 0);
}

/* Kill and reap every child of this process (a run's leftovers), so that what one test
 * left cannot fail the next. Killing a live leftover hands its own children to us: repeat. */
static void kill_leftovers(void)
{
	pid_t pids[256];
	int n;

	for (int round = 0; round < 100 && (n = list_children(pids, 256)) > 0; round++) {
		for (int i = 0; i < n && i < 256; i++)
			kill(pids[i], SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		usleep(10000);
	}
}

/* Fail the test when the last run left processes behind; they are killed first. */
static void assert_nothing_left(const char *after)
{
	int left = children_left();

	if (left) {
		kill_leftovers();
		fail_msg("%s left %d process(es) behind (zombies included)", after, left);
	}
}

/* aslr-harness --modes current [--no-analyze] --quiet --out f->out plus extra; its exit code.
 * Every run must leave no process behind. */
static int harness_run(struct tu_run_dirs *f, int analyze, char **extra, int n)
{
	char *argv[24] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" }, (char[]){ "--quiet" },
			   (char[]){ "--out" }, f->out };
	int argc = 6, status;

	if (!analyze)
		argv[argc++] = (char[]){ "--no-analyze" };
	for (int i = 0; i < n; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	status = tu_run(argv, NULL, f->log);
	assert_nothing_left("the run");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int harness(struct tu_run_dirs *f, char **extra, int n)
{
	return harness_run(f, 0, extra, n);
}

static json_t *run_json(struct tu_run_dirs *f)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/run.json", f->out);
	return json_load_file(path, 0, NULL);
}

static long long failures_of(json_t *run, const char *kind)
{
	return json_integer_value(json_object_get(json_object_get(run, "failures"), kind));
}

/* A copy of a bad probe in the test's folder, so its exec count (<path>.count, see
 * bad_probe.c) starts at zero. */
static void private_probe(struct tu_run_dirs *f, const char *behavior, char *path, size_t size)
{
	char from[600], *cp[] = { (char[]){ "/bin/cp" }, from, path, NULL };

	snprintf(from, sizeof(from), PROBES "%s", behavior);
	snprintf(path, size, "%s/probe-%s", f->dir, behavior);
	assert_int_equal(tu_run(cp, NULL, NULL), 0);
}

/* Every third exec misbehaves: far past the 1 % budget. */
static void budget_exceeded_by(void **state, const char *behavior, const char *kind)
{
	struct tu_run_dirs *f = *state;
	char probe[700], *extra[] = { (char[]){ "--probe" }, probe, (char[]){ "--samples" }, (char[]){ "1000" },
				      (char[]){ "--timeout" }, (char[]){ "0.2" } };
	char want[64], *text;
	json_t *run;

	private_probe(f, behavior, probe, sizeof(probe));
	assert_int_equal(harness(f, extra, 6), 1);
	text = tu_read_file(f->log, NULL);
	snprintf(want, sizeof(want), " %s (e.g. ", kind);
	if (!strstr(text, "too many probe failures") || !strstr(text, want))
		fail_msg("%s: stderr was: %s", behavior, text);
	free(text);
	run = run_json(f);
	assert_non_null(run);
	assert_string_equal(json_string_value(json_object_get(run, "status")), "failed");
	assert_true(failures_of(run, kind) >= 2);
	json_decref(run);
}

static void test_crash(void **state) { budget_exceeded_by(state, "crash", "signal"); }
static void test_hang(void **state) { budget_exceeded_by(state, "hang", "timeout"); }
static void test_garbage(void **state) { budget_exceeded_by(state, "garbage", "malformed"); }
static void test_partial(void **state) { budget_exceeded_by(state, "partial", "malformed"); }
static void test_nonzero_exit(void **state) { budget_exceeded_by(state, "exit3", "exit"); }
static void test_flood(void **state) { budget_exceeded_by(state, "flood", "overflow"); }

/* Exec 250, 500, ... of the probe crash. Exec 1 tells the harness the regions; the
 * series then needs S execs for 2000 rows, S - (crashes among execs 2..S+1) = 2000:
 * S = 2008 with 8 crashes (250, ..., 2000), never more than 1 % of the execs so far. */
static void test_rare_crash_within_budget(void **state)
{
	struct tu_run_dirs *f = *state;
	char probe[700], *extra[] = { (char[]){ "--probe" }, probe, (char[]){ "--samples" }, (char[]){ "2000" } };
	char path[700];
	struct tu_csv csv;
	json_t *run;

	private_probe(f, "rare", probe, sizeof(probe));
	assert_int_equal(harness(f, extra, 4), 0);
	run = run_json(f);
	assert_string_equal(json_string_value(json_object_get(run, "status")), "complete");
	assert_int_equal(failures_of(run, "signal"), 8);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(run, "series"), 0), "execs")),
			 2008);
	json_decref(run);
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	assert_int_equal(csv.rows, 2000);
	tu_csv_free(&csv);
}

static void test_grandchild_holding_stdout(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--probe" }, (char[]){ PROBES "grandchild" }, (char[]){ "--samples" },
			  (char[]){ "200" } };
	char plot[700];
	struct stat st;
	double t0 = aslr_now_sec();

	/* with the analysis: gnuplot, a child of the harness too, must still work */
	assert_int_equal(harness_run(f, 1, extra, 4), 0);
	/* each grandchild sleeps 60 s with the pipe open: waiting for EOF would take hours */
	assert_true(aslr_now_sec() - t0 < 30);
	snprintf(plot, sizeof(plot), "%s/plots/entropy.png", f->out);
	assert_int_equal(stat(plot, &st), 0);
}

/* Probes that leave processes behind in other ways: harness() checks nothing is left. */
static void leaves_nothing(void **state, const char *behavior)
{
	struct tu_run_dirs *f = *state;
	char probe[600], *extra[] = { (char[]){ "--probe" }, probe, (char[]){ "--samples" }, (char[]){ "200" } };
	char path[700];
	struct tu_csv csv;

	snprintf(probe, sizeof(probe), PROBES "%s", behavior);
	assert_int_equal(harness(f, extra, 4), 0);
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	assert_int_equal(csv.rows, 200);
	tu_csv_free(&csv);
}

static void test_double_fork_leaves_nothing(void **state) { leaves_nothing(state, "doublefork"); }
static void test_daemon_leaves_nothing(void **state) { leaves_nothing(state, "daemon"); }
static void test_zombie_leaves_nothing(void **state) { leaves_nothing(state, "zombie"); }

static int rows_per_series_exact(const char *csv_path, long n, int series)
{
	struct tu_csv csv;
	int ok = tu_csv_load(csv_path, &csv) == 0 && csv.rows == (size_t)(n * series);
	long next[4] = { 0 };

	for (size_t r = 0; ok && r < csv.rows; r++) {
		int s = atoi(csv.cell[r][1]) % 4;
		ok = strtol(csv.cell[r][2], NULL, 10) == next[s]++;
	}
	tu_csv_free(&csv);
	return ok;
}

static void interrupt_then_resume(void **state, int sig)
{
	struct tu_run_dirs *f = *state;
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--modes" }, (char[]){ "current" }, (char[]){ "--samples" },
			 (char[]){ "6000" }, (char[]){ "--no-analyze" }, (char[]){ "--quiet" }, (char[]){ "--out" }, f->out,
			 NULL };
	char *resume[] = { (char[]){ HARNESS }, (char[]){ "--resume" }, f->out, (char[]){ "--quiet" }, NULL };
	char csv[700], summary[700];
	struct stat st;
	int status;
	pid_t pid;

	snprintf(csv, sizeof(csv), "%s/samples.csv", f->out);
	pid = tu_spawn(argv, NULL, f->log);
	assert_true(tu_wait_lines(csv, 200)); /* some rows on disk: they are flushed at least once a second */
	kill(pid, sig);
	waitpid(pid, &status, 0);
	if (sig == SIGKILL)
		kill_leftovers(); /* the probes in flight: a harness killed outright cannot reap them */
	else
		assert_nothing_left("an interrupted run");
	status = tu_run(resume, NULL, f->log);
	assert_nothing_left("the resumed run");
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(rows_per_series_exact(csv, 6000, 1));
	snprintf(summary, sizeof(summary), "%s/summary.json", f->out); /* --resume ends with the analysis */
	assert_int_equal(stat(summary, &st), 0);
	json_t *run = run_json(f);
	assert_string_equal(json_string_value(json_object_get(run, "status")), "complete");
	json_decref(run);
	/* a complete run is not resumed again */
	status = tu_run(resume, NULL, f->log);
	assert_int_equal(WEXITSTATUS(status), 1);
}

static void test_sigint_then_resume(void **state) { interrupt_then_resume(state, SIGINT); }
static void test_sigkill_then_resume(void **state) { interrupt_then_resume(state, SIGKILL); }

static void test_resume_refuses_changed_probe(void **state)
{
	struct tu_run_dirs *f = *state;
	char probe[700], *extra[] = { (char[]){ "--probe" }, probe, (char[]){ "--samples" }, (char[]){ "50" } };
	char *resume[] = { (char[]){ HARNESS }, (char[]){ "--resume" }, f->out, (char[]){ "--quiet" }, NULL };
	char path[700], *text;
	json_t *run;
	FILE *fp;
	int status;

	private_probe(f, "uid", probe, sizeof(probe)); /* so it can be changed afterwards */
	assert_int_equal(harness(f, extra, 4), 0);
	run = run_json(f); /* pretend it was interrupted */
	json_object_set_new(run, "status", json_string("interrupted"));
	snprintf(path, sizeof(path), "%s/run.json", f->out);
	json_dump_file(run, path, 0);
	json_decref(run);
	fp = fopen(probe, "ab");
	fputs("changed", fp);
	fclose(fp);
	status = tu_run(resume, NULL, f->log);
	assert_int_equal(WEXITSTATUS(status), 2);
	text = tu_read_file(f->log, NULL);
	assert_non_null(strstr(text, "the probe changed since the run started"));
	free(text);
}

/* Damage line 20 of good (a copy of samples.csv): replace the cell-th cell (from 0) with
 * cell_text, or drop it when cell_text is NULL. Returns the damaged text; *column gets
 * the 1-based column the refusal must name, plus skip. */
static char *damage_row(const char *good, int cell, const char *cell_text, long skip, long *column)
{
	char *text = malloc(strlen(good) + 64), *row = text, *at;

	strcpy(text, good);
	for (int l = 1; l < 20; l++)
		row = strchr(row, '\n') + 1;
	at = row;
	for (int c = 0; c < cell; c++)
		at = strchr(at, ',') + 1;
	if (cell_text) {
		size_t old = strcspn(at, ",\n");
		memmove(at + strlen(cell_text), at + old, strlen(at + old) + 1);
		memcpy(at, cell_text, strlen(cell_text));
		*column = at - row + 1 + skip;
	} else { /* the cell and the comma before it */
		size_t old = strcspn(at, ",\n");
		memmove(at - 1, at + old, strlen(at + old) + 1);
		*column = strchr(row, '\n') - row + 1;
	}
	return text;
}

static void test_resume_refuses_damaged_samples(void **state)
{
	struct tu_run_dirs *f = *state;
	char *extra[] = { (char[]){ "--samples" }, (char[]){ "50" } };
	char *resume[] = { (char[]){ HARNESS }, (char[]){ "--resume" }, f->out, (char[]){ "--quiet" }, NULL };
	static const struct { int cell; const char *text; long skip; const char *says; } cases[] = {
		{ 3, "0x55g0", 4, "not a hex digit" },              /* bad hex */
		{ 4, NULL, 0, "cells, the header has" },              /* a missing cell */
		{ 2, "7", 0, "cannot resume: seq 7 where" },          /* the wrong seq */
	};
	char csv[700], json[700], want[800], *good, *text, *cut;
	json_t *run;
	int lines = 0;

	assert_int_equal(harness(f, extra, 2), 0);
	snprintf(csv, sizeof(csv), "%s/samples.csv", f->out);
	snprintf(json, sizeof(json), "%s/run.json", f->out);
	run = run_json(f); /* pretend it was interrupted */
	json_object_set_new(run, "status", json_string("interrupted"));
	json_dump_file(run, json, 0);
	json_decref(run);
	good = tu_read_file(csv, NULL);
	for (cut = good; lines < 30; lines++) /* the header and 29 of 50 rows: 21 rows are due */
		cut = strchr(cut, '\n') + 1;
	*cut = '\0';
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long column;
		char *damaged = damage_row(good, cases[i].cell, cases[i].text, cases[i].skip, &column);
		assert_int_equal(tu_write_file(csv, damaged), 0);
		int status = tu_run(resume, NULL, f->log);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 2);
		snprintf(want, sizeof(want), "aslr-harness: %s:20:%ld: ", csv, column);
		text = tu_read_file(f->log, NULL);
		if (strncmp(text, want, strlen(want)) != 0 || !strstr(text, cases[i].says))
			fail_msg("case %zu: stderr: %s\nwanted it to start %s and say %s", i, text, want,
				 cases[i].says);
		free(text);
		text = tu_read_file(csv, NULL); /* nothing appended, nothing cut */
		assert_string_equal(text, damaged);
		free(text);
		free(damaged);
		run = run_json(f);
		assert_string_equal(json_string_value(json_object_get(run, "status")), "interrupted");
		json_decref(run);
	}
	free(good);
}

static void test_planted_symlinks(void **state)
{
	struct tu_run_dirs *f = *state;
	char target[700], link[700], *extra[] = { (char[]){ "--samples" }, (char[]){ "50" } };
	char *text;
	struct stat st;

	snprintf(target, sizeof(target), "%s/precious", f->dir);
	tu_write_file(target, "do not touch\n");
	mkdir(f->out, 0755);
	/* samples.csv planted: the run refuses to open it */
	snprintf(link, sizeof(link), "%s/samples.csv", f->out);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(harness(f, extra, 2), 1);
	text = tu_read_file(target, NULL);
	assert_string_equal(text, "do not touch\n");
	free(text);
	unlink(link);
	/* run.json planted (samples.csv absent): replaced by rename, never written through */
	snprintf(link, sizeof(link), "%s/run.json", f->out);
	unlink(link);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(harness(f, extra, 2), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	text = tu_read_file(target, NULL);
	assert_string_equal(text, "do not touch\n");
	free(text);
}

static void test_user_and_owner_check(void **state)
{
	struct tu_run_dirs *f = *state;
	char copy[700], *as_nobody[] = { (char[]){ "--probe" }, (char[]){ PROBES "uid" }, (char[]){ "--samples" },
					 (char[]){ "100" }, (char[]){ "--user" }, (char[]){ "nobody" } };
	char *writable[] = { (char[]){ "--probe" }, copy, (char[]){ "--samples" }, (char[]){ "10" } };
	char path[700], *text;
	struct tu_csv csv;
	int col;

	if (!tu_is_root()) {
		print_message("--user and the owner check need root: skipped\n");
		skip();
	}
	assert_int_equal(harness(f, as_nobody, 6), 0);
	snprintf(path, sizeof(path), "%s/samples.csv", f->out);
	assert_int_equal(tu_csv_load(path, &csv), 0);
	col = tu_csv_col(&csv, "uid");
	for (size_t r = 0; r < csv.rows; r++)
		assert_true(tu_csv_u64(&csv, r, col) == 65534);
	tu_csv_free(&csv);

	snprintf(copy, sizeof(copy), "%s/writable-probe", f->dir);
	{
		char *cp[] = { (char[]){ "/bin/cp" }, (char[]){ PROBES "uid" }, copy, NULL };
		assert_int_equal(tu_run(cp, NULL, NULL), 0);
	}
	chmod(copy, 0777);
	snprintf(f->out, sizeof(f->out), "%s/run2", f->dir);
	assert_int_equal(harness(f, writable, 4), 1);
	text = tu_read_file(f->log, NULL);
	assert_non_null(strstr(text, "other users can write"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crash, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_hang, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_garbage, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_partial, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_nonzero_exit, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_flood, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_rare_crash_within_budget, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_grandchild_holding_stdout, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_double_fork_leaves_nothing, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_daemon_leaves_nothing, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_zombie_leaves_nothing, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_sigint_then_resume, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_then_resume, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_resume_refuses_changed_probe, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_resume_refuses_damaged_samples, tu_run_dirs_setup,
						tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_planted_symlinks, tu_run_dirs_setup, tu_run_dirs_teardown),
		cmocka_unit_test_setup_teardown(test_user_and_owner_check, tu_run_dirs_setup, tu_run_dirs_teardown),
	};
	/* so that what a run leaves behind comes to this process, not to PID 1 (children_left) */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
