#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "series_key.h"

int compare_beyond(const struct cmp_region *base, const struct cmp_region *x)
{
	return base->has_interval && x->has_interval &&
	       (gate_judge(base, x, 0).verdict == GATE_TRIP || gate_judge(x, base, 0).verdict == GATE_TRIP);
}

static int comparable(const struct cmp_region *r)
{
	return r && !r->absent && !isnan(r->bits);
}

/* The change of series x of runs[run] already listed with the same numbers (as printed) and
 * verdict, or NULL. */
static struct cmp_change *same_change(struct cmp_changes *out, const struct cmp_series *x, unsigned run,
				      const struct cmp_change *c)
{
	for (unsigned i = 0; i < out->count; i++) {
		struct cmp_change *y = &out->item[i];
		if (y->series == x && y->run == run && y->beyond == c->beyond &&
		    fabs(y->before - c->before) < 0.05 && fabs(y->after - c->after) < 0.05)
			return y;
	}
	return NULL;
}

/* Add region name's change c (of series x, runs[run]) to out, to a change with the same
 * numbers when there is one. 0 or -ENOMEM. */
static int add_change(struct cmp_changes *out, const struct cmp_change *c, const char *name)
{
	struct cmp_change *y = same_change(out, c->series, c->run, c);
	const char **grown;

	if (!y) {
		struct cmp_change *items = realloc(out->item, (out->count + 1) * sizeof(*items));
		if (!items)
			return -ENOMEM;
		out->item = items;
		y = &items[out->count++];
		*y = *c;
		y->region = NULL;
		y->region_count = 0;
	}
	grown = realloc(y->region, (y->region_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	y->region = grown;
	y->region[y->region_count++] = name;
	return 0;
}

static int series_changes(struct cmp_changes *out, const struct cmp_series *base, const struct cmp_series *x,
			  unsigned run)
{
	int rc = 0;

	for (unsigned i = 0; i < x->region_count && rc == 0; i++) {
		const struct cmp_region *now = &x->region[i], *was = compare_find_region(base, now->name);
		struct cmp_change c = { .series = x, .run = run };
		if (!comparable(was) || !comparable(now))
			continue;
		c.before = was->bits;
		c.after = now->bits;
		c.change = now->bits - was->bits;
		c.beyond = compare_beyond(was, now);
		if (c.beyond || fabs(c.change) >= CHANGES_MIN_BITS)
			rc = add_change(out, &c, now->name);
	}
	return rc;
}

static int by_size(const void *p, const void *q)
{
	const struct cmp_change *a = p, *b = q;

	if (fabs(a->change) != fabs(b->change))
		return fabs(a->change) > fabs(b->change) ? -1 : 1;
	if (a->beyond != b->beyond)
		return a->beyond ? -1 : 1;
	return a->run < b->run ? -1 : a->run > b->run;
}

int compare_changes(const struct cmp_run *runs, unsigned n, struct cmp_changes *out)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned r = 1; r < n && rc == 0; r++)
		for (unsigned i = 0; i < runs[r].series_count && rc == 0; i++) {
			const struct cmp_series *base = compare_match(&runs[0], &runs[r].series[i]);
			if (base)
				rc = series_changes(out, base, &runs[r].series[i], r);
		}
	if (rc < 0) {
		compare_changes_free(out);
		return rc;
	}
	if (out->count > 1)
		qsort(out->item, out->count, sizeof(*out->item), by_size);
	return 0;
}

void compare_changes_free(struct cmp_changes *changes)
{
	for (unsigned i = 0; i < changes->count; i++)
		free(changes->item[i].region);
	free(changes->item);
	memset(changes, 0, sizeof(*changes));
}

void compare_table_anchor(const struct cmp_series *key, char *buf, size_t size)
{
	struct series_key k = compare_series_key(key);
	char tag[SERIES_KEY_TEXT];

	series_key_tag(&k, tag, sizeof(tag));
	snprintf(buf, size, "compare-%s", tag);
}

static void change_line(struct strbuf *md, const struct cmp_run *runs, const struct cmp_change *c)
{
	struct series_key key = compare_series_key(c->series);
	char label[SERIES_KEY_TEXT], anchor[SERIES_KEY_TEXT + 16];

	series_key_label(&key, label, sizeof(label));
	compare_table_anchor(c->series, anchor, sizeof(anchor));
	strbuf_printf(md, "%s: ", label);
	for (unsigned i = 0; i < c->region_count; i++)
		strbuf_printf(md, "%s%s", i == 0 ? "" : i + 1 == c->region_count ? " and " : ", ", c->region[i]);
	strbuf_printf(md, " %s from %.1f to %.1f bits (%+.1f) in %s against %s, %s the sampling error "
			  "([table](#%s)).\n",
		      c->change < 0 ? "fell" : "rose", c->before, c->after, c->change, runs[c->run].name, runs[0].name,
		      c->beyond ? "beyond" : "within", anchor);
}

unsigned compare_changes_write(struct strbuf *md, const struct cmp_run *runs, unsigned n,
			       const struct cmp_changes *changes, unsigned max)
{
	unsigned said = 0;

	strbuf_printf(md, "## Key changes\n\nHeadlines that moved by %.0f bit or more, or beyond the sampling error "
			  "of both runs, largest first; regions with the same numbers (a block) together.\n\n",
		      CHANGES_MIN_BITS);
	for (; said < changes->count && said < max; said++) {
		strbuf_printf(md, "%u. ", said + 1);
		change_line(md, runs, &changes->item[said]);
	}
	if (!changes->count)
		strbuf_printf(md, "- No headline moved by %.0f bit or more or beyond the sampling error%s.\n",
			      CHANGES_MIN_BITS, n < 2 ? " (one run: nothing to compare)" : "");
	else if (changes->count > said)
		strbuf_printf(md, "\n%u more in the tables below.\n", changes->count - said);
	strbuf_printf(md, "\n");
	return said;
}
