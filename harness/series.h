/* series.h: one series = one probe under one mode, sampled to N valid rows.
 *
 * Each exec is classified (a row, or a failure of some kind); rows go to
 * samples.csv with seq 0..N-1 in the order they finished. */
#ifndef ASLR_SERIES_H
#define ASLR_SERIES_H

#include <signal.h>
#include <stdint.h>

#include "error.h"
#include "failures.h"
#include "progress.h"
#include "record.h"
#include "samples_writer.h"
#include "spawn.h"

/* The region columns of a run, taken from its first valid record. */
struct region_names {
	unsigned count; /* 0 until the first record */
	char name[RECORD_MAX_REGIONS][RECORD_NAME_MAX + 1];
};

struct series {
	/* set by the caller */
	const char *variant;
	int mode;
	uint64_t first_seq; /* rows already kept (a resumed series) */
	struct spawn_config spawn; /* target = rows still wanted */
	struct region_names *names;
	struct samples_writer *writer;
	struct progress *progress;
	/* results */
	uint64_t accepted;
	struct failure_tally tally;
	double seconds;
	/* internal */
	double last_flush;
	struct aslr_error *err;
};

/* Classify one exec. Returns -1 for a good record (rec filled, names checked
 * against *names unless names->count == 0) or a failure_kind with an example. */
int series_classify(const struct probe_result *result, const struct region_names *names,
		    struct record *rec, char *example, size_t example_size);

/* Sample the series. SPAWN_DONE, SPAWN_STOPPED (interrupted), or -errno: an I/O
 * error, or -ECANCELED when the failure budget ran out (err describes the failures). */
int series_run(struct series *series, struct aslr_error *err);

#endif
