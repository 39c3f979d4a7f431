/* kdiff.h: what differs between runs of different kernels, in words, for the top of a
 * comparison of kernels (aslr-harness --kernel; docs/kernels.md).
 *
 * Read from each run's summary.json, for every series that all runs have (same variant,
 * mode and knobs), region by region:
 *   - blocks: the regions it moves with (summary "clusters": a constant offset, so one
 *     leak gives all away), when they differ between kernels. Regions in one block in
 *     every kernel form a core and are named together; of two cores that are one block in
 *     some kernel and not in another, the smaller is named as the one that moved (vdso
 *     joining mmap, libc, ld, tls names vdso, not the four);
 *   - alignment: its lowest varying bit, when it differs;
 *   - bits: its headline, when the kernels differ by KDIFF_MIN_BITS or more;
 *   - leaks: the bits its best leak leaves (summary "leaks"), when they differ by as much
 *     (not for a region whose block changed: that line says it).
 * Each line names the kernels (run.json's kernel.release, else host.uname.release) and
 * their values. Nothing is recomputed: the numbers are the summaries'. */
#ifndef ASLR_KDIFF_H
#define ASLR_KDIFF_H

#include <stdio.h>

#include "error.h"
#include "strbuf.h"

#define KDIFF_MIN_BITS 1.0

/* Markdown into md ("## What differs between the kernels" and a list per series) and the
 * same lines as text to out (may be NULL). dirs: run folders with summary.json. 0, or
 * -EINVAL (a summary that is not one: err names it), -ENOMEM. */
int kdiff_write(const char *const *dirs, unsigned n, struct strbuf *md, FILE *out, struct aslr_error *err);

/* dir/compare.md gains "# Kernels compared" and the kdiff_write section on top, written
 * atomically. runs: the run folders compared. 0 or -errno (err says why). */
int kdiff_prepend(const char *dir, const char *const *runs, unsigned n, struct aslr_error *err);

#endif
