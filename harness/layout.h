/* layout.h: a traced program's layout at its entry point, as a record of named regions.
 *
 * The record has the shape of a probe's, so everything downstream is unchanged:
 *
 *   exe    the lowest mapping of the executable (the file AT_ENTRY lies in)
 *   ld     the lowest mapping of the interpreter (the file mapped at AT_BASE); absent
 *          in a static program
 *   vdso   [vdso];  vvar: the lowest [vvar] (absent when the kernel maps none)
 *   stack  start_stack of /proc/PID/stat (where argc is)
 *   argv   arg_start (the first byte of argv[0]'s string)
 *   brk    start_brk (where the brk heap will begin)
 *   tls    the thread pointer; absent when 0 (a static program sets it up after its entry)
 *   lib_<file>  one per other mapped file: the lowest address of its mappings
 *
 * A file is known by its device and inode; its region is named "lib_" and its base
 * name (a " (deleted)" suffix dropped) in lower case with every character outside
 * [a-z0-9] made '_', cut to 32 characters. Files are named in the order of their paths
 * (byte order), and a name already taken gets "_2", "_3", ... (cut to fit), so the same
 * set of files always gives the same names. The regions come in the order above, the
 * files in path order. */
#ifndef ASLR_LAYOUT_H
#define ASLR_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "maps.h"
#include "procfs.h"
#include "record.h"

/* What the layout is read from. */
struct layout_facts {
	const struct maps *maps;
	const struct proc_stat *stat;
	const struct proc_auxv *auxv;
	uint64_t thread_pointer; /* 0: none */
};

struct layout_file; /* layout.c's scratch: one per mapped file */

/* A built layout. rec's names point into name[]; both stay valid until the next build. */
struct layout {
	struct record rec;
	char name[RECORD_CAPACITY][RECORD_NAME_MAX + 1];
	size_t file_cap;
	struct layout_file *file;
};

/* Build out->rec from facts. 0; -EINVAL (the entry point or the interpreter's base lies
 * in no mapped file), -E2BIG (more files than RECORD_CAPACITY leaves room for: the
 * documented limit) or -ENOMEM, with err filled. */
int layout_build(struct layout *out, const struct layout_facts *facts, struct aslr_error *err);

/* The region name of a file (path: len bytes) into name (RECORD_NAME_MAX + 1 bytes),
 * before clashes are resolved. */
void layout_file_name(const char *path, size_t len, char *name);

void layout_free(struct layout *layout);

#endif
