/* Promised versus delivered (expect.c) on synthetic runs whose answers are known: the
 * layout of a PIE on x86_64 at mmap_rnd_bits 28 (libc over 2^28 pages, a 2 MiB mapping
 * over 2^19 slots, the stack over 2^22 pages plus a sub-page offset), the knobs from a
 * run.json written here, and the rule's error rates simulated over many seeds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis_fixture.h"
#include "analyze.h"
#include "estimate.h"
#include "expect.h"
#include "rng.h"
#include "test_util.h"

enum { ROWS = 2000 };

/* run.json as the harness writes it, reduced to what expect.c reads. */
static json_t *run_json(const char *release, int rnd_bits, int compat_bits, const char *variant, int elf_class,
			const char *elf_type)
{
	return json_pack("{s:{s:{s:s, s:s}}, s:{s:i, s:i}, s:[{s:s, s:i, s:s}]}", "host", "uname", "release", release,
			 "machine", "x86_64", "kernel", "mmap_rnd_bits", rnd_bits, "mmap_rnd_compat_bits",
			 compat_bits, "probes", "variant", variant, "elf_class", elf_class, "elf_type", elf_type);
}

/* One row of a PIE's layout: libc over 2^lib_bits pages (ld, vdso, tls at fixed offsets),
 * mmap_2m over 2^19 2-MiB slots, text over 2^28 pages, heap 2^18 pages above text, the
 * stack top over 2^22 pages (argv on it) and the stack variable 0..8191 bytes below
 * it in 16-byte steps (arch_align_stack). Mode 0: nothing moves. */
static void pie_row(struct strbuf *csv, struct rng *r, const char *variant, int mode, unsigned i, int lib_bits)
{
	unsigned long long libc = 0x7f0000000000ULL, huge = 0x7e0000000000ULL, text = 0x550000000000ULL;
	unsigned long long top = 0x7ff000000000ULL, sub = 0, heap;

	if (mode > 0) {
		libc -= rng_below(r, 1ull << lib_bits) << 12;
		huge -= rng_below(r, 1ull << 19) << 21;
		text += rng_below(r, 1ull << 28) << 12;
		top -= rng_below(r, 1ull << 22) << 12;
		sub = rng_below(r, 512) << 4;
	}
	heap = text + 0x4000 + (mode == 2 ? rng_below(r, 1ull << 18) << 12 : 0);
	strbuf_printf(csv, "%s,%d,%u,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx\n", variant,
		      mode, i, text, heap, libc, libc + 0x30000, libc + 0x40000, libc - 0x2000, huge, top - 0x1000 - sub,
		      top - 0x800, 0x7000ULL + i % 2);
}

static const char HEADER[] = "variant,mode,seq,text,heap,libc,ld,vdso,tls,mmap_2m,stack,argv,counter\n";

static void load(struct analysis_fixture *f, const char *variant, int lib_bits, const json_t *run)
{
	struct strbuf csv = { 0 };
	struct rng r = { 16 };

	strbuf_printf(&csv, "%s", HEADER);
	for (int mode = 0; mode <= 2; mode++)
		for (unsigned i = 0; i < ROWS; i++)
			pie_row(&csv, &r, variant, mode, i, lib_bits);
	assert_int_equal(af_load(f, &csv, 0), 0);
	f->analysis.run = run;
	strbuf_free(&csv);
}

static unsigned region(const struct analysis *a, const char *name)
{
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (strcmp(a->table->region[r], name) == 0)
			return r;
	fail_msg("no region %s", name);
	return 0;
}

static int series(const struct analysis *a, int mode)
{
	for (unsigned s = 0; s < a->series_count; s++)
		if (a->series[s].series->mode == mode)
			return (int)s;
	fail_msg("no series in mode %d", mode);
	return -1;
}

static struct expectation expect(const struct analysis *a, int mode, const char *name)
{
	struct expectation x;

	expect_region(a, (unsigned)series(a, mode), region(a, name), &x);
	return x;
}

/* The case: at mmap_rnd_bits 28 a 2 MiB mapping gets 19 bits and trips (short by
 * 9, less what N = 2000 cannot see); libc, text, ld, vdso (Linux >= 6.9), tls get their 28. */
static void test_pie_at_28(void **state)
{
	json_t *run = run_json("6.18.44-fc", 28, 8, "pie", 64, "DYN");
	struct analysis_fixture f;
	(void)state;

	load(&f, "pie", 28, run);
	for (int mode = 1; mode <= 2; mode++) {
		struct expectation huge = expect(&f.analysis, mode, "mmap_2m");
		assert_int_equal(huge.promised_bits, 28);
		assert_int_equal(huge.basis, EXPECT_MMAP_RND);
		assert_true(huge.clearly_short);
		assert_float_equal(huge.shortfall_bits, 9.0, 0.05);
		const char *full[] = { "libc", "text", "ld", "vdso", "tls" };
		for (size_t i = 0; i < 5; i++) {
			struct expectation x = expect(&f.analysis, mode, full[i]);
			assert_int_equal(x.promised_bits, 28);
			assert_false(x.clearly_short);
			/* the per-bit sum at N = 2000 sits about 28 / (2 N ln 2) = 0.01 below 28 */
			assert_float_equal(x.shortfall_bits, 0.0, 0.05);
		}
	}
	af_free(&f);
	json_decref(run);
}

/* Stack and argv: 22 page bits promised; argv gets exactly them, the stack variable 8
 * more (512 16-byte steps over two pages). The heap and an unknown region: none. */
static void test_stack_heap_unknown(void **state)
{
	json_t *run = run_json("6.18.44-fc", 28, 8, "pie", 64, "DYN");
	struct analysis_fixture f;
	struct expectation x;
	(void)state;

	load(&f, "pie", 28, run);
	x = expect(&f.analysis, 2, "argv");
	assert_int_equal(x.promised_bits, 22);
	assert_int_equal(x.basis, EXPECT_STACK_RND);
	assert_false(x.clearly_short);
	x = expect(&f.analysis, 2, "stack");
	assert_int_equal(x.promised_bits, 22);
	assert_float_equal(x.shortfall_bits, 0.0, 1e-9);
	assert_true(x.delivered_bits > 29.5);
	for (int mode = 0; mode <= 2; mode++) {
		assert_int_equal(expect_region(&f.analysis, (unsigned)series(&f.analysis, mode),
					       region(&f.analysis, "heap"), &x), 0);
		assert_int_equal(x.basis, EXPECT_NONE);
		assert_true(isnan(x.shortfall_bits));
		assert_int_equal(expect(&f.analysis, mode, "counter").basis, EXPECT_NONE);
	}
	af_free(&f);
	json_decref(run);
}

/* Mode 0 promises 0 and a constant delivers it; before Linux 6.9 the vdso has no
 * expectation (vdso_addr placed it near the stack), also when that kernel ran under QEMU. */
static void test_mode0_and_old_vdso(void **state)
{
	json_t *run = run_json("6.8.0-45-generic", 28, 8, "pie", 64, "DYN");
	struct analysis_fixture f;
	struct expectation x;
	(void)state;

	load(&f, "pie", 28, run);
	x = expect(&f.analysis, 0, "libc");
	assert_int_equal(x.basis, EXPECT_OFF);
	assert_int_equal(x.promised_bits, 0);
	assert_float_equal(x.shortfall_bits, 0.0, 0);
	assert_int_equal(expect(&f.analysis, 2, "vdso").basis, EXPECT_NONE);
	assert_int_equal(expect(&f.analysis, 2, "libc").promised_bits, 28);
	af_free(&f);
	json_decref(run);
	/* a run under QEMU: the guest's kernel.release (6.1) counts, not the host's (6.18) */
	run = run_json("6.18.44-fc", 28, 8, "pie", 64, "DYN");
	json_object_set_new(json_object_get(run, "kernel"), "release", json_string("6.1.0-28-amd64"));
	load(&f, "pie", 28, run);
	assert_int_equal(expect(&f.analysis, 2, "vdso").basis, EXPECT_NONE);
	af_free(&f);
	json_decref(run);
}

/* A non-PIE executable promises 0 for text; a 32-bit one the compat knob (8 here: libc
 * over 2^8 pages is a collision estimate near 8) and 11 stack bits. */
static void test_nopie_and_m32(void **state)
{
	json_t *nopie = run_json("6.18.44-fc", 28, 8, "nopie", 64, "EXEC");
	json_t *m32 = run_json("6.18.44-fc", 28, 8, "m32", 32, "DYN");
	struct analysis_fixture f;
	struct expectation x;
	(void)state;

	load(&f, "nopie", 28, nopie);
	x = expect(&f.analysis, 2, "text");
	assert_int_equal(x.basis, EXPECT_FIXED_EXEC);
	assert_int_equal(x.promised_bits, 0);
	assert_false(x.clearly_short);
	assert_int_equal(expect(&f.analysis, 2, "libc").promised_bits, 28);
	af_free(&f);

	load(&f, "m32", 8, m32);
	x = expect(&f.analysis, 2, "libc");
	assert_int_equal(x.basis, EXPECT_MMAP_COMPAT);
	assert_int_equal(x.promised_bits, 8);
	assert_int_equal(x.kind, KIND_COLLISION);
	assert_false(x.clearly_short);
	assert_int_equal(expect(&f.analysis, 2, "argv").promised_bits, 11);
	af_free(&f);
	json_decref(nopie);
	json_decref(m32);
}

/* A sweep: each series' own knob value is its promise (30 at mmap_rnd_bits 30, though
 * run.json recorded 28); libc that stayed at 28 bits there is 2 short and trips. */
static void test_sweep(void **state)
{
	json_t *run = run_json("6.18.44-fc", 28, 8, "pie", 64, "DYN");
	struct strbuf csv = { 0 };
	struct analysis_fixture f;
	struct expectation x;
	struct rng r = { 30 };
	(void)state;

	strbuf_printf(&csv, "variant,mode,seq,mmap_rnd_bits,libc,mmap\n");
	for (unsigned i = 0; i < ROWS; i++)
		strbuf_printf(&csv, "pie,2,%u,30,0x%llx,0x%llx\n", i,
			      0x7f0000000000ULL - (rng_below(&r, 1ull << 30) << 12),
			      0x7f0000000000ULL - (rng_below(&r, 1ull << 28) << 12));
	assert_int_equal(af_load(&f, &csv, 0), 0);
	f.analysis.run = run;
	expect_region(&f.analysis, 0, region(&f.analysis, "libc"), &x);
	assert_int_equal(x.promised_bits, 30);
	assert_false(x.clearly_short);
	expect_region(&f.analysis, 0, region(&f.analysis, "mmap"), &x);
	assert_int_equal(x.promised_bits, 30);
	assert_true(x.clearly_short);
	assert_float_equal(x.shortfall_bits, 2.0, 0.05);
	/* without run.json the swept knob still says 30 and the variant's name that it is a PIE */
	f.analysis.run = NULL;
	expect_region(&f.analysis, 0, region(&f.analysis, "libc"), &x);
	assert_int_equal(x.promised_bits, 30);
	af_free(&f);
	strbuf_free(&csv);
	json_decref(run);
}

/* Without run.json and without a sweep, nothing is known: no expectation. */
static void test_bare_csv(void **state)
{
	struct analysis_fixture f;
	(void)state;

	load(&f, "pie", 28, NULL);
	for (int mode = 1; mode <= 2; mode++)
		for (unsigned r = 0; r < f.analysis.table->region_count; r++) {
			struct expectation x;
			assert_int_equal(expect_region(&f.analysis, (unsigned)series(&f.analysis, mode), r, &x), 0);
		}
	af_free(&f);
}

/* The findings say one line per region clearly short (mmap_2m in modes 1 and 2); none
 * without run.json. */
static void test_findings(void **state)
{
	json_t *run = run_json("6.18.44-fc", 28, 8, "pie", 64, "DYN");
	struct analysis_fixture f;
	struct strbuf lines = { 0 };
	(void)state;

	load(&f, "pie", 28, run);
	assert_int_equal(expect_findings(&lines, &f.analysis), 2);
	assert_non_null(strstr(lines.text, "- In pie mode 1, mmap_2m gets"));
	assert_non_null(strstr(lines.text, "- In pie mode 2, mmap_2m gets"));
	assert_null(strstr(lines.text, "libc"));
	strbuf_free(&lines);
	af_free(&f);

	load(&f, "pie", 28, NULL);
	assert_int_equal(expect_findings(&lines, &f.analysis), 0);
	af_free(&f);
	json_decref(run);
}

/* How often the rule calls a region short: bits_true uniform bits, promised bits, n
 * samples, over seeds series. */
static unsigned short_count(unsigned bits_true, int promised, size_t n, unsigned seeds)
{
	uint64_t *v = malloc(n * sizeof(*v)), *scratch = malloc(2 * n * sizeof(*scratch));
	struct region_estimate e;
	struct expectation x;
	unsigned count = 0;

	assert_non_null(v);
	assert_non_null(scratch);
	for (unsigned seed = 0; seed < seeds; seed++) {
		struct rng r = { 1000 + seed };
		for (size_t i = 0; i < n; i++)
			v[i] = 0x7f0000000000ULL + (rng_below(&r, 1ull << bits_true) << 12);
		assert_int_equal(estimate_values(v, n, scratch, &e), 0);
		expect_judge(promised, EXPECT_MMAP_RND, &e, &x);
		count += x.clearly_short;
	}
	free(v);
	free(scratch);
	return count;
}

/* False alarms: a 16-bit region promised 16 at N = 1145 (about 10 expected pairs, the
 * fewest for a collision estimate) is called short with probability about 2e-5 (the CI's
 * upper end more than a bit below the truth: 4.1 standard errors); over 2000 seeds,
 * expect none (1 or 2 would still be consistent with a rate of 1e-4). Power: 2 bits
 * short (14 bits) at that N (about 40 pairs) trips nearly always. */
static void test_rule_rates(void **state)
{
	(void)state;
	assert_true(short_count(16, 16, 1145, 2000) <= 1);
	assert_true(short_count(14, 16, 1145, 500) >= 475);
	/* A range bound: 28 bits at N = 2000 is a bound near 28, never short of 28. */
	assert_int_equal(short_count(28, 28, 2000, 200), 0);
}

/* A run folder (samples.csv, run.json) through analyze_run: summary.json and summary.csv
 * carry the expectation of every region, report.md the finding. */
static void test_summary_and_report(void **state)
{
	char *dir = tu_mkdtemp(), path[600], *text;
	json_t *run = run_json("6.18.44-fc", 28, 8, "pie", 64, "DYN"), *doc, *regions;
	struct analyze_request req = { .input = dir, .no_plots = 1, .no_leaks = 1 };
	struct aslr_error err = { 0 };
	struct strbuf csv = { 0 };
	struct rng r = { 16 };
	struct tu_csv table;
	(void)state;

	strbuf_printf(&csv, "%s", HEADER);
	for (unsigned i = 0; i < ROWS; i++)
		pie_row(&csv, &r, "pie", 2, i, 28);
	snprintf(path, sizeof(path), "%s/samples.csv", dir);
	assert_int_equal(tu_write_file(path, csv.text), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	assert_int_equal(json_dump_file(run, path, 0), 0);
	assert_int_equal(analyze_run(&req, &err), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	doc = json_load_file(path, 0, NULL);
	regions = json_object_get(json_array_get(json_object_get(doc, "series"), 0), "regions");
	json_t *huge = json_object_get(regions, "mmap_2m"), *heap = json_object_get(regions, "heap");
	assert_int_equal(json_integer_value(json_object_get(huge, "expected_bits")), 28);
	assert_string_equal(json_string_value(json_object_get(huge, "expected_from")), "mmap_rnd_bits");
	assert_float_equal(json_number_value(json_object_get(huge, "shortfall_bits")), 9.0, 0.05);
	assert_true(json_is_true(json_object_get(huge, "short_of_promise")));
	assert_true(json_is_null(json_object_get(heap, "expected_bits")));
	assert_true(json_is_null(json_object_get(heap, "shortfall_bits")));
	assert_true(json_is_false(json_object_get(heap, "short_of_promise")));
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	assert_int_equal(tu_csv_load(path, &table), 0);
	for (size_t row = 0; row < table.rows; row++) {
		const char *region = table.cell[row][tu_csv_col(&table, "region")];
		const char *expected = table.cell[row][tu_csv_col(&table, "expected_bits")];
		const char *is_short = table.cell[row][tu_csv_col(&table, "short_of_promise")];
		assert_string_equal(expected, strcmp(region, "heap") == 0 || strcmp(region, "counter") == 0 ? ""
					      : strcmp(region, "stack") == 0 || strcmp(region, "argv") == 0 ? "22" : "28");
		assert_string_equal(is_short, strcmp(region, "mmap_2m") == 0 ? "true" : "false");
	}
	tu_csv_free(&table);
	text = tu_read_file(req.report, NULL);
	assert_non_null(strstr(text, "mmap_2m gets 19.0 bits"));
	free(text);
	strbuf_free(&csv);
	json_decref(run);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pie_at_28),        cmocka_unit_test(test_stack_heap_unknown),
		cmocka_unit_test(test_mode0_and_old_vdso), cmocka_unit_test(test_nopie_and_m32),
		cmocka_unit_test(test_sweep),            cmocka_unit_test(test_bare_csv),
		cmocka_unit_test(test_findings), cmocka_unit_test(test_rule_rates),
		cmocka_unit_test(test_summary_and_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
