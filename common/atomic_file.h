/* atomic_file.h: outputs appear whole or not at all.
 *
 * A file is written to a fresh temp file in the same folder (created with
 * O_EXCL, so a planted symlink is never followed), fsynced, then renamed over
 * the final name. Abort (or a crash) leaves the old file, if any, untouched. */
#ifndef ASLR_ATOMIC_FILE_H
#define ASLR_ATOMIC_FILE_H

#include <limits.h>
#include <stddef.h>

#include "error.h"

struct aslr_atomic_file {
	int fd; /* -1 when closed */
	char path[PATH_MAX];
	char tmp_path[PATH_MAX];
};

/* Create the temp file beside path. 0 or -errno. */
int aslr_atomic_open(struct aslr_atomic_file *file, const char *path, struct aslr_error *err);

/* Write all of buf (retrying short writes and EINTR). 0 or -errno. */
int aslr_atomic_write(struct aslr_atomic_file *file, const void *buf, size_t len,
		      struct aslr_error *err);

/* fsync, close and rename into place. On failure the temp file is removed. */
int aslr_atomic_commit(struct aslr_atomic_file *file, struct aslr_error *err);

/* Close and remove the temp file; safe to call twice or after commit. */
void aslr_atomic_abort(struct aslr_atomic_file *file);

/* The three steps above for a buffer already in memory. */
int aslr_write_file_atomic(const char *path, const void *buf, size_t len, struct aslr_error *err);

/* write(2) until done; 0 or -errno. */
int aslr_write_all(int fd, const void *buf, size_t len);

#endif
