/* sysctl.h: read and write the integer knobs under /proc/sys.
 * Paths are parameters so tests can use temp files. */
#ifndef ASLR_SYSCTL_H
#define ASLR_SYSCTL_H

#include "error.h"

#define SYSCTL_RANDOMIZE_VA_SPACE "/proc/sys/kernel/randomize_va_space"
#define SYSCTL_MMAP_RND_BITS "/proc/sys/vm/mmap_rnd_bits"
#define SYSCTL_MMAP_RND_COMPAT_BITS "/proc/sys/vm/mmap_rnd_compat_bits"

/* Read one decimal integer (surrounding whitespace allowed). 0 or -errno. */
int sysctl_read_int(const char *path, int *value, struct aslr_error *err);

/* Write value and read it back; -EIO when the read-back differs. */
int sysctl_write_int(const char *path, int value, struct aslr_error *err);

#endif
