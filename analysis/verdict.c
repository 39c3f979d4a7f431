#include "verdict.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "series_key.h"

/* A strbuf's text as an owned string (NULL for an empty one); the strbuf is emptied. */
static char *take(struct strbuf *sb)
{
	char *text = sb->len ? sb->text : NULL;

	if (!text)
		strbuf_free(sb);
	*sb = (struct strbuf){ 0 };
	return text;
}

/* The headline with its interval, and what the kernel promises when the file says. */
static char *headline_text(const struct cmp_region *r)
{
	struct strbuf sb = { 0 };
	char text[128];

	gate_region_text(r, text, sizeof(text));
	strbuf_printf(&sb, "%s", text);
	if (isfinite(r->expected))
		strbuf_printf(&sb, "; expected %.0f (%s)", r->expected, r->expected_from);
	if (isfinite(r->shortfall))
		strbuf_printf(&sb, ", shortfall %.2f", r->shortfall);
	return take(&sb);
}

/* gate_print's line for the baseline's verdict on region r (without its newline). */
static void baseline_line(struct strbuf *sb, const char *label, const struct cmp_region *old,
			  const struct cmp_region *now, const struct verdict_request *req, const struct gate_result *g)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem) {
		sb->failed = 1;
		return;
	}
	gate_print(mem, label, old, now, req->baseline->name, req->now->name, g, req->tolerance);
	fclose(mem);
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	strbuf_printf(sb, "%s%s", sb->len ? "\n" : "", text ? text : "");
	free(text);
}

static int xfail_named(const struct verdict_request *req, const char *region)
{
	for (unsigned i = 0; i < req->xfail_count; i++)
		if (strcmp(req->xfail[i], region) == 0)
			return 1;
	return 0;
}

/* The expect-knobs line of region r: "SHORT OF PROMISE ...", "accepted (--xfail): " first
 * when accepted. */
static void shortfall_line(struct strbuf *sb, const char *label, const struct cmp_region *r, int accepted)
{
	strbuf_printf(sb, "%s%sSHORT OF PROMISE %s %s: %.2f bits (%s), at most %.2f by the samples, %.2f short of the %.0f "
			  "that %s promises",
		      sb->len ? "\n" : "", accepted ? "accepted (--xfail): " : "", label, r->name, r->bits, r->kind,
		      r->expected - r->shortfall, r->shortfall, r->expected, r->expected_from);
}

/* Both gates on one region; why/gates/note collect what they say, each line apart. The
 * region's state: fail, xfail (short of promise, accepted, and no regression) or pass. A
 * regression's line comes first in why (a JUnit message is its first line); an accepted
 * shortfall's after it. */
static enum verdict_state judge_gates(struct region_verdict *rv, const char *label, const struct cmp_series *base,
				      const struct verdict_request *req)
{
	struct strbuf why = { 0 }, gates = { 0 }, note = { 0 };
	const struct cmp_region *r = rv->now, *old = compare_find_region(base, r->name);
	int named = req->expect_knobs && xfail_named(req, r->name), is_short = req->expect_knobs && r->short_of_promise;
	int failed = 0;

	if (is_short && !named) {
		shortfall_line(&why, label, r, 0);
		strbuf_printf(&gates, "expect-knobs");
		failed = 1;
	} else if (named && !is_short && isfinite(r->expected) && r->expected > 0) {
		strbuf_printf(&note, "note: %s %s is not short of its promise, though --xfail expects it to be", label,
			      r->name);
	}
	if (req->baseline && old) {
		struct gate_result g = gate_judge(old, r, req->tolerance);
		if (g.verdict == GATE_TRIP) {
			baseline_line(&why, label, old, r, req, &g);
			strbuf_printf(&gates, "%sbaseline", gates.len ? "," : "");
			failed = 1;
		} else if (g.verdict != GATE_PASS) {
			baseline_line(&note, label, old, r, req, &g);
		}
	} else if (req->baseline && base) {
		strbuf_printf(&note, "%snote: %s %s is not in the baseline %s", note.len ? "\n" : "", label, r->name,
			      req->baseline->name);
	}
	if (is_short && named)
		shortfall_line(&why, label, r, 1);
	rv->why = take(&why);
	rv->gates = take(&gates);
	rv->note = take(&note);
	return failed ? VERDICT_FAIL : is_short && named ? VERDICT_XFAIL : VERDICT_PASS;
}

static void judge_region(struct verdicts *v, struct region_verdict *rv, const char *label,
			 const struct cmp_series *base, const struct verdict_request *req)
{
	struct strbuf why = { 0 };

	rv->headline = headline_text(rv->now);
	if (rv->now->absent || isnan(rv->now->bits)) {
		rv->state = VERDICT_SKIP;
		strbuf_printf(&why, rv->now->absent ? "absent: this program does not report %s"
						    : "too few samples for a headline of %s",
			      rv->now->name);
		rv->why = take(&why);
		return;
	}
	rv->state = judge_gates(rv, label, base, req);
	if (rv->state == VERDICT_FAIL)
		strbuf_printf(&v->failures, "%s%s %s", v->failed++ ? ", " : "", label, rv->now->name);
	v->xfailed += rv->state == VERDICT_XFAIL;
}

static int judge_series(struct verdicts *v, struct series_verdict *sv, const struct cmp_series *s,
			const struct verdict_request *req)
{
	struct series_key key = compare_series_key(s);
	const struct cmp_series *base = req->baseline ? compare_match(req->baseline, s) : NULL;
	char label[SERIES_KEY_TEXT], tag[SERIES_KEY_TEXT];
	unsigned skipped = 0;

	series_key_label(&key, label, sizeof(label));
	series_key_tag(&key, tag, sizeof(tag));
	sv->name = strdup(label);
	sv->tag = strdup(tag);
	sv->region = calloc(s->region_count + 1, sizeof(*sv->region));
	if (!sv->name || !sv->tag || !sv->region)
		return -ENOMEM;
	if (req->baseline && !base)
		strbuf_printf(&v->notes, "note: %s is not in the baseline %s\n", label, req->baseline->name);
	sv->region_count = s->region_count;
	for (unsigned r = 0; r < s->region_count; r++) {
		sv->region[r].now = &s->region[r];
		judge_region(v, &sv->region[r], label, base, req);
		sv->state = sv->region[r].state == VERDICT_FAIL ? VERDICT_FAIL : sv->state;
		skipped += sv->region[r].state == VERDICT_SKIP;
	}
	if (s->region_count && skipped == s->region_count)
		sv->state = VERDICT_SKIP;
	return 0;
}

/* A variant the harness skipped: a series of its own, with the harness's reason. */
static int skipped_variant(struct series_verdict *sv, const json_t *entry)
{
	const json_t *name = json_object_get(entry, "variant"), *reason = json_object_get(entry, "reason");

	sv->state = VERDICT_SKIP;
	sv->name = strdup(json_is_string(name) ? json_string_value(name) : "(unnamed variant)");
	sv->tag = strdup(sv->name ? sv->name : "");
	sv->why = strdup(json_is_string(reason) ? json_string_value(reason) : "skipped by the harness");
	return sv->name && sv->tag && sv->why ? 0 : -ENOMEM;
}

/* Baseline series the run lacks: a note each. */
static void missing_from_run(struct verdicts *v, const struct verdict_request *req)
{
	char label[SERIES_KEY_TEXT];

	for (unsigned i = 0; req->baseline && i < req->baseline->series_count; i++) {
		const struct cmp_series *o = &req->baseline->series[i];
		struct series_key key = compare_series_key(o);
		if (compare_match(req->now, o))
			continue;
		series_key_label(&key, label, sizeof(label));
		strbuf_printf(&v->notes, "note: %s is in the baseline but not in %s\n", label, req->now->name);
	}
}

static int check_expectations(const struct verdict_request *req, struct aslr_error *err)
{
	for (unsigned s = 0; req->expect_knobs && s < req->now->series_count; s++)
		for (unsigned r = 0; r < req->now->series[s].region_count; r++)
			if (!req->now->series[s].region[r].has_expectation_fields)
				return aslr_error_input(err, -EINVAL, req->now->path, 0, 0,
							"--expect-knobs: no expected_bits here (written by an older "
							"aslr-analyze); analyze the run again");
	return 0;
}

/* Every --xfail name is a region of some series of the run. */
static int check_xfail_names(const struct verdict_request *req, struct aslr_error *err)
{
	for (unsigned i = 0; i < req->xfail_count; i++) {
		int found = 0;
		for (unsigned s = 0; !found && s < req->now->series_count; s++)
			found = compare_find_region(&req->now->series[s], req->xfail[i]) != NULL;
		if (!found)
			return aslr_error_usage(err, -EINVAL, "--xfail: no region '%s' in %s", req->xfail[i],
						req->now->name);
	}
	return 0;
}

int verdicts_build(struct verdicts *v, const struct verdict_request *req, struct aslr_error *err)
{
	size_t extra = json_array_size(req->skipped);
	int rc = check_expectations(req, err);

	if (rc == 0)
		rc = check_xfail_names(req, err);
	memset(v, 0, sizeof(*v));
	if (rc < 0)
		return rc;
	snprintf(v->gates, sizeof(v->gates), "%s%s%s", req->expect_knobs ? "expect-knobs" : "",
		 req->expect_knobs && req->baseline ? ", " : "", req->baseline ? "baseline" : "");
	if (!v->gates[0])
		snprintf(v->gates, sizeof(v->gates), "none");
	v->series = calloc(req->now->series_count + extra + 1, sizeof(*v->series));
	rc = v->series ? 0 : -ENOMEM;
	for (unsigned s = 0; rc == 0 && s < req->now->series_count; s++, v->series_count++)
		rc = judge_series(v, &v->series[s], &req->now->series[s], req);
	for (size_t i = 0; rc == 0 && i < extra; i++, v->series_count++)
		rc = skipped_variant(&v->series[v->series_count], json_array_get(req->skipped, i));
	missing_from_run(v, req);
	if (rc == 0 && (v->failures.failed || v->notes.failed))
		rc = -ENOMEM;
	if (rc < 0) {
		verdicts_free(v);
		return aslr_error_set(err, rc, "out of memory");
	}
	return 0;
}

void verdicts_free(struct verdicts *v)
{
	for (unsigned s = 0; v->series && s <= v->series_count; s++) {
		struct series_verdict *sv = &v->series[s];
		for (unsigned r = 0; sv->region && r < sv->region_count; r++) {
			free(sv->region[r].headline);
			free(sv->region[r].why);
			free(sv->region[r].note);
			free(sv->region[r].gates);
		}
		free(sv->region);
		free(sv->name);
		free(sv->tag);
		free(sv->why);
	}
	free(v->series);
	strbuf_free(&v->failures);
	strbuf_free(&v->notes);
	memset(v, 0, sizeof(*v));
}

const char *verdict_tap_result(enum verdict_state state)
{
	return state == VERDICT_FAIL ? "not ok" : "ok";
}
