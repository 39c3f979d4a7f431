/* expect.h: what the kernel promises each region, from the knobs a run recorded, against
 * what the samples show it delivered.
 *
 * The promise is the number of random bits the kernel's source gives a region's base
 * under the series' mode and knobs (x86_64; sources and reasoning: docs/expectations.md):
 *   mode 0                       every classified region: 0 (nothing is randomized)
 *   mmap area and libraries      vm.mmap_rnd_bits (arch_mmap_rnd); a 32-bit program
 *     mmap, mmap_*, libc, ld,    vm.mmap_rnd_compat_bits. vdso/vvar only on x86_64 from
 *     biglib, thread_stack,      Linux 6.9 (before, vdso_addr put them near the stack);
 *     lib_*, vdso, vvar, tls     tls only in a dynamically linked program (the series has
 *                                an ld region): a static one puts it in the brk heap
 *   the executable               a PIE (ELF type DYN): the same knob (load_elf_binary adds
 *     text, data, bss, exe       arch_mmap_rnd to ELF_ET_DYN_BASE); ET_EXEC: 0
 *   stack, argv                  x86_64: STACK_RND_MASK page bits of the stack top, 22
 *                                (11 for a 32-bit program); the stack variable also gets
 *                                arch_align_stack's sub-page offset, not counted
 *   heap, brk, anything else     no expectation (see the docs for why not the heap)
 * The knob is the series' own value when the run swept it (samples.csv's column), else
 * run.json's "kernel"; the program's ELF class and type come from run.json's "probes"
 * (or, for the project's own variants, from their names); the machine from "host"."uname",
 * the release from runmeta_kernel_release (the guest's under QEMU). Without them there is
 * no expectation.
 *
 * Delivered: the headline, and the most the samples allow: a collision estimate's 95 %
 * CI upper end, an upper bound itself, 0 for a constant. shortfall = promised - that
 * upper end (0 when the samples allow the promise). A region gets clearly less than
 * promised when the shortfall exceeds EXPECT_MARGIN_BITS: for a region that does get
 * its promise, the CI's upper end falls that far short with probability about 2e-5 at
 * 10 colliding pairs and less with more (docs/expectations.md). */
#ifndef ASLR_EXPECT_H
#define ASLR_EXPECT_H

#include "analysis.h"
#include "strbuf.h"

#define EXPECT_MARGIN_BITS 1.0

struct json_t;

enum expect_basis {
	EXPECT_NONE,         /* the kernel documents nothing this tool can state for the region */
	EXPECT_OFF,          /* randomize_va_space 0 */
	EXPECT_MMAP_RND,     /* vm.mmap_rnd_bits */
	EXPECT_MMAP_COMPAT,  /* vm.mmap_rnd_compat_bits */
	EXPECT_STACK_RND,    /* STACK_RND_MASK */
	EXPECT_FIXED_EXEC,   /* an ET_EXEC executable is loaded at its link address */
};

struct expectation {
	enum expect_basis basis;
	int promised_bits;      /* -1 with EXPECT_NONE */
	double delivered_bits;  /* the headline; NAN when insufficient */
	enum estimate_kind kind;
	double delivered_high;  /* the most the samples allow; NAN when insufficient */
	double shortfall_bits;  /* promised - delivered_high, at least 0; NAN without an expectation or a headline */
	int clearly_short;      /* shortfall_bits > EXPECT_MARGIN_BITS */
};

/* Fill out for region r of series s. Returns 1 when the kernel promises something for it,
 * 0 when not (out->basis EXPECT_NONE, shortfall NAN). a->run may be NULL. */
int expect_region(const struct analysis *a, unsigned s, unsigned r, struct expectation *out);

/* The rule alone: region e against a promise of promised_bits on basis (EXPECT_NONE: no
 * expectation; shortfall NAN). */
void expect_judge(int promised_bits, enum expect_basis basis, const struct region_estimate *e,
		  struct expectation *out);

/* "mmap_rnd_bits", "mmap_rnd_compat_bits", "STACK_RND_MASK", "ET_EXEC",
 * "randomize_va_space" (mode 0) or "none". */
const char *expect_basis_name(enum expect_basis basis);

/* The report's findings: one Markdown list item per region clearly short of its promise
 * ("- In pie mode 2, mmap_2m gets 19.0 bits (range), clearly less than the 28 ...");
 * returns how many. */
unsigned expect_findings(struct strbuf *out, const struct analysis *a);

/* summary.json's fields of region r of series s, set in obj: "expected_bits" (integer),
 * "expected_from" (expect_basis_name), "shortfall_bits", "short_of_promise" (boolean);
 * null (false) when there is no expectation or no headline. */
void expect_to_json(struct json_t *obj, const struct analysis *a, unsigned s, unsigned r);

/* The same as summary.csv cells, each preceded by ',' (empty for null). */
#define EXPECT_CSV_COLUMNS "expected_bits,expected_from,shortfall_bits,short_of_promise"
void expect_to_csv(struct strbuf *sb, const struct analysis *a, unsigned s, unsigned r);

#endif
