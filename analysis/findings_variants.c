/* Findings that compare a series with others of the run: a region with fewer bits than in
 * another probe variant (LOWER), what a swept kernel knob does (KNOB). */
#include "findings_build.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct region_estimate *est(const struct analysis *a, unsigned s, unsigned r)
{
	return &a->series[s].region[r];
}

/* 1 when series t is another variant at series s's mode and knob values. */
static int other_variant(const struct analysis *a, unsigned s, unsigned t)
{
	struct series_key x = analysis_series_key(a, s), y = analysis_series_key(a, t);

	if (strcmp(x.variant, y.variant) == 0)
		return 0;
	y.variant = x.variant;
	return series_key_equal(&x, &y);
}

/* The bits that alignment above the page (and above there's) explains in here: said by ALIGNMENT. */
static double alignment_explains(const struct region_estimate *here, const struct region_estimate *there)
{
	int floor = there->alignment_bit > FINDINGS_PAGE_BIT ? there->alignment_bit : FINDINGS_PAGE_BIT;

	return here->alignment_bit > floor ? here->alignment_bit - floor : 0;
}

/* How many more bits region r has in series t than in s, beyond what alignment explains;
 * NAN when t is not another variant at s's mode and knobs or has no headline for r. */
static double deficit(const struct analysis *a, unsigned s, unsigned t, unsigned r)
{
	const struct region_estimate *here = est(a, s, r), *there = est(a, t, r);

	if (!other_variant(a, s, t) || there->absent || there->kind == KIND_INSUFFICIENT)
		return NAN;
	return there->estimate_bits - here->estimate_bits - alignment_explains(here, there);
}

/* The cluster's members against every other variant at the same mode and knobs: the largest
 * deficit alignment does not explain (the first within FINDINGS_SAME_BITS of it). */
static int lower(const struct analysis *a, struct finding_list *list, unsigned s, const unsigned *members, unsigned n)
{
	struct place_draft d = place_draft_empty();
	double most = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned t = 0; t < a->series_count; t++)
			most = fmax(most, deficit(a, s, t, members[i]));
	if (most < FINDINGS_MIN_BITS)
		return 0;
	for (unsigned i = 0; i < n && d.a < 0; i++)
		for (unsigned t = 0; t < a->series_count && d.a < 0; t++)
			if (deficit(a, s, t, members[i]) >= most - FINDINGS_SAME_BITS) {
				d.a = (int)members[i];
				d.ref_series = (int)t;
				d.before = est(a, t, members[i])->estimate_bits;
				d.after = est(a, s, members[i])->estimate_bits;
				d.bits_saved = deficit(a, s, t, members[i]);
			}
	d.region = members;
	d.region_count = n;
	return findings_add(list, FINDING_LOWER, 0, 0, s, &d);
}

static int lower_all(const struct analysis *a, struct finding_list *list)
{
	unsigned *members = calloc(a->table->region_count + 1, sizeof(*members));
	int rc = members ? 0 : -ENOMEM;

	for (unsigned s = 0; s < a->series_count && rc == 0 && a->variant_count > 1; s++)
		for (unsigned r = 0; r < a->table->region_count && rc == 0; r++)
			if (findings_cluster_head(a, s, r))
				rc = lower(a, list, s, members, findings_cluster(a, s, r, members));
	free(members);
	return rc;
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

/* How the knob moves each cluster's headline between its lowest and highest value (the first
 * variant, the highest mode): a place per cluster that moves by a bit or more. */
static int knob(const struct analysis *a, struct finding_list *list, int knob, unsigned *members)
{
	int mode = analysis_highest_mode(a), lo = knob_extreme(a, knob, mode, 0), hi = knob_extreme(a, knob, mode, 1);
	int rc = 0;

	if (lo < 0 || lo == hi)
		return 0;
	for (unsigned r = 0; r < a->table->region_count && rc == 0; r++) {
		struct place_draft d = place_draft_empty();
		if (!findings_cluster_head(a, (unsigned)hi, r) || est(a, (unsigned)lo, r)->absent ||
		    !(fabs(est(a, (unsigned)hi, r)->estimate_bits - est(a, (unsigned)lo, r)->estimate_bits) >= 1))
			continue;
		d.region = members;
		d.region_count = findings_cluster(a, (unsigned)hi, r, members);
		d.a = (int)r;
		d.b = knob;
		d.ref_series = lo;
		d.before = est(a, (unsigned)lo, r)->estimate_bits;
		d.after = est(a, (unsigned)hi, r)->estimate_bits;
		d.bits_saved = fabs(d.after - d.before);
		rc = findings_add(list, FINDING_KNOB, knob, 0, (unsigned)hi, &d);
	}
	return rc;
}

int findings_variants(const struct analysis *a, struct finding_list *list)
{
	unsigned *members = calloc(a->table->region_count + 1, sizeof(*members));
	int rc = members ? lower_all(a, list) : -ENOMEM;

	for (int k = 0; k < ANALYSIS_KNOBS && rc == 0; k++)
		rc = knob(a, list, k, members);
	free(members);
	return rc;
}
