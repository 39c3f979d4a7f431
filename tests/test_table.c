/* The terminal table (table.c) on synthetic runs: one block per group of series, the
 * cells as the legend spells them, the notes and leak lines naming their series apart
 * (a knob sweep's series differ only in the knob), the samples a collision estimate
 * would need from the birthday bound. */
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
#include "table.h"

/* The table of f as text; the caller frees it. */
static char *print_table(const struct analysis_fixture *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	table_print(out, &f->analysis);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* How many lines of text start with prefix and contain part (part may be NULL). */
static unsigned lines_with(const char *text, const char *prefix, const char *part)
{
	unsigned n = 0;

	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		char *copy = strndup(line, len);
		n += strncmp(copy, prefix, strlen(prefix)) == 0 && (!part || strstr(copy, part));
		free(copy);
		line += len + (line[len] == '\n');
	}
	return n;
}

static int sweep_setup(void **state)
{
	struct analysis_fixture *f = calloc(1, sizeof(*f));
	struct strbuf csv = { 0 };

	af_sweep_csv(&csv, 2000);
	if (!f || af_load(f, &csv, 1) < 0)
		return -1;
	strbuf_free(&csv);
	*state = f;
	return 0;
}

static int sweep_teardown(void **state)
{
	af_free(*state);
	free(*state);
	return 0;
}

/* Two series that differ only in mmap_rnd_bits: every line that names a series names its
 * knob value, and each value has its own leak line and its own group title. */
static void test_sweep_series_labelled_apart(void **state)
{
	char *text = print_table(*state), *leaks;

	assert_int_equal(lines_with(text, "pie", "bits of randomness per region"), 2);
	assert_int_equal(lines_with(text, "pie", "mmap_rnd_bits 28"), 1);
	assert_int_equal(lines_with(text, "pie", "mmap_rnd_bits 30"), 1);
	/* note lines and leak lines: "  <series label>..." */
	assert_true(lines_with(text, "  pie mode 2", NULL) >= 4);
	assert_int_equal(lines_with(text, "  pie mode 2", NULL),
			 lines_with(text, "  pie mode 2, mmap_rnd_bits 28", NULL) +
				 lines_with(text, "  pie mode 2, mmap_rnd_bits 30", NULL));
	leaks = strstr(text, "\nleaks:");
	assert_non_null(leaks);
	assert_int_equal(lines_with(leaks, "  pie mode 2, mmap_rnd_bits 28:", NULL), 1);
	assert_int_equal(lines_with(leaks, "  pie mode 2, mmap_rnd_bits 30:", NULL), 1);
	free(text);
}

/* text is a range bound (2^28 pages, 2000 samples: about 0.007 pairs expected): the note
 * gives sqrt(2 k 2^H) samples for k = 10 and 100 at the headline H. */
static void test_needed_note_from_birthday_bound(void **state)
{
	struct analysis_fixture *f = *state;
	const struct region_estimate *text_28 = &f->analysis.series[0].region[0];
	char *text = print_table(f), want[160];

	assert_string_equal(f->table.region[0], "text");
	assert_true(estimate_kind_is_bound(text_28->kind));
	snprintf(want, sizeof(want), "<= %.1f bits: %.2g / %.2g: text", text_28->estimate_bits,
		 sqrt(2 * 10 * exp2(text_28->estimate_bits)), sqrt(2 * 100 * exp2(text_28->estimate_bits)));
	assert_int_equal(lines_with(text, "  pie mode 2, mmap_rnd_bits 28", want), 1);
	free(text);
}

static void test_cells(void **state)
{
	struct region_estimate e = { 0 };
	char cell[64];

	(void)state;
	e.kind = KIND_CONSTANT;
	table_cell(cell, sizeof(cell), &e);
	assert_string_equal(cell, "0 constant");
	e.absent = 1;
	table_cell(cell, sizeof(cell), &e);
	assert_string_equal(cell, "-");
	e = (struct region_estimate){ .kind = KIND_INSUFFICIENT, .estimate_bits = NAN };
	table_cell(cell, sizeof(cell), &e);
	assert_string_equal(cell, "? N<20");
	e = (struct region_estimate){ .kind = KIND_RANGE, .range_bits = 27.96, .estimate_bits = 27.96 };
	table_cell(cell, sizeof(cell), &e);
	assert_string_equal(cell, "28.0 range<=");
	e = (struct region_estimate){ .kind = KIND_BIT_ENTROPY_SUM, .bit_entropy_sum = 20.01, .serial_rejected = 1 };
	table_cell(cell, sizeof(cell), &e);
	assert_string_equal(cell, "20.0 bitsum<= *");
	e = (struct region_estimate){ .kind = KIND_COLLISION, .collision_bits = 27.94, .collision_ci_low = 27.46,
				      .collision_ci_high = 28.44 };
	table_cell(cell, sizeof(cell), &e);
	assert_string_equal(cell, "27.9 H2 [27.5,28.4]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_series_labelled_apart),
		cmocka_unit_test(test_needed_note_from_birthday_bound),
		cmocka_unit_test(test_cells),
	};
	return cmocka_run_group_tests(tests, sweep_setup, sweep_teardown);
}
