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
/* Whether progress_update would print now (to build a costly detail only then). */
int progress_due(const struct progress *p, uint64_t done, double now);
/* A line without a known total (--precision): done, the rate, detail (what the run waits
 * for) and eta seconds (< 0: unknown). Call when progress_due. */
void progress_print_detail(struct progress *p, uint64_t done, double now, const char *detail, double eta);
/* Clear the line. */
void progress_end(struct progress *p);

#endif
