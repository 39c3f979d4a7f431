/* probeinfo.h: what run.json says about a probe binary: ELF class and type, the
 * largest PT_LOAD alignment (2 MiB alignment changes what the kernel can randomize),
 * size and SHA-256 (so --resume can tell the same probe). */
#ifndef ASLR_PROBEINFO_H
#define ASLR_PROBEINFO_H

#include <stdint.h>

#include "error.h"

struct probe_info {
	int elf_class;        /* 32 or 64 */
	char elf_type[8];     /* "EXEC" (fixed address), "DYN" (PIE), or "other" */
	uint64_t pt_load_align;
	uint64_t size;
	char sha256[65];
};

/* Any file's size and SHA-256 (hex). 0, or -errno with err filled. */
int file_sha256(const char *path, uint64_t *size, char hex[65], struct aslr_error *err);

/* 0, or -errno / -ENOEXEC (not an ELF file) with err filled. */
int probe_info_read(const char *path, struct probe_info *info, struct aslr_error *err);

#endif
