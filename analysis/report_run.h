/* report_run.h: the sections of report.md that come from run.json alone, not from the
 * samples: the variants the harness's preflight skipped, and how a --precision run ended
 * each series. Each writes nothing when the run has nothing of the kind. */
#ifndef ASLR_REPORT_RUN_H
#define ASLR_REPORT_RUN_H

#include <jansson.h>

#include "analysis.h"
#include "strbuf.h"

/* "## Skipped variants": each skipped variant, its path and the harness's reason; a 32-bit
 * program the kernel refused says that the attack surface is closed. Nothing without any. */
void report_skipped_section(struct strbuf *sb, const struct analysis *a, const json_t *run);

/* "## Precision": what +-BITS buys, per series what ended the sampling (precision,
 * max_samples, max_time, ...), which regions stayed bounds or wider than +-BITS and what each
 * would need. Nothing unless the run used --precision (run.json's run.precision). */
void report_precision_section(struct strbuf *sb, const struct analysis *a, const json_t *run);

#endif
