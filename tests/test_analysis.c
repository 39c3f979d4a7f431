/* The data model (analysis.c, blocks.c) on synthetic runs whose structure is known: its
 * variants, groups, the names of series and groups (labels, tags), the series of a knob
 * sweep, and the blocks of regions that move as one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "analysis_fixture.h"

static void load(struct analysis_fixture *f, void (*make)(struct strbuf *, unsigned), unsigned rows)
{
	struct strbuf csv = { 0 };

	make(&csv, rows);
	assert_int_equal(af_load(f, &csv, 0), 0);
	strbuf_free(&csv);
}

static void variants_csv(struct strbuf *csv, unsigned rows)
{
	af_variants_csv(csv, 6, rows);
}

/* 6 variants x 3 modes: 6 groups of 3, tags with the variant (several groups). */
static void test_variants_and_groups(void **state)
{
	struct analysis_fixture f;
	char text[SERIES_KEY_TEXT];

	(void)state;
	load(&f, variants_csv, 50);
	assert_int_equal(f.analysis.variant_count, 6);
	for (unsigned v = 0; v < 6; v++) {
		snprintf(text, sizeof(text), "v%u", v);
		assert_string_equal(f.analysis.variant[v], text);
		for (int mode = 0; mode <= 2; mode++) {
			int s = analysis_variant_series(&f.analysis, v, mode);
			assert_int_equal(s, (int)(3 * v) + mode);
			assert_int_equal(analysis_group_end(&f.analysis, 3 * v), 3 * v + 3);
		}
	}
	analysis_series_tag(&f.analysis, 5, text, sizeof(text));
	assert_string_equal(text, "v1-mode2");
	analysis_group_tag(&f.analysis, 3, text, sizeof(text));
	assert_string_equal(text, "v1");
	analysis_series_label(&f.analysis, 5, text, sizeof(text));
	assert_string_equal(text, "v1 mode 2");
	assert_int_equal(analysis_highest_mode(&f.analysis), 2);
	assert_false(analysis_has_knob(&f.analysis, 0));
	af_free(&f);
}

/* One group: tags are the mode alone (plots/bits-mode2.png), the group tag empty. */
static void test_one_group(void **state)
{
	struct analysis_fixture f;
	char text[SERIES_KEY_TEXT];

	(void)state;
	load(&f, af_layout_csv, 50);
	assert_int_equal(analysis_group_end(&f.analysis, 0), 3);
	analysis_series_tag(&f.analysis, 2, text, sizeof(text));
	assert_string_equal(text, "mode2");
	analysis_group_tag(&f.analysis, 0, text, sizeof(text));
	assert_string_equal(text, "");
	analysis_group_label(&f.analysis, 0, text, sizeof(text));
	assert_string_equal(text, "pie");
	af_free(&f);
}

/* A vm.mmap_rnd_bits sweep: a group per value, knob values in every name. */
static void test_sweep_names(void **state)
{
	struct analysis_fixture f;
	struct series_key sweep;
	char text[SERIES_KEY_TEXT];

	(void)state;
	load(&f, af_sweep_csv, 50);
	assert_int_equal(f.analysis.series_count, 2);
	assert_int_equal(analysis_group_end(&f.analysis, 0), 1);
	analysis_series_tag(&f.analysis, 0, text, sizeof(text));
	assert_string_equal(text, "pie-rnd28-mode2");
	analysis_series_label(&f.analysis, 1, text, sizeof(text));
	assert_string_equal(text, "pie mode 2, mmap_rnd_bits 30");
	analysis_group_tag(&f.analysis, 1, text, sizeof(text));
	assert_string_equal(text, "pie-rnd30");
	analysis_group_label(&f.analysis, 1, text, sizeof(text));
	assert_string_equal(text, "pie, mmap_rnd_bits 30");
	assert_int_equal(analysis_find_series(&f.analysis, &(struct series_key){ "pie", 2, 30, -1 }), 1);
	assert_int_equal(analysis_find_series(&f.analysis, &(struct series_key){ "pie", 2, 29, -1 }), -1);
	assert_true(analysis_has_knob(&f.analysis, 0) && !analysis_has_knob(&f.analysis, 1));
	assert_string_equal(analysis_knob_name(0), "mmap_rnd_bits");
	assert_string_equal(analysis_knob_name(1), "mmap_rnd_compat_bits");
	sweep = analysis_knob_sweep(&f.analysis, 0, 2);
	series_key_label(&sweep, text, sizeof(text));
	assert_string_equal(text, "pie mode 2");
	assert_true(analysis_in_knob_sweep(&f.analysis, 0, 0, 2) && analysis_in_knob_sweep(&f.analysis, 1, 0, 2));
	assert_false(analysis_in_knob_sweep(&f.analysis, 0, 0, 1)); /* another mode */
	assert_false(analysis_in_knob_sweep(&f.analysis, 0, 1, 2)); /* a knob not swept */
	af_free(&f);
}

/* The block of series s numbered b, as region names joined by spaces. */
static void block_text(const struct analysis_fixture *f, unsigned s, unsigned b, char *buf, size_t size)
{
	const struct region_blocks *blocks = &f->analysis.series[s].blocks;
	size_t used = 0;

	buf[0] = '\0';
	assert_true(b < blocks->count);
	assert_int_equal(blocks_size(blocks, b), blocks->start[b + 1] - blocks->start[b]);
	for (unsigned i = blocks->start[b]; i < blocks->start[b + 1]; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " " : "",
					 f->table.region[blocks->member[i]]);
}

/* af_layout_csv: lib and ld keep one offset in modes 1 and 2, text and heap in mode 1
 * only; nothing moves in mode 0, so no block. */
static void test_blocks(void **state)
{
	struct analysis_fixture f;
	char text[200];

	(void)state;
	load(&f, af_layout_csv, 500);
	assert_int_equal(f.analysis.series[0].blocks.count, 0);
	assert_int_equal(f.analysis.series[1].blocks.count, 2);
	block_text(&f, 1, 0, text, sizeof(text));
	assert_string_equal(text, "text heap");
	block_text(&f, 1, 1, text, sizeof(text));
	assert_string_equal(text, "lib ld");
	assert_int_equal(f.analysis.series[2].blocks.count, 1);
	block_text(&f, 2, 0, text, sizeof(text));
	assert_string_equal(text, "lib ld");
	assert_true(analysis_offset_constant(&f.analysis, 1, 0, 1));
	assert_false(analysis_offset_constant(&f.analysis, 2, 0, 1));
	af_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variants_and_groups),
		cmocka_unit_test(test_one_group),
		cmocka_unit_test(test_sweep_names),
		cmocka_unit_test(test_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
