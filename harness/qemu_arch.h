/* qemu_arch.h: everything that depends on the guest's architecture, in one place.
 *
 * The guest runs the harness's own binaries (the harness, the probes, their libraries),
 * so the guest's architecture is the one this harness was built for. x86-64 is the one
 * implemented. An arm64 guest would take: this file's table for EM_AARCH64
 * (qemu-system-aarch64, -M virt, -cpu max or host, console ttyAMA0 and, as virt has one
 * PL011, the frames on the console line too: frame.h's reader skips kernel messages),
 * the loader's folders (/lib/aarch64-linux-gnu...), a KVM check of its own (kvm_usable
 * runs x86 real-mode code), and the probes and harness cross-built with Debian's
 * gcc-aarch64-linux-gnu; see docs/kernels.md. */
#ifndef ASLR_QEMU_ARCH_H
#define ASLR_QEMU_ARCH_H

#include <stddef.h>

#include "elfdeps.h"
#include "error.h"

struct qemu_arch {
	const char *name;           /* "x86_64" */
	const char *qemu_binary;    /* "qemu-system-x86_64", looked up in PATH */
	const char *qemu_package;   /* the Debian package that has it */
	const char *machine;        /* -machine */
	const char *cpu_kvm;        /* -cpu under KVM */
	const char *cpu_tcg;        /* -cpu under TCG */
	const char *console;        /* the guest's console device, for console= */
	const char *data_device;    /* the guest's device for the frames (the second serial port) */
	unsigned data_major, data_minor;       /* its device numbers (a node in the initramfs) */
	unsigned console_major, console_minor; /* the console's serial port's */
	const struct elfdeps_dirs *lib_dirs;   /* the loader's default folders per kind of ELF */
	size_t lib_dir_count;
};

/* The architecture the guest runs: this harness's own. */
const struct qemu_arch *qemu_arch_host(void);

/* Whether KVM can run this architecture's guests here, at hardware speed: 1 yes; 0 no,
 * with why ("cannot open /dev/kvm: ...", "runs guest code N times slower ..."). Opens
 * kvm_path (NULL: /dev/kvm), and runs a 65,536-iteration loop of real-mode code in a
 * throw-away VM in a child process (at most 2 s): a nested KVM without hardware support
 * accepts every ioctl and then runs a kernel a thousand times slower than TCG. */
int qemu_kvm_usable(const char *kvm_path, char *why, size_t size);

/* Full path of the QEMU binary, looked up in PATH (unset: /usr/local/bin:/usr/bin:/bin),
 * into buf: 0, or -ENOENT. */
int qemu_find_binary(const struct qemu_arch *arch, char *buf, size_t size);

/* What the QEMU command line is made of. */
struct qemu_params {
	const char *binary;     /* qemu_find_binary's */
	const char *image;      /* the kernel */
	const char *initramfs;
	const char *append;     /* added to the kernel command line after ours; may be NULL */
	int kvm;                /* 1: -accel kvm, 0: TCG, multi-threaded */
	unsigned cpus, memory_mb;
	int console_fd, data_fd; /* QEMU's own descriptors for the two serial lines (write ends) */
};

/* The command line, NULL-terminated, into *argv (free with qemu_command_free). The kernel
 * gets "console=<console> panic=-1" (a panic reboots, and -no-reboot turns that into QEMU's
 * exit) and then params->append. */
int qemu_command(const struct qemu_arch *arch, const struct qemu_params *params, char ***argv,
		 struct aslr_error *err);
void qemu_command_free(char **argv);

#endif
