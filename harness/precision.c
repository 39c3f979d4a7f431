#include "precision.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"

int precision_init(struct precision *p, const struct precision_rule *rule, unsigned count, struct aslr_error *err)
{
	memset(p, 0, sizeof(*p));
	if (!(rule->bits > 0))
		return aslr_error_set(err, -EINVAL, "the precision must be positive");
	p->rule = *rule;
	p->count = count;
	p->region = calloc(count ? count : 1, sizeof(*p->region));
	if (!p->region)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	for (unsigned i = 0; i < count; i++) {
		collision_count_init(&p->region[i].count);
		p->region[i].half_width = INFINITY;
	}
	p->poisson_pairs = collision_poisson_pairs(rule->bits);
	return 0;
}

void precision_set_name(struct precision *p, unsigned region, const char *name)
{
	snprintf(p->region[region].name, sizeof(p->region[region].name), "%s", name);
}

static void evaluate(struct precision_region *r)
{
	r->eval_samples = r->count.samples;
	r->eval_pairs = r->count.pairs;
	r->eval_triples = r->count.triples;
	collision_interval(r->eval_samples, r->eval_pairs, r->eval_triples, &r->ci);
	r->half_width = r->eval_pairs ? (r->ci.high - r->ci.low) / 2 : INFINITY;
}

/* now >= then + 1 % of then, and at least then + 1 */
static int grew(double now, double then)
{
	return now >= then + floor(then / 100) + 1;
}

/* Without triples the dispersion is 1 and the half-width does not depend on N: only new
 * pairs change it. With triples, N moves the dispersion a little. */
static int stale(const struct precision_region *r)
{
	return grew((double)r->count.pairs, (double)r->eval_pairs) || grew(r->count.triples, r->eval_triples) ||
	       (r->count.triples > 0 && grew((double)r->count.samples, (double)r->eval_samples));
}

/* The state the counts say, recomputing the interval when asked to or when stale. */
static void update_state(struct precision *p, struct precision_region *r, int exact)
{
	enum precision_state was = r->state;

	if (r->count.samples == 0) {
		r->state = PRECISION_ABSENT;
	} else if (r->count.distinct == 1) {
		r->state = PRECISION_CONSTANT;
	} else {
		if (exact ? r->eval_samples != r->count.samples : stale(r))
			evaluate(r);
		r->state = r->count.samples >= ESTIMATE_MIN_SAMPLES && r->eval_pairs >= ESTIMATE_MIN_PAIRS &&
					   r->half_width <= p->rule.bits
				   ? PRECISION_DONE
				   : PRECISION_WAITING;
	}
	p->waiting += (r->state == PRECISION_WAITING) - (was == PRECISION_WAITING);
}

int precision_add_row(struct precision *p, const uint64_t *values, struct aslr_error *err)
{
	for (unsigned i = 0; i < p->count; i++) {
		struct precision_region *r = &p->region[i];
		if (values[i] == 0) {
			r->missing++;
			continue;
		}
		if (collision_count_add(&r->count, values[i]) < 0)
			return aslr_error_set(err, -ENOMEM, "out of memory counting the collisions of %s", r->name);
		if (r->count.samples == 1)
			r->min = r->max = r->all_or = r->all_and = values[i];
		r->min = values[i] < r->min ? values[i] : r->min;
		r->max = values[i] > r->max ? values[i] : r->max;
		r->all_or |= values[i];
		r->all_and &= values[i];
		update_state(p, r, 0);
	}
	p->rows++;
	return 0;
}

/* Every region's interval at the current N: is each still done? */
static int confirmed(struct precision *p)
{
	for (unsigned i = 0; i < p->count; i++)
		update_state(p, &p->region[i], 1);
	return p->waiting == 0;
}

void precision_settle(struct precision *p)
{
	confirmed(p);
}

enum precision_end precision_end_now(struct precision *p, double elapsed)
{
	if (p->waiting == 0 && p->rows >= p->rule.min_samples && confirmed(p))
		return PRECISION_END_PRECISION;
	if (p->rows >= p->rule.max_samples)
		return PRECISION_END_MAX_SAMPLES;
	if (p->rule.max_time > 0 && elapsed >= p->rule.max_time)
		return PRECISION_END_MAX_TIME;
	return PRECISION_GOING;
}

double precision_samples_needed(const struct precision *p, unsigned i, int *at_least)
{
	const struct precision_region *r = &p->region[i];
	double n = (double)r->count.samples;
	double need = fmax(ESTIMATE_MIN_PAIRS, fmax(1, r->ci.dispersion) * p->poisson_pairs);

	*at_least = 0;
	if (r->state != PRECISION_WAITING)
		return 0;
	if (r->eval_pairs == 0) {
		*at_least = 1;
		return fmax(ESTIMATE_MIN_SAMPLES, n * sqrt(need / 3.0));
	}
	return fmax(n, n * sqrt(need / (double)r->eval_pairs));
}

/* log2 of the granules between min and max, plus one: the bits of a uniform region over them. */
static double range_bits(const struct precision_region *r)
{
	uint64_t varying = r->all_or ^ r->all_and;
	int align = varying ? __builtin_ctzll(varying) : 0;

	return log2((double)((r->max - r->min) >> align) + 1);
}

double precision_samples_expected(const struct precision *p, unsigned i)
{
	const struct precision_region *r = &p->region[i];
	double n = (double)r->count.samples;
	double need = fmax(ESTIMATE_MIN_PAIRS, fmax(1, r->ci.dispersion) * p->poisson_pairs);

	if (r->state != PRECISION_WAITING)
		return 0;
	if (r->eval_pairs == 0)
		return fmax(n, sqrt(2 * need * exp2(range_bits(r))));
	return fmax(n, n * sqrt(need / (double)r->eval_pairs));
}

int precision_furthest(const struct precision *p)
{
	double most = -1;
	int furthest = -1;

	for (unsigned i = 0; i < p->count; i++) {
		double need = precision_samples_expected(p, i);
		if (p->region[i].state == PRECISION_WAITING && need > most) {
			most = need;
			furthest = (int)i;
		}
	}
	return furthest;
}

void precision_furthest_text(const struct precision *p, char *buf, size_t size)
{
	int i = precision_furthest(p);
	const struct precision_region *r;
	double need;

	if (i < 0) {
		snprintf(buf, size, p->rows < p->rule.min_samples ? "no region waits (%llu samples at least)"
								    : "every region done",
			 (unsigned long long)p->rule.min_samples);
		return;
	}
	r = &p->region[i];
	need = precision_samples_expected(p, (unsigned)i);
	if (r->eval_pairs == 0)
		snprintf(buf, size, "%s: no pair yet, needs ~%.0f", r->name, need);
	else
		snprintf(buf, size, "%s +-%.2f bits (%llu pair%s), needs ~%.0f", r->name, r->half_width,
			 (unsigned long long)r->eval_pairs, r->eval_pairs == 1 ? "" : "s", need);
}

const char *precision_end_name(enum precision_end end)
{
	static const char *const names[] = { "going", "precision", "max_samples", "max_time" };
	return names[end];
}

const char *precision_state_name(enum precision_state state)
{
	static const char *const names[] = { "absent", "constant", "waiting", "done" };
	return names[state];
}

void precision_free(struct precision *p)
{
	for (unsigned i = 0; p->region && i < p->count; i++)
		collision_count_free(&p->region[i].count);
	free(p->region);
	memset(p, 0, sizeof(*p));
}
