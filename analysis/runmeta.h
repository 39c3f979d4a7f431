/* runmeta.h: facts read from a run.json (or summary.json's copy of it, "run"). */
#ifndef ASLR_RUNMETA_H
#define ASLR_RUNMETA_H

#include <jansson.h>

#include "series_key.h"

/* The release of the kernel that was sampled: "kernel.release" for a run under QEMU
 * (aslr-harness --kernel, whose "host" is the machine QEMU ran on), else "host.uname.release".
 * NULL when neither is there. */
const char *runmeta_kernel_release(const json_t *run);

/* The key of a "series" entry of run.json: its variant ("" when none), mode and knob values
 * (-1 when not swept). The key borrows the entry's variant string. */
struct series_key runmeta_series_key(const json_t *entry);

/* The variants the harness's preflight skipped (run.json's "skipped": entries of "variant",
 * "path", "reason" and, since the cause was recorded, "cause"); NULL when there are none. */
const json_t *runmeta_skipped(const json_t *run);

/* 1 when a skipped entry says the kernel runs no 32-bit program: cause "no_32bit" (execve
 * failed with ENOEXEC on a 32-bit program of this machine's compat kind). */
int runmeta_skipped_no_32bit(const json_t *entry);

/* The string member name of obj, or fallback. */
const char *runmeta_string(const json_t *obj, const char *name, const char *fallback);

#endif
