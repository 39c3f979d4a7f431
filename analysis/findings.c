#include "findings.h"

#include <stdio.h>
#include <string.h>

#include "findings_build.h"

/* The plot that shows the worst place's cause in series s, into f->plot ("" if none). */
static void evidence_plot(const struct analysis *a, struct finding *f, unsigned s)
{
	const struct finding_place *p = &f->place[f->worst];
	char tag[SERIES_KEY_TEXT];

	analysis_series_tag(a, s, tag, sizeof(tag));
	switch (f->cause) {
	case FINDING_TIED:
	case FINDING_LEAK:
	case FINDING_BLOCK:
	case FINDING_SUBPAGE:
		if (a->series[s].pair)
			snprintf(f->plot, sizeof(f->plot), "leak-%s", tag);
		break;
	case FINDING_ALIGNMENT:
	case FINDING_BELOW_PROMISE:
		snprintf(f->plot, sizeof(f->plot), "bits-%s", tag);
		break;
	case FINDING_FIXED:
	case FINDING_NOTHING_MOVES:
		snprintf(f->plot, sizeof(f->plot), "layout-%s", tag);
		break;
	case FINDING_KNOB:
		snprintf(f->plot, sizeof(f->plot), "knob-%s", analysis_knob_name(f->key));
		break;
	case FINDING_SKEWED: /* histograms are drawn for the first group's last series only */
		if (s + 1 == analysis_group_end(a, 0) && p->a >= 0)
			snprintf(f->plot, sizeof(f->plot), "hist-%s", a->table->region[p->a]);
		break;
	default:
		break;
	}
}

/* The section and plot a reader checks the finding against: of its worst place's series. */
static void evidence(const struct analysis *a, struct finding *f)
{
	unsigned s = f->place[f->worst].worst;
	enum anchor_section section = ANCHOR_RESULTS;

	if (f->cause == FINDING_SKIPPED) { /* no series: the report's list of what was skipped */
		anchor_id(a, ANCHOR_SKIPPED, 0, f->anchor, sizeof(f->anchor));
		return;
	}
	if (f->cause == FINDING_TIED || f->cause == FINDING_LEAK || f->cause == FINDING_BLOCK ||
	    f->cause == FINDING_SUBPAGE)
		section = a->series[s].pair ? ANCHOR_LEAKS : ANCHOR_RESULTS;
	else if (f->cause == FINDING_LOWER)
		section = ANCHOR_VARIANTS;
	else if (f->cause == FINDING_KNOB)
		section = ANCHOR_KNOBS;
	anchor_id(a, section, s, f->anchor, sizeof(f->anchor));
	evidence_plot(a, f, s);
}

int findings_compute(const struct analysis *a, struct finding_list *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = findings_pairs(a, out);
	if (rc == 0)
		rc = findings_regions(a, out);
	if (rc == 0)
		rc = findings_variants(a, out);
	if (rc == 0)
		rc = findings_skipped(a, out);
	if (rc < 0) {
		findings_free(out);
		return rc;
	}
	for (unsigned i = 0; i < out->count; i++)
		evidence(a, &out->item[i]);
	findings_rank(out);
	return 0;
}

