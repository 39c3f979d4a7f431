/* analysis.h: the data model of an analysis: every series of a samples table with
 * the estimates of its regions (and, once conditional_compute has run, of its pairs).
 * The computation modules (estimate, conditional) fill it; the writers (summary,
 * table, plots, report, findings) read it. */
#ifndef ASLR_ANALYSIS_H
#define ASLR_ANALYSIS_H

#include <stddef.h>

#include "error.h"
#include "estimate.h"
#include "samples.h"

struct lowbits_estimate;

struct series_summary {
	const struct sample_series *series;
	struct region_estimate *region; /* table->region_count of them */
	struct region_estimate *pair;   /* A - B for every unordered pair (conditional.h); NULL if not computed */
	struct lowbits_estimate *given; /* [A * region_count + B]: A - B given B's low bits; with pair */
};

struct analysis {
	const struct sample_table *table;
	unsigned series_count;
	struct series_summary *series;
};

/* Estimate every region of every series. 0 or -ENOMEM. The analysis borrows table. */
int analysis_compute(struct analysis *a, const struct sample_table *table, struct aslr_error *err);
void analysis_free(struct analysis *a);

/* Series that share variant and knobs form a group (one table, one bar chart); the
 * group starting at series first ends before the returned index. */
unsigned analysis_group_end(const struct analysis *a, unsigned first);

/* A file-name tag for series s: "mode2" when the table has one group, else
 * "<variant>[-rnd<bits>][-compat<bits>]-mode2". */
void analysis_series_tag(const struct analysis *a, unsigned s, char *buf, size_t size);

/* "pie mode 1" and ", mmap_rnd_bits 28" etc. when the series has knobs: how text names a series. */
void analysis_series_label(const struct analysis *a, unsigned s, char *buf, size_t size);

/* The series with these keys, or -1. rnd_bits/rnd_compat_bits -1 match series without them. */
int analysis_find_series(const struct analysis *a, const char *variant, int mode, int rnd_bits,
			 int rnd_compat_bits);

/* The highest mode any series has (-1 without series): where findings compare variants and knobs. */
int analysis_highest_mode(const struct analysis *a);

/* A series' value of knob 0 (mmap_rnd_bits) or 1 (mmap_rnd_compat_bits); -1 when not swept. */
int analysis_knob(const struct sample_series *x, int knob);

/* Distinct variants, in series order, into names (at most max); returns how many. */
unsigned analysis_variants(const struct analysis *a, const char **names, unsigned max);

/* 1 when regions r and q of series s keep one constant offset in every row. */
int analysis_offset_constant(const struct analysis *a, unsigned s, unsigned r, unsigned q);

#endif
