#include "runmeta.h"

const char *runmeta_kernel_release(const json_t *run)
{
	const json_t *v = json_object_get(json_object_get(run, "kernel"), "release");

	if (!json_is_string(v))
		v = json_object_get(json_object_get(json_object_get(run, "host"), "uname"), "release");
	return json_is_string(v) ? json_string_value(v) : NULL;
}
