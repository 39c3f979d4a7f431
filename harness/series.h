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
#include "precision.h"
#include "progress.h"
#include "record.h"
#include "samples_writer.h"
#include "spawn.h"

/* Region names, in record order. */
struct region_names {
	unsigned count;
	char name[RECORD_CAPACITY][RECORD_NAME_MAX + 1];
};

/* Take the names of a parsed record. */
void region_names_from_record(struct region_names *names, const struct record *rec);

/* Add the names of more that are not in union yet, in their order; map[i] gets the
 * union's column of more's name i. -E2BIG past RECORD_CAPACITY. */
int region_names_merge(struct region_names *all, const struct region_names *more, unsigned *map);

struct series {
	/* set by the caller */
	struct series_key key;            /* variant, mode, knobs */
	uint64_t first_seq;               /* rows already kept (a resumed series) */
	struct spawn_config spawn;        /* target = rows still wanted */
	const struct region_names *names; /* what every record of this probe must carry */
	const unsigned *column_of;        /* names->name[i] goes to CSV region column column_of[i] */
	unsigned columns;                 /* region columns of the CSV; a probe's missing ones are 0x0 */
	struct samples_writer *writer;
	struct progress *progress;
	struct precision *precision;      /* --precision: the rule that ends the series; NULL: N rows */
	int regions_fatal;                /* a record with other region names ends the run (targets) */
	/* results */
	uint64_t accepted;
	struct failure_tally tally;
	double seconds;
	enum precision_end end;           /* what ended it, with a precision rule */
	/* internal */
	double start;
	double last_flush;
	struct aslr_error *err;
};

/* Classify one exec. Returns -1 for a good record (rec filled, names checked
 * against *names unless names is NULL) or a failure_kind with an example. */
int series_classify(const struct probe_result *result, const struct region_names *names,
		    struct record *rec, char *example, size_t example_size);

/* Sample the series: to spawn.target rows or, with a precision rule, until the rule
 * ends it (series->end says why; rows still in flight are kept, at most jobs - 1).
 * SPAWN_DONE, SPAWN_STOPPED (interrupted), or -errno: an I/O error, or -ECANCELED when
 * the failure budget ran out (err describes the failures). */
int series_run(struct series *series, struct aslr_error *err);

#endif
