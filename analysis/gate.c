#include "gate.h"

#include <math.h>
#include <string.h>

static int is_kind(const struct cmp_region *r, const char *kind)
{
	return strcmp(r->kind, kind) == 0;
}

int gate_upper_bound_kind(const char *kind)
{
	return strcmp(kind, "collision") != 0 && strcmp(kind, "constant") != 0 && strcmp(kind, "insufficient") != 0;
}

void gate_set_interval(struct cmp_region *r, double ci_low, double ci_high, double lower_bound)
{
	r->low = r->high = r->bits;
	r->has_interval = 0;
	if (is_kind(r, "insufficient")) {
		r->bits = r->low = r->high = NAN;
	} else if (is_kind(r, "constant")) {
		r->low = r->high = 0;
		r->has_interval = 1;
	} else if (is_kind(r, "collision") && isfinite(ci_low) && isfinite(ci_high)) {
		r->low = fmin(ci_low, r->bits);
		r->high = fmax(ci_high, r->bits);
		r->has_interval = 1;
	} else if (gate_upper_bound_kind(r->kind) && isfinite(lower_bound)) {
		/* H2 <= the bound, so a lower bound above it (few pairs at large N) says no more than the bound */
		r->low = fmin(lower_bound, r->bits);
		r->has_interval = 1;
	}
}

/* Standard error of the drop from the half-intervals on the side each value could err:
 * the baseline lower, now higher. 0 when neither file gave an interval. */
static double drop_se(const struct cmp_region *old, const struct cmp_region *now)
{
	return hypot((old->bits - old->low) / CI95_Z, (now->high - now->bits) / CI95_Z);
}

struct gate_result gate_judge(const struct cmp_region *old, const struct cmp_region *now, double tolerance)
{
	struct gate_result g = { .verdict = GATE_NOT_COMPARED, .drop = NAN, .z = NAN, .apart = NAN };
	int significant;
	double se;

	if (is_kind(old, "insufficient") || is_kind(now, "insufficient"))
		return g;
	g.drop = old->bits - now->bits;
	se = drop_se(old, now);
	g.by_z = is_kind(old, "collision") && is_kind(now, "collision") && se > 0;
	if (g.by_z) {
		g.z = (g.drop - tolerance) / se;
		significant = g.z > GATE_Z;
	} else {
		g.apart = old->low - now->high;
		significant = g.apart > tolerance;
	}
	if (!(g.drop > tolerance))
		g.verdict = GATE_PASS;
	else
		g.verdict = significant ? GATE_TRIP : GATE_WITHIN_ERROR;
	return g;
}

void gate_region_text(const struct cmp_region *r, char *buf, size_t size)
{
	if (is_kind(r, "insufficient"))
		snprintf(buf, size, "no value (insufficient)");
	else if (is_kind(r, "constant"))
		snprintf(buf, size, "%.2f bits (constant)", r->bits);
	else if (!r->has_interval)
		snprintf(buf, size, "%.2f bits (%s, no interval)", r->bits, r->kind);
	else
		snprintf(buf, size, "%.2f bits (%s [%.2f, %.2f])", r->bits, r->kind, r->low, r->high);
}

/* Why the drop is or is not beyond the sampling error. */
static void evidence_text(const struct cmp_region *old, const struct cmp_region *now, const struct gate_result *g,
			  char *buf, size_t size)
{
	const char *side = g->verdict == GATE_TRIP ? "beyond" : "within";

	if (!old->has_interval && !now->has_interval)
		snprintf(buf, size, "no intervals in the files: point values compared");
	else if (g->by_z)
		snprintf(buf, size, "%s the sampling error (z %.2f %s %.3f)", side, g->z, g->z > GATE_Z ? ">" : "<=",
			 GATE_Z);
	else if (g->apart > 0)
		snprintf(buf, size, "%s the sampling error (intervals %.2f bits apart)", side, g->apart);
	else
		snprintf(buf, size, "%s the sampling error (intervals overlap)", side);
}

void gate_print(FILE *out, const char *label, const struct cmp_region *old, const struct cmp_region *now,
		const char *old_name, const char *now_name, const struct gate_result *g, double tolerance)
{
	char was[96], is[96], why[96];
	int trip = g->verdict == GATE_TRIP;

	if (g->verdict == GATE_PASS)
		return;
	if (g->verdict == GATE_NOT_COMPARED) {
		fprintf(out, "note: %s %s: too few samples in %s: not compared\n", label, old->name,
			isnan(now->bits) ? now_name : old_name);
		return;
	}
	gate_region_text(old, was, sizeof(was));
	gate_region_text(now, is, sizeof(is));
	evidence_text(old, now, g, why, sizeof(why));
	fprintf(out, "%s %s %s: %s in %s, baseline %s in %s; drop %.2f bits > tolerance %.2f, %s%s\n",
		trip ? "REGRESSION" : "note:", label, old->name, is, now_name, was, old_name, g->drop, tolerance, why,
		trip ? "" : ": not a regression");
}
