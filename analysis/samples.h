/* samples.h: the samples table, read strictly from a CSV.
 *
 * Any CSV whose header has a `mode` column: `variant`, `seq`, `mmap_rnd_bits` and
 * `mmap_rnd_compat_bits` are fixed columns when present; every other column is a
 * region, its cells hex (0x...) or decimal, unsigned, at most 64 bits. Rows are
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
#include "u64vec.h"

enum {
	SAMPLES_NAME_MAX = 64,
	SAMPLES_LINE_MAX = 65536,
	SAMPLES_MAX_COLUMNS = 256,
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

/* Parse one cell as an address: "0x" + 1..16 significant hex digits, or decimal.
 * 0, or -1 with *why and *bad_offset (0-based in the cell) set. */
int samples_parse_value(const char *cell, size_t len, uint64_t *out, const char **why,
			size_t *bad_offset);

#endif
