/* precision_json.c: run.json's record of how a series' precision rule ended. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "estimate.h"
#include "precision.h"

static json_t *number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* What a region that is not done will show, in words. */
static void why_not_text(const struct precision *p, unsigned i, char *text, size_t size)
{
	const struct precision_region *r = &p->region[i];
	int at_least;
	double need = precision_samples_needed(p, i, &at_least);

	if (at_least)
		snprintf(text, size,
			 "no colliding pair in %llu samples: the report shows an upper bound, not a collision estimate; "
			 "+-%g bits needs at least %.0f samples (95 %%), about %.0f if the region is uniform over the "
			 "range seen",
			 (unsigned long long)r->count.samples, p->rule.bits, need, precision_samples_expected(p, i));
	else if (r->eval_pairs < ESTIMATE_MIN_PAIRS)
		snprintf(text, size,
			 "%llu colliding pairs in %llu samples: the report shows an upper bound, not a collision "
			 "estimate; +-%g bits needs about %.0f samples",
			 (unsigned long long)r->eval_pairs, (unsigned long long)r->count.samples, p->rule.bits, need);
	else
		snprintf(text, size,
			 "collision estimate +-%.2f bits from %llu pairs in %llu samples, wider than +-%g; that needs "
			 "about %.0f samples",
			 r->half_width, (unsigned long long)r->eval_pairs, (unsigned long long)r->count.samples,
			 p->rule.bits, need);
}

static json_t *why_not(const struct precision *p, unsigned i)
{
	char text[400];

	why_not_text(p, i, text, sizeof(text));
	return json_string(text);
}

/* "text 1 pair, needs ~63246" or "argv +-0.62 bits, needs ~12000" */
static int short_text(const struct precision *p, unsigned i, char *buf, size_t size)
{
	const struct precision_region *r = &p->region[i];
	int at_least;
	double need = precision_samples_needed(p, i, &at_least);

	if (at_least)
		return snprintf(buf, size, "%s no pair, needs >= %.0f (~%.0f if uniform over its range)", r->name, need,
				precision_samples_expected(p, i));
	if (r->eval_pairs < ESTIMATE_MIN_PAIRS)
		return snprintf(buf, size, "%s %llu pair%s, needs ~%.0f", r->name, (unsigned long long)r->eval_pairs,
				r->eval_pairs == 1 ? "" : "s", need);
	return snprintf(buf, size, "%s +-%.2f bits, needs ~%.0f", r->name, r->half_width, need);
}

int precision_shortfall_text(const struct precision *p, char *buf, size_t size)
{
	size_t used = 0;
	int waiting = 0, bounds = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < p->count && used + 1 < size; i++) {
		if (p->region[i].state != PRECISION_WAITING)
			continue;
		bounds += p->region[i].eval_pairs < ESTIMATE_MIN_PAIRS;
		used += (size_t)snprintf(buf + used, size - used, "%s", waiting++ ? "; " : "");
		if (used + 1 < size)
			used += (size_t)short_text(p, i, buf + used, size - used);
	}
	if (bounds && used + 1 < size)
		snprintf(buf + used, size - used, " (under %d pairs the report shows an upper bound)", ESTIMATE_MIN_PAIRS);
	return waiting;
}

static json_t *region_json(const struct precision *p, unsigned i)
{
	const struct precision_region *r = &p->region[i];
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:f}", "state", precision_state_name(r->state), "samples",
			      (json_int_t)r->count.samples, "missing", (json_int_t)r->missing, "pairs",
			      (json_int_t)r->count.pairs, "triples", r->count.triples);

	if (!o || r->state < PRECISION_WAITING)
		return o;
	json_object_set_new(o, "ci", r->eval_pairs ? json_pack("[f, f]", r->ci.low, r->ci.high) : json_null());
	json_object_set_new(o, "half_width", number_or_null(r->half_width));
	json_object_set_new(o, "dispersion", json_real(r->ci.dispersion));
	if (r->state == PRECISION_WAITING)
		json_object_set_new(o, "why_not", why_not(p, i));
	return o;
}

json_t *precision_json(const struct precision *p, enum precision_end end)
{
	json_t *regions = json_object(), *bounds = json_array(), *wider = json_array();
	json_t *o = json_pack("{s:f, s:s, s:I, s:o, s:o, s:o}", "bits", p->rule.bits, "end", precision_end_name(end),
			      "rows", (json_int_t)p->rows, "regions", regions, "bounds", bounds, "wider", wider);

	if (!o)
		return NULL;
	for (unsigned i = 0; i < p->count; i++) {
		const struct precision_region *r = &p->region[i];
		json_object_set_new(regions, r->name, region_json(p, i));
		if (r->state == PRECISION_WAITING)
			json_array_append_new(r->eval_pairs < ESTIMATE_MIN_PAIRS ? bounds : wider, json_string(r->name));
	}
	return o;
}
