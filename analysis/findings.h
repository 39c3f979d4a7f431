/* findings.h: plain sentences derived from the numbers of a run, never written in
 * for a particular kernel: what does not move, which regions move as one block,
 * whether the heap moves apart from the executable, what alignment costs, where the
 * headline is only a bound and how many samples would turn it into an estimate. */
#ifndef ASLR_FINDINGS_H
#define ASLR_FINDINGS_H

#include "analysis.h"
#include "strbuf.h"

/* Append the findings as Markdown list items ("- ...\n"); returns how many. */
unsigned findings_write(struct strbuf *out, const struct analysis *a);

/* One line per region with missing (0x0) cells, each starting with prefix; how many. */
unsigned findings_missing(struct strbuf *out, const struct analysis *a, const char *prefix);

/* The lines for the top of the report, each starting with prefix: missing cells, a most
 * common value far above what the headline allows, successive samples not independent. */
unsigned findings_warnings(struct strbuf *out, const struct analysis *a, const char *prefix);

#endif
