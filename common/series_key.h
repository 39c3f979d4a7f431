/* series_key.h: what names a series, and how text and file names spell it.
 *
 * A series is one probe variant under one randomize_va_space mode at one value of
 * each kernel knob the run sweeps: in samples.csv, the rows that agree on every
 * fixed column but seq. This is the one definition of when two series are the same
 * and of their label ("pie mode 2, mmap_rnd_bits 28") and tag ("pie-rnd28-mode2"). */
#ifndef ASLR_SERIES_KEY_H
#define ASLR_SERIES_KEY_H

#include <stddef.h>

struct series_key {
	const char *variant; /* "pie"; borrowed: valid as long as the string it points to */
	int mode;            /* randomize_va_space, 0..2; -1 for every mode (a group of series) */
	int rnd_bits;        /* vm.mmap_rnd_bits during the series; -1 when the run does not sweep it */
	int rnd_compat_bits; /* vm.mmap_rnd_compat_bits likewise */
};

/* Room for any label or tag of a variant name of up to 64 characters (the CSV's limit). */
enum { SERIES_KEY_TEXT = 160 };

/* 1 when a and b name the same series: same variant, mode and knob values (-1 == -1). */
int series_key_equal(const struct series_key *a, const struct series_key *b);

/* "pie mode 2", then ", mmap_rnd_bits 28" and ", mmap_rnd_compat_bits 16" for the knobs
 * the run sweeps: how text names a series ("pie, mmap_rnd_bits 28" for a group, mode -1).
 * Returns what snprintf would (truncated to size). */
int series_key_label(const struct series_key *key, char *buf, size_t size);

/* "pie-rnd28-compat16-mode2" (knob parts only when swept): how a file name names a series
 * ("pie-rnd28-compat16" for a group, mode -1). */
int series_key_tag(const struct series_key *key, char *buf, size_t size);

#endif
