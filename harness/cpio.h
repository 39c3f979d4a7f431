/* cpio.h: an initramfs archive in the "newc" cpio format the kernel unpacks
 * (Documentation/driver-api/early-userspace/buffer-format.rst), written by our own code.
 *
 * Entries are named without a leading '/'. A folder an entry needs is added before it
 * the first time (mode 0755), so the kernel never meets a file whose folder is missing;
 * a name added twice is refused. Owner root, mtime 0: the same inputs give the same bytes. */
#ifndef ASLR_CPIO_H
#define ASLR_CPIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct cpio_writer {
	int fd;            /* where the archive goes; the caller opens and closes it */
	uint32_t next_ino;
	uint64_t offset;   /* bytes written so far */
	char **names;      /* every entry so far (allocated) */
	size_t name_count, name_cap;
};

/* Start an archive on fd. */
void cpio_begin(struct cpio_writer *w, int fd);

/* A folder (mode: permission bits). */
int cpio_add_dir(struct cpio_writer *w, const char *name, unsigned mode, struct aslr_error *err);

/* A regular file with the given bytes (mode: permission bits; files are at most 4 GiB - 1). */
int cpio_add_data(struct cpio_writer *w, const char *name, unsigned mode, const void *data, size_t len,
		  struct aslr_error *err);

/* A regular file with the contents of host_path (symlinks followed), mode: permission bits. */
int cpio_add_copy(struct cpio_writer *w, const char *name, unsigned mode, const char *host_path,
		  struct aslr_error *err);

int cpio_add_symlink(struct cpio_writer *w, const char *name, const char *target, struct aslr_error *err);

/* A device node: type S_IFCHR or S_IFBLK, with permission bits in mode. */
int cpio_add_device(struct cpio_writer *w, const char *name, unsigned mode, unsigned major, unsigned minor,
		    struct aslr_error *err);

/* The TRAILER!!! entry, padded to 512 bytes. Frees what the writer holds (also on error). */
int cpio_finish(struct cpio_writer *w, struct aslr_error *err);

/* Free what the writer holds without finishing the archive. */
void cpio_discard(struct cpio_writer *w);

#endif
