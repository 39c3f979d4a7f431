/* rng.h: splitmix64, a seeded generator for synthetic samples (Steele, Lea, Flood 2014). */
#ifndef ASLR_TEST_RNG_H
#define ASLR_TEST_RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, m) (m > 0), by rejection, so no modulo bias. */
static inline uint64_t rng_below(struct rng *r, uint64_t m)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % m, x;
	do
		x = rng_next(r);
	while (x >= limit);
	return x % m;
}

static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
