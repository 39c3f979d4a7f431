/* analysis.h: the data model of an analysis: every series of a samples table with
 * the estimates of its regions (and, once conditional_compute has run, of its pairs).
 * The computation modules (estimate, conditional) fill it; the writers (summary,
 * table, plots, report, findings) read it. */
#ifndef ASLR_ANALYSIS_H
#define ASLR_ANALYSIS_H

#include <stddef.h>

#include "blocks.h"
#include "error.h"
#include "estimate.h"
#include "samples.h"
#include "series_key.h"

struct lowbits_estimate;
struct json_t;

struct series_summary {
	const struct sample_series *series;
	struct region_estimate *region; /* table->region_count of them */
	struct region_blocks blocks;    /* regions that move as one (blocks.h) */
	struct region_estimate *pair;   /* A - B for every unordered pair (conditional.h); NULL if not computed */
	struct lowbits_estimate *given; /* [A * region_count + B]: A - B given B's low bits; with pair */
};

struct analysis {
	const struct sample_table *table;
	unsigned series_count;
	struct series_summary *series;
	unsigned variant_count;
	const char **variant; /* the distinct variants, in series order (names borrowed from the table) */
	const struct json_t *run; /* run.json, borrowed; NULL for a bare CSV. Set by the caller after
				   * analysis_compute; expect.h reads the knobs and probes from it */
};

/* Estimate every region of every series. 0 or -ENOMEM. The analysis borrows table. */
int analysis_compute(struct analysis *a, const struct sample_table *table, struct aslr_error *err);
void analysis_free(struct analysis *a);

/* How series s is named (series_key.h); the key borrows the table's variant name. */
struct series_key analysis_series_key(const struct analysis *a, unsigned s);

/* The key of series s's group: the same with mode -1. Series that share variant and
 * knob values form a group (one block of the table, one bar chart), in consecutive
 * series (samples.h sorts them so). */
struct series_key analysis_group_key(const struct analysis *a, unsigned s);

/* The group starting at series first ends before the returned index. */
unsigned analysis_group_end(const struct analysis *a, unsigned first);

/* A file-name tag for series s: series_key_tag ("pie-rnd28-mode2") when the table has
 * several groups, else only "mode2" (plots/bits-mode2.png). */
void analysis_series_tag(const struct analysis *a, unsigned s, char *buf, size_t size);

/* series_key_label: "pie mode 2, mmap_rnd_bits 28". */
void analysis_series_label(const struct analysis *a, unsigned s, char *buf, size_t size);

/* The group's tag ("pie-rnd28"), or "" when the table has one group. */
void analysis_group_tag(const struct analysis *a, unsigned first, char *buf, size_t size);

/* The group's label: "pie, mmap_rnd_bits 28". */
void analysis_group_label(const struct analysis *a, unsigned first, char *buf, size_t size);

/* The series named key, or -1. */
int analysis_find_series(const struct analysis *a, const struct series_key *key);

/* The highest mode any series has (-1 without series): where findings compare variants and knobs. */
int analysis_highest_mode(const struct analysis *a);

/* The kernel knobs a run may sweep: knob 0 is mmap_rnd_bits, knob 1 mmap_rnd_compat_bits. */
enum { ANALYSIS_KNOBS = 2 };

/* A series' value of the knob; -1 when not swept. */
int analysis_knob(const struct sample_series *x, int knob);

/* The knob's name: its column in samples.csv (samples_csv_column_name), its sysctl in vm. */
const char *analysis_knob_name(int knob);

/* 1 when the table sweeps the knob (has its column). */
int analysis_has_knob(const struct analysis *a, int knob);

/* The series a knob's effect is read from (a series required): the first series' variant
 * and other knob, at mode, every value of the knob. As a key, that knob is -1, so its label
 * ("pie mode 2") names them all. */
struct series_key analysis_knob_sweep(const struct analysis *a, int knob, int mode);

/* 1 when series s is one of them. */
int analysis_in_knob_sweep(const struct analysis *a, unsigned s, int knob, int mode);

/* The series of variant v (a->variant[v]) at mode with the first series' knob values; -1 if none. */
int analysis_variant_series(const struct analysis *a, unsigned v, int mode);

/* 1 when regions r and q of series s keep one constant offset in every row. */
int analysis_offset_constant(const struct analysis *a, unsigned s, unsigned r, unsigned q);

#endif
