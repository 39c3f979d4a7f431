/* analysis_fixture.h: synthetic samples tables and their analysis, for the tests of
 * the analysis modules. The data are drawn from seeded generators whose structure the
 * tests know (which regions move, together or apart, over how many bits). */
#ifndef ASLR_TEST_ANALYSIS_FIXTURE_H
#define ASLR_TEST_ANALYSIS_FIXTURE_H

#include "analysis.h"
#include "samples.h"
#include "strbuf.h"

struct analysis_fixture {
	struct sample_table table;
	struct analysis analysis;
};

/* Load csv (text), estimate every region and, when leaks, every pair. 0 or -1. */
int af_load(struct analysis_fixture *f, const struct strbuf *csv, int leaks);
void af_free(struct analysis_fixture *f);

/* Variant pie, modes 0..2, rows each; regions text, heap, lib, ld, huge, stack. Mode 0:
 * nothing moves. Modes 1 and 2: text over 2^20 pages; lib over 2^20 pages with ld at a
 * fixed offset (a block); huge over 2^10 2-MiB slots (aligned at bit 21); stack over 2^16
 * pages and 256 16-byte slots below the page (lowest varying bit 4); heap at a fixed
 * offset from text in mode 1 (a block) and 2^12 pages apart from it in mode 2. */
void af_layout_csv(struct strbuf *csv, unsigned rows);

/* A vm.mmap_rnd_bits sweep: variant pie, mode 2, mmap_rnd_bits 28 and 30, rows each.
 * lib is uniform over 2^(bits - 20) pages (8 and 10 bits: collision estimates);
 * text over 2^28 pages (too few pairs: a range bound); stack over 2^20 16-byte slots. */
void af_sweep_csv(struct strbuf *csv, unsigned rows);

/* variants x modes 0..2, named v0, v1, ..., rows each; regions text, heap, lib, stack.
 * Mode 0: nothing moves. Modes 1 and 2: text, lib and stack move independently over
 * 2^16 granules (pages; 16 bytes for the stack); heap keeps a constant offset from text
 * in mode 1 and moves apart from it in mode 2. */
void af_variants_csv(struct strbuf *csv, unsigned variants, unsigned rows);

/* Kinds of program, like the probe's variants: pie, static-pie, nopie and pie2m, modes 1 and 2,
 * rows each; regions text, data (text + 0x3000), heap, libc, ld (libc + 2 MiB), mmap_2m, stack.
 * libc over 2^18 pages; mmap_2m over 2^7 2-MiB slots (bit 21); stack over 2^16 pages and 256
 * 16-byte slots (bit 4). text: pie over 2^16 pages; static-pie at a constant offset from libc;
 * nopie fixed; pie2m over 2^7 2-MiB slots. heap: pie and pie2m at a constant offset from text in
 * mode 1, 2^10 pages apart from it in mode 2; static-pie fixed in mode 1, over 2^12 pages of its
 * own in mode 2; nopie fixed in mode 1, over 2^4 pages in mode 2. */
void af_kinds_csv(struct strbuf *csv, unsigned rows);

#endif
