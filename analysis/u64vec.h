/* u64vec.h: a growable array of uint64 backed by mmap/mremap.
 *
 * Growth never copies (mremap moves pages) and capacity that was never written is
 * never resident, so a column costs its length in memory, not its capacity: the
 * analyzer stays within twice the size of the samples. */
#ifndef ASLR_U64VEC_H
#define ASLR_U64VEC_H

#include <stddef.h>
#include <stdint.h>

struct u64vec {
	uint64_t *data;
	size_t len;
	size_t cap; /* in elements */
};

/* Append v; 0 or -ENOMEM. */
int u64vec_push(struct u64vec *vec, uint64_t v);

/* Room for at least cap elements; 0 or -ENOMEM. */
int u64vec_reserve(struct u64vec *vec, size_t cap);

void u64vec_free(struct u64vec *vec);

#endif
