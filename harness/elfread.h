/* elfread.h: what the dynamic loader needs to know about an ELF file: its class and
 * machine, its interpreter (PT_INTERP) and its dynamic section's DT_NEEDED, DT_RPATH and
 * DT_RUNPATH. Little-endian ELF32 and ELF64; every offset is checked against the file. */
#ifndef ASLR_ELFREAD_H
#define ASLR_ELFREAD_H

#include <stddef.h>

#include "error.h"

struct elf_dyninfo {
	int elf_class;    /* 32 or 64 */
	unsigned machine; /* e_machine: EM_X86_64, EM_386, EM_AARCH64... */
	char *interp;     /* PT_INTERP, or NULL (static, or a library) */
	char **needed;    /* DT_NEEDED names, in order */
	size_t needed_count;
	char *rpath;      /* DT_RPATH, DT_RUNPATH (':'-separated), or NULL */
	char *runpath;
};

/* Read path. -ENOEXEC (bad input) when it is not an ELF file this reader understands
 * or an offset points outside it; other -errno for I/O. On success free with elf_dyninfo_free. */
int elf_dyninfo_read(const char *path, struct elf_dyninfo *info, struct aslr_error *err);
void elf_dyninfo_free(struct elf_dyninfo *info);

/* Just the class and machine (for picking a library of the right kind). 0 or -errno. */
int elf_identify(const char *path, int *elf_class, unsigned *machine);

#endif
