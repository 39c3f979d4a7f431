/* samples.h: the samples table, read strictly from a CSV.
 *
 * Any CSV whose header has a `mode` column, read with the shared parser of
 * samples_csv.h (the format, its limits and its messages are there). Rows are
 * grouped into series (rows that agree on every fixed column but seq); within a series
 * rows are in seq order (file order when equal or without seq), which the serial
 * tests of the estimators read. Bad input
 * is rejected with FILE:LINE:COLUMN, lines counted from 1 at the header. */
#ifndef ASLR_SAMPLES_H
#define ASLR_SAMPLES_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "samples_csv.h"
#include "series_key.h"
#include "u64vec.h"

enum {
	SAMPLES_NAME_MAX = SAMPLES_CSV_NAME_MAX,
	SAMPLES_LINE_MAX = SAMPLES_CSV_LINE_MAX,
	SAMPLES_MAX_COLUMNS = SAMPLES_CSV_MAX_COLUMNS,
	SAMPLES_MAX_SERIES = 4096,
};

struct sample_series {
	char variant[SAMPLES_NAME_MAX + 1]; /* "default" when the CSV has no variant column */
	int mode;
	int rnd_bits;        /* -1 when the CSV has no mmap_rnd_bits column */
	int rnd_compat_bits; /* -1 likewise */
	size_t rows;
	struct u64vec *column; /* region_count columns of rows values */
	struct u64vec seq;     /* each row's seq; empty when the CSV has no seq column */
};

struct sample_table {
	char source[PATH_MAX];
	unsigned region_count;
	char (*region)[SAMPLES_NAME_MAX + 1];
	int has_variant, has_seq, has_rnd_bits, has_rnd_compat_bits;
	unsigned series_count;
	struct sample_series *series; /* sorted: variant (first seen), knobs, mode */
	size_t rows;
};

/* Read path. 0, -errno for I/O errors, or -EINVAL for bad input (err has the position). */
int samples_load(struct sample_table *table, const char *path, struct aslr_error *err);

/* The same for bytes in memory; name is used in messages. */
int samples_load_buffer(struct sample_table *table, const char *name, const char *buf, size_t len,
			struct aslr_error *err);

void samples_free(struct sample_table *table);

/* The key of a series (borrowing s->variant): for series_key_equal, _label and _tag. */
struct series_key samples_series_key(const struct sample_series *s);

#endif
