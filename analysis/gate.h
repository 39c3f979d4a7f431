/* gate.h: the regression gate's rule (--baseline), one region at a time.
 *
 * Each headline comes with an interval (docs/gate.md): a collision estimate with its
 * 95 % CI; an upper bound (kind "range", "bit_entropy_sum", any kind but collision,
 * constant and insufficient) with [95 % collision lower bound, the bound]; a constant
 * with [0, 0]; kind "insufficient" has no value and is never compared.
 *
 * A region trips when it lost more than the tolerance and the sampling error cannot
 * explain the excess: the gate tests H0 "the true loss is at most the tolerance".
 *   both collision:  z = (drop - tolerance) / sqrt(se_old^2 + se_now^2) > GATE_Z, with
 *                    se_old from baseline's lower half-interval and se_now from now's
 *                    upper half-interval (half-width / 1.96)
 *   otherwise:       old.low - now.high > tolerance (the intervals are further apart
 *                    than the tolerance)
 * False alarms: at most 5 % per region when the true loss equals the tolerance, far
 * fewer when nothing changed (~2e-6 per region at tolerance 1, 28 bits, N = 100,000). */
#ifndef ASLR_GATE_H
#define ASLR_GATE_H

#include <stdio.h>

/* A region's headline as a summary.json says it, and the interval the gate weighs it with. */
struct cmp_region {
	char name[72];
	double bits;      /* estimate_bits; NAN when the kind is "insufficient" */
	char kind[32];    /* estimate_kind */
	double low, high; /* low <= bits <= high; [bits, bits] when the file has no interval */
	int has_interval; /* 0: the file has no interval fields (an older summary) */
	int absent;
	/* What the kernel promises (expect.h), when the file says (written since issue 16) */
	int has_expectation_fields; /* 0: an older summary, without them */
	double expected;            /* expected_bits; NAN when none */
	char expected_from[32];     /* expected_from; "" when none */
	double shortfall;           /* shortfall_bits; NAN when none */
	int short_of_promise;
};

#define GATE_Z 1.645 /* one-sided 95 % normal quantile */
#define CI95_Z 1.96  /* a 95 % CI is the estimate +- 1.96 standard errors */

enum gate_verdict {
	GATE_PASS,         /* no drop beyond the tolerance */
	GATE_TRIP,         /* a regression: beyond the tolerance and the sampling error */
	GATE_WITHIN_ERROR, /* beyond the tolerance, not beyond the sampling error: a note */
	GATE_NOT_COMPARED, /* a side had too few samples (kind insufficient): a note */
};

struct gate_result {
	enum gate_verdict verdict;
	double drop;  /* baseline - now, bits; NAN when not compared */
	int by_z;     /* 1: two collision estimates weighed by z; 0: by their intervals */
	double z;     /* by_z: (drop - tolerance) / se of the drop */
	double apart; /* !by_z: old.low - now.high, bits */
};

/* 1 for a kind whose estimate is an upper bound (its interval reaches down to the
 * collision lower bound). */
int gate_upper_bound_kind(const char *kind);

/* Set r->low, r->high and r->has_interval from r->kind and r->bits and the summary's
 * fields (NAN where the file has none: the interval falls back to [bits, bits]). */
void gate_set_interval(struct cmp_region *r, double ci_low, double ci_high, double lower_bound);

/* The verdict on one region of baseline old and run now. */
struct gate_result gate_judge(const struct cmp_region *old, const struct cmp_region *now, double tolerance);

/* "27.36 bits (collision [26.70, 28.02])": a headline with kind and interval. */
void gate_region_text(const struct cmp_region *r, char *buf, size_t size);

/* The line for a verdict other than GATE_PASS ("REGRESSION ..." or "note: ..."), naming
 * series label, region, both values and the runs old_name and now_name. */
void gate_print(FILE *out, const char *label, const struct cmp_region *old, const struct cmp_region *now,
		const char *old_name, const char *now_name, const struct gate_result *g, double tolerance);

#endif
