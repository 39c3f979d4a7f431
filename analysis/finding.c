#include "finding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const cause_names[FINDING_CAUSES] = {
	"tied",    "fixed",  "leak",    "below_promise", "lower",  "alignment",     "skewed", "knob", "subpage",
	"skipped", "serial", "missing", "insufficient", "bounds", "nothing_moves", "block", "extremes",
};

const char *finding_cause_name(enum finding_cause cause)
{
	return cause < FINDING_CAUSES ? cause_names[cause] : "?";
}

/* interface.md's regions, and the names the probe variants add, by the mapping they live in. */
enum finding_role finding_role(const char *region)
{
	static const char *const executable[] = { "text", "data", "bss", "exe" };
	static const char *const mmap[] = { "mmap", "libc", "ld", "vdso", "vvar", "tls", "biglib", "thread_stack" };

	for (size_t i = 0; i < sizeof(executable) / sizeof(executable[0]); i++)
		if (strcmp(region, executable[i]) == 0)
			return ROLE_EXECUTABLE;
	for (size_t i = 0; i < sizeof(mmap) / sizeof(mmap[0]); i++)
		if (strcmp(region, mmap[i]) == 0)
			return ROLE_MMAP;
	if (strncmp(region, "mmap_", 5) == 0 || strncmp(region, "lib_", 4) == 0)
		return ROLE_MMAP;
	if (strcmp(region, "heap") == 0 || strcmp(region, "brk") == 0)
		return ROLE_HEAP;
	if (strcmp(region, "stack") == 0 || strcmp(region, "argv") == 0)
		return ROLE_STACK;
	return ROLE_NONE;
}

static double rank_bits(const struct finding *f)
{
	return isnan(f->bits_saved) ? 0 : f->bits_saved;
}

/* Bits as printed (one decimal): findings that print alike tie, and the cause decides. */
static long rank_tenths(const struct finding *f)
{
	return lround(rank_bits(f) * 10);
}

static unsigned first_series(const struct finding *f)
{
	return f->place_count && f->place[0].series_count ? f->place[0].series[0] : 0;
}

static int by_rank(const void *x, const void *y)
{
	const struct finding *f = x, *g = y;

	if (rank_tenths(f) != rank_tenths(g))
		return rank_tenths(f) > rank_tenths(g) ? -1 : 1;
	if (f->cause != g->cause)
		return f->cause < g->cause ? -1 : 1;
	if (first_series(f) != first_series(g))
		return first_series(f) < first_series(g) ? -1 : 1;
	return f->key < g->key ? -1 : f->key > g->key;
}

void findings_rank(struct finding_list *list)
{
	if (list->count > 1)
		qsort(list->item, list->count, sizeof(*list->item), by_rank);
}

int finding_is_key(const struct analysis *a, const struct finding *f)
{
	switch (f->cause) {
	case FINDING_SKIPPED:
	case FINDING_SERIAL:
	case FINDING_MISSING:
	case FINDING_INSUFFICIENT:
	case FINDING_BOUNDS:
		return 1;
	case FINDING_NOTHING_MOVES:
		for (unsigned i = 0; i < f->place_count; i++)
			for (unsigned k = 0; k < f->place[i].series_count; k++)
				if (a->series[f->place[i].series[k]].series->mode != 0)
					return 1;
		return 0;
	default:
		return rank_bits(f) >= FINDINGS_MIN_BITS;
	}
}

int findings_key_index(const struct analysis *a, const struct finding_list *list, unsigned i)
{
	unsigned seen = 0, skipped = 0, others = 0;

	if (i >= FINDINGS_KEY_MAX)
		return -1;
	for (unsigned k = 0; k < list->count; k++)
		skipped += list->item[k].cause == FINDING_SKIPPED;
	skipped = skipped < FINDINGS_KEY_MAX ? skipped : FINDINGS_KEY_MAX;
	for (unsigned k = 0; k < list->count; k++) {
		const struct finding *f = &list->item[k];
		if (!finding_is_key(a, f))
			continue;
		if (f->cause != FINDING_SKIPPED && others++ >= FINDINGS_KEY_MAX - skipped)
			continue;
		if (seen++ == i)
			return (int)k;
	}
	return -1;
}

void findings_free(struct finding_list *list)
{
	for (unsigned i = 0; i < list->count; i++) {
		for (unsigned k = 0; k < list->item[i].place_count; k++) {
			free(list->item[i].place[k].series);
			free(list->item[i].place[k].region);
			free(list->item[i].place[k].other);
		}
		free(list->item[i].place);
	}
	free(list->item);
	memset(list, 0, sizeof(*list));
}
