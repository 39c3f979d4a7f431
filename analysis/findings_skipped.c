/* Findings from run.json rather than the samples: the variants the harness's preflight could
 * not run (SKIPPED). A 32-bit program the kernel refused is a finding of its own (key 1): the
 * kernel runs no 32-bit code, so the compat layout is not there to attack. */
#include "findings_build.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runmeta.h"

/* A place of no series and no region: a is the entry's index in run.json's "skipped". */
static int add_entry(struct finding_list *list, int key, unsigned entry)
{
	struct finding *f = findings_get(list, FINDING_SKIPPED, key);
	struct finding_place *grown;

	if (!f)
		return -ENOMEM;
	grown = realloc(f->place, (f->place_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	f->place = grown;
	memset(&grown[f->place_count], 0, sizeof(*grown));
	grown[f->place_count].a = (int)entry;
	grown[f->place_count].b = -1;
	grown[f->place_count].ref_series = -1;
	grown[f->place_count].needed = NAN;
	f->place_count++;
	return 0;
}

int findings_skipped(const struct analysis *a, struct finding_list *list)
{
	const json_t *skipped = runmeta_skipped(a->run), *entry;
	size_t i;
	int rc = 0;

	json_array_foreach(skipped, i, entry)
		if (rc == 0)
			rc = add_entry(list, runmeta_skipped_no_32bit(entry), (unsigned)i);
	return rc;
}
