#include "radix.h"

#include <stdlib.h>
#include <string.h>

/* The sorts below move elements of `width` bytes whose first 8 bytes are the uint64 key;
 * always_inline lets the compiler specialize them for each constant width. */
#define RADIX_INLINE static inline __attribute__((always_inline))

RADIX_INLINE uint64_t key_at(const char *base, size_t i, size_t width)
{
	uint64_t key;
	memcpy(&key, base + i * width, sizeof(key));
	return key;
}

RADIX_INLINE void count_keys(const char *data, size_t n, size_t width, struct radix_histograms *h)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		uint64_t v = key_at(data, i, width);
		for (int b = 0; b < 8; b++)
			h->count[b][(v >> (8 * b)) & 0xff]++;
	}
}

void radix_count(const uint64_t *data, size_t n, struct radix_histograms *h)
{
	count_keys((const char *)data, n, sizeof(*data), h);
}

static int byte_constant(const struct radix_histograms *h, int b, size_t n)
{
	for (int v = 0; v < 256; v++)
		if (h->count[b][v])
			return h->count[b][v] == n;
	return 1;
}

RADIX_INLINE void scatter(const char *from, char *to, size_t n, size_t width, int b, const size_t *count)
{
	size_t offset[256], sum = 0;
	unsigned shift = 8u * (unsigned)b;

	for (int v = 0; v < 256; v++) {
		offset[v] = sum;
		sum += count[v];
	}
	for (size_t i = 0; i < n; i++)
		memcpy(to + offset[(key_at(from, i, width) >> shift) & 0xff]++ * width, from + i * width, width);
}

RADIX_INLINE void sort_keyed(char *data, char *tmp, size_t n, size_t width, struct radix_histograms *h)
{
	char *from = data, *to = tmp;

	count_keys(data, n, width, h);
	for (int b = 0; b < 8; b++) {
		char *swap;
		if (byte_constant(h, b, n))
			continue;
		scatter(from, to, n, width, b, h->count[b]);
		swap = from;
		from = to;
		to = swap;
	}
	if (from != data)
		memcpy(data, from, n * width);
}

void radix_sort_u64(uint64_t *data, uint64_t *tmp, size_t n, struct radix_histograms *hist)
{
	struct radix_histograms local;

	sort_keyed((char *)data, (char *)tmp, n, sizeof(*data), hist ? hist : &local);
}

void radix_sort_records(struct radix_record *data, struct radix_record *tmp, size_t n)
{
	struct radix_histograms local;

	sort_keyed((char *)data, (char *)tmp, n, sizeof(*data), &local);
}
