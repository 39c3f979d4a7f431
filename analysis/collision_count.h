/* collision_count.h: the colliding pairs and triples of a stream of values, counted as
 * the values arrive.
 *
 * A new value seen c times before adds c pairs and C(c, 2) triples, so after n values
 * pairs = sum C(c, 2) and triples = sum C(c, 3) over the distinct values: exactly the
 * inputs analysis/collision.h turns into the interval the final report prints. This lets
 * the harness stop a series once that interval is narrow enough (harness/precision.h)
 * without sorting anything: O(1) expected per value.
 *
 * Memory: a hash set of the distinct values, 8 bytes a slot, power-of-two slots kept at
 * most 3/4 full (so 8 to 21 bytes per distinct value), plus a small table of counts for
 * the values seen twice or more (16 bytes a slot). A region of 1,000,000 distinct values
 * takes 2^21 slots: 16.8 MB. */
#ifndef ASLR_COLLISION_COUNT_H
#define ASLR_COLLISION_COUNT_H

#include <stddef.h>
#include <stdint.h>

/* Open addressing with linear probing; key 0 marks an empty slot (value 0 is counted apart). */
struct u64_slots {
	uint64_t *key;
	uint64_t *count; /* with_counts only */
	size_t cap;      /* a power of two, or 0 */
	size_t used;
	int with_counts;
};

struct collision_count {
	uint64_t samples;  /* values added */
	uint64_t distinct;
	uint64_t pairs;    /* sum C(c, 2) */
	double triples;    /* sum C(c, 3) (a double, as in estimate.h: it passes 2^64) */
	uint64_t first;    /* the first value added: all equal to it while distinct == 1 */
	uint64_t zeros;    /* how often value 0 came */
	struct u64_slots seen;     /* every distinct value but 0 */
	struct u64_slots repeated; /* values seen twice or more, with their counts */
};

/* Start empty (no memory held until the first value). */
void collision_count_init(struct collision_count *c);

/* Count one more value. 0, or -ENOMEM (nothing changed then). */
int collision_count_add(struct collision_count *c, uint64_t value);

/* Bytes of table memory it holds now. */
size_t collision_count_bytes(const struct collision_count *c);

void collision_count_free(struct collision_count *c);

#endif
