/* maps.h: a strict parser of /proc/PID/maps.
 *
 * Each line, as the kernel writes it (fs/proc/task_mmu.c, show_map_vma):
 *
 *   START-END PERMS OFFSET MAJOR:MINOR INODE[ PADDING PATH]\n
 *
 * START, END and OFFSET are 1 to 16 lowercase hex digits, PERMS is [r-][w-][x-][ps],
 * MAJOR and MINOR are lowercase hex, INODE decimal. What follows the inode and its
 * space is the padding (spaces) and the path, the rest of the line: a path may hold
 * spaces, ends with " (deleted)" when the file was removed, and has a newline written
 * as "\012" by the kernel, so a line never holds a newline. Pseudo paths are in
 * brackets ([heap], [stack], [vdso], [vvar], [anon:NAME], ...). START < END, and the
 * lines ascend without overlapping. Anything else is refused with its line and column. */
#ifndef ASLR_MAPS_H
#define ASLR_MAPS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "procfs.h"

struct map_entry {
	uint64_t start, end, offset, inode;
	unsigned dev_major, dev_minor;
	char perms[5];
	const char *path; /* into the parsed text (not NUL-terminated); NULL when the mapping has none */
	size_t path_len;
};

/* The parsed lines; the array grows as needed and is reused by the next parse. */
struct maps {
	size_t count;
	size_t cap;
	struct map_entry *entry;
};

/* Parse text (len bytes: the whole file), which must outlive maps' paths. 0, -ENOMEM,
 * or -EINVAL with err naming path:line:column. */
int maps_parse(struct maps *maps, const char *text, size_t len, const char *path, struct aslr_error *err);

/* Read path into buf and parse it. 0 or -errno with err filled. */
int maps_read(struct maps *maps, struct proc_buf *buf, const char *path, struct aslr_error *err);

/* 1 when the entry is a mapping of a file: a path that starts with '/' and an inode. */
int map_entry_is_file(const struct map_entry *e);

/* 1 when the entry's path is exactly name (e.g. "[vdso]"). */
int map_entry_is(const struct map_entry *e, const char *name);

void maps_free(struct maps *maps);

#endif
