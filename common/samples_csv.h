/* samples_csv.h: samples.csv, the one definition of its format.
 *
 *   variant,mode,seq[,mmap_rnd_bits][,mmap_rnd_compat_bits],<region>...\n
 *   pie,2,0,0x55d0c0a01189,...\n
 *
 * The fixed columns come first, in the order of enum samples_csv_column; the knob
 * columns only in runs that sweep that knob. Every other column is a region; the
 * harness writes its cells as record_hex does ("0x" and lowercase hex). A row's fixed
 * cells but seq name its series (struct series_key); seq counts the rows of a series
 * from 0. The harness writes the file with the functions below.
 *
 * The same file, or any CSV whose header has a `mode` column, is read back strictly,
 * by the analysis and by the harness's --resume alike: the other fixed columns are
 * optional (a CSV without `variant` is of variant "default"); every other column is a
 * region, its cells hex (0x...) or decimal, unsigned, at most 64 bits. Bad input is
 * refused with FILE:LINE:COLUMN (an ASLR_ERR_INPUT error), lines counted from 1 at the
 * header, columns in bytes from 1. */
#ifndef ASLR_SAMPLES_CSV_H
#define ASLR_SAMPLES_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "record.h"
#include "series_key.h"
#include "strbuf.h"

/* Documented limits of what is read; input past them is refused, not cut. */
enum {
	SAMPLES_CSV_NAME_MAX = 64,       /* a column name or a variant name */
	SAMPLES_CSV_LINE_MAX = 65536,    /* bytes of a line, its newline not counted */
	SAMPLES_CSV_MAX_COLUMNS = 256,
};

#define SAMPLES_CSV_DEFAULT_VARIANT "default"

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

/* What a header says: the kind of each column and the names of the regions. */
struct samples_csv_layout {
	unsigned columns;
	unsigned char kind[SAMPLES_CSV_MAX_COLUMNS];  /* enum samples_csv_column */
	unsigned region_of[SAMPLES_CSV_MAX_COLUMNS];  /* a region column's index among the regions */
	unsigned region_count;
	char (*region)[SAMPLES_CSV_NAME_MAX + 1];     /* allocated: samples_csv_layout_free, or take it and free() */
	int has_variant, has_seq, has_rnd_bits, has_rnd_compat_bits;
};

/* One row as read: its series, its seq and its region values. */
struct samples_csv_row {
	struct series_key key;                  /* key.variant points at variant below */
	char variant[SAMPLES_CSV_NAME_MAX + 1];
	uint64_t seq;                           /* 0 when the CSV has no seq column */
	long seq_column;                        /* 1-based byte column of the seq cell; 0 without one */
	uint64_t *value;                        /* the caller's: room for layout->region_count values */
};

/* Read the header line of file (len bytes, without its newline). 0, -EINVAL with err
 * at FILE:1:COLUMN, or -ENOMEM. On failure nothing is left to free. */
int samples_csv_parse_header(struct samples_csv_layout *layout, const char *line, size_t len, const char *file,
			     struct aslr_error *err);

void samples_csv_layout_free(struct samples_csv_layout *layout);

/* Read line `lineno` of file (len bytes, without its newline) into row. 0, or -EINVAL
 * with err at FILE:LINE:COLUMN. */
int samples_csv_parse_row(const struct samples_csv_layout *layout, const char *line, size_t len, const char *file,
			  long lineno, struct samples_csv_row *row, struct aslr_error *err);

/* Parse one cell as an address: "0x" + 1..16 significant hex digits, or decimal.
 * 0, or -1 with *why and *bad_offset (0-based in the cell) set. */
int samples_csv_parse_value(const char *cell, size_t len, uint64_t *out, const char **why, size_t *bad_offset);

#endif
