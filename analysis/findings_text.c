#include "findings_text.h"

#include <stdlib.h>
#include <string.h>

#include "birthday.h"
#include "expect.h"
#include "runmeta.h"

static const char *rname(const struct analysis *a, unsigned r)
{
	return a->table->region[r];
}

/* "text, data and bss" */
static void region_list(struct strbuf *out, const struct analysis *a, const unsigned *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		strbuf_printf(out, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", rname(a, r[i]));
}

static void series_label(struct strbuf *out, const struct analysis *a, unsigned s)
{
	char label[SERIES_KEY_TEXT];

	analysis_series_label(a, s, label, sizeof(label));
	strbuf_printf(out, "%s", label);
}

static unsigned group_first(const struct analysis *a, unsigned s)
{
	unsigned first = 0;

	while (analysis_group_end(a, first) <= s)
		first = analysis_group_end(a, first);
	return first;
}

/* "mode 1", "modes 1 and 2": the modes of p's series in the group starting at first. */
static void group_modes(struct strbuf *out, const struct analysis *a, const struct finding_place *p, unsigned first)
{
	unsigned end = analysis_group_end(a, first), n = 0, k = 0;

	for (unsigned i = 0; i < p->series_count; i++)
		n += p->series[i] >= first && p->series[i] < end;
	strbuf_printf(out, "mode%s", n > 1 ? "s" : "");
	for (unsigned i = 0; i < p->series_count; i++)
		if (p->series[i] >= first && p->series[i] < end) {
			strbuf_printf(out, "%s%d", k == 0 ? " " : k + 1 == n ? " and " : ", ",
				      a->series[p->series[i]].series->mode);
			k++;
		}
}

static int same_modes(const struct analysis *a, const struct finding_place *p, unsigned g, unsigned h)
{
	struct strbuf x = { 0 }, y = { 0 };
	int same;

	group_modes(&x, a, p, g);
	group_modes(&y, a, p, h);
	same = x.text && y.text && strcmp(x.text, y.text) == 0;
	strbuf_free(&x);
	strbuf_free(&y);
	return same;
}

static void group_name(struct strbuf *out, const struct analysis *a, unsigned first)
{
	char label[SERIES_KEY_TEXT];

	analysis_group_label(a, first, label, sizeof(label));
	strbuf_printf(out, strchr(label, ',') ? "(%s)" : "%s", label);
}

/* Groups g.. of first[] (n) with g's modes, marked done, named: "pie, pie2m and biglib". */
static void groups_like(struct strbuf *out, const struct analysis *a, const struct finding_place *p,
			const unsigned *first, unsigned n, unsigned g, unsigned char *done)
{
	unsigned count = 0, said = 0;

	for (unsigned h = g; h < n; h++)
		count += !done[h] && same_modes(a, p, first[g], first[h]);
	for (unsigned h = g; h < n; h++)
		if (!done[h] && same_modes(a, p, first[g], first[h])) {
			strbuf_printf(out, "%s", said == 0 ? "" : said + 1 == count ? " and " : ", ");
			group_name(out, a, first[h]);
			done[h] = 1;
			said++;
		}
}

/* p's series by group, groups with the same modes together: "pie and pie2m mode 1; static-pie
 * modes 1 and 2". */
static void series_set(struct strbuf *out, const struct analysis *a, const struct finding_place *p)
{
	unsigned *first = calloc(p->series_count + 1, sizeof(*first)), n = 0;
	unsigned char *done = calloc(p->series_count + 1, 1);

	if (!first || !done) {
		out->failed = 1;
		goto out_free;
	}
	for (unsigned i = 0; i < p->series_count; i++) {
		unsigned g = group_first(a, p->series[i]);
		if (n == 0 || first[n - 1] != g)
			first[n++] = g;
	}
	for (unsigned g = 0, said = 0; g < n; g++) {
		if (done[g])
			continue;
		strbuf_printf(out, "%s", said++ ? "; " : "");
		groups_like(out, a, p, first, n, g, done);
		strbuf_printf(out, " ");
		group_modes(out, a, p, first[g]);
	}
out_free:
	free(first);
	free(done);
}

/* "; text, data and bss in pie mode 2": place i of f, after a separator unless the first. */
static void place_head(struct strbuf *out, const struct analysis *a, const struct finding *f, unsigned i)
{
	strbuf_printf(out, "%s", i ? "; " : "");
	region_list(out, a, f->place[i].region, f->place[i].region_count);
	strbuf_printf(out, " in ");
	series_set(out, a, &f->place[i]);
}

/* Every place of f, joined by "; ". */
static void places(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	for (unsigned i = 0; i < f->place_count; i++)
		place_head(out, a, f, i);
}

static const char *role_text(enum finding_role role)
{
	switch (role) {
	case ROLE_EXECUTABLE:
		return "the executable";
	case ROLE_HEAP:
		return "the heap";
	case ROLE_MMAP:
		return "the mmap base (libraries)";
	case ROLE_STACK:
		return "the stack";
	case ROLE_NONE:
		break;
	}
	return NULL;
}

/* "28.0 in pie mode 2", or A's own bits when the reference is the kind of mapping. */
static void reference(struct strbuf *out, const struct analysis *a, const struct finding_place *p)
{
	strbuf_printf(out, "%.1f ", p->before);
	if (p->ref_series >= 0) {
		strbuf_printf(out, "in ");
		series_label(out, a, (unsigned)p->ref_series);
	} else {
		strbuf_printf(out, "of its own");
	}
}

static void bytes(struct strbuf *out, int bit)
{
	if (bit >= 30)
		strbuf_printf(out, "%llu GiB", 1ULL << (bit - 30));
	else if (bit >= 20)
		strbuf_printf(out, "%llu MiB", 1ULL << (bit - 20));
	else if (bit >= 10)
		strbuf_printf(out, "%llu KiB", 1ULL << (bit - 10));
	else
		strbuf_printf(out, "%llu bytes", 1ULL << bit);
}

static const struct finding_place *worst(const struct finding *f)
{
	return &f->place[f->worst];
}

static const struct region_estimate *est(const struct analysis *a, unsigned s, int r)
{
	return &a->series[s].region[r];
}

static void say_tied(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	const struct finding_place *p = worst(f);
	const char *role_a = role_text(finding_role(rname(a, (unsigned)p->a)));
	const char *role_b = role_text(finding_role(rname(a, (unsigned)p->b)));

	strbuf_printf(out, "In ");
	series_set(out, a, p);
	strbuf_printf(out, ", ");
	unsigned of_b = 0;

	for (unsigned i = 0; i < p->region_count; i++)
		of_b += finding_role(rname(a, p->region[i])) == finding_role(rname(a, (unsigned)p->b));
	region_list(out, a, p->region, p->region_count);
	strbuf_printf(out, " move as one (their offsets never changed)");
	/* "moves with the mmap base" only where the block holds more of it than B alone (a static
	 * program's tls is in its heap, not at the mmap base) */
	if (role_a && role_b && strcmp(role_a, role_b) != 0 && of_b >= 2)
		strbuf_printf(out, ": %s moves with %s", role_a, role_b);
	strbuf_printf(out, ", so one leaked %s address leaves 0 of %s's %.1f bits", rname(a, (unsigned)p->b),
		      rname(a, (unsigned)p->a), est(a, p->worst, p->a)->estimate_bits);
	if (p->ref_series >= 0) {
		strbuf_printf(out, " (");
		reference(out, a, p);
		strbuf_printf(out, ")");
	}
	strbuf_printf(out, ": %.1f bits saved", p->bits_saved);
}

static void say_fixed(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	const struct finding_place *p = worst(f);

	strbuf_printf(out, "Never moved (0 bits) though other regions did: ");
	places(out, a, f);
	if (p->ref_series >= 0) {
		strbuf_printf(out, "; %s has up to ", rname(a, (unsigned)p->a));
		reference(out, a, p);
	} else if (p->b >= 0) { /* nowhere else to see it move: the series' best region is the yardstick */
		strbuf_printf(out, "; the best region of its series, %s, has %.1f bits", rname(a, (unsigned)p->b),
			      p->before);
	}
	strbuf_printf(out, ": %.1f bits saved", p->bits_saved);
}

/* The cluster of p holding r: "the executable (text, data and bss)", or the region's name
 * alone for one region or one of no known kind. */
static void cluster_name(struct strbuf *out, const struct analysis *a, const struct finding_place *p, int r)
{
	const unsigned *set = p->region;
	unsigned n = p->region_count;
	const char *role = role_text(finding_role(rname(a, (unsigned)r)));
	int in_region = 0;

	for (unsigned i = 0; i < p->region_count; i++)
		in_region |= p->region[i] == (unsigned)r;
	if (!in_region) {
		set = p->other;
		n = p->other_count;
	}
	role = n > 1 ? role : NULL;
	if (role)
		strbuf_printf(out, "%s (", role);
	region_list(out, a, set, n);
	strbuf_printf(out, "%s", role ? ")" : "");
}

static void say_leak(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	const struct finding_place *p = worst(f);

	strbuf_printf(out, "In ");
	series_set(out, a, p);
	strbuf_printf(out, ", ");
	cluster_name(out, a, p, p->a);
	strbuf_printf(out, " does not move independently of ");
	cluster_name(out, a, p, p->b);
	strbuf_printf(out, ": one leaked %s address leaves %.1f of %s's ", rname(a, (unsigned)p->b), p->after,
		      rname(a, (unsigned)p->a));
	if (p->ref_series >= 0) {
		strbuf_printf(out, "%.1f bits (", est(a, p->worst, p->a)->estimate_bits);
		reference(out, a, p);
		strbuf_printf(out, ")");
	} else {
		strbuf_printf(out, "%.1f bits", p->before);
	}
	strbuf_printf(out, ": %.1f bits saved", p->bits_saved);
}

/* " in pie2m mode 1" when p holds several series: which one its numbers are of. */
static void numbers_of(struct strbuf *out, const struct analysis *a, const struct finding_place *p)
{
	if (p->series_count > 1) {
		strbuf_printf(out, " in ");
		series_label(out, a, p->worst);
	}
}

static void say_below_promise(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "Clearly less than the kernel's knobs promise: ");
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		struct expectation x;
		int lost = est(a, p->worst, p->a)->alignment_bit - FINDINGS_PAGE_BIT;
		expect_region(a, p->worst, (unsigned)p->a, &x);
		place_head(out, a, f, i);
		strbuf_printf(out, " (%s gets %.1f bits (%s", rname(a, (unsigned)p->a), x.delivered_bits,
			      estimate_kind_name(x.kind));
		if (x.kind == KIND_COLLISION)
			strbuf_printf(out, ", 95 %% CI up to %.1f", x.delivered_high);
		strbuf_printf(out, "), %.1f fewer than the %d that %s promises", x.shortfall_bits, x.promised_bits,
			      expect_basis_name(x.basis));
		numbers_of(out, a, p);
		if (lost > 0)
			strbuf_printf(out, "; %d of them lost to alignment", lost);
		strbuf_printf(out, ")");
	}
	strbuf_printf(out, ": up to %.1f bits saved beyond alignment", f->bits_saved);
}

static void say_lower(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "Fewer bits than in another probe variant at the same mode: ");
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		place_head(out, a, f, i);
		strbuf_printf(out, " (%.1f bits", p->after);
		numbers_of(out, a, p);
		strbuf_printf(out, ", against ");
		reference(out, a, p);
		strbuf_printf(out, ")");
	}
	strbuf_printf(out, ": up to %.1f bits saved", f->bits_saved);
}

static void say_alignment(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "Alignment to ");
	bytes(out, f->key);
	strbuf_printf(out, " (lowest varying bit %d) costs %d bit%s against the 4 KiB page: ", f->key,
		      f->key - FINDINGS_PAGE_BIT, f->key - FINDINGS_PAGE_BIT == 1 ? "" : "s");
	places(out, a, f);
}

static void say_skewed(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "One value is far more common than the headline allows (one guess wins that often): ");
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		const struct region_estimate *e = est(a, p->worst, p->a);
		place_head(out, a, f, i);
		strbuf_printf(out, " (%.1f %% of the samples, %llu of %llu: min-entropy %.1f bits, a lower bound, "
				   "against the headline %.1f, %s",
			      100 * e->mcv_share, (unsigned long long)e->mcv_count, (unsigned long long)e->samples,
			      p->after, p->before, estimate_kind_name(e->kind));
		numbers_of(out, a, p);
		strbuf_printf(out, ")");
	}
}

static void say_knob(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	const struct finding_place *p = worst(f);
	struct series_key sweep = analysis_knob_sweep(a, f->key, a->series[p->worst].series->mode);
	char label[SERIES_KEY_TEXT];

	series_key_label(&sweep, label, sizeof(label));
	strbuf_printf(out, "Raising vm.%s from %d to %d (%s) takes ", analysis_knob_name(f->key),
		      analysis_knob(a->series[p->ref_series].series, f->key),
		      analysis_knob(a->series[p->worst].series, f->key), label);
	for (unsigned i = 0; i < f->place_count; i++) {
		strbuf_printf(out, "%s", i ? "; " : "");
		region_list(out, a, f->place[i].region, f->place[i].region_count);
		strbuf_printf(out, " from %.1f to %.1f bits", f->place[i].before, f->place[i].after);
	}
}

static void say_subpage(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "Varies below the 4 KiB page, bits that only an exact address needs and that any "
			   "leaked address of the region gives away: ");
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		place_head(out, a, f, i);
		strbuf_printf(out, " (lowest varying bit %d: up to %.0f of its %.1f bits, range %.1f",
			      est(a, p->worst, p->a)->alignment_bit, p->bits_saved, p->before,
			      est(a, p->worst, p->a)->range_bits);
		if (p->b >= 0)
			strbuf_printf(out, "; once %s leaks, %.1f bits are left", rname(a, (unsigned)p->b), p->after);
		strbuf_printf(out, ")");
	}
}

static void say_serial(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "Successive samples are not independent (each test rejects at p < %g): ", SERIAL_ALPHA);
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		place_head(out, a, f, i);
		strbuf_printf(out, " (lag-1 p = %.2g, runs p = %.2g", p->before, p->after);
		numbers_of(out, a, p);
		strbuf_printf(out, ")");
	}
	strbuf_printf(out, ": the randomness drifts or repeats between execs, and the entropy figures, which "
			   "assume independent samples, overstate it");
}

static void say_missing(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "Cells that are 0x0 though the region is present in other rows, counted as missing and "
			   "left out of every estimate: ");
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		strbuf_printf(out, "%s%s in ", i ? "; " : "", rname(a, (unsigned)p->a));
		series_set(out, a, p);
		strbuf_printf(out, " (%.0f of %.0f cells", p->before, p->after);
		numbers_of(out, a, p);
		strbuf_printf(out, ")");
	}
}

static void say_insufficient(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "Fewer than %d usable samples, too few for any claim: ", ESTIMATE_MIN_SAMPLES);
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		strbuf_printf(out, "%s", i ? "; " : "");
		for (unsigned k = 0; k < p->region_count; k++)
			strbuf_printf(out, "%s%s (%llu)", k ? ", " : "", rname(a, p->region[k]),
				      (unsigned long long)est(a, p->worst, (int)p->region[k])->samples);
		strbuf_printf(out, " in ");
		series_set(out, a, p);
	}
}

static void say_bounds(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	const struct finding_place *w = worst(f);

	for (unsigned i = 0; i < f->place_count; i++)
		w = f->place[i].before > w->before ? &f->place[i] : w;
	strbuf_printf(out, "Only upper bounds (range or per-bit sum: fewer than %d colliding pairs): ",
		      ESTIMATE_MIN_PAIRS);
	for (unsigned i = 0; i < f->place_count; i++) {
		strbuf_printf(out, "%s%u region%s in ", i ? "; " : "", f->place[i].region_count,
			      f->place[i].region_count > 1 ? "s" : "");
		series_set(out, a, &f->place[i]);
	}
	strbuf_printf(out, ". The widest, %s at %.1f bits, gives about %.2g pairs at N = %.0f; about %.0f samples "
			   "would give %d and turn it into an estimate",
		      rname(a, (unsigned)w->a), w->before, birthday_expected_pairs(w->after, w->before), w->after,
		      w->needed, ESTIMATE_MIN_PAIRS);
}

static void say_nothing_moves(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "No region moves, the same address in every exec: ");
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		strbuf_printf(out, "%sall %u regions in ", i ? "; " : "", p->region_count);
		series_set(out, a, p);
		strbuf_printf(out, " (N = %zu)", a->series[p->worst].series->rows);
	}
}

static void say_block(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	const struct finding_place *p = worst(f);

	strbuf_printf(out, "In ");
	series_set(out, a, p);
	strbuf_printf(out, ", ");
	region_list(out, a, p->region, p->region_count);
	strbuf_printf(out, " move as one: their offsets never changed, so one leaked address gives away all %u",
		      p->region_count);
}

static void say_extremes(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	strbuf_printf(out, "The most random region and the least random that moves: ");
	for (unsigned i = 0; i < f->place_count; i++) {
		const struct finding_place *p = &f->place[i];
		strbuf_printf(out, "%s%s (%.1f bits, %s) and %s (%.1f bits, %s) in ", i ? "; " : "",
			      rname(a, (unsigned)p->a), p->before, estimate_kind_name(est(a, p->worst, p->a)->kind),
			      rname(a, (unsigned)p->b), p->after, estimate_kind_name(est(a, p->worst, p->b)->kind));
		series_set(out, a, p);
	}
}

/* Entry p->a of run.json's "skipped": "m32 (cannot be executed: ...)", the reason only when
 * with_reason. */
static void skipped_entry(struct strbuf *out, const struct analysis *a, const struct finding_place *p,
			  int with_reason)
{
	const json_t *entry = json_array_get(runmeta_skipped(a->run), (size_t)p->a);

	strbuf_printf(out, "%s", runmeta_string(entry, "variant", "?"));
	if (with_reason)
		strbuf_printf(out, " (%s)", runmeta_string(entry, "reason", "no reason recorded"));
}

/* Key 1: the kernel refused the 32-bit programs; key 0: any other reason. */
static void say_skipped(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	const json_t *compat = json_object_get(json_object_get(a->run, "kernel"), "mmap_rnd_compat_bits");

	strbuf_printf(out, "%s", f->key ? "32-bit programs cannot run on this kernel: "
				      : "Skipped before sampling, so no number in this report is about them: ");
	for (unsigned i = 0; i < f->place_count; i++) {
		strbuf_printf(out, "%s", i == 0 ? "" : f->key ? (i + 1 == f->place_count ? " and " : ", ") : "; ");
		skipped_entry(out, a, &f->place[i], !f->key);
	}
	if (!f->key)
		return;
	strbuf_printf(out, " could not be executed (execve: ENOEXEC; the kernel has no ia32 emulation, or was "
			   "booted with it off), so the 32-bit (compat) layout");
	if (json_is_integer(compat))
		strbuf_printf(out, ", whose mmap base would get vm.mmap_rnd_compat_bits = %lld random bits,",
			      (long long)json_integer_value(compat));
	strbuf_printf(out, " is an attack surface this kernel does not have (not measured)");
}

typedef void (*sentence_fn)(struct strbuf *out, const struct analysis *a, const struct finding *f);

void finding_sentence(struct strbuf *out, const struct analysis *a, const struct finding *f)
{
	static const sentence_fn say[FINDING_CAUSES] = {
		[FINDING_TIED] = say_tied,
		[FINDING_FIXED] = say_fixed,
		[FINDING_LEAK] = say_leak,
		[FINDING_BELOW_PROMISE] = say_below_promise,
		[FINDING_LOWER] = say_lower,
		[FINDING_ALIGNMENT] = say_alignment,
		[FINDING_SKEWED] = say_skewed,
		[FINDING_KNOB] = say_knob,
		[FINDING_SUBPAGE] = say_subpage,
		[FINDING_SKIPPED] = say_skipped,
		[FINDING_SERIAL] = say_serial,
		[FINDING_MISSING] = say_missing,
		[FINDING_INSUFFICIENT] = say_insufficient,
		[FINDING_BOUNDS] = say_bounds,
		[FINDING_NOTHING_MOVES] = say_nothing_moves,
		[FINDING_BLOCK] = say_block,
		[FINDING_EXTREMES] = say_extremes,
	};

	if (f->cause < FINDING_CAUSES && say[f->cause] && f->place_count)
		say[f->cause](out, a, f);
	else
		strbuf_printf(out, "(%s)", finding_cause_name(f->cause));
}

void finding_evidence(struct strbuf *out, const struct finding *f, const struct plot_list *plots)
{
	int plot = f->plot[0] && plot_list_has(plots, f->plot);

	if (!f->anchor[0] && !plot)
		return;
	strbuf_printf(out, " (");
	if (f->anchor[0])
		strbuf_printf(out, "[table](#%s)%s", f->anchor, plot ? ", " : "");
	if (plot)
		strbuf_printf(out, "[plot](plots/%s.png)", f->plot);
	strbuf_printf(out, ")");
}

static void item(struct strbuf *out, const struct analysis *a, const struct finding *f,
		 const struct plot_list *plots)
{
	finding_sentence(out, a, f);
	strbuf_printf(out, ".");
	finding_evidence(out, f, plots);
	strbuf_printf(out, "\n");
}

unsigned findings_key_section(struct strbuf *out, const struct analysis *a, const struct finding_list *list,
			      const struct plot_list *plots)
{
	unsigned n = 0;
	int k;

	strbuf_printf(out, "## Key findings\n\nRanked by what they cost a defender: the bits an attacker saves, "
			   "against the best the same run shows. All of them, grouped by block and cause: "
			   "[Findings](#findings).\n\n");
	while ((k = findings_key_index(a, list, n)) >= 0) {
		strbuf_printf(out, "%u. ", ++n);
		item(out, a, &list->item[k], plots);
	}
	if (!n)
		strbuf_printf(out, "- Nothing stands out.\n");
	strbuf_printf(out, "\n");
	return n;
}

unsigned findings_full_section(struct strbuf *out, const struct analysis *a, const struct finding_list *list,
			       const struct plot_list *plots)
{
	strbuf_printf(out, "## Findings\n\n");
	for (unsigned i = 0; i < list->count; i++) {
		strbuf_printf(out, "- ");
		item(out, a, &list->item[i], plots);
	}
	if (!list->count)
		strbuf_printf(out, "- Nothing stands out.\n");
	strbuf_printf(out, "\n");
	return list->count;
}

unsigned findings_write(struct strbuf *out, const struct analysis *a)
{
	struct finding_list list;
	unsigned n;

	if (findings_compute(a, &list) < 0) {
		out->failed = 1;
		return 0;
	}
	for (n = 0; n < list.count; n++) {
		strbuf_printf(out, "- ");
		item(out, a, &list.item[n], NULL);
	}
	findings_free(&list);
	return n;
}

unsigned findings_missing(struct strbuf *out, const struct analysis *a, const char *prefix)
{
	unsigned said = 0;

	for (unsigned s = 0; s < a->series_count; s++)
		for (unsigned r = 0; r < a->table->region_count; r++) {
			const struct region_estimate *e = &a->series[s].region[r];
			if (!e->missing)
				continue;
			strbuf_printf(out, "%s", prefix);
			series_label(out, a, s);
			strbuf_printf(out, ": %llu of %zu cells of %s are 0x0 though the region is present in other "
					   "rows; counted as missing and left out of every estimate.\n",
				      (unsigned long long)e->missing, a->series[s].series->rows, a->table->region[r]);
			said++;
		}
	return said;
}

unsigned findings_warnings(struct strbuf *out, const struct analysis *a, const char *prefix)
{
	unsigned said = findings_missing(out, a, prefix);

	for (unsigned s = 0; s < a->series_count; s++)
		for (unsigned r = 0; r < a->table->region_count; r++) {
			const struct region_estimate *e = &a->series[s].region[r];
			if (estimate_skewed(e)) {
				strbuf_printf(out, "%s", prefix);
				series_label(out, a, s);
				strbuf_printf(out, ": one value of %s is %.1f %% of the samples; min-entropy %.1f bits "
						   "against a headline of %.1f.\n",
					      a->table->region[r], 100 * e->mcv_share, e->min_entropy_bits,
					      e->estimate_bits);
				said++;
			}
			if (e->serial_rejected) {
				strbuf_printf(out, "%s", prefix);
				series_label(out, a, s);
				strbuf_printf(out, ": successive samples of %s are not independent (serial tests).\n",
					      a->table->region[r]);
				said++;
			}
		}
	return said;
}
