/* analyze.h: the whole analysis of one run, shared by aslr-analyze and the harness:
 * read samples (and run.json when beside them), estimate, write summary.json and
 * summary.csv, print the table. */
#ifndef ASLR_ANALYZE_H
#define ASLR_ANALYZE_H

#include <stdio.h>

#include "error.h"

struct analyze_request {
	const char *input;   /* a run folder or a CSV file */
	const char *out_dir; /* NULL: the run folder, or the CSV's folder */
	FILE *table_out;     /* NULL: no table */
	int no_plots;        /* skip gnuplot */
	int no_leaks;        /* skip the conditional (leak) matrix */
	/* results */
	char warning[1200];   /* non-fatal: missing cells, why there are no plots; "" when all went well */
	char report[4200];   /* path of report.md */
	char summary[4200];  /* path of summary.json */
};

/* 0, or -errno with err's kind saying what failed: ASLR_ERR_INPUT for bad input (a path
 * that names nothing, a bad CSV or run.json), ASLR_ERR_WORK for I/O and memory.
 * Plots are optional: without gnuplot the rest is still written and req->warning says why;
 * report.md links only the plots that were drawn. */
int analyze_run(struct analyze_request *req, struct aslr_error *err);

#endif
