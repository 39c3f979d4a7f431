/* preset.h: named precisions, and what they will cost.
 *
 * "precise" is --precision 0.5: every region that moves gets a collision estimate whose
 * 95 % interval is at most +-0.5 bits (about 35 colliding pairs). Why half a bit: the
 * gate's default tolerance is 1 bit, and two runs of +-0.5 each tell a 1-bit loss from
 * sampling noise (their difference is known to about +-0.71 bits); it costs
 * sqrt(2 * 35 * 2^H) samples, 137,000 for a 28-bit region and 274,000 for a 30-bit stack,
 * a minute or two per series at this project's 2,500 execs/s. */
#ifndef ASLR_PRESET_H
#define ASLR_PRESET_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "spawn.h"

#define PRESET_PRECISE_BITS 0.5

/* What --preset precise will cost, before it starts: the pairs +-bits takes, the samples
 * and seconds a 28- and a 30-bit region need at `rate` execs per second, the limits per
 * series and the number of series; one line, no newline, into buf. */
void preset_precise_text(char *buf, size_t size, double bits, uint64_t max_samples, double max_time,
			 unsigned series, double rate);

/* Execs per second of spawn (a probe or a target, with its jobs) over n execs that end
 * well (current mode, nothing written): how the harness predicts a run's length. 0 or
 * -errno. */
int preset_measure_rate(const struct spawn_config *spawn, unsigned n, double *rate, struct aslr_error *err);

#endif
