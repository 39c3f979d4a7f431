/* The findings (findings.c) on synthetic runs whose structure is known. They assert the
 * facts a sentence carries (its series, regions and numbers), not its wording: a line
 * must name them all, so a rewording does not break the test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis_fixture.h"
#include "estimate.h"
#include "findings.h"
#include "rng.h"

enum { ROWS = 2000 };

/* How many lines of text contain every one of the NULL-terminated parts. */
static unsigned lines_with(const char *text, ...)
{
	unsigned n = 0;

	for (const char *line = text ? text : ""; *line;) {
		size_t len = strcspn(line, "\n");
		char *copy = strndup(line, len);
		const char *part;
		int all = 1;
		va_list ap;
		va_start(ap, text);
		while ((part = va_arg(ap, const char *)))
			all &= strstr(copy, part) != NULL;
		va_end(ap);
		n += all;
		free(copy);
		line += len + (line[len] == '\n');
	}
	return n;
}

/* The first line of text that contains part, or NULL. */
static const char *find_line(const char *text, const char *part)
{
	for (const char *line = text ? text : ""; *line;) {
		size_t len = strcspn(line, "\n");
		if (memmem(line, len, part, strlen(part)))
			return line;
		line += len + (line[len] == '\n');
	}
	return NULL;
}

static void analyze(const struct strbuf *csv, struct analysis_fixture *f, struct strbuf *findings)
{
	assert_int_equal(af_load(f, csv, 0), 0);
	assert_true(findings_write(findings, &f->analysis) > 0);
}

/* af_layout_csv: mode 0 fixed; heap with text in mode 1, apart in mode 2; lib and ld one
 * block; huge aligned at bit 21 (9 bits below the page's 12); stack's lowest bit 4. */
static void test_layout_facts(void **state)
{
	struct strbuf csv = { 0 }, out = { 0 };
	struct analysis_fixture f;

	(void)state;
	af_layout_csv(&csv, ROWS);
	analyze(&csv, &f, &out);
	assert_int_equal(lines_with(out.text, "pie mode 0", "6", "2000", NULL), 1); /* 6 regions, 2000 execs */
	assert_int_equal(lines_with(out.text, "heap", "mode 2", "mode 1", NULL), 1);
	assert_int_equal(lines_with(out.text, "pie mode 1", "text", "heap", "2", NULL), 1);
	assert_int_equal(lines_with(out.text, "pie mode 1", "lib", "ld", "2", NULL), 1);
	assert_int_equal(lines_with(out.text, "pie mode 2", "lib", "ld", "2", NULL), 1);
	assert_int_equal(lines_with(out.text, "pie mode 2", "text", "heap", NULL), 0); /* apart in mode 2 */
	for (int mode = 1; mode <= 2; mode++) {
		char label[32];
		snprintf(label, sizeof(label), "pie mode %d", mode);
		assert_int_equal(lines_with(out.text, label, "huge", "2^21", "9", NULL), 1);
		assert_int_equal(lines_with(out.text, label, "stack", "bit 4", NULL), 1);
	}
	strbuf_free(&out);
	strbuf_free(&csv);
	af_free(&f);
}

/* The numbers of one line: every token that reads as a number with a decimal point. */
static unsigned decimals(const char *line, double *out, unsigned max)
{
	unsigned n = 0;

	for (const char *p = line; *p && *p != '\n' && n < max; p++) {
		char *end;
		double v;
		if (*p < '0' || *p > '9' || (p > line && (p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9'))))
			continue;
		v = strtod(p, &end);
		if (memchr(p, '.', (size_t)(end - p)))
			out[n++] = v;
		p = end - 1;
	}
	return n;
}

/* A knob sweep: lib is uniform over 2^(bits - 20) pages at mmap_rnd_bits = bits, so 28 and
 * 30 give 8 and 10 bits: the finding names the knob, both values, lib and its two headlines,
 * each within the collision estimate's spread of theory. */
static void test_knob_effect(void **state)
{
	struct strbuf csv = { 0 }, out = { 0 };
	struct analysis_fixture f;
	double bits[4];
	const char *line;

	(void)state;
	af_sweep_csv(&csv, 4000);
	analyze(&csv, &f, &out);
	/* the knob as the kernel names it; the series it was read from, without a knob value */
	assert_int_equal(lines_with(out.text, "vm.mmap_rnd_bits", "28", "30", "lib", "pie mode 2", NULL), 1);
	line = find_line(out.text, "vm.mmap_rnd_bits");
	assert_non_null(line);
	assert_null(memmem(line, strcspn(line, "\n"), "mmap_rnd_bits 28", strlen("mmap_rnd_bits 28")));
	assert_int_equal(decimals(line, bits, 4), 2);
	/* 4 sd of the pair count: 4 / (sqrt(C(N,2) / 2^H) ln 2) bits, plus the 0.05 of printing */
	assert_true(fabs(bits[0] - 8) < 4 / (sqrt(4000.0 * 3999 / 2 / 256) * M_LN2) + 0.05);
	assert_true(fabs(bits[1] - 10) < 4 / (sqrt(4000.0 * 3999 / 2 / 1024) * M_LN2) + 0.05);
	strbuf_free(&out);
	strbuf_free(&csv);
	af_free(&f);
}

/* Two groups of a sweep, each with the heap apart from text: the heap finding names its
 * group with the knob value. */
static void test_heap_per_group_labelled_apart(void **state)
{
	struct strbuf csv = { 0 }, out = { 0 };
	struct analysis_fixture f;
	struct rng r = { 3 };

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,mmap_rnd_bits,text,heap\n");
	for (int bits = 28; bits <= 30; bits += 2)
		for (unsigned i = 0; i < ROWS; i++) {
			unsigned long long text = 0x555500000000ULL + (rng_below(&r, 1u << 20) << 12);
			strbuf_printf(&csv, "pie,2,%u,%d,0x%llx,0x%llx\n", i, bits, text,
				      text + 0x20000 + (rng_below(&r, 1u << 12) << 12));
		}
	analyze(&csv, &f, &out);
	assert_int_equal(lines_with(out.text, "heap", "pie, mmap_rnd_bits 28", "2", NULL), 1);
	assert_int_equal(lines_with(out.text, "heap", "pie, mmap_rnd_bits 30", "2", NULL), 1);
	strbuf_free(&out);
	strbuf_free(&csv);
	af_free(&f);
}

/* Too few samples (mode 0: 1 row, mode 1: 2 rows), a value that is 10 % of the samples
 * (skew), a random walk (walk: successive samples dependent). */
static void test_insufficient_skew_serial(void **state)
{
	struct strbuf csv = { 0 }, out = { 0 }, top = { 0 };
	struct analysis_fixture f;
	struct rng r = { 22 };
	unsigned long long walk = 0x7f0000000000ULL;
	char alpha[32];

	(void)state;
	strbuf_printf(&csv, "variant,mode,seq,skew,walk\npie,0,0,0x1000,0x2000\npie,1,0,0x2000,0x3000\n"
			    "pie,1,1,0x6000,0x7000\n");
	for (int i = 0; i < 5000; i++) {
		unsigned long long x = 0x7f0000000000ULL + (rng_unit(&r) < 0.1 ? 0 : rng_below(&r, 1 << 28) << 12);
		walk += (rng_below(&r, 33) << 12) - (16 << 12);
		strbuf_printf(&csv, "pie,2,%d,0x%llx,0x%llx\n", i, x, walk);
	}
	analyze(&csv, &f, &out);
	assert_int_equal(lines_with(out.text, "no region moves", NULL), 0); /* N = 1 is no evidence */
	assert_int_equal(lines_with(out.text, "2^", NULL), 0);              /* nor N = 2 of an alignment */
	snprintf(alpha, sizeof(alpha), "%d", ESTIMATE_MIN_SAMPLES);
	assert_int_equal(lines_with(out.text, "pie mode 0", alpha, "skew (1)", "walk (1)", NULL), 1);
	assert_int_equal(lines_with(out.text, "pie mode 1", alpha, "skew (2)", "walk (2)", NULL), 1);
	/* skew: its most common value's share, about 10 %, and its count of 5000 */
	assert_int_equal(lines_with(out.text, "pie mode 2", "skew", "%", "5000", NULL), 1);
	snprintf(alpha, sizeof(alpha), "%g", SERIAL_ALPHA);
	assert_int_equal(lines_with(out.text, "pie mode 2", "walk", alpha, NULL), 1);
	assert_true(findings_warnings(&top, &f.analysis, "- **Warning**: ") >= 2);
	assert_int_equal(lines_with(top.text, "- **Warning**: pie mode 2", "skew", "%", NULL), 1);
	assert_int_equal(lines_with(top.text, "- **Warning**: pie mode 2", "walk", NULL), 1);
	strbuf_free(&top);
	strbuf_free(&out);
	strbuf_free(&csv);
	af_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_facts),
		cmocka_unit_test(test_knob_effect),
		cmocka_unit_test(test_heap_per_group_labelled_apart),
		cmocka_unit_test(test_insufficient_skew_serial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
