/* verdict.h: pass, fail or skip for every series and region of a run, from the gates in
 * force, for the formats test farms read (ktap.h, junit.h).
 *
 * Read from summary.json (compare.h), so a run analyzed here or elsewhere is judged the
 * same way. A region:
 *   skip  absent (the probe does not report it), or too few samples for a headline
 *   fail  --expect-knobs: clearly less than the kernel promises (short_of_promise,
 *         expect.h); --baseline: a regression (gate.h). Either trips it.
 *   xfail short of its promise, and named in --xfail (a shortfall the user accepts, as
 *         mmap_2m's on kernels since 5.18); a baseline regression still fails it
 *   pass  otherwise; with no gate in force every present region passes. A region named in
 *         --xfail that is not short passes with a note (an unexpected pass)
 * A series fails when a region fails, is skipped when every region is, else passes. A
 * variant the harness could not run (run.json "skipped") is a series of its own, skipped
 * with the harness's reason. Notes (a baseline series the run lacks, a drop within the
 * sampling error) are kept as text for the formats' diagnostics. */
#ifndef ASLR_VERDICT_H
#define ASLR_VERDICT_H

#include <jansson.h>

#include "compare.h"
#include "error.h"
#include "strbuf.h"

enum verdict_state { VERDICT_PASS, VERDICT_FAIL, VERDICT_SKIP, VERDICT_XFAIL };

struct region_verdict {
	const struct cmp_region *now; /* borrowed from the run */
	enum verdict_state state;
	char *headline;               /* "27.36 bits (collision [26.70, 28.02]); expected 28 (mmap_rnd_bits)" */
	char *why;                    /* fail: the numbers, one line per gate; skip: the reason; xfail: the
				       * shortfall's numbers; else NULL */
	char *note;                   /* a drop within the sampling error and the like; NULL */
	char *gates;                  /* fail: "expect-knobs", "baseline" or both, comma-separated; else NULL */
};

struct series_verdict {
	char *name;  /* the series label, "pie mode 2, mmap_rnd_bits 28"; or a skipped variant's name */
	char *tag;   /* "pie-rnd28-mode2": for identifiers */
	enum verdict_state state;
	char *why;   /* a skipped variant's reason; NULL */
	unsigned region_count;
	struct region_verdict *region;
};

struct verdicts {
	unsigned series_count;
	struct series_verdict *series;
	unsigned failed;        /* regions that failed */
	unsigned xfailed;       /* regions short of promise, accepted by --xfail */
	struct strbuf failures; /* "pie mode 2 mmap_2m, ..." for the gate's message */
	struct strbuf notes;    /* lines of what no region carries (a baseline series the run lacks) */
	char gates[64];         /* "expect-knobs, baseline" as in force, or "none" */
};

struct verdict_request {
	const struct cmp_run *now;
	const struct cmp_run *baseline; /* NULL: no baseline gate */
	double tolerance;               /* the baseline gate's */
	int expect_knobs;
	const json_t *skipped;          /* run.json's "skipped" list; NULL when none */
	char *const *xfail;             /* region names whose shortfall is accepted (--xfail) */
	unsigned xfail_count;
};

/* Judge every region. 0, -ENOMEM, or -EINVAL: ASLR_ERR_INPUT when --expect-knobs meets a
 * summary.json written before the expectation fields existed, ASLR_ERR_USAGE when an --xfail
 * name is no region of the run (a typo would otherwise accept nothing). v is freed on failure. */
int verdicts_build(struct verdicts *v, const struct verdict_request *req, struct aslr_error *err);
void verdicts_free(struct verdicts *v);

/* "ok", "not ok" as KTAP and TAP spell them (a skip and an xfail are "ok" with a directive). */
const char *verdict_tap_result(enum verdict_state state);

#endif
