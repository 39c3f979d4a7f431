#include "kdiff.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "runmeta.h"

struct kd_run {
	json_t *doc;
	char label[160]; /* the kernel release */
};

/* One series in every run, and the region being described. */
struct kd_row {
	const struct kd_run *runs;
	unsigned n;
	const json_t **series; /* [n] */
	const char *region;
};

static int load_run(struct kd_run *run, const char *dir, struct aslr_error *err)
{
	char path[PATH_MAX + 16];
	json_error_t jerr;
	const char *release;

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	run->doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!run->doc)
		return aslr_error_at(err, -EINVAL, path, jerr.line, jerr.column, "%s", jerr.text);
	if (!json_is_array(json_object_get(run->doc, "series")))
		return aslr_error_at(err, -EINVAL, path, 1, 1, "not an aslr-entropy summary: no series");
	release = runmeta_kernel_release(json_object_get(run->doc, "run"));
	snprintf(run->label, sizeof(run->label), "%s", release ? release : dir);
	return 0;
}

static int same_int(const json_t *a, const json_t *b, const char *key)
{
	const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);

	return (!x && !y) || (x && y && json_integer_value(x) == json_integer_value(y));
}

static const json_t *match(const json_t *doc, const json_t *key)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(doc, "series"), i, s)
		if (json_equal(json_object_get(s, "variant"), json_object_get(key, "variant")) &&
		    same_int(s, key, "mode") && same_int(s, key, "mmap_rnd_bits") &&
		    same_int(s, key, "mmap_rnd_compat_bits"))
			return s;
	return NULL;
}

static const json_t *region(const struct kd_row *row, unsigned k)
{
	return json_object_get(json_object_get(row->series[k], "regions"), row->region);
}

/* Whether a and b are in one of the series' clusters (their offset never changed). */
static int in_block(const json_t *series, const char *a, const char *b)
{
	const json_t *cluster, *name;
	size_t i, j;

	json_array_foreach(json_object_get(series, "clusters"), i, cluster) {
		int has_a = 0, has_b = 0;
		json_array_foreach(cluster, j, name) {
			has_a |= strcmp(json_string_value(name) ?: "", a) == 0;
			has_b |= strcmp(json_string_value(name) ?: "", b) == 0;
		}
		if (has_a && has_b)
			return 1;
	}
	return 0;
}

/* Whether some kernel disagrees with the first on r and x moving together. */
static int block_differs(const struct kd_row *row, const char *r, const char *x)
{
	int first = in_block(row->series[0], r, x);

	for (unsigned k = 1; k < row->n; k++)
		if (in_block(row->series[k], r, x) != first)
			return 1;
	return 0;
}

/* r's core: the regions in one block with r in every kernel (r included). A region and
 * its core move together; the core is named by its first region. */
static int in_core(const struct kd_row *row, const char *r, const char *x)
{
	if (strcmp(r, x) == 0)
		return 1;
	for (unsigned k = 0; k < row->n; k++)
		if (!in_block(row->series[k], r, x))
			return 0;
	return 1;
}

static unsigned core_size(const struct kd_row *row, const char *r)
{
	const char *x;
	const json_t *v;
	unsigned n = 0;

	json_object_foreach(json_object_get(row->series[0], "regions"), x, v)
		n += (unsigned)in_core(row, r, x);
	return n;
}

/* 1 when r is the first region of its core. */
static int core_first(const struct kd_row *row, const char *r)
{
	const char *x;
	const json_t *v;

	json_object_foreach(json_object_get(row->series[0], "regions"), x, v)
		if (in_core(row, r, x))
			return strcmp(x, r) == 0;
	return 0;
}

/* Whether r's core moved: it is with another core in some kernel and not in another, and
 * that core is not smaller (of two cores that part, the smaller one is said to move). */
static int core_moved(const struct kd_row *row, const char *r)
{
	unsigned mine = core_size(row, r);
	const char *x;
	const json_t *v;

	json_object_foreach(json_object_get(row->series[0], "regions"), x, v)
		if (!in_core(row, r, x) && block_differs(row, r, x) && core_size(row, x) >= mine)
			return 1;
	return 0;
}

/* "- `a` and `b` move as one block with: ... (kernel); ... (kernel)" for a core that moved. */
static int block_line(struct strbuf *md, const struct kd_row *row)
{
	const char *x;
	const json_t *v;
	unsigned size = core_size(row, row->region), named = 0;

	if (!core_first(row, row->region) || !core_moved(row, row->region))
		return 0;
	strbuf_printf(md, "-");
	json_object_foreach(json_object_get(row->series[0], "regions"), x, v)
		if (in_core(row, row->region, x))
			strbuf_printf(md, "%s `%s`", named++ == 0 ? "" : named == size ? " and" : ",", x);
	strbuf_printf(md, " move%s as one block with:", size == 1 ? "s" : "");
	for (unsigned k = 0; k < row->n; k++) {
		int any = 0;
		strbuf_printf(md, "%s ", k ? ";" : "");
		json_object_foreach(json_object_get(row->series[k], "regions"), x, v)
			if (!in_core(row, row->region, x) && in_block(row->series[k], row->region, x)) {
				strbuf_printf(md, "%s%s", any ? ", " : "", x);
				any = 1;
			}
		strbuf_printf(md, "%s (%s)", any ? "" : "no other region", row->runs[k].label);
	}
	strbuf_printf(md, "\n");
	return 1;
}

/* Whether r's block is the same in every kernel. */
static int block_same(const struct kd_row *row, const char *r)
{
	const char *x;
	const json_t *v;

	json_object_foreach(json_object_get(row->series[0], "regions"), x, v)
		if (block_differs(row, r, x))
			return 0;
	return 1;
}

static void granule_text(char *buf, size_t size, const json_t *bit)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	long long b = json_integer_value(bit), unit = b / 10 < 4 ? b / 10 : 4;

	if (!json_is_integer(bit) || b < 0 || b > 63)
		snprintf(buf, size, "constant");
	else
		snprintf(buf, size, "bit %lld (%lld %s)", b, 1LL << (b - 10 * unit), units[unit]);
}

static int alignment_line(struct strbuf *md, const struct kd_row *row)
{
	const json_t *first = json_object_get(region(row, 0), "alignment_bit");
	int differs = 0;
	char text[64];

	for (unsigned k = 1; k < row->n; k++)
		differs |= !json_equal(json_object_get(region(row, k), "alignment_bit"), first);
	if (!differs)
		return 0;
	strbuf_printf(md, "- `%s` is aligned at:", row->region);
	for (unsigned k = 0; k < row->n; k++) {
		granule_text(text, sizeof(text), json_object_get(region(row, k), "alignment_bit"));
		strbuf_printf(md, "%s %s (%s)", k ? ";" : "", text, row->runs[k].label);
	}
	strbuf_printf(md, "\n");
	return 1;
}

/* The spread of a number over the kernels; NAN when one of them has none. */
static double spread(const struct kd_row *row, const char *key, const char *sub)
{
	double lo = INFINITY, hi = -INFINITY;

	for (unsigned k = 0; k < row->n; k++) {
		const json_t *obj = sub ? json_object_get(json_object_get(row->series[k], sub), row->region) : region(row, k);
		const json_t *v = json_object_get(obj, key);
		if (!json_is_number(v))
			return NAN;
		lo = fmin(lo, json_number_value(v));
		hi = fmax(hi, json_number_value(v));
	}
	return hi - lo;
}

/* " ≤" after an upper bound (a range or per-bit sum), nothing after an estimate or a constant. */
static const char *bound_mark(const char *kind)
{
	return !kind || strcmp(kind, "collision") == 0 || strcmp(kind, "constant") == 0 ? "" : " ≤";
}

static int bits_line(struct strbuf *md, const struct kd_row *row)
{
	if (!(spread(row, "estimate_bits", NULL) >= KDIFF_MIN_BITS))
		return 0;
	strbuf_printf(md, "- `%s` has", row->region);
	for (unsigned k = 0; k < row->n; k++) {
		const json_t *r = region(row, k);
		strbuf_printf(md, "%s %.1f%s bits (%s)", k ? ";" : "", json_number_value(json_object_get(r, "estimate_bits")),
			      bound_mark(json_string_value(json_object_get(r, "estimate_kind"))), row->runs[k].label);
	}
	strbuf_printf(md, "\n");
	return 1;
}

static int leak_line(struct strbuf *md, const struct kd_row *row)
{
	if (!(spread(row, "bits_left", "leaks") >= KDIFF_MIN_BITS))
		return 0;
	strbuf_printf(md, "- `%s` once its best leak is known keeps", row->region);
	for (unsigned k = 0; k < row->n; k++) {
		const json_t *l = json_object_get(json_object_get(row->series[k], "leaks"), row->region);
		const char *given = json_string_value(json_object_get(l, "best_leak")) ?: "?";
		const json_t *cond = json_object_get(json_object_get(json_object_get(row->series[k], "conditional"),
								     row->region), given);
		strbuf_printf(md, "%s %.1f%s bits (given %s; %s)", k ? ";" : "",
			      json_number_value(json_object_get(l, "bits_left")),
			      bound_mark(json_string_value(json_object_get(cond, "estimate_kind"))), given,
			      row->runs[k].label);
	}
	strbuf_printf(md, "\n");
	return 1;
}

static int absent_somewhere(const struct kd_row *row)
{
	for (unsigned k = 0; k < row->n; k++)
		if (!region(row, k) || json_is_true(json_object_get(region(row, k), "absent")))
			return 1;
	return 0;
}

static void series_title(struct strbuf *md, const json_t *s)
{
	const json_t *bits = json_object_get(s, "mmap_rnd_bits"), *compat = json_object_get(s, "mmap_rnd_compat_bits");

	strbuf_printf(md, "\n### %s, mode %lld", json_string_value(json_object_get(s, "variant")) ?: "?",
		      json_integer_value(json_object_get(s, "mode")));
	if (bits)
		strbuf_printf(md, ", mmap_rnd_bits %lld", json_integer_value(bits));
	if (compat)
		strbuf_printf(md, ", mmap_rnd_compat_bits %lld", json_integer_value(compat));
	strbuf_printf(md, "\n\n");
}

/* The lines of one series; how many. */
static unsigned series_lines(struct strbuf *md, const struct kd_run *runs, unsigned n, const json_t **series)
{
	struct kd_row row = { runs, n, series, NULL };
	struct strbuf lines = { 0 };
	const json_t *v;
	unsigned count = 0;

	json_object_foreach(json_object_get(series[0], "regions"), row.region, v) {
		if (absent_somewhere(&row))
			continue;
		count += (unsigned)block_line(&lines, &row) + (unsigned)alignment_line(&lines, &row) +
			 (unsigned)bits_line(&lines, &row);
		if (block_same(&row, row.region)) /* else a block change says it already */
			count += (unsigned)leak_line(&lines, &row);
	}
	if (count) {
		series_title(md, series[0]);
		strbuf_append(md, lines.text, lines.len);
	}
	strbuf_free(&lines);
	return count;
}

static void intro(struct strbuf *md, const struct kd_run *runs, unsigned n)
{
	strbuf_printf(md, "## What differs between the kernels\n\nKernels:");
	for (unsigned k = 0; k < n; k++)
		strbuf_printf(md, "%s %s", k ? "," : "", runs[k].label);
	strbuf_printf(md, ". Per series that every kernel has: regions whose block (regions at a constant offset: "
			  "one leak gives all away) or alignment differ, headlines and what the best leak leaves "
			  "that differ by %.0f bit or more (≤: an upper bound, so a difference that rests on one is not proven "
			  "by the numbers alone).\n", KDIFF_MIN_BITS);
}

int kdiff_write(const char *const *dirs, unsigned n, struct strbuf *md, FILE *out, struct aslr_error *err)
{
	struct kd_run *runs = calloc(n + 1, sizeof(*runs));
	const json_t **series = calloc(n + 1, sizeof(*series));
	const json_t *s0;
	size_t i;
	unsigned total = 0;
	int rc = runs && series ? 0 : aslr_error_set(err, -ENOMEM, "out of memory");

	for (unsigned k = 0; rc == 0 && k < n; k++)
		rc = load_run(&runs[k], dirs[k], err);
	if (rc == 0) {
		size_t start = md->len;
		intro(md, runs, n);
		json_array_foreach(json_object_get(runs[0].doc, "series"), i, s0) {
			unsigned k = 1;
			series[0] = s0;
			while (k < n && (series[k] = match(runs[k].doc, s0)))
				k++;
			if (k == n)
				total += series_lines(md, runs, n, series);
		}
		if (!total)
			strbuf_printf(md, "\nNo difference in blocks, alignment, headlines or leaks.\n");
		if (out && !md->failed)
			fprintf(out, "%s", md->text + start);
		rc = md->failed ? aslr_error_set(err, -ENOMEM, "out of memory") : 0;
	}
	for (unsigned k = 0; runs && k < n; k++)
		json_decref(runs[k].doc);
	free(runs);
	free(series);
	return rc;
}

/* compare.md with what differs between the kernels first. */
int kdiff_prepend(const char *dir, const char *const *runs, unsigned n, struct aslr_error *err)
{
	struct strbuf md = { 0 }, old = { 0 };
	char path[PATH_MAX + 16];
	int rc;

	snprintf(path, sizeof(path), "%s/compare.md", dir);
	strbuf_printf(&md, "# Kernels compared\n\n");
	rc = kdiff_write(runs, n, &md, NULL, err);
	if (rc == 0 && (rc = strbuf_read_file(&old, path)) < 0)
		aslr_error_at(err, rc, path, 0, 0, "%s", strerror(-rc));
	if (rc == 0) {
		strbuf_printf(&md, "\n");
		strbuf_append(&md, old.text ? old.text : "", old.len);
		rc = md.failed ? aslr_error_set(err, -ENOMEM, "out of memory")
			       : aslr_write_file_atomic(path, md.text, md.len, err);
	}
	strbuf_free(&old);
	strbuf_free(&md);
	return rc;
}
