/* procfs.h: the small /proc/PID files a traced program's layout is read from.
 *
 * Files are read whole into a buffer that grows as needed and is reused from one exec
 * to the next (nothing is allocated once it is large enough). The parsers take the
 * text, so tests feed them files; the readers take paths, so tests can point them at
 * files too. */
#ifndef ASLR_PROCFS_H
#define ASLR_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A file's bytes; data is NUL-terminated after len (for the text parsers). */
struct proc_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Read path whole into buf (replacing what it held), to the end of the file. 0 or -errno
 * (-ENOMEM). */
int proc_buf_read(struct proc_buf *buf, const char *path);

/* The same for a file the kernel makes in one piece (/proc/PID/stat, auxv: one record),
 * which one read returns whole: a read that leaves room in the buffer ends it. Not for
 * maps, whose reads stop at page-sized chunks. */
int proc_buf_read_small(struct proc_buf *buf, const char *path);
void proc_buf_free(struct proc_buf *buf);

/* The fields of /proc/PID/stat a layout needs (man 5 proc; 1-based field numbers). */
struct proc_stat {
	uint64_t start_stack; /* field 28: the stack's start, where argc is */
	uint64_t start_brk;   /* field 47: where the brk heap begins */
	uint64_t arg_start;   /* field 48: the first byte of argv[0]'s string */
};

/* Parse /proc/PID/stat (len bytes). Field 2 (comm) is in parentheses and may hold any
 * character, ')' and spaces included: fields are counted after the last ')'. Field 3
 * (the state) is one letter, every later field a decimal integer (a '-'
 * allowed), and there must be at least 48. 0, or -EINVAL with err naming path and the column of the problem. */
int proc_stat_parse(const char *text, size_t len, const char *path, struct proc_stat *out,
		    struct aslr_error *err);

/* The auxiliary vector entries a layout needs (0 when absent). */
struct proc_auxv {
	uint64_t entry;        /* AT_ENTRY: the program's entry point */
	uint64_t base;         /* AT_BASE: the interpreter's base; 0 for a static program */
	uint64_t sysinfo_ehdr; /* AT_SYSINFO_EHDR: the vDSO */
};

/* Parse /proc/PID/auxv of a process of ELF class 32 or 64: (type, value) pairs of that
 * word size up to AT_NULL. 0, or -EINVAL with err (no AT_NULL, a partial pair, no AT_ENTRY). */
int proc_auxv_parse(const void *data, size_t len, int elf_class, const char *path, struct proc_auxv *out,
		    struct aslr_error *err);

#endif
