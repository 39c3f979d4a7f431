/* aslr-gen-samples: a synthetic samples.csv shaped like a real mode-2 run of the
 * default probe (11 regions, page-granular 28-bit mmap and text, a 30-bit stack),
 * for timing the analyzer. Usage: aslr-gen-samples ROWS OUT.csv [SEED] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static uint64_t next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t bits(int k)
{
	return next() & ((UINT64_C(1) << k) - 1);
}

int main(int argc, char **argv)
{
	long rows;
	FILE *out;

	if (argc < 3 || (rows = atol(argv[1])) < 1) {
		fprintf(stderr, "usage: aslr-gen-samples ROWS OUT.csv [SEED]\n");
		return 2;
	}
	state = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
	out = fopen(argv[2], "w");
	if (!out)
		return 1;
	fputs("variant,mode,seq,text,data,bss,heap,mmap,libc,ld,vdso,tls,stack,argv\n", out);
	for (long i = 0; i < rows; i++) {
		uint64_t text = 0x555555554000ULL + (bits(28) << 12);
		uint64_t mmap = 0x7ffff7fbf000ULL - (bits(28) << 12);
		uint64_t heap = text + 0x4000 + (bits(18) << 12);
		uint64_t argv0 = 0x7fffffffef9cULL - (bits(22) << 12);
		uint64_t stack = argv0 - 0x1350 - (bits(9) << 4);
		fprintf(out, "pie,2,%ld,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx\n",
			i, (unsigned long long)(text + 0x10d0), (unsigned long long)(text + 0x3058),
			(unsigned long long)(text + 0x3060), (unsigned long long)heap, (unsigned long long)mmap,
			(unsigned long long)(mmap - 0xf5cc0), (unsigned long long)(mmap + 0xb000),
			(unsigned long long)(mmap + 0x9000), (unsigned long long)(mmap - 0x1f28c4),
			(unsigned long long)stack, (unsigned long long)argv0);
	}
	return fclose(out) == 0 ? 0 : 1;
}
