/* report.md's list of the variants the harness could not run (report_run.h). */
#include "report_run.h"

#include "anchors.h"
#include "runmeta.h"

void report_skipped_section(struct strbuf *sb, const struct analysis *a, const json_t *run)
{
	const json_t *skipped = runmeta_skipped(run), *entry;
	size_t i;

	if (!skipped)
		return;
	anchor_write(sb, a, ANCHOR_SKIPPED, 0);
	strbuf_printf(sb, "## Skipped variants\n\nBefore changing any setting the harness tried each variant in the "
			  "mode the machine was in. These gave no record, were not sampled, and nothing below is "
			  "about them:\n\n");
	json_array_foreach(skipped, i, entry) {
		strbuf_printf(sb, "- **%s** (`%s`): %s.", runmeta_string(entry, "variant", "?"),
			      runmeta_string(entry, "path", "?"), runmeta_string(entry, "reason", "no reason recorded"));
		if (runmeta_skipped_no_32bit(entry))
			strbuf_printf(sb, " This kernel runs no 32-bit program: that attack surface is closed.");
		strbuf_printf(sb, "\n");
	}
	strbuf_printf(sb, "\n");
}
