/* libFuzzer target: the samples CSV reader and every estimator behind it.
 * Any bytes must give a table or one error with a position: no crash, no hang, no leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "samples.h"
#include "summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sample_table table;
	struct analysis analysis;
	struct aslr_error err;

	if (samples_load_buffer(&table, "fuzz.csv", (const char *)data, size, &err) < 0) {
		/* a rejection must say where */
		if (err.line < 1 || strcmp(err.file, "fuzz.csv") != 0)
			__builtin_trap();
		return 0;
	}
	if (analysis_compute(&analysis, &table, &err) == 0) {
		json_t *doc = summary_to_json(&analysis, NULL);
		json_decref(doc);
		analysis_free(&analysis);
	}
	samples_free(&table);
	return 0;
}
