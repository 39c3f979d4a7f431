/* precision.h: sample a series until every region that moves is measured to +-BITS.
 *
 * The rule (--precision BITS). A region is done when the analysis will print a collision
 * estimate for it (at least ESTIMATE_MIN_PAIRS colliding pairs among at least
 * ESTIMATE_MIN_SAMPLES usable samples, analysis/estimate.h) whose 95 % interval, computed
 * by analysis/collision.h from the same pairs and triples, has a half-width
 * (high - low) / 2 of at most BITS. A region that has not moved yet (one value) or is
 * absent (only 0x0 cells) holds nothing up. A series ends when every region is done and
 * at least min_samples rows were taken ("precision"), at max_samples rows
 * ("max_samples") or after max_time seconds ("max_time"), whichever comes first.
 *
 * Cost per row: one hash-table insert per region (analysis/collision_count.h). A region's
 * interval is recomputed only when its pairs, triples or samples grew by 1 % (at least
 * one) since it was last computed; before the rule says "done", every region's interval
 * is recomputed at the current N, so the stop agrees with the final report. */
#ifndef ASLR_PRECISION_H
#define ASLR_PRECISION_H

#include <stddef.h>
#include <stdint.h>

#include "collision.h"
#include "collision_count.h"
#include "error.h"
#include "record.h"

enum precision_state {
	PRECISION_ABSENT,   /* no usable (nonzero) value yet */
	PRECISION_CONSTANT, /* one value so far */
	PRECISION_WAITING,  /* moves; its interval is not narrow enough yet */
	PRECISION_DONE,
};

enum precision_end { PRECISION_GOING, PRECISION_END_PRECISION, PRECISION_END_MAX_SAMPLES, PRECISION_END_MAX_TIME };

struct precision_rule {
	double bits;          /* half-width wanted, bits (> 0) */
	uint64_t min_samples; /* no series ends on precision before this many rows */
	uint64_t max_samples;
	double max_time;      /* seconds per series; <= 0: none */
};

struct precision_region {
	char name[RECORD_NAME_MAX + 1];
	struct collision_count count; /* usable values only: a 0x0 cell is missing data */
	uint64_t missing;
	uint64_t min, max, all_or, all_and; /* of the usable values: their range, for a region without pairs */
	enum precision_state state;
	uint64_t eval_samples, eval_pairs; /* the inputs of ci, when it was last computed */
	double eval_triples;
	struct collision_interval ci;
	double half_width; /* (ci.high - ci.low) / 2; INFINITY when no pair collided */
};

struct precision {
	struct precision_rule rule;
	unsigned count;
	struct precision_region *region;
	uint64_t rows;
	unsigned waiting;     /* regions in PRECISION_WAITING */
	double poisson_pairs; /* pairs whose exact Poisson interval is +-bits wide (real-valued) */
};

/* The default --min-samples of a precision run: a region that never moved in 1000 rows
 * moves in under 0.3 % of execs (95 %, the rule of three). */
enum { PRECISION_MIN_SAMPLES = 1000 };

/* count regions, all absent. 0, -EINVAL (bits <= 0) or -ENOMEM. */
int precision_init(struct precision *p, const struct precision_rule *rule, unsigned count, struct aslr_error *err);

void precision_set_name(struct precision *p, unsigned region, const char *name);

/* One row: values[i] for region i (0: missing, not counted). 0 or -ENOMEM. */
int precision_add_row(struct precision *p, const uint64_t *values, struct aslr_error *err);

/* What ends the series now, elapsed seconds into it: the rule met (every region done,
 * rechecked at the current N, and min_samples rows), max_samples rows, max_time; or
 * PRECISION_GOING. */
enum precision_end precision_end_now(struct precision *p, double elapsed);

/* Every region's interval and state at the current N: for the record once the series
 * ended (the rows in flight at the end were added after the last check). */
void precision_settle(struct precision *p);

/* Samples region i is expected to need for +-bits: n sqrt(pairs needed / pairs). With no
 * pair yet that is a lower bound (*at_least = 1), from 3.0, the 95 % upper limit on the
 * expected pairs. 0 when the region is not waiting. */
double precision_samples_needed(const struct precision *p, unsigned i, int *at_least);

/* The same as a point estimate, for ranking and ETAs. With no pair yet: what a region
 * uniform over its observed range would need (sqrt(2 k 2^range_bits), range_bits as in
 * estimate.h without the N correction), at least the samples it has. 0 when not waiting. */
double precision_samples_expected(const struct precision *p, unsigned i);

/* The waiting region expected to need the most samples, or -1 when none waits. */
int precision_furthest(const struct precision *p);

/* run.json's record of a series' rule: bits, end, and per region its state, samples,
 * pairs, triples, interval, half-width and (when waiting) the samples it would need,
 * plus "bounds": the regions the report will show as bounds (< ESTIMATE_MIN_PAIRS
 * pairs), and "wider": those with a collision estimate wider than +-bits. NULL when out
 * of memory. */
struct json_t;
struct json_t *precision_json(const struct precision *p, enum precision_end end);

/* The regions still waiting and what each lacks ("stack 4 pairs, needs ~1500000;
 * argv +-0.62 bits, needs ~120000 (under 10 pairs ...)"), into buf; how many. */
int precision_shortfall_text(const struct precision *p, char *buf, size_t size);

/* One line on the region that needs the most samples, for the progress line:
 * "stack +-0.93 bits (9 pairs), needs ~150000", or why nothing waits. */
void precision_furthest_text(const struct precision *p, char *buf, size_t size);

const char *precision_end_name(enum precision_end end);
const char *precision_state_name(enum precision_state state);

void precision_free(struct precision *p);

#endif
