/* runmeta.h: facts read from a run.json (or summary.json's copy of it, "run"). */
#ifndef ASLR_RUNMETA_H
#define ASLR_RUNMETA_H

#include <jansson.h>

/* The release of the kernel that was sampled: "kernel.release" for a run under QEMU
 * (aslr-harness --kernel, whose "host" is the machine QEMU ran on), else "host.uname.release".
 * NULL when neither is there. */
const char *runmeta_kernel_release(const json_t *run);

#endif
