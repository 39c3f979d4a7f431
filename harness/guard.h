/* guard.h: change kernel knobs and always give them back.
 *
 * guard_begin takes the lock (one changer at a time), reads each knob's original
 * value, then forks a guardian: a process of its own session that ignores the
 * terminal's signals, holds the originals and a pipe from the harness, and writes
 * the originals back when that pipe closes. So the values come back however the
 * harness ends: normally, on an error, a signal, a crash or SIGKILL. The harness
 * also restores them itself (guard_restore); restoring twice is harmless. */
#ifndef ASLR_GUARD_H
#define ASLR_GUARD_H

#include <limits.h>
#include <sys/types.h>

#include "error.h"

#define GUARD_LOCK_PATH "/run/aslr-harness.lock"

enum { GUARD_MAX_KNOBS = 4 };

struct guard_knob {
	char path[PATH_MAX];
	int original;
};

struct sysctl_guard {
	int lock_fd;    /* -1: no lock */
	int pipe_fd;    /* write end to the guardian; -1: no guardian */
	pid_t guardian;
	unsigned knob_count;
	struct guard_knob knobs[GUARD_MAX_KNOBS];
};

/* Exclusive lock on lock_path, originals read, guardian started. -EBUSY when another
 * harness holds the lock (err names its pid). On failure nothing is held. */
int guard_begin(struct sysctl_guard *guard, const char *lock_path, const char *const *paths,
		unsigned count, struct aslr_error *err);

/* Write a knob (by index) and read it back. */
int guard_set(struct sysctl_guard *guard, unsigned knob, int value, struct aslr_error *err);

/* Put back every original that differs from the current value. Idempotent. */
int guard_restore(struct sysctl_guard *guard, struct aslr_error *err);

/* Restore, stop the guardian (it restores again, harmlessly), release the lock. */
int guard_end(struct sysctl_guard *guard, struct aslr_error *err);

/* For runs that only read the knobs: a shared lock, so no changer runs meanwhile.
 * *fd is -1 when the lock file cannot be opened (not root, and no file yet): the
 * run goes on unlocked. -EBUSY when a changer holds it. */
int guard_lock_shared(const char *lock_path, int *fd, struct aslr_error *err);

#endif
