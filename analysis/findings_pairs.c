/* Findings about pairs of regions: blocks (TIED against the run, else BLOCK) and leaks that
 * give away more here than elsewhere in the run (LEAK). */
#include "findings_build.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* The kinds of mapping whose addresses leak most often first: a libc pointer, a code pointer. */
static const enum finding_role leak_order[] = { ROLE_MMAP, ROLE_EXECUTABLE, ROLE_STACK, ROLE_HEAP, ROLE_NONE };

/* Block b of series s: TIED when a pair of its members moves apart elsewhere (the pair that
 * does by the most bits), else BLOCK. */
static int block_finding(const struct analysis *a, struct finding_list *list, unsigned s, unsigned b)
{
	const struct region_blocks *block = &a->series[s].blocks;
	const unsigned *m = &block->member[block->start[b]];
	unsigned n = blocks_size(block, b);
	struct place_draft d = place_draft_empty();

	double most = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < n; j++) {
			int from;
			double ref = i == j ? NAN : findings_reference(a, s, m[i], m[j], REFERENCE_BLOCK, &from);
			most = ref > most ? ref : most;
		}
	d.region = m;
	d.region_count = n;
	/* a pair within the printed precision of the most, the leaked B of the kind most often
	 * leaked (leak_order), then in member order: readable and stable */
	for (unsigned k = 0; k < sizeof(leak_order) / sizeof(leak_order[0]) && most >= FINDINGS_MIN_BITS; k++)
		for (unsigned j = 0; j < n && d.a < 0; j++)
			for (unsigned i = 0; i < n && d.a < 0 && finding_role(a->table->region[m[j]]) == leak_order[k];
			     i++) {
				int from;
				double ref = i == j ? NAN : findings_reference(a, s, m[i], m[j], REFERENCE_BLOCK, &from);
				if (!(ref >= most - FINDINGS_SAME_BITS))
					continue;
				d.a = (int)m[i];
				d.b = (int)m[j];
				d.ref_series = from;
				d.before = d.bits_saved = ref;
			}
	if (d.a >= 0)
		return findings_add(list, FINDING_TIED, 0, 1, s, &d);
	d = place_draft_empty();
	d.region = m;
	d.region_count = n;
	d.a = (int)m[0];
	d.b = (int)m[1];
	d.before = a->series[s].region[m[0]].estimate_bits;
	return findings_add(list, FINDING_BLOCK, 0, 1, s, &d);
}

/* What a leak of cluster cb gives away of cluster ca in series s, into d: every member of cb
 * must leave at least FINDINGS_MIN_BITS fewer bits of every member of ca than the reference
 * (else the pair is implied by a block: a tie here, a leak that holds everywhere) and the
 * numbers are of the pair that saves the least. 0 when it does not hold. */
static int one_way(const struct analysis *a, unsigned s, const unsigned *ca, unsigned na, const unsigned *cb,
		   unsigned nb, struct place_draft *d)
{
	*d = place_draft_empty();
	d->bits_saved = INFINITY;
	for (unsigned i = 0; i < na; i++)
		for (unsigned j = 0; j < nb; j++) {
			int from;
			double ref = findings_reference(a, s, ca[i], cb[j], REFERENCE_LEAK, &from);
			double left = findings_left(a, s, ca[i], cb[j]);
			if (!(ref - left >= FINDINGS_MIN_BITS))
				return 0;
			if (ref - left < d->bits_saved) {
				d->a = (int)ca[i];
				d->b = (int)cb[j];
				d->ref_series = from;
				d->before = ref;
				d->after = left;
				d->bits_saved = ref - left;
			}
		}
	return 1;
}

/* Clusters ca and cb of series s, both ways: one LEAK, the way that gives more away. */
static int cluster_leak(const struct analysis *a, struct finding_list *list, unsigned s, const unsigned *ca,
			unsigned na, const unsigned *cb, unsigned nb)
{
	struct place_draft ab, ba, *d;
	int has_ab = one_way(a, s, ca, na, cb, nb, &ab), has_ba = one_way(a, s, cb, nb, ca, na, &ba);

	if (!has_ab && !has_ba)
		return 0;
	d = has_ab && (!has_ba || ab.bits_saved >= ba.bits_saved) ? &ab : &ba;
	d->region = ca;
	d->region_count = na;
	d->other = cb;
	d->other_count = nb;
	return findings_add(list, FINDING_LEAK, 0, 1, s, d);
}

static int series_leaks(const struct analysis *a, struct finding_list *list, unsigned s)
{
	unsigned n = a->table->region_count, na, nb;
	unsigned *ca = calloc(n + 1, sizeof(*ca)), *cb = calloc(n + 1, sizeof(*cb));
	int rc = ca && cb ? 0 : -ENOMEM;

	for (unsigned r = 0; r < n && rc == 0; r++) {
		if (!findings_cluster_head(a, s, r))
			continue;
		na = findings_cluster(a, s, r, ca);
		for (unsigned q = r + 1; q < n && rc == 0; q++)
			if (findings_cluster_head(a, s, q)) {
				nb = findings_cluster(a, s, q, cb);
				rc = cluster_leak(a, list, s, ca, na, cb, nb);
			}
	}
	free(ca);
	free(cb);
	return rc;
}

int findings_pairs(const struct analysis *a, struct finding_list *list)
{
	int rc = 0;

	for (unsigned s = 0; s < a->series_count && rc == 0; s++) {
		for (unsigned b = 0; b < a->series[s].blocks.count && rc == 0; b++)
			rc = block_finding(a, list, s, b);
		if (rc == 0 && a->series[s].pair)
			rc = series_leaks(a, list, s);
	}
	return rc;
}
