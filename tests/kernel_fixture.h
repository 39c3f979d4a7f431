/* kernel_fixture.h: for the tests that boot kernels under QEMU (aslr-harness --kernel).
 * They skip, saying why, when QEMU is not installed or scripts/fetch-kernel cannot get an
 * image (no package archive); they never touch this machine's sysctls. */
#ifndef ASLR_KERNEL_FIXTURE_H
#define ASLR_KERNEL_FIXTURE_H

#include <jansson.h>
#include <limits.h>
#include <sys/types.h>

#define HARNESS ASLR_BIN_DIR "/aslr-harness"

/* The image for version ("6.1", "6.12") into path; 0, or -1 with why (the script's words). */
int kf_fetch(const char *version, char *path, size_t size, char *why, size_t why_size);

/* 1 when qemu-system-x86_64 is on PATH. */
int kf_have_qemu(void);

/* Pids of QEMU processes whose command line mentions text (the run's folder); how many. */
int kf_qemu_pids(const char *text, pid_t *pids, int max);

/* The folder under dir (not hidden) whose name contains part and ends with suffix ("" for
 * a complete run, "-failed", "-interrupted") into path: 0, or -1. */
int kf_find_run(const char *dir, const char *part, const char *suffix, char *path, size_t size);

/* dir/name parsed (NULL when missing or not JSON). */
json_t *kf_load_json(const char *dir, const char *name);

/* 1 when the console.log of a run in progress under dir (.kernel-*.tmp/) contains text. */
int kf_console_has(const char *dir, const char *text);

/* Hidden leftovers in dir (".kernel-*", ".initramfs-*", ".compare-*"): how many. */
int kf_hidden_leftovers(const char *dir);

#endif
