/* ci.h: what a CI job asks of aslr-analyze: the gates (--expect-knobs, --baseline) on a
 * run's summary.json, their lines for people, and the reports test farms parse (--ktap,
 * --junit; ktap.h, junit.h). */
#ifndef ASLR_CI_H
#define ASLR_CI_H

#include <stdio.h>

#include "error.h"

struct ci_request {
	const char *run;      /* a run folder or its summary.json */
	const char *baseline; /* --baseline FILE; NULL: no baseline gate */
	double tolerance;     /* the baseline gate's, bits */
	int expect_knobs;     /* --expect-knobs */
	char *const *xfail;   /* --xfail: regions whose shortfall is accepted */
	unsigned xfail_count;
	const char *ktap;     /* --ktap: a path, "-" for ktap_out, NULL for none */
	const char *junit;    /* --junit FILE; NULL for none */
	FILE *out;            /* lines for people: each trip and note, then the count */
	FILE *ktap_out;       /* where --ktap without a file goes (stdout) */
};

/* Judge the run (verdict.h), print the lines, write the reports (files atomically, even
 * when a gate trips), then: 0 when no region tripped a gate; -ERANGE with an ASLR_ERR_GATE
 * err naming the regions when some did; -errno with ASLR_ERR_INPUT for unreadable or old
 * summaries, ASLR_ERR_WORK for I/O. */
int ci_run(const struct ci_request *req, struct aslr_error *err);

#endif
