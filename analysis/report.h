/* report.h: report.md, the page a person pastes into a report: machine and kernel,
 * how the run went, per series a table of every estimator, the plots, the findings,
 * and the command that reproduces it. Written atomically. */
#ifndef ASLR_REPORT_H
#define ASLR_REPORT_H

#include <jansson.h>

#include "analysis.h"
#include "error.h"
#include "plots.h"

/* run: run.json or NULL (a bare CSV). plots: what was drawn (count 0: none);
 * plots_note: why there are no plots, or NULL. */
int report_write(const struct analysis *a, const json_t *run, const struct plot_list *plots,
		 const char *plots_note, const char *dir, struct aslr_error *err);

/* The report's text, for tests. The caller frees sb. */
void report_build(struct strbuf *sb, const struct analysis *a, const json_t *run,
		  const struct plot_list *plots, const char *plots_note);

#endif
