#include "analysis_fixture.h"

#include <stdio.h>
#include <string.h>

#include "conditional.h"
#include "rng.h"

int af_load(struct analysis_fixture *f, const struct strbuf *csv, int leaks)
{
	struct aslr_error err;

	memset(f, 0, sizeof(*f));
	if (csv->failed || samples_load_buffer(&f->table, "synthetic.csv", csv->text, csv->len, &err) < 0)
		return -1;
	if (analysis_compute(&f->analysis, &f->table, &err) < 0 ||
	    (leaks && conditional_compute(&f->analysis, &err) < 0)) {
		af_free(f);
		return -1;
	}
	return 0;
}

void af_free(struct analysis_fixture *f)
{
	analysis_free(&f->analysis);
	samples_free(&f->table);
}

static void layout_row(struct strbuf *csv, struct rng *r, int mode, unsigned i)
{
	unsigned long long text = 0x555555554000ULL, lib = 0x7ffff7dd0000ULL, heap = text + 0x20000;
	unsigned long long huge = 0x7fff00000000ULL, stack = 0x7ffffffde000ULL;

	if (mode > 0) {
		text += rng_below(r, 1 << 20) << 12;
		lib -= rng_below(r, 1 << 20) << 12;
		huge += rng_below(r, 1 << 10) << 21;
		stack -= (rng_below(r, 1 << 16) << 12) + (rng_below(r, 256) << 4);
		heap = text + 0x20000 + (mode == 2 ? rng_below(r, 1 << 12) << 12 : 0);
	}
	strbuf_printf(csv, "pie,%d,%u,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx\n", mode, i, text, heap, lib,
		      lib + 0x28000, huge, stack);
}

void af_layout_csv(struct strbuf *csv, unsigned rows)
{
	struct rng r = { 7 };

	strbuf_printf(csv, "variant,mode,seq,text,heap,lib,ld,huge,stack\n");
	for (int mode = 0; mode <= 2; mode++)
		for (unsigned i = 0; i < rows; i++)
			layout_row(csv, &r, mode, i);
}

void af_sweep_csv(struct strbuf *csv, unsigned rows)
{
	struct rng r = { 14 };

	strbuf_printf(csv, "variant,mode,seq,mmap_rnd_bits,text,lib,stack\n");
	for (int bits = 28; bits <= 30; bits += 2)
		for (unsigned i = 0; i < rows; i++) {
			unsigned long long text = 0x555500000000ULL + (rng_below(&r, 1u << 28) << 12);
			unsigned long long lib = 0x7f0000000000ULL + (rng_below(&r, 1u << (bits - 20)) << 12);
			unsigned long long stack = 0x7ff000000000ULL + (rng_below(&r, 1u << 20) << 4);
			strbuf_printf(csv, "pie,2,%u,%d,0x%llx,0x%llx,0x%llx\n", i, bits, text, lib, stack);
		}
}

static void variant_row(struct strbuf *csv, struct rng *r, unsigned v, int mode, unsigned i)
{
	unsigned long long text = 0x555555554000ULL, lib = 0x7ffff7dd0000ULL, stack = 0x7ffffffde000ULL;
	unsigned long long heap;

	if (mode > 0) {
		text += rng_below(r, 1 << 16) << 12;
		lib -= rng_below(r, 1 << 16) << 12;
		stack -= rng_below(r, 1 << 16) << 4;
	}
	heap = text + 0x20000 + (mode == 2 ? rng_below(r, 1 << 16) << 12 : 0);
	strbuf_printf(csv, "v%u,%d,%u,0x%llx,0x%llx,0x%llx,0x%llx\n", v, mode, i, text, heap, lib, stack);
}

void af_variants_csv(struct strbuf *csv, unsigned variants, unsigned rows)
{
	struct rng r = { 18 };

	strbuf_printf(csv, "variant,mode,seq,text,heap,lib,stack\n");
	for (unsigned v = 0; v < variants; v++)
		for (int mode = 0; mode <= 2; mode++)
			for (unsigned i = 0; i < rows; i++)
				variant_row(csv, &r, v, mode, i);
}

/* The address of one region of variant v (af_kinds_csv) in mode, given libc and text. */
static unsigned long long kinds_text(struct rng *r, unsigned v, unsigned long long libc)
{
	switch (v) {
	case 1:
		return libc + 0x10000000; /* static-pie: with the libraries */
	case 2:
		return 0x400000; /* nopie */
	case 3:
		return 0x555400000000ULL + (rng_below(r, 1 << 7) << 21); /* pie2m */
	default:
		return 0x555500000000ULL + (rng_below(r, 1 << 16) << 12);
	}
}

static unsigned long long kinds_heap(struct rng *r, unsigned v, int mode, unsigned long long text)
{
	if (v == 1)
		return mode == 1 ? 0x10000000 : 0x20000000 + (rng_below(r, 1 << 12) << 12);
	if (v == 2)
		return mode == 1 ? 0x800000 : 0x800000 + (rng_below(r, 1 << 4) << 12);
	return text + 0x100000 + (mode == 2 ? rng_below(r, 1 << 10) << 12 : 0);
}

void af_kinds_csv(struct strbuf *csv, unsigned rows)
{
	static const char *const name[] = { "pie", "static-pie", "nopie", "pie2m" };
	struct rng r = { 29 };

	strbuf_printf(csv, "variant,mode,seq,text,data,heap,libc,ld,mmap_2m,stack\n");
	for (unsigned v = 0; v < 4; v++)
		for (int mode = 1; mode <= 2; mode++)
			for (unsigned i = 0; i < rows; i++) {
				unsigned long long libc = 0x7f0000000000ULL + (rng_below(&r, 1 << 18) << 12);
				unsigned long long text = kinds_text(&r, v, libc), heap = kinds_heap(&r, v, mode, text);
				unsigned long long huge = 0x7e0000000000ULL + (rng_below(&r, 1 << 7) << 21);
				unsigned long long stack = 0x7ffd00000000ULL - (rng_below(&r, 1 << 16) << 12) -
							   (rng_below(&r, 256) << 4);
				strbuf_printf(csv, "%s,%d,%u,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx\n", name[v],
					      mode, i, text, text + 0x3000, heap, libc, libc + 0x200000, huge, stack);
			}
}
