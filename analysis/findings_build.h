/* findings_build.h: what the modules that find causes (findings_pairs.c, findings_regions.c,
 * findings_variants.c, findings_skipped.c) share: adding a place to a list, clusters, references. Internal to the
 * findings; finding.h and findings.h are the interface. */
#ifndef ASLR_FINDINGS_BUILD_H
#define ASLR_FINDINGS_BUILD_H

#include "finding.h"

/* One place as a module finds it in one series; findings_add copies what it keeps. */
struct place_draft {
	const unsigned *region;
	unsigned region_count;
	const unsigned *other; /* may be NULL with other_count 0 */
	unsigned other_count;
	int a, b, ref_series;
	double before, after, bits_saved, needed;
};

/* A draft with no pair, no reference, numbers 0 and needed NAN. */
struct place_draft place_draft_empty(void);

/* Add draft d, found in series s, to the finding of cause and key (and, when by_regions, of
 * the same regions and other regions: a finding per block), into its place of the same
 * regions and other regions, or a new one. A place keeps the numbers of its series with the
 * largest bits_saved (the first on ties). 0 or -ENOMEM. */
int findings_add(struct finding_list *list, enum finding_cause cause, int key, int by_regions, unsigned s,
		 const struct place_draft *d);

/* The finding of cause and key in list, added (no place yet) when missing; NULL when out of
 * memory. For causes whose places are not of series (SKIPPED). */
struct finding *findings_get(struct finding_list *list, enum finding_cause cause, int key);

/* The members of region r's cluster in series s (its block, or r alone) into out (room for
 * the table's region count), ascending; 0 when r does not move (estimate_moves). */
unsigned findings_cluster(const struct analysis *a, unsigned s, unsigned r, unsigned *out);

/* 1 when r is the first member of its cluster in s (and moves): each cluster once. */
int findings_cluster_head(const struct analysis *a, unsigned s, unsigned r);

/* 1 when series s and t are of one probe variant. */
int findings_same_variant(const struct analysis *a, unsigned s, unsigned t);

/* 1 when r moves in series s. */
int findings_moves(const struct analysis *a, unsigned s, unsigned r);

/* Bits of A left once B leaked in series s: 0 in one cluster, conditional_bits when the pairs
 * were computed, else NAN. */
double findings_left(const struct analysis *a, unsigned s, unsigned A, unsigned B);

enum reference_rule {
	REFERENCE_BLOCK, /* the variant's other series; H(A) for kinds that none of them moves apart */
	REFERENCE_LEAK,  /* H(A) for different kinds; else the variant's other series */
};

/* The reference for the pair (A, B) of series s (findings.h), capped by H(A) in s; *from gets
 * the series it comes from (-1 when it is H(A) for its kind). NAN when there is none. */
double findings_reference(const struct analysis *a, unsigned s, unsigned A, unsigned B, enum reference_rule rule,
			  int *from);

int findings_pairs(const struct analysis *a, struct finding_list *list);
int findings_regions(const struct analysis *a, struct finding_list *list);
int findings_variants(const struct analysis *a, struct finding_list *list);
int findings_skipped(const struct analysis *a, struct finding_list *list);

#endif
