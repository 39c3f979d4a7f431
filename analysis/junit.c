#include "junit.h"

#include <stdlib.h>
#include <string.h>

/* text escaped for XML character data and attribute values; control characters other
 * than tab and newline (not allowed in XML 1.0) become '?'. */
static void escaped(struct strbuf *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		switch (*p) {
		case '&': strbuf_printf(out, "&amp;"); break;
		case '<': strbuf_printf(out, "&lt;"); break;
		case '>': strbuf_printf(out, "&gt;"); break;
		case '"': strbuf_printf(out, "&quot;"); break;
		case '\'': strbuf_printf(out, "&apos;"); break;
		case '\n': strbuf_printf(out, "&#10;"); break;
		default:
			if (*p < 0x20 && *p != '\t')
				strbuf_printf(out, "?");
			else
				strbuf_append(out, (const char *)p, 1);
		}
	}
}

/* The first line of text, escaped (a message attribute). */
static void first_line(struct strbuf *out, const char *text)
{
	const char *nl = text ? strchr(text, '\n') : NULL;
	char *line = nl ? strndup(text, (size_t)(nl - text)) : NULL;

	escaped(out, nl && line ? line : text);
	free(line);
}

static void testcase(struct strbuf *out, const char *tag, const char *name, enum verdict_state state,
		     const char *why, const char *gates, const char *headline)
{
	strbuf_printf(out, "    <testcase classname=\"aslr-entropy.");
	escaped(out, tag);
	strbuf_printf(out, "\" name=\"");
	escaped(out, name);
	strbuf_printf(out, "\" time=\"0\">\n");
	if (state != VERDICT_PASS) {
		strbuf_printf(out, state == VERDICT_FAIL ? "      <failure message=\"" : "      <skipped message=\"");
		first_line(out, why);
		if (state == VERDICT_FAIL) {
			strbuf_printf(out, "\" type=\"");
			escaped(out, gates);
		}
		strbuf_printf(out, "\">");
		escaped(out, why);
		strbuf_printf(out, state == VERDICT_FAIL ? "</failure>\n" : "</skipped>\n");
	}
	if (headline) {
		strbuf_printf(out, "      <system-out>");
		escaped(out, headline);
		strbuf_printf(out, "</system-out>\n");
	}
	strbuf_printf(out, "    </testcase>\n");
}

static void counts(struct strbuf *out, unsigned tests, unsigned failures, unsigned skipped)
{
	strbuf_printf(out, " tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"0\"", tests, failures,
		      skipped);
}

static void testsuite(struct strbuf *out, const struct series_verdict *sv)
{
	unsigned failures = 0, skipped = 0;

	for (unsigned r = 0; r < sv->region_count; r++) {
		failures += sv->region[r].state == VERDICT_FAIL;
		skipped += sv->region[r].state == VERDICT_SKIP || sv->region[r].state == VERDICT_XFAIL;
	}
	strbuf_printf(out, "  <testsuite name=\"");
	escaped(out, sv->name);
	strbuf_printf(out, "\"");
	if (sv->region_count)
		counts(out, sv->region_count, failures, skipped);
	else
		counts(out, 1, 0, sv->state == VERDICT_SKIP);
	strbuf_printf(out, ">\n");
	for (unsigned r = 0; r < sv->region_count; r++) {
		const struct region_verdict *rv = &sv->region[r];
		testcase(out, sv->tag, rv->now->name, rv->state, rv->why, rv->gates, rv->headline);
	}
	if (!sv->region_count)
		testcase(out, sv->tag, sv->name, sv->state, sv->why, NULL, NULL);
	strbuf_printf(out, "  </testsuite>\n");
}

void junit_format(struct strbuf *out, const struct verdicts *v)
{
	unsigned tests = 0, skipped = 0;

	for (unsigned s = 0; s < v->series_count; s++) {
		const struct series_verdict *sv = &v->series[s];
		tests += sv->region_count ? sv->region_count : 1;
		for (unsigned r = 0; r < sv->region_count; r++)
			skipped += sv->region[r].state == VERDICT_SKIP || sv->region[r].state == VERDICT_XFAIL;
		skipped += !sv->region_count && sv->state == VERDICT_SKIP;
	}
	strbuf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"aslr-entropy\"");
	counts(out, tests, v->failed, skipped);
	strbuf_printf(out, ">\n");
	for (unsigned s = 0; s < v->series_count; s++)
		testsuite(out, &v->series[s]);
	strbuf_printf(out, "</testsuites>\n");
}
