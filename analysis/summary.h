/* summary.h: every statistic of every series, and its files: summary.json
 * (schema aslr-entropy.summary/2) and summary.csv (the scalar fields). */
#ifndef ASLR_SUMMARY_H
#define ASLR_SUMMARY_H

#include <jansson.h>

#include "analysis.h"
#include "error.h"
#include "estimate.h"

/* /2: conditional[A][B].estimate_bits is H(A | B), no longer the headline of A - B (now
 * difference_bits); docs/leaks.md. */
#define SUMMARY_SCHEMA "aslr-entropy.summary/2"

/* The summary document; run (may be NULL) is copied under "run". */
json_t *summary_to_json(const struct analysis *a, const json_t *run);
/* One region object, as in "regions". */
json_t *summary_region_json(const struct region_estimate *e);

/* dir/summary.json and dir/summary.csv, each written atomically. */
int summary_write(const struct analysis *a, const json_t *run, const char *dir, struct aslr_error *err);

#endif
