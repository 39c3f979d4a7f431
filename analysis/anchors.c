#include "anchors.h"

#include <stdio.h>

void anchor_id(const struct analysis *a, enum anchor_section section, unsigned s, char *buf, size_t size)
{
	char tag[SERIES_KEY_TEXT];

	static const char *const whole[] = { [ANCHOR_KNOBS] = "knobs", [ANCHOR_SKIPPED] = "skipped",
					     [ANCHOR_PRECISION] = "precision" };

	buf[0] = '\0';
	if ((size_t)section < sizeof(whole) / sizeof(whole[0]) && whole[section]) { /* sections of the whole run */
		snprintf(buf, size, "%s", whole[section]);
		return;
	}
	if (section == ANCHOR_NONE || s >= a->series_count)
		return;
	if (section == ANCHOR_VARIANTS) {
		snprintf(buf, size, "variants-mode%d", a->series[s].series->mode);
		return;
	}
	analysis_series_tag(a, s, tag, sizeof(tag));
	snprintf(buf, size, "%s-%s", section == ANCHOR_RESULTS ? "results" : "leaks", tag);
}

void anchor_write(struct strbuf *sb, const struct analysis *a, enum anchor_section section, unsigned s)
{
	char id[ANCHOR_TEXT];

	anchor_id(a, section, s, id, sizeof(id));
	if (id[0])
		strbuf_printf(sb, "<a id=\"%s\"></a>\n", id);
}
