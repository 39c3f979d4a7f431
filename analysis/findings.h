/* findings.h: find the findings (finding.h) of an analysis: blocks and leaks
 * (findings_pairs.c), regions one at a time (findings_regions.c), comparisons between series
 * (findings_variants.c), the variants run.json says were skipped (findings_skipped.c); each with the report section and plot of its evidence; ranked. */
#ifndef ASLR_FINDINGS_H
#define ASLR_FINDINGS_H

#include "analysis.h"
#include "finding.h"

/* Every finding of a (conditional_compute's pairs used when computed), ranked. 0 or
 * -ENOMEM (list empty). */
int findings_compute(const struct analysis *a, struct finding_list *out);

#endif
