#include "findings_build.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conditional.h"

struct place_draft place_draft_empty(void)
{
	return (struct place_draft){ .a = -1, .b = -1, .ref_series = -1, .needed = NAN };
}

int findings_same_variant(const struct analysis *a, unsigned s, unsigned t)
{
	return strcmp(a->series[s].series->variant, a->series[t].series->variant) == 0;
}

int findings_moves(const struct analysis *a, unsigned s, unsigned r)
{
	return estimate_moves(&a->series[s].region[r]);
}

unsigned findings_cluster(const struct analysis *a, unsigned s, unsigned r, unsigned *out)
{
	const struct region_blocks *block = &a->series[s].blocks;

	if (!findings_moves(a, s, r))
		return 0;
	for (unsigned b = 0; b < block->count; b++)
		for (unsigned i = block->start[b]; i < block->start[b + 1]; i++)
			if (block->member[i] == r) {
				memcpy(out, &block->member[block->start[b]], blocks_size(block, b) * sizeof(*out));
				return blocks_size(block, b);
			}
	out[0] = r;
	return 1;
}

int findings_cluster_head(const struct analysis *a, unsigned s, unsigned r)
{
	const struct region_blocks *block = &a->series[s].blocks;

	if (!findings_moves(a, s, r))
		return 0;
	for (unsigned b = 0; b < block->count; b++)
		for (unsigned i = block->start[b] + 1; i < block->start[b + 1]; i++)
			if (block->member[i] == r)
				return 0;
	return 1;
}

static int same_cluster(const struct analysis *a, unsigned s, unsigned r, unsigned q)
{
	return findings_moves(a, s, r) && findings_moves(a, s, q) && analysis_offset_constant(a, s, r, q);
}

double findings_left(const struct analysis *a, unsigned s, unsigned A, unsigned B)
{
	if (same_cluster(a, s, A, B))
		return 0;
	return a->series[s].pair ? conditional_bits(a, s, A, B, NULL) : NAN;
}

/* Bits of A series t leaves once B leaked: without the pairs, A's own (an upper bound). */
static double left_elsewhere(const struct analysis *a, unsigned t, unsigned A, unsigned B)
{
	double left = findings_left(a, t, A, B);

	return isnan(left) ? a->series[t].region[A].estimate_bits : left;
}

static int different_kinds(const struct analysis *a, unsigned A, unsigned B)
{
	enum finding_role ra = finding_role(a->table->region[A]), rb = finding_role(a->table->region[B]);

	return ra != ROLE_NONE && rb != ROLE_NONE && ra != rb;
}

double findings_reference(const struct analysis *a, unsigned s, unsigned A, unsigned B, enum reference_rule rule,
			  int *from)
{
	double best = -1, own = a->series[s].region[A].estimate_bits;
	int apart = 0;

	*from = -1;
	if (rule == REFERENCE_LEAK && different_kinds(a, A, B))
		return own;
	for (unsigned t = 0; t < a->series_count; t++) {
		double v;
		if (t == s || !findings_same_variant(a, s, t) || !findings_moves(a, t, A) || !findings_moves(a, t, B))
			continue;
		apart |= !same_cluster(a, t, A, B);
		v = left_elsewhere(a, t, A, B);
		if (v > best) {
			best = v;
			*from = (int)t;
		}
	}
	if (rule == REFERENCE_BLOCK && !apart && different_kinds(a, A, B)) {
		*from = -1;
		return own;
	}
	return *from < 0 ? NAN : fmin(best, own);
}

static int same_set(const unsigned *x, unsigned nx, const unsigned *y, unsigned ny)
{
	return nx == ny && (nx == 0 || memcmp(x, y, nx * sizeof(*x)) == 0);
}

static int place_is(const struct finding_place *p, const struct place_draft *d)
{
	return same_set(p->region, p->region_count, d->region, d->region_count) &&
	       same_set(p->other, p->other_count, d->other, d->other_count);
}

static unsigned *copy_set(const unsigned *x, unsigned n)
{
	unsigned *out = malloc((n + 1) * sizeof(*out));

	if (out && n)
		memcpy(out, x, n * sizeof(*x));
	return out;
}

/* Add series s to p (ascending, once); take d's numbers when they cost more. 0 or -ENOMEM. */
static int place_merge(struct finding_place *p, unsigned s, const struct place_draft *d)
{
	unsigned *grown = realloc(p->series, (p->series_count + 1) * sizeof(*grown)), i = 0;

	if (!grown)
		return -ENOMEM;
	p->series = grown;
	while (i < p->series_count && p->series[i] < s)
		i++;
	if (i == p->series_count || p->series[i] != s) {
		memmove(&p->series[i + 1], &p->series[i], (p->series_count - i) * sizeof(*grown));
		p->series[i] = s;
		p->series_count++;
	}
	if (p->series_count > 1 && !(d->bits_saved > p->bits_saved))
		return 0;
	p->worst = s;
	p->a = d->a;
	p->b = d->b;
	p->ref_series = d->ref_series;
	p->before = d->before;
	p->after = d->after;
	p->bits_saved = d->bits_saved;
	p->needed = d->needed;
	return 0;
}

static int place_new(struct finding *f, unsigned s, const struct place_draft *d)
{
	struct finding_place *grown = realloc(f->place, (f->place_count + 1) * sizeof(*grown)), *p;

	if (!grown)
		return -ENOMEM;
	f->place = grown;
	p = &f->place[f->place_count];
	memset(p, 0, sizeof(*p));
	p->region = copy_set(d->region, d->region_count);
	p->other = copy_set(d->other, d->other_count);
	if (!p->region || !p->other) {
		free(p->region);
		free(p->other);
		return -ENOMEM;
	}
	p->region_count = d->region_count;
	p->other_count = d->other_count;
	f->place_count++;
	return place_merge(p, s, d);
}

static struct finding *finding_for(struct finding_list *list, enum finding_cause cause, int key, int by_regions,
				   const struct place_draft *d)
{
	struct finding *grown;

	for (unsigned i = 0; i < list->count; i++) {
		struct finding *f = &list->item[i];
		if (f->cause == cause && f->key == key && (!by_regions || (f->place_count && place_is(&f->place[0], d))))
			return f;
	}
	grown = realloc(list->item, (list->count + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	list->item = grown;
	memset(&grown[list->count], 0, sizeof(*grown));
	grown[list->count].cause = cause;
	grown[list->count].key = key;
	return &grown[list->count++];
}

struct finding *findings_get(struct finding_list *list, enum finding_cause cause, int key)
{
	return finding_for(list, cause, key, 0, NULL);
}

int findings_add(struct finding_list *list, enum finding_cause cause, int key, int by_regions, unsigned s,
		 const struct place_draft *d)
{
	struct finding *f = finding_for(list, cause, key, by_regions, d);
	unsigned i = 0;
	int rc;

	if (!f)
		return -ENOMEM;
	while (i < f->place_count && !place_is(&f->place[i], d))
		i++;
	rc = i < f->place_count ? place_merge(&f->place[i], s, d) : place_new(f, s, d);
	if (rc == 0 && (f->place_count == 1 || f->place[i].bits_saved > f->bits_saved)) {
		f->bits_saved = f->place[i].bits_saved;
		f->worst = i;
	}
	return rc;
}

