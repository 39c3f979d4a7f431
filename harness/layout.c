#include "layout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct layout_file {
	unsigned dev_major, dev_minor;
	uint64_t inode;
	const char *path; /* the first path seen for it, into the maps' text */
	size_t path_len;
	uint64_t lowest;
};

static const char deleted_suffix[] = " (deleted)";

void layout_file_name(const char *path, size_t len, char *name)
{
	const char *base = path;
	size_t n = 4;

	if (len >= sizeof(deleted_suffix) - 1 &&
	    memcmp(path + len - (sizeof(deleted_suffix) - 1), deleted_suffix, sizeof(deleted_suffix) - 1) == 0)
		len -= sizeof(deleted_suffix) - 1;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	memcpy(name, "lib_", 4);
	for (const char *p = base; p < path + len && n < RECORD_NAME_MAX; p++, n++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		name[n] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
	}
	name[n] = '\0';
}

static int same_file(const struct map_entry *a, const struct map_entry *b)
{
	return a && b && a->inode == b->inode && a->dev_major == b->dev_major && a->dev_minor == b->dev_minor;
}

static int is_file_of(const struct layout_file *f, const struct map_entry *e)
{
	return f->inode == e->inode && f->dev_major == e->dev_major && f->dev_minor == e->dev_minor;
}

/* The file mapping that holds addr (at == 0: that starts at addr); NULL if none. */
static const struct map_entry *file_at(const struct maps *maps, uint64_t addr, int starts)
{
	for (size_t i = 0; i < maps->count; i++) {
		const struct map_entry *e = &maps->entry[i];
		if (map_entry_is_file(e) && (starts ? e->start == addr : e->start <= addr && addr < e->end))
			return e;
	}
	return NULL;
}

/* The lowest start of the mappings of e's file (the lines ascend: the first one). */
static uint64_t lowest_of(const struct maps *maps, const struct map_entry *e)
{
	for (size_t i = 0; i < maps->count; i++)
		if (map_entry_is_file(&maps->entry[i]) && same_file(e, &maps->entry[i]))
			return maps->entry[i].start;
	return e->start;
}

static const struct map_entry *pseudo(const struct maps *maps, const char *name)
{
	for (size_t i = 0; i < maps->count; i++)
		if (map_entry_is(&maps->entry[i], name))
			return &maps->entry[i];
	return NULL;
}

static void add_region(struct layout *out, const char *name, uint64_t value)
{
	unsigned i = out->rec.count++;

	snprintf(out->name[i], sizeof(out->name[i]), "%s", name);
	out->rec.name[i] = out->name[i];
	out->rec.name_len[i] = (unsigned char)strlen(name);
	out->rec.value[i] = value;
}

/* exe, ld, vdso, vvar, stack, argv, brk, tls. */
static void add_fixed(struct layout *out, const struct layout_facts *f, const struct map_entry *exe,
		     const struct map_entry *ld)
{
	const struct map_entry *vdso = pseudo(f->maps, "[vdso]"), *vvar = pseudo(f->maps, "[vvar]");

	add_region(out, "exe", lowest_of(f->maps, exe));
	if (ld)
		add_region(out, "ld", lowest_of(f->maps, ld));
	if (vdso)
		add_region(out, "vdso", vdso->start);
	if (vvar)
		add_region(out, "vvar", vvar->start);
	add_region(out, "stack", f->stat->start_stack);
	add_region(out, "argv", f->stat->arg_start);
	add_region(out, "brk", f->stat->start_brk);
	if (f->thread_pointer)
		add_region(out, "tls", f->thread_pointer);
}

static int collect_files(struct layout *out, const struct maps *maps, const struct map_entry *exe,
			 const struct map_entry *ld, size_t *count)
{
	*count = 0;
	for (size_t i = 0; i < maps->count; i++) {
		const struct map_entry *e = &maps->entry[i];
		size_t k = 0;
		if (!map_entry_is_file(e) || same_file(e, exe) || same_file(e, ld))
			continue;
		while (k < *count && !is_file_of(&out->file[k], e))
			k++;
		if (k < *count)
			continue;
		if (*count == out->file_cap) {
			size_t cap = out->file_cap ? out->file_cap * 2 : 32;
			struct layout_file *file = realloc(out->file, cap * sizeof(*file));
			if (!file)
				return -ENOMEM;
			out->file = file;
			out->file_cap = cap;
		}
		out->file[(*count)++] = (struct layout_file){ e->dev_major, e->dev_minor, e->inode, e->path,
							      e->path_len, e->start };
	}
	return 0;
}

static int by_path(const void *a, const void *b)
{
	const struct layout_file *x = a, *y = b;
	size_t n = x->path_len < y->path_len ? x->path_len : y->path_len;
	int c = memcmp(x->path, y->path, n);

	return c ? c : (x->path_len > y->path_len) - (x->path_len < y->path_len);
}

static int name_taken(const struct layout *out, const char *name)
{
	for (unsigned i = 0; i < out->rec.count; i++)
		if (strcmp(out->name[i], name) == 0)
			return 1;
	return 0;
}

/* The file's name, with "_2", "_3", ... when an earlier file took it. */
static void add_file(struct layout *out, const struct layout_file *file)
{
	char base[RECORD_NAME_MAX + 1], name[RECORD_NAME_MAX + 1];

	layout_file_name(file->path, file->path_len, base);
	snprintf(name, sizeof(name), "%s", base);
	for (unsigned k = 2; name_taken(out, name); k++) {
		char suffix[16];
		int n = snprintf(suffix, sizeof(suffix), "_%u", k);
		snprintf(name, sizeof(name), "%.*s%s", RECORD_NAME_MAX - n, base, suffix);
	}
	add_region(out, name, file->lowest);
}

int layout_build(struct layout *out, const struct layout_facts *f, struct aslr_error *err)
{
	const struct map_entry *exe = file_at(f->maps, f->auxv->entry, 0);
	const struct map_entry *ld = f->auxv->base ? file_at(f->maps, f->auxv->base, 1) : NULL;
	size_t files;

	out->rec.count = 0;
	if (!exe)
		return aslr_error_set(err, -EINVAL, "the entry point 0x%llx lies in no mapped file",
				      (unsigned long long)f->auxv->entry);
	if (f->auxv->base && !ld)
		return aslr_error_set(err, -EINVAL, "no file is mapped at the interpreter's base 0x%llx",
				      (unsigned long long)f->auxv->base);
	if (collect_files(out, f->maps, exe, ld, &files) < 0)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	add_fixed(out, f, exe, ld);
	if (files > RECORD_CAPACITY - out->rec.count)
		return aslr_error_set(err, -E2BIG, "it maps %zu files: more than the %u regions a layout can hold",
				      files + 1 + (ld != NULL), RECORD_CAPACITY);
	if (files)
		qsort(out->file, files, sizeof(*out->file), by_path);
	for (size_t i = 0; i < files; i++)
		add_file(out, &out->file[i]);
	return 0;
}

void layout_free(struct layout *layout)
{
	free(layout->file);
	layout->file = NULL;
	layout->file_cap = 0;
}
