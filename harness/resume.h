/* resume.h: continue an interrupted run to the targets its run.json records.
 *
 * The run's own samples, modes, variants (probe paths), knobs, timeout and user are
 * taken from run.json; a probe whose SHA-256 changed is refused. samples.csv is read
 * back before anything is written: its header must be the one this run writes, every
 * complete row must pass the strict reader of samples_csv.h, and every series must
 * hold seq 0..k-1 in order. The run then cuts off a row a kill left unfinished and
 * appends the rows each series still lacks, with seq going on from k. */
#ifndef ASLR_RESUME_H
#define ASLR_RESUME_H

#include <jansson.h>
#include <stdint.h>

#include "error.h"
#include "options.h"
#include "samples_csv.h"
#include "series_key.h"

struct run_config;

struct resume_series {
	struct series_key key; /* key.variant is owned (resume_free frees it) */
	uint64_t rows;
};

struct resume {
	json_t *info;        /* the run.json being continued (owned) */
	unsigned series_count;
	struct resume_series *series;
	char sha256[MAX_VARIANTS][65];
	uint64_t whole_rows;  /* bytes of samples.csv up to its last complete row: what the run keeps */
	char **target_args;   /* the targets' arguments (NULL-terminated; the strings are info's) */
};

/* Read dir/run.json into opts and cfg (samples, modes, knobs, timeout, user, variants
 * and targets with their arguments, out_dir). -EALREADY when the run is complete; -EINVAL when run.json is not a run's. */
int resume_load(struct resume *resume, const char *dir, struct harness_options *opts,
		struct run_config *cfg, struct aslr_error *err);

/* Refuse when a probe's SHA-256 differs from the one run.json recorded. */
int resume_check_probes(const struct resume *resume, const struct run_config *cfg, struct aslr_error *err);

/* Read path up to its last newline: check its header against header (len bytes, newline
 * included) and every row, count each series' rows and set whole_rows. Reads only.
 * -EINVAL (bad input) at FILE:LINE:COLUMN when it is not what this run wrote. */
int resume_scan_samples(struct resume *resume, const char *path, const char *header, size_t len,
			struct aslr_error *err);

/* Rows already kept for a series (0 when resume is NULL: not a resumed run). */
uint64_t resume_rows(const struct resume *resume, const struct series_key *key);

void resume_free(struct resume *resume);

#endif
