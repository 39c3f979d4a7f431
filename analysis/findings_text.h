/* findings_text.h: the findings (findings.h) as sentences for report.md: one sentence per
 * finding, with its numbers and a link to its evidence (the report section, and the plot when
 * it was drawn); the Key findings that open the report and the full list that follows; the
 * warnings a reader must see before any number. The words are here; the facts, and what the
 * tests assert, are in the structs. */
#ifndef ASLR_FINDINGS_TEXT_H
#define ASLR_FINDINGS_TEXT_H

#include "findings.h"
#include "plots.h"
#include "strbuf.h"

/* f's sentence, without a list marker or a newline. */
void finding_sentence(struct strbuf *out, const struct analysis *a, const struct finding *f);

/* " ([table](#anchor), [plot](plots/name.png))": the links to f's evidence; the plot only when
 * plots (may be NULL) lists it. Nothing when f has neither. */
void finding_evidence(struct strbuf *out, const struct finding *f, const struct plot_list *plots);

/* "## Key findings": up to FINDINGS_KEY_MAX of list, ranked, as a numbered list; returns how many. */
unsigned findings_key_section(struct strbuf *out, const struct analysis *a, const struct finding_list *list,
			      const struct plot_list *plots);

/* "## Findings": every finding of list, ranked, one list item each; returns how many. */
unsigned findings_full_section(struct strbuf *out, const struct analysis *a, const struct finding_list *list,
			       const struct plot_list *plots);

/* Compute a's findings and append them as Markdown list items ("- ...\n"); returns how many
 * (0 also when out of memory: out->failed says so). */
unsigned findings_write(struct strbuf *out, const struct analysis *a);

/* One line per region with missing (0x0) cells, each starting with prefix; how many. */
unsigned findings_missing(struct strbuf *out, const struct analysis *a, const char *prefix);

/* The lines for the top of the report, each starting with prefix: missing cells, a most
 * common value far above what the headline allows, successive samples not independent. */
unsigned findings_warnings(struct strbuf *out, const struct analysis *a, const char *prefix);

#endif
