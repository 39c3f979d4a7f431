/* The findings (findings.h) on synthetic runs whose structure is known: which causes they
 * find, grouped how (a place per block, a finding per cause across variants), with which
 * numbers, ranked how. They assert the structs (series, regions, numbers), not the wording;
 * where a test reads a sentence, it asks only that it name the facts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "analysis_fixture.h"
#include "estimate.h"
#include "findings_text.h"
#include "rng.h"

enum { ROWS = 2000 };

static void analyze(const struct strbuf *csv, int leaks, struct analysis_fixture *f, struct finding_list *list)
{
	assert_int_equal(af_load(f, csv, leaks), 0);
	assert_int_equal(findings_compute(&f->analysis, list), 0);
}

static unsigned region(const struct analysis_fixture *f, const char *name)
{
	for (unsigned r = 0; r < f->table.region_count; r++)
		if (strcmp(f->table.region[r], name) == 0)
			return r;
	fail_msg("no region %s", name);
	return 0;
}

static unsigned series(const struct analysis_fixture *f, const char *variant, int mode)
{
	struct series_key key = { variant, mode, -1, -1 };
	int s = analysis_find_series(&f->analysis, &key);

	if (s < 0)
		fail_msg("no series %s mode %d", variant, mode);
	return (unsigned)s;
}

/* 1 when set (n of them) holds exactly the NULL-terminated names, in region order. */
static int regions_are(const struct analysis_fixture *f, const unsigned *set, unsigned n, ...)
{
	va_list ap;
	const char *name;
	unsigned i = 0;
	int same = 1;

	va_start(ap, n);
	while ((name = va_arg(ap, const char *)))
		same &= i < n && set[i++] == region(f, name);
	va_end(ap);
	return same && i == n;
}

/* 1 when p's series are exactly the variant/mode pairs given ("pie", 1, ..., NULL), ascending. */
static int series_are(const struct analysis_fixture *f, const struct finding_place *p, ...)
{
	va_list ap;
	const char *variant;
	unsigned n = 0;
	int same = 1;

	va_start(ap, p);
	while ((variant = va_arg(ap, const char *))) {
		int mode = va_arg(ap, int);
		unsigned s = series(f, variant, mode), k = 0;
		while (k < p->series_count && p->series[k] != s)
			k++;
		same &= k < p->series_count;
		n++;
	}
	va_end(ap);
	return same && n == p->series_count;
}

static unsigned count(const struct finding_list *list, enum finding_cause cause)
{
	unsigned n = 0;

	for (unsigned i = 0; i < list->count; i++)
		n += list->item[i].cause == cause;
	return n;
}

/* The k-th finding of cause (in rank order), or fail. */
static const struct finding *nth(const struct finding_list *list, enum finding_cause cause, unsigned k)
{
	for (unsigned i = 0; i < list->count; i++)
		if (list->item[i].cause == cause && k-- == 0)
			return &list->item[i];
	fail_msg("no finding %s", finding_cause_name(cause));
	return NULL;
}

/* The place of f whose regions are exactly the names, or fail. */
static const struct finding_place *place_of(const struct analysis_fixture *f, const struct finding *x,
					    const char *r1, const char *r2, const char *r3)
{
	for (unsigned i = 0; i < x->place_count; i++)
		if (regions_are(f, x->place[i].region, x->place[i].region_count, r1, r2, r3, NULL))
			return &x->place[i];
	fail_msg("%s: no place %s %s %s", finding_cause_name(x->cause), r1, r2 ? r2 : "", r3 ? r3 : "");
	return NULL;
}

static double headline(const struct analysis_fixture *f, unsigned s, const char *name)
{
	return f->analysis.series[s].region[region(f, name)].estimate_bits;
}

/* af_kinds_csv: a static-pie executable tied to libc (18-bit libc: 18 bits saved), nopie's fixed
 * executable (against static-pie's 18), nopie's 4-bit heap against pie2m's ~16.5 (about 12), the
 * heap tied to text in mode 1 (10 bits apart in mode 2), 2 MiB alignment (9), the stack's 8
 * sub-page bits, the heap 10 bits from text in mode 2 of about 16 (about 6): ranked so, one
 * finding per cause or block, a place per block across variants. */
static void test_kinds_ranked_and_grouped(void **state)
{
	struct strbuf csv = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	const struct finding *x;
	const struct finding_place *p;
	static const enum finding_cause order[] = { FINDING_TIED, FINDING_FIXED,     FINDING_LOWER, FINDING_TIED,
						    FINDING_ALIGNMENT, FINDING_SUBPAGE, FINDING_LEAK };

	(void)state;
	af_kinds_csv(&csv, ROWS);
	analyze(&csv, 1, &f, &list);
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (list.item[i].cause != order[i])
			fail_msg("rank %u: %s, not %s", i, finding_cause_name(list.item[i].cause),
				 finding_cause_name(order[i]));
		assert_int_equal(findings_key_index(&f.analysis, &list, i), i);
	}
	assert_int_equal(findings_key_index(&f.analysis, &list, FINDINGS_KEY_MAX), -1);

	/* the static-pie executable with the libraries: one block, both modes, by its kind */
	x = &list.item[0];
	assert_int_equal(x->place_count, 1);
	p = &x->place[0];
	assert_true(regions_are(&f, p->region, p->region_count, "text", "data", "libc", "ld", NULL));
	assert_true(series_are(&f, p, "static-pie", 1, "static-pie", 2, NULL));
	assert_int_equal(p->a, region(&f, "text"));
	assert_int_equal(p->b, region(&f, "libc"));
	assert_int_equal(p->ref_series, -1);
	assert_true(p->after == 0);
	assert_true(x->bits_saved == headline(&f, p->worst, "text"));
	assert_true(fabs(x->bits_saved - 18) < 0.1);

	/* never moved: a place per set of regions, against the best text of the run */
	x = &list.item[1];
	assert_int_equal(x->place_count, 3);
	assert_true(series_are(&f, place_of(&f, x, "text", "data", "heap"), "nopie", 1, NULL));
	assert_true(series_are(&f, place_of(&f, x, "text", "data", NULL), "nopie", 2, NULL));
	assert_true(series_are(&f, place_of(&f, x, "heap", NULL, NULL), "static-pie", 1, NULL));
	assert_true(x->bits_saved <= list.item[0].bits_saved && x->bits_saved > 17.9);

	/* nopie's 4-bit heap, worst of the variants' differences */
	p = &list.item[2].place[list.item[2].worst];
	assert_true(regions_are(&f, p->region, p->region_count, "heap", NULL));
	assert_int_equal(p->worst, series(&f, "nopie", 2));
	assert_true(fabs(p->after - 4) < 0.3);

	/* the heap tied to text in mode 1: pie and pie2m in one place, 10 bits apart in mode 2 */
	x = &list.item[3];
	assert_int_equal(x->place_count, 1);
	p = &x->place[0];
	assert_true(regions_are(&f, p->region, p->region_count, "text", "data", "heap", NULL));
	assert_true(series_are(&f, p, "pie", 1, "pie2m", 1, NULL));
	assert_true(fabs(x->bits_saved - 10) < 0.3);
	assert_true(p->ref_series >= 0);
	assert_int_equal(f.analysis.series[p->ref_series].series->mode, 2);
	assert_string_equal(f.analysis.series[p->ref_series].series->variant, f.analysis.series[p->worst].series->variant);

	/* 2 MiB alignment: one finding across variants, a place per block */
	x = &list.item[4];
	assert_int_equal(x->key, 21);
	assert_true(x->bits_saved == 9);
	assert_int_equal(x->place_count, 3);
	assert_int_equal(place_of(&f, x, "mmap_2m", NULL, NULL)->series_count, 8);
	assert_true(series_are(&f, place_of(&f, x, "text", "data", "heap"), "pie2m", 1, NULL));
	assert_true(series_are(&f, place_of(&f, x, "text", "data", NULL), "pie2m", 2, NULL));

	/* the stack's sub-page bits: one place, every series */
	x = &list.item[5];
	assert_true(x->bits_saved == 8);
	assert_int_equal(x->place_count, 1);
	assert_int_equal(place_of(&f, x, "stack", NULL, NULL)->series_count, 8);

	/* the heap and the executable in mode 2, both variants in one place, either way */
	x = &list.item[6];
	assert_int_equal(x->place_count, 1);
	p = &x->place[0];
	assert_true(regions_are(&f, p->region, p->region_count, "text", "data", NULL));
	assert_true(regions_are(&f, p->other, p->other_count, "heap", NULL));
	assert_true(series_are(&f, p, "pie", 2, "pie2m", 2, NULL));
	assert_true(x->bits_saved > 5 && x->bits_saved < 8);

	/* blocks that are no cost: a finding per block, not per member */
	assert_int_equal(count(&list, FINDING_BLOCK), 2);
	x = nth(&list, FINDING_BLOCK, 0);
	x = regions_are(&f, x->place[0].region, x->place[0].region_count, "libc", "ld", NULL) ? x
											       : nth(&list, FINDING_BLOCK, 1);
	assert_int_equal(x->place_count, 1);
	assert_true(regions_are(&f, x->place[0].region, x->place[0].region_count, "libc", "ld", NULL));
	assert_true(series_are(&f, &x->place[0], "pie", 1, "pie", 2, "nopie", 1, "nopie", 2, "pie2m", 1, "pie2m", 2,
			       NULL));
	for (enum finding_cause c = 0; c < FINDING_CAUSES; c++)
		assert_true(count(&list, c) <= (c == FINDING_TIED || c == FINDING_BLOCK ? 2u : 1u));
	findings_free(&list);
	af_free(&f);
	strbuf_free(&csv);
}

/* af_layout_csv: mode 0 fixed (no key finding: mode 0 turns randomization off); heap tied to
 * text in mode 1 (2^12 pages apart in mode 2: 12 bits saved); lib and ld one block; huge 2 MiB
 * aligned (9 bits); the stack's lowest bit 4 (8 sub-page bits). */
static void test_layout_facts(void **state)
{
	struct strbuf csv = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	const struct finding *x;
	const struct finding_place *p;
	unsigned m0, m1, m2;

	(void)state;
	af_layout_csv(&csv, ROWS);
	analyze(&csv, 1, &f, &list);
	m0 = series(&f, "pie", 0);
	m1 = series(&f, "pie", 1);
	m2 = series(&f, "pie", 2);
	x = nth(&list, FINDING_NOTHING_MOVES, 0);
	assert_int_equal(x->place_count, 1);
	assert_int_equal(x->place[0].region_count, 6);
	assert_true(series_are(&f, &x->place[0], "pie", 0, NULL));
	assert_false(finding_is_key(&f.analysis, x));
	assert_int_equal(count(&list, FINDING_FIXED), 0);

	x = &list.item[0];
	assert_int_equal(x->cause, FINDING_TIED);
	p = &x->place[0];
	assert_true(regions_are(&f, p->region, p->region_count, "text", "heap", NULL));
	assert_true(series_are(&f, p, "pie", 1, NULL));
	assert_int_equal(p->ref_series, m2);
	assert_true(fabs(x->bits_saved - 12) < 0.3);
	assert_int_equal(count(&list, FINDING_TIED), 1);

	x = &list.item[1];
	assert_int_equal(x->cause, FINDING_ALIGNMENT);
	assert_true(series_are(&f, place_of(&f, x, "huge", NULL, NULL), "pie", 1, "pie", 2, NULL));
	assert_true(x->bits_saved == 9);
	/* then the stack's 8 sub-page bits and the heap 12 bits from text in mode 2 of about 20
	 * (about 8), in either order */
	assert_true((list.item[2].cause == FINDING_SUBPAGE && list.item[3].cause == FINDING_LEAK) ||
		    (list.item[2].cause == FINDING_LEAK && list.item[3].cause == FINDING_SUBPAGE));
	x = nth(&list, FINDING_SUBPAGE, 0);
	assert_true(series_are(&f, place_of(&f, x, "stack", NULL, NULL), "pie", 1, "pie", 2, NULL));
	assert_true(x->bits_saved == 8);
	x = nth(&list, FINDING_LEAK, 0);
	assert_true(series_are(&f, &x->place[0], "pie", 2, NULL));
	assert_true(fabs(x->bits_saved - 8) < 0.3);

	x = nth(&list, FINDING_BLOCK, 0);
	assert_int_equal(count(&list, FINDING_BLOCK), 1);
	assert_true(regions_are(&f, x->place[0].region, x->place[0].region_count, "lib", "ld", NULL));
	assert_true(series_are(&f, &x->place[0], "pie", 1, "pie", 2, NULL));
	assert_false(finding_is_key(&f.analysis, x));
	(void)m0;
	(void)m1;
	findings_free(&list);
	af_free(&f);
	strbuf_free(&csv);
}

/* A knob sweep: lib is uniform over 2^(bits - 20) pages at mmap_rnd_bits = bits, so 28 and 30
 * give 8 and 10 bits: one KNOB finding, lib's place from 8 to 10 bits within the collision
 * estimate's spread of theory; its sentence names the knob, both values and the sweep. */
static void test_knob_effect(void **state)
{
	struct strbuf csv = { 0 }, text = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	const struct finding *x;
	const struct finding_place *p;

	(void)state;
	af_sweep_csv(&csv, 4000);
	analyze(&csv, 0, &f, &list);
	assert_int_equal(count(&list, FINDING_KNOB), 1);
	x = nth(&list, FINDING_KNOB, 0);
	assert_int_equal(x->key, 0);
	p = place_of(&f, x, "lib", NULL, NULL);
	assert_int_equal(f.analysis.series[p->ref_series].series->rnd_bits, 28);
	assert_int_equal(f.analysis.series[p->worst].series->rnd_bits, 30);
	/* 4 sd of the pair count: 4 / (sqrt(C(N,2) / 2^H) ln 2) bits */
	assert_true(fabs(p->before - 8) < 4 / (sqrt(4000.0 * 3999 / 2 / 256) * M_LN2));
	assert_true(fabs(p->after - 10) < 4 / (sqrt(4000.0 * 3999 / 2 / 1024) * M_LN2));
	assert_true(fabs(x->bits_saved - (p->after - p->before)) < 1e-9);
	finding_sentence(&text, &f.analysis, x);
	assert_non_null(strstr(text.text, "vm.mmap_rnd_bits"));
	assert_non_null(strstr(text.text, "28"));
	assert_non_null(strstr(text.text, "30"));
	assert_non_null(strstr(text.text, "pie mode 2"));
	assert_null(strstr(text.text, "mmap_rnd_bits 28")); /* the sweep, not one of its series */
	strbuf_free(&text);
	findings_free(&list);
	af_free(&f);
	strbuf_free(&csv);
}

/* Two groups of a sweep, each with the heap 2^12 pages from text: one LEAK, one place naming
 * both groups with their knob values. */
static void test_heap_per_group_labelled_apart(void **state)
{
	struct strbuf csv = { 0 }, text = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	struct rng r = { 3 };
	const struct finding *x;

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,mmap_rnd_bits,text,heap\n");
	for (int bits = 28; bits <= 30; bits += 2)
		for (unsigned i = 0; i < ROWS; i++) {
			unsigned long long base = 0x555500000000ULL + (rng_below(&r, 1u << 20) << 12);
			strbuf_printf(&csv, "pie,2,%u,%d,0x%llx,0x%llx\n", i, bits, base,
				      base + 0x20000 + (rng_below(&r, 1u << 12) << 12));
		}
	analyze(&csv, 1, &f, &list);
	assert_int_equal(count(&list, FINDING_LEAK), 1);
	x = nth(&list, FINDING_LEAK, 0);
	assert_int_equal(x->place_count, 1);
	assert_int_equal(x->place[0].series_count, 2);
	assert_true(fabs(x->place[0].after - 12) < 0.3);
	finding_sentence(&text, &f.analysis, x);
	assert_non_null(strstr(text.text, "pie, mmap_rnd_bits 28"));
	assert_non_null(strstr(text.text, "pie, mmap_rnd_bits 30"));
	strbuf_free(&text);
	findings_free(&list);
	af_free(&f);
	strbuf_free(&csv);
}

/* One series (a target alone): exe never moves, lib has 16 bits, stack 20. With no other series
 * to show exe moving, the sentence names the best region of the series and its bits, and does
 * not give them to exe. */
static void test_fixed_without_reference(void **state)
{
	struct strbuf csv = { 0 }, text = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	struct rng r = { 5 };
	const struct finding *x;
	char expect[160];

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,exe,lib,stack\n");
	for (unsigned i = 0; i < ROWS; i++)
		strbuf_printf(&csv, "prog,2,%u,0x400000,0x%llx,0x%llx\n", i,
			      0x7f0000000000ULL + (rng_below(&r, 1u << 16) << 12),
			      0x7ff000000000ULL + (rng_below(&r, 1u << 20) << 4));
	analyze(&csv, 0, &f, &list);
	assert_int_equal(count(&list, FINDING_FIXED), 1);
	x = nth(&list, FINDING_FIXED, 0);
	assert_int_equal(x->place[0].ref_series, -1);
	/* theory: stack spans 2^20 values (an upper bound at N = ROWS, within 0.1 of 20), lib 2^16 */
	assert_true(fabs(headline(&f, 0, "stack") - 20) < 0.1 && headline(&f, 0, "lib") < 17);
	assert_true(x->bits_saved == headline(&f, 0, "stack"));
	finding_sentence(&text, &f.analysis, x);
	snprintf(expect, sizeof(expect), "; the best region of its series, stack, has %.1f bits: %.1f bits saved",
		 headline(&f, 0, "stack"), x->bits_saved);
	if (!strstr(text.text, expect))
		fail_msg("missing \"%s\" in: %s", expect, text.text);
	assert_null(strstr(text.text, "exe has"));
	strbuf_free(&text);
	findings_free(&list);
	af_free(&f);
	strbuf_free(&csv);
}

/* Alignment: a region whose lowest varying bit is 13 (8 KiB) costs 1 bit against the page,
 * one at bit 21 (2 MiB) costs 9; the sentence counts them in the right number ("1 bit",
 * "9 bits"). */
static void test_alignment_sentences(void **state)
{
	struct strbuf csv = { 0 }, text = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	struct rng r = { 11 };
	const char *want[] = { "Alignment to 8 KiB (lowest varying bit 13) costs 1 bit against the 4 KiB page: ",
			       "Alignment to 2 MiB (lowest varying bit 21) costs 9 bits against the 4 KiB page: " };

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,lib8k,lib2m\n");
	for (unsigned i = 0; i < ROWS; i++)
		strbuf_printf(&csv, "prog,2,%u,0x%llx,0x%llx\n", i, 0x7f0000000000ULL + (rng_below(&r, 1u << 20) << 13),
			      0x7e0000000000ULL + (rng_below(&r, 1u << 19) << 21));
	analyze(&csv, 0, &f, &list);
	assert_int_equal(count(&list, FINDING_ALIGNMENT), 2);
	for (unsigned j = 0; j < 2; j++) /* both sentences, one after the other */
		finding_sentence(&text, &f.analysis, nth(&list, FINDING_ALIGNMENT, j));
	for (unsigned i = 0; i < 2; i++)
		if (!strstr(text.text, want[i]))
			fail_msg("no alignment finding says \"%s\" in: %s", want[i], text.text);
	strbuf_free(&text);
	findings_free(&list);
	af_free(&f);
	strbuf_free(&csv);
}

/* Too few samples (mode 0: 1 row, mode 1: 2 rows), a value that is 10 % of the samples
 * (skew), a random walk (walk: successive samples dependent). */
static void test_insufficient_skew_serial(void **state)
{
	struct strbuf csv = { 0 }, top = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	struct rng r = { 22 };
	unsigned long long walk = 0x7f0000000000ULL;
	const struct finding *x;
	const struct region_estimate *e;

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,skew,walk\npie,0,0,0x1000,0x2000\npie,1,0,0x2000,0x3000\n"
			    "pie,1,1,0x6000,0x7000\n");
	for (int i = 0; i < 5000; i++) {
		unsigned long long v = 0x7f0000000000ULL + (rng_unit(&r) < 0.1 ? 0 : rng_below(&r, 1 << 28) << 12);
		walk += (rng_below(&r, 33) << 12) - (16 << 12);
		strbuf_printf(&csv, "pie,2,%d,0x%llx,0x%llx\n", i, v, walk);
	}
	analyze(&csv, 0, &f, &list);
	assert_int_equal(count(&list, FINDING_NOTHING_MOVES), 0); /* N = 1 is no evidence */
	assert_int_equal(count(&list, FINDING_ALIGNMENT) + count(&list, FINDING_SUBPAGE), 0); /* nor N = 2 */
	x = nth(&list, FINDING_INSUFFICIENT, 0);
	assert_int_equal(x->place_count, 1); /* the same regions in both series: one place */
	assert_true(series_are(&f, place_of(&f, x, "skew", "walk", NULL), "pie", 0, "pie", 1, NULL));
	assert_true(x->place[0].before == 1); /* the fewest usable samples, in mode 0 */
	/* skew: about 10 % one value, min-entropy about log2(10) */
	x = nth(&list, FINDING_SKEWED, 0);
	assert_true(series_are(&f, place_of(&f, x, "skew", NULL, NULL), "pie", 2, NULL));
	e = &f.analysis.series[series(&f, "pie", 2)].region[region(&f, "skew")];
	assert_true(fabs(x->place[0].after - e->min_entropy_bits) < 1e-9 && fabs(e->mcv_share - 0.1) < 0.02);
	assert_true(finding_is_key(&f.analysis, x));
	x = nth(&list, FINDING_SERIAL, 0);
	assert_true(series_are(&f, place_of(&f, x, "walk", NULL, NULL), "pie", 2, NULL));
	assert_true(x->place[0].before < SERIAL_ALPHA || x->place[0].after < SERIAL_ALPHA);
	assert_true(findings_warnings(&top, &f.analysis, "- **Warning**: ") >= 2);
	strbuf_free(&top);
	findings_free(&list);
	af_free(&f);
	strbuf_free(&csv);
}

/* Variants run.json says were skipped: a finding per kind (key 1: the kernel refused a 32-bit
 * program; key 0: any other reason) with a place per variant, no series; always among the key
 * findings, even when more than FINDINGS_KEY_MAX others could be (they give up the last places,
 * in rank order). */
static void test_skipped_variants(void **state)
{
	struct strbuf csv = { 0 };
	struct analysis_fixture f;
	struct finding_list list;
	json_t *run = json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s}]}", "skipped", "variant",
				"m32", "cause", "no_32bit", "reason", "r0", "variant", "foreign", "cause", "exec",
				"reason", "r1", "variant", "script", "cause", "script", "reason", "r2");
	const struct finding *x;
	unsigned eligible = 0, others = 0, keys = 0;
	int k;

	(void)state;
	af_kinds_csv(&csv, ROWS);
	assert_int_equal(af_load(&f, &csv, 1), 0);
	f.analysis.run = run;
	assert_int_equal(findings_compute(&f.analysis, &list), 0);
	assert_int_equal(count(&list, FINDING_SKIPPED), 2);
	for (unsigned i = 0; i < 2; i++) {
		x = nth(&list, FINDING_SKIPPED, i);
		assert_int_equal(x->place_count, x->key ? 1 : 2);
		assert_int_equal(x->place[0].series_count, 0);
		assert_int_equal(x->place[0].a, x->key ? 0 : 1);
		if (!x->key)
			assert_int_equal(x->place[1].a, 2);
		assert_string_equal(x->anchor, "skipped");
	}
	for (unsigned i = 0; i < list.count; i++)
		eligible += list.item[i].cause != FINDING_SKIPPED && finding_is_key(&f.analysis, &list.item[i]);
	assert_true(eligible > FINDINGS_KEY_MAX - 2); /* else the two would not have to displace any */
	while ((k = findings_key_index(&f.analysis, &list, keys)) >= 0) {
		x = &list.item[k];
		if (x->cause != FINDING_SKIPPED) /* the first key-eligible ones, in rank order */
			for (unsigned i = 0, seen = 0; i < list.count; i++)
				if (list.item[i].cause != FINDING_SKIPPED && finding_is_key(&f.analysis, &list.item[i]) &&
				    seen++ == others)
					assert_ptr_equal(&list.item[i], x);
		others += x->cause != FINDING_SKIPPED;
		keys++;
	}
	assert_int_equal(keys, FINDINGS_KEY_MAX);
	assert_int_equal(others, FINDINGS_KEY_MAX - 2);
	findings_free(&list);
	json_decref(run);
	af_free(&f);
	strbuf_free(&csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_ranked_and_grouped),
		cmocka_unit_test(test_layout_facts),
		cmocka_unit_test(test_skipped_variants),
		cmocka_unit_test(test_knob_effect),
		cmocka_unit_test(test_heap_per_group_labelled_apart),
		cmocka_unit_test(test_fixed_without_reference),
		cmocka_unit_test(test_alignment_sentences),
		cmocka_unit_test(test_insufficient_skew_serial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
