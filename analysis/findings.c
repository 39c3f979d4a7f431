#include "findings.h"

#include "birthday.h"
#include "conditional.h"
#include "expect.h"

#include <math.h>
#include <string.h>

static int region_index(const struct analysis *a, const char *name)
{
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (strcmp(a->table->region[r], name) == 0)
			return (int)r;
	return -1;
}

static void series_label(struct strbuf *out, const struct analysis *a, unsigned s)
{
	char label[200];

	analysis_series_label(a, s, label, sizeof(label));
	strbuf_printf(out, "%s", label);
}

/* "In pie mode 0 no region moves" or the list of those that do not. */
static unsigned fixed_regions(struct strbuf *out, const struct analysis *a, unsigned s)
{
	const struct region_estimate *e = a->series[s].region;
	unsigned fixed = 0, n = a->table->region_count;

	unsigned present = 0;

	for (unsigned r = 0; r < n; r++) {
		fixed += e[r].kind == KIND_CONSTANT && !e[r].absent;
		present += !e[r].absent;
	}
	if (fixed == 0)
		return 0;
	strbuf_printf(out, "- In ");
	series_label(out, a, s);
	if (fixed == present) {
		strbuf_printf(out, " no region moves: all %u addresses were the same in all %zu execs.\n", present,
			      a->series[s].series->rows);
		return 1;
	}
	strbuf_printf(out, ", %s never moved:", fixed == 1 ? "this region" : "these regions");
	for (unsigned r = 0, k = 0; r < n; r++)
		if (e[r].kind == KIND_CONSTANT && !e[r].absent)
			strbuf_printf(out, "%s %s", k++ ? "," : "", a->table->region[r]);
	strbuf_printf(out, " (0 bits).\n");
	return 1;
}

/* One sentence per block of two or more regions that move together. */
static unsigned blocks(struct strbuf *out, const struct analysis *a, unsigned s)
{
	const struct region_blocks *block = &a->series[s].blocks;

	for (unsigned b = 0; b < block->count; b++) {
		unsigned first = block->start[b], size = blocks_size(block, b);
		strbuf_printf(out, "- In ");
		series_label(out, a, s);
		strbuf_printf(out, ",");
		for (unsigned i = 0; i < size; i++)
			strbuf_printf(out, "%s %s", i == 0 ? "" : i + 1 == size ? " and" : ",",
				      a->table->region[block->member[first + i]]);
		strbuf_printf(out, " move together: their offsets never changed, so one leaked address "
				   "gives away all %u.\n", size);
	}
	return block->count;
}

/* heap against text over the modes where both move. */
static unsigned heap_and_executable(struct strbuf *out, const struct analysis *a, unsigned first,
				    unsigned last)
{
	int heap = region_index(a, "heap"), text = region_index(a, "text");
	struct strbuf apart = { 0 }, with = { 0 };
	unsigned n_apart = 0, n_with = 0;
	char label[SERIES_KEY_TEXT];

	if (heap < 0 || text < 0)
		return 0;
	for (unsigned s = first; s < last; s++) {
		const struct region_estimate *e = a->series[s].region;
		if (!estimate_moves(&e[heap]) || !estimate_moves(&e[text]))
			continue;
		if (analysis_offset_constant(a, s, (unsigned)heap, (unsigned)text))
			strbuf_printf(&with, "%s%d", n_with++ ? ", " : "", a->series[s].series->mode);
		else if (a->series[s].pair)
			strbuf_printf(&apart, "%s%d (%.1f bits of the heap left once the executable leaks)",
				      n_apart++ ? ", " : "", a->series[s].series->mode,
				      conditional_bits(a, s, (unsigned)heap, (unsigned)text, NULL));
		else
			strbuf_printf(&apart, "%s%d", n_apart++ ? ", " : "", a->series[s].series->mode);
	}
	if (n_apart + n_with > 0) {
		analysis_group_label(a, first, label, sizeof(label));
		strbuf_printf(out, "- %s: the heap moves independently of the executable %s%s%s",
			      label, n_apart ? "only in mode" : "in no mode",
			      n_apart > 1 ? "s " : n_apart ? " " : "", n_apart ? apart.text : "");
		if (n_with)
			strbuf_printf(out, "; in mode%s %s it keeps a constant offset from the executable, so "
					   "a leaked code pointer gives the heap away", n_with > 1 ? "s" : "", with.text);
		strbuf_printf(out, ".\n");
	}
	strbuf_free(&apart);
	strbuf_free(&with);
	return n_apart + n_with > 0;
}

/* Lowest varying bits away from the page: huge-page alignment loses bits, sub-page gains. */
static unsigned alignment(struct strbuf *out, const struct analysis *a, unsigned s)
{
	const struct region_estimate *e = a->series[s].region;
	unsigned said = 0;

	for (unsigned r = 0; r < a->table->region_count; r++) {
		if (!estimate_moves(&e[r]) || e[r].alignment_bit == 12)
			continue;
		strbuf_printf(out, "- In ");
		series_label(out, a, s);
		if (e[r].alignment_bit > 12)
			strbuf_printf(out, ", %s is aligned to 2^%d bytes (its lowest varying bit): against page "
					   "granularity that alignment costs %d bits here.\n",
				      a->table->region[r], e[r].alignment_bit, e[r].alignment_bit - 12);
		else
			strbuf_printf(out, ", %s varies below the 4 KiB page (lowest varying bit %d): up to %d of its "
					   "%.1f range bits come from a sub-page offset.\n",
				      a->table->region[r], e[r].alignment_bit, 12 - e[r].alignment_bit,
				      e[r].range_bits);
		said++;
	}
	return said;
}

/* Where the headline is only an upper bound: how far N is from a collision estimate. */
static unsigned bounds_only(struct strbuf *out, const struct analysis *a, unsigned s)
{
	const struct region_estimate *e = a->series[s].region;
	double widest = 0;
	unsigned count = 0;
	double n = (double)a->series[s].series->rows;

	for (unsigned r = 0; r < a->table->region_count; r++)
		if (estimate_kind_is_bound(e[r].kind)) {
			count++;
			widest = fmax(widest, e[r].estimate_bits);
		}
	if (!count)
		return 0;
	strbuf_printf(out, "- In ");
	series_label(out, a, s);
	strbuf_printf(out, ", %u region%s had fewer than %d colliding pairs at N = %.0f, so the headline is the "
			   "smaller upper bound (range or per-bit sum): at %.1f bits N = %.0f gives about %.2f "
			   "pairs; about %.0f samples would give 10 and turn it into an estimate.\n",
		      count, count > 1 ? "s" : "", ESTIMATE_MIN_PAIRS, n, widest, n, birthday_expected_pairs(n, widest),
		      birthday_samples_for_pairs(widest, 10));
	return 1;
}

/* Regions with too few usable samples for any claim. */
static unsigned insufficient(struct strbuf *out, const struct analysis *a, unsigned s)
{
	const struct region_estimate *e = a->series[s].region;
	unsigned count = 0;

	for (unsigned r = 0; r < a->table->region_count; r++) {
		if (e[r].kind != KIND_INSUFFICIENT || e[r].absent)
			continue;
		if (!count++) {
			strbuf_printf(out, "- In ");
			series_label(out, a, s);
			strbuf_printf(out, ", fewer than %d usable samples, too few for any claim about",
				      ESTIMATE_MIN_SAMPLES);
		}
		strbuf_printf(out, "%s %s (%llu)", count > 1 ? "," : "", a->table->region[r],
			      (unsigned long long)e[r].samples);
	}
	if (count)
		strbuf_printf(out, ".\n");
	return count > 0;
}

/* One sentence "- In <series>, ..." per region of series s for which applies() holds. */
typedef int (*region_test)(const struct region_estimate *e);
typedef void (*region_sentence)(struct strbuf *out, const struct region_estimate *e, const char *region);

static unsigned each_region(struct strbuf *out, const struct analysis *a, unsigned s, region_test applies,
			    region_sentence say)
{
	unsigned said = 0;

	for (unsigned r = 0; r < a->table->region_count; r++) {
		if (!applies(&a->series[s].region[r]))
			continue;
		strbuf_printf(out, "- In ");
		series_label(out, a, s);
		say(out, &a->series[s].region[r], a->table->region[r]);
		said++;
	}
	return said;
}

/* The most common value far more common than the headline allows (estimate_skewed). */
static void skew_sentence(struct strbuf *out, const struct region_estimate *e, const char *region)
{
	strbuf_printf(out, ", one value of %s is %.1f %% of the samples (%llu of %llu): one guess wins that often. "
			   "Its min-entropy is %.1f bits (a lower bound), far below the headline %.1f (%s), which "
			   "averages over all values.\n",
		      region, 100 * e->mcv_share, (unsigned long long)e->mcv_count, (unsigned long long)e->samples,
		      e->min_entropy_bits, e->estimate_bits, estimate_kind_name(e->kind));
}

static int serial_rejected(const struct region_estimate *e)
{
	return e->serial_rejected;
}

/* Successive samples that are not independent: every estimator assumes they are. */
static void serial_sentence(struct strbuf *out, const struct region_estimate *e, const char *region)
{
	strbuf_printf(out, ", successive samples of %s are not independent (lag-1 p = %.2g, runs p = %.2g; each "
			   "test rejects at p < %g): its randomness drifts or repeats between execs, and its entropy "
			   "figures, which assume independent samples, overstate it.\n",
		      region, e->serial_lag1_p, e->runs_p, SERIAL_ALPHA);
}

static unsigned extremes(struct strbuf *out, const struct analysis *a, unsigned s)
{
	const struct region_estimate *e = a->series[s].region;
	int hi = -1, lo = -1;

	for (unsigned r = 0; r < a->table->region_count; r++) {
		if (!estimate_moves(&e[r]))
			continue;
		if (hi < 0 || e[r].estimate_bits > e[hi].estimate_bits)
			hi = (int)r;
		if (lo < 0 || e[r].estimate_bits < e[lo].estimate_bits)
			lo = (int)r;
	}
	if (hi < 0 || hi == lo)
		return 0;
	strbuf_printf(out, "- In ");
	series_label(out, a, s);
	strbuf_printf(out, ", the most random region is %s (%.1f bits, %s) and the least random that moves is "
			   "%s (%.1f bits, %s).\n",
		      a->table->region[hi], e[hi].estimate_bits, estimate_kind_name(e[hi].kind),
		      a->table->region[lo], e[lo].estimate_bits, estimate_kind_name(e[lo].kind));
	return 1;
}

/* Per region, in the highest mode: where variants differ by a bit or more, their headlines. */
/* Series v's (variant v at mode, the first series' knobs) if its region r has a headline; else -1. */
static int variant_with_headline(const struct analysis *a, unsigned v, int mode, unsigned r)
{
	int s = analysis_variant_series(a, v, mode);

	return s >= 0 && !a->series[s].region[r].absent && a->series[s].region[r].kind != KIND_INSUFFICIENT ? s : -1;
}

static unsigned variant_differences(struct strbuf *out, const struct analysis *a)
{
	unsigned said = 0;
	int mode = analysis_highest_mode(a);

	if (a->variant_count < 2)
		return 0;
	for (unsigned r = 0; r < a->table->region_count; r++) {
		double lo = INFINITY, hi = -INFINITY;
		for (unsigned v = 0; v < a->variant_count; v++) {
			int s = variant_with_headline(a, v, mode, r);
			lo = s < 0 ? lo : fmin(lo, a->series[s].region[r].estimate_bits);
			hi = s < 0 ? hi : fmax(hi, a->series[s].region[r].estimate_bits);
		}
		if (!(hi - lo >= 1))
			continue;
		strbuf_printf(out, "- In mode %d, %s differs between the probe variants:", mode, a->table->region[r]);
		for (unsigned v = 0, k = 0; v < a->variant_count; v++) {
			int s = variant_with_headline(a, v, mode, r);
			if (s >= 0)
				strbuf_printf(out, "%s %s %.1f", k++ ? "," : "", a->variant[v],
					      a->series[s].region[r].estimate_bits);
		}
		strbuf_printf(out, " bits.\n");
		said++;
	}
	return said;
}

/* The series of the knob's sweep (analysis_knob_sweep) at mode whose knob value is the
 * lowest (want_high 0) or highest (1); -1 if none. */
static int knob_extreme(const struct analysis *a, int knob, int mode, int want_high)
{
	int best = -1;

	for (unsigned s = 0; s < a->series_count; s++) {
		int v = analysis_knob(a->series[s].series, knob);
		if (!analysis_in_knob_sweep(a, s, knob, mode))
			continue;
		if (best < 0 || (want_high ? v > analysis_knob(a->series[best].series, knob)
					   : v < analysis_knob(a->series[best].series, knob)))
			best = (int)s;
	}
	return best;
}

/* How each swept knob moves the headline of each region (first variant, highest mode). */
static unsigned knob_effects(struct strbuf *out, const struct analysis *a)
{
	unsigned said = 0;
	int mode = analysis_highest_mode(a);

	for (int knob = 0; knob < ANALYSIS_KNOBS; knob++) {
		int lo_s = knob_extreme(a, knob, mode, 0), hi_s = knob_extreme(a, knob, mode, 1);
		struct series_key sweep;
		char label[SERIES_KEY_TEXT];
		if (lo_s < 0 || lo_s == hi_s)
			continue;
		sweep = analysis_knob_sweep(a, knob, mode);
		series_key_label(&sweep, label, sizeof(label));
		for (unsigned r = 0; r < a->table->region_count; r++) {
			const struct region_estimate *lo = &a->series[lo_s].region[r], *hi = &a->series[hi_s].region[r];
			if (lo->absent || !(fabs(hi->estimate_bits - lo->estimate_bits) >= 1))
				continue;
			strbuf_printf(out, "- Raising vm.%s from %d to %d takes %s from %.1f to %.1f bits (%s).\n",
				      analysis_knob_name(knob), analysis_knob(a->series[lo_s].series, knob),
				      analysis_knob(a->series[hi_s].series, knob), a->table->region[r], lo->estimate_bits,
				      hi->estimate_bits, label);
			said++;
		}
	}
	return said;
}

unsigned findings_write(struct strbuf *out, const struct analysis *a)
{
	unsigned said = variant_differences(out, a) + knob_effects(out, a) + expect_findings(out, a);

	for (unsigned first = 0; first < a->series_count; first = analysis_group_end(a, first)) {
		unsigned last = analysis_group_end(a, first);
		for (unsigned s = first; s < last; s++)
			said += fixed_regions(out, a, s);
		said += heap_and_executable(out, a, first, last);
		for (unsigned s = first; s < last; s++) {
			said += blocks(out, a, s);
			said += alignment(out, a, s);
			said += extremes(out, a, s);
			said += bounds_only(out, a, s);
			said += insufficient(out, a, s);
			said += each_region(out, a, s, estimate_skewed, skew_sentence);
			said += each_region(out, a, s, serial_rejected, serial_sentence);
		}
	}
	return said;
}

unsigned findings_missing(struct strbuf *out, const struct analysis *a, const char *prefix)
{
	unsigned said = 0;

	for (unsigned s = 0; s < a->series_count; s++)
		for (unsigned r = 0; r < a->table->region_count; r++) {
			const struct region_estimate *e = &a->series[s].region[r];
			if (!e->missing)
				continue;
			strbuf_printf(out, "%s", prefix);
			series_label(out, a, s);
			strbuf_printf(out, ": %llu of %zu cells of %s are 0x0 though the region is present in other "
					   "rows; counted as missing and left out of every estimate.\n",
				      (unsigned long long)e->missing, a->series[s].series->rows, a->table->region[r]);
			said++;
		}
	return said;
}

unsigned findings_warnings(struct strbuf *out, const struct analysis *a, const char *prefix)
{
	unsigned said = findings_missing(out, a, prefix);

	for (unsigned s = 0; s < a->series_count; s++)
		for (unsigned r = 0; r < a->table->region_count; r++) {
			const struct region_estimate *e = &a->series[s].region[r];
			if (estimate_skewed(e)) {
				strbuf_printf(out, "%s", prefix);
				series_label(out, a, s);
				strbuf_printf(out, ": one value of %s is %.1f %% of the samples; min-entropy %.1f bits "
						   "against a headline of %.1f.\n",
					      a->table->region[r], 100 * e->mcv_share, e->min_entropy_bits,
					      e->estimate_bits);
				said++;
			}
			if (e->serial_rejected) {
				strbuf_printf(out, "%s", prefix);
				series_label(out, a, s);
				strbuf_printf(out, ": successive samples of %s are not independent (serial tests).\n",
					      a->table->region[r]);
				said++;
			}
		}
	return said;
}
