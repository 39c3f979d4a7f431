/* initramfs.h: the guest's whole root file system, one cpio archive built here.
 *
 * It holds the programs asked for (the harness, the probes, ...) with their interpreter
 * and libraries (elfdeps.h), where the guest's loader finds them; /init, a symlink to the
 * program that runs as init (the harness: guest.h); the guest's arguments and settings
 * (guest_proto.h); folders to mount /proc, /sys and /dev on; and the device nodes the init
 * needs before /dev is mounted (console, null, the two serial lines). A file reached twice
 * (the loader under two names) is stored once, the other name a symlink. */
#ifndef ASLR_INITRAMFS_H
#define ASLR_INITRAMFS_H

#include <stddef.h>

#include "error.h"
#include "qemu_arch.h"

struct initramfs_file {
	const char *host;
	const char *guest; /* absolute */
};

struct initramfs_spec {
	const struct qemu_arch *arch;
	const struct initramfs_file *program; /* each with what it needs */
	size_t program_count;
	const char *init;                     /* guest path /init links to: one of the programs */
	const char *args;                     /* GUEST_ARGS_PATH's bytes */
	size_t args_len;
	const char *conf;                     /* GUEST_CONF_PATH's text */
};

struct initramfs_stats {
	size_t files;       /* regular files */
	size_t links;       /* files stored once and named twice */
	unsigned long long bytes; /* the archive's size */
};

/* Write the archive to path (atomically). Bad input when a program or a library it needs
 * is missing (err names it). */
int initramfs_write(const struct initramfs_spec *spec, const char *path, struct initramfs_stats *stats,
		    struct aslr_error *err);

#endif
