/* preset.h: sample counts chosen for a purpose, and the time they will take.
 *
 * "precise": enough samples per series that a 30-bit region is expected to show 16
 * colliding pairs, so that at least 10 (the collision headline's threshold) show up
 * with about 96 % probability: N = sqrt(2 * 16 * 2^30) = 185,364 (birthday.h). */
#ifndef ASLR_PRESET_H
#define ASLR_PRESET_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "spawn.h"

#define PRESET_PRECISE_BITS 30.0
#define PRESET_PRECISE_PAIRS 16.0

/* P(X >= k) for X ~ Poisson(lambda). */
double preset_poisson_at_least(double lambda, unsigned k);

/* What --preset precise will cost, for samples per series over `series` series at `rate`
 * execs per second: the expected colliding pairs of a 30-bit region, the chance of at
 * least 10, the execs and the minutes; one line, no newline, into buf. */
void preset_precise_text(char *buf, size_t size, uint64_t samples, unsigned series, double rate);

/* Execs per second of spawn (a probe or a target, with its jobs) over n execs that end
 * well (current mode, nothing written): how the harness predicts a run's length. 0 or
 * -errno. */
int preset_measure_rate(const struct spawn_config *spawn, unsigned n, double *rate, struct aslr_error *err);

#endif
