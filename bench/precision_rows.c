/* aslr-bench-precision: what the --precision rule costs per row, without execs: ROWS rows
 * of REGIONS page-granular regions of BITS random bits fed to precision_add_row and
 * precision_end_now (a rule of +-0.01 bits, never met, so every row is counted and
 * checked), with the time per row and the collision-count memory at the end.
 * Usage: aslr-bench-precision ROWS REGIONS BITS */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "precision.h"

static uint64_t state = 1;

static uint64_t next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long rows = argc > 3 ? atol(argv[1]) : 0;
	unsigned regions = argc > 3 ? (unsigned)atoi(argv[2]) : 0;
	int bits = argc > 3 ? atoi(argv[3]) : 0;
	struct precision_rule rule = { 0.01, 1000, (uint64_t)rows + 1, 0 };
	struct precision p;
	struct aslr_error err;
	uint64_t row[RECORD_MAX_REGIONS];
	size_t bytes = 0;
	double t0;

	if (rows < 1 || regions < 1 || regions > RECORD_MAX_REGIONS || bits < 1 || bits > 40) {
		fprintf(stderr, "usage: aslr-bench-precision ROWS REGIONS(1..64) BITS(1..40)\n");
		return 2;
	}
	if (precision_init(&p, &rule, regions, &err) < 0)
		return 1;
	t0 = now();
	for (long i = 0; i < rows; i++) {
		for (unsigned r = 0; r < regions; r++)
			row[r] = (UINT64_C(0x7f0000000) + (next() & ((UINT64_C(1) << bits) - 1))) << 12;
		if (precision_add_row(&p, row, &err) < 0 || precision_end_now(&p, 0) != PRECISION_GOING)
			return 1;
	}
	for (unsigned r = 0; r < regions; r++)
		bytes += collision_count_bytes(&p.region[r].count);
	printf("%ld rows x %u regions of %d bits: %.2f us per row, collision counts %.1f MB (%.1f MB per region)\n",
	       rows, regions, bits, (now() - t0) / (double)rows * 1e6, (double)bytes / 1e6,
	       (double)bytes / 1e6 / regions);
	precision_free(&p);
	return 0;
}
