#include "runmeta.h"

#include <string.h>

const char *runmeta_kernel_release(const json_t *run)
{
	const json_t *v = json_object_get(json_object_get(run, "kernel"), "release");

	if (!json_is_string(v))
		v = json_object_get(json_object_get(json_object_get(run, "host"), "uname"), "release");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int int_or_none(const json_t *v)
{
	return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

struct series_key runmeta_series_key(const json_t *entry)
{
	return (struct series_key){
		runmeta_string(entry, "variant", ""),
		(int)json_integer_value(json_object_get(entry, "mode")),
		int_or_none(json_object_get(entry, "mmap_rnd_bits")),
		int_or_none(json_object_get(entry, "mmap_rnd_compat_bits")),
	};
}

const json_t *runmeta_skipped(const json_t *run)
{
	const json_t *list = json_object_get(run, "skipped");

	return json_is_array(list) && json_array_size(list) ? list : NULL;
}

int runmeta_skipped_no_32bit(const json_t *entry)
{
	return strcmp(runmeta_string(entry, "cause", ""), "no_32bit") == 0;
}

const char *runmeta_string(const json_t *obj, const char *name, const char *fallback)
{
	const json_t *v = json_object_get(obj, name);

	return json_is_string(v) ? json_string_value(v) : fallback;
}
