/* progress.h: one self-overwriting line on stderr (done/total, samples/s, ETA),
 * only when stderr is a terminal and the user did not ask for --quiet. */
#ifndef ASLR_PROGRESS_H
#define ASLR_PROGRESS_H

#include <stdint.h>

#include "series_key.h"

struct progress {
	int enabled;
	double start;
	double last_print;
	uint64_t total;
	char label[SERIES_KEY_TEXT]; /* the series' label */
	int width;                   /* of the line last printed, so that progress_end clears it all */
};

/* enabled: whether to print at all (the caller decides: isatty && !quiet). */
void progress_begin(struct progress *p, int enabled, const char *label, uint64_t total);
/* At most ~5 prints a second; now is CLOCK_MONOTONIC seconds. */
void progress_update(struct progress *p, uint64_t done, double now);
/* Clear the line. */
void progress_end(struct progress *p);

#endif
