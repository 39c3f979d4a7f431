/* resume.h: continue an interrupted run to the targets its run.json records.
 *
 * The run's own samples, modes, variants (probe paths), knobs, timeout and user are
 * taken from run.json; a probe whose SHA-256 changed is refused. samples.csv is cut
 * back to its last complete row, its header must be the one this run writes, and
 * every series must hold seq 0..k-1 in order; the run then appends the rows each
 * series still lacks, with seq going on from k. */
#ifndef ASLR_RESUME_H
#define ASLR_RESUME_H

#include <jansson.h>
#include <stdint.h>

#include "error.h"
#include "options.h"
#include "samples_writer.h"
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
};

/* Read dir/run.json into opts and cfg (samples, modes, knobs, timeout, user, variants,
 * out_dir). -EALREADY when the run is complete; -EINVAL when run.json is not a run's. */
int resume_load(struct resume *resume, const char *dir, struct harness_options *opts,
		struct run_config *cfg, struct aslr_error *err);

/* Refuse when a probe's SHA-256 differs from the one run.json recorded. */
int resume_check_probes(const struct resume *resume, const struct run_config *cfg, struct aslr_error *err);

/* Cut path back to its last newline, check its header against header (len bytes)
 * and count each series' rows. -EINVAL with FILE:LINE when it is not what this run wrote. */
int resume_scan_samples(struct resume *resume, const char *path, const char *header, size_t len,
			const struct samples_knobs *knobs, struct aslr_error *err);

/* Rows already kept for a series. */
uint64_t resume_rows(const struct resume *resume, const struct series_key *key);

void resume_free(struct resume *resume);

#endif
