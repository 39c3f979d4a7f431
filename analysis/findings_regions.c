/* Findings about regions one at a time (a cluster at a time where its members share the
 * fact): what never moves, alignment above and below the page, skew, dependent samples,
 * missing cells, too few samples, bounds only, the extremes of a series. */
#include "findings_build.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "birthday.h"
#include "expect.h"

static const struct region_estimate *est(const struct analysis *a, unsigned s, unsigned r)
{
	return &a->series[s].region[r];
}

/* The series other than s (of s's variant only, or of any) in which r has the most bits; the
 * first within FINDINGS_SAME_BITS of them, so the one named prints the most. -1 if none moves r. */
static int most_bits(const struct analysis *a, unsigned s, unsigned r, int any_variant)
{
	double most = -1;
	int found = -1;

	for (int pass = 0; pass < 2; pass++)
		for (unsigned t = 0; t < a->series_count && (pass == 0 || found < 0); t++) {
			double v = est(a, t, r)->estimate_bits;
			if (t == s || (!any_variant && !findings_same_variant(a, s, t)) || !findings_moves(a, t, r))
				continue;
			if (pass == 0)
				most = v > most ? v : most;
			else if (v >= most - FINDINGS_SAME_BITS)
				found = (int)t;
		}
	return found;
}

/* The most bits region r has in another series of the same variant, else of any variant;
 * *from gets it (-1: none, then the best region of series s is the yardstick, and
 * *yardstick gets it; else -1). */
static double fixed_reference(const struct analysis *a, unsigned s, unsigned r, int *from, int *yardstick)
{
	double best = 0;

	*yardstick = -1;
	*from = most_bits(a, s, r, 0);
	if (*from < 0)
		*from = most_bits(a, s, r, 1);
	if (*from >= 0)
		return est(a, (unsigned)*from, r)->estimate_bits;
	for (unsigned q = 0; q < a->table->region_count; q++)
		if (findings_moves(a, s, q) && (*yardstick < 0 || est(a, s, q)->estimate_bits > best)) {
			best = est(a, s, q)->estimate_bits;
			*yardstick = (int)q;
		}
	return best;
}

/* The regions of s that never moved while others did (FIXED), or all of them when none moved
 * (NOTHING_MOVES); list_of has room for the region count. */
static int fixed(const struct analysis *a, struct finding_list *list, unsigned s, unsigned *list_of)
{
	struct place_draft d = place_draft_empty();
	unsigned count = 0, moving = 0;

	for (unsigned r = 0; r < a->table->region_count; r++) {
		moving += findings_moves(a, s, r);
		if (est(a, s, r)->kind == KIND_CONSTANT && !est(a, s, r)->absent)
			list_of[count++] = r;
	}
	if (!count)
		return 0;
	d.region = list_of;
	d.region_count = count;
	if (!moving)
		return findings_add(list, FINDING_NOTHING_MOVES, 0, 0, s, &d);
	for (unsigned i = 0; i < count; i++) {
		int from, yardstick;
		double ref = fixed_reference(a, s, list_of[i], &from, &yardstick);
		if (d.a < 0 || ref > d.bits_saved) {
			d.a = (int)list_of[i];
			d.b = yardstick;
			d.ref_series = from;
			d.before = d.bits_saved = ref;
		}
	}
	return findings_add(list, FINDING_FIXED, 0, 0, s, &d);
}

/* Region r's best leak outside its cluster (members, n): the fewest bits of r left; -1 if none. */
static int best_outside(const struct analysis *a, unsigned s, unsigned r, const unsigned *members, unsigned n,
			double *left)
{
	int best = -1;

	*left = NAN;
	for (unsigned q = 0; q < a->table->region_count && a->series[s].pair; q++) {
		int inside = 0;
		double bits;
		for (unsigned i = 0; i < n; i++)
			inside |= members[i] == q;
		if (inside || !findings_moves(a, s, q))
			continue;
		bits = findings_left(a, s, r, q);
		if (best < 0 || bits < *left) {
			best = (int)q;
			*left = bits;
		}
	}
	return best;
}

/* Alignment above the page (bits lost) or below it (sub-page bits) of the cluster members. */
static int alignment(const struct analysis *a, struct finding_list *list, unsigned s, const unsigned *members,
		     unsigned n)
{
	const struct region_estimate *e = est(a, s, members[0]);
	struct place_draft d = place_draft_empty();
	int bit = e->alignment_bit;

	if (bit == FINDINGS_PAGE_BIT || bit < 0)
		return 0;
	d.region = members;
	d.region_count = n;
	d.a = (int)members[0];
	if (bit > FINDINGS_PAGE_BIT) {
		d.bits_saved = bit - FINDINGS_PAGE_BIT;
		d.before = e->estimate_bits + d.bits_saved;
		d.after = e->estimate_bits;
		return findings_add(list, FINDING_ALIGNMENT, bit, 0, s, &d);
	}
	d.bits_saved = FINDINGS_PAGE_BIT - bit;
	d.before = e->estimate_bits;
	d.b = best_outside(a, s, members[0], members, n, &d.after);
	if (!(d.after <= d.before - FINDINGS_MIN_BITS)) { /* no leak tells about it: none to name */
		d.b = -1;
		d.after = NAN;
	}
	return findings_add(list, FINDING_SUBPAGE, 0, 0, s, &d);
}

/* A most common value far above what the headline allows; successive samples dependent. */
static int distribution(const struct analysis *a, struct finding_list *list, unsigned s, const unsigned *members,
			unsigned n)
{
	const struct region_estimate *e = est(a, s, members[0]);
	struct place_draft d = place_draft_empty();
	int rc = 0;

	d.region = members;
	d.region_count = n;
	d.a = (int)members[0];
	if (estimate_skewed(e)) {
		d.before = e->estimate_bits;
		d.after = e->min_entropy_bits;
		d.bits_saved = d.before - d.after;
		rc = findings_add(list, FINDING_SKEWED, 0, 0, s, &d);
	}
	if (rc == 0 && e->serial_rejected) {
		d.before = e->serial_lag1_p;
		d.after = e->runs_p;
		d.bits_saved = 0;
		rc = findings_add(list, FINDING_SERIAL, 0, 0, s, &d);
	}
	return rc;
}

/* Clearly less than the kernel's knobs promise (expect.h), a member with a promise speaking for
 * the cluster; the bits its alignment above the page explains are said by ALIGNMENT, not here. */
static int promise(const struct analysis *a, struct finding_list *list, unsigned s, const unsigned *members,
		   unsigned n)
{
	struct place_draft d = place_draft_empty();
	struct expectation x;

	for (unsigned i = 0; i < n && d.a < 0; i++)
		if (expect_region(a, s, members[i], &x) && x.clearly_short)
			d.a = (int)members[i];
	if (d.a < 0)
		return 0;
	d.region = members;
	d.region_count = n;
	d.before = x.promised_bits;
	d.after = x.delivered_bits;
	d.bits_saved = fmax(0, x.shortfall_bits - fmax(0, est(a, s, (unsigned)d.a)->alignment_bit - FINDINGS_PAGE_BIT));
	return findings_add(list, FINDING_BELOW_PROMISE, 0, 0, s, &d);
}

static int clusters(const struct analysis *a, struct finding_list *list, unsigned s, unsigned *members)
{
	int rc = 0;

	for (unsigned r = 0; r < a->table->region_count && rc == 0; r++) {
		unsigned n;
		if (!findings_cluster_head(a, s, r))
			continue;
		n = findings_cluster(a, s, r, members);
		rc = alignment(a, list, s, members, n);
		if (rc == 0)
			rc = distribution(a, list, s, members, n);
		if (rc == 0)
			rc = promise(a, list, s, members, n);
	}
	return rc;
}

/* Cells of each region that are 0x0 though the region is present in other rows. */
static int missing(const struct analysis *a, struct finding_list *list, unsigned s)
{
	int rc = 0;

	for (unsigned r = 0; r < a->table->region_count && rc == 0; r++) {
		struct place_draft d = place_draft_empty();
		if (!est(a, s, r)->missing)
			continue;
		d.region = &r;
		d.region_count = 1;
		d.a = (int)r;
		d.before = (double)est(a, s, r)->missing;
		d.after = (double)a->series[s].series->rows;
		rc = findings_add(list, FINDING_MISSING, 0, 0, s, &d);
	}
	return rc;
}

/* Regions too few samples speak for (INSUFFICIENT), and those whose headline is only an
 * upper bound at this N (BOUNDS) with the N a collision estimate of the widest would take. */
static int sample_size(const struct analysis *a, struct finding_list *list, unsigned s, unsigned *regions)
{
	struct place_draft d = place_draft_empty();
	unsigned count = 0;
	double rows = (double)a->series[s].series->rows;
	int rc = 0;

	d.before = INFINITY;
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (est(a, s, r)->kind == KIND_INSUFFICIENT && !est(a, s, r)->absent) {
			regions[count++] = r;
			d.before = fmin(d.before, (double)est(a, s, r)->samples);
		}
	d.region = regions;
	d.region_count = count;
	d.after = rows;
	if (count)
		rc = findings_add(list, FINDING_INSUFFICIENT, 0, 0, s, &d);
	d = place_draft_empty();
	count = 0;
	for (unsigned r = 0; r < a->table->region_count; r++)
		if (estimate_kind_is_bound(est(a, s, r)->kind)) {
			regions[count++] = r;
			if (d.a < 0 || est(a, s, r)->estimate_bits > d.before) {
				d.a = (int)r;
				d.before = est(a, s, r)->estimate_bits;
			}
		}
	d.region = regions;
	d.region_count = count;
	d.after = rows;
	d.needed = birthday_samples_for_pairs(d.before, ESTIMATE_MIN_PAIRS);
	if (count && rc == 0)
		rc = findings_add(list, FINDING_BOUNDS, 0, 0, s, &d);
	return rc;
}

/* The most random region of s and the least random that moves. */
static int extremes(const struct analysis *a, struct finding_list *list, unsigned s)
{
	struct place_draft d = place_draft_empty();
	int hi = -1, lo = -1;
	unsigned h, l;

	for (unsigned r = 0; r < a->table->region_count; r++) {
		if (!findings_moves(a, s, r))
			continue;
		if (hi < 0 || est(a, s, r)->estimate_bits > est(a, s, hi)->estimate_bits)
			hi = (int)r;
		if (lo < 0 || est(a, s, r)->estimate_bits < est(a, s, lo)->estimate_bits)
			lo = (int)r;
	}
	if (hi < 0 || hi == lo)
		return 0;
	h = (unsigned)hi;
	l = (unsigned)lo;
	d.region = &h;
	d.region_count = 1;
	d.other = &l;
	d.other_count = 1;
	d.a = hi;
	d.b = lo;
	d.before = est(a, s, h)->estimate_bits;
	d.after = est(a, s, l)->estimate_bits;
	return findings_add(list, FINDING_EXTREMES, 0, 0, s, &d);
}

int findings_regions(const struct analysis *a, struct finding_list *list)
{
	unsigned *scratch = calloc(a->table->region_count + 1, sizeof(*scratch));
	int rc = scratch ? 0 : -ENOMEM;

	for (unsigned s = 0; s < a->series_count && rc == 0; s++) {
		rc = fixed(a, list, s, scratch);
		if (rc == 0)
			rc = clusters(a, list, s, scratch);
		if (rc == 0)
			rc = missing(a, list, s);
		if (rc == 0)
			rc = sample_size(a, list, s, scratch);
		if (rc == 0)
			rc = extremes(a, list, s);
	}
	free(scratch);
	return rc;
}
