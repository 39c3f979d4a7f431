/* kernel_runinfo.h: run.json of a run that sampled a kernel under QEMU.
 *
 * It is the guest harness's own run.json (what was sampled, each series, the knobs the
 * guest had), with: "kernel" describing the guest kernel (its uname, the image and its
 * SHA-256, the kernel command line, the knobs as the guest read them), "host" this machine
 * (where QEMU ran), "qemu" how it ran (binary, command line, accelerator and why, CPUs,
 * memory, --kernel-append, boot and run seconds, the bare-loop benchmark), "run" the host's
 * command line (the guest's under guest_command_line), and the status the host decided. */
#ifndef ASLR_KERNEL_RUNINFO_H
#define ASLR_KERNEL_RUNINFO_H

#include <jansson.h>

#include "error.h"
#include "vm.h"

struct kernel_facts {
	const char *image;
	const char *accelerator;     /* "kvm" or "tcg" */
	const char *accelerator_why; /* why that one */
	const char *append;          /* --kernel-append, or NULL */
	unsigned cpus, memory_mb;
	int argc;                    /* the host's command line */
	char **argv;
	const struct vm_result *res; /* what the guest sent (maybe nothing) */
	const char *status;          /* "complete", "failed" or "interrupted" */
	const char *error;           /* why it failed, or NULL */
};

/* NULL only when out of memory. The guest's run.json is used when it parses. */
json_t *kernel_runinfo(const struct kernel_facts *facts);

/* The variants the guest harness skipped (run.json "skipped": it could not run them, e.g.
 * m32 on a kernel booted with ia32_emulation=off), one line each, "NAME (PATH): REASON\n";
 * NULL when none (allocated: free it). */
char *kernel_skipped_lines(const json_t *info);

/* The rate in a bare-loop line "N execs in S s = R/s"; 0 when there is none. */
double kernel_bench_rate(const char *line);

/* Samples per second of a run: its series' samples over their seconds (only the series of
 * that mode; mode -1: all); 0 if none. */
double kernel_run_rate(const json_t *info, int mode);

/* What the bare loop is measured against: the rate of the series in the mode the guest was
 * in when the loop ran (kernel.randomize_va_space, as the guest read it before sampling).
 * Under TCG a mode-0 series runs several times faster than a randomized one (the same
 * addresses every exec reuse translated code), so mixing modes would flatter the harness. */
double kernel_bench_harness_rate(const json_t *info);

#endif
