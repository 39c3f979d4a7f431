/* radix.h: LSD radix sort of uint64, a byte at a time.
 *
 * One pass counts all eight byte histograms; bytes that are the same in every
 * value (most of an address's bytes) are skipped, so an address column with four
 * varying bytes costs five passes. The histograms are returned for reuse: they
 * also give the per-bit counts without another pass. */
#ifndef ASLR_RADIX_H
#define ASLR_RADIX_H

#include <stddef.h>
#include <stdint.h>

struct radix_histograms {
	size_t count[8][256]; /* count[b][v]: values whose byte b (0 = lowest) is v */
};

/* A key and what travels with it. */
struct radix_record {
	uint64_t key, value;
};

/* The eight byte histograms of n values, in one pass. */
void radix_count(const uint64_t *data, size_t n, struct radix_histograms *hist);

/* Sort n values of data in place; tmp has room for n values. hist may be NULL. */
void radix_sort_u64(uint64_t *data, uint64_t *tmp, size_t n, struct radix_histograms *hist);

/* Sort n records by key in place, stable (equal keys keep their order); tmp has room
 * for n records. */
void radix_sort_records(struct radix_record *data, struct radix_record *tmp, size_t n);

#endif
