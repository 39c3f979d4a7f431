/* libFuzzer target: the /proc/PID/maps parser and the layout built from what it accepts.
 * Any bytes: a rejection with a line and column inside the input, or entries that ascend
 * without overlapping, whose paths lie inside the input; and from those, taking the first
 * file mapping's start as the entry point, a layout whose region names are valid record
 * names, each once. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "layout.h"
#include "maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entries(const struct maps *maps, const char *text, size_t size)
{
	for (size_t i = 0; i < maps->count; i++) {
		const struct map_entry *e = &maps->entry[i];
		if (e->start >= e->end || (i && e->start < maps->entry[i - 1].end))
			__builtin_trap();
		if (e->path && (e->path < text || e->path + e->path_len > text + size || memchr(e->path, '\n', e->path_len)))
			__builtin_trap();
	}
}

static void check_layout(const struct maps *maps)
{
	static struct layout layout;
	struct proc_stat stat = { 3, 2, 1 };
	struct proc_auxv auxv = { 0, 0, 0 };

	for (size_t i = 0; i < maps->count && !auxv.entry; i++)
		if (map_entry_is_file(&maps->entry[i]))
			auxv.entry = maps->entry[i].start;
	if (!auxv.entry || layout_build(&layout, &(struct layout_facts){ maps, &stat, &auxv, 0 }, NULL) < 0)
		return;
	for (unsigned i = 0; i < layout.rec.count; i++) {
		if (!record_name_valid(layout.rec.name[i], layout.rec.name_len[i]))
			__builtin_trap();
		for (unsigned j = 0; j < i; j++)
			if (strcmp(layout.name[i], layout.name[j]) == 0)
				__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct maps maps;
	struct aslr_error err = { 0 };
	const char *text = (const char *)data;

	if (maps_parse(&maps, text, size, "fuzz", &err) < 0) {
		if (err.line < 0 || (size_t)err.line > size + 1 || err.column < 0 || (size_t)err.column > size + 1)
			__builtin_trap();
		return 0;
	}
	check_entries(&maps, text, size);
	check_layout(&maps);
	return 0;
}
