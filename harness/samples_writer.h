/* samples_writer.h: samples.csv (format: samples_csv.h), one row per accepted exec.
 *
 * Rows are formatted into a 64 KiB buffer and written with write(2) in whole
 * rows only, so an interrupted or killed run leaves a file of complete rows.
 * The file is created with O_EXCL|O_NOFOLLOW: a planted symlink is never followed. */
#ifndef ASLR_SAMPLES_WRITER_H
#define ASLR_SAMPLES_WRITER_H

#include <stdint.h>

#include "error.h"
#include "samples_csv.h"
#include "series_key.h"

enum { SAMPLES_BUFFER = 1 << 16 };

struct samples_writer {
	int fd;
	struct samples_knobs knobs;
	char path[4096];
	size_t len;
	char buf[SAMPLES_BUFFER];
};

/* Create path (which must not exist). 0 or -errno. */
int samples_writer_create(struct samples_writer *w, const char *path, struct aslr_error *err);

/* Open an existing samples.csv (of a resumed run) to append rows after its first keep
 * bytes (its complete rows: an unfinished row a kill left is cut off). */
int samples_writer_append(struct samples_writer *w, const char *path, const struct samples_knobs *knobs,
			  uint64_t keep, struct aslr_error *err);

/* The header line: variant,mode,seq[,mmap_rnd_bits][,mmap_rnd_compat_bits],<names...>. */
int samples_writer_header(struct samples_writer *w, const struct samples_knobs *knobs,
			  char names[][RECORD_NAME_MAX + 1], unsigned count, struct aslr_error *err);

/* Append the row seq of key's series (its knob values are written only when the run has
 * those columns); flushes the buffer first when the row might not fit. */
int samples_writer_row(struct samples_writer *w, const struct series_key *key, uint64_t seq,
		       const uint64_t *values, unsigned count, struct aslr_error *err);

/* Write out the buffered rows. */
int samples_writer_flush(struct samples_writer *w, struct aslr_error *err);

/* Flush, fsync and close; the writer is closed even on failure. */
int samples_writer_close(struct samples_writer *w, struct aslr_error *err);

#endif
