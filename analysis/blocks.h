/* blocks.h: regions that move as one. Two regions whose offset never changed in any row
 * of a series move as one: one leaked address gives both away. A cluster is such a set
 * (the relation is an equivalence); a block is a cluster of two or more regions. Exact,
 * from the samples; constant regions belong to none. */
#ifndef ASLR_BLOCKS_H
#define ASLR_BLOCKS_H

#include "estimate.h"
#include "samples.h"

/* The blocks of a series, in order of their first region. Start from { 0 }; blocks_free. */
struct region_blocks {
	unsigned count;
	unsigned *start;  /* count + 1 offsets: block b is member[start[b]] .. member[start[b + 1] - 1] */
	unsigned *member; /* region indexes, ascending within a block (allocated) */
};

/* 1 when regions r and q of x keep one constant offset in every row. */
int blocks_offset_constant(const struct sample_series *x, unsigned r, unsigned q);

/* cluster[r] (n of them) = the smallest region index of r's cluster, -1 for a region whose
 * estimate e[r] is constant. */
void blocks_clusters(const struct sample_series *x, const struct region_estimate *e, unsigned n, int *cluster);

/* The blocks of the n regions of x (estimates e) into out. 0 or -ENOMEM (out empty). */
int blocks_find(const struct sample_series *x, const struct region_estimate *e, unsigned n,
		struct region_blocks *out);

/* Regions in block b. */
unsigned blocks_size(const struct region_blocks *blocks, unsigned b);

void blocks_free(struct region_blocks *blocks);

#endif
