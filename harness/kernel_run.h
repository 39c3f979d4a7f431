/* kernel_run.h: --kernel IMAGE...: sample each kernel under QEMU, then compare them.
 *
 * For each image, in order and one at a time (each guest gets every CPU it is given):
 * boot it with the initramfs built once for all (initramfs.h: the harness as init, the
 * probes, their libraries), let the guest sample with the run's options (guest_args.h),
 * and write what came back into a run folder of its own,
 * <parent>/<UTC yyyymmdd-hhmmss>-<host>-<guest kernel release>/ (samples.csv, run.json
 * per kernel_runinfo.h, guest.log, console.log). The folder is filled under a hidden
 * temporary name and renamed once whole; a kernel that fails gets
 * <...>-<release or image name>-failed instead, with run.json "failed", the error, and
 * console.log. Complete runs are analyzed as usual, and with two or more, compared into
 * <parent>/<stamp>-<host>-compare-kernels/ (compare.md opens with what differs between
 * the kernels: kdiff.h). <parent>/latest points at the comparison (or the one run).
 *
 * This machine's sysctls are never read for writing, locked or changed: the only
 * randomize_va_space that changes is each guest's. */
#ifndef ASLR_KERNEL_RUN_H
#define ASLR_KERNEL_RUN_H

#include <limits.h>
#include <signal.h>

#include "error.h"
#include "options.h"
#include "run.h"

struct kernel_outcome {
	const char *image;
	char dir[PATH_MAX + 16];  /* its run folder ("" when none could be made) */
	char release[128];        /* the guest kernel's, "" when it never said */
	int rc;                   /* 0, SPAWN_STOPPED or -errno */
	struct aslr_error err;    /* why, when rc < 0 */
	char *console;            /* the console's last lines, when it failed (allocated) */
	char *skipped;            /* the variants the guest skipped, kernel_skipped_lines (allocated), or NULL */
	double boot_sec, run_sec, total_sec;
	unsigned long long rows;
	double samples_per_sec;   /* inside the guest: the run's samples over its series' seconds */
	double bare_per_sec;      /* --kernel-bench: the bare exec loop inside the guest */
	double bench_harness_per_sec; /* the harness in the mode the bare loop ran in (kernel_runinfo.h) */
	char report[4200];        /* report.md of the analysis (analyze_request.report), "" when not analyzed */
	char warning[1200];       /* the analysis's warning, "" when none */
};

typedef void (*kernel_note_fn)(void *ctx, const char *text);

struct kernel_batch {
	/* in */
	const struct harness_options *opts;
	const struct run_config *cfg;   /* the variants, resolved as for a run here */
	int argc;
	char **argv;
	const char *parent;             /* where the folders go: --out DIR or "results" */
	volatile sig_atomic_t *stop;
	int progress;
	kernel_note_fn note;            /* what the user should know as it happens (may be NULL) */
	void *note_ctx;
	/* out */
	char accelerator[8];            /* "kvm" or "tcg" */
	char accelerator_why[300];
	unsigned count;
	struct kernel_outcome outcome[MAX_KERNELS];
	char compare_dir[PATH_MAX];     /* "" without a comparison */
	char compare_warning[600];
};

/* Run every kernel. 0 when all of them succeeded; -EIO when some failed (each outcome
 * says why; the others ran); SPAWN_STOPPED when a stop signal came; other -errno with err
 * when nothing could run (no QEMU: -ENOENT naming the package; an image that is not a
 * readable file: bad input). Free with kernel_batch_free. */
int kernel_batch_run(struct kernel_batch *b, struct aslr_error *err);
void kernel_batch_free(struct kernel_batch *b);

#endif
