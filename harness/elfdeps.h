/* elfdeps.h: the files a program needs to run somewhere else: itself, its interpreter
 * (PT_INTERP) and every library it loads (DT_NEEDED, recursively), found as the dynamic
 * loader finds them: DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH, then the loader's
 * default folders for that kind of ELF file. $ORIGIN is the folder of the object that asks.
 *
 * Each file has a host path (where it is read) and a guest path (where it goes, so that
 * the loader there finds it the same way): the same path for what was found in an absolute
 * folder, the guest folder of the object for what was found through $ORIGIN. Not handled:
 * libraries found only through /etc/ld.so.cache (the guest has no cache; they are reported
 * as not found), LD_LIBRARY_PATH (probes run with a fixed environment), dlopen. */
#ifndef ASLR_ELFDEPS_H
#define ASLR_ELFDEPS_H

#include <stddef.h>

#include "error.h"

/* The loader's default folders for one kind of ELF file, in its search order. */
struct elfdeps_dirs {
	int elf_class;             /* 32 or 64 */
	unsigned machine;          /* e_machine */
	const char *const *dirs;   /* NULL-terminated */
};

struct elfdeps_file {
	char *host;  /* where it is read */
	char *guest; /* where it goes, absolute */
	int elf_class;    /* 0: not an ELF file (copied as it is) */
	unsigned machine;
};

struct elfdeps {
	const struct elfdeps_dirs *defaults; /* set by the caller */
	size_t default_count;
	struct elfdeps_file *file;           /* every file so far, roots and what they need */
	size_t count, cap;
};

/* Add host_path as guest_path, then what it needs. A file is added once (by guest path); a
 * library of the same name and kind already added is not looked up again (the loader has
 * it by then). Bad input (-ENOENT) when a library is not found: err names it, the object
 * that needs it and the folders searched; -ENOEXEC when a file is not a readable ELF. */
int elfdeps_add(struct elfdeps *deps, const char *host_path, const char *guest_path, struct aslr_error *err);

void elfdeps_free(struct elfdeps *deps);

#endif
