#include "anchors.h"

#include <stdio.h>

void anchor_id(const struct analysis *a, enum anchor_section section, unsigned s, char *buf, size_t size)
{
	char tag[SERIES_KEY_TEXT];

	buf[0] = '\0';
	if (section == ANCHOR_NONE || (section != ANCHOR_KNOBS && s >= a->series_count))
		return;
	if (section == ANCHOR_KNOBS) {
		snprintf(buf, size, "knobs");
		return;
	}
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
