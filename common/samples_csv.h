/* samples_csv.h: samples.csv, the one definition of its format.
 *
 *   variant,mode,seq[,mmap_rnd_bits][,mmap_rnd_compat_bits],<region>...\n
 *   pie,2,0,0x55d0c0a01189,...\n
 *
 * The fixed columns come first, in the order of enum samples_csv_column; the knob
 * columns only in runs that sweep that knob. Every other column is a region; the
 * harness writes its cells as record_hex does ("0x" and lowercase hex). A row's fixed
 * cells but seq name its series (struct series_key); seq counts the rows of a series
 * from 0. The harness writes the file with the functions below. */
#ifndef ASLR_SAMPLES_CSV_H
#define ASLR_SAMPLES_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "series_key.h"
#include "strbuf.h"

enum samples_csv_column {
	SAMPLES_CSV_REGION, /* not a fixed column */
	SAMPLES_CSV_VARIANT,
	SAMPLES_CSV_MODE,
	SAMPLES_CSV_SEQ,
	SAMPLES_CSV_RND_BITS,
	SAMPLES_CSV_RND_COMPAT_BITS,
	SAMPLES_CSV_FIXED_END
};

/* Which knob columns a run's CSV has (only runs that sweep a knob have them). */
struct samples_knobs {
	int has_rnd_bits, has_rnd_compat_bits;
};

/* "variant", "mode", "seq", "mmap_rnd_bits", "mmap_rnd_compat_bits"; NULL for a region. */
const char *samples_csv_column_name(enum samples_csv_column column);

/* Append the header line, newline included, to sb (sb->failed when out of memory). */
void samples_csv_header(struct strbuf *sb, const struct samples_knobs *knobs, char names[][RECORD_NAME_MAX + 1],
			unsigned count);

/* The most bytes samples_csv_row writes for a variant name of variant_len bytes and count regions. */
size_t samples_csv_row_max(size_t variant_len, unsigned count);

/* Format row seq of key's series into buf (room for samples_csv_row_max bytes), newline
 * included, no NUL; returns its length. Knob values are written only for the columns
 * knobs says the file has. */
size_t samples_csv_row(char *buf, const struct samples_knobs *knobs, const struct series_key *key, uint64_t seq,
		       const uint64_t *values, unsigned count);

#endif
