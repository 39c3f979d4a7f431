#include "ktap.h"

#include <string.h>

/* text on one line: newlines become "; ", and in a description '#' becomes '_' (ktap.rst:
 * a description "can't include #"). */
static void one_line(struct strbuf *out, const char *text, int description)
{
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == '\n' || *p == '\r')
			strbuf_printf(out, "; ");
		else if (description && *p == '#')
			strbuf_printf(out, "_");
		else
			strbuf_append(out, p, 1);
	}
}

/* Each line of text as a diagnostic line "# ..." at indent. */
static void diagnostics(struct strbuf *out, const char *indent, const char *text)
{
	const char *line = text;

	while (line && *line) {
		size_t len = strcspn(line, "\n");
		strbuf_printf(out, "%s# %.*s\n", indent, (int)len, line);
		line += len + (line[len] == '\n');
	}
}

/* "ok 3 name # SKIP why" or "ok 3 name # XFAIL why" at indent. */
static void result(struct strbuf *out, const char *indent, enum verdict_state state, unsigned number,
		   const char *name, const char *why)
{
	strbuf_printf(out, "%s%s %u ", indent, verdict_tap_result(state), number);
	one_line(out, name, 1);
	if (state == VERDICT_SKIP || state == VERDICT_XFAIL) {
		strbuf_printf(out, state == VERDICT_SKIP ? " # SKIP " : " # XFAIL ");
		one_line(out, why, 0);
	}
	strbuf_printf(out, "\n");
}

static void region(struct strbuf *out, const struct region_verdict *rv, unsigned number)
{
	strbuf_printf(out, "  # %s: ", rv->now->name);
	one_line(out, rv->headline, 0);
	strbuf_printf(out, "\n");
	if (rv->state == VERDICT_FAIL)
		diagnostics(out, "  ", rv->why);
	diagnostics(out, "  ", rv->note);
	result(out, "  ", rv->state, number, rv->now->name, rv->why);
}

static void series(struct strbuf *out, const struct series_verdict *sv, unsigned number)
{
	if (sv->region_count || !sv->why) {
		strbuf_printf(out, "  KTAP version 1\n  # Subtest: ");
		one_line(out, sv->name, 0);
		strbuf_printf(out, "\n  1..%u\n", sv->region_count);
		for (unsigned r = 0; r < sv->region_count; r++)
			region(out, &sv->region[r], r + 1);
	}
	result(out, "", sv->state, number, sv->name, sv->why ? sv->why : "every region was skipped");
}

void ktap_format(struct strbuf *out, const struct verdicts *v, const char *run_name)
{
	strbuf_printf(out, "KTAP version 1\n# aslr-entropy run ");
	one_line(out, run_name, 0);
	strbuf_printf(out, ": gates %s\n1..%u\n", v->gates, v->series_count);
	for (unsigned s = 0; s < v->series_count; s++)
		series(out, &v->series[s], s + 1);
	diagnostics(out, "", v->notes.text);
	strbuf_printf(out, "# %u region%s failed", v->failed, v->failed == 1 ? "" : "s");
	if (v->xfailed)
		strbuf_printf(out, ", %u short of promise as --xfail expects", v->xfailed);
	strbuf_printf(out, "\n");
}
