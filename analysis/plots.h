/* plots.h: the pictures of a run, drawn by gnuplot into DIR/plots/ as PNG and SVG:
 *   entropy[-<group>]   grouped bars region x mode: headline, CI, upper-bound markers
 *   bits-<tag>          heat map of P(bit = 1), regions x bits 0..47
 *   layout-<tag>        each region's observed span, ordered as in the address space
 *   leak-<tag>          bits of A left once B leaked, A x B (when the pairs were computed)
 *   knob-<knob>         headline against a swept knob's value (knob-mmap_rnd_bits)
 *   hist-<region>       (address - min) / granule against the uniform expectation,
 *                       for the most random regions of the first group's last mode
 * <group> and <tag> are analysis_group_tag and analysis_series_tag ("mode2", or
 * "pie-rnd28-mode2" when there are several groups); titles use the series' label. As many
 * plots as the run has: the script and the lists are allocated.
 * Plots are optional: without gnuplot, -ENOENT and nothing is drawn. */
#ifndef ASLR_PLOTS_H
#define ASLR_PLOTS_H

#include "analysis.h"
#include "error.h"
#include "gnuplot.h"
#include "strbuf.h"

enum { PLOTS_MAX_HIST = 3 };

/* What was drawn. Start from { 0 }; plot_list_free. */
struct plot_list {
	unsigned count;
	char **name; /* allocated base names, e.g. "entropy", "bits-mode2" (no extension) */
	int failed;  /* out of memory: names are missing */
};

void plot_list_free(struct plot_list *list);

/* 1 when list (may be NULL) holds name. */
int plot_list_has(const struct plot_list *list, const char *name);

/* The script that draws every plot of a into dir (the plots folder) and the names it
 * draws, appended to job and list (both from { 0 }); nothing is run. release: the kernel
 * release for titles. 0, or -ENOMEM (job or list incomplete: the caller frees both). */
int plots_plan(const struct analysis *a, const char *release, const char *dir, struct gnuplot_job *job,
	       struct plot_list *list);

/* release: the kernel release for titles (NULL: unknown). Fills list (from { 0 }) with
 * what was drawn, every name's PNG and SVG on disk; empty on failure. 0, -ENOENT (no
 * gnuplot), or another -errno. */
int plots_draw(const struct analysis *a, const char *release, const char *dir,
	       struct plot_list *list, struct aslr_error *err);

#endif
