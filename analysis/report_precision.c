/* report.md's account of a --precision run (report_run.h): what +-BITS buys at the N each
 * series took, what ended each series, which regions stayed bounds and what they would need.
 * The numbers are run.json's (harness/precision_json.c); the pairs a precision needs are
 * collision_poisson_pairs'. */
#include "report_run.h"

#include <math.h>
#include <string.h>

#include "anchors.h"
#include "collision.h"
#include "estimate.h"
#include "runmeta.h"

/* The pairs +-bits takes for a uniform region, and at least the collision headline's minimum. */
static double pairs_needed(double bits)
{
	return fmax(ESTIMATE_MIN_PAIRS, collision_poisson_pairs(bits));
}

static void explain(struct strbuf *sb, const json_t *rule)
{
	double bits = json_number_value(json_object_get(rule, "bits")), k = pairs_needed(bits);

	strbuf_printf(sb, "## Precision: ±%g bits\n\nEach series was sampled until every region that moves had a "
			  "collision estimate whose 95 %% interval is at most ±%g bits wide ((high − low) / 2 ≤ %g), "
			  "or until a limit: %lld samples (`--max-samples`) or %g s (`--max-time`) per series.\n\n",
		      bits, bits, bits, json_integer_value(json_object_get(rule, "max_samples")),
		      json_number_value(json_object_get(rule, "max_time_sec")));
	strbuf_printf(sb, "What ±%g bits buys: for a region that ended as a collision estimate, its true collision "
			  "(Rényi-2) entropy H2 lies in the printed 95 %% interval, at most %g bit%s wide, with 95 %% "
			  "confidence, so 2^H2 (the "
			  "number of equally likely places it is worth) is known within a factor of %.2f either way. "
			  "A uniform region needs about k = %.1f colliding pairs for that, whatever its entropy (a "
			  "skewed one its dispersion times as many%s). N samples of a region of H bits show about "
			  "N² / 2^(H+1) pairs, so H bits need about sqrt(2 · k · 2^H) samples (%.0f for 20 bits, %.0f "
			  "for 28), and N samples reach ±%g for regions of up to log2(N² / (2k)) bits: the last "
			  "column.\n\n",
		      bits, 2 * bits, 2 * bits == 1 ? "" : "s", exp2(bits), k,
		      collision_poisson_pairs(bits) < ESTIMATE_MIN_PAIRS ? "; and never fewer than the 10 a "
									 "collision estimate takes"
									: "",
		      sqrt(2 * k * exp2(20)), sqrt(2 * k * exp2(28)), bits);
}

static void name_list(struct strbuf *sb, const json_t *names)
{
	const json_t *name;
	size_t i;

	if (!json_array_size(names))
		strbuf_printf(sb, "none");
	json_array_foreach(names, i, name)
		strbuf_printf(sb, "%s%s", i ? ", " : "", json_string_value(name) ? json_string_value(name) : "?");
}

/* "the precision", "--max-samples", ...: what ended the series, in words. */
static void end_cell(struct strbuf *sb, const char *end, double bits)
{
	if (strcmp(end, "precision") == 0)
		strbuf_printf(sb, "**precision**: every region that moves at ±%g or better", bits);
	else if (strcmp(end, "max_samples") == 0)
		strbuf_printf(sb, "**max_samples**: `--max-samples` reached first");
	else if (strcmp(end, "max_time") == 0)
		strbuf_printf(sb, "**max_time**: `--max-time` reached first");
	else
		strbuf_printf(sb, "**%s**", end);
}

static unsigned regions_done(json_t *regions)
{
	const char *name;
	json_t *r;
	unsigned done = 0;

	json_object_foreach(regions, name, r)
		done += strcmp(runmeta_string(r, "state", ""), "done") == 0;
	return done;
}

static void series_row(struct strbuf *sb, const json_t *entry, const json_t *p, double bits)
{
	struct series_key key = runmeta_series_key(entry);
	char label[SERIES_KEY_TEXT];
	double n = (double)json_integer_value(json_object_get(p, "rows"));

	series_key_label(&key, label, sizeof(label));
	strbuf_printf(sb, "| %s | %.0f | ", label, n);
	end_cell(sb, runmeta_string(p, "end", runmeta_string(entry, "end", "?")), bits);
	strbuf_printf(sb, " | %u | ", regions_done(json_object_get(p, "regions")));
	name_list(sb, json_object_get(p, "bounds"));
	strbuf_printf(sb, " | ");
	name_list(sb, json_object_get(p, "wider"));
	strbuf_printf(sb, " | %.1f |\n", n >= 2 ? log2(n * n / (2 * pairs_needed(bits))) : 0.0);
}

/* text with the harness's ASCII "+-" written as "±". */
static void plus_minus(struct strbuf *sb, const char *text)
{
	const char *pm;

	while ((pm = strstr(text, "+-")) != NULL) {
		strbuf_append(sb, text, (size_t)(pm - text));
		strbuf_printf(sb, "±");
		text = pm + 2;
	}
	strbuf_printf(sb, "%s", text);
}

/* "- pie mode 2, stack: why" for every region that was still waiting. */
static void shortfalls(struct strbuf *sb, const json_t *entry, const json_t *p)
{
	struct series_key key = runmeta_series_key(entry);
	char label[SERIES_KEY_TEXT];
	const char *name;
	json_t *r;

	series_key_label(&key, label, sizeof(label));
	json_object_foreach(json_object_get(p, "regions"), name, r) {
		const char *why = runmeta_string(r, "why_not", NULL);
		if (strcmp(runmeta_string(r, "state", ""), "waiting") != 0)
			continue;
		strbuf_printf(sb, "- %s, %s: ", label, name);
		plus_minus(sb, why ? why : "not done, no reason recorded");
		strbuf_printf(sb, ".\n");
	}
}

void report_precision_section(struct strbuf *sb, const struct analysis *a, const json_t *run)
{
	const json_t *rule = json_object_get(json_object_get(run, "run"), "precision"), *entry;
	double bits = json_number_value(json_object_get(rule, "bits"));
	struct strbuf rest = { 0 };
	size_t i;

	if (!json_is_object(rule) || !(bits > 0))
		return;
	anchor_write(sb, a, ANCHOR_PRECISION, 0);
	explain(sb, rule);
	strbuf_printf(sb, "| series | samples | ended by | regions at ±%g | stayed upper bounds (< %d pairs) | "
			  "collision estimate wider than ±%g | ±%g reached up to (bits) |\n|---|---|---|---|---|---|---|\n",
		      bits, ESTIMATE_MIN_PAIRS, bits, bits);
	json_array_foreach(json_object_get(run, "series"), i, entry) {
		const json_t *p = json_object_get(entry, "precision");
		if (!json_is_object(p))
			continue;
		series_row(sb, entry, p, bits);
		shortfalls(&rest, entry, p);
	}
	if (rest.text)
		strbuf_printf(sb, "\nThe regions short of ±%g, what they show and what they would need (the tables "
				  "below label a bound as such: it is not a collision estimate):\n\n%s",
			      bits, rest.text);
	sb->failed |= rest.failed;
	strbuf_free(&rest);
	strbuf_printf(sb, "\n");
}
