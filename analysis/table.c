#include "table.h"

#include "birthday.h"
#include "conditional.h"

#include <math.h>
#include <string.h>

enum { REGION_WIDTH = 14, CELL_WIDTH = 22 };

void table_cell(char *buf, size_t size, const struct region_estimate *e)
{
	const char *serial = e->serial_rejected ? " *" : "";

	if (e->absent) {
		snprintf(buf, size, "-");
		return;
	}
	switch (e->kind) {
	case KIND_CONSTANT:
		snprintf(buf, size, "0 constant");
		break;
	case KIND_INSUFFICIENT:
		snprintf(buf, size, "? N<%d", ESTIMATE_MIN_SAMPLES);
		break;
	case KIND_RANGE:
		snprintf(buf, size, "%.1f range<=%s", e->range_bits, serial);
		break;
	case KIND_BIT_ENTROPY_SUM:
		snprintf(buf, size, "%.1f bitsum<=%s", e->bit_entropy_sum, serial);
		break;
	case KIND_COLLISION:
		snprintf(buf, size, "%.1f H2 [%.1f,%.1f]%s", e->collision_bits, e->collision_ci_low,
			 e->collision_ci_high, serial);
		break;
	}
}

static void group_title(FILE *out, const struct analysis *a, unsigned first, size_t n_min, size_t n_max)
{
	char label[SERIES_KEY_TEXT];

	analysis_group_label(a, first, label, sizeof(label));
	fprintf(out, "\n%s", label);
	if (n_min == n_max)
		fprintf(out, ": bits of randomness per region, N = %zu per mode\n", n_min);
	else
		fprintf(out, ": bits of randomness per region, N = %zu..%zu per mode\n", n_min, n_max);
}

/* Series first..last-1 share variant and knobs; one column each (their modes). */
static void print_group(FILE *out, const struct analysis *a, unsigned first, unsigned last)
{
	const struct sample_table *t = a->table;
	size_t n_min = SIZE_MAX, n_max = 0;
	int width = REGION_WIDTH; /* wider for a long name (a traced program's lib_<file>) */
	char cell[64];

	for (unsigned r = 0; r < t->region_count; r++)
		width = (int)strlen(t->region[r]) + 1 > width ? (int)strlen(t->region[r]) + 1 : width;
	for (unsigned s = first; s < last; s++) {
		size_t n = a->series[s].series->rows;
		n_min = n < n_min ? n : n_min;
		n_max = n > n_max ? n : n_max;
	}
	group_title(out, a, first, n_min, n_max);
	fprintf(out, "%-*s", width, "region");
	for (unsigned s = first; s < last; s++) {
		snprintf(cell, sizeof(cell), "mode %d", a->series[s].series->mode);
		fprintf(out, "%-*s", CELL_WIDTH, cell);
	}
	fputc('\n', out);
	for (unsigned r = 0; r < t->region_count; r++) {
		fprintf(out, "%-*s", width, t->region[r]);
		for (unsigned s = first; s < last; s++) {
			table_cell(cell, sizeof(cell), &a->series[s].region[r]);
			fprintf(out, "%-*s", CELL_WIDTH, cell);
		}
		fputc('\n', out);
	}
}

/* Regions of one series that share a note are listed on one line. */
typedef int (*note_fn)(const struct region_estimate *e, char *buf, size_t size);

static void print_notes(FILE *out, const struct analysis *a, const char *title, note_fn note)
{
	const struct sample_table *t = a->table;
	int header = 0;

	for (unsigned s = 0; s < a->series_count; s++) {
		unsigned char done[SAMPLES_MAX_COLUMNS] = { 0 };
		char label[SERIES_KEY_TEXT];
		analysis_series_label(a, s, label, sizeof(label));
		for (unsigned r = 0; r < t->region_count; r++) {
			char text[256], other[256];
			if (done[r] || !note(&a->series[s].region[r], text, sizeof(text)))
				continue;
			if (!header++)
				fprintf(out, "\n%s\n", title);
			int col = fprintf(out, "  %s, %s: %s", label, text, t->region[r]);
			for (unsigned q = r + 1; q < t->region_count; q++) {
				if (done[q] || !note(&a->series[s].region[q], other, sizeof(other)) ||
				    strcmp(text, other) != 0)
					continue;
				if (col + 2 + (int)strlen(t->region[q]) > 99)
					col = fprintf(out, ",\n    %s", t->region[q]) - 2;
				else
					col += fprintf(out, ", %s", t->region[q]);
				done[q] = 1;
			}
			fputc('\n', out);
		}
	}
}

static int biased_note(const struct region_estimate *e, char *buf, size_t size)
{
	size_t used = 0;

	if (!e->biased_mask)
		return 0;
	buf[0] = '\0';
	for (int b = 0; b < 64 && used < size; b++)
		if (e->biased_mask >> b & 1)
			used += (size_t)snprintf(buf + used, size - used, "%sbit %d P(1)=%.2f",
						 used ? ", " : "", b, e->p_one[b]);
	return 1;
}

static int needed_note(const struct region_estimate *e, char *buf, size_t size)
{
	if (!estimate_kind_is_bound(e->kind))
		return 0;
	snprintf(buf, size, "<= %.1f bits: %.2g / %.2g", e->estimate_bits,
		 birthday_samples_for_pairs(e->estimate_bits, 10), birthday_samples_for_pairs(e->estimate_bits, 100));
	return 1;
}

/* " {a b c}" per block of series s, wrapped before column 100; returns the column. */
static int print_blocks(FILE *out, const struct analysis *a, unsigned s, int col)
{
	const struct region_blocks *block = &a->series[s].blocks;

	for (unsigned b = 0; b < block->count; b++) {
		struct strbuf text = { 0 };
		for (unsigned i = block->start[b]; i < block->start[b + 1]; i++)
			strbuf_printf(&text, "%s%s", i > block->start[b] ? " " : " {", a->table->region[block->member[i]]);
		if (text.failed)
			continue;
		if (col + (int)text.len + 1 > 99)
			col = fprintf(out, "\n   ");
		col += fprintf(out, "%s}", text.text);
		strbuf_free(&text);
	}
	return col;
}

/* " A|B 12.3" for the best leak of every region of series s that has one. */
static void print_best_leaks(FILE *out, const struct analysis *a, unsigned s, int col)
{
	const struct sample_table *t = a->table;

	for (unsigned r = 0; r < t->region_count; r++) {
		char item[200];
		double left;
		int best = conditional_best_leak(a, s, r, &left), len;
		if (best < 0 || !(left > 0)) /* NAN: a pair with too few samples */
			continue;
		len = snprintf(item, sizeof(item), " %s|%s %.1f", t->region[r], t->region[best], left);
		if (col + len > 99)
			col = fprintf(out, "\n   ");
		col += fprintf(out, "%s", item);
	}
}

/* One line per series: its blocks, then the best leak of every region outside them. */
static void print_leaks(FILE *out, const struct analysis *a)
{
	int header = 0;

	for (unsigned s = 0; s < a->series_count && a->series[s].pair; s++) {
		char label[SERIES_KEY_TEXT];
		int moving = 0;
		for (unsigned r = 0; r < a->table->region_count; r++)
			moving |= estimate_moves(&a->series[s].region[r]);
		if (!moving)
			continue;
		if (!header++)
			fprintf(out, "\nleaks: {blocks that move as one}, then A|B = bits of A left once B leaked "
				     "(best leak):\nH(A|B) from A - B given B's low bits; H(A - B) alone is an upper "
				     "bound\n");
		analysis_series_label(a, s, label, sizeof(label));
		print_best_leaks(out, a, s, print_blocks(out, a, s, fprintf(out, "  %s:", label)));
		fputc('\n', out);
	}
}

void table_print(FILE *out, const struct analysis *a)
{
	unsigned first = 0;

	while (first < a->series_count) {
		unsigned last = analysis_group_end(a, first);
		print_group(out, a, first, last);
		first = last;
	}
	fprintf(out, "\nH2 = Renyi-2 (collision) estimate with its 95 %% interval, from >= %d colliding pairs;"
		     "\nelse the smaller upper bound: range<= (span / alignment, corrected for N) or bitsum<="
		     "\n(per-bit entropy sum); constant = never moved; ? = fewer than %d samples;"
		     "\n- = not reported by this probe (always 0x0); * = successive samples not independent"
		     "\n(serial test, p < %g).\n",
		ESTIMATE_MIN_PAIRS, ESTIMATE_MIN_SAMPLES, SERIAL_ALPHA);
	print_notes(out, a,
		    "biased bits (|z| > 3.78: 99 % family-wise over 64 bits; expected at the top of a\n"
		    "range whose size is not a power of two):",
		    biased_note);
	print_notes(out, a,
		    "where the headline is only an upper bound, a collision estimate needs about\n"
		    "sqrt(2 k 2^H) samples per series for k = 10 / k = 100 colliding pairs:",
		    needed_note);
	print_leaks(out, a);
}
