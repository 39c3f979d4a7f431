/* aslr-harness --kernel when things go wrong: a kernel that panics at boot, a corrupted
 * image (and a file that is no kernel at all, beside a good one that must still run), a
 * guest killed in the middle of its run, a SIGINT to the harness, no QEMU at all. Each
 * time: a clear error naming the image, exit 1 (130 for SIGINT), no QEMU process left,
 * nothing presented as complete (a -failed or -interrupted folder, no samples.csv, run.json
 * saying so), no hidden temporary left. ASLR_TEST_FILTER="test_guest*" runs some of them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel_fixture.h"
#include "test_util.h"

struct fx {
	char *dir;
	char out[600], log[600];
	char k61[PATH_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char why[1024];

	f->dir = tu_mkdtemp();
	snprintf(f->out, sizeof(f->out), "%s/runs", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/log", f->dir);
	if (kf_have_qemu() && kf_fetch("6.1", f->k61, sizeof(f->k61), why, sizeof(why)) < 0)
		fprintf(stderr, "no kernel image: %s\n", why);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void need_kernel(const struct fx *f)
{
	if (!kf_have_qemu() || !f->k61[0])
		skip(); /* no QEMU or no image (see the message above) */
}

/* A run that did not complete: its folder, run.json's status and error, no samples. */
static void check_not_complete(const struct fx *f, const char *part, const char *suffix, const char *status)
{
	char run[PATH_MAX], samples[PATH_MAX + 16];
	json_t *info;
	pid_t pids[4];

	assert_int_equal(kf_find_run(f->out, part, suffix, run, sizeof(run)), 0);
	info = kf_load_json(run, "run.json");
	assert_non_null(info);
	assert_string_equal(json_string_value(json_object_get(info, "status")), status);
	if (strcmp(status, "failed") == 0)
		assert_non_null(json_string_value(json_object_get(info, "error")));
	snprintf(samples, sizeof(samples), "%s/samples.csv", run);
	assert_int_equal(access(samples, F_OK), -1);
	assert_int_equal(kf_find_run(f->out, part, "", run, sizeof(run)), -1); /* no complete one */
	assert_int_equal(kf_qemu_pids(f->out, pids, 4), 0);
	assert_int_equal(kf_hidden_leftovers(f->out), 0);
	json_decref(info);
}

static char *run_log(const struct fx *f, char **argv, int *status)
{
	*status = tu_run(argv, NULL, f->log);
	return tu_read_file(f->log, NULL);
}

/* No init where it is asked for and no root file system: the kernel panics. */
static void test_panic_at_boot(void **state)
{
	struct fx *f = *state;
	int status;
	char *text;

	need_kernel(f);
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--kernel" }, f->k61, (char[]){ "--kernel-append" },
			 (char[]){ "rdinit=/no/such/init" }, (char[]){ "--modes" }, (char[]){ "current" },
			 (char[]){ "--samples" }, (char[]){ "20" }, (char[]){ "--out" }, f->out, NULL };
	text = run_log(f, argv, &status);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_non_null(strstr(text, f->k61));
	assert_non_null(strstr(text, "the guest ended before its init started"));
	assert_non_null(strstr(text, "Kernel panic"));
	check_not_complete(f, "vmlinuz-6.1", "-failed", "failed");
	free(text);
}

/* A copy of the image with a stretch of its compressed kernel zeroed: the decompressor
 * halts. And a file that is no kernel: QEMU refuses it. The good kernel after them runs. */
static void test_corrupted_images(void **state)
{
	struct fx *f = *state;
	char bad[PATH_MAX + 32], junk[PATH_MAX + 32], *image, *text;
	size_t len;
	int status;

	need_kernel(f);
	snprintf(bad, sizeof(bad), "%s/vmlinuz-zeroed", f->dir);
	snprintf(junk, sizeof(junk), "%s/vmlinuz-junk", f->dir);
	image = tu_read_file(f->k61, &len);
	assert_true(len > 4 << 20);
	memset(image + len / 2, 0, 256 << 10);
	FILE *out = fopen(bad, "wb");
	fwrite(image, 1, len, out);
	fclose(out);
	free(image);
	assert_int_equal(tu_write_file(junk, "this is not a kernel\n"), 0);
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--kernel" }, bad, (char[]){ "--kernel" }, junk,
			 (char[]){ "--kernel" }, f->k61, (char[]){ "--modes" }, (char[]){ "current" },
			 (char[]){ "--samples" }, (char[]){ "20" }, (char[]){ "--kernel-timeout" }, (char[]){ "25" },
			 (char[]){ "--out" }, f->out, NULL };
	text = run_log(f, argv, &status);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_non_null(strstr(text, "vmlinuz-zeroed: no sign of life from the guest within 25 s"));
	assert_non_null(strstr(text, "vmlinuz-junk: QEMU ended before the guest started"));
	check_not_complete(f, "vmlinuz-zeroed", "-failed", "failed");
	check_not_complete(f, "vmlinuz-junk", "-failed", "failed");
	{
		char run[PATH_MAX];
		assert_int_equal(kf_find_run(f->out, "-6.1.0-", "", run, sizeof(run)), 0); /* the others still ran */
	}
	free(text);
}

/* Wait until the guest's init runs (its console says so), then seconds more: QEMU's pid. */
static pid_t wait_for_init(const struct fx *f, int seconds)
{
	pid_t pids[4];
	struct timespec nap = { 0, 100 * 1000 * 1000 }, more = { seconds, 0 };

	for (int i = 0; i < 1800; i++) {
		if (kf_console_has(f->out, "Run /init as init process") && kf_qemu_pids(f->out, pids, 4) == 1) {
			nanosleep(&more, NULL);
			return pids[0];
		}
		nanosleep(&nap, NULL);
	}
	return -1;
}

/* A run long enough to be interrupted: argv points at f and at static strings. */
static char **long_run(struct fx *f, char **argv)
{
	static char harness[] = HARNESS, kernel[] = "--kernel", modes[] = "--modes", current[] = "current",
		    samples[] = "--samples", many[] = "100000", out[] = "--out";
	char *words[] = { harness, kernel, f->k61, modes, current, samples, many, out, f->out, NULL };

	memcpy(argv, words, sizeof(words));
	return argv;
}

/* QEMU killed while the guest samples: the guest "stopped before it sent its results". */
static void test_guest_killed(void **state)
{
	struct fx *f = *state;
	int status;
	pid_t harness, qemu;
	char *text, *argv[10];

	need_kernel(f);
	harness = tu_spawn(long_run(f, argv), NULL, f->log);
	qemu = wait_for_init(f, 4);
	assert_true(qemu > 0);
	kill(qemu, SIGKILL);
	waitpid(harness, &status, 0);
	text = tu_read_file(f->log, NULL);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_non_null(strstr(text, f->k61));
	assert_non_null(strstr(text, "the guest ended before it sent its results"));
	check_not_complete(f, "-6.1.0-", "-failed", "failed");
	free(text);
}

/* SIGINT to the harness while the guest samples: 130, QEMU gone, an -interrupted folder. */
static void test_harness_interrupted(void **state)
{
	struct fx *f = *state;
	int status;
	pid_t harness;
	char *argv[10];

	need_kernel(f);
	harness = tu_spawn(long_run(f, argv), NULL, f->log);
	assert_true(wait_for_init(f, 4) > 0);
	kill(harness, SIGINT);
	waitpid(harness, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 130);
	check_not_complete(f, "-6.1.0-", "-interrupted", "interrupted");
}

/* Without QEMU: what is missing, exit 1, nothing made. */
static void test_no_qemu(void **state)
{
	struct fx *f = *state;
	char image[PATH_MAX + 16], *text;
	int status;

	snprintf(image, sizeof(image), "%s/vmlinuz", f->dir);
	assert_int_equal(tu_write_file(image, "x"), 0);
	char *argv[] = { (char[]){ HARNESS }, (char[]){ "--kernel" }, image, (char[]){ "--out" }, f->out, NULL };
	char *envp[] = { (char[]){ "PATH=/nonexistent" }, NULL };
	status = tu_run_env(argv, envp, NULL, f->log);
	text = tu_read_file(f->log, NULL);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_non_null(strstr(text, "qemu-system-x86"));
	assert_int_equal(access(f->out, F_OK), -1);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_qemu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_at_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupted_images, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_harness_interrupted, setup, teardown),
	};
	if (getenv("ASLR_TEST_FILTER")) /* run some of them: a pattern such as "test_guest*" */
		cmocka_set_test_filter(getenv("ASLR_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
