/* compare.h: runs side by side, and the regression gate for kernel CI.
 *
 * compare.md opens with the Key changes (below: what changed, by how much, beyond the
 * sampling error or not), then the runs and a table per series. Runs are read from their
 * summary.json (a run folder or the file itself, from this machine or copied from others). Series match on variant, mode and knob values;
 * series that do not match in every run are listed, never dropped silently. Names are
 * held up to the sizes below (71 bytes; samples.csv allows 64) and refused beyond. */
#ifndef ASLR_COMPARE_H
#define ASLR_COMPARE_H

#include <jansson.h>
#include <limits.h>
#include <stdio.h>

#include "error.h"
#include "gate.h"
#include "series_key.h"
#include "strbuf.h"

struct cmp_series {
	char variant[72];
	int mode, rnd_bits, rnd_compat_bits; /* knobs -1 when absent */
	long long samples;
	unsigned region_count;
	struct cmp_region *region;
};

struct cmp_run {
	char path[PATH_MAX];  /* the summary.json read */
	char name[256];       /* the run folder's name */
	char release[128];    /* kernel release from run.json, "unknown" without it */
	unsigned series_count;
	struct cmp_series *series;
};

/* One region object of summary.json (any accepted schema) into r. -EINVAL for bad
 * input (err names path). */
int compare_region_from_json(struct cmp_region *r, const char *name, const json_t *obj, const char *path,
			     struct aslr_error *err);

/* The region of s named name, or NULL (s may be NULL). */
const struct cmp_region *compare_find_region(const struct cmp_series *s, const char *name);

/* Read a run folder's summary.json, or that file. -EINVAL for bad input (err has
 * FILE:LINE:COLUMN), other -errno for I/O. */
int compare_load(struct cmp_run *run, const char *path, struct aslr_error *err);
void compare_free(struct cmp_run *run);

/* How s is named (series_key.h); the key borrows s->variant. */
struct series_key compare_series_key(const struct cmp_series *s);

/* The series of run with the same variant, mode and knobs as key, or NULL. */
const struct cmp_series *compare_match(const struct cmp_run *run, const struct cmp_series *key);

/* compare.md and compare-<series_key_tag>.png/.svg (compare-pie-rnd28-mode2) into dir,
 * the tables to out (may be NULL). *plots_warning gets why there are no plots ("" when
 * they were drawn; compare.md links them only then). */
int compare_write(const struct cmp_run *runs, unsigned n, const char *dir, FILE *out,
		  char *plots_warning, size_t warning_size, struct aslr_error *err);

/* Load the n runs at paths (folders or summary.json files), then compare_write. 0 or
 * -errno (bad input: ASLR_ERR_INPUT). */
int compare_runs(char *const *paths, unsigned n, const char *dir, FILE *out, char *plots_warning,
		 size_t warning_size, struct aslr_error *err);

/* --baseline: compare_baseline of run against baseline to out, then the count of
 * regressions. 0 when none; -ERANGE with an ASLR_ERR_GATE error when some region
 * tripped; -errno when a file cannot be read (bad input: ASLR_ERR_INPUT). */
int compare_gate(const char *baseline, const char *run, double tolerance, FILE *out, struct aslr_error *err);

/* The gate (gate.h): one line to out per region of a matching series that lost more
 * than tolerance bits beyond the sampling error; a note per region that lost more
 * than the tolerance within the sampling error, could not be compared, or is missing
 * (and per series missing). Returns the number of regressions. */
unsigned compare_baseline(const struct cmp_run *old, const struct cmp_run *now, double tolerance,
			  FILE *out);

/* Key changes (compare_changes.c): what changed between runs, as data first: per series and
 * region, every run against the first, by how many bits and whether beyond the sampling error
 * of both (the intervals the --baseline gate weighs, gate.h, at tolerance 0, either way).
 * Regions of one series whose numbers and verdict agree are one change (a block moves as one),
 * ranked by size. compare.md opens with them; any comparison of runs (of kernels, of machines)
 * can call compare_changes and write or read the list. */
enum { CHANGES_KEY_MAX = 7 }; /* Key changes: at most this many */

/* A change matters when it is beyond the sampling error or at least this many bits. */
#define CHANGES_MIN_BITS 1.0

struct cmp_change {
	const struct cmp_series *series; /* in runs[run]; its key names the series */
	unsigned run;                    /* the run compared with runs[0] (1 ..) */
	unsigned region_count;
	const char **region;             /* the regions (allocated list of names borrowed from the run) */
	double before, after;            /* headline bits in runs[0] and in runs[run] */
	double change;                   /* after - before */
	int beyond;                      /* 1: beyond the sampling error of both runs */
};

struct cmp_changes {
	unsigned count;
	struct cmp_change *item; /* ranked: largest |change| first, beyond the error before within */
};

/* 1 when x differs from base beyond the sampling error of both: both have intervals and the
 * gate at tolerance 0 trips one way or the other. */
int compare_beyond(const struct cmp_region *base, const struct cmp_region *x);

/* Every change that matters (CHANGES_MIN_BITS, or beyond) of runs[1 .. n) against runs[0], ranked.
 * 0 or -ENOMEM (out empty). The changes borrow the runs. */
int compare_changes(const struct cmp_run *runs, unsigned n, struct cmp_changes *out);
void compare_changes_free(struct cmp_changes *changes);

/* "## Key changes": up to max of them, a numbered list, each with the numbers, the verdict and
 * a link to its series' table ("#compare-<series_key_tag>"); returns how many. */
unsigned compare_changes_write(struct strbuf *md, const struct cmp_run *runs, unsigned n,
			       const struct cmp_changes *changes, unsigned max);

/* The id of key's table in compare.md: "compare-<series_key_tag>". */
void compare_table_anchor(const struct cmp_series *key, char *buf, size_t size);

#endif
