/* libFuzzer target: the probe-record parser the harness runs on every exec's output.
 * Any bytes: a record whose every name and value survive formatting again unchanged,
 * or a rejection with a reason and an offset inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record rec;
	struct record_problem why = { 0 };
	char names[RECORD_MAX_REGIONS][RECORD_NAME_MAX + 1];
	const char *name_ptr[RECORD_MAX_REGIONS];
	char again[RECORD_MAX_LEN];
	int len;

	if (record_parse((const char *)data, size, &rec, &why) < 0) {
		if (!why.reason || (size > 0 && why.offset >= size))
			__builtin_trap();
		return 0;
	}
	for (unsigned i = 0; i < rec.count; i++) {
		memcpy(names[i], rec.name[i], rec.name_len[i]);
		names[i][rec.name_len[i]] = '\0';
		name_ptr[i] = names[i];
	}
	/* what parses must format back to a record that parses to the same values */
	len = record_format(again, sizeof(again), name_ptr, rec.value, rec.count);
	if (len < 0) {
		__builtin_trap();
	} else {
		struct record back;
		if (record_parse(again, (size_t)len, &back, NULL) < 0 || back.count != rec.count ||
		    memcmp(back.value, rec.value, rec.count * sizeof(rec.value[0])) != 0)
			__builtin_trap();
	}
	return 0;
}
