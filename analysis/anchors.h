/* anchors.h: the ids of the report.md sections a finding links to as its evidence.
 * report.c writes each as <a id="..."></a> before the section's heading; findings.c
 * names them; both spell them here, so a link cannot point at a section that is not
 * written. Ids are the series' file-name tag (analysis_series_tag) after a prefix. */
#ifndef ASLR_ANCHORS_H
#define ASLR_ANCHORS_H

#include <stddef.h>

#include "analysis.h"
#include "strbuf.h"

/* Room for any id: a prefix and a series tag (SERIES_KEY_TEXT). */
enum { ANCHOR_TEXT = SERIES_KEY_TEXT + 16 };

enum anchor_section {
	ANCHOR_NONE,     /* no section: the finding has no table of its own */
	ANCHOR_RESULTS,  /* "results-<tag>": series s's table of estimators */
	ANCHOR_LEAKS,    /* "leaks-<tag>": series s's blocks and best leaks */
	ANCHOR_VARIANTS, /* "variants-mode<m>": region x variant at series s's mode */
	ANCHOR_KNOBS,    /* "knobs": region x knob value */
	ANCHOR_SKIPPED,  /* "skipped": the variants the harness could not run */
	ANCHOR_PRECISION, /* "precision": how --precision ended each series */
};

/* The id of section for series s into buf ("" for ANCHOR_NONE). */
void anchor_id(const struct analysis *a, enum anchor_section section, unsigned s, char *buf, size_t size);

/* "<a id=\"id\"></a>\n": the anchor line report.c writes before a heading. */
void anchor_write(struct strbuf *sb, const struct analysis *a, enum anchor_section section, unsigned s);

#endif
