/* table.h: the human summary on stdout: per variant (and knob setting) a table
 * region x mode of the headline bits and their kind, then the notes a reader needs:
 * what each kind means, biased bits, and the samples a collision estimate would need
 * where the headline is only a range bound. Fits 100 columns. */
#ifndef ASLR_TABLE_H
#define ASLR_TABLE_H

#include <stdio.h>

#include "analysis.h"

void table_print(FILE *out, const struct analysis *a);

/* The headline of one estimate as the table shows it, e.g. "27.9 H2", "28.0 range<=". */
void table_cell(char *buf, size_t size, const struct region_estimate *e);

#endif
