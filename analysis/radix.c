#include "radix.h"

#include <stdlib.h>
#include <string.h>

void radix_count(const uint64_t *data, size_t n, struct radix_histograms *h)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		uint64_t v = data[i];
		for (int b = 0; b < 8; b++)
			h->count[b][(v >> (8 * b)) & 0xff]++;
	}
}

static int byte_constant(const struct radix_histograms *h, int b, size_t n)
{
	for (int v = 0; v < 256; v++)
		if (h->count[b][v])
			return h->count[b][v] == n;
	return 1;
}

static void scatter(const uint64_t *from, uint64_t *to, size_t n, int b, const size_t *count)
{
	size_t offset[256], sum = 0;
	unsigned shift = 8u * (unsigned)b;

	for (int v = 0; v < 256; v++) {
		offset[v] = sum;
		sum += count[v];
	}
	for (size_t i = 0; i < n; i++)
		to[offset[(from[i] >> shift) & 0xff]++] = from[i];
}

void radix_sort_u64(uint64_t *data, uint64_t *tmp, size_t n, struct radix_histograms *hist)
{
	struct radix_histograms local;
	struct radix_histograms *h = hist ? hist : &local;
	uint64_t *from = data, *to = tmp;

	radix_count(data, n, h);
	for (int b = 0; b < 8; b++) {
		uint64_t *swap;
		if (byte_constant(h, b, n))
			continue;
		scatter(from, to, n, b, h->count[b]);
		swap = from;
		from = to;
		to = swap;
	}
	if (from != data)
		memcpy(data, from, n * sizeof(*data));
}
